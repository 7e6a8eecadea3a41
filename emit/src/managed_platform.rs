//! What a stack becomes on a hosting platform with managed databases and its own edge (Render,
//! Railway): which services run and in what role, which databases the platform provides, and
//! what each environment value refers to. Both emitters share this meaning and only spell it.
//!
//! Render: <https://render.com/docs/blueprint-spec>. Railway:
//! <https://docs.railway.com/reference/variables#reference-variables>.
//!
//! The rules:
//! - A service with a [`Datastore`], an [`External::managed`] database, and a database on the
//!   Docker host (which does not exist on a platform) become the platform's own database.
//! - Edge proxies and certificate renewal ([`stack_dsl::Role`]) are left out; the platform's edge
//!   serves their upstreams publicly.
//! - A one-shot job that a service of the same image waits for ([`Ready::Completed`]) runs as
//!   that service's pre-deploy command.
//! - A service is public when it has routes, sits behind a left-out edge proxy, or publishes an
//!   HTTP port; private when it listens on a port; a worker otherwise; cron when scheduled.
//! - A service keeps one volume (the platforms attach one per service): the largest.
//! - Services cannot share storage: a shared volume is an error, a shared host directory is
//!   reported to each service, with object storage as the alternative.
//! - A command, entrypoint or literal value that reaches a replaced database by its container's
//!   host name (`pg_dump -h postgres`) is an error: that host does not exist on the platform.

use indexmap::IndexMap;
use stack_dsl::{
    DatabaseField, Datastore, EnvValue, External, Image, Mount, MountSource, Protocol, Reach, Ready, Route, Run,
    Secret, Service, ServiceRef, ServiceUrl, ValidProject, ValidStack, Volume,
};

use crate::bundle::Warning;
use crate::endpoint::{Resolved, resolve};
use crate::error::Error;
use crate::facts::platforms::Platform;
use crate::pushed_image::{PushedImage, pushed_image, unnamed_registry};

mod limits;

/// How a service runs on the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// Reachable from the internet (Render `web`, Railway with a domain).
    Public,
    /// Reachable only from the environment's private network.
    Private,
    /// A background process without ports.
    Worker,
    /// Started on a cron schedule.
    Cron(String),
    /// A one-shot job run as the pre-deploy command of `host`.
    PreDeploy {
        /// The service whose deploy runs it.
        host: String,
    },
    /// Replaced by the platform's database of the same name.
    Database,
    /// Not deployed; the platform provides what it does.
    Omitted,
}

/// A database the platform provides in place of a container or an external dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidedDatabase {
    /// The name references use (the service's or the external's).
    pub name: String,
    /// Engine, user, database name.
    pub datastore: Datastore,
    /// The capacity of the volume the container used, if known.
    pub volume: Option<Volume>,
}

/// What a database reference asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The full connection URL.
    Url,
    /// The host name.
    Host,
    /// The port.
    Port,
    /// The password.
    Password,
    /// The user or the database name, which the platform may choose itself.
    Field(DatabaseField),
}

/// One environment value, in platform terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// Plain text.
    Text(String),
    /// A secret the user supplies (or the platform generates, when the secret allows it).
    Secret(&'a Secret),
    /// A property of a provided database.
    Database {
        /// The database's name.
        name: String,
        /// What is asked for.
        output: Output,
    },
    /// The host or port of another deployed service.
    Service {
        /// The service's name.
        name: String,
        /// [`Output::Host`] or [`Output::Port`].
        output: Output,
    },
    /// A URL to another deployed service, which neither platform can build from a reference:
    /// the emitter spells it with the service's private host name.
    ServiceUrl {
        /// The service's name.
        name: String,
        /// The scheme, such as `http`.
        scheme: String,
        /// The port.
        port: u16,
        /// What follows `host:port`.
        path: String,
    },
}

/// A stack laid out for a platform.
pub struct Plan<'a> {
    /// The project the stack belongs to.
    pub project: &'a ValidProject,
    /// The stack.
    pub stack: &'a ValidStack,
    /// Every service, in stack order, with its placement.
    pub placements: IndexMap<String, Placement>,
    /// The databases the platform provides, in stack order.
    pub databases: Vec<ProvidedDatabase>,
    /// The pre-deploy jobs each service runs, by host service.
    pub pre_deploy: IndexMap<String, Vec<&'a Service>>,
    /// What the plan left out or changed, to be reported by the emitter.
    pub warnings: Vec<Warning>,
    /// What the platform does at runtime.
    pub facts: &'static Platform,
    platform: &'static str,
}

impl<'a> Plan<'a> {
    /// Lay out `stack`, one environment of `project`, for the platform described by `facts`.
    pub fn new(project: &'a ValidProject, stack: &'a ValidStack, facts: &'static Platform) -> Result<Self, Error> {
        let mut plan = Plan {
            project,
            stack,
            placements: IndexMap::new(),
            databases: Vec::new(),
            pre_deploy: IndexMap::new(),
            warnings: Vec::new(),
            facts,
            platform: facts.name,
        };
        plan.provide_external_databases()?;
        for service in stack.services() {
            let placement = plan.place(service)?;
            plan.placements.insert(service.name.clone(), placement);
        }
        plan.check_limits()?;
        Ok(plan)
    }

    /// The custom domains of a deployed service, one route per host (the first); a route
    /// limited to a path is reported, since the platform gives the service the whole host.
    pub fn domains(&mut self, service: &'a Service) -> Vec<&'a Route> {
        let mut domains: Vec<&Route> = Vec::new();
        for route in &service.routes {
            if route.path != "/" && self.facts.routes_whole_hosts {
                let message = format!(
                    "{} routes whole hosts; {}{} serves every path of {}",
                    self.platform, route.host, route.path, route.host
                );
                self.warn(&service.name, message);
            }
            if !domains.iter().any(|d| d.host == route.host) {
                domains.push(route);
            }
        }
        domains
    }

    /// The deployed services (not omitted, not databases, not pre-deploy jobs), in stack order.
    pub fn deployed(&self) -> impl Iterator<Item = (&'a Service, &Placement)> {
        self.stack.services().filter_map(|s| {
            let placement = &self.placements[&s.name];
            let runs = !matches!(placement, Placement::Omitted | Placement::Database | Placement::PreDeploy { .. });
            runs.then_some((s, placement))
        })
    }

    /// The provided database named `name`, if any.
    pub fn database(&self, name: &str) -> Option<&ProvidedDatabase> {
        self.databases.iter().find(|d| d.name == name)
    }

    /// Report something on behalf of the emitter.
    pub fn warn(&mut self, service: &str, message: String) {
        self.warnings.push(Warning {
            kind: crate::WarningKind::Adapted,
            target: self.facts.target,
            env: self.stack.env().to_string(),
            service: service.to_string(),
            message,
        });
    }

    fn unsupported(&self, service: &str, reason: String, fix: String) -> Error {
        Error::Unsupported { target: self.facts.target, service: service.to_string(), reason, fix }
    }

    fn provide_external_databases(&mut self) -> Result<(), Error> {
        for external in &self.stack.externals {
            let Some(datastore) = &external.datastore else {
                if is_on_docker_host(external) {
                    return Err(self.unsupported(
                        &external.name,
                        format!("{} is on the Docker host, which does not exist on {}", external.name, self.platform),
                        "Reach it at a public address with External::at(name, host, port)".into(),
                    ));
                }
                continue;
            };
            match &external.reach {
                Reach::Managed { .. } => {}
                Reach::Address { .. } if is_on_docker_host(external) => self.warn(
                    &external.name,
                    format!(
                        "the database on the Docker host does not exist on {}; the platform's own {} takes its place: move the data into it",
                        self.platform,
                        engine_name(datastore)
                    ),
                ),
                Reach::Address { .. } => continue,
            }
            self.databases.push(ProvidedDatabase {
                name: external.name.clone(),
                datastore: datastore.clone(),
                volume: None,
            });
        }
        Ok(())
    }

    fn place(&mut self, service: &'a Service) -> Result<Placement, Error> {
        if service.role.is_platform_edge() {
            let why = service.role.provided_because();
            self.warn(&service.name, format!("not deployed on {}: {why}", self.platform));
            return Ok(Placement::Omitted);
        }
        if let (Some(datastore), Run::Continuously) = (&service.datastore, &service.run) {
            let volume = self.largest_volume(service).map(|(volume, _)| volume.clone());
            self.databases.push(ProvidedDatabase { name: service.name.clone(), datastore: datastore.clone(), volume });
            self.warn(
                &service.name,
                format!(
                    "runs as {}'s managed {}; the container's image, command, mounts and health check are not used",
                    self.platform,
                    engine_name(datastore)
                ),
            );
            return Ok(Placement::Database);
        }
        Ok(match &service.run {
            Run::OnSchedule(schedule) => Placement::Cron(schedule.clone()),
            Run::Once => {
                let host = self.pre_deploy_host(service)?;
                self.report_pre_deploy_writes(service, &host);
                self.pre_deploy.entry(host.clone()).or_default().push(service);
                Placement::PreDeploy { host }
            }
            Run::Continuously if self.is_public(service) => Placement::Public,
            Run::Continuously if service.ports.is_empty() => Placement::Worker,
            Run::Continuously => Placement::Private,
        })
    }

    /// Report each volume a job run as a pre-deploy command writes to, when the platform runs
    /// that command without the service's volumes: what it writes there is lost.
    fn report_pre_deploy_writes(&mut self, job: &Service, host: &str) {
        if self.facts.pre_deploy_mounts_volumes {
            return;
        }
        for mount in job.mounts.iter().filter(|m| matches!(m.source, MountSource::Volume(_)) && !m.read_only) {
            let message = format!(
                "{} runs it as {host}'s pre-deploy command, in a container of its own without volumes: what it writes to {} is lost; run it in {host}'s start command instead",
                self.platform, mount.target
            );
            self.warn(&job.name, message);
        }
    }

    /// The first service of the same image that waits for the job to complete.
    fn pre_deploy_host(&self, job: &Service) -> Result<String, Error> {
        self.stack
            .services()
            .find(|s| {
                s.image == job.image
                    && !s.role.is_platform_edge()
                    && s.depends_on.iter().any(|d| d.service.name() == job.name && d.ready == Ready::Completed)
            })
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                self.unsupported(
                    &job.name,
                    format!("{} has no one-shot jobs; it runs a job only as the pre-deploy command of a service built from the same image", self.platform),
                    format!("Make a service with the image of {} wait for it with depends_on(.., Ready::Completed), or run it as a cron job", job.name),
                )
            })
    }

    fn is_public(&self, service: &Service) -> bool {
        let behind_proxy = self.stack.services().any(|proxy| match &proxy.role {
            stack_dsl::Role::EdgeProxy { upstreams } => upstreams.iter().any(|u| u.name() == service.name),
            _ => false,
        });
        let publishes_http = service.ports.iter().any(|p| p.protocol == Protocol::Http && p.published.is_some());
        !service.routes.is_empty() || behind_proxy || publishes_http
    }

    /// The service's largest named volume (the first of equal ones), with its mount.
    pub fn largest_volume(&self, service: &'a Service) -> Option<(&'a Volume, &'a Mount)> {
        let mut best: Option<(&Volume, &Mount)> = None;
        for mount in &service.mounts {
            let MountSource::Volume(reference) = &mount.source else { continue };
            let Some(volume) = self.stack.volumes.iter().find(|v| v.name == reference.name()) else { continue };
            if best.is_none_or(|(b, _)| volume.size.map(|s| s.bytes()) > b.size.map(|s| s.bytes())) {
                best = Some((volume, mount));
            }
        }
        best
    }

    /// The volume a deployed service keeps, after reporting every mount the platform drops:
    /// host directories, repository files, scratch space and further volumes.
    pub fn storage(&mut self, service: &'a Service) -> Option<(&'a Volume, &'a Mount)> {
        let kept = self.largest_volume(service);
        let mut dropped = Vec::new();
        for mount in &service.mounts {
            let what = match &mount.source {
                MountSource::Volume(v) if kept.is_some_and(|(k, _)| k.name == v.name()) => continue,
                MountSource::Volume(v) => format!("volume {} at {} (one volume per service)", v.name(), mount.target),
                MountSource::Bind(path) => format!("host directory {path} at {} (no host to mount from)", mount.target),
                MountSource::Config(path) => format!("file {path} at {} (bake it into the image)", mount.target),
                MountSource::Tmpfs { .. } => format!("tmpfs at {} (the container's disk is writable)", mount.target),
            };
            dropped.push(what);
        }
        if !dropped.is_empty() {
            let message = format!("{} mounts no {}", self.platform, dropped.join(", "));
            self.warn(&service.name, message);
        }
        kept
    }

    /// Fail when a service that keeps a volume runs more than one instance: neither platform
    /// attaches a volume to several instances.
    pub fn check_volume_scaling(&self, service: &Service, volume: Option<(&Volume, &Mount)>) -> Result<(), Error> {
        let Some((volume, _)) = volume else { return Ok(()) };
        if service.replicas > 1 || service.autoscale.is_some() {
            return Err(self.unsupported(
                &service.name,
                format!(
                    "{} cannot run several instances of a service with a volume ({} is mounted, {} instances asked for)",
                    self.platform,
                    volume.name,
                    service.autoscale.map_or(service.replicas, |a| a.max)
                ),
                "Either run one instance, or move the data to a database or object storage and drop the volume".into(),
            ));
        }
        Ok(())
    }

    /// What `value` refers to on the platform.
    pub fn value(&self, service: &Service, value: &'a EnvValue) -> Result<Value<'a>, Error> {
        let secret = |name: &str| self.stack.secrets.iter().find(|s| s.name == name);
        Ok(match value {
            EnvValue::Literal(text) => Value::Text(text.clone()),
            EnvValue::Secret(reference) => match self.password_of(reference.name()) {
                Some(database) => Value::Database { name: database, output: Output::Password },
                None => match secret(reference.name()) {
                    Some(secret) => Value::Secret(secret),
                    None => Value::Text(String::new()),
                },
            },
            EnvValue::DatabaseUrl(target) => self.reference(service, target, Output::Url)?,
            EnvValue::Host(target) => self.reference(service, target, Output::Host)?,
            EnvValue::Port { service: target, port } => {
                let declared = self.stack.resolve(target).and_then(|s| s.ports.first()).map(|p| p.number);
                if port.is_some() && *port != declared && self.database(target.name()).is_none() {
                    return self.literal(value);
                }
                self.reference(service, target, Output::Port)?
            }
            EnvValue::Url(url) => self.url(service, url)?,
            EnvValue::DatabaseField { service: target, field } => {
                self.reference(service, target, Output::Field(*field))?
            }
        })
    }

    /// The provided database whose password is the secret `name`.
    fn password_of(&self, name: &str) -> Option<String> {
        self.databases
            .iter()
            .find(|d| d.datastore.password.as_ref().is_some_and(|p| p.name() == name))
            .map(|d| d.name.clone())
    }

    fn reference(&self, service: &Service, target: &ServiceRef, output: Output) -> Result<Value<'a>, Error> {
        if self.database(target.name()).is_some() {
            return Ok(Value::Database { name: target.name().into(), output });
        }
        if let Some(external) = self.stack.external(target.name()) {
            return match (&external.reach, output) {
                (Reach::Managed { url }, Output::Url) => Ok(self
                    .stack
                    .secrets
                    .iter()
                    .find(|s| s.name == url.name())
                    .map_or(Value::Text(String::new()), Value::Secret)),
                (Reach::Address { .. }, Output::Host | Output::Port | Output::Field(_)) => {
                    self.literal(&match output {
                        Output::Host => EnvValue::Host(target.clone()),
                        Output::Field(field) => EnvValue::DatabaseField { service: target.clone(), field },
                        _ => EnvValue::Port { service: target.clone(), port: None },
                    })
                }
                _ => Err(self.unsupported(
                    &service.name,
                    format!(
                        "{} cannot build a connection URL for {}, which is outside the stack",
                        self.platform,
                        target.name()
                    ),
                    format!(
                        "Declare {} with External::managed(name, &url_secret), so the URL is handed over whole",
                        target.name()
                    ),
                )),
            };
        }
        Ok(Value::Service { name: target.name().into(), output })
    }

    fn url(&self, service: &Service, url: &ServiceUrl) -> Result<Value<'a>, Error> {
        let name = url.service.name();
        if let Some(database) = self.database(name) {
            let same_database = url.path.is_empty()
                || database.datastore.database.as_deref().is_some_and(|d| url.path == format!("/{d}"))
                || (url.path == "/0" && matches!(database.datastore.engine, stack_dsl::Engine::Redis { .. }));
            if !same_database || url.scheme.is_some() {
                return Err(self.unsupported(
                    &service.name,
                    format!(
                        "{}'s {} gives one connection URL; {name}{} cannot be derived from it",
                        self.platform,
                        engine_name(&database.datastore),
                        url.path
                    ),
                    format!("Use {name}.database_url(), and select the database in the application"),
                ));
            }
            return Ok(Value::Database { name: name.into(), output: Output::Url });
        }
        if self.stack.external(name).is_some() {
            return self.literal(&EnvValue::Url(url.clone()));
        }
        let target = self.stack.resolve(&url.service);
        let port = url.port.or_else(|| target.and_then(|s| s.ports.first()).map(|p| p.number)).unwrap_or(80);
        Ok(Value::ServiceUrl {
            name: name.into(),
            scheme: url.scheme.clone().unwrap_or_else(|| "http".into()),
            port,
            path: url.path.clone(),
        })
    }

    fn literal(&self, value: &EnvValue) -> Result<Value<'a>, Error> {
        Ok(match resolve(self.stack, value) {
            Resolved::Text(text) => Value::Text(text),
            _ => Value::Text(String::new()),
        })
    }

    /// The port variable the platform needs set so that its edge and health checks reach the
    /// port the service listens on: the HTTP health check's port, else the port of the first
    /// route, else the first HTTP port. `None` when nothing is routed or checked, or when the
    /// service sets the variable itself (reported when it names another port).
    pub fn port_variable(&mut self, service: &Service, placement: &Placement) -> Option<(String, String)> {
        if !self.facts.health_checks_port_variable {
            return None;
        }
        let checked = match service.healthcheck.as_ref().map(|p| &p.check) {
            Some(stack_dsl::Check::Http { port, .. }) => Some(*port),
            _ => None,
        };
        let routed = match placement {
            Placement::Public => service
                .routes
                .first()
                .and_then(|r| service.route_port(r))
                .or_else(|| service.ports.iter().find(|p| p.protocol == Protocol::Http).map(|p| p.number)),
            _ => None,
        };
        let port = checked.or(routed)?;
        let name = self.facts.port_variable;
        match service.env.iter().find(|(key, _)| key == name) {
            Some((_, EnvValue::Literal(value))) if *value == port.to_string() => None,
            Some((_, value)) => {
                let message = format!(
                    "{} sends health checks to the port in {name}, which the service sets to {value:?} while it is checked on port {port}",
                    self.platform
                );
                self.warn(&service.name, message);
                None
            }
            None => Some((name.to_string(), port.to_string())),
        }
    }

    /// The image the project's pipeline pushed for `service`, which the platform runs instead
    /// of building the repository itself.
    pub fn pushed_image(&self, service: &Service) -> Option<PushedImage> {
        pushed_image(self.project, self.stack, service)
    }

    /// The build arguments of a service the platform builds from the repository, to be set as
    /// service variables: the platform hands a service's variables to its Docker build as
    /// build arguments. A variable of the same name with another value wins, and is reported.
    pub fn build_variables(&mut self, service: &'a Service) -> Vec<(&'a str, &'a str)> {
        let Image::Build(build) = &service.image else { return Vec::new() };
        if self.pushed_image(service).is_some() {
            // The pipeline built the image with its arguments.
            return Vec::new();
        }
        if service.static_site().is_none()
            && let Some(message) = unnamed_registry(self.project, self.platform)
        {
            self.warn(&service.name, message);
        }
        if !self.facts.variables_are_build_args {
            if !build.args.is_empty() {
                let message = format!("{} passes no build arguments to a Docker build", self.platform);
                self.warn(&service.name, message);
            }
            return Vec::new();
        }
        let mut variables = Vec::new();
        for (key, value) in &build.args {
            match service.env.iter().find(|(name, _)| name == key) {
                Some((_, EnvValue::Literal(same))) if same == value => {}
                Some(_) => self.warn(
                    &service.name,
                    format!(
                        "{} passes variables to the Docker build as build arguments; build argument {key} differs from the variable of the same name, which wins",
                        self.platform
                    ),
                ),
                None => variables.push((key.as_str(), value.as_str())),
            }
        }
        variables
    }

    /// The host allowlist variable of a service whose framework answers only the hosts it lists
    /// ([`crate::facts::frameworks::host_allowlist`]), with the hosts the platform itself sends
    /// added: its health-check host when it has one (Railway's `healthcheck.railway.app`), and
    /// for a public service its own domain (Render's `.onrender.com`). Otherwise checks and
    /// requests are rejected and no deploy goes live. `None` when nothing needs adding; a list
    /// held in a secret is reported, since only its value can admit them.
    pub fn allowlist_with_platform_hosts(
        &mut self,
        service: &Service,
        placement: &Placement,
        checked: bool,
    ) -> Option<(String, String)> {
        use crate::facts::frameworks::{host_allowlist, list_admits};
        let allowlist = host_allowlist(service.framework?)?;
        let public = (*placement == Placement::Public).then_some(self.facts.own_public_domain).flatten();
        let check = checked.then_some(self.facts.health_check_host).flatten();
        let hosts: Vec<&str> = [check, public].into_iter().flatten().collect();
        let (key, value) = service.env.iter().find(|(key, _)| key == allowlist.variable)?;
        let EnvValue::Literal(list) = value else {
            if !hosts.is_empty() {
                let message = format!(
                    "{} reaches the service as {}: {key} must admit it, or the framework answers {}",
                    self.platform,
                    hosts.join(" and "),
                    allowlist.rejection
                );
                self.warn(&service.name, message);
            }
            return None;
        };
        let missing: Vec<&str> =
            hosts.into_iter().filter(|host| !list_admits(list, host.trim_start_matches('.'))).collect();
        if missing.is_empty() {
            return None;
        }
        let entries: Vec<&str> = list.split(',').map(str::trim).filter(|e| !e.is_empty()).chain(missing).collect();
        Some((key.clone(), entries.join(",")))
    }

    /// Report the settings of a deployed service that the platform cannot apply, in one line.
    pub fn report_unportable(&mut self, service: &Service, platform_specific: Vec<String>) {
        let mut unportable = Vec::new();
        if let Some(user) = &service.user {
            let who = match user {
                stack_dsl::User::Named(name) => name.clone(),
                stack_dsl::User::Id { uid, .. } => uid.to_string(),
            };
            unportable.push(format!("the user {who} (set USER in the Dockerfile)"));
        }
        if service.read_only_root {
            unportable.push("a read-only root filesystem".into());
        }
        if service.entrypoint.is_some() {
            unportable.push("the entrypoint (set ENTRYPOINT in the Dockerfile)".into());
        }
        unportable.extend(platform_specific);
        if !unportable.is_empty() {
            let message = format!("{} cannot set {}", self.platform, unportable.join(", "));
            self.warn(&service.name, message);
        }
    }
}

fn is_on_docker_host(external: &External) -> bool {
    matches!(&external.reach, Reach::Address { host, .. } if host == stack_dsl::DOCKER_HOST)
}

/// `PostgreSQL 16`, `Redis 7`.
pub fn engine_name(datastore: &Datastore) -> String {
    match datastore.engine {
        stack_dsl::Engine::Postgres { major } => format!("PostgreSQL {major}"),
        stack_dsl::Engine::Redis { major } => format!("Redis {major}"),
    }
}

/// A command line as one string, each argument quoted for a POSIX shell when it needs it.
pub fn command_line(argv: &[String]) -> String {
    argv.iter()
        .map(|arg| {
            let plain = !arg.is_empty() && arg.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
            if plain { arg.clone() } else { format!("'{}'", arg.replace('\'', r"'\''")) }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
