//! How services are reached: a ClusterIP Service per service with ports, one Ingress for the
//! stack's public routes, and NetworkPolicies that let only services sharing a network talk.
//! <https://kubernetes.io/docs/concepts/services-networking/>

use std::collections::BTreeSet;

use indexmap::IndexMap;
use k8s_openapi::api::core::v1::{Service as KubeService, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend, IngressSpec,
    IngressTLS, NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer, NetworkPolicyPort,
    NetworkPolicySpec, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use stack_dsl::{Service, ValidStack};

use super::labels;
use super::workload::port_name;

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

/// Ports published on the host in Compose that no route exposes: they stay inside the
/// cluster. Each comes with what to do instead.
pub fn unexposed_published_ports(stack: &ValidStack, service: &Service) -> Vec<String> {
    let routed: BTreeSet<u16> = service.routes.iter().filter_map(|r| service.route_port(r)).collect();
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

/// The Ingress of every public route, grouped by host; TLS routes name a certificate Secret
/// `<host>-tls` that cert-manager or the operator provides.
pub fn ingress(stack: &ValidStack) -> Option<Ingress> {
    let mut hosts: IndexMap<&str, Vec<HTTPIngressPath>> = IndexMap::new();
    let mut tls: Vec<&str> = Vec::new();
    for service in stack.services() {
        for route in &service.routes {
            let Some(port) = service.route_port(route) else { continue };
            hosts.entry(route.host.as_str()).or_default().push(HTTPIngressPath {
                path: Some(route.path.clone()),
                path_type: "Prefix".into(),
                backend: IngressBackend {
                    service: Some(IngressServiceBackend {
                        name: service.name.clone(),
                        port: Some(ServiceBackendPort { number: Some(port.into()), name: None }),
                    }),
                    ..Default::default()
                },
            });
            if route.tls && !tls.contains(&route.host.as_str()) {
                tls.push(&route.host);
            }
        }
    }
    if hosts.is_empty() {
        return None;
    }
    Some(Ingress {
        metadata: labels::meta(stack, &stack.name, labels::stack_labels(stack)),
        spec: Some(IngressSpec {
            rules: Some(
                hosts
                    .into_iter()
                    .map(|(host, paths)| IngressRule {
                        host: Some(host.to_string()),
                        http: Some(HTTPIngressRuleValue { paths }),
                    })
                    .collect(),
            ),
            tls: (!tls.is_empty()).then(|| {
                tls.iter()
                    .map(|host| IngressTLS { hosts: Some(vec![host.to_string()]), secret_name: Some(tls_secret(host)) })
                    .collect()
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
}

/// The Secret holding the certificate of `host`; a wildcard (`*.example.com`) is spelled
/// `wildcard-example-com-tls`, since `*` is not allowed in a Secret's name.
pub fn tls_secret(host: &str) -> String {
    format!("{}-tls", host.replace('*', "wildcard").replace('.', "-"))
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

fn networks(service: &Service) -> BTreeSet<&str> {
    if service.networks.is_empty() {
        BTreeSet::from([DEFAULT_NETWORK])
    } else {
        service.networks.iter().map(|n| n.name()).collect()
    }
}

/// The other services that share a network with `service`.
fn peers<'a>(stack: &'a ValidStack, service: &Service) -> Vec<&'a Service> {
    let mine = networks(service);
    stack.services().filter(|s| s.name != service.name && !networks(s).is_disjoint(&mine)).collect()
}

/// True when every network of the service is internal: it may reach only its peers.
fn internal_only(stack: &ValidStack, service: &Service) -> bool {
    !service.networks.is_empty()
        && service.networks.iter().all(|n| stack.networks.iter().any(|net| net.name == n.name() && net.internal))
}

/// The policy of one service: who may connect to its ports (services sharing a network, and
/// anyone on routed ports, which the ingress controller forwards), and, when it joins only
/// internal networks, where it may connect to (its peers, DNS, and the API server when
/// `api_server` is true).
pub fn policy(stack: &ValidStack, service: &Service, api_server: bool) -> Option<NetworkPolicy> {
    let peers = peers(stack, service);
    let from_peers: Vec<NetworkPolicyPeer> = peers
        .iter()
        .map(|p| NetworkPolicyPeer { pod_selector: Some(labels::selector(stack, &p.name)), ..Default::default() })
        .collect();
    let tcp = |port: u16| NetworkPolicyPort {
        port: Some(IntOrString::Int(port.into())),
        protocol: Some("TCP".into()),
        ..Default::default()
    };
    let mut ingress = Vec::new();
    if !service.ports.is_empty() && !from_peers.is_empty() {
        ingress.push(NetworkPolicyIngressRule {
            from: Some(from_peers.clone()),
            ports: Some(service.ports.iter().map(|p| tcp(p.number)).collect()),
        });
    }
    let routed: BTreeSet<u16> = service.routes.iter().filter_map(|r| service.route_port(r)).collect();
    if !routed.is_empty() {
        ingress.push(NetworkPolicyIngressRule { from: None, ports: Some(routed.into_iter().map(tcp).collect()) });
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
        let mut rules = vec![NetworkPolicyEgressRule { to: None, ports: Some(dns.to_vec()) }];
        if !from_peers.is_empty() {
            rules.push(NetworkPolicyEgressRule { to: Some(from_peers.clone()), ports: None });
        }
        if api_server {
            rules.push(NetworkPolicyEgressRule { to: None, ports: Some(vec![tcp(443), tcp(6443)]) });
        }
        rules
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
