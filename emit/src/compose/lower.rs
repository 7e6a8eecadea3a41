//! Lowering one validated stack into a [`ComposeFile`].

use std::collections::{BTreeSet, HashSet};

use indexmap::IndexMap;
use stack_dsl::{
    Check, Edge, Image, MountSource, Probe, Ready, Restart, Role, Run, Service, User, ValidStack, VolumeKind,
};

use super::model::*;
use super::run_command::IMAGE_TAG;
use crate::bundle::Warning;
use crate::endpoint::{Resolved, image_name, reaches_docker_host, resolve};

/// A variable the file reads from the environment.
pub struct Variable {
    pub name: String,
    pub description: String,
    /// What the example file suggests (empty for secrets).
    pub default: String,
}

/// The Compose file of one stack, the variables it reads, and what it could not express.
pub struct Lowered {
    pub file: ComposeFile,
    pub variables: Vec<Variable>,
    /// Whether a service builds its image (and so reads `IMAGE_TAG`).
    pub builds: bool,
    pub warnings: Vec<Warning>,
}

struct Lowering<'a> {
    stack: &'a ValidStack,
    /// Path from the generated file to the repository root, ending in `/`.
    root: &'a str,
    secrets_used: BTreeSet<String>,
    /// The services whose real public host the file reads (`PUBLIC_HOST_<SERVICE>`).
    public_hosts: BTreeSet<String>,
    /// The services an edge proxy of the stack forwards to.
    fronted: HashSet<&'a str>,
    /// The stack's placeholder route hosts, (host, service), longest first.
    placeholder_routes: Vec<(&'a str, &'a str)>,
    builds: bool,
    warnings: Vec<Warning>,
}

pub fn lower(stack: &ValidStack, root: &str, deployed_over_ssh: bool) -> Lowered {
    let mut lowering = Lowering {
        stack,
        root,
        secrets_used: BTreeSet::new(),
        public_hosts: BTreeSet::new(),
        fronted: super::exposure::fronted(stack),
        placeholder_routes: crate::public_origin::placeholder_routes(stack),
        builds: false,
        warnings: Vec::new(),
    };
    let services = stack.services().map(|s| (s.name.clone(), lowering.service(s))).collect();
    let file = ComposeFile {
        name: super::project::name(stack),
        services,
        networks: stack
            .networks
            .iter()
            .map(|n| {
                let top = TopLevelNetwork {
                    internal: n.internal,
                    external: n.external,
                    name: n.external.then(|| n.name.clone()),
                    ipam: n
                        .subnet
                        .as_ref()
                        .filter(|_| !n.external)
                        .map(|subnet| Ipam { config: vec![IpamConfig { subnet: subnet.clone() }] }),
                };
                (n.name.clone(), top)
            })
            .collect(),
        volumes: stack
            .volumes
            .iter()
            .map(|v| {
                let external = v.kind == VolumeKind::External;
                (v.name_in_compose().to_string(), TopLevelVolume { external, name: external.then(|| v.name.clone()) })
            })
            .collect(),
    };
    let hints = crate::secret_hint::SecretHints::new(stack);
    let mut variables: Vec<Variable> = stack
        .secrets
        .iter()
        .filter(|s| lowering.secrets_used.contains(&s.name))
        .map(|s| Variable { name: s.name.clone(), description: hints.of(&s.name), default: String::new() })
        .collect();
    for service in stack.services().filter(|s| lowering.public_hosts.contains(&s.name)) {
        let host = service.routes.first().map(|r| r.host.as_str()).unwrap_or_default();
        let repository_variable = crate::public_origin::variable_in(&service.name, stack.env().name());
        // Every `docker compose` command on the host (logs, ps, down) interpolates each `:?`,
        // so the file on the host holds the value too, not only the deploy's environment.
        let source = if deployed_over_ssh {
            format!(
                "fill it in with the same value as the repository variable {repository_variable}, which the deploy workflow also hands to Compose"
            )
        } else {
            format!("fill it in (the same value as the repository variable {repository_variable})")
        };
        variables.push(Variable {
            name: crate::public_origin::variable(&service.name),
            description: format!(
                "The public host of {} in {}, where its route answers and browsers reach it (the stack's {host} is a placeholder): {source}; every docker compose command on the host reads it.",
                service.name,
                stack.env(),
            ),
            default: String::new(),
        });
    }
    Lowered { file, variables, builds: lowering.builds, warnings: lowering.warnings }
}

/// A path of the model (relative to the repository root, or absolute) as the Compose file at
/// `root` (its path back to the repository root) spells it.
pub fn from_file(root: &str, path: &str) -> String {
    if path.starts_with('/') { path.to_string() } else { format!("{root}{}", path.trim_start_matches("./")) }
}

/// The real public host of `service`, which the file reads from `PUBLIC_HOST_<SERVICE>` where
/// the stack's route host is a placeholder: Compose interpolates labels, environment values and
/// build arguments alike (<https://docs.docker.com/reference/compose-file/interpolation/>), and
/// `:?` stops `up` with the message when it is unset.
pub fn public_host(service: &str) -> String {
    let name = crate::public_origin::variable(service);
    format!("${{{name}:?set {name} to the public host of {service}}}")
}

/// Compose interpolates `$` in every string; a literal `$` is written `$$`.
fn literal(text: &str) -> String {
    text.replace('$', "$$")
}

fn literals(argv: &[String]) -> Vec<String> {
    argv.iter().map(|a| literal(a)).collect()
}

fn duration(d: std::time::Duration) -> String {
    format!("{}s", d.as_secs())
}

impl Lowering<'_> {
    fn warn(&mut self, service: &Service, message: String) {
        self.warnings.push(Warning {
            kind: crate::WarningKind::Adapted,
            target: "compose",
            env: self.stack.env().to_string(),
            service: service.name.clone(),
            message,
        });
    }

    fn secret(&mut self, name: &str) -> String {
        self.secrets_used.insert(name.to_string());
        if self.stack.secrets.iter().any(|s| s.name == name && s.optional) {
            // Empty when unset: the service starts without it.
            format!("${{{name}:-}}")
        } else {
            format!("${{{name}:?{name} is required}}")
        }
    }

    fn path(&self, path: &str) -> String {
        from_file(self.root, path)
    }

    fn service(&mut self, service: &Service) -> ComposeService {
        let (image, build) = match &service.image {
            Image::Registry(reference) => (reference.clone(), None),
            Image::Build(build) => {
                self.builds = true;
                let section = BuildSection {
                    context: literal(&self.path(&build.context)),
                    dockerfile: build.dockerfile.as_deref().map(literal),
                    target: build.target.as_deref().map(literal),
                    args: build.args.iter().map(|(k, v)| (k.clone(), self.with_public_hosts(&literal(v)))).collect(),
                };
                let tag = format!("${{{IMAGE_TAG}:?{IMAGE_TAG} is required: the tag of the image to run}}");
                (format!("{}:{tag}", image_name(self.stack, service)), Some(section))
            }
        };
        let mut labels: IndexMap<String, String> =
            service.labels.iter().map(|(k, v)| (k.clone(), literal(v))).collect();
        let mut profiles = Vec::new();
        if super::opt_in::needed_optional_secret(self.stack, service).is_some() {
            profiles.push(service.name.clone());
        }
        if let Run::OnSchedule(schedule) = &service.run {
            profiles.push("cron".to_string());
            labels.insert("dev.stackwright.schedule".into(), schedule.clone());
            self.warn(service, format!(
                "Compose cannot run a service on a schedule ({schedule}); it is left out of `up` (profile \"cron\"): run `docker compose run --rm {}` from the host's crontab",
                service.name
            ));
        }
        match &self.stack.edge {
            Some(Edge::Traefik(traefik)) => {
                if service.routes.iter().any(|r| crate::facts::reserved_hosts::stands_in(self.stack.env(), &r.host)) {
                    self.public_hosts.insert(service.name.clone());
                }
                labels.extend(super::traefik::labels(self.stack, traefik, service));
            }
            // An edge proxy of the stack serves the routes of what it fronts.
            None if self.fronted.contains(service.name.as_str()) => {}
            None => {
                for route in &service.routes {
                    let message = format!(
                        "Compose has no public routes; {}{} is not served by this file: declare an edge proxy (stack.set_edge) or route it in the proxy in front of the stack",
                        route.host, route.path
                    );
                    self.warn(service, message);
                }
            }
        }
        if let Some(message) = super::resources::ignored_reservation(service) {
            self.warn(service, message);
        }
        if let Some(scale) = service.autoscale {
            self.warn(service, format!(
                "Compose cannot autoscale; it runs the minimum of {} replica(s): scale by hand with `docker compose up --scale {}=N` (up to {})",
                scale.min, service.name, scale.max
            ));
        }
        let extra_hosts = if service.env.iter().any(|(_, value)| reaches_docker_host(self.stack, value)) {
            vec![format!("{}:host-gateway", stack_dsl::DOCKER_HOST)]
        } else {
            Vec::new()
        };
        ComposeService {
            image,
            build,
            entrypoint: service.entrypoint.as_deref().map(literals),
            command: service.command.as_deref().map(literals),
            user: service.user.as_ref().map(|u| match u {
                User::Named(name) => literal(name),
                User::Id { uid, gid: Some(gid) } => format!("{uid}:{gid}"),
                User::Id { uid, gid: None } => uid.to_string(),
            }),
            read_only: service.read_only_root,
            restart: match service.effective_restart() {
                Restart::Always => "always",
                Restart::UnlessStopped => "unless-stopped",
                Restart::OnFailure => "on-failure",
                Restart::Never => "no",
            }
            .into(),
            depends_on: service
                .depends_on
                .iter()
                .map(|d| {
                    let condition = match d.ready {
                        Ready::Started => "service_started",
                        Ready::Healthy => "service_healthy",
                        Ready::Completed => "service_completed_successfully",
                    };
                    // A proxy resolves its upstreams' addresses when it starts; restarting it
                    // after Compose recreates an upstream keeps it from proxying to an old address.
                    let restart =
                        matches!(&service.role, Role::EdgeProxy { upstreams } if upstreams.contains(&d.service));
                    (d.service.name().to_string(), DependsOn { condition: condition.into(), restart })
                })
                .collect(),
            environment: service.env.iter().map(|(name, value)| (name.clone(), self.value(value))).collect(),
            expose: service.ports.iter().filter(|p| p.published.is_none()).map(|p| p.number.to_string()).collect(),
            ports: super::exposure::ports(service),
            volumes: service.mounts.iter().map(|m| self.mount(m)).collect(),
            networks: service.networks.iter().map(|n| n.name().to_string()).collect(),
            extra_hosts,
            healthcheck: service.healthcheck.as_ref().map(|probe| Healthcheck {
                start_period: crate::facts::images::start_period(service).map(duration),
                ..healthcheck(probe)
            }),
            stop_grace_period: service.stop_grace_period.map(duration),
            deploy: super::resources::deploy(service),
            logging: Some(super::logging::logging(self.stack.log_rotation)),
            labels,
            profiles,
        }
    }

    /// `text` with the placeholder route hosts of the stack it names read from their variables.
    fn with_public_hosts(&mut self, text: &str) -> String {
        let (text, read) = crate::public_origin::spell_hosts(text, &self.placeholder_routes, public_host);
        self.public_hosts.extend(read.into_iter().map(str::to_string));
        text
    }

    fn value(&mut self, value: &stack_dsl::EnvValue) -> String {
        use stack_dsl::EnvValue;
        if let EnvValue::PublicUrl(target) | EnvValue::PublicHost(target) = value
            && let Some(origin) = crate::public_origin::of(self.stack, target)
        {
            if origin.placeholder {
                self.public_hosts.insert(origin.service.to_string());
            }
            return match value {
                EnvValue::PublicUrl(_) => origin.url(public_host),
                _ => origin.host_spelled(public_host),
            };
        }
        match resolve(self.stack, value) {
            Resolved::Text(text) => literal(&text),
            Resolved::Secret(secret) => self.secret(secret.name()),
            Resolved::Connection(connection) => connection.spell(|secret| self.secret(secret.name())),
        }
    }

    fn mount(&self, mount: &stack_dsl::Mount) -> ServiceVolume {
        let ro = if mount.read_only { ":ro" } else { "" };
        match &mount.source {
            MountSource::Volume(volume) => {
                let key = super::project::volume_key(self.stack, volume.name());
                ServiceVolume::Short(format!("{key}:{}{ro}", literal(&mount.target)))
            }
            MountSource::Bind(path) | MountSource::Config(path) => ServiceVolume::Bind(BindMount {
                kind: "bind".into(),
                source: literal(&self.path(path)),
                target: literal(&mount.target),
                read_only: mount.read_only,
                bind: BindOptions { create_host_path: false },
            }),
            MountSource::Tmpfs { size } => ServiceVolume::Tmpfs(TmpfsMount {
                kind: "tmpfs".into(),
                target: literal(&mount.target),
                tmpfs: size.map(|s| TmpfsOptions { size: s.bytes() }),
            }),
        }
    }
}

fn healthcheck(probe: &Probe) -> Healthcheck {
    let test = match (&probe.check, &probe.command) {
        (Check::Exec(argv), _) => ["CMD".to_string()].into_iter().chain(literals(argv)).collect(),
        (Check::Shell(line), _) => vec!["CMD-SHELL".into(), literal(line)],
        (Check::Http { .. } | Check::Tcp { .. }, Some(argv)) => {
            ["CMD".to_string()].into_iter().chain(literals(argv)).collect()
        }
        (Check::Http { port, path }, None) => {
            let mut argv = vec!["CMD".to_string(), "curl".into(), "-fsS".into()];
            if let Some(host) = &probe.host {
                argv.extend(["-H".into(), format!("Host: {}", literal(host))]);
            }
            argv.push(format!("http://localhost:{port}{}", literal(path)));
            argv
        }
        (Check::Tcp { port }, None) => {
            vec!["CMD".into(), "nc".into(), "-z".into(), "localhost".into(), port.to_string()]
        }
    };
    Healthcheck {
        test,
        interval: duration(probe.interval),
        timeout: duration(probe.timeout),
        retries: probe.retries,
        start_period: probe.start_period.map(duration),
    }
}
