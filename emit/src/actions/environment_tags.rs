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
//!
//! The platform files read those tags when they create a service, so a failed deploy moves them
//! back: the step records the digest each tag named before (`imagetools inspect --format
//! '{{json .Manifest}}'`, whose `digest` is the manifest's,
//! <https://docs.docker.com/reference/cli/docker/buildx/imagetools/inspect/>), and the restore
//! step points each at it again (`<repository>@<digest>`), or says that the tag is new.

use stack_dsl::DeployTarget;

use super::model::{Access, Scope, Step, expr};
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

/// The id of the step that moves the tags.
const STEP_ID: &str = "tags";

/// How long moving the tags back may take, in minutes.
pub const RESTORE_MINUTES: u32 = 5;

/// Records the digest the tag `$1` names now in the step output `$2` (empty for a tag not yet
/// pushed); any other failure to read it stops the step before anything moves.
const RECORD: &str = r#"record() {
  local manifest
  if manifest=$(docker buildx imagetools inspect "$1" --format '{{json .Manifest}}' 2> "$RUNNER_TEMP/inspect"); then
    echo "$2=$(jq -r .digest <<< "$manifest")" >> "$GITHUB_OUTPUT"
  elif grep -q 'not found' "$RUNNER_TEMP/inspect"; then
    echo "$2=" >> "$GITHUB_OUTPUT"
  else
    cat "$RUNNER_TEMP/inspect" >&2
    return 1
  fi
}
"#;

/// The output naming the digest the tag of `image` named before the deploy.
fn output(image: &str) -> String {
    format!("previous_{}", image.to_ascii_uppercase().replace('-', "_"))
}

/// Log in to the registry, record what the environment's tag of every image `deploy` runs names,
/// then point it at the image it deploys.
pub fn steps(deploy: &Deploy) -> Vec<Step> {
    let tag = environment_tag(deploy.stack.env());
    let mut script = format!("set -euo pipefail\n{RECORD}");
    let mut moves = String::new();
    for image in images_of(deploy) {
        let repository = format!("{}/{}", deploy.registry, image.name);
        script.push_str(&format!("record \"{repository}:{tag}\" {}\n", output(&image.name)));
        moves.push_str(&format!(
            "docker buildx imagetools create --tag \"{repository}:{tag}\" \"{repository}:$GITHUB_SHA{}\"\n",
            image.tag_suffix()
        ));
    }
    script.push_str(&moves);
    vec![registry::login(), Step::run(format!("Point the {tag} tags at the images deployed"), script).id(STEP_ID)]
}

/// After a failed deploy, point the environment's tags back at what they named before; a tag
/// this deploy created is left, with a note (nothing named it before).
pub fn restore_step(deploy: &Deploy) -> Step {
    let tag = environment_tag(deploy.stack.env());
    let mut script = String::from("set -euo pipefail\n");
    let mut step = Step::run(format!("Point the {tag} tags back"), String::new());
    for image in images_of(deploy) {
        let repository = format!("{}/{}", deploy.registry, image.name);
        let variable = output(&image.name).to_ascii_uppercase();
        script.push_str(&format!(
            "if [ -n \"${variable}\" ]; then docker buildx imagetools create --tag \"{repository}:{tag}\" \"{repository}@${variable}\"; \
             else echo \"::warning::{repository}:{tag} was first pushed by this deploy; it still names the failed image.\"; fi\n"
        ));
        step = step.env(variable, expr(&format!("steps.{STEP_ID}.outputs.{}", output(&image.name))));
    }
    step.run = Some(script);
    step.condition(format!("(failure() || cancelled()) && steps.{STEP_ID}.outcome != 'skipped'"))
        .timeout_minutes(RESTORE_MINUTES)
}
