//! The stack's way in from the internet: one Ingress (`networking.k8s.io/v1`) of the project's
//! ingress class, with a rule per host for every public route, and, for the upstreams of an
//! edge proxy the cluster replaces, the paths the proxy served them under (on any host, as the
//! proxy answered any host on its published port). TLS hosts get a certificate from the
//! cert-manager issuer the project names, or share the project's named TLS Secret.
//! <https://kubernetes.io/docs/concepts/services-networking/ingress/>,
//! <https://cert-manager.io/docs/usage/ingress/>

use std::collections::BTreeMap;

use indexmap::IndexMap;
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule, IngressServiceBackend, IngressSpec,
    IngressTLS, ServiceBackendPort,
};
use stack_dsl::{Certificates, Cluster, Protocol, Role, Service, ValidStack};

use super::labels;
use super::placement::runs;
use crate::error::Error;

/// The annotation that asks cert-manager for a certificate from a `ClusterIssuer`.
pub const CLUSTER_ISSUER_ANNOTATION: &str = "cert-manager.io/cluster-issuer";

/// The port an edge proxy serves HTTPS on.
const HTTPS_PORT: u16 = 443;

/// One public path: requests for `host` (any host when `None`) under `path` reach `port` of
/// `service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPath {
    /// The host, or `None` for every host.
    pub host: Option<String>,
    /// The path prefix.
    pub path: String,
    /// The service answering.
    pub service: String,
    /// Its port.
    pub port: u16,
    /// Served over HTTPS.
    pub tls: bool,
}

/// Everything public in a stack, and what could not be made so.
#[derive(Debug, Default)]
pub struct Public {
    /// Every public path, routes first, then edge proxy upstreams.
    pub paths: Vec<PublicPath>,
    /// (service, message) for what the Ingress cannot carry.
    pub warnings: Vec<(String, String)>,
}

impl Public {
    /// The public paths of `stack`: its routes, and the upstreams of the edge proxies the
    /// cluster replaces. Two upstreams on the same path of any host is an error.
    pub fn of(stack: &ValidStack) -> Result<Public, Error> {
        let mut public = Public::default();
        for service in stack.services().filter(|s| runs(s)) {
            for route in &service.routes {
                let Some(port) = service.route_port(route) else { continue };
                public.paths.push(PublicPath {
                    host: Some(route.host.clone()),
                    path: route.path.clone(),
                    service: service.name.clone(),
                    port,
                    tls: route.tls,
                });
            }
        }
        for proxy in stack.services() {
            let Role::EdgeProxy { upstreams } = &proxy.role else { continue };
            for (prefix, upstream) in &proxy.edge_paths {
                if !prefix.starts_with('/') || !upstreams.iter().any(|u| u.name() == upstream.name()) {
                    return Err(Error::Unsupported {
                        target: "kubernetes",
                        service: proxy.name.clone(),
                        reason: format!(
                            "its edge path {prefix:?} for {} is not a path starting with / to one of its upstreams",
                            upstream.name()
                        ),
                        fix: "Give .edge_path a prefix such as \"/api\" and a service listed in .edge_proxy_for".into(),
                    });
                }
            }
            let tls = proxy.ports.iter().any(|p| p.number == HTTPS_PORT);
            for upstream in upstreams.iter().filter_map(|u| stack.service(u.name())) {
                if !upstream.routes.is_empty() {
                    continue; // its own routes make it public
                }
                let Some(port) = upstream.ports.iter().find(|p| p.protocol == Protocol::Http).map(|p| p.number) else {
                    public.warnings.push((
                        proxy.name.clone(),
                        format!("forwards to {}, which declares no HTTP port, so the Ingress cannot serve it: declare its port with Port::http(N)", upstream.name),
                    ));
                    continue;
                };
                let path = proxy
                    .edge_paths
                    .iter()
                    .find(|(_, u)| u.name() == upstream.name)
                    .map_or_else(|| "/".to_string(), |(prefix, _)| prefix.clone());
                if let Some(taken) = public.paths.iter().find(|p| p.host.is_none() && p.path == path) {
                    return Err(Error::Unsupported {
                        target: "kubernetes",
                        service: proxy.name.clone(),
                        reason: format!(
                            "the edge proxy forwards to {} and {}, and the Ingress that replaces it cannot tell which one serves {path}",
                            taken.service, upstream.name
                        ),
                        fix: format!(
                            "Either say which path the proxy forwards to each with .edge_path(\"/api\", &{}), or give the upstreams routes with their hosts",
                            upstream.name
                        ),
                    });
                }
                public.warnings.push((proxy.name.clone(), any_host_warning(&upstream.name, &path)));
                public.paths.push(PublicPath { host: None, path, service: upstream.name.clone(), port, tls });
            }
        }
        Ok(public)
    }

    /// The paths served on any host, as `path → service`.
    pub fn any_host_paths(&self) -> Vec<String> {
        self.paths.iter().filter(|p| p.host.is_none()).map(|p| format!("{} → {}", p.path, p.service)).collect()
    }

    /// The ports of `service` the ingress controller forwards to.
    pub fn routed_ports(&self, service: &Service) -> Vec<u16> {
        let mut ports: Vec<u16> = self.paths.iter().filter(|p| p.service == service.name).map(|p| p.port).collect();
        ports.sort_unstable();
        ports.dedup();
        ports
    }
}

/// A rule without a host matches every host, so the same path of another host-less Ingress of
/// the class (another stack, or another environment of this one, on the same controller)
/// conflicts with it, and the controller serves only one of them: Traefik ranks routers by
/// the length of their rule (<https://doc.traefik.io/traefik/routing/routers/#priority>), so
/// two `PathPrefix(`/`)` routers tie.
fn any_host_warning(service: &str, path: &str) -> String {
    format!(
        "the Ingress serves {service} at {path} on any host, as the edge proxy it replaces did: another host-less Ingress of the same class (another stack, or another environment on the same cluster) claims the same path and only one of them gets the traffic; give {service} a Route with this environment's host"
    )
}

/// The Ingress of `public`'s paths, and the certificate Secrets it expects, or `None` when the
/// stack has nothing public.
pub fn ingress(stack: &ValidStack, cluster: &Cluster, public: &mut Public) -> Option<(Ingress, Vec<String>)> {
    if public.paths.is_empty() {
        return None;
    }
    let mut hosts: IndexMap<Option<&str>, Vec<HTTPIngressPath>> = IndexMap::new();
    let mut tls_hosts: Vec<&str> = Vec::new();
    let mut tls_any_host = false;
    for path in &public.paths {
        hosts.entry(path.host.as_deref()).or_default().push(HTTPIngressPath {
            path: Some(path.path.clone()),
            path_type: "Prefix".into(),
            backend: IngressBackend {
                service: Some(IngressServiceBackend {
                    name: path.service.clone(),
                    port: Some(ServiceBackendPort { number: Some(path.port.into()), name: None }),
                }),
                ..Default::default()
            },
        });
        match (&path.host, path.tls) {
            (Some(host), true) if !tls_hosts.contains(&host.as_str()) => tls_hosts.push(host),
            (None, true) => tls_any_host = true,
            _ => {}
        }
    }
    let (tls, secrets, annotations) = match &cluster.certificates {
        Certificates::ClusterIssuer(issuer) => {
            if tls_any_host {
                let names: Vec<&str> =
                    public.paths.iter().filter(|p| p.host.is_none() && p.tls).map(|p| p.service.as_str()).collect();
                public.warnings.push((
                    names.first().map_or_else(String::new, |n| n.to_string()),
                    format!(
                        "the edge proxy serves {} over HTTPS on any host, but cert-manager issues certificates for named hosts only, so the Ingress serves {} over plain HTTP: give {} a Route with its host and .tls(), or name a wildcard certificate with Cluster::certificates(Certificates::Secret(..))",
                        names.join(", "),
                        if names.len() == 1 { "it" } else { "them" },
                        if names.len() == 1 { "it" } else { "each" }
                                        ),
                ));
            }
            let tls: Vec<IngressTLS> = tls_hosts
                .iter()
                .map(|host| IngressTLS { hosts: Some(vec![host.to_string()]), secret_name: Some(tls_secret(host)) })
                .collect();
            let secrets = tls_hosts.iter().map(|h| tls_secret(h)).collect();
            let annotations =
                (!tls.is_empty()).then(|| BTreeMap::from([(CLUSTER_ISSUER_ANNOTATION.to_string(), issuer.clone())]));
            (tls, secrets, annotations)
        }
        Certificates::Secret(name) => {
            let mut tls = Vec::new();
            if !tls_hosts.is_empty() {
                let hosts = tls_hosts.iter().map(|h| h.to_string()).collect();
                tls.push(IngressTLS { hosts: Some(hosts), secret_name: Some(name.clone()) });
            }
            if tls_any_host {
                // Without hosts, the certificate serves "the wildcard host setting for the load
                // balancer controller" (IngressTLS.hosts, networking.k8s.io/v1 API reference):
                // the host-less rules of a replaced edge proxy.
                tls.push(IngressTLS { hosts: None, secret_name: Some(name.clone()) });
            }
            let secrets = if tls.is_empty() { Vec::new() } else { vec![name.clone()] };
            (tls, secrets, None)
        }
    };
    let mut metadata = labels::meta(stack, &stack.name, labels::stack_labels(stack));
    metadata.annotations = annotations;
    let ingress = Ingress {
        metadata,
        spec: Some(IngressSpec {
            ingress_class_name: Some(cluster.ingress_class.clone()),
            rules: Some(
                hosts
                    .into_iter()
                    .map(|(host, paths)| IngressRule {
                        host: host.map(str::to_string),
                        http: Some(HTTPIngressRuleValue { paths }),
                    })
                    .collect(),
            ),
            tls: (!tls.is_empty()).then_some(tls),
            ..Default::default()
        }),
        ..Default::default()
    };
    Some((ingress, secrets))
}

/// The Secret cert-manager writes the certificate of `host` into; a wildcard (`*.example.com`)
/// is spelled `wildcard-example-com-tls`, as `*` is not allowed in a Secret's name.
pub fn tls_secret(host: &str) -> String {
    format!("{}-tls", host.replace('*', "wildcard").replace('.', "-"))
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Env, Image, Port, Project, Route, Stack};

    use super::*;

    fn stack(define: fn() -> Stack) -> ValidStack {
        let project = Project::new("shop", [Env::Production], move |_| define());
        project.validate().expect("valid").stacks()[0].clone()
    }

    fn proxied() -> Stack {
        let mut stack = Stack::new("shop");
        let web = stack.add_service(Service::new("web", Image::new("shop-web:1")).port(Port::http(3000)));
        let api = stack.add_service(Service::new("api", Image::new("shop-api:1")).port(Port::http(8000)));
        stack.add_service(
            Service::new("proxy", Image::new("nginx:1.27"))
                .port(Port::http(80).published(80))
                .port(Port::tcp(443).published(443))
                .edge_proxy_for([&web, &api]),
        );
        stack
    }

    #[test]
    fn two_upstreams_on_one_path_is_an_error_naming_the_fix() {
        let Err(Error::Unsupported { service, fix, .. }) = Public::of(&stack(proxied)) else { panic!("no error") };
        assert_eq!(service, "proxy");
        assert!(fix.contains(".edge_path("), "{fix}");
    }

    #[test]
    fn an_edge_path_must_be_a_path_to_an_upstream() {
        let mut stack_with_bad_path = proxied();
        let api = stack_with_bad_path.reference("api");
        let proxy = stack_with_bad_path.services.iter_mut().find(|s| s.name == "proxy").expect("proxy");
        *proxy = proxy.clone().edge_path("api", &api);
        let valid =
            Project::new("shop", [Env::Production], move |_| stack_with_bad_path.clone()).validate().expect("valid");
        let Err(Error::Unsupported { reason, .. }) = Public::of(&valid.stacks()[0]) else { panic!("no error") };
        assert!(reason.contains("\"api\""), "{reason}");
    }

    #[test]
    fn a_wildcard_secret_serves_the_replaced_proxy_over_https() {
        let mut with_paths = proxied();
        let api = with_paths.reference("api");
        let proxy = with_paths.services.iter_mut().find(|s| s.name == "proxy").expect("proxy");
        *proxy = proxy.clone().edge_path("/api", &api);
        let valid = Project::new("shop", [Env::Production], move |_| with_paths.clone()).validate().expect("valid");
        let stack = &valid.stacks()[0];
        let mut public = Public::of(stack).expect("public");
        let cluster =
            Cluster::new().ingress("nginx", "ingress-nginx").certificates(Certificates::Secret("wildcard".into()));
        let (ingress, secrets) = ingress(stack, &cluster, &mut public).expect("an Ingress");
        let spec = ingress.spec.expect("spec");
        assert_eq!(spec.ingress_class_name.as_deref(), Some("nginx"));
        assert_eq!(spec.tls, Some(vec![IngressTLS { hosts: None, secret_name: Some("wildcard".into()) }]));
        assert_eq!(secrets, ["wildcard"]);
        let paths: Vec<_> = public.paths.iter().map(|p| (p.path.as_str(), p.service.as_str(), p.port)).collect();
        assert_eq!(paths, [("/", "web", 3000), ("/api", "api", 8000)]);
    }

    #[test]
    fn routes_get_certificates_from_the_cluster_issuer() {
        let routed = stack(|| {
            let mut stack = Stack::new("shop");
            stack.add_service(
                Service::new("web", Image::new("shop-web:1"))
                    .port(Port::http(3000))
                    .route(Route::new("shop.example.com").tls()),
            );
            stack
        });
        let mut public = Public::of(&routed).expect("public");
        let (ingress, secrets) = ingress(&routed, &Cluster::new(), &mut public).expect("an Ingress");
        let annotations = ingress.metadata.annotations.expect("annotations");
        assert_eq!(annotations.get(CLUSTER_ISSUER_ANNOTATION).map(String::as_str), Some("letsencrypt"));
        assert_eq!(secrets, ["shop-example-com-tls"]);
    }

    /// Every host-less rule of the rendered Ingress (parsed) is named in the header and in a
    /// warning; a routed host is not.
    #[test]
    fn host_less_rules_are_reported_in_the_header_and_a_warning() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let web = stack.add_service(Service::new("web", Image::new("shop-web:1")).port(Port::http(3000)));
            stack.add_service(
                Service::new("admin", Image::new("shop-admin:1"))
                    .port(Port::http(4000))
                    .route(Route::new("admin.example.com")),
            );
            stack.add_service(
                Service::new("proxy", Image::new("nginx:1.27"))
                    .port(Port::http(80).published(80))
                    .edge_proxy_for([&web]),
            );
            stack
        });
        let bundle =
            super::super::render(&project.validate().unwrap(), &crate::options::Options::with_root("")).unwrap();
        let text = &bundle.file("kubernetes/production/ingress.yaml").expect("ingress.yaml").contents;
        let super::super::Object::Ingress(ingress) = serde_saphyr::from_str(text).expect("an Ingress") else {
            panic!("not an Ingress")
        };
        let rules = ingress.spec.and_then(|s| s.rules).unwrap_or_default();
        let host_less: Vec<String> = rules
            .iter()
            .filter(|r| r.host.is_none())
            .flat_map(|r| r.http.iter().flat_map(|h| &h.paths))
            .map(|p| format!("{} → {}", p.path.as_deref().unwrap_or("/"), p.backend.service.as_ref().unwrap().name))
            .collect();
        assert_eq!(host_less, ["/ → web"]);
        let header = &bundle.file("kubernetes/production/kustomization.yaml").unwrap().contents;
        let note = header.lines().find(|l| l.contains("answers every host")).unwrap_or_else(|| panic!("{header}"));
        assert!(note.contains("on / → web (") && !note.contains("admin"), "{note}");
        assert!(
            bundle.warnings().iter().any(|w| w.message.starts_with("the Ingress serves web at / on any host")),
            "{:?}",
            bundle.warnings()
        );
    }
}
