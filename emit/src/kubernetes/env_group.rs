//! An [`EnvGroup`] as a ConfigMap its members read whole with `envFrom`
//! (<https://kubernetes.io/docs/tasks/configure-pod-container/configure-pod-configmap/#configure-all-key-value-pairs-in-a-configmap-as-container-environment-variables>).
//!
//! Only the values that are plain text in pods go there. A secret stays a `secretKeyRef` to the
//! stack's one Secret, since `envFrom` a Secret would hand every member every key of it; a URL
//! that carries a secret password stays a container variable, since Kubernetes expands `$(NAME)`
//! only in a container's own `env`, not in what `envFrom` reads. Variables are read when a
//! container starts, so the ConfigMap is named after a hash of its contents: a change is a new
//! ConfigMap, which rolls the members, and the deploy prunes the old one once they run.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{ConfigMap, ConfigMapEnvSource, EnvFromSource};
use stack_dsl::{EnvGroup, Service, ValidStack};

use super::env::in_pods;
use super::labels;
use super::placement::runs;
use crate::endpoint::Resolved;

/// The group's plain-text values, as pods see them.
fn data(stack: &ValidStack, group: &EnvGroup) -> BTreeMap<String, String> {
    group
        .env
        .iter()
        .filter_map(|(key, value)| match in_pods(stack, value) {
            Resolved::Text(text) => Some((key.clone(), text)),
            _ => None,
        })
        .collect()
}

/// `<group>-env-<hash of the contents>`, or nothing when no value of the group is plain text.
fn config_map_name(stack: &ValidStack, group: &EnvGroup) -> Option<String> {
    let data = data(stack, group);
    if data.is_empty() {
        return None;
    }
    let contents: String = data.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    Some(format!("{}-env-{:010x}", group.name, labels::fnv1a(&contents) & 0xff_ffff_ffff))
}

/// The ConfigMaps of the groups that a service the cluster runs uses.
pub fn config_maps(stack: &ValidStack) -> Vec<ConfigMap> {
    stack
        .env_groups
        .iter()
        .filter(|group| stack.services().any(|s| runs(s) && s.env_groups.contains(&group.name)))
        .filter_map(|group| {
            let name = config_map_name(stack, group)?;
            Some(ConfigMap {
                metadata: labels::meta(stack, &name, labels::stack_labels(stack)),
                data: Some(data(stack, group)),
                ..Default::default()
            })
        })
        .collect()
}

/// The `envFrom` of `service`: one entry per group it uses that has a ConfigMap.
pub fn env_from(stack: &ValidStack, service: &Service) -> Option<Vec<EnvFromSource>> {
    let sources: Vec<EnvFromSource> = groups_of(stack, service)
        .filter_map(|group| config_map_name(stack, group))
        .map(|name| EnvFromSource {
            config_map_ref: Some(ConfigMapEnvSource { name, optional: None }),
            ..Default::default()
        })
        .collect();
    (!sources.is_empty()).then_some(sources)
}

/// The variables `service` reads from its groups' ConfigMaps, which its own `env` leaves out.
pub fn from_config_maps<'a>(stack: &'a ValidStack, service: &'a Service) -> BTreeSet<&'a str> {
    groups_of(stack, service)
        .flat_map(|group| group.env.iter())
        .filter(|(_, value)| matches!(in_pods(stack, value), Resolved::Text(_)))
        .map(|(key, _)| key.as_str())
        .collect()
}

fn groups_of<'a>(stack: &'a ValidStack, service: &'a Service) -> impl Iterator<Item = &'a EnvGroup> {
    service.env_groups.iter().filter_map(|name| stack.env_group(name))
}
