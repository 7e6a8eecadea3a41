//! Where each service runs on the platform: public, private, worker, cron, as another
//! service's pre-deploy command, replaced by a provided database, or not at all.

use std::collections::{HashMap, HashSet};

use stack_dsl::{MountSource, Protocol, Ready, Role, Run, Service, ValidStack};

use super::{Plan, ProvidedDatabase, engine_name};
use crate::error::Error;

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
    /// A one-shot job that writes into a volume its host mounts, run in the host's start
    /// command before the server, since the platform's pre-deploy step has no volumes.
    BeforeStart {
        /// The service whose start command runs it.
        host: String,
    },
    /// Replaced by the platform's database of the same name.
    Database,
    /// Not deployed; the platform provides what it does.
    Omitted,
}

/// What placing a service needs to know about the others, gathered in one pass over the stack
/// so that placing every service costs time in proportion to the stack, not its square.
struct Neighbours<'a> {
    /// The services an edge proxy forwards to.
    proxied: HashSet<&'a str>,
    /// Per one-shot job, the services that wait for it to complete, in stack order.
    waiting_for_completion: HashMap<&'a str, Vec<&'a Service>>,
}

impl<'a> Neighbours<'a> {
    fn of(stack: &'a ValidStack) -> Self {
        let mut neighbours = Neighbours { proxied: HashSet::new(), waiting_for_completion: HashMap::new() };
        for service in stack.services() {
            if let Role::EdgeProxy { upstreams } = &service.role {
                neighbours.proxied.extend(upstreams.iter().map(|u| u.name()));
            }
            for dependency in service.depends_on.iter().filter(|d| d.ready == Ready::Completed) {
                neighbours.waiting_for_completion.entry(dependency.service.name()).or_default().push(service);
            }
        }
        neighbours
    }
}

impl<'a> Plan<'a> {
    /// Place every service, in stack order.
    pub(super) fn place_services(&mut self) -> Result<(), Error> {
        let neighbours = Neighbours::of(self.stack);
        for service in self.stack.services() {
            let placement = self.place(service, &neighbours)?;
            self.placements.insert(service.name.clone(), placement);
        }
        Ok(())
    }

    /// The deployed services (not omitted, not databases, not pre-deploy jobs), in stack order.
    pub fn deployed(&self) -> impl Iterator<Item = (&'a Service, &Placement)> {
        self.stack.services().filter_map(|s| {
            let placement = &self.placements[&s.name];
            let runs = !matches!(
                placement,
                Placement::Omitted | Placement::Database | Placement::PreDeploy { .. } | Placement::BeforeStart { .. }
            );
            runs.then_some((s, placement))
        })
    }

    fn place(&mut self, service: &'a Service, neighbours: &Neighbours<'a>) -> Result<Placement, Error> {
        if service.role.is_platform_edge() {
            let why = service.role.provided_because();
            self.warn(&service.name, format!("not deployed on {}: {why}", self.platform));
            return Ok(Placement::Omitted);
        }
        if let (Some(datastore), Run::Continuously) = (&service.datastore, &service.run)
            && !self.facts.manages(datastore.engine)
        {
            self.report_self_hosted(service, datastore);
        } else if let (Some(datastore), Run::Continuously) = (&service.datastore, &service.run) {
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
                let host = self.pre_deploy_host(service, neighbours)?;
                if let Some(placement) = self.place_volume_writer(service, &host) {
                    return Ok(placement);
                }
                self.pre_deploy.entry(host.clone()).or_default().push(service);
                Placement::PreDeploy { host }
            }
            Run::Continuously if is_public(service, neighbours) => Placement::Public,
            Run::Continuously if service.ports.is_empty() => Placement::Worker,
            Run::Continuously => Placement::Private,
        })
    }

    /// A datastore whose engine the platform does not manage runs its own image as a private
    /// service, keeping its data on the service's volume.
    fn report_self_hosted(&mut self, service: &Service, datastore: &stack_dsl::Datastore) {
        let storage = match self.largest_volume(service) {
            Some((volume, mount)) => format!("with volume {} at {}", volume.name, mount.target),
            None => "without a volume, so its data is lost on each deploy: mount one at its data directory".into(),
        };
        let mut message = format!(
            "{} has no managed {}: it runs the image as a private service {storage}, and backups are yours to run",
            self.platform,
            datastore.engine.product()
        );
        // The platform mounts a volume at its path, with no subdirectory to choose (Kubernetes'
        // `subPath`): an image that refuses a non-empty data directory must be pointed below it.
        let data = crate::facts::images::Facts::of(service).data.filter(|d| d.needs_empty_dir && d.moved_by.is_none());
        if let (Some(data), Some((_, mount))) = (data, self.largest_volume(service))
            && mount.target.trim_end_matches('/') == data.path
        {
            message.push_str(&format!(
                "; if the new volume holds lost+found, the image takes it for data (MySQL refuses to start, MariaDB lists a bogus database): add --datadir={}/data to the command",
                data.path
            ));
        }
        self.warn(&service.name, message);
    }

    /// A job that writes into a volume cannot be a pre-deploy step where that step runs
    /// without the service's volumes (`Platform::pre_deploy_mounts_volumes`): what it writes
    /// is thrown away. It runs in `host`'s start command before the server when `host` mounts
    /// the same volume and has a command to run after it; otherwise it is left out, reported.
    fn place_volume_writer(&mut self, job: &'a Service, host: &str) -> Option<Placement> {
        if self.facts.pre_deploy_mounts_volumes {
            return None;
        }
        let writes = job.mounts.iter().filter(|m| matches!(m.source, MountSource::Volume(_)) && !m.read_only);
        let targets: Vec<&str> = writes.map(|m| m.target.as_str()).collect();
        if targets.is_empty() {
            return None;
        }
        let host_service = self.stack.service(host)?;
        let shared = job.mounts.iter().filter(|m| !m.read_only).all(|m| {
            !matches!(m.source, MountSource::Volume(_))
                || host_service.mounts.iter().any(|h| h.source == m.source && h.target == m.target)
        });
        let written = targets.join(", ");
        if shared && host_service.command.is_some() {
            self.before_start.entry(host.to_string()).or_default().push(job);
            let message = format!(
                "runs in {host}'s start command before the server (sh -c '<job> && exec <command>'), not as a pre-deploy step: {} runs pre-deploy steps without volumes, so what it writes to {written} would be lost; {host} now writes it into its own filesystem on each start, so {host} must serve those files itself (Django: WhiteNoise) where an edge proxy served them",
                self.platform
            );
            self.warn(&job.name, message);
            return Some(Placement::BeforeStart { host: host.to_string() });
        }
        let message = format!(
            "left out: {} runs pre-deploy steps without volumes, so what it writes to {written} would be lost, and {host} cannot run it before its server (it does not mount that path or has no command); produce those files at image build instead (Django: collectstatic in the Dockerfile, served by WhiteNoise)",
            self.platform
        );
        self.warn(&job.name, message);
        Some(Placement::Omitted)
    }

    /// The first service of the same image that waits for the job to complete.
    fn pre_deploy_host(&self, job: &Service, neighbours: &Neighbours<'a>) -> Result<String, Error> {
        let mut waiting = neighbours.waiting_for_completion.get(job.name.as_str()).into_iter().flatten();
        waiting
            .find(|s| s.image == job.image && !s.role.is_platform_edge())
            .map(|s| s.name.clone())
            .ok_or_else(|| {
                self.unsupported(
                    &job.name,
                    format!("{} has no one-shot jobs; it runs a job only as the pre-deploy command of a service built from the same image", self.platform),
                    format!("Make a service with the image of {} wait for it with depends_on(.., Ready::Completed), or run it as a cron job", job.name),
                )
            })
    }
}

/// Public when it has routes, sits behind an edge proxy, or publishes an HTTP port.
fn is_public(service: &Service, neighbours: &Neighbours) -> bool {
    let behind_proxy = neighbours.proxied.contains(service.name.as_str());
    let publishes_http = service.ports.iter().any(|p| p.protocol == Protocol::Http && p.published.is_some());
    !service.routes.is_empty() || behind_proxy || publishes_http
}
