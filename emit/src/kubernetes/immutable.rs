//! Changes Kubernetes refuses to apply in place, found by comparing a manifest file as committed
//! with the file rendered now, each with what the operator does instead. Writing a change that
//! `kubectl apply` would reject fails ([`refuse`]) unless the user acknowledges it
//! (`Options::acknowledge_recreate`): every later apply of the committed files would fail until
//! someone performed the steps. Changes that apply but need care (an autoscaler taking over
//! replicas, a claim growing) are only reported.
//!
//! - StatefulSet: only `replicas`, `ordinals`, `template`, `updateStrategy`,
//!   `persistentVolumeClaimRetentionPolicy` and `minReadySeconds` may change; a new
//!   `volumeClaimTemplates` or `serviceName` needs the object recreated without its pods
//!   (`kubectl delete --cascade=orphan`), and a bigger volume is an expansion of each existing
//!   claim: <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#volume-claim-templates>,
//!   <https://kubernetes.io/docs/tasks/run-application/delete-stateful-set/>,
//!   <https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims>.
//! - Deployment and StatefulSet `selector` (`apps/v1`):
//!   <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#label-selector-updates>.
//! - PersistentVolumeClaim: the size may only grow (and only where the storage class allows
//!   expansion); access modes and storage class are fixed.
//! - Deployment or StatefulSet handing its replicas to an autoscaler: the documented migration
//!   removes `replicas` from the last-applied configuration first.
//! - Job: the pod template is fixed once created:
//!   <https://kubernetes.io/docs/concepts/workloads/controllers/job/>.

use k8s_openapi::api::apps::v1::StatefulSetSpec;
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::object::Object;
use crate::bundle::Change;
use crate::error::Error;

/// One change the cluster will refuse, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForbiddenChange {
    /// The manifest file.
    pub path: String,
    /// `StatefulSet postgres`.
    pub object: String,
    /// What changed and the steps that apply it.
    pub message: String,
    /// `kubectl apply` rejects the change, so writing it needs the user's acknowledgement.
    pub rejected: bool,
}

impl std::fmt::Display for ForbiddenChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} › {}: {}", self.path, self.object, self.message)
    }
}

/// Stop a write whose `changes` hold a change `kubectl apply` rejects, naming each with its steps.
pub fn refuse(changes: &[Change]) -> Result<(), Error> {
    let rejected: Vec<String> =
        forbidden_in(changes).into_iter().filter(|f| f.rejected).map(|f| f.to_string()).collect();
    if rejected.is_empty() { Ok(()) } else { Err(Error::RefusedInPlace(rejected)) }
}

/// The forbidden changes among `changes` (updated Kubernetes manifest files only).
pub fn forbidden_in(changes: &[Change]) -> Vec<ForbiddenChange> {
    changes
        .iter()
        .filter_map(|change| match change {
            Change::Updated { path, old, new } if is_manifest(path) => Some(forbidden_changes(path, old, new)),
            _ => None,
        })
        .flatten()
        .collect()
}

fn is_manifest(path: &str) -> bool {
    path.split('/').any(|part| part == crate::layout::KUBERNETES_DIR)
        && path.ends_with(".yaml")
        && !path.ends_with("kustomization.yaml")
}

/// The objects of a manifest file; text that is not one (a hand edit) gives none.
fn objects(text: &str) -> Vec<Object> {
    text.split("\n---\n").filter_map(|document| serde_saphyr::from_str(document).ok()).collect()
}

fn name_of(object: &Object) -> Option<(&'static str, &str)> {
    Some(match object {
        Object::StatefulSet(o) => ("StatefulSet", o.metadata.name.as_deref()?),
        Object::Deployment(o) => ("Deployment", o.metadata.name.as_deref()?),
        Object::PersistentVolumeClaim(o) => ("PersistentVolumeClaim", o.metadata.name.as_deref()?),
        Object::Job(o) => ("Job", o.metadata.name.as_deref()?),
        _ => return None,
    })
}

fn namespace_of(object: &Object) -> &str {
    let metadata = match object {
        Object::StatefulSet(o) => &o.metadata,
        Object::Deployment(o) => &o.metadata,
        Object::PersistentVolumeClaim(o) => &o.metadata,
        Object::Job(o) => &o.metadata,
        _ => return "",
    };
    metadata.namespace.as_deref().unwrap_or_default()
}

/// The changes between the committed `old` text of the manifest at `path` and the `new` one
/// that Kubernetes will not apply in place.
pub fn forbidden_changes(path: &str, old: &str, new: &str) -> Vec<ForbiddenChange> {
    let before = objects(old);
    let mut found = Vec::new();
    for now in objects(new) {
        let Some((kind, name)) = name_of(&now) else { continue };
        let Some(was) = before.iter().find(|o| name_of(o) == Some((kind, name))) else { continue };
        let namespace = namespace_of(&now);
        let messages: Vec<(bool, String)> = match (was, &now) {
            (Object::StatefulSet(a), Object::StatefulSet(b)) => match (&a.spec, &b.spec) {
                (Some(a), Some(b)) => {
                    let mut messages = autoscaling_takes_over("statefulset", name, namespace, a.replicas, b.replicas);
                    messages.extend(stateful_set(name, namespace, a, b).into_iter().map(|m| (true, m)));
                    messages
                }
                _ => Vec::new(),
            },
            (Object::Deployment(a), Object::Deployment(b)) => {
                let mut messages = autoscaling_takes_over(
                    "deployment",
                    name,
                    namespace,
                    a.spec.as_ref().and_then(|s| s.replicas),
                    b.spec.as_ref().and_then(|s| s.replicas),
                );
                let (a, b) = (a.spec.as_ref().map(|s| &s.selector), b.spec.as_ref().map(|s| &s.selector));
                if a != b {
                    messages.push((true, format!(
                        "its selector changed, which Kubernetes forbids: kubectl delete deployment {name} -n {namespace}, then apply (its pods are replaced)"
                    )));
                }
                messages
            }
            (Object::PersistentVolumeClaim(a), Object::PersistentVolumeClaim(b)) => claim(name, namespace, a, b),
            (Object::Job(a), Object::Job(b)) => {
                let (a, b) = (a.spec.as_ref().map(|s| &s.template), b.spec.as_ref().map(|s| &s.template));
                if a == b {
                    Vec::new()
                } else {
                    vec![(
                        true,
                        format!(
                            "its pod template changed and a Job's is fixed: kubectl delete job {name} -n {namespace} --ignore-not-found, then apply (the deploy workflow names each release's Job anew)"
                        ),
                    )]
                }
            }
            _ => Vec::new(),
        };
        found.extend(messages.into_iter().map(|(rejected, message)| ForbiddenChange {
            path: path.to_string(),
            object: format!("{kind} {name}"),
            message,
            rejected,
        }));
    }
    found
}

/// A workload that leaves its replica count to a new autoscaler: applying a manifest without
/// `replicas` over one applied with it would scale the workload to one replica first
/// (<https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling>).
/// Applying it succeeds, so it is only reported.
fn autoscaling_takes_over(
    kind: &str,
    name: &str,
    namespace: &str,
    was: Option<i32>,
    now: Option<i32>,
) -> Vec<(bool, String)> {
    match (was, now) {
        (Some(count), None) => vec![(
            false,
            format!(
                "an autoscaler now sets its replicas ({count} so far); applying the file as it is would first scale it to 1: kubectl apply edit-last-applied {kind}/{name} -n {namespace} and delete spec.replicas, then apply (the deploy workflow does this itself)"
            ),
        )],
        _ => Vec::new(),
    }
}

/// The command that recreates the StatefulSet `name` around its running pods and claims.
pub fn recreate_command(name: &str, namespace: &str) -> String {
    format!(
        "kubectl delete statefulset {name} -n {namespace} --cascade=orphan, then apply: the pods and their claims stay, and the new StatefulSet adopts them"
    )
}

/// The command that grows the claim `claim` to `size`.
pub fn expand_command(claim: &str, namespace: &str, size: &str) -> String {
    let patch = format!(r#"'{{"spec":{{"resources":{{"requests":{{"storage":"{size}"}}}}}}}}'"#);
    format!("kubectl patch pvc {claim} -n {namespace} -p {patch}")
}

/// The one-line procedure for growing a volume, for the kustomization header.
pub fn resize_procedure(namespace: &str, stateful_sets: &[&str]) -> String {
    let mut note = format!(
        "To grow a volume: {} for each of its claims (the StorageClass needs allowVolumeExpansion; a claim never shrinks)",
        expand_command("<claim>", namespace, "<size>")
    );
    if !stateful_sets.is_empty() {
        note.push_str(&format!(
            "; the claim templates of {} take the new size only when the StatefulSet is recreated: after patching its claims, {}",
            stateful_sets.join(", "),
            recreate_command("<name>", namespace)
        ));
    }
    note.push_str("; regenerating prints the exact commands");
    note
}

fn storage_of(claim: &PersistentVolumeClaim) -> Option<&Quantity> {
    claim.spec.as_ref()?.resources.as_ref()?.requests.as_ref()?.get("storage")
}

fn stateful_set(name: &str, namespace: &str, was: &StatefulSetSpec, now: &StatefulSetSpec) -> Vec<String> {
    let recreate = recreate_command(name, namespace);
    let mut messages = Vec::new();
    let replicas = now.replicas.unwrap_or(1).max(1);
    let (old_templates, new_templates) = (
        was.volume_claim_templates.as_deref().unwrap_or_default(),
        now.volume_claim_templates.as_deref().unwrap_or_default(),
    );
    let mut grown = Vec::new();
    let mut other_template_change = old_templates.len() != new_templates.len();
    for template in new_templates {
        let claim = template.metadata.name.as_deref().unwrap_or_default();
        let Some(old) = old_templates.iter().find(|t| t.metadata.name == template.metadata.name) else {
            other_template_change = true;
            continue;
        };
        let (size_was, size_now) = (storage_of(old), storage_of(template));
        let mut old_same_size = old.clone();
        if let (Some(spec), Some(size)) = (old_same_size.spec.as_mut(), size_now) {
            spec.resources
                .get_or_insert_default()
                .requests
                .get_or_insert_default()
                .insert("storage".into(), size.clone());
        }
        if &old_same_size != template {
            other_template_change = true;
        }
        if size_was != size_now
            && let Some(size) = size_now
        {
            let claims: Vec<String> = (0..replicas).map(|i| format!("{claim}-{name}-{i}")).collect();
            let commands: Vec<String> = claims.iter().map(|c| expand_command(c, namespace, &size.0)).collect();
            grown.push(format!(
                "the volume {claim} changes from {} to {}; claims cannot be resized through their template: expand each claim ({}; the storage class needs allowVolumeExpansion, and claims cannot shrink), then {recreate}",
                size_was.map_or("unset", |q| q.0.as_str()),
                size.0,
                commands.join("; ")
            ));
        }
    }
    messages.extend(grown);
    if other_template_change {
        messages.push(format!(
            "its volumeClaimTemplates changed, which Kubernetes forbids in place; existing claims keep their old settings: {recreate}"
        ));
    }
    if was.service_name != now.service_name {
        messages.push(format!(
            "its serviceName changes from {} to {}, which Kubernetes forbids in place: {recreate}",
            was.service_name.as_deref().unwrap_or("none"),
            now.service_name.as_deref().unwrap_or("none")
        ));
    }
    if was.selector != now.selector {
        messages.push(format!("its selector changed, which Kubernetes forbids in place: {recreate}"));
    }
    messages
}

/// A standalone claim: a new access mode or class is rejected; so is a smaller size, while a
/// bigger one applies where the storage class allows expansion.
fn claim(name: &str, namespace: &str, was: &PersistentVolumeClaim, now: &PersistentVolumeClaim) -> Vec<(bool, String)> {
    let (Some(a), Some(b)) = (&was.spec, &now.spec) else { return Vec::new() };
    let mut messages = Vec::new();
    if a.access_modes != b.access_modes || a.storage_class_name != b.storage_class_name {
        messages.push((true, format!(
            "its access modes or storage class changed, which a claim cannot: copy the data to a new claim, or delete {name} -n {namespace} (losing its data) and apply"
        )));
    }
    if let (Some(size_was), Some(size_now)) = (storage_of(was), storage_of(now))
        && size_was != size_now
    {
        let grows = matches!((bytes(size_was), bytes(size_now)), (Some(a), Some(b)) if b > a);
        let message = if grows {
            format!(
                "its size grows from {} to {}: applied in place only where the storage class has allowVolumeExpansion (otherwise copy the data to a new claim)",
                size_was.0, size_now.0
            )
        } else {
            format!(
                "its size changes from {} to {}, and a claim cannot shrink: keep {}, or copy the data to a new claim",
                size_was.0, size_now.0, size_was.0
            )
        };
        messages.push((!grows, message));
    }
    messages
}

/// The bytes of a storage quantity in the binary units the emitter writes (`20Gi`, `512Mi`).
fn bytes(quantity: &Quantity) -> Option<u128> {
    let text = quantity.0.as_str();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let power = ["", "Ki", "Mi", "Gi", "Ti", "Pi"].iter().position(|u| *u == unit)?;
    Some(number.parse::<u128>().ok()? << (10 * power))
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Env, Image, Memory, Mount, Port, Project, Service, Stack, Volume};

    use super::*;
    use crate::options::Options;

    /// The postgres manifest of a one-database stack whose volume has `size`.
    fn postgres_file(size: Memory, service_name_port: bool) -> (String, String) {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            let data = stack.add_volume(Volume::persistent("pgdata").size(size));
            let mut db = Service::new("postgres", Image::new("postgres:16.4")).mount(Mount::volume(&data, "/data"));
            if service_name_port {
                db = db.port(Port::tcp(5432));
            }
            stack.add_service(db);
            stack
        });
        let bundle = super::super::render(&project.validate().unwrap(), &Options::with_root("")).unwrap();
        let file = bundle.files().iter().find(|f| f.path.ends_with("/postgres.yaml")).expect("postgres.yaml");
        (file.path.clone(), file.contents.clone())
    }

    #[test]
    fn a_bigger_volume_is_expanded_claim_by_claim_then_the_stateful_set_recreated() {
        let (path, old) = postgres_file(Memory::gib(20), true);
        let (_, new) = postgres_file(Memory::gib(50), true);
        let found = forbidden_changes(&path, &old, &new);
        assert_eq!(found.len(), 1, "{found:#?}");
        let message = &found[0].message;
        assert_eq!(found[0].object, "StatefulSet postgres");
        for expected in [
            "from 20Gi to 50Gi",
            r#"kubectl patch pvc pgdata-postgres-0 -n shop-production -p '{"spec":{"resources":{"requests":{"storage":"50Gi"}}}}'"#,
            "kubectl delete statefulset postgres -n shop-production --cascade=orphan",
        ] {
            assert!(message.contains(expected), "{expected:?} not in {message}");
        }
    }

    /// Writing a bigger StatefulSet volume over the committed files fails, names the object and
    /// its steps, and leaves the files as they were; with the acknowledgement it is written.
    #[test]
    fn a_change_apply_rejects_is_written_only_when_acknowledged() {
        let project = |size: Memory| {
            Project::new("shop", [Env::Production], move |_| {
                let mut stack = Stack::new("shop");
                let data = stack.add_volume(Volume::persistent("pgdata").size(size));
                stack.add_service(
                    Service::new("postgres", Image::new("postgres:16.4"))
                        .port(Port::tcp(5432))
                        .mount(Mount::volume(&data, "/data")),
                );
                stack
            })
            .validate()
            .unwrap()
        };
        let dir = std::env::temp_dir().join(format!("stackwright-refused-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let options = Options::with_root("");
        crate::render(&project(Memory::gib(20)), &options).unwrap().write(&dir).expect("first write");
        let file = dir.join("kubernetes/production/postgres.yaml");
        let committed = std::fs::read_to_string(&file).unwrap();

        let bigger = crate::render(&project(Memory::gib(50)), &options).unwrap();
        let Err(Error::RefusedInPlace(rejected)) = bigger.write(&dir) else { panic!("the write was not refused") };
        assert_eq!(rejected.len(), 1, "{rejected:#?}");
        for expected in
            ["postgres.yaml › StatefulSet postgres", "kubectl patch pvc pgdata-postgres-0", "--cascade=orphan"]
        {
            assert!(rejected[0].contains(expected), "{expected:?} not in {}", rejected[0]);
        }
        let message = Error::RefusedInPlace(rejected).to_string();
        assert!(message.contains("Nothing was written") && message.contains("acknowledge"), "{message}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), committed, "a refused write changed the file");
        assert!(bigger.check(&dir).is_ok(), "checking never refuses");

        let acknowledged = crate::render(&project(Memory::gib(50)), &options.acknowledge_recreate()).unwrap();
        acknowledged.write(&dir).expect("an acknowledged write");
        assert!(std::fs::read_to_string(&file).unwrap().contains("storage: 50Gi"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn changes_that_apply_are_reported_not_refused() {
        let claim = |size: &str| {
            format!(
                "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: uploads\n  namespace: shop-production\nspec:\n  accessModes:\n  - ReadWriteMany\n  resources:\n    requests:\n      storage: {size}\n"
            )
        };
        let grown = forbidden_changes("kubernetes/production/volumes.yaml", &claim("1Gi"), &claim("5Gi"));
        assert_eq!(grown.iter().map(|f| f.rejected).collect::<Vec<_>>(), [false], "{grown:#?}");
        let shrunk = forbidden_changes("kubernetes/production/volumes.yaml", &claim("5Gi"), &claim("512Mi"));
        assert_eq!(shrunk.iter().map(|f| f.rejected).collect::<Vec<_>>(), [true], "{shrunk:#?}");
    }

    #[test]
    fn a_new_service_name_needs_the_stateful_set_recreated() {
        let (path, old) = postgres_file(Memory::gib(20), false);
        let (_, new) = postgres_file(Memory::gib(20), true);
        let found = forbidden_changes(&path, &old, &new);
        assert!(
            found.iter().any(|f| f.message.contains("serviceName") && f.message.contains("--cascade=orphan")),
            "{found:#?}"
        );
    }

    #[test]
    fn turning_on_autoscaling_removes_replicas_from_the_last_applied_configuration_first() {
        let web = |autoscale: bool| {
            let project = Project::new("shop", [Env::Production], move |_| {
                let mut stack = Stack::new("shop");
                let mut web = Service::new("web", Image::new("nginx:1.27")).port(Port::http(80)).replicas(3);
                if autoscale {
                    web = web.autoscale(stack_dsl::Autoscale::between(3, 10));
                }
                stack.add_service(web);
                stack
            });
            let bundle = super::super::render(&project.validate().unwrap(), &Options::with_root("")).unwrap();
            let file = bundle.files().iter().find(|f| f.path.ends_with("/web.yaml")).expect("web.yaml");
            (file.path.clone(), file.contents.clone())
        };
        let ((path, old), (_, new)) = (web(false), web(true));
        let found = forbidden_changes(&path, &old, &new);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("kubectl apply edit-last-applied deployment/web -n shop-production"),
            "{found:#?}"
        );
        assert!(!found[0].rejected, "applying succeeds, so writing it is not refused");
    }

    #[test]
    fn changes_kubernetes_applies_in_place_are_not_reported() {
        let (path, old) = postgres_file(Memory::gib(20), true);
        assert!(forbidden_changes(&path, &old, &old).is_empty());
        let new = old.replace("image: postgres:16.4", "image: postgres:16.5");
        assert_ne!(old, new);
        assert!(forbidden_changes(&path, &old, &new).is_empty());
    }

    /// The header's resize line names every StatefulSet of the rendered files that has claim
    /// templates, with the commands the regeneration check would give.
    #[test]
    fn the_header_states_the_resize_procedure() {
        use stack_dsl::{Env, Image, Mount, Port, Project, Service, Stack, Volume};
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let data = stack.add_volume(Volume::persistent("data"));
            stack.add_service(
                Service::new("db", Image::new("postgres:16.4"))
                    .port(Port::tcp(5432))
                    .mount(Mount::volume(&data, "/var/lib/postgresql")),
            );
            stack
        });
        let bundle =
            super::super::render(&project.validate().unwrap(), &crate::options::Options::with_root("")).unwrap();
        let stateful_sets: Vec<String> = bundle
            .files()
            .iter()
            .filter(|f| is_manifest(&f.path))
            .flat_map(|f| objects(&f.contents))
            .filter_map(|o| match o {
                Object::StatefulSet(s) if s.spec.as_ref().is_some_and(|s| s.volume_claim_templates.is_some()) => {
                    s.metadata.name
                }
                _ => None,
            })
            .collect();
        assert_eq!(stateful_sets, ["db"]);
        let header = &bundle.file("kubernetes/production/kustomization.yaml").unwrap().contents;
        let note = header.lines().find(|l| l.contains("To grow a volume")).unwrap_or_else(|| panic!("{header}"));
        assert!(note.contains(&expand_command("<claim>", "shop-production", "<size>")), "{note}");
        assert!(
            note.contains("the claim templates of db") && note.contains(&recreate_command("<name>", "shop-production")),
            "{note}"
        );
    }
}
