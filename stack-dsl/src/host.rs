//! The machine an environment runs on, where the stack runs on one host (Compose): its cores and
//! memory. A container limited to more CPUs than the host has is refused by the Docker daemon
//! ("range of CPUs is from 0.01 to N"; <https://docs.docker.com/engine/containers/resource_constraints/#cpu>),
//! and a memory limit above the host's memory limits nothing.

use crate::problem::Problem;
use crate::stack::Stack;
use crate::units::{Cpu, Memory};

/// The size of the host an environment runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Host {
    /// Its CPU cores.
    pub cpus: Cpu,
    /// Its memory.
    pub memory: Memory,
}

impl Host {
    /// A host with `cpus` cores and `memory`.
    pub fn new(cpus: Cpu, memory: Memory) -> Self {
        Host { cpus, memory }
    }
}

impl Stack {
    /// Run this environment on a host of this size; every service's limits must fit in it.
    pub fn runs_on(&mut self, host: Host) {
        self.host = Some(host);
    }
}

/// The problems of the stack's limits against its host; `at` is the stack's location.
pub(crate) fn problems(at: &str, stack: &Stack) -> Vec<Problem> {
    let Some(host) = stack.host else { return Vec::new() };
    let mut found = Vec::new();
    for service in &stack.services {
        let mut report = |field: &str, message: String, fix: String| {
            found.push(Problem {
                path: vec![at.into(), format!("service {}", service.name), format!("resources {field}")],
                message,
                fix,
            });
        };
        if let Some(cpu) = service.resources.cpu_limit.filter(|c| *c > host.cpus) {
            report(
                "cpu limit",
                format!(
                    "the limit of {cpu} CPUs exceeds the host's {} cores; Docker refuses to create the container",
                    host.cpus
                ),
                format!("Limit it to at most {} CPUs, or declare a larger host with Stack::runs_on", host.cpus),
            );
        }
        if let Some(memory) = service.resources.memory_limit.filter(|m| *m > host.memory) {
            let (n, unit) = host.memory.in_binary_unit();
            let (asked, asked_unit) = memory.in_binary_unit();
            report(
                "memory limit",
                format!("the limit of {asked}{asked_unit} exceeds the host's {n}{unit}, so it limits nothing"),
                format!("Limit it to at most {n}{unit}, or declare a larger host with Stack::runs_on"),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Image;
    use crate::resources::Resources;
    use crate::service::Service;

    #[test]
    fn limits_must_fit_the_host() {
        let mut stack = Stack::new("shop");
        stack.runs_on(Host::new(Cpu::cores(2), Memory::gib(4)));
        stack.add_service(
            Service::new("api", Image::new("api")).resources(Resources::new().limit(Cpu::cores(4), Memory::gib(8))),
        );
        stack.add_service(
            Service::new("web", Image::new("web")).resources(Resources::new().limit(Cpu::cores(2), Memory::gib(4))),
        );
        let problems = problems("stack shop", &stack);
        assert_eq!(problems.len(), 2);
        assert!(problems.iter().all(|p| p.path[1] == "service api"));
    }
}
