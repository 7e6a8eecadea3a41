//! The host paths a Compose file mounts, and what the host must hold before `up`: configuration
//! files from the repository (with what each must contain, when the stack says), and data directories owned by the user the container writes as.
//!
//! Bind mounts are written in long form with `create_host_path: false`, so a missing source
//! fails the start instead of becoming an empty root-owned directory (nginx then fails with "not
//! a directory", PostgreSQL skips an init script that became a directory)
//! (<https://docs.docker.com/reference/compose-file/services/#volumes>). Docker does not change
//! the owner of a bind-mounted directory, so a container running as a non-root user can write
//! into it only if the host directory is already its own
//! (<https://docs.docker.com/engine/storage/bind-mounts/>).

use indexmap::IndexMap;
use stack_dsl::{MountSource, User, ValidStack};

use super::lower::from_file;

/// The header lines that say which host paths must exist before `up`, and how to create the data
/// directories; `root` is the path from the Compose file back to the repository root. A bind of
/// one of the `checkout` directories (the project's build contexts, in any environment) mounts
/// the repository's own code, which exists wherever the file is run from a checkout: only who
/// must be able to write it is said.
pub fn prerequisites(stack: &ValidStack, root: &str, checkout: &[String]) -> Vec<String> {
    let mut files = Vec::new();
    let mut contents = Vec::new();
    // Data directory → the users that write into it.
    let mut directories: IndexMap<String, Vec<Option<&User>>> = IndexMap::new();
    for service in stack.services() {
        for mount in &service.mounts {
            match &mount.source {
                MountSource::Config(path) => {
                    let path = from_file(root, path);
                    if let Some(what) = &mount.contents {
                        let line = format!("{path} must contain: {what}");
                        if !contents.contains(&line) {
                            contents.push(line);
                        }
                    }
                    if !files.contains(&path) {
                        files.push(path);
                    }
                }
                MountSource::Bind(path) => {
                    let writers = directories.entry(from_file(root, path)).or_default();
                    if !mount.read_only && !writers.contains(&service.user.as_ref()) {
                        writers.push(service.user.as_ref());
                    }
                }
                MountSource::Volume(_) | MountSource::Tmpfs { .. } => {}
            }
        }
    }
    let mut notes = Vec::new();
    if !files.is_empty() {
        notes.push(format!(
            "Files mounted from the host, relative to this file; up fails while one is missing: {}",
            files.join(", ")
        ));
    }
    notes.extend(contents);
    for (path, writers) in directories {
        if checkout.iter().any(|dir| from_file(root, dir) == path) {
            notes.extend(match writers.as_slice() {
                [] | [None] => None,
                [Some(user)] => Some(format!(
                    "The checkout's {path} is mounted live and written by {user}: chown -R {owner} {path}",
                    user = describe(user),
                    owner = match user {
                        User::Id { uid, gid } => format!("{uid}:{}", gid.unwrap_or(*uid)),
                        User::Named(name) => format!("<uid of {name} in the image>"),
                    }
                )),
                several => Some(format!(
                    "The checkout's {path} is mounted live and written by several users ({}): give them one uid",
                    several.iter().map(|u| u.map_or("root".to_string(), describe)).collect::<Vec<_>>().join(", ")
                )),
            });
            continue;
        }
        notes.push(match writers.as_slice() {
            [] => format!("Host path {path} must exist before up (Compose does not create it)"),
            [Some(User::Id { uid, gid })] => format!(
                "Create {path} before up, owned by the container's user: install -d -o {uid} -g {} {path}",
                gid.unwrap_or(*uid)
            ),
            [Some(User::Named(name))] => format!(
                "Create {path} before up, owned by the uid of the image's user {name}: install -d -o <uid of {name}> {path}"
            ),
            [None] => format!("Create {path} before up: mkdir -p {path}"),
            several => format!(
                "Create {path} before up, writable by every container that writes it ({}): install -d -m 0777 {path}, or give them one uid",
                several.iter().map(|u| u.map_or("root".to_string(), describe)).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    notes
}

/// A user as Compose's `user:` spells it.
pub(super) fn describe(user: &User) -> String {
    match user {
        User::Named(name) => name.clone(),
        User::Id { uid, gid: Some(gid) } => format!("{uid}:{gid}"),
        User::Id { uid, gid: None } => uid.to_string(),
    }
}
