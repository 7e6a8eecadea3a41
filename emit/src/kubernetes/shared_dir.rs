//! Host directories several services share in Compose (ANB's API writes uploads that its worker
//! reads): pods have no host directories, so the cluster keeps the data on one
//! `ReadWriteMany` claim all of them mount, named after the directory. A host directory only one
//! service mounts is code or scratch space and is left out (reported by the workload).
//! <https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes>

use stack_dsl::{MountSource, Service, ValidStack};

use super::placement::runs;

/// A host directory shared by several services the cluster runs.
pub struct SharedDir<'a> {
    /// The host path, as the stack wrote it.
    pub path: &'a str,
    /// The claim that holds it.
    pub claim: String,
    /// The services mounting it.
    pub users: Vec<&'a Service>,
}

/// The host directories of `stack` that several running services mount.
pub fn shared_dirs(stack: &ValidStack) -> Vec<SharedDir<'_>> {
    let mut dirs: Vec<SharedDir<'_>> = Vec::new();
    for service in stack.services().filter(|s| runs(s)) {
        for mount in &service.mounts {
            let MountSource::Bind(path) = &mount.source else { continue };
            match dirs.iter_mut().find(|d| d.path == path) {
                Some(dir) if !dir.users.iter().any(|u| u.name == service.name) => dir.users.push(service),
                Some(_) => {}
                None => dirs.push(SharedDir { path, claim: claim_name(stack, path), users: vec![service] }),
            }
        }
    }
    dirs.retain(|d| d.users.len() > 1);
    dirs
}

/// The claim of the host directory `path`, if several running services share it.
pub fn claim_of(stack: &ValidStack, path: &str) -> Option<String> {
    shared_dirs(stack).into_iter().find(|d| d.path == path).map(|d| d.claim)
}

/// A DNS-1123 name from the directory's path (`./processed_videos` → `processed-videos`),
/// suffixed with `-dir` when the stack has a volume of that name.
fn claim_name(stack: &ValidStack, path: &str) -> String {
    let words: Vec<String> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let name = if words.is_empty() { "host-dir".to_string() } else { words.join("-") };
    let name: String = name.chars().take(55).collect();
    if stack.volumes.iter().any(|v| v.name == name) { format!("{name}-dir") } else { name }
}
