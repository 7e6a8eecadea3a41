//! CPU and memory as requests and limits. Every container gets both: the model's
//! reservations and limits where given, otherwise the stack's defaults
//! ([`crate::applied_defaults`], reported), so the scheduler can place pods and one runaway
//! process cannot starve its node.
//! <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use stack_dsl::{Cpu, Defaults, Memory, Resources};

use crate::applied_defaults::{self, Applied, Written};

/// Requests and limits: the model's values, `defaults` for the rest (and which were applied).
pub fn requirements(resources: &Resources, defaults: Defaults) -> (ResourceRequirements, Vec<Applied>) {
    let (filled, applied) = applied_defaults::resources(resources, defaults, Written::RequestsAndLimits);
    let amounts = |cpu_amount: Option<Cpu>, memory_amount: Option<Memory>| {
        let pairs = [("cpu".to_string(), cpu_amount.map(cpu)), ("memory".to_string(), memory_amount.map(memory))];
        Some(pairs.into_iter().filter_map(|(k, v)| Some((k, v?))).collect::<BTreeMap<_, _>>())
    };
    let requirements = ResourceRequirements {
        requests: amounts(filled.cpu_reservation, filled.memory_reservation),
        limits: amounts(filled.cpu_limit, filled.memory_limit),
        ..Default::default()
    };
    (requirements, applied)
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
        let (small, _) = requirements(&Resources::new().limit(Cpu::millis(50), Memory::mib(64)), Defaults::new());
        assert_eq!(small.requests.unwrap()["cpu"].0, "50m");
        let (big, _) = requirements(&Resources::new().reserve(Cpu::cores(2), Memory::gib(1)), Defaults::new());
        assert_eq!(big.limits.as_ref().unwrap()["cpu"].0, "2");
        assert_eq!(big.limits.unwrap()["memory"].0, "1Gi");
    }
}
