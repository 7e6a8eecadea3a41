//! What the kubelet does to a pod's volumes before its containers start.

/// With `fsGroup` set and no `fsGroupChangePolicy`, the kubelet applies `Always`: it changes
/// the owner and permissions of every file of every volume that supports ownership management
/// each time the volume is mounted, so each restart after a drain walks the whole PGDATA or
/// media volume and can time the pod out. `OnRootMismatch` changes them only when the volume's
/// root does not already have the expected owner and permissions (a fresh volume), then skips:
/// <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#configure-volume-permission-and-ownership-change-policy-for-pods>
/// ("If not specified, Always is used"; API reference of `PodSecurityContext.fsGroupChangePolicy`).
pub const FS_GROUP_CHANGE_POLICY: &str = "OnRootMismatch";
