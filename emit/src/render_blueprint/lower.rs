//! Lowering one hosted environment's stack into a Render [`Environment`], following the
//! platform plan (`managed_platform.rs`); the Blueprint spec: <https://render.com/docs/blueprint-spec>.

use indexmap::IndexMap;
use stack_dsl::{
    Check, DatabaseField, Engine, EnvValue, Image, Service as ModelService, StaticSite, ValidProject, ValidStack,
};

use super::declared_groups::share_declared_groups;
use super::model::*;
use crate::applied_defaults::{self, Applied, Written};
use crate::bundle::Warning;
use crate::error::Error;
use crate::facts::platforms::RENDER;
use crate::managed_platform::{Output, Placement, Plan, ProvidedDatabase, Value};

/// Render's instance types, smallest first: name, CPU in millicores, memory in MiB.
/// <https://render.com/pricing#compute>
const PLANS: [(&str, u32, u64); 6] = [
    ("starter", 500, 512),
    ("standard", 1000, 2048),
    ("pro", 2000, 4096),
    ("pro plus", 4000, 8192),
    ("pro max", 4000, 16384),
    ("pro ultra", 8000, 32768),
];

/// redis-server's eviction policy when its command sets none.
const REDIS_DEFAULT_EVICTION: &str = "noeviction";

/// Render's largest autoscaling CPU target.
const MAX_TARGET_CPU: u32 = 90;

/// The environment, and what it could not express.
pub struct Lowered {
    pub environment: Environment,
    /// The datastores run as private services, as `name (MySQL)`, since Render manages neither.
    pub self_hosted: Vec<String>,
    /// The connection URLs Render asks for, which the user enters.
    pub asked_urls: Vec<AskedUrl>,
    /// Each value Render asks for (`sync: false`), once: those of an environment group under
    /// the group, the others under their service, each with what to enter.
    pub asked_values: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// A connection URL to a private service that Render asks for (`sync: false`) because a
/// Blueprint cannot build it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedUrl {
    /// The service reading it.
    pub client: String,
    /// Its variable.
    pub key: String,
    /// What to enter, with `<SECRET>` and `<database host>` placeholders.
    pub url: String,
    /// The private service it reaches.
    pub database: String,
}

pub fn lower(project: &ValidProject, stack: &ValidStack) -> Result<Lowered, Error> {
    let mut plan = Plan::new(project, stack, &RENDER)?;
    let prefix = format!("{}-{}", stack.name, stack.env());
    let name = |service: &str| format!("{prefix}-{service}");
    let mut services = Vec::new();
    let mut databases = Vec::new();
    let mut asked = Asked::new(stack);
    let self_hosted = stack
        .services()
        .filter(|s| s.run == stack_dsl::Run::Continuously)
        .filter_map(|s| Some((s, s.datastore.as_ref()?)))
        .filter(|(_, d)| !RENDER.manages(d.engine))
        .map(|(s, d)| format!("{} ({})", s.name, d.engine.product()))
        .collect();

    for database in plan.databases.clone() {
        match database.datastore.engine {
            Engine::Postgres { major } => databases.push(postgres(&name(&database.name), &database, major)),
            Engine::Redis { .. } => services.push(key_value(&plan, &name(&database.name), &database)),
            // Never provided: Render manages neither (`RENDER.managed_engines`), so the plan
            // deploys them as private services with a disk.
            Engine::Mysql { .. } | Engine::Mariadb { .. } | Engine::Mongo { .. } => {}
        }
    }
    let deployed: Vec<_> = plan.deployed().map(|(s, p)| (s, p.clone())).collect();
    for (service, placement) in deployed {
        // "You can attach a persistent disk to a paid Render web service, private service, or
        // background worker" (<https://render.com/docs/disks>): a cron job has none, so a job
        // whose output is its volume would run and lose it every time.
        if let (Placement::Cron(_), Some((volume, mount))) = (&placement, plan.largest_volume(service)) {
            let message = format!(
                "not deployed on Render: a cron job has no disk, and the job writes to volume {} at {}, which would be lost when each run ends; run it where its output persists, or send the output to object storage",
                volume.name, mount.target
            );
            plan.warn(&service.name, message);
            continue;
        }
        let lowered = match service.static_site() {
            Some(site) if plan.facts.static_hosting => static_site(&mut plan, &name, service, site, &mut asked),
            _ => lower_service(&mut plan, &name, service, &placement, &mut asked)?,
        };
        services.push(lowered);
    }
    let mut taken = std::collections::HashSet::new();
    let mut env_var_groups = share_declared_groups(&prefix, stack, &mut services, groupable, &mut taken);
    env_var_groups.extend(share_common_values(&prefix, &mut services, taken, |service, var| {
        asked.entered(service, var).map(str::to_string)
    }));
    let asked_values = asked.list(&prefix, &services, &env_var_groups);
    Ok(Lowered {
        environment: Environment { name: stack.env().to_string(), services, databases, env_var_groups },
        self_hosted,
        asked_urls: asked.urls,
        asked_values,
        warnings: plan.warnings,
    })
}

fn postgres(name: &str, database: &ProvidedDatabase, major: u16) -> Database {
    Database {
        name: name.into(),
        database_name: database.datastore.database.clone(),
        user: database.datastore.user.clone(),
        postgres_major_version: major.to_string(),
        disk_size_gb: database.volume.as_ref().and_then(|v| v.size).map(gigabytes),
        // Empty: only services of the environment connect, over the private network.
        ip_allow_list: Vec::new(),
    }
}

fn key_value(plan: &Plan, name: &str, database: &ProvidedDatabase) -> Service {
    // The eviction policy is the one redis-server setting Render lets a Blueprint choose.
    let command = plan.stack.service(&database.name).and_then(|s| s.command.as_deref()).unwrap_or_default();
    // Without one, the container runs with redis-server's default, which evicts nothing ("The
    // default is: maxmemory-policy noeviction": <https://raw.githubusercontent.com/redis/redis/7.2/redis.conf>):
    // Key Value is given the same, so a queue or broker never loses what it holds.
    let policy = command
        .iter()
        .position(|a| a == "--maxmemory-policy")
        .and_then(|i| command.get(i + 1))
        .map_or(REDIS_DEFAULT_EVICTION, String::as_str);
    Service {
        kind: ServiceType::Keyvalue,
        name: name.into(),
        ip_allow_list: Some(Vec::new()),
        maxmemory_policy: Some(policy.into()),
        ..Service::default()
    }
}

fn gigabytes(size: stack_dsl::Memory) -> u64 {
    size.bytes().div_ceil(1 << 30).max(1)
}

fn lower_service<'a>(
    plan: &mut Plan<'a>,
    name: &dyn Fn(&str) -> String,
    service: &'a ModelService,
    placement: &Placement,
    asked: &mut Asked,
) -> Result<Service, Error> {
    let kind = match placement {
        Placement::Public => ServiceType::Web,
        Placement::Private => ServiceType::Pserv,
        Placement::Cron(_) => ServiceType::Cron,
        _ => ServiceType::Worker,
    };
    let mut out = Service { kind, name: name(&service.name), ..Service::default() };
    match (&service.image, plan.pushed_image(service)) {
        // The image the pipeline built, scanned and pushed: the deploy workflow deploys each
        // commit's tag through Render's API, so nothing is rebuilt from the repository. Render
        // pulls `image.url` when the Blueprint creates the service: the environment's tag.
        (_, Some(pushed)) => {
            out.runtime = Some(Runtime::Image);
            let credential = plan.project.pipeline().map_or("", |p| p.registry.host()).to_string();
            out.image = Some(super::model::Image {
                url: pushed.at_environment_tag(),
                creds: Some(RegistryCredential { from_registry_creds: CredentialName { name: credential } }),
            });
        }
        (Image::Registry(reference), None) => {
            out.runtime = Some(Runtime::Image);
            let url = plan.registry_image(service, reference).to_string();
            out.image = Some(super::model::Image { url, creds: None });
        }
        (Image::Build(build), None) => {
            out.runtime = Some(Runtime::Docker);
            let context = build.context.trim_start_matches("./").trim_end_matches('/');
            let context = if context.is_empty() || context == "." { "." } else { context };
            let dockerfile = build.dockerfile.as_deref().unwrap_or("Dockerfile");
            out.docker_context = Some(format!("./{}", context.trim_start_matches('.').trim_start_matches('/')));
            out.dockerfile_path =
                Some(if context == "." { format!("./{dockerfile}") } else { format!("./{context}/{dockerfile}") });
            if build.target.is_some() {
                plan.warn(
                    &service.name,
                    "Render builds the Dockerfile's last stage; the build target is not used".into(),
                );
            }
        }
    }
    if out.runtime == Some(Runtime::Docker) || plan.project.pipeline().is_some() {
        out.auto_deploy_trigger = Some(auto_deploy_trigger(plan, service).into());
    }
    out.docker_command = plan.start_command(service);
    if let Placement::Cron(schedule) = placement {
        out.schedule = Some(schedule.clone());
    }
    out.pre_deploy_command = pre_deploy_command(plan, service)?;

    let mut unportable = Vec::new();
    match (&service.healthcheck, kind) {
        (Some(probe), ServiceType::Web) => match &probe.check {
            Check::Http { path, .. } => out.health_check_path = Some(path.clone()),
            _ => unportable.push("a health check other than HTTP (Render polls a path)".into()),
        },
        (Some(_), _) => unportable.push("a health check (Render checks web services only)".into()),
        _ => {}
    }
    if service.liveness.is_some() {
        unportable.push("a separate liveness check (the health check path serves for both)".into());
    }
    if kind != ServiceType::Cron {
        scale(service, &mut out)?;
    }
    let mut applied = Vec::new();
    out.plan = Some(instance_type(plan, service, &mut applied));
    if kind == ServiceType::Web {
        out.domains = custom_domains(plan, service);
    }

    // A cron job with a volume is left out above.
    let volume = plan.storage(service);
    plan.check_volume_scaling(service, volume)?;
    out.disk = volume.map(|(volume, mount)| {
        let (size, default) = applied_defaults::volume_size(volume, plan.stack.applied_defaults());
        applied.extend(default);
        Disk { name: volume.name.clone(), mount_path: mount.target.clone(), size_gb: Some(gigabytes(size)) }
    });
    let env = plan.stack.env().to_string();
    plan.warnings.extend(applied_defaults::warning(RENDER.target, &env, &service.name, &applied));
    plan.report_unportable(service, unportable);

    out.env_vars = env_vars(plan, name, service, asked)?;
    let checked = out.health_check_path.is_some();
    if let Some((key, list)) = plan.allowlist_with_platform_hosts(service, placement, checked) {
        for var in &mut out.env_vars {
            if let EnvVar::Value { key: k, value } = var
                && *k == key
            {
                *value = list.clone();
            }
        }
    }
    Ok(out)
}

/// A static front end as a Render Static Site: Render runs the build in the root directory and
/// serves the publish directory (relative to it: <https://render.com/docs/monorepo-support>)
/// from its CDN, so the service's container is not used. Its variables reach the build only.
fn static_site<'a>(
    plan: &mut Plan<'a>,
    name: &dyn Fn(&str) -> String,
    service: &'a ModelService,
    site: &StaticSite,
    asked: &mut Asked,
) -> Service {
    plan.warn(
        &service.name,
        "served by Render's static hosting from its build; the container (image, command, port, mounts, health check, instances, resources, user) is not used".into(),
    );
    let mut env_vars = Vec::new();
    for (key, value) in &service.env {
        match value {
            EnvValue::Literal(text) => env_vars.push(EnvVar::Value { key: key.clone(), value: text.clone() }),
            _ => plan.warn(
                &service.name,
                format!("{key} is not passed to the static build: what it compiles in is downloaded by every browser, so only plain values are"),
            ),
        }
    }
    if let Image::Build(build) = &service.image {
        let placeholders = crate::public_origin::placeholder_routes(plan.stack);
        for (key, value) in &build.args {
            if env_vars.iter().any(|v| v.key() == Some(key)) {
                continue;
            }
            // A placeholder host compiled into the site would be every browser's API origin:
            // the real value is asked for on the first apply instead.
            let (shape, named) = crate::public_origin::spell_hosts(value, &placeholders, custom_domain);
            if let Some(target) = named.first() {
                plan.warn(
                    &service.name,
                    format!(
                        "build argument {key} names {target}'s placeholder host: Render asks for it when the Blueprint is first applied (sync: false), as the Blueprint's header lists"
                    ),
                );
                asked.ask(&name(&service.name), key, format!(" = {shape} ({ENTER_HOST})"));
                env_vars.push(EnvVar::Prompted { key: key.clone(), sync: false });
            } else {
                env_vars.push(EnvVar::Value { key: key.clone(), value: value.clone() });
            }
        }
    }
    let routes = if site.single_page_app {
        vec![StaticRoute { kind: "rewrite".into(), source: "/*".into(), destination: "/index.html".into() }]
    } else {
        Vec::new()
    };
    Service {
        kind: ServiceType::Web,
        name: name(&service.name),
        runtime: Some(Runtime::Static),
        root_dir: Some(site.root.trim_start_matches("./").trim_end_matches('/').to_string()),
        build_command: Some(site.build_command.clone()),
        static_publish_path: Some(site.publish_dir.trim_start_matches("./").to_string()),
        routes,
        auto_deploy_trigger: Some(auto_deploy_trigger(plan, service).into()),
        domains: custom_domains(plan, service),
        env_vars,
        ..Service::default()
    }
}

/// When Render deploys a service built from the repository on its own (`autoDeployTrigger`,
/// <https://render.com/docs/blueprint-spec#autodeploytrigger>): on each commit without a
/// pipeline; never with one, so that only a commit the pipeline tested, scanned and approved is
/// deployed, by the deploy workflow when it deploys to Render, else by hand (reported).
fn auto_deploy_trigger(plan: &mut Plan, service: &ModelService) -> &'static str {
    let Some(pipeline) = plan.project.pipeline() else { return "commit" };
    if pipeline.target != stack_dsl::DeployTarget::Render {
        let message = format!(
            "Render does not deploy it on push (autoDeployTrigger: off), and the pipeline deploys to {}: deploy a commit the pipeline approved from the service's Manual Deploy menu",
            pipeline.target.name()
        );
        plan.warn(&service.name, message);
    }
    "off"
}

/// The commands of the jobs this service runs before each deploy, one after the other.
fn pre_deploy_command(plan: &Plan, service: &ModelService) -> Result<Option<String>, Error> {
    plan.pre_deploy_command(service).transpose().map_err(|job| Error::Unsupported {
        target: "render",
        service: job.clone(),
        reason: "Render runs a job as a pre-deploy command, and the job has no command of its own".into(),
        fix: format!("Give {job} a .command([...])"),
    })
}

fn scale(service: &ModelService, out: &mut Service) -> Result<(), Error> {
    if let Some(autoscale) = service.autoscale {
        if autoscale.target_cpu_percent > MAX_TARGET_CPU {
            return Err(Error::Unsupported {
                target: "render",
                service: service.name.clone(),
                reason: format!(
                    "Render autoscales on a CPU target of at most {MAX_TARGET_CPU}%, not {}%",
                    autoscale.target_cpu_percent
                ),
                fix: format!("Use Autoscale::target_cpu({MAX_TARGET_CPU}) or less"),
            });
        }
        out.scaling = Some(Scaling {
            min_instances: autoscale.min,
            max_instances: autoscale.max,
            target_cpu_percent: autoscale.target_cpu_percent,
        });
    } else if service.replicas > 1 {
        out.num_instances = Some(service.replicas);
    }
    Ok(())
}

/// The smallest instance type that holds the service's CPU and memory limits, the stack's
/// default limits standing in for those it does not state (and reported with the type).
fn instance_type(plan: &mut Plan, service: &ModelService, applied: &mut Vec<Applied>) -> String {
    let defaults = plan.stack.applied_defaults();
    let (filled, limits) = applied_defaults::resources(&service.resources, defaults, Written::Limits);
    let cpu = filled.cpu_limit.map_or(0, |c| c.as_millis());
    let memory = filled.memory_limit.map_or(0, |m| m.as_mib());
    let fits = PLANS.iter().find(|(_, c, m)| *c >= cpu && *m >= memory);
    let (name, _, _) = fits.copied().unwrap_or(PLANS[PLANS.len() - 1]);
    if fits.is_none() {
        let message =
            format!("no Render instance type holds {cpu}m CPU and {memory} MiB; the largest, {name}, is used");
        plan.warn(&service.name, message);
    }
    if !limits.is_empty() {
        applied.extend(limits);
        applied.push(Applied::choice("instance type", name, "the limits above"));
    }
    name.into()
}

/// The custom domains of `service`; a placeholder host is left out and reported, since Render
/// would try to verify and certify a name no one can point at it.
fn custom_domains<'a>(plan: &mut Plan<'a>, service: &'a ModelService) -> Vec<String> {
    let env = plan.stack.env();
    let mut domains = Vec::new();
    for route in plan.domains(service) {
        if crate::facts::reserved_hosts::stands_in(env, &route.host) {
            let message = format!(
                "{} is a placeholder, so it is not a custom domain here: add {}'s real host in the dashboard (Settings › Custom Domains) once the team names it",
                route.host, service.name
            );
            plan.warn(&service.name, message);
        } else {
            domains.push(route.host.clone());
        }
    }
    domains
}

/// The database service running its image on Render that already receives `secret` (as
/// `MARIADB_PASSWORD`), and that variable, when `service` is another: its value comes from
/// there (`fromService` with `envVarKey`, <https://render.com/docs/blueprint-spec#environment-variables>),
/// so Render asks for the password once and both hold the same value.
fn holder<'a>(plan: &Plan<'a>, service: &ModelService, secret: &str) -> Option<(&'a ModelService, &'a str)> {
    plan.stack
        .services()
        .filter(|s| s.name != service.name && plan.facts.runs_datastore_image(s))
        .filter(|s| matches!(plan.placements.get(&s.name), Some(Placement::Private | Placement::Public)))
        .find_map(|s| {
            let (variable, _) =
                s.env.iter().find(|(_, value)| matches!(value, EnvValue::Secret(r) if r.name() == secret))?;
            Some((s, variable.as_str()))
        })
}

/// What Render asks for on the first apply, to say what to enter.
pub struct Asked {
    /// Each connection URL to a private service.
    pub urls: Vec<AskedUrl>,
    /// What to enter for each prompted variable, by Render service name and key: ` = <exact
    /// shape> (…)` when the model knows the shape, `: <description>` for a secret.
    entered: std::collections::HashMap<(String, String), String>,
    hints: crate::secret_hint::SecretHints,
}

impl Asked {
    fn new(stack: &ValidStack) -> Self {
        Asked {
            urls: Vec::new(),
            entered: std::collections::HashMap::new(),
            hints: crate::secret_hint::SecretHints::new(stack),
        }
    }

    /// Render asks for `key` of the Render service `service`; `entered` says what to enter.
    fn ask(&mut self, service: &str, key: &str, entered: String) {
        self.entered.insert((service.to_string(), key.to_string()), entered);
    }

    /// What to enter for `var` of the Render service `service`, when Render asks for it.
    fn entered(&self, service: &str, var: &EnvVar) -> Option<&str> {
        let EnvVar::Prompted { key, .. } = var else { return None };
        self.entered.get(&(service.to_string(), key.clone())).map(String::as_str)
    }

    /// Every prompted value once, where Render asks for it: a group's under the group (its
    /// members read the one value), the others under their service.
    fn list(&self, prefix: &str, services: &[Service], groups: &[EnvVarGroup]) -> Vec<String> {
        let short =
            |name: &str| name.strip_prefix(prefix).and_then(|n| n.strip_prefix('-')).unwrap_or(name).to_string();
        let mut out = Vec::new();
        for group in groups {
            let members: Vec<&Service> = services
                .iter()
                .filter(|s| {
                    s.env_vars.iter().any(|v| matches!(v, EnvVar::Group { from_group } if *from_group == group.name))
                })
                .collect();
            let names: Vec<String> = members.iter().map(|s| short(&s.name)).collect();
            for var in group.env_vars.iter().filter(|v| matches!(v, EnvVar::Prompted { .. })) {
                let entered = members.iter().find_map(|s| self.entered(&s.name, var)).unwrap_or(UNKNOWN_SHAPE);
                let key = var.key().unwrap_or_default();
                out.push(format!("{key} in environment group {} (read by {}){entered}", group.name, names.join(", ")));
            }
        }
        for service in services {
            for var in service.env_vars.iter().filter(|v| matches!(v, EnvVar::Prompted { .. })) {
                let entered = self.entered(&service.name, var).unwrap_or(UNKNOWN_SHAPE);
                out.push(format!("{} in service {}{entered}", var.key().unwrap_or_default(), service.name));
            }
        }
        out
    }
}

/// Render prompts during "New Blueprint Instance", before any service exists: the host is the
/// one the team will add, as a custom domain, once the apply has created the service.
const ENTER_HOST: &str =
    "enter the host you will add; after the apply, add it under the service's Settings › Custom Domains";

/// What the list says of a prompted value the lowering gave no hint for.
const UNKNOWN_SHAPE: &str = ": the value the service expects";

/// How the notes spell the custom domain the team adds to `service` in place of its placeholder.
fn custom_domain(service: &str) -> String {
    format!("<{service}'s custom domain>")
}

/// The service's variables, build arguments included: Render passes a Docker service's
/// variables to the build as build arguments.
fn env_vars<'a>(
    plan: &mut Plan<'a>,
    name: &dyn Fn(&str) -> String,
    service: &'a ModelService,
    asked: &mut Asked,
) -> Result<Vec<EnvVar>, Error> {
    let mut vars = Vec::new();
    for (key, value) in &service.env {
        let key = key.clone();
        let var = match plan.value(service, value)? {
            Value::Text(value) => EnvVar::Value { key, value },
            Value::Secret(secret) if let Some((holder, variable)) = holder(plan, service, &secret.name) => {
                EnvVar::Service {
                    key,
                    from_service: FromService {
                        kind: service_type(plan, &holder.name),
                        name: name(&holder.name),
                        property: None,
                        env_var_key: Some(variable.into()),
                    },
                }
            }
            Value::Secret(secret) if secret.generated => EnvVar::Generated { key, generate_value: true },
            Value::Secret(secret) => {
                let hint = asked.hints.of(&secret.name);
                asked.ask(&name(&service.name), &key, format!(": {hint}"));
                EnvVar::Prompted { key, sync: false }
            }
            Value::Database { name: database, output } => database_reference(plan, name, key, &database, output)?,
            Value::Service { name: target, output } => {
                let kind = service_type(plan, &target);
                let property = if output == Output::Port { "port" } else { "host" };
                EnvVar::Service {
                    key,
                    from_service: FromService {
                        kind,
                        name: name(&target),
                        property: Some(property.into()),
                        env_var_key: None,
                    },
                }
            }
            // A blueprint value is a literal or one property of another resource, never a
            // string built from several (<https://render.com/docs/blueprint-spec#environment-variables>),
            // and a private service's host name gets a suffix Render picks: the URL is asked for
            // in the dashboard when the Blueprint is applied (`sync: false`).
            Value::Connection(connection) => {
                let url = connection.spell(|secret| format!("<{}>", secret.name()));
                let url = url.replacen(&format!("@{}:", connection.host), &format!("@<{} host>:", connection.host), 1);
                let message = format!(
                    "Render cannot build {key} from {}'s private address and password: enter it in the dashboard as {url}, with the host from {}'s Connect menu",
                    connection.service, connection.service
                );
                plan.warn(&service.name, message);
                asked.ask(
                    &name(&service.name),
                    &key,
                    format!(" = {url}, with {}'s host, in the steps of its first deploy above", connection.service),
                );
                asked.urls.push(AskedUrl {
                    client: service.name.clone(),
                    key: key.clone(),
                    url,
                    database: connection.service.clone(),
                });
                EnvVar::Prompted { key, sync: false }
            }
            // Render has no reference to another service's custom domain (`fromService` gives
            // `host`, `port`, `hostport` and its variables; RENDER_EXTERNAL_HOSTNAME is only the
            // `.onrender.com` host: <https://render.com/docs/environment-variables>), so the real
            // origin is set once in the dashboard, which Render asks for on the first apply.
            Value::PublicOrigin { name: target, scheme } => {
                let what = if scheme.is_some() { "origin" } else { "host" };
                let mut shape = match scheme {
                    Some(scheme) => format!("{scheme}://{}", custom_domain(&target)),
                    None => custom_domain(&target),
                };
                // A host allowlist also admits the host Render itself reaches the service by.
                if scheme.is_none()
                    && service
                        .framework
                        .and_then(crate::facts::frameworks::host_allowlist)
                        .is_some_and(|a| a.variable == key)
                    && plan.placements.get(service.name.as_str()).is_some_and(|p| *p == Placement::Public)
                    && let Some(own) = plan.facts.own_public_domain
                {
                    shape.push(',');
                    shape.push_str(own);
                }
                plan.warn(
                    &service.name,
                    format!(
                        "{key} is the public {what} of {target}, whose host the stack leaves a placeholder: Render asks for it when the Blueprint is first applied (sync: false), once where it is entered, as the Blueprint's header lists"
                    ),
                );
                asked.ask(&name(&service.name), &key, format!(" = {shape} ({ENTER_HOST})"));
                EnvVar::Prompted { key, sync: false }
            }
            // Render names a service on the private network `<name>-<suffix>` ("service address
            // elastic-qeqj:10000"), known only once it exists; `fromService` hands it over as
            // `host:port` (`hostport`), and "you may need to append a URL scheme":
            // <https://render.com/docs/private-services#connecting-to-a-private-service>.
            Value::ServiceUrl { name: target, scheme, port: _, path } => {
                let mut lost = format!("{scheme}://");
                lost.push_str(if path.is_empty() { "" } else { " and the path " });
                lost.push_str(&path);
                let message = format!(
                    "Render hands over {target}'s private address as host:port; {key} gets it without {lost}, which the application must add"
                );
                plan.warn(&service.name, message);
                let kind = service_type(plan, &target);
                EnvVar::Service {
                    key,
                    from_service: FromService {
                        kind,
                        name: name(&target),
                        property: Some("hostport".into()),
                        env_var_key: None,
                    },
                }
            }
        };
        vars.push(var);
    }
    for (key, value) in plan.build_variables(service) {
        vars.push(EnvVar::Value { key: key.into(), value: value.into() });
    }
    Ok(vars)
}

fn database_reference(
    plan: &Plan,
    name: &dyn Fn(&str) -> String,
    key: String,
    database: &str,
    output: Output,
) -> Result<EnvVar, Error> {
    // The plan only refers to its own databases; PostgreSQL is the spelling of last resort.
    let engine = plan.database(database).map_or(Engine::Postgres { major: 0 }, |d| d.datastore.engine);
    let property = match output {
        Output::Url => "connectionString",
        Output::Host => "host",
        Output::Port => "port",
        Output::Password => "password",
        // Render creates the database with the Blueprint's `user` and `databaseName`:
        // <https://render.com/docs/blueprint-spec#databases>.
        Output::Field(DatabaseField::User) => "user",
        Output::Field(DatabaseField::Name) => "database",
    };
    Ok(match engine {
        // Only PostgreSQL and Redis are provided (`RENDER.managed_engines`).
        Engine::Postgres { .. } | Engine::Mysql { .. } | Engine::Mariadb { .. } | Engine::Mongo { .. } => {
            EnvVar::Database { key, from_database: FromDatabase { name: name(database), property: property.into() } }
        }
        Engine::Redis { .. } if matches!(output, Output::Password | Output::Field(DatabaseField::User)) => {
            return Err(Error::Unsupported {
                target: "render",
                service: database.into(),
                reason:
                    "Render Key Value has no user or password to hand out; it accepts connections from the private network only"
                        .into(),
                fix: format!("Use {database}.database_url() instead of its credentials"),
            });
        }
        // A Redis database is an index the application picks.
        Engine::Redis { .. } if output == Output::Field(DatabaseField::Name) => {
            let index = plan.database(database).and_then(|d| DatabaseField::Name.of(&d.datastore)).unwrap_or_default();
            EnvVar::Value { key, value: index.into() }
        }
        Engine::Redis { .. } => EnvVar::Service {
            key,
            from_service: FromService {
                kind: ServiceType::Keyvalue,
                name: name(database),
                property: Some(property.into()),
                env_var_key: None,
            },
        },
    })
}

fn service_type(plan: &Plan, service: &str) -> ServiceType {
    match plan.placements.get(service) {
        Some(Placement::Public) => ServiceType::Web,
        Some(Placement::Worker) => ServiceType::Worker,
        Some(Placement::Cron(_)) => ServiceType::Cron,
        _ => ServiceType::Pserv,
    }
}

/// What a Render environment group can hold: values, generated values and values asked for in
/// the dashboard, not references to databases or services.
fn groupable(var: &EnvVar) -> bool {
    matches!(var, EnvVar::Value { .. } | EnvVar::Generated { .. } | EnvVar::Prompted { .. })
}

/// Move every value that several services set identically (a literal, or a secret that must be
/// the same everywhere, such as a signing key) into an environment group, one group per set of
/// services sharing it: a group's generated or prompted secret has one value for all its members.
fn share_common_values(
    prefix: &str,
    services: &mut [Service],
    mut taken: std::collections::HashSet<String>,
    meaning: impl Fn(&str, &EnvVar) -> Option<String>,
) -> Vec<EnvVarGroup> {
    // Every groupable variable, and the services setting it exactly so: a value Render asks for
    // is one value only where it means the same (what to enter), not merely where the key does.
    let mut users: IndexMap<(EnvVar, Option<String>), Vec<usize>> = IndexMap::new();
    for (i, service) in services.iter().enumerate() {
        for var in service.env_vars.iter().filter(|v| groupable(v)) {
            users.entry((var.clone(), meaning(&service.name, var))).or_default().push(i);
        }
    }
    let mut groups: IndexMap<Vec<usize>, Vec<EnvVar>> = IndexMap::new();
    for ((var, _), members) in users {
        if members.len() > 1 {
            groups.entry(members).or_default().push(var);
        }
    }
    let mut out = Vec::new();
    for (members, vars) in groups {
        let suffix: Vec<&str> = members.iter().map(|&i| &services[i].name[prefix.len() + 1..]).collect();
        let name = group_name(prefix, &suffix, &mut taken);
        for &i in &members {
            let env_vars = &mut services[i].env_vars;
            let at = env_vars.iter().position(|v| vars.contains(v)).unwrap_or(0);
            env_vars.retain(|v| !vars.contains(v));
            env_vars.insert(at, EnvVar::Group { from_group: name.clone() });
        }
        out.push(EnvVarGroup { name, env_vars: vars });
    }
    out
}

/// The longest name a group gets by joining its members' names; past it the name is the first
/// member and a count, so names stay readable and do not grow with the stack.
const JOINED_GROUP_NAME_MAX: usize = 63;

/// The name of the group `members` share (their names without the stack's prefix): the names
/// joined with `-`, or past [`JOINED_GROUP_NAME_MAX`] the first and how many more; then `-2`,
/// `-3`… when taken, since joined names can repeat (`api-web` + `worker`, `api` + `web-worker`).
fn group_name(prefix: &str, members: &[&str], taken: &mut std::collections::HashSet<String>) -> String {
    let joined = format!("{prefix}-{}", members.join("-"));
    let base = match members {
        [first, rest @ ..] if joined.len() > JOINED_GROUP_NAME_MAX => {
            format!("{prefix}-{first}-and-{}-more", rest.len())
        }
        _ => joined,
    };
    let name = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or(base);
    taken.insert(name.clone());
    name
}

#[cfg(test)]
mod group_name_tests {
    use super::group_name;

    #[test]
    fn short_names_join_members_and_long_ones_stay_bounded() {
        let mut taken = std::collections::HashSet::new();
        assert_eq!(group_name("shop-production", &["api", "web"], &mut taken), "shop-production-api-web");
        assert_eq!(group_name("shop-production", &["api-web"], &mut taken), "shop-production-api-web-2");
        let many: Vec<String> = (0..1000).map(|i| format!("svc-{i:04}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let name = group_name("shop-production", &many, &mut taken);
        assert_eq!(name, "shop-production-svc-0000-and-999-more");
        assert_eq!(group_name("shop-production", &many, &mut taken), "shop-production-svc-0000-and-999-more-2");
    }
}
