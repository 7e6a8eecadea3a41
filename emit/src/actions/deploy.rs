//! `deploy.yml`, run on pushes to the pipeline's branch: build, scan and push every image to
//! GHCR tagged with the commit SHA, then deploy staging, smoke-test it, and deploy production
//! the same way. Each deploy job runs in the GitHub environment of its name: production's
//! required reviewers (set on GitHub, Settings › Environments) are the manual approval, and each
//! environment holds its own secrets. One concurrency group queues deploys; none is cancelled.

use stack_dsl::{Check, Pipeline, ValidProject, ValidStack};

use super::images::{self, BuiltImage};
use super::model::{Access, Concurrency, Job, Scope, Step, Triggers, Workflow, expr, secret};
use super::pins;
use super::platform::{self, Deploy};
use crate::bundle::Warning;
use crate::error::Error;
use crate::options::Options;

/// The deploy workflow of `project` and what it could not smoke-test.
pub fn workflow(
    project: &ValidProject,
    pipeline: &Pipeline,
    hosted: &[&ValidStack],
    images: &[BuiltImage],
    options: &Options,
) -> Result<(Workflow, Vec<Warning>), Error> {
    let mut workflow = Workflow::new(format!("Deploy ({})", project.name()), Triggers::push(&pipeline.branch))
        .concurrency(Concurrency::queue(format!("deploy-{}", project.name())));
    let mut warnings = Vec::new();
    let mut previous = None;
    if !images.is_empty() {
        workflow = workflow.job("image", image_job(pipeline, images));
        previous = Some("image".to_string());
    }
    for stack in hosted {
        let id = format!("deploy-{}", stack.env());
        let deploy = Deploy { stack, images, registry: &pipeline.registry, options };
        let plan = platform::plan(pipeline.target, &deploy)?;
        let urls = smoke_urls(stack, &mut warnings);
        let mut job = Job::new(format!("Deploy {} to {}", stack.env(), pipeline.target.name()), 45)
            .environment(stack.env().name(), urls.first().map(|url| origin(url)));
        if let Some(before) = previous.replace(id.clone()) {
            job = job.needs(before);
        }
        for (scope, access) in plan.permissions {
            job = job.grant(scope, access);
        }
        if plan.checkout {
            job = job.step(images::checkout());
        }
        job = job.step(plan.deploy.id("deploy"));
        if !urls.is_empty() {
            job = job.step(smoke_test(&urls));
        }
        workflow = workflow.job(id, job.step(plan.rollback));
    }
    Ok((workflow, warnings))
}

/// Build and scan as on pull requests, then push `<registry>/<image>:<sha>` only if the scan passed.
fn image_job(pipeline: &Pipeline, images: &[BuiltImage]) -> Job {
    let image =
        format!("{}/{}:{}{}", pipeline.registry, expr("matrix.image"), expr("github.sha"), expr("matrix.variant"));
    Job::new(format!("Build, scan and push {}{}", expr("matrix.image"), expr("matrix.variant")), 30)
        .grant(Scope::Contents, Access::Read)
        .grant(Scope::Packages, Access::Write)
        .matrix(images::matrix(images))
        .env("IMAGE", image)
        .steps(images::build_and_scan())
        .step(
            Step::uses("Log in to GHCR", &pins::LOGIN)
                .with("registry", "ghcr.io")
                .with("username", expr("github.actor"))
                .with("password", secret("GITHUB_TOKEN")),
        )
        .step(Step::run("Push the image", "docker push \"$IMAGE\""))
}

/// The public health endpoints of `stack`: each route of a service whose health check is an
/// HTTP GET, at the check's path. A service with an HTTP check but no route is reported.
fn smoke_urls(stack: &ValidStack, warnings: &mut Vec<Warning>) -> Vec<String> {
    let mut urls = Vec::new();
    for service in stack.services() {
        let Some(Check::Http { path, .. }) = service.healthcheck.as_ref().map(|p| &p.check) else { continue };
        if service.routes.is_empty() {
            warnings.push(Warning {
                target: "actions",
                env: stack.env().to_string(),
                service: service.name.clone(),
                message: format!(
                    "its health check {path} has no public route, so the pipeline cannot smoke-test it from \
                     outside; the platform's own health gate is the only check. Add a Route to smoke-test it"
                ),
            });
        }
        for route in service.routes.iter().filter(|r| path.starts_with(r.path.trim_end_matches('/'))) {
            let scheme = if route.tls { "https" } else { "http" };
            urls.push(format!("{scheme}://{}{path}", route.host));
        }
    }
    urls
}

fn origin(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[..url[after_scheme..].find('/').map_or(url.len(), |i| after_scheme + i)].to_string()
}

/// GET every health endpoint until it answers 2xx, for at most five minutes.
fn smoke_test(urls: &[String]) -> Step {
    let mut script = String::from("set -euo pipefail\n");
    for url in urls {
        script.push_str(&format!(
            "curl --fail --silent --show-error --location --output /dev/null --max-time 10 \
             --retry 20 --retry-delay 10 --retry-all-errors {url}\n"
        ));
    }
    Step::run("Smoke-test the health endpoints", script).timeout_minutes(5)
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn origins() {
        assert_eq!(origin("https://api.example.com/health"), "https://api.example.com");
        assert_eq!(origin("http://example.com"), "http://example.com");
    }
}
