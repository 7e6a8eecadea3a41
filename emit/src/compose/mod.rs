//! Docker Compose: one complete file per environment, `compose/compose.<env>.yaml`, and beside
//! it `compose/<env>.env.example`, the variables (secrets) the file reads.
//!
//! Spec: <https://docs.docker.com/reference/compose-file/>. Every file passes the real
//! `docker compose config`.
//!
//! Why complete files rather than a base plus overrides: an override can add but not remove
//! (`!reset` aside), lists merge by rules that differ per key, and a reader of one override has
//! to merge in their head. A complete file per environment is what runs, reads on its own, and
//! its PR diff shows exactly what changes in that environment.
//!
//! | model | Compose |
//! | --- | --- |
//! | `Image::new` / `Image::build` | `image:` / `build:` plus `image: <tag>:${IMAGE_TAG:-latest}` |
//! | `Run::Continuously` | a service, `restart: unless-stopped` unless set |
//! | `Run::Once` (migrations) | a service with `restart: "no"`; dependents wait with `service_completed_successfully` |
//! | `Run::OnSchedule` | **not expressible**: the service gets `profiles: [cron]` and a `dev.stackwright.schedule` label, and a warning says to run it from the host's cron |
//! | `Port` / `.published(h)` | `expose:` / `ports: ["h:c"]` |
//! | `Route` with a `Traefik` edge | Traefik router labels: HTTP, and HTTPS with the certificate resolver and an HTTP→HTTPS redirect |
//! | `Route` without an edge | **not expressible**: a warning names the route |
//! | `External::at` / `managed` | its host and port / its URL secret, wherever referenced; `host.docker.internal` adds `extra_hosts: host-gateway` (needed on Linux) |
//! | `EnvValue::Literal` | the text, `$` escaped as `$$` |
//! | `EnvValue::Secret` | `${NAME:?…}`: Compose refuses to start while the variable is unset |
//! | host / port / URL references | the service's name and container port |
//! | `database_url()` | `postgresql://user:${PASSWORD:?…}@host:port/db`; the env example says the password must be URL-safe (Compose does not encode it) |
//! | `Mount::volume` / `bind` / `config` / `tmpfs` | `name:/path`, `./dir:/path`, `./file:/path:ro`, long-form `type: tmpfs` |
//! | `Volume::persistent` / `external` | top-level `volumes:` / `external: true` |
//! | `Network::new().internal()` / `external` | top-level `networks:` with `internal: true` / `external: true` |
//! | `Probe::exec` / `shell` / `http` / `tcp` | `CMD` / `CMD-SHELL` / `curl -fsS` / `nc -z` (or the probe's own command) |
//! | `Ready::Started` / `Healthy` / `Completed` | `service_started` / `service_healthy` / `service_completed_successfully` |
//! | replicas, resources | `deploy.replicas`, `deploy.resources.limits` / `reservations` |
//! | user, read-only root, labels | `user:`, `read_only: true`, `labels:` |
//!
//! Relative paths in the model (build contexts, bind mounts) are relative to the repository
//! root; they are rewritten relative to the generated file, as Compose resolves them.

mod lower;
pub mod model;
mod traefik;

use stack_dsl::ValidProject;

use crate::bundle::Bundle;
use crate::error::Error;
use crate::layout::{COMPOSE_DIR, compose_file};
use crate::options::Options;
use crate::yaml;

/// Render every environment of `project`.
pub fn render(project: &ValidProject, options: &Options) -> Result<Bundle, Error> {
    let mut bundle = Bundle::new();
    bundle.own(COMPOSE_DIR);
    let root = options.root_from(1);
    for stack in project.stacks() {
        let env = stack.env();
        let path = compose_file(env);
        let lowered = lower::lower(stack, &root);
        let file_name = format!("compose.{env}.yaml");
        let env_file = format!("{env}.env");
        let mut notes = vec![format!("Run: docker compose --env-file {env_file} -f {file_name} up -d")];
        if !lowered.variables.is_empty() {
            notes.push(format!(
                "Variables read from the environment (see {env_file}.example): {}",
                lowered.variables.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        let header = yaml::header(&format!("stack {} ({env})", project.name()), project.regenerate_command(), &notes);
        bundle.add(path.clone(), yaml::document(&path, &header, &lowered.file)?);
        bundle.add(format!("{COMPOSE_DIR}/{env_file}.example"), env_example(&file_name, &env_file, &lowered.variables));
        for warning in lowered.warnings {
            bundle.warn(warning);
        }
    }
    Ok(bundle)
}

fn env_example(file_name: &str, env_file: &str, variables: &[lower::Variable]) -> String {
    let mut out = format!(
        "# Variables {file_name} reads. Copy this file to {env_file}, fill in the values, and never commit the copy.\n"
    );
    for variable in variables {
        out.push_str(&format!("\n# {}\n{}={}\n", variable.description, variable.name, variable.default));
    }
    out
}
