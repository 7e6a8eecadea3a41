//! The stack's way in from the internet: one Ingress (`networking.k8s.io/v1`) of the project's
//! ingress class, with a rule per host for every public route, and, for the upstreams of an
//! edge proxy the cluster replaces, the paths the proxy served them under, on the environment's
//! host from the project's `Cluster` (the proxy answered any host; a host-less rule would tie
//! with every other one of the class). TLS hosts get a certificate from the cert-manager issuer
//! the project names, except reserved example names no certificate authority certifies
//! ([`crate::facts::reserved_hosts`]), or share the project's named TLS Secret.
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
use crate::facts::reserved_hosts;

/// The annotation that asks cert-manager for a certificate from a `ClusterIssuer`.
pub const CLUSTER_ISSUER_ANNOTATION: &str = "cert-manager.io/cluster-issuer";

/// The port an edge proxy serves HTTPS on.
const HTTPS_PORT: u16 = 443;

/// One public path: requests for `host` under `path` reach `port` of `service`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicPath {
    /// The host.
    pub host: String,
    /// The path prefix.
    pub path: String,
    /// The service answering.
    pub service: String,
    /// Its port.
    pub port: u16,
    /// Served over HTTPS.
    pub tls: bool,
    /// The service whose public host this is (`PUBLIC_HOST_<SERVICE>`): the routed service, or
    /// the edge proxy the cluster's host replaces.
    pub named_by: String,
}

/// Everything public in a stack, and what could not be made so.
#[derive(Debug, Default)]
pub struct Public {
    /// Every public path, routes first, then edge proxy upstreams.
    pub paths: Vec<PublicPath>,
    /// (service, message) for what the Ingress cannot carry.
    pub warnings: Vec<(String, String)>,
    /// TLS hosts served over plain HTTP: reserved example names no certificate authority
    /// certifies.
    pub uncertified: Vec<String>,
}

impl Public {
    /// The public paths of `stack`: its routes, and the upstreams of the edge proxies the
    /// cluster replaces, on the environment's host in `cluster`. Two services on the same host
    /// and path is an error.
    pub fn of(stack: &ValidStack, cluster: &Cluster) -> Result<Public, Error> {
        let mut public = Public::default();
        for service in stack.services().filter(|s| runs(s)) {
            for route in &service.routes {
                let Some(port) = service.route_port(route) else { continue };
                public.paths.push(PublicPath {
                    host: route.host.clone(),
                    path: route.path.clone(),
                    service: service.name.clone(),
                    port,
                    tls: route.tls,
                    named_by: service.name.clone(),
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
                // Validation requires the host of an environment with a replaced edge proxy.
                let Some(host) = cluster.host_of(stack.env()) else {
                    return Err(Error::Unsupported {
                        target: "kubernetes",
                        service: proxy.name.clone(),
                        reason: format!("the edge proxy answered any host, and {} has no host", stack.env()),
                        fix: "Name it with Cluster::host".into(),
                    });
                };
                if let Some(taken) = public.paths.iter().find(|p| p.host == host && p.path == path) {
                    return Err(Error::Unsupported {
                        target: "kubernetes",
                        service: proxy.name.clone(),
                        reason: format!(
                            "the edge proxy forwards {path} to {}, and {} already serves {host}{path}, so the Ingress that replaces it cannot tell which one answers",
                            upstream.name, taken.service
                        ),
                        fix: format!(
                            "Either say which path the proxy forwards to each with .edge_path(\"/api\", &{}), or give the upstreams routes with their hosts",
                            upstream.name
                        ),
                    });
                }
                public.paths.push(PublicPath {
                    host: host.to_string(),
                    path,
                    service: upstream.name.clone(),
                    port,
                    tls,
                    named_by: proxy.name.clone(),
                });
            }
        }
        Ok(public)
    }

    /// The hosts of the Ingress that stand in for the team's real ones in this environment
    /// ([`reserved_hosts::stands_in`]), each with the service whose `PUBLIC_HOST_<SERVICE>`
    /// setting holds the real host: the first path's on that host.
    pub fn placeholder_hosts(&self, env: stack_dsl::Env) -> Vec<(&str, &str)> {
        let mut hosts: Vec<(&str, &str)> = Vec::new();
        for path in self.paths.iter().filter(|p| reserved_hosts::stands_in(env, &p.host)) {
            if !hosts.iter().any(|(host, _)| *host == path.host) {
                hosts.push((&path.host, &path.named_by));
            }
        }
        hosts
    }

    /// The ports of `service` the ingress controller forwards to.
    pub fn routed_ports(&self, service: &Service) -> Vec<u16> {
        let mut ports: Vec<u16> = self.paths.iter().filter(|p| p.service == service.name).map(|p| p.port).collect();
        ports.sort_unstable();
        ports.dedup();
        ports
    }
}

/// The Ingress of `public`'s paths, and the certificate Secrets it expects, or `None` when the
/// stack has nothing public.
pub fn ingress(stack: &ValidStack, cluster: &Cluster, public: &mut Public) -> Option<(Ingress, Vec<String>)> {
    if public.paths.is_empty() {
        return None;
    }
    let mut hosts: IndexMap<&str, Vec<HTTPIngressPath>> = IndexMap::new();
    let mut tls_hosts: Vec<&str> = Vec::new();
    for path in &public.paths {
        hosts.entry(path.host.as_str()).or_default().push(HTTPIngressPath {
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
        if path.tls && !tls_hosts.contains(&path.host.as_str()) {
            tls_hosts.push(&path.host);
        }
    }
    let (tls, secrets, annotations) = match &cluster.certificates {
        Certificates::ClusterIssuer(issuer) => {
            let (reserved, certified): (Vec<&str>, Vec<&str>) =
                tls_hosts.iter().partition(|host| reserved_hosts::is_reserved(host));
            for host in reserved {
                public.uncertified.push(host.to_string());
                let service = public.paths.iter().find(|p| p.host == host).map(|p| p.service.clone());
                public.warnings.push((service.unwrap_or_default(), placeholder_warning(host)));
            }
            let tls: Vec<IngressTLS> = certified
                .iter()
                .map(|host| IngressTLS { hosts: Some(vec![host.to_string()]), secret_name: Some(tls_secret(host)) })
                .collect();
            let secrets = certified.iter().map(|h| tls_secret(h)).collect();
            let annotations =
                (!tls.is_empty()).then(|| BTreeMap::from([(CLUSTER_ISSUER_ANNOTATION.to_string(), issuer.clone())]));
            (tls, secrets, annotations)
        }
        Certificates::Secret(name) => {
            // The project's own certificate: no certificate authority is asked, so a reserved
            // name is the user's choice (a test cluster's self-signed certificate).
            if tls_hosts.is_empty() {
                (Vec::new(), Vec::new(), None)
            } else {
                let hosts = tls_hosts.iter().map(|h| h.to_string()).collect();
                (vec![IngressTLS { hosts: Some(hosts), secret_name: Some(name.clone()) }], vec![name.clone()], None)
            }
        }
    };
    // Whatever the certificates, a placeholder host is routed but reached by no one outside.
    let placeholders: Vec<(String, String)> = public
        .placeholder_hosts(stack.env())
        .into_iter()
        .filter(|(host, _)| !public.uncertified.iter().any(|h| h == host))
        .map(|(host, service)| (host.to_string(), service.to_string()))
        .collect();
    for (host, service) in placeholders {
        let message = format!(
            "the Ingress routes {host}, a reserved example name (RFC 2606/6761) no client outside reaches, so requests for the team's real host get the ingress controller's 404: give the route (or Cluster::host) this environment's real host, or let a Kubernetes deploy pipeline set it from the repository variable {}",
            crate::public_origin::variable_in(&service, stack.env().name())
        );
        public.warnings.push((service, message));
    }
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
                        host: Some(host.to_string()),
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

/// A TLS host no certificate authority certifies: asking cert-manager would leave an order
/// failing and retried for as long as the Ingress exists.
fn placeholder_warning(host: &str) -> String {
    format!(
        "{host} is a reserved example name (RFC 2606/6761) that no certificate authority certifies: cert-manager is not asked for it (its order would fail and be retried forever), so the Ingress serves it over plain HTTP; give the route this environment's real host"
    )
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

    /// The cluster of the tests: production is served on shop.acme-shop.dev.
    fn cluster() -> Cluster {
        Cluster::new().host(Env::Production, "shop.acme-shop.dev")
    }

    fn stack(define: fn() -> Stack) -> ValidStack {
        let project = Project::new("shop", [Env::Production], move |_| define()).cluster(cluster());
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
        let Err(Error::Unsupported { service, fix, .. }) = Public::of(&stack(proxied), &cluster()) else {
            panic!("no error")
        };
        assert_eq!(service, "proxy");
        assert!(fix.contains(".edge_path("), "{fix}");
    }

    #[test]
    fn an_upstream_competing_with_a_route_on_the_clusters_host_is_an_error() {
        let valid = stack(|| {
            let mut stack = Stack::new("shop");
            let web = stack.add_service(Service::new("web", Image::new("shop-web:1")).port(Port::http(3000)));
            stack.add_service(
                Service::new("admin", Image::new("shop-admin:1"))
                    .port(Port::http(4000))
                    .route(Route::new("shop.acme-shop.dev")),
            );
            stack.add_service(
                Service::new("proxy", Image::new("nginx:1.27"))
                    .port(Port::http(80).published(80))
                    .edge_proxy_for([&web]),
            );
            stack
        });
        let Err(Error::Unsupported { reason, .. }) = Public::of(&valid, &cluster()) else { panic!("no error") };
        assert!(reason.contains("admin already serves shop.acme-shop.dev/"), "{reason}");
    }

    #[test]
    fn an_edge_path_must_be_a_path_to_an_upstream() {
        let mut stack_with_bad_path = proxied();
        let api = stack_with_bad_path.reference("api");
        let proxy = stack_with_bad_path.services.iter_mut().find(|s| s.name == "proxy").expect("proxy");
        *proxy = proxy.clone().edge_path("api", &api);
        let valid = Project::new("shop", [Env::Production], move |_| stack_with_bad_path.clone())
            .cluster(cluster())
            .validate()
            .expect("valid");
        let Err(Error::Unsupported { reason, .. }) = Public::of(&valid.stacks()[0], &cluster()) else {
            panic!("no error")
        };
        assert!(reason.contains("\"api\""), "{reason}");
    }

    /// The Ingress (parsed back) serves a replaced proxy's upstreams on the environment's host
    /// only: no rule without a host, which would tie with every other one of the class.
    #[test]
    fn a_replaced_proxy_is_served_on_the_environments_host_with_its_certificate() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut with_paths = proxied();
            let api = with_paths.reference("api");
            let proxy = with_paths.services.iter_mut().find(|s| s.name == "proxy").expect("proxy");
            *proxy = proxy.clone().edge_path("/api", &api);
            with_paths
        })
        .cluster(cluster().ingress("nginx", "ingress-nginx"));
        let bundle =
            super::super::render(&project.validate().unwrap(), &crate::options::Options::with_root("")).unwrap();
        let text = &bundle.file("kubernetes/production/ingress.yaml").expect("ingress.yaml").contents;
        let super::super::Object::Ingress(ingress) = serde_saphyr::from_str(text).expect("an Ingress") else {
            panic!("not an Ingress")
        };
        let annotations = ingress.metadata.annotations.clone().expect("annotations");
        assert_eq!(annotations.get(CLUSTER_ISSUER_ANNOTATION).map(String::as_str), Some("letsencrypt"));
        let spec = ingress.spec.expect("spec");
        assert_eq!(spec.ingress_class_name.as_deref(), Some("nginx"));
        let served: Vec<(Option<String>, String, String)> = spec
            .rules
            .iter()
            .flatten()
            .flat_map(|rule| {
                rule.http.iter().flat_map(|h| &h.paths).map(|p| {
                    let backend = p.backend.service.as_ref().expect("a Service backend").name.clone();
                    (rule.host.clone(), p.path.clone().unwrap_or_default(), backend)
                })
            })
            .collect();
        let host = Some("shop.acme-shop.dev".to_string());
        assert_eq!(served, [(host.clone(), "/".into(), "web".into()), (host, "/api".into(), "api".into())]);
        let tls = spec.tls.expect("tls");
        assert_eq!(
            tls,
            [IngressTLS {
                hosts: Some(vec!["shop.acme-shop.dev".into()]),
                secret_name: Some("shop-acme-shop-dev-tls".into())
            }]
        );
    }

    /// A certified host gets the policy that lets the ingress controller reach cert-manager's
    /// HTTP-01 solver pods (parsed back from network-policies.yaml); a reserved name alone
    /// asks no certificate and admits nothing to the solver's label.
    #[test]
    fn a_certified_host_admits_the_http01_solver() {
        use crate::facts::cert_manager::{HTTP01_SOLVER_LABEL, HTTP01_SOLVER_PORT};
        let solver_policies = |host: &'static str| {
            let project = Project::new("shop", [Env::Production], move |_| {
                let mut stack = Stack::new("shop");
                stack.add_service(
                    Service::new("web", Image::new("shop-web:1")).port(Port::http(3000)).route(Route::new(host).tls()),
                );
                stack
            })
            .cluster(Cluster::new().ingress("nginx", "ingress-nginx"));
            let bundle =
                super::super::render(&project.validate().unwrap(), &crate::options::Options::with_root("")).unwrap();
            let text = &bundle.file("kubernetes/production/network-policies.yaml").expect("policies").contents;
            text.split("\n---\n")
                .filter_map(|doc| match serde_saphyr::from_str(doc).expect("an object") {
                    super::super::Object::NetworkPolicy(p) => p.spec,
                    _ => None,
                })
                .filter(|spec| {
                    spec.pod_selector.as_ref().and_then(|s| s.match_labels.as_ref()).is_some_and(|l| {
                        l.get(HTTP01_SOLVER_LABEL.0).map(String::as_str) == Some(HTTP01_SOLVER_LABEL.1)
                    })
                })
                .collect::<Vec<_>>()
        };
        let certified = solver_policies("shop.acme-shop.dev");
        let [spec] = certified.as_slice() else { panic!("{certified:?}") };
        let rule = &spec.ingress.as_ref().expect("ingress rules")[0];
        let from = rule.from.as_ref().expect("from");
        let namespace = from[0].namespace_selector.as_ref().and_then(|s| s.match_labels.as_ref());
        assert_eq!(
            namespace.and_then(|l| l.get("kubernetes.io/metadata.name")).map(String::as_str),
            Some("ingress-nginx")
        );
        let ports: Vec<_> = rule.ports.iter().flatten().map(|p| p.port.clone()).collect();
        assert_eq!(
            ports,
            [Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(HTTP01_SOLVER_PORT.into()))]
        );
        assert!(solver_policies("shop.example.com").is_empty());
    }

    #[test]
    fn routes_get_certificates_from_the_cluster_issuer() {
        let routed = stack(|| {
            let mut stack = Stack::new("shop");
            stack.add_service(
                Service::new("web", Image::new("shop-web:1"))
                    .port(Port::http(3000))
                    .route(Route::new("shop.acme-shop.dev").tls()),
            );
            stack
        });
        let mut public = Public::of(&routed, &cluster()).expect("public");
        let (ingress, secrets) = ingress(&routed, &Cluster::new(), &mut public).expect("an Ingress");
        let annotations = ingress.metadata.annotations.expect("annotations");
        assert_eq!(annotations.get(CLUSTER_ISSUER_ANNOTATION).map(String::as_str), Some("letsencrypt"));
        assert_eq!(secrets, ["shop-acme-shop-dev-tls"]);
    }

    /// A reserved example name never reaches cert-manager (parsed manifests): no TLS entry or
    /// issuer annotation for it, a warning naming it; a real host beside it keeps its
    /// certificate, and a named TLS Secret still serves it.
    #[test]
    fn reserved_example_hosts_are_not_sent_to_cert_manager() {
        let project = |certificates: Certificates| {
            Project::new("shop", [Env::Production], |_| {
                let mut stack = Stack::new("shop");
                stack.add_service(
                    Service::new("web", Image::new("shop-web:1"))
                        .port(Port::http(3000))
                        .route(Route::new("shop.example.com").tls())
                        .route(Route::new("www.acme-shop.dev").tls()),
                );
                stack.add_service(
                    Service::new("docs", Image::new("shop-docs:1"))
                        .port(Port::http(3000))
                        .route(Route::new("docs.shop.test").tls()),
                );
                stack
            })
            .cluster(Cluster::new().certificates(certificates))
            .validate()
            .unwrap()
        };
        let ingress_of = |bundle: &crate::bundle::Bundle| {
            let text = &bundle.file("kubernetes/production/ingress.yaml").expect("ingress.yaml").contents;
            let super::super::Object::Ingress(ingress) = serde_saphyr::from_str(text).expect("an Ingress") else {
                panic!("not an Ingress")
            };
            ingress
        };
        let options = crate::options::Options::with_root("");
        let bundle =
            super::super::render(&project(Certificates::ClusterIssuer("letsencrypt".into())), &options).unwrap();
        let ingress = ingress_of(&bundle);
        let tls_hosts: Vec<String> =
            ingress.spec.and_then(|s| s.tls).into_iter().flatten().flat_map(|t| t.hosts.unwrap_or_default()).collect();
        assert_eq!(tls_hosts, ["www.acme-shop.dev"]);
        let warned: Vec<(&str, &str)> = bundle
            .warnings()
            .iter()
            .filter(|w| w.message.contains("reserved example name"))
            .map(|w| (w.service.as_str(), w.message.split(' ').next().unwrap_or_default()))
            .collect();
        assert_eq!(warned, [("web", "shop.example.com"), ("docs", "docs.shop.test")]);
        let header = &bundle.file("kubernetes/production/kustomization.yaml").unwrap().contents;
        assert!(!header.contains("shop-example-com-tls") && header.contains("www-acme-shop-dev-tls"), "{header}");
        assert!(header.contains("# Served over plain HTTP: shop.example.com, docs.shop.test — reserved"), "{header}");

        let own = super::super::render(&project(Certificates::Secret("shop-tls".into())), &options).unwrap();
        let tls = ingress_of(&own).spec.and_then(|s| s.tls).expect("tls");
        assert_eq!(tls[0].hosts.as_ref().map(Vec::len), Some(3));
    }

    /// A placeholder host is reported whatever the certificates: with the project's own TLS
    /// Secret too, where no certificate authority is asked.
    #[test]
    fn a_placeholder_host_is_reported_with_the_projects_own_certificate() {
        let project = Project::new("shop", [Env::Production], |_| proxied_with_api_path()).cluster(
            Cluster::new()
                .certificates(Certificates::Secret("shop-tls".into()))
                .host(Env::Production, "shop.example.com"),
        );
        let valid = project.validate().unwrap();
        let stack = &valid.stacks()[0];
        let mut public = Public::of(stack, valid.cluster()).unwrap();
        ingress(stack, valid.cluster(), &mut public).expect("an Ingress");
        let (service, message) =
            public.warnings.iter().find(|(_, m)| m.contains("shop.example.com")).expect("reported");
        assert_eq!(service, "proxy");
        assert!(message.contains("PUBLIC_HOST_PROXY_PRODUCTION"), "{message}");
    }

    fn proxied_with_api_path() -> Stack {
        let mut stack = proxied();
        let api = stack.reference("api");
        let proxy = stack.services.iter_mut().find(|s| s.name == "proxy").expect("proxy");
        *proxy = proxy.clone().edge_path("/api", &api);
        stack
    }
}
