//! A synthetic stack of N services with the shape of the cdk8s peer benchmark
//! (`../shared/bench/cdk8s/synth.js`): each service one image, an HTTP port, two env vars, a
//! readiness check on `/healthz`, CPU and memory requests and limits and one replica, plus what
//! the peer leaves out: a shared network and a PostgreSQL database every service connects to.
//! The `scale` example renders it and `cargo bench -p stackwright-stacks` measures it.

use stack_dsl::{
    Cpu, Datastore, Env, Image, Memory, Mount, Network, Port, Probe, Project, Resources, Secret, Service, Stack, Volume,
};

/// The project of `services` synthetic services, in production only (as the peer renders one).
pub fn project(services: usize) -> Project {
    Project::new("synthetic", [Env::Production], move |_| stack(services))
        .regenerate_with(format!("cargo run --release --example scale -- --services {services}"))
}

/// The name of service `i` of `count`: a fixed width, so each service adds the same bytes.
pub fn service_name(i: usize, count: usize) -> String {
    let width = count.saturating_sub(1).to_string().len().max(5);
    format!("svc-{i:0width$}")
}

/// The synthetic stack of `services` services.
pub fn stack(services: usize) -> Stack {
    let mut stack = Stack::new("synthetic");
    let mesh = stack.add_network(Network::new("mesh"));
    let password = stack.add_secret(Secret::new("DB_PASSWORD").describe("Password of the synthetic PostgreSQL user."));
    let data = stack.add_volume(Volume::persistent("pgdata").size(Memory::gib(10)));
    let db = stack.add_service(
        Service::new("postgres", Image::new("postgres:16-alpine"))
            .port(Port::tcp(5432))
            .env("POSTGRES_USER", "synthetic")
            .env("POSTGRES_DB", "synthetic")
            .env("POSTGRES_PASSWORD", &password)
            .mount(Mount::volume(&data, "/var/lib/postgresql/data"))
            .network(&mesh)
            .datastore(Datastore::postgres(16).user("synthetic").database("synthetic").password(&password)),
    );
    for i in 0..services {
        let name = service_name(i, services);
        stack.add_service(
            Service::new(&name, Image::new(format!("example.com/{name}:1.0.0")))
                .port(Port::http(8080))
                .env("SERVICE_NAME", name.as_str())
                .env("LOG_LEVEL", "info")
                .env("DATABASE_URL", db.database_url())
                .healthcheck(Probe::http(8080, "/healthz"))
                .resources(
                    Resources::new()
                        .reserve(Cpu::millis(100), Memory::mib(128))
                        .limit(Cpu::millis(500), Memory::mib(256)),
                )
                .replicas(1)
                .network(&mesh),
        );
    }
    stack
}
