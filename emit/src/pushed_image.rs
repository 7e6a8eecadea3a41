//! The image a project's pipeline pushed for a service, which the hosted targets run instead of
//! rebuilding the repository: `<registry>/<image name>:<commit SHA>`, with `-<env>` after the
//! SHA when the build differs between the hosted environments (build arguments baked in per
//! environment), as the deploy workflow tags it.

use stack_dsl::{Image, Service, ValidProject, ValidStack};

use crate::actions::images::built_images;
use crate::endpoint::image_name;

/// The tag a target falls back to when it is rendered without a commit to deploy.
pub const FALLBACK_TAG: &str = "latest";

/// The host of a registry namespace (`ghcr.io/acme` → `ghcr.io`): what platforms store pull
/// credentials under.
pub fn registry_host(registry: &str) -> &str {
    registry.split('/').next().unwrap_or(registry)
}

/// Why a hosted target still builds from the repository although the project has a pipeline:
/// the pipeline pushes to the repository owner's namespace, which the workflow learns at run
/// time and a committed file cannot name. `None` when the target runs the pushed images.
pub fn unnamed_registry(project: &ValidProject, target: &str) -> Option<String> {
    let pipeline = project.pipeline()?;
    pipeline.registry.named().is_none().then(|| {
        format!(
            "{target} builds the services from the repository instead of running the images the pipeline pushed: \
             the pipeline pushes to the repository owner's namespace, which a committed file cannot name. \
             Set Pipeline::registry(\"ghcr.io/<owner>\") to run the scanned images on {target}"
        )
    })
}

/// Where the pipeline pushed a service's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedImage {
    /// `<registry>/<image name>`, without a tag.
    pub repository: String,
    /// What follows the commit SHA in the tag: empty, or `-<env>`.
    pub tag_suffix: String,
}

impl PushedImage {
    /// The image reference with `tag` in place of the commit SHA.
    pub fn with_tag(&self, tag: &str) -> String {
        format!("{}:{tag}{}", self.repository, self.tag_suffix)
    }
}

/// The pushed image `service` of `stack` runs, when the project has a pipeline pushing to a
/// namespace a committed file can name and the service is built from source; `None` otherwise.
/// The tag suffix is the one the pipeline gives the image (`actions::images`, one rule).
pub fn pushed_image(project: &ValidProject, stack: &ValidStack, service: &Service) -> Option<PushedImage> {
    let registry = project.pipeline()?.registry.named()?;
    if !matches!(service.image, Image::Build(_)) {
        return None;
    }
    let hosted: Vec<&ValidStack> = project.stacks().iter().filter(|s| s.env().is_hosted()).collect();
    let name = image_name(stack, service);
    let built = built_images(&hosted)
        .into_iter()
        .find(|image| image.name == name && image.env.is_none_or(|env| env == stack.env()))?;
    Some(PushedImage { repository: format!("{registry}/{name}"), tag_suffix: built.tag_suffix() })
}
