//! `ci.yml`, run on every pull request: the stack's own checks per service, a build and a
//! vulnerability scan of every image, and a job that fails when the committed generated files
//! are stale. Nothing is pushed and no secret is read.

use indexmap::IndexMap;
use stack_dsl::{CiCheck, Image, ValidProject, ValidStack};

use super::images::{self, BuiltImage};
use super::model::{Access, Concurrency, Job, Scope, Step, Triggers, Workflow, expr};
use crate::options::Options;

/// The CI workflow of `project`, whose files are written to `options.output_dir()`.
pub fn workflow(project: &ValidProject, stacks: &[&ValidStack], images: &[BuiltImage], options: &Options) -> Workflow {
    let branch = project.pipeline().map_or("main", |p| p.branch.as_str());
    let mut workflow = Workflow::new(format!("CI ({})", project.name()), Triggers::pull_request(branch))
        .concurrency(Concurrency::supersede(format!("{}-{}", expr("github.workflow"), expr("github.ref"))))
        .job("generated", stale_files(project, options));
    for (service, (context, checks)) in checks(stacks) {
        workflow = workflow.job(format!("check-{service}"), check_job(&service, &context, &checks));
    }
    if !images.is_empty() {
        workflow = workflow.job("image", image_job(images));
    }
    workflow
}

/// Fail when re-rendering the stack would change a committed file (the diff is in the log).
fn stale_files(project: &ValidProject, options: &Options) -> Job {
    let command = format!("{} -- --check {}", project.regenerate_command(), options.output_dir());
    Job::new("Generated files are up to date", 20)
        .grant(Scope::Contents, Access::Read)
        .step(images::checkout())
        .step(Step::run("Compare the generated files with the stack", command))
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
    let steps = checks.iter().map(|check| Step::run(check.name.clone(), check.run.clone()).working_directory(context));
    Job::new(format!("Checks of {service}"), 30)
        .grant(Scope::Contents, Access::Read)
        .step(images::checkout())
        .steps(steps)
}

fn image_job(images: &[BuiltImage]) -> Job {
    Job::new(format!("Build and scan {}{}", expr("matrix.image"), expr("matrix.variant")), 30)
        .grant(Scope::Contents, Access::Read)
        .matrix(images::matrix(images))
        .env("IMAGE", format!("{}:{}{}", expr("matrix.image"), expr("github.sha"), expr("matrix.variant")))
        .steps(images::build_and_scan())
}
