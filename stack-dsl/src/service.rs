//! A service: one container image run continuously, once (a migration) or on a schedule (cron).

use crate::ci_check::CiCheck;
use crate::datastore::Datastore;
use crate::framework::Framework;
use crate::image::Image;
use crate::image_facts::ImageFacts;
use crate::network::NetworkRef;
use crate::port::{Port, Route};
use crate::probe::Probe;
use crate::reference::{EnvValue, ServiceRef};
use crate::resources::Resources;
use crate::role::Role;
use crate::scaling::Autoscale;
use crate::volume::Mount;

/// How a service runs over time.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Run {
    /// A long-running process: a server, or a worker when it has no ports.
    #[default]
    Continuously,
    /// A one-shot job that runs to completion, such as database migrations.
    Once,
    /// A job started on a cron schedule (five fields, UTC), such as `0 2 * * *`.
    OnSchedule(String),
}

/// When to restart a container that stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Restart {
    /// Always, including after a clean exit.
    Always,
    /// Always, unless an operator stopped it.
    UnlessStopped,
    /// Only after a failure (non-zero exit).
    OnFailure,
    /// Never.
    Never,
}

/// How far a dependency must have come before a dependent service starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ready {
    /// The dependency's container has started.
    Started,
    /// The dependency's health check passes (it must have one).
    Healthy,
    /// The dependency, a one-shot job, has exited successfully.
    Completed,
}

/// One start-order rule: wait for `service` to reach `ready`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Dependency {
    /// The service waited for.
    pub service: ServiceRef,
    /// How far it must have come.
    pub ready: Ready,
}

/// The user a container runs as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum User {
    /// A user name known to the image, such as `appuser` or `node`.
    Named(String),
    /// A numeric user id, and optionally group id.
    Id {
        /// The user id.
        uid: u32,
        /// The group id.
        gid: Option<u32>,
    },
}

impl User {
    /// True unless the user is `root` or uid 0.
    pub fn is_non_root(&self) -> bool {
        match self {
            User::Named(name) => name != "root",
            User::Id { uid, .. } => *uid != 0,
        }
    }
}

impl From<&str> for User {
    fn from(name: &str) -> Self {
        User::Named(name.into())
    }
}

impl From<u32> for User {
    fn from(uid: u32) -> Self {
        User::Id { uid, gid: None }
    }
}

/// A service of the stack.
///
/// ```
/// use stack_dsl::{Image, Port, Probe, Service, secs};
///
/// let api = Service::new("api", Image::build("backend").tag("shop-api"))
///     .port(Port::http(3001))
///     .env("NODE_ENV", "production")
///     .healthcheck(Probe::http(3001, "/health").every(secs(10)))
///     .replicas(3);
/// assert_eq!(api.replicas, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Service {
    /// The service's name, a DNS-1123 label; other services reach it by this host name.
    pub name: String,
    /// Where its image comes from.
    pub image: Image,
    /// Whether it runs continuously, once, or on a schedule.
    #[serde(default)]
    pub run: Run,
    /// Replaces the image's `CMD`.
    pub command: Option<Vec<String>>,
    /// Replaces the image's `ENTRYPOINT`.
    pub entrypoint: Option<Vec<String>>,
    /// Ports it listens on.
    #[serde(default)]
    pub ports: Vec<Port>,
    /// Public routes to its ports.
    #[serde(default)]
    pub routes: Vec<Route>,
    /// Environment variables, in the order written.
    #[serde(default, with = "crate::ordered_pairs")]
    #[cfg_attr(feature = "schema", schemars(with = "indexmap::IndexMap<String, EnvValue>"))]
    pub env: Vec<(String, EnvValue)>,
    /// Storage mounted into it.
    #[serde(default)]
    pub mounts: Vec<Mount>,
    /// Networks it joins; none means the stack's default network.
    #[serde(default)]
    pub networks: Vec<NetworkRef>,
    /// Its health check: whether it is ready for traffic (and, without [`Service::liveness`],
    /// whether it is alive).
    pub healthcheck: Option<Probe>,
    /// A separate check of whether the process is alive, on targets that restart a container
    /// whose check fails (Kubernetes); when unset the health check serves for both.
    pub liveness: Option<Probe>,
    /// Services that must be ready before it starts.
    #[serde(default)]
    pub depends_on: Vec<Dependency>,
    /// Restart policy; see [`Service::effective_restart`] for the default.
    pub restart: Option<Restart>,
    /// How many copies run at once (the minimum when autoscaled).
    #[serde(default = "one_replica")]
    pub replicas: u32,
    /// Grow and shrink the number of replicas with load, on targets that can.
    pub autoscale: Option<Autoscale>,
    /// CPU and memory per replica.
    #[serde(default)]
    pub resources: Resources,
    /// The user its process runs as.
    pub user: Option<User>,
    /// Its root filesystem is mounted read-only.
    #[serde(default)]
    pub read_only_root: bool,
    /// Container labels, in the order written.
    #[serde(default, with = "crate::ordered_pairs")]
    #[cfg_attr(feature = "schema", schemars(with = "indexmap::IndexMap<String, String>"))]
    pub labels: Vec<(String, String)>,
    /// The database it provides, if it is one.
    pub datastore: Option<Datastore>,
    /// Whether it is application code or edge infrastructure a platform may provide itself.
    #[serde(default)]
    pub role: Role,
    /// Checks the pipeline runs on its source (lint, tests) before building its image.
    #[serde(default)]
    pub checks: Vec<CiCheck>,
    /// The web framework it runs, when platforms must know it to serve it.
    pub framework: Option<Framework>,
    /// How long it may take to stop after the stop signal; the platform's default when unset.
    #[serde(default, with = "crate::duration_text::optional")]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub stop_grace_period: Option<std::time::Duration>,
    /// What its image does at runtime, when the emitters cannot know it.
    pub image_facts: Option<ImageFacts>,
    /// For an edge proxy, the path prefix each upstream is served under (`/` when unlisted),
    /// for platforms that replace the proxy with their own path routing (a Kubernetes Ingress).
    #[serde(default, with = "crate::ordered_pairs")]
    #[cfg_attr(feature = "schema", schemars(with = "indexmap::IndexMap<String, ServiceRef>"))]
    pub edge_paths: Vec<(String, ServiceRef)>,
    /// Variables and build arguments that look secret by name but are not
    /// ([`Service::not_secret`]).
    #[serde(default)]
    pub not_secret: Vec<String>,
    /// The groups whose variables it has ([`Service::env_group`]); they are in `env` too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub env_groups: Vec<String>,
}

/// A service read from a stack file without `replicas` runs one copy, as [`Service::new`] does.
fn one_replica() -> u32 {
    1
}

impl Service {
    /// A long-running service.
    pub fn new(name: impl Into<String>, image: impl Into<Image>) -> Self {
        Service {
            name: name.into(),
            image: image.into(),
            run: Run::Continuously,
            command: None,
            entrypoint: None,
            ports: Vec::new(),
            routes: Vec::new(),
            env: Vec::new(),
            mounts: Vec::new(),
            networks: Vec::new(),
            healthcheck: None,
            liveness: None,
            depends_on: Vec::new(),
            restart: None,
            replicas: 1,
            autoscale: None,
            resources: Resources::new(),
            user: None,
            read_only_root: false,
            labels: Vec::new(),
            datastore: None,
            role: Role::Application,
            checks: Vec::new(),
            framework: None,
            stop_grace_period: None,
            image_facts: None,
            edge_paths: Vec::new(),
            not_secret: Vec::new(),
            env_groups: Vec::new(),
        }
    }

    /// A one-shot job that runs to completion, such as migrations. Other services wait for it
    /// with [`Ready::Completed`].
    pub fn job(name: impl Into<String>, image: impl Into<Image>) -> Self {
        Service { run: Run::Once, ..Service::new(name, image) }
    }

    /// A job started on a cron `schedule` (five fields, UTC).
    pub fn cron(name: impl Into<String>, image: impl Into<Image>, schedule: impl Into<String>) -> Self {
        Service { run: Run::OnSchedule(schedule.into()), ..Service::new(name, image) }
    }

    /// Replace the image's command.
    #[must_use]
    pub fn command<I, S>(mut self, argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.command = Some(argv.into_iter().map(Into::into).collect());
        self
    }

    /// Replace the image's entrypoint.
    #[must_use]
    pub fn entrypoint<I, S>(mut self, argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.entrypoint = Some(argv.into_iter().map(Into::into).collect());
        self
    }

    /// Listen on a port.
    #[must_use]
    pub fn port(mut self, port: Port) -> Self {
        self.ports.push(port);
        self
    }

    /// Expose a port publicly through a route.
    #[must_use]
    pub fn route(mut self, route: crate::port::Route) -> Self {
        self.routes.push(route);
        self
    }

    /// Set an environment variable to a literal, a secret or a reference to another service.
    #[must_use]
    pub fn env(mut self, name: impl Into<String>, value: impl Into<EnvValue>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// Mount storage.
    #[must_use]
    pub fn mount(mut self, mount: Mount) -> Self {
        self.mounts.push(mount);
        self
    }

    /// Join a network.
    #[must_use]
    pub fn network(mut self, network: &NetworkRef) -> Self {
        self.networks.push(network.clone());
        self
    }

    /// Check the service's health.
    #[must_use]
    pub fn healthcheck(mut self, probe: Probe) -> Self {
        self.healthcheck = Some(probe);
        self
    }

    /// Check that the process is alive with a different probe than its readiness
    /// [`Service::healthcheck`], such as a `/health/live` endpoint that does not query the database.
    #[must_use]
    pub fn liveness(mut self, probe: Probe) -> Self {
        self.liveness = Some(probe);
        self
    }

    /// Start only once `service` has reached `ready`.
    #[must_use]
    pub fn depends_on(mut self, service: &ServiceRef, ready: Ready) -> Self {
        self.depends_on.push(Dependency { service: service.clone(), ready });
        self
    }

    /// Set the restart policy.
    #[must_use]
    pub fn restart(mut self, policy: Restart) -> Self {
        self.restart = Some(policy);
        self
    }

    /// Run `n` copies.
    #[must_use]
    pub fn replicas(mut self, n: u32) -> Self {
        self.replicas = n;
        self
    }

    /// Scale with load between `autoscale.min` and `autoscale.max` replicas; sets
    /// [`Service::replicas`] to the minimum.
    #[must_use]
    pub fn autoscale(mut self, autoscale: Autoscale) -> Self {
        self.replicas = autoscale.min;
        self.autoscale = Some(autoscale);
        self
    }

    /// Limit and reserve CPU and memory.
    #[must_use]
    pub fn resources(mut self, resources: Resources) -> Self {
        self.resources = resources;
        self
    }

    /// Give the process `d` to stop after the stop signal before it is killed. Workers that
    /// finish their current job on SIGTERM (Celery's warm shutdown) need more than the
    /// platforms' defaults (10 s in Docker, 30 s in Kubernetes) or they lose the job.
    #[must_use]
    pub fn stop_grace_period(mut self, d: std::time::Duration) -> Self {
        self.stop_grace_period = Some(d);
        self
    }

    /// Run as this user (a name the image knows, or a numeric id).
    #[must_use]
    pub fn user(mut self, user: impl Into<User>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Mount the root filesystem read-only; add [`Mount::tmpfs`] for the paths it writes.
    #[must_use]
    pub fn read_only_root(mut self) -> Self {
        self.read_only_root = true;
        self
    }

    /// Add a container label.
    #[must_use]
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((key.into(), value.into()));
        self
    }

    /// Declare the database this service provides, so others can use
    /// [`ServiceRef::database_url`]. Without a health check of its own, the service gets the
    /// engine's ([`Datastore::probe`]), which passes once clients can connect.
    #[must_use]
    pub fn datastore(mut self, datastore: Datastore) -> Self {
        if self.healthcheck.is_none() {
            self.healthcheck = Some(datastore.probe(datastore.engine.default_port()));
        }
        self.datastore = Some(datastore);
        self
    }

    /// Mark the service as a reverse proxy that only forwards public traffic to `upstreams`;
    /// platforms with their own edge (Render, Railway) serve the upstreams instead of running it.
    #[must_use]
    pub fn edge_proxy_for<'a>(mut self, upstreams: impl IntoIterator<Item = &'a ServiceRef>) -> Self {
        self.role = Role::EdgeProxy { upstreams: upstreams.into_iter().cloned().collect() };
        self
    }

    /// Say that this edge proxy forwards requests under `prefix` to `upstream` (its configuration
    /// file does the same), so a platform that replaces the proxy routes the same paths.
    #[must_use]
    pub fn edge_path(mut self, prefix: impl Into<String>, upstream: &ServiceRef) -> Self {
        self.edge_paths.push((prefix.into(), upstream.clone()));
        self
    }

    /// Mark the service as one that only renews TLS certificates; platforms that issue
    /// certificates themselves skip it.
    #[must_use]
    pub fn certificate_renewal(mut self) -> Self {
        self.role = Role::CertificateRenewal;
        self
    }

    /// Run `check` on the service's source in the pipeline, before its image is built.
    #[must_use]
    pub fn check(mut self, check: CiCheck) -> Self {
        self.checks.push(check);
        self
    }

    /// Declare the web framework the service runs, so that platforms meet its needs (the Host
    /// header its health checks send, the steps it needs before serving).
    #[must_use]
    pub fn framework(mut self, framework: Framework) -> Self {
        self.framework = Some(framework);
        self
    }

    /// State what the image does at runtime (its user, the paths it writes), for an
    /// image the emitters have no facts about.
    #[must_use]
    pub fn image_facts(mut self, facts: ImageFacts) -> Self {
        self.image_facts = Some(facts);
        self
    }

    /// The restart policy in force: the one set, or `unless-stopped` for long-running services
    /// and `never` for jobs (a failed migration must stop the rollout, not loop).
    pub fn effective_restart(&self) -> Restart {
        self.restart.unwrap_or(match self.run {
            Run::Continuously => Restart::UnlessStopped,
            Run::Once | Run::OnSchedule(_) => Restart::Never,
        })
    }

    /// The port a route reaches: the one it names, or the first HTTP port.
    pub fn route_port(&self, route: &Route) -> Option<u16> {
        route.port.or_else(|| self.ports.iter().find(|p| p.protocol == crate::port::Protocol::Http).map(|p| p.number))
    }
}
