//! How Kubernetes replaces a workload's pods when its template changes.

/// Whether a StatefulSet's rolling update starts a new pod beside the old one. It does not:
/// "The StatefulSet controller will delete and recreate each Pod in the StatefulSet", one at a
/// time, waiting for each to be Running and Ready before the next
/// (<https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#rolling-updates>), and
/// a pod's `ReadWriteOnce` claim attaches to one node at a time
/// (<https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes>). A Deployment
/// surges instead (`maxSurge` 25% by default), keeping the old pod until the new one is ready.
pub const STATEFUL_SET_SURGES: bool = false;
