//! Container ports and the host ports they publish.

use std::collections::{HashMap, HashSet};

use super::Checker;
use crate::service::Service;

impl<'a> Checker<'a> {
    pub(super) fn check_ports(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for port in &service.ports {
            let path = format!("port {}", port.number);
            if port.number == 0 || port.published == Some(0) {
                self.report(&[at, &path], "port 0 is not a real port", "Use the port the process listens on (1-65535)");
            }
            if !seen.insert(port.number) {
                self.report(&[at, &path], "the port is declared twice", "Declare each container port once");
            }
        }
        let published = service.ports.iter().any(|p| p.published.is_some());
        let most = service.autoscale.map_or(service.replicas, |scale| scale.max.max(service.replicas));
        if published && most > 1 {
            self.report(
                &[at, "ports"],
                format!("{most} replicas cannot all bind the same host port"),
                "Publish the port on a single reverse proxy in front of the replicas, or run one replica",
            );
        }
        let only_internal = !service.networks.is_empty()
            && service.networks.iter().all(|n| self.networks.get(n.name()).copied().unwrap_or(false));
        if only_internal && (published || !service.routes.is_empty()) {
            self.report(
                &[at, "networks"],
                "the service is published or routed but joins only internal networks, which nothing outside can reach",
                "Also join a non-internal network, or stop publishing the service",
            );
        }
    }

    pub(super) fn check_published_ports(&mut self) {
        let mut owners: HashMap<u16, &str> = HashMap::new();
        for service in &self.stack.services {
            for port in &service.ports {
                let Some(host) = port.published else { continue };
                if let Some(first) = owners.insert(host, &service.name)
                    && first != service.name
                {
                    let at = format!("service {}", service.name);
                    self.report(
                        &[&at, &format!("port {}", port.number)],
                        format!("host port {host} is already published by service {first}"),
                        "Publish each host port from one service only; pick another host port",
                    );
                }
            }
        }
    }
}
