//! Health checks: how a platform learns that a service is alive and ready for traffic.

use std::time::Duration;

use crate::units::secs;

/// What a health check does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Run a program inside the container; exit status 0 means healthy.
    Exec(Vec<String>),
    /// Run a shell command line inside the container (`sh -c`); use when the check needs
    /// variable expansion, such as `pg_isready -h 127.0.0.1 -U "$POSTGRES_USER"`.
    Shell(String),
    /// An HTTP GET to the container's own port; a 2xx or 3xx status means healthy.
    Http {
        /// The container port.
        port: u16,
        /// The request path, such as `/health`.
        path: String,
    },
    /// A TCP connection to the container's own port.
    Tcp {
        /// The container port.
        port: u16,
    },
}

/// A health check with its timings.
///
/// ```
/// use stack_dsl::{Probe, secs};
///
/// let ready = Probe::http(3001, "/health").every(secs(10)).timeout(secs(3)).retries(5).start_period(secs(30));
/// assert_eq!(ready.retries, 5);
/// let alive = Probe::exec(["pg_isready", "-U", "shop"]);
/// assert_ne!(ready, alive);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Probe {
    /// What the check does.
    pub check: Check,
    /// The time between two checks (10 s by default).
    #[serde(with = "crate::duration_text")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub interval: Duration,
    /// How long one check may take (5 s by default).
    #[serde(with = "crate::duration_text")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub timeout: Duration,
    /// Consecutive failures before the service counts as unhealthy (3 by default).
    pub retries: u32,
    /// Grace time after start during which failures do not count.
    #[serde(default, with = "crate::duration_text::optional")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub start_period: Option<Duration>,
    /// The command that performs an HTTP or TCP check on runtimes that can only run commands
    /// (Compose). When unset, HTTP checks use `curl -fsS <url>` and TCP checks `nc -z`; set it
    /// when the image lacks those tools.
    pub command: Option<Vec<String>>,
    /// The `Host` header an HTTP check sends, for servers that answer only the host names they
    /// serve (Django's `ALLOWED_HOSTS`); unset, the platform's default (the address it connects to).
    pub host: Option<String>,
    /// What a failing check means for the people who run the service, when it watches more than
    /// readiness (a certificate near its expiry): targets that leave monitoring to the operator
    /// say to watch it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<String>,
}

impl Probe {
    fn new(check: Check) -> Self {
        Probe {
            check,
            interval: secs(10),
            timeout: secs(5),
            retries: 3,
            start_period: None,
            command: None,
            host: None,
            alerts: None,
        }
    }

    /// Run a program: `Probe::exec(["pg_isready", "-h", "127.0.0.1", "-U", "neosale"])`.
    pub fn exec<I, S>(argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Probe::new(Check::Exec(argv.into_iter().map(Into::into).collect()))
    }

    /// Run a shell command line.
    pub fn shell(line: impl Into<String>) -> Self {
        Probe::new(Check::Shell(line.into()))
    }

    /// GET `path` on the container's `port`.
    pub fn http(port: u16, path: impl Into<String>) -> Self {
        Probe::new(Check::Http { port, path: path.into() })
    }

    /// Open a TCP connection to the container's `port`.
    pub fn tcp(port: u16) -> Self {
        Probe::new(Check::Tcp { port })
    }

    /// Check every `interval`.
    #[must_use]
    pub fn every(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Give up on one check after `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Count the service unhealthy after `n` consecutive failures.
    #[must_use]
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = n;
        self
    }

    /// Ignore failures for `period` after the container starts.
    #[must_use]
    pub fn start_period(mut self, period: Duration) -> Self {
        self.start_period = Some(period);
        self
    }

    /// Say what a failing check means, for monitoring: `Probe::exec(["check-expiry"])
    /// .alerts("unhealthy when the certificate expires within 14 days")`.
    #[must_use]
    pub fn alerts(mut self, meaning: impl Into<String>) -> Self {
        self.alerts = Some(meaning.into());
        self
    }

    /// Send `host` as the `Host` header of an HTTP check; a [`Probe::command`] must send it too.
    #[must_use]
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The program that performs an HTTP or TCP check where only commands can run (Compose),
    /// for images without `curl` or `nc`.
    #[must_use]
    pub fn command<I, S>(mut self, argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.command = Some(argv.into_iter().map(Into::into).collect());
        self
    }
}
