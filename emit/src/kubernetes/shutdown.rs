//! Rollouts and drains that drop no request. When a pod is deleted, Kubernetes removes it from
//! its Service's endpoints while it already sends SIGTERM; proxies and kube-proxy learn of the
//! removal a moment later and keep sending it requests meanwhile. A `preStop` sleep keeps the
//! process serving until they have stopped, then the application shuts down within the grace
//! period, which counts from the start of `preStop`:
//! <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination>,
//! <https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations>
//! (the `sleep` handler needs no shell in the image; on by default since Kubernetes 1.30).

use k8s_openapi::api::core::v1::{Container, Lifecycle, LifecycleHandler, PodSpec, SleepAction};
use stack_dsl::{Protocol, Role, Run, Service};

/// Seconds a terminating pod keeps serving while its endpoint removal propagates.
pub const ENDPOINT_DRAIN_SECONDS: i64 = 5;
/// Seconds the application then has to finish its requests: Kubernetes' default grace period.
pub const SHUTDOWN_SECONDS: i64 = 30;

/// True when `service` serves HTTP through a Service, so a pod going away may drop requests.
pub fn serves_http(service: &Service) -> bool {
    service.run == Run::Continuously && service.ports.iter().any(|p| p.protocol == Protocol::Http)
}

/// Give an HTTP service's container the drain delay and its pod the grace period it takes.
pub fn drain(service: &Service, container: &mut Container, pod: &mut PodSpec) {
    if !serves_http(service) {
        return;
    }
    container.lifecycle = Some(Lifecycle {
        pre_stop: Some(LifecycleHandler {
            sleep: Some(SleepAction { seconds: ENDPOINT_DRAIN_SECONDS }),
            ..Default::default()
        }),
        ..Default::default()
    });
    pod.termination_grace_period_seconds = Some(ENDPOINT_DRAIN_SECONDS + SHUTDOWN_SECONDS);
}

/// The warning for a single-replica service that all public traffic passes through.
pub fn single_replica_edge(service: &Service) -> Option<String> {
    let edge = matches!(service.role, Role::EdgeProxy { .. }) || !service.routes.is_empty();
    (edge && service.autoscale.is_none() && service.replicas < 2 && serves_http(service)).then(|| {
        "all public traffic passes through its single replica: a rollout keeps the old pod until the new one is ready, but a node drain or eviction stops the traffic until the pod is rescheduled (a disruption budget cannot protect one pod): give it .replicas(2)".to_string()
    })
}
