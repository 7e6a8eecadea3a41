//! A stack: the services, volumes, networks and secrets of one application in one environment.

use crate::edge::Edge;
use crate::external::External;
use crate::network::{Network, NetworkRef};
use crate::reference::ServiceRef;
use crate::secret::{Secret, SecretRef};
use crate::service::Service;
use crate::volume::{Volume, VolumeRef};

/// An application stack in one environment. Build it with the `add_*` methods, which return
/// typed references for the services that use what was added; then [`Stack::validate`] it.
///
/// ```
/// use stack_dsl::{Datastore, Env, Image, Mount, Port, Ready, Secret, Service, Stack, Volume};
///
/// let mut stack = Stack::new("shop");
/// let password = stack.add_secret(Secret::new("DB_PASSWORD"));
/// let data = stack.add_volume(Volume::persistent("pgdata"));
/// let db = stack.add_service(
///     Service::new("postgres", Image::new("postgres:16-alpine"))
///         .port(Port::tcp(5432))
///         .env("POSTGRES_PASSWORD", &password)
///         .mount(Mount::volume(&data, "/var/lib/postgresql/data"))
///         // No health check: the datastore brings its own, which waits for TCP connections.
///         .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
/// );
/// stack.add_service(
///     Service::new("api", Image::build("backend"))
///         .port(Port::http(3001))
///         .env("DATABASE_URL", db.database_url())
///         .depends_on(&db, Ready::Healthy),
/// );
/// let valid = stack.validate(Env::Dev).expect("a valid stack");
/// assert_eq!(valid.services().count(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Stack {
    /// The stack's name, a DNS-1123 label.
    pub name: String,
    /// Services, in the order added.
    #[serde(default)]
    pub services: Vec<Service>,
    /// Named volumes, in the order added.
    #[serde(default)]
    pub volumes: Vec<Volume>,
    /// Networks, in the order added.
    #[serde(default)]
    pub networks: Vec<Network>,
    /// Secrets the services need, in the order added.
    #[serde(default)]
    pub secrets: Vec<Secret>,
    /// Dependencies outside the stack, in the order added.
    #[serde(default)]
    pub externals: Vec<External>,
    /// The proxy serving public routes on a single host, if any.
    pub edge: Option<Edge>,
    /// The Compose project name, when it is not `<stack>-<environment>`.
    pub compose_project: Option<String>,
    /// The size of the single host the environment runs on, if declared.
    pub host: Option<crate::host::Host>,
    /// How containers' logs are rotated on a single host.
    #[serde(default)]
    pub log_rotation: crate::logs::LogRotation,
    /// What targets apply where the stack states no value, when the stack chooses
    /// ([`Stack::set_defaults`]); read it through [`Stack::applied_defaults`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaults: Option<crate::defaults::Defaults>,
    /// Groups of variables several services use, in the order added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_groups: Vec<crate::env_group::EnvGroup>,
}

impl Stack {
    /// An empty stack.
    pub fn new(name: impl Into<String>) -> Self {
        Stack {
            name: name.into(),
            services: Vec::new(),
            volumes: Vec::new(),
            networks: Vec::new(),
            secrets: Vec::new(),
            externals: Vec::new(),
            edge: None,
            compose_project: None,
            host: None,
            log_rotation: crate::logs::LogRotation::default(),
            defaults: None,
            env_groups: Vec::new(),
        }
    }

    /// Add a service; the reference lets other services depend on it and reach it.
    pub fn add_service(&mut self, service: Service) -> ServiceRef {
        let reference = ServiceRef(service.name.clone());
        self.services.push(service);
        reference
    }

    /// Add a named volume.
    pub fn add_volume(&mut self, volume: Volume) -> VolumeRef {
        let reference = VolumeRef(volume.name.clone());
        self.volumes.push(volume);
        reference
    }

    /// Add a network.
    pub fn add_network(&mut self, network: Network) -> NetworkRef {
        let reference = NetworkRef(network.name.clone());
        self.networks.push(network);
        reference
    }

    /// Declare a secret the services need.
    pub fn add_secret(&mut self, secret: Secret) -> SecretRef {
        let reference = SecretRef(secret.name.clone());
        self.secrets.push(secret);
        reference
    }

    /// Declare a dependency that lives outside the stack; services reach it through the
    /// reference like any other service (`host()`, `port()`, `database_url()`).
    pub fn add_external(&mut self, external: External) -> ServiceRef {
        let reference = ServiceRef(external.name.clone());
        self.externals.push(external);
        reference
    }

    /// Serve the stack's public routes through this proxy.
    pub fn set_edge(&mut self, edge: impl Into<Edge>) {
        self.edge = Some(edge.into());
    }

    /// The external dependency with this name, if any.
    pub fn external(&self, name: &str) -> Option<&External> {
        self.externals.iter().find(|e| e.name == name)
    }

    /// A reference to a service added later (for start order written top-down).
    /// Validation reports it if no such service is ever added.
    pub fn reference(&self, name: impl Into<String>) -> ServiceRef {
        ServiceRef(name.into())
    }

    /// The service with this name, if any.
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }
}
