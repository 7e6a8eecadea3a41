//! Networks a service joins, and the edge proxy's network that routed services must join.

use std::collections::HashSet;

use super::Checker;
use crate::service::Service;

impl<'a> Checker<'a> {
    /// Networks the stack only refers to cannot be configured by it.
    pub(super) fn check_network_declarations(&mut self) {
        for network in &self.stack.networks {
            if network.external && network.internal {
                self.report(
                    &[&format!("network {}", network.name)],
                    "an external network cannot be marked internal: the stack does not create it",
                    "Drop .internal(), or create the network in the stack with Network::new",
                );
            }
        }
    }

    pub(super) fn check_edge(&mut self) {
        let Some(edge) = &self.stack.edge else { return };
        let network = edge.network().name();
        if !self.networks.contains_key(network) {
            self.report(
                &["edge"],
                format!("the edge proxy's network {network} is not declared in the stack"),
                format!("Declare it with stack.add_network(Network::external({network:?}))"),
            );
        }
        for service in &self.stack.services {
            if !service.routes.is_empty() && !service.networks.iter().any(|n| n.name() == network) {
                self.report(
                    &[&format!("service {}", service.name), "networks"],
                    format!("the service has public routes but does not join {network}, the edge proxy's network"),
                    "Add .network(..) with the edge network, or the proxy cannot reach it",
                );
            }
        }
    }

    pub(super) fn check_networks(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for network in &service.networks {
            let path = format!("network {}", network.name());
            if !self.networks.contains_key(network.name()) {
                self.report(
                    &[at, &path],
                    format!("network {} is not declared in the stack", network.name()),
                    crate::suggest::fix_with_suggestion(
                        network.name(),
                        self.stack.networks.iter().map(|n| n.name.as_str()),
                        format!("Declare it with stack.add_network(Network::new({:?}))", network.name()),
                    ),
                );
            }
            if !seen.insert(network.name()) {
                self.report(&[at, &path], "the service joins the network twice", "Join each network once");
            }
        }
    }
}
