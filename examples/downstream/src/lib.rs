//! The notes app's stack: a web front end and an API with Redis, in development and production.

use stack_dsl::{Datastore, Env, Image, Port, Probe, Project, Ready, Route, Service, Stack};

/// The project, with the command that regenerates its files (the CLI's options follow it).
pub fn project() -> Project {
    Project::new("notes", [Env::Dev, Env::Production], stack).regenerate_with("cargo run --features kubernetes")
}

/// The notes stack in `env`.
pub fn stack(env: Env) -> Stack {
    let mut stack = Stack::new("notes");
    let redis = stack.add_service(
        Service::new("redis", Image::new("redis:7-alpine")).port(Port::tcp(6379)).datastore(Datastore::redis(7)),
    );
    let api = stack.add_service(
        Service::new("api", Image::new("ghcr.io/example/notes-api:1.0"))
            .port(Port::http(8080))
            .healthcheck(Probe::http(8080, "/health"))
            .env("REDIS_URL", redis.database_url())
            .depends_on(&redis, Ready::Healthy)
            .replicas(if env.is_production() { 2 } else { 1 }),
    );
    // Published on the developer's machine; routed over TLS in production.
    let port = if env.is_dev() { Port::http(3000).published(3000) } else { Port::http(3000) };
    let web = Service::new("web", Image::new("ghcr.io/example/notes-web:1.0"))
        .port(port)
        .healthcheck(Probe::http(3000, "/"))
        .env("API_URL", api.url())
        .depends_on(&api, Ready::Healthy)
        .replicas(if env.is_production() { 2 } else { 1 });
    stack.add_service(if env.is_production() { web.route(Route::new("notes.example.com").tls()) } else { web });
    stack
}
