//! The Compose project a stack runs as, and the names its volumes have on the host: Docker calls
//! a project's volume `<project>_<volume>` unless it is external
//! (<https://docs.docker.com/reference/compose-file/volumes/>), and `-p` or
//! `COMPOSE_PROJECT_NAME` override the file's `name:`
//! (<https://docs.docker.com/compose/how-tos/project-name/>). External networks and volumes
//! are never created by Compose: `up` fails until they exist
//! (<https://docs.docker.com/reference/compose-file/networks/#external>). On a network, every
//! container answers to its service name for all the others, whichever project started it
//! (<https://docs.docker.com/engine/network/#dns-services>), so a shared external network
//! shares names too.

use stack_dsl::{ValidStack, VolumeKind};

/// The project name: the stack's own, or `<stack>-<environment>`.
pub fn name(stack: &ValidStack) -> String {
    stack.compose_project.clone().unwrap_or_else(|| format!("{}-{}", stack.name, stack.env()))
}

/// The name a mount uses for the model's volume `volume`.
pub fn volume_key<'a>(stack: &'a ValidStack, volume: &'a str) -> &'a str {
    stack.volumes.iter().find(|v| v.name == volume).map_or(volume, |v| v.name_in_compose())
}

/// The header line naming the volumes the host keeps the data in, if the stack owns any.
pub fn data_note(stack: &ValidStack) -> Option<String> {
    let project = name(stack);
    let volumes: Vec<String> = stack
        .volumes
        .iter()
        .filter(|v| v.kind == VolumeKind::Persistent)
        .map(|v| format!("{project}_{}", v.name_in_compose()))
        .collect();
    (!volumes.is_empty()).then(|| {
        format!(
            "Data lives in the volumes {} (project {project}); a host whose volumes carry another project name keeps them by adding -p <that name> to every docker compose command",
            volumes.join(", ")
        )
    })
}

/// The names of the external networks and volumes of `stack`, which Compose does not create.
pub fn external_resources(stack: &ValidStack) -> (Vec<&str>, Vec<&str>) {
    let networks = stack.networks.iter().filter(|n| n.external).map(|n| n.name.as_str()).collect();
    let volumes = stack.volumes.iter().filter(|v| v.kind == VolumeKind::External).map(|v| v.name.as_str()).collect();
    (networks, volumes)
}

/// The header line listing the external networks and volumes to create before the first `up`.
pub fn external_note(stack: &ValidStack) -> Option<String> {
    let (networks, volumes) = external_resources(stack);
    let networks = networks.into_iter().map(|n| format!("docker network create {n}"));
    let commands: Vec<String> =
        networks.chain(volumes.into_iter().map(|v| format!("docker volume create {v}"))).collect();
    (!commands.is_empty()).then(|| {
        format!("Create before the first up (Compose does not create external resources): {}", commands.join("; "))
    })
}

/// One header line per external network: the names its members answer to there, which another
/// project's containers on the same network share.
pub fn shared_names_notes(stack: &ValidStack) -> Vec<String> {
    stack
        .networks
        .iter()
        .filter(|n| n.external)
        .filter_map(|network| {
            let members: Vec<&str> = stack
                .services()
                .filter(|s| s.networks.iter().any(|n| n.name() == network.name))
                .map(|s| s.name.as_str())
                .collect();
            (!members.is_empty()).then(|| {
                format!(
                    "{} is shared with whatever else joins it: a container of another project there named {} answers the same name, so attach only services meant to meet these",
                    network.name,
                    members.join(", ")
                )
            })
        })
        .collect()
}
