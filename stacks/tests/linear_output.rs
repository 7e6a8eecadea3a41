//! Output grows linearly with the stack: rendering ten times the services writes at most ten
//! times the bytes, in total and in every file both sizes share (a NetworkPolicy listing every
//! peer, or a name joining every service, grows with the square and fails here).

use std::collections::BTreeMap;

use emit::Options;

/// Bytes per generated file of the synthetic stack with `services` services.
fn sizes(services: usize) -> BTreeMap<String, usize> {
    let valid = stacks::synthetic::project(services).validate().expect("the synthetic stack is valid");
    let options = Options::for_output_dir(std::path::Path::new("deploy")).expect("a relative directory");
    let bundle = emit::render(&valid, &options).expect("the synthetic stack renders to every target");
    bundle.files().iter().map(|f| (f.path.clone(), f.contents.len())).collect()
}

/// Ten times the services, at most this many times the bytes (fixed parts make it less than ten).
const GROWTH_LIMIT: f64 = 10.5;

#[test]
fn ten_times_the_services_is_at_most_ten_times_the_output() {
    let (small, large) = (sizes(100), sizes(1000));
    let total = |sizes: &BTreeMap<String, usize>| sizes.values().sum::<usize>() as f64;
    let growth = total(&large) / total(&small);
    assert!(growth <= GROWTH_LIMIT, "total output grew {growth:.1}× from 100 to 1000 services");
    let mut shared = 0;
    for (path, &size) in &small {
        let Some(&grown) = large.get(path) else { continue };
        shared += 1;
        let growth = grown as f64 / size as f64;
        assert!(growth <= GROWTH_LIMIT, "{path} grew {growth:.1}× ({size} → {grown} bytes) from 100 to 1000 services");
    }
    assert!(shared >= 5, "the stack-wide files (compose, policies, render.yaml, railway.ts, workflows) are compared");
}
