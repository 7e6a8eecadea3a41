//! How `deploy.yml` deploys one environment to the project's [`DeployTarget`], and how it
//! rolls back when the deploy or its smoke test fails. Secrets reach each script through `env:`
//! only; values from the model are written into the scripts, nothing from the event.
//!
//! - Kubernetes: see [`super::kubernetes`]
//! - Render: <https://api-docs.render.com/reference/create-deploy>, `…/rollback-deploy`
//! - Railway: <https://docs.railway.com/reference/cli-api#up>
//! - Compose: <https://docs.docker.com/reference/cli/docker/compose/up/>

use stack_dsl::{DeployTarget, Run, ValidStack};

use super::images::{BuiltImage, image_of};
use super::model::{Access, Scope, Step, expr, secret};
use super::pins;
use crate::error::Error;
use crate::layout::compose_file;
use crate::options::Options;

/// What one environment's deploy job needs.
pub struct Deploy<'a> {
    /// The environment's stack.
    pub stack: &'a ValidStack,
    /// The images of the pipeline.
    pub images: &'a [BuiltImage],
    /// `ghcr.io/<owner>`.
    pub registry: &'a str,
    /// Where the generated files are, from the repository root.
    pub options: &'a Options,
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
}

/// The plan for `target`.
pub fn plan(target: DeployTarget, deploy: &Deploy) -> Result<Plan, Error> {
    Ok(match target {
        DeployTarget::Kubernetes => super::kubernetes::plan(deploy)?,
        DeployTarget::Render => render(deploy),
        DeployTarget::Railway => railway(deploy),
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
    Step::run("Roll back", script).condition("failure() && steps.deploy.outcome != 'skipped'")
}

/// Calls Render's API with the key in `RENDER_API_KEY`.
const RENDER_API: &str = r#"render() {
  curl --fail-with-body --silent --show-error --max-time 30 \
    --header "Authorization: Bearer $RENDER_API_KEY" --header "Accept: application/json" "$@"
}
"#;

/// Render: each built service is redeployed at this commit through the API (Render builds it
/// from the Blueprint; `preDeployCommand` runs the migrations) and awaited until live; the
/// deploy that was live before is recorded and restored on failure.
fn render(deploy: &Deploy) -> Plan {
    let env = deploy.stack.env();
    let mut calls = String::new();
    let mut rollbacks = String::new();
    let mut step = Step::run(format!("Deploy {env} on Render"), String::new());
    let mut rollback = rollback_step(String::new());
    for (service, _) in deployed(deploy) {
        let name = variable(service);
        calls.push_str(&format!("deploy \"$RENDER_SERVICE_{name}\" previous_{name}\n"));
        rollbacks.push_str(&format!("roll_back \"$RENDER_SERVICE_{name}\" \"$PREVIOUS_{name}\"\n"));
        let id = expr(&format!("vars.RENDER_SERVICE_{name}"));
        step = step.env(format!("RENDER_SERVICE_{name}"), id.clone());
        rollback = rollback
            .env(format!("RENDER_SERVICE_{name}"), id)
            .env(format!("PREVIOUS_{name}"), expr(&format!("steps.deploy.outputs.previous_{name}")));
    }
    let script = format!(
        r#"set -euo pipefail
{RENDER_API}deploy() {{
  local service=$1 output=$2 previous id status
  previous=$(render "https://api.render.com/v1/services/$service/deploys?status=live&limit=1" | jq -r '.[0].deploy.id // empty')
  echo "$output=$previous" >> "$GITHUB_OUTPUT"
  id=$(render --request POST --header "Content-Type: application/json" --data "{{\"commitId\": \"$GITHUB_SHA\"}}" \
    "https://api.render.com/v1/services/$service/deploys" | jq -r .id)
  for _ in $(seq 120); do
    status=$(render "https://api.render.com/v1/services/$service/deploys/$id" | jq -r .status)
    case $status in
      live) return 0 ;;
      *failed | canceled | deactivated) echo "::error::Render deploy $id of $service ended $status."; return 1 ;;
    esac
    sleep 10
  done
  echo "::error::Render deploy $id of $service was not live after 20 minutes."
  return 1
}}
{calls}"#
    );
    let rollback_script = format!(
        r#"set -euo pipefail
{RENDER_API}roll_back() {{
  if [ -z "$2" ]; then echo "::error::$1 had no live deploy before this one; nothing to roll back to."; return 0; fi
  render --request POST --header "Content-Type: application/json" --data "{{\"deployId\": \"$2\"}}" \
    "https://api.render.com/v1/services/$1/rollback" > /dev/null
}}
{rollbacks}echo "::error::The {env} deploy failed; each service was rolled back to the deploy live before it. Migrations are not reverted."
"#
    );
    step.run = Some(script);
    rollback.run = Some(rollback_script);
    Plan {
        checkout: false,
        permissions: Vec::new(),
        deploy: step.env("RENDER_API_KEY", secret("RENDER_API_KEY")),
        rollback: rollback.env("RENDER_API_KEY", secret("RENDER_API_KEY")),
    }
}

/// Railway: `railway up` builds and deploys each built service from this commit's source
/// (`preDeploy` in the Railway program runs the migrations). Railway's CLI cannot roll back, so
/// a failure ends with an error that says where to.
fn railway(deploy: &Deploy) -> Plan {
    let env = deploy.stack.env();
    // The CLI runs at its exact npm version, fetched into npm's cache (no global install).
    let mut script = format!(
        "set -euo pipefail\nrailway() {{ npm exec --yes --package={} -- railway \"$@\"; }}\n",
        pins::RAILWAY_CLI
    );
    for (service, image) in deployed(deploy) {
        script.push_str(&format!(
            "railway up {} --path-as-root --service {service} --environment {env} --ci\n",
            image.build.context
        ));
    }
    let failure = format!(
        "echo \"::error::The {env} deploy on Railway failed. Railway keeps every earlier deployment: open each \
         service's Deployments in the Railway dashboard and choose Rollback on the last good one, or revert the \
         commit.\"\n"
    );
    Plan {
        checkout: true,
        permissions: vec![(Scope::Contents, Access::Read)],
        deploy: Step::run(format!("Deploy {env} on Railway"), script).env("RAILWAY_TOKEN", secret("RAILWAY_TOKEN")),
        rollback: rollback_step(failure),
    }
}

/// Opens the SSH connection with the key and known hosts from secrets.
const SSH_SETUP: &str = r#"umask 077
printf '%s\n' "$SSH_PRIVATE_KEY" > "$RUNNER_TEMP/deploy_key"
printf '%s\n' "$SSH_KNOWN_HOSTS" > "$RUNNER_TEMP/known_hosts"
ssh_options=(-i "$RUNNER_TEMP/deploy_key" -o UserKnownHostsFile="$RUNNER_TEMP/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes)
remote() { ssh "${ssh_options[@]}" "$DEPLOY_USER@$DEPLOY_HOST" "$@"; }
"#;

/// Compose over SSH: the environment's Compose file is copied to the host, the images pulled
/// from GHCR and tagged as the file names them, one-shot jobs (migrations) run, then
/// `up --wait`; the previous file and image tag are kept and restored on failure.
fn compose_over_ssh(deploy: &Deploy) -> Plan {
    let env = deploy.stack.env();
    let file = format!("compose.{env}.yaml");
    let local = deploy.options.from_root(&compose_file(env));
    let compose = format!("docker compose --env-file {env}.env -f {file}");
    let mut pulls = String::new();
    for image in images_of(deploy) {
        let (name, suffix) = (&image.name, image.tag_suffix());
        pulls.push_str(&format!(
            "docker pull \"{registry}/{name}:$2{suffix}\"\ndocker tag \"{registry}/{name}:$2{suffix}\" \"{name}:$IMAGE_TAG\"\n",
            registry = deploy.registry
        ));
    }
    let jobs: String = deploy
        .stack
        .services()
        .filter(|s| s.run == Run::Once)
        .map(|s| format!("{compose} run --rm {}\n", s.name))
        .collect();
    let script = format!(
        r#"set -euo pipefail
{SSH_SETUP}echo "previous=$(remote cat "$(printf %q "$DEPLOY_PATH")/.image-tag" 2> /dev/null || true)" >> "$GITHUB_OUTPUT"
remote "cd $(printf %q "$DEPLOY_PATH") && if [ -f {file} ]; then cp {file} {file}.previous; fi"
scp "${{ssh_options[@]}}" {local} "$DEPLOY_USER@$DEPLOY_HOST:$DEPLOY_PATH/{file}"
printf '%s' "$REGISTRY_TOKEN" | remote docker login ghcr.io --username "$REGISTRY_USER" --password-stdin
remote bash -s -- "$(printf %q "$DEPLOY_PATH")" "$GITHUB_SHA" <<'REMOTE'
set -euo pipefail
cd "$1"
export IMAGE_TAG="$2"
trap 'docker logout ghcr.io' EXIT
{pulls}{jobs}{compose} up --detach --no-build --wait --remove-orphans
echo "$IMAGE_TAG" > .image-tag
REMOTE
"#
    );
    let rollback = format!(
        r#"set -euo pipefail
if [ -z "$PREVIOUS" ]; then echo "::error::No earlier deploy is recorded on the host; nothing to roll back to."; exit 0; fi
{SSH_SETUP}remote bash -s -- "$(printf %q "$DEPLOY_PATH")" "$PREVIOUS" <<'REMOTE'
set -euo pipefail
cd "$1"
export IMAGE_TAG="$2"
if [ -f {file}.previous ]; then mv {file}.previous {file}; fi
{compose} up --detach --no-build --wait --remove-orphans
echo "$IMAGE_TAG" > .image-tag
REMOTE
echo "::error::The {env} deploy failed; the host runs the previous Compose file and images ($PREVIOUS) again. Migrations are not reverted."
"#
    );
    let ssh = |step: Step| {
        step.env("SSH_PRIVATE_KEY", secret("SSH_PRIVATE_KEY"))
            .env("SSH_KNOWN_HOSTS", secret("SSH_KNOWN_HOSTS"))
            .env("DEPLOY_HOST", expr("vars.DEPLOY_HOST"))
            .env("DEPLOY_USER", expr("vars.DEPLOY_USER"))
            .env("DEPLOY_PATH", expr("vars.DEPLOY_PATH"))
    };
    Plan {
        checkout: true,
        permissions: vec![(Scope::Contents, Access::Read), (Scope::Packages, Access::Read)],
        deploy: ssh(Step::run(format!("Deploy {env} over SSH"), script))
            .env("REGISTRY_USER", expr("github.actor"))
            .env("REGISTRY_TOKEN", secret("GITHUB_TOKEN")),
        rollback: ssh(rollback_step(rollback)).env("PREVIOUS", expr("steps.deploy.outputs.previous")),
    }
}
