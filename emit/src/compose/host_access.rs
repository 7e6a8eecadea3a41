//! What a service can reach of the host through absolute bind mounts, said in the header so an
//! operator knows before `up` what each container is trusted with. The Docker socket is the
//! Docker API: whoever can connect to it controls every container and, through them, the host as
//! root; a read-only mount of the socket file does not restrict the API
//! (<https://docs.docker.com/engine/security/#docker-daemon-attack-surface>).

use stack_dsl::{MountSource, ValidStack};

/// The Docker engine's API socket on a Linux host.
pub const DOCKER_SOCKET: &str = "/var/run/docker.sock";

/// One header line per service that mounts absolute host paths.
pub fn notes(stack: &ValidStack) -> Vec<String> {
    stack
        .services()
        .filter_map(|service| {
            let paths: Vec<String> = service
                .mounts
                .iter()
                .filter_map(|mount| match &mount.source {
                    MountSource::Bind(path) if path == DOCKER_SOCKET => Some(format!(
                        "{path} (the Docker API: root-equivalent control of this host, whatever the mount's read-only flag)"
                    )),
                    MountSource::Bind(path) if path.starts_with('/') => {
                        Some(format!("{path} {}", if mount.read_only { "read-only" } else { "read-write" }))
                    }
                    _ => None,
                })
                .collect();
            (!paths.is_empty()).then(|| format!("Host access of {}: {}", service.name, paths.join(", ")))
        })
        .collect()
}
