//! Property tests: random valid stacks through every emitter. For each one: validation accepts
//! it, rendering does not panic, renders the same bytes twice, every YAML file parses back, and
//! a canary planted in place of each secret reference is refused without being repeated. And
//! careless or hostile stacks (arbitrary names, huge numbers, odd text) never make validation
//! or rendering panic.
//!
//! `STACKWRIGHT_RANDOM_STACKS_OUT=DIR cargo test -p stackwright-emit --test properties -- \
//! write_fixed_seed_sample` writes a fixed-seed sample of random stacks into `DIR/<stack>/`, so
//! `.ci/run` can put it through the independent validators like the golden files.

use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use stack_dsl::*;

/// How one random service is made.
#[derive(Debug, Clone)]
struct ServiceSpec {
    kind: usize,
    build: Option<usize>,
    port: Option<u16>,
    health: bool,
    replicas: u32,
    route: Option<bool>,
    literal: Option<(usize, String)>,
    secret: Option<usize>,
    depends_on: Option<(usize, bool)>,
    volume: bool,
    resources: Option<(u32, u64)>,
}

/// How one random project is made: its services, an optional migration job and cron job, its
/// environments and its pipeline.
#[derive(Debug, Clone)]
struct ProjectSpec {
    services: Vec<ServiceSpec>,
    migrate: bool,
    cron: Option<(u8, u8)>,
    environments: usize,
    pipeline: Option<usize>,
    /// Every other service uses one environment group.
    env_group: bool,
    /// The project states its own defaults.
    defaults: bool,
}

const KINDS: [&str; 6] = ["api", "web", "worker", "cache", "search", "queue"];
const IMAGES: [&str; 4] = ["nginx:1.27-alpine", "redis:7-alpine", "ghcr.io/acme/app:1.2.3", "python:3.12-slim"];
const CONTEXTS: [&str; 3] = ["backend", "frontend", "services/api"];
const LITERAL_NAMES: [&str; 4] = ["LOG_LEVEL", "GREETING", "FEATURE_FLAGS", "APP_MODE"];
const SECRET_NAMES: [&str; 3] = ["DB_PASSWORD", "API_TOKEN", "SESSION_SECRET"];
const ENVIRONMENTS: [&[Env]; 4] = [
    &[Env::Dev, Env::Staging, Env::Production],
    &[Env::Dev, Env::Production],
    &[Env::Staging, Env::Production],
    // Environments a project declares itself: a local one besides dev, a QA one, a regional production.
    &[Env::Dev, Env::local("dev-arm"), Env::hosted("qa"), Env::Production, Env::production("production-eu")],
];
const TARGETS: [DeployTarget; 4] =
    [DeployTarget::Kubernetes, DeployTarget::Render, DeployTarget::Railway, DeployTarget::ComposeOverSsh];

fn service_spec() -> impl Strategy<Value = ServiceSpec> {
    (
        (0..KINDS.len(), proptest::option::of(0..CONTEXTS.len()), proptest::option::of(1024u16..65000), any::<bool>()),
        (
            1u32..4,
            proptest::option::weighted(0.5, any::<bool>()),
            proptest::option::of((0..LITERAL_NAMES.len(), literal_value())),
        ),
        (proptest::option::of(0..SECRET_NAMES.len()), proptest::option::of((0usize..8, any::<bool>())), any::<bool>()),
        proptest::option::of((50u32..4000, 64u64..4096)),
    )
        .prop_map(
            |((kind, build, port, health), (replicas, route, literal), (secret, depends_on, volume), resources)| {
                ServiceSpec {
                    kind,
                    build,
                    port,
                    health,
                    replicas,
                    route,
                    literal,
                    secret,
                    depends_on,
                    volume,
                    resources,
                }
            },
        )
}

/// Values with the characters that each target must escape: `$`, quotes, `#`, `:`, braces,
/// backslashes, `${{`, non-ASCII.
fn literal_value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("$".to_string()),
            Just("${{ x }}".to_string()),
            Just("\"".to_string()),
            Just("'".to_string()),
            Just(": ".to_string()),
            Just(" #".to_string()),
            Just("\\".to_string()),
            Just("`".to_string()),
            Just("é".to_string()),
            Just("on".to_string()),
            "[a-z0-9]{1,6}",
        ],
        1..6,
    )
    .prop_map(|parts| parts.concat())
}

fn project_spec() -> impl Strategy<Value = ProjectSpec> {
    (
        proptest::collection::vec(service_spec(), 1..6),
        any::<bool>(),
        proptest::option::of((0u8..60, 0u8..24)),
        0..ENVIRONMENTS.len(),
        proptest::option::of(0..TARGETS.len()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(services, migrate, cron, environments, pipeline, env_group, defaults)| ProjectSpec {
            services,
            migrate,
            cron,
            environments,
            pipeline,
            env_group,
            defaults,
        })
}

fn name(i: usize, spec: &ServiceSpec) -> String {
    format!("{}-{i}", KINDS[spec.kind])
}

/// The stack `spec` describes in environment `env`.
fn stack(spec: &ProjectSpec, env: Env) -> Stack {
    let mut stack = Stack::new("random");
    let secrets: Vec<SecretRef> = SECRET_NAMES.iter().map(|n| stack.add_secret(Secret::new(*n))).collect();
    let migrate = spec
        .migrate
        .then(|| stack.add_service(Service::job("migrate", Image::build("backend")).command(["./migrate", "--yes"])));
    let group = spec.env_group.then(|| {
        let token = stack.add_secret(Secret::new("GROUP_TOKEN"));
        stack.add_env_group(EnvGroup::new("shared").env("GROUP_LEVEL", "info").env("GROUP_TOKEN", &token))
    });
    let mut added: Vec<(ServiceRef, bool)> = Vec::new();
    for (i, s) in spec.services.iter().enumerate() {
        // Services that wait for the migration share its image: Render and Railway run a job as
        // the pre-deploy command of a service built from the same image.
        let waits_for_migration = migrate.is_some() && i % 2 == 0;
        let image = match s.build {
            _ if waits_for_migration => Image::build("backend").into(),
            Some(context) => Image::build(CONTEXTS[context]).into(),
            None => Image::new(IMAGES[s.kind % IMAGES.len()]),
        };
        let mut service = Service::new(name(i, s), image);
        if let Some(group) = group.as_ref().filter(|_| i % 2 == 1 || spec.services.len() == 1) {
            service = service.env_group(group);
        }
        if let Some(port) = s.port {
            service = service.port(Port::http(port));
            if let Some(tls) = s.route {
                let route = Route::new(format!("s{i}.{env}.example.com"));
                service = service.route(if tls { route.tls() } else { route });
            }
        }
        if s.health {
            let probe = match s.port {
                Some(port) => Probe::http(port, "/health"),
                None => Probe::exec(["true"]),
            };
            service = service.healthcheck(probe);
        }
        if env.is_production() {
            service = service.replicas(s.replicas);
        }
        if let Some((n, value)) = &s.literal {
            service = service.env(LITERAL_NAMES[*n], value.as_str());
        }
        if let Some(n) = s.secret {
            service = service.env(SECRET_NAMES[n], &secrets[n]);
        }
        if let Some((target, healthy)) = s.depends_on
            && let Some((dependency, has_health)) = added.get(target % added.len().max(1)).filter(|_| !added.is_empty())
        {
            let ready = if healthy && *has_health { Ready::Healthy } else { Ready::Started };
            service = service.depends_on(dependency, ready);
        }
        if let Some(job) = &migrate
            && waits_for_migration
        {
            service = service.depends_on(job, Ready::Completed);
        }
        if s.volume && s.replicas == 1 {
            // Each its own volume: a disk shared by services is refused on Render and Railway.
            let data = stack.add_volume(Volume::persistent(format!("data-{i}")));
            service = service.mount(Mount::volume(&data, format!("/var/lib/{}", name(i, s))));
        }
        if let Some((millis, mib)) = s.resources {
            service = service.resources(Resources::new().limit(Cpu::millis(millis), Memory::mib(mib)));
        }
        let reference = stack.add_service(service);
        added.push((reference, s.health));
    }
    if let Some((minute, hour)) = spec.cron {
        stack.add_service(
            Service::cron("nightly", Image::new("python:3.12-slim"), format!("{minute} {hour} * * *"))
                .command(["python", "-m", "nightly"]),
        );
    }
    stack
}

fn project(spec: &ProjectSpec, index: usize) -> Project {
    let owned = spec.clone();
    let name = format!("random-{index}");
    let renamed = name.clone();
    let mut project = Project::new(name, ENVIRONMENTS[spec.environments].to_vec(), move |env| {
        let mut stack = stack(&owned, env);
        stack.name = renamed.clone();
        stack
    });
    if let Some(target) = spec.pipeline {
        project = project.pipeline(Pipeline::new(TARGETS[target]).registry("ghcr.io/acme"));
        if TARGETS[target] == DeployTarget::Kubernetes {
            // The routes' hosts are placeholders, which cert-manager never certifies: a
            // Kubernetes deploy of them needs the project's own certificate.
            project = project.cluster(Cluster::new().certificates(Certificates::Secret("random-tls".into())));
        }
    } else if let Some(qa) = ENVIRONMENTS[spec.environments].iter().find(|env| env.name() == "qa") {
        // Previews build from the pull request's branch, so only without a pipeline's registry.
        project = project.previews(Previews::of(*qa).expire_after_days(3));
    }
    if spec.defaults {
        project = project.defaults(Defaults::new().limits(Cpu::cores(1), Memory::gib(1)).volume_size(Memory::gib(2)));
    }
    project
}

/// A volume mounted by several services, or by one with replicas, is refused by some targets;
/// the generator gives each service its own single-writer volume, so a stack it makes must pass.
fn check_project(spec: &ProjectSpec) -> Result<(), TestCaseError> {
    let project = project(spec, 0);
    let valid = project.validate().map_err(|e| TestCaseError::fail(format!("a generated stack is invalid: {e}")))?;
    let options = emit::Options::for_output_dir(Path::new("deploy")).unwrap();
    let render = || {
        emit::render(&valid, &options)
            .map_err(|e| TestCaseError::fail(format!("a generated stack does not render: {e}")))
    };
    let bundle = render()?;
    prop_assert_eq!(&bundle, &render()?, "rendering twice gives different bytes");
    for file in bundle.files() {
        if file.path.ends_with(".yaml") || file.path.ends_with(".yml") {
            let parsed = serde_saphyr::from_multiple::<serde::de::IgnoredAny>(&file.contents);
            prop_assert!(parsed.is_ok(), "{} does not parse back: {:?}\n{}", file.path, parsed.err(), file.contents);
        }
    }

    // A canary in place of every secret reference is refused, and never repeated.
    for &env in project.environments() {
        let mut planted = stack(spec, env);
        let mut any = false;
        for service in &mut planted.services {
            for (name, value) in &mut service.env {
                if matches!(value, EnvValue::Secret(_)) {
                    *value = EnvValue::Literal(format!("canary-{name}-d41d8c"));
                    any = true;
                }
            }
        }
        if any {
            let error = planted.validate(env).err();
            prop_assert!(error.is_some(), "planted secret values passed validation");
            prop_assert!(!format!("{error:?}").contains("canary-"), "a problem repeats a planted value");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 64, ..Config::default() })]

    #[test]
    fn random_valid_stacks_render_deterministically_and_parse_back(spec in project_spec()) {
        check_project(&spec)?;
    }
}

/// The fixed-seed sample `.ci/run` validates: the same 32 stacks on every machine.
#[test]
fn write_fixed_seed_sample() {
    let Some(out) = std::env::var_os("STACKWRIGHT_RANDOM_STACKS_OUT") else { return };
    let seed = *b"stackwright random stacks sample";
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
    let strategy = project_spec();
    for index in 0..32 {
        let spec = strategy.new_tree(&mut runner).unwrap().current();
        let project = project(&spec, index);
        let valid = project.validate().unwrap_or_else(|e| panic!("sample {index} is invalid: {e}"));
        let dir = Path::new(&out).join(project.name());
        let options = emit::Options::with_root("../..").output_dir_from_root(format!("samples/{}", project.name()));
        let bundle = emit::render(&valid, &options).unwrap_or_else(|e| panic!("sample {index} does not render: {e}"));
        bundle.write(&dir).unwrap();
    }
}

/// One service of a careless or hostile stack: often sensible values, often arbitrary ones.
#[derive(Debug, Clone)]
struct Hostile {
    name: String,
    image: String,
    number: u32,
    seconds: u64,
    millis: u32,
    bytes: u64,
    schedule: String,
    host: String,
}

fn hostile_service() -> impl Strategy<Value = Hostile> {
    let text = || "[a-zA-Z0-9 _./:@$*#{}\\-]{0,12}";
    (
        (
            prop_oneof![9 => "[a-z][a-z0-9]{0,8}", 1 => text()],
            prop_oneof![9 => Just("nginx:1.27".to_string()), 1 => text()],
        ),
        (prop_oneof![9 => 1u32..5, 1 => any::<u32>()], prop_oneof![9 => 1u64..120, 1 => any::<u64>()]),
        (
            prop_oneof![9 => 1u32..4000, 1 => any::<u32>()],
            prop_oneof![9 => (1u64 << 20)..(1u64 << 34), 1 => any::<u64>()],
        ),
        (
            prop_oneof![9 => Just("0 2 * * *".to_string()), 1 => "[0-9*/, -]{0,14}"],
            prop_oneof![9 => "[a-z]{1,8}\\.example\\.com", 1 => text()],
        ),
    )
        .prop_map(|((name, image), (number, seconds), (millis, bytes), (schedule, host))| Hostile {
            name,
            image,
            number,
            seconds,
            millis,
            bytes,
            schedule,
            host,
        })
}

fn hostile_project(services: Vec<Hostile>, stack_name: String) -> Project {
    Project::new(stack_name.clone(), [Env::Dev, Env::Production], move |_| {
        let mut stack = Stack::new(stack_name.clone());
        let data = stack.add_volume(Volume::persistent("data").size(Memory::from_bytes(7)));
        for (i, h) in services.iter().enumerate() {
            let port = (h.number % 60000) as u16 + 1000;
            let mut service = if i == 2 {
                Service::cron(h.name.clone(), Image::new(h.image.clone()), h.schedule.clone())
            } else {
                Service::new(h.name.clone(), Image::new(h.image.clone()))
                    .port(Port::http(port))
                    .route(Route::new(h.host.clone()).path(format!("/{}", h.host)))
                    .replicas(h.number)
            };
            service = service
                .healthcheck(
                    Probe::http(port, "/").every(secs(h.seconds)).timeout(secs(h.seconds / 2)).retries(h.number),
                )
                .resources(
                    Resources::new()
                        .limit(Cpu::millis(h.millis), Memory::from_bytes(h.bytes))
                        .reserve(Cpu::cores(h.millis / 1000), Memory::mib(h.bytes >> 20)),
                )
                .mount(Mount::volume(&data, format!("/{}", h.name)))
                .mount(Mount::bind(format!("./{}", h.image), "/srv"))
                .env("GREETING", h.host.clone());
            stack.add_service(service);
        }
        stack
    })
}

/// Whatever the stack holds, validation answers without panicking, and a stack it accepts
/// renders (or is refused by a target) without panicking. Enough of the stacks must pass
/// validation for the second half to mean something.
#[test]
fn hostile_stacks_never_panic() {
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let strategy = (proptest::collection::vec(hostile_service(), 1..4), prop_oneof!["[a-z]{1,10}", "[a-z0-9-]{0,70}"]);
    let (mut accepted, mut rendered) = (0, 0);
    for _ in 0..256 {
        let (services, stack_name) = strategy.new_tree(&mut runner).unwrap().current();
        if let Ok(valid) = hostile_project(services, stack_name).validate() {
            accepted += 1;
            rendered += usize::from(emit::render(&valid, &emit::Options::with_root("")).is_ok());
        }
    }
    assert!(accepted >= 10 && rendered >= 5, "only {accepted} of 256 stacks passed validation, {rendered} rendered");
}
