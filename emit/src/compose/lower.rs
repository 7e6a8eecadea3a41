//! Lowering one validated stack into a [`ComposeFile`].

use std::collections::BTreeSet;

use indexmap::IndexMap;
use stack_dsl::{Check, Edge, Image, MountSource, Probe, Ready, Restart, Run, Service, User, ValidStack, VolumeKind};

use super::model::*;
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
    pub warnings: Vec<Warning>,
}

/// The variable that picks the tag of built images.
const IMAGE_TAG: &str = "IMAGE_TAG";

struct Lowering<'a> {
    stack: &'a ValidStack,
    /// Path from the generated file to the repository root, ending in `/`.
    root: &'a str,
    secrets_used: BTreeSet<String>,
    builds: bool,
    warnings: Vec<Warning>,
}

pub fn lower(stack: &ValidStack, root: &str) -> Lowered {
    let mut lowering = Lowering { stack, root, secrets_used: BTreeSet::new(), builds: false, warnings: Vec::new() };
    let services = stack.services().map(|s| (s.name.clone(), lowering.service(s))).collect();
    let file = ComposeFile {
        name: format!("{}-{}", stack.name, stack.env()),
        services,
        networks: stack
            .networks
            .iter()
            .map(|n| {
                let top = TopLevelNetwork {
                    internal: n.internal,
                    external: n.external,
                    name: n.external.then(|| n.name.clone()),
                };
                (n.name.clone(), top)
            })
            .collect(),
        volumes: stack
            .volumes
            .iter()
            .map(|v| {
                let external = v.kind == VolumeKind::External;
                (v.name.clone(), TopLevelVolume { external, name: external.then(|| v.name.clone()) })
            })
            .collect(),
    };
    let in_urls = stack_dsl::secrets_inside_urls(stack);
    let mut variables: Vec<Variable> = stack
        .secrets
        .iter()
        .filter(|s| lowering.secrets_used.contains(&s.name))
        .map(|s| Variable {
            name: s.name.clone(),
            description: match s.description.clone().unwrap_or_else(|| format!("Secret {}.", s.name)) {
                text if in_urls.contains(&s.name.as_str()) => format!("{text} The value {}.", stack_dsl::URL_SAFE_PASSWORD),
                text => text,
            },
            default: String::new(),
        })
        .collect();
    if lowering.builds {
        variables.push(Variable {
            name: IMAGE_TAG.into(),
            description: "Tag of the images built from this repository (optional; the pipeline sets the commit SHA)."
                .into(),
            default: "latest".into(),
        });
    }
    Lowered { file, variables, warnings: lowering.warnings }
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
            target: "compose",
            env: self.stack.env().to_string(),
            service: service.name.clone(),
            message,
        });
    }

    fn secret(&mut self, name: &str) -> String {
        self.secrets_used.insert(name.to_string());
        format!("${{{name}:?{name} is required}}")
    }

    fn path(&self, path: &str) -> String {
        if path.starts_with('/') { path.to_string() } else { format!("{}{}", self.root, path.trim_start_matches("./")) }
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
                    args: build.args.iter().map(|(k, v)| (k.clone(), literal(v))).collect(),
                };
                (format!("{}:${{{IMAGE_TAG}:-latest}}", image_name(self.stack, service)), Some(section))
            }
        };
        let mut labels: IndexMap<String, String> =
            service.labels.iter().map(|(k, v)| (k.clone(), literal(v))).collect();
        let mut profiles = Vec::new();
        if let Run::OnSchedule(schedule) = &service.run {
            profiles.push("cron".to_string());
            labels.insert("dev.stackwright.schedule".into(), schedule.clone());
            self.warn(service, format!(
                "Compose cannot run a service on a schedule ({schedule}); it is left out of `up` (profile \"cron\"): run `docker compose run --rm {}` from the host's crontab",
                service.name
            ));
        }
        match &self.stack.edge {
            Some(Edge::Traefik(traefik)) => labels.extend(super::traefik::labels(self.stack, traefik, service)),
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
                    (d.service.name().to_string(), DependsOn { condition: condition.into() })
                })
                .collect(),
            environment: service.env.iter().map(|(name, value)| (name.clone(), self.value(value))).collect(),
            expose: service.ports.iter().filter(|p| p.published.is_none()).map(|p| p.number.to_string()).collect(),
            ports: service.ports.iter().filter_map(|p| p.published.map(|h| format!("{h}:{}", p.number))).collect(),
            volumes: service.mounts.iter().map(|m| self.mount(m)).collect(),
            networks: service.networks.iter().map(|n| n.name().to_string()).collect(),
            extra_hosts,
            healthcheck: service.healthcheck.as_ref().map(healthcheck),
            deploy: deploy(service),
            labels,
            profiles,
        }
    }

    fn value(&mut self, value: &stack_dsl::EnvValue) -> String {
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
                ServiceVolume::Short(format!("{}:{}{ro}", volume.name(), literal(&mount.target)))
            }
            MountSource::Bind(path) | MountSource::Config(path) => {
                ServiceVolume::Short(format!("{}:{}{ro}", literal(&self.path(path)), literal(&mount.target)))
            }
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
            vec!["CMD".into(), "curl".into(), "-fsS".into(), format!("http://localhost:{port}{}", literal(path))]
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

fn deploy(service: &Service) -> Option<Deploy> {
    let r = &service.resources;
    let memory = |m: stack_dsl::Memory| {
        let (n, unit) = m.in_binary_unit();
        format!("{n}{unit}")
    };
    let amounts = |cpu: Option<stack_dsl::Cpu>, mem: Option<stack_dsl::Memory>| {
        (cpu.is_some() || mem.is_some())
            .then(|| ResourceAmounts { cpus: cpu.map(|c| c.to_string()), memory: mem.map(memory) })
    };
    let resources = (!r.is_empty()).then(|| DeployResources {
        limits: amounts(r.cpu_limit, r.memory_limit),
        reservations: amounts(r.cpu_reservation, r.memory_reservation),
    });
    let replicas = (service.replicas != 1).then_some(service.replicas);
    (replicas.is_some() || resources.is_some()).then_some(Deploy { replicas, resources })
}
