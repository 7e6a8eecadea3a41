//! What a reference between services means, independent of any target: which host, port,
//! scheme and credentials it stands for. Each emitter only spells the result.

use stack_dsl::{Datastore, EnvValue, Image, SecretRef, Service, ServiceRef, ServiceUrl, ValidStack};

/// One environment value, resolved; the emitter spells secrets its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Plain text.
    Text(String),
    /// A secret, by reference.
    Secret(SecretRef),
    /// A connection URL whose password comes from a secret:
    /// `{scheme}://{user}:<password>@{host}:{port}/{database}`.
    Connection(Connection),
}

/// A database connection URL, credentials by reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `postgresql`, `redis`.
    pub scheme: &'static str,
    /// The user, if any.
    pub user: Option<String>,
    /// The secret holding the password, if any.
    pub password: Option<SecretRef>,
    /// The host name.
    pub host: String,
    /// The port.
    pub port: u16,
    /// The database name or index, if any.
    pub database: Option<String>,
    /// The service providing the database.
    pub service: String,
    /// What it provides.
    pub datastore: Datastore,
}

impl Connection {
    /// The URL with the password spelled by `password` (e.g. `${DB_PASSWORD:?…}` for Compose).
    pub fn spell(&self, mut password: impl FnMut(&SecretRef) -> String) -> String {
        let credentials = match (&self.user, &self.password) {
            (Some(user), Some(secret)) => format!("{user}:{}@", password(secret)),
            (Some(user), None) => format!("{user}@"),
            (None, Some(secret)) => format!(":{}@", password(secret)),
            (None, None) => String::new(),
        };
        let database = self.database.as_deref().map(|d| format!("/{d}")).unwrap_or_default();
        format!("{}://{credentials}{}:{}{database}", self.scheme, self.host, self.port)
    }
}

/// Resolve an environment value against its stack.
pub fn resolve(stack: &ValidStack, value: &EnvValue) -> Resolved {
    match value {
        EnvValue::Literal(text) => Resolved::Text(text.clone()),
        EnvValue::Secret(secret) => Resolved::Secret(secret.clone()),
        EnvValue::Host(service) => Resolved::Text(service.name().to_string()),
        EnvValue::Port { service, port } => Resolved::Text(port_of(stack, service, *port).to_string()),
        EnvValue::Url(url) => Resolved::Text(url_of(stack, url)),
        EnvValue::DatabaseUrl(service) => Resolved::Connection(connection(stack, service)),
    }
}

fn target<'a>(stack: &'a ValidStack, service: &ServiceRef) -> Option<&'a Service> {
    stack.resolve(service)
}

fn port_of(stack: &ValidStack, service: &ServiceRef, port: Option<u16>) -> u16 {
    let first = target(stack, service).and_then(|s| s.ports.first()).map(|p| p.number);
    let engine = target(stack, service).and_then(|s| s.datastore.as_ref()).map(|d| d.engine.default_port());
    port.or(first).or(engine).unwrap_or(80)
}

fn url_of(stack: &ValidStack, url: &ServiceUrl) -> String {
    let engine = target(stack, &url.service).and_then(|s| s.datastore.as_ref()).map(|d| d.engine.scheme());
    let scheme = url.scheme.as_deref().or(engine).unwrap_or("http");
    let port = port_of(stack, &url.service, url.port);
    format!("{scheme}://{}:{port}{}", url.service.name(), url.path)
}

/// The connection to the database `service` provides.
pub fn connection(stack: &ValidStack, service: &ServiceRef) -> Connection {
    let datastore = target(stack, service).and_then(|s| s.datastore.clone()).unwrap_or_else(|| Datastore::postgres(0));
    Connection {
        scheme: datastore.engine.scheme(),
        user: datastore.user.clone(),
        password: datastore.password.clone(),
        host: service.name().to_string(),
        port: port_of(stack, service, None),
        database: datastore.database.clone(),
        service: service.name().to_string(),
        datastore,
    }
}

/// The name of a service's image without tag: the registry reference's repository, the build's
/// tag, or `<stack>-<service>` for an untagged build.
pub fn image_name(stack: &ValidStack, service: &Service) -> String {
    match &service.image {
        Image::Registry(reference) => reference.clone(),
        Image::Build(build) => build.tag.clone().unwrap_or_else(|| format!("{}-{}", stack.name, service.name)),
    }
}
