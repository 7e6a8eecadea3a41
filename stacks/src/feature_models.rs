//! The "feature models" platform (seed 000, `../shared/seeds/STACKS.md`): a Next.js standalone
//! front end and a FastAPI backend behind a shared Traefik with Let's Encrypt, a prestart job
//! that migrates, PostgreSQL 17 on an external volume, Redis 7 and a Celery worker.
//!
//! The seed describes production only; `dev` is the same stack on `*.localhost` without TLS.

use stack_dsl::{
    CiCheck, Datastore, DeployTarget, Env, Image, Mount, Network, Pipeline, Port, Probe, Project, Ready, Route, Secret,
    Service, Stack, Toolchain, Traefik, Volume, secs,
};

/// The feature-models project in development and production.
pub fn project() -> Project {
    Project::new("feature-models", [Env::Dev, Env::Production], stack)
        // The seed's CI/CD pushes images to a registry and runs `docker-compose up -d` on the one
        // production server. Not stated: the registry (GHCR here, owner assumed).
        .pipeline(Pipeline::new(DeployTarget::ComposeOverSsh))
}

/// The feature-models stack in `env`.
pub fn stack(env: Env) -> Stack {
    let mut stack = Stack::new("feature-models");
    // The seed's example domain is `domain.com`, a real domain someone else owns, so no generated
    // file may call it; `example.com`, reserved for examples (RFC 2606), stands in for it. Replace
    // it with the real one; until then every target reads each service's real host from its own
    // setting (`PUBLIC_HOST_<SERVICE>` in Compose, from the repository variables the pipeline
    // passes), through the routes and the `public_url()` references below.
    let domain = if env.is_production() { "example.com" } else { "localhost" };
    let tls = |route: Route| if env.is_production() { route.tls() } else { route };

    // Traefik runs in its own stack and shares `traefik-public` ("Externa", "Compartida con
    // Traefik"); it routes by labels, issues Let's Encrypt certificates (resolver `le`) and
    // redirects HTTP to HTTPS.
    let public = stack.add_network(Network::external("traefik-public"));
    stack.set_edge(Traefik::new(&public));
    // The seed marks `internal_network` external too ("Externa"), so in production it is
    // created by hand (`docker network create internal_network`) before the first deploy; the
    // seed gives no reason and nothing else in it joins the network, but it is kept as written,
    // and the header warns that a shared network shares service names. In dev the stack
    // creates it.
    let internal = if env.is_production() {
        stack.add_network(Network::external("internal_network"))
    } else {
        stack.add_network(Network::new("internal-network"))
    };

    // Not stated: the database user and name; the seed lists the variables, not their values.
    let db_password =
        stack.add_secret(Secret::new("POSTGRES_PASSWORD").describe("Password of the app PostgreSQL user."));
    let secret_key = stack.add_secret(
        Secret::new("SECRET_KEY").describe("JWT signing key of the backend: any long random string.").generated(),
    );
    // The template's settings (`backend/app/core/config.py`) have no default for PROJECT_NAME,
    // FIRST_SUPERUSER or FIRST_SUPERUSER_PASSWORD and read them from `../.env`, a file the image
    // does not hold, so every service loading them needs them in its environment
    // (https://github.com/fastapi/full-stack-fastapi-template/blob/master/backend/app/core/config.py).
    // The seed's prestart "creates the superuser"; its address and password are the operator's.
    let superuser = stack.add_secret(
        Secret::new("FIRST_SUPERUSER").describe("Email address of the first superuser, which prestart creates."),
    );
    let superuser_password = stack.add_secret(
        Secret::new("FIRST_SUPERUSER_PASSWORD")
            .describe("Password of the first superuser, which prestart creates; not \"changethis\", which the backend refuses outside local."),
    );
    // Created by hand and backed up outside the stack, as the seed says. Development keeps its
    // own volume: two PostgreSQL servers on one data directory (both environments on one host)
    // corrupt it.
    let db_data = if env.is_production() {
        stack.add_volume(Volume::external("featuremodels-db-data"))
    } else {
        stack.add_volume(Volume::persistent("db-data"))
    };
    // The seed's name, so a host moving onto these files keeps its Redis data.
    let redis_data = stack.add_volume(Volume::persistent("redis-data").compose_name("redis_data"));

    let db_store = Datastore::postgres(17).user("app").database("app").password(&db_password);
    let db = stack.add_service(
        Service::new("db", Image::new("postgres:17"))
            .port(Port::tcp(5432))
            .env("POSTGRES_USER", "app")
            .env("POSTGRES_DB", "app")
            .env("POSTGRES_PASSWORD", &db_password)
            .env("PGDATA", "/var/lib/postgresql/data/pgdata")
            .mount(Mount::volume(&db_data, "/var/lib/postgresql/data/pgdata"))
            .network(&internal)
            // The seed's timings, on the engine's check over TCP.
            .healthcheck(db_store.probe(5432).every(secs(10)).timeout(secs(10)).retries(5))
            .datastore(db_store),
    );

    // "Persistence optional but recommended": AOF on. Not stated: command and health check.
    let redis = stack.add_service(
        Service::new("redis", Image::new("redis:7-alpine"))
            .command(["redis-server", "--appendonly", "yes"])
            .port(Port::tcp(6379))
            .mount(Mount::volume(&redis_data, "/data"))
            .network(&internal)
            .datastore(Datastore::redis(7).database("0")),
    );

    let backend_image = Image::build("backend").tag("feature-models-backend");
    let environment = if env.is_production() { "production" } else { "local" };
    // The dashboard's public origin, where the browser sends requests to the API from.
    let frontend = stack.reference("frontend");
    // The backend's settings, shared by the API, the prestart job and the worker. The seed's
    // list ends in "etc."; the database user, name and password and the broker URL are added.
    let backend_env = |service: Service| {
        service
            // Not stated: the project's display name; the seed's title.
            .env("PROJECT_NAME", "Feature Models")
            .env("FIRST_SUPERUSER", &superuser)
            .env("FIRST_SUPERUSER_PASSWORD", &superuser_password)
            .env("ENVIRONMENT", environment)
            .env("DOMAIN", domain)
            .env("FRONTEND_HOST", frontend.public_url())
            .env("BACKEND_CORS_ORIGINS", frontend.public_url())
            .env("SECRET_KEY", &secret_key)
            .env("POSTGRES_SERVER", db.host())
            .env("POSTGRES_PORT", db.port())
            // The names the database declares; platforms that choose their own pass theirs.
            .env("POSTGRES_USER", db.database_user())
            .env("POSTGRES_DB", db.database_name())
            .env("POSTGRES_PASSWORD", &db_password)
            .env("CELERY_BROKER_URL", redis.url().path("/0"))
            .network(&internal)
            // "Non-root users in containers"; not stated: which. The image must create uid 1000.
            .user(1000)
    };

    // Migrations, the first superuser and initial data, once the database is healthy and before
    // the backend starts. Not stated: the command; the backend image's prestart script.
    let prestart = stack.add_service(backend_env(
        Service::job("prestart", backend_image.clone())
            .command(["bash", "scripts/prestart.sh"])
            .depends_on(&db, Ready::Healthy),
    ));

    // Gunicorn binds to 127.0.0.1 unless told otherwise; Traefik needs 0.0.0.0:8000.
    let backend = stack.add_service(
        backend_env(Service::new("backend", backend_image.clone()))
            // "Automated testing" is only recommended in the seed; the backend is linted with ruff.
            .check(CiCheck::new("lint", "pipx run ruff check .").toolchain(Toolchain::Python("3.10".into())))
            .command([
                "gunicorn",
                "app.main:app",
                "-w",
                "4",
                "-k",
                "uvicorn.workers.UvicornWorker",
                "--bind",
                "0.0.0.0:8000",
            ])
            .port(Port::http(8000))
            .route(tls(Route::new(format!("api.{domain}"))))
            .network(&public)
            .healthcheck(Probe::http(8000, "/api/v1/utils/health-check/").every(secs(10)).timeout(secs(5)).retries(5))
            .depends_on(&prestart, Ready::Completed)
            .depends_on(&db, Ready::Healthy)
            .depends_on(&redis, Ready::Healthy),
    );

    // The seed states `depends_on: db, redis` without conditions; the worker also waits for the
    // migrations, since its tasks use the schema.
    stack.add_service(
        backend_env(Service::new("celeryworker", backend_image))
            .command(["celery", "-A", "app.core.celery.celery_app", "worker", "--loglevel=info"])
            // Celery finishes the running tasks on SIGTERM (warm shutdown). Not stated: how long
            // a task takes; one minute assumed, above Docker's 10 s.
            .stop_grace_period(secs(60))
            .depends_on(&prestart, Ready::Completed)
            .depends_on(&db, Ready::Healthy)
            .depends_on(&redis, Ready::Healthy),
    );

    // Not stated: the front end's health check. `NEXT_PUBLIC_API_URL` is read at build time by
    // Next.js, so it is also passed as a build argument, where a placeholder host is read from
    // the same setting as the route's.
    let api_url = format!("{}://api.{domain}", if env.is_production() { "https" } else { "http" });
    stack.add_service(
        Service::new(
            "frontend",
            Image::build("frontend").tag("feature-models-frontend").arg("NEXT_PUBLIC_API_URL", api_url.as_str()),
        )
        .command(["node", "server.js"])
        // Not stated: checks. Next.js projects lint with `npm run lint` (next lint).
        .check(CiCheck::new("install", "npm ci").toolchain(Toolchain::Node("20".into())))
        .check(CiCheck::new("lint", "npm run lint").toolchain(Toolchain::Node("20".into())))
        .port(Port::http(3000))
        .route(tls(Route::new(format!("dashboard.{domain}"))))
        .env("NEXT_PUBLIC_API_URL", backend.public_url())
        .env("NODE_ENV", "production")
        .env("HOSTNAME", "0.0.0.0")
        .env("PORT", "3000")
        .network(&public)
        .network(&internal)
        // The seed's base image is node:20-alpine: its user node, by uid.
        .user(crate::NODE_UID),
    );
    stack
}
