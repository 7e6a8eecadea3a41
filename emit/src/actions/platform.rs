//! How `deploy.yml` deploys one environment to the project's [`DeployTarget`], and how it
//! rolls back when the deploy or its smoke test fails. Secrets reach each script through `env:`
//! only; values from the model are written into the scripts, nothing from the event.
//!
//! - Kubernetes: see [`super::kubernetes`]
//! - Render: <https://api-docs.render.com/reference/create-deploy>, `…/rollback-deploy`
//! - Railway: <https://docs.railway.com/cli/config>, <https://docs.railway.com/cli/deployment>
//! - Compose: <https://docs.docker.com/reference/cli/docker/compose/up/>

use stack_dsl::{DeployTarget, MountSource, Ready, Run, ValidStack};

use super::deploy_order;
use super::images::{BuiltImage, image_of};
use super::model::{Access, Scope, Step, expr, secret};
use super::pins;
use super::prerequisites::Prerequisite;
use super::railway_sdk;
use super::time_budget;
use crate::error::Error;
use crate::layout::{compose_env_example, compose_file};
use crate::options::Options;

/// What one environment's deploy job needs.
pub struct Deploy<'a> {
    /// The project.
    pub project: &'a stack_dsl::ValidProject,
    /// The environment's stack.
    pub stack: &'a ValidStack,
    /// The cluster the Kubernetes manifests are written for.
    #[cfg_attr(not(feature = "kubernetes"), allow(dead_code))]
    pub cluster: &'a stack_dsl::Cluster,
    /// The images of the pipeline.
    pub images: &'a [BuiltImage],
    /// The registry namespace as the scripts spell it (`${REGISTRY}`, set by an earlier step).
    pub registry: &'a str,
    /// Where the generated files are, from the repository root.
    pub options: &'a Options,
    /// The deploy job of the environment before this one in the same run, whose outputs say
    /// what it ran and its smoke test passed (Kubernetes: the third-party images' digests).
    pub tested_by: Option<&'a str>,
}

/// The deploy job's platform part: whether it needs the source, the token scopes, the deploy
/// step (id `deploy`) and the rollback step run on failure.
pub struct Plan {
    /// The job checks the repository out (manifests, Compose file, source).
    pub checkout: bool,
    /// Token scopes beyond none.
    pub permissions: Vec<(Scope, Access)>,
    /// The deploy step.
    pub deploy: Step,
    /// The rollback (or failure report) step.
    pub rollback: Step,
    /// A step run once the smoke test passed (Kubernetes prunes what the stack no longer has
    /// only then, so that a rollback still finds what the previous revision used).
    pub after_smoke: Option<Step>,
    /// The job's outputs, which the next environment's deploy reads through `tested_by`.
    pub outputs: Vec<(String, String)>,
}

/// The plan for `target`.
pub fn plan(target: DeployTarget, deploy: &Deploy) -> Result<Plan, Error> {
    Ok(match target {
        #[cfg(feature = "kubernetes")]
        DeployTarget::Kubernetes => super::kubernetes::plan(deploy)?,
        // `actions::render` refuses such a pipeline first (`deploys_what_is_rendered`).
        #[cfg(not(feature = "kubernetes"))]
        DeployTarget::Kubernetes => {
            let project = deploy.stack.name.clone();
            return Err(Error::TargetNotRendered { project, target: target.name(), feature: "kubernetes" });
        }
        DeployTarget::Render => render(deploy),
        DeployTarget::Railway => railway(deploy)?,
        DeployTarget::ComposeOverSsh => compose_over_ssh(deploy),
    })
}

/// The built services `deploy` runs that a platform deploys itself (not the one-shot jobs, which
/// the platform runs before them), with their images.
fn deployed<'a>(deploy: &'a Deploy) -> impl Iterator<Item = (&'a str, &'a BuiltImage)> {
    let env = deploy.stack.env();
    deploy
        .stack
        .services()
        .filter(|s| s.run != Run::Once)
        .filter_map(move |s| image_of(deploy.images, &s.name, env).map(|i| (s.name.as_str(), i)))
}

/// Images the environment runs, once each.
pub(super) fn images_of<'a>(deploy: &'a Deploy) -> Vec<&'a BuiltImage> {
    let env = deploy.stack.env();
    let mut found: Vec<&BuiltImage> = Vec::new();
    for service in deploy.stack.services() {
        if let Some(image) = image_of(deploy.images, &service.name, env)
            && !found.contains(&image)
        {
            found.push(image);
        }
    }
    found
}

/// `FRONTEND_WEB` from `frontend-web`: the service's part of a variable name.
fn variable(service: &str) -> String {
    service.to_ascii_uppercase().replace('-', "_")
}

pub(super) fn rollback_step(script: String) -> Step {
    Step::run("Roll back", script)
        .condition(time_budget::ROLLBACK_CONDITION)
        .timeout_minutes(time_budget::ROLLBACK_MINUTES)
}

/// Calls Render's API with the key in `RENDER_API_KEY`.
const RENDER_API: &str = r#"render() {
  curl --fail-with-body --silent --show-error --max-time 30 \
    --header "Authorization: Bearer $RENDER_API_KEY" --header "Accept: application/json" "$@"
}
"#;

/// Waits on Render's API until `$deadline`: `in_time`, `ask` (a GET whose transient failures
/// are asked again), `newest` (a service's newest deploy) and `await` (a deploy until it is
/// live, failing when it ends otherwise).
///
/// A timeout, 408, 429 or 5xx is transient (as curl's own `--retry` counts them,
/// <https://curl.se/docs/manpage.html#--retry>; Render rate-limits with 429,
/// <https://api-docs.render.com/reference/rate-limiting>): one such answer must not fail a
/// healthy deploy and start a rollback. Any other error (a wrong key, an unknown service) fails
/// at once.
const RENDER_AWAIT: &str = r#"in_time() { [ "$SECONDS" -lt "$deadline" ] || { echo "::error::Render did not finish in time."; return 1; }; }
ask() {
  local answer code
  while :; do
    answer=$(curl --silent --show-error --max-time 30 --header "Authorization: Bearer $RENDER_API_KEY" \
      --header "Accept: application/json" --write-out '\n%{http_code}' "$1") || answer=$'\n000'
    code=${answer##*$'\n'}
    case $code in
      2??) printf '%s\n' "${answer%$'\n'*}"; return 0 ;;
      000 | 408 | 429 | 5??) echo "::warning::Render's API answered $code to $1; asking again." >&2 ;;
      *) echo "::error::Render's API answered $code to $1: ${answer%$'\n'*}" >&2; return 1 ;;
    esac
    in_time >&2 || return 1
    sleep 10
  done
}
newest() { ask "https://api.render.com/v1/services/$1/deploys?limit=1" | jq -r '.[0].deploy.id // empty'; }
await() {
  local service=$1 id=$2 status
  while in_time; do
    status=$(ask "https://api.render.com/v1/services/$service/deploys/$id" | jq -r .status) || return 1
    case $status in
      live) return 0 ;;
      *failed | canceled | deactivated) echo "::error::Render deploy $id of $service ended $status."; return 1 ;;
    esac
    sleep 10
  done
  return 1
}
"#;

/// How long the rollback may wait for the restored deploys, in minutes: below the rollback
/// step's limit ([`super::time_budget::ROLLBACK_MINUTES`]).
const RENDER_ROLLBACK_WAIT_MINUTES: u32 = 15;

/// How long a Render deploy job may wait for every service to go live, in minutes: below the
/// deploy step's limit, which the job's timeout holds ([`super::time_budget`]).
const RENDER_WAIT_MINUTES: u32 = 25;

/// Render: each built service is image-backed (`runtime: image` in the Blueprint), so the deploy
/// names the image this run built, scanned and pushed (`imageUrl`); nothing is rebuilt from Git.
/// Services are deployed in the order of their `depends_on` ([`super::deploy_order`]): those
/// that wait for nothing deployed here are triggered together and awaited, then the next wave,
/// all under one time budget. A deploy that
/// Render queues behind a running one is answered without an id (HTTP 202) and is found in the
/// service's deploy list. The deploy that was live before is recorded and restored on failure.
///
/// API: <https://api-docs.render.com/reference/create-deploy> (`imageUrl`, 202 when queued),
/// deploy statuses: <https://api-docs.render.com/reference/retrieve-deploy>.
fn render(deploy: &Deploy) -> Plan {
    let env = deploy.stack.env();
    let mut calls = String::new();
    let mut rollbacks = String::new();
    let mut step = Step::run(format!("Deploy {env} on Render"), String::new());
    let mut rollback = rollback_step(String::new());
    let services: Vec<(&str, &BuiltImage)> = deployed(deploy).collect();
    let names: Vec<&str> = services.iter().map(|(service, _)| *service).collect();
    for wave in deploy_order::waves(deploy.stack, &names) {
        for (service, image) in services.iter().filter(|(service, _)| wave.contains(service)) {
            let name = variable(service);
            let url = format!("{}/{}:$GITHUB_SHA{}", deploy.registry, image.name, image.tag_suffix());
            calls.push_str(&format!("trigger {name} \"$RENDER_SERVICE_{name}\" \"{url}\"\n"));
        }
        calls.push_str("await_triggered\n");
    }
    let mut records = String::new();
    for (service, _) in &services {
        let name = variable(service);
        records.push_str(&format!("record_live \"$RENDER_SERVICE_{name}\" previous_{name}\n"));
        rollbacks.push_str(&format!(
            "if [ -n \"$TRIGGERED_{name}\" ]; then roll_back \"$RENDER_SERVICE_{name}\" \"$PREVIOUS_{name}\" || failed=1; fi\n"
        ));
        let id = render_service(service).reference();
        step = step.env(format!("RENDER_SERVICE_{name}"), id.clone());
        rollback = rollback
            .env(format!("RENDER_SERVICE_{name}"), id)
            .env(format!("PREVIOUS_{name}"), expr(&format!("steps.deploy.outputs.previous_{name}")))
            .env(format!("TRIGGERED_{name}"), expr(&format!("steps.deploy.outputs.triggered_{name}")));
    }
    let script = format!(
        r#"set -euo pipefail
{RENDER_API}deadline=$((SECONDS + {RENDER_WAIT_MINUTES} * 60))
{RENDER_AWAIT}# The deploy live now, which the rollback restores; a failed lookup stops the deploy.
record_live() {{
  local live
  live=$(ask "https://api.render.com/v1/services/$1/deploys?status=live&limit=1" | jq -r '.[0].deploy.id // empty')
  echo "$2=$live" >> "$GITHUB_OUTPUT"
}}
# Deploys $3 on service $2; the rollback restores $1's service only once it was asked to deploy.
trigger() {{
  local service=$2 image=$3 before id
  before=$(newest "$service")
  echo "triggered_$1=true" >> "$GITHUB_OUTPUT"
  id=$(render --request POST --header "Content-Type: application/json" --data "$(jq -cn --arg image "$image" '{{imageUrl: $image}}')" \
    "https://api.render.com/v1/services/$service/deploys" | jq -r '.id // empty')
  while [ -z "$id" ]; do
    in_time
    sleep 10
    id=$(newest "$service")
    if [ "$id" = "$before" ]; then id=""; fi
  done
  echo "$service $id" >> "$RUNNER_TEMP/render-deploys"
}}
# Await every deploy triggered since the last call.
await_triggered() {{
  while read -r service id; do await "$service" "$id"; done < "$RUNNER_TEMP/render-deploys"
  : > "$RUNNER_TEMP/render-deploys"
}}
{records}: > "$RUNNER_TEMP/render-deploys"
{calls}"#
    );
    let rollback_script = format!(
        r#"set -euo pipefail
{RENDER_API}{RENDER_AWAIT}failed=0
: > "$RUNNER_TEMP/render-rollbacks"
# Starts the rollback of service $1 to deploy $2; each rollback is awaited for
# {RENDER_ROLLBACK_WAIT_MINUTES} minutes from its own start.
roll_back() {{
  local service=$1 target=$2 before id deadline=$((SECONDS + {RENDER_ROLLBACK_WAIT_MINUTES} * 60))
  if [ -z "$target" ]; then echo "::error::$service had no live deploy before this one; nothing to roll back to."; return 0; fi
  before=$(newest "$service") || return 1
  id=$(render --request POST --header "Content-Type: application/json" --data "$(jq -cn --arg id "$target" '{{deployId: $id}}')" \
    "https://api.render.com/v1/services/$service/rollback" | jq -r '.id // empty') || return 1
  while [ -z "$id" ] || [ "$id" = "$before" ]; do
    in_time || return 1
    sleep 10
    id=$(newest "$service") || return 1
  done
  echo "$service $id $deadline" >> "$RUNNER_TEMP/render-rollbacks"
}}
# Only the services this deploy asked to deploy are rolled back; the others still run what
# they ran.
{rollbacks}while read -r service id deadline; do await "$service" "$id" || failed=1; done < "$RUNNER_TEMP/render-rollbacks"
if [ "$failed" = 1 ]; then
  echo "::error::The {env} deploy failed and a rollback did not go live; see the errors above and each service's Events on Render."
  exit 1
fi
echo "::error::The {env} deploy failed; each service it deployed runs the deploy live before it again, on the schema this deploy's migrations left."
"#
    );
    step.run = Some(script);
    rollback.run = Some(rollback_script);
    let key = render_api_key().reference();
    Plan {
        checkout: false,
        permissions: Vec::new(),
        deploy: step.env("RENDER_API_KEY", key.clone()).timeout_minutes(RENDER_WAIT_MINUTES + 5),
        rollback: rollback.env("RENDER_API_KEY", key),
        after_smoke: None,
        outputs: Vec::new(),
    }
}

fn render_api_key() -> Prerequisite {
    Prerequisite::secret(
        "RENDER_API_KEY",
        "a Render API key (Account Settings › API Keys) of the workspace that owns the services",
    )
}

fn render_service(service: &str) -> Prerequisite {
    Prerequisite::variable(
        format!("RENDER_SERVICE_{}", variable(service)),
        format!(
            "the id (srv-…) of this environment's {service} service on Render, which exists once the Blueprint is \
             applied; a run with none of these set moves the environment's tags and deploys nothing (the first deploy)"
        ),
    )
}

/// The settings a target's first deploy cannot have yet, and the order that first deploy takes.
pub struct FirstApply {
    /// The settings that exist only once the platform's committed files are applied.
    pub ids: Vec<Prerequisite>,
    /// The first deploy's steps, in order, for the workflow's header and the run's warning.
    pub order: String,
}

/// What `target` needs applied before it can deploy: Render's service ids (the Blueprint
/// creates the services, pulling the environment's tags, <https://render.com/docs/deploying-an-image>);
/// `None` for a target that deploys from the first run.
pub fn first_apply(target: DeployTarget, deploy: &Deploy) -> Option<FirstApply> {
    let env = deploy.stack.env();
    let tag = crate::pushed_image::environment_tag(env);
    let ids: Vec<Prerequisite> = match target {
        DeployTarget::Render => deployed(deploy).map(|(service, _)| render_service(service)).collect(),
        _ => Vec::new(),
    };
    (!ids.is_empty()).then(|| FirstApply {
        ids,
        order: format!(
            "First deploy of {env} on Render, in this order: 1. push: while no RENDER_SERVICE_* variable is set in \
             {env}, the job points the :{tag} tags at the commit's images and deploys nothing; 2. apply render.yaml \
             (Render Dashboard > Blueprints > New Blueprint Instance), which creates the services from those tags; \
             3. set each RENDER_SERVICE_* variable of {env} to its service's id (srv-…); later pushes deploy."
        ),
    })
}

/// The header's note on the first deploy of `deploy`'s environment on Railway: the apply
/// creates the services without the secrets the program preserves (`preserve()`, which the CLI
/// never sets), so the first run stops naming them; `None` on other targets or without any.
pub fn first_deploy_note(target: DeployTarget, deploy: &Deploy) -> Result<Option<String>, Error> {
    if target != DeployTarget::Railway {
        return Ok(None);
    }
    let env = deploy.stack.env();
    let optional = |name: &str| deploy.stack.secrets.iter().any(|s| s.name == name && s.optional);
    let preserved = crate::railway::preserved_secrets(deploy.project, deploy.stack)?;
    let listed: Vec<String> =
        preserved.iter().filter(|r| !optional(&r.name)).map(|r| format!("{} on {}", r.key, r.service)).collect();
    Ok((!listed.is_empty()).then(|| {
        format!(
            "First deploy of {env} on Railway, in this order: 1. push: railway config apply creates the services, \
             which start without the secrets the program preserves and Railway alone holds ({}); the job stops naming \
             each; 2. set each in Railway (the service's Variables tab, environment {env}); 3. run this workflow again.",
            listed.join(", ")
        )
    }))
}

/// Railway: the pipeline's images reach Railway through the Railway program itself
/// (`.railway/railway.ts` reads the tag from `IMAGE_TAG` and the environment from
/// `DEPLOY_ENVIRONMENT`), applied from the output directory, where the CLI finds `.railway/`.
/// Applying is what deploys: it also sets pre-deploy migrations, replicas and variables.
///
/// - `railway config apply` plans first and returns without deploying when nothing changed
///   (Railway CLI 5.63.1, `src/commands/config/runner.rs`: `if changes == 0 { return Ok(()) }`), so
///   the job plans with `--detailed-exit-code` (exit 2: changes pending, 0: none) and applies
///   only what changed; with no change it checks what already runs, and a service running
///   another image (as after a rollback, which leaves the source naming this one) is deployed
///   from its source again (`railway redeploy --from-source`).
/// - A service is deployed when its newest deployment is `SUCCESS` and runs the image this run
///   pushed (a string of the deployment's metadata names it; where the metadata names no image,
///   the deployment this run started counts); a new deployment that fails, or goes live with
///   another image, fails the job (`railway up --ci` would return before pre-deploy and the
///   health check).
/// - The deployment live before is recorded; on failure each service is rolled back to it with
///   Railway's rollback, which restores that deployment's image and variables
///   (<https://docs.railway.com/guides/deployment-actions#rollback>), through the public API's
///   `deploymentRollback` with the project token (`Project-Access-Token`,
///   <https://docs.railway.com/integrations/api#project-token>).
///
/// Statuses and `deployment list --json`: <https://docs.railway.com/cli/deployment>.
fn railway(deploy: &Deploy) -> Result<Plan, Error> {
    let env = deploy.stack.env();
    let mut attach = String::new();
    let mut host_variables = Vec::new();
    for domain in crate::railway::custom_domains(deploy.project, deploy.stack)? {
        // A placeholder host is never attached: the real one comes from its variable, as the
        // smoke test reads it.
        let host = if crate::facts::reserved_hosts::is_reserved(&domain.host) {
            let variable = super::hosts::host_variable(&domain.service, env.name());
            let spelled = format!("\"${}\"", variable.name);
            host_variables.push(variable);
            spelled
        } else {
            domain.host.clone()
        };
        let port = domain.port.map(|p| p.to_string()).unwrap_or_default();
        attach.push_str(&format!("attach {} {host} \"{port}\"\n", domain.service));
    }
    let mut secrets = String::new();
    // An optional secret may stay unset (`Secret::optional`).
    let optional = |name: &str| deploy.stack.secrets.iter().any(|s| s.name == name && s.optional);
    for read in
        crate::railway::preserved_secrets(deploy.project, deploy.stack)?.into_iter().filter(|r| !optional(&r.name))
    {
        secrets.push_str(&format!("require_set {} {}\n", read.service, read.key));
    }
    // A shared variable is checked where a service reads it: its variable holds the reference.
    for read in
        crate::railway::shared_variables(deploy.project, deploy.stack)?.into_iter().filter(|r| !optional(&r.name))
    {
        secrets.push_str(&format!("require_set {} {} {}\n", read.service, read.key, read.name));
    }
    let mut wanted = String::new();
    let mut rollbacks = String::new();
    let mut rollback = rollback_step(String::new());
    for (service, image) in deployed(deploy) {
        let name = variable(service);
        let url = format!("{}/{}:$IMAGE_TAG{}", deploy.registry, image.name, image.tag_suffix());
        wanted.push_str(&format!("want {service} {name} \"{url}\"\n"));
        rollbacks.push_str(&format!("roll_back {service} \"$PREVIOUS_{name}\" || failed=1\n"));
        rollback = rollback.env(format!("PREVIOUS_{name}"), expr(&format!("steps.deploy.outputs.previous_{name}")));
    }
    let script = format!(
        r#"set -euo pipefail
{RAILWAY_FUNCTION}# The CLI runs the program with the project's own install of the SDK it imports.
{install}export IMAGE_TAG="$GITHUB_SHA" {ENVIRONMENT_VARIABLE}={env}
# Newest first by `createdAt` (ISO 8601, so it sorts as text), rather than trusting the listing's order.
deployments() {{ railway deployment list --service "$1" --environment {env} --limit 20 --json | jq 'sort_by(.createdAt // "") | reverse'; }}
# Id and status of service $1's newest deployment, and whether it runs image $2: `match`, or the
# image of the same registry it names instead, or `unknown`. The CLI passes the API's
# deployment metadata through as it is (CLI 5.63.1, src/commands/deployment.rs, `meta:
# Option<serde_json::Value>`), so the image is looked for in any of its strings.
newest() {{
  deployments "$1" | jq -r --arg image "$2" '.[0] // {{}} | [.meta // {{}} | .. | strings] as $texts
    | ($image | sub("/.*$"; "/")) as $registry
    | ([$texts[] | select(startswith($registry))] | first // "unknown") as $other
    | "\(.id // "-") \(.status // "-") \(if ($texts | index($image)) != null then "match" else $other end)"'
}}
services=()
declare -A image before redeployed created
# Service $1 must run image $3; its deployment live now is recorded (output previous_$2) for
# the rollback. A service with no deployment listed is created by this run's apply.
want() {{
  local list
  services+=("$1")
  image[$1]=$3
  list=$(deployments "$1") || {{ echo "::warning::No deployments of $1 listed (a first deploy creates the service); nothing to roll back to."; list='[]'; }}
  if [ "$(jq length <<< "$list")" = 0 ]; then created[$1]=1; fi
  before[$1]=$(jq -r '.[0].id // ""' <<< "$list")
  echo "previous_$2=$(jq -r '[.[] | select(.status == "SUCCESS")][0].id // ""' <<< "$list")" >> "$GITHUB_OUTPUT"
}}
{wanted}# Secrets the program preserves are whatever is set on the service, and a service this deploy
# created has none; a shared variable (ctx.shared.NAME) is whatever the environment holds, and
# the program reads it without creating it: name each unset one rather than let a service start
# without. `variable list --json` (CLI 5.63.1) lists the values a deployment gets, a sealed one
# as null, so a key that is present is set unless its value is empty or still a reference
# (Railway's template syntax, "$" then "{{{{", which GitHub must not read as an expression here);
# the listing's values stay in the pipe.
# They are checked before the apply on the services that exist, so a missing one stops the run
# before anything changes, and after it on the services it created.
# require_set <service> <variable> [<the shared variable it reads>]
require_set() {{
  local set
  if [ "$phase" = before ] && [ -n "${{created[$1]:-}}" ]; then return 0; fi
  if [ "$phase" = after ] && [ -z "${{created[$1]:-}}" ]; then return 0; fi
  set=$(railway variable list --service "$1" --environment {env} --json |
    jq --arg key "$2" 'has($key) and .[$key] != "" and ((.[$key] // "") | contains("$" + "{{{{") | not)') ||
    {{ echo "::error::The Railway CLI could not list the variables of $1; see its message above."; exit 1; }}
  if [ "$set" != true ]; then unset_secrets+=("$1 $2 ${{3:-}}"); fi
}}
check_secrets() {{
unset_secrets=()
{secrets}if [ ${{#unset_secrets[@]}} -gt 0 ]; then
  for entry in "${{unset_secrets[@]}}"; do
    read -r service key shared <<< "$entry"
    if [ -n "$shared" ]; then
      echo "::error::Create the shared variable $shared in {env} (Project Settings › Shared Variables, environment {env}; $service reads it as $key), then run this workflow again."
    elif [ -n "${{created[$service]:-}}" ]; then
      echo "::error::First deploy of $service in {env}: this run created it, and Railway started it without $key, which the program preserves and never sets. Set $key on service $service in {env} (its Variables tab, or railway variable set $key --stdin --service $service --environment {env}), then run this workflow again."
    else
      echo "::error::Set $key on service $service in {env} (its Variables tab, or railway variable set $key --stdin --service $service --environment {env}), then run this workflow again."
    fi
  done
  exit 1
fi
}}
phase=before
check_secrets
planned=0
railway config plan --detailed-exit-code || planned=$?
case $planned in
  0) changed=0; echo "Nothing to apply; checking that every service already runs its image." ;;
  # `apply --yes` still refuses destructive changes without --confirm-destructive (CLI 5.63.1,
  # src/commands/config/runner.rs: guard_destructive_apply).
  2) changed=1; echo "applied=true" >> "$GITHUB_OUTPUT"
     railway config apply --yes || {{ echo "::error::railway config apply stopped (exit $?). It refuses destructive changes without --confirm-destructive, and a variable set on a service outside this program and not preserve()d is a planned deletion: read the plan above, then add the variable to the stack (a Secret is preserved) or delete it in the dashboard, and run this workflow again."; exit 1; }} ;;
  *) echo "::error::railway config plan failed (exit $planned); see its output above."; exit 1 ;;
esac
# Custom domains, which the program cannot register: each is attached once the service exists.
attach() {{
  local listed
  listed=$(railway domain list --service "$1" --environment {env} --json)
  if jq -e --arg host "$2" '[.. | strings] | index($host) != null' <<< "$listed" > /dev/null; then return 0; fi
  echo "Attaching $2 to $1: point its DNS at the records Railway shows for it."
  railway domain "$2" --service "$1" --environment {env} ${{3:+--port "$3"}} --json
}}
{attach}phase=after
check_secrets
deadline=$((SECONDS + {RAILWAY_WAIT_MINUTES} * 60))
for service in "${{services[@]}}"; do
  id="" status=""
  while :; do
    # A failed CLI call is asked again, within the deadline; it does not end the wait.
    if current=$(newest "$service" "${{image[$service]}}"); then
      read -r id status running <<< "$current"
      fresh=0
      if [ "$id" != "${{before[$service]}}" ] && {{ [ "$changed" = 1 ] || [ -n "${{redeployed[$service]:-}}" ]; }}; then fresh=1; fi
      if [ "$status" = SUCCESS ] && [ "$running" = match ]; then
        echo "$service runs ${{image[$service]}} (deployment $id)."
        break
      fi
      # Metadata that names no image: the deployment this run started is the one.
      if [ "$status" = SUCCESS ] && [ "$running" = unknown ] && [ "$fresh" = 1 ]; then
        echo "$service: deployment $id, started by this deploy, is live (Railway's metadata names no image)."
        break
      fi
      # Nothing to apply, yet another image (or one not named) runs, as after a rollback, or this
      # image's newest deployment failed, as when a failed deploy is run again: the service's
      # source still names this image, so deploying from it, once, runs this image again
      # (CLI 5.63.1, src/commands/redeploy.rs: --from-source deploys "the latest commit or image
      # from the configured source", plain redeploy the old deployment).
      stale=""
      if [ "$running" != match ]; then stale="runs $running, not ${{image[$service]}}"
      elif [ "$status" = FAILED ] || [ "$status" = CRASHED ]; then stale="of ${{image[$service]}} ended $status"; fi
      if [ "$changed" = 0 ] && [ -n "$stale" ] && [ -z "${{redeployed[$service]:-}}" ]; then
        echo "Nothing to apply, yet $service's newest deployment $id ($status) $stale: deploying it from its source."
        echo "applied=true" >> "$GITHUB_OUTPUT"
        railway redeploy --from-source --service "$service" --environment {env} --yes
        redeployed[$service]=1
        before[$service]=$id
        continue
      fi
      # A deployment this run started, or, with nothing to apply, the one that runs this image.
      if [ "$fresh" = 1 ] || {{ [ "$changed" = 0 ] && [ -z "${{redeployed[$service]:-}}" ]; }}; then
        case $status in
          SUCCESS) echo "::error::Railway deployment $id of $service went live with $running, not ${{image[$service]}}."; exit 1 ;;
          FAILED | CRASHED | REMOVED | REMOVING | SKIPPED) echo "::error::Railway deployment $id of $service ended $status."; exit 1 ;;
        esac
      fi
    else
      echo "::warning::The Railway CLI could not list $service's deployments; asking again."
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "::error::$service had no successful deployment of ${{image[$service]}} on Railway after {RAILWAY_WAIT_MINUTES} minutes (last: $id $status)."
      exit 1
    fi
    sleep 10
  done
done
"#,
        RAILWAY_FUNCTION = railway_function(),
        install = railway_sdk::INSTALL,
        ENVIRONMENT_VARIABLE = crate::railway::ENVIRONMENT_VARIABLE,
    );
    let rollback_script = format!(
        r#"set -euo pipefail
if [ -z "$APPLIED" ]; then echo "::error::The {env} deploy failed before it applied anything on Railway; nothing to roll back."; exit 0; fi
failed=0 rolled=0
# Rolls $1 back to its deployment $2, the one live before this deploy.
roll_back() {{
  local service=$1 target=$2 answer
  if [ -z "$target" ]; then echo "$service had no live deployment before this run (a first deploy creates it); nothing to roll back to."; return 0; fi
  if answer=$(curl --fail-with-body --silent --show-error --max-time 30 \
    --header "Project-Access-Token: $RAILWAY_TOKEN" --header "Content-Type: application/json" \
    --data "$(jq -cn --arg id "$target" '{{query: "mutation($id: String!) {{ deploymentRollback(id: $id) }}", variables: {{id: $id}}}}')" \
    https://backboard.railway.com/graphql/v2) && jq -e '.errors == null' <<< "$answer" > /dev/null; then
    echo "$service is rolled back to deployment $target."
    rolled=$((rolled + 1))
  else
    echo "::error::Railway did not roll $service back to deployment $target ($answer): choose Rollback on that deployment in the service's Deployments."
    return 1
  fi
}}
{rollbacks}if [ "$failed" = 1 ]; then exit 1; fi
if [ "$rolled" = 0 ]; then
  echo "::error::The {env} deploy on Railway failed, and no service had a deployment live before it (this run created them): nothing was rolled back. Fix what the deploy step named, then run this workflow again."
else
  echo "::error::The {env} deploy on Railway failed; each service that had a live deployment before it is rolled back to that deployment, on the schema this deploy's migrations left."
fi
"#
    );
    rollback.run = Some(rollback_script);
    let token = railway_token().reference();
    let mut step = Step::run(format!("Deploy {env} on Railway"), script)
        .working_directory(deploy.options.output_dir())
        .env("RAILWAY_TOKEN", token.clone())
        .timeout_minutes(RAILWAY_WAIT_MINUTES + 5);
    for variable in host_variables {
        step = step.env(variable.name.clone(), variable.reference());
    }
    // The program reads each real public host as PUBLIC_HOST_<SERVICE>, as a Compose file does.
    for (name, variable) in public_host_variables(deploy.stack) {
        step = step.env(name, variable.reference());
    }
    Ok(Plan {
        checkout: true,
        permissions: vec![(Scope::Contents, Access::Read)],
        deploy: step,
        rollback: rollback.env("APPLIED", expr("steps.deploy.outputs.applied")).env("RAILWAY_TOKEN", token),
        after_smoke: None,
        outputs: Vec::new(),
    })
}

/// The Railway CLI at its pinned release, fetched into npm's cache (no global install).
fn railway_function() -> String {
    format!(
        "# The CLI at its pinned release, fetched into npm's cache (no global install).\nrailway() {{ npm exec --yes --package={} -- railway \"$@\"; }}\n",
        pins::RAILWAY_CLI
    )
}

/// What the smoke test of `target` runs first so that it calls only public hosts that can
/// answer: a shell function `ready <service> <host>`, and the step variables it reads.
pub struct SmokeGate {
    /// The script that defines `ready`.
    pub prelude: String,
    /// The step's variables (name, value).
    pub env: Vec<(String, String)>,
}

/// Railway attaches each custom domain during the deploy ([`railway`]); until its DNS points at
/// Railway and the certificate is issued, calling it fails however healthy the service is. So
/// the smoke test asks `railway domain status <host> --json` (CLI 5.63.1,
/// `src/commands/domain.rs`: `verification.verified`, `certificate.status`, whose issued value
/// is `CERTIFICATE_STATUS_TYPE_VALID` in the API's `CertificateStatus`) and skips, with a
/// warning, a host that is not ready.
pub fn smoke_gate(target: DeployTarget, env: stack_dsl::Env) -> Option<SmokeGate> {
    if target != DeployTarget::Railway {
        return None;
    }
    let prelude = format!(
        r#"{railway}# Whether Railway serves custom domain $2 of service $1 yet: DNS verified, certificate issued.
ready() {{
  local status
  status=$(railway domain status "$2" --service "$1" --environment {env} --json |
    jq -r '"\(.domain.verification.verified // false) \(.domain.certificate.status // "none")"') || status="unknown"
  if [ "$status" = "true CERTIFICATE_STATUS_TYPE_VALID" ]; then return 0; fi
  echo "::warning::$2 is not ready on Railway yet (verified, certificate: $status), so it is not smoke-tested: point its DNS at the records railway domain status $2 --service $1 --environment {env} lists; a later deploy tests it."
  return 1
}}
"#,
        railway = railway_function()
    );
    Some(SmokeGate { prelude, env: vec![("RAILWAY_TOKEN".into(), railway_token().reference())] })
}

/// How long a Railway deploy job may wait for every new deployment, in minutes (below the job's
/// timeout, with room for the smoke test).
const RAILWAY_WAIT_MINUTES: u32 = 25;

fn railway_token() -> Prerequisite {
    Prerequisite::secret(
        "RAILWAY_TOKEN",
        "a Railway project token created for this environment (Project Settings › Tokens); a project token acts on \
         one environment only",
    )
}

/// The deploy directory is absolute: ssh runs remote commands from the login directory, and the
/// rollback and the record of what runs must name the same directory as the deploy.
const DEPLOY_PATH_CHECK: &str = r#"case $DEPLOY_PATH in
  /*) ;;
  *) echo "::error::DEPLOY_PATH ($DEPLOY_PATH) must be an absolute path on the host."; exit 1 ;;
esac
"#;

/// Opens the SSH connection with the key and known hosts from secrets.
const SSH_SETUP: &str = r#"umask 077
printf '%s\n' "$SSH_PRIVATE_KEY" > "$RUNNER_TEMP/deploy_key"
printf '%s\n' "$SSH_KNOWN_HOSTS" > "$RUNNER_TEMP/known_hosts"
ssh_options=(-i "$RUNNER_TEMP/deploy_key" -o UserKnownHostsFile="$RUNNER_TEMP/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes)
remote() { ssh "${ssh_options[@]}" "$DEPLOY_USER@$DEPLOY_HOST" "$@"; }
# Each argument quoted for the remote shell, which ssh hands one joined command line.
quote() { local quoted; quoted=$(printf '%q ' "$@"); printf '%s' "${quoted% }"; }
# Runs the script on stdin remotely in bash with the registry token as the first line it reads,
# never an argument or a file, and the deploy directory and "$@" as its arguments. The public
# hosts the Compose file reads (named in $PUBLIC_HOSTS) are exported first, quoted for bash.
with_token() {
  { printf '%s\n' "$REGISTRY_TOKEN"
    for name in ${PUBLIC_HOSTS:-}; do printf 'export %s=%q\n' "$name" "${!name}"; done
    cat; } | remote "IFS= read -r token; export token; exec bash -s -- $(quote "$DEPLOY_PATH" "$@")"
}
"#;

/// The start of the remote script `with_token` ([`SSH_SETUP`]) runs with the arguments image tag,
/// registry and registry user: into the deploy directory, then a registry login in a temporary Docker config directory removed when the script ends, so the
/// token never stays in the host's `~/.docker/config.json`. The Docker CLI looks for per-user
/// plugins in `$DOCKER_CONFIG/cli-plugins`
/// (<https://docs.docker.com/compose/install/linux/#install-the-plugin-manually>), so the
/// temporary directory links the user's plugin directory.
const REMOTE_LOGIN: &str = r#"set -euo pipefail
cd "$1"
export IMAGE_TAG="$2"
registry="$3"
plugins="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
DOCKER_CONFIG=$(mktemp -d)
export DOCKER_CONFIG
trap 'rm -rf "$DOCKER_CONFIG"' EXIT HUP INT TERM
if [ -d "$plugins" ]; then ln -s "$plugins" "$DOCKER_CONFIG/cli-plugins"; fi
printf '%s' "$token" | docker login ghcr.io --username "$4" --password-stdin
unset token
shift 4
"#;

/// The files the Compose file of `deploy` reads, from the repository root: itself, its
/// variables' example and every config file it mounts; and the host directories it binds.
/// On the host they keep these paths under the deploy directory, so the Compose file's relative
/// paths resolve there as in the repository.
fn compose_files(deploy: &Deploy) -> (Vec<String>, Vec<String>) {
    let env = deploy.stack.env();
    let mut files =
        vec![deploy.options.from_root(&compose_file(env)), deploy.options.from_root(&compose_env_example(env))];
    let mut directories = Vec::new();
    for mount in deploy.stack.services().flat_map(|s| &s.mounts) {
        let (list, path) = match &mount.source {
            MountSource::Config(path) => (&mut files, path),
            MountSource::Bind(path) => (&mut directories, path),
            _ => continue,
        };
        let path = path.trim_start_matches("./").trim_end_matches('/').to_string();
        if !list.contains(&path) {
            list.push(path);
        }
    }
    (files, directories)
}

/// Compose over SSH: the Compose file and every file it mounts are copied to the host at their
/// repository paths (the earlier copies kept in `.previous.tar`), the host is checked for what
/// the file needs and Compose does not create, the pushed images pulled and tagged as the file
/// names them, then `up --wait` starts everything. One-shot jobs run once:
/// a job a service waits for (`service_completed_successfully`) is run by `up` itself, which
/// waits for it to exit 0 (compose PR 9572); a job nothing waits for runs first with
/// `run --rm` and is kept out of `up` with `--scale <job>=0`, since `up` would otherwise run it
/// again and `--wait` fails on a one-shot container no service adopts (compose issue 10596).
/// The rollback logs in and pulls the previous images the same way: an image prune on the host
/// may have removed them since they last ran. Both write the tag and public hosts they run with
/// into `.deploy.env` before any `docker compose`, and every one reads it after the env file, as
/// the Compose header tells people to on the host.
fn compose_over_ssh(deploy: &Deploy) -> Plan {
    let env = deploy.stack.env();
    let (files, directories) = compose_files(deploy);
    let compose = crate::compose::deployed_compose(&format!("{env}.env"), &files[0]);
    let mut pulls = String::new();
    for image in images_of(deploy) {
        let (name, suffix) = (&image.name, image.tag_suffix());
        // A commit's tag never moves, so an image the host holds (the previous one, on a
        // rollback) is not pulled again: the rollback works while the registry does not.
        pulls.push_str(&format!(
            "if ! docker image inspect \"{name}:$IMAGE_TAG\" > /dev/null 2>&1; then\n  docker pull \"$registry/{name}:$IMAGE_TAG{suffix}\"\n  docker tag \"$registry/{name}:$IMAGE_TAG{suffix}\" \"{name}:$IMAGE_TAG\"\nfi\n"
        ));
    }
    let (jobs, scale) = unadopted_jobs(deploy.stack, &compose);
    let wait = COMPOSE_WAIT_MINUTES * 60;
    let up = match crate::compose::monitoring::awaited(deploy.stack) {
        None => format!("{compose} up --detach --no-build --wait --wait-timeout {wait} --remove-orphans{scale}"),
        Some((awaited, watched)) => format!(
            "{compose} up --detach --no-build --wait --wait-timeout {wait} --remove-orphans{scale} {}\n\
             # Watched by monitoring, not awaited: an alert must fail neither the deploy nor its rollback.\n\
             {compose} up --detach --no-build --no-deps {}",
            awaited.join(" "),
            watched.join(" ")
        ),
    };
    let host_check = host_check(deploy);
    // The real public hosts the Compose file reads where the stack's are placeholders
    // (`${PUBLIC_HOST_<SERVICE>:?…}`), each from its repository variable for this environment.
    let public_hosts = public_host_variables(deploy.stack);
    let names: Vec<String> = public_hosts.iter().map(|(name, _)| name.clone()).collect();
    let deploy_env = write_deploy_env(&names);
    let script = format!(
        r#"set -euo pipefail
{DEPLOY_PATH_CHECK}{SSH_SETUP}read -ra files <<< "$DEPLOY_FILES"
read -ra directories <<< "$DEPLOY_DIRECTORIES"
# Keep the host's current copies, restored by the rollback, and read the tag they run with in
# the same remote step: the tag is recorded only once its copies are kept, so a backup that fails
# leaves nothing to roll back to rather than an older deploy's files beside this tag. The deploy
# user's login shell may be sh (useradd's default), so every remote script runs in bash.
previous=$(remote "bash -s -- $(quote "$DEPLOY_PATH" "${{files[@]}}")" <<'REMOTE'
set -euo pipefail
if ! cd "$1" 2> /dev/null; then
  echo "The deploy directory $1 does not exist on the host: create it, owned by the deploy user, with the env file the Compose file's header names." >&2
  exit 1
fi
shift
rm -f .previous.tar
existing=()
for file in "$@"; do if [ -e "$file" ]; then existing+=("$file"); fi; done
if [ ${{#existing[@]}} -gt 0 ]; then
  tar -cf .previous.tar.partial "${{existing[@]}}"
  mv .previous.tar.partial .previous.tar
fi
cat .image-tag 2> /dev/null || true
REMOTE
)
echo "previous=$previous" >> "$GITHUB_OUTPUT"
tar -cf - "${{files[@]}}" | remote "tar -xf - -C $(quote "$DEPLOY_PATH")"
with_token "$GITHUB_SHA" "$REGISTRY" "$REGISTRY_USER" "${{directories[@]}}" <<'REMOTE'
{REMOTE_LOGIN}{host_check}if [ "$#" -gt 0 ]; then mkdir -p "$@"; fi
{deploy_env}{pulls}{jobs}{up}
echo "$IMAGE_TAG" > .image-tag
REMOTE
"#
    );
    let rollback = format!(
        r#"set -euo pipefail
if [ -z "$PREVIOUS" ]; then echo "::error::No earlier deploy is recorded on the host; nothing to roll back to."; exit 0; fi
{SSH_SETUP}with_token "$PREVIOUS" "$REGISTRY" "$REGISTRY_USER" <<'REMOTE'
{REMOTE_LOGIN}if [ -f .previous.tar ]; then tar -xf .previous.tar; fi
{deploy_env}{pulls}{up}
echo "$IMAGE_TAG" > .image-tag
REMOTE
echo "::error::The {env} deploy failed; the host runs the previous Compose files and images ($PREVIOUS) again. Migrations are not reverted."
"#
    );
    let ssh = |step: Step| {
        let mut step = step;
        for prerequisite in ssh_prerequisites() {
            step = step.env(prerequisite.name.clone(), prerequisite.reference());
        }
        for (name, variable) in &public_hosts {
            step = step.env(name.clone(), variable.reference());
        }
        if !names.is_empty() {
            step = step.env("PUBLIC_HOSTS", names.join(" "));
        }
        step.env("REGISTRY_USER", expr("github.actor")).env("REGISTRY_TOKEN", secret("GITHUB_TOKEN"))
    };
    Plan {
        checkout: true,
        permissions: vec![(Scope::Contents, Access::Read), (Scope::Packages, Access::Read)],
        deploy: ssh(Step::run(format!("Deploy {env} over SSH"), script))
            .env("DEPLOY_FILES", files.join(" "))
            .env("DEPLOY_DIRECTORIES", directories.join(" "))
            .timeout_minutes(COMPOSE_WAIT_MINUTES + COMPOSE_TRANSFER_MINUTES),
        rollback: ssh(rollback_step(rollback)).env("PREVIOUS", expr("steps.deploy.outputs.previous")),
        after_smoke: None,
        outputs: Vec::new(),
    }
}

/// The remote lines writing `.deploy.env` in the deploy directory: `IMAGE_TAG` and the public
/// hosts `names` as this session exported them, readable by the deploy user only (the file is
/// written under umask 077, then renamed into place, so a reader never finds half of it). A
/// public host is checked to be a host name first: a line break in it would add a variable.
fn write_deploy_env(names: &[String]) -> String {
    let file = crate::compose::DEPLOY_ENV;
    let mut lines =
        String::from("# The tag and public hosts this run deploys, for every docker compose run here, by hand too.\n");
    for name in names {
        lines.push_str(&format!(
            "if [[ ! ${name} =~ ^[A-Za-z0-9.-]+$ ]]; then echo \"::error::{name} is not a host name: $(printf %q \"${name}\")\" >&2; exit 1; fi\n"
        ));
    }
    let values: String = names.iter().map(|name| format!(" \"{name}=${name}\"")).collect();
    lines.push_str(&format!(
        "rm -f {file}.partial\n(umask 077 && printf '%s\\n' \"IMAGE_TAG=$IMAGE_TAG\"{values} > {file}.partial)\nmv -f {file}.partial {file}\n"
    ));
    lines
}

/// The remote check, before anything is pulled, that the host has what the Compose file reads
/// and Compose does not create: the environment's variables file and the external networks and
/// volumes (`up` fails on a missing external resource:
/// <https://docs.docker.com/reference/compose-file/networks/#external>,
/// <https://docs.docker.com/reference/compose-file/volumes/#external>). It names each missing
/// one with the command that creates it.
fn host_check(deploy: &Deploy) -> String {
    let env = deploy.stack.env();
    let example = deploy.options.from_root(&compose_env_example(env));
    let (networks, volumes) = crate::compose::external_resources(deploy.stack);
    let mut script = format!(
        r#"missing=()
if [ ! -f {env}.env ]; then missing+=("$PWD/{env}.env: in $PWD, cp {example} {env}.env, fill it in and chmod 600 it"); fi
"#
    );
    for network in networks {
        script.push_str(&format!(
            "docker network inspect {network} > /dev/null 2>&1 || missing+=(\"the network {network}: docker network create {network}\")\n"
        ));
    }
    for volume in volumes {
        script.push_str(&format!(
            "docker volume inspect {volume} > /dev/null 2>&1 || missing+=(\"the volume {volume}: docker volume create {volume}\")\n"
        ));
    }
    script.push_str(
        r#"if [ ${#missing[@]} -gt 0 ]; then
  for what in "${missing[@]}"; do echo "::error::The host lacks $what"; done
  exit 1
fi
"#,
    );
    script
}

/// How long `up --wait` may wait for the services to be running and healthy, in minutes
/// (`--wait-timeout`, in seconds: <https://docs.docker.com/reference/cli/docker/compose/up/>);
/// without it Compose waits for ever and only the step's limit stops it, skipping the record of
/// what runs. The rollback's `up` has the same bound, below the rollback step's limit.
const COMPOSE_WAIT_MINUTES: u32 = 10;

/// What copying the files, pulling the images and running the one-shot jobs may take beyond
/// the wait, in minutes.
const COMPOSE_TRANSFER_MINUTES: u32 = 15;

/// The one-shot jobs of `stack` no service waits for: a `run --rm` line each, and the
/// `--scale <job>=0` options that keep `up` from running them again.
fn unadopted_jobs(stack: &ValidStack, compose: &str) -> (String, String) {
    let (mut runs, mut scale) = (String::new(), String::new());
    for job in stack.services().filter(|s| s.run == Run::Once) {
        let adopted = stack
            .services()
            .flat_map(|s| &s.depends_on)
            .any(|d| d.ready == Ready::Completed && d.service.name() == job.name);
        if !adopted {
            runs.push_str(&format!("{compose} run --rm --no-deps {}\n", job.name));
            scale.push_str(&format!(" --scale {}=0", job.name));
        }
    }
    (runs, scale)
}

fn ssh_prerequisites() -> Vec<Prerequisite> {
    vec![
        Prerequisite::secret("SSH_PRIVATE_KEY", "the private key of the deploy user on the host"),
        Prerequisite::secret("SSH_KNOWN_HOSTS", "the host's line of known_hosts (ssh-keyscan -H <host>, verified)"),
        Prerequisite::variable("DEPLOY_HOST", "the Docker host's name or address"),
        Prerequisite::variable("DEPLOY_USER", "the deploy user, a member of the host's docker group"),
        Prerequisite::variable(
            "DEPLOY_PATH",
            "the deploy directory on the host, an absolute path; it holds <env>.env, filled in from the copied .env.example",
        ),
    ]
}

/// The variables a Compose file reads for the real public hosts of `stack`'s placeholder routes,
/// each with the repository variable that holds it in this environment.
fn public_host_variables(stack: &ValidStack) -> Vec<(String, Prerequisite)> {
    let mut variables: Vec<(String, Prerequisite)> = Vec::new();
    for (_, service) in crate::public_origin::placeholder_routes(stack) {
        let name = crate::public_origin::variable(service);
        if !variables.iter().any(|(n, _)| *n == name) {
            variables.push((name, super::hosts::host_variable(service, stack.env().name())));
        }
    }
    variables.sort_by(|a, b| a.0.cmp(&b.0));
    variables
}

/// One way in from outside: requests for `host` under `path` reach `service`.
pub struct WayIn {
    /// The service answering.
    pub service: String,
    /// The host, as the stack gives it.
    pub host: String,
    /// The path prefix.
    pub path: String,
    /// Served over HTTPS.
    pub tls: bool,
    /// The service whose `PUBLIC_HOST_<SERVICE>` holds the real host when `host` is a placeholder.
    pub named_by: String,
}

/// The ways in to `deploy`'s services on `target`: their routes, and on Kubernetes also the
/// paths of the cluster's host that replace an edge proxy.
pub fn ways_in(target: DeployTarget, deploy: &Deploy) -> Result<Vec<WayIn>, Error> {
    #[cfg(feature = "kubernetes")]
    if target == DeployTarget::Kubernetes {
        let public = crate::kubernetes::ingress::Public::of(deploy.stack, deploy.cluster)?;
        return Ok(public
            .paths
            .into_iter()
            .map(|p| WayIn { service: p.service, host: p.host, path: p.path, tls: p.tls, named_by: p.named_by })
            .collect());
    }
    let _ = target;
    Ok(deploy
        .stack
        .services()
        .flat_map(|s| {
            s.routes.iter().map(|r| WayIn {
                service: s.name.clone(),
                host: r.host.clone(),
                path: r.path.clone(),
                tls: r.tls,
                named_by: s.name.clone(),
            })
        })
        .collect())
}

/// The services `target` does not run (an edge proxy the ingress controller or the platform's
/// router replaces, a node agent), which no smoke test can reach and none should miss.
pub fn left_out(target: DeployTarget, deploy: &Deploy) -> Result<Vec<String>, Error> {
    let facts = match target {
        DeployTarget::Kubernetes => {
            #[cfg(feature = "kubernetes")]
            return Ok(deploy
                .stack
                .services()
                .filter(|s| crate::kubernetes::left_out(s).is_some())
                .map(|s| s.name.clone())
                .collect());
            #[cfg(not(feature = "kubernetes"))]
            return Ok(Vec::new());
        }
        DeployTarget::ComposeOverSsh => return Ok(Vec::new()),
        DeployTarget::Render => &crate::facts::platforms::RENDER,
        DeployTarget::Railway => &crate::facts::platforms::RAILWAY,
    };
    let plan = crate::managed_platform::Plan::new(deploy.project, deploy.stack, facts)?;
    Ok(plan
        .placements
        .iter()
        .filter(|(_, placement)| **placement == crate::managed_platform::Placement::Omitted)
        .map(|(service, _)| service.to_string())
        .collect())
}

/// What each environment of `target` needs on GitHub before its deploy job can run.
pub fn prerequisites(target: DeployTarget, deploy: &Deploy) -> Result<Vec<Prerequisite>, Error> {
    let services: Vec<&str> = deployed(deploy).map(|(service, _)| service).collect();
    let mut list = prerequisites_for(target, &services);
    if matches!(target, DeployTarget::ComposeOverSsh | DeployTarget::Railway) {
        list.extend(public_host_variables(deploy.stack).into_iter().map(|(_, variable)| variable));
    }
    #[cfg(feature = "kubernetes")]
    if target == DeployTarget::Kubernetes {
        // The real hosts the deploy sets in the Ingress in place of its placeholders.
        list.extend(super::kubernetes::public_host_variables(deploy)?);
    }
    if target == DeployTarget::Railway {
        // The real hosts of the custom domains the deploy attaches.
        for domain in crate::railway::custom_domains(deploy.project, deploy.stack)? {
            let variable = super::hosts::host_variable(&domain.service, deploy.stack.env().name());
            if crate::facts::reserved_hosts::is_reserved(&domain.host) && !list.iter().any(|v| v.name == variable.name)
            {
                list.push(variable);
            }
        }
    }
    Ok(list)
}

/// The kubeconfig a Kubernetes deploy job needs.
#[cfg(feature = "kubernetes")]
fn kubernetes_prerequisites() -> Vec<Prerequisite> {
    vec![Prerequisite::secret("KUBECONFIG", crate::kubernetes::deploy_identity::SUMMARY)]
}

/// Without the Kubernetes emitter no workflow deploys to Kubernetes (`deploys_what_is_rendered`).
#[cfg(not(feature = "kubernetes"))]
fn kubernetes_prerequisites() -> Vec<Prerequisite> {
    Vec::new()
}

/// What each environment of `target` needs, for deploys of the built `services`.
pub fn prerequisites_for(target: DeployTarget, services: &[&str]) -> Vec<Prerequisite> {
    match target {
        DeployTarget::Kubernetes => kubernetes_prerequisites(),
        DeployTarget::Render => {
            let mut list = vec![render_api_key()];
            list.extend(services.iter().map(|service| render_service(service)));
            list
        }
        DeployTarget::Railway => vec![railway_token()],
        DeployTarget::ComposeOverSsh => ssh_prerequisites(),
    }
}

/// Lines of the workflow's header on operating what `deploy` keeps between deploys.
pub fn notes(target: DeployTarget, deploy: &Deploy) -> Result<Vec<String>, Error> {
    #[cfg(feature = "kubernetes")]
    if target == DeployTarget::Kubernetes {
        return Ok(super::kubernetes::digests_note(deploy)?.into_iter().collect());
    }
    let _ = (target, deploy);
    Ok(Vec::new())
}

/// Steps the deploy needs before it runs: the pinned Node.js the Railway CLI and program run on.
pub fn setup(target: DeployTarget) -> Vec<Step> {
    match target {
        DeployTarget::Railway => {
            vec![Step::uses("Set up Node.js", &pins::SETUP_NODE).with("node-version", pins::RAILWAY_NODE)]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use stack_dsl::{DeployTarget, Env, Image, Pipeline, Port, Project, Route, Service, Stack};

    use super::*;

    /// The Railway deploy hands the program each placeholder host's real one under the name it
    /// reads, from the environment's repository variable, and checks that variable is set.
    #[test]
    fn the_railway_program_gets_the_real_public_hosts() {
        let project = Project::new("shop", [Env::Staging], |_| {
            let mut stack = Stack::new("shop");
            let web = stack.reference("web");
            stack.add_service(
                Service::new("web", Image::new("shop-web:1"))
                    .port(Port::http(3000))
                    .route(Route::new("shop.example.com")),
            );
            stack.add_service(
                Service::new("api", Image::new("shop-api:1"))
                    .port(Port::http(8000))
                    .env("CORS_ORIGINS", web.public_url()),
            );
            stack
        })
        .pipeline(Pipeline::new(DeployTarget::Railway).registry("ghcr.io/shop"))
        .validate()
        .unwrap();
        let stack = &project.stacks()[0];
        let options = Options::with_root("");
        let deploy = Deploy {
            project: &project,
            stack,
            cluster: project.cluster(),
            images: &[],
            registry: "r",
            options: &options,
            tested_by: None,
        };
        let plan = plan(DeployTarget::Railway, &deploy).unwrap();
        assert_eq!(plan.deploy.env["PUBLIC_HOST_WEB"], "${{ vars.PUBLIC_HOST_WEB_STAGING }}");
        let needed = prerequisites(DeployTarget::Railway, &deploy).unwrap();
        assert_eq!(needed.iter().filter(|p| p.name == "PUBLIC_HOST_WEB_STAGING").count(), 1);
    }
}
