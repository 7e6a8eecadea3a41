//! CPU and memory as requests and limits. Every container gets both: the model's
//! reservations and limits where given, otherwise the defaults below, so the scheduler can
//! place pods and one runaway process cannot starve its node.
//! <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stack_dsl::{Cpu, Memory, Resources};

/// CPU requested when the service reserves none.
pub const DEFAULT_CPU_REQUEST: Cpu = Cpu::millis(100);
/// Memory requested when the service reserves none.
pub const DEFAULT_MEMORY_REQUEST: Memory = Memory::mib(128);
/// CPU limit when the service sets none.
pub const DEFAULT_CPU_LIMIT: Cpu = Cpu::cores(1);
/// Memory limit when the service sets none.
pub const DEFAULT_MEMORY_LIMIT: Memory = Memory::mib(512);

/// Requests and limits: the model's values, defaults for the rest, never a request above its
/// limit.
pub fn requirements(resources: &Resources) -> ResourceRequirements {
    let cpu_limit =
        resources.cpu_limit.unwrap_or(DEFAULT_CPU_LIMIT.max(resources.cpu_reservation.unwrap_or(Cpu::millis(0))));
    let memory_limit = resources
        .memory_limit
        .unwrap_or(DEFAULT_MEMORY_LIMIT.max(resources.memory_reservation.unwrap_or(Memory::mib(0))));
    let cpu_request = resources.cpu_reservation.unwrap_or(DEFAULT_CPU_REQUEST.min(cpu_limit));
    let memory_request = resources.memory_reservation.unwrap_or(DEFAULT_MEMORY_REQUEST.min(memory_limit));
    ResourceRequirements {
        requests: Some(BTreeMap::from([("cpu".into(), cpu(cpu_request)), ("memory".into(), memory(memory_request))])),
        limits: Some(BTreeMap::from([("cpu".into(), cpu(cpu_limit)), ("memory".into(), memory(memory_limit))])),
        ..Default::default()
    }
}

/// `500m`, `2`.
pub fn cpu(cpu: Cpu) -> Quantity {
    let millis = cpu.as_millis();
    Quantity(if millis.is_multiple_of(1000) { (millis / 1000).to_string() } else { format!("{millis}m") })
}

/// `512Mi`, `10Gi`.
pub fn memory(memory: Memory) -> Quantity {
    let (n, unit) = memory.in_binary_unit();
    Quantity(if unit.is_empty() { n.to_string() } else { format!("{n}{unit}i") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(cpu(Cpu::millis(250)).0, "250m");
        assert_eq!(cpu(Cpu::cores(2)).0, "2");
        assert_eq!(memory(Memory::gib(10)).0, "10Gi");
        assert_eq!(memory(Memory::mib(1536)).0, "1536Mi");
    }

    #[test]
    fn defaults_never_exceed_the_model() {
        let small = requirements(&Resources::new().limit(Cpu::millis(50), Memory::mib(64)));
        assert_eq!(small.requests.unwrap()["cpu"].0, "50m");
        let big = requirements(&Resources::new().reserve(Cpu::cores(2), Memory::gib(1)));
        assert_eq!(big.limits.as_ref().unwrap()["cpu"].0, "2");
        assert_eq!(big.limits.unwrap()["memory"].0, "1Gi");
    }
}
