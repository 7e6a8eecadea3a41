//! Autoscaling and disruption budgets: a HorizontalPodAutoscaler for autoscaled services, a
//! PodDisruptionBudget for any service that runs more than one replica, so a node drain never
//! takes all of them at once.
//! <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/>,
//! <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>

use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stack_dsl::{Service, ValidStack};

use super::labels;
use super::storage::owns_data;
use crate::facts::rollouts;

/// The autoscaler of `service` (`kind` is its workload's kind), if it autoscales.
pub fn autoscaler(stack: &ValidStack, service: &Service, kind: &str) -> Option<HorizontalPodAutoscaler> {
    let scale = service.autoscale?;
    let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    Some(HorizontalPodAutoscaler {
        metadata: labels::meta(stack, &service.name, labels::service_labels(stack, service)),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: kind.into(),
                name: service.name.clone(),
            },
            min_replicas: Some(count(scale.min)),
            max_replicas: count(scale.max),
            metrics: Some(vec![MetricSpec {
                type_: "Resource".into(),
                resource: Some(ResourceMetricSource {
                    name: "cpu".into(),
                    target: MetricTarget {
                        type_: "Utilization".into(),
                        average_utilization: Some(count(scale.target_cpu_percent)),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// At most one replica of `service` down at a time, if it runs more than one.
pub fn disruption_budget(stack: &ValidStack, service: &Service) -> Option<PodDisruptionBudget> {
    let fewest = service.autoscale.map_or(service.replicas, |scale| scale.min);
    (fewest > 1).then(|| PodDisruptionBudget {
        metadata: labels::meta(stack, &service.name, labels::service_labels(stack, service)),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(labels::selector(stack, &service.name)),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// What a deploy does to a single-replica StatefulSet that others reach: its one pod is deleted
/// before its replacement starts ([`rollouts::STATEFUL_SET_SURGES`]), so the service is down
/// for a moment on every deploy that changes it.
pub fn single_replica_outage(stack: &ValidStack, service: &Service) -> Option<String> {
    let stateful = service.run == stack_dsl::Run::Continuously && owns_data(stack, service);
    (stateful && !rollouts::STATEFUL_SET_SURGES && service.autoscale.is_none() && service.replicas < 2 && !service.ports.is_empty())
        .then(|| format!(
            "{} is a one-replica StatefulSet with a ReadWriteOnce claim: each deploy that changes its pod deletes the pod before its replacement starts (a StatefulSet never runs the two side by side), so {} is unreachable until the new pod is ready; deploy it in a quiet hour, or move its data to shared storage so it can run as a Deployment with more replicas",
            service.name, service.name
        ))
}
