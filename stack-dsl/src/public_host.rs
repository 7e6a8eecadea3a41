//! The host each environment is served on when an edge proxy answered any host. A host-less
//! Ingress rule matches every host, so the Ingress replacing such a proxy would tie with any
//! other host-less Ingress of the class on the same path (another stack, or another environment
//! on the same cluster), and only one of them would get the traffic
//! (<https://doc.traefik.io/traefik/routing/routers/#priority>). The project names the host
//! per environment with `Cluster::host`, and each environment needs its own, as for routes
//! (`hosts.rs`).

use crate::cluster::Cluster;
use crate::env::Env;
use crate::problem::Problem;
use crate::role::Role;
use crate::validate::{ValidStack, host_name_problem};

/// The problems of the project's cluster hosts against its `environments` and `stacks`.
pub(crate) fn problems(project: &str, cluster: &Cluster, environments: &[Env], stacks: &[ValidStack]) -> Vec<Problem> {
    let at = |env: Env| vec![format!("project {project}"), "cluster".into(), format!("host of {env}")];
    let mut found = Vec::new();
    for (i, (env, host)) in cluster.hosts.iter().enumerate() {
        if !environments.contains(env) {
            found.push(Problem {
                path: at(*env),
                message: format!("the project has no {env} environment"),
                fix: format!("Give hosts only for the project's environments, or add {env} to Project::new"),
            });
        }
        if let Some(why) = host_name_problem(host) {
            found.push(Problem {
                path: at(*env),
                message: format!("the host {host:?} is invalid: {why}"),
                fix: "Give a DNS name such as \"shop.example.org\"".into(),
            });
        }
        let shared = cluster.hosts[..i].iter().find(|(other, h)| h == host && other.is_hosted() && env.is_hosted());
        if let Some((other, _)) = shared {
            found.push(Problem {
                path: at(*env),
                message: format!(
                    "{other} and {env} are both served on {host}: they would share its DNS record and certificate"
                ),
                fix: format!("Give each hosted environment its own host, such as staging.{host} for Env::Staging"),
            });
        }
    }
    for stack in stacks.iter().filter(|s| cluster.host_of(s.env()).is_none()) {
        for proxy in stack.services() {
            let Role::EdgeProxy { upstreams } = &proxy.role else { continue };
            let any_host: Vec<&str> = upstreams
                .iter()
                .filter(|u| stack.service(u.name()).is_some_and(|s| s.routes.is_empty()))
                .map(|u| u.name())
                .collect();
            if any_host.is_empty() {
                continue;
            }
            let env = stack.env();
            found.push(Problem {
                path: vec![format!("project {project}"), format!("environment {env}"), format!("service {}", proxy.name)],
                message: format!(
                    "the edge proxy answers any host, so on Kubernetes the Ingress replacing it would serve {} on every host, tied with any other host-less Ingress of the cluster on the same path",
                    any_host.join(", ")
                ),
                fix: format!(
                    "Name the host {env} is served on: .cluster(Cluster::new().host({}, \"{}.example.org\")), or give {} a Route with its host",
                    env.rust_spelling(),
                    project,
                    any_host.join(" and ")
                ),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::{Cluster, Env, Image, Port, Project, Service, Stack};

    fn proxied(cluster: Cluster) -> Project {
        Project::new("shop", [Env::Staging, Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let web = stack.add_service(Service::new("web", Image::new("shop-web:1")).port(Port::http(3000)));
            stack.add_service(
                Service::new("proxy", Image::new("nginx:1.27"))
                    .port(Port::http(80).published(80))
                    .edge_proxy_for([&web]),
            );
            stack
        })
        .cluster(cluster)
    }

    #[test]
    fn a_replaced_edge_proxy_needs_each_environments_host() {
        let error =
            proxied(Cluster::new().host(Env::Production, "shop.example.org")).validate().expect_err("no staging host");
        let problems = error.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].location(), "project shop › environment staging › service proxy");
        assert!(
            problems[0].fix.contains("Cluster::new().host(Env::Staging, \"shop.example.org\")"),
            "{}",
            problems[0].fix
        );

        let both =
            Cluster::new().host(Env::Production, "shop.example.org").host(Env::Staging, "staging.shop.example.org");
        assert!(proxied(both).validate().is_ok());
    }

    #[test]
    fn cluster_hosts_are_valid_distinct_and_for_the_projects_environments() {
        let cluster = Cluster::new()
            .host(Env::Production, "shop.example.org")
            .host(Env::Staging, "shop.example.org")
            .host(Env::Dev, "https://localhost");
        let error = proxied(cluster).validate().expect_err("bad hosts");
        let messages: Vec<&str> = error.problems().iter().map(|p| p.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("production and staging are both served on shop.example.org")),
            "{messages:?}"
        );
        assert!(messages.iter().any(|m| m.contains("no dev environment")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("\"https://localhost\" is invalid")), "{messages:?}");
    }
}
