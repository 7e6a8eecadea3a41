//! NEOSALE (seed 004, `../shared/seeds/STACKS.md`): a Next.js 15 front end (`web`) and an
//! Express + Prisma API (`api`) behind Nginx, with PostgreSQL and Redis, in development,
//! staging and production (`docker-compose.staging.yml` / `docker-compose.prod.yml` in the seed).
//!
//! The document is a guide and a checklist, not a compose file; every choice made where it is
//! silent is marked "Not stated:" below.

use crate::probes::wget_http;
use stack_dsl::{
    Certificates, CiCheck, Cluster, Cpu, Datastore, DeployTarget, Env, Image, ImageFacts, Memory, Mount, Network,
    Pipeline, Port, Project, Ready, Resources, Secret, Service, Stack, Toolchain, Volume, secs,
};

/// Daily database dumps kept in the backups volume. Not stated: the seed keeps every dump, which
/// fills any claim; two weeks fit the 20 GiB claim while a dump stays under 1.4 GiB.
pub const BACKUPS_KEPT: usize = 14;

/// The NEOSALE project in its three environments.
pub fn project() -> Project {
    Project::new("neosale", Env::ALL, stack)
        // The seed lists AWS ECS (its Compose integration is retired upstream), App Platform,
        // Kubernetes and Railway; Kubernetes is the one Stackwright emits that keeps its Nginx,
        // Redis and cron. Images go to GHCR, tagged with the commit SHA, as the seed recommends.
        //
        // Left out of the pipeline, on purpose:
        // - The seed's blue-green production switch. Production is a rolling update of each
        //   Deployment that only moves traffic to pods whose readiness probe passes, and the job
        //   rolls back when the rollout or the smoke test fails: the same "no downtime, back on
        //   failure" the seed wants. Blue-green proper (two colours, a Service selector flipped
        //   after checks) would need a second Deployment per service and its own cutover step,
        //   which the model does not express.
        // - The seed's staging E2E tests. It names them after the staging smoke tests but gives
        //   no tool, command or suite; the staging smoke test on every routed health endpoint is
        //   what runs. Add the suite as a check of its service when it exists.
        .pipeline(Pipeline::new(DeployTarget::Kubernetes))
        // The certificate nginx mounts from ./nginx/certs becomes the TLS Secret of the Ingress
        // that replaces nginx in the cluster. Not stated: the public host names (nginx answers
        // any host); reserved example names stand in, one per environment, until the team
        // names its domain: the deploy workflow routes the real host from
        // vars.PUBLIC_HOST_NGINX_<ENV> in their place (Ingress rules and TLS hosts), serves web
        // and api on it with that certificate, and smoke-tests web's health check there.
        .cluster(
            Cluster::new()
                .certificates(Certificates::Secret("neosale-tls".into()))
                .host(Env::Dev, "neosale.localhost")
                .host(Env::Staging, "staging.neosale.example.com")
                .host(Env::Production, "neosale.example.com"),
        )
}

/// The NEOSALE stack in `env`.
pub fn stack(env: Env) -> Stack {
    let mut stack = Stack::new("neosale");

    // Not stated: networks. `edge` carries browser traffic (nginx, web, api); `data` is internal,
    // so PostgreSQL and Redis are reachable only from the services that need them.
    let edge = stack.add_network(Network::new("edge"));
    let data = stack.add_network(Network::new("data").internal());

    let db_password =
        stack.add_secret(Secret::new("POSTGRES_PASSWORD").describe("Password of the neosale PostgreSQL user."));
    let pgdata = stack.add_volume(Volume::persistent("pgdata").size(Memory::gib(20)));
    let redis_data = stack.add_volume(Volume::persistent("redis-data").size(Memory::gib(1)));

    // The seed names the user and database `neosale` (`pg_dump -U neosale neosale`).
    // Not stated: the image; the checklist asks for Alpine images.
    let postgres = stack.add_service(
        Service::new("postgres", Image::new("postgres:16-alpine"))
            .port(Port::tcp(5432))
            .env("POSTGRES_USER", "neosale")
            .env("POSTGRES_DB", "neosale")
            .env("POSTGRES_PASSWORD", &db_password)
            .mount(Mount::volume(&pgdata, "/var/lib/postgresql/data"))
            .network(&data)
            .datastore(Datastore::postgres(16).user("neosale").database("neosale").password(&db_password)),
    );

    // The seed's Redis tuning: `maxmemory-policy allkeys-lru`, RDB snapshots and AOF.
    // Not stated: the memory cap (256 MiB, under the container's limit).
    let redis = stack.add_service(
        Service::new("redis", Image::new("redis:7-alpine"))
            .command([
                "redis-server",
                "--appendonly",
                "yes",
                "--save",
                "3600 1 300 100",
                "--maxmemory",
                "256mb",
                "--maxmemory-policy",
                "allkeys-lru",
            ])
            .port(Port::tcp(6379))
            .mount(Mount::volume(&redis_data, "/data"))
            .network(&data)
            .resources(Resources::new().limit(Cpu::millis(500), Memory::mib(384)))
            .datastore(Datastore::redis(7)),
    );

    // The API image (backend/Dockerfile, multi-stage) also runs the Prisma migrations. Not
    // stated: the Dockerfiles' base image; the checklist's "Usar Alpine images" and Node make it
    // node:<version>-alpine, whose user node is uid 1000 (`crate::NODE_UID`), the owner of the
    // working directory the Dockerfile copies the app into with `--chown=node:node`.
    let api_image = Image::build("backend").tag("neosale-api");
    let node_env = if env.is_dev() { "development" } else { "production" };

    // Not stated: how migrations run (the seed has scripts/db-init.sh). A one-shot job runs
    // `prisma migrate deploy` before the API starts, so replicas never race to migrate.
    // Its root stays writable: the Prisma CLI writes temporary files in its working directory
    // (EROFS on a read-only root, https://github.com/prisma/prisma/issues/20768). It runs on the
    // internal network, without internet: CHECKPOINT_DISABLE=1 stops the CLI's update check
    // (https://www.prisma.io/docs/orm/tools/prisma-cli#telemetry), and the CLI and its engines
    // must already be in the image, since `npx` and Prisma would otherwise download them.
    let migrate = stack.add_service(
        Service::job("migrate", api_image.clone())
            .command(["npx", "prisma", "migrate", "deploy"])
            .env("DATABASE_URL", postgres.database_url())
            .env("CHECKPOINT_DISABLE", "1")
            .network(&data)
            .user(crate::NODE_UID)
            .mount(Mount::tmpfs("/tmp"))
            .image_facts(ImageFacts::new().requires(
                "hold the Prisma CLI (`prisma` in node_modules, not pruned as a dev dependency) and its schema engine for the image's platform, which the job cannot download without internet, in a working directory user node (uid 1000) can write (the CLI writes temporary files there)",
            ))
            .depends_on(&postgres, Ready::Healthy),
    );

    // Not stated: the API's port (3001) and health endpoint (`/health`); the checklist asks for
    // health checks. Node Alpine images ship busybox `wget`, not `curl`.
    let mut api = Service::new("api", api_image)
        .port(Port::http(3001))
        // The seed's code-quality stage: ESLint and the TypeScript type check.
        .check(CiCheck::new("install", "npm ci").toolchain(node()))
        .check(CiCheck::new("lint", "npx eslint .").toolchain(node()))
        .check(CiCheck::new("type check", "npx tsc --noEmit").toolchain(node()))
        // NODE_ENV is `production` in staging too: Express and Prisma switch their optimisations
        // on it. Sentry's environment, which the seed takes from NODE_ENV, then reads
        // `production` in staging as well.
        .env("NODE_ENV", node_env)
        .env("PORT", "3001")
        .env("DATABASE_URL", postgres.database_url())
        .env("REDIS_URL", redis.url())
        .network(&edge)
        .network(&data)
        .healthcheck(wget_http(3001, "/health").start_period(secs(20)))
        .depends_on(&migrate, Ready::Completed)
        .depends_on(&postgres, Ready::Healthy)
        .depends_on(&redis, Ready::Healthy)
        // The checklist: no root, read-only root filesystem.
        .user(crate::NODE_UID)
        .read_only_root()
        .mount(Mount::tmpfs("/tmp"));
    if env.is_hosted() {
        // Sentry reports errors from the hosted environments only. Optional monitoring: without a
        // DSN the SDK sends nothing and the API runs
        // (https://docs.sentry.io/platforms/javascript/guides/node/configuration/options/#dsn).
        let sentry =
            stack.add_secret(Secret::new("SENTRY_DSN").describe("Sentry DSN of the NEOSALE API project.").optional());
        api = api.env("SENTRY_DSN", &sentry);
    }
    if env.is_production() {
        // The seed's scaling examples: 3 API replicas, and up to 4 CPUs / 4 GB each.
        api = api.replicas(3).resources(
            Resources::new().limit(Cpu::cores(4), Memory::gib(4)).reserve(Cpu::millis(500), Memory::mib(512)),
        );
    } else {
        api = api.resources(Resources::new().limit(Cpu::cores(1), Memory::gib(1)));
    }
    let api = stack.add_service(api);

    // Not stated: the web port (3000, Next.js's default) and health path. Server Components
    // call the API over the internal network.
    let mut web = Service::new("web", Image::build("frontend").tag("neosale-web"))
        .port(Port::http(3000))
        .check(CiCheck::new("install", "npm ci").toolchain(node()))
        .check(CiCheck::new("lint", "npx eslint .").toolchain(node()))
        .check(CiCheck::new("type check", "npx tsc --noEmit").toolchain(node()))
        .env("NODE_ENV", node_env)
        .env("PORT", "3000")
        .env("HOSTNAME", "0.0.0.0")
        .env("API_URL", api.url())
        .network(&edge)
        .healthcheck(wget_http(3000, "/").start_period(secs(20)))
        .depends_on(&api, Ready::Healthy)
        .user(crate::NODE_UID)
        .read_only_root()
        .mount(Mount::tmpfs("/tmp"))
        // Next.js writes its image and fetch cache here.
        .mount(Mount::tmpfs("/app/.next/cache"))
        .resources(Resources::new().limit(Cpu::cores(1), Memory::gib(1)));
    if env.is_production() {
        web = web.replicas(2);
    }
    let web = stack.add_service(web);

    // Nginx: reverse proxy and load balancer (nginx/nginx.conf). Not stated: the image tag and
    // ports; HTTPS is a production checklist item, so 443 and the certificates are mounted in
    // the hosted environments.
    // Not stated: a configuration per environment. The seed has one nginx/nginx.conf, but TLS
    // server blocks make nginx exit ("cannot load certificate") where no certificate is mounted,
    // so development reads its own plain-HTTP file. The health check asks port 80 for `/`, which
    // must answer there rather than redirect to HTTPS.
    let config = if env.is_hosted() {
        Mount::config("./nginx/nginx.conf", "/etc/nginx/nginx.conf").must_contain(
            "a server on 80 answering / without a redirect (the health check requests it) and a server on 443 ssl with its certificate and key from /etc/nginx/certs; both proxy /api to http://api:3001 and / to http://web:3000",
        )
    } else {
        Mount::config("./nginx/nginx.dev.conf", "/etc/nginx/nginx.conf").must_contain(
            "a server on 80 only, without TLS (no certificate is mounted), proxying /api to http://api:3001 and / to http://web:3000",
        )
    };
    let mut nginx = Service::new("nginx", Image::new("nginx:1.27-alpine"))
        .port(Port::http(80).published(80))
        .mount(config)
        .network(&edge)
        .healthcheck(wget_http(80, "/"))
        .depends_on(&web, Ready::Healthy)
        .depends_on(&api, Ready::Healthy)
        .resources(Resources::new().limit(Cpu::millis(500), Memory::mib(128)))
        // The seed: "Nginx: reverse proxy and load balancer" for web and api, nothing else.
        .edge_proxy_for([&web, &api])
        // Not stated: nginx.conf's locations. The API under `/api`, the front end at `/`.
        .edge_path("/api", &api);
    if env.is_hosted() {
        nginx = nginx
            .port(Port::tcp(443).published(443))
            .mount(Mount::bind("./nginx/certs", "/etc/nginx/certs").read_only());
    }
    stack.add_service(nginx);

    if env.is_hosted() {
        // The seed's daily backup at 02:00 (`pg_dump -U neosale neosale`), as a cron job that
        // writes into a volume rather than the host's working directory. It connects through
        // the database's URL, so a platform's managed PostgreSQL is reached as well. A dump is written
        // under a temporary name and renamed once complete, so a failed run never leaves a
        // truncated file that looks like a backup; the newest BACKUPS_KEPT dumps are kept, so
        // the claim does not fill up.
        let backups = stack.add_volume(Volume::persistent("backups").size(Memory::gib(20)));
        let backup = format!(
            "set -e; cd /backups; day=$(date +%Y%m%d); \
             pg_dump \"$DATABASE_URL\" > .db-$day.sql.partial; mv .db-$day.sql.partial db-$day.sql; \
             ls -1 db-*.sql | sort -r | tail -n +{} | xargs -r rm -f --",
            BACKUPS_KEPT + 1
        );
        stack.add_service(
            Service::cron("backup", Image::new("postgres:16-alpine"), "0 2 * * *")
                .command(["sh".to_string(), "-c".to_string(), backup])
                .env("DATABASE_URL", postgres.database_url())
                .mount(Mount::volume(&backups, "/backups"))
                .network(&data)
                .depends_on(&postgres, Ready::Healthy),
        );
    }

    if env.is_production() {
        // The optional Datadog agent (`DD_API_KEY: ${DATADOG_API_KEY}`, `DD_SITE: datadoghq.com`).
        // The seed writes `datadog/agent:latest`; pinned to the major version so a deploy never
        // picks up a new agent unannounced. It reads container metrics through the Docker socket.
        // The seed calls the agent optional: the stack starts without the key, and the agent
        // (which exits without one) only when its key is set. Host metrics come from the host's
        // /proc and cgroups, mounted read-only as Datadog's Docker installation does
        // (https://docs.datadoghq.com/containers/docker/).
        let datadog_key = stack.add_secret(
            Secret::new("DATADOG_API_KEY").describe("Datadog API key (Organization settings › API keys).").optional(),
        );
        stack.add_service(
            Service::new("datadog", Image::new("datadog/agent:7"))
                .env("DD_API_KEY", &datadog_key)
                .env("DD_SITE", "datadoghq.com")
                .mount(Mount::bind("/var/run/docker.sock", "/var/run/docker.sock").read_only())
                .mount(Mount::bind("/proc/", "/host/proc/").read_only())
                .mount(Mount::bind("/sys/fs/cgroup/", "/host/sys/fs/cgroup").read_only())
                .network(&edge)
                .resources(Resources::new().limit(Cpu::millis(500), Memory::mib(512))),
        );
    }
    stack
}

/// The seed does not name a Node.js version; the checks run on 22, the maintained LTS line.
fn node() -> Toolchain {
    Toolchain::Node("22".into())
}
