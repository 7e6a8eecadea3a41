//! What the host must allow when containers reach a service running on it, outside Docker.
//!
//! `host.docker.internal:host-gateway` resolves to the default bridge's gateway address
//! (<https://docs.docker.com/reference/cli/docker/container/run/#add-host>), and the connection
//! arrives from the address of the container's own network. A server listening on `localhost`
//! only (PostgreSQL's default `listen_addresses`,
//! <https://www.postgresql.org/docs/current/runtime-config-connection.html>) never sees it, and
//! PostgreSQL refuses clients `pg_hba.conf` does not list
//! (<https://www.postgresql.org/docs/current/auth-pg-hba-conf.html>). The server listens on all
//! addresses (`listen_addresses = '*'`), narrowed by `pg_hba.conf` and the firewall: docker0's
//! address does not exist when the server starts at boot before Docker, so binding it fails.
//! Docker picks a network's subnet anew each time it creates it unless the file fixes it
//! (`ipam`, <https://docs.docker.com/reference/compose-file/networks/#ipam>), so the rules name a
//! fixed subnet where the stack gives one.
//!
//! MySQL and MariaDB listen where `bind_address` says and admit an account only from the hosts
//! it names (<https://dev.mysql.com/doc/refman/8.4/en/server-system-variables.html#sysvar_bind_address>,
//! <https://dev.mysql.com/doc/refman/8.4/en/account-names.html>: `'user'@'172.18.0.0/16'`);
//! MongoDB listens on localhost only unless `net.bindIp` widens it
//! (<https://www.mongodb.com/docs/manual/core/security-mongodb-configuration/>).

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
        // Each client network's subnet: fixed by the stack, or read from Docker, which picks a
        // new one whenever it recreates the network (`down`, then `up`).
        let mut subnets: Vec<String> = Vec::new();
        for service in &clients {
            let names: Vec<(String, Option<&String>)> = if service.networks.is_empty() {
                vec![(format!("{project}_default"), None)]
            } else {
                service
                    .networks
                    .iter()
                    .map(|n| {
                        let fixed = stack.networks.iter().find(|m| m.name == n.name()).and_then(|m| m.subnet.as_ref());
                        (network_name(stack, project, n.name()), fixed)
                    })
                    .collect()
            };
            for (name, fixed) in names {
                let subnet = match fixed {
                    Some(subnet) => subnet.clone(),
                    None => format!(
                        "the subnet of {name} (docker network inspect {name} -f '{{{{range .IPAM.Config}}}}{{{{.Subnet}}}}{{{{end}}}}'; it changes whenever the network is recreated: give it a fixed subnet)"
                    ),
                };
                if !subnets.contains(&subnet) {
                    subnets.push(subnet);
                }
            }
        }
        let subnets = subnets.join(", ");
        notes.push(format!(
            "{} on this host ({DOCKER_HOST}:{port} through host-gateway) must listen on all addresses, not only 127.0.0.1 (an address on docker0 does not exist yet when it starts at boot, before Docker), and the host firewall accept port {port} only from {subnets}",
            external.name
        ));
        let Some(store) = &external.datastore else { continue };
        let user = store.user.as_deref().unwrap_or("all");
        match store.engine {
            Engine::Postgres { .. } => notes.push(format!(
                "PostgreSQL: listen_addresses = '*' in postgresql.conf, and in pg_hba.conf only: host {} {user} {subnets} scram-sha-256",
                store.database.as_deref().unwrap_or("all"),
            )),
            Engine::Mysql { .. } | Engine::Mariadb { .. } => notes.push(format!(
                "{}: bind_address = 0.0.0.0 in its configuration, and the account {user} allowed only from {subnets} ('{user}'@'<subnet>')",
                store.engine.product()
            )),
            Engine::Mongo { .. } => notes.push(
                "MongoDB: net.bindIp: 0.0.0.0 in mongod.conf (or --bind_ip_all), with authorization enabled".into(),
            ),
            Engine::Redis { .. } => {}
        }
    }
    notes
}

/// The name Docker gives a network of the stack: its own name if external, else `<project>_<name>`.
fn network_name(stack: &ValidStack, project: &str, name: &str) -> String {
    let external = stack.networks.iter().any(|n| n.name == name && n.external);
    if external { name.to_string() } else { format!("{project}_{name}") }
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Datastore, Env, External, Image, Project, Service, Stack};

    use super::*;

    fn notes(datastore: Datastore) -> Vec<String> {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            let db = stack.add_external(
                External::on_docker_host("db", 3306).cluster_host("db.example.internal").datastore(datastore.clone()),
            );
            stack.add_service(Service::new("app", Image::new("shop:1")).env("DATABASE_URL", db.database_url()));
            stack
        });
        prerequisites(&project.validate().expect("valid").stacks()[0], "shop")
    }

    #[test]
    fn mysql_and_mongo_on_the_host_are_told_to_listen_beyond_localhost() {
        let mysql = notes(Datastore::mariadb(11).user("shop").database("shop"));
        assert!(
            mysql.iter().any(|n| n.starts_with("MariaDB: bind_address = 0.0.0.0") && n.contains("'shop'@")),
            "{mysql:#?}"
        );
        let mongo = notes(Datastore::mongo(7).user("shop").database("shop"));
        assert!(mongo.iter().any(|n| n.starts_with("MongoDB: net.bindIp")), "{mongo:#?}");
    }
}
