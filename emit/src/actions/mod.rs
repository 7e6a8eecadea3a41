//! GitHub Actions: the pipeline of a project, `.github/workflows/ci.yml` (pull requests) and
//! `.github/workflows/deploy.yml` (pushes to the deploy branch, when the project declares a
//! [`stack_dsl::Pipeline`]).
//!
//! Spec: <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax>.
//! Every workflow passes actionlint, the workflow JSON schema and zizmor (no findings).
//!
//! | model | workflow |
//! | --- | --- |
//! | `Service::check(CiCheck)` | `ci.yml` job `check-<service>`: one step per check, in the build context |
//! | `Image::build` | `ci.yml` job `image` (matrix): Buildx build with the GitHub cache, Trivy scan (HIGH/CRITICAL with a fix fail) |
//! | the project's regenerate command | `ci.yml` job `generated`: `<command> -- --check <output dir>` fails on stale files |
//! | `Pipeline::registry` | `deploy.yml` job `image`: build, scan, then push `<registry>/<image>:<commit sha>` |
//! | `Env::Staging` / `Env::Production` | jobs `deploy-staging` / `deploy-production` in GitHub environments of those names; production needs staging |
//! | `Pipeline::target` | the deploy steps: `kubectl apply` of the environment's kustomization (kubectl pinned, the Secret's keys checked first, and a prune scoped by the stack's label after a successful rollout), the Render API, `railway up`, or Compose over SSH |
//! | `Run::Once` (migrations) | Kubernetes: the Job, named after the release, applied with everything but the services that wait for it, awaited (at most its deadline and a minute), then those services; Render: `preDeployCommand`; Railway: `preDeploy`; Compose: `docker compose run --rm <job>` before `up` |
//! | `Route` + `Probe::http` | smoke test `curl` of `https://<host><path>` with retries and a time limit |
//! | a failed deploy or smoke test | rollback: `kubectl rollout undo --to-revision` of the Deployments and StatefulSets this deploy changed (StatefulSets with the forced-rollback pod deletion), Render's rollback API, the previous image tag on the Compose host; Railway: an error naming the dashboard rollback |
//!
//! Security: `permissions: {}` at the top and the least each job needs; every action pinned to
//! a full commit SHA ([`pins`]); checkout without persisted credentials; secrets only as
//! `${{ secrets.NAME }}` in `env:`, and no `${{ }}` inside `run:` scripts; a concurrency group
//! so two deploys never overlap.
//!
//! GitHub reads workflows only from the repository's own `.github/workflows`. Written with
//! `--out .` they are live; under `golden/<stack>/` in this repository they are examples, and
//! their paths (build contexts, manifests, the `--check` directory) are relative to the root.

mod ci;
mod deploy;
mod images;
mod kubernetes;
pub mod model;
pub mod pins;
mod platform;

use stack_dsl::{ValidProject, ValidStack};

use crate::bundle::Bundle;
use crate::error::Error;
use crate::layout::WORKFLOWS_DIR;
use crate::options::Options;
use crate::yaml;

/// Render the workflows of `project`.
pub fn render(project: &ValidProject, options: &Options) -> Result<Bundle, Error> {
    let mut bundle = Bundle::new();
    let hosted: Vec<&ValidStack> = project.stacks().iter().filter(|s| s.env().is_hosted()).collect();
    // Images are built once and promoted, so only the hosted environments' builds count;
    // a project with none (no pipeline) still checks and scans its development builds.
    let stacks = if hosted.is_empty() { project.stacks().iter().collect() } else { hosted.clone() };
    let images = images::built_images(&stacks);
    let ci = ci::workflow(project, &stacks, &images, options);
    add(&mut bundle, project, "ci.yml", &ci)?;
    if let Some(pipeline) = project.pipeline() {
        let (deploy, warnings) = deploy::workflow(project, pipeline, &hosted, &images, options)?;
        add(&mut bundle, project, "deploy.yml", &deploy)?;
        for warning in warnings {
            bundle.warn(warning);
        }
    }
    Ok(bundle)
}

fn add(bundle: &mut Bundle, project: &ValidProject, file: &str, workflow: &model::Workflow) -> Result<(), Error> {
    let path = format!("{WORKFLOWS_DIR}/{file}");
    let header = yaml::header(&format!("stack {}", project.name()), project.regenerate_command(), &[]);
    let text = yaml::document(&path, &header, workflow)?;
    bundle.add(path, pins::annotate(&text));
    Ok(())
}
