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
pub enum Object {
    Namespace(Box<Namespace>),
    Deployment(Box<Deployment>),
    StatefulSet(Box<StatefulSet>),
    Job(Box<Job>),
    CronJob(Box<CronJob>),
    Service(Box<Service>),
    PersistentVolumeClaim(Box<PersistentVolumeClaim>),
    NetworkPolicy(Box<NetworkPolicy>),
    Ingress(Box<Ingress>),
    HorizontalPodAutoscaler(Box<HorizontalPodAutoscaler>),
    PodDisruptionBudget(Box<PodDisruptionBudget>),
    ServiceAccount(Box<ServiceAccount>),
    Role(Box<Role>),
    RoleBinding(Box<RoleBinding>),
    ConfigMap(Box<ConfigMap>),
}

/// `Object::from(deployment)`: each kind into its (boxed) variant. Boxed, a list of objects
/// holds each at its own size, not at the size of the largest kind (a Deployment's).
macro_rules! from_kinds {
    ($($kind:ident),*) => {
        $(impl From<$kind> for Object {
            fn from(object: $kind) -> Self {
                Object::$kind(Box::new(object))
            }
        })*
    };
}

from_kinds!(
    Namespace,
    Deployment,
    StatefulSet,
    Job,
    CronJob,
    Service,
    PersistentVolumeClaim,
    NetworkPolicy,
    Ingress,
    HorizontalPodAutoscaler,
    PodDisruptionBudget,
    ServiceAccount,
    Role,
    RoleBinding,
    ConfigMap
);
