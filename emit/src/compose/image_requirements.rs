//! What a service's image must hold for `up` to succeed, which no Compose key can provide, so
//! the header lists it for whoever builds the image: what the stack states
//! ([`stack_dsl::ImageFacts::requires`]), and the mount point of each named volume a non-root
//! service writes. Docker fills a new volume from the image's directory at the mount point,
//! owner and mode included, and creates a missing one owned by root, where a non-root process
//! cannot write (<https://docs.docker.com/engine/storage/volumes/#populate-a-volume-using-a-container>).

use indexmap::IndexMap;
use stack_dsl::{Image, MountSource, ValidStack};

use super::host_paths::describe;
use crate::facts::images::{Facts, Origin};

/// One header line per stated requirement and per volume mount point a non-root service of an
/// image without facts writes.
pub fn notes(stack: &ValidStack) -> Vec<String> {
    let mut notes = Vec::new();
    // (image, mount point, user) → the services writing there.
    let mut mount_points: IndexMap<(String, String, String), Vec<&str>> = IndexMap::new();
    for service in stack.services() {
        if let Some(facts) = &service.image_facts {
            notes.extend(facts.requires.iter().map(|what| format!("The image {} runs must {what}", service.name)));
        }
        let Some(user) = service.user.as_ref().filter(|u| u.is_non_root()) else { continue };
        if matches!(Facts::of(service).origin, Origin::Known(_)) {
            continue;
        }
        let image = match &service.image {
            Image::Registry(reference) => reference.clone(),
            Image::Build(build) => build.tag.clone().unwrap_or_else(|| service.name.clone()),
        };
        for mount in service.mounts.iter().filter(|m| matches!(m.source, MountSource::Volume(_)) && !m.read_only) {
            let writers = mount_points.entry((image.clone(), mount.target.clone(), describe(user))).or_default();
            writers.push(&service.name);
        }
    }
    notes.extend(mount_points.into_iter().map(|((image, path, user), services)| {
        format!(
            "The image {image} ({}) must hold {path} owned by {user}: a new volume takes the owner of the image's directory, root when the image lacks it, and {user} writes there",
            services.join(", ")
        )
    }));
    notes
}
