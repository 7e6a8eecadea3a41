//! Kubernetes: one kustomization directory per environment, `kubernetes/<env>/`, applied with
//! `kubectl apply -k kubernetes/<env>`. Objects are typed `k8s-openapi` structs for
//! Kubernetes 1.33 (the API versions used are the same from 1.29 to 1.37), checked against
//! the strict 1.33 schemas and by a security scanner.
//!
//! Each stack and environment gets its own namespace, `<stack>-<env>`, labelled to enforce the
//! `restricted` Pod Security Standard. Files: `namespace.yaml`, `volumes.yaml` (standalone claims),
//! `job-waiter.yaml` (when a service waits for a Job), one `<service>.yaml` per service (its
//! workload, Service, autoscaler and disruption budget), `ingress.yaml`,
//! `network-policies.yaml`, and `kustomization.yaml`, whose header lists what must exist
//! before the first apply (the Secret's keys, ConfigMaps from repository files).
//!
//! | model | Kubernetes |
//! | --- | --- |
//! | `Run::Continuously`, stateless | `Deployment` (`apps/v1`) |
//! | `Run::Continuously`, mounting a volume no other service mounts | `StatefulSet` with a `volumeClaimTemplates` entry per persistent volume |
//! | `Run::Once` (migrations) | `Job`, `backoffLimit: 0` (a failed migration stops, it does not loop) |
//! | `Run::OnSchedule` | `CronJob`, `timeZone: Etc/UTC`, `concurrencyPolicy: Forbid` |
//! | `Port` | container port and a `ClusterIP` `Service` port named `http-N` / `tcp-N` |
//! | `.published(h)` | **explicit choice**: not exposed outside the cluster (ClusterIP only); a warning names the port and the `kubectl port-forward` command. Public traffic goes through routes |
//! | `Route` (host, path, TLS) | one `Ingress` (`networking.k8s.io/v1`) rule per host, `pathType: Prefix`; TLS hosts name the certificate Secret `<host>-tls` (cert-manager or the operator creates it). The cluster's default ingress class serves it |
//! | `Traefik` edge | replaced by the cluster's ingress controller |
//! | health check | `readinessProbe`, and `livenessProbe` unless `.liveness(..)` gives its own; `http` → `httpGet`, `exec` → `exec`, `shell` → `exec sh -c`, `tcp` → `tcpSocket`; interval → `periodSeconds`, timeout → `timeoutSeconds`, retries → `failureThreshold` |
//! | start period | `startupProbe` allowing start period ÷ interval + retries failures |
//! | `Ready::Healthy` / `Started` | init container `wait-for-<dep>` (busybox `nc`) that waits until the dependency's Service accepts connections, which it only does once the dependency is ready |
//! | `Ready::Completed` (migrations first) | init container running `kubectl wait --for=condition=complete job/<dep>` under the `job-waiter` service account (may only read Jobs) |
//! | `EnvValue::Literal` | `value`, `$(` escaped as `$$(` |
//! | `EnvValue::Secret` | `secretKeyRef` to the Secret `<stack>-secrets`, which the emitter never writes: the kustomization header lists its keys and the command that creates it |
//! | host / port / URL references | the Service's DNS name (the service's name) and port |
//! | `database_url()` | the password as a `secretKeyRef` variable, then `postgresql://user:$(PASSWORD)@host:port/db` expanded by Kubernetes (unencoded: the kustomization header says the password must be URL-safe) |
//! | `External::at` / `managed` | its host and port / its URL as a `secretKeyRef`; `host.docker.internal` is reported (pods have no Docker host) |
//! | `Volume::persistent`, one service | claim template, `ReadWriteOnce`, the volume's size (1Gi when unset) |
//! | `Volume::persistent`, several services | a standalone `PersistentVolumeClaim`, `ReadWriteMany`; reported, as the storage class must support it |
//! | `Volume::persistent`, one job or cron job | a standalone `PersistentVolumeClaim`, `ReadWriteOnce`, kept between runs |
//! | `Volume::external` | a claim the workload mounts by name, created outside the stack (listed in the header) |
//! | `Mount::config` | a ConfigMap volume mounted with `subPath`, created from the repository's file (command in the header) |
//! | `Mount::tmpfs` | `emptyDir` with `medium: Memory` and the mount's size limit |
//! | `Mount::bind` | **not expressible** (pods have no host directories): left out and reported |
//! | networks | a `default-deny-ingress` NetworkPolicy, then one per service allowing its ports from the services that share a network with it, and routed ports from anywhere (the ingress controller); a service on internal networks only may also connect only to its peers and DNS |
//! | replicas / `Autoscale` | `replicas` / a `HorizontalPodAutoscaler` (`autoscaling/v2`, CPU utilisation; the workload leaves `replicas` to it) |
//! | more than one replica | `PodDisruptionBudget` with `maxUnavailable: 1` |
//! | resources | requests = reservations, limits = limits; defaults where unset: requests 100m CPU / 128Mi, limits 1 CPU / 512Mi |
//! | user | `runAsUser`/`runAsGroup`/`fsGroup` of a numeric `.user(uid)`; otherwise uid and gid 10001. A named user cannot be checked by Kubernetes: uid 10001 and a warning. `.user(0)` runs as root, reported, and the namespace enforces `baseline` instead |
//! | read-only root | `readOnlyRootFilesystem: true` (false unless declared) |
//! | restart policy | long-running: always restarted (a `never`/`on-failure` policy is reported); jobs: `restartPolicy: Never` or `OnFailure` |
//! | `Image::build` | the image name in the manifests, its tag in `kustomization.yaml` `images:` (`latest` until the pipeline sets the commit SHA with `kustomize edit set image`) |
//! | labels | `app.kubernetes.io/{name,instance,component,part-of,managed-by}`; container labels are Compose's and are not carried over |
//!
//! Hardening every container gets: `runAsNonRoot`, `allowPrivilegeEscalation: false`,
//! `privileged: false`, all capabilities dropped, `seccompProfile: RuntimeDefault`,
//! `automountServiceAccountToken: false` (except pods that wait for a Job),
//! `enableServiceLinks: false` (service links would add `<NAME>_PORT=tcp://…` variables that
//! clash with the applications' own `REDIS_PORT`), `imagePullPolicy: Always` (tags such as the
//! commit SHA are re-checked), and requests and limits.
//!
//! Security checks (checkov) accepted, with the reason:
//! - everywhere: `CKV_K8S_43` (images by digest): third-party images are pinned by the stack's
//!   tag and built images by the commit SHA the pipeline sets; `CKV_K8S_22` (read-only root
//!   everywhere): a read-only root is declared per service (`.read_only_root()`), as forcing it
//!   breaks images that write outside their mounts; `CKV_K8S_35` (secrets as files): the team
//!   applications read their configuration from environment variables.
//! - per workload, as a `checkov.io/skip` annotation on the object itself, so the exception
//!   and its reason are reviewed with the object: `CKV_K8S_40` (uid below 10000) where the
//!   stack gives the uid its image expects; `CKV_K8S_23`/`CKV_K8S_40` where it runs as root;
//!   `CKV_K8S_38` (service-account token) on pods that wait for a Job; `CKV_K8S_8`/`CKV_K8S_9`
//!   (probes) where the stack declares no health check; `CKV_K8S_14` (image tag) on built
//!   images, whose tag the pipeline sets at deploy time, and on third-party images the stack
//!   leaves unpinned (also reported as a warning).

mod env;
mod kustomization;
mod labels;
mod lower;
mod network;
mod object;
mod probe;
mod resources;
mod scaling;
mod security;
mod start_order;
mod storage;
mod workload;

pub use kustomization::{ImageTag, Kustomization};
pub use object::Object;

use stack_dsl::ValidProject;

use crate::bundle::Bundle;
use crate::error::Error;
use crate::layout::{KUBERNETES_DIR, kubernetes_dir};
use crate::options::Options;
use crate::yaml;

/// The checkov checks skipped for every file, with the reasons above.
pub const ACCEPTED_CHECKS: &[&str] = &["CKV_K8S_43", "CKV_K8S_22", "CKV_K8S_35"];

/// Render every environment of `project`.
pub fn render(project: &ValidProject, _options: &Options) -> Result<Bundle, Error> {
    // Nothing here resolves paths relative to the output: notes name repository paths.
    let mut bundle = Bundle::new();
    bundle.own(KUBERNETES_DIR);
    for stack in project.stacks() {
        let env = stack.env();
        let dir = kubernetes_dir(env);
        let lowered = lower::lower(stack)?;
        let subject = format!("stack {} ({env})", project.name());
        let regenerate = project.regenerate_command();
        for (file, objects) in &lowered.files {
            let path = format!("{dir}/{file}");
            let header = yaml::header(&subject, regenerate, &[]);
            bundle.add(path.clone(), yaml::documents(&path, &header, objects)?);
        }
        let path = format!("{dir}/kustomization.yaml");
        let mut notes = prerequisites(&lowered);
        for secret in stack_dsl::secrets_inside_urls(stack) {
            notes.push(format!("The value of the Secret key {secret} {}", stack_dsl::URL_SAFE_PASSWORD));
        }
        let header = yaml::header(&subject, regenerate, &notes);
        bundle.add(path.clone(), yaml::document(&path, &header, &lowered.kustomization)?);
        for warning in lowered.warnings {
            bundle.warn(warning);
        }
    }
    Ok(bundle)
}

/// What must exist before the first `kubectl apply -k`, and how to deploy a new version.
fn prerequisites(lowered: &lower::Lowered) -> Vec<String> {
    let namespace = &lowered.kustomization.namespace;
    let mut notes = vec!["Apply: kubectl apply -k <this directory>".to_string()];
    if !lowered.secret_keys.is_empty() {
        let keys: Vec<&str> = lowered.secret_keys.iter().map(String::as_str).collect();
        notes.push(format!(
            "Before the first apply, create the Secret with keys {}: kubectl create namespace {namespace}; kubectl create secret generic {} -n {namespace} --from-env-file=<file with KEY=value lines, never committed>",
            keys.join(", "),
            lowered.secret_name
        ));
    }
    for config in &lowered.config_maps {
        notes.push(format!(
            "Create the ConfigMap {} from the repository root: kubectl create configmap {} -n {namespace} --from-file={}={}",
            config.name,
            config.name,
            config.key,
            config.path
        ));
    }
    for claim in &lowered.external_claims {
        notes.push(format!("The PersistentVolumeClaim {claim} is created outside the stack, in {namespace}"));
    }
    if !lowered.tls_secrets.is_empty() {
        notes.push(format!(
            "TLS certificates (cert-manager, or kubectl create secret tls): {}",
            lowered.tls_secrets.join(", ")
        ));
    }
    for image in &lowered.kustomization.images {
        notes.push(format!(
            "Deploy a build: kustomize edit set image {}=<registry>/{}:<commit SHA>",
            image.name, image.name
        ));
    }
    if lowered.has_jobs {
        notes.push(format!(
            "Jobs are immutable: before applying a new version, kubectl delete job -n {namespace} -l app.kubernetes.io/component=job"
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Env, Image, Mount, Port, Project, Ready, Service, Stack};

    use super::*;

    #[test]
    fn what_kubernetes_cannot_express_is_reported_by_service() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let worker = stack.add_service(Service::new("worker", Image::new("shop-worker:1")));
            stack.add_service(
                Service::new("web", Image::new("nginx:latest"))
                    .port(Port::http(80).published(8080))
                    .mount(Mount::bind("./uploads", "/srv/uploads"))
                    .user("www-data")
                    .depends_on(&worker, Ready::Started),
            );
            stack
        });
        let bundle = render(&project.validate().unwrap(), &Options::with_root("")).unwrap();
        let messages: Vec<String> =
            bundle.warnings().iter().map(|w| format!("{} {}: {}", w.target, w.service, w.message)).collect();
        for expected in [
            "kubernetes web: Kubernetes can only check numeric users",
            "kubernetes web: the host path ./uploads:/srv/uploads is left out",
            "kubernetes web: the image nginx:latest names no version",
            "kubernetes web: waits for worker, which has no port to check",
            "kubernetes web: port 80 is published on the host in Compose but stays inside the cluster",
        ] {
            assert!(messages.iter().any(|m| m.starts_with(expected)), "no warning {expected:?} in {messages:#?}");
        }
    }
}
