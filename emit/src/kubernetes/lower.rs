//! Lowering one validated stack into the files of its Kubernetes environment directory.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Namespace;
use stack_dsl::{Image, Service, ValidStack, VolumeKind};

use super::deploy_order::DeployOrder;
use super::kept;
use super::kustomization::{ImageTag, Kustomization};
use super::labels;
use super::network;
use super::object::Object;
use super::scaling;
use super::security::Identity;
use super::storage;
use super::workload::workload;
use crate::bundle::Warning;
use crate::endpoint::{image_name, reaches_docker_host};
use crate::error::Error;
use crate::layout::KubernetesConfigMap;

/// The tag kustomization.yaml gives built images until the pipeline sets the commit's.
pub const DEFAULT_TAG: &str = "latest";

/// One environment's manifests and what must exist before they apply.
pub struct Lowered {
    /// Files of objects, in apply order: (file name, objects).
    pub files: Vec<(String, Vec<Object>)>,
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
    /// Which Jobs a deploy runs first, and which services wait for them.
    pub deploy_order: DeployOrder,
    /// What the manifests cannot express.
    pub warnings: Vec<Warning>,
}

/// The manifests of `stack`.
pub fn lower(stack: &ValidStack) -> Result<Lowered, Error> {
    let mut lowered = Lowered {
        files: Vec::new(),
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
        deploy_order: DeployOrder::of(stack),
        warnings: Vec::new(),
    };
    let warn = |service: &Service, message: String| Warning {
        target: "kubernetes",
        env: stack.env().to_string(),
        service: service.name.clone(),
        message,
    };

    let any_root = stack.services().any(|s| Identity::of(s).0 == Identity::Root);
    lowered.kept.push((kept::NAMESPACE_FILE.into(), vec![Object::Namespace(namespace(stack, any_root))]));

    let claims = storage::standalone_claims(stack);
    let mut service_files = Vec::new();
    let mut images = Vec::new();
    for service in stack.services() {
        let workload = workload(stack, service)?;
        lowered.warnings.extend(workload.warnings.into_iter().map(|m| warn(service, m)));
        lowered
            .warnings
            .extend(network::unexposed_published_ports(stack, service).into_iter().map(|m| warn(service, m)));
        if service.env.iter().any(|(_, value)| reaches_docker_host(stack, value)) {
            lowered.warnings.push(warn(
                service,
                format!(
                    "it reaches a dependency on the Docker host ({}), which pods do not have: declare the external with the address the cluster reaches it at",
                    stack_dsl::DOCKER_HOST
                ),
            ));
        }
        lowered.secret_keys.extend(workload.secret_keys);
        lowered.config_maps.extend(workload.config_maps);
        if let Image::Build(_) = service.image {
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
        objects.extend(network::cluster_service(stack, service).map(Object::Service));
        objects.extend(scaling::autoscaler(stack, service, kind).map(Object::HorizontalPodAutoscaler));
        objects.extend(scaling::disruption_budget(stack, service).map(Object::PodDisruptionBudget));
        service_files.push((format!("{}.yaml", service.name), objects));
    }
    for claim in &claims {
        let name = claim.metadata.name.clone().unwrap_or_default();
        let users: Vec<&Service> = storage::mounted_by(stack, &name).collect();
        if users.len() < 2 {
            continue;
        }
        let names: Vec<&str> = users.iter().map(|s| s.name.as_str()).collect();
        let Some(first) = users.first() else { continue };
        lowered.warnings.push(warn(
            first,
            format!(
                "the volume {name} is shared by {}, so it is a ReadWriteMany claim: the cluster's storage class must support that access mode",
                names.join(" and ")
            ),
        ));
    }
    if !claims.is_empty() {
        lowered.kept.push((kept::VOLUMES_FILE.into(), claims.into_iter().map(Object::PersistentVolumeClaim).collect()));
    }
    lowered.files.extend(service_files);
    if let Some(ingress) = network::ingress(stack) {
        lowered.tls_secrets =
            ingress.spec.iter().flat_map(|s| s.tls.iter().flatten()).filter_map(|t| t.secret_name.clone()).collect();
        lowered.files.push(("ingress.yaml".into(), vec![Object::Ingress(ingress)]));
    }
    let mut policies = vec![Object::NetworkPolicy(network::default_deny(stack))];
    for service in stack.services() {
        policies.extend(network::policy(stack, service).map(Object::NetworkPolicy));
    }
    lowered.files.push(("network-policies.yaml".into(), policies));

    lowered.kustomization =
        Kustomization::new(labels::namespace(stack), lowered.files.iter().map(|(f, _)| f.clone()).collect(), images);
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
