//! Public routes: a declared HTTP port, a bare host name, an absolute path, one service per host and path.

use std::collections::HashMap;

use super::Checker;
use crate::name::dns_label_problem;
use crate::port::Protocol;
use crate::service::Service;

impl<'a> Checker<'a> {
    pub(super) fn check_routes(&mut self, at: &str, service: &Service) {
        for route in &service.routes {
            let path = format!("route {}{}", route.host, route.path);
            if service.ports.is_empty() {
                self.report(
                    &[at, &path],
                    "the service has a public route but declares no port",
                    "Declare the port the route reaches with .port(Port::http(N))",
                );
                continue;
            }
            match route.port {
                Some(n) => match service.ports.iter().find(|p| p.number == n) {
                    None => self.report(
                        &[at, &path],
                        format!("the route reaches port {n}, which the service does not declare"),
                        format!("Add .port(Port::http({n})) or route to a declared port"),
                    ),
                    Some(p) if p.protocol != Protocol::Http => self.report(
                        &[at, &path],
                        format!("the route reaches port {n}, which is not an HTTP port"),
                        format!("Declare it with Port::http({n})"),
                    ),
                    Some(_) => {}
                },
                None if service.route_port(route).is_none() => self.report(
                    &[at, &path],
                    "the route names no port and the service has no HTTP port",
                    "Declare an HTTP port with Port::http(N), or name one with Route::port",
                ),
                None => {}
            }
            if let Some(why) = host_name_problem(&route.host) {
                self.report(
                    &[at, &path],
                    format!("the host {:?} is invalid: {why}", route.host),
                    "Give a bare host name such as \"api.example.com\", without scheme or path",
                );
            }
            if !route.path.starts_with('/') {
                self.report(
                    &[at, &path],
                    format!("the path {:?} does not start with '/'", route.path),
                    format!("Write it as \"/{}\"", route.path),
                );
            }
        }
    }

    pub(super) fn check_routes_are_unique(&mut self) {
        let mut owners: HashMap<(String, String), &str> = HashMap::new();
        for service in &self.stack.services {
            for route in &service.routes {
                let key = (route.host.to_ascii_lowercase(), route.path.clone());
                if let Some(first) = owners.insert(key, &service.name) {
                    let at = format!("service {}", service.name);
                    self.report(
                        &[&at, &format!("route {}{}", route.host, route.path)],
                        format!("service {first} already serves this host and path"),
                        "Route each host and path to one service",
                    );
                }
            }
        }
    }
}

pub(crate) fn host_name_problem(host: &str) -> Option<String> {
    if host.contains("://") || host.contains('/') {
        return Some("it includes a scheme or a path".into());
    }
    if host.is_empty() || host.len() > 253 {
        return Some("a host name has 1 to 253 characters".into());
    }
    host.split('.').enumerate().find_map(|(i, label)| {
        let wildcard = i == 0 && label == "*";
        (!wildcard).then(|| dns_label_problem(&label.to_ascii_lowercase())).flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn host_names() {
        assert_eq!(host_name_problem("api.example.com"), None);
        assert!(host_name_problem("https://api.example.com").is_some());
        assert!(host_name_problem("api_x.example.com").is_some());
    }
}
