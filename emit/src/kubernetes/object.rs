//! The Kubernetes objects the emitter writes, as one type, so a file can hold several kinds
//! (`---`-separated) and be read back into typed objects.

use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, PersistentVolumeClaim, Service, ServiceAccount};
use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use serde::{Deserialize, Serialize};

/// One object of any kind the emitter writes. Each variant serialises with its own
/// `apiVersion` and `kind`, and reading back picks the variant whose kind matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[allow(missing_docs)]
#[allow(clippy::large_enum_variant)] // written once per object; boxing would only add noise
pub enum Object {
    Namespace(Namespace),
    Deployment(Deployment),
    StatefulSet(StatefulSet),
    Job(Job),
    CronJob(CronJob),
    Service(Service),
    PersistentVolumeClaim(PersistentVolumeClaim),
    NetworkPolicy(NetworkPolicy),
    Ingress(Ingress),
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    PodDisruptionBudget(PodDisruptionBudget),
    ServiceAccount(ServiceAccount),
    Role(Role),
    RoleBinding(RoleBinding),
    ConfigMap(ConfigMap),
}
