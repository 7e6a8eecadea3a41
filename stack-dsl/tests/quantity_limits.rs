//! Durations and amounts too large for a target are validation problems, never a panic later.

use stack_dsl::*;

mod support;
use support::problems;

fn web() -> Service {
    Service::new("web", Image::new("nginx:1.27-alpine")).port(Port::http(80))
}

#[test]
fn huge_probe_timings_and_retries() {
    let mut stack = Stack::new("shop");
    stack.add_service(
        web().healthcheck(
            Probe::http(80, "/")
                .every(mins(u64::MAX))
                .timeout(secs(u64::MAX))
                .start_period(secs(1 << 40))
                .retries(u32::MAX),
        ),
    );
    stack.add_service(Service::new("api", Image::new("nginx:1.27-alpine")).port(Port::http(80)).liveness(
        Probe::http(80, "/").every(secs(1)).timeout(secs(1)).start_period(secs(i32::MAX as u64)).retries(10),
    ));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service web › healthcheck: the interval of 18446744073709551615 s is longer than Kubernetes can hold (2147483647 s, its probe fields are 32-bit seconds)",
            "stack shop (production) › service web › healthcheck: the timeout of 18446744073709551615 s is longer than Kubernetes can hold (2147483647 s, its probe fields are 32-bit seconds)",
            "stack shop (production) › service web › healthcheck: the start period of 1099511627776 s is longer than Kubernetes can hold (2147483647 s, its probe fields are 32-bit seconds)",
            "stack shop (production) › service web › healthcheck: 4294967295 retries is more than Kubernetes can hold (2147483647)",
            "stack shop (production) › service api › liveness: the start period allows 2147483647 checks, which with 10 retries is more failed checks than Kubernetes can hold (2147483647)",
        ]
    );
}

#[test]
fn huge_cpu_memory_and_sizes() {
    let mut stack = Stack::new("shop");
    let data = stack.add_volume(Volume::persistent("data").size(Memory::gib(u64::MAX)));
    let empty = stack.add_volume(Volume::persistent("empty").size(Memory::mib(0)));
    stack.add_service(
        web()
            .resources(Resources::new().limit(Cpu::cores(5_000_000), Memory::mib(u64::MAX)))
            .mount(Mount::volume(&data, "/data"))
            .mount(Mount::volume(&empty, "/empty"))
            .mount(Mount::tmpfs("/tmp").size(Memory::from_bytes(1 << 63))),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service web › resources: the CPU limit overflowed when converted to thousandths of a core (more than 4294967.295 cores)",
            "stack shop (production) › service web › resources: the memory limit of 18446744073709551615 bytes is more than Kubernetes and Docker can hold (at most 9223372036854775807 bytes)",
            "stack shop (production) › service web › mount /tmp: the tmpfs size of 9223372036854775808 bytes is more than Kubernetes and Docker can hold (at most 9223372036854775807 bytes)",
            "stack shop (production) › volume data: the volume size of 18446744073709551615 bytes is more than Kubernetes and Docker can hold (at most 9223372036854775807 bytes)",
            "stack shop (production) › volume empty: the volume's size is zero; no target can provision an empty volume",
        ]
    );
}
