//! Which published ports the host exposes to the world, and what the header says about the rest.
//!
//! Docker publishes a port on every host address by default and inserts its own firewall rules
//! ahead of the host's, so ufw or firewalld do not guard a published port
//! (<https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-and-ufw>).
//! Only an edge proxy's ports are public routes; every other published port is bound to the
//! loopback address (`127.0.0.1:host:container`,
//! <https://docs.docker.com/reference/compose-file/services/#ports>), reachable from the host
//! itself or through an SSH tunnel.

use std::collections::HashSet;

use stack_dsl::{Role, Service, ValidStack};

/// The address non-public ports are bound to.
pub const LOOPBACK: &str = "127.0.0.1";

/// The `ports:` entries of `service`.
pub fn ports(service: &Service) -> Vec<String> {
    let public = matches!(service.role, Role::EdgeProxy { .. });
    service
        .ports
        .iter()
        .filter_map(|p| {
            let host = p.published?;
            Some(if public { format!("{host}:{}", p.number) } else { format!("{LOOPBACK}:{host}:{}", p.number) })
        })
        .collect()
}

/// The services an edge proxy of the stack (nginx on 80/443) fronts: their routes
/// are served through the proxy, whose own configuration answers their host.
pub fn fronted(stack: &ValidStack) -> HashSet<&str> {
    stack
        .services()
        .filter_map(|p| match &p.role {
            Role::EdgeProxy { upstreams } => Some(upstreams.iter().map(|u| u.name())),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Header lines: the ports reachable only from the host, and the public routes no service in
/// the file serves.
pub fn notes(stack: &ValidStack) -> Vec<String> {
    let mut notes = Vec::new();
    let loopback: Vec<String> = stack
        .services()
        .filter(|s| !matches!(s.role, Role::EdgeProxy { .. }))
        .flat_map(|s| s.ports.iter().filter_map(move |p| p.published.map(|h| format!("{} {h}", s.name))))
        .collect();
    if !loopback.is_empty() {
        notes.push(format!(
            "Published on {LOOPBACK} only, not to the network: {}; from elsewhere use an SSH tunnel (ssh -L <port>:{LOOPBACK}:<port> <host>)",
            loopback.join(", ")
        ));
    }
    if stack.edge.is_none() {
        let fronted = fronted(stack);
        let routes: Vec<String> = stack
            .services()
            .filter(|s| !fronted.contains(s.name.as_str()))
            .flat_map(|s| {
                s.routes.iter().map(move |r| {
                    let port = s.route_port(r).map_or(String::new(), |p| format!(":{p}"));
                    format!("{}{} → {}{port}", r.host, r.path, s.name)
                })
            })
            .collect();
        if !routes.is_empty() {
            notes.push(format!(
                "Not reachable from outside as generated: no edge proxy serves the routes {}; run a reverse proxy on the host that joins this project's network and forwards them (with TLS), or declare one in the stack (stack.set_edge)",
                routes.join(", ")
            ));
        }
    }
    notes
}
