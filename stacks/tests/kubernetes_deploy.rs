//! The Kubernetes deploy and rollback scripts of the golden `deploy.yml` files, run with bash
//! against a stand-in `kubectl` that answers from a scripted cluster state and logs every call.
//! Checked: migrations complete before the services that need them are applied, a failed or
//! hung migration stops the deploy within a bounded number of looks, and a rollback undoes only
//! what this deploy changed (nothing on a first deploy).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use emit::actions::model::Workflow;
use stack_dsl::{DeployTarget, Ready, Run, ValidStack};

/// A `kubectl` that logs its arguments to `$FAKE/log` and answers from files under `$FAKE`:
/// `existing` (`Kind namespace name` lines, what `get -f` lists), `state/<type>.<name>` (what a
/// jsonpath or JSON `get` prints), `secret/<key>` (the Secret's keys and values), `missing-secret.<name>` (that Secret does not exist), `after-apply/` (copied over `state/`, `existing-after` over
/// `existing`, on every apply of the manifests) and `fail-rollout` (rollout status fails, of the workload it names or of any).
/// The files beside the last kustomized overlay's `kustomization.yaml` are what it generates
/// ConfigMaps from: each apply of the manifests copies them to `configmap/`, where a jsonpath
/// `get configmap` reads its key (nothing, as with `--ignore-not-found`, before the first).
/// `replace -f -` appends the object it receives to `replaced`.
const FAKE_KUBECTL: &str = r#"#!/usr/bin/env bash
echo "kubectl $*" >> "$FAKE/log"
case $1 in
  version) echo "{\"clientVersion\": {\"gitVersion\": \"$KUBECTL_VERSION\"}}" ;;
  kustomize) echo "${@: -1}" > "$FAKE/overlay"; echo "kind: List" ;;
  replace) cat >> "$FAKE/replaced"; echo >> "$FAKE/replaced" ;;
  apply)
    case "$*" in *manifests.yaml*) ;; *) exit 0 ;; esac
    if [ -f "$FAKE/overlay" ]; then
      mkdir -p "$FAKE/configmap"
      for file in "$(cat "$FAKE/overlay")"/*; do
        case $file in */kustomization.yaml) ;; *) cp "$file" "$FAKE/configmap/" ;; esac
      done
    fi
    if [ -d "$FAKE/after-apply" ]; then cp -r "$FAKE/after-apply/." "$FAKE/state/"; fi
    if [ -f "$FAKE/existing-after" ]; then cp "$FAKE/existing-after" "$FAKE/existing"; fi ;;
  get)
    if [ "$2" = -f ]; then cat "$FAKE/existing"; exit 0; fi
    if [ "$2" = configmap ]; then
      all="$*"; key=${all##*jsonpath=\{.data.}; key=${key%%\}*}
      if [ -f "$FAKE/configmap/$key" ]; then cat "$FAKE/configmap/$key"; fi
      exit 0
    fi
    if [ "$2" = secret ]; then
      [ -d "$FAKE/secret" ] || exit 1
      [ -f "$FAKE/missing-secret.$3" ] && exit 1
      case "$*" in
        *jsonpath=*) all="$*"; key=${all##*jsonpath=\{.data.}; cat "$FAKE/secret/${key%%\}*}" ;;
        *) ls "$FAKE/secret" ;;
      esac
      exit 0
    fi
    case $2 in */*) file="$FAKE/state/${2//\//.}" ;; *) file="$FAKE/state/$2.$3" ;; esac
    if [ -f "$file" ]; then cat "$file"; else exit 1; fi ;;
  rollout)
    if [ "$2" = status ] && [ -f "$FAKE/fail-rollout" ]; then
      only=$(cat "$FAKE/fail-rollout")
      if [ -z "$only" ] || [ "$3" = "$only" ]; then exit 1; fi
    fi ;;
esac
exit 0
"#;

/// A `docker` whose `buildx imagetools inspect <reference>` reports a digest made from the
/// reference and the contents of `$FAKE/registry-generation`, so a test can move a tag.
const FAKE_DOCKER: &str = r#"#!/usr/bin/env bash
echo "docker $*" >> "$FAKE/log"
generation=$(cat "$FAKE/registry-generation" 2> /dev/null || true)
printf '{"digest": "sha256:%s"}\n' "$(printf '%s %s' "$4" "$generation" | sha256sum | cut -c1-64)"
"#;

/// The deploy and rollback scripts of the environment `env` of the Kubernetes pipeline.
struct Scripts {
    stack: ValidStack,
    deploy: String,
    rollback: String,
    /// The prune, a step of its own after the smoke test.
    prune: String,
}

fn kubernetes_pipelines() -> Vec<Scripts> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let mut found = Vec::new();
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        if valid.pipeline().map(|p| p.target) != Some(DeployTarget::Kubernetes) {
            continue;
        }
        let path = root.join("golden").join(project.name()).join(".github/workflows/deploy.yml");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let workflow: Workflow = serde_saphyr::from_str(&text).expect("a workflow");
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            let job = &workflow.jobs[&format!("deploy-{}", stack.env())];
            let run = |id: Option<&str>, name: &str| {
                job.steps
                    .iter()
                    .find(|s| id.map_or(s.name == name, |id| s.id.as_deref() == Some(id)))
                    .and_then(|s| s.run.clone())
                    .unwrap_or_else(|| panic!("{}: no {name} step", project.name()))
            };
            // The prune runs only once the smoke test passed, and before the rollback step
            // (which runs only on failure), so a rollback still finds the previous revision's
            // ConfigMaps and Jobs.
            let position = |prefix: &str| job.steps.iter().position(|s| s.name.starts_with(prefix));
            let prune_at = position("Prune what").expect("a prune step");
            assert!(position("Smoke").is_none_or(|smoke| smoke < prune_at), "{}: prune before smoke", project.name());
            assert!(prune_at < position("Roll back").expect("a rollback"), "{}", project.name());
            found.push(Scripts {
                stack: stack.clone(),
                deploy: run(Some("deploy"), "deploy"),
                rollback: run(None, "Roll back"),
                prune: job.steps[prune_at].run.clone().expect("a script"),
            });
        }
    }
    assert!(!found.is_empty(), "no team stack deploys to Kubernetes");
    found
}

/// A scratch directory with the stand-in `kubectl` and a `sleep` that returns at once.
struct Cluster {
    dir: PathBuf,
}

impl Cluster {
    fn new(test: &str, env: &str) -> Cluster {
        let dir = std::env::temp_dir().join(format!("stackwright-{test}-{env}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).expect("scratch dir");
        std::fs::create_dir_all(dir.join("state")).expect("state dir");
        for (name, body) in [("kubectl", FAKE_KUBECTL), ("sleep", "#!/bin/sh\nexit 0\n"), ("docker", FAKE_DOCKER)] {
            let path = dir.join("bin").join(name);
            std::fs::write(&path, body).expect("stand-in");
            Command::new("chmod").arg("+x").arg(&path).status().expect("chmod");
        }
        std::fs::write(dir.join("existing"), "").expect("existing");
        Cluster { dir }
    }

    fn write(&self, file: &str, contents: &str) {
        let path = self.dir.join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, contents).expect("write");
    }

    /// Runs `script` with bash as the workflow would; true when it succeeded.
    fn run(&self, script: &str) -> bool {
        self.run_output(script).0
    }

    /// Runs `script`; whether it succeeded, and what it printed.
    fn run_output(&self, script: &str) -> (bool, String) {
        let path = format!("{}:{}", self.dir.join("bin").display(), std::env::var("PATH").unwrap_or_default());
        let mut bash = Command::new("bash");
        // The real public hosts the deploy step reads from repository variables.
        for name in script.split("${").skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name) {
            if name.starts_with("PUBLIC_HOST_") {
                bash.env(name, "shop.acme.test");
            }
        }
        let output = bash
            .arg("-c")
            .arg(script)
            .current_dir(&self.dir)
            .env("PATH", path)
            .env("FAKE", &self.dir)
            .env("RUNNER_TEMP", &self.dir)
            .env("KUBECONFIG", self.dir.join("kubeconfig"))
            .env("KUBECONFIG_DATA", "kubeconfig")
            .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
            .env("GITHUB_RUN_ATTEMPT", "1")
            // What the workflow's registry step exports for the later steps.
            .env("REGISTRY", "ghcr.io/acme")
            .env("GITHUB_PATH", self.dir.join("github_path"))
            .env("GITHUB_OUTPUT", self.dir.join("github_output"))
            .env("KUBECTL_VERSION", emit::kubernetes::KUBECTL_VERSION)
            .output()
            .expect("bash");
        let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }

    fn log(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default().lines().map(String::from).collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The stack's workloads as `Kind namespace name` lines, and the names of its Jobs this release.
fn workloads(stack: &ValidStack) -> (String, BTreeMap<String, String>) {
    let namespace = emit::layout::kubernetes_namespace(&stack.name, stack.env());
    let mut lines = String::new();
    let mut jobs = BTreeMap::new();
    for service in stack.services() {
        let kind = match service.run {
            Run::Once => {
                let name = format!("{}-0123456789ab-1", service.name);
                jobs.insert(service.name.clone(), name.clone());
                lines.push_str(&format!("Job {namespace} {name}\n"));
                continue;
            }
            Run::OnSchedule(_) => continue,
            Run::Continuously
                if service.mounts.iter().any(|m| matches!(m.source, stack_dsl::MountSource::Volume(_))) =>
            {
                "StatefulSet"
            }
            Run::Continuously => "Deployment",
        };
        lines.push_str(&format!("{kind} {namespace} {}\n", service.name));
    }
    (lines, jobs)
}

fn held_back(stack: &ValidStack) -> Vec<&str> {
    stack
        .services()
        .filter(|s| s.depends_on.iter().any(|d| d.ready == Ready::Completed))
        .map(|s| s.name.as_str())
        .collect()
}

/// The cluster the project of `stack` deploys to.
fn cluster_of(stack: &ValidStack) -> stack_dsl::Cluster {
    let project = stacks::all().into_iter().find(|p| p.name() == stack.name).expect("a team stack");
    project.validate().expect("valid").cluster().clone()
}

/// The stack's Secret with every key the manifests read, each set to `<key>-<value>`, and the
/// project's certificate (the stand-in serves every Secret from one directory): valid for 90
/// days for the host the deploy reads from its repository variables.
fn write_secret(cluster: &Cluster, stack: &ValidStack, value: &str) {
    let secret = emit::kubernetes::secret::stack_secret(stack, &cluster_of(stack)).expect("renders").expect("a Secret");
    for key in &secret.keys {
        cluster.write(&format!("secret/{key}"), &format!("{key}-{value}"));
    }
    cluster.write("secret/tls\\.crt", &certificate(cluster, "shop.acme.test", 90));
}

/// A self-signed certificate for `host`, valid for `days` from now, base64-encoded as a
/// Secret's `tls.crt` holds it, made by the real openssl.
fn certificate(cluster: &Cluster, host: &str, days: u32) -> String {
    let dir = cluster.dir.join("certificate");
    std::fs::create_dir_all(&dir).expect("a directory");
    let status = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "crt.pem"])
        .args(["-days", &days.to_string(), "-subj", &format!("/CN={host}")])
        .args(["-addext", &format!("subjectAltName=DNS:{host}")])
        .current_dir(&dir)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success(), "openssl made no certificate");
    let encoded = Command::new("base64").arg("-w0").arg(dir.join("crt.pem")).output().expect("base64").stdout;
    String::from_utf8(encoded).expect("base64 is text")
}

/// Every Deployment at revision 3 and StatefulSet at `<name>-old` before the deploy.
fn running_before(cluster: &Cluster, stack: &ValidStack, existing: &str) {
    write_secret(cluster, stack, "value");
    cluster.write("existing", existing);
    cluster.write("existing-after", existing);
    for line in existing.lines() {
        let mut parts = line.split(' ');
        let (kind, name) = (parts.next().unwrap_or_default(), parts.nth(1).unwrap_or_default());
        match kind {
            "Deployment" => cluster.write(&format!("state/deployment.{name}"), "3"),
            "StatefulSet" => cluster.write(&format!("state/statefulset.{name}"), &format!("{name}-old")),
            _ => {}
        }
    }
}

#[test]
fn a_failed_migration_stops_the_deploy_before_the_code_that_needs_it() {
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, jobs) = workloads(stack);
        assert!(!jobs.is_empty() && !held_back(stack).is_empty(), "{}: expected a migration", stack.name);
        let cluster = Cluster::new("failed-migration", stack.env().name());
        running_before(&cluster, stack, &existing);
        // The first pass changes every Deployment that is not held back.
        for service in stack.services().filter(|s| !held_back(stack).contains(&s.name.as_str())) {
            cluster.write(&format!("after-apply/deployment.{}", service.name), "4");
        }
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "FailureTarget Failed ");
        }
        assert!(!cluster.run(&scripts.deploy), "{}: a failed migration must fail the deploy", stack.name);
        let log = cluster.log();
        let applies: Vec<&String> =
            log.iter().filter(|l| l.starts_with("kubectl apply") && l.contains("manifests.yaml")).collect();
        assert!(!applies.is_empty(), "{}: the first pass runs: {log:#?}", stack.name);
        for (service, apply) in held_back(stack).into_iter().flat_map(|s| applies.iter().map(move |a| (s, a))) {
            assert!(
                apply.contains(&format!("app.kubernetes.io/name!={service}")),
                "{}: the passes before the Jobs must leave {service} out: {apply}",
                stack.name,
            );
        }
        assert!(log.iter().any(|l| l.starts_with("kubectl logs job/")), "{}: the Job's logs are shown", stack.name);

        // The rollback returns exactly the Deployments the first pass changed, to revision 3.
        assert!(cluster.run(&scripts.rollback), "{}: rollback failed", stack.name);
        let undone: Vec<String> = cluster.log().into_iter().filter(|l| l.contains("rollout undo")).collect();
        for line in existing.lines().filter(|l| l.starts_with("Deployment ")) {
            let name = line.rsplit(' ').next().unwrap_or_default();
            let undo = undone.iter().find(|l| l.contains(&format!("deployment/{name} ")));
            if held_back(stack).contains(&name) {
                assert!(undo.is_none(), "{}: {name} was not changed, yet rolled back", stack.name);
            } else {
                let undo = undo.unwrap_or_else(|| panic!("{}: {name} changed but was not rolled back", stack.name));
                assert!(undo.contains("--to-revision=3"), "{undo}");
            }
        }
        assert!(!undone.iter().any(|l| l.contains("statefulset/")), "{}: unchanged StatefulSets stay", stack.name);
    }
}

#[test]
fn a_hung_migration_is_given_up_within_the_jobs_deadline() {
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, _) = workloads(stack);
        let cluster = Cluster::new("hung-migration", stack.env().name());
        running_before(&cluster, stack, &existing);
        // The Job never reports a condition.
        for job in workloads(stack).1.values() {
            cluster.write(&format!("state/job.{job}"), "");
        }
        assert!(!cluster.run(&scripts.deploy), "{}: a hung migration must fail the deploy", stack.name);
        let looks = cluster.log().iter().filter(|l| l.starts_with("kubectl get job/")).count();
        let deadline = emit::kubernetes::deploy_order::JOB_DEADLINE_SECONDS as usize;
        // One look every 5 seconds, for the Job's deadline and one more minute.
        assert_eq!(looks, (deadline + 60) / 5, "{}: looks at the hung Job", stack.name);
        let second_pass = cluster
            .log()
            .into_iter()
            .filter(|l| l.starts_with("kubectl apply") && l.contains("manifests.yaml") && !l.contains("--selector"))
            .count();
        assert_eq!(second_pass, 0, "{}: the services waiting for the Job must not be applied", stack.name);
    }
}

#[test]
fn a_failed_first_deploy_has_nothing_to_undo() {
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, jobs) = workloads(stack);
        let cluster = Cluster::new("first-deploy", stack.env().name());
        write_secret(&cluster, stack, "value");
        cluster.write("existing-after", &existing);
        for service in stack.services() {
            cluster.write(&format!("after-apply/deployment.{}", service.name), "1");
            cluster.write(&format!("after-apply/statefulset.{}", service.name), &format!("{}-new", service.name));
        }
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "SuccessCriteriaMet Complete ");
        }
        // A Deployment's rollout fails, after the migration completed.
        let deployment = existing.lines().find(|l| l.starts_with("Deployment ")).and_then(|l| l.rsplit(' ').next());
        cluster.write("fail-rollout", &format!("deployment/{}", deployment.expect("a Deployment")));
        assert!(!cluster.run(&scripts.deploy), "{}: a failed rollout must fail the deploy", stack.name);
        let log = cluster.log();
        let last_apply = log.iter().rfind(|l| l.starts_with("kubectl apply") && l.contains("manifests.yaml"));
        assert!(
            last_apply.is_some_and(|l| !l.contains("--selector")),
            "{}: every pass ran after the migration completed: {log:#?}",
            stack.name
        );
        assert!(cluster.run(&scripts.rollback), "{}: rollback of a first deploy must not fail", stack.name);
        let log = cluster.log();
        assert!(!log.iter().any(|l| l.contains("rollout undo")), "{}: nothing existed before: {log:#?}", stack.name);
    }
}

/// The checksum annotation each patch of the overlay the deploy wrote puts on a pod template.
fn checksums(cluster: &Cluster, stack: &ValidStack) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Overlay {
        patches: Vec<Patch>,
    }
    #[derive(serde::Deserialize)]
    struct Patch {
        target: Target,
        patch: String,
    }
    #[derive(serde::Deserialize)]
    struct Target {
        name: String,
    }
    #[derive(serde::Deserialize)]
    struct Template {
        spec: Option<TemplateSpec>,
    }
    #[derive(serde::Deserialize)]
    struct TemplateSpec {
        template: k8s_openapi::api::core::v1::PodTemplateSpec,
    }
    let path = cluster.dir.join(format!(".stackwright/{}/kustomization.yaml", stack.env()));
    let overlay: Overlay = serde_saphyr::from_str(&std::fs::read_to_string(path).expect("overlay")).expect("overlay");
    overlay
        .patches
        .into_iter()
        .filter_map(|p| {
            let template: Template = serde_saphyr::from_str(&p.patch).ok()?;
            let annotations = template.spec?.template.metadata?.annotations?;
            Some((p.target.name, annotations.get(emit::kubernetes::secret::CHECKSUM_ANNOTATION)?.clone()))
        })
        .collect()
}

#[test]
fn a_missing_secret_key_stops_the_deploy_before_anything_is_applied() {
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, _) = workloads(stack);
        let cluster = Cluster::new("missing-secret", stack.env().name());
        running_before(&cluster, stack, &existing);
        let secret =
            emit::kubernetes::secret::stack_secret(stack, &cluster_of(stack)).expect("renders").expect("a Secret");
        let lacking = secret.required.iter().next_back().expect("a required key");
        std::fs::remove_file(cluster.dir.join("secret").join(lacking)).expect("remove the key");
        let (ok, output) = cluster.run_output(&scripts.deploy);
        assert!(!ok, "{}: a missing key must stop the deploy", stack.name);
        assert!(output.contains(&format!("lacks: {lacking}")), "{}: the error names {lacking}: {output}", stack.name);
        let applied =
            cluster.log().into_iter().filter(|l| l.contains("manifests.yaml") && l.starts_with("kubectl apply"));
        assert_eq!(applied.count(), 0, "{}: nothing of the manifests may be applied", stack.name);
    }
}

/// The project's own certificate (and the registry credentials) are made outside the stack: a
/// missing one stops the deploy before anything is applied, naming it, instead of the ingress
/// controller serving its default certificate to a smoke test that then fails.
#[test]
fn a_missing_certificate_secret_stops_the_deploy_before_anything_is_applied() {
    let mut checked = 0;
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let stack_dsl::Certificates::Secret(certificate) = cluster_of(stack).certificates.clone() else { continue };
        let (existing, _) = workloads(stack);
        let cluster = Cluster::new("missing-certificate", stack.env().name());
        running_before(&cluster, stack, &existing);
        cluster.write(&format!("missing-secret.{certificate}"), "");
        let (ok, output) = cluster.run_output(&scripts.deploy);
        assert!(!ok, "{}: a missing certificate must stop the deploy", stack.name);
        assert!(output.contains(&format!("The Secret {certificate} does not exist")), "{}: {output}", stack.name);
        let applied =
            cluster.log().into_iter().filter(|l| l.contains("manifests.yaml") && l.starts_with("kubectl apply"));
        assert_eq!(applied.count(), 0, "{}: nothing of the manifests may be applied", stack.name);
        checked += 1;
    }
    assert!(checked > 0, "a team stack deploys to Kubernetes with its own certificate");
}

/// A certificate the team renews by hand stops the deploy before anything is applied when it
/// expires within a day or does not cover the host the repository variable now names (the smoke
/// test would fail on TLS and roll back without saying why), and is announced two weeks ahead.
#[test]
fn an_expiring_or_foreign_certificate_stops_the_deploy_before_anything_is_applied() {
    let mut checked = 0;
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let stack_dsl::Certificates::Secret(certificate_secret) = cluster_of(stack).certificates.clone() else {
            continue;
        };
        let (existing, jobs) = workloads(stack);
        let run = |test: &str, host: &str, days: u32| {
            let cluster = Cluster::new(test, stack.env().name());
            running_before(&cluster, stack, &existing);
            for job in jobs.values() {
                cluster.write(&format!("state/job.{job}"), "Complete ");
            }
            cluster.write("secret/tls\\.crt", &certificate(&cluster, host, days));
            let (ok, output) = cluster.run_output(&scripts.deploy);
            let applied = cluster.log().iter().any(|l| l.contains("manifests.yaml") && l.starts_with("kubectl apply"));
            (ok, output, applied)
        };
        let (ok, output, applied) = run("certificate-expiring", "shop.acme.test", 1);
        assert!(!ok && !applied, "{}: an expiring certificate was deployed: {output}", stack.name);
        assert!(
            output.contains(&format!("Secret {certificate_secret} has expired or expires within a day")),
            "{output}"
        );
        let (ok, output, applied) = run("certificate-foreign", "old.acme.test", 90);
        assert!(!ok && !applied, "{}: a certificate for another host was deployed: {output}", stack.name);
        assert!(output.contains("does not cover shop.acme.test"), "{output}");
        let (ok, output, _) = run("certificate-soon", "shop.acme.test", 10);
        assert!(ok, "{}: {output}", stack.name);
        assert!(output.contains("::warning::") && output.contains("expires within 14 days"), "{output}");
        checked += 1;
    }
    assert!(checked > 0, "a team stack deploys to Kubernetes with its own certificate");
}

/// A `Secret::optional` key (referenced with `optional: true`, so pods start without it) does
/// not stop the deploy when absent: NEOSALE runs without Sentry's SENTRY_DSN.
#[test]
fn an_absent_optional_secret_key_does_not_stop_the_deploy() {
    let mut checked = 0;
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let optional: Vec<&str> = stack.secrets.iter().filter(|s| s.optional).map(|s| s.name.as_str()).collect();
        let secret =
            emit::kubernetes::secret::stack_secret(stack, &cluster_of(stack)).expect("renders").expect("a Secret");
        let absent: Vec<&String> = secret.keys.iter().filter(|k| optional.contains(&k.as_str())).collect();
        if absent.is_empty() {
            continue;
        }
        checked += 1;
        let (existing, jobs) = workloads(stack);
        let cluster = Cluster::new("optional-secret", stack.env().name());
        running_before(&cluster, stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        for key in absent {
            std::fs::remove_file(cluster.dir.join("secret").join(key)).expect("remove the key");
        }
        let (ok, output) = cluster.run_output(&scripts.deploy);
        assert!(!output.contains("lacks"), "{}: an optional key is required: {output}", stack.name);
        assert!(ok, "{}: the deploy failed: {output}", stack.name);
    }
    assert!(checked > 0, "no stack deploying to Kubernetes reads an optional secret");
}

#[test]
fn a_changed_secret_rolls_the_pods_that_read_it() {
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, jobs) = workloads(stack);
        let cluster = Cluster::new("changed-secret", stack.env().name());
        running_before(&cluster, stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        assert!(cluster.run(&scripts.deploy), "{}: deploy", stack.name);
        let before = checksums(&cluster, stack);
        // A key read by a service only, not by the database: rotating it must roll the readers.
        let rotated = stack
            .services()
            .filter(|s| s.datastore.is_none())
            .flat_map(|s| s.env.iter().map(|(_, v)| v))
            .find_map(|v| match v {
                stack_dsl::EnvValue::Secret(secret) => Some(secret.name().to_string()),
                _ => None,
            })
            .expect("a secret read from the environment");
        cluster.write(&format!("secret/{rotated}"), "rotated");
        assert!(cluster.run(&scripts.deploy), "{}: deploy", stack.name);
        let after = checksums(&cluster, stack);
        let readers: Vec<&str> = stack
            .services()
            .filter(|s| s.datastore.is_none())
            .filter(|s| {
                s.env.iter().map(|(_, v)| v).any(|v| matches!(v, stack_dsl::EnvValue::Secret(s) if s.name() == rotated))
            })
            .map(|s| s.name.as_str())
            .collect();
        assert!(!readers.is_empty());
        for reader in readers {
            let (was, now) = (before.get(reader), after.get(reader));
            assert!(was.is_some() && was != now, "{}: {reader} reads {rotated} but is not rolled", stack.name);
        }
        // The database reads its password only on its first start: restarting it changes nothing.
        for service in stack.services().filter(|s| s.datastore.as_ref().is_some_and(|d| d.password.is_some())) {
            let only_password =
                service.env.iter().map(|(_, v)| v).all(|v| !matches!(v, stack_dsl::EnvValue::Secret(_)));
            if only_password {
                assert!(
                    !after.contains_key(&service.name),
                    "{}: {} is restarted for nothing",
                    stack.name,
                    service.name
                );
            }
        }
    }
}

/// A database whose image tag now names a new digest is recreated pod by pod: the deploy applies
/// it and waits for its rollout before the migration Jobs exist, and a rollout that never ends
/// fails the deploy without starting them.
#[test]
fn stateful_sets_roll_out_before_the_migrations_start() {
    let mut checked = 0;
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, jobs) = workloads(stack);
        let stateful: Vec<&str> = existing
            .lines()
            .filter(|l| l.starts_with("StatefulSet "))
            .filter_map(|l| l.rsplit(' ').next())
            .filter(|name| !held_back(stack).contains(name))
            .collect();
        if stateful.is_empty() || jobs.is_empty() {
            continue;
        }
        checked += 1;
        // An apply creates the Jobs unless its selector leaves every one of them out.
        let creates_jobs = |l: &String| !jobs.keys().all(|job| l.contains(&format!("app.kubernetes.io/name!={job}")));
        let is_apply = |l: &String| l.starts_with("kubectl apply") && l.contains("manifests.yaml");
        let cluster = Cluster::new("settled-first", stack.env().name());
        running_before(&cluster, stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        assert!(cluster.run(&scripts.deploy), "{}: deploy", stack.name);
        let log = cluster.log();
        let jobs_applied = log.iter().position(|l| is_apply(l) && creates_jobs(l)).expect("the Jobs are applied");
        let first_apply = log.iter().position(is_apply).expect("an apply");
        for name in &stateful {
            let rollout = log
                .iter()
                .position(|l| l.starts_with(&format!("kubectl rollout status statefulset/{name} ")))
                .unwrap_or_else(|| panic!("{}: {name} is not awaited: {log:#?}", stack.name));
            assert!(
                first_apply < rollout && rollout < jobs_applied,
                "{}: {name} must be applied and rolled out before the Jobs: {log:#?}",
                stack.name
            );
        }

        let cluster = Cluster::new("settled-first-stuck", stack.env().name());
        running_before(&cluster, stack, &existing);
        cluster.write("fail-rollout", &format!("statefulset/{}", stateful[0]));
        assert!(!cluster.run(&scripts.deploy), "{}: a stuck rollout must fail the deploy", stack.name);
        let log = cluster.log();
        assert!(!log.iter().any(|l| is_apply(l) && creates_jobs(l)), "{}: Jobs started: {log:#?}", stack.name);
    }
    assert!(checked > 0, "no team stack runs a migration beside a StatefulSet");
}

/// A StatefulSet whose new pod never becomes ready: the deploy fails on its rollout, and the
/// rollback reverts its template to the recorded revision and deletes the pods already started
/// from the failed one (the documented forced rollback), printing what it did.
#[test]
fn a_stuck_stateful_set_gets_the_forced_rollback() {
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, jobs) = workloads(stack);
        let Some(name) = existing
            .lines()
            .find(|l| l.starts_with("StatefulSet "))
            .and_then(|l| l.rsplit(' ').next())
            .map(String::from)
        else {
            continue;
        };
        let cluster = Cluster::new("stuck-statefulset", stack.env().name());
        running_before(&cluster, stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        cluster.write(&format!("after-apply/statefulset.{name}"), &format!("{name}-new"));
        cluster.write(&format!("state/controllerrevision.{name}-old"), "4");
        cluster.write("fail-rollout", &format!("statefulset/{name}"));
        assert!(!cluster.run(&scripts.deploy), "{}: a stuck rollout must fail the deploy", stack.name);
        assert!(
            cluster.log().iter().any(|l| l.starts_with(&format!("kubectl rollout status statefulset/{name} "))),
            "{}: the deploy waits for StatefulSets",
            stack.name
        );
        // Back on the previous template, the new pod becomes ready.
        std::fs::remove_file(cluster.dir.join("fail-rollout")).expect("fail-rollout");
        let (ok, output) = cluster.run_output(&scripts.rollback);
        assert!(ok, "{}: the rollback failed: {output}", stack.name);
        let log = cluster.log();
        assert!(
            log.iter().any(|l| l.starts_with(&format!("kubectl rollout undo statefulset/{name} "))
                && l.ends_with("--to-revision=4")),
            "{}: template not reverted: {log:#?}",
            stack.name
        );
        assert!(
            log.iter()
                .any(|l| l.starts_with("kubectl delete pod")
                    && l.contains(&format!("controller-revision-hash={name}-new"))),
            "{}: the pods of the failed revision stay: {log:#?}",
            stack.name
        );
        assert!(output.contains("Forced rollback"), "{}: the steps are printed: {output}", stack.name);
    }
}

/// After a successful rollout and smoke test, and only then, the deploy prunes what the stack no longer has:
/// scoped by the stack's instance label, over every kind the kustomization holds, never a
/// Namespace or a claim.
#[test]
fn a_successful_deploy_prunes_by_label_and_keeps_the_data() {
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, jobs) = workloads(stack);
        let cluster = Cluster::new("prune", stack.env().name());
        running_before(&cluster, stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        assert!(cluster.run(&scripts.deploy), "{}: deploy", stack.name);
        assert!(!cluster.log().iter().any(|l| l.contains("--prune")), "{}: the deploy step never prunes", stack.name);
        assert!(cluster.run(&scripts.prune), "{}: prune", stack.name);
        // A run cancelled once the prune began (its deploy and smoke test passed) keeps the deploy.
        let applies = |cluster: &Cluster| cluster.log().iter().filter(|l| l.contains("rollout undo")).count();
        let (ok, output) = cluster.run_output(&scripts.rollback);
        assert!(ok && output.contains("nothing is rolled back"), "{}: {output}", stack.name);
        assert_eq!(applies(&cluster), 0, "{}: a verified deploy was rolled back", stack.name);
        let log = cluster.log();
        assert!(!log.iter().any(|l| l.contains("dl.k8s.io")), "the runner's kubectl is the pinned one");
        let prunes: Vec<&String> = log.iter().filter(|l| l.contains("--prune")).collect();
        assert_eq!(prunes.len(), 1, "{}: {log:#?}", stack.name);
        let last_rollout = log.iter().rposition(|l| l.starts_with("kubectl rollout status")).expect("rollouts");
        let prune_at = log.iter().position(|l| l.contains("--prune")).expect("prune");
        assert!(prune_at > last_rollout, "{}: prune only after the rollout succeeded", stack.name);
        let namespace = emit::layout::kubernetes_namespace(&stack.name, stack.env());
        let prune = prunes[0];
        assert!(prune.contains(&format!("--selector app.kubernetes.io/instance={namespace}")), "{prune}");
        let allowed: Vec<&str> = prune.split(' ').filter_map(|a| a.strip_prefix("--prune-allowlist=")).collect();
        for kept in ["core/v1/Namespace", "core/v1/PersistentVolumeClaim"] {
            assert!(!allowed.contains(&kept), "{}: {kept} must never be pruned", stack.name);
        }
        // Every kind the kustomization applies can be pruned once the stack drops it.
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct TypeMeta {
            api_version: String,
            kind: String,
        }
        for (file, document) in kustomized_documents(stack) {
            let meta: TypeMeta = serde_saphyr::from_str(&document).expect("apiVersion and kind");
            let group_version = if meta.api_version.contains('/') {
                meta.api_version.clone()
            } else {
                format!("core/{}", meta.api_version)
            };
            let kind = format!("{group_version}/{}", meta.kind);
            assert!(allowed.contains(&kind.as_str()), "{}: {kind} from {file} is never pruned", stack.name);
        }
    }
}

/// Every third-party image the manifests run is pinned to a digest: the overlay's `images` give
/// each repository one. An upstream retag of the same reference changes nothing on the next
/// deploy (the recorded digest is kept, so PostgreSQL is not restarted by an unrelated app
/// deploy); a reference the stack changes is resolved to what its tag names then.
#[test]
fn third_party_images_keep_their_digest_until_the_stack_changes_their_tag() {
    #[derive(serde::Deserialize)]
    struct Overlay {
        images: Vec<OverlayImage>,
    }
    #[derive(serde::Deserialize)]
    struct OverlayImage {
        name: String,
        digest: Option<String>,
    }
    let digests = |cluster: &Cluster, stack: &ValidStack| -> BTreeMap<String, String> {
        let path = cluster.dir.join(format!(".stackwright/{}/kustomization.yaml", stack.env()));
        let overlay: Overlay =
            serde_saphyr::from_str(&std::fs::read_to_string(path).expect("overlay")).expect("overlay");
        overlay.images.into_iter().filter_map(|i| Some((i.name, i.digest?))).collect()
    };
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let (existing, jobs) = workloads(stack);
        let cluster = Cluster::new("digests", stack.env().name());
        running_before(&cluster, stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        assert!(cluster.run(&scripts.deploy), "{}: deploy", stack.name);
        let first = digests(&cluster, stack);
        let mut references = Vec::new();
        for service in stack.services().filter(|s| emit::kubernetes::left_out(s).is_none()) {
            let stack_dsl::Image::Registry(reference) = &service.image else { continue };
            let repository = emit::kubernetes::pull_policy::repository(reference);
            let digest = first.get(repository).unwrap_or_else(|| panic!("{}: {reference} is not pinned", stack.name));
            assert!(digest.starts_with("sha256:") && digest.len() == 71, "{digest}");
            references.push(reference.clone());
        }
        let resolved = |cluster: &Cluster| cluster.log().iter().filter(|l| l.starts_with("docker buildx")).count();
        assert_eq!(resolved(&cluster), first.len(), "{}: a first deploy resolves every tag", stack.name);

        // Upstream retags every image: the next deploy keeps what runs.
        cluster.write("registry-generation", "a tag moved");
        let (ok, output) = cluster.run_output(&scripts.deploy);
        assert!(ok, "{}: deploy: {output}", stack.name);
        assert_eq!(digests(&cluster, stack), first, "{}: a retag upstream restarted pods", stack.name);
        assert_eq!(resolved(&cluster), first.len(), "{}: recorded references are not resolved again", stack.name);
        assert!(output.contains("kubectl delete configmap"), "{}: how to refresh is not said: {output}", stack.name);

        // The stack moves one image to a new tag (as its next generated script would name it).
        let moved = references.first().expect("a third-party image");
        let repository = emit::kubernetes::pull_policy::repository(moved);
        let renamed = scripts.deploy.replace(&format!("(digest {moved})"), &format!("(digest {repository}:moved-on)"));
        let renamed = renamed.replace(&format!("\"{moved} "), &format!("\"{repository}:moved-on "));
        assert_ne!(renamed, scripts.deploy, "{}: {moved} is not in the script", stack.name);
        assert!(cluster.run(&renamed), "{}: deploy", stack.name);
        let third = digests(&cluster, stack);
        assert_ne!(third.get(repository), first.get(repository), "{}: a new tag keeps the old digest", stack.name);
        for (other, digest) in first.iter().filter(|(r, _)| *r != repository) {
            assert_eq!(third.get(other), Some(digest), "{}: {other} moved with {moved}", stack.name);
        }

        // Returning to the earlier tag (a revert) takes the digest recorded for it, not the
        // tag's current one: the record keeps references the stack left.
        let before_revert = resolved(&cluster);
        assert!(cluster.run(&scripts.deploy), "{}: deploy", stack.name);
        assert_eq!(digests(&cluster, stack), first, "{}: a reverted tag restarted pods", stack.name);
        assert_eq!(resolved(&cluster), before_revert, "{}: a recorded reference was resolved again", stack.name);

        // Deleting the record takes the tags' current digests.
        std::fs::remove_dir_all(cluster.dir.join("configmap")).expect("the record");
        assert!(cluster.run(&scripts.deploy), "{}: deploy", stack.name);
        let refreshed = digests(&cluster, stack);
        assert!(first.iter().all(|(repo, digest)| refreshed.get(repo) != Some(digest)), "the new digests are used");
    }
}

/// Production runs the third-party digests staging's deploy ran and smoke-tested in the same
/// run, not whatever the tags name by the time production is approved.
#[test]
fn production_runs_the_digests_staging_tested() {
    let pipelines = kubernetes_pipelines();
    let by_env = |env: &str| pipelines.iter().find(|s| s.stack.env().name() == env).expect(env);
    let (staging, production) = (by_env("staging"), by_env("production"));
    assert!(!staging.deploy.contains("TESTED_DIGESTS"), "staging is the first environment");
    let run = |scripts: &Scripts, test: &str| {
        let (existing, jobs) = workloads(&scripts.stack);
        let cluster = Cluster::new(test, scripts.stack.env().name());
        running_before(&cluster, &scripts.stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        let (ok, output) = cluster.run_output(&scripts.deploy);
        assert!(ok, "{}: {output}", scripts.stack.env());
        cluster
    };
    let staged = run(staging, "tested-staging");
    let output = std::fs::read_to_string(staged.dir.join("github_output")).expect("the step's outputs");
    let tested = output.lines().find_map(|l| l.strip_prefix("digests=")).expect("digests output").to_string();
    assert!(tested.split(',').all(|pair| pair.split(' ').nth(1).is_some_and(|d| d.starts_with("sha256:"))), "{tested}");
    // Upstream retags every image while production waits for its approval.
    let deployed = {
        let (existing, jobs) = workloads(&production.stack);
        let cluster = Cluster::new("tested-production", production.stack.env().name());
        running_before(&cluster, &production.stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        cluster.write("registry-generation", "a tag moved");
        let (ok, output) = cluster.run_output(&format!("export TESTED_DIGESTS='{tested}'\n{}", production.deploy));
        assert!(ok, "production: {output}");
        cluster
    };
    assert!(
        !deployed.log().iter().any(|l| l.starts_with("docker buildx")),
        "production resolved a tag again instead of running what staging tested"
    );
    let overlay =
        std::fs::read_to_string(deployed.dir.join(".stackwright/production/kustomization.yaml")).expect("overlay");
    for pair in tested.split(',') {
        let digest = pair.split(' ').nth(1).expect("a digest");
        assert!(overlay.contains(digest), "production does not run {pair}:\n{overlay}");
    }
}

/// Each document of the files the golden kustomization of `stack`'s environment lists, with its
/// file.
fn kustomized_documents(stack: &ValidStack) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(&stack.name)
        .join(emit::layout::kubernetes_dir(stack.env()));
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("golden file");
    let kustomization: emit::kubernetes::Kustomization =
        serde_saphyr::from_str(&read("kustomization.yaml")).expect("kustomization");
    kustomization
        .resources
        .iter()
        .flat_map(|file| read(file).split("\n---\n").map(|d| (file.clone(), d.to_string())).collect::<Vec<_>>())
        .collect()
}

/// The names of the Ingresses in the golden manifests of `stack`'s environment.
fn ingresses(stack: &ValidStack) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Meta {
        name: String,
    }
    #[derive(serde::Deserialize)]
    struct Object {
        kind: String,
        metadata: Meta,
    }
    kustomized_documents(stack)
        .into_iter()
        .filter_map(|(_, document)| serde_saphyr::from_str::<Object>(&document).ok())
        .filter(|o| o.kind == "Ingress")
        .map(|o| o.metadata.name)
        .collect()
}

/// An Ingress as the cluster reports it, serving `host`.
fn ingress_json(name: &str, host: &str) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "resourceVersion": "7"},
        "spec": {
            "ingressClassName": "nginx",
            "rules": [{"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}],
            "tls": [{"hosts": [host], "secretName": "shop-tls"}],
        },
    })
}

/// A deploy that moves the Ingress to a new host (its `PUBLIC_HOST_*` variable changed) and a
/// Service to a new port, and then fails: the rollback gives the Ingress back the rules and TLS
/// hosts it had and the Service its ports, and leaves an unchanged Service alone. On a first
/// deploy the new Ingress stays, with a warning naming it.
#[test]
fn a_rollback_puts_back_the_routes_the_deploy_changed() {
    let mut checked = 0;
    for scripts in kubernetes_pipelines() {
        let stack = &scripts.stack;
        let Some(name) = ingresses(stack).into_iter().next() else { continue };
        checked += 1;
        let namespace = emit::layout::kubernetes_namespace(&stack.name, stack.env());
        let (workloads, jobs) = workloads(stack);
        let existing =
            format!("{workloads}Ingress {namespace} {name}\nService {namespace} web\nService {namespace} api\n");
        let cluster = Cluster::new("routes", stack.env().name());
        running_before(&cluster, stack, &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        let before = ingress_json(&name, "old.acme.test");
        // Each Service carries the configuration kubectl last applied, which the next apply
        // compares with: the rollback puts it back with the spec.
        let service = |name: &str, port: u16| {
            let applied = format!("{{\"spec\":{{\"ports\":[{{\"port\":{port}}}]}}}}");
            serde_json::json!({"kind": "Service", "metadata": {"name": name, "resourceVersion": "3",
                    "annotations": {"kubectl.kubernetes.io/last-applied-configuration": applied}},
                "spec": {"selector": {"app.kubernetes.io/name": name}, "ports": [{"port": port}]}})
        };
        cluster.write(&format!("state/ingress.{name}"), &before.to_string());
        cluster.write("state/service.web", &service("web", 80).to_string());
        cluster.write("state/service.api", &service("api", 3001).to_string());
        cluster.write("after-apply/service.web", &service("web", 8080).to_string());
        cluster.write(&format!("after-apply/ingress.{name}"), &ingress_json(&name, "shop.acme.test").to_string());
        let (ok, output) = cluster.run_output(&scripts.deploy);
        assert!(ok, "{}: deploy: {output}", stack.name);
        // The smoke test on the new host fails; the rollback runs.
        let (ok, output) = cluster.run_output(&scripts.rollback);
        assert!(ok, "{}: rollback: {output}", stack.name);
        let replaced = std::fs::read_to_string(cluster.dir.join("replaced"))
            .unwrap_or_else(|_| panic!("{}: the Ingress keeps the new host: {output}", stack.name));
        let objects: Vec<serde_json::Value> =
            serde_json::Deserializer::from_str(&replaced).into_iter().map(|o| o.expect("JSON")).collect();
        assert_eq!(objects.len(), 2, "{}: only the changed objects are replaced: {replaced}", stack.name);
        assert_eq!(objects[0]["kind"], "Ingress");
        assert_eq!(objects[0]["spec"], before["spec"], "{}: rules and TLS hosts as before", stack.name);
        assert_eq!(objects[0]["metadata"]["resourceVersion"], "7", "{}: replaced over the live object", stack.name);
        assert_eq!(objects[1]["spec"], service("web", 80)["spec"], "{}: the Service's ports as before", stack.name);
        assert_eq!(
            objects[1]["metadata"]["annotations"],
            service("web", 80)["metadata"]["annotations"],
            "{}: the last applied configuration as before",
            stack.name
        );

        // A first deploy: the Ingress did not exist, so the rollback leaves it and says so.
        let cluster = Cluster::new("routes-first", stack.env().name());
        write_secret(&cluster, stack, "value");
        cluster.write("existing-after", &existing);
        for job in jobs.values() {
            cluster.write(&format!("state/job.{job}"), "Complete ");
        }
        cluster.write(&format!("after-apply/ingress.{name}"), &ingress_json(&name, "shop.acme.test").to_string());
        cluster.write("after-apply/service.web", &service("web", 80).to_string());
        cluster.write("after-apply/service.api", &service("api", 3001).to_string());
        assert!(cluster.run(&scripts.deploy), "{}: first deploy", stack.name);
        let (ok, output) = cluster.run_output(&scripts.rollback);
        assert!(ok, "{}: rollback: {output}", stack.name);
        assert!(!cluster.dir.join("replaced").exists(), "{}: nothing existed to put back", stack.name);
        assert!(
            output.contains(&format!("Ingress {name} was created by this deploy")),
            "{}: the new Ingress is not named: {output}",
            stack.name
        );
    }
    assert!(checked > 0, "no team stack deploys an Ingress to Kubernetes");
}
