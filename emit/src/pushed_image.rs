//! The image a project's pipeline pushed for a service, which the hosted targets run instead of
//! rebuilding the repository: `<registry>/<image name>:<commit SHA>`, with `-<env>` after the
//! SHA when the build differs between the hosted environments (build arguments baked in per
//! environment), as the deploy workflow tags it. A platform that creates a service from a
//! committed file pulls the environment's tag (`staging`, `production`) instead: the pipeline
//! moves it to the image it deploys there, so it exists once the environment was deployed, and
//! never names an image that was not built and scanned (no `latest`, which nothing pushes).

use stack_dsl::{Env, Image, Service, ValidProject, ValidStack};

use crate::actions::images::built_images;
use crate::endpoint::image_name;

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
    /// The tag the pipeline moves to the image it deploys to this environment.
    pub environment_tag: String,
}

impl PushedImage {
    /// The image reference at the environment's tag.
    pub fn at_environment_tag(&self) -> String {
        format!("{}:{}", self.repository, self.environment_tag)
    }
}

/// The tag the deploy workflow moves to each image it deploys to `env`, while the deploy itself
/// names the commit's tag: the environment's name.
pub fn environment_tag(env: Env) -> String {
    env.name().to_string()
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
    Some(PushedImage {
        repository: format!("{registry}/{name}"),
        tag_suffix: built.tag_suffix(),
        environment_tag: environment_tag(stack.env()),
    })
}
