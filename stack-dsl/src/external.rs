//! Dependencies that live outside the stack: a database on the host or another server, or one a
//! provider manages. The stack says how to reach them; no emitter runs them.

use crate::datastore::Datastore;
use crate::secret::SecretRef;

/// How the stack reaches an external dependency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// A fixed host and port, such as `host.docker.internal:5432` or an RDS endpoint.
    Address {
        /// Host name or IP address.
        host: String,
        /// Port.
        port: u16,
    },
    /// A managed service whose whole connection URL is handed over as a secret
    /// (a provider's `DATABASE_URL`). Platforms that offer the same service provide their own.
    Managed {
        /// The secret holding the connection URL.
        url: SecretRef,
    },
}

/// A dependency outside the stack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct External {
    /// The name references use; a DNS-1123 label, unique among services and externals.
    pub name: String,
    /// How to reach it.
    pub reach: Reach,
    /// What it is, if a database (required for `database_url()` on an address).
    pub datastore: Option<Datastore>,
    /// The DNS name pods in a cluster reach it at, where its address only works on a Docker
    /// host ([`DOCKER_HOST`]).
    pub cluster_host: Option<String>,
}

/// The host name Docker gives containers for the machine they run on.
pub const DOCKER_HOST: &str = "host.docker.internal";

impl External {
    /// A dependency at `host:port`.
    pub fn at(name: impl Into<String>, host: impl Into<String>, port: u16) -> Self {
        External {
            name: name.into(),
            reach: Reach::Address { host: host.into(), port },
            datastore: None,
            cluster_host: None,
        }
    }

    /// A dependency on the machine the containers run on ([`DOCKER_HOST`]).
    pub fn on_docker_host(name: impl Into<String>, port: u16) -> Self {
        External::at(name, DOCKER_HOST, port)
    }

    /// A provider-managed dependency whose connection URL is the secret `url`.
    pub fn managed(name: impl Into<String>, url: &SecretRef) -> Self {
        External { name: name.into(), reach: Reach::Managed { url: url.clone() }, datastore: None, cluster_host: None }
    }

    /// The DNS name pods in a Kubernetes cluster reach it at, for a dependency on the Docker
    /// host, which pods do not have.
    #[must_use]
    pub fn cluster_host(mut self, host: impl Into<String>) -> Self {
        self.cluster_host = Some(host.into());
        self
    }

    /// Say what it is, so clients can be given its connection URL.
    #[must_use]
    pub fn datastore(mut self, datastore: Datastore) -> Self {
        self.datastore = Some(datastore);
        self
    }
}
