//! The committed Kubernetes manifests, read back into typed `k8s-openapi` objects, carry what
//! each team stack says: every service as the right workload, its ports, volumes, health
//! checks, start order, replicas and secret references, and every public route. A property
//! checked over the model, not a copy of the golden text.

use std::collections::BTreeMap;
use std::path::Path;

use emit::kubernetes::{Kustomization, Object};
use k8s_openapi::api::core::v1::{Container, PodSpec, Probe};
use stack_dsl::{Check, EnvValue, MountSource, Ready, Run, Service, ValidStack, VolumeKind};

/// Every object of an environment directory, in the kustomization's order.
fn golden(stack: &ValidStack) -> Vec<Object> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(&stack.name)
        .join(emit::layout::kubernetes_dir(stack.env()));
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let kustomization: Kustomization = serde_saphyr::from_str(&read("kustomization.yaml")).expect("a Kustomization");
    let kept = emit::kubernetes::kept::kept_files(stack);
    let mut objects = Vec::new();
    for file in kept.iter().copied().chain(kustomization.resources.iter().map(String::as_str)) {
        for document in read(file).split("\n---\n") {
            let object = serde_saphyr::from_str(document)
                .unwrap_or_else(|e| panic!("{}/{file} holds an object of an unexpected kind: {e}", dir.display()));
            objects.push(object);
        }
    }
    objects
}

/// The comment lines of the environment's kustomization.yaml: what an operator runs.
fn header(stack: &ValidStack) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(&stack.name)
        .join(emit::layout::kubernetes_dir(stack.env()))
        .join("kustomization.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines().filter_map(|l| l.strip_prefix("# ")).map(String::from).collect()
}

fn name(object: &Object) -> Option<&str> {
    let metadata = match object {
        Object::Deployment(o) => &o.metadata,
        Object::StatefulSet(o) => &o.metadata,
        Object::Job(o) => &o.metadata,
        Object::CronJob(o) => &o.metadata,
        Object::Service(o) => &o.metadata,
        Object::PersistentVolumeClaim(o) => &o.metadata,
        Object::HorizontalPodAutoscaler(o) => &o.metadata,
        _ => return None,
    };
    metadata.name.as_deref()
}

/// The pod of the service's workload, checking the workload's kind against how it runs.
fn pod<'a>(objects: &'a [Object], service: &Service, at: &str) -> (&'a PodSpec, Option<i32>) {
    let workload = objects
        .iter()
        .find(|o| {
            name(o) == Some(service.name.as_str())
                && matches!(o, Object::Deployment(_) | Object::StatefulSet(_) | Object::Job(_) | Object::CronJob(_))
        })
        .unwrap_or_else(|| panic!("{at}: no workload"));
    let (template, replicas) = match (workload, &service.run) {
        (Object::Deployment(d), Run::Continuously) => {
            let spec = d.spec.as_ref().expect("spec");
            (&spec.template, spec.replicas)
        }
        (Object::StatefulSet(s), Run::Continuously) => {
            let spec = s.spec.as_ref().expect("spec");
            (&spec.template, spec.replicas)
        }
        (Object::Job(j), Run::Once) => {
            let spec = j.spec.as_ref().expect("spec");
            assert!(spec.active_deadline_seconds.is_some(), "{at}: a hung Job must fail within a deadline");
            (&spec.template, None)
        }
        (Object::CronJob(c), Run::OnSchedule(schedule)) => {
            let spec = c.spec.as_ref().expect("spec");
            assert_eq!(&spec.schedule, schedule, "{at}: schedule");
            (&spec.job_template.spec.as_ref().expect("job spec").template, None)
        }
        (other, run) => panic!("{at}: runs {run:?} but is {other:?}"),
    };
    (template.spec.as_ref().expect("pod spec"), replicas)
}

fn same_check(probe: Option<&Probe>, check: &Check, at: &str) {
    let probe = probe.unwrap_or_else(|| panic!("{at}: probe missing"));
    match check {
        Check::Http { port, path } => {
            let get = probe.http_get.as_ref().unwrap_or_else(|| panic!("{at}: not httpGet"));
            assert_eq!(get.path.as_deref(), Some(path.as_str()), "{at}");
            assert_eq!(get.port, k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int((*port).into()));
        }
        Check::Tcp { .. } => assert!(probe.tcp_socket.is_some(), "{at}: not tcpSocket"),
        Check::Exec(argv) => {
            assert_eq!(probe.exec.as_ref().and_then(|e| e.command.as_ref()), Some(argv), "{at}: exec command")
        }
        Check::Shell(line) => {
            let command = probe.exec.as_ref().and_then(|e| e.command.as_ref()).expect("exec");
            assert_eq!(command.last(), Some(line), "{at}: shell line");
        }
    }
}

fn check_container(stack: &ValidStack, objects: &[Object], service: &Service, container: &Container, at: &str) {
    for port in &service.ports {
        let ports = container.ports.as_deref().unwrap_or_default();
        assert!(ports.iter().any(|p| p.container_port == i32::from(port.number)), "{at}: port {} missing", port.number);
    }
    let mounts = container.volume_mounts.as_deref().unwrap_or_default();
    for mount in service.mounts.iter().filter(|m| !matches!(m.source, MountSource::Bind(_))) {
        let found = mounts.iter().find(|m| m.mount_path == mount.target);
        let found = found.unwrap_or_else(|| panic!("{at}: mount {} missing", mount.target));
        assert_eq!(found.read_only.unwrap_or(false), mount.read_only, "{at}: read-only flag of {}", mount.target);
    }
    if service.run == Run::Continuously {
        if let Some(health) = &service.healthcheck {
            same_check(container.readiness_probe.as_ref(), &health.check, &format!("{at} readiness"));
        }
        // Liveness must not depend on dependencies: the HTTP health check of a service that
        // uses others is checked as a TCP connection to its port; a datastore's liveness is a TCP
        // connection to its port whatever its check, so load does not get it killed.
        let uses_others = !service.depends_on.is_empty() || service.env.iter().any(|(_, v)| v.connects_to().is_some());
        match (&service.liveness, &service.healthcheck) {
            (Some(live), _) => same_check(container.liveness_probe.as_ref(), &live.check, &format!("{at} liveness")),
            (None, Some(health)) => {
                let check = match &health.check {
                    _ if service.datastore.is_some() => Check::Tcp { port: service.ports[0].number },
                    Check::Http { port, .. } if uses_others => Check::Tcp { port: *port },
                    other => other.clone(),
                };
                same_check(container.liveness_probe.as_ref(), &check, &format!("{at} liveness"));
            }
            (None, None) => {}
        }
    }
    let env = container.env.as_deref().unwrap_or_default();
    // What the container reads whole from ConfigMaps (an `EnvGroup`'s plain values).
    let from_config_maps: Vec<(&String, &String)> = container
        .env_from
        .iter()
        .flatten()
        .filter_map(|source| source.config_map_ref.as_ref())
        .map(|reference| {
            objects
                .iter()
                .find_map(|o| match o {
                    Object::ConfigMap(map) if map.metadata.name.as_deref() == Some(&reference.name) => {
                        map.data.as_ref()
                    }
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{at}: envFrom names the ConfigMap {}, which is not applied", reference.name))
        })
        .flat_map(|data| data.iter())
        .collect();
    for (name, value) in &service.env {
        if let Some((_, text)) = from_config_maps.iter().find(|(key, _)| *key == name) {
            assert!(!matches!(value, EnvValue::Secret(_)), "{at}: the secret {name} = {text} is in a ConfigMap");
            assert!(
                service.env_groups.iter().any(|g| stack.env_group(g).is_some_and(|g| g.sets(name))),
                "{at}: {name}"
            );
            assert!(!env.iter().any(|v| &v.name == name), "{at}: {name} is both in env and envFrom");
            continue;
        }
        let var = env.iter().find(|v| &v.name == name).unwrap_or_else(|| panic!("{at}: env {name} missing"));
        match value {
            EnvValue::Secret(secret) => {
                let key = var.value_from.as_ref().and_then(|f| f.secret_key_ref.as_ref()).map(|r| r.key.as_str());
                assert_eq!(key, Some(secret.name()), "{at}: {name} must be a secretKeyRef");
            }
            EnvValue::DatabaseUrl(db) if stack.external(db.name()).is_none() => {
                let value = var.value.as_deref().unwrap_or_default();
                assert!(value.contains(&format!("@{}:", db.name())), "{at}: {name} = {value}");
                assert!(value.contains(":$("), "{at}: {name} must expand the password secret: {value}");
            }
            _ => {}
        }
    }
    // A fixed reference (a version tag the deploy pins to its digest, a built image's commit
    // SHA) starts from the node's copy; only an image naming no version is pulled every time.
    let unpinned = matches!(&service.image, stack_dsl::Image::Registry(r) if r.ends_with(":latest") || !r.rsplit('/').next().unwrap_or(r).contains(':'));
    let expected = if unpinned { "Always" } else { "IfNotPresent" };
    assert_eq!(container.image_pull_policy.as_deref(), Some(expected), "{at}: pull policy");
    let security = container.security_context.as_ref().expect("security context");
    assert_eq!(security.allow_privilege_escalation, Some(false), "{at}");
    assert_eq!(security.read_only_root_filesystem, Some(service.read_only_root), "{at}");
}

#[test]
fn kubernetes_manifests_carry_the_whole_model() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            let objects = golden(stack);
            for service in stack.services() {
                let at = format!("{} ({}) service {}", stack.name, stack.env(), service.name);
                if emit::kubernetes::left_out(service).is_some() {
                    assert!(!objects.iter().any(|o| name(o) == Some(&service.name)), "{at}: left out, yet deployed");
                    continue;
                }
                let (pod, replicas) = pod(&objects, service, &at);
                let container = pod.containers.iter().find(|c| c.name == service.name).expect("the container");
                check_container(stack, &objects, service, container, &at);
                // No container talks to the API server: no token is mounted anywhere.
                assert_eq!(pod.automount_service_account_token, Some(false), "{at}: service-account token");
                assert!(pod.service_account_name.is_none(), "{at}: service account");
                let inits: Vec<&str> = pod.init_containers.iter().flatten().map(|c| c.name.as_str()).collect();
                for dependency in &service.depends_on {
                    let wait = format!("wait-for-{}", dependency.service.name());
                    let has_port = stack.resolve(&dependency.service).is_some_and(|s| !s.ports.is_empty());
                    if dependency.ready == Ready::Completed {
                        // Waiting for a Job belongs to the deploy (the header's two passes), not
                        // to every pod start: a pod recreated after a failed Job must start.
                        assert!(!inits.contains(&wait.as_str()), "{at}: pods must not wait for the Job");
                        let first_pass = header(stack)
                            .iter()
                            .find_map(|l| {
                                l.split_once("kubectl apply -k <this directory> -l '").map(|(_, s)| s.to_string())
                            })
                            .unwrap_or_else(|| panic!("{at}: no first pass in the header"));
                        let selector = first_pass.trim_end_matches('\'');
                        let excluded = format!("app.kubernetes.io/name!={}", service.name);
                        assert!(
                            selector.split(',').any(|r| r == excluded),
                            "{at}: the first pass {selector} must leave it out"
                        );
                    } else if has_port {
                        assert!(inits.contains(&wait.as_str()), "{at}: start order on {wait} lost");
                    }
                }
                if service.run == Run::Continuously {
                    let scaled = objects.iter().any(|o| {
                        matches!(o, Object::HorizontalPodAutoscaler(h) if h.metadata.name.as_deref() == Some(&service.name))
                    });
                    match service.autoscale {
                        Some(_) => assert!(scaled && replicas.is_none(), "{at}: autoscaling"),
                        None => assert_eq!(replicas, Some(service.replicas as i32), "{at}: replicas"),
                    }
                    if !service.ports.is_empty() {
                        assert!(
                            objects.iter().any(|o| matches!(o, Object::Service(_)) && name(o) == Some(&service.name)),
                            "{at}: Service missing"
                        );
                    }
                }
                for route in &service.routes {
                    let routed = objects.iter().any(|o| match o {
                        Object::Ingress(ingress) => {
                            ingress.spec.iter().flat_map(|s| s.rules.iter().flatten()).any(|rule| {
                                rule.host.as_deref() == Some(&route.host)
                                    && rule.http.iter().flat_map(|h| &h.paths).any(|p| {
                                        p.path.as_deref() == Some(&route.path)
                                            && p.backend.service.as_ref().map(|s| s.name.as_str())
                                                == Some(&service.name)
                                    })
                            })
                        }
                        _ => false,
                    });
                    assert!(routed, "{at}: route {}{} missing from the Ingress", route.host, route.path);
                }
            }
            let mounted = |volume: &str| {
                stack
                    .services()
                    .filter(|s| emit::kubernetes::left_out(s).is_none())
                    .any(|s| s.mounts.iter().any(|m| matches!(&m.source, MountSource::Volume(v) if v.name() == volume)))
            };
            for volume in stack.volumes.iter().filter(|v| v.kind == VolumeKind::Persistent && mounted(&v.name)) {
                let claimed = objects.iter().any(|o| match o {
                    Object::PersistentVolumeClaim(c) => c.metadata.name.as_deref() == Some(&volume.name),
                    Object::StatefulSet(s) => s
                        .spec
                        .iter()
                        .flat_map(|s| s.volume_claim_templates.iter().flatten())
                        .any(|c| c.metadata.name.as_deref() == Some(&volume.name)),
                    _ => false,
                });
                assert!(claimed, "{} ({}): no claim for volume {}", stack.name, stack.env(), volume.name);
            }
        }
    }
}

/// `kubectl delete -k` removes what the kustomization lists: never the namespace (whose deletion
/// takes the Secret and every claim with it) nor a claim; claims from StatefulSet templates are
/// retained when their StatefulSet goes. The kept files are listed in the header with the
/// command that applies them.
#[test]
fn deleting_the_kustomization_keeps_the_data() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            let at = format!("{} ({})", stack.name, stack.env());
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../golden")
                .join(&stack.name)
                .join(emit::layout::kubernetes_dir(stack.env()));
            let read =
                |file: &str| std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{at} {file}: {e}"));
            let kustomization: Kustomization =
                serde_saphyr::from_str(&read("kustomization.yaml")).expect("a Kustomization");
            for file in &kustomization.resources {
                for document in read(file).split("\n---\n") {
                    let object: Object = serde_saphyr::from_str(document).expect("an object");
                    match object {
                        Object::Namespace(_) | Object::PersistentVolumeClaim(_) => {
                            panic!("{at}: {file} is deleted by kubectl delete -k with its data")
                        }
                        Object::StatefulSet(s) => {
                            let policy = s.spec.and_then(|s| s.persistent_volume_claim_retention_policy);
                            assert!(
                                policy.and_then(|p| p.when_deleted).is_none_or(|w| w == "Retain"),
                                "{at}: claims must outlive their StatefulSet"
                            );
                        }
                        _ => {}
                    }
                }
            }
            let kept = emit::kubernetes::kept::kept_files(stack);
            assert!(kept.contains(&"namespace.yaml"), "{at}: the namespace is kept");
            let header = read("kustomization.yaml");
            let apply = emit::kubernetes::kept::apply_command(&kept, "<this directory>");
            assert!(header.lines().any(|l| l.starts_with("# ") && l.contains(&apply)), "{at}: header lacks {apply}");
            for file in kept {
                let text = read(file);
                assert!(!text.is_empty(), "{at}: {file}");
            }
        }
    }
}

/// Config files and secrets change after the first apply: the header's commands update them
/// idempotently and restart every long-running service that reads them (environment variables
/// and `subPath` mounts are read at start), and say when a database ignores a new password.
#[test]
fn config_and_secret_changes_reach_the_pods() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            let at = format!("{} ({})", stack.name, stack.env());
            let namespace = emit::layout::kubernetes_namespace(&stack.name, stack.env());
            let lines = header(stack);
            let restarts = |line: &str, service: &str| {
                ["deployment", "statefulset"]
                    .iter()
                    .any(|kind| line.contains(&format!("kubectl rollout restart {kind}/{service} -n {namespace}")))
            };
            for service in
                stack.services().filter(|s| s.run == Run::Continuously && emit::kubernetes::left_out(s).is_none())
            {
                for mount in &service.mounts {
                    let MountSource::Config(path) = &mount.source else { continue };
                    let config = emit::layout::KubernetesConfigMap::of(path);
                    let line = lines
                        .iter()
                        .find(|l| l.contains(&format!("kubectl create configmap {} ", config.name)))
                        .unwrap_or_else(|| panic!("{at}: no command for {}", config.name));
                    assert!(line.contains("--dry-run=client -o yaml | kubectl apply -f -"), "{at}: {line}");
                    assert!(restarts(line, &service.name), "{at}: {line} does not restart {}", service.name);
                }
                let reads_secret = service.env.iter().any(|(_, v)| matches!(v, EnvValue::Secret(_)));
                if reads_secret && service.datastore.is_none() {
                    let line = lines.iter().find(|l| l.contains("kubectl create secret generic")).expect("secret line");
                    assert!(
                        restarts(line, &service.name),
                        "{at}: rotating the Secret does not restart {}",
                        service.name
                    );
                }
                if let Some(password) = service.datastore.as_ref().and_then(|d| d.password.as_ref())
                    && matches!(service.datastore.as_ref().map(|d| d.engine), Some(stack_dsl::Engine::Postgres { .. }))
                {
                    let note =
                        format!("{} sets the password of {} only on its first start", password.name(), service.name);
                    assert!(lines.iter().any(|l| l.starts_with(&note)), "{at}: no note {note:?}");
                }
            }
        }
    }
}

/// A pod serving HTTP keeps serving while its endpoint removal propagates (a `preStop` sleep),
/// within a grace period longer than that sleep; a single-replica service all public traffic
/// passes through is reported.
#[test]
fn rollouts_and_drains_drop_no_request() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        for stack in valid.stacks() {
            let objects = golden(stack);
            for service in
                stack.services().filter(|s| s.run == Run::Continuously && emit::kubernetes::left_out(s).is_none())
            {
                let at = format!("{} ({}) service {}", stack.name, stack.env(), service.name);
                let serves_http = service.ports.iter().any(|p| p.protocol == stack_dsl::Protocol::Http);
                if !serves_http {
                    continue;
                }
                let (pod, _) = pod(&objects, service, &at);
                let container = pod.containers.iter().find(|c| c.name == service.name).expect("container");
                let sleep = container
                    .lifecycle
                    .as_ref()
                    .and_then(|l| l.pre_stop.as_ref())
                    .and_then(|h| h.sleep.as_ref())
                    .map(|s| s.seconds)
                    .unwrap_or_else(|| panic!("{at}: no preStop delay"));
                assert!(sleep > 0, "{at}");
                let grace = pod.termination_grace_period_seconds.unwrap_or(30);
                assert!(grace > sleep, "{at}: the grace period must outlast the preStop delay");
                let edge = matches!(service.role, stack_dsl::Role::EdgeProxy { .. }) || !service.routes.is_empty();
                if edge && service.replicas < 2 && service.autoscale.is_none() {
                    let warned = bundle.warnings().iter().any(|w| {
                        w.target == "kubernetes"
                            && w.env == stack.env().to_string()
                            && w.service == service.name
                            && w.message.contains("single replica")
                    });
                    assert!(warned, "{at}: a single-replica edge is not reported");
                }
            }
        }
    }
}

/// CI skips exactly the checks the emitter documents as accepted, no more.
#[test]
fn ci_skips_only_the_documented_checks() {
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.ci/run")).expect(".ci/run");
    let skip = format!("VALIDATE_K8S_SECURITY_SKIP={} ", emit::kubernetes::ACCEPTED_CHECKS.join(","));
    assert!(ci.contains(&skip), ".ci/run must pass {skip:?} to validate-deploy k8s-security");
    assert_eq!(ci.matches("VALIDATE_K8S_SECURITY_SKIP=").count(), 1, "one skip list in .ci/run");
}

/// The runtime facts of well-known images (`emit::facts::images`) hold in every pod that runs
/// one: what the image's own Dockerfile and documentation say it needs to start on a fresh
/// volume under the `restricted` Pod Security Standard.
#[test]
fn well_known_images_can_start() {
    use emit::facts::images::known;
    use emit::kubernetes::UNPRIVILEGED_PORT_START;

    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            let objects = golden(stack);
            for service in stack.services().filter(|s| emit::kubernetes::left_out(s).is_none()) {
                let at = format!("{} ({}) service {}", stack.name, stack.env(), service.name);
                let (pod, _) = pod(&objects, service, &at);
                let container = pod.containers.iter().find(|c| c.name == service.name).expect("the container");
                let Some(image) = container.image.as_deref().and_then(known) else { continue };
                let pod_security = pod.security_context.as_ref().expect("pod security context");
                let mounts = container.volume_mounts.as_deref().unwrap_or_default();
                let env =
                    |name: &str| container.env.iter().flatten().find(|v| v.name == name).and_then(|v| v.value.clone());

                // The image's files and data directory belong to its own account (its
                // Dockerfile); the pod runs as it and volumes are group-owned by its gid.
                if let (Some(account), None) = (image.account, &service.user) {
                    assert_eq!(pod_security.run_as_user, Some(account.uid.into()), "{at}: runAsUser");
                    assert_eq!(pod_security.fs_group, Some(account.gid.into()), "{at}: fsGroup");
                }

                // PostgreSQL's initdb refuses a mount point holding lost+found: PGDATA must
                // be a subdirectory of its volume (https://hub.docker.com/_/postgres, PGDATA).
                if let Some(data) = image.data.filter(|d| d.needs_empty_dir) {
                    let variable = data.moved_by.expect("how to move the data");
                    let path = env(variable).unwrap_or_else(|| data.path.to_string());
                    let on_volume = mounts.iter().any(|m| m.mount_path == data.path || path.starts_with(&m.mount_path));
                    if on_volume {
                        assert!(
                            mounts.iter().any(|m| path.starts_with(&format!("{}/", m.mount_path))),
                            "{at}: {variable}={path} is not a subdirectory of a volume"
                        );
                        assert!(
                            !mounts.iter().any(|m| m.mount_path == path),
                            "{at}: {variable}={path} is a volume root"
                        );
                    }
                }

                // The first start on an empty volume (initdb) must not be cut short by the
                // kubelet: the startup probe allows the image's first-start time.
                if let (Some(first_start), Some(_)) =
                    (image.data.and_then(|d| d.first_start), container.readiness_probe.as_ref())
                {
                    let startup = container.startup_probe.as_ref().unwrap_or_else(|| panic!("{at}: no startup probe"));
                    let allowed = startup.failure_threshold.unwrap_or(3) * startup.period_seconds.unwrap_or(10);
                    assert!(i64::from(allowed) >= first_start.as_secs() as i64, "{at}: startup allows {allowed}s");
                }

                // Paths the image writes at runtime are writable volumes, not the image's
                // root-owned directories (nginx: /var/cache/nginx and its pid file).
                for path in image.writes {
                    assert!(
                        mounts.iter().any(|m| *path == m.mount_path || path.starts_with(&format!("{}/", m.mount_path))),
                        "{at}: {path}, which the image writes, is not a mounted volume"
                    );
                }

                // A non-root process binds a port below 1024 only when the pod lowers
                // net.ipv4.ip_unprivileged_port_start (Linux ip-sysctl documentation).
                let non_root = pod_security.run_as_non_root == Some(true);
                for port in container.ports.iter().flatten().filter(|p| p.container_port < 1024) {
                    let start = pod_security
                        .sysctls
                        .iter()
                        .flatten()
                        .find(|s| s.name == UNPRIVILEGED_PORT_START)
                        .and_then(|s| s.value.parse::<i32>().ok());
                    assert!(
                        !non_root || start.is_some_and(|s| s <= port.container_port),
                        "{at}: binds {} as non-root without the sysctl",
                        port.container_port
                    );
                }
            }
        }
    }
}

/// A stack that Compose makes public (routes, or an edge proxy publishing a port) is public in
/// the cluster too: the edge proxy is replaced by the Ingress, which reaches every upstream on
/// a port its Service has, with the project's ingress class; routed ports accept traffic from
/// the ingress controller's namespace only, never from every namespace.
/// <https://kubernetes.io/docs/concepts/services-networking/ingress/>,
/// <https://kubernetes.io/docs/concepts/services-networking/network-policies/>
#[test]
fn every_public_stack_is_reachable_through_the_ingress() {
    use k8s_openapi::api::networking::v1::Ingress;
    use stack_dsl::Role;

    each_environment(|cluster, stack, objects, at| {
        let ingress: Option<&Ingress> = objects.iter().find_map(|o| match o {
            Object::Ingress(i) => Some(i.as_ref()),
            _ => None,
        });
        let serves = |host: Option<&str>, service: &str| {
            let spec = ingress.and_then(|i| i.spec.as_ref());
            spec.iter().flat_map(|s| s.rules.iter().flatten()).any(|rule| {
                (host.is_none() || rule.host.as_deref() == host)
                    && rule.http.iter().flat_map(|h| &h.paths).any(|p| {
                        p.backend.service.as_ref().is_some_and(|b| {
                            let port = b.port.as_ref().and_then(|p| p.number);
                            b.name == service && cluster_port(objects, service, port)
                        })
                    })
            })
        };
        for proxy in stack.services() {
            let Role::EdgeProxy { upstreams } = &proxy.role else { continue };
            assert!(
                proxy.ports.iter().any(|p| p.published.is_some()),
                "{at}: the proxy {} is public in Compose",
                proxy.name
            );
            for upstream in upstreams {
                assert!(
                    serves(None, upstream.name()),
                    "{at}: {} is behind {} but not in the Ingress",
                    upstream.name(),
                    proxy.name
                );
            }
        }
        // HTTPS in Compose stays HTTPS: a TLS route's host, and the environment's host of an
        // edge proxy that served 443, have a certificate, except reserved example names under
        // cert-manager, which can never get one: those must have no issuer request at all.
        let tls: Vec<&k8s_openapi::api::networking::v1::IngressTLS> =
            ingress.and_then(|i| i.spec.as_ref()).into_iter().flat_map(|s| s.tls.iter().flatten()).collect();
        let https_proxy =
            stack.services().any(|s| s.role.is_platform_edge() && s.ports.iter().any(|p| p.number == 443));
        let proxy_host = cluster.host_of(stack.env()).filter(|_| https_proxy);
        let tls_hosts = stack.services().flat_map(|s| &s.routes).filter(|r| r.tls).map(|r| r.host.as_str());
        for host in tls_hosts.chain(proxy_host) {
            let covered = tls.iter().any(|t| t.hosts.as_ref().is_some_and(|h| h.iter().any(|h| h == host)));
            let uncertifiable = matches!(cluster.certificates, stack_dsl::Certificates::ClusterIssuer(_))
                && emit::facts::reserved_hosts::is_reserved(host);
            assert!(covered != uncertifiable, "{at}: {host}: certificate {covered}, reserved name {uncertifiable}");
        }
        let issuer = ingress
            .and_then(|i| i.metadata.annotations.as_ref())
            .is_some_and(|a| a.contains_key("cert-manager.io/cluster-issuer"));
        assert_eq!(
            issuer,
            matches!(cluster.certificates, stack_dsl::Certificates::ClusterIssuer(_)) && !tls.is_empty(),
            "{at}: issuer annotation"
        );
        // Every rule names its host: a host-less rule ties with every other one of the class.
        for rule in ingress.and_then(|i| i.spec.as_ref()).into_iter().flat_map(|s| s.rules.iter().flatten()) {
            assert!(rule.host.is_some(), "{at}: an Ingress rule answers every host");
        }
        if let Some(ingress) = ingress {
            let spec = ingress.spec.as_ref().expect("spec");
            assert_eq!(spec.ingress_class_name.as_deref(), Some(cluster.ingress_class.as_str()), "{at}: class");
        }
        let mut routed = Vec::new();
        for policy in objects.iter().filter_map(|o| match o {
            Object::NetworkPolicy(p) => Some(p),
            _ => None,
        }) {
            for rule in policy.spec.iter().flat_map(|s| s.ingress.iter().flatten()) {
                let peers = rule.from.as_deref().unwrap_or_else(|| panic!("{at}: a policy admits every namespace"));
                for peer in peers.iter().filter(|p| p.namespace_selector.is_some()) {
                    let labels = peer.namespace_selector.as_ref().and_then(|s| s.match_labels.as_ref());
                    assert_eq!(
                        labels.and_then(|l| l.get("kubernetes.io/metadata.name")),
                        Some(&cluster.ingress_namespace),
                        "{at}: only the ingress controller's namespace may reach routed ports"
                    );
                    routed.push(policy.metadata.name.clone().unwrap_or_default());
                }
            }
        }
        let backends = ingress.and_then(|i| i.spec.as_ref()).into_iter().flat_map(|s| s.rules.iter().flatten());
        for backend in
            backends.flat_map(|r| r.http.iter().flat_map(|h| &h.paths)).filter_map(|p| p.backend.service.as_ref())
        {
            assert!(routed.contains(&backend.name), "{at}: the ingress controller may not reach {}", backend.name);
        }
    });
}

/// True when the Service `service` has the port `number`.
fn cluster_port(objects: &[Object], service: &str, number: Option<i32>) -> bool {
    objects.iter().any(|o| match o {
        Object::Service(s) if s.metadata.name.as_deref() == Some(service) => {
            s.spec.iter().flat_map(|s| s.ports.iter().flatten()).any(|p| Some(p.port) == number)
        }
        _ => false,
    })
}

/// The text of an environment's `kustomization.yaml`.
fn kustomization_file(stack: &ValidStack) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(&stack.name)
        .join(emit::layout::kubernetes_dir(stack.env()))
        .join("kustomization.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Everything the manifests need from outside is listed in the header before the first apply,
/// derived from the manifests themselves: every Secret key a pod reads, the pull secret of
/// pods running the project's private images (with the `kubectl create secret docker-registry`
/// command), the ingress controller of the Ingress's class, cert-manager's issuer, and the
/// storage classes the claims need (ReadWriteMany ones stated).
/// <https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/>
#[test]
fn the_header_lists_what_the_manifests_need() {
    each_environment(|cluster, stack, objects, at| {
        let file = kustomization_file(stack);
        // The header's comment lines: what must exist before the first apply.
        let notes: Vec<&str> =
            file.lines().take_while(|l| l.starts_with('#')).map(|l| l.trim_start_matches("# ")).collect();
        let listed = |needle: &str| notes.iter().any(|n| n.contains(needle));
        let kustomization: Kustomization = serde_saphyr::from_str(&file).expect("a Kustomization");
        let built: Vec<&str> = kustomization.images.iter().map(|i| i.name.as_str()).collect();
        for object in objects {
            let Some(pod) = pod_spec(object) else { continue };
            for container in pod.containers.iter().chain(pod.init_containers.iter().flatten()) {
                for key in container.env.iter().flatten().filter_map(|v| v.value_from.as_ref()?.secret_key_ref.as_ref())
                {
                    assert!(listed(&key.key), "{at}: the Secret key {} is not listed", key.key);
                }
                if container.image.as_deref().is_some_and(|i| built.contains(&i)) {
                    let secrets: Vec<&str> = pod.image_pull_secrets.iter().flatten().map(|s| s.name.as_str()).collect();
                    assert_eq!(
                        secrets,
                        [cluster.pull_secret.as_str()],
                        "{at}: {} pulls without the secret",
                        container.name
                    );
                    let command = format!("kubectl create secret docker-registry {}", cluster.pull_secret);
                    assert!(listed(&command), "{at}: no {command:?} in the header");
                }
            }
        }
        for object in objects {
            match object {
                Object::Ingress(ingress) => {
                    let class = format!("IngressClass {}", cluster.ingress_class);
                    assert!(listed(&class), "{at}: the ingress controller is not listed");
                    for tls in ingress.spec.iter().flat_map(|s| s.tls.iter().flatten()) {
                        let secret = tls.secret_name.as_deref().unwrap_or_default();
                        assert!(listed(secret), "{at}: the certificate Secret {secret} is not listed");
                    }
                }
                Object::PersistentVolumeClaim(claim) => {
                    assert!(listed("default StorageClass"), "{at}: the storage class is not listed");
                    let modes = claim.spec.as_ref().and_then(|s| s.access_modes.clone()).unwrap_or_default();
                    let name = claim.metadata.name.clone().unwrap_or_default();
                    if modes.iter().any(|m| m == "ReadWriteMany") {
                        assert!(
                            notes.iter().any(|n| n.contains("ReadWriteMany") && n.contains(&name)),
                            "{at}: {name} RWX not stated"
                        );
                    }
                }
                _ => {}
            }
        }
    });
}

/// The pod template of a workload.
fn pod_spec(object: &Object) -> Option<&PodSpec> {
    match object {
        Object::Deployment(d) => d.spec.as_ref()?.template.spec.as_ref(),
        Object::StatefulSet(s) => s.spec.as_ref()?.template.spec.as_ref(),
        Object::Job(j) => j.spec.as_ref()?.template.spec.as_ref(),
        Object::CronJob(c) => c.spec.as_ref()?.job_template.spec.as_ref()?.template.spec.as_ref(),
        _ => None,
    }
}

/// Run `check` on every environment of every team stack: its project's cluster, the stack, its
/// parsed objects and a label for messages.
fn each_environment(mut check: impl FnMut(&stack_dsl::Cluster, &ValidStack, &[Object], &str)) {
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            let at = format!("{} ({})", stack.name, stack.env());
            check(valid.cluster(), stack, &golden(stack), &at);
        }
    }
}

/// Pods have no Docker host (`host.docker.internal` is Docker Desktop's and Compose's
/// `host-gateway` name, <https://docs.docker.com/reference/cli/dockerd/#configure-host-gateway-ip>):
/// no container is given it, and a dependency on it is reached through an `ExternalName`
/// Service of its name, in the manifests (validation requires its cluster address).
#[test]
fn no_pod_is_given_a_docker_only_name() {
    each_environment(|_, stack, objects, at| {
        for pod in objects.iter().filter_map(pod_spec) {
            for container in pod.containers.iter().chain(pod.init_containers.iter().flatten()) {
                for var in container.env.iter().flatten() {
                    let value = var.value.as_deref().unwrap_or_default();
                    assert!(!value.contains(stack_dsl::DOCKER_HOST), "{at}: {} = {value}", var.name);
                }
            }
        }
        for external in stack
            .externals
            .iter()
            .filter(|e| matches!(&e.reach, stack_dsl::Reach::Address { host, .. } if host == stack_dsl::DOCKER_HOST))
        {
            let emitted = objects.iter().any(|o| {
                matches!(o, Object::Service(s) if s.metadata.name.as_deref() == Some(&external.name)
                    && s.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("ExternalName"))
            });
            assert!(emitted, "{at}: nothing makes {} reachable from pods", external.name);
        }
    });
}

/// Smaller runtime facts of the cluster:
/// - a StatefulSet's `serviceName` names a headless Service selecting its pods
///   (<https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations>);
/// - a NetworkPolicy that restricts egress keeps DNS (UDP and TCP 53) open, or no name resolves
///   (<https://kubernetes.io/docs/concepts/services-networking/network-policies/>);
/// - a claim that pods of several workloads, or several replicas of a Deployment, mount is
///   `ReadWriteMany`: a `ReadWriteOnce` volume attaches to one node only
///   (<https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes>).
#[test]
fn statefulsets_dns_and_shared_claims_work() {
    use std::collections::BTreeMap;

    each_environment(|_, _, objects, at| {
        let mut claim_users: BTreeMap<String, u32> = BTreeMap::new();
        for object in objects {
            let replicas = match object {
                Object::Deployment(d) => d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1).max(1) as u32,
                _ => 1,
            };
            for volume in pod_spec(object).into_iter().flat_map(|p| p.volumes.iter().flatten()) {
                if let Some(claim) = &volume.persistent_volume_claim {
                    *claim_users.entry(claim.claim_name.clone()).or_default() += replicas;
                }
            }
            match object {
                Object::StatefulSet(set) => {
                    let spec = set.spec.as_ref().expect("spec");
                    let Some(governing) = &spec.service_name else { continue };
                    let headless = objects.iter().any(|o| match o {
                        Object::Service(s) => {
                            let service_spec = s.spec.as_ref();
                            s.metadata.name.as_ref() == Some(governing)
                                && service_spec.and_then(|s| s.cluster_ip.as_deref()) == Some("None")
                                && service_spec.and_then(|s| s.selector.as_ref()) == spec.selector.match_labels.as_ref()
                        }
                        _ => false,
                    });
                    assert!(headless, "{at}: {governing} is not a headless Service of its StatefulSet");
                }
                Object::NetworkPolicy(policy) => {
                    let spec = policy.spec.as_ref().expect("spec");
                    if !spec.policy_types.iter().flatten().any(|t| t == "Egress") {
                        continue;
                    }
                    for protocol in ["UDP", "TCP"] {
                        let dns = spec.egress.iter().flatten().any(|rule| {
                            rule.to.is_none()
                                && rule.ports.iter().flatten().any(|p| {
                                    p.protocol.as_deref() == Some(protocol)
                                        && p.port
                                            == Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(53))
                                })
                        });
                        let name = policy.metadata.name.as_deref().unwrap_or_default();
                        assert!(dns, "{at}: the policy {name} blocks DNS over {protocol}");
                    }
                }
                _ => {}
            }
        }
        for object in objects {
            let Object::PersistentVolumeClaim(claim) = object else { continue };
            let name = claim.metadata.name.clone().unwrap_or_default();
            let modes = claim.spec.as_ref().and_then(|s| s.access_modes.clone()).unwrap_or_default();
            if claim_users.get(&name).copied().unwrap_or(0) > 1 {
                assert_eq!(modes, ["ReadWriteMany"], "{at}: {name} is mounted by several pods");
            }
        }
    });
}

/// A host directory several running services share in Compose keeps being shared: all of them
/// mount one claim (ANB's API writes uploads its worker reads).
#[test]
fn shared_host_directories_stay_shared() {
    each_environment(|_, stack, objects, at| {
        let running: Vec<&Service> = stack.services().filter(|s| emit::kubernetes::left_out(s).is_none()).collect();
        for service in &running {
            for mount in &service.mounts {
                let MountSource::Bind(path) = &mount.source else { continue };
                let sharers: Vec<&&Service> = running
                    .iter()
                    .filter(|s| s.mounts.iter().any(|m| matches!(&m.source, MountSource::Bind(p) if p == path)))
                    .collect();
                if sharers.len() < 2 {
                    continue;
                }
                let claims: Vec<Option<String>> = sharers
                    .iter()
                    .map(|s| {
                        let (pod, _) = pod(objects, s, at);
                        let target =
                            s.mounts.iter().find(|m| matches!(&m.source, MountSource::Bind(p) if p == path))?;
                        let container = pod.containers.iter().find(|c| c.name == s.name)?;
                        let volume =
                            container.volume_mounts.iter().flatten().find(|m| m.mount_path == target.target)?;
                        let source = pod.volumes.iter().flatten().find(|v| v.name == volume.name)?;
                        source.persistent_volume_claim.as_ref().map(|c| c.claim_name.clone())
                    })
                    .collect();
                assert!(
                    claims[0].is_some() && claims.iter().all(|c| c == &claims[0]),
                    "{at}: {path} is not one shared claim: {claims:?}"
                );
            }
        }
    });
}

/// Where cert-manager issues certificates (a ClusterIssuer and a certified host), its HTTP-01
/// solver pods, created in the stack's namespace and labelled
/// `acme.cert-manager.io/http01-solver: "true"`, are reachable on their port from the ingress
/// controller's namespace despite `default-deny-ingress`; otherwise no certificate is issued.
/// (The committed stacks serve placeholders today; `ingress.rs` checks a certified host.)
#[test]
fn cert_manager_can_solve_http01_challenges() {
    use emit::facts::cert_manager::{HTTP01_SOLVER_LABEL, HTTP01_SOLVER_PORT};

    let solver = BTreeMap::from([(HTTP01_SOLVER_LABEL.0.to_string(), HTTP01_SOLVER_LABEL.1.to_string())]);
    each_environment(|cluster, _, objects, at| {
        let certified = objects.iter().any(|o| match o {
            Object::Ingress(i) => {
                i.spec.as_ref().is_some_and(|s| s.tls.as_ref().is_some_and(|t| !t.is_empty()))
                    && matches!(cluster.certificates, stack_dsl::Certificates::ClusterIssuer(_))
            }
            _ => false,
        });
        let admitted = objects.iter().filter_map(|o| match o {
            Object::NetworkPolicy(p) => p.spec.as_ref(),
            _ => None,
        });
        let reachable = admitted
            .filter(|spec| {
                spec.pod_selector.as_ref().is_some_and(|s| {
                    s.match_expressions.is_none()
                        && s.match_labels.iter().flatten().all(|(k, v)| solver.get(k) == Some(v))
                })
            })
            .flat_map(|spec| spec.ingress.iter().flatten())
            .any(|rule| {
                let from_controller = rule.from.iter().flatten().any(|peer| {
                    peer.pod_selector.is_none()
                        && peer
                            .namespace_selector
                            .as_ref()
                            .and_then(|s| s.match_labels.as_ref())
                            .and_then(|l| l.get("kubernetes.io/metadata.name"))
                            == Some(&cluster.ingress_namespace)
                });
                let on_port = rule.ports.iter().flatten().any(|p| {
                    p.port
                        == Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(
                            HTTP01_SOLVER_PORT.into(),
                        ))
                });
                from_controller && on_port
            });
        // Only where cert-manager runs a challenge is anything admitted to its label.
        assert_eq!(reachable, certified, "{at}: HTTP-01 solver pods reachable {reachable}, certificates {certified}");
    });
}

/// A StatefulSet's volume is re-owned for its `fsGroup` only when its root is not yet: with the
/// kubelet's default (`Always`) every restart after a drain walks the whole data directory
/// (`emit::facts::kubelet`).
#[test]
fn statefulset_volumes_are_not_re_owned_on_every_start() {
    let mut checked = 0;
    each_environment(|_, _, objects, at| {
        for set in objects.iter().filter_map(|o| match o {
            Object::StatefulSet(s) => Some(s),
            _ => None,
        }) {
            let security =
                set.spec.as_ref().and_then(|s| s.template.spec.as_ref()).and_then(|p| p.security_context.as_ref());
            if security.and_then(|s| s.fs_group).is_none() {
                continue;
            }
            checked += 1;
            assert_eq!(
                security.and_then(|s| s.fs_group_change_policy.as_deref()),
                Some(emit::facts::kubelet::FS_GROUP_CHANGE_POLICY),
                "{at}: {:?}",
                set.metadata.name
            );
        }
    });
    assert!(checked > 0, "no StatefulSet with an fsGroup");
}

/// A pod running as the assumed uid (`emit::kubernetes::DEFAULT_UID`, which owns none of the
/// image's files) is named in the kustomization header, where reviewers see it; a service the
/// stack gives a uid runs as that uid.
#[test]
fn assumed_uids_are_in_the_header_and_given_uids_are_kept() {
    each_environment(|_, stack, objects, at| {
        let header = header(stack).join("\n");
        for object in objects {
            let (Some(name), Some(pod)) = (name(object), pod_spec(object)) else { continue };
            let Some(service) = stack.service(name) else { continue };
            let uid = pod.security_context.as_ref().and_then(|s| s.run_as_user);
            if let Some(stack_dsl::User::Id { uid: given, .. }) = &service.user {
                assert_eq!(uid, Some(i64::from(*given)), "{at}: {name} runs as another uid than the stack gives");
            }
            if uid == Some(emit::kubernetes::DEFAULT_UID.into()) {
                let said = format!("{name} runs as uid {}", emit::kubernetes::DEFAULT_UID);
                assert!(header.contains(&said), "{at}: the header does not say {said:?}");
            }
        }
    });
}

/// Each `ExternalName` Service (a dependency on the Docker host) comes with the header's check
/// that the cluster's DNS resolves its name and the server admits the pods, run in `default`
/// (the stack's namespace enforces `restricted`, which a plain `kubectl run` pod fails).
#[test]
fn external_names_come_with_their_dns_and_access_check() {
    let mut checked = 0;
    each_environment(|_, stack, objects, at| {
        let header = header(stack).join("\n");
        for service in objects.iter().filter_map(|o| match o {
            Object::Service(s) => s.spec.as_ref().filter(|s| s.type_.as_deref() == Some("ExternalName")),
            _ => None,
        }) {
            checked += 1;
            let host = service.external_name.as_deref().expect("an external name");
            let external = stack.externals.iter().find(|e| e.cluster_host.as_deref() == Some(host)).expect("modelled");
            let stack_dsl::Reach::Address { port, .. } = &external.reach else { panic!("{at}: no port") };
            for said in [
                format!("the cluster's DNS must resolve {host}"),
                format!("kubectl run {}-check -n default --rm -it", external.name),
                format!("nslookup {host} && nc -zv -w 5 {host} {port}"),
            ] {
                assert!(header.contains(&said), "{at}: the header does not say {said:?}");
            }
        }
    });
    assert!(checked > 0, "no stack reaches a Docker-host dependency");
}

/// A one-replica StatefulSet that others reach is down for a moment on each deploy (its pod is
/// deleted before the replacement starts: `emit::facts::rollouts`); the header says so.
#[test]
fn single_replica_statefulset_outages_are_in_the_header() {
    let mut checked = 0;
    each_environment(|_, stack, objects, at| {
        let header = header(stack).join("\n");
        for set in objects.iter().filter_map(|o| match o {
            Object::StatefulSet(s) => Some(s),
            _ => None,
        }) {
            let name = set.metadata.name.as_deref().unwrap_or_default();
            let spec = set.spec.as_ref().expect("spec");
            let reached =
                objects.iter().any(|o| matches!(o, Object::Service(s) if s.metadata.name.as_deref() == Some(name)));
            if spec.replicas == Some(1) && spec.volume_claim_templates.is_some() && reached {
                checked += 1;
                let said = format!("{name} is a one-replica StatefulSet with a ReadWriteOnce claim");
                assert!(header.contains(&said), "{at}: the header does not say {said:?}");
            }
        }
    });
    assert!(checked > 0, "no one-replica StatefulSet");
}

/// Files the replaced edge proxy served from a volume or directory the application shares are
/// served by no object (no workload mounts them behind an Ingress path), so the header names
/// each as a prerequisite instead of leaving its URLs to answer 404 unannounced.
#[test]
fn files_the_replaced_proxy_served_are_a_prerequisite() {
    let mut checked = 0;
    each_environment(|_, stack, objects, at| {
        let header = header(stack).join("\n");
        let served: Vec<String> = objects
            .iter()
            .filter_map(|o| match o {
                Object::Ingress(i) => i.spec.as_ref(),
                _ => None,
            })
            .flat_map(|s| s.rules.iter().flatten())
            .flat_map(|r| r.http.iter().flat_map(|h| &h.paths))
            .filter_map(|p| p.backend.service.as_ref().map(|b| b.name.clone()))
            .collect();
        for proxy in stack.services().filter(|s| s.role.is_platform_edge()) {
            for mount in &proxy.mounts {
                let source = match &mount.source {
                    MountSource::Volume(v) => v.name().to_string(),
                    MountSource::Bind(path) => path.clone(),
                    _ => continue,
                };
                let shared = stack.services().any(|s| {
                    s.run == Run::Continuously
                        && served.contains(&s.name)
                        && s.mounts.iter().any(|m| m.source == mount.source)
                });
                if !shared {
                    continue;
                }
                checked += 1;
                let said = format!("{} served the files of the", proxy.name);
                assert!(
                    header.lines().any(|l| l.starts_with(&said) && l.contains(&source) && l.contains("404")),
                    "{at}: the header does not say that {source} is no longer served"
                );
            }
        }
    });
    assert!(checked > 0, "no replaced proxy served files");
}

/// The bytes of a quantity in the binary units the emitter writes (`256Mi`, `1Gi`).
fn quantity_bytes(quantity: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> u64 {
    let text = quantity.0.as_str();
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len()));
    let power = ["", "Ki", "Mi", "Gi", "Ti"].iter().position(|u| *u == unit).unwrap_or_else(|| panic!("{text}"));
    number.parse::<u64>().expect("a number") << (10 * power)
}

/// Files in a memory-backed `emptyDir` count against the container's memory limit
/// (`emit::facts::kubelet`): each has a `sizeLimit`, the model's tmpfs size where stated, and
/// those a container mounts leave it room for its process within its limit.
#[test]
fn memory_directories_cannot_outgrow_their_container() {
    let mut checked = 0;
    each_environment(|_, stack, objects, at| {
        for service in stack.services().filter(|s| emit::kubernetes::left_out(s).is_none()) {
            let stated: Vec<Option<stack_dsl::Memory>> = service
                .mounts
                .iter()
                .filter_map(|m| match m.source {
                    MountSource::Tmpfs { size } => Some(size),
                    _ => None,
                })
                .collect();
            if stated.is_empty() {
                continue;
            }
            let (pod, _) = pod(objects, service, at);
            let memory_dirs: BTreeMap<&str, u64> = pod
                .volumes
                .iter()
                .flatten()
                .filter_map(|v| Some((v.name.as_str(), v.empty_dir.as_ref()?)))
                .filter(|(_, dir)| dir.medium.as_deref() == Some("Memory"))
                .map(|(name, dir)| {
                    let limit = dir.size_limit.as_ref().unwrap_or_else(|| panic!("{at}: {name} has no sizeLimit"));
                    (name, quantity_bytes(limit))
                })
                .collect();
            let container = &pod.containers[0];
            let memory_limit = container
                .resources
                .as_ref()
                .and_then(|r| r.limits.as_ref())
                .and_then(|l| l.get("memory"))
                .map(quantity_bytes)
                .unwrap_or_else(|| panic!("{at}: {} has no memory limit", service.name));
            let mounted: Vec<u64> = container
                .volume_mounts
                .iter()
                .flatten()
                .filter_map(|m| memory_dirs.get(m.name.as_str()).copied())
                .collect();
            assert_eq!(mounted.len(), stated.len(), "{at}: {} mounts every tmpfs", service.name);
            for (size, limit) in stated.iter().zip(&mounted) {
                if let Some(size) = size {
                    assert_eq!(size.bytes(), *limit, "{at}: {} keeps the tmpfs size it states", service.name);
                }
            }
            if stated.iter().all(Option::is_none) {
                let total: u64 = mounted.iter().sum();
                assert!(total <= memory_limit / 2, "{at}: {}: {total} of {memory_limit} bytes", service.name);
                checked += 1;
            }
        }
    });
    assert!(checked > 0, "no team stack mounts a tmpfs without a size");
}

/// The header speaks of the pipeline only where a Kubernetes pipeline deploys the environment
/// (its hosted environments); elsewhere it tells the operator applying by hand what is theirs
/// to do. DEPLOY.md says where the Ingress gets the certificates a left-out edge proxy held:
/// from cert-manager, or from the TLS Secret the `Cluster` names.
#[test]
fn header_and_deploy_page_follow_who_deploys_and_the_certificates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
    let (mut by_pipeline, mut by_hand) = (0, 0);
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let kubernetes_pipeline = valid.pipeline().is_some_and(|p| p.target == stack_dsl::DeployTarget::Kubernetes);
        for stack in valid.stacks() {
            let at = format!("{} ({})", stack.name, stack.env());
            let header = header(stack).join("\n");
            let identity = header.lines().find(|l| l.contains("ClusterRole admin")).unwrap_or_else(|| panic!("{at}"));
            if kubernetes_pipeline && stack.env().is_hosted() {
                by_pipeline += 1;
                assert!(identity.contains("the kubeconfig the pipeline uses"), "{at}: {identity}");
            } else {
                by_hand += 1;
                assert!(identity.contains("The identity you apply with"), "{at}: {identity}");
                for pipeline_only in ["the kubeconfig the pipeline uses", "the deploy workflow rolls them itself"] {
                    assert!(!header.contains(pipeline_only), "{at}: {pipeline_only:?} in\n{header}");
                }
            }
        }
        let page = std::fs::read_to_string(root.join(project.name()).join("DEPLOY.md")).expect("DEPLOY.md");
        for line in page.lines().filter(|l| l.contains("in Kubernetes the ingress controller routes the Ingress")) {
            match &valid.cluster().certificates {
                stack_dsl::Certificates::ClusterIssuer(issuer) => {
                    assert!(
                        line.contains(&format!(
                            "cert-manager issues and renews its certificates from the ClusterIssuer {issuer}"
                        )),
                        "{line}"
                    );
                }
                stack_dsl::Certificates::Secret(name) => {
                    assert!(!line.contains("cert-manager"), "{}: {line}", project.name());
                    assert!(line.contains(&format!("the TLS Secret {name}, which you create")), "{line}");
                }
            }
        }
    }
    assert!(by_pipeline > 0 && by_hand > 0, "{by_pipeline} by the pipeline, {by_hand} by hand");
}
