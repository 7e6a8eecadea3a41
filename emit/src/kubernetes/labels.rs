//! The recommended `app.kubernetes.io/*` labels, object metadata, and the pod selector of a
//! service: <https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/>.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use stack_dsl::{Run, Service, ValidStack};

/// The namespace of a stack in one environment: `<stack>-<env>`.
pub fn namespace(stack: &ValidStack) -> String {
    crate::layout::kubernetes_namespace(&stack.name, stack.env())
}

/// What a service is, for `app.kubernetes.io/component`.
pub fn component(service: &Service) -> &'static str {
    match service.run {
        Run::Once => "job",
        Run::OnSchedule(_) => "cron",
        Run::Continuously if service.datastore.is_some() => "database",
        Run::Continuously if service.ports.is_empty() => "worker",
        Run::Continuously => "server",
    }
}

/// The label naming the service an object belongs to.
pub const NAME_LABEL: &str = "app.kubernetes.io/name";

/// The labels that select a service's pods: its name and the stack instance.
pub fn selector_labels(stack: &ValidStack, service: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/instance".to_string(), namespace(stack)),
        (NAME_LABEL.to_string(), service.to_string()),
    ])
}

/// The selector of a service's pods.
pub fn selector(stack: &ValidStack, service: &str) -> LabelSelector {
    LabelSelector { match_labels: Some(selector_labels(stack, service)), ..Default::default() }
}

/// Every recommended label of a service's objects and pods.
pub fn service_labels(stack: &ValidStack, service: &Service) -> BTreeMap<String, String> {
    let mut labels = stack_labels(stack);
    labels.extend(selector_labels(stack, &service.name));
    labels.insert("app.kubernetes.io/component".into(), component(service).into());
    labels
}

/// The labels of objects that belong to the stack as a whole.
pub fn stack_labels(stack: &ValidStack) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/instance".to_string(), namespace(stack)),
        ("app.kubernetes.io/managed-by".to_string(), "stackwright".to_string()),
        ("app.kubernetes.io/part-of".to_string(), stack.name.clone()),
    ])
}

/// Metadata of an object named `name` in the stack's namespace.
pub fn meta(stack: &ValidStack, name: &str, labels: BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace(stack)),
        labels: Some(labels),
        ..Default::default()
    }
}
