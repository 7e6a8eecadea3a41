//! Replicas and resource limits, as the Docker daemon applies them outside Swarm.
//!
//! `docker compose up` applies `deploy.resources.limits` (cpus, memory) but not
//! `deploy.resources.reservations`, which only Swarm schedules by
//! (<https://docs.docker.com/reference/compose-file/deploy/#resources>;
//! <https://github.com/docker/compose/issues/9902>). Reservations are therefore not written, and a
//! warning names each service that has them. A CPU limit above the host's cores makes the daemon
//! refuse the container, so the header states the host the file needs, or the one the stack
//! declares (whose limits validation has checked).

use stack_dsl::{Cpu, Memory, Service, ValidStack};

use super::model::{Deploy, DeployResources, ResourceAmounts};

fn memory(m: Memory) -> String {
    let (n, unit) = m.in_binary_unit();
    format!("{n}{unit}")
}

/// The `deploy:` section: replicas and limits.
pub fn deploy(service: &Service) -> Option<Deploy> {
    let r = &service.resources;
    let limits = (r.cpu_limit.is_some() || r.memory_limit.is_some())
        .then(|| ResourceAmounts { cpus: r.cpu_limit.map(|c| c.to_string()), memory: r.memory_limit.map(memory) });
    let resources = limits.map(|limits| DeployResources { limits: Some(limits), reservations: None });
    let replicas = (service.replicas != 1).then_some(service.replicas);
    (replicas.is_some() || resources.is_some()).then_some(Deploy { replicas, resources })
}

/// The warning for reservations Compose would ignore, if the service has any.
pub fn ignored_reservation(service: &Service) -> Option<String> {
    let r = &service.resources;
    let mut reserved = Vec::new();
    if let Some(cpu) = r.cpu_reservation {
        reserved.push(format!("{cpu} CPUs"));
    }
    if let Some(m) = r.memory_reservation {
        reserved.push(memory(m));
    }
    (!reserved.is_empty()).then(|| {
        format!(
            "Compose outside Swarm does not apply reservations; the reservation of {} is left out (it applies on Kubernetes)",
            reserved.join(" and ")
        )
    })
}

/// The header line about the host's size.
pub fn host_note(stack: &ValidStack) -> Option<String> {
    if let Some(host) = stack.host {
        return Some(format!(
            "Sized for a host of {} cores and {}: every limit fits in it",
            host.cpus,
            memory(host.memory)
        ));
    }
    let cpus: Option<Cpu> = stack.services().filter_map(|s| s.resources.cpu_limit).max();
    cpus.map(|cpus| {
        format!(
            "Needs a host with {cpus} or more CPUs: Docker refuses a container limited to more CPUs than the host has"
        )
    })
}
