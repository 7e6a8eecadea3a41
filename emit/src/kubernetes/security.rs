//! The hardened defaults every pod and container gets, and the exceptions a stack asks for.
//! Follows the `restricted` Pod Security Standard:
//! <https://kubernetes.io/docs/concepts/security/pod-security-standards/>.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Capabilities, PodSecurityContext, SeccompProfile, SecurityContext};
use stack_dsl::{Image, Run, Service, User};

use crate::facts::images::{Facts, Origin};

/// The uid (and gid) containers run as when the stack names none, or names a user by name,
/// which Kubernetes cannot check: above 10000, so it maps to no user of the host or image.
pub const DEFAULT_UID: u32 = 10001;

/// Who a service's containers run as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// A non-root uid and gid.
    NonRoot {
        /// The user id.
        uid: u32,
        /// The group id, also the group that owns mounted volumes.
        gid: u32,
    },
    /// Root, because the stack says so (`.user(0)`).
    Root,
}

impl Identity {
    /// The identity of `service`, and why it differs from the stack's wish or what was assumed.
    /// Without a numeric `.user(..)` the image's own account ([`Facts`]) is used, so volumes
    /// are group-owned by the gid the image's files belong to.
    pub fn of(service: &Service) -> (Identity, Option<String>) {
        let default = Identity::NonRoot { uid: DEFAULT_UID, gid: DEFAULT_UID };
        let facts = Facts::of(service);
        if let Some(user) = &service.user
            && !user.is_non_root()
        {
            return (
                Identity::Root,
                Some("runs as root because the stack says so; Pod Security `restricted` namespaces reject it".into()),
            );
        }
        if let Some((uid, gid)) = facts.effective_user(service) {
            return (Identity::NonRoot { uid, gid }, None);
        }
        let why = match (&service.user, facts.origin) {
            (Some(User::Named(name)), _) => format!(
                "Kubernetes can only check numeric users, so the container runs as uid {DEFAULT_UID} instead of {name:?}: give .user(uid) the uid of {name} in the image to keep it"
            ),
            (_, Origin::Unknown) => format!(
                "no runtime facts are known for its image, so it is assumed to run as any uid ({DEFAULT_UID}) and to write only to its mounts: state them with .image_facts(ImageFacts::new().runs_as(uid, gid).writes(path)) or .user(uid)"
            ),
            // A well-known image without an account of its own runs as any uid.
            _ => return (default, None),
        };
        (default, Some(why))
    }

    /// The pod's security context: non-root, volumes owned by the group, seccomp on.
    pub fn pod(self) -> PodSecurityContext {
        let (uid, gid) = self.ids();
        PodSecurityContext {
            run_as_non_root: self.non_root(),
            run_as_user: uid,
            run_as_group: gid,
            fs_group: gid,
            seccomp_profile: Some(runtime_default()),
            ..Default::default()
        }
    }

    /// A container's security context: no privilege escalation, no capabilities.
    pub fn container(self, read_only_root: bool) -> SecurityContext {
        let (uid, gid) = self.ids();
        SecurityContext {
            allow_privilege_escalation: Some(false),
            privileged: Some(false),
            capabilities: Some(Capabilities { drop: Some(vec!["ALL".into()]), add: None }),
            read_only_root_filesystem: Some(read_only_root),
            run_as_non_root: self.non_root(),
            run_as_user: uid,
            run_as_group: gid,
            seccomp_profile: Some(runtime_default()),
            ..Default::default()
        }
    }

    fn non_root(self) -> Option<bool> {
        matches!(self, Identity::NonRoot { .. }).then_some(true)
    }

    fn ids(self) -> (Option<i64>, Option<i64>) {
        match self {
            Identity::NonRoot { uid, gid } => (Some(uid.into()), Some(gid.into())),
            Identity::Root => (None, None),
        }
    }
}

fn runtime_default() -> SeccompProfile {
    SeccompProfile { type_: "RuntimeDefault".into(), localhost_profile: None }
}

/// The scanner (checkov) checks a workload fails on purpose, as `checkov.io/skipN:
/// CHECK=reason` annotations, so the exception and its reason sit on the object itself.
pub fn accepted_findings(service: &Service, identity: Identity) -> BTreeMap<String, String> {
    let mut accepted: Vec<(&str, String)> = Vec::new();
    match identity {
        Identity::Root => {
            let why = "the stack runs this service as root (.user(0))";
            accepted.extend([("CKV_K8S_23", why.to_string()), ("CKV_K8S_40", why.to_string())]);
        }
        Identity::NonRoot { uid, .. } if uid < 10000 => {
            accepted.push((
                "CKV_K8S_40",
                format!("this service runs as uid {uid}, the uid its image (or the stack) expects"),
            ));
        }
        Identity::NonRoot { .. } => {}
    }
    if service.run == Run::Continuously && service.healthcheck.is_none() {
        let why = "the stack declares no health check for this service";
        if service.liveness.is_none() {
            accepted.push(("CKV_K8S_8", why.to_string()));
        }
        accepted.push(("CKV_K8S_9", why.to_string()));
    }
    match &service.image {
        Image::Build(_) => accepted
            .push(("CKV_K8S_14", "built from the repository; the pipeline sets the tag to the commit SHA".into())),
        Image::Registry(reference) if is_unpinned(reference) => {
            accepted.push(("CKV_K8S_14", format!("the stack asks for {reference}; a warning says to pin it")))
        }
        Image::Registry(_) => {}
    }
    accepted
        .into_iter()
        .enumerate()
        .map(|(i, (check, why))| (format!("checkov.io/skip{}", i + 1), format!("{check}={why}")))
        .collect()
}

/// True when an image reference names no version: no tag, or `latest`, and no digest.
pub fn is_unpinned(reference: &str) -> bool {
    if reference.contains('@') {
        return false;
    }
    let last = reference.rsplit('/').next().unwrap_or(reference);
    last.split_once(':').is_none_or(|(_, tag)| tag == "latest")
}

#[cfg(test)]
mod tests {
    use super::is_unpinned;

    #[test]
    fn unpinned_images() {
        assert!(is_unpinned("certbot/certbot:latest"));
        assert!(is_unpinned("registry:5000/team/app"));
        assert!(!is_unpinned("registry:5000/team/app:1.2"));
        assert!(!is_unpinned("postgres@sha256:abc"));
        assert!(!is_unpinned("nginx:1.27-alpine"));
    }
}
