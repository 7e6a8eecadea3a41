//! The deploy workflows' scripts, run by bash against stand-ins for what they drive (the Railway
//! CLI, Render's API, an SSH-reached Docker host): which image each platform is told to run,
//! whether a failed platform deploy fails the job, what lands on the host. The stand-ins answer
//! as the platforms document (cited per test); the scripts are the generated ones, unchanged.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use emit::actions::model::{Job, Step, Workflow};
use stack_dsl::{DeployTarget, MountSource, Project, Ready, Run};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// A fresh directory for one run, with `repo/` (the checkout, rendered as in this repository)
/// and
/// `bin/` (the stand-ins, first on the `PATH`).
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(project: &Project, case: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("stackwright-{}-{case}-{}", project.name(), std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        for sub in ["repo", "bin", "state", "temp", "home"] {
            fs::create_dir_all(dir.join(sub)).expect("sandbox");
        }
        let valid = project.validate().expect("valid");
        let out = Path::new("golden").join(project.name());
        let options = emit::Options::for_output_dir(&out).expect("options");
        emit::render(&valid, &options).expect("renders").write(&dir.join("repo").join(&out)).expect("writes");
        // The source files the model names (config files), as the checkout has them.
        for service in valid.stacks().iter().flat_map(|s| s.services()) {
            for mount in &service.mounts {
                if let MountSource::Config(path) = &mount.source {
                    let file = dir.join("repo").join(path.trim_start_matches("./"));
                    fs::create_dir_all(file.parent().expect("parent")).expect("config dir");
                    fs::write(file, "config\n").expect("config file");
                }
            }
        }
        Sandbox { dir }
    }

    fn stub(&self, name: &str, script: &str) {
        let path = self.dir.join("bin").join(name);
        fs::write(&path, format!("#!/usr/bin/env bash\nset -euo pipefail\n{script}")).expect("stub");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("chmod");
    }

    fn state(&self, file: &str) -> String {
        fs::read_to_string(self.state_path(file)).unwrap_or_default()
    }

    /// Where the stand-ins keep `file` of their state.
    fn state_path(&self, file: &str) -> PathBuf {
        self.dir.join("state").join(file)
    }

    /// Run `step`'s script as GitHub would: bash, from the checkout (or the step's working
    /// directory), with the step's variables given `values` and the runner's own variables.
    fn run(&self, step: &Step, values: &BTreeMap<&str, String>) -> (bool, String) {
        let cwd = self.dir.join("repo").join(step.working_directory.as_deref().unwrap_or("."));
        let mut command = Command::new("bash");
        command.arg("-e").arg("-c").arg(step.run.as_deref().expect("a script")).current_dir(cwd);
        let path = format!("{}:{}", self.dir.join("bin").display(), std::env::var("PATH").unwrap_or_default());
        command.env("PATH", path).env("HOME", self.dir.join("home")).env("STUB_STATE", self.dir.join("state"));
        command.env("RUNNER_TEMP", self.dir.join("temp")).env("GITHUB_OUTPUT", self.dir.join("temp/output"));
        command.env("GITHUB_SHA", SHA).env("REGISTRY", "ghcr.io/acme");
        for (name, value) in &step.env {
            let value = values.get(name.as_str()).cloned().unwrap_or_else(|| value.clone());
            assert!(!value.contains("${{"), "{name} has no stand-in value");
            command.env(name, value);
        }
        for (name, value) in values {
            command.env(name, value);
        }
        let output = command.output().expect("bash runs");
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        (output.status.success(), text)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

fn deploy_jobs(project: &Project) -> Vec<(String, Job)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name());
    let text = fs::read_to_string(path.join(".github/workflows/deploy.yml")).expect("deploy.yml");
    let workflow: Workflow = serde_saphyr::from_str(&text).expect("parses");
    workflow.jobs.into_iter().filter(|(id, _)| id.starts_with("deploy-")).collect()
}

fn deploy_step(job: &Job) -> &Step {
    job.steps.iter().find(|s| s.id.as_deref() == Some("deploy")).expect("a deploy step")
}

fn projects(target: DeployTarget) -> Vec<Project> {
    stacks::all()
        .into_iter()
        .filter(|p| p.validate().ok().and_then(|v| v.pipeline().map(|p| p.target)) == Some(target))
        .collect()
}

/// A stand-in variable value for each `${{ vars.X }}` / `${{ secrets.X }}` of `step`.
fn stand_ins(step: &Step) -> BTreeMap<&str, String> {
    step.env.iter().filter(|(_, v)| v.contains("${{")).map(|(k, _)| (k.as_str(), stand_in(k))).collect()
}

/// The stand-in value of the setting `name`: `value-of-NAME`, or for a public host one shaped
/// like a host name (the settings check refuses anything else), `value-of-public-host-api.test`.
fn stand_in(name: &str) -> String {
    if name.starts_with("PUBLIC_HOST_") {
        format!("value-of-{}.test", name.to_ascii_lowercase().replace('_', "-"))
    } else {
        format!("value-of-{name}")
    }
}

/// The Railway CLI as `npm exec … -- railway` runs it (CLI 5.63.1, `src/commands/config/`):
/// `config plan --detailed-exit-code` exits 2 when changes are pending and 0 when none
/// (`$STUB_PLAN`); `domain list --json` lists the custom domains `domain <host>` attached; `config apply` starts one new deployment per service, running the image in
/// `state/image-<service>`, which `deployment list --json` then reports as it progresses to
/// `$STUB_OUTCOME`, with the image in its metadata (statuses: <https://docs.railway.com/cli/deployment>).
const RAILWAY_STUB: &str = r#"if [ "$1" = ci ]; then echo "npm $*" >> "$STUB_STATE/calls"; exit 0; fi
while [ "$1" != -- ]; do shift; done
shift 2
echo "railway $* IMAGE_TAG=${IMAGE_TAG:-} DEPLOY_ENVIRONMENT=${DEPLOY_ENVIRONMENT:-} cwd=$PWD" >> "$STUB_STATE/calls"
service=""
args=("$@")
for i in "${!args[@]}"; do if [ "${args[$i]}" = --service ]; then service=${args[$((i + 1))]}; fi; done
case "$1 $2" in
  "deployment list")
    read -r id status image < "$STUB_STATE/$service"
    if [ "${STUB_FLAKY:-0}" = 1 ] && [ "$status" = DEPLOYING ] && [ ! -e "$STUB_STATE/flaked-$service" ]; then
      touch "$STUB_STATE/flaked-$service"; echo "error sending request" >&2; exit 1
    fi
    if [ "$status" = DEPLOYING ]; then echo "$id $STUB_OUTCOME $image" > "$STUB_STATE/$service"; fi
    case ${STUB_META:-image} in
      image) meta="{\"image\":\"$image\"}" ;;
      nested) meta="{\"reason\":\"deploy\",\"source\":{\"image\":\"$image\"}}" ;;
      none) meta="{\"reason\":\"deploy\"}" ;;
    esac
    # Oldest first: the listing's order is not the deployments' age, `createdAt` is.
    printf '[{"id":"older","status":"REMOVED","createdAt":"2026-01-02T09:00:00Z","meta":{}},{"id":"%s","status":"%s","createdAt":"2026-01-02T10:00:00Z","meta":%s}]\n' "$id" "$status" "$meta" ;;
  "domain status")
    # A domain is served once its DNS is verified and its certificate issued ($STUB_DOMAIN_READY).
    if [ "${STUB_DOMAIN_READY:-0}" = 1 ]; then certificate=CERTIFICATE_STATUS_TYPE_VALID verified=true
    else certificate=CERTIFICATE_STATUS_TYPE_VALIDATING_OWNERSHIP verified=false; fi
    printf '{"domain":{"domain":"%s","verification":{"verified":%s},"certificate":{"status":"%s"}}}\n' "$3" "$verified" "$certificate" ;;
  "variable list")
    # Every secret the step asks about is set, unless $STUB_UNSET; a sealed one is listed as
    # null (CLI 5.63.1), with $STUB_SEALED; values never leave the pipe.
    keys=()
    if [ "${STUB_UNSET:-0}" != 1 ]; then read -ra keys <<< "${STUB_SECRETS:-}"; fi
    jq -cn --arg sealed "${STUB_SEALED:-0}" --args \
      '[$ARGS.positional[] | {key: ., value: (if $sealed == "1" then null else "secret-value" end)}] | from_entries' "${keys[@]}" ;;
  "redeploy --from-source") echo "redeployed-$service DEPLOYING $(cat "$STUB_STATE/image-$service")" > "$STUB_STATE/$service" ;;
  "config plan") exit "${STUB_PLAN:-2}" ;;
  "domain list")
    if [ ! -e "$STUB_STATE/image-$service" ]; then echo "Service not found" >&2; exit 1; fi
    printf '{"domains":[%s]}\n' "$(cat "$STUB_STATE/domains-$service" 2> /dev/null)" ;;
  "domain "*)
    if [ ! -e "$STUB_STATE/image-$service" ]; then echo "Service not found" >&2; exit 1; fi
    echo "{\"domain\":\"$2\"}" >> "$STUB_STATE/domains-$service" ;;
  "config apply")
    # Destructive changes stop `config apply --yes` unless --confirm-destructive ($STUB_DESTRUCTIVE).
    if [ "${STUB_DESTRUCTIVE:-0}" = 1 ]; then echo "Refusing destructive changes" >&2; exit 1; fi
    for file in "$STUB_STATE"/image-*; do
      service=${file##*/image-}
      echo "new-$service DEPLOYING $(cat "$file")" > "$STUB_STATE/$service"
    done ;;
esac
"#;

/// A sandbox for the Railway deploy `step`, the Railway CLI stubbed, each service the step deploys
/// already running the image it wants (a redeploy of the same commit).
fn railway_sandbox(project: &Project, case: &str, step: &Step) -> Sandbox {
    let sandbox = Sandbox::new(project, case);
    sandbox.stub("npm", RAILWAY_STUB);
    sandbox.stub("sleep", "");
    for (service, _, image) in railway_wanted(step) {
        fs::write(sandbox.dir.join("state").join(&service), format!("old-{service} SUCCESS {image}\n")).unwrap();
        fs::write(sandbox.dir.join("state").join(format!("image-{service}")), image).unwrap();
    }
    sandbox
}

/// The (service, variable) pairs the Railway deploy step checks are set (`require_set <service>
/// <KEY> [<SHARED>]`, the last naming the shared variable the service reads).
fn railway_preserved(step: &Step) -> Vec<(String, String)> {
    let script = step.run.as_deref().unwrap_or_default();
    let lines = script.lines().filter_map(|l| l.strip_prefix("require_set "));
    lines
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect()
}

/// The services the Railway deploy step waits for, each with the image it must run, as the step
/// names them (`want <service> <NAME> "<image>"`), the registry and tag given their values.
fn railway_wanted(step: &Step) -> Vec<(String, String, String)> {
    let wanted: Vec<(String, String, String)> = step
        .run
        .as_deref()
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix("want "))
        .map(|l| {
            let mut words = l.splitn(3, ' ');
            let (service, name, image) = (words.next(), words.next(), words.next());
            let image = image.expect("an image").trim_matches('"').replace("${REGISTRY}", "ghcr.io/acme");
            (service.expect("a service").into(), name.expect("a name").into(), image.replace("$IMAGE_TAG", SHA))
        })
        .collect();
    assert!(!wanted.is_empty(), "the step names the services it deploys");
    wanted
}

/// The custom domains (service, host as the deploy names it, port) the committed Railway program
/// says the deploy attaches in `env`; a placeholder host stands for its variable's stand-in.
fn railway_domains(project: &Project, env: &str) -> Vec<(String, String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name()).join(".railway/railway.ts");
    let text = fs::read_to_string(path).expect("railway.ts");
    let domains: Vec<(String, String, String)> = text
        .lines()
        .filter_map(|l| l.strip_prefix(&format!("// {env}: railway domain ")))
        .map(|l| {
            // A placeholder is written `<the host in PUBLIC_HOST_API_STAGING>`: its variable's stand-in.
            let (host, rest) = match l.strip_prefix("<the host in ") {
                Some(named) => {
                    let (variable, rest) = named.split_once('>').expect("the variable's name");
                    (stand_in(variable), rest.trim_start())
                }
                None => {
                    let (host, rest) = l.split_once(' ').expect("a host");
                    (host.to_string(), rest)
                }
            };
            let words: Vec<&str> = rest.split_whitespace().collect();
            (words[1].to_string(), host, words[3].to_string())
        })
        .collect();
    assert!(!domains.is_empty() || !text.contains("railway domain"), "no domain read from the header");
    domains
}

/// `railway up --ci` returns when the build ends; the pipeline plans, applies
/// `.railway/railway.ts` when something changed (<https://docs.railway.com/cli/config>), and is
/// green only when each service's newest deployment succeeded with the image this run pushed.
/// `config apply` returns without deploying when nothing changed (CLI 5.63.1,
/// `src/commands/config/runner.rs`): a re-run then succeeds if the image already runs, and
/// otherwise deploys the service from its source once (another image runs, or this image's
/// newest deployment failed or crashed), instead of waiting for a deployment that never comes.
/// `config apply` refuses a custom domain not yet attached (CLI 5.63.1, `src/iac/change_set.rs`), so
/// the program has none and the deploy attaches each with `railway domain`, once, after applying.
#[test]
fn railway_deploys_apply_the_program_with_the_image_tag_and_fail_with_the_deployment() {
    for project in projects(DeployTarget::Railway) {
        for (id, job) in deploy_jobs(&project) {
            let step = deploy_step(&job);
            let env = id.trim_start_matches("deploy-");
            assert!(
                step.timeout_minutes.is_some_and(|m| m + 5 < job.timeout_minutes),
                "{id}: the wait ends before the job's timeout, so the failure step runs"
            );
            let wanted = railway_wanted(step);
            // (plan exit, outcome, image deployed, CLI flaky, running before, status of the newest
            // deployment before, where the metadata names the image, succeeds, error). With
            // nothing to apply and another image running (a rollback's), or this image's newest
            // deployment failed (a re-run after a failed deploy), the service is deployed from its
            // source again, once.
            let cases = [
                (2, "SUCCESS", true, false, false, "SUCCESS", "image", true, ""),
                (2, "SUCCESS", true, true, false, "SUCCESS", "image", true, ""),
                (2, "SUCCESS", true, false, false, "SUCCESS", "nested", true, ""),
                (2, "SUCCESS", true, false, false, "SUCCESS", "none", true, "names no image"),
                (2, "SUCCESS", false, false, false, "SUCCESS", "image", false, "went live with"),
                (2, "SUCCESS", false, false, false, "SUCCESS", "nested", false, "went live with"),
                (2, "FAILED", true, false, false, "SUCCESS", "image", false, "ended FAILED"),
                (2, "CRASHED", true, false, false, "SUCCESS", "image", false, "ended CRASHED"),
                (2, "SKIPPED", true, false, false, "SUCCESS", "image", false, "ended SKIPPED"),
                (0, "SUCCESS", true, false, true, "SUCCESS", "image", true, ""),
                (0, "SUCCESS", true, false, false, "SUCCESS", "image", true, "deploying it from its source"),
                (0, "CRASHED", true, false, false, "SUCCESS", "image", false, "ended CRASHED"),
                (0, "SUCCESS", true, false, true, "FAILED", "image", true, "deploying it from its source"),
                (0, "SUCCESS", true, false, true, "CRASHED", "image", true, "deploying it from its source"),
                (0, "CRASHED", true, false, true, "CRASHED", "image", false, "ended CRASHED"),
                (1, "SUCCESS", true, false, false, "SUCCESS", "image", false, "railway config plan failed"),
            ];
            for (plan, outcome, right_image, flaky, already, before, meta, succeeds, error) in cases {
                let case = format!("{plan}-{outcome}-{right_image}-{flaky}-{already}-{before}-{meta}");
                let sandbox = Sandbox::new(&project, &format!("railway-{id}-{case}"));
                sandbox.stub("npm", RAILWAY_STUB);
                sandbox.stub("sleep", "");
                for (service, _, image) in &wanted {
                    let running = if already { image.clone() } else { format!("ghcr.io/acme/{service}:earlier") };
                    fs::write(sandbox.dir.join("state").join(service), format!("old-{service} {before} {running}\n"))
                        .unwrap();
                    let deployed = if right_image { image.clone() } else { format!("ghcr.io/acme/{service}:other") };
                    fs::write(sandbox.dir.join("state").join(format!("image-{service}")), deployed).unwrap();
                }
                let mut values = stand_ins(step);
                values.insert("STUB_OUTCOME", outcome.into());
                values.insert("STUB_PLAN", plan.to_string());
                values.insert("STUB_FLAKY", if flaky { "1" } else { "0" }.into());
                values.insert("STUB_META", meta.into());
                values.insert(
                    "STUB_SECRETS",
                    railway_preserved(step).into_iter().map(|(_, key)| key).collect::<Vec<_>>().join(" "),
                );
                let (ok, log) = sandbox.run(step, &values);
                assert_eq!(ok, succeeds, "{id} {case}:\n{log}");
                assert!(log.contains(error), "{id} {case}: says {error:?}:\n{log}");
                let calls = sandbox.state("calls");
                let redeploys = calls.lines().filter(|l| l.starts_with("railway redeploy --from-source")).count();
                let stale = plan == 0 && (!already || before != "SUCCESS");
                // Each service is redeployed once at most; a failed redeploy stops the job before
                // the next service's.
                let expected = if stale {
                    redeploys >= 1 && redeploys <= wanted.len() && (!succeeds || redeploys == wanted.len())
                } else {
                    redeploys == 0
                };
                assert!(expected, "{id} {case}: {redeploys} redeploys:\n{calls}");
                let plans: Vec<&str> = calls.lines().filter(|l| l.starts_with("railway config plan")).collect();
                assert_eq!(plans.len(), 1, "{id}: plans once:\n{calls}");
                assert!(plans[0].contains("--detailed-exit-code"), "{id}: {}", plans[0]);
                let apply = calls.lines().filter(|l| l.starts_with("railway config apply --yes")).collect::<Vec<_>>();
                assert_eq!(apply.len(), usize::from(plan == 2), "{id} {case}: applies only a change:\n{calls}");
                for call in plans.iter().chain(&apply) {
                    assert!(call.contains(&format!("IMAGE_TAG={SHA}")), "{id}: with the commit's tag: {call}");
                    assert!(call.contains(&format!("DEPLOY_ENVIRONMENT={env} ")), "{id}: names {env}: {call}");
                    let cwd = call.rsplit("cwd=").next().unwrap_or_default();
                    assert!(Path::new(cwd).join(".railway/railway.ts").is_file(), "{id}: applied from {cwd}");
                }
                assert!(calls.contains("npm ci --prefix .railway"), "{id}: the SDK from its lock file");
                assert!(!calls.contains("railway up"), "{id}: nothing is rebuilt from source");
                // Every custom domain of the header is attached, to its port, with the real host.
                if plan != 1 {
                    for (service, host, port) in railway_domains(&project, env) {
                        let attached: Vec<&str> = calls
                            .lines()
                            .filter(|l| l.starts_with(&format!("railway domain {host} --service {service} ")))
                            .collect();
                        assert_eq!(attached.len(), 1, "{id} {case}: {host} is attached once:\n{calls}");
                        assert!(attached[0].contains(&format!("--port {port} ")), "{id}: {}", attached[0]);
                    }
                }
                let outputs = fs::read_to_string(sandbox.dir.join("temp/output")).unwrap_or_default();
                for (service, name, _) in &wanted {
                    // Only a deployment that succeeded is one to roll back to.
                    let live = if before == "SUCCESS" { format!("old-{service}") } else { String::new() };
                    assert!(
                        outputs.contains(&format!("previous_{name}={live}\n")),
                        "{id}: records the live deployment of {service} for the rollback:\n{outputs}"
                    );
                }
            }
        }
    }
}

/// Railway's rollback restores a deployment's image and variables
/// (<https://docs.railway.com/guides/deployment-actions#rollback>); the rollback step asks for
/// it through the public API with the project token, for the deployment recorded before, and
/// does nothing when the deploy never applied anything.
#[test]
fn railway_rollbacks_restore_the_recorded_deployments() {
    const CURL: &str = r#"echo "curl $*" >> "$STUB_STATE/calls"
if [ "${STUB_FAIL:-0}" = 1 ]; then echo '{"errors":[{"message":"Not Authorized"}]}'; else echo '{"data":{"deploymentRollback":true}}'; fi
"#;
    for project in projects(DeployTarget::Railway) {
        for (id, job) in deploy_jobs(&project) {
            let wanted = railway_wanted(deploy_step(&job));
            let step = job.steps.iter().find(|s| s.name == "Roll back").expect("a rollback");
            for (applied, fail) in [(true, false), (true, true), (false, false)] {
                let sandbox = Sandbox::new(&project, &format!("railway-rollback-{id}-{applied}-{fail}"));
                sandbox.stub("curl", CURL);
                let previous: Vec<(String, String)> = wanted
                    .iter()
                    .map(|(service, name, _)| (format!("PREVIOUS_{name}"), format!("dep-{service}")))
                    .collect();
                let mut values = stand_ins(step);
                for (name, deployment) in &previous {
                    values.insert(name, deployment.clone());
                }
                values.insert("APPLIED", if applied { "true" } else { "" }.into());
                values.insert("STUB_FAIL", if fail { "1" } else { "0" }.into());
                let (ok, log) = sandbox.run(step, &values);
                let calls = sandbox.state("calls");
                assert_eq!(ok, !fail, "{id} applied={applied} fail={fail}:\n{log}");
                if !applied {
                    assert!(calls.is_empty(), "{id}: nothing applied, nothing rolled back:\n{calls}");
                    continue;
                }
                for (service, _, _) in &wanted {
                    let call = calls.lines().find(|l| l.contains(&format!("\"id\":\"dep-{service}\"")));
                    let call = call.unwrap_or_else(|| panic!("{id}: {service} is not rolled back:\n{calls}"));
                    assert!(
                        call.contains("deploymentRollback")
                            && call.contains("Project-Access-Token: value-of-RAILWAY_TOKEN")
                    );
                }
                if fail {
                    assert!(log.contains("choose Rollback on that deployment"), "{id}: says what to do:\n{log}");
                }
            }
        }
    }
}

/// Render's API as the deploy script calls it: a deploy of an image-backed service takes
/// `imageUrl`; a deploy queued behind a running one is answered 202 without a body and shows up
/// in the service's deploy list (<https://api-docs.render.com/reference/create-deploy>). With
/// `$STUB_FLAKY` (an HTTP status), the first status request of each deploy is answered with it.
/// As curl does, `--fail-with-body` exits 22 on a status of 400 or more, and `--write-out`
/// appends what it names (here the status code) and exits 0.
const RENDER_STUB: &str = r#"method=GET data="" url="" write_out=""
while [ $# -gt 0 ]; do
  case $1 in
    --request) method=$2; shift ;;
    --data) data=$2; shift ;;
    --write-out) write_out=$2; shift ;;
    --header | --max-time) shift ;;
    http*) url=$1 ;;
  esac
  shift
done
service=$(echo "$url" | sed -E 's|.*/services/([^/]+)/.*|\1|')
echo "$method $url $data" >> "$STUB_STATE/calls"
code=200 body=""
case "$method $url" in
  "POST "*/deploys)
    touch "$STUB_STATE/posted-$service"
    if [ "${STUB_QUEUED:-0}" = 0 ]; then body='{"id":"dep-new"}'; else code=202; fi ;;
  "GET "*"deploys?status=live&limit=1")
    if [ "${STUB_FAIL_LIVE:-0}" = 1 ]; then body='{"message":"unauthorized"}'; code=401; else body='[{"deploy":{"id":"dep-old"}}]'; fi ;;
  "GET "*"deploys?limit=1")
    if [ -f "$STUB_STATE/posted-$service" ]; then body='[{"deploy":{"id":"dep-new"}}]'; else body='[{"deploy":{"id":"dep-old"}}]'; fi ;;
  "GET "*/deploys/dep-new)
    if [ -n "${STUB_FLAKY:-}" ] && [ ! -e "$STUB_STATE/flaked-$service" ]; then
      touch "$STUB_STATE/flaked-$service"; code=$STUB_FLAKY; body='{"message":"try again"}'
    else
      body="{\"status\":\"$STUB_OUTCOME\"}"
    fi ;;
  "POST "*/rollback) body='{"id":"dep-rollback"}' ;;
  "GET "*/deploys/dep-rollback) body="{\"status\":\"${STUB_ROLLBACK_OUTCOME:-live}\"}" ;;
  *) echo "unexpected call" >&2; exit 22 ;;
esac
printf '%s' "$body"
if [ -n "$write_out" ]; then printf '\n%s' "$code"; exit 0; fi
[ "$code" -lt 400 ] || exit 22
"#;

#[test]
fn render_deploys_run_the_pushed_image_and_wait_within_the_job() {
    for project in projects(DeployTarget::Render) {
        let valid = project.validate().expect("valid");
        for (id, job) in deploy_jobs(&project) {
            let step = deploy_step(&job);
            assert!(
                step.timeout_minutes.is_some_and(|m| m + 5 < job.timeout_minutes),
                "{id}: the wait ends before the job's timeout, so the rollback runs"
            );
            // A 503 or 429 while polling is asked again (Render rate-limits with 429:
            // <https://api-docs.render.com/reference/rate-limiting>); it does not fail the deploy.
            for (outcome, queued, flaky, succeeds) in [
                ("live", false, "", true),
                ("live", true, "", true),
                ("live", false, "503", true),
                ("live", true, "429", true),
                ("update_failed", false, "", false),
            ] {
                let sandbox = Sandbox::new(&project, &format!("render-{id}-{outcome}-{queued}-{flaky}"));
                sandbox.stub("curl", RENDER_STUB);
                sandbox.stub("sleep", "");
                let mut values = stand_ins(step);
                values.insert("STUB_OUTCOME", outcome.into());
                values.insert("STUB_QUEUED", if queued { "1" } else { "0" }.into());
                values.insert("STUB_FLAKY", flaky.into());
                let (ok, log) = sandbox.run(step, &values);
                assert_eq!(ok, succeeds, "{id} {outcome} queued={queued} flaky={flaky}:\n{log}");
                let calls = sandbox.state("calls");
                let posts: Vec<&str> = calls.lines().filter(|l| l.starts_with("POST")).collect();
                let stack = valid.stacks().iter().find(|s| format!("deploy-{}", s.env()) == id).expect("stack");
                let built =
                    stack.services().filter(|s| s.run != Run::Once && matches!(s.image, stack_dsl::Image::Build(_)));
                // A failed deploy stops the services that wait for it from being deployed.
                let expected = built.count();
                assert!(
                    posts.len() == expected || (!succeeds && (1..expected).contains(&posts.len())),
                    "{id}: one deploy per built service:\n{calls}"
                );
                for post in posts {
                    let image = post.split_once("{\"imageUrl\":\"").map(|(_, rest)| rest.trim_end_matches("\"}"));
                    let image = image.unwrap_or_else(|| panic!("{id}: deploys without the image: {post}"));
                    assert!(image.starts_with("ghcr.io/acme/") && image.contains(&format!(":{SHA}")), "{id}: {image}");
                }
                assert!(!calls.contains("commitId"), "{id}: never rebuilds from Git");
                if queued && succeeds {
                    assert!(calls.contains("/deploys/dep-new"), "{id}: awaits the queued deploy it found");
                }
            }
        }
    }
}

/// `ssh user@host CMD…` runs the joined words with the remote user's login shell; here the
/// "host" is a directory of the sandbox and the shell is sh (dash), `useradd`'s default
/// (<https://manpages.ubuntu.com/manpages/noble/man8/useradd.8.html>, SHELL in /etc/default/useradd).
/// The host does not see the runner's environment: the public hosts the step holds are dropped.
const SSH_STUB: &str = r#"while [ $# -gt 0 ] && [[ $1 != *@* ]]; do shift; done
shift
for name in $(env | grep -o '^PUBLIC_HOST_[A-Z0-9_]*'); do unset "$name"; done
exec sh -c "$*"
"#;

/// Docker as the remote script uses it: `login` writes its credential into `$DOCKER_CONFIG`;
/// `compose` is a CLI plugin, installed per user, found only in `$DOCKER_CONFIG/cli-plugins`
/// (<https://docs.docker.com/compose/install/linux/#install-the-plugin-manually>).
const DOCKER_STUB: &str = r#"echo "docker $*" >> "$STUB_STATE/calls"
# The public hosts Compose interpolates into the file, as `up` sees them.
if [ "$1" = compose ] && [[ " $* " == *" up "* ]]; then env | grep '^PUBLIC_HOST_' | sort >> "$STUB_STATE/public-hosts" || true; fi
if [ "$1" = compose ] && [ ! -e "${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins/docker-compose" ]; then
  echo "docker: 'compose' is not a docker command." >&2; exit 1
fi
case $1 in
  login)
    config=${DOCKER_CONFIG:-$HOME/.docker}
    mkdir -p "$config"; cat > "$config/config.json"; echo "$config" >> "$STUB_STATE/logins" ;;
  pull) if [ "${STUB_FAIL_PULL:-0}" = 1 ]; then exit 1; fi ;;
  tag) touch "$STUB_STATE/image.$3" ;;
  # The host holds an image it tagged, or one a test put there (`image.<name:tag>`).
  image) if [ "$2" = inspect ] && [ ! -e "$STUB_STATE/image.$3" ]; then exit 1; fi ;;
  network | volume) if [ "$2" = inspect ] && [ "${STUB_MISSING:-0}" = 1 ]; then exit 1; fi ;;
esac
"#;

/// Compose over SSH: every file the Compose file mounts reaches the host at its repository path
/// (Compose resolves bind mounts relative to the file, <https://docs.docker.com/reference/compose-file/services/#volumes>);
/// a one-shot job a service waits for runs once, under `up` (docker/compose PR 9572); the
/// registry credential lives in a temporary Docker config that is gone when the script ends,
/// even when the deploy fails.
#[test]
fn compose_deploys_copy_every_mounted_file_run_jobs_once_and_leave_no_credential() {
    for project in projects(DeployTarget::ComposeOverSsh) {
        let valid = project.validate().expect("valid");
        for (id, job) in deploy_jobs(&project) {
            let stack = valid.stacks().iter().find(|s| format!("deploy-{}", s.env()) == id).expect("stack");
            let step = deploy_step(&job);
            for fail in [false, true] {
                let (sandbox, host) = compose_host(&project, &format!("ssh-{id}-{fail}"));
                fs::write(host.join(format!("{}.env", stack.env())), "").unwrap();
                let mut values = stand_ins(step);
                values.insert("DEPLOY_PATH", host.display().to_string());
                values.insert("REGISTRY_USER", "dependabot[bot]".into());
                values.insert("STUB_FAIL_PULL", if fail { "1" } else { "0" }.into());
                let (ok, log) = sandbox.run(step, &values);
                assert_eq!(ok, !fail, "{id} (pull fails: {fail}):\n{log}");
                let logins = sandbox.state("logins");
                assert_eq!(logins.lines().count(), 1, "{id}: one login:\n{log}");
                for dir in logins.lines() {
                    assert!(!Path::new(dir).exists(), "{id}: the credential in {dir} outlives the deploy");
                }
                assert!(
                    !sandbox.dir.join("home/.docker/config.json").exists(),
                    "{id}: the host's own Docker config is untouched"
                );
                let calls = sandbox.state("calls");
                assert!(!calls.contains("value-of-REGISTRY_TOKEN"), "{id}: the token is never an argument");
                // The Compose file reads each placeholder route's real host from the environment
                // `up` runs in: the repository variable the step hands over.
                if !fail {
                    let seen = sandbox.state("public-hosts");
                    for (_, service) in emit::public_origin::placeholder_routes(stack) {
                        let name = emit::public_origin::variable(service);
                        assert!(
                            seen.contains(&format!("{name}={}\n", stand_in(&name))),
                            "{id}: up sees {name}:\n{seen}"
                        );
                    }
                }
                if fail {
                    continue;
                }
                for file in step.env["DEPLOY_FILES"].split_whitespace() {
                    assert!(host.join(file).is_file(), "{id}: {file} is not on the host");
                }
                // A docker compose run by hand on the host has the tag and public hosts only
                // from `.deploy.env`, which every compose command of the deploy reads too.
                let deployed = host.join(emit::compose::DEPLOY_ENV);
                let values = fs::read_to_string(&deployed).expect("the deploy writes .deploy.env");
                let tag = fs::read_to_string(host.join(".image-tag")).expect("the tag is recorded");
                let mut expected = vec![format!("IMAGE_TAG={}", tag.trim())];
                for (_, service) in emit::public_origin::placeholder_routes(stack) {
                    let name = emit::public_origin::variable(service);
                    expected.push(format!("{name}={}", stand_in(&name)));
                }
                let mut written: Vec<&str> = values.lines().collect();
                written.sort_unstable();
                expected.sort_unstable();
                assert_eq!(written, expected, "{id}: .deploy.env");
                use std::os::unix::fs::PermissionsExt;
                assert_eq!(
                    fs::metadata(&deployed).unwrap().permissions().mode() & 0o777,
                    0o600,
                    "{id}: .deploy.env is private"
                );
                let reads = format!("--env-file {}.env --env-file {}", stack.env(), emit::compose::DEPLOY_ENV);
                for call in calls.lines().filter(|l| l.starts_with("docker compose")) {
                    assert!(call.contains(&reads), "{id}: {call} does not read {reads}");
                }
                // The Compose file's header gives people on the host the same command.
                let file = step.env["DEPLOY_FILES"].split_whitespace().next().expect("the Compose file");
                let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file)).unwrap();
                let by_hand = format!("as: docker compose {reads} -f {file} <command>");
                assert!(
                    text.lines().take_while(|l| l.starts_with('#')).any(|l| l.contains(&by_hand)),
                    "{id}: the header lacks {by_hand}"
                );
                for script in [&step.run, &job.steps.iter().find(|s| s.name == "Roll back").expect("a rollback").run] {
                    let script = script.as_deref().unwrap_or_default();
                    for line in script.lines().filter(|l| l.trim_start().starts_with("docker compose ")) {
                        assert!(line.contains(&reads), "{id}: {line} does not read {reads}");
                    }
                }
                for dir in step.env["DEPLOY_DIRECTORIES"].split_whitespace() {
                    assert!(host.join(dir).is_dir(), "{id}: {dir} is not created on the host");
                }
                // One `up --wait`, and one more, without waiting, for services whose health check alerts.
                assert_eq!(
                    calls.lines().filter(|l| l.contains(" up ") && l.contains("--wait")).count(),
                    1,
                    "{id}: one up:\n{calls}"
                );
                for job in stack.services().filter(|s| s.run == Run::Once) {
                    let adopted = stack
                        .services()
                        .flat_map(|s| &s.depends_on)
                        .any(|d| d.ready == Ready::Completed && d.service.name() == job.name);
                    let runs =
                        calls.lines().filter(|l| l.contains(&format!(" run --rm --no-deps {}", job.name))).count();
                    assert_eq!(runs, usize::from(!adopted), "{id}: {} runs once:\n{calls}", job.name);
                }
            }
        }
    }
}

/// GHCR refuses upper-case names and GitHub owner names may have them; the step that names the
/// registry lower-cases the repository owner, unless the project names its namespace
/// (<https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry>).
#[test]
fn the_registry_is_the_lower_cased_repository_owner() {
    for project in stacks::all() {
        let Some(job) = deploy_jobs(&project).into_iter().next().map(|(_, job)| job) else { continue };
        let step = job.steps.iter().find(|s| s.name == "Name the registry").expect("the registry is named");
        let sandbox = Sandbox::new(&project, "registry");
        let env_file = sandbox.dir.join("temp/env");
        // A named namespace is the owner's own (checked by `a_named_registry_must_be_the_repository_owners`).
        let (owner, expected) = match &project.validate().expect("valid").pipeline().expect("a pipeline").registry {
            stack_dsl::Registry::RepositoryOwner => ("Acme-Org".to_string(), "ghcr.io/acme-org".to_string()),
            stack_dsl::Registry::Named(namespace) => {
                (namespace.trim_start_matches("ghcr.io/").to_uppercase(), namespace.clone())
            }
        };
        let values =
            BTreeMap::from([("GITHUB_REPOSITORY_OWNER", owner), ("GITHUB_ENV", env_file.display().to_string())]);
        let (ok, log) = sandbox.run(step, &values);
        assert!(ok, "{log}");
        assert_eq!(fs::read_to_string(env_file).unwrap(), format!("REGISTRY={expected}\n"), "{}", project.name());
    }
}

/// A secret or variable missing from the GitHub environment reads as an empty string
/// (<https://docs.github.com/en/actions/reference/workflows-and-actions/contexts#secrets-context>):
/// every deploy job stops before deploying and names each missing one.
#[test]
fn a_deploy_stops_before_anything_when_the_environment_lacks_a_setting() {
    for project in stacks::all() {
        for (id, job) in deploy_jobs(&project) {
            let check = job.steps.iter().position(|s| s.name == "Check the secrets and variables it reads");
            let deploy = job.steps.iter().position(|s| s.id.as_deref() == Some("deploy"));
            assert!(check.is_some() && check < deploy, "{} › {id}: checked before the deploy", project.name());
            let step = &job.steps[check.unwrap_or_default()];
            let sandbox = Sandbox::new(&project, &format!("settings-{id}"));
            let mut values = stand_ins(step);
            assert!(sandbox.run(step, &values).0, "{} › {id}: everything set", project.name());
            let names: Vec<&str> = values.keys().copied().collect();
            for name in [names[0], names[names.len() - 1]] {
                values.insert(name, String::new());
            }
            let (ok, log) = sandbox.run(step, &values);
            assert!(!ok, "{} › {id}: runs on without {names:?}", project.name());
            assert!(log.contains(names[0]) && log.contains(names[names.len() - 1]), "{id}: names them:\n{log}");
        }
    }
}

/// The image references a committed Render Blueprint names (`image.url`), in its projects'
/// environments (<https://render.com/docs/blueprint-spec#projects-and-environments>).
#[derive(serde::Deserialize)]
struct Blueprint {
    #[serde(default)]
    projects: Vec<BlueprintProject>,
}

#[derive(serde::Deserialize)]
struct BlueprintProject {
    environments: Vec<BlueprintEnvironment>,
}

#[derive(serde::Deserialize)]
struct BlueprintEnvironment {
    #[serde(default)]
    services: Vec<BlueprintService>,
}

#[derive(serde::Deserialize)]
struct BlueprintService {
    image: Option<BlueprintImage>,
}

#[derive(serde::Deserialize)]
struct BlueprintImage {
    url: String,
}

/// The image references at an environment tag that `project`'s committed files for `target`
/// name: Render's `image.url`, the Railway program's fallback when `IMAGE_TAG` is unset.
fn committed_environment_references(project: &Project, target: DeployTarget) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name());
    match target {
        DeployTarget::Render => {
            let text = fs::read_to_string(dir.join("render.yaml")).expect("render.yaml");
            let blueprint: Blueprint = serde_saphyr::from_str(&text).expect("parses");
            blueprint
                .projects
                .into_iter()
                .flat_map(|p| p.environments)
                .flat_map(|e| e.services)
                .filter_map(|s| s.image.map(|i| i.url))
                .collect()
        }
        DeployTarget::Railway => {
            let text = fs::read_to_string(dir.join(".railway/railway.ts")).expect("railway.ts");
            text.split("image(`")
                .skip(1)
                .filter_map(|rest| {
                    let (repository, rest) = rest.split_once(":${imageTag ?? \"")?;
                    let (tag, _) = rest.split_once('"')?;
                    Some(format!("{repository}:{tag}"))
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Render's Blueprint and the Railway program pull `<registry>/<image>:<env>` when they create a
/// service; before each deploy the job points that tag at the image it deploys (the commit's, or
/// the environment's variant of it), with a token that may push packages. The steps before the
/// deploy run here against a Docker stand-in that records the tags it is asked to create.
#[test]
fn render_and_railway_deploys_move_the_environment_tags_the_committed_files_name() {
    for target in [DeployTarget::Render, DeployTarget::Railway] {
        for project in projects(target) {
            let valid = project.validate().expect("valid");
            let registry = valid.pipeline().and_then(|p| p.registry.named()).expect("a named registry").to_string();
            let references = committed_environment_references(&project, target);
            for (id, job) in deploy_jobs(&project) {
                let env = id.trim_start_matches("deploy-");
                let sandbox = Sandbox::new(&project, &format!("tags-{id}"));
                sandbox.stub("docker", "echo \"docker $*\" >> \"$STUB_STATE/calls\"\n");
                assert_eq!(
                    job.permissions.get(&emit::actions::model::Scope::Packages),
                    Some(&emit::actions::model::Access::Write),
                    "{id}: moving a tag pushes to the registry"
                );
                let before_deploy = job.steps.iter().take_while(|s| s.id.as_deref() != Some("deploy"));
                for step in before_deploy.filter(|s| s.run.is_some()) {
                    let mut values = stand_ins(step);
                    values.insert("GITHUB_ENV", sandbox.dir.join("temp/env").display().to_string());
                    values.insert("REGISTRY", registry.clone());
                    values.insert("GITHUB_REPOSITORY_OWNER", registry.trim_start_matches("ghcr.io/").to_string());
                    let (ok, log) = sandbox.run(step, &values);
                    assert!(ok, "{id} {}:\n{log}", step.name);
                }
                let calls = sandbox.state("calls");
                let moved: BTreeMap<&str, &str> = calls
                    .lines()
                    .filter_map(|l| l.strip_prefix("docker buildx imagetools create --tag "))
                    .filter_map(|l| l.split_once(' '))
                    .collect();
                let here: Vec<&String> = references.iter().filter(|r| r.ends_with(&format!(":{env}"))).collect();
                assert!(
                    !here.is_empty(),
                    "{} {id}: the committed files name {env} tags: {references:?}",
                    project.name()
                );
                for reference in here {
                    let source = moved.get(reference.as_str());
                    let repository = reference.rsplit_once(':').map(|(r, _)| r).expect("tagged");
                    let deployed = [format!("{repository}:{SHA}"), format!("{repository}:{SHA}-{env}")];
                    assert!(
                        source.is_some_and(|s| deployed.iter().any(|d| d == s)),
                        "{id}: {reference} is pointed at the deployed image before the deploy:\n{calls}"
                    );
                }
            }
        }
    }
}

/// The workflow's `GITHUB_TOKEN` can push only to the repository owner's namespace
/// (<https://docs.github.com/en/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions>):
/// a project that names a namespace has every job that names the registry stop first, saying
/// why, when the repository's owner is another; the owner is compared lower-cased. The header
/// states the prerequisite.
#[test]
fn a_named_registry_must_be_the_repository_owners() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid");
        let Some(namespace) = valid.pipeline().and_then(|p| p.registry.named()).map(str::to_string) else { continue };
        let owner = namespace.trim_start_matches("ghcr.io/").to_string();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name());
        let text = fs::read_to_string(path.join(".github/workflows/deploy.yml")).expect("deploy.yml");
        let header: String = text.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join(" ");
        assert!(
            header.contains(&format!("the repository must belong to {owner}")),
            "{}: header: {header}",
            project.name()
        );
        let workflow: Workflow = serde_saphyr::from_str(&text).expect("parses");
        let mut checked = 0;
        for (id, job) in &workflow.jobs {
            let Some(position) = job.steps.iter().position(|s| s.name == "Name the registry") else { continue };
            let pushes =
                job.steps.iter().position(|s| s.uses.as_deref().is_some_and(|u| u.starts_with("docker/login-action@")));
            assert!(pushes.is_none_or(|p| position < p), "{id}: the registry is checked before logging in");
            let step = &job.steps[position];
            for (repository_owner, accepted) in [(owner.to_uppercase(), true), ("someone-else".to_string(), false)] {
                let sandbox = Sandbox::new(&project, &format!("registry-{id}-{accepted}"));
                let env_file = sandbox.dir.join("temp/env");
                let values = BTreeMap::from([
                    ("GITHUB_REPOSITORY_OWNER", repository_owner.clone()),
                    ("GITHUB_ENV", env_file.display().to_string()),
                ]);
                let (ok, log) = sandbox.run(step, &values);
                let written = fs::read_to_string(&env_file).unwrap_or_default();
                assert_eq!(ok, accepted, "{id} owner {repository_owner}:\n{log}");
                if accepted {
                    assert_eq!(written, format!("REGISTRY={namespace}\n"), "{id}");
                } else {
                    assert!(written.is_empty(), "{id}: names no registry it cannot push to");
                    assert!(
                        log.contains(&format!("::error::The pipeline pushes to {namespace}"))
                            && log.contains("ghcr.io/someone-else"),
                        "{id}: says why:\n{log}"
                    );
                }
            }
            checked += 1;
        }
        assert!(checked > 0, "{}: some job names the registry", project.name());
    }
}

/// A service that waits for another (`depends_on`: a worker for the api whose start runs the
/// migrations) is deployed on Render only once the other's deploy is live
/// (deploy statuses: <https://api-docs.render.com/reference/retrieve-deploy>).
#[test]
fn render_deploys_a_service_after_those_it_waits_for_are_live() {
    for project in projects(DeployTarget::Render) {
        let valid = project.validate().expect("valid");
        for (id, job) in deploy_jobs(&project) {
            let stack = valid.stacks().iter().find(|s| format!("deploy-{}", s.env()) == id).expect("stack");
            let step = deploy_step(&job);
            let sandbox = Sandbox::new(&project, &format!("render-order-{id}"));
            sandbox.stub("curl", RENDER_STUB);
            sandbox.stub("sleep", "");
            let mut values = stand_ins(step);
            values.insert("STUB_OUTCOME", "live".into());
            let (ok, log) = sandbox.run(step, &values);
            assert!(ok, "{id}:\n{log}");
            let calls = sandbox.state("calls");
            let lines: Vec<&str> = calls.lines().collect();
            let service_id =
                |name: &str| format!("/services/value-of-RENDER_SERVICE_{}/", name.to_uppercase().replace('-', "_"));
            let first = |prefix: &str, name: &str, suffix: &str| {
                lines.iter().position(|l| l.starts_with(prefix) && l.contains(&format!("{}{suffix}", service_id(name))))
            };
            let deployed = |name: &str| first("POST ", name, "deploys").is_some();
            let mut ordered = 0;
            for service in stack.services().filter(|s| deployed(&s.name)) {
                for dependency in service.depends_on.iter().filter(|d| deployed(d.service.name())) {
                    let live = first("GET ", dependency.service.name(), "deploys/dep-new");
                    let started = first("POST ", &service.name, "deploys");
                    assert!(
                        live.is_some() && live < started,
                        "{id}: {} is deployed before {} is live:\n{calls}",
                        service.name,
                        dependency.service.name()
                    );
                    ordered += 1;
                }
            }
            if project.name() == "anb" {
                assert!(ordered > 0, "anb's worker waits for its api");
            }
        }
    }
}

/// The deploy live before, which the rollback restores, is looked up before anything is
/// deployed; a failed lookup (`curl --fail-with-body` exits 22 on an HTTP error) stops the job
/// instead of recording no deploy to roll back to.
#[test]
fn render_stops_when_the_live_deploy_cannot_be_looked_up() {
    for project in projects(DeployTarget::Render) {
        for (id, job) in deploy_jobs(&project) {
            let step = deploy_step(&job);
            let sandbox = Sandbox::new(&project, &format!("render-live-{id}"));
            sandbox.stub("curl", RENDER_STUB);
            sandbox.stub("sleep", "");
            let mut values = stand_ins(step);
            values.insert("STUB_OUTCOME", "live".into());
            values.insert("STUB_FAIL_LIVE", "1".into());
            let (ok, log) = sandbox.run(step, &values);
            let calls = sandbox.state("calls");
            assert!(!ok, "{id}: a failed lookup fails the deploy:\n{log}");
            assert!(!calls.contains("POST"), "{id}: nothing is deployed without a rollback point:\n{calls}");
        }
    }
}

/// Render's rollback starts a new deploy of the earlier one (<https://render.com/docs/rollbacks>,
/// <https://api-docs.render.com/reference/rollback-deploy>): the rollback step awaits it like a
/// deploy and fails when it does not go live.
#[test]
fn render_rollbacks_are_awaited() {
    for project in projects(DeployTarget::Render) {
        for (id, job) in deploy_jobs(&project) {
            let step = job.steps.iter().find(|s| s.name == "Roll back").expect("a rollback");
            let services: Vec<&str> = step.env.keys().filter_map(|k| k.strip_prefix("TRIGGERED_")).collect();
            assert!(!services.is_empty(), "{id}: the rollback knows which services were deployed");
            for (outcome, succeeds) in [("live", true), ("update_failed", false)] {
                // The deploy stopped after asking for the first service only.
                let sandbox = Sandbox::new(&project, &format!("render-rollback-{id}-{outcome}"));
                sandbox.stub("curl", RENDER_STUB);
                sandbox.stub("sleep", "");
                let mut values = stand_ins(step);
                for name in step.env.keys().filter(|k| k.starts_with("PREVIOUS_")) {
                    values.insert(name.as_str(), "dep-old".into());
                }
                for (i, name) in step.env.keys().filter(|k| k.starts_with("TRIGGERED_")).enumerate() {
                    values.insert(name.as_str(), if i == 0 { "true" } else { "" }.into());
                }
                values.insert("STUB_ROLLBACK_OUTCOME", outcome.into());
                let (ok, log) = sandbox.run(step, &values);
                let calls = sandbox.state("calls");
                assert_eq!(ok, succeeds, "{id} {outcome}:\n{log}\n{calls}");
                assert!(calls.contains("/deploys/dep-rollback"), "{id}: the rollback deploy is awaited:\n{calls}");
                let rolled: Vec<&str> =
                    calls.lines().filter(|l| l.starts_with("POST") && l.contains("/rollback")).collect();
                assert_eq!(rolled.len(), 1, "{id}: only the service asked to deploy is rolled back:\n{calls}");
                assert!(
                    rolled[0].contains(&format!("/services/value-of-RENDER_SERVICE_{}/", services[0])),
                    "{id}: {}",
                    rolled[0]
                );
            }
        }
    }
}

/// ssh runs a remote command from the login directory, so a relative `DEPLOY_PATH` would land
/// the files wherever that is: the deploy stops before connecting and says why.
#[test]
fn compose_deploys_need_an_absolute_deploy_path() {
    for project in projects(DeployTarget::ComposeOverSsh) {
        for (id, job) in deploy_jobs(&project) {
            let step = deploy_step(&job);
            let sandbox = Sandbox::new(&project, &format!("ssh-path-{id}"));
            sandbox.stub("ssh", "echo \"ssh $*\" >> \"$STUB_STATE/calls\"\n");
            let mut values = stand_ins(step);
            values.insert("DEPLOY_PATH", "deploy/app".into());
            let (ok, log) = sandbox.run(step, &values);
            assert!(!ok && log.contains("must be an absolute path"), "{id}:\n{log}");
            assert!(sandbox.state("calls").is_empty(), "{id}: nothing reaches the host");
        }
    }
}

/// A failed Render or Railway deploy moves the environment tags back: the step that moves them
/// records the digest each named (`docker buildx imagetools inspect --format '{{json .Manifest}}'`,
/// <https://docs.docker.com/reference/cli/docker/buildx/imagetools/inspect/>), and the step run
/// on failure points each tag at that digest again; a tag this deploy created is reported.
#[test]
fn failed_deploys_move_the_environment_tags_back() {
    const DOCKER: &str = r#"echo "docker $*" >> "$STUB_STATE/calls"
if [ "$2 $3" = "imagetools inspect" ]; then
  if [ "${STUB_NEW_TAGS:-0}" = 1 ]; then echo "ERROR: $4: not found" >&2; exit 1; fi
  echo '{"schemaVersion":2,"digest":"sha256:before","manifests":[]}'
fi
"#;
    for target in [DeployTarget::Render, DeployTarget::Railway] {
        for project in projects(target) {
            for (id, job) in deploy_jobs(&project) {
                let env = id.trim_start_matches("deploy-");
                let tags = job.steps.iter().find(|s| s.id.as_deref() == Some("tags")).expect("a step moves the tags");
                let back = job.steps.iter().find(|s| s.name.ends_with("tags back")).expect("a step moves them back");
                let condition = back.condition.as_deref().unwrap_or_default();
                assert!(
                    condition.contains("failure()") && condition.contains("steps.tags.outcome"),
                    "{id}: {condition}"
                );
                for new_tags in [false, true] {
                    let sandbox = Sandbox::new(&project, &format!("tags-back-{id}-{new_tags}"));
                    sandbox.stub("docker", DOCKER);
                    let mut values = stand_ins(tags);
                    values.insert("STUB_NEW_TAGS", if new_tags { "1" } else { "0" }.into());
                    let (ok, log) = sandbox.run(tags, &values);
                    assert!(ok, "{id}:\n{log}");
                    let outputs = fs::read_to_string(sandbox.dir.join("temp/output")).unwrap_or_default();
                    let recorded: BTreeMap<String, String> = outputs
                        .lines()
                        .filter_map(|l| l.split_once('='))
                        .map(|(k, v)| (k.to_ascii_uppercase(), v.to_string()))
                        .collect();
                    let mut values = stand_ins(back);
                    for name in back.env.keys() {
                        let value =
                            recorded.get(name).unwrap_or_else(|| panic!("{id}: {name} is not recorded:\n{outputs}"));
                        values.insert(name.as_str(), value.clone());
                    }
                    let (ok, log) = sandbox.run(back, &values);
                    assert!(ok, "{id}:\n{log}");
                    let calls = sandbox.state("calls");
                    let created: Vec<&str> =
                        calls.lines().filter(|l| l.starts_with("docker buildx imagetools create")).collect();
                    let moved = created
                        .iter()
                        .filter(|l| l.rsplit(' ').next().is_some_and(|s| s.contains(&format!(":{SHA}"))))
                        .count();
                    let restored: Vec<&&str> = created.iter().filter(|l| l.contains("@sha256:before")).collect();
                    assert!(moved > 0, "{id}: the tags are moved:\n{calls}");
                    if new_tags {
                        assert!(restored.is_empty(), "{id}: nothing to restore:\n{calls}");
                        assert!(log.contains("was first pushed by this deploy"), "{id}:\n{log}");
                    } else {
                        assert_eq!(restored.len(), moved, "{id}: every moved tag is moved back:\n{calls}");
                        for line in restored {
                            assert!(line.contains(&format!(":{env} ")), "{id}: the {env} tag: {line}");
                        }
                    }
                }
            }
        }
    }
}

/// A Render Blueprint creates each service from its environment's tag
/// (<https://render.com/docs/deploying-an-image>), and the service ids the deploy needs exist
/// only once it is applied. So the first run, with no `RENDER_SERVICE_*` set, points the tags at
/// the commit's images, passes, and deploys nothing; with some ids set it stops; with all set it
/// deploys. The header gives the order: push, apply the Blueprint, set the ids.
#[test]
fn render_first_deploy_moves_the_tags_before_the_blueprint_exists() {
    for project in projects(DeployTarget::Render) {
        let valid = project.validate().expect("valid");
        let registry = valid.pipeline().and_then(|p| p.registry.named()).expect("a named registry").to_string();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name());
        let header = fs::read_to_string(path.join(".github/workflows/deploy.yml")).expect("deploy.yml");
        for (id, job) in deploy_jobs(&project) {
            let env = id.trim_start_matches("deploy-");
            let first =
                header.lines().find(|l| l.contains(&format!("First deploy of {env} on Render"))).expect("order");
            let (push, apply, set) =
                (first.find("push"), first.find("apply render.yaml"), first.find("set each RENDER_SERVICE_"));
            assert!(push < apply && apply < set && push.is_some(), "{id}: push, apply, set ids: {first}");
            for (ids, passes, deploys) in [("none", true, "false"), ("some", false, ""), ("all", true, "true")] {
                let sandbox = Sandbox::new(&project, &format!("first-{id}-{ids}"));
                sandbox.stub("docker", "echo \"docker $*\" >> \"$STUB_STATE/calls\"\n");
                let mut passed = true;
                for step in
                    job.steps.iter().take_while(|s| s.id.as_deref() != Some("deploy")).filter(|s| s.run.is_some())
                {
                    let mut values = stand_ins(step);
                    values.insert("GITHUB_ENV", sandbox.dir.join("temp/env").display().to_string());
                    values.insert("REGISTRY", registry.clone());
                    values.insert("GITHUB_REPOSITORY_OWNER", registry.trim_start_matches("ghcr.io/").to_string());
                    let service_ids: Vec<&str> =
                        values.keys().copied().filter(|k| k.starts_with("RENDER_SERVICE_")).collect();
                    let unset = match ids {
                        "none" => service_ids.len(),
                        "some" => 1,
                        _ => 0,
                    };
                    for name in service_ids.into_iter().take(unset) {
                        values.insert(name, String::new());
                    }
                    let (ok, log) = sandbox.run(step, &values);
                    passed &= ok;
                    if !ok {
                        assert!(log.contains("RENDER_SERVICE_"), "{id} {}: names the unset ids:\n{log}", step.name);
                        break;
                    }
                }
                assert_eq!(passed, passes, "{id}: ids {ids}");
                let calls = sandbox.state("calls");
                assert!(calls.contains("imagetools create --tag"), "{id} ids {ids}: the tags move first:\n{calls}");
                let output = fs::read_to_string(sandbox.dir.join("temp/output")).unwrap_or_default();
                if passes {
                    assert!(output.contains(&format!("deploy={deploys}")), "{id} ids {ids}: {output}");
                }
            }
            let check = job.steps.iter().find(|s| s.name == "Check the secrets and variables it reads").expect("check");
            let gated = format!("steps.{}.outputs.deploy == 'true'", check.id.as_deref().expect("an id"));
            for step in job.steps.iter().filter(|s| s.id.as_deref() == Some("deploy") || s.name.starts_with("Smoke")) {
                assert_eq!(step.condition.as_deref(), Some(gated.as_str()), "{id}: {} waits for the ids", step.name);
            }
        }
    }
}

/// Public hosts are repository variables (the image job, which runs in no environment, reads
/// them too); platform credentials live in each environment. A check that finds one unset says
/// where to set it.
#[test]
fn a_missing_setting_is_named_with_the_place_it_is_set() {
    for project in stacks::all() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name());
        let Ok(text) = fs::read_to_string(path.join(".github/workflows/deploy.yml")) else { continue };
        let workflow: Workflow = serde_saphyr::from_str(&text).expect("parses");
        for (id, job) in &workflow.jobs {
            let Some(check) = job.steps.iter().find(|s| s.name == "Check the secrets and variables it reads") else {
                continue;
            };
            let sandbox = Sandbox::new(&project, &format!("place-{id}"));
            for (name, reference) in &check.env {
                let mut values = stand_ins(check);
                values.insert(name, String::new());
                let (ok, log) = sandbox.run(check, &values);
                assert!(!ok || name.starts_with("RENDER_SERVICE_"), "{id}: runs on without {name}");
                let Some(line) = log.lines().find(|l| l.contains("::error::") && l.contains(name.as_str())) else {
                    assert!(ok, "{id}: names {name}:\n{log}");
                    continue;
                };
                let place = if reference.contains("vars.PUBLIC_HOST_") {
                    "the repository's variables".to_string()
                } else {
                    format!("the {} environment", id.trim_start_matches("deploy-"))
                };
                assert!(line.contains(&place), "{} › {id}: {name} is set in {place}: {line}", project.name());
            }
        }
    }
}

/// A sandbox with the SSH and Docker stand-ins, Compose installed for the deploy user only, and the
/// "host" directory it deploys to.
fn compose_host(project: &Project, case: &str) -> (Sandbox, PathBuf) {
    let sandbox = Sandbox::new(project, case);
    sandbox.stub("ssh", SSH_STUB);
    sandbox.stub("docker", DOCKER_STUB);
    let host = sandbox.dir.join("host");
    fs::create_dir_all(&host).unwrap();
    let plugins = sandbox.dir.join("home/.docker/cli-plugins");
    fs::create_dir_all(&plugins).unwrap();
    fs::write(plugins.join("docker-compose"), "").unwrap();
    (sandbox, host)
}

/// Compose does not create external networks and volumes, and `--env-file` fails on a missing
/// file (<https://docs.docker.com/reference/compose-file/networks/#external>): a first deploy to
/// a host without them stops before pulling anything, naming each with the command that makes it.
#[test]
fn compose_deploys_check_the_host_before_pulling() {
    for project in projects(DeployTarget::ComposeOverSsh) {
        let valid = project.validate().expect("valid");
        for (id, job) in deploy_jobs(&project) {
            let stack = valid.stacks().iter().find(|s| format!("deploy-{}", s.env()) == id).expect("stack");
            let step = deploy_step(&job);
            let (sandbox, host) = compose_host(&project, &format!("ssh-host-{id}"));
            let mut values = stand_ins(step);
            values.insert("DEPLOY_PATH", host.display().to_string());
            values.insert("STUB_MISSING", "1".into());
            let (ok, log) = sandbox.run(step, &values);
            assert!(!ok, "{id}: deploys to a host without its env file:\n{log}");
            let calls = sandbox.state("calls");
            assert!(!calls.contains("docker pull") && !calls.contains(" up "), "{id}: stops before pulling:\n{calls}");
            let mut expected = vec![format!("{}.env", stack.env())];
            expected.extend(
                stack.networks.iter().filter(|n| n.external).map(|n| format!("docker network create {}", n.name)),
            );
            expected.extend(
                stack
                    .volumes
                    .iter()
                    .filter(|v| v.kind == stack_dsl::VolumeKind::External)
                    .map(|v| format!("docker volume create {}", v.name)),
            );
            for what in expected {
                assert!(
                    log.lines().any(|l| l.starts_with("::error::") && l.contains(&what)),
                    "{id}: names {what}:\n{log}"
                );
            }
        }
    }
}

/// A deploy directory missing on the host stops the first step that enters it, saying what to
/// create, before any file is copied or image pulled.
#[test]
fn compose_deploys_name_a_missing_deploy_directory() {
    for project in projects(DeployTarget::ComposeOverSsh) {
        for (id, job) in deploy_jobs(&project) {
            let step = deploy_step(&job);
            let (sandbox, host) = compose_host(&project, &format!("ssh-no-dir-{id}"));
            let missing = host.join("not-created");
            let mut values = stand_ins(step);
            values.insert("DEPLOY_PATH", missing.display().to_string());
            let (ok, log) = sandbox.run(step, &values);
            assert!(!ok, "{id}: deploys into a directory that does not exist:\n{log}");
            assert!(
                log.contains(&format!("The deploy directory {} does not exist on the host", missing.display())),
                "{id}: names the directory:\n{log}"
            );
            assert!(!missing.exists(), "{id}: nothing is copied:\n{log}");
            assert!(!sandbox.state("calls").contains("docker pull"), "{id}: nothing is pulled");
        }
    }
}

/// The rollback restores the Compose files of the deploy it names: the tag it runs again is read
/// in the same remote step that keeps the host's copies, so when keeping them fails (a full disk)
/// no tag is recorded and the rollback does not unpack the copies of the deploy two back.
#[test]
fn compose_rollbacks_restore_the_files_of_the_tag_they_run() {
    for project in projects(DeployTarget::ComposeOverSsh) {
        for (id, job) in deploy_jobs(&project) {
            let deploy = deploy_step(&job);
            let rollback = job.steps.iter().find(|s| s.name == "Roll back").expect("a rollback");
            for backup_fails in [false, true] {
                let (sandbox, host) = compose_host(&project, &format!("ssh-backup-{id}-{backup_fails}"));
                if backup_fails {
                    // Creating the host's backup fails; every other tar runs.
                    sandbox.stub(
                        "tar",
                        "if [ \"$1\" = -cf ] && [[ $2 == .previous.tar* ]]; then echo 'tar: No space left on device' >&2; exit 1; fi\n\
                         exec \"$(type -P -a tar | sed -n 2p)\" \"$@\"\n",
                    );
                }
                let env = id.trim_start_matches("deploy-");
                fs::write(host.join(format!("{env}.env")), "").unwrap();
                // The host runs the deploy before (feedface); its backup holds the deploy before that.
                let files = deploy.env.get("DEPLOY_FILES").expect("DEPLOY_FILES");
                let file = files.split(' ').next().expect("the Compose file").to_string();
                let live = host.join(&file);
                fs::create_dir_all(live.parent().expect("parent")).unwrap();
                fs::write(&live, "older\n").unwrap();
                let packed = Command::new("tar").arg("-cf").arg(".previous.tar").arg(&file).current_dir(&host).status();
                assert!(packed.expect("tar runs").success());
                fs::write(&live, "feedface\n").unwrap();
                fs::write(host.join(".image-tag"), "feedface\n").unwrap();

                let mut values = stand_ins(deploy);
                values.insert("DEPLOY_PATH", host.display().to_string());
                values.insert("REGISTRY_USER", "dependabot[bot]".into());
                let (ok, log) = sandbox.run(deploy, &values);
                assert_eq!(ok, !backup_fails, "{id} backup fails: {backup_fails}:\n{log}");
                let outputs = fs::read_to_string(sandbox.dir.join("temp/output")).unwrap_or_default();
                let previous =
                    outputs.lines().find_map(|l| l.strip_prefix("previous=")).unwrap_or_default().to_string();
                if !backup_fails {
                    assert_eq!(previous, "feedface", "{id}: records the tag the host ran:\n{outputs}");
                }

                // The rollback, as after a later step of this deploy failed.
                let mut values = stand_ins(rollback);
                values.insert("DEPLOY_PATH", host.display().to_string());
                values.insert("REGISTRY_USER", "dependabot[bot]".into());
                values.insert("PREVIOUS", previous.clone());
                let (_, log) = sandbox.run(rollback, &values);
                assert_eq!(
                    fs::read_to_string(&live).unwrap(),
                    "feedface\n",
                    "{id} backup fails: {backup_fails}: the rollback to {previous:?} left another deploy's Compose file:\n{log}"
                );
            }
        }
    }
}

/// The rollback runs the images of the deploy before, which an image prune may have removed
/// from the host since: it logs in and pulls them, as the deploy does, before `up`, and leaves
/// no credential behind. An image the host still holds is not pulled: the rollback then works
/// while the registry does not.
#[test]
fn compose_rollbacks_pull_the_previous_images() {
    for project in projects(DeployTarget::ComposeOverSsh) {
        for (id, job) in deploy_jobs(&project) {
            let step = job.steps.iter().find(|s| s.name == "Roll back").expect("a rollback");
            let (sandbox, host) = compose_host(&project, &format!("ssh-rollback-{id}"));
            let mut values = stand_ins(step);
            values.insert("DEPLOY_PATH", host.display().to_string());
            values.insert("PREVIOUS", "feedface".into());
            values.insert("REGISTRY_USER", "dependabot[bot]".into());
            let (ok, log) = sandbox.run(step, &values);
            assert!(ok, "{id}:\n{log}");
            let calls = sandbox.state("calls");
            let lines: Vec<&str> = calls.lines().collect();
            let login = lines.iter().position(|l| l.starts_with("docker login"));
            let pull = lines.iter().position(|l| l.starts_with("docker pull ghcr.io/acme/") && l.contains(":feedface"));
            let up = lines.iter().position(|l| l.contains(" up "));
            assert!(login.is_some() && login < pull && pull < up, "{id}: login, pull, then up:\n{calls}");
            for dir in sandbox.state("logins").lines() {
                assert!(!Path::new(dir).exists(), "{id}: the credential in {dir} outlives the rollback");
            }
            assert!(!calls.contains("value-of-REGISTRY_TOKEN"), "{id}: the token is never an argument");

            // The host still holds the previous images, and the registry is down.
            let (sandbox, host) = compose_host(&project, &format!("ssh-rollback-local-{id}"));
            for line in step.run.as_deref().unwrap_or_default().lines() {
                if let Some(name) =
                    line.trim().strip_prefix("if ! docker image inspect \"").and_then(|r| r.split(':').next())
                {
                    fs::write(sandbox.state_path(&format!("image.{name}:feedface")), "").unwrap();
                }
            }
            values.insert("DEPLOY_PATH", host.display().to_string());
            values.insert("STUB_FAIL_PULL", "1".into());
            let (ok, log) = sandbox.run(step, &values);
            assert!(ok, "{id}: a rollback to images the host holds needs no registry:\n{log}");
            assert!(!sandbox.state("calls").contains("docker pull"), "{id}: pulled an image the host holds");
        }
    }
}

/// Railway keeps a `preserve()` variable as it is set on the service, and a service the apply
/// creates has none; the SDK's `ctx.randomString` is a hash of the environment and a label
/// (npm `railway` 3.11, `dist/index.js`), no secret. So the deploy checks every preserved
/// secret of the program after applying and names each unset one, without printing a value.
#[test]
fn railway_deploys_stop_on_an_unset_preserved_secret() {
    for project in projects(DeployTarget::Railway) {
        let program = fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name()).join(".railway/railway.ts"),
        )
        .expect("railway.ts");
        for (id, job) in deploy_jobs(&project) {
            let step = deploy_step(&job);
            let preserved = railway_preserved(step);
            assert_eq!(
                !preserved.is_empty(),
                program.contains("preserve()"),
                "{id}: the step checks the program's preserved secrets"
            );
            let sandbox = railway_sandbox(&project, &format!("railway-secrets-{id}"), step);
            let mut values = stand_ins(step);
            values.insert("STUB_OUTCOME", "SUCCESS".into());
            values.insert("STUB_UNSET", "1".into());
            let (ok, log) = sandbox.run(step, &values);
            assert_eq!(ok, preserved.is_empty(), "{id}: deploys with unset secrets:\n{log}");
            for (service, key) in &preserved {
                assert!(
                    log.lines().any(|l| l.starts_with("::error::Set ") && l.contains(key) && l.contains(service)),
                    "{id}: names {key} of {service}:\n{log}"
                );
            }
            assert!(!log.contains("secret-value"), "{id}: prints no value:\n{log}");
        }
    }
}

/// `railway variable list --json` lists a sealed variable with the value null (CLI 5.63.1): a
/// sealed preserved secret is set, and the deploy goes on. A `config apply` refused for
/// destructive changes (a variable set outside the program is a planned deletion) stops the
/// deploy with a message that says why and what to do.
#[test]
fn railway_deploys_take_sealed_secrets_as_set_and_explain_a_refused_apply() {
    for project in projects(DeployTarget::Railway) {
        for (id, job) in deploy_jobs(&project) {
            let step = deploy_step(&job);
            let wanted = railway_wanted(step);
            for destructive in [false, true] {
                let sandbox = Sandbox::new(&project, &format!("railway-sealed-{id}-{destructive}"));
                sandbox.stub("npm", RAILWAY_STUB);
                sandbox.stub("sleep", "");
                for (service, _, image) in &wanted {
                    fs::write(sandbox.dir.join("state").join(service), format!("old-{service} SUCCESS {image}\n"))
                        .unwrap();
                    fs::write(sandbox.dir.join("state").join(format!("image-{service}")), image).unwrap();
                }
                let mut values = stand_ins(step);
                values.insert("STUB_OUTCOME", "SUCCESS".into());
                values.insert("STUB_SEALED", "1".into());
                values.insert("STUB_DESTRUCTIVE", if destructive { "1" } else { "0" }.into());
                values.insert(
                    "STUB_SECRETS",
                    railway_preserved(step).into_iter().map(|(_, key)| key).collect::<Vec<_>>().join(" "),
                );
                let (ok, log) = sandbox.run(step, &values);
                assert_eq!(ok, !destructive, "{id} destructive={destructive}:\n{log}");
                assert!(!log.contains("::error::Set "), "{id}: a sealed secret is set:\n{log}");
                if destructive {
                    assert!(
                        log.contains("--confirm-destructive") && log.contains("preserve()"),
                        "{id}: says why apply stopped:\n{log}"
                    );
                }
            }
        }
    }
}

/// A custom domain attached by the deploy answers only once its DNS points at Railway and the
/// certificate is issued (`railway domain status --json`: `verification.verified`,
/// `certificate.status`, CLI 5.63.1 `src/commands/domain.rs`): the smoke test calls a ready host
/// and skips, with a warning naming it, one that is not.
#[test]
fn railway_smoke_tests_call_only_ready_custom_domains() {
    for project in projects(DeployTarget::Railway) {
        for (id, job) in deploy_jobs(&project) {
            let Some(step) = job.steps.iter().find(|s| s.name.starts_with("Smoke-test")) else { continue };
            let urls = step.run.as_deref().unwrap_or_default().lines().filter(|l| l.contains("curl --fail")).count();
            for ready in [false, true] {
                let sandbox = Sandbox::new(&project, &format!("railway-smoke-{id}-{ready}"));
                sandbox.stub("npm", RAILWAY_STUB);
                sandbox.stub("curl", "echo \"curl ${*: -1}\" >> \"$STUB_STATE/calls\"\n");
                let mut values = stand_ins(step);
                values.insert("STUB_DOMAIN_READY", if ready { "1" } else { "0" }.into());
                let (ok, log) = sandbox.run(step, &values);
                assert!(ok, "{id} ready={ready}:\n{log}");
                let calls = sandbox.state("calls");
                let curls: Vec<&str> = calls.lines().filter(|l| l.starts_with("curl ")).collect();
                assert_eq!(curls.len(), if ready { urls } else { 0 }, "{id} ready={ready}:\n{calls}");
                let asked =
                    calls.lines().filter(|l| l.starts_with("railway domain status value-of-public-host-")).count();
                assert_eq!(asked, urls, "{id}: asks Railway about each host:\n{calls}");
                let warned =
                    log.lines().filter(|l| l.starts_with("::warning::") && l.contains("not smoke-tested")).count();
                assert_eq!(warned, if ready { 0 } else { urls }, "{id} ready={ready}:\n{log}");
            }
        }
    }
}

/// A project deploying to Railway whose API and worker share a secret, which the program reads
/// as the shared variable `ctx.shared.JWT_KEY`: the environment holds it, not a service.
fn sharing_project() -> Project {
    use stack_dsl::{Env, Image, Pipeline, Port, Secret, Service, Stack};
    Project::new("sharing", [Env::Dev, Env::Production], |_| {
        let mut stack = Stack::new("sharing");
        let key = stack.add_secret(Secret::new("JWT_KEY").describe("Signs session tokens: any long random string."));
        let dsn = stack.add_secret(Secret::new("SENTRY_DSN").describe("Sentry DSN.").optional());
        let stripe = stack.add_secret(Secret::new("STRIPE_KEY").describe("Stripe secret key."));
        let datadog = stack.add_secret(Secret::new("DD_API_KEY").describe("Datadog API key.").optional());
        stack.add_service(
            Service::new("api", Image::build("api"))
                .port(Port::http(8000))
                .env("JWT_KEY", &key)
                .env("SENTRY_DSN", &dsn)
                .env("STRIPE_KEY", &stripe),
        );
        stack.add_service(
            Service::new("worker", Image::build("api"))
                .env("SIGNING_KEY", &key)
                .env("SENTRY_DSN", &dsn)
                .env("DD_API_KEY", &datadog),
        );
        stack
    })
    .pipeline(Pipeline::new(DeployTarget::Railway).registry("ghcr.io/acme"))
}

/// `ctx.shared.NAME` points at a shared variable the environment must already hold; neither the
/// program nor `railway config apply` creates or checks it
/// (<https://docs.railway.com/infrastructure-as-code/reference#environment-variables>). The
/// deploy checks it where a service reads it and, unset, names the shared variable and where
/// to create it; set, the deploy goes on. An optional secret (`Secret::optional`), shared or
/// preserved, may stay unset.
#[test]
fn railway_deploys_stop_on_an_unset_shared_variable() {
    let project = sharing_project();
    let valid = project.validate().expect("valid");
    let out = Path::new("golden").join(project.name());
    let bundle = emit::render(&valid, &emit::Options::for_output_dir(&out).expect("options")).expect("renders");
    let program = bundle.files().iter().find(|f| f.path.ends_with(".railway/railway.ts")).expect("a program");
    assert!(program.contents.contains("ctx.shared.JWT_KEY"), "{}", program.contents);
    let workflow =
        bundle.files().iter().find(|f| f.path.ends_with(".github/workflows/deploy.yml")).expect("deploy.yml");
    let workflow: Workflow = serde_saphyr::from_str(&workflow.contents).expect("parses");
    let jobs: Vec<(String, Job)> = workflow.jobs.into_iter().filter(|(id, _)| id.starts_with("deploy-")).collect();
    assert!(!jobs.is_empty());
    for (id, job) in jobs {
        let step = deploy_step(&job);
        let checked = railway_preserved(step);
        assert!(
            checked.iter().any(|(_, key)| key == "JWT_KEY" || key == "SIGNING_KEY"),
            "{id}: checks it: {checked:?}"
        );
        assert!(program.contents.contains("ctx.shared.SENTRY_DSN"), "{}", program.contents);
        assert!(program.contents.contains("DD_API_KEY: preserve()"), "{}", program.contents);
        assert!(checked.contains(&("api".into(), "STRIPE_KEY".into())), "{id}: checks a preserved one: {checked:?}");
        for optional in ["SENTRY_DSN", "DD_API_KEY"] {
            assert!(!checked.iter().any(|(_, key)| key == optional), "{id}: an optional {optional} may stay unset");
        }
        for unset in [true, false] {
            let sandbox = railway_sandbox(&project, &format!("railway-shared-{id}-{unset}"), step);
            let mut values = stand_ins(step);
            values.insert("STUB_OUTCOME", "SUCCESS".into());
            values.insert("STUB_UNSET", if unset { "1" } else { "0" }.into());
            values.insert("STUB_SECRETS", checked.iter().map(|(_, key)| key.as_str()).collect::<Vec<_>>().join(" "));
            let (ok, log) = sandbox.run(step, &values);
            assert_eq!(ok, !unset, "{id} unset={unset}:\n{log}");
            if unset {
                assert!(
                    log.lines().any(|l| l.starts_with("::error::Create the shared variable JWT_KEY in ")
                        && l.contains("Project Settings › Shared Variables")),
                    "{id}: names the shared variable and where to create it:\n{log}"
                );
            }
            assert!(!log.contains("secret-value"), "{id}: prints no value:\n{log}");
        }
    }
}

/// A health check that alerts (WiseBet's certbot, unhealthy two weeks before its certificate
/// ends) is never awaited by a deploy's `up --wait`, which would fail the deploy and its rollback
/// on a monitoring alert: the service is started by an `up` of its own, without `--wait`.
#[test]
fn compose_deploys_do_not_wait_for_alerting_health_checks() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid");
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../golden")
            .join(project.name())
            .join(".github/workflows/deploy.yml");
        let Ok(workflow) = std::fs::read_to_string(&path) else { continue };
        for stack in valid.stacks() {
            let alerting: Vec<&str> = stack
                .services()
                .filter(|s| s.healthcheck.as_ref().is_some_and(|p| p.alerts.is_some()))
                .map(|s| s.name.as_str())
                .collect();
            let file = emit::layout::compose_file(stack.env());
            for line in workflow.lines().filter(|l| l.contains(&file) && l.contains(" up --detach")) {
                let services: Vec<&str> =
                    line.split_whitespace().skip_while(|w| !w.starts_with("--remove-orphans")).collect();
                for name in &alerting {
                    if line.contains("--wait") {
                        // Without a list of services, `up --wait` awaits every one.
                        assert!(
                            services.len() > 1 && !services.contains(name),
                            "{}: {name} is awaited: {line}",
                            project.name()
                        );
                    } else {
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 0, "no team stack deploys a service whose health check alerts");
}
