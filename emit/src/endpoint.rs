//! What a reference between services means, independent of any target: which host, port,
//! scheme and credentials it stands for. Each emitter only spells the result.

use stack_dsl::{Datastore, Engine, EnvValue, Image, Reach, SecretRef, Service, ServiceRef, ServiceUrl, ValidStack};

use crate::facts::images::MONGO_AUTH_SOURCE;

/// One environment value, resolved; the emitter spells secrets its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Plain text.
    Text(String),
    /// A secret, by reference.
    Secret(SecretRef),
    /// A connection URL whose password comes from a secret:
    /// `{scheme}://{user}:<password>@{host}:{port}/{database}` (MongoDB adds `?authSource=admin`).
    Connection(Connection),
}

/// A database connection URL, credentials by reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `postgresql`, `redis`, `mysql`, `mongodb`.
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
        format!("{}://{credentials}{}:{}{database}{}", self.scheme, self.host, self.port, self.query())
    }

    /// What follows the path: MongoDB's image creates its user in another database than the
    /// one the URL names, so the URL says where to authenticate.
    fn query(&self) -> String {
        match (self.datastore.engine, &self.user) {
            (Engine::Mongo { .. }, Some(_)) => format!("?authSource={MONGO_AUTH_SOURCE}"),
            _ => String::new(),
        }
    }
}

/// Resolve an environment value against its stack. References may point at services or at
/// external dependencies; validation has ruled out the combinations that mean nothing.
pub fn resolve(stack: &ValidStack, value: &EnvValue) -> Resolved {
    match value {
        EnvValue::Literal(text) => Resolved::Text(text.clone()),
        EnvValue::Secret(secret) => Resolved::Secret(secret.clone()),
        EnvValue::Host(target) => Resolved::Text(address(stack, target, None).0),
        EnvValue::Port { service, port } => Resolved::Text(address(stack, service, *port).1.to_string()),
        EnvValue::Url(url) => Resolved::Text(url_of(stack, url)),
        // The route's host as the stack gives it, the host an Ingress serves; targets that read a
        // placeholder's real host from a setting spell it themselves (`public_origin.rs`).
        EnvValue::PublicUrl(target) => Resolved::Text(
            crate::public_origin::of(stack, target).map(|o| format!("{}://{}", o.scheme, o.host)).unwrap_or_default(),
        ),
        EnvValue::PublicHost(target) => {
            Resolved::Text(crate::public_origin::of(stack, target).map(|o| o.host.to_string()).unwrap_or_default())
        }
        EnvValue::DatabaseUrl(target) => match stack.external(target.name()).map(|e| &e.reach) {
            Some(Reach::Managed { url }) => Resolved::Secret(url.clone()),
            _ => Resolved::Connection(connection(stack, target)),
        },
        // Validation guarantees the field is declared.
        EnvValue::DatabaseField { service, field } => {
            Resolved::Text(datastore(stack, service).and_then(|d| field.of(d)).unwrap_or_default().to_string())
        }
    }
}

/// What the referenced service or external provides, if a database.
fn datastore<'a>(stack: &'a ValidStack, target: &ServiceRef) -> Option<&'a Datastore> {
    match stack.resolve(target) {
        Some(service) => service.datastore.as_ref(),
        None => stack.external(target.name()).and_then(|e| e.datastore.as_ref()),
    }
}

/// Host and port of a service (its name and `port` or first port) or of an external address.
fn address(stack: &ValidStack, target: &ServiceRef, port: Option<u16>) -> (String, u16) {
    if let Some(Reach::Address { host, port: external_port }) = stack.external(target.name()).map(|e| &e.reach) {
        return (host.clone(), port.unwrap_or(*external_port));
    }
    let first = stack.resolve(target).and_then(|s| s.ports.first()).map(|p| p.number);
    let engine = datastore(stack, target).map(|d| d.engine.default_port());
    // Validation guarantees a declared port; the engine default only covers the impossible rest.
    (target.name().to_string(), port.or(first).or(engine).unwrap_or(80))
}

fn url_of(stack: &ValidStack, url: &ServiceUrl) -> String {
    let engine = datastore(stack, &url.service).map(|d| d.engine.scheme());
    let scheme = url.scheme.as_deref().or(engine).unwrap_or("http");
    let (host, port) = address(stack, &url.service, url.port);
    format!("{scheme}://{host}:{port}{}", url.path)
}

/// The connection to the database `target` provides (a service or an external address).
pub fn connection(stack: &ValidStack, target: &ServiceRef) -> Connection {
    // Validation rejects `database_url()` on anything without a datastore; the fallback only
    // keeps this function total instead of panicking.
    let datastore = datastore(stack, target).cloned().unwrap_or_else(|| Datastore::postgres(0));
    let (host, port) = address(stack, target, None);
    Connection {
        scheme: datastore.engine.scheme(),
        user: datastore.user.clone(),
        password: datastore.password.clone(),
        host,
        port,
        database: datastore.database.clone(),
        service: target.name().to_string(),
        datastore,
    }
}

/// True when the value reaches the machine the containers run on (`host.docker.internal`).
pub fn reaches_docker_host(stack: &ValidStack, value: &EnvValue) -> bool {
    value
        .service()
        .and_then(|t| stack.external(t.name()))
        .is_some_and(|e| matches!(&e.reach, Reach::Address { host, .. } if host == stack_dsl::DOCKER_HOST))
}

/// The name of a service's image without tag: the registry reference's repository, the build's
/// tag, or `<stack>-<service>` for an untagged build.
pub fn image_name(stack: &ValidStack, service: &Service) -> String {
    match &service.image {
        Image::Registry(reference) => reference.clone(),
        Image::Build(build) => build.tag.clone().unwrap_or_else(|| format!("{}-{}", stack.name, service.name)),
    }
}
