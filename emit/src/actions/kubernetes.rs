//! How `deploy.yml` deploys one environment to Kubernetes and how it rolls back.
//!
//! A kustomization overlay in the workspace points the environment's manifests at the pushed
//! images, generates the ConfigMaps from the repository's config files and names each Job after
//! the release, so every deploy runs its migrations as a new Job (Jobs are immutable). The
//! namespace and the claims holding data are applied first, apart from the kustomization
//! ([`crate::kubernetes::kept`]). The deploy then follows [`DeployOrder`]: everything but the
//! Jobs and the services that wait for one, the rollout of those StatefulSets, the Jobs to
//! completion (bounded by their deadline), then the rest; Deployments and StatefulSets are
//! awaited. The revisions running before, and the specs of the Ingresses and Services, are
//! recorded, so a rollback undoes only what this deploy changed and does nothing to what it
//! created. Third-party images keep the digest recorded for their reference in a ConfigMap, so
//! an upstream retag restarts nothing until the stack changes the reference.
//!
//! - Overlays, image tags and patches: <https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/>
//! - `kubectl replace` (the whole object, conditional on its resourceVersion): <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_replace/>
//! - `kubectl rollout undo --to-revision`: <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_undo/>
//! - StatefulSet forced rollback (revert the template, then delete the pods already started
//!   with the bad one): <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#forced-rollback>

use serde::Serialize;
use stack_dsl::{MountSource, Run, ValidStack};

use super::hosts::host_variable;
use super::model::{Access, Scope, Step, expr, secret};
use super::platform::{Deploy, Plan, images_of, rollback_step};
use super::prerequisites::Prerequisite;
use crate::error::Error;
use crate::kubernetes::deploy_order::{DeployOrder, JOB_DEADLINE_SECONDS, ROLLOUT_MINUTES};
use crate::kubernetes::ingress::Public;
use crate::kubernetes::lower::Lowered;
use crate::kubernetes::pull_policy::{ThirdParty, third_party_images};
use crate::kubernetes::secret::{CHECKSUM_ANNOTATION, Reader, StackSecret, stack_secret};
use crate::kubernetes::{ConfigMapGenerator, GeneratorOptions, KUBECTL_VERSION, Object, kept, labels, left_out};
use crate::layout::{KubernetesConfigMap, kubernetes_dir, kubernetes_namespace};
use crate::yaml;

/// Seconds between two looks at a Job.
const JOB_POLL_SECONDS: u32 = 5;

/// Lists the `kind` objects of the applied manifests that exist, as `namespace name` lines.
const KUBE_RESOURCES: &str = r#"resources() {
  kubectl get -f "$RUNNER_TEMP/manifests.yaml" --ignore-not-found --no-headers \
    -o custom-columns=KIND:.kind,NAMESPACE:.metadata.namespace,NAME:.metadata.name |
    awk -v kind="$1" '$1 == kind { print $2, $3 }'
}
"#;

/// The revision a Deployment (its `deployment.kubernetes.io/revision`) or a StatefulSet (its
/// update ControllerRevision) runs.
const REVISION: &str = r#"revision() {
  case $1 in
    Deployment) kubectl get "deployment/$3" --namespace "$2" -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}' ;;
    StatefulSet) kubectl get "statefulset/$3" --namespace "$2" -o jsonpath='{.status.updateRevision}' ;;
  esac
}
"#;

/// Records, before anything is applied, the spec of each Ingress and Service of the manifests
/// that exists, as `Kind namespace name <spec as JSON>` lines: a deploy changes what an Ingress
/// routes (a new `PUBLIC_HOST_*` value) and a Service's selector and ports, and `rollout undo`
/// reverts only pod templates.
const RECORD_SPECS: &str = r#"# The routes and Services as they are, so that the rollback puts back what this deploy changes in them.
RECORDED='{spec: .spec, applied: .metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]}'
for kind in Ingress Service; do
  resources "$kind" | while read -r namespace name; do
    spec=$(kubectl get "${kind,,}/$name" --namespace "$namespace" -o json | jq -c "$RECORDED")
    echo "$kind $namespace $name $spec"
  done
done > "$RUNNER_TEMP/specs-before"
"#;

/// Puts back each recorded spec this deploy changed, replacing the whole spec (its lists of
/// rules, hosts and ports included) on the live object, whose resourceVersion makes the write
/// fail rather than overwrite a change made meanwhile. An Ingress this deploy created stays:
/// nothing answered its host before, and deleting it could cut a host that another route of the
/// previous version still needs; the warning names it.
/// <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_replace/>
const RESTORE_SPECS: &str = r#"# Routes and Services first: requests meet the previous hosts and ports while the pods roll back.
while read -r kind namespace name spec; do
  if ! live=$(kubectl get "${kind,,}/$name" --namespace "$namespace" -o json); then
    echo "::warning::$kind $name no longer exists; its previous spec was: $spec"
    continue
  fi
  if [ "$(jq -cS .spec <<< "$live")" = "$(jq -cS .spec <<< "$spec")" ]; then continue; fi
  # The last applied configuration comes back with the spec, so the next apply compares with
  # what runs and removes what this deploy had added.
  if jq --argjson was "$spec" '.spec = $was.spec
      | .metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"] = $was.applied
      | if $was.applied == null then del(.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]) else . end' <<< "$live" | kubectl replace -f -; then
    echo "$kind $name: its spec is back to the one before this deploy."
  else
    echo "::error::$kind $name: its previous spec could not be put back; it was: $spec"
  fi
done < "$RUNNER_TEMP/specs-before"
resources Ingress | while read -r namespace name; do
  if ! grep -q "^Ingress $namespace $name " "$RUNNER_TEMP/specs-before"; then
    echo "::warning::Ingress $name was created by this deploy and stays; delete it by hand if its hosts must not answer: kubectl delete ingress $name --namespace $namespace"
  fi
done
"#;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Overlay {
    api_version: &'static str,
    kind: &'static str,
    /// Also the namespace of the generated ConfigMaps, so references to them are rewritten.
    namespace: String,
    resources: Vec<String>,
    images: Vec<OverlayImage>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    config_map_generator: Vec<ConfigMapGenerator>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patches: Vec<Patch>,
}

/// An image entry: a built image's registry and tag, or a third-party image's digest.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OverlayImage {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
}

/// A JSON 6902 patch of the objects `target` selects.
#[derive(Serialize)]
struct Patch {
    target: PatchTarget,
    patch: String,
}

#[derive(Serialize)]
struct PatchTarget {
    kind: String,
    name: String,
}

/// The ConfigMaps of the config files the cluster's workloads mount (a left-out edge proxy's
/// file is not needed, nor required to exist), as the overlay at `depth` directories below the
/// repository root generates them.
fn config_maps(stack: &ValidStack, depth: usize) -> Vec<ConfigMapGenerator> {
    let mut generators: Vec<ConfigMapGenerator> = Vec::new();
    for mount in stack.services().filter(|s| left_out(s).is_none()).flat_map(|s| &s.mounts) {
        let MountSource::Config(path) = &mount.source else { continue };
        if mount.text.is_some() {
            continue; // the committed kustomization generates it from its copy
        }
        let config = KubernetesConfigMap::of(path);
        if generators.iter().any(|g| g.name == config.name) {
            continue;
        }
        let file = format!("{}={}{}", config.key, "../".repeat(depth), config.path);
        let options = GeneratorOptions { labels: labels::stack_labels(stack), disable_name_suffix_hash: false };
        generators.push(ConfigMapGenerator { name: config.name, files: vec![file], options });
    }
    generators
}

/// Each Job renamed `<job>-<release>`; the script sets `release` before writing the overlay.
fn release_names(order: &DeployOrder) -> Vec<Patch> {
    order
        .jobs
        .iter()
        .map(|job| Patch {
            target: PatchTarget { kind: "Job".into(), name: job.clone() },
            patch: format!(r#"[{{"op": "replace", "path": "/metadata/name", "value": "{job}-${{release}}"}}]"#),
        })
        .collect()
}

/// The placeholder hosts of `deploy`'s Ingress, each with the repository variable holding the
/// real host in this environment.
fn placeholder_hosts(deploy: &Deploy) -> Result<Vec<(String, Prerequisite)>, Error> {
    let public = Public::of(deploy.stack, deploy.cluster)?;
    let env = deploy.stack.env();
    let placeholders = public.placeholder_hosts(env);
    // cert-manager is never asked for a placeholder's certificate, so its Ingress has no TLS
    // entry for it; swapping in the real host would serve it over plain HTTP, and the smoke test
    // (https) would roll back every deploy.
    if let stack_dsl::Certificates::ClusterIssuer(issuer) = &deploy.cluster.certificates
        && let Some(path) = public.paths.iter().find(|p| p.tls && placeholders.iter().any(|(host, _)| *host == p.host))
    {
        return Err(Error::Unsupported {
            target: "actions",
            service: path.service.clone(),
            reason: format!(
                "the Kubernetes deploy would route the real host of the placeholder {} without TLS: the ClusterIssuer {issuer} is never asked for a placeholder's certificate",
                path.host
            ),
            fix: format!(
                "give {env}'s real host in the stack (Cluster::host({}, \"…\") or the route's host), or use the project's own certificate (Certificates::Secret)",
                env.rust_spelling()
            ),
        });
    }
    Ok(placeholders.into_iter().map(|(host, service)| (host.to_string(), host_variable(service, env.name()))).collect())
}

/// The variables holding the real hosts the deploy routes in place of the Ingress's placeholders.
pub fn public_host_variables(deploy: &Deploy) -> Result<Vec<Prerequisite>, Error> {
    let mut variables: Vec<Prerequisite> = Vec::new();
    for (_, variable) in placeholder_hosts(deploy)? {
        if !variables.iter().any(|v| v.name == variable.name) {
            variables.push(variable);
        }
    }
    Ok(variables)
}

/// Every placeholder host in the objects the deploy applies (the Ingress's rules and TLS hosts,
/// and values such as a public origin in a container's environment) replaced by the value of its
/// variable when the script writes the overlay, so the cluster routes and the services name the
/// team's real host. Listed before the Jobs are renamed, so each targets the name it was
/// rendered with.
fn real_hosts(
    deploy: &Deploy,
    lowered: &Lowered,
    placeholders: &[(String, Prerequisite)],
) -> Result<Vec<Patch>, Error> {
    if placeholders.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_length: Vec<(&str, String)> =
        placeholders.iter().map(|(host, variable)| (host.as_str(), format!("${{{}}}", variable.name))).collect();
    // Longest first, so `api.example.com` is never half-replaced by a route of `example.com`.
    by_length.sort_by_key(|(host, _)| std::cmp::Reverse(host.len()));
    let mut patches = Vec::new();
    for (file, objects) in &lowered.files {
        for object in objects {
            let json = serde_json::to_value(object).map_err(|e| Error::Json {
                path: format!("{}/{file}", kubernetes_dir(deploy.stack.env())),
                message: e.to_string(),
            })?;
            let (Some(kind), Some(name)) = (json["kind"].as_str(), json["metadata"]["name"].as_str()) else { continue };
            let mut ops = Vec::new();
            replace_hosts(&json, &mut String::new(), &by_length, &mut ops);
            if !ops.is_empty() {
                patches.push(Patch {
                    target: PatchTarget { kind: kind.to_string(), name: name.to_string() },
                    patch: serde_json::Value::Array(ops).to_string(),
                });
            }
        }
    }
    Ok(patches)
}

/// JSON 6902 `replace` operations for each string under `value` (at JSON pointer `path`) that is
/// a placeholder host or names one as a URL's host, with the host spelled as its variable.
fn replace_hosts(
    value: &serde_json::Value,
    path: &mut String,
    hosts: &[(&str, String)],
    ops: &mut Vec<serde_json::Value>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let at = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                replace_hosts(child, path, hosts, ops);
                path.truncate(at);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let at = path.len();
                path.push_str(&format!("/{i}"));
                replace_hosts(child, path, hosts, ops);
                path.truncate(at);
            }
        }
        serde_json::Value::String(text) => {
            let spelled = match hosts.iter().find(|(host, _)| host == text) {
                Some((_, variable)) => variable.clone(),
                None => {
                    let routes: Vec<(&str, &str)> =
                        hosts.iter().map(|(host, variable)| (*host, variable.as_str())).collect();
                    crate::public_origin::spell_hosts(text, &routes, str::to_string).0
                }
            };
            if spelled != *text {
                ops.push(serde_json::json!({"op": "replace", "path": path.clone(), "value": spelled}));
            }
        }
        _ => {}
    }
}

/// The shell variable holding the checksum of the keys `reader` reads.
fn checksum_variable(reader: &Reader) -> String {
    format!("checksum_{}", reader.name.replace('-', "_"))
}

/// Each workload reading the Secret gets a checksum of the keys it reads on its pod template,
/// so a change to one of them rolls it.
fn secret_checksums(secret: &StackSecret) -> Vec<Patch> {
    secret
        .readers
        .iter()
        .map(|reader| {
            let (kind, name, variable) = (reader.kind, &reader.name, checksum_variable(reader));
            Patch {
                target: PatchTarget { kind: kind.into(), name: name.clone() },
                patch: format!(
                    r#"{{"apiVersion": "apps/v1", "kind": "{kind}", "metadata": {{"name": "{name}"}}, "spec": {{"template": {{"metadata": {{"annotations": {{"{CHECKSUM_ANNOTATION}": "${{{variable}}}"}}}}}}}}}}"#
                ),
            }
        })
        .collect()
}

/// Fails naming every required key the Secret lacks (or the Secret itself), before anything is
/// applied (pods start without an optional one); then sets each reader's checksum variable from
/// the keys it reads (a hash: no value reaches the log).
fn secret_check(secret: &StackSecret, namespace: &str) -> String {
    let keys: Vec<&str> = secret.required.iter().map(String::as_str).collect();
    let name = &secret.name;
    // A Go template listing the keys, one a line; it has braces a format string would eat.
    let list_keys = r#"'{{range $key, $value := .data}}{{$key}}{{"\n"}}{{end}}'"#;
    let mut script = format!(
        r#"# The Secret must hold every key the pods cannot start without, before anything is applied.
present=$(kubectl get secret {name} --namespace {namespace} -o go-template={list_keys} || true)
missing=""
for key in {keys}; do
  if ! grep -qxF "$key" <<< "$present"; then missing="$missing $key"; fi
done
if [ -n "$missing" ]; then
  echo "::error::The Secret {name} in {namespace} lacks:$missing. Create or update it as the kustomization header says."
  exit 1
fi
checksum() {{
  local key
  for key in "$@"; do kubectl get secret {name} --namespace {namespace} -o "jsonpath={{.data.$key}}"; echo; done | sha256sum | cut -c1-16
}}
"#,
        keys = keys.join(" ")
    );
    for reader in &secret.readers {
        let keys: Vec<&str> = reader.keys.iter().map(String::as_str).collect();
        script.push_str(&format!("{}=$(checksum {})\n", checksum_variable(reader), keys.join(" ")));
    }
    script
}

/// The Secrets made outside the stack that the applied objects need: the registry credentials
/// built images are pulled with, and the project's own TLS certificate (cert-manager makes the
/// ones it issues).
fn outside_secrets(deploy: &Deploy, lowered: &Lowered) -> Vec<String> {
    let mut names = Vec::new();
    if lowered.pulls_built_images {
        names.push(deploy.cluster.pull_secret.clone());
    }
    if let stack_dsl::Certificates::Secret(_) = &deploy.cluster.certificates {
        names.extend(lowered.tls_secrets.iter().filter(|name| !names.contains(name)).cloned().collect::<Vec<_>>());
    }
    names
}

/// Fails naming each of `names` missing from the namespace, before anything is applied: without
/// the registry credentials a migration Job waits out its whole deadline in ImagePullBackOff,
/// and without the certificate the ingress controller serves its own and the smoke test fails,
/// neither saying why.
fn outside_secrets_check(names: &[String], namespace: &str) -> String {
    if names.is_empty() {
        return String::new();
    }
    format!(
        r#"# The Secrets made outside the stack (registry credentials, the certificate) must exist too.
for name in {names}; do
  if ! kubectl get secret "$name" --namespace {namespace} >/dev/null 2>&1; then
    echo "::error::The Secret $name does not exist in {namespace}. Create it as the kustomization header says."
    exit 1
  fi
done
"#,
        names = names.join(" ")
    )
}

/// The hosts each certificate Secret made outside the stack serves, as the Ingress names them
/// once the deploy put the real host in place of a placeholder: (Secret, hosts as the script
/// spells them).
fn certified_hosts(
    deploy: &Deploy,
    lowered: &Lowered,
    placeholders: &[(String, Prerequisite)],
) -> Vec<(String, Vec<String>)> {
    if !matches!(deploy.cluster.certificates, stack_dsl::Certificates::Secret(_)) {
        return Vec::new();
    }
    let mut certified: Vec<(String, Vec<String>)> = Vec::new();
    let ingresses = lowered.files.iter().flat_map(|(_, objects)| objects).filter_map(|o| match o {
        Object::Ingress(ingress) => ingress.spec.as_ref()?.tls.as_ref(),
        _ => None,
    });
    for tls in ingresses.flatten() {
        let Some(secret) = tls.secret_name.clone() else { continue };
        let hosts = tls.hosts.iter().flatten().map(|host| {
            match placeholders.iter().find(|(placeholder, _)| placeholder == host) {
                Some((_, variable)) => format!("\"${{{}}}\"", variable.name),
                None => host.clone(),
            }
        });
        match certified.iter_mut().find(|(name, _)| *name == secret) {
            Some((_, known)) => known.extend(hosts),
            None => certified.push((secret, hosts.collect())),
        }
    }
    certified
}

/// Fails before anything is applied when a certificate Secret the stack does not renew has
/// expired, expires within a day, or does not cover a host it serves (a host changed in the
/// repository variable, not in the certificate), and warns two weeks ahead: otherwise the smoke
/// test fails on a TLS error and the deploy rolls back without saying why. Let's Encrypt no
/// longer emails expiry notices, so the deploy is where a team hears of it:
/// <https://letsencrypt.org/2025/01/22/ending-expiration-emails/>.
fn certificate_check(certified: &[(String, Vec<String>)], namespace: &str) -> String {
    if certified.is_empty() {
        return String::new();
    }
    let mut script = format!(
        r#"# The certificates made outside the stack must cover each host they serve and outlast the deploy.
certificate_covers() {{
  local secret=$1 crt host
  shift
  crt=$(kubectl get secret "$secret" --namespace {namespace} -o jsonpath='{{.data.tls\.crt}}' | base64 -d)
  if ! openssl x509 -noout -checkend 86400 <<< "$crt" > /dev/null; then
    echo "::error::The certificate in the Secret $secret has expired or expires within a day. Renew it as the kustomization header says."
    return 1
  fi
  if ! openssl x509 -noout -checkend 1209600 <<< "$crt" > /dev/null; then
    echo "::warning::The certificate in the Secret $secret expires within 14 days ($(openssl x509 -noout -enddate <<< "$crt")). Renew it as the kustomization header says."
  fi
  for host in "$@"; do
    if ! openssl x509 -noout -checkhost "$host" <<< "$crt" | grep -q ' does match '; then
      echo "::error::The certificate in the Secret $secret does not cover $host. Renew it for that host as the kustomization header says."
      return 1
    fi
  done
}}
"#
    );
    for (secret, hosts) in certified {
        script.push_str(&format!("certificate_covers {secret} {}\n", hosts.join(" ")));
    }
    script
}

/// Removes `replicas` from what kubectl last applied to each autoscaled workload, the documented
/// migration to an autoscaler: otherwise applying a manifest without `replicas` over one applied
/// with it scales the workload to one replica first.
/// <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling>
fn hand_replicas_to_autoscalers(stack: &ValidStack, namespace: &str) -> String {
    let autoscaled: Vec<&str> = stack
        .services()
        .filter(|s| s.autoscale.is_some() && s.run == Run::Continuously)
        .map(|s| s.name.as_str())
        .collect();
    if autoscaled.is_empty() {
        return String::new();
    }
    format!(
        r#"# Autoscaled workloads: replicas leave what kubectl last applied, so this apply keeps their count.
for name in {names}; do
  for kind in deployment statefulset; do
    last=$(kubectl get "$kind/$name" --namespace {namespace} --ignore-not-found -o jsonpath='{{.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}}')
    if [ -n "$last" ] && jq -e '.spec.replicas != null' <<< "$last" > /dev/null; then
      jq 'del(.spec.replicas)' <<< "$last" | kubectl apply set-last-applied --namespace {namespace} -f -
    fi
  done
done
"#,
        names = autoscaled.join(" ")
    )
}

/// kubectl at [`KUBECTL_VERSION`] unless the runner already has it: downloaded from the
/// Kubernetes release site and checked against the checksum published beside it, then put
/// first on the PATH of this and later steps (the rollback).
/// <https://kubernetes.io/docs/tasks/tools/install-kubectl-linux/#install-kubectl-binary-with-curl-on-linux>
fn install_kubectl() -> String {
    format!(
        r#"# kubectl {KUBECTL_VERSION} (its kustomize with it): within one minor version of the cluster.
if [ "$(kubectl version --client -o json 2> /dev/null | jq -r .clientVersion.gitVersion)" != {KUBECTL_VERSION} ]; then
  mkdir -p "$RUNNER_TEMP/bin"
  url=https://dl.k8s.io/release/{KUBECTL_VERSION}/bin/linux/amd64/kubectl
  curl --fail --silent --show-error --location --output "$RUNNER_TEMP/bin/kubectl" "$url"
  echo "$(curl --fail --silent --show-error --location "$url.sha256")  $RUNNER_TEMP/bin/kubectl" | sha256sum --check --quiet
  chmod +x "$RUNNER_TEMP/bin/kubectl"
  export PATH="$RUNNER_TEMP/bin:$PATH"
  echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
fi
"#
    )
}

/// The ConfigMap recording the digest each third-party reference was pinned to, as
/// `reference digest` lines under [`DIGESTS_KEY`]; named without a hash so the next deploy finds
/// it, and labelled like the stack so the prune keeps it while the overlay generates it.
const DIGESTS_CONFIG_MAP: &str = "stackwright-image-digests";
/// Its key, and the overlay's file it is generated from. A reference (`postgres:16-alpine`,
/// `registry:5000/team/app:1`) is no valid ConfigMap key, so the references are in the value.
const DIGESTS_KEY: &str = "digests";

/// The generator of [`DIGESTS_CONFIG_MAP`] from the file [`resolve_digests`] writes beside the
/// overlay; none without a pinned image.
fn digests_config_map(stack: &ValidStack, third_party: &ThirdParty) -> Option<ConfigMapGenerator> {
    (!third_party.images.is_empty()).then(|| ConfigMapGenerator {
        name: DIGESTS_CONFIG_MAP.into(),
        files: vec![DIGESTS_KEY.into()],
        options: GeneratorOptions { labels: labels::stack_labels(stack), disable_name_suffix_hash: true },
    })
}

/// The workflow header's line on how `deploy`'s environment keeps its third-party digests and
/// how a team takes upstream patches on purpose; none without a pinned image.
pub fn digests_note(deploy: &Deploy) -> Result<Option<String>, Error> {
    let third_party = third_party_images(deploy.stack, deploy.cluster)?;
    if third_party.images.is_empty() {
        return Ok(None);
    }
    let env = deploy.stack.env();
    let namespace = kubernetes_namespace(&deploy.stack.name, env);
    let references: Vec<&str> = third_party.images.iter().map(|(_, reference)| reference.as_str()).collect();
    if let Some(job) = deploy.tested_by {
        return Ok(Some(format!(
            "In {env}, {} run at the digests {job} ran and smoke-tested in the same run, whatever their tags name by \
             the time {env} deploys.",
            references.join(", ")
        )));
    }
    Ok(Some(format!(
        "In {env}, {} stay at the digest recorded in the ConfigMap {DIGESTS_CONFIG_MAP} of {namespace} until the \
         stack changes their tag, so an upstream retag restarts nothing; to take upstream patches of the same tags: \
         kubectl delete configmap {DIGESTS_CONFIG_MAP} --namespace {namespace}, then run the deploy.",
        references.join(", ")
    )))
}

/// Sets each third-party image's digest (`digest_<i>`), so that every node runs the same bits
/// until the stack changes its reference: the digest the earlier environment of the same run
/// tested (`tested`), else the digest an earlier deploy recorded for the same reference, else
/// the one its tag names now. An upstream retag then restarts nothing on an
/// unrelated deploy; deleting the record takes the tags' current digests on the next deploy.
/// Writes the record for the overlay's generator into `overlay_dir`, which exists.
/// <https://docs.docker.com/reference/cli/docker/buildx/imagetools/inspect/>
fn resolve_digests(third_party: &ThirdParty, namespace: &str, overlay_dir: &str, tested: bool) -> String {
    if third_party.images.is_empty() {
        return String::new();
    }
    // After an earlier environment in the same run, its digests (`TESTED_DIGESTS`, `ref digest`
    // pairs separated by commas) come first: this environment runs what that one's smoke test
    // passed with, whatever its own record or the tags say now.
    let tested = if tested {
        r#"  digest=$(tr ',' '\n' <<< "$TESTED_DIGESTS" | awk -v reference="$1" '$1 == reference { print $2; exit }')
  if [[ $digest == sha256:* ]]; then echo "$1 runs at $digest, as the earlier environment of this run tested it." >&2; echo "$digest"; return 0; fi
"#
    } else {
        ""
    };
    let mut script = format!(
        r#"# Third-party images stay at the digest recorded for their reference until the stack changes it;
# a new reference runs the bits its tag names now. To take upstream patches of the same tags:
# kubectl delete configmap {DIGESTS_CONFIG_MAP} --namespace {namespace}, then deploy.
recorded=$(kubectl get configmap {DIGESTS_CONFIG_MAP} --namespace {namespace} --ignore-not-found -o jsonpath='{{.data.{DIGESTS_KEY}}}')
digest() {{
  local digest
{tested}  digest=$(awk -v reference="$1" '$1 == reference {{ print $2; exit }}' <<< "$recorded")
  if [[ $digest == sha256:* ]]; then
    echo "$1 stays at $digest, as recorded; kubectl delete configmap {DIGESTS_CONFIG_MAP} --namespace {namespace} takes its tag's current digest on the next deploy." >&2
  else
    digest=$(docker buildx imagetools inspect "$1" --format '{{{{json .Manifest}}}}' | jq -r .digest)
  fi
  if [[ $digest != sha256:* ]]; then echo "::error::No digest for $1." >&2; return 1; fi
  echo "$digest"
}}
"#
    );
    let mut record = Vec::new();
    for (i, (_, reference)) in third_party.images.iter().enumerate() {
        script.push_str(&format!("digest_{i}=$(digest {reference})\n"));
        record.push(format!("\"{reference} $digest_{i}\""));
    }
    script.push_str(&format!("printf '%s\\n' {} > {overlay_dir}/{DIGESTS_KEY}\n", record.join(" ")));
    // A reference the stack no longer names keeps its digest in the record, so returning to it
    // (a reverted tag, or a failed deploy's rollback followed by a revert) restarts nothing.
    script.push_str(&format!(
        "awk 'NR == FNR {{ named[$1] = 1; next }} NF == 2 && !($1 in named)' {overlay_dir}/{DIGESTS_KEY} - <<< \"$recorded\" > \"$RUNNER_TEMP/digests-kept\"\n\
         cat \"$RUNNER_TEMP/digests-kept\" >> {overlay_dir}/{DIGESTS_KEY}\n"
    ));
    // What this environment runs, for the next one (`deploy.outputs.digests`).
    let current =
        third_party.images.iter().enumerate().map(|(i, (_, reference))| format!("{reference} ${{digest_{i}}}"));
    script.push_str(&format!(
        "echo \"{DIGESTS_OUTPUT}={}\" >> \"$GITHUB_OUTPUT\"\n",
        current.collect::<Vec<_>>().join(",")
    ));
    for repository in &third_party.ambiguous {
        // Kustomize pins images by repository; one run at two tags keeps its tags.
        script.push_str(&format!(
            "echo \"::warning::{repository} runs at two tags, so it is not pinned to a digest.\"\n"
        ));
    }
    script
}

/// Waits until a Job completes or fails, for at most its deadline and a minute; a failure
/// prints the Job's last log lines.
fn wait_for_job() -> String {
    let polls = (JOB_DEADLINE_SECONDS + 60) / JOB_POLL_SECONDS;
    format!(
        r#"wait_for_job() {{
  local namespace=$1 job=$2 state
  for _ in $(seq {polls}); do
    # A failed look (an API hiccup) is one look fewer, not the end of the deploy.
    state=$(kubectl get "job/$job" --namespace "$namespace" -o jsonpath='{{range .status.conditions[?(@.status=="True")]}}{{.type}}{{" "}}{{end}}' || true)
    case " $state" in
      *" Complete "*) echo "Job $job completed."; return 0 ;;
      *" Failed "*)
        echo "::error::Job $job failed; the services that wait for it were not updated. Its last log lines:"
        kubectl logs "job/$job" --namespace "$namespace" --all-containers --tail=50 || true
        return 1 ;;
    esac
    sleep {JOB_POLL_SECONDS}
  done
  echo "::error::Job $job did not finish within {limit}s."
  return 1
}}
"#,
        limit = JOB_DEADLINE_SECONDS + 60
    )
}

/// The deploy step's output listing the third-party digests it ran, `ref digest` pairs.
const DIGESTS_OUTPUT: &str = "digests";

/// How long the prune after the smoke test may take.
const PRUNE_MINUTES: u32 = 5;

/// The Kubernetes deploy of `deploy`'s environment.
pub fn plan(deploy: &Deploy) -> Result<Plan, Error> {
    let env = deploy.stack.env();
    let namespace = kubernetes_namespace(&deploy.stack.name, env);
    let stack_secret = stack_secret(deploy.stack, deploy.cluster)?;
    let third_party = third_party_images(deploy.stack, deploy.cluster)?;
    let overlay_dir = format!(".stackwright/{env}");
    let placeholders = placeholder_hosts(deploy)?;
    // The objects the deploy applies, as rendered: read for the hosts to patch and the Secrets
    // they need.
    let lowered = crate::kubernetes::lower::lower(deploy.stack, deploy.cluster)?;
    let order = &lowered.deploy_order;
    let overlay = Overlay {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        namespace: namespace.clone(),
        resources: vec![format!("../../{}", deploy.options.from_root(&kubernetes_dir(env)))],
        images: images_of(deploy)
            .into_iter()
            .map(|image| OverlayImage {
                name: image.name.clone(),
                new_name: Some(format!("{}/{}", deploy.registry, image.name)),
                new_tag: Some(format!("${{GITHUB_SHA}}{}", image.tag_suffix())),
                digest: None,
            })
            .chain(third_party.images.iter().enumerate().map(|(i, (repository, _))| OverlayImage {
                name: repository.clone(),
                new_name: None,
                new_tag: None,
                digest: Some(format!("${{digest_{i}}}")),
            }))
            .collect(),
        config_map_generator: config_maps(deploy.stack, 2)
            .into_iter()
            .chain(digests_config_map(deploy.stack, &third_party))
            .collect(),
        patches: real_hosts(deploy, &lowered, &placeholders)?
            .into_iter()
            .chain(release_names(order))
            .chain(stack_secret.iter().flat_map(secret_checksums))
            .collect(),
    };
    let overlay = yaml::document(&overlay_dir, "", &overlay)?;
    let apply = "kubectl apply -f \"$RUNNER_TEMP/manifests.yaml\"\n";
    let passes = if !order.has_jobs() {
        apply.to_string()
    } else {
        let selector = order.first_pass_selector();
        let first = if selector.is_empty() {
            apply.to_string()
        } else {
            format!(
                "# Everything but the services that wait for the Jobs, then the Jobs, then those services.\n\
                 kubectl apply -f \"$RUNNER_TEMP/manifests.yaml\" --selector '{selector}'\n"
            )
        };
        let settle = match order.before_jobs_selector() {
            None => String::new(),
            Some(before_jobs) => {
                let mut settle = format!(
                    "# The data stores roll out before the Jobs start, so a migration never meets one restarting.\n\
                     kubectl apply -f \"$RUNNER_TEMP/manifests.yaml\" --selector '{before_jobs}'\n"
                );
                for name in &order.settled_first {
                    settle.push_str(&format!(
                        "kubectl rollout status statefulset/{name} --namespace {namespace} --timeout={ROLLOUT_MINUTES}m\n"
                    ));
                }
                settle
            }
        };
        format!(
            "{settle}{first}resources Job | while read -r namespace name; do wait_for_job \"$namespace\" \"$name\"; done\n{apply}"
        )
    };
    // Its own step, after the smoke test passed: a rollback (after a failed rollout or smoke
    // test) still finds the ConfigMaps and Jobs of the revision it returns to. A failed prune
    // leaves a working deploy in place, so it warns instead of failing the job.
    let prune = format!(
        "set -euo pipefail\n\
         # The rollout and the smoke test passed: a cancel from here on rolls nothing back.\n\
         touch \"$RUNNER_TEMP/verified\"\n\
         # What the stack no longer has (and superseded ConfigMaps and Jobs), scoped by its label.\n\
         if ! kubectl apply -f \"$RUNNER_TEMP/manifests.yaml\" --prune --selector app.kubernetes.io/instance={namespace} {}; then\n\
         \x20 echo \"::warning::The {env} deploy succeeded, but removing what the stack no longer has failed; the next deploy prunes it.\"\n\
         fi\n",
        kept::PRUNED_KINDS.iter().map(|k| format!("--prune-allowlist={k}")).collect::<Vec<_>>().join(" ")
    );
    let install = install_kubectl();
    let digests = resolve_digests(&third_party, &namespace, &overlay_dir, deploy.tested_by.is_some());
    let kept = kept::apply_command(&kept::kept_files(deploy.stack), &deploy.options.from_root(&kubernetes_dir(env)));
    let secret_check = stack_secret.as_ref().map(|s| secret_check(s, &namespace)).unwrap_or_default()
        + &outside_secrets_check(&outside_secrets(deploy, &lowered), &namespace)
        + &certificate_check(&certified_hosts(deploy, &lowered, &placeholders), &namespace);
    let autoscalers = hand_replicas_to_autoscalers(deploy.stack, &namespace);
    let wait_for_job = if order.has_jobs() { wait_for_job() } else { String::new() };
    let script = format!(
        r#"set -euo pipefail
umask 077
printf '%s\n' "$KUBECONFIG_DATA" > "$KUBECONFIG"
{install}# Each deploy (and each re-run of one) runs its Jobs under new names.
release="${{GITHUB_SHA:0:12}}-$GITHUB_RUN_ATTEMPT"
# The namespace and the claims holding data are applied apart from the kustomization.
{kept}
{secret_check}mkdir -p {overlay_dir}
{digests}cat > {overlay_dir}/kustomization.yaml <<EOF
{overlay}EOF
# The config files live outside the overlay's directory, in the repository.
kubectl kustomize --load-restrictor LoadRestrictionsNone {overlay_dir} > "$RUNNER_TEMP/manifests.yaml"
{KUBE_RESOURCES}{REVISION}{wait_for_job}{RECORD_SPECS}# What runs now, so that the rollback undoes only what this deploy changes.
for kind in Deployment StatefulSet; do
  resources "$kind" | while read -r namespace name; do echo "$kind $namespace $name $(revision "$kind" "$namespace" "$name")"; done
done > "$RUNNER_TEMP/before"
{autoscalers}{passes}for kind in Deployment StatefulSet; do
  resources "$kind" | while read -r namespace name; do
    kubectl rollout status "${{kind,,}}/$name" --namespace "$namespace" --timeout={ROLLOUT_MINUTES}m
  done
done
"#
    );
    let rollback = format!(
        r#"set -euo pipefail
if [ ! -f "$RUNNER_TEMP/before" ]; then echo "Nothing was applied."; exit 0; fi
if [ -f "$RUNNER_TEMP/verified" ]; then
  echo "::warning::The {env} deploy and its smoke test passed before the run stopped; nothing is rolled back."
  exit 0
fi
{KUBE_RESOURCES}{REVISION}{RESTORE_SPECS}for kind in Deployment StatefulSet; do
  resources "$kind" | while read -r namespace name; do
    if ! grep -q "^$kind $namespace $name " "$RUNNER_TEMP/before"; then
      echo "::warning::$kind $name was created by this deploy; there is no earlier version to return to."
      continue
    fi
    before=$(awk -v kind="$kind" -v name="$name" '$1 == kind && $3 == name {{ print $4 }}' "$RUNNER_TEMP/before")
    now=$(revision "$kind" "$namespace" "$name" || true)
    if [ "$before" != "$now" ] && [ "$kind" = Deployment ]; then
      kubectl rollout undo "deployment/$name" --namespace "$namespace" --to-revision="$before"
      kubectl rollout status "deployment/$name" --namespace "$namespace" --timeout={ROLLOUT_MINUTES}m
    elif [ "$before" != "$now" ]; then
      # Forced rollback: revert the template, then delete the pods already started from the
      # failed revision; a pod that never became ready would otherwise block the rollout.
      kubectl rollout undo "statefulset/$name" --namespace "$namespace" \
        --to-revision="$(kubectl get controllerrevision "$before" --namespace "$namespace" -o jsonpath='{{.revision}}')"
      echo "::error::StatefulSet $name: template reverted to $before. Forced rollback: kubectl delete pod --namespace $namespace --selector app.kubernetes.io/name=$name,controller-revision-hash=$now"
      kubectl delete pod --namespace "$namespace" --selector "app.kubernetes.io/name=$name,controller-revision-hash=$now"
      kubectl rollout status "statefulset/$name" --namespace "$namespace" --timeout={ROLLOUT_MINUTES}m
    fi
  done
done
echo "::error::The {env} deploy failed; what it changed (workloads, routes, Services) was put back as it ran before. NetworkPolicies, disruption budgets, autoscalers, CronJobs and ConfigMaps stay as this deploy applied them, and migrations are not reverted."
"#
    );
    // The longest the deploy may wait, so that its step limit (and the job's, which holds it)
    // lets the rollback run: the Jobs until their deadline and a minute, each workload's rollout
    // one after another (the StatefulSets awaited before the Jobs twice), and five minutes for
    // kubectl, the digests and the applies.
    let workloads = deploy.stack.services().filter(|s| s.run == Run::Continuously && left_out(s).is_none()).count()
        + order.settled_first.len();
    let job_minutes = if order.has_jobs() { (JOB_DEADLINE_SECONDS + 60).div_ceil(60) } else { 0 };
    let deploy_minutes = 5 + job_minutes + ROLLOUT_MINUTES * u32::try_from(workloads).unwrap_or(u32::MAX / 20);
    let kubeconfig = format!("{}/kubeconfig", expr("runner.temp"));
    let mut deploy_step = Step::run(format!("Apply {}", kubernetes_dir(env)), script);
    for (_, variable) in &placeholders {
        deploy_step = deploy_step.env(variable.name.clone(), variable.reference());
    }
    if let (Some(job), false) = (deploy.tested_by, third_party.images.is_empty()) {
        deploy_step = deploy_step.env("TESTED_DIGESTS", expr(&format!("needs.{job}.outputs.{DIGESTS_OUTPUT}")));
    }
    let outputs = match third_party.images.is_empty() {
        true => Vec::new(),
        false => vec![(DIGESTS_OUTPUT.to_string(), expr(&format!("steps.deploy.outputs.{DIGESTS_OUTPUT}")))],
    };
    Ok(Plan {
        checkout: true,
        permissions: vec![(Scope::Contents, Access::Read)],
        deploy: deploy_step
            .timeout_minutes(deploy_minutes)
            .env("KUBECONFIG_DATA", secret("KUBECONFIG"))
            .env("KUBECONFIG", kubeconfig.clone()),
        rollback: rollback_step(rollback).env("KUBECONFIG", kubeconfig.clone()),
        after_smoke: Some(
            Step::run(format!("Prune what {} no longer has", kubernetes_dir(env)), prune)
                .timeout_minutes(PRUNE_MINUTES)
                .env("KUBECONFIG", kubeconfig),
        ),
        outputs,
    })
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use stack_dsl::{Autoscale, Env, Image, Mount, Port, Project, Service, Stack};

    use super::*;
    use crate::kubernetes::Object;
    use crate::options::Options;

    /// The overlay generates exactly the ConfigMaps the manifests' pods mount: the left-out
    /// nginx's file is neither generated nor required.
    #[test]
    fn only_mounted_config_files_are_generated() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let api = stack.add_service(
                Service::new("api", Image::new("shop:1"))
                    .port(Port::http(8000))
                    .mount(Mount::config("./api.toml", "/etc/api.toml")),
            );
            stack.add_service(
                Service::new("nginx", Image::new("nginx:1.25-alpine"))
                    .port(Port::http(80))
                    .mount(Mount::config("./nginx.conf", "/etc/nginx/conf.d/default.conf"))
                    .edge_proxy_for([&api]),
            );
            stack
        })
        .cluster(stack_dsl::Cluster::new().host(Env::Production, "shop.acme-shop.dev"));
        let valid = project.validate().unwrap();
        let bundle = crate::kubernetes::render(&valid, &Options::with_root("")).unwrap();
        let mut mounted: Vec<String> = bundle
            .files()
            .iter()
            .filter(|f| f.path.ends_with(".yaml") && !f.path.ends_with("kustomization.yaml"))
            .flat_map(|f| {
                f.contents.split("\n---\n").map(|d| serde_saphyr::from_str::<Object>(d).unwrap()).collect::<Vec<_>>()
            })
            .filter_map(|o| match o {
                Object::Deployment(d) => d.spec.and_then(|s| s.template.spec),
                Object::StatefulSet(s) => s.spec.and_then(|s| s.template.spec),
                Object::Job(j) => j.spec.and_then(|s| s.template.spec),
                _ => None,
            })
            .flat_map(|pod| pod.volumes.unwrap_or_default())
            .filter_map(|v| v.config_map.map(|c| c.name))
            .collect();
        mounted.sort();
        let generated: Vec<String> = config_maps(&valid.stacks()[0], 2).into_iter().map(|g| g.name).collect();
        assert_eq!(generated, mounted);
        assert!(!mounted.is_empty());
    }

    /// The step runs against a `kubectl` that reports a last-applied configuration with
    /// `replicas` for `deployment/web` and records what `set-last-applied` receives.
    #[test]
    fn autoscaled_workloads_lose_replicas_from_the_last_applied_configuration() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(
                Service::new("web", Image::new("nginx:1.27")).port(Port::http(80)).autoscale(Autoscale::between(2, 5)),
            );
            stack
        });
        let valid = project.validate().unwrap();
        let script = hand_replicas_to_autoscalers(&valid.stacks()[0], "shop-production");
        let dir = std::env::temp_dir().join(format!("stackwright-autoscale-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let kubectl = r#"#!/usr/bin/env bash
case "$1 $2" in
  "get deployment/web") echo '{"kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":3,"template":{}}}' ;;
  "apply set-last-applied") cat > "$RECORD" ;;
esac
"#;
        std::fs::write(dir.join("kubectl"), kubectl).unwrap();
        Command::new("chmod").arg("+x").arg(dir.join("kubectl")).status().unwrap();
        let path = format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default());
        let status = Command::new("bash")
            .arg("-c")
            .arg(format!("set -euo pipefail\n{script}"))
            .env("PATH", path)
            .env("RECORD", dir.join("record"))
            .status()
            .unwrap();
        assert!(status.success());
        let record = std::fs::read_to_string(dir.join("record")).expect("set-last-applied ran");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(record.contains("\"template\"") && !record.contains("replicas"), "{record}");
    }

    /// A shop whose nginx the cluster replaces, served on a placeholder host with the team's own
    /// certificate, deployed to Kubernetes.
    fn proxied_shop() -> stack_dsl::ValidProject {
        Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let web = stack.add_service(
                Service::new("web", Image::new("shop:1"))
                    .port(Port::http(3000))
                    .healthcheck(stack_dsl::Probe::http(3000, "/health")),
            );
            stack.add_service(
                Service::new("nginx", Image::new("nginx:1.27-alpine"))
                    .port(Port::http(80).published(80))
                    .port(Port::tcp(443).published(443))
                    .edge_proxy_for([&web]),
            );
            stack
        })
        .pipeline(stack_dsl::Pipeline::new(stack_dsl::DeployTarget::Kubernetes))
        .cluster(
            stack_dsl::Cluster::new()
                .certificates(stack_dsl::Certificates::Secret("shop-tls".into()))
                .host(Env::Production, "shop.example.com"),
        )
        .validate()
        .unwrap()
    }

    /// The objects of `project`'s environment as the deploy applies them: each of the overlay's
    /// real-host patches applied with the variables' values put in as the shell does.
    fn applied(project: &stack_dsl::ValidProject, values: &[(&str, &str)]) -> (Plan, Vec<serde_json::Value>) {
        let stack = &project.stacks()[0];
        let options = Options::with_root("");
        let deploy = Deploy {
            project,
            stack,
            cluster: project.cluster(),
            images: &[],
            registry: "${REGISTRY}",
            options: &options,
            tested_by: None,
        };
        let placeholders = placeholder_hosts(&deploy).unwrap();
        let lowered = crate::kubernetes::lower::lower(stack, project.cluster()).unwrap();
        let mut objects: Vec<serde_json::Value> =
            lowered.files.iter().flat_map(|(_, o)| o).map(|o| serde_json::to_value(o).unwrap()).collect();
        for patch in real_hosts(&deploy, &lowered, &placeholders).unwrap() {
            let mut text = patch.patch.clone();
            for (name, value) in values {
                text = text.replace(&format!("${{{name}}}"), value);
            }
            let object = objects
                .iter_mut()
                .find(|o| o["kind"] == patch.target.kind && o["metadata"]["name"] == patch.target.name)
                .expect("the patch's target exists");
            for op in serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap() {
                assert_eq!(op["op"], "replace");
                *object.pointer_mut(op["path"].as_str().unwrap()).expect("the path exists") = op["value"].clone();
            }
        }
        (plan(&deploy).unwrap(), objects)
    }

    /// The overlay's patches turn every placeholder host of the Ingress (rules and TLS) into the
    /// team's host; the deploy step reads the variable.
    #[test]
    fn the_deploy_routes_the_real_host_in_place_of_the_placeholder() {
        let project = proxied_shop();
        let (plan, objects) = applied(&project, &[("PUBLIC_HOST_NGINX_PRODUCTION", "shop.acme.io")]);
        let text = serde_json::Value::Array(objects.clone()).to_string();
        assert!(!text.contains("example.com"), "{text}");
        let ingress = objects.iter().find(|o| o["kind"] == "Ingress").expect("an Ingress");
        assert_eq!(ingress["spec"]["rules"][0]["host"], "shop.acme.io");
        assert_eq!(ingress["spec"]["tls"][0]["hosts"][0], "shop.acme.io");
        assert!(plan.deploy.env.contains_key("PUBLIC_HOST_NGINX_PRODUCTION"));
    }

    /// With cert-manager, a placeholder gets no certificate request, so the deploy cannot route
    /// its real host over TLS: the stack must name the real host, or bring its own certificate.
    #[test]
    fn a_placeholder_host_certified_by_cert_manager_is_refused_for_a_kubernetes_deploy() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(
                Service::new("web", Image::new("shop-web:1"))
                    .port(Port::http(3000))
                    .route(stack_dsl::Route::new("shop.example.com").tls()),
            );
            stack
        })
        .pipeline(stack_dsl::Pipeline::new(stack_dsl::DeployTarget::Kubernetes))
        .cluster(stack_dsl::Cluster::new().certificates(stack_dsl::Certificates::ClusterIssuer("letsencrypt".into())))
        .validate()
        .unwrap();
        let options = Options::with_root("");
        let deploy = Deploy {
            project: &project,
            stack: &project.stacks()[0],
            cluster: project.cluster(),
            images: &[],
            registry: "${REGISTRY}",
            options: &options,
            tested_by: None,
        };
        let Err(Error::Unsupported { service, reason, fix, .. }) = placeholder_hosts(&deploy) else {
            panic!("accepted a placeholder host that cert-manager never certifies");
        };
        assert_eq!(service, "web");
        assert!(reason.contains("shop.example.com") && reason.contains("letsencrypt"), "{reason}");
        assert!(fix.contains("Certificates::Secret") && fix.contains("Env::Production"), "{fix}");
    }

    /// The deploy stops before applying anything when the registry credentials or the project's
    /// certificate are missing, naming the Secret, instead of waiting out a Job's deadline.
    #[test]
    fn secrets_made_outside_the_stack_are_checked_before_anything_is_applied() {
        let project = proxied_shop();
        let options = Options::with_root("");
        let deploy = Deploy {
            project: &project,
            stack: &project.stacks()[0],
            cluster: project.cluster(),
            images: &[],
            registry: "${REGISTRY}",
            options: &options,
            tested_by: None,
        };
        let lowered = crate::kubernetes::lower::lower(deploy.stack, deploy.cluster).unwrap();
        let names = outside_secrets(&deploy, &lowered);
        let stack_dsl::Certificates::Secret(certificate) = &project.cluster().certificates else {
            panic!("the project brings its own certificate")
        };
        assert!(names.contains(certificate), "{names:?}");
        let script = outside_secrets_check(&names, "shop-production");
        assert!(script.contains(&format!("for name in {};", names.join(" "))), "{script}");
        assert!(script.contains("exit 1"), "{script}");
    }

    /// A public origin in a container's environment names the real host too, so a browser on it
    /// is allowed.
    #[test]
    fn public_origins_in_the_environment_name_the_real_host() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let web = stack.reference("web");
            stack.add_service(
                Service::new("web", Image::new("shop-web:1"))
                    .port(Port::http(3000))
                    .route(stack_dsl::Route::new("shop.example.com").tls()),
            );
            stack.add_service(
                Service::new("api", Image::new("shop-api:1"))
                    .port(Port::http(8000))
                    .env("CORS_ORIGINS", web.public_url()),
            );
            stack
        })
        .pipeline(stack_dsl::Pipeline::new(stack_dsl::DeployTarget::Kubernetes))
        .cluster(stack_dsl::Cluster::new().certificates(stack_dsl::Certificates::Secret("shop-tls".into())))
        .validate()
        .unwrap();
        let (_, objects) = applied(&project, &[("PUBLIC_HOST_WEB_PRODUCTION", "shop.acme.io")]);
        let api = objects.iter().find(|o| o["kind"] == "Deployment" && o["metadata"]["name"] == "api").expect("api");
        let env = &api["spec"]["template"]["spec"]["containers"][0]["env"];
        let cors = env.as_array().unwrap().iter().find(|e| e["name"] == "CORS_ORIGINS").expect("CORS_ORIGINS");
        assert_eq!(cors["value"], "https://shop.acme.io");
    }

    /// The smoke test calls the cluster's host (from its variable), which replaces the proxy
    /// in front of web's health endpoint.
    #[test]
    fn the_smoke_test_calls_the_clusters_real_host() {
        let bundle = crate::actions::render(&proxied_shop(), &Options::with_root("")).unwrap();
        let deploy = bundle.files().iter().find(|f| f.path.ends_with("deploy.yml")).expect("deploy.yml");
        assert!(deploy.contents.contains("\"https://$PUBLIC_HOST_NGINX_PRODUCTION/health\""), "{}", deploy.contents);
        assert!(deploy.contents.contains("require \"the repository's variables"), "{}", deploy.contents);
    }
}
