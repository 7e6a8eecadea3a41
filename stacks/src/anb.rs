//! ANB video platform (seed 003, `../shared/seeds/STACKS.md`): a FastAPI API, a Celery worker
//! that processes videos, and Flower, backed by Redis and PostgreSQL, behind Nginx, on one host.
//!
//! The seed describes a single deployment. It becomes two environments: `dev` keeps the seed's
//! compose file as written (API, PostgreSQL and Redis published on the host), and `production`
//! follows the seed's port table and security section, which call those three ports internal
//! and "not reachable from outside" — the seed contradicts itself, and production takes the
//! safer reading.

use crate::probes::{python_http, wget_http};
use stack_dsl::{
    CiCheck, Cluster, Datastore, DeployTarget, Env, EnvGroup, Image, Memory, Mount, Network, Pipeline, Port, Project,
    Ready, Resources, Restart, Secret, Service, Stack, Toolchain, Volume, mins, secs,
};

/// The ANB project in development and production.
pub fn project() -> Project {
    Project::new("anb", [Env::Dev, Env::Production], stack)
        // The seed runs Compose on one Ubuntu host and calls the stack "cloud-ready" for managed
        // container platforms (ECS/Fargate, Cloud Run, App Platform). Of the platforms Stackwright
        // emits, Render is that kind: the pipeline deploys there. Not stated: the GHCR owner; the
        // Blueprint names each image by its full URL, so the owner is assumed to be `anb`.
        .pipeline(Pipeline::new(DeployTarget::Render).registry("ghcr.io/anb"))
        // Not stated: the public host names (nginx answers any host, the seed checks
        // http://localhost/health). Reserved example names stand in until the team names its
        // domain; on Kubernetes the Ingress serves the API on them instead of on every host.
        .cluster(Cluster::new().host(Env::Dev, "anb.localhost").host(Env::Production, "anb.example.com"))
}

/// A port that is published on the host only in development.
fn dev_published(port: Port, env: Env) -> Port {
    if env.is_dev() {
        let number = port.number;
        port.published(number)
    } else {
        port
    }
}

/// The ANB stack in `env`.
pub fn stack(env: Env) -> Stack {
    let mut stack = Stack::new("anb");
    // `anb_network` in the seed (a private bridge network); renamed to a DNS-1123 label.
    let network = stack.add_network(Network::new("anb-network"));

    // The seed hard-codes `anb_password`; it becomes a secret the operator supplies.
    let db_password =
        stack.add_secret(Secret::new("POSTGRES_PASSWORD").describe("Password of the anb_user PostgreSQL user."));
    // The seed's volume names, so a host moving onto these files keeps its data. Not stated: the
    // directory the seed's file ran from, whose name Compose takes as the project name; `anb`
    // is assumed for production (its containers are named anb_*).
    if env.is_production() {
        stack.compose_project("anb");
    }
    let postgres_data =
        stack.add_volume(Volume::persistent("postgres-data").compose_name("postgres_data").size(Memory::gib(10)));
    let redis_data = stack.add_volume(Volume::persistent("redis-data").compose_name("redis_data").size(Memory::gib(1)));

    let postgres = stack.add_service(
        Service::new("postgres", Image::new("postgres:15-alpine"))
            .port(dev_published(Port::tcp(5432), env))
            .env("POSTGRES_DB", "anb_db")
            .env("POSTGRES_USER", "anb_user")
            .env("POSTGRES_PASSWORD", &db_password)
            .mount(Mount::volume(&postgres_data, "/var/lib/postgresql/data"))
            .mount(Mount::config("./init-db.sql", "/docker-entrypoint-initdb.d/init-db.sql"))
            .network(&network)
            .restart(Restart::UnlessStopped)
            // The seed's estimate: 100–300 MB.
            .resources(Resources::new().limit_memory(Memory::mib(512)).reserve_memory(Memory::mib(128)))
            .datastore(Datastore::postgres(15).user("anb_user").database("anb_db").password(&db_password)),
    );

    let redis = stack.add_service(
        Service::new("redis", Image::new("redis:7-alpine"))
            .command(["redis-server", "--appendonly", "yes"])
            .port(dev_published(Port::tcp(6379), env))
            .mount(Mount::volume(&redis_data, "/data"))
            .network(&network)
            .restart(Restart::UnlessStopped)
            // The seed's estimate: 50–100 MB.
            .resources(Resources::new().limit_memory(Memory::mib(256)).reserve_memory(Memory::mib(64)))
            .datastore(Datastore::redis(7).database("0")),
    );

    // One custom image (python:3.12-slim) runs the API, the worker and Flower.
    // Not stated: the Dockerfile's location (the repository root here) and the non-root user's
    // id; the seed only says custom containers run as a non-root user, so the image must
    // create uid 1000.
    let app_image = Image::build(".").tag("anb-app");
    let broker = redis.url().path("/0");
    // The seed gives the worker the same environment as the API: one group both use.
    let app_env = stack.add_env_group(
        EnvGroup::new("app")
            .env("DATABASE_URL", postgres.database_url())
            .env("REDIS_URL", broker.clone())
            .env("CELERY_BROKER_URL", broker.clone()),
    );

    // `/app/scripts/start.sh` runs the migrations, then uvicorn (as the seed says), so the
    // worker waits for the API to be healthy rather than for a separate migration job.
    // Not stated: whether the API waits for a healthy or a started database; healthy, since
    // both have checks and start.sh migrates first thing.
    let api = stack.add_service(
        Service::new("api", app_image.clone())
            .command(["/app/scripts/start.sh"])
            // Not stated: CI checks. The FastAPI code is linted with ruff, which needs no install.
            .check(CiCheck::new("lint", "pipx run ruff check .").toolchain(Toolchain::Python("3.12".into())))
            .port(dev_published(Port::http(8000), env))
            .env_group(&app_env)
            // The API and the worker exchange videos through these directories. Render and
            // Railway attach a disk to one service only, so there the exchange needs object
            // storage (S3, R2) in the application; both emitters report it.
            .mount(Mount::bind("./uploads", "/app/uploads"))
            .mount(Mount::bind("./processed_videos", "/app/processed_videos"))
            // The seed's `./logs`: nothing here rotates what the application writes there, so
            // it grows until the host's logrotate (or the application's own handler) trims it.
            .mount(Mount::bind("./logs", "/app/logs"))
            .network(&network)
            .healthcheck(python_http(8000, "/health").start_period(secs(30)))
            .depends_on(&postgres, Ready::Healthy)
            .depends_on(&redis, Ready::Healthy)
            .user(1000)
            // The seed's estimate: 200–500 MB.
            .resources(Resources::new().limit_memory(Memory::mib(512)).reserve_memory(Memory::mib(256))),
    );

    // The seed scales workers with `--scale worker=4` when needed; one runs by default.
    stack.add_service(
        Service::new("worker", app_image.clone())
            .command([
                "celery",
                "-A",
                "app.workers.celery_app",
                "worker",
                "--loglevel=info",
                "--concurrency=2",
                "--queues=video_queue",
            ])
            // Celery finishes the running tasks on SIGTERM (warm shutdown); a video job killed after
            // Docker's 10 s is lost. Not stated: how long one video takes; five minutes assumed.
            .stop_grace_period(mins(5))
            .env_group(&app_env)
            .mount(Mount::bind("./uploads", "/app/uploads"))
            .mount(Mount::bind("./processed_videos", "/app/processed_videos"))
            .mount(Mount::bind("./logs", "/app/logs"))
            .network(&network)
            .depends_on(&postgres, Ready::Healthy)
            .depends_on(&redis, Ready::Healthy)
            .depends_on(&api, Ready::Healthy)
            .user(1000)
            // The seed's estimate: 300–800 MB.
            .resources(Resources::new().limit_memory(Memory::gib(1)).reserve_memory(Memory::mib(384))),
    );

    // Flower is public in the seed (5555:5555), over plain HTTP, with no authentication stated.
    // The seed means operators to reach the dashboard; a dashboard that shows task arguments and
    // revokes tasks is not a public route, so Compose publishes it on the host's loopback only
    // (reached through an SSH tunnel), and production also requires basic auth.
    let mut flower = Service::new("flower", app_image)
        .command(["celery", "-A", "app.workers.celery_app", "flower", "--port=5555"])
        .port(Port::http(5555).published(5555))
        .env("CELERY_BROKER_URL", broker)
        .network(&network)
        .healthcheck(python_http(5555, "/healthcheck"))
        .depends_on(&redis, Ready::Healthy)
        .user(1000)
        // The seed's estimate: about 50 MB.
        .resources(Resources::new().limit_memory(Memory::mib(128)));
    if env.is_production() {
        let auth = stack.add_secret(Secret::new("FLOWER_BASIC_AUTH").describe("Flower's login as user:password."));
        flower = flower.env("FLOWER_BASIC_AUTH", &auth);
    }
    stack.add_service(flower);

    // The seed writes `nginx:alpine`; kept as written. HTTPS on 443 is "prepared" (certificates
    // required), so the port is published in both environments as in the seed.
    // Not stated: nginx's health check; `/health` is the API's endpoint through nginx.
    stack.add_service(
        Service::new("nginx", Image::new("nginx:alpine"))
            .port(Port::http(80).published(80))
            .port(Port::tcp(443).published(443))
            // Not stated: the files' contents. The certificates 443 needs are not among the
            // seed's mounts, so a server on 443 must wait until they are added.
            .mount(
                Mount::config("./nginx/nginx.conf", "/etc/nginx/nginx.conf")
                    .must_contain("the main context, including /etc/nginx/conf.d/*.conf inside http"),
            )
            .mount(Mount::config("./nginx/default.conf", "/etc/nginx/conf.d/default.conf").must_contain(
                "a server on 80 proxying / (and /health, which the health check requests) to http://api:8000 and serving processed videos from /var/www/processed_videos; no server on 443 until certificates are mounted",
            ))
            .mount(Mount::bind("./processed_videos", "/var/www/processed_videos").read_only())
            .network(&network)
            .healthcheck(wget_http(80, "/health"))
            .depends_on(&api, Ready::Healthy)
            .resources(Resources::new().limit_memory(Memory::mib(128)))
            // The seed's nginx is the reverse proxy in front of the API; it also serves
            // processed videos from the host directory the API writes.
            .edge_proxy_for([&api]),
    );
    stack
}
