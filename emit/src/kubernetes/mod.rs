//! Kubernetes: one kustomization directory per environment, `kubernetes/<env>/`, applied with
//! `kubectl apply -k kubernetes/<env>`. Objects are typed `k8s-openapi` structs for
//! Kubernetes 1.33 (the API versions used are the same from 1.29 to 1.37), checked against
//! the strict 1.33 schemas and by a security scanner.
//!
//! Each stack and environment gets its own namespace, `<stack>-<env>`, labelled to enforce the
//! `restricted` Pod Security Standard. Files: `namespace.yaml` and `volumes.yaml` (standalone
//! claims), applied apart from the kustomization so that `kubectl delete -k` keeps them and the
//! data; one `<service>.yaml` per service (its workload, Service, autoscaler and disruption
//! budget), `ingress.yaml` (the stack's routes and the upstreams of its edge proxy),
//! `externals.yaml` (aliases of Docker-host dependencies),
//! `network-policies.yaml`, and `kustomization.yaml`, whose header lists what must exist
//! before the first apply (the Secret's keys, the pull secret, ConfigMaps from repository files,
//! storage classes, the ingress controller and cert-manager issuer) and the RBAC rights of the
//! identity that deploys ([`deploy_identity`]). Writing a change that `kubectl apply` rejects
//! (a bigger StatefulSet volume, a new selector, a changed Job) fails, listing each object and
//! its migration steps, unless the user acknowledges it with `Options::acknowledge_recreate`
//! ([`immutable`]).
//!
//! | model | Kubernetes |
//! | --- | --- |
//! | `Run::Continuously`, stateless | `Deployment` (`apps/v1`) |
//! | `Run::Continuously`, mounting a volume no other service mounts | `StatefulSet` with a `volumeClaimTemplates` entry per persistent volume, governed by the headless Service `<service>-headless` (`serviceName`) |
//! | `Run::Once` (migrations) | `Job`, `backoffLimit: 0` (a failed migration stops, it does not loop), `activeDeadlineSeconds: 900` (a hung one is failed) |
//! | `Run::OnSchedule` | `CronJob`, `timeZone: Etc/UTC`, `concurrencyPolicy: Forbid` (each run's deadline ends a hung one), `startingDeadlineSeconds: 3600`, the last 3 successful and 3 failed runs kept, its Jobs labelled like the service (`jobTemplate.metadata`); the header gives the command showing the last success |
//! | `Port` | container port and a `ClusterIP` `Service` port named `http-N` / `tcp-N` |
//! | `.published(h)` | **explicit choice**: not exposed outside the cluster (ClusterIP only); a warning names the port and the `kubectl port-forward` command. Public traffic goes through routes |
//! | `Route` (host, path, TLS) | one `Ingress` (`networking.k8s.io/v1`) rule per host, `pathType: Prefix`, `ingressClassName` from the project's `Cluster` (default `traefik`); TLS hosts get their certificate from cert-manager (`cert-manager.io/cluster-issuer`, default `letsencrypt`, Secret `<host>-tls`) or share the `Cluster`'s named TLS Secret; a reserved example name (`example.com`, `*.test`, `localhost`, …: `facts::reserved_hosts`) is never sent to cert-manager, whose order could not succeed: served over plain HTTP and reported |
//! | `Traefik` edge | replaced by the cluster's ingress controller |
//! | `Role::EdgeProxy` (nginx in front of upstreams) | **not deployed** (files it served from a volume or directory the application shares are a prerequisite in the header: the Ingress serves no files): the Ingress serves each upstream without routes of its own on the environment's host (`Cluster::host`, required by validation, as a host-less rule ties with every other one of the class), at `/` or at its `.edge_path(..)`; two services on one host and path is an error. HTTPS (a proxy on 443) gets the host's certificate |
//! | `Role::CertificateRenewal` (certbot) | **not deployed**: the `Cluster`'s certificates replace it, from cert-manager or a TLS Secret the user renews (warning) |
//! | image that needs the node (Datadog agent) | **not deployed**, with a warning pointing at the vendor's operator or Helm chart; a service that waits for or refers to a left-out one is an error |
//! | health check | `readinessProbe`, and `livenessProbe` unless `.liveness(..)` gives its own (an HTTP check of a service that uses other services becomes a `tcpSocket` liveness check of its port: liveness must not depend on dependencies); `http` → `httpGet`, `exec` → `exec`, `shell` → `exec sh -c`, `tcp` → `tcpSocket`; interval → `periodSeconds`, timeout → `timeoutSeconds`, retries → `failureThreshold` |
//! | start period | `startupProbe` allowing start period ÷ interval + retries failures, so at least the start period; a start command that migrates before serving must finish within it, as the kubelet restarts the container after that |
//! | `Ready::Healthy` / `Started` | init container `wait-for-<dep>` (busybox `nc`) that waits until the dependency's Service accepts connections, which it only does once the dependency is ready; after 5 minutes it fails naming what it waited for, and the kubelet retries it |
//! | `Ready::Completed` (migrations first) | part of the deploy, not of the pod: the deploy applies everything but the waiting services, waits for the Jobs to complete, then applies the rest (`deploy.yml` does it; the header lists the commands). Pods recreated later start at once |
//! | `EnvValue::Literal` | `value`, `$(` escaped as `$$(` |
//! | `EnvValue::Secret` | `secretKeyRef` to the Secret `<stack>-secrets`, which the emitter never writes: the kustomization header lists its keys, the command that creates it and the restarts a change needs; the deploy workflow fails naming missing keys, and puts a checksum of the keys each workload reads on its pod template, so a changed Secret rolls them. A PostgreSQL, MySQL, MariaDB or MongoDB password (the root's too) only initialises an empty data directory (said in the header, and rotating it restarts nothing); `optional: true` for a `Secret::optional` |
//! | `EnvGroup` used by services | its plain-text values in a ConfigMap `<group>-env-<hash>` (`env-groups.yaml`) that each member reads with `envFrom`; a new hash on each change rolls the members; its secrets and secret-carrying URLs stay each member's `env` (`env_group.rs`) |
//! | host / port / URL references | the Service's DNS name (the service's name) and port |
//! | `database_url()` | the password as a `secretKeyRef` variable, then `postgresql://user:$(PASSWORD)@host:port/db` expanded by Kubernetes (unencoded: the kustomization header says the password must be URL-safe) |
//! | `External::at` / `managed` | its host and port / its URL as a `secretKeyRef` |
//! | `External` on `host.docker.internal` | pods have no Docker host: they reach it by its name, an `ExternalName` Service to `External::cluster_host`, which validation requires; the header says the cluster's DNS must resolve it and the server admit the pods' and nodes' addresses, with the `kubectl run … nslookup … && nc -zv …` check |
//! | `Volume::persistent`, one service | claim template, `ReadWriteOnce`, the volume's size (else the stack's `Defaults`, 1Gi built in, reported as a default applied) |
//! | `Volume::persistent`, several services | a standalone `PersistentVolumeClaim`, `ReadWriteMany`, from the `Cluster`'s `shared_storage_class` (the default class when unset); reported, as the class must support it |
//! | `Volume::persistent`, one job or cron job | a standalone `PersistentVolumeClaim`, `ReadWriteOnce`, kept between runs |
//! | `Volume::external` | a claim the workload mounts by name, created outside the stack (listed in the header) |
//! | `Mount::config(..).text(..)` (the stack carries the file's text) | a copy in `config/<name>` beside the kustomization, whose `configMapGenerator` names the ConfigMap with a hash of it and rewrites the pods' references, so applying a changed file rolls them |
//! | `Mount::config` | a ConfigMap volume mounted with `subPath`, created or updated from the repository's file with the header's command, which then restarts the workloads that mount it; the deploy workflow generates it with a content hash in its name, so a change rolls them |
//! | `Mount::tmpfs` | `emptyDir` with `medium: Memory` and the mount's size limit, else a share of the container's memory limit |
//! | `Mount::bind`, one service | **not expressible** (pods have no host directories): left out and reported |
//! | stock image whose command runs from a bind-mounted host directory (a dev server over `./frontend`) | **not deployed**, with a warning: the directory would be empty and the container fail on every start; an image built from the repository runs without the mount |
//! | `Mount::bind` of a directory several services share | one standalone `ReadWriteMany` claim named after the directory (the default volume size, `shared_storage_class`), mounted by all; reported, and the storage-class requirement stated in the header |
//! | networks | a membership label `network.stackwright.dev/<network>: "true"` on the pods of each service per network it joins (`default` when it names none); a `default-deny-ingress` NetworkPolicy, then one per service allowing its ports from the pods labelled with any of its networks, and routed ports from the ingress controller's namespace (`Cluster`, default `traefik`); a service on internal networks only may also connect only to the pods on its networks and DNS; where cert-manager issues certificates from a ClusterIssuer, `cert-manager-http01-solver` admits the ingress controller to its HTTP-01 solver pods on 8089 (`facts::cert_manager`) |
//! | replicas / `Autoscale` | `replicas` / a `HorizontalPodAutoscaler` (`autoscaling/v2`, CPU utilisation; the workload leaves `replicas` to it) |
//! | more than one replica | `PodDisruptionBudget` with `maxUnavailable: 1` |
//! | one-replica StatefulSet that others reach | reported in the header and DEPLOY.md: each deploy deletes its pod before the replacement starts (`facts::rollouts`), a brief outage |
//! | HTTP port | `preStop` sleep of 5 s (endpoints drain before the process stops) and `terminationGracePeriodSeconds` of those 5 s plus the stop grace period (30 s when unset); a single-replica edge proxy or routed service is reported |
//! | `stop_grace_period` | `terminationGracePeriodSeconds` (after the drain delay of an HTTP port), so rollouts and drains give a worker the time it takes to finish its job |
//! | resources | requests = reservations, limits = limits; where unset, the stack's `Defaults` (built in: requests 100m CPU / 128Mi, limits 500m / 512Mi), each reported as a default applied |
//! | user | `runAsUser`/`runAsGroup`/`fsGroup` of a numeric `.user(uid)`; otherwise the image's own account from the image facts (`facts::images`: postgres 70 on Alpine, 999 on Debian; redis 999/1000 on Alpine; mysql, mariadb and mongo 999; nginx 101; `.user("node")` on `node` is 1000), or the stack's `.image_facts(..)`; otherwise uid and gid 10001 and a warning naming the assumption. A named user the facts do not know: uid 10001 and a warning. `.user(0)` runs as root, reported, and the namespace enforces `baseline` instead. Long-running pods re-own volumes for `fsGroup` only when their root is not yet (`fsGroupChangePolicy: OnRootMismatch`, `facts::kubelet`) |
//! | image data directory that must start empty (PostgreSQL, MySQL) | moved into `<mount>/data` with its variable (`PGDATA`) when the volume is mounted at it, as a fresh volume's root holds `lost+found`, reported when it replaces the stack's value; without a variable (MySQL) the volume is mounted with `subPath: data` |
//! | paths the image writes (nginx `/var/cache/nginx`, `/var/run`) | an `emptyDir` each, group-owned through `fsGroup` |
//! | non-root process on a port below 1024 | pod sysctl `net.ipv4.ip_unprivileged_port_start` lowered to that port (a safe sysctl `restricted` allows) |
//! | image first start (PostgreSQL `initdb`) | a startup probe allowing it (two minutes) |
//! | read-only root | `readOnlyRootFilesystem: true` (false unless declared) |
//! | restart policy | long-running: always restarted (a `never`/`on-failure` policy is reported); jobs: `restartPolicy: Never` or `OnFailure` |
//! | `Image::build` | pulled with the project's docker-registry Secret (`imagePullSecrets`, `Cluster::pull_secret`, default `registry-credentials`; the header gives the `kubectl create secret docker-registry` command for the pipeline's registry); the image name in the manifests, its tag in `kustomization.yaml` `images:` (`latest` until the pipeline sets the commit SHA with `kustomize edit set image`) |
//! | labels | `app.kubernetes.io/{name,instance,component,part-of,managed-by}`; container labels are Compose's and are not carried over |
//!
//! Hardening every container gets: `runAsNonRoot`, `allowPrivilegeEscalation: false`,
//! `privileged: false`, all capabilities dropped, `seccompProfile: RuntimeDefault`,
//! `automountServiceAccountToken: false`,
//! `enableServiceLinks: false` (service links would add `<NAME>_PORT=tcp://…` variables that
//! clash with the applications' own `REDIS_PORT`), `imagePullPolicy: IfNotPresent` (the deploy
//! workflow pins third-party tags to their digest and built images to the commit SHA, so a pod
//! starts without the registry; `Always` only for an image naming no version), and requests and
//! limits.
//!
//! Security checks (checkov) accepted, with the reason:
//! - everywhere: `CKV_K8S_43` (images by digest): the committed files keep the stack's tags;
//!   the deploy workflow pins each third-party tag to its digest when it deploys, and built
//!   images carry the commit SHA; `CKV_K8S_15` (pull policy `Always`): those references are
//!   fixed, so `IfNotPresent` lets pods start during a registry incident; `CKV_K8S_22` (read-only root
//!   everywhere): a read-only root is declared per service (`.read_only_root()`), as forcing it
//!   breaks images that write outside their mounts; `CKV_K8S_35` (secrets as files): the team
//!   applications read their configuration from environment variables.
//! - per workload, as a `checkov.io/skip` annotation on the object itself, so the exception
//!   and its reason are reviewed with the object: `CKV_K8S_40` (uid below 10000) where the
//!   stack gives the uid its image expects; `CKV_K8S_23`/`CKV_K8S_40` where it runs as root;
//!   `CKV_K8S_8`/`CKV_K8S_9`
//!   (probes) where the stack declares no health check; `CKV_K8S_14` (image tag) on built
//!   images, whose tag the pipeline sets at deploy time, and on third-party images the stack
//!   leaves unpinned (also reported as a warning).

pub mod deploy_identity;
pub mod deploy_order;
mod env;
mod env_group;
mod external;
mod host_source;
pub mod immutable;
pub(crate) mod ingress;
pub mod kept;
mod kustomization;
pub(crate) mod labels;
pub(crate) mod lower;
mod network;
mod object;
mod placement;
mod probe;
mod proxy_files;
pub mod pull_policy;
mod pull_secret;
mod readers;
mod resources;
mod runtime;
mod scaling;
mod schedule;
pub mod secret;
mod security;
mod shared_dir;
mod shutdown;
mod start_order;
mod storage;
mod workload;

pub use kustomization::{ConfigMapGenerator, GeneratorOptions, ImageTag, Kustomization};
pub use object::Object;
pub use placement::left_out;
pub use runtime::UNPRIVILEGED_PORT_START;
pub use security::DEFAULT_UID;

use stack_dsl::{Certificates, DeployTarget, ValidProject};

use crate::bundle::{Bundle, WriteCheck};
use crate::error::Error;
use crate::layout::{KUBERNETES_DIR, kubernetes_dir};
use crate::options::Options;
use crate::prerequisite::{HeaderNotes, Need};
use crate::yaml;

/// The kubectl release the deploy workflow runs (its kustomize with it): the objects'
/// Kubernetes minor, so clusters from 1.32 to 1.34 are within kubectl's supported skew of one
/// minor version either way: <https://kubernetes.io/releases/version-skew-policy/#kubectl>.
pub const KUBECTL_VERSION: &str = "v1.33.0";

/// The checkov checks skipped for every file, with the reasons above.
pub const ACCEPTED_CHECKS: &[&str] = &["CKV_K8S_43", "CKV_K8S_15", "CKV_K8S_22", "CKV_K8S_35"];

/// Render every environment of `project`.
pub fn render(project: &ValidProject, options: &Options) -> Result<Bundle, Error> {
    // Nothing here resolves paths relative to the output: notes name repository paths.
    let regenerate = crate::regenerate::command(project, options, &[]);
    let mut bundle = Bundle::new();
    bundle.own(KUBERNETES_DIR);
    if !options.recreate_acknowledged() {
        bundle.check_before_write(WriteCheck(immutable::refuse));
    }
    for stack in project.stacks() {
        let env = stack.env();
        let dir = kubernetes_dir(env);
        let subject = format!("stack {} ({env})", project.name());
        let header = yaml::header(&subject, &regenerate, &[]);
        let text = |file: &str, objects: &[Object]| {
            let path = format!("{dir}/{file}");
            yaml::documents(&path, &header, objects).map(|text| (path, text))
        };
        // Each file is written out as soon as it is lowered, and its objects dropped, so the
        // typed objects of every service are never all alive at once.
        let mut written = Vec::new();
        let mut lowered = lower::lower_each(stack, project.cluster(), &mut |file, objects| {
            written.push(text(&file, &objects)?);
            Ok(())
        })?;
        for config in &lowered.config_maps {
            if let Some(text) = &config.text {
                bundle.add(format!("{dir}/{}", config.copy_path()), text);
            }
        }
        let mut notes = prerequisites(stack, &lowered, project);
        for secret in stack_dsl::secrets_inside_urls(stack) {
            notes.require(
                Need::Secret,
                format!("The value of the Secret key {secret} {}", stack_dsl::URL_SAFE_PASSWORD),
            );
        }
        for (file, objects) in std::mem::take(&mut lowered.kept) {
            let (path, text) = text(&file, &objects)?;
            bundle.add(path, text);
        }
        for (path, text) in written {
            bundle.add(path, text);
        }
        let path = format!("{dir}/kustomization.yaml");
        let header = yaml::header(&subject, &regenerate, notes.lines());
        bundle.add(path.clone(), yaml::document(&path, &header, &lowered.kustomization)?);
        bundle.require(notes.into_prerequisites());
        for warning in lowered.warnings {
            bundle.warn(warning);
        }
    }
    Ok(bundle)
}

/// What must exist before the first `kubectl apply -k` (the prerequisites), and how to deploy a
/// new version.
fn prerequisites(stack: &stack_dsl::ValidStack, lowered: &lower::Lowered, project: &ValidProject) -> HeaderNotes {
    let namespace = &lowered.kustomization.namespace;
    let cluster = project.cluster();
    let kept: Vec<&str> = lowered.kept.iter().map(|(file, _)| file.as_str()).collect();
    let mut notes = HeaderNotes::new("kubernetes", stack.env().name());
    notes.require(Need::Platform, format!(
        "First, and whenever they change: {}. They are not in the kustomization, so kubectl delete -k removes the workloads but keeps the namespace, its Secret and the claims that hold data (kubectl delete namespace {namespace} removes everything)",
        kept::apply_command(&kept, "<this directory>")
    ));
    // Only a Kubernetes pipeline deploys here, and only its hosted environments.
    let by_pipeline =
        project.pipeline().is_some_and(|p| p.target == DeployTarget::Kubernetes) && stack.env().is_hosted();
    notes.require(Need::Platform, deploy_identity::rights(namespace, by_pipeline));
    if !lowered.secret_keys.is_empty() {
        // Pods start without a `Secret::optional` key (`optional: true`), and so does the deploy.
        let keys: Vec<String> = lowered
            .secret_keys
            .iter()
            .map(|key| match stack.secrets.iter().any(|s| &s.name == key && s.optional) {
                true => format!("{key} (optional)"),
                false => key.clone(),
            })
            .collect();
        let who_rolls = match by_pipeline {
            true => "pods read it at start; the deploy workflow rolls them itself",
            false => "pods read it at start, and nothing else restarts them",
        };
        notes.require(Need::Secret, format!(
            "Before the first apply, create the Secret with keys {}: kubectl create secret generic {} -n {namespace} --from-env-file=<file with KEY=value lines, never committed>. To change it: the same command with --dry-run=client -o yaml | kubectl apply -f -, then {} ({who_rolls})",
            keys.join(", "),
            lowered.secret_name,
            readers::restart_commands(
                &secret::readers(stack, lowered).into_iter().map(|r| (r.kind, r.name)).collect::<Vec<_>>(),
                namespace
            )
        ));
        // What each key holds, worded as every target's setup text words it.
        let hints = crate::secret_hint::SecretHints::new(stack);
        notes.require_all(
            Need::Secret,
            lowered.secret_keys.iter().map(|key| format!("Key {key} of {}: {}", lowered.secret_name, hints.of(key))),
        );
    }
    if lowered.pulls_built_images {
        notes.require(
            Need::Registry,
            format!(
                "The project's images are private: create the pull secret {}: {}",
                cluster.pull_secret,
                pull_secret::create_command(cluster, project.pipeline(), namespace)
            ),
        );
    }
    notes.require_all(Need::External, external::prerequisites(stack));
    notes.require_all(Need::External, proxy_files::unserved(stack));
    for service in stack.services().filter(|s| placement::runs(s)) {
        notes.extend(scaling::single_replica_outage(stack, service));
    }
    // An assumed uid decides which files the process can write: reviewers see it with the files.
    for service in stack.services().filter(|s| placement::runs(s)) {
        if let (security::Identity::NonRoot { uid, .. }, Some(why)) = security::Identity::of(service) {
            notes.push(format!("{} runs as uid {uid}: {why}", service.name));
        }
    }
    notes.extend(crate::first_start::notes(stack, placement::runs, crate::first_start::Naming::Secret, "the Secret"));
    for config in lowered.config_maps.iter().filter(|c| c.text.is_none()) {
        let readers: Vec<(&str, String)> = lowered
            .long_running
            .iter()
            .filter(|workload| workload.config_maps.contains(&config.name))
            .map(|workload| (workload.kind, workload.name.clone()))
            .collect();
        notes.require(Need::External, format!(
            "Create or update the ConfigMap {} from the repository root: kubectl create configmap {} -n {namespace} --from-file={}={} --dry-run=client -o yaml | kubectl apply -f -{}",
            config.name,
            config.name,
            config.key,
            config.path,
            if readers.is_empty() {
                String::new()
            } else {
                format!(
                    "; after an update, {} (a subPath mount never sees a changed ConfigMap)",
                    readers::restart_commands(&readers, namespace)
                )
            }
        ));
    }
    let generated: Vec<String> = lowered
        .config_maps
        .iter()
        .filter(|c| c.text.is_some())
        .map(|c| format!("{} (from {}, a copy of {})", c.name, c.copy_path(), c.path))
        .collect();
    if !generated.is_empty() {
        notes.push(format!(
            "Generated ConfigMaps: {}. Their names carry a hash of the text, so applying a changed file rolls the pods that mount it; regenerate after editing the file (the copy comes from the stack, line endings normalised to LF)",
            generated.join(", ")
        ));
    }
    for claim in &lowered.external_claims {
        notes.require(
            Need::External,
            format!("The PersistentVolumeClaim {claim} is created outside the stack, in {namespace}"),
        );
    }
    if lowered.claims_storage {
        notes.require(Need::Platform, format!(
            "The cluster has a default StorageClass (kubectl get storageclass shows one marked (default)): the claims {} none",
            if cluster.shared_storage_class.is_some() { "mounted by one pod name" } else { "name" }
        ));
    }
    if lowered.claims_storage {
        let stateful_sets: Vec<&str> =
            lowered.long_running.iter().filter(|w| w.claims_data).map(|w| w.name.as_str()).collect();
        notes.push(immutable::resize_procedure(namespace, &stateful_sets));
    }
    if !lowered.shared_claims.is_empty() {
        let claims = lowered.shared_claims.join(", ");
        notes.require(Need::Platform, match &cluster.shared_storage_class {
            Some(class) => format!(
                "The claims {claims} are mounted by several pods at once (ReadWriteMany), from the StorageClass {class}, which must exist and support that access mode (NFS, CephFS, EFS, Azure Files; not a block disk)"
            ),
            None => format!(
                "The claims {claims} are mounted by several pods at once (ReadWriteMany): the default StorageClass must support that access mode (NFS, CephFS, EFS, Azure Files; not a block disk), otherwise they and the pods mounting them stay Pending; Cluster::shared_storage_class names another class"
            ),
        });
    }
    if lowered.has_ingress {
        notes.require(Need::Platform, format!(
            "An ingress controller serves the IngressClass {} from the namespace {} (only it may reach routed ports)",
            cluster.ingress_class, cluster.ingress_namespace
        ));
    }
    if !lowered.uncertified_hosts.is_empty() {
        notes.push(format!(
            "Served over plain HTTP: {} — reserved example names (RFC 2606/6761) that no certificate authority certifies, so cert-manager is not asked for them; give the routes this environment's real host",
            lowered.uncertified_hosts.join(", ")
        ));
    }
    if !lowered.tls_secrets.is_empty() {
        match &cluster.certificates {
            Certificates::ClusterIssuer(issuer) => notes.require(Need::Platform, format!(
                "cert-manager runs with the ClusterIssuer {issuer}; it writes the certificates into {}",
                lowered.tls_secrets.join(", ")
            )),
            Certificates::Secret(name) => notes.require(Need::Secret,
                format!("The TLS Secret {name} holds the certificate: kubectl create secret tls {name} -n {namespace} --cert=<file> --key=<file>")
            ),
        }
    }
    for image in &lowered.kustomization.images {
        notes.push(format!(
            "Deploy a build: kustomize edit set image {}=<registry>/{}:<commit SHA> (the {} tag here is a placeholder: nodes reuse their copy of a tag, imagePullPolicy IfNotPresent)",
            image.name, image.name, image.new_tag
        ));
    }
    for service in stack.services().filter(|s| matches!(s.run, stack_dsl::Run::OnSchedule(_))) {
        notes.push(format!(
            "When {} last succeeded: {}",
            service.name,
            schedule::last_success_command(&service.name, namespace)
        ));
    }
    notes.extend(lowered.deploy_order.manual_steps(namespace));
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
