//! When the kubelet pulls an image. `Always` makes every pod start ask the registry (a registry
//! incident then stops rescheduled pods); `IfNotPresent` reuses the node's copy, which is right
//! only when the reference names fixed bits. The deploy workflow pins every third-party image
//! to a digest (the one its tag named when the stack first used that reference, kept until the
//! reference changes), and built images carry the commit SHA, so what it applies is fixed:
//! `IfNotPresent`. Only a reference naming no version (`latest`) keeps
//! `Always`, and is reported.
//! <https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy>

use k8s_openapi::api::core::v1::PodSpec;
use stack_dsl::{Cluster, Image, ValidStack};

use super::lower::{Lowered, lower};
use super::object::Object;
use super::readers::long_running;
use super::security::is_unpinned;
use crate::error::Error;

/// The pull policy of a container running `image`.
pub fn pull_policy(image: &Image) -> &'static str {
    match image {
        Image::Registry(reference) if is_unpinned(reference) => "Always",
        _ => "IfNotPresent",
    }
}

/// The repository part of a reference: `postgres` from `postgres:16-alpine`,
/// `registry:5000/team/app` from `registry:5000/team/app:1.2`; what kustomize's `images`
/// entries match on.
pub fn repository(reference: &str) -> &str {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    match without_digest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => without_digest,
    }
}

/// The third-party images of an environment's manifests (built images excluded).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ThirdParty {
    /// One per repository: (repository, reference).
    pub images: Vec<(String, String)>,
    /// Repositories run at two different references, which kustomize cannot pin by name.
    pub ambiguous: Vec<String>,
}

/// The third-party images `stack`'s manifests run.
pub fn third_party_images(stack: &ValidStack, cluster: &Cluster) -> Result<ThirdParty, Error> {
    let lowered = lower(stack, cluster)?;
    let built: Vec<&str> = lowered.kustomization.images.iter().map(|i| i.name.as_str()).collect();
    let mut found: Vec<(String, String)> = Vec::new();
    let mut ambiguous: Vec<String> = Vec::new();
    for (_, _, pod) in
        long_running(lowered.files.iter().flat_map(|(_, objects)| objects)).into_iter().chain(job_pods(&lowered))
    {
        for image in
            pod.containers.iter().chain(pod.init_containers.iter().flatten()).filter_map(|c| c.image.as_deref())
        {
            if built.contains(&image) {
                continue;
            }
            let repo = repository(image).to_string();
            match found.iter().find(|(r, _)| *r == repo) {
                Some((_, reference)) if reference != image => {
                    if !ambiguous.contains(&repo) {
                        ambiguous.push(repo);
                    }
                }
                Some(_) => {}
                None => found.push((repo, image.to_string())),
            }
        }
    }
    found.retain(|(repo, _)| !ambiguous.contains(repo));
    Ok(ThirdParty { images: found, ambiguous })
}

/// The pod specs of the Jobs and CronJobs of `lowered`, shaped like [`long_running`]'s.
fn job_pods(lowered: &Lowered) -> Vec<(&'static str, String, &PodSpec)> {
    lowered
        .files
        .iter()
        .flat_map(|(_, objects)| objects)
        .filter_map(|object| match object {
            Object::Job(j) => Some(("Job", String::new(), j.spec.as_ref()?.template.spec.as_ref()?)),
            Object::CronJob(c) => {
                Some(("CronJob", String::new(), c.spec.as_ref()?.job_template.spec.as_ref()?.template.spec.as_ref()?))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_and_repositories() {
        assert_eq!(pull_policy(&Image::new("postgres:16-alpine")), "IfNotPresent");
        assert_eq!(pull_policy(&Image::new("certbot/certbot:latest")), "Always");
        assert_eq!(repository("registry:5000/team/app:1.2"), "registry:5000/team/app");
        assert_eq!(repository("registry:5000/team/app"), "registry:5000/team/app");
        assert_eq!(repository("postgres@sha256:abc"), "postgres");
        assert_eq!(repository("busybox:1.37"), "busybox");
    }
}
