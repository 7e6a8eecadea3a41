//! Validation: a [`Stack`] becomes a [`ValidStack`] only when it breaks none of the model's rules.
//! Every problem is collected in one pass, each with its location and a fix-it sentence, so a
//! user fixes them all in one go. Emitters accept only a `ValidStack` and so never meet a dangling
//! reference or a start-order cycle.

use std::collections::{HashMap, HashSet};
use std::ops::Deref;
use std::time::Duration;

use crate::database_field::DatabaseField;
use crate::datastore::{Datastore, Engine};
use crate::env::Env;
use crate::external::{External, Reach};
use crate::image::{Build, Image};
use crate::name::{dns_label_problem, is_env_name, suggest_dns_label};
use crate::port::Protocol;
use crate::probe::{Check, Probe};
use crate::problem::{Error, Problem, Problems};
use crate::reference::{EnvValue, ServiceRef};
use crate::service::{Ready, Run, Service};
use crate::stack::Stack;
use crate::volume::{MountSource, VolumeKind};

/// A stack that passed validation, for one environment.
#[derive(Debug, Clone)]
pub struct ValidStack {
    stack: Stack,
    env: Env,
    /// Lookups by name ([`crate::name_index`]).
    pub(crate) index: crate::name_index::NameIndex,
}

impl ValidStack {
    /// The environment this stack was built for.
    pub fn env(&self) -> Env {
        self.env
    }

    /// The services, in the order added.
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.stack.services.iter()
    }

    /// The service a reference points to. Validation guarantees every reference inside the
    /// stack resolves; `None` only for a reference taken from another stack.
    pub fn resolve(&self, reference: &ServiceRef) -> Option<&Service> {
        self.service(reference.name())
    }
}

impl Deref for ValidStack {
    type Target = Stack;

    fn deref(&self) -> &Stack {
        &self.stack
    }
}

impl Stack {
    /// Check every rule of the model for environment `env`; all problems are reported at once.
    pub fn validate(self, env: Env) -> Result<ValidStack, Error> {
        let mut problems = Checker::new(&self, env).run();
        problems.extend(crate::target_rules::stack_problems(
            &[crate::problem::stack_location(&self.name, env)],
            &self,
            env,
        ));
        if problems.is_empty() {
            Ok(ValidStack { index: crate::name_index::NameIndex::of(&self), stack: self, env })
        } else {
            Err(Error::Invalid(Problems(problems)))
        }
    }
}

struct Checker<'a> {
    stack: &'a Stack,
    root: String,
    problems: Vec<Problem>,
    services: HashMap<&'a str, &'a Service>,
    externals: HashMap<&'a str, &'a External>,
    volumes: HashSet<&'a str>,
    networks: HashMap<&'a str, bool>,
    secrets: HashSet<&'a str>,
}

impl<'a> Checker<'a> {
    fn new(stack: &'a Stack, env: Env) -> Self {
        Checker {
            stack,
            root: crate::problem::stack_location(&stack.name, env),
            problems: Vec::new(),
            services: stack.services.iter().map(|s| (s.name.as_str(), s)).collect(),
            externals: stack.externals.iter().map(|e| (e.name.as_str(), e)).collect(),
            volumes: stack.volumes.iter().map(|v| v.name.as_str()).collect(),
            networks: stack.networks.iter().map(|n| (n.name.as_str(), n.internal)).collect(),
            secrets: stack.secrets.iter().map(|s| s.name.as_str()).collect(),
        }
    }

    fn report(&mut self, path: &[&str], message: impl Into<String>, fix: impl Into<String>) {
        let mut full = vec![self.root.clone()];
        full.extend(path.iter().map(|p| p.to_string()));
        self.problems.push(Problem { path: full, message: message.into(), fix: fix.into() });
    }

    fn run(mut self) -> Vec<Problem> {
        self.check_stack();
        for service in &self.stack.services {
            self.check_service(service);
        }
        self.check_published_ports();
        self.check_routes_are_unique();
        self.check_shared_builds();
        self.check_cycles();
        self.problems.extend(crate::quantity_limits::volume_problems(&[self.root.clone()], self.stack));
        self.problems.extend(crate::injection::stack_problems(&[self.root.clone()], self.stack));
        self.problems
    }

    fn check_stack(&mut self) {
        if let Some(why) = dns_label_problem(&self.stack.name) {
            let fix =
                format!("Name the stack with a DNS-1123 label, such as {:?}", suggest_dns_label(&self.stack.name));
            self.report(&[], format!("the stack name {:?} is invalid: {why}", self.stack.name), fix);
        }
        if self.stack.services.is_empty() {
            self.report(&[], "the stack has no services", "Add at least one service with Stack::add_service");
        }
        self.check_names("service", self.stack.services.iter().map(|s| s.name.as_str()).collect(), |_| true);
        let external_volumes: HashSet<&str> =
            self.stack.volumes.iter().filter(|v| v.kind == VolumeKind::External).map(|v| v.name.as_str()).collect();
        self.check_names("volume", self.stack.volumes.iter().map(|v| v.name.as_str()).collect(), |n| {
            !external_volumes.contains(n)
        });
        let external_networks: HashSet<&str> =
            self.stack.networks.iter().filter(|n| n.external).map(|n| n.name.as_str()).collect();
        self.check_names("network", self.stack.networks.iter().map(|n| n.name.as_str()).collect(), |n| {
            !external_networks.contains(n)
        });
        self.check_externals();
        self.check_edge();
        self.problems.extend(crate::compose_names::problems(&self.root, self.stack));
        self.problems.extend(crate::host::problems(&self.root, self.stack));
        for network in &self.stack.networks {
            if network.external && network.internal {
                self.report(
                    &[&format!("network {}", network.name)],
                    "an external network cannot be marked internal: the stack does not create it",
                    "Drop .internal(), or create the network in the stack with Network::new",
                );
            }
        }
        let mut seen = HashSet::new();
        for secret in &self.stack.secrets {
            let path = format!("secret {}", secret.name);
            if !seen.insert(secret.name.as_str()) {
                self.report(
                    &[&path],
                    "the secret is declared twice",
                    "Declare each secret once and reuse its reference",
                );
            }
            let upper = secret.name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !is_env_name(&secret.name) || !upper {
                self.report(
                    &[&path],
                    format!("the secret name {:?} is not an UPPER_SNAKE_CASE variable name", secret.name),
                    format!(
                        "Name it like {:?}: it is also the variable a user sets",
                        secret.name.to_ascii_uppercase().replace(['-', '.', ' '], "_")
                    ),
                );
            }
        }
    }

    fn check_externals(&mut self) {
        let mut seen: HashSet<&str> = self.services.keys().copied().collect();
        for external in &self.stack.externals {
            let at = format!("external {}", external.name);
            if !seen.insert(&external.name) {
                self.report(
                    &[&at],
                    format!("the name {:?} is already used by another service or external", external.name),
                    "Give each service and external dependency a unique name",
                );
            }
            if let Some(why) = dns_label_problem(&external.name) {
                let fix = format!("Use a DNS-1123 label such as {:?}", suggest_dns_label(&external.name));
                self.report(&[&at], format!("the name {:?} is invalid: {why}", external.name), fix);
            }
            match &external.reach {
                Reach::Managed { url } => self.check_secret_declared(&[&at, "url"], url.name()),
                Reach::Address { host, port } => {
                    if host.trim().is_empty() || *port == 0 {
                        self.report(
                            &[&at],
                            "the address needs a host and a port",
                            "Pass both, such as External::at(\"db\", \"db.internal\", 5432)",
                        );
                    }
                }
            }
            if let Some(secret) = external.datastore.as_ref().and_then(|d| d.password.as_ref()) {
                self.check_secret_declared(&[&at, "datastore", "password"], secret.name());
            }
        }
    }

    fn check_edge(&mut self) {
        let Some(edge) = &self.stack.edge else { return };
        let network = edge.network().name();
        if !self.networks.contains_key(network) {
            self.report(
                &["edge"],
                format!("the edge proxy's network {network} is not declared in the stack"),
                format!("Declare it with stack.add_network(Network::external({network:?}))"),
            );
        }
        for service in &self.stack.services {
            if !service.routes.is_empty() && !service.networks.iter().any(|n| n.name() == network) {
                self.report(
                    &[&format!("service {}", service.name), "networks"],
                    format!("the service has public routes but does not join {network}, the edge proxy's network"),
                    "Add .network(..) with the edge network, or the proxy cannot reach it",
                );
            }
        }
    }

    /// Duplicate names, and DNS-1123 rules for the names `dns(name)` selects (resources the stack
    /// creates; external ones keep the name they already have).
    fn check_names(&mut self, kind: &str, names: Vec<&str>, dns: impl Fn(&str) -> bool) {
        let mut seen = HashSet::new();
        for name in names {
            let path = format!("{kind} {name}");
            if !seen.insert(name) {
                self.report(
                    &[&path],
                    format!("two {kind}s are named {name:?}"),
                    format!("Give each {kind} a unique name"),
                );
            }
            let problem = if dns(name) { dns_label_problem(name) } else { docker_name_problem(name) };
            if let Some(why) = problem {
                self.report(
                    &[&path],
                    format!("the name {name:?} is invalid: {why}"),
                    format!("Use a DNS-1123 label such as {:?}", suggest_dns_label(name)),
                );
            }
        }
    }

    fn check_service(&mut self, service: &'a Service) {
        let at = format!("service {}", service.name);
        self.check_image(&at, &service.image);
        for (field, argv) in [("command", &service.command), ("entrypoint", &service.entrypoint)] {
            if argv.as_ref().is_some_and(|a| a.is_empty() || a[0].trim().is_empty()) {
                self.report(
                    &[&at, field],
                    format!("the {field} is empty"),
                    format!("Give the {field} a program to run, or leave it unset to use the image's"),
                );
            }
        }
        self.check_run(&at, service);
        self.check_ports(&at, service);
        self.check_routes(&at, service);
        self.check_env(&at, service);
        self.check_mounts(&at, service);
        self.check_networks(&at, service);
        self.check_probes(&at, service);
        self.check_depends_on(&at, service);
        if let crate::role::Role::EdgeProxy { upstreams } = &service.role {
            for upstream in upstreams {
                let path = format!("edge_proxy_for {}", upstream.name());
                self.resolve(&at, &path, upstream);
            }
        }
        self.check_resources(&at, service);
        let location = [self.root.clone(), at.clone()];
        self.problems.extend(crate::ci_check::problems(&location, service));
        self.problems.extend(crate::datastore_probe::problems(&location, service));
        self.problems.extend(crate::static_site::problems(&location, service));
        self.problems.extend(crate::quantity_limits::service_problems(&location, service));
        let declared = |name: &str| self.secrets.contains(name);
        self.problems.extend(crate::secret_rule::problems(&location, service, &declared));
        self.problems.extend(crate::injection::service_problems(&location, service));
        self.problems.extend(crate::target_rules::service_problems(&location, service));
        let mut labels = HashSet::new();
        for (key, _) in &service.labels {
            if !labels.insert(key.as_str()) {
                self.report(&[&at, &format!("label {key}")], "the label is set twice", "Set each label once");
            }
        }
        if let Some(store) = &service.datastore {
            if let Some(secret) = &store.password {
                self.check_secret_declared(&[&at, "datastore", "password"], secret.name());
            }
            if matches!(store.engine, Engine::Postgres { .. }) && (store.user.is_none() || store.database.is_none()) {
                self.report(
                    &[&at, "datastore"],
                    "a PostgreSQL datastore needs a user and a database name to build its connection URL",
                    "Add .user(\"...\") and .database(\"...\") to Datastore::postgres",
                );
            }
        }
    }

    fn check_image(&mut self, at: &str, image: &Image) {
        match image {
            Image::Registry(reference) => {
                if reference.is_empty() || reference.chars().any(char::is_whitespace) {
                    self.report(
                        &[at, "image"],
                        format!("the image reference {reference:?} is empty or contains whitespace"),
                        "Give an image reference such as \"postgres:16-alpine\"",
                    );
                }
            }
            Image::Build(build) => {
                if build.context.trim().is_empty() {
                    self.report(
                        &[at, "image"],
                        "the build context is empty",
                        "Pass the directory holding the Dockerfile, such as \"backend\"",
                    );
                }
                if let Some(why) = build.tag.as_deref().and_then(image_name_problem) {
                    self.report(
                        &[at, "image", "tag"],
                        why,
                        "Name the image in lowercase without a tag, such as \"shop-api\"",
                    );
                }
            }
        }
    }

    fn check_run(&mut self, at: &str, service: &Service) {
        if service.replicas == 0 {
            self.report(
                &[at, "replicas"],
                "the service runs 0 replicas",
                "Run at least one; to leave a service out of an environment, don't add it there",
            );
        }
        self.check_autoscale(at, service);
        match &service.run {
            Run::Continuously => {}
            Run::Once | Run::OnSchedule(_) => {
                if service.autoscale.is_some() {
                    self.report(
                        &[at, "autoscale"],
                        "a job runs to completion; there is nothing to scale",
                        "Remove .autoscale() from the job",
                    );
                }
                if service.replicas > 1 {
                    self.report(
                        &[at, "replicas"],
                        format!(
                            "a job runs once per start; {} replicas would run it {} times at once",
                            service.replicas, service.replicas
                        ),
                        "Remove .replicas() from the job",
                    );
                }
                if !service.routes.is_empty() {
                    self.report(
                        &[at, "routes"],
                        "a job has a public route, but it does not run continuously to answer it",
                        "Move the route to a long-running service",
                    );
                }
            }
        }
        if let Run::OnSchedule(schedule) = &service.run
            && let Some(why) = cron_problem(schedule)
        {
            self.report(
                &[at, "schedule"],
                format!("the cron schedule {schedule:?} is invalid: {why}"),
                "Write five fields: minute hour day-of-month month day-of-week, such as \"0 2 * * *\"",
            );
        }
    }

    fn check_autoscale(&mut self, at: &str, service: &Service) {
        let Some(scale) = service.autoscale else { return };
        let path = [at, "autoscale"];
        if scale.min == 0 || scale.min > scale.max {
            self.report(
                &path,
                format!("the range {}..={} is empty or starts at 0", scale.min, scale.max),
                "Use Autoscale::between(min, max) with 1 <= min <= max",
            );
        } else if !(scale.min..=scale.max).contains(&service.replicas) {
            self.report(
                &path,
                format!(
                    "{} replicas lies outside the autoscaling range {}..={}",
                    service.replicas, scale.min, scale.max
                ),
                "Drop .replicas(): .autoscale() already starts the service at its minimum",
            );
        }
        if !(1..=100).contains(&scale.target_cpu_percent) {
            self.report(
                &path,
                format!("the CPU target {}% is not between 1 and 100", scale.target_cpu_percent),
                "Use a target such as .target_cpu(70)",
            );
        }
    }

    fn check_ports(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for port in &service.ports {
            let path = format!("port {}", port.number);
            if port.number == 0 || port.published == Some(0) {
                self.report(&[at, &path], "port 0 is not a real port", "Use the port the process listens on (1-65535)");
            }
            if !seen.insert(port.number) {
                self.report(&[at, &path], "the port is declared twice", "Declare each container port once");
            }
        }
        let published = service.ports.iter().any(|p| p.published.is_some());
        let most = service.autoscale.map_or(service.replicas, |scale| scale.max.max(service.replicas));
        if published && most > 1 {
            self.report(
                &[at, "ports"],
                format!("{most} replicas cannot all bind the same host port"),
                "Publish the port on a single reverse proxy in front of the replicas, or run one replica",
            );
        }
        let only_internal = !service.networks.is_empty()
            && service.networks.iter().all(|n| self.networks.get(n.name()).copied().unwrap_or(false));
        if only_internal && (published || !service.routes.is_empty()) {
            self.report(
                &[at, "networks"],
                "the service is published or routed but joins only internal networks, which nothing outside can reach",
                "Also join a non-internal network, or stop publishing the service",
            );
        }
    }

    fn check_routes(&mut self, at: &str, service: &Service) {
        for route in &service.routes {
            let path = format!("route {}{}", route.host, route.path);
            if service.ports.is_empty() {
                self.report(
                    &[at, &path],
                    "the service has a public route but declares no port",
                    "Declare the port the route reaches with .port(Port::http(N))",
                );
                continue;
            }
            match route.port {
                Some(n) => match service.ports.iter().find(|p| p.number == n) {
                    None => self.report(
                        &[at, &path],
                        format!("the route reaches port {n}, which the service does not declare"),
                        format!("Add .port(Port::http({n})) or route to a declared port"),
                    ),
                    Some(p) if p.protocol != Protocol::Http => self.report(
                        &[at, &path],
                        format!("the route reaches port {n}, which is not an HTTP port"),
                        format!("Declare it with Port::http({n})"),
                    ),
                    Some(_) => {}
                },
                None if service.route_port(route).is_none() => self.report(
                    &[at, &path],
                    "the route names no port and the service has no HTTP port",
                    "Declare an HTTP port with Port::http(N), or name one with Route::port",
                ),
                None => {}
            }
            if let Some(why) = host_name_problem(&route.host) {
                self.report(
                    &[at, &path],
                    format!("the host {:?} is invalid: {why}", route.host),
                    "Give a bare host name such as \"api.example.com\", without scheme or path",
                );
            }
            if !route.path.starts_with('/') {
                self.report(
                    &[at, &path],
                    format!("the path {:?} does not start with '/'", route.path),
                    format!("Write it as \"/{}\"", route.path),
                );
            }
        }
    }

    fn check_env(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for (name, value) in &service.env {
            let path = format!("env {name}");
            if !is_env_name(name) {
                self.report(
                    &[at, &path],
                    format!("{name:?} is not a valid variable name"),
                    "Use letters, digits and '_', not starting with a digit",
                );
            }
            if !seen.insert(name.as_str()) {
                self.report(
                    &[at, &path],
                    "the variable is set twice",
                    "Set each variable once; pick the value with an `if` on the environment",
                );
            }
            match value {
                EnvValue::Literal(text) => self.check_literal(at, &path, name, text),
                EnvValue::Secret(secret) => self.check_secret_declared(&[at, &path], secret.name()),
                reference => self.check_reference(at, &path, reference),
            }
        }
    }

    /// A reference to another service or to an external dependency.
    fn check_reference(&mut self, at: &str, path: &str, value: &EnvValue) {
        let Some(target) = value.service() else { return };
        if let Some(external) = self.externals.get(target.name()).copied() {
            return self.check_external_reference(at, path, external, value);
        }
        let Some(service) = self.resolve(at, path, target) else { return };
        match value {
            EnvValue::Port { port, .. } => self.check_port_reference(at, path, service, *port),
            EnvValue::Url(url) => self.check_port_reference(at, path, service, url.port),
            EnvValue::DatabaseUrl(_) if service.datastore.is_none() => self.report(
                &[at, path],
                format!("service {} provides no database, so it has no database URL", service.name),
                format!("Declare what {} provides with .datastore(Datastore::postgres(..))", service.name),
            ),
            EnvValue::DatabaseUrl(_) => self.check_port_reference(at, path, service, None),
            EnvValue::DatabaseField { field, .. } => {
                self.check_database_field(at, path, &service.name, service.datastore.as_ref(), *field)
            }
            _ => {}
        }
    }

    /// A database user or name must be declared on the datastore it is read from.
    fn check_database_field(
        &mut self,
        at: &str,
        path: &str,
        name: &str,
        datastore: Option<&Datastore>,
        field: DatabaseField,
    ) {
        if datastore.and_then(|d| field.of(d)).is_none() {
            self.report(
                &[at, path],
                format!("{name} declares no {}", field.describe()),
                format!("Declare it on {name} with .datastore(Datastore::postgres(..).{}(..))", field.builder()),
            );
        }
    }

    fn check_external_reference(&mut self, at: &str, path: &str, external: &External, value: &EnvValue) {
        match (&external.reach, value) {
            (Reach::Managed { .. }, EnvValue::DatabaseUrl(_)) => {}
            (Reach::Managed { .. }, _) => self.report(
                &[at, path],
                format!("{} is managed by a provider; only its connection URL is known", external.name),
                format!("Use {}.database_url(), or declare it with External::at(host, port)", external.name),
            ),
            (Reach::Address { .. }, EnvValue::DatabaseUrl(_)) if external.datastore.is_none() => self.report(
                &[at, path],
                format!("external {} is not declared as a database, so it has no database URL", external.name),
                "Add .datastore(Datastore::postgres(..).user(..).database(..).password(..)) to the External",
            ),
            (Reach::Address { .. }, EnvValue::DatabaseField { field, .. }) => {
                self.check_database_field(at, path, &external.name, external.datastore.as_ref(), *field)
            }
            _ => {}
        }
    }

    fn check_literal(&mut self, at: &str, path: &str, name: &str, text: &str) {
        if let Some(secret) = self.secrets.get(name) {
            self.report(
                &[at, path],
                format!("{secret} is declared as a secret but given here as a plain value"),
                format!("Pass the secret's reference instead: .env({name:?}, &{})", name.to_ascii_lowercase()),
            );
        } else if url_has_password(text) {
            self.report(
                &[at, path],
                "the URL carries a password in plain text",
                "Reference the database instead (db.database_url()), or move the URL into a secret",
            );
        }
    }

    fn check_secret_declared(&mut self, path: &[&str], name: &str) {
        if !self.secrets.contains(name) {
            self.report(
                path,
                format!("secret {name} is not declared in the stack"),
                crate::suggest::fix_with_suggestion(
                    name,
                    self.stack.secrets.iter().map(|s| s.name.as_str()),
                    format!("Declare it with stack.add_secret(Secret::new({name:?})) and use the returned reference"),
                ),
            );
        }
    }

    /// `fix`, preceded by the closest declared service or external, if there is a likely one.
    fn suggest(&self, name: &str, fix: String) -> String {
        let declared = self.stack.services.iter().map(|s| s.name.as_str());
        crate::suggest::fix_with_suggestion(
            name,
            declared.chain(self.stack.externals.iter().map(|e| e.name.as_str())),
            fix,
        )
    }

    fn resolve(&mut self, at: &str, path: &str, target: &ServiceRef) -> Option<&'a Service> {
        let found = self.services.get(target.name()).copied();
        if found.is_none() {
            self.report(
                &[at, path],
                format!("it refers to service {}, which the stack does not declare", target.name()),
                self.suggest(
                    target.name(),
                    format!("Add a service named {:?}, or refer to one that exists", target.name()),
                ),
            );
        }
        found
    }

    fn check_port_reference(&mut self, at: &str, path: &str, target: &Service, port: Option<u16>) {
        match port {
            Some(n) if !target.ports.iter().any(|p| p.number == n) => {
                self.report(
                    &[at, path],
                    format!("it refers to port {n} of service {}, which that service does not declare", target.name),
                    format!("Declare the port on {} with .port(..)", target.name),
                );
            }
            None if target.ports.is_empty() => {
                self.report(
                    &[at, path],
                    format!("it refers to the address of service {}, which declares no port", target.name),
                    format!("Declare the port {} listens on with .port(..)", target.name),
                );
            }
            _ => {}
        }
    }

    fn check_mounts(&mut self, at: &str, service: &Service) {
        let mut targets = HashSet::new();
        for mount in &service.mounts {
            let path = format!("mount {}", mount.target);
            if !mount.target.starts_with('/') {
                self.report(
                    &[at, &path],
                    "the mount target is not an absolute path",
                    format!("Write the container path in full, such as \"/{}\"", mount.target.trim_start_matches("./")),
                );
            }
            if !targets.insert(mount.target.as_str()) {
                self.report(&[at, &path], "two mounts share this target", "Mount one thing per container path");
            }
            match &mount.source {
                MountSource::Volume(volume) if !self.volumes.contains(volume.name()) => {
                    self.report(
                        &[at, &path],
                        format!("volume {} is not declared in the stack", volume.name()),
                        crate::suggest::fix_with_suggestion(
                            volume.name(),
                            self.stack.volumes.iter().map(|v| v.name.as_str()),
                            format!("Declare it with stack.add_volume(Volume::persistent({:?}))", volume.name()),
                        ),
                    );
                }
                MountSource::Bind(source) | MountSource::Config(source) if source.trim().is_empty() => {
                    self.report(
                        &[at, &path],
                        "the host path is empty",
                        "Give the file or directory to mount, such as \"./nginx/nginx.conf\"",
                    );
                }
                _ => {}
            }
        }
    }

    fn check_networks(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for network in &service.networks {
            let path = format!("network {}", network.name());
            if !self.networks.contains_key(network.name()) {
                self.report(
                    &[at, &path],
                    format!("network {} is not declared in the stack", network.name()),
                    crate::suggest::fix_with_suggestion(
                        network.name(),
                        self.stack.networks.iter().map(|n| n.name.as_str()),
                        format!("Declare it with stack.add_network(Network::new({:?}))", network.name()),
                    ),
                );
            }
            if !seen.insert(network.name()) {
                self.report(&[at, &path], "the service joins the network twice", "Join each network once");
            }
        }
    }

    fn check_probes(&mut self, at: &str, service: &Service) {
        for (field, probe) in [("healthcheck", &service.healthcheck), ("liveness", &service.liveness)] {
            if let Some(probe) = probe {
                self.check_probe(&[at, field], service, probe);
            }
        }
    }

    fn check_probe(&mut self, path: &[&str], service: &Service, probe: &Probe) {
        match &probe.check {
            Check::Exec(argv) if argv.is_empty() => self.report(
                path,
                "the check runs no program",
                "Give the program and its arguments, such as [\"pg_isready\"]",
            ),
            Check::Shell(line) if line.trim().is_empty() => {
                self.report(path, "the check's command line is empty", "Give a command line to run")
            }
            Check::Http { port, path: p } => {
                if !p.starts_with('/') {
                    self.report(
                        path,
                        format!("the HTTP path {p:?} does not start with '/'"),
                        format!("Write it as \"/{p}\""),
                    );
                }
                self.check_probe_port(path, service, *port);
            }
            Check::Tcp { port } => self.check_probe_port(path, service, *port),
            _ => {}
        }
        if probe.retries == 0 {
            self.report(
                path,
                "0 retries would mark the service unhealthy on its first failed check",
                "Allow at least 1 retry",
            );
        }
        if probe.interval == Duration::ZERO || probe.timeout == Duration::ZERO {
            self.report(
                path,
                "the interval and timeout must be longer than zero",
                "Set them with .every(secs(N)) and .timeout(secs(N))",
            );
        } else if probe.timeout > probe.interval {
            self.report(
                path,
                format!(
                    "the timeout ({}s) is longer than the interval ({}s)",
                    probe.timeout.as_secs(),
                    probe.interval.as_secs()
                ),
                "Make the timeout at most the interval",
            );
        }
        if [probe.interval, probe.timeout].iter().chain(&probe.start_period).any(|d| d.subsec_nanos() != 0) {
            self.report(path, "timings must be whole seconds", "Use secs(N) or mins(N)");
        }
    }

    fn check_probe_port(&mut self, path: &[&str], service: &Service, port: u16) {
        if !service.ports.iter().any(|p| p.number == port) {
            self.report(
                path,
                format!("the check probes port {port}, which the service does not declare"),
                format!("Declare it with .port(Port::http({port}))"),
            );
        }
    }

    fn check_depends_on(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for dependency in &service.depends_on {
            let name = dependency.service.name();
            let path = format!("depends_on {name}");
            if name == service.name {
                self.report(&[at, &path], "the service depends on itself", "Remove the dependency");
                continue;
            }
            if !seen.insert(name) {
                self.report(
                    &[at, &path],
                    "the dependency is listed twice",
                    "List each dependency once, with the strongest condition",
                );
            }
            if self.externals.contains_key(name) {
                self.report(
                    &[at, &path],
                    format!("{name} lives outside the stack; there is nothing to start or wait for"),
                    "Remove the dependency, and let the service retry its connection until the dependency answers",
                );
                continue;
            }
            let Some(target) = self.resolve(at, &path, &dependency.service) else { continue };
            match (dependency.ready, &target.run) {
                (_, Run::OnSchedule(_)) => self.report(
                    &[at, &path],
                    format!("{name} is a cron job; nothing can wait for a schedule"),
                    "Depend on the services the cron job uses instead",
                ),
                (Ready::Healthy, _) if target.healthcheck.is_none() => self.report(
                    &[at, &path],
                    format!("waits for {name} to be healthy, but {name} has no health check"),
                    format!("Add .healthcheck(..) to {name}, or wait with Ready::Started"),
                ),
                (Ready::Completed, Run::Continuously) => self.report(
                    &[at, &path],
                    format!("waits for {name} to complete, but {name} runs continuously and never completes"),
                    format!("Wait with Ready::Healthy or Ready::Started, or make {name} a Service::job"),
                ),
                (Ready::Healthy | Ready::Started, Run::Once) => self.report(
                    &[at, &path],
                    format!(
                        "{name} is a one-shot job; waiting for it to start or be healthy does not wait for it to finish"
                    ),
                    "Wait with Ready::Completed",
                ),
                _ => {}
            }
        }
    }

    fn check_resources(&mut self, at: &str, service: &Service) {
        let r = &service.resources;
        if let (Some(limit), Some(reserve)) = (r.cpu_limit, r.cpu_reservation)
            && reserve > limit
        {
            self.report(
                &[at, "resources"],
                format!("the CPU reservation ({reserve}) exceeds the limit ({limit})"),
                "Reserve at most the limit",
            );
        }
        if let (Some(limit), Some(reserve)) = (r.memory_limit, r.memory_reservation)
            && reserve > limit
        {
            self.report(
                &[at, "resources"],
                format!("the memory reservation ({} MiB) exceeds the limit ({} MiB)", reserve.as_mib(), limit.as_mib()),
                "Reserve at most the limit",
            );
        }
        if [r.cpu_limit, r.cpu_reservation].iter().flatten().any(|c| c.as_millis() == 0)
            || [r.memory_limit, r.memory_reservation].iter().flatten().any(|m| m.bytes() == 0)
        {
            self.report(
                &[at, "resources"],
                "a limit or reservation of zero",
                "Give a positive amount, or leave it unset",
            );
        }
    }

    fn check_published_ports(&mut self) {
        let mut owners: HashMap<u16, &str> = HashMap::new();
        for service in &self.stack.services {
            for port in &service.ports {
                let Some(host) = port.published else { continue };
                if let Some(first) = owners.insert(host, &service.name)
                    && first != service.name
                {
                    let at = format!("service {}", service.name);
                    self.report(
                        &[&at, &format!("port {}", port.number)],
                        format!("host port {host} is already published by service {first}"),
                        "Publish each host port from one service only; pick another host port",
                    );
                }
            }
        }
    }

    fn check_routes_are_unique(&mut self) {
        let mut owners: HashMap<(String, String), &str> = HashMap::new();
        for service in &self.stack.services {
            for route in &service.routes {
                let key = (route.host.to_ascii_lowercase(), route.path.clone());
                if let Some(first) = owners.insert(key, &service.name) {
                    let at = format!("service {}", service.name);
                    self.report(
                        &[&at, &format!("route {}{}", route.host, route.path)],
                        format!("service {first} already serves this host and path"),
                        "Route each host and path to one service",
                    );
                }
            }
        }
    }

    /// Services that name the same image tag must build it the same way.
    fn check_shared_builds(&mut self) {
        let mut builds: HashMap<&str, (&str, &Build)> = HashMap::new();
        for service in &self.stack.services {
            let Image::Build(build) = &service.image else { continue };
            let Some(tag) = build.tag.as_deref() else { continue };
            if let Some((first, other)) = builds.insert(tag, (&service.name, build))
                && other != build
            {
                let at = format!("service {}", service.name);
                self.report(
                    &[&at, "image"],
                    format!("image {tag} is also built by service {first}, with different settings"),
                    "Share one Build value between the services, or give the builds different tags",
                );
            }
        }
    }

    /// One problem per knot of services that wait on each other, found in linear time.
    fn check_cycles(&mut self) {
        let services = &self.stack.services;
        let names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let graph: Vec<Vec<usize>> = services
            .iter()
            .map(|s| s.depends_on.iter().filter_map(|d| index.get(d.service.name()).copied()).collect())
            .collect();
        for knot in crate::start_order_cycles::knots(&names, |v| &graph[v]) {
            let at = format!("service {}", names[knot.cycle[0]]);
            let mut shown: Vec<&str> = knot.cycle.iter().map(|&v| names[v]).collect();
            shown.push(shown[0]);
            let mut message = format!("start order has a cycle: {}", shown.join(" → "));
            let on_loop: HashSet<usize> = knot.cycle.iter().copied().collect();
            let others: Vec<&str> = knot.members.iter().filter(|m| !on_loop.contains(m)).map(|&m| names[m]).collect();
            if !others.is_empty() {
                message.push_str(&format!("; {} also wait on these services in a loop", listed(&others)));
            }
            self.report(
                &[&at, "depends_on"],
                message,
                "Remove one of these dependencies so that some service can start first",
            );
        }
    }
}

/// Names joined with commas, the first few only, so a message stays short in a large stack.
fn listed(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    match names.len() {
        n if n <= SHOWN => names.join(", "),
        n => format!("{} and {} more", names[..SHOWN].join(", "), n - SHOWN),
    }
}

fn docker_name_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    (!first_ok || !rest_ok)
        .then(|| "external names may use letters, digits, '_', '.' and '-', starting with a letter or digit".into())
}

fn image_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("the image tag is empty".into())
    } else if name.contains(':') || name.contains('@') {
        Some(format!("the image name {name:?} carries a tag or digest; the pipeline picks the tag"))
    } else if name
        .chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '/')))
    {
        Some(format!("the image name {name:?} may use only lowercase letters, digits and . _ - /"))
    } else {
        None
    }
}

fn host_name_problem(host: &str) -> Option<String> {
    if host.contains("://") || host.contains('/') {
        return Some("it includes a scheme or a path".into());
    }
    if host.is_empty() || host.len() > 253 {
        return Some("a host name has 1 to 253 characters".into());
    }
    host.split('.').enumerate().find_map(|(i, label)| {
        let wildcard = i == 0 && label == "*";
        (!wildcard).then(|| dns_label_problem(&label.to_ascii_lowercase())).flatten()
    })
}

fn cron_problem(schedule: &str) -> Option<String> {
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!("it has {} fields, not 5", fields.len()));
    }
    fields
        .iter()
        .find(|f| !f.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '/' | ',' | '-')))
        .map(|f| format!("the field {f:?} has characters cron does not accept"))
}

/// True for URLs such as `postgresql://user:pass@host/db`, whose password would leak.
fn url_has_password(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else { return false };
    let authority = rest.split('/').next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.split_once(':').is_some_and(|(_, pass)| !pass.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_spotted() {
        assert!(url_has_password("postgresql://anb_user:anb_password@postgres:5432/anb_db"));
        assert!(!url_has_password("redis://redis:6379/0"));
        assert!(!url_has_password("https://api.example.com"));
        assert!(!url_has_password("postgresql://user@db/x"));
    }

    #[test]
    fn cron_schedules() {
        assert_eq!(cron_problem("0 2 * * *"), None);
        assert_eq!(cron_problem("*/5 * * * MON-FRI"), None);
        assert!(cron_problem("0 2 * *").is_some());
        assert!(cron_problem("0 2 * * ? ").is_some());
    }

    #[test]
    fn host_names() {
        assert_eq!(host_name_problem("api.example.com"), None);
        assert!(host_name_problem("https://api.example.com").is_some());
        assert!(host_name_problem("api_x.example.com").is_some());
    }
}
