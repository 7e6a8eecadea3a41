//! The recommended `app.kubernetes.io/*` labels, object metadata, the pod selector of a
//! service, and the network membership labels of its pods:
//! <https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/>.

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

/// The labels of a service's pods: every recommended label, and one membership label per
/// network it joins, which NetworkPolicies select peers by.
pub fn pod_labels(stack: &ValidStack, service: &Service) -> BTreeMap<String, String> {
    let mut labels = service_labels(stack, service);
    labels.extend(super::network::networks(service).into_iter().map(|n| (network_label(n), MEMBER.to_string())));
    labels
}

/// The prefix of a membership label: a pod on network `data` carries
/// `network.stackwright.dev/data: "true"`.
const NETWORK_LABEL_PREFIX: &str = "network.stackwright.dev/";

/// The value of a membership label.
const MEMBER: &str = "true";

/// The selector of the pods on `network`.
pub fn network_members(network: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(BTreeMap::from([(network_label(network), MEMBER.to_string())])),
        ..Default::default()
    }
}

/// The membership label key of `network`: the network's own name after the prefix when it is a
/// valid label name (at most 63 characters, alphanumerics with `-`, `_`, `.` inside:
/// <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set>),
/// otherwise `n` and a hash of it, so two networks never share a key.
fn network_label(network: &str) -> String {
    let symbol = |c: char| matches!(c, '-' | '_' | '.');
    let valid = !network.is_empty()
        && network.len() <= 63
        && network.chars().all(|c| c.is_ascii_alphanumeric() || symbol(c))
        && !network.starts_with(symbol)
        && !network.ends_with(symbol);
    if valid {
        format!("{NETWORK_LABEL_PREFIX}{network}")
    } else {
        format!("{NETWORK_LABEL_PREFIX}n{:016x}", fnv1a(network))
    }
}

/// FNV-1a, 64 bits: a stable hash, the same on every machine and run
/// (<http://www.isthe.com/chongo/tech/comp/fnv/index.html>).
pub fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_labels_are_valid_label_keys_and_distinct() {
        assert_eq!(network_label("data"), "network.stackwright.dev/data");
        assert_eq!(network_label("internal_network"), "network.stackwright.dev/internal_network");
        let long = "n".repeat(64);
        let odd = [long.as_str(), "net-", "net_", "net"];
        let keys: std::collections::BTreeSet<String> = odd.iter().map(|n| network_label(n)).collect();
        assert_eq!(keys.len(), odd.len());
        for key in &keys {
            let name = key.strip_prefix(NETWORK_LABEL_PREFIX).expect("prefixed");
            assert!(name.len() <= 63 && !name.ends_with(['-', '_', '.']), "{key}");
        }
    }
}
