//! What `kubectl delete -k` and the deploy's prune must leave in place: the namespace (deleting it deletes everything
//! in it, the hand-made Secret and every claim included) and the standalone claims that hold
//! data. They are written beside the kustomization but not listed in it, and applied with
//! `kubectl apply -f`, so deleting the kustomization removes the workloads and nothing else.
//! Claims made from StatefulSet templates outlive their StatefulSet by default
//! (`persistentVolumeClaimRetentionPolicy` `Retain`):
//! <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention>,
//! <https://kubernetes.io/docs/tasks/administer-cluster/namespaces/#deleting-a-namespace>.

use stack_dsl::ValidStack;

use super::storage;

/// The file of the namespace.
pub const NAMESPACE_FILE: &str = "namespace.yaml";
/// The file of the standalone claims.
pub const VOLUMES_FILE: &str = "volumes.yaml";

/// The files of `stack`'s environment directory applied apart from the kustomization, in order.
pub fn kept_files(stack: &ValidStack) -> Vec<&'static str> {
    let mut files = vec![NAMESPACE_FILE];
    if !storage::standalone_claims(stack).is_empty() {
        files.push(VOLUMES_FILE);
    }
    files
}

/// The command that applies `files` of the directory `dir`.
pub fn apply_command<S: AsRef<str>>(files: &[S], dir: &str) -> String {
    let files: Vec<String> = files.iter().map(|f| format!("-f {dir}/{}", f.as_ref())).collect();
    format!("kubectl apply {}", files.join(" "))
}

/// The kinds the deploy prunes (`kubectl apply --prune --prune-allowlist`): every kind the
/// kustomization holds, and the job-waiter account and its role that earlier versions wrote;
/// never a Namespace or a PersistentVolumeClaim, which hold the Secret and the data.
/// <https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#alternative-kubectl-apply-f-directory-prune>
pub const PRUNED_KINDS: &[&str] = &[
    "core/v1/ConfigMap",
    "core/v1/Service",
    "core/v1/ServiceAccount",
    "apps/v1/Deployment",
    "apps/v1/StatefulSet",
    "batch/v1/Job",
    "batch/v1/CronJob",
    "autoscaling/v2/HorizontalPodAutoscaler",
    "policy/v1/PodDisruptionBudget",
    "networking.k8s.io/v1/Ingress",
    "networking.k8s.io/v1/NetworkPolicy",
    "rbac.authorization.k8s.io/v1/Role",
    "rbac.authorization.k8s.io/v1/RoleBinding",
];
