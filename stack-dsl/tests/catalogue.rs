//! The catalogue of invalid stacks: one small stack per rule of validation, each with the
//! exact set of problems it must produce (place and message), and a check that every problem
//! also says how to fix it. Regressions found by the property tests become entries here.

use stack_dsl::*;

fn web() -> Service {
    Service::new("web", Image::new("nginx:1.27-alpine")).port(Port::http(80))
}

/// A stack named `shop` holding `services`.
fn with(services: Vec<Service>) -> Stack {
    let mut stack = Stack::new("shop");
    for service in services {
        stack.add_service(service);
    }
    stack
}

fn foreign() -> Stack {
    Stack::new("other")
}

/// A case: what is wrong, the stack, and every problem validation must report for it.
type Case = (&'static str, fn() -> Stack, &'static [&'static str]);

const CATALOGUE: &[Case] = &[
    (
        "stack name not a DNS label",
        || {
            let mut s = Stack::new("My_Shop");
            s.add_service(web());
            s
        },
        &[
            "stack My_Shop (production): the stack name \"My_Shop\" is invalid: it contains 'M'; only lowercase letters, digits and '-' are allowed",
        ],
    ),
    ("empty stack", || Stack::new("shop"), &["stack shop (production): the stack has no services"]),
    (
        "duplicate service names",
        || with(vec![web(), web()]),
        &["stack shop (production) › service web: two services are named \"web\""],
    ),
    (
        "service name not a DNS label",
        || with(vec![Service::new("Web_1", Image::new("nginx:1"))]),
        &[
            "stack shop (production) › service Web_1: the name \"Web_1\" is invalid: it contains 'W'; only lowercase letters, digits and '-' are allowed",
        ],
    ),
    (
        "service name starts with a digit",
        || with(vec![Service::new("1web", Image::new("nginx:1"))]),
        &[
            "stack shop (production) › service 1web: the name \"1web\" starts with a digit; Kubernetes Service names must start with a letter",
        ],
    ),
    (
        "namespace too long",
        || {
            let mut s = Stack::new("s".repeat(55));
            s.add_service(web());
            s
        },
        &[
            "stack sssssssssssssssssssssssssssssssssssssssssssssssssssssss (production): the Kubernetes namespace \"sssssssssssssssssssssssssssssssssssssssssssssssssssssss-production\" (stack name, '-', environment) is 66 characters long; at most 63 are allowed",
        ],
    ),
    (
        "cron job name too long",
        || with(vec![Service::cron("c".repeat(53), Image::new("busybox:1"), "0 2 * * *")]),
        &[
            "stack shop (production) › service ccccccccccccccccccccccccccccccccccccccccccccccccccccc: a cron job's name has at most 52 characters (Kubernetes CronJob), and \"ccccccccccccccccccccccccccccccccccccccccccccccccccccc\" has 53",
        ],
    ),
    (
        "wait-for container name too long",
        || {
            let mut s = Stack::new("shop");
            let long = s.add_service(Service::new("d".repeat(60), Image::new("redis:7")).port(Port::tcp(6379)));
            s.add_service(web().depends_on(&long, Ready::Started));
            s
        },
        &[
            "stack shop (production) › service web › depends_on dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd: the init container that waits for it, \"wait-for-dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\", would be longer than 63 characters",
        ],
    ),
    (
        "dependency on an undeclared service with a close name",
        || {
            let mut s = Stack::new("shop");
            s.add_service(Service::new("postgres", Image::new("postgres:16")).port(Port::tcp(5432)));
            let typo = s.reference("postgress");
            s.add_service(web().depends_on(&typo, Ready::Started));
            s
        },
        &[
            "stack shop (production) › service web › depends_on postgress: it refers to service postgress, which the stack does not declare",
        ],
    ),
    (
        "dependency on itself and twice",
        || {
            let mut s = Stack::new("shop");
            let me = s.reference("web");
            let db = s.add_service(Service::new("db", Image::new("postgres:16")));
            s.add_service(
                web().depends_on(&me, Ready::Started).depends_on(&db, Ready::Started).depends_on(&db, Ready::Started),
            );
            s
        },
        &[
            "stack shop (production) › service web › depends_on web: the service depends on itself",
            "stack shop (production) › service web › depends_on db: the dependency is listed twice",
        ],
    ),
    (
        "start-order cycle",
        || {
            let mut s = Stack::new("shop");
            let a = s.reference("a");
            let b = s.add_service(Service::new("b", Image::new("x:1")).depends_on(&a, Ready::Started));
            s.add_service(Service::new("a", Image::new("x:1")).depends_on(&b, Ready::Started));
            s
        },
        &["stack shop (production) › service a › depends_on: start order has a cycle: a → b → a"],
    ),
    (
        "waiting for health without a health check",
        || {
            let mut s = Stack::new("shop");
            let db = s.add_service(Service::new("db", Image::new("postgres:16")));
            s.add_service(web().depends_on(&db, Ready::Healthy));
            s
        },
        &[
            "stack shop (production) › service web › depends_on db: waits for db to be healthy, but db has no health check",
        ],
    ),
    (
        "waiting for a server to complete",
        || {
            let mut s = Stack::new("shop");
            let db = s.add_service(Service::new("db", Image::new("postgres:16")));
            s.add_service(web().depends_on(&db, Ready::Completed));
            s
        },
        &[
            "stack shop (production) › service web › depends_on db: waits for db to complete, but db runs continuously and never completes",
        ],
    ),
    (
        "waiting for a job to start",
        || {
            let mut s = Stack::new("shop");
            let job = s.add_service(Service::job("migrate", Image::new("shop:1")));
            s.add_service(web().depends_on(&job, Ready::Started));
            s
        },
        &[
            "stack shop (production) › service web › depends_on migrate: migrate is a one-shot job; waiting for it to start or be healthy does not wait for it to finish",
        ],
    ),
    (
        "waiting for a cron job",
        || {
            let mut s = Stack::new("shop");
            let cron = s.add_service(Service::cron("backup", Image::new("shop:1"), "0 2 * * *"));
            s.add_service(web().depends_on(&cron, Ready::Started));
            s
        },
        &[
            "stack shop (production) › service web › depends_on backup: backup is a cron job; nothing can wait for a schedule",
        ],
    ),
    (
        "two services publish one host port",
        || {
            with(vec![
                web().port(Port::http(81).published(8080)),
                Service::new("api", Image::new("x:1")).port(Port::http(80).published(8080)),
            ])
        },
        &["stack shop (production) › service api › port 80: host port 8080 is already published by service web"],
    ),
    (
        "replicas share a published port",
        || with(vec![Service::new("web", Image::new("x:1")).port(Port::http(80).published(80)).replicas(2)]),
        &["stack shop (production) › service web › ports: 2 replicas cannot all bind the same host port"],
    ),
    (
        "zero replicas",
        || with(vec![web().replicas(0)]),
        &["stack shop (production) › service web › replicas: the service runs 0 replicas"],
    ),
    (
        "replicas Kubernetes would clamp",
        || with(vec![web().replicas(u32::MAX)]),
        &[
            "stack shop (production) › service web › replicas: 4294967295 replicas is more than Kubernetes can hold (2147483647), so it would be clamped",
        ],
    ),
    (
        "a job with a route and autoscaling",
        || {
            with(vec![
                Service::job("migrate", Image::new("x:1"))
                    .port(Port::http(80))
                    .route(Route::new("m.example.com"))
                    .autoscale(Autoscale::between(1, 2)),
            ])
        },
        &[
            "stack shop (production) › service migrate › autoscale: a job runs to completion; there is nothing to scale",
            "stack shop (production) › service migrate › routes: a job has a public route, but it does not run continuously to answer it",
        ],
    ),
    (
        "autoscale range empty",
        || with(vec![web().autoscale(Autoscale::between(3, 2))]),
        &["stack shop (production) › service web › autoscale: the range 3..=2 is empty or starts at 0"],
    ),
    (
        "cron schedule with four fields",
        || with(vec![Service::cron("backup", Image::new("x:1"), "0 2 * *")]),
        &[
            "stack shop (production) › service backup › schedule: the cron schedule \"0 2 * *\" is invalid: it has 4 fields, not 5",
        ],
    ),
    (
        "cron minute out of range",
        || with(vec![Service::cron("backup", Image::new("x:1"), "61 * * * *")]),
        &[
            "stack shop (production) › service backup › schedule: the cron schedule \"61 * * * *\" is out of range: the minute \"61\" is not a number from 0 to 59",
        ],
    ),
    (
        "cron month out of range",
        || with(vec![Service::cron("backup", Image::new("x:1"), "0 0 1 13 *")]),
        &[
            "stack shop (production) › service backup › schedule: the cron schedule \"0 0 1 13 *\" is out of range: the month \"13\" is not a number from 1 to 12",
        ],
    ),
    (
        "route without a port",
        || with(vec![Service::new("web", Image::new("x:1")).route(Route::new("shop.example.com"))]),
        &[
            "stack shop (production) › service web › route shop.example.com/: the service has a public route but declares no port",
        ],
    ),
    (
        "route to an undeclared port",
        || with(vec![web().route(Route::new("shop.example.com").port(9000))]),
        &[
            "stack shop (production) › service web › route shop.example.com/: the route reaches port 9000, which the service does not declare",
        ],
    ),
    (
        "route to a TCP port",
        || {
            with(vec![
                Service::new("db", Image::new("x:1"))
                    .port(Port::tcp(5432))
                    .route(Route::new("db.example.com").port(5432)),
            ])
        },
        &[
            "stack shop (production) › service db › route db.example.com/: the route reaches port 5432, which is not an HTTP port",
        ],
    ),
    (
        "route host with a scheme",
        || with(vec![web().route(Route::new("https://shop.example.com"))]),
        &[
            "stack shop (production) › service web › route https://shop.example.com/: the host \"https://shop.example.com\" is invalid: it includes a scheme or a path",
        ],
    ),
    (
        "route host in uppercase",
        || with(vec![web().route(Route::new("Shop.Example.com"))]),
        &[
            "stack shop (production) › service web › route Shop.Example.com/: the host \"Shop.Example.com\" has uppercase letters, which an Ingress rejects",
        ],
    ),
    (
        "route host is an IP address",
        || with(vec![web().route(Route::new("192.168.1.10"))]),
        &[
            "stack shop (production) › service web › route 192.168.1.10/: the host \"192.168.1.10\" is an IP address; an Ingress, a certificate and the platforms need a DNS name",
        ],
    ),
    (
        "route path without a slash",
        || with(vec![web().route(Route::new("shop.example.com").path("api"))]),
        &[
            "stack shop (production) › service web › route shop.example.comapi: the path \"api\" does not start with '/'",
        ],
    ),
    (
        "same route on two services",
        || {
            with(vec![
                web().route(Route::new("shop.example.com")),
                Service::new("api", Image::new("x:1")).port(Port::http(80)).route(Route::new("shop.example.com")),
            ])
        },
        &[
            "stack shop (production) › service api › route shop.example.com/: service web already serves this host and path",
        ],
    ),
    (
        "invalid variable name and variable set twice",
        || with(vec![web().env("2FA", "on").env("MODE", "a").env("MODE", "b")]),
        &[
            "stack shop (production) › service web › env 2FA: \"2FA\" is not a valid variable name",
            "stack shop (production) › service web › env MODE: the variable is set twice",
        ],
    ),
    (
        "declared secret given as a literal",
        || {
            let mut s = Stack::new("shop");
            s.add_secret(Secret::new("DB_PASSWORD"));
            s.add_service(web().env("DB_PASSWORD", "x"));
            s
        },
        &[
            "stack shop (production) › service web › env DB_PASSWORD: DB_PASSWORD is declared as a secret but given here as a plain value",
        ],
    ),
    (
        "secret-looking literal",
        || with(vec![web().env("JWT_KEY", "k")]),
        &[
            "stack shop (production) › service web › env JWT_KEY: the name looks like a secret but the value is a literal, which every target would write into its files",
        ],
    ),
    (
        "secret-looking literal without separators",
        || with(vec![web().env("PGPASSWORD", "p")]),
        &[
            "stack shop (production) › service web › env PGPASSWORD: the name looks like a secret but the value is a literal, which every target would write into its files",
        ],
    ),
    (
        "secret-looking build argument",
        || with(vec![Service::new("api", Image::build("backend").arg("NPM_TOKEN", "t"))]),
        &[
            "stack shop (production) › service api › build arg NPM_TOKEN: the name looks like a secret but build arguments are written into the pipeline and Compose files and kept in the image's history",
        ],
    ),
    (
        "password in a URL",
        || with(vec![web().env("DATABASE_URL", "postgresql://u:p@db/shop")]),
        &["stack shop (production) › service web › env DATABASE_URL: the URL carries a password in plain text"],
    ),
    (
        "password in a DSN",
        || with(vec![web().env("MYSQL_DSN", "u:p@tcp(db:3306)/shop")]),
        &["stack shop (production) › service web › env MYSQL_DSN: the DSN carries a password in plain text"],
    ),
    (
        "opt-out naming nothing",
        || with(vec![web().not_secret("PUBLIC_KEY")]),
        &[
            "stack shop (production) › service web › not_secret PUBLIC_KEY: the service sets no variable or build argument of that name",
        ],
    ),
    (
        "undeclared secret with a close name",
        || {
            let mut other = foreign();
            let secret = other.add_secret(Secret::new("DB_PASWORD"));
            let mut s = Stack::new("shop");
            s.add_secret(Secret::new("DB_PASSWORD"));
            s.add_service(web().env("POSTGRES_PASSWORD", &secret));
            s
        },
        &[
            "stack shop (production) › service web › env POSTGRES_PASSWORD: secret DB_PASWORD is not declared in the stack",
        ],
    ),
    (
        "secret name not UPPER_SNAKE_CASE",
        || {
            let mut s = Stack::new("shop");
            let k = s.add_secret(Secret::new("app-key"));
            s.add_service(web().env("APP_KEY", &k));
            s
        },
        &[
            "stack shop (production) › secret app-key: the secret name \"app-key\" is not an UPPER_SNAKE_CASE variable name",
        ],
    ),
    (
        "secret description with a line break",
        || {
            let mut s = Stack::new("shop");
            s.add_secret(Secret::new("DB_PASSWORD").describe("a\nb: c"));
            s.add_service(web());
            s
        },
        &[
            "stack shop (production) › secret DB_PASSWORD: the description has a line break or control character, which would start a new line in the generated files",
        ],
    ),
    (
        "undeclared volume with a close name",
        || {
            let mut other = foreign();
            let v = other.add_volume(Volume::persistent("pgdat"));
            let mut s = Stack::new("shop");
            s.add_volume(Volume::persistent("pgdata"));
            s.add_service(web().mount(Mount::volume(&v, "/data")));
            s
        },
        &["stack shop (production) › service web › mount /data: volume pgdat is not declared in the stack"],
    ),
    (
        "relative mount target and two mounts on one path",
        || with(vec![web().mount(Mount::tmpfs("tmp")).mount(Mount::tmpfs("/a")).mount(Mount::tmpfs("/a"))]),
        &[
            "stack shop (production) › service web › mount tmp: the mount target is not an absolute path",
            "stack shop (production) › service web › mount /a: two mounts share this target",
        ],
    ),
    (
        "empty bind path",
        || with(vec![web().mount(Mount::bind("", "/data"))]),
        &["stack shop (production) › service web › mount /data: the host path is empty"],
    ),
    (
        "config file outside the repository",
        || with(vec![web().mount(Mount::config("../secrets/app.conf", "/etc/app.conf"))]),
        &[
            "stack shop (production) › service web › mount /etc/app.conf: the config file \"../secrets/app.conf\" climbs out with '..'; CI and the platforms see only the repository",
        ],
    ),
    (
        "build context and Dockerfile outside the repository",
        || with(vec![Service::new("api", Image::build("../outside").dockerfile("/etc/Dockerfile"))]),
        &[
            "stack shop (production) › service api › image: the build context \"../outside\" climbs out with '..'; CI and the platforms see only the repository",
            "stack shop (production) › service api › image: the dockerfile \"/etc/Dockerfile\" is absolute; paths are relative to the repository root, and CI sees only the repository",
        ],
    ),
    (
        "empty build context",
        || with(vec![Service::new("api", Image::build(" "))]),
        &["stack shop (production) › service api › image: the build context is empty"],
    ),
    (
        "image tag with a tag",
        || with(vec![Service::new("api", Image::build("backend").tag("shop-api:1"))]),
        &[
            "stack shop (production) › service api › image › tag: the image name \"shop-api:1\" carries a tag or digest; the pipeline picks the tag",
        ],
    ),
    (
        "builds sharing a tag disagree",
        || {
            with(vec![
                Service::new("api", Image::build("backend").tag("shop")),
                Service::new("worker", Image::build("worker").tag("shop")),
            ])
        },
        &[
            "stack shop (production) › service worker › image: image shop is also built by service api, with different settings",
        ],
    ),
    (
        "image reference with uppercase",
        || with(vec![Service::new("api", Image::new("UPPER/Case:tag"))]),
        &[
            "stack shop (production) › service api › image: the image reference \"UPPER/Case:tag\" is invalid: the path component \"Case\" must be lowercase letters and digits, separated by '.', '_' or '-'",
        ],
    ),
    (
        "image reference with an empty tag",
        || with(vec![Service::new("api", Image::new("nginx:"))]),
        &[
            "stack shop (production) › service api › image: the image reference \"nginx:\" is invalid: the tag \"\" must be 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
        ],
    ),
    (
        "image reference with whitespace",
        || with(vec![Service::new("api", Image::new("nginx 1"))]),
        &[
            "stack shop (production) › service api › image: the image reference \"nginx 1\" is empty or contains whitespace",
        ],
    ),
    (
        "undeclared network with a close name",
        || {
            let mut other = foreign();
            let n = other.add_network(Network::new("backnd"));
            let mut s = Stack::new("shop");
            s.add_network(Network::new("backend"));
            s.add_service(web().network(&n));
            s
        },
        &["stack shop (production) › service web › network backnd: network backnd is not declared in the stack"],
    ),
    (
        "published service on internal networks only",
        || {
            let mut s = Stack::new("shop");
            let private = s.add_network(Network::new("private").internal());
            s.add_service(Service::new("web", Image::new("x:1")).port(Port::http(80).published(80)).network(&private));
            s
        },
        &[
            "stack shop (production) › service web › networks: the service is published or routed but joins only internal networks, which nothing outside can reach",
        ],
    ),
    (
        "health check problems",
        || with(vec![web().healthcheck(Probe::http(8080, "health").every(secs(5)).timeout(secs(10)).retries(0))]),
        &[
            "stack shop (production) › service web › healthcheck: the HTTP path \"health\" does not start with '/'",
            "stack shop (production) › service web › healthcheck: the check probes port 8080, which the service does not declare",
            "stack shop (production) › service web › healthcheck: 0 retries would mark the service unhealthy on its first failed check",
            "stack shop (production) › service web › healthcheck: the timeout (10s) is longer than the interval (5s)",
        ],
    ),
    (
        "health check timings zero and fractional",
        || {
            with(vec![
                web().healthcheck(
                    Probe::http(80, "/")
                        .every(std::time::Duration::ZERO)
                        .start_period(std::time::Duration::from_millis(1500)),
                ),
            ])
        },
        &[
            "stack shop (production) › service web › healthcheck: the interval and timeout must be longer than zero",
            "stack shop (production) › service web › healthcheck: timings must be whole seconds",
        ],
    ),
    (
        "health check interval too long for Kubernetes",
        || with(vec![web().healthcheck(Probe::http(80, "/").every(mins(u64::MAX)).timeout(secs(1)))]),
        &[
            "stack shop (production) › service web › healthcheck: the interval of 18446744073709551615 s is longer than Kubernetes can hold (2147483647 s, its probe fields are 32-bit seconds)",
        ],
    ),
    (
        "liveness with an empty command",
        || with(vec![web().liveness(Probe::exec(Vec::<String>::new()))]),
        &["stack shop (production) › service web › liveness: the check runs no program"],
    ),
    (
        "resources over limits",
        || {
            with(vec![web().resources(
                Resources::new().limit(Cpu::millis(500), Memory::mib(256)).reserve(Cpu::cores(1), Memory::mib(512)),
            )])
        },
        &[
            "stack shop (production) › service web › resources: the CPU reservation (1) exceeds the limit (0.5)",
            "stack shop (production) › service web › resources: the memory reservation (512 MiB) exceeds the limit (256 MiB)",
        ],
    ),
    (
        "CPU that overflowed",
        || with(vec![web().resources(Resources::new().limit(Cpu::cores(u32::MAX), Memory::mib(64)))]),
        &[
            "stack shop (production) › service web › resources: the CPU limit overflowed when converted to thousandths of a core (more than 4294967.295 cores)",
        ],
    ),
    (
        "memory beyond 2^63 bytes",
        || with(vec![web().resources(Resources::new().limit_memory(Memory::gib(u64::MAX)))]),
        &[
            "stack shop (production) › service web › resources: the memory limit of 18446744073709551615 bytes is more than Kubernetes and Docker can hold (at most 9223372036854775807 bytes)",
        ],
    ),
    (
        "volume of size zero",
        || {
            let mut s = Stack::new("shop");
            s.add_volume(Volume::persistent("data").size(Memory::mib(0)));
            s.add_service(web());
            s
        },
        &["stack shop (production) › volume data: the volume's size is zero; no target can provision an empty volume"],
    ),
    (
        "empty command",
        || with(vec![web().command(Vec::<String>::new())]),
        &["stack shop (production) › service web › command: the command is empty"],
    ),
    (
        "label set twice",
        || with(vec![web().label("a", "1").label("a", "2")]),
        &["stack shop (production) › service web › label a: the label is set twice"],
    ),
    (
        "CI check on a prebuilt image",
        || with(vec![web().check(CiCheck::new("lint", "npm run lint"))]),
        &[
            "stack shop (production) › service web › check lint: checks run in the service's build context, and the service pulls a prebuilt image",
        ],
    ),
    (
        "CI check with a GitHub expression",
        || {
            with(vec![
                Service::new("api", Image::build("backend"))
                    .check(CiCheck::new("greet", "echo ${{ github.head_ref }}")),
            ])
        },
        &[
            "stack shop (production) › service api › check greet: the check contains `${{`, which GitHub Actions evaluates as an expression before the shell runs, so text from a pull request could run as code",
        ],
    ),
    (
        "database URL of a service without a datastore",
        || {
            let mut s = Stack::new("shop");
            let cache = s.add_service(Service::new("cache", Image::new("redis:7")).port(Port::tcp(6379)));
            s.add_service(web().env("DATABASE_URL", cache.database_url()));
            s
        },
        &[
            "stack shop (production) › service web › env DATABASE_URL: service cache provides no database, so it has no database URL",
        ],
    ),
    (
        "PostgreSQL datastore without user and database",
        || {
            with(vec![
                Service::new("db", Image::new("postgres:16")).port(Port::tcp(5432)).datastore(Datastore::postgres(16)),
            ])
        },
        &[
            "stack shop (production) › service db › datastore: a PostgreSQL datastore needs a user and a database name to build its connection URL",
        ],
    ),
    (
        "MySQL and MongoDB datastores without user or database",
        || {
            with(vec![
                Service::new("mysql", Image::new("mysql:8.4"))
                    .port(Port::tcp(3306))
                    .datastore(Datastore::mysql(8).database("shop")),
                Service::new("mongo", Image::new("mongo:7"))
                    .port(Port::tcp(27017))
                    .datastore(Datastore::mongo(7).user("shop")),
            ])
        },
        &[
            "stack shop (production) › service mysql › datastore: a MySQL datastore needs a user and a database name to build its connection URL",
            "stack shop (production) › service mongo › datastore: a MongoDB datastore needs a database name to build its connection URL",
        ],
    ),
    (
        "MongoDB datastore with a password but no user",
        || {
            let mut s = Stack::new("shop");
            let password = s.add_secret(Secret::new("MONGO_PASSWORD"));
            s.add_service(
                Service::new("mongo", Image::new("mongo:7"))
                    .port(Port::tcp(27017))
                    .datastore(Datastore::mongo(7).database("chat").password(&password)),
            );
            s
        },
        &[
            "stack shop (production) › service mongo › datastore: a MongoDB datastore with a password needs the user it belongs to; without a user it has no authentication",
        ],
    ),
    (
        "waiting for an external service",
        || {
            let mut s = Stack::new("shop");
            let legacy = s.add_external(External::at("legacy", "10.0.0.5", 5432));
            s.add_service(web().depends_on(&legacy, Ready::Started));
            s
        },
        &[
            "stack shop (production) › service web › depends_on legacy: legacy lives outside the stack; there is nothing to start or wait for",
        ],
    ),
    (
        "external network marked internal",
        || {
            let mut s = Stack::new("shop");
            s.add_network(Network::external("proxy").internal());
            s.add_service(web());
            s
        },
        &[
            "stack shop (production) › network proxy: an external network cannot be marked internal: the stack does not create it",
        ],
    ),
    (
        "secret declared twice",
        || {
            let mut s = Stack::new("shop");
            s.add_secret(Secret::new("DB_PASSWORD"));
            s.add_secret(Secret::new("DB_PASSWORD"));
            s.add_service(web());
            s
        },
        &["stack shop (production) › secret DB_PASSWORD: the secret is declared twice"],
    ),
    (
        "external named like a service, without an address",
        || {
            let mut s = Stack::new("shop");
            s.add_service(web());
            s.add_external(External::at("web", "", 0));
            s
        },
        &[
            "stack shop (production) › external web: the name \"web\" is already used by another service or external",
            "stack shop (production) › external web: the address needs a host and a port",
        ],
    ),
    (
        "edge proxy network undeclared and not joined",
        || {
            let mut other = foreign();
            let proxy = other.add_network(Network::external("proxy"));
            let mut s = Stack::new("shop");
            s.set_edge(Traefik::new(&proxy));
            s.add_service(web().route(Route::new("shop.example.com")));
            s
        },
        &[
            "stack shop (production) › edge: the edge proxy's network proxy is not declared in the stack",
            "stack shop (production) › service web › networks: the service has public routes but does not join proxy, the edge proxy's network",
        ],
    ),
    (
        "edge proxy for an undeclared service",
        || {
            let mut s = Stack::new("shop");
            let ghost = s.reference("ghost");
            s.add_service(web().edge_proxy_for([&ghost]));
            s
        },
        &[
            "stack shop (production) › service web › edge_proxy_for ghost: it refers to service ghost, which the stack does not declare",
        ],
    ),
    (
        "duplicate volume names",
        || {
            let mut s = Stack::new("shop");
            s.add_volume(Volume::persistent("data"));
            s.add_volume(Volume::persistent("data"));
            s.add_service(web());
            s
        },
        &["stack shop (production) › volume data: two volumes are named \"data\""],
    ),
    (
        "autoscale CPU target over 100%",
        || with(vec![web().autoscale(Autoscale::between(1, 3).target_cpu(150))]),
        &["stack shop (production) › service web › autoscale: the CPU target 150% is not between 1 and 100"],
    ),
    (
        "route names no port on a TCP-only service",
        || with(vec![Service::new("db", Image::new("x:1")).port(Port::tcp(5432)).route(Route::new("db.example.com"))]),
        &[
            "stack shop (production) › service db › route db.example.com/: the route names no port and the service has no HTTP port",
        ],
    ),
    (
        "host of a managed external, and URL of an external that is no database",
        || {
            let mut s = Stack::new("shop");
            let url = s.add_secret(Secret::new("DATABASE_URL"));
            let managed = s.add_external(External::managed("db", &url).datastore(Datastore::postgres(16)));
            let legacy = s.add_external(External::at("legacy", "10.0.0.5", 5432));
            s.add_service(web().env("DB_HOST", managed.host()).env("LEGACY_URL", legacy.database_url()));
            s
        },
        &[
            "stack shop (production) › service web › env DB_HOST: db is managed by a provider; only its connection URL is known",
            "stack shop (production) › service web › env LEGACY_URL: external legacy is not declared as a database, so it has no database URL",
        ],
    ),
    (
        "references to ports a service does not declare",
        || {
            let mut s = Stack::new("shop");
            let cache = s.add_service(Service::new("cache", Image::new("redis:7")));
            let api = s.add_service(Service::new("api", Image::new("x:1")).port(Port::http(80)));
            s.add_service(web().env("CACHE_URL", cache.url()).env("API_PORT", api.url().port(9999)));
            s
        },
        &[
            "stack shop (production) › service web › env CACHE_URL: it refers to the address of service cache, which declares no port",
            "stack shop (production) › service web › env API_PORT: it refers to port 9999 of service api, which that service does not declare",
        ],
    ),
    (
        "limit of zero",
        || with(vec![web().resources(Resources::new().limit(Cpu::millis(0), Memory::mib(64)))]),
        &["stack shop (production) › service web › resources: a limit or reservation of zero"],
    ),
    (
        "CI checks sharing a name, one empty",
        || {
            with(vec![
                Service::new("api", Image::build("backend"))
                    .check(CiCheck::new("lint", "npm run lint"))
                    .check(CiCheck::new("lint", " ")),
            ])
        },
        &[
            "stack shop (production) › service api › check lint: the check's name or command is empty",
            "stack shop (production) › service api › check lint: two checks of the service share this name",
        ],
    ),
    (
        "datastore password undeclared",
        || {
            let mut other = foreign();
            let secret = other.add_secret(Secret::new("PGPASS_MISSING"));
            with(vec![
                Service::new("db", Image::new("postgres:16"))
                    .port(Port::tcp(5432))
                    .datastore(Datastore::postgres(16).user("u").database("d").password(&secret)),
            ])
        },
        &[
            "stack shop (production) › service db › datastore › password: secret PGPASS_MISSING is not declared in the stack",
        ],
    ),
    (
        "image name with uppercase letters",
        || with(vec![Service::new("api", Image::build("backend").tag("Shop-API"))]),
        &[
            "stack shop (production) › service api › image › tag: the image name \"Shop-API\" may use only lowercase letters, digits and . _ - /",
        ],
    ),
    (
        "cron field with characters cron does not accept",
        || with(vec![Service::cron("backup", Image::new("x:1"), "0 2 * * mon?")]),
        &[
            "stack shop (production) › service backup › schedule: the cron schedule \"0 2 * * mon?\" is invalid: the field \"mon?\" has characters cron does not accept",
        ],
    ),
    (
        "config file name that cannot be a ConfigMap key",
        || with(vec![web().mount(Mount::config("./nginx/my site.conf", "/etc/nginx/conf.d/site.conf"))]),
        &[
            "stack shop (production) › service web › mount /etc/nginx/conf.d/site.conf: the config file's name \"my site.conf\" cannot be a ConfigMap key (letters, digits, '-', '_' and '.' only)",
        ],
    ),
];

#[test]
fn every_invalid_stack_reports_exactly_its_problems_each_with_a_place_and_a_fix() {
    assert!(CATALOGUE.len() >= 60, "the catalogue covers every rule: {} cases", CATALOGUE.len());
    let mut failures = String::new();
    for (case, make, expected) in CATALOGUE {
        let found: Vec<String> = match make().validate(Env::Production) {
            Ok(_) => Vec::new(),
            Err(error) => error
                .problems()
                .iter()
                .map(|p| {
                    assert!(!p.path.is_empty() && p.path[0].starts_with("stack "), "{case}: no place in {p}");
                    assert!(p.fix.len() > 15 && !p.fix.ends_with('.'), "{case}: no usable fix in {p}");
                    format!("{}: {}", p.location(), p.message)
                })
                .collect(),
        };
        if found != *expected {
            failures.push_str(&format!("{case}:\n  expected {expected:#?}\n  found {found:#?}\n"));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn case_names_are_distinct() {
    let mut names: Vec<&str> = CATALOGUE.iter().map(|(name, _, _)| *name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CATALOGUE.len());
}
