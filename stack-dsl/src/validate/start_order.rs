//! Start order: each dependency exists, can be waited for the way it is, and no services wait on
//! each other in a loop.

use std::collections::{HashMap, HashSet};

use super::Checker;
use crate::service::{Ready, Run, Service};

impl<'a> Checker<'a> {
    pub(super) fn check_depends_on(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for dependency in &service.depends_on {
            let name = dependency.service.name();
            let path = format!("depends_on {name}");
            if name == service.name {
                self.report(&[at, &path], "the service depends on itself", "Remove the dependency");
                continue;
            }
            if !seen.insert(name) {
                self.report(
                    &[at, &path],
                    "the dependency is listed twice",
                    "List each dependency once, with the strongest condition",
                );
            }
            if self.externals.contains_key(name) {
                self.report(
                    &[at, &path],
                    format!("{name} lives outside the stack; there is nothing to start or wait for"),
                    "Remove the dependency, and let the service retry its connection until the dependency answers",
                );
                continue;
            }
            let Some(target) = self.resolve(at, &path, &dependency.service) else { continue };
            match (dependency.ready, &target.run) {
                (_, Run::OnSchedule(_)) => self.report(
                    &[at, &path],
                    format!("{name} is a cron job; nothing can wait for a schedule"),
                    "Depend on the services the cron job uses instead",
                ),
                (Ready::Healthy, _) if target.healthcheck.is_none() => self.report(
                    &[at, &path],
                    format!("waits for {name} to be healthy, but {name} has no health check"),
                    format!("Add .healthcheck(..) to {name}, or wait with Ready::Started"),
                ),
                (Ready::Completed, Run::Continuously) => self.report(
                    &[at, &path],
                    format!("waits for {name} to complete, but {name} runs continuously and never completes"),
                    format!("Wait with Ready::Healthy or Ready::Started, or make {name} a Service::job"),
                ),
                (Ready::Healthy | Ready::Started, Run::Once) => self.report(
                    &[at, &path],
                    format!(
                        "{name} is a one-shot job; waiting for it to start or be healthy does not wait for it to finish"
                    ),
                    "Wait with Ready::Completed",
                ),
                _ => {}
            }
        }
    }

    /// One problem per knot of services that wait on each other, found in linear time.
    pub(super) fn check_cycles(&mut self) {
        let services = &self.stack.services;
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let graph: Vec<Vec<usize>> = services
            .iter()
            .map(|s| s.depends_on.iter().filter_map(|d| index.get(d.service.name()).copied()).collect())
            .collect();
        for knot in crate::start_order_cycles::knots(&names, |v| &graph[v]) {
            let at = format!("service {}", names[knot.cycle[0]]);
            let mut shown: Vec<&str> = knot.cycle.iter().map(|&v| names[v]).collect();
            shown.push(shown[0]);
            let mut message = format!("start order has a cycle: {}", shown.join(" → "));
            let on_loop: HashSet<usize> = knot.cycle.iter().copied().collect();
            let others: Vec<&str> = knot.members.iter().filter(|m| !on_loop.contains(m)).map(|&m| names[m]).collect();
            if !others.is_empty() {
                message.push_str(&format!("; {} also wait on these services in a loop", listed(&others)));
            }
            self.report(
                &[&at, "depends_on"],
                message,
                "Remove one of these dependencies so that some service can start first",
            );
        }
    }
}

/// Names joined with commas, the first few only, so a message stays short in a large stack.
fn listed(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    match names.len() {
        n if n <= SHOWN => names.join(", "),
        n => format!("{} and {} more", names[..SHOWN].join(", "), n - SHOWN),
    }
}
