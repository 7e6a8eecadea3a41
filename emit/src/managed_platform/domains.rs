//! The custom domains of a deployed service: the platform gives a service whole hosts.

use stack_dsl::{Route, Service};

use super::Plan;

impl<'a> Plan<'a> {
    /// The custom domains of a deployed service, one route per host (the first); a route
    /// limited to a path is reported, since the platform gives the service the whole host.
    pub fn domains(&mut self, service: &'a Service) -> Vec<&'a Route> {
        let mut domains: Vec<&Route> = Vec::new();
        for route in &service.routes {
            if route.path != "/" && self.facts.routes_whole_hosts {
                let message = format!(
                    "{} routes whole hosts; {}{} serves every path of {}",
                    self.platform, route.host, route.path, route.host
                );
                self.warn(&service.name, message);
            }
            if !domains.iter().any(|d| d.host == route.host) {
                domains.push(route);
            }
        }
        domains
    }
}
