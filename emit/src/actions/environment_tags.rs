//! The environment tags (`<registry>/<image>:staging`, `:production`) that committed platform
//! files name ([`crate::pushed_image`]): Render's Blueprint `image.url` and the Railway program's
//! fallback. Before such a platform deploys an environment, the deploy job points each of the
//! environment's images' tag at the image it deploys (`:<sha>`, or `:<sha>-<env>` for a
//! per-environment build); the deploy itself still names the commit's tag.
//!
//! `docker buildx imagetools create -t <new> <source>` copies the source's manifest to a new tag
//! in the registry, without pulling or rebuilding:
//! <https://docs.docker.com/reference/cli/docker/buildx/imagetools/create/>. Pushing a tag needs
//! the job token's `packages: write`:
//! <https://docs.github.com/en/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions>.

use stack_dsl::DeployTarget;

use super::model::{Access, Scope, Step};
use super::platform::{Deploy, images_of};
use super::registry;
use crate::pushed_image::environment_tag;

/// Whether `target`'s committed files name the environment tags: Render's Blueprint and the
/// Railway program do; the Kubernetes manifests and Compose files name the commit's tag.
pub fn are_named_by(target: DeployTarget) -> bool {
    matches!(target, DeployTarget::Render | DeployTarget::Railway)
}

/// The token scope moving a tag needs.
pub const PERMISSION: (Scope, Access) = (Scope::Packages, Access::Write);

/// Log in to the registry, then point the environment's tag of every image `deploy` runs at the
/// image it deploys.
pub fn steps(deploy: &Deploy) -> Vec<Step> {
    let tag = environment_tag(deploy.stack.env());
    let mut script = String::from("set -euo pipefail\n");
    for image in images_of(deploy) {
        let repository = format!("{}/{}", deploy.registry, image.name);
        script.push_str(&format!(
            "docker buildx imagetools create --tag \"{repository}:{tag}\" \"{repository}:$GITHUB_SHA{}\"\n",
            image.tag_suffix()
        ));
    }
    vec![registry::login(), Step::run(format!("Point the {tag} tags at the images deployed"), script)]
}
