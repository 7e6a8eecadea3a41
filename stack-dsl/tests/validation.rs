//! Invalid stacks and the exact problems validation reports for them: all of them, in one go,
//! each with its location and a fix.

use stack_dsl::*;

mod support;
use support::problems;

/// A valid two-service stack to break in one place at a time.
fn shop() -> (Stack, ServiceRef, SecretRef) {
    let mut stack = Stack::new("shop");
    let password = stack.add_secret(Secret::new("DB_PASSWORD"));
    let db = stack.add_service(
        Service::new("db", Image::new("postgres:16-alpine"))
            .port(Port::tcp(5432))
            .env("POSTGRES_PASSWORD", &password)
            .healthcheck(Probe::exec(["pg_isready", "-h", "127.0.0.1"]))
            .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
    );
    (stack, db, password)
}

fn api() -> Service {
    Service::new("api", Image::build("backend")).port(Port::http(8000))
}

#[test]
fn the_base_stack_is_valid() {
    let (mut stack, db, _) = shop();
    stack.add_service(api().env("DATABASE_URL", db.database_url()).depends_on(&db, Ready::Healthy));
    assert_eq!(problems(stack), Vec::<String>::new());
}

#[test]
fn invalid_stack_name() {
    let mut stack = Stack::new("My_Shop");
    stack.add_service(api());
    assert_eq!(
        problems(stack),
        [
            "stack My_Shop (production): the stack name \"My_Shop\" is invalid: it contains 'M'; only lowercase letters, digits and '-' are allowed",
        ]
    );
}

#[test]
fn empty_stack() {
    assert_eq!(problems(Stack::new("shop")), ["stack shop (production): the stack has no services"]);
}

#[test]
fn duplicate_and_invalid_service_names() {
    let (mut stack, _, _) = shop();
    stack.add_service(Service::new("db", Image::new("redis:7")));
    stack.add_service(Service::new("Api_1", Image::new("shop:1")));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service db: two services are named \"db\"",
            "stack shop (production) › service Api_1: the name \"Api_1\" is invalid: it contains 'A'; only lowercase letters, digits and '-' are allowed",
        ]
    );
}

#[test]
fn dependency_on_an_undeclared_service() {
    let (mut stack, _, _) = shop();
    let cache = stack.reference("cache");
    stack.add_service(api().depends_on(&cache, Ready::Started));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › depends_on cache: it refers to service cache, which the stack does not declare",
        ]
    );
}

#[test]
fn start_order_cycle() {
    let mut stack = Stack::new("shop");
    let (a, b, c) = (stack.reference("a"), stack.reference("b"), stack.reference("c"));
    stack.add_service(Service::new("a", Image::new("x:1")).depends_on(&b, Ready::Started));
    stack.add_service(Service::new("b", Image::new("x:1")).depends_on(&c, Ready::Started));
    stack.add_service(Service::new("c", Image::new("x:1")).depends_on(&a, Ready::Started));
    assert_eq!(
        problems(stack),
        ["stack shop (production) › service a › depends_on: start order has a cycle: a → b → c → a"]
    );
}

/// Each of 200 services waits on every earlier one (19,900 dependencies): a deep and wide
/// graph validates, and closing it into one knot gives one problem with one shortest loop.
#[test]
fn dense_start_order_is_checked_in_one_pass() {
    let dense = |closed: bool| {
        let mut stack = Stack::new("shop");
        let names: Vec<String> = (0..200).map(|i| format!("s{i:03}")).collect();
        let refs: Vec<ServiceRef> = names.iter().map(|n| stack.reference(n)).collect();
        for (i, name) in names.iter().enumerate() {
            let mut service = Service::new(name, Image::new("x:1"));
            for earlier in &refs[..i] {
                service = service.depends_on(earlier, Ready::Started);
            }
            if closed && i == 0 {
                service = service.depends_on(&refs[199], Ready::Started);
            }
            stack.add_service(service);
        }
        problems(stack)
    };
    assert_eq!(dense(false), Vec::<String>::new());
    assert_eq!(
        dense(true),
        ["stack shop (production) › service s000 › depends_on: start order has a cycle: s000 → s199 → s000; \
             s001, s002, s003, s004, s005 and 193 more also wait on these services in a loop"]
    );
}

#[test]
fn waiting_for_health_without_a_healthcheck() {
    let mut stack = Stack::new("shop");
    let cache = stack.add_service(Service::new("cache", Image::new("redis:7")));
    stack.add_service(api().depends_on(&cache, Ready::Healthy));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › depends_on cache: waits for cache to be healthy, but cache has no health check",
        ]
    );
}

#[test]
fn waiting_for_a_long_running_service_to_complete() {
    let (mut stack, db, _) = shop();
    stack.add_service(api().depends_on(&db, Ready::Completed));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › depends_on db: waits for db to complete, but db runs continuously and never completes",
        ]
    );
}

#[test]
fn waiting_for_a_job_to_start_instead_of_complete() {
    let mut stack = Stack::new("shop");
    let migrate = stack.add_service(Service::job("migrate", Image::new("shop:1")));
    stack.add_service(api().depends_on(&migrate, Ready::Started));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › depends_on migrate: migrate is a one-shot job; waiting for it to start or be healthy does not wait for it to finish",
        ]
    );
}

#[test]
fn two_services_publish_one_host_port() {
    let mut stack = Stack::new("shop");
    stack.add_service(Service::new("web", Image::new("nginx:1")).port(Port::http(80).published(8080)));
    stack.add_service(Service::new("admin", Image::new("nginx:1")).port(Port::http(8000).published(8080)));
    assert_eq!(
        problems(stack),
        ["stack shop (production) › service admin › port 8000: host port 8080 is already published by service web",]
    );
}

#[test]
fn replicas_cannot_share_a_published_port() {
    let mut stack = Stack::new("shop");
    stack.add_service(Service::new("web", Image::new("nginx:1")).port(Port::http(80).published(80)).replicas(2));
    assert_eq!(
        problems(stack),
        ["stack shop (production) › service web › ports: 2 replicas cannot all bind the same host port"]
    );
}

#[test]
fn mount_of_an_undeclared_volume() {
    let mut elsewhere = Stack::new("other");
    let data = elsewhere.add_volume(Volume::persistent("data"));
    let mut stack = Stack::new("shop");
    stack.add_service(api().mount(Mount::volume(&data, "/data")).mount(Mount::tmpfs("tmp")));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › mount /data: volume data is not declared in the stack",
            "stack shop (production) › service api › mount tmp: the mount target is not an absolute path",
        ]
    );
}

#[test]
fn declared_secret_given_as_a_literal() {
    let (mut stack, _, _) = shop();
    stack.add_service(api().env("DB_PASSWORD", "hunter2"));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › env DB_PASSWORD: DB_PASSWORD is declared as a secret but given here as a plain value",
        ]
    );
}

#[test]
fn sensitive_looking_literals_and_passwords_in_urls() {
    let mut stack = Stack::new("shop");
    stack.add_service(
        api()
            .env("STRIPE_API_KEY", "sk_live_123")
            .env("DATABASE_URL", "postgresql://shop:hunter2@db:5432/shop")
            .env("LOG_LEVEL", "info")
            .env("ACCESS_TOKEN_EXPIRE_MINUTES", "30"),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › env DATABASE_URL: the URL carries a password in plain text",
            "stack shop (production) › service api › env STRIPE_API_KEY: the name looks like a secret but the value is a literal, which every target would write into its files",
        ]
    );
}

#[test]
fn undeclared_secret_and_network() {
    let mut elsewhere = Stack::new("other");
    let token = elsewhere.add_secret(Secret::new("TOKEN"));
    let net = elsewhere.add_network(Network::new("backend"));
    let mut stack = Stack::new("shop");
    stack.add_service(api().env("TOKEN", &token).network(&net));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › env TOKEN: secret TOKEN is not declared in the stack",
            "stack shop (production) › service api › network backend: network backend is not declared in the stack",
        ]
    );
}

#[test]
fn route_on_a_service_without_a_port() {
    let mut stack = Stack::new("shop");
    stack.add_service(Service::new("web", Image::new("nginx:1")).route(Route::new("shop.example.com").tls()));
    stack.add_service(api().route(Route::new("https://api.example.com").port(9000)));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service web › route shop.example.com/: the service has a public route but declares no port",
            "stack shop (production) › service api › route https://api.example.com/: the route reaches port 9000, which the service does not declare",
            "stack shop (production) › service api › route https://api.example.com/: the host \"https://api.example.com\" is invalid: it includes a scheme or a path",
        ]
    );
}

#[test]
fn references_that_cannot_resolve() {
    let mut stack = Stack::new("shop");
    let cache = stack.add_service(Service::new("cache", Image::new("redis:7")));
    stack.add_service(api().env("DATABASE_URL", cache.database_url()).env("CACHE_URL", cache.url()));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › env DATABASE_URL: service cache provides no database, so it has no database URL",
            "stack shop (production) › service api › env CACHE_URL: it refers to the address of service cache, which declares no port",
        ]
    );
}

#[test]
fn a_database_user_or_name_must_be_declared() {
    let mut stack = Stack::new("shop");
    let cache = stack
        .add_service(Service::new("cache", Image::new("redis:7")).port(Port::tcp(6379)).datastore(Datastore::redis(7)));
    let web = stack.add_service(Service::new("web", Image::new("nginx:1")).port(Port::http(80)));
    stack.add_service(api().env("CACHE_USER", cache.database_user()).env("WEB_DB", web.database_name()));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › env CACHE_USER: cache declares no database user",
            "stack shop (production) › service api › env WEB_DB: web declares no database name",
        ]
    );
}

#[test]
fn bad_healthchecks() {
    let mut stack = Stack::new("shop");
    stack.add_service(api().healthcheck(Probe::http(8080, "health").every(secs(5)).timeout(secs(10)).retries(0)));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › healthcheck: the HTTP path \"health\" does not start with '/'",
            "stack shop (production) › service api › healthcheck: the check probes port 8080, which the service does not declare",
            "stack shop (production) › service api › healthcheck: 0 retries would mark the service unhealthy on its first failed check",
            "stack shop (production) › service api › healthcheck: the timeout (10s) is longer than the interval (5s)",
        ]
    );
}

#[test]
fn jobs_and_cron() {
    let mut stack = Stack::new("shop");
    let backup = stack.add_service(Service::cron("backup", Image::new("postgres:16"), "0 2 * *"));
    stack.add_service(Service::job("migrate", Image::new("shop:1")).replicas(3));
    stack.add_service(api().depends_on(&backup, Ready::Started));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service backup › schedule: the cron schedule \"0 2 * *\" is invalid: it has 4 fields, not 5",
            "stack shop (production) › service migrate › replicas: a job runs once per start; 3 replicas would run it 3 times at once",
            "stack shop (production) › service api › depends_on backup: backup is a cron job; nothing can wait for a schedule",
        ]
    );
}

#[test]
fn resources_and_replicas() {
    let mut stack = Stack::new("shop");
    stack.add_service(api().replicas(0).resources(
        Resources::new().limit(Cpu::millis(500), Memory::mib(256)).reserve(Cpu::cores(1), Memory::mib(512)),
    ));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › replicas: the service runs 0 replicas",
            "stack shop (production) › service api › resources: the CPU reservation (1) exceeds the limit (0.5)",
            "stack shop (production) › service api › resources: the memory reservation (512 MiB) exceeds the limit (256 MiB)",
        ]
    );
}

#[test]
fn published_service_on_internal_networks_only() {
    let mut stack = Stack::new("shop");
    let private = stack.add_network(Network::new("private").internal());
    stack.add_service(Service::new("web", Image::new("nginx:1")).port(Port::http(80).published(80)).network(&private));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service web › networks: the service is published or routed but joins only internal networks, which nothing outside can reach",
        ]
    );
}

#[test]
fn builds_sharing_a_tag_must_agree() {
    let mut stack = Stack::new("shop");
    stack.add_service(Service::new("api", Image::build("backend").tag("shop-app")));
    stack.add_service(Service::new("worker", Image::build("worker").tag("shop-app")));
    stack.add_service(Service::new("admin", Image::build("admin").tag("shop-admin:1")));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service admin › image › tag: the image name \"shop-admin:1\" carries a tag or digest; the pipeline picks the tag",
            "stack shop (production) › service worker › image: image shop-app is also built by service api, with different settings",
        ]
    );
}

#[test]
fn secret_names_and_duplicate_env() {
    let mut stack = Stack::new("shop");
    let key = stack.add_secret(Secret::new("app-key"));
    stack.add_service(api().env("APP_KEY", &key).env("MODE", "a").env("MODE", "b").env("2FA", "on"));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › secret app-key: the secret name \"app-key\" is not an UPPER_SNAKE_CASE variable name",
            "stack shop (production) › service api › env MODE: the variable is set twice",
            "stack shop (production) › service api › env 2FA: \"2FA\" is not a valid variable name",
        ]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut stack = Stack::new("shop");
    let ghost = stack.reference("ghost");
    let web = stack.add_service(Service::new("web", Image::new("nginx:1")).port(Port::http(80).published(80)));
    stack.add_service(
        Service::new("api", Image::new("shop:1"))
            .env("SESSION_SECRET", "s3cr3t")
            .depends_on(&web, Ready::Healthy)
            .depends_on(&ghost, Ready::Started)
            .route(Route::new("api.example.com")),
    );
    stack.add_service(Service::new("admin", Image::new("shop:1")).port(Port::http(80).published(80)));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › route api.example.com/: the service has a public route but declares no port",
            "stack shop (production) › service api › depends_on web: waits for web to be healthy, but web has no health check",
            "stack shop (production) › service api › depends_on ghost: it refers to service ghost, which the stack does not declare",
            "stack shop (production) › service api › env SESSION_SECRET: the name looks like a secret but the value is a literal, which every target would write into its files",
            "stack shop (production) › service admin › port 80: host port 80 is already published by service web",
        ]
    );
}

#[test]
fn projects_report_every_environment() {
    let project = Project::new("shop", [Env::Dev, Env::Production, Env::Dev], |env| {
        let mut stack = Stack::new(if env.is_dev() { "shop" } else { "shop-prod" });
        stack.add_service(Service::new("api", Image::new("shop:1")).replicas(if env.is_dev() { 1 } else { 0 }));
        stack
    });
    let error = project.validate().unwrap_err();
    let found: Vec<String> = error.problems().iter().map(|p| format!("{}: {}", p.location(), p.message)).collect();
    assert_eq!(
        found,
        [
            "project shop › environment production: the stack is named \"shop-prod\", not \"shop\"",
            "stack shop-prod (production) › service api › replicas: the service runs 0 replicas",
            "project shop: environment dev is listed twice",
        ]
    );
    assert!(
        error.to_string().starts_with("invalid stack: 3 problems found:\n  - project shop › environment production:")
    );
}

#[test]
fn externals_are_reached_not_started() {
    let mut stack = Stack::new("shop");
    let url = stack.add_secret(Secret::new("DATABASE_URL"));
    let managed = stack.add_external(External::managed("db", &url).datastore(Datastore::postgres(15)));
    let legacy = stack.add_external(External::at("legacy", "10.0.0.5", 5432));
    stack.add_service(
        api()
            .env("DATABASE_URL", managed.database_url())
            .env("DB_HOST", managed.host())
            .env("LEGACY_URL", legacy.database_url())
            .depends_on(&managed, Ready::Started),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › env DB_HOST: db is managed by a provider; only its connection URL is known",
            "stack shop (production) › service api › env LEGACY_URL: external legacy is not declared as a database, so it has no database URL",
            "stack shop (production) › service api › depends_on db: db lives outside the stack; there is nothing to start or wait for",
        ]
    );
}

#[test]
fn routed_services_must_join_the_edge_network() {
    let mut stack = Stack::new("shop");
    let public = stack.add_network(Network::external("traefik-public"));
    let mut elsewhere = Stack::new("other");
    let missing = elsewhere.add_network(Network::external("proxy"));
    stack.set_edge(Traefik::new(&missing));
    stack.add_service(api().route(Route::new("api.example.com").tls()));
    stack.add_service(Service::new("web", Image::new("web:1")).port(Port::http(3000)).network(&public));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › edge: the edge proxy's network proxy is not declared in the stack",
            "stack shop (production) › service api › networks: the service has public routes but does not join proxy, the edge proxy's network",
        ]
    );
}

#[test]
fn liveness_probes_are_checked_like_health_checks() {
    let mut stack = Stack::new("shop");
    stack.add_service(api().healthcheck(Probe::http(8000, "/ready")).liveness(Probe::tcp(9000).retries(0)));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › liveness: the check probes port 9000, which the service does not declare",
            "stack shop (production) › service api › liveness: 0 retries would mark the service unhealthy on its first failed check",
        ]
    );
}

#[test]
fn autoscaling_ranges() {
    let mut stack = Stack::new("shop");
    stack.add_service(api().autoscale(Autoscale::between(3, 2).target_cpu(150)));
    stack.add_service(
        Service::new("web", Image::new("nginx:1.27"))
            .port(Port::http(80).published(8080))
            .autoscale(Autoscale::between(1, 4))
            .replicas(5),
    );
    stack.add_service(Service::job("migrate", Image::new("shop:1")).autoscale(Autoscale::between(1, 1)));
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › autoscale: the range 3..=2 is empty or starts at 0",
            "stack shop (production) › service api › autoscale: the CPU target 150% is not between 1 and 100",
            "stack shop (production) › service web › autoscale: 5 replicas lies outside the autoscaling range 1..=4",
            "stack shop (production) › service web › ports: 5 replicas cannot all bind the same host port",
            "stack shop (production) › service migrate › autoscale: a job runs to completion; there is nothing to scale",
        ]
    );
}

#[test]
fn ci_checks_need_a_build_and_distinct_names() {
    let (mut stack, _, _) = shop();
    stack.add_service(Service::new("cache", Image::new("redis:7-alpine")).check(CiCheck::new("lint", "true")));
    stack.add_service(
        api()
            .check(CiCheck::new("lint", "npm run lint"))
            .check(CiCheck::new("lint", "npx eslint ."))
            .check(CiCheck::new("tests", " "))
            .check(CiCheck::new("types", "npx tsc").toolchain(Toolchain::Node("lts".into())))
            .check(CiCheck::new("format", "ruff format --check").toolchain(Toolchain::Python("3.12".into()))),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service cache › check lint: checks run in the service's build context, and the service pulls a prebuilt image",
            "stack shop (production) › service api › check lint: two checks of the service share this name",
            "stack shop (production) › service api › check tests: the check's name or command is empty",
            "stack shop (production) › service api › check types: the toolchain's version is not a version number",
        ]
    );
}

#[test]
fn pipelines_need_a_ghcr_owner_a_branch_and_a_hosted_environment() {
    let project = |envs: Vec<Env>, pipeline: Pipeline| {
        Project::new("shop", envs, |_| shop().0)
            .pipeline(pipeline)
            .validate()
            .err()
            .map(|e| e.problems().iter().map(|p| format!("{}: {}", p.location(), p.message)).collect::<Vec<_>>())
    };
    assert_eq!(project(vec![Env::Dev, Env::Production], Pipeline::new(DeployTarget::Kubernetes)), None);
    assert_eq!(
        project(vec![Env::Production], Pipeline::new(DeployTarget::Render)).unwrap(),
        [
            "project shop › pipeline › registry: Render's Blueprint (render.yaml) names each service's image by its full URL in a committed file, which cannot read the repository owner the workflow runs under"
        ]
    );
    assert_eq!(project(vec![Env::Production], Pipeline::new(DeployTarget::Render).registry("ghcr.io/shop")), None);
    assert_eq!(
        project(
            vec![Env::Production],
            Pipeline::new(DeployTarget::Render).registry("ghcr.io/shop").redeploy_tags("v'; x")
        )
        .unwrap(),
        ["project shop › pipeline › redeploy_tags: \"v'; x\" is not a plain tag prefix"]
    );
    assert_eq!(
        project(vec![Env::Dev], Pipeline::new(DeployTarget::Railway).registry("docker.io/Shop").branch("-x y"))
            .unwrap(),
        [
            "project shop › pipeline › registry: \"docker.io/Shop\" is not ghcr.io/<owner> in lowercase",
            "project shop › pipeline › branch: \"-x y\" is not a plain branch name",
            "project shop › pipeline › environments: the pipeline deploys staging and production, and the project has neither",
        ]
    );
}
