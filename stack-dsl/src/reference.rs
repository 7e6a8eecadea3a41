//! References between services, and the environment values built from them.
//!
//! "The API needs the database URL" is written once, as `db.database_url()`; each emitter spells
//! it in its own target's way.

use crate::database_field::DatabaseField;
use crate::secret::SecretRef;

/// A reference to a service of the stack, returned by [`crate::Stack::add_service`] or, for a
/// service declared further down, by [`crate::Stack::reference`].
///
/// ```
/// use stack_dsl::{Image, Port, Service, Stack};
///
/// let mut stack = Stack::new("shop");
/// let api = stack.add_service(Service::new("api", Image::new("ghcr.io/shop/api:1.4")).port(Port::http(3001)));
/// let web = Service::new("web", Image::new("ghcr.io/shop/web:1.4"))
///     .env("API_HOST", api.host())
///     .env("API_URL", api.url().path("/v1"));
/// assert_eq!(web.env.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServiceRef(pub(crate) String);

impl ServiceRef {
    /// The service's name.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// The host name other services reach it by.
    pub fn host(&self) -> EnvValue {
        EnvValue::Host(self.clone())
    }

    /// Its first declared port.
    pub fn port(&self) -> EnvValue {
        EnvValue::Port { service: self.clone(), port: None }
    }

    /// Its URL, `scheme://host:port`; refine with [`ServiceUrl::path`] and friends.
    pub fn url(&self) -> ServiceUrl {
        ServiceUrl { service: self.clone(), scheme: None, port: None, path: String::new() }
    }

    /// The service's public origin, `https://<host>` (`http://` for a route without TLS): where
    /// browsers reach it, for CORS lists, front-end API URLs and redirects. The host is that of
    /// the service's first [`crate::Route`], which the service must have; each target spells
    /// it as the platform knows it, and a host reserved for examples (`api.example.com`) is
    /// never written where it would be routed or sent as an origin.
    pub fn public_url(&self) -> EnvValue {
        EnvValue::PublicUrl(self.clone())
    }

    /// The host of the service's public origin, without scheme (see [`ServiceRef::public_url`]).
    pub fn public_host(&self) -> EnvValue {
        EnvValue::PublicHost(self.clone())
    }

    /// The full connection URL of the database the service provides, credentials included
    /// (by reference to their secret). The service must declare a [`crate::Datastore`].
    pub fn database_url(&self) -> EnvValue {
        EnvValue::DatabaseUrl(self.clone())
    }

    /// The user of the database the service provides, as the platform knows it.
    pub fn database_user(&self) -> EnvValue {
        EnvValue::DatabaseField { service: self.clone(), field: DatabaseField::User }
    }

    /// The name of the database the service provides, as the platform knows it.
    pub fn database_name(&self) -> EnvValue {
        EnvValue::DatabaseField { service: self.clone(), field: DatabaseField::Name }
    }
}

/// The URL of another service, built up from [`ServiceRef::url`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ServiceUrl {
    /// The service reached.
    pub service: ServiceRef,
    /// The scheme; `http`, or the datastore engine's scheme, when unset.
    pub scheme: Option<String>,
    /// The port; the service's first port when unset.
    pub port: Option<u16>,
    /// What follows `host:port`, such as `/0` or `/api`.
    pub path: String,
}

impl ServiceUrl {
    /// Append a path: `redis.url().path("/0")`.
    #[must_use]
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Use another scheme, such as `ws`.
    #[must_use]
    pub fn scheme(mut self, scheme: impl Into<String>) -> Self {
        self.scheme = Some(scheme.into());
        self
    }

    /// Use this port of the service rather than its first.
    #[must_use]
    pub fn port(mut self, number: u16) -> Self {
        self.port = Some(number);
        self
    }
}

/// The value of one environment variable.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EnvValue {
    /// A plain, non-sensitive value.
    Literal(String),
    /// The value of a secret, supplied at deploy time.
    Secret(SecretRef),
    /// Another service's host name.
    Host(ServiceRef),
    /// Another service's port; its first port when `port` is `None`.
    Port {
        /// The service.
        service: ServiceRef,
        /// The port, if not the first.
        port: Option<u16>,
    },
    /// Another service's URL.
    Url(ServiceUrl),
    /// The connection URL of the database another service provides.
    DatabaseUrl(ServiceRef),
    /// Another service's public origin, `https://<host of its first route>`.
    PublicUrl(ServiceRef),
    /// The host of another service's public origin.
    PublicHost(ServiceRef),
    /// The user or the name of the database another service provides.
    DatabaseField {
        /// The service providing the database.
        service: ServiceRef,
        /// Which field.
        field: DatabaseField,
    },
}

impl EnvValue {
    /// The service this value refers to, if any.
    pub fn service(&self) -> Option<&ServiceRef> {
        match self {
            EnvValue::Literal(_) | EnvValue::Secret(_) => None,
            EnvValue::Host(s)
            | EnvValue::PublicUrl(s)
            | EnvValue::PublicHost(s)
            | EnvValue::DatabaseUrl(s)
            | EnvValue::Port { service: s, .. }
            | EnvValue::DatabaseField { service: s, .. } => Some(s),
            EnvValue::Url(url) => Some(&url.service),
        }
    }
}

impl EnvValue {
    /// The service the holder of this value connects to over the stack's network, if any. A
    /// public origin is not one: browsers use it, the holder only hands it out (a CORS list,
    /// a front end's API URL), so it neither orders, nor opens, nor makes a health check
    /// depend on anything.
    pub fn connects_to(&self) -> Option<&ServiceRef> {
        match self {
            EnvValue::PublicUrl(_) | EnvValue::PublicHost(_) => None,
            other => other.service(),
        }
    }
}

impl From<&str> for EnvValue {
    fn from(value: &str) -> Self {
        EnvValue::Literal(value.into())
    }
}

impl From<String> for EnvValue {
    fn from(value: String) -> Self {
        EnvValue::Literal(value)
    }
}

impl From<&SecretRef> for EnvValue {
    fn from(secret: &SecretRef) -> Self {
        EnvValue::Secret(secret.clone())
    }
}

impl From<SecretRef> for EnvValue {
    fn from(secret: SecretRef) -> Self {
        EnvValue::Secret(secret)
    }
}

impl From<ServiceUrl> for EnvValue {
    fn from(url: ServiceUrl) -> Self {
        EnvValue::Url(url)
    }
}
