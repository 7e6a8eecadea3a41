//! A service whose command runs from a host directory: Compose bind-mounts the source into a
//! stock image (`node:20-alpine` with `./frontend` at `/app`, then `cd /app && npm ci`), but
//! pods have no host directories, so on Kubernetes the directory is empty and the container
//! fails on every start (<https://kubernetes.io/docs/concepts/storage/volumes/#hostpath>: a
//! `hostPath` is the node's, not the repository's, and `restricted` Pod Security forbids it).
//! An image built from the repository holds its code, so a bind mount over it only adds live
//! reloading and leaving it out is harmless.

use stack_dsl::{Image, MountSource, Service};

/// The first bind mount whose target the command or entrypoint of `service`, a stock image,
/// runs from: (host path, container path).
pub fn runs_from_host_directory(service: &Service) -> Option<(&str, &str)> {
    if matches!(service.image, Image::Build(_)) {
        return None;
    }
    let words: Vec<&str> =
        service.entrypoint.iter().chain(service.command.iter()).flatten().map(String::as_str).collect();
    service.mounts.iter().find_map(|mount| {
        let MountSource::Bind(host) = &mount.source else { return None };
        words.iter().any(|word| mentions_path(word, &mount.target)).then_some((host.as_str(), mount.target.as_str()))
    })
}

/// True when `text` names `path` or a path below it (`/app`, `/app/src`, not `/application`).
fn mentions_path(text: &str, path: &str) -> bool {
    let path = path.trim_end_matches('/');
    let is_path_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    text.match_indices(path).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + path.len()..].chars().next();
        !before.is_some_and(|c| is_path_char(c) || c == '/') && !after.is_some_and(is_path_char)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_named_whole() {
        assert!(mentions_path("cd /app && npm ci", "/app"));
        assert!(mentions_path("/app/scripts/start.sh", "/app/"));
        assert!(!mentions_path("cd /application", "/app"));
        assert!(!mentions_path("/srv/app", "/app"));
    }
}
