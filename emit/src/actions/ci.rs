//! `ci.yml`, run on every pull request: the stack's own checks per service, a build and a
//! vulnerability scan of every image, and a job that fails when the committed generated files
//! are stale. Nothing is pushed and no secret is read. The deploy workflow runs the same checks
//! ([`gates`]) on the pushed commit before it builds anything.

use indexmap::IndexMap;
use stack_dsl::{CiCheck, Image, Toolchain, ValidProject, ValidStack};

use super::images::{self, BuiltImage};
use super::model::{Access, Concurrency, Job, Scope, Step, Triggers, Workflow, expr};
use super::pins;
use crate::options::Options;

/// The CI workflow of `project`, whose files are written to `options.output_dir()`.
pub fn workflow(project: &ValidProject, stacks: &[&ValidStack], images: &[BuiltImage], options: &Options) -> Workflow {
    let branch = project.pipeline().map_or("main", |p| p.branch.as_str());
    let mut workflow = Workflow::new(format!("CI ({})", project.name()), Triggers::pull_request(branch))
        .concurrency(Concurrency::supersede(format!("{}-{}", expr("github.workflow"), expr("github.ref"))))
        .job("generated", stale_files(project, options, Cache::Use));
    for (id, job) in check_jobs(stacks) {
        workflow = workflow.job(id, job);
    }
    if !images.is_empty() {
        workflow = workflow.job("image", image_job(images));
    }
    workflow
}

/// The jobs a commit must pass before it is deployed, by id: the stale-file check and each
/// service's checks. Without a cache: a workflow that publishes images restores nothing another
/// run could have written (cache poisoning, <https://docs.zizmor.sh/audits/#cache-poisoning>).
pub fn gates(project: &ValidProject, stacks: &[&ValidStack], options: &Options) -> Vec<(String, Job)> {
    let mut jobs = vec![("generated".to_string(), stale_files(project, options, Cache::None))];
    jobs.extend(check_jobs(stacks));
    jobs
}

/// Whether the stale-file check keeps Cargo's downloads and build output between runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cache {
    Use,
    None,
}

/// Fail when re-rendering the stack would change a committed file (the diff is in the log). The
/// renderer runs on the pinned Rust release, and `cargo fetch --locked` fails when `Cargo.lock`
/// is out of date instead of resolving newer dependencies than the ones reviewed.
fn stale_files(project: &ValidProject, options: &Options, cache: Cache) -> Job {
    // The header's command with --check, so both name the same output directory.
    let command = crate::regenerate::command(project, options, &["--check"]);
    let mut job = Job::new("Generated files are up to date", 20)
        .grant(Scope::Contents, Access::Read)
        .env("RUSTUP_TOOLCHAIN", pins::RUST_TOOLCHAIN)
        .step(images::checkout())
        .step(Step::run(
            "Install Rust",
            format!("rustup toolchain install {} --profile minimal", pins::RUST_TOOLCHAIN),
        ));
    if cache == Cache::Use {
        job = job.step(
            Step::uses("Cache Cargo's downloads and build output", &pins::CACHE)
                .with("path", "~/.cargo/registry\n~/.cargo/git\ntarget")
                .with(
                    "key",
                    format!("cargo-{}-{}-{}", pins::RUST_TOOLCHAIN, expr("runner.os"), expr("hashFiles('Cargo.lock')")),
                ),
        );
    }
    job.step(Step::run("Fetch the locked dependencies", "cargo fetch --locked"))
        .step(Step::run("Compare the generated files with the stack", command))
}

/// One job per service with checks, by id `check-<service>`.
fn check_jobs(stacks: &[&ValidStack]) -> Vec<(String, Job)> {
    checks(stacks)
        .into_iter()
        .map(|(service, (context, checks))| (format!("check-{service}"), check_job(&service, &context, &checks)))
        .collect()
}

/// Each service's checks, with its build context, by service name (first environment wins:
/// checks read the source, which is the same in every environment).
fn checks(stacks: &[&ValidStack]) -> IndexMap<String, (String, Vec<CiCheck>)> {
    let mut found = IndexMap::new();
    for service in stacks.iter().flat_map(|stack| stack.services()) {
        if let (Image::Build(build), false) = (&service.image, service.checks.is_empty()) {
            found.entry(service.name.clone()).or_insert_with(|| (build.context.clone(), service.checks.clone()));
        }
    }
    found
}

fn check_job(service: &str, context: &str, checks: &[CiCheck]) -> Job {
    let mut toolchains: Vec<&Toolchain> = Vec::new();
    for toolchain in checks.iter().filter_map(|c| c.toolchain.as_ref()) {
        if !toolchains.contains(&toolchain) {
            toolchains.push(toolchain);
        }
    }
    let steps = checks.iter().map(|check| Step::run(check.name.clone(), check.run.clone()).working_directory(context));
    Job::new(format!("Checks of {service}"), 30)
        .grant(Scope::Contents, Access::Read)
        .step(images::checkout())
        .steps(toolchains.into_iter().map(setup_toolchain))
        .steps(steps)
}

/// Install `toolchain` with its pinned setup action.
fn setup_toolchain(toolchain: &Toolchain) -> Step {
    match toolchain {
        Toolchain::Node(version) => {
            Step::uses("Set up Node.js", &pins::SETUP_NODE).with("node-version", version.clone())
        }
        Toolchain::Python(version) => {
            Step::uses("Set up Python", &pins::SETUP_PYTHON).with("python-version", version.clone())
        }
    }
}

fn image_job(images: &[BuiltImage]) -> Job {
    Job::new(format!("Build and scan {}{}", expr("matrix.image"), expr("matrix.variant")), 30)
        .grant(Scope::Contents, Access::Read)
        .matrix(images::matrix(images))
        .env("IMAGE", format!("{}:{}{}", expr("matrix.image"), expr("github.sha"), expr("matrix.variant")))
        .steps(images::build_and_scan())
}
