//! Names of the stack's services, volumes and networks: unique, and valid for the platforms that create them.

use std::collections::HashSet;

use super::Checker;
use crate::name::{dns_label_problem, suggest_dns_label};
use crate::volume::VolumeKind;

impl<'a> Checker<'a> {
    pub(super) fn check_resource_names(&mut self) {
        self.check_names("service", self.stack.services.iter().map(|s| s.name.as_str()).collect(), |_| true);
        let external_volumes: HashSet<&str> =
            self.stack.volumes.iter().filter(|v| v.kind == VolumeKind::External).map(|v| v.name.as_str()).collect();
        self.check_names("volume", self.stack.volumes.iter().map(|v| v.name.as_str()).collect(), |n| {
            !external_volumes.contains(n)
        });
        let external_networks: HashSet<&str> =
            self.stack.networks.iter().filter(|n| n.external).map(|n| n.name.as_str()).collect();
        self.check_names("network", self.stack.networks.iter().map(|n| n.name.as_str()).collect(), |n| {
            !external_networks.contains(n)
        });
    }

    /// Duplicate names, and DNS-1123 rules for the names `dns(name)` selects (resources the stack
    /// creates; external ones keep the name they already have).
    pub(super) fn check_names(&mut self, kind: &str, names: Vec<&str>, dns: impl Fn(&str) -> bool) {
        let mut seen = HashSet::new();
        for name in names {
            let path = format!("{kind} {name}");
            if !seen.insert(name) {
                self.report(
                    &[&path],
                    format!("two {kind}s are named {name:?}"),
                    format!("Give each {kind} a unique name"),
                );
            }
            let problem = if dns(name) { dns_label_problem(name) } else { docker_name_problem(name) };
            if let Some(why) = problem {
                self.report(
                    &[&path],
                    format!("the name {name:?} is invalid: {why}"),
                    format!("Use a DNS-1123 label such as {:?}", suggest_dns_label(name)),
                );
            }
        }
    }
}

fn docker_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    (!first_ok || !rest_ok)
        .then(|| "external names may use letters, digits, '_', '.' and '-', starting with a letter or digit".into())
}
