//! What a service is for, when it is infrastructure a hosting platform provides itself.
//!
//! Single-host deployments run their own edge: an nginx or Traefik that terminates TLS and
//! forwards requests, and a certbot that renews certificates. Platforms with a managed edge
//! (Render: <https://render.com/docs/custom-domains>, Railway:
//! <https://docs.railway.com/guides/public-networking>) do both themselves, so their emitters
//! leave such services out, and report each omission, instead of deploying a proxy behind a proxy.

use crate::reference::ServiceRef;
use crate::static_site::StaticSite;

/// The role a service plays in the stack.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Application code or a data service: deployed on every target (the default).
    #[default]
    Application,
    /// A reverse proxy that only forwards public traffic to `upstreams` (terminating TLS on
    /// the way). Platforms with their own edge serve the upstreams publicly instead.
    EdgeProxy {
        /// The services it forwards to.
        upstreams: Vec<ServiceRef>,
    },
    /// Renews the edge proxy's TLS certificates; platforms that issue certificates skip it.
    CertificateRenewal,
    /// Serves a static build; platforms with static hosting serve the build themselves
    /// ([`Service::serves_static`](crate::Service::serves_static)).
    StaticSite(StaticSite),
}

impl Role {
    /// True for the roles a platform with a managed edge provides itself.
    pub fn is_platform_edge(&self) -> bool {
        matches!(self, Role::EdgeProxy { .. } | Role::CertificateRenewal)
    }

    /// The sentence a warning uses to say why a platform skips the service.
    pub fn provided_because(&self) -> String {
        match self {
            Role::Application | Role::StaticSite(_) => String::new(),
            Role::EdgeProxy { upstreams } => format!(
                "it only proxies to {} and terminates TLS; the platform's edge does both and serves {} publicly",
                names(upstreams),
                if upstreams.len() == 1 { "it" } else { "them" }
            ),
            Role::CertificateRenewal => {
                "it only renews TLS certificates, which the platform issues and renews itself".into()
            }
        }
    }
}

fn names(services: &[ServiceRef]) -> String {
    services.iter().map(ServiceRef::name).collect::<Vec<_>>().join(", ")
}
