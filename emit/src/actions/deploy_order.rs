//! The order a platform deploys a stack's services in, from the model's `depends_on`: a service
//! is deployed only once every service it waits for is live, so what the first one does when it
//! starts (an api whose start runs the migrations) is done before those that need it start.
//! Services in one wave wait for nothing in the same wave and are deployed together.

use stack_dsl::ValidStack;

/// `services` of `stack` in waves: each service after every deployed one it depends on, in
/// stack order within a wave. A dependency outside `services` (a database, a one-shot job the
/// platform runs itself) imposes no order here.
pub fn waves<'a>(stack: &ValidStack, services: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut wave_of: Vec<Option<usize>> = vec![None; services.len()];
    // A validated stack has no dependency cycle; the bound keeps a cycle from looping.
    for _ in 0..=services.len() {
        for (index, name) in services.iter().enumerate() {
            let waits_for = stack
                .services()
                .filter(|s| s.name == *name)
                .flat_map(|s| &s.depends_on)
                .filter_map(|d| services.iter().position(|other| *other == d.service.name()));
            let wave = waits_for.map(|d| wave_of[d].map_or(usize::MAX, |w| w + 1)).max().unwrap_or(0);
            wave_of[index] = (wave != usize::MAX).then_some(wave);
        }
    }
    let mut waves: Vec<Vec<&str>> = Vec::new();
    for (name, wave) in services.iter().zip(&wave_of) {
        let wave = wave.unwrap_or(services.len());
        if waves.len() <= wave {
            waves.resize(wave + 1, Vec::new());
        }
        waves[wave].push(name);
    }
    waves.retain(|w| !w.is_empty());
    waves
}
