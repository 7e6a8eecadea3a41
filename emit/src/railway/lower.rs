//! Lowering one hosted environment's stack into the Railway resources it needs, following the
//! platform plan (`managed_platform.rs`). The `railway/iac` API: the `railway` npm package 3.11,
//! `dist/iac/index.d.ts` (<https://github.com/railwayapp/railway-ts-sdk>).

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use stack_dsl::{Check, DatabaseField, Engine, EnvValue, Image, Restart, Run, Service, ValidProject, ValidStack};

use super::identifiers::{Key, Kind};
use super::ts::Ts;
use crate::bundle::Warning;
use crate::endpoint::Connection;
use crate::error::Error;
use crate::facts::platforms::RAILWAY;
use crate::managed_platform::{Output, Placement, Plan, Value, command_line, engine_name};

/// Names the program imports from `railway/iac`; constants must not shadow them.
pub const IMPORTS: [&str; 9] =
    ["createRailwayContext", "defineRailway", "image", "postgres", "preserve", "project", "redis", "service", "volume"];

/// One resource of the program: `const <ident> = <function>("<name>", { config })`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// `service`, `postgres`, `redis`, `volume`.
    pub function: &'static str,
    /// The resource's name on Railway.
    pub name: String,
    /// Its configuration, by property.
    pub config: IndexMap<String, Ts>,
    /// Its variables (services only).
    pub env: IndexMap<String, Ts>,
}

/// The resources of one environment, by kind and name, in declaration order; and what could
/// not be expressed.
pub struct Lowered {
    pub resources: IndexMap<Key, Resource>,
    pub warnings: Vec<Warning>,
    /// A service runs the pipeline's image at the tag in [`IMAGE_TAG_CONSTANT`].
    pub uses_image_tag: bool,
    /// A variable reads a placeholder host's real one through [`super::PUBLIC_HOST_FUNCTION`].
    pub uses_public_host: bool,
    /// The `PUBLIC_HOST_<SERVICE>` variables the program reads, in order, each with whether a
    /// service built from the repository reads it (a build argument, baked into the build).
    pub public_hosts: Vec<(String, Option<String>)>,
    /// The services Railway builds from a repository the program cannot name, in order.
    pub built_from_repository: Vec<String>,
    /// The public services without a custom domain, which get no public address from the program.
    pub without_domain: Vec<String>,
    /// The custom domains, which the program cannot register ([`super::CustomDomain`]).
    pub domains: Vec<super::CustomDomain>,
    /// The secrets written `preserve()`: Railway keeps what is set on the service and sets
    /// nothing on a service the apply creates.
    pub preserved: Vec<SecretRead>,
    /// The shared variables the program reads (`ctx.shared.NAME`), in order, each with the
    /// first service reading it: Railway resolves `${{shared.NAME}}` from the environment's
    /// shared variables, which the program cannot set.
    pub shared: Vec<SecretRead>,
}

/// A secret a service of the program reads from outside it (a preserved variable or a shared one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRead {
    /// The secret's name; a shared variable's name too.
    pub name: String,
    /// The service reading it.
    pub service: String,
    /// The service's variable holding it.
    pub key: String,
}

/// A variable Railway keeps as it is set on the service (npm `railway` 3.11, `preserve()`).
/// The SDK's `ctx.randomString(label)` is no generator for secrets: it is the SHA-256 of
/// `railway-iac:<environment>:<label>` (`dist/index.js`), which anyone reading the program can
/// compute, so a secret is preserved and the deploy checks that it is set.
const PRESERVE: &str = "preserve()";

/// How the program reads a shared variable: `ctx.shared.NAME` compiles to `${{shared.NAME}}`
/// (CLI 5.63.1, `src/iac/compiler.rs`).
const SHARED: &str = "ctx.shared.";

/// The program's constant holding the commit tag of the pipeline's images: the `IMAGE_TAG` the
/// deploy workflow sets, `undefined` outside the pipeline (the environment's tag is used then).
pub const IMAGE_TAG_CONSTANT: &str = "imageTag";

pub fn lower(project: &ValidProject, stack: &ValidStack) -> Result<Lowered, Error> {
    let mut plan = Plan::new(project, stack, &RAILWAY)?;
    let mut resources = IndexMap::new();
    for database in plan.databases.clone() {
        let engine = database.datastore.engine;
        let railway_major = RAILWAY.managed_major(engine).unwrap_or_default();
        let (function, major) = match engine {
            Engine::Postgres { major } => ("postgres", major),
            Engine::Redis { major } => ("redis", major),
            // Never provided (`RAILWAY.managed_engines`): the plan deploys their images.
            Engine::Mysql { .. } | Engine::Mariadb { .. } | Engine::Mongo { .. } => continue,
        };
        if major != railway_major {
            let message = format!(
                "Railway's {function}() template runs version {railway_major}, not the {} the stack asks for: check the application against it",
                engine_name(&database.datastore)
            );
            plan.warn(&database.name, message);
        }
        let resource =
            Resource { function, name: database.name.clone(), config: IndexMap::new(), env: IndexMap::new() };
        resources.insert(Key::new(Kind::Database, &database.name), resource);
    }
    let deployed: Vec<_> = plan.deployed().map(|(s, p)| (s, p.clone())).collect();
    let shared = shared_secrets(plan.stack, deployed.iter().map(|(s, _)| *s));
    let mut uses_image_tag = false;
    let mut uses_public_host = false;
    let mut public_hosts: Vec<(String, Option<String>)> = Vec::new();
    let placeholder_services: Vec<&str> =
        crate::public_origin::placeholder_routes(stack).into_iter().map(|(_, service)| service).collect();
    let mut built_from_repository = Vec::new();
    let mut without_domain = Vec::new();
    let mut custom_domains = Vec::new();
    let mut preserved = Vec::new();
    let mut shared_reads: Vec<SecretRead> = Vec::new();
    for (service, placement) in deployed {
        let volume = plan.storage(service);
        plan.check_volume_scaling(service, volume)?;
        let mut config = IndexMap::new();
        match (&service.image, plan.pushed_image(service)) {
            // The image the pipeline pushed, at the tag the deploy workflow passes in IMAGE_TAG.
            // Without IMAGE_TAG (applied outside the pipeline), the environment's tag, which
            // the pipeline moves to the image it deploys there (`pushed_image.rs`).
            (_, Some(pushed)) => {
                let tag = if pushed.tag_suffix.is_empty() {
                    format!("{IMAGE_TAG_CONSTANT} ?? {}", super::ts::quote(&pushed.environment_tag))
                } else {
                    format!(
                        "{IMAGE_TAG_CONSTANT} ? `${{{IMAGE_TAG_CONSTANT}}}{}` : {}",
                        pushed.tag_suffix,
                        super::ts::quote(&pushed.environment_tag)
                    )
                };
                let reference = format!("`{}:${{{tag}}}`", pushed.repository);
                config.insert("source".into(), Ts::Call("image".into(), vec![Ts::Raw(reference)]));
                uses_image_tag = true;
            }
            (Image::Registry(reference), None) => {
                let reference = plan.registry_image(service, reference);
                config.insert("source".into(), Ts::Call("image".into(), vec![Ts::str(reference)]));
            }
            (Image::Build(build), None) => {
                // The program names no repository (the stack does not know it), so Railway
                // creates the service without a source, and nothing builds until the repository
                // is connected (Settings › Source) or deployed from a checkout with `railway up`:
                // <https://docs.railway.com/reference/services#service-source>. The program says
                // where the Dockerfile is.
                plan.warn(
                    &service.name,
                    format!(
                        "Railway creates the service without a source: connect the repository to it (Settings › Source › Connect Repo) or deploy it with `railway up --service {}`",
                        service.name
                    ),
                );
                built_from_repository.push(service.name.clone());
                let root = build.context.trim_start_matches("./").trim_end_matches('/');
                if !root.is_empty() && root != "." {
                    config.insert("root".into(), Ts::str(root));
                }
                let mut build_config = vec![super::ts::Entry::Field("builder".into(), Ts::str("DOCKERFILE"))];
                if let Some(dockerfile) = &build.dockerfile {
                    build_config.push(super::ts::Entry::Field("dockerfilePath".into(), Ts::str(dockerfile)));
                }
                config.insert("build".into(), Ts::Object(build_config));
            }
        }
        if let Some(command) = plan.start_command(service) {
            config.insert("start".into(), Ts::str(command));
        }
        if let Some(jobs) = plan.pre_deploy.get(&service.name) {
            let commands = jobs.iter().filter_map(|j| j.command.as_deref()).map(|c| Ts::str(command_line(c))).collect();
            config.insert("preDeploy".into(), Ts::Array(commands));
        }
        let mut unportable = Vec::new();
        if let Some(probe) = &service.healthcheck {
            match (&probe.check, &placement) {
                (Check::Http { path, .. }, Placement::Public | Placement::Private) => {
                    config.insert("healthcheck".into(), Ts::str(path));
                    let grace = probe.start_period.unwrap_or_default() + probe.interval * probe.retries;
                    config.insert("healthcheckTimeout".into(), Ts::Num(grace.as_secs().max(1)));
                }
                _ => unportable.push("a health check other than HTTP".into()),
            }
        }
        if service.liveness.is_some() {
            unportable.push("a separate liveness check".into());
        }
        if !service.resources.is_empty() {
            unportable.push("resource limits (set them in the service's settings)".into());
        }
        if let Some(autoscale) = service.autoscale {
            unportable.push(format!("autoscaling ({} replicas run, not up to {})", autoscale.min, autoscale.max));
        }
        if service.replicas > 1 {
            config.insert("replicas".into(), Ts::Num(service.replicas.into()));
        }
        if let Some((volume, mount)) = volume {
            let entry = super::ts::Entry::Field(
                mount.target.clone(),
                Ts::Ref(Key::new(Kind::Volume, &volume.name), String::new()),
            );
            config.insert("volumeMounts".into(), Ts::Object(vec![entry]));
            let resource = Resource {
                function: "volume",
                name: volume.name.clone(),
                config: IndexMap::new(),
                env: IndexMap::new(),
            };
            let mut volume_config = IndexMap::new();
            if let Some(size) = volume.size {
                volume_config.insert("sizeMB".into(), Ts::Num(size.as_mib()));
            }
            resources.insert(Key::new(Kind::Volume, &volume.name), Resource { config: volume_config, ..resource });
        }
        // Each domain names the port it reaches, so traffic does not depend on PORT.
        let domains: Vec<super::CustomDomain> = plan
            .domains(service)
            .into_iter()
            .map(|route| super::CustomDomain {
                service: service.name.clone(),
                host: route.host.clone(),
                port: service.route_port(route).filter(|_| plan.facts.domain_target_port),
            })
            .collect();
        if !domains.is_empty() {
            custom_domains.extend(domains);
        } else if placement == Placement::Public {
            // "Railway services don't obtain a domain automatically", and a generated
            // `*.up.railway.app` domain is named by Railway, so the program cannot declare it:
            // <https://docs.railway.com/guides/public-networking#railway-provided-domain>.
            let message = "Railway gives the service no public address: it has no route of its own (its host was the left-out edge proxy's); generate a domain (Settings › Networking › Generate Domain) or give it a Route".into();
            plan.warn(&service.name, message);
            without_domain.push(service.name.clone());
        }
        let mut deploy = Vec::new();
        if let Run::OnSchedule(schedule) = &service.run {
            deploy.push(super::ts::Entry::Field("cronSchedule".into(), Ts::str(schedule)));
        }
        let restart = match service.effective_restart() {
            Restart::Always | Restart::UnlessStopped => "ALWAYS",
            Restart::OnFailure => "ON_FAILURE",
            Restart::Never => "NEVER",
        };
        deploy.push(super::ts::Entry::Field("restartPolicyType".into(), Ts::str(restart)));
        config.insert("deploy".into(), Ts::Object(deploy));
        plan.report_unportable(service, unportable);
        let mut env = env(&plan, service, &shared)?;
        for (key, value) in &env {
            let Ts::Raw(raw) = value else { continue };
            let read = |name: &str| SecretRead { name: name.into(), service: service.name.clone(), key: key.clone() };
            if let Some(name) = raw.strip_prefix(SHARED) {
                if !shared_reads.iter().any(|r: &SecretRead| r.name == name) {
                    shared_reads.push(read(name));
                }
            } else if raw == PRESERVE
                && let Some(EnvValue::Secret(secret)) = service.env.iter().find(|(k, _)| k == key).map(|(_, v)| v)
            {
                preserved.push(read(secret.name()));
            }
        }
        if let Some((name, port)) = plan.port_variable(service, &placement) {
            env.insert(name, Ts::Str(port));
        }
        for (key, value) in plan.build_variables(service) {
            env.insert(key.into(), Ts::str(value));
        }
        let checked = config.contains_key("healthcheck");
        if let Some((key, list)) = plan.allowlist_with_platform_hosts(service, &placement, checked) {
            env.insert(key, Ts::Str(list));
        }
        for value in env.values_mut() {
            if let Ts::Str(text) = value
                && let Some(template) = with_public_hosts(text, &placeholder_services)
            {
                for routed in &placeholder_services {
                    let variable = crate::public_origin::variable(routed);
                    let built = matches!(service.image, Image::Build(_)).then(|| service.name.clone());
                    let read = RAILWAY.public_domain_of(routed).is_some_and(|domain| text.contains(&domain));
                    if read && !public_hosts.contains(&(variable.clone(), built.clone())) {
                        public_hosts.push((variable, built));
                    }
                }
                *value = template;
                uses_public_host = true;
            }
        }
        resources.insert(
            Key::new(Kind::Service, &service.name),
            Resource { function: "service", name: service.name.clone(), config, env },
        );
    }
    Ok(Lowered {
        resources,
        warnings: plan.warnings,
        uses_image_tag,
        uses_public_host,
        public_hosts,
        built_from_repository,
        without_domain,
        domains: custom_domains,
        preserved,
        shared: shared_reads,
    })
}

/// `text` as a template literal where it names the public domain of a service whose route host
/// is a placeholder (`${{web.RAILWAY_PUBLIC_DOMAIN}}`), which reads the real host from
/// `PUBLIC_HOST_<SERVICE>` when the deploy sets it: Railway's reference is empty until a domain
/// is generated or attached, and the deploy attaches it only after the apply. `None` when it
/// names none.
fn with_public_hosts(text: &str, placeholders: &[&str]) -> Option<Ts> {
    let domain = |service: &str| crate::facts::platforms::RAILWAY.public_domain_of(service).unwrap_or_default();
    if !placeholders.iter().any(|service| text.contains(&domain(service))) {
        return None;
    }
    let mut template = String::from('`');
    let mut rest = text;
    while !rest.is_empty() {
        let next = placeholders
            .iter()
            .filter_map(|service| rest.find(&domain(service)).map(|at| (at, *service)))
            .min_by_key(|(at, _)| *at);
        let literal_end = next.map_or(rest.len(), |(at, _)| at);
        for c in rest[..literal_end].chars() {
            match c {
                '`' | '\\' | '$' => {
                    template.push('\\');
                    template.push(c);
                }
                c => template.push(c),
            }
        }
        let Some((at, service)) = next else { break };
        template.push_str(&format!(
            "${{{}({}, {})}}",
            super::PUBLIC_HOST_FUNCTION,
            super::ts::quote(&crate::public_origin::variable(service)),
            super::ts::quote(service)
        ));
        rest = &rest[at + domain(service).len()..];
    }
    template.push('`');
    Some(Ts::Raw(template))
}

/// The secrets that more than one of `deployed` reads, counted in one pass over the stack, and
/// those of a group a deployed service uses (one value for the whole group): Railway holds each
/// once, as a shared variable.
fn shared_secrets<'a>(stack: &'a stack_dsl::Stack, deployed: impl Iterator<Item = &'a Service>) -> HashSet<&'a str> {
    fn secrets(env: &[(String, stack_dsl::EnvValue)]) -> impl Iterator<Item = &str> {
        env.iter().filter_map(|(_, value)| match value {
            stack_dsl::EnvValue::Secret(secret) => Some(secret.name()),
            _ => None,
        })
    }
    let mut readers: HashMap<&str, usize> = HashMap::new();
    let mut grouped = HashSet::new();
    for service in deployed {
        for group in service.env_groups.iter().filter_map(|g| stack.env_group(g)) {
            grouped.extend(secrets(&group.env));
        }
        for name in secrets(&service.env).collect::<HashSet<_>>() {
            *readers.entry(name).or_default() += 1;
        }
    }
    readers.into_iter().filter(|(_, count)| *count > 1).map(|(name, _)| name).chain(grouped).collect()
}

/// The service's variables: literals, references to databases and services, and secrets as
/// `preserve()` (set in the dashboard) or `ctx.shared.NAME` (one value for every service that
/// reads it, `shared`).
fn env(plan: &Plan, service: &Service, shared: &HashSet<&str>) -> Result<IndexMap<String, Ts>, Error> {
    let mut vars = IndexMap::new();
    for (key, value) in &service.env {
        let ts = match plan.value(service, value)? {
            Value::Text(text) => Ts::Str(text),
            Value::Secret(secret) if shared.contains(secret.name.as_str()) => {
                Ts::Raw(format!("{SHARED}{}", secret.name))
            }
            Value::Secret(_) => Ts::Raw(PRESERVE.into()),
            Value::Database { name, output } => {
                let datastore = plan.database(&name).map(|d| &d.datastore);
                // Variables of Railway's PostgreSQL and Redis templates; `postgres(name, { region })`
                // takes no user or database name, Railway creates its own and publishes them as
                // PGUSER and PGDATABASE (npm `railway` 3.11, `PostgresVariable`, `RedisVariable`).
                let variable = match (datastore.map(|d| d.engine), output) {
                    (Some(Engine::Redis { .. }), Output::Url) => "REDIS_URL",
                    (Some(Engine::Redis { .. }), Output::Host) => "REDISHOST",
                    (Some(Engine::Redis { .. }), Output::Port) => "REDISPORT",
                    (Some(Engine::Redis { .. }), Output::Password) => "REDISPASSWORD",
                    (Some(Engine::Redis { .. }), Output::Field(DatabaseField::User)) => "REDISUSER",
                    // A Redis database is an index the application picks, not a name Railway sets.
                    (Some(Engine::Redis { .. }), Output::Field(field)) => {
                        let index = datastore.and_then(|d| field.of(d)).unwrap_or_default();
                        vars.insert(key.clone(), Ts::str(index));
                        continue;
                    }
                    (_, Output::Url) => "DATABASE_URL",
                    (_, Output::Host) => "PGHOST",
                    (_, Output::Port) => "PGPORT",
                    (_, Output::Password) => "PGPASSWORD",
                    (_, Output::Field(DatabaseField::User)) => "PGUSER",
                    (_, Output::Field(DatabaseField::Name)) => "PGDATABASE",
                };
                Ts::Ref(Key::new(Kind::Database, name), format!(".env.{variable}"))
            }
            Value::Service { name, output: Output::Host } => {
                Ts::Ref(Key::new(Kind::Service, name), ".env.RAILWAY_PRIVATE_DOMAIN".into())
            }
            Value::Service { name, .. } => {
                let port = plan.stack.service(&name).and_then(|s| s.ports.first()).map_or(0, |p| p.number);
                Ts::Str(port.to_string())
            }
            // Railway builds a value from text and other variables, `${{service.VAR}}`
            // (<https://docs.railway.com/reference/variables#template-syntax>): the password is the
            // database service's own variable holding it, so the two never differ.
            Value::Connection(connection) => Ts::Str(connection_url(plan, &connection)?),
            // Railway resolves `${{service.VAR}}` in any variable value, text around it included;
            // RAILWAY_PUBLIC_DOMAIN is the service's public domain, its custom one once attached
            // (<https://docs.railway.com/reference/variables>).
            Value::PublicOrigin { name, scheme } => {
                let host = crate::facts::platforms::RAILWAY.public_domain_of(&name).unwrap_or_default();
                Ts::Str(scheme.map_or(host.clone(), |scheme| format!("{scheme}://{host}")))
            }
            Value::ServiceUrl { name, scheme, port, path } => {
                Ts::Str(format!("{scheme}://{}:{port}{path}", private_domain(&name)))
            }
        };
        vars.insert(key.clone(), ts);
    }
    Ok(vars)
}

/// The private host name of service `name` as a reference to the variable Railway sets to it
/// (`<name>.railway.internal`), so the value follows the service as `svc.env.RAILWAY_PRIVATE_DOMAIN`
/// does and Railway knows the one depends on the other
/// (<https://docs.railway.com/reference/variables#railway-provided-variables>,
/// <https://docs.railway.com/reference/variables#template-syntax>).
fn private_domain(name: &str) -> String {
    format!("${{{{{name}.RAILWAY_PRIVATE_DOMAIN}}}}")
}

/// A self-hosted database's URL with its private host name and `${{name.VAR}}` for the password
/// the database service reads from `VAR`.
fn connection_url(plan: &Plan, connection: &crate::endpoint::Connection) -> Result<String, Error> {
    let database = plan.stack.service(&connection.service);
    let mut missing = None;
    let url = Connection { host: private_domain(&connection.service), ..connection.clone() }.spell(|secret| {
        let held = database.and_then(|s| {
            s.env.iter().find(|(_, v)| matches!(v, stack_dsl::EnvValue::Secret(r) if r == secret)).map(|(k, _)| k)
        });
        match held {
            Some(variable) => format!("${{{{{}.{variable}}}}}", connection.service),
            None => {
                missing = Some(secret.name().to_string());
                String::new()
            }
        }
    });
    match missing {
        None => Ok(url),
        Some(secret) => Err(Error::Unsupported {
            target: "railway",
            service: connection.service.clone(),
            reason: format!(
                "its connection URL takes the password from {secret}, which the service itself does not read, so Railway has no variable to refer to"
            ),
            fix: format!(
                "Pass {secret} to {} in the variable its image initialises the password from",
                connection.service
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stack_dsl::{Env, Port, Probe, Project, Route, Stack};

    /// The production stack `define` builds, validated, lowered.
    fn production(define: impl Fn(&mut Stack) + Send + Sync + 'static) -> Lowered {
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            define(&mut stack);
            stack
        });
        let valid = project.validate().expect("a valid stack");
        lower(&valid, &valid.stacks()[0]).expect("lowers")
    }

    #[test]
    fn traffic_and_health_checks_reach_the_port_the_service_listens_on() {
        let lowered = production(|stack| {
            stack.add_service(
                Service::new("api", Image::new("shop-api:1"))
                    .port(Port::http(8000))
                    .route(Route::new("api.shop.example.com").tls())
                    .healthcheck(Probe::http(8000, "/health")),
            );
            stack.add_service(
                Service::new("admin", Image::new("shop-admin:1"))
                    .port(Port::http(9000))
                    .route(Route::new("admin.shop.example.com").tls()),
            );
            stack.add_service(Service::new("worker", Image::new("shop-api:1")));
        });
        for (name, port) in [("api", 8000u16), ("admin", 9000)] {
            let resource = &lowered.resources[&Key::new(Kind::Service, name)];
            // Railway sends health checks (and domains without a target port) to PORT.
            assert_eq!(resource.env.get("PORT"), Some(&Ts::Str(port.to_string())), "{name}");
            let domain = lowered.domains.iter().find(|d| d.service == name).expect("a domain");
            assert_eq!(domain.port, Some(port), "{name}");
        }
        assert_eq!(
            lowered.resources[&Key::new(Kind::Service, "worker")].env.get("PORT"),
            None,
            "a worker is neither routed nor checked"
        );
    }

    #[test]
    fn a_port_variable_naming_another_port_is_reported() {
        let lowered = production(|stack| {
            stack.add_service(
                Service::new("api", Image::new("shop-api:1"))
                    .port(Port::http(8000))
                    .env("PORT", "3000")
                    .route(Route::new("api.shop.example.com"))
                    .healthcheck(Probe::http(8000, "/health")),
            );
        });
        assert_eq!(lowered.resources[&Key::new(Kind::Service, "api")].env.get("PORT"), Some(&Ts::str("3000")));
        assert!(
            lowered
                .warnings
                .iter()
                .any(|w| w.service == "api" && w.message.contains("PORT") && w.message.contains("8000")),
            "{:?}",
            lowered.warnings
        );
    }

    #[test]
    fn build_arguments_reach_the_build_as_service_variables() {
        let lowered = production(|stack| {
            let build = Image::build("frontend").arg("VITE_API_URL", "https://api.shop.example.com").arg("MODE", "a");
            stack.add_service(Service::new("web", build).env("MODE", "b"));
        });
        let env = &lowered.resources[&Key::new(Kind::Service, "web")].env;
        // Railway hands a service's variables to `docker build` as build arguments.
        assert_eq!(env.get("VITE_API_URL"), Some(&Ts::str("https://api.shop.example.com")));
        assert_eq!(env.get("MODE"), Some(&Ts::str("b")), "the runtime variable wins");
        assert!(lowered.warnings.iter().any(|w| w.service == "web" && w.message.contains("MODE")));
    }

    #[test]
    fn with_a_pipeline_services_run_the_pushed_image_at_the_workflow_tag() {
        let project = Project::new("shop", [Env::Staging, Env::Production], |env| {
            let mut stack = Stack::new("shop");
            let url = if env.is_production() { "https://shop.example.com" } else { "https://staging.shop.example.com" };
            stack.add_service(Service::new("api", Image::build("backend").tag("shop-api")).port(Port::http(8000)));
            stack.add_service(Service::new("web", Image::build("frontend").arg("API_URL", url)).port(Port::http(80)));
            stack
        })
        .pipeline(stack_dsl::Pipeline::new(stack_dsl::DeployTarget::Railway).registry("ghcr.io/acme"));
        let valid = project.validate().expect("valid");
        let lowered = lower(&valid, &valid.stacks()[0]).expect("lowers");
        assert!(lowered.uses_image_tag);
        let source = |name: &str| lowered.resources[&Key::new(Kind::Service, name)].config.get("source").cloned();
        let image = |reference: &str| Some(Ts::Call("image".into(), vec![Ts::Raw(reference.into())]));
        // The commit's tag, else the environment's, which the pipeline moves: never `latest`.
        assert_eq!(source("api"), image("`ghcr.io/acme/shop-api:${imageTag ?? \"staging\"}`"));
        // Its build differs per environment, so the pipeline tags it `<sha>-<env>`.
        assert_eq!(source("web"), image("`ghcr.io/acme/shop-web:${imageTag ? `${imageTag}-staging` : \"staging\"}`"));
        for name in ["api", "web"] {
            let config = &lowered.resources[&Key::new(Kind::Service, name)].config;
            assert!(!config.contains_key("build") && !config.contains_key("root"), "{name} is rebuilt by Railway");
            assert!(
                !lowered.resources[&Key::new(Kind::Service, name)].env.contains_key("API_URL"),
                "the pipeline baked the build arguments in"
            );
        }
    }

    #[test]
    fn a_self_hosted_database_url_refers_to_the_password_variable_of_the_database() {
        let define = |passes_password: bool| {
            move |stack: &mut Stack| {
                let password = stack.add_secret(stack_dsl::Secret::new("SHOP_DB_PASSWORD"));
                let mut mysql = Service::new("mysql", Image::new("mysql:8.4")).port(Port::tcp(3306));
                if passes_password {
                    mysql = mysql.env("MYSQL_PASSWORD", &password);
                }
                let mysql = stack.add_service(
                    mysql.datastore(stack_dsl::Datastore::mysql(8).user("shop").database("shop").password(&password)),
                );
                stack.add_service(
                    Service::new("api", Image::new("shop-api:1")).env("DATABASE_URL", mysql.database_url()),
                );
            }
        };
        let lowered = production(define(true));
        assert_eq!(
            lowered.resources[&Key::new(Kind::Service, "api")].env.get("DATABASE_URL"),
            Some(&Ts::str("mysql://shop:${{mysql.MYSQL_PASSWORD}}@${{mysql.RAILWAY_PRIVATE_DOMAIN}}:3306/shop"))
        );
        let project = Project::new("shop", [Env::Production], move |_| {
            let mut stack = Stack::new("shop");
            define(false)(&mut stack);
            stack
        });
        let valid = project.validate().expect("valid");
        let Err(Error::Unsupported { service, reason, .. }) = lower(&valid, &valid.stacks()[0]) else {
            panic!("a URL whose password no Railway variable holds")
        };
        assert_eq!(service, "mysql");
        assert!(reason.contains("SHOP_DB_PASSWORD"), "{reason}");
    }

    /// A variable naming a placeholder host's Railway domain reads the real host the deploy
    /// hands over first, evaluated by Node as the CLI runs the program: with the variable set
    /// the first deployment already has the real origin, not `https://` and an empty domain.
    #[test]
    fn a_placeholder_hosts_domain_is_read_from_the_deploys_variable_first() {
        let lowered = production(|stack| {
            let web = stack.reference("web");
            stack.add_service(
                Service::new("web", stack_dsl::Image::new("shop-web:1"))
                    .port(Port::http(3000))
                    .route(Route::new("shop.example.com").tls()),
            );
            stack.add_service(
                Service::new("api", stack_dsl::Image::new("shop-api:1"))
                    .port(Port::http(8000))
                    .env("CORS_ORIGINS", web.public_url()),
            );
        });
        assert!(lowered.uses_public_host);
        let api = &lowered.resources[&Key::new(Kind::Service, "api")];
        let Ts::Raw(template) = &api.env["CORS_ORIGINS"] else { panic!("{:?}", api.env["CORS_ORIGINS"]) };
        // Node runs JavaScript: the function's type annotations are dropped.
        let program = format!(
            "{}console.log({template});",
            super::super::public_host_function("set by the test").replace(": string", "")
        );
        let run = |value: Option<&str>| {
            let mut node = std::process::Command::new("node");
            node.arg("-e").arg(&program).env_remove("PUBLIC_HOST_WEB");
            if let Some(value) = value {
                node.env("PUBLIC_HOST_WEB", value);
            }
            let out = node.output().expect("node runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap().trim().to_string()
        };
        assert_eq!(run(Some("shop.acme.io")), "https://shop.acme.io");
        assert_eq!(run(None), "https://${{web.RAILWAY_PUBLIC_DOMAIN}}");
    }

    /// Text around the reference stays as it was inside the template literal.
    #[test]
    fn text_around_a_placeholder_domain_is_kept_literally() {
        let Some(Ts::Raw(template)) = with_public_hosts("a`b${{web.RAILWAY_PUBLIC_DOMAIN}}$x\\", &["web"]) else {
            panic!("not rewritten")
        };
        assert_eq!(template, "`a\\`b${publicHost(\"PUBLIC_HOST_WEB\", \"web\")}\\$x\\\\`");
        assert!(with_public_hosts("https://${{api.RAILWAY_PUBLIC_DOMAIN}}", &["web"]).is_none());
    }
}
