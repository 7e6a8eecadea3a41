//! The edge proxy that serves a stack's public routes on a single host (Compose deployments).
//! Platforms with their own ingress (Kubernetes, Render, Railway) serve routes themselves.
//!
//! Traefik reads routers from container labels: <https://doc.traefik.io/traefik/routing/providers/docker/>

use crate::network::NetworkRef;

/// A Traefik instance, usually run by another stack, that routes by container labels.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Traefik {
    /// The network Traefik shares with the routed services.
    pub network: NetworkRef,
    /// The entry point for plain HTTP (port 80).
    pub http_entrypoint: String,
    /// The entry point for HTTPS (port 443).
    pub https_entrypoint: String,
    /// The certificate resolver that issues certificates for TLS routes (Let's Encrypt).
    pub cert_resolver: String,
}

impl Traefik {
    /// Traefik on `network`, with entry points `http` and `https` and the resolver `le`.
    pub fn new(network: &NetworkRef) -> Self {
        Traefik {
            network: network.clone(),
            http_entrypoint: "http".into(),
            https_entrypoint: "https".into(),
            cert_resolver: "le".into(),
        }
    }

    /// Use other entry point names, such as `web` and `websecure`.
    #[must_use]
    pub fn entrypoints(mut self, http: impl Into<String>, https: impl Into<String>) -> Self {
        self.http_entrypoint = http.into();
        self.https_entrypoint = https.into();
        self
    }

    /// Use another certificate resolver.
    #[must_use]
    pub fn cert_resolver(mut self, name: impl Into<String>) -> Self {
        self.cert_resolver = name.into();
        self
    }
}

/// The proxy in front of a stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// Traefik with its Docker provider.
    Traefik(Traefik),
}

impl From<Traefik> for Edge {
    fn from(traefik: Traefik) -> Self {
        Edge::Traefik(traefik)
    }
}

impl Edge {
    /// The network the proxy reaches services on.
    pub fn network(&self) -> &NetworkRef {
        match self {
            Edge::Traefik(traefik) => &traefik.network,
        }
    }
}
