//! A service as a workload: a Deployment when stateless, a StatefulSet when it owns data, a
//! Job when it runs once, a CronJob when it runs on a schedule. All share one pod template.
//! <https://kubernetes.io/docs/concepts/workloads/controllers/>

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobSpec};
use k8s_openapi::api::core::v1::{Container, ContainerPort, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use stack_dsl::{Cluster, Image, Protocol, Restart, Run, Service, ValidStack};

use super::deploy_order::JOB_DEADLINE_SECONDS;
use super::labels;
use super::network::headless_name;
use super::object::Object;
use super::pull_policy::pull_policy;
use super::schedule::cron_job_spec;
use super::security::{Identity, accepted_findings, is_unpinned};
use super::start_order::start_order;
use super::storage::{owns_data, pod_storage};
use super::{env, probe, pull_secret, resources, runtime, shutdown};
use crate::endpoint::image_name;
use crate::error::Error;
use crate::facts::kubelet;
use crate::layout::KubernetesConfigMap;

/// The workload of one service and what it needs from outside the manifests.
pub struct Workload {
    /// The Deployment, StatefulSet, Job or CronJob.
    pub object: Object,
    /// Keys it reads from the stack's Secret.
    pub secret_keys: BTreeSet<String>,
    /// ConfigMaps it mounts.
    pub config_maps: Vec<KubernetesConfigMap>,
    /// What the manifests cannot express for it.
    pub warnings: Vec<String>,
    /// The defaults its container was given.
    pub defaults_applied: Vec<crate::applied_defaults::Applied>,
}

/// The name of a port, such as `http-8000` or `tcp-5432` (at most 15 characters).
pub fn port_name(port: &stack_dsl::Port) -> String {
    let protocol = match port.protocol {
        Protocol::Http => "http",
        Protocol::Tcp => "tcp",
    };
    format!("{protocol}-{}", port.number)
}

/// The workload of `service`.
pub fn workload(stack: &ValidStack, service: &Service, cluster: &Cluster) -> Result<Workload, Error> {
    let mut warnings = Vec::new();
    let (identity, why) = Identity::of(service);
    warnings.extend(why);
    let (env, secret_keys) = env::container_env(stack, service)?;
    let storage = pod_storage(stack, service);
    for host_path in &storage.host_paths {
        warnings.push(format!(
            "the host path {host_path} is left out: pods have no host directories; keep data in a Volume::persistent, and code in the image"
        ));
    }
    if let Image::Registry(reference) = &service.image
        && is_unpinned(reference)
    {
        warnings.push(format!(
            "the image {reference} names no version, so replicas and rollbacks may run different code: pin a tag"
        ));
    }
    let order = start_order(stack, service, identity);
    warnings.extend(order.unsupported.iter().cloned());

    let (resources, defaults_applied) = resources::requirements(&service.resources, stack.applied_defaults());
    let mut container = Container {
        name: service.name.clone(),
        image: Some(match &service.image {
            Image::Registry(reference) => reference.clone(),
            // The tag is set in kustomization.yaml (`images:`), where the pipeline pins it.
            Image::Build(_) => image_name(stack, service),
        }),
        image_pull_policy: Some(pull_policy(&service.image).into()),
        command: service.entrypoint.clone(),
        args: service.command.clone(),
        ports: (!service.ports.is_empty()).then(|| {
            service
                .ports
                .iter()
                .map(|p| ContainerPort {
                    name: Some(port_name(p)),
                    container_port: p.number.into(),
                    protocol: Some("TCP".into()),
                    ..Default::default()
                })
                .collect()
        }),
        env: (!env.is_empty()).then_some(env),
        env_from: super::env_group::env_from(stack, service),
        resources: Some(resources),
        volume_mounts: (!storage.mounts.is_empty()).then_some(storage.mounts),
        security_context: Some(identity.container(service.read_only_root)),
        ..Default::default()
    };
    if service.run == Run::Continuously {
        probe::attach(&mut container, service);
    }
    let mut volumes = storage.volumes;
    let mut pod_security = identity.pod();
    warnings.extend(runtime::prepare(service, identity, &mut container, &mut volumes, &mut pod_security));
    // A long-running pod restarts after every drain and rollout: re-own its volumes only when
    // their root is not the group's yet. (A Job's pod template cannot change once applied.)
    if service.run == Run::Continuously && pod_security.fs_group.is_some() {
        pod_security.fs_group_change_policy = Some(kubelet::FS_GROUP_CHANGE_POLICY.into());
    }

    let pod_labels = labels::pod_labels(stack, service);
    let restart_policy = match (&service.run, service.effective_restart()) {
        (Run::Continuously, _) => None,
        (_, Restart::Never) => Some("Never".to_string()),
        _ => Some("OnFailure".to_string()),
    };
    if service.run == Run::Continuously && matches!(service.restart, Some(Restart::Never | Restart::OnFailure)) {
        warnings.push(
            "Kubernetes always restarts a long-running container; its restart policy is not carried over: run it as Service::job if it should stop".into(),
        );
    }
    let mut pod = PodSpec::default();
    shutdown::drain(service, &mut container, &mut pod);
    warnings.extend(shutdown::single_replica_edge(service));
    let template = PodTemplateSpec {
        metadata: Some(ObjectMeta { labels: Some(pod_labels.clone()), ..Default::default() }),
        spec: Some(PodSpec {
            containers: vec![container],
            init_containers: (!order.init_containers.is_empty()).then_some(order.init_containers),
            volumes: (!volumes.is_empty()).then_some(volumes),
            image_pull_secrets: pull_secret::image_pull_secrets(service, cluster),
            security_context: Some(pod_security),
            // No container talks to the API server.
            automount_service_account_token: Some(false),
            // Service links would add `<NAME>_PORT=tcp://…` variables that clash with the
            // application's own (`REDIS_PORT`, `POSTGRES_PORT`).
            enable_service_links: Some(false),
            restart_policy,
            ..pod
        }),
    };

    let mut metadata = labels::meta(stack, &service.name, pod_labels.clone());
    let accepted = accepted_findings(service, identity);
    metadata.annotations = (!accepted.is_empty()).then_some(accepted);
    let selector = labels::selector(stack, &service.name);
    let replicas =
        if service.autoscale.is_some() { None } else { Some(service.replicas.try_into().unwrap_or(i32::MAX)) };
    let object = match &service.run {
        Run::Continuously if owns_data(stack, service) => Object::from(StatefulSet {
            metadata,
            spec: Some(StatefulSetSpec {
                replicas,
                selector,
                service_name: (!service.ports.is_empty()).then(|| headless_name(service)),
                template,
                volume_claim_templates: (!storage.claim_templates.is_empty()).then_some(storage.claim_templates),
                ..Default::default()
            }),
            ..Default::default()
        }),
        Run::Continuously => Object::from(Deployment {
            metadata,
            spec: Some(DeploymentSpec { replicas, selector, template, ..Default::default() }),
            ..Default::default()
        }),
        Run::Once => Object::from(Job { metadata, spec: Some(job_spec(service, template)), ..Default::default() }),
        Run::OnSchedule(schedule) => Object::from(CronJob {
            metadata,
            spec: Some(cron_job_spec(schedule, job_spec(service, template), pod_labels)),
            ..Default::default()
        }),
    };
    Ok(Workload { object, secret_keys, config_maps: storage.config_maps, warnings, defaults_applied })
}

/// A failed job with `Restart::Never` (the default for jobs) stops at once, so a failed
/// migration holds the rollout back instead of looping; `OnFailure` retries three times. A
/// hung one is failed after the deadline, so the deploy waiting for it ends.
fn job_spec(service: &Service, template: PodTemplateSpec) -> JobSpec {
    let backoff_limit = if service.effective_restart() == Restart::Never { 0 } else { 3 };
    JobSpec {
        backoff_limit: Some(backoff_limit),
        active_deadline_seconds: Some(JOB_DEADLINE_SECONDS.into()),
        template,
        ..Default::default()
    }
}
