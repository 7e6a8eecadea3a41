//! Start order as init containers, so a pod starts its service only when what the service
//! waits for is ready; Kubernetes itself starts everything at once.
//!
//! - `Ready::Healthy` / `Ready::Started`: wait until the dependency's Service accepts a TCP
//!   connection. A Service only forwards to pods whose readiness probe (the health check)
//!   passes, so a connection means the dependency is healthy.
//! - `Ready::Completed` (migrations): `kubectl wait --for=condition=complete job/<name>` under
//!   the `job-waiter` service account, which may only read Jobs in the namespace.
//!
//! <https://kubernetes.io/docs/concepts/workloads/pods/init-containers/>

use k8s_openapi::api::core::v1::{Container, ResourceRequirements, ServiceAccount};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use stack_dsl::{Cpu, Memory, Ready, Resources, Service, ValidStack};

use super::labels;
use super::object::Object;
use super::resources::requirements;
use super::security::Identity;

/// The image that waits for a port: busybox's `nc`.
pub const PORT_WAIT_IMAGE: &str = "busybox:1.37";
/// The image that waits for a Job: kubectl of the pinned Kubernetes version.
pub const JOB_WAIT_IMAGE: &str = "registry.k8s.io/kubectl:v1.33.0";
/// The service account of pods that wait for a Job.
pub const JOB_WAITER: &str = "job-waiter";

/// The init containers of one service.
#[derive(Default)]
pub struct StartOrder {
    /// One per dependency, in the order written.
    pub init_containers: Vec<Container>,
    /// True when one of them waits for a Job, so the pod needs the `job-waiter` account.
    pub waits_for_jobs: bool,
    /// Dependencies that cannot be waited for, with the reason.
    pub unsupported: Vec<String>,
}

/// The init containers that hold `service` back until its dependencies are ready.
pub fn start_order(stack: &ValidStack, service: &Service, identity: Identity) -> StartOrder {
    let mut order = StartOrder::default();
    for dependency in &service.depends_on {
        let name = dependency.service.name();
        let waiter = |image: &str, command: Vec<String>| Container {
            name: format!("wait-for-{name}"),
            image: Some(image.into()),
            image_pull_policy: Some("Always".into()),
            command: Some(command),
            resources: Some(waiter_resources()),
            security_context: Some(identity.container(true)),
            ..Default::default()
        };
        match dependency.ready {
            Ready::Completed => {
                order.waits_for_jobs = true;
                let command = ["kubectl", "wait", "--for=condition=complete", &format!("job/{name}"), "--timeout=10m"];
                order.init_containers.push(waiter(JOB_WAIT_IMAGE, command.map(String::from).to_vec()));
            }
            Ready::Healthy | Ready::Started => {
                match stack.resolve(&dependency.service).and_then(|s| s.ports.first()) {
                    Some(port) => {
                        let port = port.number;
                        let script =
                            format!("until nc -z -w 2 {name} {port}; do echo waiting for {name}:{port}; sleep 2; done");
                        order.init_containers.push(waiter(PORT_WAIT_IMAGE, vec!["sh".into(), "-c".into(), script]));
                    }
                    None => order.unsupported.push(format!(
                        "waits for {name}, which has no port to check; Kubernetes starts it without waiting: give {name} a port and a health check, or make the service retry"
                    )),
                }
            }
        }
    }
    order
}

/// The account, role and binding that let waiting pods read Jobs, and nothing else.
pub fn job_waiter(stack: &ValidStack) -> Vec<Object> {
    let meta = || labels::meta(stack, JOB_WAITER, labels::stack_labels(stack));
    vec![
        Object::ServiceAccount(ServiceAccount {
            metadata: meta(),
            automount_service_account_token: Some(false),
            ..Default::default()
        }),
        Object::Role(Role {
            metadata: meta(),
            rules: Some(vec![PolicyRule {
                api_groups: Some(vec!["batch".into()]),
                resources: Some(vec!["jobs".into()]),
                verbs: vec!["get".into(), "list".into(), "watch".into()],
                ..Default::default()
            }]),
        }),
        Object::RoleBinding(RoleBinding {
            metadata: meta(),
            role_ref: RoleRef {
                api_group: "rbac.authorization.k8s.io".into(),
                kind: "Role".into(),
                name: JOB_WAITER.into(),
            },
            subjects: Some(vec![Subject {
                kind: "ServiceAccount".into(),
                name: JOB_WAITER.into(),
                namespace: Some(labels::namespace(stack)),
                ..Default::default()
            }]),
        }),
    ]
}

/// Waiting takes next to nothing; the same requests-and-limits rule as every container.
fn waiter_resources() -> ResourceRequirements {
    requirements(&Resources::new().limit(Cpu::millis(100), Memory::mib(64)).reserve(Cpu::millis(10), Memory::mib(16)))
}
