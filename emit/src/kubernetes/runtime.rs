//! What an image needs from its pod to start under the `restricted` Pod Security Standard, from
//! the image facts ([`crate::facts::images`]): its data directory inside, not at, a fresh
//! volume's root; writable `emptyDir`s for the paths it writes outside its mounts; the safe
//! sysctl `net.ipv4.ip_unprivileged_port_start` when a non-root process binds a port below 1024;
//! and a startup probe long enough for the first start on an empty volume.
//!
//! Why the sysctl: Kubernetes counts it among the safe, namespaced sysctls every Pod Security
//! level allows (<https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/>,
//! <https://kubernetes.io/docs/concepts/security/pod-security-standards/>), it affects only the
//! pod's own network namespace, and it keeps the image and its configuration as the stack
//! wrote them, where the alternative (`NET_BIND_SERVICE`) is a capability `restricted` forbids
//! adding to a non-root process's effective set without file capabilities.

use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, PodSecurityContext, Sysctl, Volume, VolumeMount,
};
use stack_dsl::Service;

use super::security::Identity;
use crate::facts::images::Facts;

/// The sysctl that lets unprivileged processes bind ports from its value up.
pub const UNPRIVILEGED_PORT_START: &str = "net.ipv4.ip_unprivileged_port_start";

/// The subdirectory of its volume an image that refuses a non-empty directory keeps its data in.
pub const DATA_SUBDIRECTORY: &str = "data";

/// Ports below this need root (or the sysctl) to bind.
const FIRST_UNPRIVILEGED_PORT: u16 = 1024;

/// Give the pod of `service` what its image needs to start; returns what was changed from the
/// stack's own values.
pub fn prepare(
    service: &Service,
    identity: Identity,
    container: &mut Container,
    volumes: &mut Vec<Volume>,
    pod: &mut PodSecurityContext,
) -> Vec<String> {
    let facts = Facts::of(service);
    let mut notes = Vec::new();
    notes.extend(move_data_off_volume_root(&facts, container));
    writable_paths(&facts, container, volumes);
    allow_low_ports(service, &facts, identity, pod);
    allow_first_start(&facts, container);
    notes
}

/// An image whose first start refuses a non-empty directory (PostgreSQL's `initdb`, MySQL's
/// `--initialize`) keeps its data in a subdirectory of the volume, whose root holds
/// `lost+found` on a fresh disk: moved by the image's variable, else by mounting the
/// subdirectory itself (`subPath`).
fn move_data_off_volume_root(facts: &Facts, container: &mut Container) -> Option<String> {
    let data = facts.data.filter(|d| d.needs_empty_dir)?;
    let Some(variable) = data.moved_by else {
        let mounts = container.volume_mounts.iter_mut().flatten();
        let at_root = mounts.filter(|m| m.mount_path.trim_end_matches('/') == data.path && m.sub_path.is_none());
        for mount in at_root {
            mount.sub_path = Some(DATA_SUBDIRECTORY.into());
        }
        return None;
    };
    let env = container.env.get_or_insert_with(Vec::new);
    let stated = env.iter().find(|v| v.name == variable).and_then(|v| v.value.clone());
    let path = stated.clone().unwrap_or_else(|| data.path.to_string());
    let mounts = container.volume_mounts.as_deref().unwrap_or_default();
    let at_root =
        mounts.iter().any(|m| m.mount_path.trim_end_matches('/') == path.trim_end_matches('/') && m.sub_path.is_none());
    if !at_root {
        return None;
    }
    let moved = format!("{}/{DATA_SUBDIRECTORY}", path.trim_end_matches('/'));
    env.retain(|v| v.name != variable);
    env.push(EnvVar { name: variable.to_string(), value: Some(moved.clone()), ..Default::default() });
    stated.map(|old| {
        format!(
            "{variable} is {old}, the root of its volume, where a fresh disk's lost+found makes the first start fail: it is set to {moved}"
        )
    })
}

/// Every path the image writes outside its mounts gets an `emptyDir`, owned through `fsGroup`
/// by the pod's group, so it is writable whatever uid runs and with a read-only root.
fn writable_paths(facts: &Facts, container: &mut Container, volumes: &mut Vec<Volume>) {
    let mounts = container.volume_mounts.get_or_insert_with(Vec::new);
    for path in &facts.writes {
        let covered = mounts.iter().any(|m| path == &m.mount_path || path.starts_with(&format!("{}/", m.mount_path)));
        if covered {
            continue;
        }
        let name = format!("writable-{}", mounts.len());
        volumes.push(Volume {
            name: name.clone(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Default::default()
        });
        mounts.push(VolumeMount { name, mount_path: path.clone(), ..Default::default() });
    }
    if mounts.is_empty() {
        container.volume_mounts = None;
    }
}

/// A non-root process binding a port below 1024 (nginx's 80) needs the port range lowered.
fn allow_low_ports(service: &Service, facts: &Facts, identity: Identity, pod: &mut PodSecurityContext) {
    if identity == Identity::Root {
        return;
    }
    let declared = service.ports.iter().map(|p| p.number);
    let Some(lowest) = declared.chain(facts.listens.iter().copied()).filter(|p| *p < FIRST_UNPRIVILEGED_PORT).min()
    else {
        return;
    };
    pod.sysctls = Some(vec![Sysctl { name: UNPRIVILEGED_PORT_START.into(), value: lowest.to_string() }]);
}

/// The startup probe allows at least the image's first start (initialising a database).
fn allow_first_start(facts: &Facts, container: &mut Container) {
    let Some(first_start) = facts.data.and_then(|d| d.first_start) else { return };
    let Some(readiness) = container.readiness_probe.clone() else { return };
    let probe = container.startup_probe.get_or_insert(readiness);
    let period = u64::try_from(probe.period_seconds.unwrap_or(10)).unwrap_or(10).max(1);
    let needed = i32::try_from(first_start.as_secs().div_ceil(period)).unwrap_or(i32::MAX);
    if probe.failure_threshold.unwrap_or(3) < needed {
        probe.failure_threshold = Some(needed);
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::PodSpec;
    use stack_dsl::{Env, Image, ImageFacts, Port, Project, Service, Stack};

    use super::super::lower::lower;
    use super::super::object::Object;
    use super::*;

    /// The pod of the only workload of a one-service stack, and the warnings.
    fn pod_of(service: Service) -> (PodSpec, Vec<String>) {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(service.clone());
            stack
        });
        let valid = project.validate().expect("valid");
        let lowered = lower(valid.stacks().first().expect("a stack"), valid.cluster()).expect("lowered");
        let warnings = lowered.warnings.iter().map(|w| w.message.clone()).collect();
        let pod = lowered
            .files
            .into_iter()
            .flat_map(|(_, objects)| objects)
            .find_map(|o| match o {
                Object::Deployment(d) => d.spec.and_then(|s| s.template.spec),
                _ => None,
            })
            .expect("a Deployment");
        (pod, warnings)
    }

    fn mounted(pod: &PodSpec, path: &str) -> bool {
        pod.containers[0].volume_mounts.iter().flatten().any(|m| m.mount_path == path)
    }

    #[test]
    fn nginx_binds_port_80_and_writes_its_cache_as_uid_101() {
        let (pod, _) = pod_of(Service::new("web", Image::new("nginx:1.27-alpine")).port(Port::http(80)));
        let security = pod.security_context.as_ref().expect("security context");
        assert_eq!((security.run_as_user, security.fs_group), (Some(101), Some(101)));
        let sysctls = security.sysctls.clone().unwrap_or_default();
        assert_eq!(sysctls, vec![Sysctl { name: UNPRIVILEGED_PORT_START.into(), value: "80".into() }]);
        assert!(mounted(&pod, "/var/cache/nginx") && mounted(&pod, "/var/run"));
    }

    #[test]
    fn unprivileged_ports_need_no_sysctl() {
        let (pod, _) =
            pod_of(Service::new("web", Image::new("nginxinc/nginx-unprivileged:1.27")).port(Port::http(8080)));
        assert_eq!(pod.security_context.and_then(|s| s.sysctls), None);
    }

    #[test]
    fn stated_facts_replace_assumptions() {
        let unknown = Service::new("app", Image::new("ghcr.io/team/app:1.0")).port(Port::http(8000));
        let (pod, warnings) = pod_of(unknown.clone());
        assert_eq!(pod.security_context.and_then(|s| s.run_as_user), Some(10001));
        assert!(warnings.iter().any(|w| w.starts_with("no runtime facts are known for its image")), "{warnings:?}");

        let (pod, warnings) = pod_of(unknown.image_facts(ImageFacts::new().runs_as(1001, 1001).writes("/app/cache")));
        assert_eq!(pod.security_context.as_ref().and_then(|s| s.fs_group), Some(1001));
        assert!(mounted(&pod, "/app/cache"));
        assert!(!warnings.iter().any(|w| w.starts_with("no runtime facts")), "{warnings:?}");
    }
}
