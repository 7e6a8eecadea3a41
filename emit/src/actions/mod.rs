//! GitHub Actions: the pipeline of a project, `.github/workflows/ci.yml` (pull requests) and
//! `.github/workflows/deploy.yml` (pushes to the deploy branch, when the project declares a
//! [`stack_dsl::Pipeline`]).
//!
//! Spec: <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax>.
//! Every workflow passes actionlint, the workflow JSON schema and zizmor (no findings).
//!
//! | model | workflow |
//! | --- | --- |
//! | `Service::check(CiCheck)` | `ci.yml` job `check-<service>`: the check's `Toolchain` set up with the pinned `setup-node` / `setup-python`, then one step per check, in the build context |
//! | `Image::build` | `ci.yml` job `image` (matrix): Buildx build with the GitHub cache, Trivy scan (HIGH/CRITICAL with a fix fail) |
//! | the project's regenerate command | job `generated`: on the pinned Rust release, `cargo fetch --locked`, then the header's regenerate command with `--check` (`crate::regenerate`) fails on stale files (cached in `ci.yml`) |
//! | `Pipeline` | `deploy.yml` runs the same `generated` and `check-*` jobs on the pushed commit; the image job waits for them |
//! | `Pipeline::registry` | `deploy.yml` job `image`: build, scan, then push `<registry>/<image>:<commit sha>`; the registry is `ghcr.io/<repository owner, lower-cased>` unless the project names one, which each job that names the registry checks is that namespace first (the job token pushes only there), a prerequisite the header states |
//! | a hosted `Env` (`Env::Staging`, `Env::Production`, `Env::hosted("qa")`, `Env::production("production-eu")`) | job `deploy-<env>` in the GitHub environment of that name, whose secrets and variables the header lists; each needs the one before it in the project's order; the header asks for required reviewers on the production ones (`Env::is_production`) |
//! | committed files at an environment tag (Render's `image.url`, the Railway program's fallback) | Render and Railway deploy jobs first point `<registry>/<image>:<env>` at the image they deploy (`docker buildx imagetools create`, `packages: write`); the deploy names the commit's tag |
//! | `Pipeline::target` | the deploy steps: `kubectl apply` of the environment's kustomization (kubectl pinned, the Secret's keys checked first, and a prune scoped by the stack's label after a successful rollout); Render's API with the pushed image (`imageUrl`), in waves along `depends_on` (a service after those it waits for are live), under one time budget; `railway config apply` of `.railway/railway.ts` with `IMAGE_TAG`, each new deployment awaited; Compose over SSH with every file the Compose file mounts |
//! | `Run::Once` (migrations) | Kubernetes: the Job, named after the release, applied with everything but the services that wait for it, awaited (at most its deadline and a minute), then those services; Render: `preDeployCommand`; Railway: `preDeploy`; Compose: run once by `up` when a service waits for it, else `run --rm` and `--scale <job>=0` |
//! | `Route` + `Probe::http` | smoke test `curl` of `https://<host><path>` with retries and a time limit; a placeholder host (RFC 2606) is read from the environment's variable `PUBLIC_HOST_<SERVICE>` |
//! | a failed, timed-out or cancelled deploy or smoke test | each step has a limit the job's holds (`time_budget`: the platform's wait, else 45 min; Compose `up --wait-timeout`); rollback, on `failure() \|\| cancelled()`: `kubectl rollout undo --to-revision` of the Deployments and StatefulSets this deploy changed (StatefulSets with the forced-rollback pod deletion), Render's rollback API with each rollback deploy awaited, the previous files and image tag on the Compose host; Railway: an error naming the dashboard rollback |
//!
//! Security: `permissions: {}` at the top and the least each job needs; every action pinned to
//! a full commit SHA ([`pins`]); checkout without persisted credentials; secrets only as
//! `${{ secrets.NAME }}` in `env:`, and no `${{ }}` inside `run:` scripts; a concurrency group
//! so two deploys never overlap.
//!
//! GitHub reads workflows only from the repository's own `.github/workflows`. Written with
//! `--out .` they are live; written elsewhere (`golden/<stack>/` in this repository) their
//! header says where to copy them, and their paths (build contexts, manifests, the `--check`
//! directory, the Railway program) are written from the root for that output directory.

mod ci;
mod deploy;
mod deploy_order;
mod environment_tags;
pub(crate) mod hosts;
pub mod images;
#[cfg(feature = "kubernetes")]
mod kubernetes;
pub mod model;
pub mod pins;
mod platform;
pub mod prerequisites;
mod railway_sdk;
mod registry;
mod time_budget;

use stack_dsl::{DeployTarget, ValidProject, ValidStack};

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
    add(&mut bundle, project, options, "ci.yml", &ci, Vec::new())?;
    if let Some(pipeline) = project.pipeline() {
        deploys_what_is_rendered(project.name(), pipeline.target, crate::TARGETS)?;
        let (deploy, warnings, notes) = deploy::workflow(project, pipeline, &hosted, &images, options)?;
        add(&mut bundle, project, options, "deploy.yml", &deploy, notes)?;
        for warning in warnings {
            bundle.warn(warning);
        }
    }
    Ok(bundle)
}

fn add(
    bundle: &mut Bundle,
    project: &ValidProject,
    options: &Options,
    file: &str,
    workflow: &model::Workflow,
    notes: Vec<String>,
) -> Result<(), Error> {
    let path = format!("{WORKFLOWS_DIR}/{file}");
    let notes: Vec<String> = placement(options, file).into_iter().chain(notes).collect();
    let header =
        yaml::header(&format!("stack {}", project.name()), &crate::regenerate::command(project, options, &[]), &notes);
    let text = yaml::document(&path, &header, workflow)?;
    bundle.add(path, pins::annotate(&text));
    Ok(())
}

/// Where GitHub must find a workflow rendered outside the repository root: it runs only files in
/// the root's `.github/workflows/`
/// (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#about-yaml-syntax-for-workflows>).
/// The paths inside are already written from the root.
pub fn placement(options: &Options, file: &str) -> Option<String> {
    (options.output_dir() != ".").then(|| {
        format!(
            "GitHub runs workflows only from the repository root's {WORKFLOWS_DIR}/: copy this file to \
             {WORKFLOWS_DIR}/{file} (its paths are written from the root, for output in {}/).",
            options.output_dir()
        )
    })
}

/// The README's table of what a team sets up on GitHub once per deploy target, made from the
/// same entries the workflows read (`<service>` stands for each built service, or each service
/// whose route host is a placeholder).
pub fn setup_table() -> String {
    let mut table = String::from("| target | in each GitHub environment (staging, production) |\n| --- | --- |\n");
    let targets = [DeployTarget::Kubernetes, DeployTarget::Render, DeployTarget::Railway, DeployTarget::ComposeOverSsh];
    for target in targets {
        let items: Vec<String> = platform::prerequisites_for(target, &["<service>"])
            .iter()
            .map(|p| format!("{} `{}`: {}", p.kind_name(), p.name, p.purpose.replace('<', "&lt;")))
            .collect();
        table.push_str(&format!("| `{}` | {} |\n", target.name(), items.join("<br>")));
    }
    table.push_str(
        "| every target | production: required reviewers (they approve each production deploy) |\n\n\
         | in the repository (Settings › Secrets and variables › Actions) | |\n| --- | --- |\n",
    );
    let host = hosts::host_variable("<service>", "<env>");
    table.push_str(&format!("| {} `{}` | {} |\n", host.kind_name(), host.name, host.purpose.replace('<', "&lt;")));
    table
}

/// A pipeline deploys the files this build renders: without the `kubernetes` feature there is no
/// `kubernetes/<env>` directory to apply. `rendered` is the list of targets the build renders.
fn deploys_what_is_rendered(project: &str, target: DeployTarget, rendered: &[&str]) -> Result<(), Error> {
    let (files, feature) = match target {
        DeployTarget::Kubernetes => ("kubernetes", Some("kubernetes")),
        DeployTarget::Render => ("render", None),
        DeployTarget::Railway => ("railway", None),
        DeployTarget::ComposeOverSsh => ("compose", None),
    };
    match feature {
        Some(feature) if !rendered.contains(&files) => {
            Err(Error::TargetNotRendered { project: project.into(), target: target.name(), feature })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_what_the_workflows_read() {
        let readme = include_str!("../../../README.md");
        let section = readme
            .split("<!-- pipeline-setup -->\n")
            .nth(1)
            .and_then(|rest| rest.split("\n<!-- /pipeline-setup -->").next());
        assert_eq!(
            section,
            Some(setup_table().trim_end()),
            "README.md is stale: paste setup_table() between the markers"
        );
    }

    #[test]
    fn a_pipeline_deploys_only_what_the_build_renders() {
        let without_kubernetes = ["compose", "render", "railway", "actions"];
        let error = deploys_what_is_rendered("shop", DeployTarget::Kubernetes, &without_kubernetes).unwrap_err();
        assert!(error.to_string().contains("enable the `kubernetes` feature of stackwright-emit"), "{error}");
        for target in [DeployTarget::Render, DeployTarget::Railway, DeployTarget::ComposeOverSsh] {
            assert!(deploys_what_is_rendered("shop", target, &without_kubernetes).is_ok());
        }
        let rendered = cfg!(feature = "kubernetes");
        assert_eq!(deploys_what_is_rendered("shop", DeployTarget::Kubernetes, crate::TARGETS).is_ok(), rendered);
    }
}
