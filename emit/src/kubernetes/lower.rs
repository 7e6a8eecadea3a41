//! Lowering one validated stack into the files of its Kubernetes environment directory.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Namespace;
use stack_dsl::{Certificates, Cluster, EnvValue, Image, Service, ValidStack, VolumeKind};

use super::deploy_order::DeployOrder;
use super::external;
use super::ingress::{self, Public};
use super::kept;
use super::kustomization::{ConfigMapGenerator, GeneratorOptions, ImageTag, Kustomization};
use super::labels;
use super::network;
use super::object::Object;
use super::placement::{edge_certificates, left_out, runs};
use super::readers::LongRunning;
use super::scaling;
use super::security::Identity;
use super::shared_dir;
use super::storage;
use super::workload::workload;
use crate::applied_defaults;
use crate::bundle::Warning;
use crate::endpoint::image_name;
use crate::error::Error;
use crate::layout::KubernetesConfigMap;

/// The tag kustomization.yaml gives built images until the pipeline sets the commit's.
pub const DEFAULT_TAG: &str = "latest";

/// One environment's manifests and what must exist before they apply.
pub struct Lowered {
    /// Files of objects, in apply order: (file name, objects). Empty from [`lower_each`], which
    /// hands each file on as it is lowered.
    pub files: Vec<(String, Vec<Object>)>,
    /// What each Deployment's and StatefulSet's pods read.
    pub long_running: Vec<LongRunning>,
    /// Files applied apart from the kustomization, so that deleting it keeps them.
    pub kept: Vec<(String, Vec<Object>)>,
    /// The kustomization listing them.
    pub kustomization: Kustomization,
    /// The name of the stack's Secret.
    pub secret_name: String,
    /// Keys the stack's Secret must hold.
    pub secret_keys: BTreeSet<String>,
    /// ConfigMaps to create from the repository's files.
    pub config_maps: BTreeSet<KubernetesConfigMap>,
    /// Claims created outside the stack (external volumes).
    pub external_claims: Vec<String>,
    /// Certificate Secrets of TLS routes.
    pub tls_secrets: Vec<String>,
    /// TLS hosts left without a certificate: reserved example names.
    pub uncertified_hosts: Vec<String>,
    /// True when pods run images built from the repository, pulled with the project's secret.
    pub pulls_built_images: bool,
    /// True when the stack has an Ingress.
    pub has_ingress: bool,
    /// True when the stack claims storage from the cluster's default storage class.
    pub claims_storage: bool,
    /// Claims several pods mount at once (`ReadWriteMany`).
    pub shared_claims: Vec<String>,
    /// Which Jobs a deploy runs first, and which services wait for them.
    pub deploy_order: DeployOrder,
    /// What the manifests cannot express.
    pub warnings: Vec<Warning>,
}

/// What a `ReadWriteMany` claim needs from the cluster, and what stays Pending without it.
fn shared_class_requirement(cluster: &Cluster, claim: &str, users: &[&str]) -> String {
    match &cluster.shared_storage_class {
        Some(class) => format!("it is provisioned from the StorageClass {class}, which must support that access mode"),
        None => format!(
            "it is provisioned from the default StorageClass; on block storage (ReadWriteOnce only) the claim {claim} stays Pending, and so do the pods of {}: name a class that supports ReadWriteMany with Cluster::shared_storage_class",
            users.join(" and ")
        ),
    }
}

/// The manifests of `stack`, every file's objects kept in [`Lowered::files`].
pub fn lower(stack: &ValidStack, cluster: &Cluster) -> Result<Lowered, Error> {
    let mut files = Vec::new();
    let mut lowered = lower_each(stack, cluster, &mut |name, objects| {
        files.push((name, objects));
        Ok(())
    })?;
    lowered.files = files;
    Ok(lowered)
}

/// The manifests of `stack`, each file of the kustomization handed to `file` as soon as it is
/// lowered, in apply order, so that a caller writing them out holds one file's objects at a
/// time (at 10,000 services, every object at once costs more memory than their text).
pub fn lower_each(
    stack: &ValidStack,
    cluster: &Cluster,
    file: &mut dyn FnMut(String, Vec<Object>) -> Result<(), Error>,
) -> Result<Lowered, Error> {
    let mut lowered = Lowered {
        files: Vec::new(),
        long_running: Vec::new(),
        kept: Vec::new(),
        kustomization: Kustomization::new(labels::namespace(stack), Vec::new(), Vec::new()),
        secret_name: super::env::secret_name(stack),
        secret_keys: BTreeSet::new(),
        config_maps: BTreeSet::new(),
        external_claims: stack
            .volumes
            .iter()
            .filter(|v| v.kind == VolumeKind::External)
            .map(|v| v.name.clone())
            .collect(),
        tls_secrets: Vec::new(),
        uncertified_hosts: Vec::new(),
        pulls_built_images: false,
        has_ingress: false,
        claims_storage: false,
        shared_claims: Vec::new(),
        deploy_order: DeployOrder::of(stack),
        warnings: Vec::new(),
    };
    let warn = |service: &Service, message: String| Warning {
        kind: crate::WarningKind::Adapted,
        target: "kubernetes",
        env: stack.env().to_string(),
        service: service.name.clone(),
        message,
    };

    let any_root = stack.services().filter(|s| runs(s)).any(|s| Identity::of(s).0 == Identity::Root);
    lowered.kept.push((kept::NAMESPACE_FILE.into(), vec![Object::from(namespace(stack, any_root))]));

    let mut public = Public::of(stack, cluster)?;
    let claims: Vec<_> =
        storage::standalone_claims(stack).into_iter().map(|c| storage::with_shared_class(c, cluster)).collect();
    let mut resources = Vec::new();
    let secret_name = lowered.secret_name.clone();
    let mut hand_on = |name: String, objects: Vec<Object>, lowered: &mut Lowered| {
        lowered.long_running.extend(objects.iter().filter_map(|o| LongRunning::of(o, &secret_name)));
        resources.push(name.clone());
        file(name, objects)
    };
    let aliases = external::alias_services(stack);
    if !aliases.is_empty() {
        hand_on("externals.yaml".into(), aliases.into_iter().map(Object::from).collect(), &mut lowered)?;
    }
    let groups = super::env_group::config_maps(stack);
    if !groups.is_empty() {
        hand_on("env-groups.yaml".into(), groups.into_iter().map(Object::from).collect(), &mut lowered)?;
    }
    let mut images = Vec::new();
    for service in stack.services() {
        if let Some(why) = left_out(service) {
            let why = match service.role.is_platform_edge() {
                true => format!("{why}, and {}", edge_certificates(cluster)),
                false => why,
            };
            lowered.warnings.push(warn(service, why));
            continue;
        }
        let waits = service.depends_on.iter().map(|d| (&d.service, "waits for"));
        let refers = service.env.iter().filter_map(|(_, v)| v.connects_to()).map(|r| (r, "refers to"));
        for (target, how) in waits.chain(refers) {
            if let Some(why) = stack.service(target.name()).and_then(left_out) {
                return Err(Error::Unsupported {
                    target: "kubernetes",
                    service: service.name.clone(),
                    reason: format!("it {how} {}, which {why}", target.name()),
                    fix: format!("Remove the dependency on {}, or reach what it fronts directly", target.name()),
                });
            }
        }
        // A public origin is the Ingress's host, the same input; a placeholder there is said
        // beside the value, not only beside the Ingress rule.
        for (key, value) in &service.env {
            if let EnvValue::PublicUrl(target) | EnvValue::PublicHost(target) = value
                && let Some(origin) = crate::public_origin::of(stack, target).filter(|o| o.placeholder)
            {
                lowered.warnings.push(warn(
                    service,
                    format!(
                        "{key} is the public {} of {}, served by the Ingress on the placeholder {}: browsers cannot reach it until the route names the team's host",
                        if matches!(value, EnvValue::PublicUrl(_)) { "origin" } else { "host" },
                        origin.service,
                        origin.host
                    ),
                ));
            }
        }
        let workload = workload(stack, service, cluster)?;
        lowered.warnings.extend(workload.warnings.into_iter().map(|m| warn(service, m)));
        let applied = [workload.defaults_applied, storage::default_sizes(stack, service)].concat();
        let env = stack.env().to_string();
        lowered.warnings.extend(applied_defaults::warning("kubernetes", &env, &service.name, &applied));
        lowered
            .warnings
            .extend(network::unexposed_published_ports(stack, service, &public).into_iter().map(|m| warn(service, m)));
        lowered.secret_keys.extend(workload.secret_keys);
        for config in workload.config_maps {
            // ConfigMap names fold case and punctuation, so two files can meet in one name.
            if let Some(other) = lowered
                .config_maps
                .iter()
                .find(|c| c.name == config.name && (c.path != config.path || c.text != config.text))
            {
                let (reason, fix) = if other.path == config.path {
                    (
                        format!(
                            "it mounts the config file {} with another text than another service does",
                            config.path
                        ),
                        "Give every mount of the file the same .text(..)".to_string(),
                    )
                } else {
                    (
                        format!(
                            "its config file {} and the config file {} would both be the ConfigMap {}",
                            config.path, other.path, config.name
                        ),
                        "Rename one of the files so that their paths differ in more than case and punctuation".into(),
                    )
                };
                return Err(Error::Unsupported { target: "kubernetes", service: service.name.clone(), reason, fix });
            }
            lowered.config_maps.insert(config);
        }
        if let Image::Build(_) = service.image {
            lowered.pulls_built_images = true;
            let name = image_name(stack, service);
            if !images.iter().any(|i: &ImageTag| i.name == name) {
                images.push(ImageTag { name, new_tag: DEFAULT_TAG.into() });
            }
        }
        let kind = match &workload.object {
            Object::StatefulSet(_) => "StatefulSet",
            _ => "Deployment",
        };
        let mut objects = vec![workload.object];
        objects.extend(network::cluster_service(stack, service).map(Object::from));
        if kind == "StatefulSet" {
            objects.extend(network::headless_service(stack, service).map(Object::from));
        }
        objects.extend(scaling::autoscaler(stack, service, kind).map(Object::from));
        objects.extend(scaling::disruption_budget(stack, service).map(Object::from));
        lowered.warnings.extend(scaling::single_replica_outage(stack, service).map(|m| warn(service, m)));
        hand_on(format!("{}.yaml", service.name), objects, &mut lowered)?;
    }
    for claim in &claims {
        let name = claim.metadata.name.clone().unwrap_or_default();
        let users: Vec<&Service> = storage::mounted_by(stack, &name).collect();
        if users.len() < 2 {
            continue;
        }
        let names: Vec<&str> = users.iter().map(|s| s.name.as_str()).collect();
        lowered.shared_claims.push(name.clone());
        let Some(first) = users.first() else { continue };
        lowered.warnings.push(warn(
            first,
            format!(
                "the volume {name} is shared by {}, so it is a ReadWriteMany claim: {}",
                names.join(" and "),
                shared_class_requirement(cluster, &name, &names)
            ),
        ));
    }
    for dir in shared_dir::shared_dirs(stack) {
        let names: Vec<&str> = dir.users.iter().map(|s| s.name.as_str()).collect();
        lowered.shared_claims.push(dir.claim.clone());
        let Some(first) = dir.users.first() else { continue };
        lowered.warnings.push(warn(
            first,
            format!(
                "the host directory {} is shared by {}, so it is the ReadWriteMany claim {} of {} (declare a Volume::persistent with a size to choose it): {}",
                dir.path,
                names.join(" and "),
                dir.claim,
                super::resources::memory(stack.applied_defaults().volume_size).0,
                shared_class_requirement(cluster, &dir.claim, &names)
            ),
        ));
    }
    lowered.claims_storage =
        !claims.is_empty() || stack.services().filter(|s| runs(s)).any(|s| storage::owns_data(stack, s));
    if !claims.is_empty() {
        lowered.kept.push((kept::VOLUMES_FILE.into(), claims.into_iter().map(Object::from).collect()));
    }
    if let Some((ingress, secrets)) = ingress::ingress(stack, cluster, &mut public) {
        lowered.tls_secrets = secrets;
        lowered.has_ingress = true;
        lowered.uncertified_hosts = public.uncertified.clone();
        hand_on("ingress.yaml".into(), vec![Object::from(ingress)], &mut lowered)?;
    }
    for (service, message) in public.warnings.drain(..) {
        if let Some(service) = stack.service(&service) {
            lowered.warnings.push(warn(service, message));
        }
    }
    let mut policies = vec![Object::from(network::default_deny(stack))];
    for service in stack.services().filter(|s| runs(s)) {
        policies.extend(network::policy(stack, service, &public, cluster).map(Object::from));
    }
    if matches!(cluster.certificates, Certificates::ClusterIssuer(_)) && !lowered.tls_secrets.is_empty() {
        policies.push(Object::from(network::http01_solver(stack, cluster)));
    }
    hand_on("network-policies.yaml".into(), policies, &mut lowered)?;

    lowered.kustomization = Kustomization::new(labels::namespace(stack), resources, images);
    lowered.kustomization.config_map_generator = lowered
        .config_maps
        .iter()
        .filter(|config| config.text.is_some())
        .map(|config| ConfigMapGenerator {
            name: config.name.clone(),
            files: vec![format!("{}={}", config.key, config.copy_path())],
            options: GeneratorOptions { labels: labels::stack_labels(stack), disable_name_suffix_hash: false },
        })
        .collect();
    Ok(lowered)
}

/// The stack's namespace, enforcing the `restricted` Pod Security Standard unless a service
/// must run as root (then `baseline`).
fn namespace(stack: &ValidStack, any_root: bool) -> Namespace {
    let level = if any_root { "baseline" } else { "restricted" };
    let mut labels = labels::stack_labels(stack);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(format!("pod-security.kubernetes.io/{mode}"), level.into());
    }
    let mut metadata = labels::meta(stack, &labels::namespace(stack), labels);
    metadata.namespace = None; // a Namespace belongs to none
    Namespace { metadata, ..Default::default() }
}
