//! The largest durations, counts and amounts every target can hold, checked before rendering so
//! that no emitter ever overflows converting them.
//!
//! - Kubernetes probe fields (`periodSeconds`, `timeoutSeconds`, `failureThreshold`) are `int32`:
//!   <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe>.
//! - Kubernetes quantities hold at most a signed 64-bit amount (`2^63 - 1` bytes):
//!   <https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/>; Docker
//!   reads byte sizes into an `int64` too (`go-units` `RAMInBytes`):
//!   <https://pkg.go.dev/github.com/docker/go-units#RAMInBytes>.
//! - CPU is held in thousandths of a core in a `u32`; [`crate::Cpu::cores`] saturates there
//!   rather than overflow, so the saturated amount is reported here.

use std::time::Duration;

use crate::probe::Probe;
use crate::problem::Problem;
use crate::service::Service;
use crate::stack::Stack;
use crate::units::{Cpu, Memory};
use crate::volume::MountSource;

/// The longest duration a target holds: Kubernetes' `int32` seconds, about 68 years.
pub const MAX_DURATION: Duration = Duration::from_secs(i32::MAX as u64);

/// The most retries a target holds: Kubernetes' `int32` `failureThreshold`.
pub const MAX_RETRIES: u32 = i32::MAX as u32;

/// The largest amount of memory or storage a target holds: a signed 64-bit count of bytes.
pub const MAX_MEMORY: Memory = Memory::from_bytes(i64::MAX as u64);

/// The problems of a service's durations and amounts; `at` is the service's location.
pub(crate) fn service_problems(at: &[String], service: &Service) -> Vec<Problem> {
    let mut found = Vec::new();
    for (field, probe) in [("healthcheck", &service.healthcheck), ("liveness", &service.liveness)] {
        if let Some(probe) = probe {
            probe_problems(&place(at, field), probe, &mut found);
        }
    }
    let r = &service.resources;
    let cpus = [("CPU limit", r.cpu_limit), ("CPU reservation", r.cpu_reservation)];
    for (what, cpu) in cpus.into_iter().filter_map(|(w, c)| Some((w, c?))) {
        if cpu == Cpu::millis(u32::MAX) {
            found.push(Problem {
                path: place(at, "resources"),
                message: format!(
                    "the {what} overflowed when converted to thousandths of a core (more than {cpu} cores)"
                ),
                fix: "Give the amount any one machine has, such as Cpu::cores(4) or Cpu::millis(500)".into(),
            });
        }
    }
    let memory = [("memory limit", r.memory_limit), ("memory reservation", r.memory_reservation)];
    for (what, amount) in memory.into_iter().filter_map(|(w, m)| Some((w, m?))) {
        memory_problem(&place(at, "resources"), what, amount, &mut found);
    }
    for mount in &service.mounts {
        if let MountSource::Tmpfs { size: Some(size) } = mount.source {
            memory_problem(&place(at, &format!("mount {}", mount.target)), "tmpfs size", size, &mut found);
        }
    }
    found
}

/// The problems of the stack's volume sizes; `at` is the stack's location.
pub(crate) fn volume_problems(at: &[String], stack: &Stack) -> Vec<Problem> {
    let mut found = Vec::new();
    for volume in &stack.volumes {
        let Some(size) = volume.size else { continue };
        let path = place(at, &format!("volume {}", volume.name));
        if size.bytes() == 0 {
            found.push(Problem {
                path,
                message: "the volume's size is zero; no target can provision an empty volume".into(),
                fix: "Give it a size such as Memory::gib(1), or leave the size unset for the target's default".into(),
            });
        } else {
            memory_problem(&path, "volume size", size, &mut found);
        }
    }
    found
}

fn probe_problems(path: &[String], probe: &Probe, found: &mut Vec<Problem>) {
    let timings =
        [("interval", Some(probe.interval)), ("timeout", Some(probe.timeout)), ("start period", probe.start_period)];
    for (what, duration) in timings.into_iter().filter_map(|(w, d)| Some((w, d?))) {
        if duration > MAX_DURATION {
            found.push(Problem {
                path: path.to_vec(),
                message: format!(
                    "the {what} of {} s is longer than Kubernetes can hold ({} s, its probe fields are 32-bit seconds)",
                    duration.as_secs(),
                    MAX_DURATION.as_secs()
                ),
                fix: "Use a duration of seconds or minutes, such as secs(10) or mins(5)".into(),
            });
        }
    }
    // Kubernetes counts the start period in failed checks on top of the retries.
    let start_checks = probe.start_period.map_or(0, |start| start.as_secs().div_ceil(probe.interval.as_secs().max(1)));
    if probe.retries <= MAX_RETRIES && start_checks + u64::from(probe.retries) > u64::from(MAX_RETRIES) {
        found.push(Problem {
            path: path.to_vec(),
            message: format!(
                "the start period allows {start_checks} checks, which with {} retries is more failed checks than Kubernetes can hold ({MAX_RETRIES})",
                probe.retries
            ),
            fix: "Shorten the start period or allow fewer retries".into(),
        });
    }
    if probe.retries > MAX_RETRIES {
        found.push(Problem {
            path: path.to_vec(),
            message: format!("{} retries is more than Kubernetes can hold ({MAX_RETRIES})", probe.retries),
            fix: "Allow a handful of retries, such as .retries(5)".into(),
        });
    }
}

fn memory_problem(path: &[String], what: &str, amount: Memory, found: &mut Vec<Problem>) {
    if amount > MAX_MEMORY {
        found.push(Problem {
            path: path.to_vec(),
            message: format!(
                "the {what} of {} bytes is more than Kubernetes and Docker can hold (at most {} bytes)",
                amount.bytes(),
                MAX_MEMORY.bytes()
            ),
            fix: "Give a size in MiB or GiB that a machine can have, such as Memory::gib(4)".into(),
        });
    }
}

fn place(at: &[String], field: &str) -> Vec<String> {
    let mut path = at.to_vec();
    path.push(field.into());
    path
}
