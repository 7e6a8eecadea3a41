//! What the kubelet does with a pod's volumes: before its containers start, and as they fill.

use stack_dsl::Memory;

/// With `fsGroup` set and no `fsGroupChangePolicy`, the kubelet applies `Always`: it changes
/// the owner and permissions of every file of every volume that supports ownership management
/// each time the volume is mounted, so each restart after a drain walks the whole PGDATA or
/// media volume and can time the pod out. `OnRootMismatch` changes them only when the volume's
/// root does not already have the expected owner and permissions (a fresh volume), then skips:
/// <https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#configure-volume-permission-and-ownership-change-policy-for-pods>
/// ("If not specified, Always is used"; API reference of `PodSecurityContext.fsGroupChangePolicy`).
pub const FS_GROUP_CHANGE_POLICY: &str = "OnRootMismatch";

/// A memory-backed `emptyDir` (`medium: Memory`) is a tmpfs: "any files you write count against
/// your container's memory limit", so one without `sizeLimit` (a framework's build cache) grows
/// until the container is OOM-killed. With `sizeLimit` the tmpfs is sized to it ("the minimum
/// value between the SizeLimit specified here and the sum of memory limits of all containers in
/// a pod") and a write past it fails instead of killing the process:
/// <https://kubernetes.io/docs/concepts/storage/volumes/#emptydir>, API reference of
/// `EmptyDirVolumeSource.sizeLimit`.
///
/// The memory-backed directories of a container without a stated size share half of its
/// memory limit, evenly, so the process keeps the other half.
pub fn memory_empty_dir_limit(container_limit: Memory, unsized_dirs: usize) -> Memory {
    const MIB: u64 = 1024 * 1024;
    let dirs = u64::try_from(unsized_dirs.max(1)).unwrap_or(u64::MAX);
    let share = container_limit.bytes() / 2 / dirs;
    // Whole mebibytes read better in a manifest; a share below one keeps its bytes.
    if share >= MIB { Memory::mib(share / MIB) } else { Memory::from_bytes(share) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsized_memory_directories_share_half_the_limit() {
        assert_eq!(memory_empty_dir_limit(Memory::mib(512), 1), Memory::mib(256));
        assert_eq!(memory_empty_dir_limit(Memory::mib(512), 2), Memory::mib(128));
        // 1000 MiB over three: 166.67 MiB each, rounded down to whole mebibytes.
        assert_eq!(memory_empty_dir_limit(Memory::mib(1000), 3), Memory::mib(166));
        assert!(memory_empty_dir_limit(Memory::gib(1), 7).bytes() * 7 <= Memory::gib(1).bytes() / 2);
    }
}
