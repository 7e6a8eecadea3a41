//! Public routes spelled as the container labels Traefik's Docker provider reads.
//!
//! Spec: <https://doc.traefik.io/traefik/routing/providers/docker/>. Each route gets an HTTP
//! router and, with TLS, an HTTPS router with the certificate resolver, the HTTP one redirecting
//! to it. Router names carry the stack and environment, since one Traefik serves many stacks.
//! The labels name entrypoints and a certificate resolver that only Traefik's own configuration
//! defines (<https://doc.traefik.io/traefik/routing/entrypoints/>,
//! <https://doc.traefik.io/traefik/https/acme/>): a router naming one it lacks never serves, so
//! the header names them.

use indexmap::IndexMap;
use stack_dsl::{Edge, Service, Traefik, ValidStack};

/// The header line naming what the labels expect of the Traefik the stack joins, if it routes
/// anything through one.
pub fn note(stack: &ValidStack) -> Option<String> {
    let Some(Edge::Traefik(traefik)) = &stack.edge else { return None };
    let routes: Vec<_> = stack.services().flat_map(|s| s.routes.iter()).collect();
    if routes.is_empty() {
        return None;
    }
    let mut needs = format!("the entrypoint {} (port 80)", traefik.http_entrypoint);
    if routes.iter().any(|r| r.tls) {
        needs.push_str(&format!(
            ", the entrypoint {} (port 443) and the certificate resolver {} (ACME, Let's Encrypt)",
            traefik.https_entrypoint, traefik.cert_resolver
        ));
    }
    Some(format!(
        "The Traefik this stack joins must define {needs}, and run its Docker provider on the network {}: the routers' labels name them",
        traefik.network.name()
    ))
}

/// The labels that route `service`'s public routes through `traefik`; a placeholder host is
/// spelled as the variable holding the real one ([`super::lower::public_host`]), so Traefik
/// never routes a name no client sends.
pub fn labels(stack: &ValidStack, traefik: &Traefik, service: &Service) -> IndexMap<String, String> {
    let mut labels = IndexMap::new();
    if service.routes.is_empty() {
        return labels;
    }
    let mut set = |key: String, value: String| {
        labels.insert(key, value);
    };
    set("traefik.enable".into(), "true".into());
    set("traefik.docker.network".into(), traefik.network.name().into());
    let prefix = format!("{}-{}-{}", stack.name, stack.env(), service.name);
    let redirect = format!("{}-{}-https-redirect", stack.name, stack.env());
    for (i, route) in service.routes.iter().enumerate() {
        let id = if service.routes.len() == 1 { prefix.clone() } else { format!("{prefix}-{}", i + 1) };
        let host = if crate::facts::reserved_hosts::stands_in(stack.env(), &route.host) {
            super::lower::public_host(&service.name)
        } else {
            route.host.clone()
        };
        let mut rule = format!("Host(`{host}`)");
        if route.path != "/" {
            rule.push_str(&format!(" && PathPrefix(`{}`)", route.path));
        }
        let router = |suffix: &str, key: &str| format!("traefik.http.routers.{id}-{suffix}.{key}");
        set(router("http", "rule"), rule.clone());
        set(router("http", "entrypoints"), traefik.http_entrypoint.clone());
        set(router("http", "service"), id.clone());
        if route.tls {
            set(router("http", "middlewares"), redirect.clone());
            set(router("https", "rule"), rule);
            set(router("https", "entrypoints"), traefik.https_entrypoint.clone());
            set(router("https", "service"), id.clone());
            set(router("https", "tls"), "true".into());
            set(router("https", "tls.certresolver"), traefik.cert_resolver.clone());
        }
        let port = service.route_port(route).unwrap_or_default();
        set(format!("traefik.http.services.{id}.loadbalancer.server.port"), port.to_string());
    }
    if service.routes.iter().any(|r| r.tls) {
        set(format!("traefik.http.middlewares.{redirect}.redirectscheme.scheme"), "https".into());
        set(format!("traefik.http.middlewares.{redirect}.redirectscheme.permanent"), "true".into());
    }
    labels
}
