//! Which long-running workloads' pods read a ConfigMap or Secret: a pod reads environment
//! variables and `subPath` mounts once, at start, so these are the workloads to roll when it
//! changes: <https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically>.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::PodSpec;

use super::object::Object;

/// What a Deployment's or StatefulSet's pods read, noted while its file is lowered, so that the
/// notes written after lowering need not keep every object alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongRunning {
    /// `Deployment` or `StatefulSet`.
    pub kind: &'static str,
    /// Its name.
    pub name: String,
    /// The keys of the stack's Secret its containers and init containers read.
    pub secret_keys: BTreeSet<String>,
    /// The ConfigMaps its pods mount.
    pub config_maps: BTreeSet<String>,
    /// True for a StatefulSet with claim templates: its claims hold data.
    pub claims_data: bool,
}

impl LongRunning {
    /// `object`'s reads of the Secret `secret_name` and of ConfigMaps, if it is long-running.
    pub fn of(object: &Object, secret_name: &str) -> Option<Self> {
        let (kind, name, pod) = long_running([object]).pop()?;
        let secret_keys = pod
            .containers
            .iter()
            .chain(pod.init_containers.iter().flatten())
            .flat_map(|c| c.env.iter().flatten())
            .filter_map(|e| e.value_from.as_ref()?.secret_key_ref.as_ref())
            .filter(|r| r.name == secret_name)
            .map(|r| r.key.clone())
            .collect();
        let config_maps =
            pod.volumes.iter().flatten().filter_map(|v| Some(v.config_map.as_ref()?.name.clone())).collect();
        let claims_data = matches!(object, Object::StatefulSet(s)
            if s.spec.as_ref().is_some_and(|spec| spec.volume_claim_templates.is_some()));
        Some(LongRunning { kind, name, secret_keys, config_maps, claims_data })
    }
}

/// The Deployments and StatefulSets among `objects`: (kind, name, pod spec).
pub fn long_running<'a>(objects: impl IntoIterator<Item = &'a Object>) -> Vec<(&'static str, String, &'a PodSpec)> {
    objects
        .into_iter()
        .filter_map(|object| {
            let (kind, metadata, template) = match object {
                Object::Deployment(d) => ("Deployment", &d.metadata, &d.spec.as_ref()?.template),
                Object::StatefulSet(s) => ("StatefulSet", &s.metadata, &s.spec.as_ref()?.template),
                _ => return None,
            };
            Some((kind, metadata.name.clone().unwrap_or_default(), template.spec.as_ref()?))
        })
        .collect()
}

/// The commands that restart `readers` in `namespace`, `; `-separated.
pub fn restart_commands(readers: &[(&str, String)], namespace: &str) -> String {
    let commands: Vec<String> = readers
        .iter()
        .map(|(kind, name)| format!("kubectl rollout restart {}/{name} -n {namespace}", kind.to_ascii_lowercase()))
        .collect();
    commands.join("; ")
}
