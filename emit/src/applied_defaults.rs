//! Values a target writes that the stack did not state, taken from the stack's
//! [`Defaults`] (the one place they live) and reported as a [`WarningKind::DefaultApplied`]
//! warning that names each value and how to set it, so no limit or size is ever silent.

use std::fmt;

use stack_dsl::{Cpu, Defaults, Memory, Resources, Volume};

use crate::bundle::{Warning, WarningKind};

/// One value the stack did not state, as applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    what: String,
    value: String,
    set_with: &'static str,
}

impl Applied {
    /// A choice the target made from applied defaults, such as the instance type that holds
    /// the default limits; set through what it was made from.
    pub fn choice(what: &str, value: &str, set_with: &'static str) -> Self {
        Applied { what: what.into(), value: value.into(), set_with }
    }
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} (set it with {})", self.what, self.value, self.set_with)
    }
}

/// `applied` as one sentence: values set the same way share one "set with".
fn sentence(applied: &[Applied]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for group in applied.chunk_by(|a, b| a.set_with == b.set_with) {
        let values: Vec<String> = group.iter().map(|a| format!("{} {}", a.what, a.value)).collect();
        let them = if group.len() > 1 { "them" } else { "it" };
        parts.push(format!("{} (set {them} with {})", values.join(", "), group[0].set_with));
    }
    parts.join("; ")
}

/// Which of a service's resources a target writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Limits only (an instance type chosen to hold them).
    Limits,
    /// Reservations (requests) and limits.
    RequestsAndLimits,
}

/// `stated` with every value it leaves unset taken from `defaults`, and what was taken. A
/// default limit is never below the stated reservation, a default reservation never above the
/// limit.
pub fn resources(stated: &Resources, defaults: Defaults, written: Written) -> (Resources, Vec<Applied>) {
    let mut applied = Vec::new();
    let mut take = |unstated: bool, what: &str, value: String, set_with| {
        if unstated {
            applied.push(Applied { what: what.into(), value, set_with });
        }
    };
    let cpu_limit =
        stated.cpu_limit.unwrap_or(defaults.cpu_limit.max(stated.cpu_reservation.unwrap_or(Cpu::millis(0))));
    let memory_limit =
        stated.memory_limit.unwrap_or(defaults.memory_limit.max(stated.memory_reservation.unwrap_or(Memory::mib(0))));
    let cpu_request = stated.cpu_reservation.unwrap_or(defaults.cpu_request.min(cpu_limit));
    let memory_request = stated.memory_reservation.unwrap_or(defaults.memory_request.min(memory_limit));
    let limits = "Resources::limit on the service, or Defaults::limits for every service";
    let requests = "Resources::reserve on the service, or Defaults::requests for every service";
    if written == Written::RequestsAndLimits {
        take(stated.cpu_reservation.is_none(), "CPU request", cpus(cpu_request), requests);
        take(stated.memory_reservation.is_none(), "memory request", mib(memory_request), requests);
    }
    take(stated.cpu_limit.is_none(), "CPU limit", cpus(cpu_limit), limits);
    take(stated.memory_limit.is_none(), "memory limit", mib(memory_limit), limits);
    let filled = Resources::new().limit(cpu_limit, memory_limit).reserve(cpu_request, memory_request);
    (filled, applied)
}

/// The size of `volume`: its own, or the default (then also what was applied).
pub fn volume_size(volume: &Volume, defaults: Defaults) -> (Memory, Option<Applied>) {
    match volume.size {
        Some(size) => (size, None),
        None => (
            defaults.volume_size,
            Some(Applied {
                what: format!("size of volume {}", volume.name),
                value: mib(defaults.volume_size),
                set_with: "Volume::size, or Defaults::volume_size for every volume",
            }),
        ),
    }
}

/// One warning for everything `target` applied to `service` in `env`, if anything.
pub fn warning(target: &'static str, env: &str, service: &str, applied: &[Applied]) -> Option<Warning> {
    (!applied.is_empty()).then(|| Warning {
        kind: WarningKind::DefaultApplied,
        target,
        env: env.into(),
        service: service.into(),
        message: sentence(applied),
    })
}

fn cpus(cpu: Cpu) -> String {
    format!("{cpu} CPU")
}

fn mib(memory: Memory) -> String {
    let (n, unit) = memory.in_binary_unit();
    if unit.is_empty() { format!("{n} B") } else { format!("{n} {unit}iB") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unstated_values_are_applied_and_reported() {
        let stated = Resources::new().limit_memory(Memory::gib(1));
        let (filled, applied) = resources(&stated, Defaults::new(), Written::Limits);
        assert_eq!((filled.cpu_limit, filled.memory_limit), (Some(Cpu::millis(500)), Some(Memory::gib(1))));
        let said: Vec<String> = applied.iter().map(ToString::to_string).collect();
        assert_eq!(said.len(), 1, "{said:?}");
        assert!(said[0].starts_with("CPU limit 0.5 CPU (set it with Resources::limit"), "{said:?}");
    }

    #[test]
    fn defaults_never_contradict_the_stated_values() {
        let small = Resources::new().limit(Cpu::millis(50), Memory::mib(64));
        let (filled, _) = resources(&small, Defaults::new(), Written::RequestsAndLimits);
        assert_eq!((filled.cpu_reservation, filled.memory_reservation), (Some(Cpu::millis(50)), Some(Memory::mib(64))));
        let big = Resources::new().reserve(Cpu::cores(2), Memory::gib(1));
        let (filled, applied) = resources(&big, Defaults::new(), Written::RequestsAndLimits);
        assert_eq!((filled.cpu_limit, filled.memory_limit), (Some(Cpu::cores(2)), Some(Memory::gib(1))));
        assert_eq!(applied.len(), 2);
    }
}
