//! How services are reached inside the cluster: a ClusterIP Service per service with ports, and
//! NetworkPolicies that let only services sharing a network talk, and the ingress controller
//! reach routed ports.
//! <https://kubernetes.io/docs/concepts/services-networking/>

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Service as KubeService, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stack_dsl::{Cluster, Service, ValidStack};

use super::ingress::Public;
use super::labels;
use super::workload::port_name;
use crate::facts::cert_manager;

/// The network a service joins when it names none.
const DEFAULT_NETWORK: &str = "default";

/// The ClusterIP Service of `service`, if it listens on a port.
pub fn cluster_service(stack: &ValidStack, service: &Service) -> Option<KubeService> {
    if service.ports.is_empty() || service.run != stack_dsl::Run::Continuously {
        return None;
    }
    Some(KubeService {
        metadata: labels::meta(stack, &service.name, labels::service_labels(stack, service)),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".into()),
            selector: Some(labels::selector_labels(stack, &service.name)),
            ports: Some(
                service
                    .ports
                    .iter()
                    .map(|p| ServicePort {
                        name: Some(port_name(p)),
                        port: p.number.into(),
                        target_port: Some(IntOrString::Int(p.number.into())),
                        protocol: Some("TCP".into()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The name of the headless Service that governs a StatefulSet's pods.
pub fn headless_name(service: &Service) -> String {
    format!("{}-headless", service.name)
}

/// The headless Service (`clusterIP: None`) a StatefulSet names in `serviceName`, which gives
/// each of its pods a stable DNS name; clients keep using the ClusterIP Service.
/// <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id>
pub fn headless_service(stack: &ValidStack, service: &Service) -> Option<KubeService> {
    let mut headless = cluster_service(stack, service)?;
    headless.metadata.name = Some(headless_name(service));
    let spec = headless.spec.as_mut()?;
    spec.type_ = None;
    spec.cluster_ip = Some("None".into());
    Some(headless)
}

/// Ports published on the host in Compose that no route exposes: they stay inside the
/// cluster. Each comes with what to do instead.
pub fn unexposed_published_ports(stack: &ValidStack, service: &Service, public: &Public) -> Vec<String> {
    let routed = public.routed_ports(service);
    service
        .ports
        .iter()
        .filter(|p| p.published.is_some() && !routed.contains(&p.number))
        .map(|p| {
            format!(
                "port {} is published on the host in Compose but stays inside the cluster (ClusterIP): reach it with `kubectl port-forward -n {} svc/{} {}:{}`, or give it a Route",
                p.number,
                labels::namespace(stack),
                service.name,
                p.published.unwrap_or(p.number),
                p.number
            )
        })
        .collect()
}

/// Deny all traffic into the namespace's pods unless a policy below allows it.
pub fn default_deny(stack: &ValidStack) -> NetworkPolicy {
    NetworkPolicy {
        metadata: labels::meta(stack, "default-deny-ingress", labels::stack_labels(stack)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector::default()),
            policy_types: Some(vec!["Ingress".into()]),
            ..Default::default()
        }),
    }
}

/// The cert-manager HTTP-01 solver pods of the namespace, reachable on their port from the
/// ingress controller: under `default-deny-ingress` the challenge request would never reach
/// them, and no certificate would ever be issued ([`crate::facts::cert_manager`]).
pub fn http01_solver(stack: &ValidStack, cluster: &Cluster) -> NetworkPolicy {
    let (key, value) = cert_manager::HTTP01_SOLVER_LABEL;
    NetworkPolicy {
        metadata: labels::meta(stack, "cert-manager-http01-solver", labels::stack_labels(stack)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(key.to_string(), value.to_string())])),
                ..Default::default()
            }),
            ingress: Some(vec![NetworkPolicyIngressRule {
                from: Some(vec![ingress_controller(cluster)]),
                ports: Some(vec![NetworkPolicyPort {
                    port: Some(IntOrString::Int(cert_manager::HTTP01_SOLVER_PORT.into())),
                    protocol: Some("TCP".into()),
                    ..Default::default()
                }]),
            }]),
            policy_types: Some(vec!["Ingress".into()]),
            ..Default::default()
        }),
    }
}

/// The networks a service joins, `default` when it names none.
pub(super) fn networks(service: &Service) -> BTreeSet<&str> {
    if service.networks.is_empty() {
        BTreeSet::from([DEFAULT_NETWORK])
    } else {
        service.networks.iter().map(|n| n.name()).collect()
    }
}

/// True when every network of the service is internal: it may reach only its peers.
fn internal_only(stack: &ValidStack, service: &Service) -> bool {
    !service.networks.is_empty()
        && service.networks.iter().all(|n| stack.networks.iter().any(|net| net.name == n.name() && net.internal))
}

/// The policy of one service: who may connect to its ports (the pods on its networks, and the
/// ingress controller's namespace on routed ports), and, when it joins only internal networks,
/// where it may connect to (the pods on its networks, and DNS). Peers are selected by their
/// network membership labels, so a policy grows with the service's networks, not the stack.
pub fn policy(stack: &ValidStack, service: &Service, public: &Public, cluster: &Cluster) -> Option<NetworkPolicy> {
    let from_peers: Vec<NetworkPolicyPeer> = networks(service)
        .into_iter()
        .map(|n| NetworkPolicyPeer { pod_selector: Some(labels::network_members(n)), ..Default::default() })
        .collect();
    let tcp = |port: u16| NetworkPolicyPort {
        port: Some(IntOrString::Int(port.into())),
        protocol: Some("TCP".into()),
        ..Default::default()
    };
    let mut ingress = Vec::new();
    if !service.ports.is_empty() {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(from_peers.clone()),
            ports: Some(service.ports.iter().map(|p| tcp(p.number)).collect()),
        });
    }
    let routed = public.routed_ports(service);
    if !routed.is_empty() {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(vec![ingress_controller(cluster)]),
            ports: Some(routed.into_iter().map(tcp).collect()),
        });
    }
    let mut types = Vec::new();
    if !ingress.is_empty() {
        types.push("Ingress".to_string());
    }
    let egress = internal_only(stack, service).then(|| {
        types.push("Egress".to_string());
        let dns = ["UDP", "TCP"].map(|protocol| NetworkPolicyPort {
            port: Some(IntOrString::Int(53)),
            protocol: Some(protocol.into()),
            ..Default::default()
        });
        vec![
            NetworkPolicyEgressRule { to: None, ports: Some(dns.to_vec()) },
            NetworkPolicyEgressRule { to: Some(from_peers), ports: None },
        ]
    });
    if types.is_empty() {
        return None;
    }
    Some(NetworkPolicy {
        metadata: labels::meta(stack, &service.name, labels::service_labels(stack, service)),
        spec: Some(NetworkPolicySpec {
            pod_selector: Some(labels::selector(stack, &service.name)),
            ingress: (!ingress.is_empty()).then_some(ingress),
            egress,
            policy_types: Some(types),
        }),
    })
}

/// The pods of the ingress controller, by the namespace name label Kubernetes sets on every
/// namespace (<https://kubernetes.io/docs/reference/labels-annotations-taints/#kubernetes-io-metadata-name>).
fn ingress_controller(cluster: &Cluster) -> NetworkPolicyPeer {
    NetworkPolicyPeer {
        namespace_selector: Some(LabelSelector {
            match_labels: Some(BTreeMap::from([(
                "kubernetes.io/metadata.name".to_string(),
                cluster.ingress_namespace.clone(),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    }
}
