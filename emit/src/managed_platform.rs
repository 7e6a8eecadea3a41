//! What a stack becomes on a hosting platform with managed databases and its own edge (Render,
//! Railway): which services run and in what role, which databases the platform provides, and
//! what each environment value refers to. Both emitters share this meaning and only spell it.
//!
//! Render: <https://render.com/docs/blueprint-spec>. Railway:
//! <https://docs.railway.com/reference/variables#reference-variables>.
//!
//! The rules:
//! - A service with a [`Datastore`], an [`External::managed`] database, and a database on the
//!   Docker host (which does not exist on a platform) become the platform's own database, for
//!   the engines the platform manages (`Platform::managed_engines`). A datastore service of
//!   another engine (MySQL, MariaDB, MongoDB) runs its image as a private service with its
//!   volume, and an external one must be reachable at an address.
//! - Edge proxies and certificate renewal ([`stack_dsl::Role`]) are left out; the platform's edge
//!   serves their upstreams publicly.
//! - A one-shot job that a service of the same image waits for ([`Ready::Completed`]) runs as
//!   that service's pre-deploy command; where that command has no volumes, a job writing into
//!   a volume runs in that service's start command instead (or is left out, reported).
//! - A service is public when it has routes, sits behind a left-out edge proxy, or publishes an
//!   HTTP port; private when it listens on a port; a worker otherwise; cron when scheduled.
//! - A service keeps one volume (the platforms attach one per service): the largest.
//! - Services cannot share storage: a shared volume is an error, a shared host directory is
//!   reported to each service, with object storage as the alternative.
//! - A command, entrypoint or literal value that reaches a replaced database by its container's
//!   host name (`pg_dump -h postgres`) is an error: that host does not exist on the platform.

use indexmap::IndexMap;
use stack_dsl::{Service, ValidProject, ValidStack};

use crate::bundle::Warning;
use crate::error::Error;
use crate::facts::platforms::Platform;

mod databases;
mod domains;
mod limits;
mod placement;
mod storage;
mod unportable;
mod values;
mod variables;

pub use databases::{ProvidedDatabase, engine_name};
pub use placement::Placement;
pub use values::{Output, Value};

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
    /// The jobs each service runs in its start command before its server, by host service.
    pub before_start: IndexMap<String, Vec<&'a Service>>,
    /// The image each client of a managed database runs instead of the stack's, by service:
    /// the engine's own image at the major the platform's database runs.
    pub client_images: IndexMap<String, String>,
    /// What the plan left out or changed, to be reported by the emitter.
    pub warnings: Vec<Warning>,
    /// What the platform does at runtime.
    pub facts: &'static Platform,
    platform: &'static str,
}

impl<'a> Plan<'a> {
    /// Lay out `stack`, one environment of `project`, for the platform described by `facts`:
    /// which databases the platform provides, where each service runs, and what the platform
    /// cannot hold.
    pub fn new(project: &'a ValidProject, stack: &'a ValidStack, facts: &'static Platform) -> Result<Self, Error> {
        let mut plan = Plan {
            project,
            stack,
            placements: IndexMap::new(),
            databases: Vec::new(),
            pre_deploy: IndexMap::new(),
            before_start: IndexMap::new(),
            client_images: IndexMap::new(),
            warnings: Vec::new(),
            facts,
            platform: facts.name,
        };
        plan.provide_external_databases()?;
        plan.place_services()?;
        plan.match_client_images();
        plan.check_limits()?;
        Ok(plan)
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
}

impl Plan<'_> {
    /// The image `service` runs from the registry: `reference`, or the one the plan matched to
    /// the managed database it is a client of.
    pub fn registry_image<'s>(&'s self, service: &Service, reference: &'s str) -> &'s str {
        self.client_images.get(&service.name).map_or(reference, String::as_str)
    }

    /// The start command of `service` as one line: its command, after the jobs it runs before
    /// its server (`sh -c '<job> && exec <command>'`, so the server replaces the shell and
    /// receives the platform's signals).
    pub fn start_command(&self, service: &Service) -> Option<String> {
        let command = service.command.as_deref()?;
        let jobs = self.before_start.get(&service.name).into_iter().flatten();
        let mut steps: Vec<String> = jobs.filter_map(|j| j.command.as_deref()).map(command_line).collect();
        if steps.is_empty() {
            return Some(command_line(command));
        }
        steps.push(format!("exec {}", command_line(command)));
        Some(command_line(&["sh".into(), "-c".into(), steps.join(" && ")]))
    }

    /// The pre-deploy jobs of `service` as one command line: one job's command as it is,
    /// several joined by `&&` in `sh -c`, since a platform may run the line without a shell.
    /// `None` when it has none; the name of a job without a command as the error.
    pub fn pre_deploy_command(&self, service: &Service) -> Option<Result<String, String>> {
        let jobs = self.pre_deploy.get(&service.name)?;
        let mut steps = Vec::new();
        for job in jobs {
            match &job.command {
                Some(command) => steps.push(command_line(command)),
                None => return Some(Err(job.name.clone())),
            }
        }
        Some(Ok(if steps.len() == 1 {
            steps.remove(0)
        } else {
            command_line(&["sh".into(), "-c".into(), steps.join(" && ")])
        }))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::platforms::{RAILWAY, RENDER};
    use stack_dsl::{Env, Image, Mount, Port, Project, Ready, Service, Stack, Volume};

    /// A Django-like app: `jobs` (name, writes a volume the web service mounts) before `web`.
    fn app(jobs: &'static [(&'static str, bool)]) -> ValidProject {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            let image = Image::build(".").tag("shop-app");
            let files = stack.add_volume(Volume::persistent("static"));
            let mut web = Service::new("web", image.clone())
                .port(Port::http(8000))
                .command(["gunicorn", "app.wsgi"])
                .mount(Mount::volume(&files, "/app/static"));
            for (name, writes) in jobs {
                let job = Service::job(*name, image.clone()).command(["python", "manage.py", name]);
                let job = if *writes { job.mount(Mount::volume(&files, "/app/static")) } else { job };
                let job = stack.add_service(job);
                web = web.depends_on(&job, Ready::Completed);
            }
            stack.add_service(web);
            stack
        });
        project.validate().expect("valid")
    }

    #[test]
    fn several_pre_deploy_jobs_run_in_one_shell_and_one_runs_as_it_is() {
        let two = app(&[("migrate", false), ("seed", false)]);
        let one = app(&[("migrate", false)]);
        for facts in [&RENDER, &RAILWAY] {
            let plan = Plan::new(&two, &two.stacks()[0], facts).expect("plans");
            let web = plan.stack.service("web").expect("web");
            assert_eq!(
                plan.pre_deploy_command(web),
                Some(Ok("sh -c 'python manage.py migrate && python manage.py seed'".into()))
            );
            let plan = Plan::new(&one, &one.stacks()[0], facts).expect("plans");
            let web = plan.stack.service("web").expect("web");
            assert_eq!(plan.pre_deploy_command(web), Some(Ok("python manage.py migrate".into())));
        }
    }

    #[test]
    fn a_job_writing_the_volume_its_host_mounts_runs_before_the_server() {
        let project = app(&[("migrate", false), ("collectstatic", true)]);
        for facts in [&RENDER, &RAILWAY] {
            let plan = Plan::new(&project, &project.stacks()[0], facts).expect("plans");
            let web = plan.stack.service("web").expect("web");
            assert_eq!(plan.placements["collectstatic"], Placement::BeforeStart { host: "web".into() });
            assert_eq!(plan.pre_deploy_command(web), Some(Ok("python manage.py migrate".into())));
            assert_eq!(
                plan.start_command(web).as_deref(),
                Some("sh -c 'python manage.py collectstatic && exec gunicorn app.wsgi'")
            );
            assert!(plan.warnings.iter().any(|w| w.service == "collectstatic" && w.message.contains("start command")));
        }
    }

    #[test]
    fn a_job_writing_a_volume_its_host_cannot_run_is_left_out_and_reported() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let image = Image::build(".").tag("shop-app");
            let files = stack.add_volume(Volume::persistent("static"));
            let job = stack.add_service(
                Service::job("collectstatic", image.clone())
                    .command(["python", "manage.py", "collectstatic"])
                    .mount(Mount::volume(&files, "/app/static")),
            );
            // The web service runs the image's own command and does not mount the volume.
            stack.add_service(Service::new("web", image).port(Port::http(8000)).depends_on(&job, Ready::Completed));
            stack
        });
        let project = project.validate().expect("valid");
        for facts in [&RENDER, &RAILWAY] {
            let plan = Plan::new(&project, &project.stacks()[0], facts).expect("plans");
            assert_eq!(plan.placements["collectstatic"], Placement::Omitted, "{}", facts.name);
            assert_eq!(plan.pre_deploy_command(plan.stack.service("web").expect("web")), None);
            assert!(
                plan.warnings.iter().any(|w| w.service == "collectstatic" && w.message.contains("image build")),
                "{:?}",
                plan.warnings
            );
        }
    }
}
