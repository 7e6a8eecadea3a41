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
