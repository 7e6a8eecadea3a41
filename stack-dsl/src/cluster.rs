//! What a project's Kubernetes clusters provide: the ingress controller that serves public
//! routes (its class and namespace), how TLS certificates are obtained, and the Secret that
//! lets nodes pull the project's private images. Only the Kubernetes target reads it.
//!
//! Ingress classes: <https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class>.
//! cert-manager's Ingress annotations: <https://cert-manager.io/docs/usage/ingress/>.
//! Pull secrets: <https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/>.
//! Host-less Ingress rules match every host, so two of them on one path of one controller tie
//! and only one gets the traffic (Traefik ranks routers by rule length,
//! <https://doc.traefik.io/traefik/routing/routers/#priority>): the upstreams of a replaced edge
//! proxy are served on the environment's host instead.
//! Storage classes and access modes (a block disk is `ReadWriteOnce` only, so a `ReadWriteMany`
//! claim on it stays Pending): <https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes>.

use crate::env::Env;

/// How Ingress hosts get their certificates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Certificates {
    /// cert-manager issues one per host from this `ClusterIssuer` (annotation
    /// `cert-manager.io/cluster-issuer`), into the Secret `<host>-tls`.
    ClusterIssuer(String),
    /// Every TLS host uses this existing Secret of type `kubernetes.io/tls` (a wildcard certificate).
    Secret(String),
}

/// The cluster a project deploys to.
///
/// ```
/// use stack_dsl::{Certificates, Cluster};
///
/// let cluster = Cluster::new().ingress("nginx", "ingress-nginx").certificates(Certificates::Secret("wildcard-tls".into()));
/// assert_eq!(cluster.ingress_class, "nginx");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Cluster {
    /// The `ingressClassName` of the stack's Ingress.
    pub ingress_class: String,
    /// The namespace the ingress controller's pods run in; only it may reach routed ports.
    pub ingress_namespace: String,
    /// How TLS hosts get certificates.
    pub certificates: Certificates,
    /// The `kubernetes.io/dockerconfigjson` Secret pods use to pull the project's own images.
    pub pull_secret: String,
    /// The StorageClass of claims several pods mount at once (`ReadWriteMany`), when the
    /// cluster's default class cannot provide them.
    pub shared_storage_class: Option<String>,
    /// The public host of each environment: the Ingress serves the upstreams of an edge proxy,
    /// which answered any host in Compose, on it.
    pub hosts: Vec<(Env, String)>,
}

/// The ingress class and namespace [`Cluster::new`] assumes: Traefik as its Helm chart installs
/// it (<https://doc.traefik.io/traefik/getting-started/install-traefik/#use-the-helm-chart>).
pub const DEFAULT_INGRESS: (&str, &str) = ("traefik", "traefik");

impl Cluster {
    /// Traefik's `traefik` class in the namespace `traefik`, certificates from the cert-manager
    /// `ClusterIssuer` `letsencrypt`, and images pulled with the Secret `registry-credentials`.
    pub fn new() -> Self {
        Cluster {
            ingress_class: DEFAULT_INGRESS.0.into(),
            ingress_namespace: DEFAULT_INGRESS.1.into(),
            certificates: Certificates::ClusterIssuer("letsencrypt".into()),
            pull_secret: "registry-credentials".into(),
            shared_storage_class: None,
            hosts: Vec::new(),
        }
    }

    /// Serve routes with the ingress class `class`, whose controller runs in `namespace`.
    #[must_use]
    pub fn ingress(mut self, class: impl Into<String>, namespace: impl Into<String>) -> Self {
        self.ingress_class = class.into();
        self.ingress_namespace = namespace.into();
        self
    }

    /// Obtain TLS certificates this way.
    #[must_use]
    pub fn certificates(mut self, certificates: Certificates) -> Self {
        self.certificates = certificates;
        self
    }

    /// Pull the project's images with the Secret `name`.
    #[must_use]
    pub fn pull_secret(mut self, name: impl Into<String>) -> Self {
        self.pull_secret = name.into();
        self
    }

    /// Provision claims several pods mount at once (`ReadWriteMany`) from the StorageClass
    /// `name` (NFS, CephFS, EFS, Azure Files), the others from the default class.
    #[must_use]
    pub fn shared_storage_class(mut self, name: impl Into<String>) -> Self {
        self.shared_storage_class = Some(name.into());
        self
    }
}

impl Cluster {
    /// Serve the stack in `env` on `host`: the upstreams of its edge proxy, which answered any
    /// host, get Ingress rules for this host (and its certificate, when the proxy served HTTPS).
    #[must_use]
    pub fn host(mut self, env: Env, host: impl Into<String>) -> Self {
        self.hosts.retain(|(e, _)| *e != env);
        self.hosts.push((env, host.into()));
        self
    }

    /// The public host of `env`, if given.
    pub fn host_of(&self, env: Env) -> Option<&str> {
        self.hosts.iter().find(|(e, _)| *e == env).map(|(_, host)| host.as_str())
    }
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::new()
    }
}
