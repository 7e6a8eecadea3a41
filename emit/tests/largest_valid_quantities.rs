//! Every duration, count and amount at the largest value validation accepts renders on every
//! target without a panic: the limits in `stack_dsl` match what the emitters can convert.

use stack_dsl::*;

fn largest(_env: Env) -> Stack {
    let longest = secs(i32::MAX as u64);
    let mut stack = Stack::new("huge");
    let data = stack.add_volume(Volume::persistent("data").size(Memory::from_bytes(i64::MAX as u64)));
    stack.add_service(
        Service::new("web", Image::new("nginx:1.27-alpine"))
            .port(Port::http(80))
            .healthcheck(Probe::http(80, "/").every(longest).timeout(longest).start_period(longest).retries(1))
            .liveness(Probe::http(80, "/").every(longest).timeout(longest).retries(i32::MAX as u32))
            .resources(
                Resources::new()
                    .limit(Cpu::millis(u32::MAX - 1), Memory::from_bytes(i64::MAX as u64))
                    .reserve(Cpu::millis(u32::MAX - 1), Memory::from_bytes(i64::MAX as u64)),
            )
            .mount(Mount::volume(&data, "/data"))
            .mount(Mount::tmpfs("/tmp").size(Memory::from_bytes(i64::MAX as u64))),
    );
    stack
}

#[test]
fn the_largest_valid_quantities_render_on_every_target() {
    let project = Project::new("huge", [Env::Dev, Env::Staging, Env::Production], largest);
    let valid = project.validate().unwrap_or_else(|e| panic!("the largest values are valid: {e}"));
    let bundle = emit::render(&valid, &emit::Options::with_root("")).unwrap();
    assert!(bundle.file("compose/compose.production.yaml").is_some());
    assert!(bundle.file(".railway/railway.ts").is_some());
}
