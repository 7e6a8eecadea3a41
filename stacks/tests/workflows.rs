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
        // golden/<name> is the command line's default output directory, so no --out.
        let check = format!("{} -- --check", project.regenerate_command());
        assert!(generated.steps.iter().any(|s| s.run.as_deref() == Some(&check)), "{name}: no step runs {check}");

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
        // Each environment's deploys queue on their own: a run awaiting production's approval
        // holds no later push back from staging, and no running deploy is cancelled.
        assert!(deploy.concurrency.is_none(), "{name}: one group for every environment");
        let deploy_jobs: Vec<_> = deploy.jobs.iter().filter(|(id, _)| id.starts_with("deploy-")).collect();
        assert!(!deploy_jobs.is_empty(), "{name}: no deploy job");
        let mut groups = std::collections::BTreeSet::new();
        for (id, job) in deploy_jobs {
            let group = job.concurrency.as_ref().filter(|c| !c.cancel_in_progress);
            assert!(
                group.is_some_and(|c| groups.insert(c.group.clone())),
                "{name}: {id} must queue in a group of its own"
            );
        }
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
                rollback.condition.as_deref().is_some_and(|c| c.starts_with("(failure() || cancelled())")),
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

/// Rendered into a directory other than the default, every header's regenerate command carries
/// `--out`, and the stale-file job runs exactly that command with `--check`.
#[test]
fn headers_and_the_stale_file_job_name_the_same_output_directory() {
    for project in stacks::all() {
        let (bundle, _) = rendered(&project, "deploy/app");
        let expected = format!("{} -- --out deploy/app", project.regenerate_command());
        for file in bundle.files() {
            let Some(line) = file.contents.lines().find(|l| l.contains("Regenerate with: ")) else { continue };
            let command = line.split("Regenerate with: ").nth(1).unwrap_or_default();
            assert_eq!(command, expected, "{}: header of {}", project.name(), file.path);
        }
        let ci: Workflow =
            serde_saphyr::from_str(&bundle.file(".github/workflows/ci.yml").expect("ci.yml").contents).expect("parses");
        let check = format!("{expected} --check");
        let runs: Vec<&str> = ci.jobs["generated"].steps.iter().filter_map(|s| s.run.as_deref()).collect();
        assert!(runs.contains(&check.as_str()), "{}: the stale-file job runs {runs:?}, not {check}", project.name());
    }
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
            // A file the step itself writes beside the overlay (the image digests) is no repository file.
            let files = files.filter(|path| !script.contains(&format!("> {dir}/{path}\n")));
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

/// `${{ secrets.X }}` / `${{ vars.X }}` names in `text`.
fn references(text: &str, context: &str) -> BTreeSet<String> {
    let marker = format!("${{{{ {context}.");
    text.split(&marker).skip(1).map(|rest| rest.split(' ').next().unwrap_or_default().to_string()).collect()
}

/// A job's secrets come from its GitHub environment when it names one
/// (<https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment#environment-secrets>):
/// every deploy job runs in its environment, and the header lists every secret and variable the
/// deploy jobs read, so each environment (and its Railway project token) holds its own.
#[test]
fn every_secret_and_variable_of_a_deploy_is_an_environment_prerequisite_in_the_header() {
    for project in stacks::all() {
        let name = project.name().to_string();
        let Some(deploy) = workflow(&project, "deploy.yml") else { continue };
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("root");
        let text =
            std::fs::read_to_string(root.join("golden").join(&name).join(".github/workflows/deploy.yml")).unwrap();
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        let mut read = BTreeSet::new();
        for (id, job) in deploy.jobs.iter().filter(|(id, _)| id.starts_with("deploy-")) {
            let env = job.environment.as_ref().map(|e| e.name.clone());
            assert_eq!(env.as_deref(), id.strip_prefix("deploy-"), "{name} › {id}: runs in its environment");
            let yaml = serde_saphyr::to_string(job).expect("serialises");
            read.extend(
                references(&yaml, "secrets").into_iter().filter(|s| s != "GITHUB_TOKEN").map(|s| ("secret", s)),
            );
            read.extend(references(&yaml, "vars").into_iter().map(|v| ("variable", v)));
        }
        assert!(!read.is_empty(), "{name}: a deploy reads no secret at all");
        for (kind, item) in read {
            assert!(
                header.iter().any(|l| l.starts_with(&format!("#   {kind} {item}: "))),
                "{name}: {kind} {item} is read but not listed in the header:\n{}",
                header.join("\n")
            );
        }
        if deploy.jobs.contains_key("deploy-production") {
            assert!(header.iter().any(|l| l.contains("required reviewers")), "{name}: production's approval");
        }
    }
}

/// Names reserved for examples (RFC 2606) belong to nobody, and `domain.com` belongs to someone
/// else: a smoke test calls, and an image build bakes in, only hosts the stack declares as real
/// or the host the team sets in the repository's variables.
#[test]
fn smoke_tests_call_only_hosts_the_stack_owns() {
    let placeholder = |host: &str| {
        ["example.com", "example.org", "example.net"].iter().any(|d| host == *d || host.ends_with(&format!(".{d}")))
            || [".test", ".example", ".invalid", ".localhost"].iter().any(|t| host.ends_with(t))
    };
    for project in stacks::all() {
        let name = project.name().to_string();
        let Some(deploy) = workflow(&project, "deploy.yml") else { continue };
        let valid = project.validate().expect("valid");
        let owned: BTreeSet<String> = valid
            .stacks()
            .iter()
            .flat_map(|s| s.services())
            .flat_map(|s| &s.routes)
            .map(|r| r.host.clone())
            .filter(|h| !placeholder(h))
            .collect();
        for (id, job) in deploy.jobs.iter().filter(|(id, _)| id.starts_with("deploy-") || *id == "image") {
            let mut scripts: Vec<String> = job.steps.iter().filter_map(|s| s.run.clone()).collect();
            scripts.extend(job.environment.as_ref().and_then(|e| e.url.clone()));
            // What the image build bakes into front ends (an API's address) is called by browsers.
            let matrix = job.strategy.iter().flat_map(|s| &s.matrix.include);
            scripts.extend(matrix.filter_map(|entry| entry.get("build-args").cloned()));
            for text in scripts {
                for url in text.split("://").skip(1) {
                    let host: String =
                        url.chars().take_while(|c| c.is_ascii_alphanumeric() || ".-$_{}".contains(*c)).collect();
                    let platform_api = host == "api.render.com" || host == "backboard.railway.com";
                    // The pinned kubectl, checked against its published sha256 before use.
                    let tool_download = host == "dl.k8s.io";
                    let from_variable = host.starts_with("$PUBLIC_HOST_") || host.starts_with("${{");
                    assert!(
                        platform_api || tool_download || from_variable || owned.contains(&host),
                        "{name} › {id}: calls {host}, which the stack does not own"
                    );
                }
            }
        }
        let smoke = deploy.jobs.values().flat_map(|j| &j.steps).filter(|s| s.name.starts_with("Smoke-test")).count();
        let on_kubernetes = valid.pipeline().map(|p| p.target) == Some(stack_dsl::DeployTarget::Kubernetes);
        let routed = valid
            .stacks()
            .iter()
            .filter(|s| s.env().is_hosted())
            .flat_map(|s| s.services())
            // On Kubernetes an edge proxy's upstreams are routed on the cluster's host.
            .any(|s| !s.routes.is_empty() || (on_kubernetes && matches!(s.role, stack_dsl::Role::EdgeProxy { .. })));
        assert_eq!(smoke > 0, routed, "{name}: a smoke test wherever a hosted environment has a route");
    }
}

/// The deploy workflow runs on push without waiting for `ci.yml`, so it runs CI's checks on the
/// pushed commit itself: nothing is built or pushed until they pass. The stale-file check runs
/// on the pinned Rust release with the locked dependencies.
#[test]
fn deploys_wait_for_the_checks_of_the_same_commit() {
    for project in stacks::all() {
        let name = project.name().to_string();
        let ci = workflow(&project, "ci.yml").expect("ci.yml");
        let Some(deploy) = workflow(&project, "deploy.yml") else { continue };
        let gates: Vec<&String> = ci.jobs.keys().filter(|id| *id == "generated" || id.starts_with("check-")).collect();
        for gate in &gates {
            let in_deploy = deploy.jobs.get(*gate).map(|job| Job { condition: None, ..job.clone() });
            assert_eq!(in_deploy, ci.jobs.get(*gate).map(without_cache), "{name}: {gate}");
        }
        let mut needs = deploy.jobs["image"].needs.clone();
        needs.sort();
        let mut expected: Vec<String> = gates.iter().map(|g| g.to_string()).collect();
        expected.sort();
        assert_eq!(needs, expected, "{name}: the images wait for every check");
        for workflow in [&ci, &deploy] {
            let generated = &workflow.jobs["generated"];
            assert_eq!(
                generated.env.get("RUSTUP_TOOLCHAIN").map(String::as_str),
                Some(emit::actions::pins::RUST_TOOLCHAIN)
            );
            let runs: Vec<&str> = generated.steps.iter().filter_map(|s| s.run.as_deref()).collect();
            let fetch = runs.iter().position(|r| *r == "cargo fetch --locked").expect("locked dependencies");
            assert!(fetch < runs.len() - 1, "{name}: fetched before the check runs");
        }
        assert_eq!(steps_using(&ci.jobs["generated"], "actions/cache"), 1, "{name}: ci.yml caches the build");
        assert_eq!(
            steps_using(&deploy.jobs["generated"], "actions/cache"),
            0,
            "{name}: no cache where images are pushed"
        );
    }
}

/// A CI job as the deploy workflow runs it: without the cache.
fn without_cache(job: &Job) -> Job {
    let mut job = job.clone();
    job.steps.retain(|s| !s.uses.as_deref().is_some_and(|u| u.starts_with("actions/cache@")));
    job
}

/// MetaBuilder's seed goes back to a release by redeploying an older SemVer tag through the
/// pipeline by hand. `workflow_dispatch` runs on the ref a person picks
/// (<https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows#workflow_dispatch>);
/// the jobs that start the run admit only a push or a release tag, and a job whose `needs` was
/// skipped is skipped too, so a dispatch on any other ref deploys nothing.
#[test]
fn releases_can_be_redeployed_by_hand_and_nothing_else_can() {
    for project in stacks::all() {
        let name = project.name().to_string();
        let valid = project.validate().expect("valid");
        let Some(pipeline) = valid.pipeline() else { continue };
        let deploy = workflow(&project, "deploy.yml").expect("deploy.yml");
        assert_eq!(deploy.on.workflow_dispatch.is_some(), pipeline.redeploy_tags.is_some(), "{name}");
        let Some(prefix) = &pipeline.redeploy_tags else { continue };
        let expected = format!(
            "github.event_name == 'push' || (github.ref_type == 'tag' && startsWith(github.ref_name, '{prefix}'))"
        );
        let roots: Vec<&String> = deploy.jobs.iter().filter(|(_, j)| j.needs.is_empty()).map(|(id, _)| id).collect();
        assert!(!roots.is_empty(), "{name}");
        for id in roots {
            assert_eq!(deploy.jobs[id].condition.as_deref(), Some(expected.as_str()), "{name} › {id}");
        }
        for (id, job) in deploy.jobs.iter().filter(|(_, j)| !j.needs.is_empty()) {
            assert!(job.condition.is_none(), "{name} › {id}: a condition would run it after a skipped need");
        }
    }
    let metabuilder = stacks::all().into_iter().find(|p| p.name() == "metabuilder").expect("metabuilder");
    assert_eq!(metabuilder.validate().unwrap().pipeline().unwrap().redeploy_tags.as_deref(), Some("v"));
}

/// Python and Node.js checks run on the version the check names, installed by the pinned
/// `setup-python` / `setup-node` before the first check, not on whatever the runner image ships.
#[test]
fn checks_run_on_their_pinned_toolchain() {
    for project in stacks::all() {
        let name = project.name().to_string();
        let ci = workflow(&project, "ci.yml").expect("ci.yml");
        let valid = project.validate().expect("valid");
        for service in valid.stacks().iter().flat_map(|s| s.services()).filter(|s| !s.checks.is_empty()) {
            let job = &ci.jobs[&format!("check-{}", service.name)];
            let first_check = job.steps.iter().position(|s| s.run.is_some()).expect("checks");
            for check in &service.checks {
                let (action, input, version) =
                    match check.toolchain.as_ref().expect("every team check names its toolchain") {
                        stack_dsl::Toolchain::Node(v) => (emit::actions::pins::SETUP_NODE, "node-version", v),
                        stack_dsl::Toolchain::Python(v) => (emit::actions::pins::SETUP_PYTHON, "python-version", v),
                    };
                let setup = job.steps.iter().position(|s| {
                    s.uses.as_deref() == Some(action.reference().as_str()) && s.with.get(input) == Some(version)
                });
                assert!(
                    setup.is_some_and(|i| i < first_check),
                    "{name} › {}: {} {version} before the checks",
                    service.name,
                    action.repo
                );
            }
        }
    }
}

/// A step killed by its `timeout-minutes` fails, so the rollback still runs; a job past its own
/// timeout is cancelled whole and runs nothing more
/// (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepstimeout-minutes>).
/// So every deploy, smoke-test and rollback step has a limit, the job's holds them all, the
/// rollback also runs on a cancelled run, and Compose's `up --wait` ends before its step's limit.
#[test]
fn every_deploy_step_ends_before_its_job_so_the_rollback_runs() {
    for project in stacks::all() {
        let Some(deploy) = workflow(&project, "deploy.yml") else { continue };
        for (id, job) in deploy.jobs.iter().filter(|(id, _)| id.starts_with("deploy-")) {
            let limit = |step_id: Option<&str>, name: &str| {
                let step = job
                    .steps
                    .iter()
                    .find(|s| s.id.as_deref() == step_id && (step_id.is_some() || s.name.starts_with(name)))
                    .unwrap_or_else(|| panic!("{} {id}: no step {name}", project.name()));
                let minutes =
                    step.timeout_minutes.unwrap_or_else(|| panic!("{} {id}: {name} has no limit", project.name()));
                (step, minutes)
            };
            let (deploy_step, deploy_minutes) = limit(Some("deploy"), "deploy");
            let (rollback, rollback_minutes) = limit(None, "Roll back");
            let smoke_minutes = job.steps.iter().filter(|s| s.name.starts_with("Smoke-test")).map(|s| {
                s.timeout_minutes.unwrap_or_else(|| panic!("{} {id}: the smoke test has no limit", project.name()))
            });
            let steps_total = deploy_minutes + rollback_minutes + smoke_minutes.sum::<u32>();
            assert!(
                steps_total < job.timeout_minutes,
                "{} {id}: {steps_total} min of steps in a {} min job",
                project.name(),
                job.timeout_minutes
            );
            let condition = rollback.condition.as_deref().unwrap_or_default();
            assert!(
                condition.contains("failure()") && condition.contains("cancelled()"),
                "{} {id}: rollback runs on {condition}",
                project.name()
            );
            for (step, minutes) in [(deploy_step, deploy_minutes), (rollback, rollback_minutes)] {
                let script = step.run.as_deref().unwrap_or_default();
                for up in script.lines().filter(|l| l.contains(" up ") && l.contains("--wait")) {
                    let words: Vec<&str> = up.split_whitespace().collect();
                    let seconds = words
                        .iter()
                        .position(|w| *w == "--wait-timeout")
                        .and_then(|i| words.get(i + 1))
                        .and_then(|w| w.parse::<u32>().ok())
                        .unwrap_or_else(|| panic!("{} {id}: `{up}` waits without --wait-timeout", project.name()));
                    assert!(seconds < minutes * 60, "{} {id}: `{up}` outlasts its step", project.name());
                }
            }
        }
    }
}

/// curl tries an endpoint `--retry` + 1 times, each attempt bounded by `--max-time`, pausing
/// `--retry-delay` between them (<https://curl.se/docs/manpage.html#--retry>): the smoke test's
/// endpoints, tried one after another, must all get their last attempt before the step's limit
/// kills it, or a service that comes up late is rolled back with retries left.
#[test]
fn every_smoke_test_attempt_fits_in_its_step() {
    for project in stacks::all() {
        let Some(deploy) = workflow(&project, "deploy.yml") else { continue };
        for (id, job) in deploy.jobs.iter().filter(|(id, _)| id.starts_with("deploy-")) {
            let Some(smoke) = job.steps.iter().find(|s| s.name.starts_with("Smoke-test")) else { continue };
            let mut worst = 0;
            for curl in smoke.run.as_deref().unwrap_or_default().lines().filter(|l| l.contains("curl --fail")) {
                let words: Vec<&str> = curl.split_whitespace().collect();
                let flag = |name: &str| {
                    let at = words.iter().position(|w| *w == name);
                    at.and_then(|i| words.get(i + 1)).and_then(|w| w.parse::<u32>().ok())
                };
                let attempt = flag("--max-time").unwrap_or_else(|| panic!("{id}: `{curl}` has no --max-time"));
                let (retries, delay) = (flag("--retry").unwrap_or(0), flag("--retry-delay").unwrap_or(0));
                worst += (retries + 1) * attempt + retries * delay;
            }
            let limit = smoke.timeout_minutes.expect("a limit") * 60;
            assert!(worst > 0 && worst < limit, "{} {id}: {worst} s of attempts in a {limit} s step", project.name());
        }
    }
}
