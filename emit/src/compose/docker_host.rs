//! What the host must allow when containers reach a service running on it, outside Docker.
//!
//! `host.docker.internal:host-gateway` resolves to the default bridge's gateway address
//! (<https://docs.docker.com/reference/cli/docker/container/run/#add-host>), and the connection
//! arrives from the address of the container's own network. A server listening on `localhost`
//! only (PostgreSQL's default `listen_addresses`,
//! <https://www.postgresql.org/docs/current/runtime-config-connection.html>) never sees it, and
//! PostgreSQL refuses clients `pg_hba.conf` does not list
//! (<https://www.postgresql.org/docs/current/auth-pg-hba-conf.html>).

use stack_dsl::{DOCKER_HOST, Engine, Reach, ValidStack};

use crate::endpoint::reaches_docker_host;

/// Header lines, one per dependency on the host that a service reaches.
pub fn prerequisites(stack: &ValidStack, project: &str) -> Vec<String> {
    let mut notes = Vec::new();
    for external in &stack.externals {
        let Reach::Address { host, port } = &external.reach else { continue };
        if host != DOCKER_HOST {
            continue;
        }
        let clients: Vec<_> = stack
            .services()
            .filter(|s| {
                s.env.iter().any(|(_, v)| {
                    reaches_docker_host(stack, v) && v.service().is_some_and(|t| t.name() == external.name)
                })
            })
            .collect();
        if clients.is_empty() {
            continue;
        }
        let mut networks: Vec<String> = Vec::new();
        for service in &clients {
            let names: Vec<String> = if service.networks.is_empty() {
                vec![format!("{project}_default")]
            } else {
                service.networks.iter().map(|n| network_name(stack, project, n.name())).collect()
            };
            for name in names {
                if !networks.contains(&name) {
                    networks.push(name);
                }
            }
        }
        let subnets = networks
            .iter()
            .map(|n| format!("docker network inspect {n} -f '{{{{range .IPAM.Config}}}}{{{{.Subnet}}}}{{{{end}}}}'"))
            .collect::<Vec<_>>()
            .join("; ");
        let listen = format!(
            "{} on this host ({DOCKER_HOST}:{port} through host-gateway) must listen on the Docker bridge gateway (ip -4 addr show docker0), not only 127.0.0.1, and the host firewall accept port {port} from the containers' subnet ({subnets})",
            external.name
        );
        notes.push(listen);
        if let Some(store @ stack_dsl::Datastore { engine: Engine::Postgres { .. }, .. }) = &external.datastore {
            notes.push(format!(
                "PostgreSQL: add the gateway address to listen_addresses in postgresql.conf, and allow that subnet in pg_hba.conf: host {} {} <subnet> scram-sha-256",
                store.database.as_deref().unwrap_or("all"),
                store.user.as_deref().unwrap_or("all"),
            ));
        }
    }
    notes
}

/// The name Docker gives a network of the stack: its own name if external, else `<project>_<name>`.
fn network_name(stack: &ValidStack, project: &str, name: &str) -> String {
    let external = stack.networks.iter().any(|n| n.name == name && n.external);
    if external { name.to_string() } else { format!("{project}_{name}") }
}
