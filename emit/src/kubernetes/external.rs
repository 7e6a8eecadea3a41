//! Dependencies on the Docker host (`host.docker.internal`), which pods do not have: pods reach
//! them through a Service of type `ExternalName` named after the dependency, a DNS alias of the
//! address the cluster reaches it at. The stack gives that address with
//! `External::cluster_host` (required by validation), and the Service is part of the manifests.
//! <https://kubernetes.io/docs/concepts/services-networking/service/#externalname>

use k8s_openapi::api::core::v1::{Service as KubeService, ServiceSpec};
use stack_dsl::{DOCKER_HOST, Engine, EnvValue, External, Reach, ValidStack};

use super::labels;

/// The externals of `stack` that only a Docker host reaches.
pub fn on_docker_host(stack: &ValidStack) -> impl Iterator<Item = &External> {
    stack.externals.iter().filter(|e| matches!(&e.reach, Reach::Address { host, .. } if host == DOCKER_HOST))
}

/// The host pods use for the external `value` refers to when it is on the Docker host: the
/// name of its `ExternalName` Service.
pub fn cluster_alias<'a>(stack: &'a ValidStack, value: &EnvValue) -> Option<&'a str> {
    let target = value.service()?;
    on_docker_host(stack).find(|e| e.name == target.name()).map(|e| e.name.as_str())
}

/// The `ExternalName` Services of externals whose cluster address the stack gives.
pub fn alias_services(stack: &ValidStack) -> Vec<KubeService> {
    on_docker_host(stack)
        .filter_map(|external| {
            let host = external.cluster_host.as_ref()?;
            Some(KubeService {
                metadata: labels::meta(stack, &external.name, labels::stack_labels(stack)),
                spec: Some(ServiceSpec {
                    type_: Some("ExternalName".into()),
                    external_name: Some(host.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            })
        })
        .collect()
}

/// What must hold outside the cluster for pods to reach each aliased external: the cluster's
/// DNS resolves its address (CoreDNS forwards names it does not serve to the node's resolvers,
/// <https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/>), and the
/// server admits the pods, which connect from their own or their node's address, never the
/// Docker network's. Each comes with the commands that check it, run in the `default` namespace
/// because the stack's enforces the `restricted` Pod Security Standard, which a plain
/// `kubectl run` pod fails.
pub fn prerequisites(stack: &ValidStack) -> Vec<String> {
    on_docker_host(stack)
        .filter_map(|external| {
            let host = external.cluster_host.as_ref()?;
            let Reach::Address { port, .. } = &external.reach else { return None };
            let admits = match external.datastore.as_ref().map(|d| &d.engine) {
                Some(Engine::Postgres { .. }) => {
                    "(a pg_hba.conf host line for the pod and node CIDRs, listen_addresses, the host firewall)"
                }
                Some(Engine::Mysql { .. } | Engine::Mariadb { .. }) => {
                    "(bind_address, an account allowed from the pod and node CIDRs, the host firewall)"
                }
                Some(Engine::Mongo { .. }) => "(net.bindIp, the host firewall)",
                _ => "(its bind address and the host firewall)",
            };
            Some(format!(
                "{name} is reached at {host}:{port} (the ExternalName Service {name}): the cluster's DNS must resolve {host} (a private name the cluster's upstream resolvers serve), and {name} must admit connections from the pods' and nodes' addresses {admits}, as it did the Docker network's. Check both: kubectl run {name}-check -n default --rm -it --restart=Never --image={CHECK_IMAGE} -- sh -c 'nslookup {host} && nc -zv -w 5 {host} {port}'",
                name = external.name,
            ))
        })
        .collect()
}

/// The image of the check pod: busybox has `nslookup` and `nc`.
const CHECK_IMAGE: &str = "busybox:1.36";

#[cfg(test)]
mod tests {
    use stack_dsl::{Datastore, Env, External, Image, Project, Service, Stack};

    use super::*;

    fn stack(external: External) -> ValidStack {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            let db = stack.add_external(external.clone());
            stack.add_service(Service::new("app", Image::new("shop:1")).env("DB_HOST", db.host()));
            stack
        });
        project.validate().expect("valid").stacks()[0].clone()
    }

    #[test]
    fn a_cluster_host_becomes_an_external_name_service() {
        let stack = stack(External::on_docker_host("db", 5432).cluster_host("db.example.internal"));
        let services = alias_services(&stack);
        let spec = services[0].spec.clone().expect("spec");
        assert_eq!(spec.external_name.as_deref(), Some("db.example.internal"));
        assert_eq!(services[0].metadata.name.as_deref(), Some("db"));
    }

    #[test]
    fn each_engine_names_what_admits_the_pods() {
        for (datastore, admits) in [
            (Datastore::mysql(8).user("shop").database("shop"), "bind_address, an account allowed from the pod"),
            (Datastore::mongo(7).user("shop").database("shop"), "(net.bindIp, the host firewall)"),
        ] {
            let external =
                External::on_docker_host("db", 3306).cluster_host("db.example.internal").datastore(datastore);
            let notes = prerequisites(&stack(external));
            assert!(notes.iter().any(|n| n.contains(admits)), "{notes:#?}");
        }
    }
}
