//! A dependency on the Docker host needs an address a Kubernetes cluster can use. Docker gives
//! containers the name `host.docker.internal` for the machine they run on
//! (<https://docs.docker.com/reference/cli/dockerd/#configure-host-gateway-ip>); pods have no
//! such host, so every stack, whose Kubernetes manifests are rendered beside its Compose files,
//! gives the DNS name the cluster reaches the dependency at. The Kubernetes target turns it
//! into an `ExternalName` Service, which must name a DNS name, not an IP address
//! (<https://kubernetes.io/docs/concepts/services-networking/service/#externalname>).

use crate::external::{DOCKER_HOST, External, Reach};
use crate::name::dns_label_problem;
use crate::problem::Problem;

/// The problems of `external`'s cluster address; `at` is its location.
pub(crate) fn problems(at: &[String], external: &External) -> Vec<Problem> {
    let on_docker_host = matches!(&external.reach, Reach::Address { host, .. } if host == DOCKER_HOST);
    let problem = |message: String, fix: String| Problem { path: at.to_vec(), message, fix };
    match &external.cluster_host {
        None if on_docker_host => vec![problem(
            format!(
                "it is reached at {DOCKER_HOST}, a name only Docker gives containers: pods in a Kubernetes cluster cannot resolve it"
            ),
            format!(
                "Give the DNS name the cluster reaches it at with .cluster_host(\"{}.internal.example.org\") (the pods reach it through an ExternalName Service named {}), or reach it at an address that works everywhere with External::at",
                external.name, external.name
            ),
        )],
        Some(host) if !on_docker_host => vec![problem(
            format!("it has a cluster address ({host}), but only a dependency on {DOCKER_HOST} uses one"),
            "Drop .cluster_host(..): pods reach this address as it is".into(),
        )],
        Some(host) => dns_name_problem(host)
            .map(|why| {
                problem(
                    format!("its cluster address {host:?} is not a DNS name: {why}"),
                    "Give a DNS name such as \"db.internal.example.org\"; for an IP address, give the cluster a DNS record for it".into(),
                )
            })
            .into_iter()
            .collect(),
        None => Vec::new(),
    }
}

/// Why `host` is not a DNS name an `ExternalName` Service accepts, if it is not one.
fn dns_name_problem(host: &str) -> Option<String> {
    if host.is_empty() || host.len() > 253 {
        return Some("a DNS name has 1 to 253 characters".into());
    }
    if host.split('.').all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_digit())) {
        return Some("it is an IP address".into());
    }
    host.split('.').find_map(dns_label_problem)
}

#[cfg(test)]
mod tests {
    use crate::{Env, External, Image, Project, Service, Stack};

    fn shop(external: fn(Env) -> External) -> Project {
        Project::new("shop", [Env::Dev, Env::Production], move |env| {
            let mut stack = Stack::new("shop");
            let db = stack.add_external(external(env));
            let cache = stack.add_external(External::on_docker_host("cache", 6379));
            stack.add_service(
                Service::new("app", Image::new("shop:1")).env("DB_HOST", db.host()).env("CACHE_HOST", cache.host()),
            );
            stack
        })
    }

    #[test]
    fn every_docker_host_dependency_without_a_cluster_address_is_named_with_its_fix() {
        let error = shop(|_| External::on_docker_host("db", 5432)).validate().expect_err("no cluster address");
        let problems = error.problems();
        let locations: Vec<String> = problems.iter().map(|p| p.location()).collect();
        assert_eq!(
            locations,
            ["stack shop (dev, production) › external db", "stack shop (dev, production) › external cache"]
        );
        assert!(problems.iter().all(|p| p.message.contains("host.docker.internal")));
        assert!(problems[0].fix.contains(".cluster_host(\"db.internal.example.org\")"), "{}", problems[0].fix);
    }

    #[test]
    fn a_cluster_address_must_be_a_dns_name_of_a_docker_host_dependency() {
        let error = shop(|env| match env {
            Env::Dev => External::on_docker_host("db", 5432).cluster_host("10.0.0.5"),
            _ => External::at("db", "db.example.org", 5432).cluster_host("db.internal"),
        })
        .validate()
        .expect_err("bad cluster addresses");
        let messages: Vec<&str> = error.problems().iter().map(|p| p.message.as_str()).collect();
        assert!(messages.iter().any(|m| m.contains("\"10.0.0.5\" is not a DNS name")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("only a dependency on host.docker.internal")), "{messages:?}");
    }
}
