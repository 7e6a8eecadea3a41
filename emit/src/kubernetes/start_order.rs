//! Start order at pod start: a pod starts its service once the services it waits for accept
//! connections, for a bounded time; Kubernetes itself starts everything at once.
//!
//! - `Ready::Healthy` / `Ready::Started`: an init container waits until the dependency's
//!   Service accepts a TCP connection. A Service only forwards to pods whose readiness probe
//!   (the health check) passes, so a connection means the dependency is healthy. It gives up
//!   after [`PORT_WAIT_SECONDS`] and says what it waited for; the kubelet then restarts it with
//!   back-off, so a dependency that comes back later is still picked up.
//! - `Ready::Completed` (migrations): nothing at pod start. Init containers run again whenever
//!   a pod is recreated (drain, eviction, scale-up), so a pod-level wait on a Job would hold
//!   every new pod back for as long as the last migration stays failed. Waiting for a
//!   migration belongs to the deploy: see [`super::deploy_order`].
//!
//! <https://kubernetes.io/docs/concepts/workloads/pods/init-containers/>

use k8s_openapi::api::core::v1::{Container, ResourceRequirements};
use stack_dsl::{Cpu, Defaults, Image, Memory, Ready, Resources, Service, ValidStack};

use super::pull_policy::pull_policy;
use super::resources::requirements;
use super::security::Identity;

/// The image that waits for a port: busybox's `nc`.
pub const PORT_WAIT_IMAGE: &str = "busybox:1.37";
/// How long a pod waits for a dependency's port before its init container fails and the
/// kubelet restarts it with back-off (visible as `Init:Error` / `Init:CrashLoopBackOff`).
pub const PORT_WAIT_SECONDS: u32 = 300;
/// Seconds between two connection attempts.
const PORT_WAIT_INTERVAL: u32 = 2;

/// The init containers of one service.
#[derive(Default)]
pub struct StartOrder {
    /// One per dependency with a port, in the order written.
    pub init_containers: Vec<Container>,
    /// Dependencies that cannot be waited for at pod start, with the reason.
    pub unsupported: Vec<String>,
}

/// The init containers that hold `service` back until its dependencies accept connections.
pub fn start_order(stack: &ValidStack, service: &Service, identity: Identity) -> StartOrder {
    let mut order = StartOrder::default();
    for dependency in &service.depends_on {
        let name = dependency.service.name();
        if dependency.ready == Ready::Completed {
            continue; // the deploy runs the Job first: see deploy_order
        }
        match stack.resolve(&dependency.service).and_then(|s| s.ports.first()) {
            Some(port) => order.init_containers.push(Container {
                name: format!("wait-for-{name}"),
                image: Some(PORT_WAIT_IMAGE.into()),
                image_pull_policy: Some(pull_policy(&Image::new(PORT_WAIT_IMAGE)).into()),
                command: Some(vec!["sh".into(), "-c".into(), port_wait_script(name, port.number)]),
                resources: Some(waiter_resources()),
                security_context: Some(identity.container(true)),
                ..Default::default()
            }),
            None => order.unsupported.push(format!(
                "waits for {name}, which has no port to check; Kubernetes starts it without waiting: give {name} a port and a health check, or make the service retry"
            )),
        }
    }
    order
}

/// Try `host:port` every few seconds; after [`PORT_WAIT_SECONDS`], fail saying what was awaited.
fn port_wait_script(host: &str, port: u16) -> String {
    let attempts = PORT_WAIT_SECONDS / PORT_WAIT_INTERVAL;
    format!(
        "i=0; until nc -z -w 2 {host} {port}; do i=$((i+1)); if [ $i -ge {attempts} ]; then \
         echo \"{host}:{port} did not accept connections within {PORT_WAIT_SECONDS}s\" >&2; exit 1; fi; \
         echo \"waiting for {host}:{port}\"; sleep {PORT_WAIT_INTERVAL}; done"
    )
}

/// Waiting takes next to nothing; the same requests-and-limits rule as every container.
fn waiter_resources() -> ResourceRequirements {
    let stated = Resources::new().limit(Cpu::millis(100), Memory::mib(64)).reserve(Cpu::millis(10), Memory::mib(16));
    requirements(&stated, Defaults::new()).0
}
