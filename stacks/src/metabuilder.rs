//! MetaBuilder (seed 001, `../shared/seeds/STACKS.md`): a FastAPI API (Python 3.12), a React +
//! Vite front end and PostgreSQL 15 with Alembic migrations, in development, staging and
//! production. The seed targets a PaaS (Railway recommended, Render); Compose is for local use.
//!
//! | | dev | staging | production |
//! | --- | --- | --- | --- |
//! | database | `postgres` container | managed, `DATABASE_URL` | managed, `DATABASE_URL` |
//! | API | `uvicorn --reload`, localhost:8000 | Gunicorn + Uvicorn workers | same, 3 replicas |
//! | front end | Vite dev server, localhost:5173 | static build | static build |
//! | migrations | `alembic upgrade head` before the API | same | same |

use crate::probes::python_http;
use stack_dsl::{
    Autoscale, CiCheck, Datastore, DeployTarget, Env, EnvValue, External, Image, Mount, Pipeline, Port, Project, Ready,
    Route, Secret, Service, Stack, StaticSite, Toolchain, Volume, secs,
};

/// The MetaBuilder project in its three environments.
pub fn project() -> Project {
    Project::new("metabuilder", Env::ALL, stack)
        // The seed recommends Railway for the MVP and deploys with the Railway CLI from
        // `.github/workflows/deploy.yml`. Not stated: the registry (GHCR here; the Railway program
        // names each image by its full URL, so the owner is assumed to be `metabuilder`).
        // Releases are SemVer `vX.Y.Z` tags; one way back is to redeploy an older tag by hand.
        .pipeline(Pipeline::new(DeployTarget::Railway).registry("ghcr.io/metabuilder").redeploy_tags("v"))
}

/// The public host names; the seed names none ("public staging URL", "custom domain").
fn hosts(env: Env) -> (&'static str, &'static str) {
    match env {
        Env::Staging => ("api.staging.metabuilder.example.com", "staging.metabuilder.example.com"),
        _ => ("api.metabuilder.example.com", "metabuilder.example.com"),
    }
}

/// The MetaBuilder stack in `env`.
pub fn stack(env: Env) -> Stack {
    let mut stack = Stack::new("metabuilder");
    let secret_key = stack
        .add_secret(Secret::new("SECRET_KEY").describe("JWT signing key (HS256): any long random string.").generated());

    // Dev runs PostgreSQL in Docker (`docker-compose up -d postgres`, user and password
    // `postgres` in .env.example, here a secret); staging and production use the provider's
    // managed PostgreSQL, whose connection string arrives as DATABASE_URL.
    let database = if env.is_dev() {
        let password =
            stack.add_secret(Secret::new("POSTGRES_PASSWORD").describe("Password of the local postgres user."));
        let data = stack.add_volume(Volume::persistent("pgdata"));
        stack.add_service(
            Service::new("postgres", Image::new("postgres:15-alpine"))
                .port(Port::tcp(5432).published(5432))
                .env("POSTGRES_USER", "postgres")
                .env("POSTGRES_PASSWORD", &password)
                .env("POSTGRES_DB", "metabuilder")
                .mount(Mount::volume(&data, "/var/lib/postgresql/data"))
                .datastore(Datastore::postgres(15).user("postgres").database("metabuilder").password(&password)),
        )
    } else {
        let url = stack.add_secret(
            Secret::new("DATABASE_URL").describe("Connection string of the managed PostgreSQL 15 (from the provider)."),
        );
        stack.add_external(External::managed("postgres", &url).datastore(Datastore::postgres(15)))
    };

    let (api_host, web_host) = hosts(env);
    // The front end's public origin: the one the browser sends from, whatever host the team
    // gives it on each platform.
    let cors = if env.is_dev() {
        EnvValue::from("http://localhost:5173,http://localhost:3000")
    } else {
        stack.reference("frontend").public_url()
    };
    // The app's ENVIRONMENT setting: "development" locally, else the environment's own name.
    let environment = if env.is_dev() { "development" } else { env.name() };
    let api_image = Image::build("backend").tag("metabuilder-api");
    let api_env = |service: Service| {
        service
            .env("DATABASE_URL", database.database_url())
            .env("SECRET_KEY", &secret_key)
            .env("ALGORITHM", "HS256")
            .env("ACCESS_TOKEN_EXPIRE_MINUTES", "30")
            .env("CORS_ORIGINS", cors.clone())
            .env("ENVIRONMENT", environment)
            .env("DEBUG", if env.is_dev() { "true" } else { "false" })
    };

    // `/health/ready` (database reachable) is the check dependents wait on; `/health/live`
    // (process alive) restarts a hung API without restarting it for a database outage.
    // `/health` stays for the provider's dashboard. Not stated: the timings.
    let api = api_env(Service::new("api", api_image.clone()))
        // The seed's Build and Test stages. Not stated: the linter (ruff).
        .check(CiCheck::new("lint", "pipx run ruff check . && pipx run ruff format --check .").toolchain(python()))
        .check(
            CiCheck::new("smoke tests", "pip install -r requirements.txt && pytest tests/test_smoke.py")
                .toolchain(python()),
        )
        .port(if env.is_dev() { Port::http(8000).published(8000) } else { Port::http(8000) })
        .healthcheck(python_http(8000, "/health/ready").start_period(secs(15)))
        .liveness(python_http(8000, "/health/live").every(secs(20)));
    let api = if env.is_dev() {
        // Not stated: migrations in development (the seed runs `alembic upgrade head` in its
        // pipeline only). A fresh local database has no tables, so a job migrates it before the
        // API starts, as in the hosted environments, with the migrations of the image `up
        // --build` just built from the checkout.
        let migrate = stack.add_service(
            api_env(Service::job("migrate", api_image))
                .command(["alembic", "upgrade", "head"])
                .depends_on(&database, Ready::Healthy),
        );
        api.command(["uvicorn", "app.main:app", "--reload", "--host", "0.0.0.0", "--port", "8000"])
            .mount(Mount::bind("./backend", "/app"))
            .depends_on(&migrate, Ready::Completed)
            .depends_on(&database, Ready::Healthy)
    } else {
        // Alembic runs in the pipeline before each deploy; here as a job the API waits for.
        let migrate = stack.add_service(
            api_env(Service::job("migrate", api_image)).command(["alembic", "upgrade", "head"]).user(1000),
        );
        // The seed says "Uvicorn/Gunicorn" without a command line; several replicas in
        // production (API #1 … #N behind the provider's load balancer), scaled out when CPU
        // passes 70%. Not stated: the bounds; 3 to 6 here.
        api.command([
            "gunicorn",
            "app.main:app",
            "-k",
            "uvicorn.workers.UvicornWorker",
            "-w",
            "2",
            "--bind",
            "0.0.0.0:8000",
        ])
        .route(Route::new(api_host).tls())
        .user(1000)
        .depends_on(&migrate, Ready::Completed)
    };
    let api = if env.is_production() { api.autoscale(Autoscale::between(3, 6).target_cpu(70)) } else { api };
    let api = stack.add_service(api);

    // The front end: the Vite dev server in dev; a static production build served by an
    // unprivileged nginx elsewhere (`npm ci && npm run build`). VITE_API_URL is compiled in.
    let web = if env.is_dev() {
        Service::new("frontend", Image::new("node:20-alpine"))
            .command(["sh", "-c", "cd /app && npm ci && npm run dev -- --host 0.0.0.0 --port 5173"])
            .port(Port::http(5173).published(5173))
            .env("VITE_API_URL", "http://localhost:8000/api")
            .env("VITE_APP_NAME", "MetaBuilder")
            .mount(Mount::bind("./frontend", "/app"))
            .depends_on(&api, Ready::Healthy)
            .user("node")
    } else {
        let api_url = format!("https://{api_host}");
        Service::new(
            "frontend",
            Image::build("frontend")
                .tag("metabuilder-web")
                .arg("VITE_API_URL", api_url.as_str())
                .arg("VITE_APP_NAME", "MetaBuilder"),
        )
        .port(Port::http(8080))
        // The seed's "check the frontend build" and linting.
        .check(CiCheck::new("install", "npm ci").toolchain(node()))
        .check(CiCheck::new("lint", "npm run lint").toolchain(node()))
        .check(CiCheck::new("build", "npm run build").toolchain(node()))
        .route(Route::new(web_host).tls())
        // The seed's "Render Static Site" / "Railway Static Site": the same build, served by
        // the platform's static hosting where there is one, by this image elsewhere.
        .serves_static(StaticSite::new("frontend", "npm ci && npm run build", "dist").single_page_app())
        .healthcheck(crate::probes::wget_http(8080, "/"))
        .user(101)
        .read_only_root()
        .mount(Mount::tmpfs("/tmp"))
    };
    stack.add_service(web);
    stack
}

/// The seed's pipeline runs the API's checks on `actions/setup-python` with Python 3.12, the
/// version of the API's image.
fn python() -> Toolchain {
    Toolchain::Python("3.12".into())
}

/// The seed asks for Node.js 18+ (`actions/setup-node`); 18 and 20 are past their end of life,
/// so the checks run on 22, the maintained LTS line that satisfies "18+".
fn node() -> Toolchain {
    Toolchain::Node("22".into())
}
