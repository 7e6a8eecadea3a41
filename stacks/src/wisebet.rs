//! WiseBet (seed 002, `../shared/seeds/STACKS.md`): a Django REST backend on Gunicorn behind
//! nginx 1.25, with certbot renewing certificates in production, and a PostgreSQL that lives
//! outside Docker (on the host, reached as `host.docker.internal`).

use crate::probes::{python_http, wget_http};
use stack_dsl::{
    CiCheck, Cpu, Datastore, DeployTarget, Env, External, Image, Memory, Mount, Network, Pipeline, Port, Project,
    Ready, Resources, Secret, Service, Stack, Toolchain, Volume, secs,
};

/// The WiseBet project in development and production (the seed names no staging).
pub fn project() -> Project {
    Project::new("wisebet", [Env::Dev, Env::Production], stack)
        // The seed deploys `docker-compose.prod.yml` on one host with `deploy.sh`; the pipeline
        // does the same over SSH. Not stated: a registry (GHCR here, owner assumed).
        .pipeline(Pipeline::new(DeployTarget::ComposeOverSsh))
}

/// The WiseBet stack in `env`.
pub fn stack(env: Env) -> Stack {
    let mut stack = Stack::new("wisebet");
    // `wisebet_network` in the seed, a bridge network; renamed to a DNS-1123 label.
    let network = stack.add_network(Network::new("wisebet-network"));
    let secret_key = stack.add_secret(Secret::new("SECRET_KEY").describe("Django SECRET_KEY.").generated());
    let db_password =
        stack.add_secret(Secret::new("DB_PASSWORD").describe("Password of the wisebet_user PostgreSQL user."));
    let static_files = stack.add_volume(Volume::persistent("static-volume").size(Memory::gib(1)));
    let media_files = stack.add_volume(Volume::persistent("media-volume").size(Memory::gib(10)));

    // PostgreSQL is not a container: the seed's first option, the same host. For a remote server
    // or RDS, replace the address with External::at(host, 5432).
    let postgres = stack.add_external(
        External::on_docker_host("postgres", 5432)
            .datastore(Datastore::postgres(16).user("wisebet_user").database("wisebet_db").password(&db_password)),
    );

    // The seed's domain placeholder is `dominio.com`.
    let domain = "dominio.com";
    let (allowed_hosts, origins) = if env.is_production() {
        (domain.to_string(), format!("https://{domain}"))
    } else {
        ("localhost".into(), "http://localhost".into())
    };

    // Gunicorn with 4 workers × 2 threads. Not stated: the WSGI module (`config.wsgi` here).
    // The seed sizes dev at ~0.5 CPU / 512 MB and production at 2–4 cores / 2–4 GB.
    let resources = if env.is_production() {
        Resources::new().limit(Cpu::cores(4), Memory::gib(4)).reserve(Cpu::cores(2), Memory::gib(2))
    } else {
        Resources::new().limit(Cpu::millis(500), Memory::mib(512))
    };
    let backend = stack.add_service(
        Service::new("backend", Image::build(".").tag("wisebet-backend"))
            // Not stated: CI checks. Django's own `check` needs the dependencies; ruff lints without.
            .check(CiCheck::new("lint", "pipx run ruff check .").toolchain(Toolchain::Python("3.12".into())))
            .command([
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                "4",
                "--threads",
                "2",
                "--bind",
                "0.0.0.0:8000",
            ])
            .port(Port::http(8000))
            .env("SECRET_KEY", &secret_key)
            .env("DEBUG", if env.is_production() { "False" } else { "True" })
            .env("ALLOWED_HOSTS", allowed_hosts.as_str())
            .env("DB_HOST", postgres.host())
            .env("DB_PORT", postgres.port())
            .env("DB_NAME", "wisebet_db")
            .env("DB_USER", "wisebet_user")
            .env("DB_PASSWORD", &db_password)
            .env("CORS_ALLOWED_ORIGINS", origins.as_str())
            .mount(Mount::volume(&static_files, "/app/staticfiles"))
            .mount(Mount::volume(&media_files, "/app/mediafiles"))
            .network(&network)
            .healthcheck(python_http(8000, "/api/schema/").start_period(secs(20)))
            .user("appuser")
            .resources(resources),
    );

    // nginx: reverse proxy, TLS, static and media files read-only. The seed sizes it at ~0.1 CPU
    // / 50 MB in dev and 1 core / 256 MB in production.
    let mut nginx = Service::new("nginx", Image::new("nginx:1.25-alpine"))
        .port(Port::http(80).published(80))
        .mount(Mount::config("./nginx.conf", "/etc/nginx/conf.d/default.conf"))
        .mount(Mount::volume(&static_files, "/app/staticfiles").read_only())
        .mount(Mount::volume(&media_files, "/app/mediafiles").read_only())
        .network(&network)
        .healthcheck(wget_http(80, "/health/"))
        .depends_on(&backend, Ready::Healthy)
        // The seed's nginx proxies to Gunicorn and terminates TLS; it also serves the static and
        // media volumes, which platforms without it must serve from the backend.
        .edge_proxy_for([&backend]);
    if env.is_production() {
        let acme = stack.add_volume(Volume::persistent("certbot-www"));
        let certificates = stack.add_volume(Volume::persistent("certbot-conf"));
        nginx = nginx
            .port(Port::tcp(443).published(443))
            .mount(Mount::bind("./ssl", "/etc/nginx/ssl").read_only())
            // Not stated: who mounts `certbot_www`; nginx serves the ACME challenge from it and
            // reads the certificates certbot renews.
            .mount(Mount::volume(&acme, "/var/www/certbot").read_only())
            .mount(Mount::volume(&certificates, "/etc/letsencrypt").read_only())
            .resources(Resources::new().limit(Cpu::cores(1), Memory::mib(256)));
        // Renewal every 12 hours, production only. A loop in a long-running container keeps
        // Compose, the seed's only target, renewing without a host crontab.
        stack.add_service(
            Service::new("certbot", Image::new("certbot/certbot:latest"))
                .entrypoint([
                    "/bin/sh", "-c",
                    "trap exit TERM; while :; do certbot renew --webroot -w /var/www/certbot; sleep 12h & wait $!; done",
                ])
                .mount(Mount::volume(&acme, "/var/www/certbot"))
                .mount(Mount::volume(&certificates, "/etc/letsencrypt"))
                .network(&network)
                // The seed: certbot only renews the certificates nginx serves.
                .certificate_renewal(),
        );
    } else {
        nginx = nginx.resources(Resources::new().limit(Cpu::millis(100), Memory::mib(64)));
    }
    stack.add_service(nginx);
    stack
}
