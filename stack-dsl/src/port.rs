//! Ports a service listens on, and public routes that reach them from the internet.

/// The protocol spoken on a port; HTTP ports can carry routes and HTTP health checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// HTTP (or HTTPS terminated elsewhere).
    Http,
    /// Any other TCP protocol (PostgreSQL, Redis, ...).
    Tcp,
}

/// A port a service listens on inside its container.
///
/// By default it is reachable only by the other services of the stack. [`Port::published`] also
/// binds it on the host, which is how single-host deployments expose a reverse proxy.
///
/// ```
/// use stack_dsl::{Port, Protocol};
///
/// let web = Port::http(80).published(8080);
/// assert_eq!((web.number, web.protocol, web.published), (80, Protocol::Http, Some(8080)));
/// assert_eq!(Port::tcp(5432).protocol, Protocol::Tcp);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Port {
    /// The port the process listens on.
    pub number: u16,
    /// What the port speaks.
    pub protocol: Protocol,
    /// The host port it is bound to, if any.
    pub published: Option<u16>,
}

impl Port {
    /// An HTTP port, internal to the stack.
    pub fn http(number: u16) -> Self {
        Port { number, protocol: Protocol::Http, published: None }
    }

    /// A plain TCP port, internal to the stack.
    pub fn tcp(number: u16) -> Self {
        Port { number, protocol: Protocol::Tcp, published: None }
    }

    /// Also bind the port on the host, on `host_port`.
    #[must_use]
    pub fn published(mut self, host_port: u16) -> Self {
        self.published = Some(host_port);
        self
    }
}

/// A public route: requests for `host` + `path` from the internet reach one of the service's ports.
///
/// ```
/// use stack_dsl::{Image, Port, Route, Service};
///
/// let api = Service::new("api", Image::new("ghcr.io/shop/api:1.4"))
///     .port(Port::http(3001))
///     .route(Route::new("shop.example.com").path("/api").tls());
/// assert_eq!(api.route_port(&api.routes[0]), Some(3001));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Route {
    /// The public host name, such as `api.example.com`.
    pub host: String,
    /// The path prefix, `/` by default.
    pub path: String,
    /// Serve over HTTPS with an automatically issued certificate, redirecting plain HTTP.
    #[serde(default)]
    pub tls: bool,
    /// The service port the route reaches; the service's first HTTP port when unset.
    pub port: Option<u16>,
}

impl Route {
    /// A route for every path of `host`, over plain HTTP until [`Route::tls`] is called.
    pub fn new(host: impl Into<String>) -> Self {
        Route { host: host.into(), path: "/".into(), tls: false, port: None }
    }

    /// Only requests under this path prefix.
    #[must_use]
    pub fn path(mut self, prefix: impl Into<String>) -> Self {
        self.path = prefix.into();
        self
    }

    /// Serve over HTTPS and redirect HTTP to it.
    #[must_use]
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// Reach this port of the service rather than its first HTTP port.
    #[must_use]
    pub fn port(mut self, number: u16) -> Self {
        self.port = Some(number);
        self
    }
}
