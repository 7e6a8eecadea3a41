//! Which long-running workloads' pods read a ConfigMap or Secret: a pod reads environment
//! variables and `subPath` mounts once, at start, so these are the workloads to roll when it
//! changes: <https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically>.

use k8s_openapi::api::core::v1::PodSpec;

use super::object::Object;

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
