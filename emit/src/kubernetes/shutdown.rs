//! Rollouts and drains that drop no request. When a pod is deleted, Kubernetes removes it from
//! its Service's endpoints while it already sends SIGTERM; proxies and kube-proxy learn of the
//! removal a moment later and keep sending it requests meanwhile. A `preStop` sleep keeps the
//! process serving until they have stopped, then the application shuts down within the grace
//! period, which counts from the start of `preStop`:
//! <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination>,
//! <https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations>
//! (the `sleep` handler needs no shell in the image; on by default since Kubernetes 1.30).
//!
//! The time the application has after SIGTERM is the stack's stop grace period, the time
//! Compose waits before SIGKILL (`stop_grace_period`,
//! <https://docs.docker.com/reference/compose-file/services/#stop_grace_period>): a worker that
//! finishes a five-minute job gets five minutes on every rollout and drain, not Kubernetes'
//! default 30 s (`terminationGracePeriodSeconds`,
//! <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#lifecycle>).

use k8s_openapi::api::core::v1::{Container, Lifecycle, LifecycleHandler, PodSpec, SleepAction};
use stack_dsl::{Protocol, Role, Run, Service};

/// Seconds a terminating pod keeps serving while its endpoint removal propagates.
pub const ENDPOINT_DRAIN_SECONDS: i64 = 5;
/// Seconds the application then has to finish its work when the stack states none:
/// Kubernetes' default grace period.
pub const SHUTDOWN_SECONDS: i64 = 30;

/// Seconds `service` has between SIGTERM and SIGKILL: its stop grace period, whole seconds
/// rounded up, or [`SHUTDOWN_SECONDS`].
pub fn shutdown_seconds(service: &Service) -> i64 {
    service.stop_grace_period.map_or(SHUTDOWN_SECONDS, |period| {
        let seconds = period.as_secs() + u64::from(period.subsec_nanos() > 0);
        i64::try_from(seconds).unwrap_or(i64::MAX)
    })
}

/// True when `service` serves HTTP through a Service, so a pod going away may drop requests.
pub fn serves_http(service: &Service) -> bool {
    service.run == Run::Continuously && service.ports.iter().any(|p| p.protocol == Protocol::Http)
}

/// Give an HTTP service's container the drain delay, and the pod of an HTTP service or of one
/// with a stop grace period the time both take.
pub fn drain(service: &Service, container: &mut Container, pod: &mut PodSpec) {
    let drain_seconds = if serves_http(service) {
        container.lifecycle = Some(Lifecycle {
            pre_stop: Some(LifecycleHandler {
                sleep: Some(SleepAction { seconds: ENDPOINT_DRAIN_SECONDS }),
                ..Default::default()
            }),
            ..Default::default()
        });
        ENDPOINT_DRAIN_SECONDS
    } else if service.stop_grace_period.is_some() {
        0
    } else {
        return;
    };
    pod.termination_grace_period_seconds = Some(drain_seconds.saturating_add(shutdown_seconds(service)));
}

/// The warning for a single-replica service that all public traffic passes through.
pub fn single_replica_edge(service: &Service) -> Option<String> {
    let edge = matches!(service.role, Role::EdgeProxy { .. }) || !service.routes.is_empty();
    (edge && service.autoscale.is_none() && service.replicas < 2 && serves_http(service)).then(|| {
        "all public traffic passes through its single replica: a rollout keeps the old pod until the new one is ready, but a node drain or eviction stops the traffic until the pod is rescheduled (a disruption budget cannot protect one pod): give it .replicas(2)".to_string()
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use stack_dsl::{Env, Image, Port, Project, Service, Stack};

    use super::super::Object;
    use super::*;

    /// Each pod's grace period, read from the lowered objects: the stack's stop grace period
    /// (plus the drain delay of an HTTP service), else the default.
    #[test]
    fn the_stop_grace_period_drives_the_pods_grace_period() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(Service::new("video", Image::new("shop:1")).stop_grace_period(Duration::from_secs(300)));
            stack.add_service(
                Service::new("api", Image::new("shop:1"))
                    .port(Port::http(8000))
                    .stop_grace_period(Duration::from_millis(59_500)),
            );
            stack.add_service(Service::new("web", Image::new("shop:1")).port(Port::http(3000)));
            stack.add_service(Service::new("idle", Image::new("shop:1")));
            stack
        })
        .validate()
        .unwrap();
        let lowered = super::super::lower::lower(&project.stacks()[0], project.cluster()).unwrap();
        let grace = |name: &str| {
            lowered
                .files
                .iter()
                .flat_map(|(_, objects)| objects)
                .find_map(|o| match o {
                    Object::Deployment(d) if d.metadata.name.as_deref() == Some(name) => d.spec.as_ref(),
                    _ => None,
                })
                .and_then(|spec| spec.template.spec.as_ref())
                .unwrap_or_else(|| panic!("no Deployment {name}"))
                .termination_grace_period_seconds
        };
        assert_eq!(grace("video"), Some(300));
        assert_eq!(grace("api"), Some(ENDPOINT_DRAIN_SECONDS + 60));
        assert_eq!(grace("web"), Some(ENDPOINT_DRAIN_SECONDS + SHUTDOWN_SECONDS));
        assert_eq!(grace("idle"), None);
    }
}
