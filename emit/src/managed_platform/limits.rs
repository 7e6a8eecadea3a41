//! What one platform resource may hold, checked over a whole stack before anything is
//! spelled: a custom domain and a disk belong to one service, deploys of different services
//! are not ordered, and a replaced database's container host name does not exist. The facts
//! behind each rule are in `facts/platforms.rs`.

use indexmap::IndexMap;
use stack_dsl::{EnvValue, MountSource, Ready};

use super::{Placement, Plan};
use crate::error::Error;
use crate::host_names::names_host;

impl Plan<'_> {
    /// Refuse what the platform cannot hold and report what it will not order, for the
    /// whole stack.
    pub(super) fn check_limits(&mut self) -> Result<(), Error> {
        self.check_database_hosts()?;
        self.check_shared_hosts()?;
        self.check_shared_storage()?;
        self.report_unordered_dependents();
        Ok(())
    }

    /// Fail when several deployed services route the same host: the platform attaches a custom
    /// domain to one service and routes whole hosts, so no path can pick the second one.
    fn check_shared_hosts(&self) -> Result<(), Error> {
        if !self.facts.routes_whole_hosts {
            return Ok(());
        }
        let mut claims: IndexMap<&str, Vec<(&str, &str)>> = IndexMap::new();
        for (service, _) in self.deployed() {
            for route in &service.routes {
                let claimants = claims.entry(route.host.as_str()).or_default();
                if !claimants.iter().any(|(name, _)| *name == service.name) {
                    claimants.push((service.name.as_str(), route.path.as_str()));
                }
            }
        }
        let Some((host, claimants)) = claims.into_iter().find(|(_, c)| c.len() > 1) else { return Ok(()) };
        let listed: Vec<String> = claimants.iter().map(|(name, path)| format!("{name} ({path})")).collect();
        let (second, _) = claimants[1];
        Err(self.unsupported(
            second,
            format!(
                "{host} is routed to {}; {} attaches a custom domain to one service and routes whole hosts, not paths",
                listed.join(" and "),
                self.platform
            ),
            format!(
                "Either give {second}'s route a host of its own in the hosted environments (such as {second}.{host}), or serve every path of {host} from one service"
            ),
        ))
    }

    /// Fail when deployed services share a volume, and report those that share a host
    /// directory: the platform attaches a disk to one service only, so files one service
    /// writes there never reach the other.
    fn check_shared_storage(&mut self) -> Result<(), Error> {
        if !self.facts.disk_per_service {
            return Ok(());
        }
        let mut users: IndexMap<(bool, &str), Vec<&str>> = IndexMap::new();
        for (service, _) in self.deployed() {
            for mount in &service.mounts {
                let source = match &mount.source {
                    MountSource::Volume(volume) => (true, volume.name()),
                    MountSource::Bind(path) => (false, path.as_str()),
                    MountSource::Config(_) | MountSource::Tmpfs { .. } => continue,
                };
                let services = users.entry(source).or_default();
                if !services.contains(&service.name.as_str()) {
                    services.push(service.name.as_str());
                }
            }
        }
        let alternative = "keep the files in object storage (S3, Cloudflare R2, Backblaze B2) and give each service its address and credentials, or run the processes that share them in one service";
        let mut directories: IndexMap<Vec<&str>, Vec<&str>> = IndexMap::new();
        for ((is_volume, source), services) in users.into_iter().filter(|(_, s)| s.len() > 1) {
            if is_volume {
                let reason = format!(
                    "{} share the volume {source}, and {} attaches a disk to one service only, so what one writes there the others never see",
                    services.join(" and "),
                    self.platform
                );
                return Err(self.unsupported(services[1], reason, format!("Either {alternative}")));
            }
            directories.entry(services).or_default().push(source);
        }
        let mut warnings = Vec::new();
        for (services, sources) in directories {
            let message = format!(
                "{} share the host directories {}, and {} attaches a disk to one service only, so what one writes there the others never see: {alternative}",
                services.join(" and "),
                sources.join(", "),
                self.platform
            );
            warnings.extend(services.into_iter().map(|service| (service.to_string(), message.clone())));
        }
        for (service, message) in warnings {
            self.warn(&service, message);
        }
        Ok(())
    }

    /// Report every service that waits for a one-shot job it does not run itself: the job is
    /// the pre-deploy command of one service, and neither platform orders the deploys of
    /// different services, so the others may start before the job has finished.
    fn report_unordered_dependents(&mut self) {
        let mut unordered = Vec::new();
        for service in self.stack.services() {
            if matches!(
                self.placements[&service.name],
                Placement::Omitted | Placement::Database | Placement::PreDeploy { .. } | Placement::BeforeStart { .. }
            ) {
                continue;
            }
            for dependency in service.depends_on.iter().filter(|d| d.ready == Ready::Completed) {
                let job = dependency.service.name();
                if let Some(Placement::PreDeploy { host }) = self.placements.get(job)
                    && *host != service.name
                {
                    unordered.push((service.name.clone(), job.to_string(), host.clone()));
                }
            }
        }
        for (service, job, host) in unordered {
            let message = format!(
                "waits for {job}, which runs as the pre-deploy command of {host}; {} does not order the deploys of different services, so {service} may start before {job} has finished: make it tolerate that (retry until the schema is there), or deploy {host} first",
                self.platform
            );
            self.warn(&service, message);
        }
    }

    /// Fail when a service reaches a database the platform replaces through the container's
    /// host name (in its command, entrypoint or a literal value): no such host exists there.
    fn check_database_hosts(&self) -> Result<(), Error> {
        let replaced: Vec<&String> =
            self.placements.iter().filter(|(_, p)| **p == Placement::Database).map(|(name, _)| name).collect();
        for service in self.stack.services() {
            if matches!(self.placements[&service.name], Placement::Omitted | Placement::Database) {
                continue;
            }
            let argv = service.command.iter().chain(&service.entrypoint).flatten().map(|a| ("command".into(), a));
            let literals = service.env.iter().filter_map(|(key, value)| match value {
                EnvValue::Literal(text) => Some((format!("variable {key}"), text)),
                _ => None,
            });
            for (place, text) in argv.chain(literals) {
                let Some(database) = replaced.iter().find(|d| names_host(text, d)) else { continue };
                return Err(self.unsupported(
                    &service.name,
                    format!(
                        "its {place} reaches the database at host {database}, which does not exist on {}: the platform's own database takes the place of that container",
                        self.platform
                    ),
                    format!(
                        "Pass the connection as a reference, such as .env(\"DATABASE_URL\", {database}.database_url()) or .env(\"PGHOST\", {database}.host()), and read the variable in the command (\"$DATABASE_URL\")"
                    ),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::platforms::{RAILWAY, RENDER};
    use crate::managed_platform::{Output, Value};
    use stack_dsl::{Datastore, Env, Image, Port, Project, Secret, Service, Stack, ValidProject};

    /// NEOSALE's backup as the seed wrote it: `pg_dump -h postgres`, with the container's
    /// password; and the same job through the database's URL.
    fn backup(command: &'static str, through_url: bool) -> ValidProject {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            let password = stack.add_secret(Secret::new("POSTGRES_PASSWORD"));
            let db = stack.add_service(
                Service::new("postgres", Image::new("postgres:16-alpine"))
                    .port(Port::tcp(5432))
                    .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
            );
            let job = Service::cron("backup", Image::new("postgres:16-alpine"), "0 2 * * *")
                .command(["sh", "-c", command])
                .depends_on(&db, Ready::Started);
            let job =
                if through_url { job.env("DATABASE_URL", db.database_url()) } else { job.env("PGPASSWORD", &password) };
            stack.add_service(job);
            stack
        });
        project.validate().expect("valid")
    }

    #[test]
    fn a_job_that_reaches_a_replaced_database_by_host_name_is_refused() {
        let seed = backup("pg_dump -h postgres -U shop shop > /backups/db.sql", false);
        for facts in [&RENDER, &RAILWAY] {
            let Err(error) = Plan::new(&seed, &seed.stacks()[0], facts) else { panic!("{}: accepted", facts.name) };
            let text = error.to_string();
            assert!(text.contains("service backup") && text.contains("database_url()"), "{text}");
        }
        let fixed = backup("pg_dump \"$DATABASE_URL\" > /backups/db.sql", true);
        for facts in [&RENDER, &RAILWAY] {
            let plan = Plan::new(&fixed, &fixed.stacks()[0], facts).expect("the URL is a managed database reference");
            let job = plan.stack.service("backup").expect("the job");
            let value = plan.value(job, &job.env[0].1).expect("resolves");
            assert_eq!(value, Value::Database { name: "postgres".into(), output: Output::Url }, "{}", facts.name);
        }
    }

    #[test]
    fn every_service_waiting_for_a_job_it_does_not_run_is_reported() {
        let project = Project::new("social", [Env::Production], |_| {
            let mut stack = Stack::new("social");
            let app = Image::build(".").tag("social-app");
            let migrate = stack.add_service(Service::job("migrate", app.clone()).command(["rails", "db:migrate"]));
            for (name, port) in [("web", Some(3000)), ("streaming", Some(4000)), ("sidekiq", None)] {
                let service = Service::new(name, app.clone()).depends_on(&migrate, Ready::Completed);
                stack.add_service(match port {
                    Some(port) => service.port(Port::http(port)),
                    None => service,
                });
            }
            stack
        });
        let valid = project.validate().expect("valid");
        for facts in [&RENDER, &RAILWAY] {
            let plan = Plan::new(&valid, &valid.stacks()[0], facts).expect("plans");
            assert_eq!(plan.placements["migrate"], Placement::PreDeploy { host: "web".into() });
            for name in ["streaming", "sidekiq"] {
                assert!(
                    plan.warnings.iter().any(|w| w.service == name && w.message.contains("migrate")),
                    "{}: {name} is not warned: {:?}",
                    facts.name,
                    plan.warnings
                );
            }
            assert!(!plan.warnings.iter().any(|w| w.service == "web"), "web runs the job itself");
        }
    }

    #[test]
    fn two_services_on_one_host_are_refused_and_a_path_is_reported() {
        let shared = |streaming_host: &'static str| {
            let project = Project::new("social", [Env::Production], move |_| {
                let mut stack = Stack::new("social");
                let route = stack_dsl::Route::new("social.example.com").tls();
                stack.add_service(Service::new("web", Image::new("social:1")).port(Port::http(3000)).route(route));
                stack.add_service(
                    Service::new("streaming", Image::new("social:1"))
                        .port(Port::http(4000))
                        .route(stack_dsl::Route::new(streaming_host).path("/api/v1/streaming").tls()),
                );
                stack
            });
            project.validate().expect("valid")
        };
        let one_host = shared("social.example.com");
        for facts in [&RENDER, &RAILWAY] {
            let Err(error) = Plan::new(&one_host, &one_host.stacks()[0], facts) else {
                panic!("{}: two services claim one domain", facts.name)
            };
            let text = error.to_string();
            assert!(text.contains("service streaming") && text.contains("social.example.com"), "{text}");
            assert!(text.contains("web (/)") && text.contains("Either"), "{text}");
        }
        let own_host = shared("streaming.social.example.com");
        for facts in [&RENDER, &RAILWAY] {
            let mut plan = Plan::new(&own_host, &own_host.stacks()[0], facts).expect("one service per host");
            let streaming = own_host.stacks()[0].service("streaming").expect("streaming");
            let domains: Vec<&str> = plan.domains(streaming).iter().map(|r| r.host.as_str()).collect();
            assert_eq!(domains, ["streaming.social.example.com"]);
            assert!(
                plan.warnings.iter().any(|w| w.service == "streaming" && w.message.contains("/api/v1/streaming")),
                "{}: the path is dropped silently",
                facts.name
            );
        }
    }

    #[test]
    fn storage_shared_by_services_is_refused_or_reported() {
        let project = |shared_volume: bool| {
            let project = Project::new("videos", [Env::Production], move |_| {
                let mut stack = Stack::new("videos");
                let uploads = stack.add_volume(stack_dsl::Volume::persistent("uploads"));
                let mount = || match shared_volume {
                    true => stack_dsl::Mount::volume(&uploads, "/app/uploads"),
                    false => stack_dsl::Mount::bind("./uploads", "/app/uploads"),
                };
                let app = Image::new("videos:1");
                stack.add_service(Service::new("api", app.clone()).port(Port::http(8000)).mount(mount()));
                stack.add_service(Service::new("worker", app).mount(mount()));
                stack
            });
            project.validate().expect("valid")
        };
        let volume = project(true);
        for facts in [&RENDER, &RAILWAY] {
            let Err(error) = Plan::new(&volume, &volume.stacks()[0], facts) else {
                panic!("{}: a disk shared by two services", facts.name)
            };
            let text = error.to_string();
            assert!(text.contains("api and worker share the volume uploads"), "{text}");
            assert!(text.contains("object storage"), "{text}");
        }
        let directory = project(false);
        for facts in [&RENDER, &RAILWAY] {
            let plan = Plan::new(&directory, &directory.stacks()[0], facts).expect("plans");
            for name in ["api", "worker"] {
                assert!(
                    plan.warnings
                        .iter()
                        .any(|w| w.service == name && w.message.contains("share the host directories ./uploads")),
                    "{}: {name}: {:?}",
                    facts.name,
                    plan.warnings
                );
            }
        }
    }
}
