//! Every golden workflow read back into the typed model (`emit::actions::model`), and the
//! pipeline's promises checked over the model: images built, scanned and pushed; actions pinned;
//! no permissions at the top; the stack's platform deployed; production behind staging.

use std::path::{Path, PathBuf};

use emit::actions::model::{Job, Workflow};
use stack_dsl::{DeployTarget, Image, Project};

fn workflow(project: &Project, file: &str) -> Option<Workflow> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let path: PathBuf = root.join("golden").join(project.name()).join(".github/workflows").join(file);
    let text = std::fs::read_to_string(&path).ok()?;
    Some(serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display())))
}

fn steps_using(job: &Job, repo: &str) -> usize {
    job.steps.iter().filter(|s| s.uses.as_deref().is_some_and(|u| u.starts_with(&format!("{repo}@")))).count()
}

/// The image names the project builds, in any environment the pipeline deploys.
fn built_images(project: &Project) -> Vec<String> {
    let valid = project.validate().expect("valid stack");
    let mut names = Vec::new();
    for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
        for service in stack.services() {
            if let Image::Build(build) = &service.image {
                let name = build.tag.clone().unwrap_or_else(|| format!("{}-{}", stack.name, service.name));
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
    }
    names
}

fn assert_secure(name: &str, workflow: &Workflow) {
    assert!(workflow.permissions.is_empty(), "{name}: top-level permissions must be empty");
    for (id, job) in &workflow.jobs {
        for step in &job.steps {
            if let Some(uses) = &step.uses {
                let sha = uses.split_once('@').map(|(_, r)| r).unwrap_or("");
                assert!(
                    sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                    "{name} › {id} › {}: {uses} is not pinned to a full commit SHA",
                    step.name
                );
                if uses.starts_with("actions/checkout@") {
                    assert_eq!(
                        step.with.get("persist-credentials").map(String::as_str),
                        Some("false"),
                        "{name} › {id}"
                    );
                }
            }
            if let Some(run) = &step.run {
                assert!(!run.contains("${{"), "{name} › {id} › {}: an expression inside run:", step.name);
            }
        }
    }
}

#[test]
fn every_golden_workflow_keeps_the_pipeline_promises() {
    for project in stacks::all() {
        let name = project.name().to_string();
        let ci = workflow(&project, "ci.yml").unwrap_or_else(|| panic!("{name}: ci.yml missing"));
        assert_secure(&name, &ci);
        let generated = &ci.jobs["generated"];
        let check = format!("{} -- --check golden/{name}", project.regenerate_command());
        assert!(generated.steps.iter().any(|s| s.run.as_deref() == Some(&check)), "{name}: no stale-file check");

        let images = built_images(&project);
        let entries = |job: &Job| -> Vec<String> {
            let include = &job.strategy.as_ref().expect("an image matrix").matrix.include;
            include.iter().map(|e| e["image"].clone()).collect()
        };
        let ci_images = &ci.jobs["image"];
        for image in &images {
            assert!(entries(ci_images).contains(image), "{name}: ci.yml does not build {image}");
        }
        assert_eq!(steps_using(ci_images, "aquasecurity/trivy-action"), 1, "{name}: ci.yml scans each image");

        let valid = project.validate().expect("valid");
        let Some(pipeline) = valid.pipeline() else {
            assert!(workflow(&project, "deploy.yml").is_none(), "{name}: deploy.yml without a pipeline");
            continue;
        };
        let deploy = workflow(&project, "deploy.yml").unwrap_or_else(|| panic!("{name}: deploy.yml missing"));
        assert_secure(&name, &deploy);
        assert!(deploy.concurrency.as_ref().is_some_and(|c| !c.cancel_in_progress), "{name}: deploys must queue");
        let push = &deploy.jobs["image"];
        for image in &images {
            assert!(entries(push).contains(image), "{name}: deploy.yml does not push {image}");
        }
        assert_eq!(steps_using(push, "aquasecurity/trivy-action"), 1, "{name}: images are scanned before the push");
        assert!(
            push.steps.last().and_then(|s| s.run.as_deref()) == Some("docker push \"$IMAGE\""),
            "{name}: push last"
        );
        assert!(push.env["IMAGE"].starts_with(&format!("{}/", pipeline.registry)), "{name}: pushed to the registry");
        assert!(push.env["IMAGE"].contains("${{ github.sha }}"), "{name}: tagged with the commit SHA");

        let production = &deploy.jobs["deploy-production"];
        assert_eq!(production.environment.as_ref().map(|e| e.name.as_str()), Some("production"), "{name}");
        let staging = valid.stacks().iter().any(|s| s.env() == stack_dsl::Env::Staging);
        let before = if staging { "deploy-staging" } else { "image" };
        assert_eq!(production.needs, [before], "{name}: production must wait for {before}");
        let marker = match pipeline.target {
            DeployTarget::Kubernetes => "kubectl apply -f",
            DeployTarget::Render => "https://api.render.com/v1/services/",
            DeployTarget::Railway => "railway up ",
            DeployTarget::ComposeOverSsh => "up --detach --no-build --wait",
        };
        for (id, job) in deploy.jobs.iter().filter(|(id, _)| id.starts_with("deploy-")) {
            let step = job.steps.iter().find(|s| s.id.as_deref() == Some("deploy")).expect("a deploy step");
            assert!(
                step.run.as_deref().is_some_and(|r| r.contains(marker)),
                "{name} › {id}: does not deploy with {marker}"
            );
            let rollback = job.steps.last().expect("steps");
            assert!(
                rollback.condition.as_deref().is_some_and(|c| c.starts_with("failure()")),
                "{name} › {id}: rollback"
            );
        }
    }
}

#[test]
fn every_deploy_target_is_covered_by_a_golden_workflow() {
    let targets: Vec<DeployTarget> =
        stacks::all().iter().filter_map(|p| p.validate().ok()?.pipeline().map(|p| p.target)).collect();
    for target in [DeployTarget::Kubernetes, DeployTarget::Render, DeployTarget::Railway, DeployTarget::ComposeOverSsh]
    {
        assert!(targets.contains(&target), "no team stack deploys to {}", target.name());
    }
}
