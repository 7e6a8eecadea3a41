//! `deploy.yml`, run on pushes to the pipeline's branch: the same checks as `ci.yml` on the
//! pushed commit (so nothing is deployed that CI would refuse), then build, scan and push every
//! image to the registry tagged with the commit SHA, deploy staging, smoke-test it, and deploy
//! production the same way. Each deploy job runs in the GitHub environment of its name:
//! production's required reviewers (set on GitHub, Settings › Environments) are the manual
//! approval, and each environment holds its own secrets. Each environment's deploys queue in a
//! concurrency group of their own, so a run waiting for production's approval does not hold
//! later pushes back from staging; GitHub keeps one pending run per group, so a newer push
//! replaces an older one still waiting, and none running is cancelled.
//! <https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/control-the-concurrency-of-workflows-and-jobs>

use stack_dsl::{Check, Pipeline, ValidProject, ValidStack};

use super::ci;
use super::environment_tags;
use super::hosts;
use super::images::{self, BuiltImage};
use super::model::{Access, Concurrency, Job, Map, Scope, Step, Triggers, Workflow, expr};
use super::platform::{self, Deploy};
use super::prerequisites::{self, Prerequisite};
use super::registry::{self, REGISTRY_VARIABLE};
use super::time_budget;
use crate::bundle::Warning;
use crate::error::Error;
use crate::options::Options;

/// The deploy workflow of `project`, what it could not smoke-test, and the header lines that
/// list what a team sets up on GitHub first.
pub fn workflow(
    project: &ValidProject,
    pipeline: &Pipeline,
    hosted: &[&ValidStack],
    images: &[BuiltImage],
    options: &Options,
) -> Result<(Workflow, Vec<Warning>, Vec<String>), Error> {
    let mut triggers = Triggers::push(&pipeline.branch);
    let mut notes = Vec::new();
    if let Some(prefix) = &pipeline.redeploy_tags {
        triggers = triggers.dispatch();
        notes.push(format!(
            "To deploy a release again, run this workflow from the Actions tab on its tag ({prefix}…): it is checked, \
             built, scanned and deployed like a push. Allow tags {prefix}* in each environment's deployment rules."
        ));
    }
    let mut workflow = Workflow::new(format!("Deploy ({})", project.name()), triggers);
    let mut warnings = Vec::new();
    let mut needed: Vec<Prerequisite> = Vec::new();
    let mut gates = ci::gates(project, hosted, options);
    if let Some(prefix) = &pipeline.redeploy_tags {
        // Jobs that need nothing start the run; the rest are skipped when they are.
        for (_, job) in &mut gates {
            *job = job.clone().condition(started_by_push_or_release(prefix));
        }
    }
    let gate_ids: Vec<String> = gates.iter().map(|(id, _)| id.clone()).collect();
    for (id, job) in gates {
        workflow = workflow.job(id, job);
    }
    let mut previous: Vec<String> = gate_ids.clone();
    if !images.is_empty() {
        let (matrix, hosts_read) = matrix_with_real_hosts(images, hosted);
        let mut job = image_job(pipeline, matrix);
        if !hosts_read.is_empty() {
            job.steps.insert(0, require(None, &hosts_read, None));
        }
        needed.extend(hosts_read);
        if let (Some(prefix), true) = (&pipeline.redeploy_tags, previous.is_empty()) {
            job = job.condition(started_by_push_or_release(prefix));
        }
        for id in previous.drain(..) {
            job = job.needs(id);
        }
        workflow = workflow.job("image", job);
        previous = vec!["image".to_string()];
    }
    // The deploy job of the environment before, whose outputs say what it tested.
    let mut tested_by: Option<String> = None;
    for stack in hosted {
        let id = format!("deploy-{}", stack.env());
        let deploy = Deploy {
            project,
            stack,
            cluster: project.cluster(),
            images,
            registry: REGISTRY_VARIABLE,
            options,
            tested_by: tested_by.as_deref(),
        };
        let mut plan = platform::plan(pipeline.target, &deploy)?;
        let outputs = std::mem::take(&mut plan.outputs);
        let left_out = platform::left_out(pipeline.target, &deploy)?;
        let smoke = smoke_targets(stack, &platform::ways_in(pipeline.target, &deploy)?, &left_out, &mut warnings);
        let mut settings = platform::prerequisites(pipeline.target, &deploy)?;
        for variable in smoke.iter().filter_map(|t| t.variable.clone()) {
            if !settings.iter().any(|s| s.name == variable.name) {
                settings.push(variable);
            }
        }
        if smoke.is_empty() {
            notes.push(format!(
                "No smoke test in {}: no service with an HTTP health check has a public route. Add a Route to one.",
                stack.env()
            ));
        }
        let deploy_step = time_budget::bounded_deploy(plan.deploy).id("deploy");
        let moves_tags = environment_tags::are_named_by(pipeline.target) && !platform::images_of(&deploy).is_empty();
        let smoke_minutes = if smoke.is_empty() { 0 } else { time_budget::smoke_minutes(smoke.len()) };
        let mut minutes =
            time_budget::job_minutes(deploy_step.timeout_minutes.unwrap_or(time_budget::DEPLOY_MINUTES), smoke_minutes);
        if moves_tags {
            minutes += environment_tags::RESTORE_MINUTES;
        }
        minutes += plan.after_smoke.as_ref().and_then(|step| step.timeout_minutes).unwrap_or(0);
        let mut job = Job::new(format!("Deploy {} to {}", stack.env(), pipeline.target.name()), minutes)
            .environment(stack.env().name(), smoke.first().map(|t| t.origin.clone()));
        for before in std::mem::replace(&mut previous, vec![id.clone()]) {
            job = job.needs(before);
        }
        for (name, value) in outputs {
            job = job.output(name, value);
        }
        job.concurrency = Some(Concurrency::queue(format!("deploy-{}-{}", project.name(), stack.env())));
        let mut permissions = plan.permissions;
        if moves_tags {
            permissions.push(environment_tags::PERMISSION);
        }
        for (scope, access) in permissions {
            job = job.grant(scope, access);
        }
        if plan.checkout {
            job = job.step(images::checkout());
        }
        let first_apply = platform::first_apply(pipeline.target, &deploy);
        notes.extend(platform::first_deploy_note(pipeline.target, &deploy)?);
        let check = require(Some(stack.env().name()), &settings, first_apply.as_ref());
        needed.extend(settings);
        job = job.step(registry::name_step(&pipeline.registry)).steps(platform::setup(pipeline.target));
        // The tags move before the settings are checked: on a first deploy the platform's files
        // create the services from them, before the ids the deploy needs exist.
        if moves_tags {
            job = job.steps(environment_tags::steps(&deploy));
        }
        job = job.step(check);
        let gate = platform::smoke_gate(pipeline.target, stack.env());
        let mut smoke_step = (!smoke.is_empty()).then(|| smoke_test(&smoke, gate));
        let mut deploy_step = deploy_step;
        if let Some(first_apply) = first_apply {
            deploy_step = deploy_step.condition(APPLIED_CONDITION);
            smoke_step = smoke_step.map(|s| s.condition(APPLIED_CONDITION));
            notes.push(first_apply.order);
        }
        notes.extend(platform::notes(pipeline.target, &deploy)?);
        job = job.step(deploy_step);
        if let Some(smoke_step) = smoke_step {
            job = job.step(smoke_step);
        }
        if let Some(after_smoke) = plan.after_smoke {
            job = job.step(after_smoke);
        }
        job = job.step(plan.rollback);
        if moves_tags {
            job = job.step(environment_tags::restore_step(&deploy));
        }
        workflow = workflow.job(id.clone(), job);
        tested_by = Some(id);
    }
    let envs: Vec<&str> = hosted.iter().map(|s| s.env().name()).collect();
    let mut notes: Vec<String> = prerequisites::header_lines(&needed, &envs)
        .into_iter()
        .chain(registry::prerequisite_note(&pipeline.registry))
        .chain(notes)
        .collect();
    notes.push(
        "A rollback runs the previous images against the schema this deploy's migrations left: keep migrations \
         backward-compatible (expand first, contract in a later release)."
            .into(),
    );
    let production: Vec<&str> = hosted.iter().filter(|s| s.env().is_production()).map(|s| s.env().name()).collect();
    match production.as_slice() {
        [] => {}
        [one] => {
            notes.push(format!("Add required reviewers to the {one} environment: they approve each {one} deploy."))
        }
        several => notes.push(format!(
            "Add required reviewers to the {} environments: they approve each deploy there.",
            several.join(", ")
        )),
    }
    Ok((workflow, warnings, notes))
}

/// Wait for the checks, then build and scan as on pull requests, and push
/// `<registry>/<image>:<sha>` only if the scan passed.
fn image_job(pipeline: &Pipeline, matrix: Vec<Map>) -> Job {
    let name_image = Step::run(
        "Name the image",
        format!("echo \"IMAGE={REGISTRY_VARIABLE}/$IMAGE_NAME:$GITHUB_SHA$IMAGE_VARIANT\" >> \"$GITHUB_ENV\""),
    )
    .env("IMAGE_NAME", expr("matrix.image"))
    .env("IMAGE_VARIANT", expr("matrix.variant"));
    Job::new(format!("Build, scan and push {}{}", expr("matrix.image"), expr("matrix.variant")), 30)
        .grant(Scope::Contents, Access::Read)
        .grant(Scope::Packages, Access::Write)
        .matrix(matrix)
        .step(registry::name_step(&pipeline.registry))
        .step(name_image)
        .steps(images::build_and_scan())
        .step(registry::login())
        .step(Step::run("Push the image", "docker push \"$IMAGE\""))
}

/// The image matrix, where a build argument that names a placeholder route host (a front end's
/// API address) reads the real host from its variable: no image bakes in a host the stack does
/// not own. Also the variables it reads.
fn matrix_with_real_hosts(images: &[BuiltImage], hosted: &[&ValidStack]) -> (Vec<Map>, Vec<Prerequisite>) {
    let mut matrix = images::matrix(images);
    let mut read = Vec::new();
    for (entry, image) in matrix.iter_mut().zip(images) {
        for stack in hosted.iter().filter(|s| image.env.is_none_or(|env| env == s.env())) {
            let routes: Vec<(String, String)> =
                stack.services().flat_map(|s| s.routes.iter().map(|r| (r.host.clone(), s.name.clone()))).collect();
            let (args, variables) = hosts::with_real_hosts(&entry["build-args"], &routes, stack.env().name());
            entry.insert("build-args".into(), args);
            read.extend(variables);
        }
    }
    (matrix, read)
}

/// One health endpoint to smoke-test.
struct SmokeTarget {
    /// The URL as the script spells it (`$PUBLIC_HOST_API` for a placeholder host).
    url: String,
    /// The environment's address as `environment.url` spells it.
    origin: String,
    /// The GitHub variable that holds the real host, when the model's host is a placeholder.
    variable: Option<Prerequisite>,
    /// The service it reaches.
    service: String,
    /// The host as the script spells it.
    host: String,
}

/// The public health endpoints of `stack`: each way in (`ways`) to a service whose health
/// check is an HTTP GET under its path, at the check's path. A service with an HTTP check but no
/// way in is reported, unless the target does not run it (`left_out`).
fn smoke_targets(
    stack: &ValidStack,
    ways: &[platform::WayIn],
    left_out: &[String],
    warnings: &mut Vec<Warning>,
) -> Vec<SmokeTarget> {
    let mut targets = Vec::new();
    for service in stack.services().filter(|s| !left_out.contains(&s.name)) {
        let Some(Check::Http { path, .. }) = service.healthcheck.as_ref().map(|p| &p.check) else { continue };
        let ways: Vec<&platform::WayIn> = ways.iter().filter(|w| w.service == service.name).collect();
        let under: Vec<&platform::WayIn> =
            ways.iter().copied().filter(|w| path.starts_with(w.path.trim_end_matches('/'))).collect();
        let unreachable = if ways.is_empty() {
            Some("has no public route".to_string())
        } else if under.is_empty() {
            let prefixes: Vec<&str> = ways.iter().map(|w| w.path.as_str()).collect();
            Some(format!("is outside its public paths ({})", prefixes.join(", ")))
        } else {
            None
        };
        if let Some(why) = unreachable {
            warnings.push(Warning {
                kind: crate::WarningKind::Adapted,
                target: "actions",
                env: stack.env().to_string(),
                service: service.name.clone(),
                message: format!(
                    "its health check {path} {why}, so the pipeline cannot smoke-test it from outside; the \
                     platform's own health gate is the only check. Add a Route to smoke-test it"
                ),
            });
        }
        for way in under {
            let scheme = if way.tls { "https" } else { "http" };
            let (host, origin_host, variable) = if crate::facts::reserved_hosts::is_reserved(&way.host) {
                let variable = hosts::host_variable(&way.named_by, stack.env().name());
                (format!("${}", variable.name), variable.reference(), Some(variable))
            } else {
                (way.host.clone(), way.host.clone(), None)
            };
            if targets.iter().any(|t: &SmokeTarget| t.service == service.name && t.host == host) {
                continue;
            }
            targets.push(SmokeTarget {
                url: format!("{scheme}://{host}{path}"),
                origin: format!("{scheme}://{origin_host}"),
                variable,
                service: service.name.clone(),
                host,
            });
        }
    }
    targets
}

/// GET every health endpoint until it answers 2xx, within the step's limit ([`time_budget`]);
/// behind the platform's `gate`, only the hosts it says are ready.
fn smoke_test(targets: &[SmokeTarget], gate: Option<platform::SmokeGate>) -> Step {
    let mut script = String::from("set -euo pipefail\n");
    let mut step = Step::run("Smoke-test the health endpoints", String::new());
    let gated = gate.is_some();
    if let Some(gate) = gate {
        script.push_str(&gate.prelude);
        for (name, value) in gate.env {
            step = step.env(name, value);
        }
    }
    for target in targets {
        if let Some(variable) = &target.variable {
            step = step.env(variable.name.clone(), variable.reference());
        }
        if gated {
            script.push_str(&format!("if ready {} \"{}\"; then ", target.service, target.host));
        }
        script.push_str(&format!(
            "curl --fail --silent --show-error --location --output /dev/null --max-time {} \
             --retry {} --retry-delay {} --retry-all-errors \"{}\"\n",
            time_budget::SMOKE_ATTEMPT_SECONDS,
            time_budget::SMOKE_RETRIES,
            time_budget::SMOKE_RETRY_DELAY_SECONDS,
            target.url
        ));
        if gated {
            script.insert_str(script.len() - 1, "; fi");
        }
    }
    step.run = Some(script);
    step.timeout_minutes(time_budget::smoke_minutes(targets.len()))
}

/// The id of the step that checks the settings a job reads.
const CHECK_ID: &str = "settings";

/// The condition of the steps that need the platform's files applied once (their ids set).
const APPLIED_CONDITION: &str = "steps.settings.outputs.deploy == 'true'";

/// Fail before anything is built or deployed when a secret or variable the job reads is unset
/// (an unset one reads as empty), naming every missing one and where it is set: in `env`'s
/// GitHub environment or among the repository's variables (`env` is `None` for a job that runs
/// in no environment). `first_apply` names the ids that exist only once the platform's files are
/// applied: with all of them unset this is the first deploy, so the step outputs `deploy=false`
/// and warns the first deploy's order; with some unset it fails like any other.
fn require(env: Option<&str>, settings: &[Prerequisite], first_apply: Option<&platform::FirstApply>) -> Step {
    let mut step = Step::run("Check the secrets and variables it reads", String::new()).id(CHECK_ID);
    let mut script = String::from("set -euo pipefail\nfailed=0\n");
    // Lists `$@` that are unset, once, where `$1` says where they are set.
    script.push_str(
        r#"require() {
  local place=$1 name missing=()
  shift
  for name in "$@"; do if [ -z "${!name:-}" ]; then missing+=("$name"); fi; done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "::error::Set ${missing[*]} in $place; the workflow's header says what each holds."
    failed=1
  fi
}
"#,
    );
    let mut names: Vec<&str> = Vec::new();
    for scope in [prerequisites::Scope::Environment, prerequisites::Scope::Repository] {
        let here: Vec<&Prerequisite> =
            settings.iter().filter(|s| s.scope == scope && !first_apply.is_some_and(|f| f.ids.contains(s))).collect();
        let mut listed: Vec<&str> = Vec::new();
        for setting in here {
            if !names.contains(&setting.name.as_str()) {
                names.push(&setting.name);
                listed.push(&setting.name);
                step = step.env(setting.name.clone(), setting.reference());
            }
        }
        if !listed.is_empty() {
            let place = match (scope, env) {
                (prerequisites::Scope::Environment, Some(env)) => {
                    format!("the {env} environment (Settings › Environments › {env})")
                }
                _ => "the repository's variables (Settings › Secrets and variables › Actions › Variables)".into(),
            };
            script.push_str(&format!("require \"{place}\" {}\n", listed.join(" ")));
        }
    }
    // A host name is written into URLs, routes and patches: a scheme, path or quote there
    // breaks them in ways the platform reports far from the setting.
    let hosts: Vec<&str> = settings.iter().filter(|s| s.host_name).map(|s| s.name.as_str()).collect();
    if !hosts.is_empty() {
        let mut listed: Vec<&str> = Vec::new();
        for name in hosts {
            if !listed.contains(&name) {
                listed.push(name);
            }
        }
        script.push_str(&format!(
            r#"for name in {}; do
  if [ -n "${{!name:-}}" ] && ! [[ "${{!name}}" =~ ^[A-Za-z0-9.-]+$ ]]; then
    echo "::error::$name must be a host name such as shop.acme.io, without a scheme, port or path."
    failed=1
  fi
done
"#,
            listed.join(" ")
        ));
    }
    if let Some(first_apply) = first_apply {
        let ids: Vec<&str> = first_apply.ids.iter().map(|p| p.name.as_str()).collect();
        for id in &first_apply.ids {
            step = step.env(id.name.clone(), id.reference());
        }
        let env = env.unwrap_or_default();
        script.push_str(&format!(
            r#"ids=({ids})
unset=()
for name in "${{ids[@]}}"; do if [ -z "${{!name:-}}" ]; then unset+=("$name"); fi; done
if [ ${{#unset[@]}} -gt 0 ] && [ ${{#unset[@]}} -lt ${{#ids[@]}} ]; then require "the {env} environment (Settings › Environments › {env})" "${{ids[@]}}"; fi
if [ "$failed" = 1 ]; then exit 1; fi
if [ ${{#unset[@]}} -eq 0 ]; then
  echo "deploy=true" >> "$GITHUB_OUTPUT"
else
  echo "::warning::{first}"
  echo "deploy=false" >> "$GITHUB_OUTPUT"
fi
"#,
            ids = ids.join(" "),
            first = first_apply.order,
        ));
    } else {
        script.push_str("if [ \"$failed\" = 1 ]; then exit 1; fi\n");
    }
    step.run = Some(script);
    step
}

/// A run started by a push, or by hand on a release tag starting with `prefix`; a run started by
/// hand on any other ref deploys nothing.
/// Contexts: <https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#github-context>.
fn started_by_push_or_release(prefix: &str) -> String {
    format!("github.event_name == 'push' || (github.ref_type == 'tag' && startsWith(github.ref_name, '{prefix}'))")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The settings check passes a host name in a host variable and fails a URL, a path or a
    /// quote (each would break the routes, URLs and patches the host is written into).
    #[test]
    fn a_host_variable_must_hold_a_host_name() {
        let settings = [hosts::host_variable("web", "production")];
        let step = require(Some("production"), &settings, None);
        let script = step.run.clone().expect("a script");
        for (value, ok) in [
            ("shop.acme.io", true),
            ("https://shop.acme.io", false),
            ("shop.acme.io/app", false),
            ("a\"b", false),
            ("", false),
        ] {
            let status = std::process::Command::new("bash")
                .arg("-c")
                .arg(&script)
                .env("PUBLIC_HOST_WEB_PRODUCTION", value)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .unwrap();
            assert_eq!(status.success(), ok, "{value:?}");
        }
    }
}
