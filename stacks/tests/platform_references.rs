//! Cross-service references on the hosting platforms: for every team stack and hosted
//! environment, every database URL, service address and secret of the model comes out of the
//! committed Render Blueprint as a platform reference (`fromDatabase`, `fromService`,
//! `sync: false`, `generateValue`), never as a literal. Checked over the model, with the golden
//! file read back into the typed Blueprint.

use std::path::Path;

use emit::render_blueprint::model::{Blueprint, EnvVar, Environment};
use stack_dsl::{EnvValue, Run};

fn blueprint(project: &str) -> Blueprint {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project).join(emit::layout::RENDER_BLUEPRINT);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse as a Blueprint: {e}", path.display()))
}

/// The variable `key` of a service, looking through the groups it uses.
fn variable<'a>(environment: &'a Environment, vars: &'a [EnvVar], key: &str) -> Option<&'a EnvVar> {
    vars.iter().find(|v| v.key() == Some(key)).or_else(|| {
        vars.iter().find_map(|v| match v {
            EnvVar::Group { from_group } => environment
                .env_var_groups
                .iter()
                .find(|g| &g.name == from_group)
                .and_then(|g| g.env_vars.iter().find(|v| v.key() == Some(key))),
            _ => None,
        })
    })
}

/// True when the service is meant to be on the platform as a service of its own.
fn deployed(service: &stack_dsl::Service) -> bool {
    let is_database = service.datastore.is_some() && service.run == Run::Continuously;
    !(service.role.is_platform_edge() || is_database || service.run == Run::Once)
}

#[test]
fn render_spells_references_as_platform_references() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let file = blueprint(project.name());
        let warnings = emit::render(&valid, &emit::Options::with_root("")).expect("renders").warnings().to_vec();
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            let environment = file.projects[0]
                .environments
                .iter()
                .find(|e| e.name == stack.env().name())
                .unwrap_or_else(|| panic!("{} has no environment {}", project.name(), stack.env()));
            for service in stack.services().filter(|s| deployed(s)) {
                let at = format!("{} ({}) service {}", stack.name, stack.env(), service.name);
                let name = format!("{}-{}-{}", stack.name, stack.env(), service.name);
                let Some(out) = environment.services.iter().find(|s| s.name == name) else {
                    // Only a left-out service is missing, and it is reported.
                    let reported = warnings.iter().any(|w| {
                        w.service == service.name && w.env == stack.env().name() && w.message.contains("not deployed")
                    });
                    assert!(reported, "{at}: missing from render.yaml");
                    continue;
                };
                for (key, value) in &service.env {
                    let var =
                        variable(environment, &out.env_vars, key).unwrap_or_else(|| panic!("{at}: {key} missing"));
                    let ok = match value {
                        // A framework's host allowlist also lists the platform's own hosts.
                        EnvValue::Literal(text) => matches!(var, EnvVar::Value { value, .. } if value == text
                            || (service.framework.and_then(emit::facts::frameworks::host_allowlist).is_some_and(|a| a.variable == key)
                                && value.starts_with(&format!("{text},")))),
                        EnvValue::Secret(_) => matches!(
                            var,
                            EnvVar::Prompted { sync: false, .. }
                                | EnvVar::Generated { generate_value: true, .. }
                                | EnvVar::Database { .. }
                        ),
                        EnvValue::DatabaseUrl(_) => match var {
                            EnvVar::Database { from_database, .. } => from_database.property == "connectionString",
                            EnvVar::Service { from_service, .. } => {
                                from_service.property.as_deref() == Some("connectionString")
                            }
                            _ => false,
                        },
                        // Render creates the database with the Blueprint's user and name.
                        EnvValue::DatabaseField { field, .. } => matches!(
                            var,
                            EnvVar::Database { from_database, .. }
                                if from_database.property == match field {
                                    stack_dsl::DatabaseField::User => "user",
                                    stack_dsl::DatabaseField::Name => "database",
                                }
                        ),
                        EnvValue::Host(target) | EnvValue::Port { service: target, .. } => {
                            let outside = stack.external(target.name()).is_some_and(|e| e.datastore.is_none());
                            outside || matches!(var, EnvVar::Database { .. } | EnvVar::Service { .. })
                        }
                        // Render has no reference to a custom domain: a placeholder's real
                        // origin is asked for on the first apply, a real one is written.
                        EnvValue::PublicUrl(target) | EnvValue::PublicHost(target) => {
                            match emit::public_origin::of(stack, target) {
                                Some(origin) if origin.placeholder => {
                                    matches!(var, EnvVar::Prompted { sync: false, .. })
                                }
                                Some(origin) => {
                                    matches!(var, EnvVar::Value { value, .. } if value.ends_with(origin.host))
                                }
                                None => false,
                            }
                        }
                        EnvValue::Url(url) => match var {
                            EnvVar::Database { .. } => true,
                            // Render's private host names carry a suffix known only once the
                            // service exists: a URL to an application service is its `hostport`,
                            // naming a service of this environment with its own type.
                            EnvVar::Service { from_service, .. }
                                if stack.resolve(&url.service).is_some_and(|t| t.datastore.is_none()) =>
                            {
                                // Render cannot add the scheme: the warning says so.
                                let reported = warnings.iter().any(|w| {
                                    w.service == service.name
                                        && w.env == stack.env().name()
                                        && w.message.contains(key.as_str())
                                });
                                reported
                                    && from_service.property.as_deref() == Some("hostport")
                                    && environment
                                        .services
                                        .iter()
                                        .any(|s| s.name == from_service.name && s.kind == from_service.kind)
                            }
                            EnvVar::Service { .. } => true,
                            _ => false,
                        },
                    };
                    assert!(ok, "{at}: {key} = {value:?} came out as {var:?}");
                    if !matches!(value, EnvValue::Literal(_)) {
                        assert!(
                            !matches!(var, EnvVar::Value { value, .. } if value.contains('@')),
                            "{at}: {key} holds credentials literally"
                        );
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50, "only {checked} values checked");
}

#[test]
fn a_scaled_service_with_a_disk_is_refused_by_render() {
    use stack_dsl::{Env, Image, Mount, Port, Project, Route, Service, Stack, Volume};
    let project = Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let data = stack.add_volume(Volume::persistent("uploads"));
        stack.add_service(
            Service::new("api", Image::new("shop-api:1"))
                .port(Port::http(8000))
                .route(Route::new("shop.example.com").tls())
                .mount(Mount::volume(&data, "/uploads"))
                .replicas(2),
        );
        stack
    });
    let valid = project.validate().expect("valid");
    let error = emit::render(&valid, &emit::Options::with_root("")).expect_err("a disk on 2 instances").to_string();
    assert!(error.contains("service api") && error.contains("uploads") && error.contains("Either"), "{error}");
}

#[test]
fn render_reports_every_service_it_leaves_out() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            for service in stack.services().filter(|s| s.role.is_platform_edge()) {
                assert!(
                    bundle.warnings().iter().any(|w| w.target == "render"
                        && w.env == stack.env().name()
                        && w.service == service.name
                        && w.message.contains("not deployed")),
                    "{} ({}): omission of {} is not reported",
                    stack.name,
                    stack.env(),
                    service.name
                );
            }
        }
    }
}

/// Render cron jobs have no disk: a cron job in the Blueprint never depends on a volume, and a
/// scheduled job that writes to one is left out with a warning saying why.
#[test]
fn render_runs_no_cron_job_whose_output_is_lost() {
    use emit::render_blueprint::model::ServiceType;
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let warnings = emit::render(&valid, &emit::Options::with_root("")).expect("renders").warnings().to_vec();
        let file = blueprint(project.name());
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            let environment = file.projects[0].environments.iter().find(|e| e.name == stack.env().name()).expect("env");
            for service in stack.services().filter(|s| matches!(s.run, Run::OnSchedule(_))) {
                let name = format!("{}-{}-{}", stack.name, stack.env(), service.name);
                let out = environment.services.iter().find(|s| s.name == name);
                let writes_volume =
                    service.mounts.iter().any(|m| matches!(m.source, stack_dsl::MountSource::Volume(_)));
                let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
                if writes_volume {
                    assert!(out.is_none(), "{at}: a Render cron job would lose what it writes to its volume");
                    assert!(
                        warnings.iter().any(|w| w.target == "render"
                            && w.env == stack.env().name()
                            && w.service == service.name
                            && w.message.contains("not deployed")),
                        "{at}: left out without a warning"
                    );
                } else {
                    assert!(out.is_some_and(|s| s.kind == ServiceType::Cron && s.disk.is_none()), "{at}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no scheduled job checked");
}

/// Railway health-checks with its own Host header: a framework that answers only the hosts it
/// lists (Django's ALLOWED_HOSTS) must list it, or no deploy of the service ever goes live.
#[test]
fn railway_health_checks_reach_frameworks_that_check_the_host() {
    use emit::facts::frameworks::{host_allowlist, list_admits};
    let host = emit::facts::platforms::RAILWAY.health_check_host.expect("Railway names its health-check host");
    let mut checked = 0;
    for (stack, program, _) in hosted_railway_programs() {
        for service in stack.services().filter(|s| deployed(s) && s.healthcheck.is_some()) {
            let Some(allowlist) = service.framework.and_then(host_allowlist) else { continue };
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let values = railway_values(&program, allowlist.variable);
            assert!(!values.is_empty(), "{at}: {} missing", allowlist.variable);
            for value in values {
                // A string, or a template literal reading a placeholder's real host.
                let list = value.trim_end_matches(',').trim_matches('"').trim_matches('`');
                assert!(
                    list_admits(list, host),
                    "{at}: {} = {list} rejects Railway's health checks",
                    allowlist.variable
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no framework checked");
}

/// Every Render web service is reached at its `onrender.com` subdomain: a framework that answers
/// only the hosts it lists must list it, or the service answers nothing without a custom domain.
#[test]
fn render_web_services_answer_their_own_host() {
    use emit::facts::frameworks::{host_allowlist, list_admits};
    use emit::render_blueprint::model::ServiceType;
    let domain = emit::facts::platforms::RENDER.own_public_domain.expect("Render's own domain");
    let own_host = format!("service{domain}");
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let file = blueprint(project.name());
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            let environment = file.projects[0].environments.iter().find(|e| e.name == stack.env().name()).expect("env");
            for service in stack.services() {
                let Some(allowlist) = service.framework.and_then(host_allowlist) else { continue };
                let name = format!("{}-{}-{}", stack.name, stack.env(), service.name);
                let Some(out) = environment.services.iter().find(|s| s.name == name && s.kind == ServiceType::Web)
                else {
                    continue;
                };
                let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
                let var = variable(environment, &out.env_vars, allowlist.variable).expect("the allowlist");
                // A placeholder public host is typed in once, on the first apply; the report
                // says the list must admit Render's own host too.
                let placeholder = service.env.iter().any(|(key, value)| {
                    key == allowlist.variable
                        && matches!(value, EnvValue::PublicHost(target) if emit::public_origin::of(stack, target).is_some_and(|o| o.placeholder))
                });
                if placeholder && matches!(var, EnvVar::Prompted { sync: false, .. }) {
                    checked += 1;
                    continue;
                }
                let EnvVar::Value { value, .. } = var else { panic!("{at}: {var:?}") };
                assert!(list_admits(value, &own_host), "{at}: {} = {value} rejects its own host", allowlist.variable);
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no framework checked");
}

/// With a pipeline, only a commit it tested, scanned and approved is deployed: Render deploys
/// no service on its own when the repository changes, whatever the service's runtime.
#[test]
fn render_deploys_nothing_around_the_pipeline() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        if valid.pipeline().is_none() {
            continue;
        }
        let file = blueprint(project.name());
        for environment in &file.projects[0].environments {
            for service in environment.services.iter().filter(|s| s.runtime.is_some()) {
                let trigger = service.auto_deploy_trigger.as_deref();
                assert_eq!(trigger, Some("off"), "{} {}: Render deploys it on push", project.name(), service.name);
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "only {checked} services checked");
}

/// Every hosted stack of every team project, with its environment of the committed Blueprint.
fn hosted_blueprint_environments() -> Vec<(stack_dsl::ValidStack, Environment)> {
    let mut out = Vec::new();
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let file = blueprint(project.name());
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            let environment = file.projects[0].environments.iter().find(|e| e.name == stack.env().name());
            out.push((stack.clone(), environment.expect("the environment").clone()));
        }
    }
    out
}

/// Key Value evicts by the policy the Blueprint names, and redis-server evicts nothing unless told
/// to: every Key Value keeps the container's policy, `noeviction` when its command sets none, so
/// a Celery broker or queue never loses queued tasks.
#[test]
fn render_key_value_evicts_as_the_container_did() {
    use emit::render_blueprint::model::ServiceType;
    let mut checked = 0;
    for (stack, environment) in hosted_blueprint_environments() {
        for redis in stack.services().filter(|s| s.datastore.as_ref().is_some_and(|d| d.engine.scheme() == "redis")) {
            let name = format!("{}-{}-{}", stack.name, stack.env(), redis.name);
            let out = environment.services.iter().find(|s| s.name == name && s.kind == ServiceType::Keyvalue);
            let Some(out) = out else { panic!("{name}: no Key Value") };
            let command = redis.command.clone().unwrap_or_default();
            let asked = command.iter().position(|a| a == "--maxmemory-policy").map(|i| command[i + 1].as_str());
            assert_eq!(out.maxmemory_policy.as_deref(), Some(asked.unwrap_or("noeviction")), "{name}");
            checked += 1;
        }
    }
    assert!(checked > 3, "only {checked} Key Value instances checked");
}

/// Every right-hand side the Railway program gives the variable `key`.
fn railway_values<'a>(program: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("{key}: ");
    program
        .lines()
        .filter_map(|line| line.trim_start().trim_start_matches("...(").strip_prefix(prefix.as_str()))
        .chain(program.lines().filter_map(|line| line.split_once(&format!("? {{ {prefix}")).map(|(_, rest)| rest)))
        .collect()
}

/// Every hosted stack of every team project, with the project's Railway program.
/// Each hosted stack with its project's Railway program, and whether the project's pipeline
/// deploys to Railway.
fn hosted_railway_programs() -> Vec<(stack_dsl::ValidStack, String, bool)> {
    let mut out = Vec::new();
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        let program = &bundle.file(emit::layout::RAILWAY_PROGRAM).expect("a Railway program").contents;
        let piped = emit::public_origin::piped(&valid, "railway");
        out.extend(valid.stacks().iter().filter(|s| s.env().is_hosted()).map(|s| (s.clone(), program.clone(), piped)));
    }
    out
}

#[test]
fn railway_spells_references_as_platform_references() {
    let mut checked = 0;
    for (stack, program, _) in hosted_railway_programs() {
        let program = program.as_str();
        for service in stack.services().filter(|s| deployed(s)) {
            for (key, value) in &service.env {
                let reference = match value {
                    EnvValue::DatabaseUrl(_) => &[".env.DATABASE_URL", ".env.REDIS_URL"][..],
                    EnvValue::Secret(_) => &["preserve()", "ctx.shared.", ".env.PGPASSWORD"][..],
                    EnvValue::DatabaseField { field: stack_dsl::DatabaseField::User, .. } => &[".env.PGUSER"][..],
                    EnvValue::DatabaseField { field: stack_dsl::DatabaseField::Name, .. } => &[".env.PGDATABASE"][..],
                    EnvValue::Host(target) if stack.resolve(target).is_some() => {
                        &[".env.RAILWAY_PRIVATE_DOMAIN", ".env.PGHOST", ".env.REDISHOST"][..]
                    }
                    _ => continue,
                };
                let found = railway_values(program, key);
                assert!(!found.is_empty(), "{} ({}) {}: {key} missing", stack.name, stack.env(), service.name);
                for text in found {
                    assert!(
                        reference.iter().any(|r| text.contains(r)) && !text.contains('"'),
                        "{} ({}) {}: {key} is {text}, not a reference",
                        stack.name,
                        stack.env(),
                        service.name
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 20, "only {checked} references checked");
}

/// Railway's `postgres(name, { region })` creates its own user and database (PGUSER, PGDATABASE):
/// a service handed the user or database name the stack declares would log in as a user that
/// does not exist, with the password of another.
#[test]
fn railway_services_log_in_as_the_user_railway_creates() {
    let mut checked = 0;
    for (stack, program, _) in hosted_railway_programs() {
        let declared: Vec<String> = stack
            .services()
            .filter_map(|s| s.datastore.as_ref())
            .chain(stack.externals.iter().filter_map(|e| e.datastore.as_ref()))
            .filter(|d| matches!(d.engine, stack_dsl::Engine::Postgres { .. }))
            .flat_map(|d| [d.user.clone(), d.database.clone()])
            .flatten()
            .map(|name| format!("{name:?}"))
            .collect();
        let values = stack
            .services()
            .filter(|s| deployed(s) && s.datastore.is_none())
            .flat_map(|s| s.env.iter().map(move |(key, _)| (s, key)))
            .flat_map(|(s, key)| railway_values(&program, key).into_iter().map(move |text| (s, key, text)));
        for (service, key, text) in values {
            let value = text.trim_end_matches(',').trim_end_matches(" }) : {})");
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            assert!(
                !declared.iter().any(|name| value == name),
                "{at}: {key} is {value}, a name Railway does not create"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} values checked");
}

/// Each `service("name", { .. })` block of a Railway program, up to the next resource.
fn railway_services(program: &str) -> Vec<(&str, &str)> {
    program
        .split("  const ")
        .skip(1)
        .filter(|b| b.contains("= service("))
        .filter_map(|block| Some((block.split('"').nth(1)?, block)))
        .collect()
}

/// The header note of a Railway program that starts with `marker`, as one line.
fn railway_note(program: &str, marker: &str) -> String {
    let header = program.lines().take_while(|l| l.starts_with("//"));
    let mut note = header.skip_while(|l| !l.contains(marker));
    let first = note.next().unwrap_or_default().to_string();
    first + &note.take_while(|l| !l.contains(':')).collect::<String>()
}

/// True when `note` names the service `name` in its list.
fn names(note: &str, name: &str) -> bool {
    [format!(" {name},"), format!(" {name} "), format!(" {name};")].iter().any(|n| note.contains(n.as_str()))
}

/// Railway builds nothing for a service without a source, and the program's import needs the
/// SDK installed beside it: every service of every program has a source or is named in the
/// header as a repository to connect, and the SDK's package and lock files come with it.
#[test]
fn every_railway_service_has_something_to_deploy() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        for path in [".railway/package.json", ".railway/package-lock.json"] {
            assert!(bundle.file(path).is_some(), "{}: no {path} to install the SDK from", project.name());
        }
        let program = &bundle.file(emit::layout::RAILWAY_PROGRAM).expect("a Railway program").contents;
        let prerequisite = railway_note(program, "Before the first deploy");
        for (name, block) in railway_services(program) {
            let sourced = block.lines().any(|l| l.trim_start().starts_with("source:"));
            assert!(
                sourced || names(&prerequisite, name),
                "{}: Railway service {name} has no source and no prerequisite naming it",
                project.name()
            );
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} services checked");
}

/// Railway gives a service a public address only through a domain: every service the stack
/// makes public (routed, behind an edge proxy, or publishing HTTP) has a custom domain in the
/// program or is named in its header as needing one generated.
#[test]
fn every_public_railway_service_gets_an_address() {
    let mut checked = 0;
    for (stack, program, _) in hosted_railway_programs() {
        let note = railway_note(&program, "Public without a domain");
        let behind_proxy = |name: &str| {
            stack.services().any(|p| match &p.role {
                stack_dsl::Role::EdgeProxy { upstreams } => upstreams.iter().any(|u| u.name() == name),
                _ => false,
            })
        };
        for service in stack.services().filter(|s| deployed(s)) {
            let publishes_http =
                service.ports.iter().any(|p| p.protocol == stack_dsl::Protocol::Http && p.published.is_some());
            if service.routes.is_empty() && !behind_proxy(&service.name) && !publishes_http {
                continue;
            }
            let block = railway_services(&program).into_iter().find(|(name, _)| *name == service.name);
            let Some((_, block)) = block else { panic!("{}: {} missing from the program", stack.name, service.name) };
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let attached = format!("// {}: railway domain ", stack.env());
            let domain = program
                .lines()
                .any(|l| l.starts_with(&attached) && l.contains(&format!(" --service {} ", service.name)));
            assert!(!block.contains("domains:"), "{at}: `railway config apply` refuses a domain not yet attached");
            assert!(domain || names(&note, &service.name), "{at}: public, but Railway gives it no address");
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} public services checked");
}

/// With a pipeline, Render runs the image the pipeline built, scanned and pushed, never a
/// build of its own from the repository (which would deploy around the scan and approval).
/// Static sites, which Render builds itself, are checked below.
#[test]
fn render_runs_the_image_the_pipeline_pushed() {
    use emit::render_blueprint::model::Runtime;
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        // A pipeline pushing to the repository owner's namespace leaves Render building the
        // repository, with a warning (`emit::pushed_image::unnamed_registry`).
        let Some(registry) = valid.pipeline().and_then(|p| p.registry.named()) else { continue };
        let file = blueprint(project.name());
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            let environment = file.projects[0].environments.iter().find(|e| e.name == stack.env().name()).expect("env");
            for service in stack
                .services()
                .filter(|s| deployed(s) && matches!(s.image, stack_dsl::Image::Build(_)) && s.static_site().is_none())
            {
                let name = format!("{}-{}-{}", stack.name, stack.env(), service.name);
                let Some(out) = environment.services.iter().find(|s| s.name == name) else { continue };
                let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
                assert_eq!(out.runtime, Some(Runtime::Image), "{at}: Render would build the repository");
                assert!(out.dockerfile_path.is_none() && out.docker_context.is_none(), "{at}");
                let image = out.image.as_ref().expect("an image");
                let repository = format!("{registry}/{}", emit::endpoint::image_name(stack, service));
                // Render pulls `image.url` when it creates the service: the environment's tag,
                // which the pipeline moves to each image it deploys (nothing pushes `latest`).
                let tagged = format!("{repository}:{}", emit::pushed_image::environment_tag(stack.env()));
                assert_eq!(image.url, tagged, "{at}: Render would pull a tag the pipeline does not push");
                assert!(image.creds.is_some(), "{at}: the pushed image is private by default and needs credentials");
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "only {checked} built services checked");
}

/// A static front end is served by Render's static hosting from its own build (MetaBuilder's
/// seed asks for a Render Static Site), and by its container on Compose.
#[test]
fn static_front_ends_are_static_sites_on_render_and_containers_elsewhere() {
    use emit::render_blueprint::model::Runtime;
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        let file = blueprint(project.name());
        for stack in valid.stacks() {
            for service in stack.services() {
                let Some(site) = service.static_site() else { continue };
                let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
                let compose = &bundle.file(&emit::layout::compose_file(stack.env())).expect("compose").contents;
                let compose: emit::compose::model::ComposeFile = serde_saphyr::from_str(compose).expect("parses");
                assert!(compose.services.contains_key(&service.name), "{at}: no container on Compose");
                if !stack.env().is_hosted() {
                    continue;
                }
                let environment = file.projects[0].environments.iter().find(|e| e.name == stack.env().name());
                let name = format!("{}-{}-{}", stack.name, stack.env(), service.name);
                let out = environment.and_then(|e| e.services.iter().find(|s| s.name == name)).expect("on Render");
                assert_eq!(out.runtime, Some(Runtime::Static), "{at}");
                assert_eq!(out.build_command.as_deref(), Some(site.build_command.as_str()), "{at}");
                assert_eq!(out.static_publish_path.as_deref(), Some(site.publish_dir.as_str()), "{at}");
                assert_eq!(out.root_dir.as_deref(), Some(site.root.as_str()), "{at}");
                assert!(out.image.is_none() && out.docker_command.is_none() && out.plan.is_none(), "{at}");
                let rewrites_to_index =
                    out.routes.iter().any(|r| r.kind == "rewrite" && r.destination == "/index.html");
                assert_eq!(rewrites_to_index, site.single_page_app, "{at}");
                if let stack_dsl::Image::Build(build) = &service.image {
                    for (key, value) in &build.args {
                        use emit::render_blueprint::model::EnvVar;
                        // A placeholder host compiled in is asked for on the first apply instead.
                        let placeholder = emit::public_origin::placeholder_routes(stack)
                            .iter()
                            .any(|(host, _)| value.contains(&format!("//{host}")));
                        let passed = out.env_vars.iter().any(|v| match v {
                            EnvVar::Value { key: k, value: v } => k == key && v == value && !placeholder,
                            EnvVar::Prompted { key: k, sync: false } => k == key && placeholder,
                            _ => false,
                        });
                        assert!(passed, "{at}: the build does not receive {key}");
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 2, "only {checked} static sites checked");
}

/// The text of one resource's call in the Railway program: from `service("<name>", {` to the
/// end of its statement.
fn railway_service<'a>(program: &'a str, name: &str) -> Option<&'a str> {
    let start = program.find(&format!("= service(\"{name}\""))?;
    let end = program[start..].find("\n  });\n")?;
    Some(&program[start..start + end])
}

/// Railway health-checks the port in PORT and routes a domain to its target port: for every
/// team stack, each routed or HTTP-checked service's PORT and domains name the port it listens on.
#[test]
fn railway_routes_and_checks_the_port_each_service_listens_on() {
    let mut checked = 0;
    for (stack, program, piped) in hosted_railway_programs() {
        let program = program.as_str();
        for service in stack.services().filter(|s| deployed(s)) {
            let checked_port = match service.healthcheck.as_ref().map(|p| &p.check) {
                Some(stack_dsl::Check::Http { port, .. }) => Some(*port),
                _ => None,
            };
            let routed = service.routes.first().and_then(|r| service.route_port(r));
            let Some(port) = checked_port.or(routed) else { continue };
            let at = format!("{} ({}) {}", stack.name, stack.env(), service.name);
            let text = railway_service(program, &service.name).unwrap_or_else(|| panic!("{at}: not in railway.ts"));
            assert!(text.contains(&format!("PORT: \"{port}\"")), "{at}: PORT is not {port}:\n{text}");
            // The domains are attached by `railway domain`, which the header lists.
            for route in &service.routes {
                let target = service.route_port(route).expect("a routed port");
                // A placeholder host is named by the setting holding the real one where the
                // pipeline deploys to Railway, else as the service's real host.
                let host = emit::public_origin::host_for_people(piped, stack.env(), &service.name, &route.host);
                let command =
                    format!("// {}: railway domain {host} --service {} --port {target}\n", stack.env(), service.name);
                assert!(program.contains(&command), "{at}: {} does not target port {target}", route.host);
            }
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} services checked");
}
