//! Every golden workflow read back into the typed model (`emit::actions::model`), and the
//! pipeline's promises checked over the model: images built, scanned and pushed; actions pinned;
//! no permissions at the top; the stack's platform deployed; production behind staging.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use emit::actions::model::{Job, Workflow};
use stack_dsl::{DeployTarget, Image, MountSource, Project};

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
        let check = format!("{} -- --check \"$OUTPUT_DIR\"", project.regenerate_command());
        let step = generated.steps.iter().find(|s| s.run.as_deref() == Some(&check)).expect("a stale-file check");
        assert_eq!(step.env["OUTPUT_DIR"], format!("golden/{name}"), "{name}: checks its own output");

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
        let naming = push.steps.iter().find(|s| s.name == "Name the image").and_then(|s| s.run.as_deref());
        assert_eq!(
            naming,
            Some("echo \"IMAGE=${REGISTRY}/$IMAGE_NAME:$GITHUB_SHA$IMAGE_VARIANT\" >> \"$GITHUB_ENV\""),
            "{name}: pushed to the registry, tagged with the commit SHA"
        );

        let production = &deploy.jobs["deploy-production"];
        assert_eq!(production.environment.as_ref().map(|e| e.name.as_str()), Some("production"), "{name}");
        let staging = valid.stacks().iter().any(|s| s.env() == stack_dsl::Env::Staging);
        let before = if staging { "deploy-staging" } else { "image" };
        assert_eq!(production.needs, [before], "{name}: production must wait for {before}");
        let marker = match pipeline.target {
            DeployTarget::Kubernetes => "kubectl apply -f",
            DeployTarget::Render => "https://api.render.com/v1/services/",
            DeployTarget::Railway => "railway config apply --yes",
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

/// Every project rendered into `out` (relative to the repository root), with its options.
fn rendered(project: &Project, out: &str) -> (emit::Bundle, emit::Options) {
    let valid = project.validate().expect("valid stack");
    let options = emit::Options::for_output_dir(Path::new(out)).expect("a relative output directory");
    let bundle = emit::render(&valid, &options).expect("renders");
    (bundle, options)
}

/// `a/./b/../c` → `a/c`; `""` → `.`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

/// The repository tree a render into `options.output_dir()` leaves: every generated file and
/// directory, and the source paths the model names (build contexts, Dockerfiles, config files).
fn repository_tree(project: &Project, bundle: &emit::Bundle, options: &emit::Options) -> BTreeSet<String> {
    let mut tree = BTreeSet::from([".".to_string()]);
    let mut add = |path: String| {
        let path = normalise(&path);
        let mut prefix = String::new();
        for part in path.split('/') {
            prefix = if prefix.is_empty() { part.to_string() } else { format!("{prefix}/{part}") };
            tree.insert(prefix.clone());
        }
    };
    for file in bundle.files() {
        add(options.from_root(&file.path));
    }
    let valid = project.validate().expect("valid stack");
    for service in valid.stacks().iter().flat_map(|s| s.services()) {
        if let Image::Build(build) = &service.image {
            add(build.context.clone());
            add(format!("{}/{}", build.context, build.dockerfile.as_deref().unwrap_or("Dockerfile")));
        }
        for mount in &service.mounts {
            if let MountSource::Config(path) = &mount.source {
                add(path.clone());
            }
        }
    }
    tree
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Overlay {
    resources: Vec<String>,
    #[serde(default)]
    config_map_generator: Vec<Generator>,
}

#[derive(serde::Deserialize)]
struct Generator {
    files: Vec<String>,
}

/// The repository paths `workflow` names, from the root: working directories, the image
/// matrix's contexts and Dockerfiles, step variables naming files or directories (`*_DIR`,
/// `*_FILES`), and the paths of a Kubernetes overlay written by a deploy step.
fn named_paths(workflow: &Workflow) -> Vec<String> {
    let mut paths = Vec::new();
    for job in workflow.jobs.values() {
        for entry in job.strategy.iter().flat_map(|s| &s.matrix.include) {
            paths.extend(["context", "file"].iter().filter_map(|key| entry.get(*key).cloned()));
        }
        for step in &job.steps {
            paths.extend(step.working_directory.clone());
            for (key, value) in &step.env {
                if (key.ends_with("_DIR") || key.ends_with("_FILES")) && !value.contains("${{") {
                    paths.extend(value.split_whitespace().map(String::from));
                }
            }
            let Some(script) = step.run.as_deref() else { continue };
            let Some((before, overlay)) = script.split_once("/kustomization.yaml <<EOF\n") else { continue };
            let dir = before.rsplit(' ').next().expect("the overlay's directory");
            let overlay: Overlay = serde_saphyr::from_str(overlay.split("\nEOF").next().unwrap_or_default())
                .unwrap_or_else(|e| panic!("the overlay does not parse: {e}"));
            let files = overlay.config_map_generator.iter().flat_map(|g| &g.files);
            let files = files.map(|f| f.split_once('=').map_or(f.as_str(), |(_, path)| path).to_string());
            paths.extend(overlay.resources.into_iter().chain(files).map(|path| format!("{dir}/{path}")));
        }
    }
    paths
}

/// GitHub runs only `.github/workflows/` at the repository root
/// (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax>), and
/// runs every step from the root unless told otherwise. Rendered into the root and into a
/// subdirectory, every path a workflow names exists in the repository, and a workflow rendered
/// elsewhere says where it must go.
#[test]
fn every_path_a_workflow_names_exists_from_the_repository_root() {
    for project in stacks::all() {
        for out in [".", "deploy/app"] {
            let (bundle, options) = rendered(&project, out);
            let tree = repository_tree(&project, &bundle, &options);
            let mut checked = 0;
            for file in bundle.files().iter().filter(|f| f.path.starts_with(".github/workflows/")) {
                let at = format!("{} › {out} › {}", project.name(), file.path);
                let workflow: Workflow = serde_saphyr::from_str(&file.contents).expect("parses");
                for path in named_paths(&workflow) {
                    assert!(tree.contains(&normalise(&path)), "{at}: names {path}, which is not in the repository");
                    checked += 1;
                }
                let target = format!("copy this file to .github/workflows/{}", file.path.rsplit('/').next().unwrap());
                let header: String = file.contents.lines().take_while(|l| l.starts_with('#')).collect();
                assert_eq!(header.contains(&target), out != ".", "{at}: where GitHub runs it, in the header");
            }
            assert!(checked >= 3, "{}: only {checked} paths checked", project.name());
        }
    }
}

/// The Railway CLI finds `.railway/railway.ts` by walking up from the working directory
/// (<https://docs.railway.com/cli/config>): the step that applies it runs where it was written.
#[test]
fn the_railway_program_is_applied_from_the_directory_that_holds_it() {
    for project in stacks::all() {
        let Some(DeployTarget::Railway) = project.validate().ok().and_then(|p| p.pipeline().map(|p| p.target)) else {
            continue;
        };
        for out in [".", "deploy/app"] {
            let (bundle, options) = rendered(&project, out);
            let tree = repository_tree(&project, &bundle, &options);
            let deploy: Workflow =
                serde_saphyr::from_str(&bundle.file(".github/workflows/deploy.yml").expect("deploy.yml").contents)
                    .expect("parses");
            for (id, job) in deploy.jobs.iter().filter(|(id, _)| id.starts_with("deploy-")) {
                let step = job.steps.iter().find(|s| s.id.as_deref() == Some("deploy")).expect("a deploy step");
                assert!(step.run.as_deref().unwrap_or_default().contains("railway config apply --yes"), "{id}");
                let dir = step.working_directory.as_deref().unwrap_or(".");
                for file in [".railway/railway.ts", ".railway/package-lock.json"] {
                    assert!(tree.contains(&normalise(&format!("{dir}/{file}"))), "{id}: {file} not under {dir}");
                }
            }
        }
    }
}
