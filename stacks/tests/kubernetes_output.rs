//! The committed Kubernetes manifests, read back into typed `k8s-openapi` objects, carry what
//! each team stack says: every service as the right workload, its ports, volumes, health
//! checks, start order, replicas and secret references, and every public route. A property
//! checked over the model, not a copy of the golden text.

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

fn check_container(stack: &ValidStack, service: &Service, container: &Container, at: &str) {
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
        if let Some(live) = service.liveness.as_ref().or(service.healthcheck.as_ref()) {
            same_check(container.liveness_probe.as_ref(), &live.check, &format!("{at} liveness"));
        }
    }
    let env = container.env.as_deref().unwrap_or_default();
    for (name, value) in &service.env {
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
                let (pod, replicas) = pod(&objects, service, &at);
                let container = pod.containers.iter().find(|c| c.name == service.name).expect("the container");
                check_container(stack, service, container, &at);
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
            for volume in stack.volumes.iter().filter(|v| v.kind == VolumeKind::Persistent) {
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
            for service in stack.services().filter(|s| s.run == Run::Continuously) {
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
            for service in stack.services().filter(|s| s.run == Run::Continuously) {
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
