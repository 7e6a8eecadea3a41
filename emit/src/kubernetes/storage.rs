//! Mounts as pod volumes: a persistent volume one long-running service owns becomes a claim
//! of its StatefulSet, one several services share a standalone `ReadWriteMany` claim (one a
//! job alone mounts, a `ReadWriteOnce` claim), an external
//! volume a claim created outside the stack, a config file a ConfigMap, tmpfs a memory
//! `emptyDir`, always with a size limit ([`crate::facts::kubelet::memory_empty_dir_limit`]). Host paths have no place in a cluster and are reported.
//! <https://kubernetes.io/docs/concepts/storage/persistent-volumes/>

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ConfigMapVolumeSource, EmptyDirVolumeSource, KeyToPath, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeClaimVolumeSource, Volume, VolumeMount, VolumeResourceRequirements,
};
use stack_dsl::{MountSource, Run, Service, ValidStack, VolumeKind};

use super::labels;
use super::placement::runs;
use super::resources::memory;
use super::shared_dir;
use crate::applied_defaults::{self, Applied, Written};
use crate::facts::kubelet::memory_empty_dir_limit;
use crate::layout::KubernetesConfigMap;

/// How a service's mounts become pod volumes.
#[derive(Default)]
pub struct PodStorage {
    /// Volumes of the pod.
    pub volumes: Vec<Volume>,
    /// Mounts of the service's container.
    pub mounts: Vec<VolumeMount>,
    /// Claims the StatefulSet creates per replica.
    pub claim_templates: Vec<PersistentVolumeClaim>,
    /// The ConfigMaps of its config files.
    pub config_maps: Vec<KubernetesConfigMap>,
    /// Host paths that were left out.
    pub host_paths: Vec<String>,
}

/// How many services of the stack mount the volume `name`.
fn users(stack: &ValidStack, name: &str) -> usize {
    mounted_by(stack, name).count()
}

/// The services the cluster runs that mount the volume `name`.
pub fn mounted_by<'a>(stack: &'a ValidStack, name: &'a str) -> impl Iterator<Item = &'a Service> {
    stack
        .services()
        .filter(|s| runs(s))
        .filter(move |s| s.mounts.iter().any(|m| matches!(&m.source, MountSource::Volume(v) if v.name() == name)))
}

/// The default sizes of the persistent volumes whose claim `service` is the first to mount,
/// so each is reported once.
pub fn default_sizes(stack: &ValidStack, service: &Service) -> Vec<Applied> {
    let defaults = stack.applied_defaults();
    stack
        .volumes
        .iter()
        .filter(|v| v.kind == VolumeKind::Persistent)
        .filter(|v| mounted_by(stack, &v.name).next().is_some_and(|first| first.name == service.name))
        .filter_map(|v| applied_defaults::volume_size(v, defaults).1)
        .collect()
}

/// True when the volume `name` belongs to one long-running service, which then runs as a
/// StatefulSet that claims it per replica.
fn is_owned(stack: &ValidStack, name: &str) -> bool {
    let users: Vec<&Service> = mounted_by(stack, name).collect();
    matches!(users.as_slice(), [owner] if owner.run == Run::Continuously)
}

/// True when the service alone mounts some volume: it owns data and runs as a StatefulSet.
pub fn owns_data(stack: &ValidStack, service: &Service) -> bool {
    service.run == Run::Continuously
        && service.mounts.iter().any(|m| matches!(&m.source, MountSource::Volume(v) if users(stack, v.name()) == 1))
}

/// The pod volumes and mounts of `service`.
pub fn pod_storage(stack: &ValidStack, service: &Service) -> PodStorage {
    let mut storage = PodStorage::default();
    let unsized_tmpfs = service.mounts.iter().filter(|m| matches!(m.source, MountSource::Tmpfs { size: None })).count();
    let memory_limit = applied_defaults::resources(&service.resources, stack.applied_defaults(), Written::Limits)
        .0
        .memory_limit
        .unwrap_or(stack.applied_defaults().memory_limit);
    for (index, mount) in service.mounts.iter().enumerate() {
        let (name, sub_path) = match &mount.source {
            MountSource::Volume(reference) => {
                let volume = stack.volumes.iter().find(|v| v.name == reference.name());
                match volume.map(|v| v.kind) {
                    Some(VolumeKind::Persistent) if is_owned(stack, reference.name()) => {
                        let size = volume.and_then(|v| v.size).unwrap_or(stack.applied_defaults().volume_size);
                        storage.claim_templates.push(claim(stack, reference.name(), "ReadWriteOnce", size, None));
                    }
                    _ => storage.volumes.push(Volume {
                        name: reference.name().to_string(),
                        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                            claim_name: reference.name().to_string(),
                            read_only: Some(mount.read_only),
                        }),
                        ..Default::default()
                    }),
                }
                (reference.name().to_string(), None)
            }
            MountSource::Config(path) => {
                let config = KubernetesConfigMap { text: mount.text.clone(), ..KubernetesConfigMap::of(path) };
                storage.volumes.push(Volume {
                    name: config.name.clone(),
                    config_map: Some(ConfigMapVolumeSource {
                        name: config.name.clone(),
                        items: Some(vec![KeyToPath { key: config.key.clone(), path: config.key.clone(), mode: None }]),
                        ..Default::default()
                    }),
                    ..Default::default()
                });
                let mounted = (config.name.clone(), Some(config.key.clone()));
                storage.config_maps.push(config);
                mounted
            }
            MountSource::Tmpfs { size } => {
                let name = format!("tmpfs-{index}");
                storage.volumes.push(Volume {
                    name: name.clone(),
                    empty_dir: Some(EmptyDirVolumeSource {
                        medium: Some("Memory".into()),
                        size_limit: Some(memory(
                            size.unwrap_or_else(|| memory_empty_dir_limit(memory_limit, unsized_tmpfs)),
                        )),
                    }),
                    ..Default::default()
                });
                (name, None)
            }
            MountSource::Bind(path) => match shared_dir::claim_of(stack, path) {
                Some(claim) => {
                    storage.volumes.push(Volume {
                        name: claim.clone(),
                        persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                            claim_name: claim.clone(),
                            read_only: Some(mount.read_only),
                        }),
                        ..Default::default()
                    });
                    (claim, None)
                }
                None => {
                    storage.host_paths.push(format!("{path}:{}", mount.target));
                    continue;
                }
            },
        };
        storage.mounts.push(VolumeMount {
            name,
            mount_path: mount.target.clone(),
            read_only: mount.read_only.then_some(true),
            sub_path,
            ..Default::default()
        });
    }
    storage
}

/// The standalone claims: of persistent volumes that several services share
/// (`ReadWriteMany`), of those a job or cron job alone mounts (`ReadWriteOnce`), and of host
/// directories several services share (`ReadWriteMany`).
pub fn standalone_claims(stack: &ValidStack) -> Vec<PersistentVolumeClaim> {
    stack
        .volumes
        .iter()
        .filter(|v| v.kind == VolumeKind::Persistent && users(stack, &v.name) > 0 && !is_owned(stack, &v.name))
        .map(|v| {
            let access = if users(stack, &v.name) > 1 { "ReadWriteMany" } else { "ReadWriteOnce" };
            let size = v.size.unwrap_or(stack.applied_defaults().volume_size);
            claim(stack, &v.name, access, size, Some(labels::stack_labels(stack)))
        })
        .chain(shared_dir::shared_dirs(stack).into_iter().map(|dir| {
            let size = stack.applied_defaults().volume_size;
            claim(stack, &dir.claim, "ReadWriteMany", size, Some(labels::stack_labels(stack)))
        }))
        .collect()
}

/// `claim` provisioned from the cluster's shared StorageClass when several pods mount it
/// (`ReadWriteMany`) and the cluster names one; otherwise from the default class.
pub fn with_shared_class(mut claim: PersistentVolumeClaim, cluster: &stack_dsl::Cluster) -> PersistentVolumeClaim {
    if let Some(spec) = claim.spec.as_mut()
        && is_shared(spec)
    {
        spec.storage_class_name.clone_from(&cluster.shared_storage_class);
    }
    claim
}

fn is_shared(spec: &PersistentVolumeClaimSpec) -> bool {
    spec.access_modes.iter().flatten().any(|mode| mode == "ReadWriteMany")
}

fn claim(
    stack: &ValidStack,
    name: &str,
    access: &str,
    size: stack_dsl::Memory,
    labels: Option<BTreeMap<String, String>>,
) -> PersistentVolumeClaim {
    // Claim templates take the namespace of their StatefulSet; standalone claims carry it.
    let metadata = match labels {
        Some(labels) => labels::meta(stack, name, labels),
        None => k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some(name.to_string()),
            ..Default::default()
        },
    };
    PersistentVolumeClaim {
        metadata,
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec![access.to_string()]),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".to_string(), memory(size))])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod shared_class_tests {
    use stack_dsl::{Cluster, Env, Image, Mount, Project, Service, Stack, Volume};

    use super::super::Object;
    use super::super::lower::lower;

    fn project(cluster: Cluster) -> stack_dsl::ValidProject {
        Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let media = stack.add_volume(Volume::persistent("media"));
            let cache = stack.add_volume(Volume::persistent("cache"));
            stack.add_service(Service::new("api", Image::new("shop:1")).mount(Mount::volume(&media, "/media")));
            stack.add_service(Service::new("worker", Image::new("shop:1")).mount(Mount::volume(&media, "/media")));
            stack.add_service(Service::job("warm", Image::new("shop:1")).mount(Mount::volume(&cache, "/cache")));
            stack
        })
        .cluster(cluster)
        .validate()
        .unwrap()
    }

    /// (access mode, storage class) of each standalone claim, read from the lowered objects.
    fn claims(project: &stack_dsl::ValidProject) -> Vec<(String, String, Option<String>)> {
        let lowered = lower(&project.stacks()[0], project.cluster()).unwrap();
        lowered
            .kept
            .iter()
            .flat_map(|(_, objects)| objects)
            .filter_map(|o| match o {
                Object::PersistentVolumeClaim(c) => {
                    let spec = c.spec.as_ref()?;
                    let mode = spec.access_modes.as_ref()?.join(",");
                    Some((c.metadata.name.clone()?, mode, spec.storage_class_name.clone()))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn shared_claims_use_the_clusters_shared_class() {
        let with_class = project(Cluster::new().shared_storage_class("nfs"));
        assert_eq!(
            claims(&with_class),
            [
                ("media".to_string(), "ReadWriteMany".to_string(), Some("nfs".to_string())),
                ("cache".to_string(), "ReadWriteOnce".to_string(), None)
            ]
        );
        let without = project(Cluster::new());
        assert!(claims(&without).iter().all(|(_, _, class)| class.is_none()));
        let lowered = lower(&without.stacks()[0], without.cluster()).unwrap();
        let warning = lowered
            .warnings
            .iter()
            .find(|w| w.kind == crate::WarningKind::Adapted && w.message.contains("volume media"))
            .expect("a warning");
        assert!(
            warning.message.contains("the claim media stays Pending, and so do the pods of api and worker"),
            "{}",
            warning.message
        );
    }
}
