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
//! | `Image::new` / `Image::build` | `image:` / `build:` plus `image: <name>:${IMAGE_TAG:?…}` (no default; the header's run command says which tag and whether to build; where the pipeline deploys, it pulls each image from the registry and tags it `<name>:<tag>` first, as the deploy does) |
//! | `Run::Continuously` | a service, `restart: unless-stopped` unless set |
//! | `Run::Once` (migrations) | a service with `restart: "no"`; dependents wait with `service_completed_successfully` |
//! | `Run::OnSchedule` | **not expressible**: the service gets `profiles: [cron]` and a `dev.stackwright.schedule` label, a warning says to run it from the host's cron, and the header gives the crontab line |
//! | `Port` / `.published(h)` | `expose:` / `ports: ["h:c"]` for an edge proxy, `["127.0.0.1:h:c"]` for any other service (the header lists them) |
//! | `Route` with a `Traefik` edge | Traefik router labels: HTTP, and HTTPS with the certificate resolver and an HTTP→HTTPS redirect; the header names the entrypoints and resolver the Traefik must define |
//! | `Route` without an edge | **not expressible**: a warning names the route, and the header says how to reach it |
//! | `External::at` / `managed` | its host and port / its URL secret, wherever referenced; `host.docker.internal` adds `extra_hosts: host-gateway` (needed on Linux) and the header says what the host's server must allow (all listen addresses, the firewall and `pg_hba.conf` narrowed to the clients' subnet) |
//! | `EnvValue::Literal` | the text, `$` escaped as `$$` |
//! | `EnvValue::Secret` | `${NAME:?…}`: Compose refuses to start while the variable is unset; `${NAME:-}` for a `Secret::optional` |
//! | an image that exits without a variable bound to a `Secret::optional` (`facts::images::REQUIRED_VARIABLES`) | `profiles: [<service>]`, so a plain `up` leaves it out instead of restarting it forever; the header says how to start it; a service waiting for it is an error |
//! | `EnvGroup` used by services | its variables repeated in each member's `environment:`, not an `x-` extension merged with a YAML anchor: merge keys (`<<: *group`) are YAML 1.1's (<https://yaml.org/type/merge.html>) and YAML 1.2 readers need not apply them, so a tool reading the file could see another environment than Compose does, and each service's block stays complete on its own, so its diff shows exactly what that service gets |
//! | host / port / URL references | the service's name and container port |
//! | `database_url()` | `postgresql://user:${PASSWORD:?…}@host:port/db`; the env example says the password must be URL-safe (Compose does not encode it) |
//! | `Mount::volume` / `bind` / `config` / `tmpfs` | `name:/path`; long-form `type: bind` with `create_host_path: false` (the header lists the files and directories the host must hold, data directories with their owner, and what a file must contain when `Mount::must_contain` says; a bind of a build context is the checkout's code, and only who writes it is said); long-form `type: tmpfs` |
//! | `Mount::bind` of an absolute host path | a header line per service: the host paths it reaches and whether read-only; the Docker socket named as root-equivalent |
//! | `Volume::persistent` / `external` | top-level `volumes:` / `external: true`; keyed by `Volume::compose_name` when set, the header naming each `<project>_<volume>` |
//! | `Stack::compose_project` | `name:` (default `<stack>-<environment>`) |
//! | `Network::new().internal()` / `external` | top-level `networks:` with `internal: true` / `external: true` (the header lists the external networks and volumes to create first, and the service names each external network shares with other projects) |
//! | `Network::subnet` | `ipam: {config: [{subnet: …}]}` on a network the stack creates |
//! | `Probe::exec` / `shell` / `http` / `tcp` | `CMD` / `CMD-SHELL` / `curl -fsS [-H 'Host: …']` / `nc -z` (or the probe's own command) |
//! | `Service::framework` | an HTTP check the framework would reject (Django's `ALLOWED_HOSTS`) is an error |
//! | `Service::datastore` without its own check | the engine's check over TCP (`pg_isready -h 127.0.0.1`, `redis-cli -h 127.0.0.1 ping`, `mysqladmin ping -h 127.0.0.1`, `mariadb-admin ping …`, `mongosh --host "$(hostname)" --eval …` (MongoDB's init server answers on 127.0.0.1)) with a `start_period` covering the first start |
//! | `Ready::Started` / `Healthy` / `Completed` | `service_started` / `service_healthy` / `service_completed_successfully` |
//! | replicas, resources | `deploy.replicas`, `deploy.resources.limits`; reservations, which Compose outside Swarm ignores, are left out with a warning |
//! | `Stack::runs_on` | the header's host size (validation keeps limits within it); without it the header names the cores the largest limit needs |
//! | user, read-only root, labels | `user:`, `read_only: true`, `labels:` |
//! | `Probe::alerts` | the health check as written, and a header line saying to watch it, with the `docker ps` filter that shows its state on the host; the SSH deploy starts the service apart from its `up --wait`, so an alert fails neither a deploy nor its rollback |
//! | `ImageFacts::requires`; a named volume a non-root service of an image without facts writes | a header line per requirement: what the service's image must hold (Compose cannot supply it), including each such mount point owned by the service's user |
//! | `Service::stop_grace_period` | `stop_grace_period:` |
//! | `Stack::log_rotation` (10 MiB × 3 by default) | `logging:` `json-file` with `max-size` / `max-file` on every service |
//! | an edge proxy's dependency on an upstream | `restart: true`, so Compose restarts the proxy after recreating the upstream |
//!
//! Relative paths in the model (build contexts, bind mounts) are relative to the repository
//! root; they are rewritten relative to the generated file, as Compose resolves them.

mod docker_host;
mod exposure;
mod host_access;
mod host_paths;
mod image_requirements;
mod logging;
mod lower;
pub mod model;
pub(crate) mod monitoring;
mod opt_in;
mod project;
pub(crate) use project::external_resources;
mod resources;
mod run_command;
pub use run_command::{DEPLOY_ENV, deployed_compose};
mod traefik;

use stack_dsl::{Run, ValidProject};

use crate::bundle::Bundle;
use crate::error::Error;
use crate::layout::{COMPOSE_DIR, compose_file};
use crate::options::Options;
use crate::prerequisite::{HeaderNotes, Need};
use crate::yaml;

/// Where the pipeline pushes images when the project names no registry: the repository owner's
/// GitHub Container Registry namespace, which the workflow reads at run time.
const PIPELINE_REGISTRY: &str = "ghcr.io/<repository owner, lower-case>";

/// Render every environment of `project`.
pub fn render(project: &ValidProject, options: &Options) -> Result<Bundle, Error> {
    let mut bundle = Bundle::new();
    bundle.own(COMPOSE_DIR);
    let root = options.root_from(1);
    // The repository's own directories: every build context of the project, in any environment.
    let mut checkout: Vec<String> = Vec::new();
    for service in project.stacks().iter().flat_map(|stack| stack.services()) {
        if let stack_dsl::Image::Build(build) = &service.image {
            let dir = build.context.trim_start_matches("./").trim_end_matches('/').to_string();
            if !checkout.contains(&dir) {
                checkout.push(dir);
            }
        }
    }
    for stack in project.stacks() {
        if let Some((service, reason, fix)) = opt_in::waiting_on_opt_in(stack) {
            return Err(Error::Unsupported { target: "compose", service, reason, fix });
        }
        for service in stack.services() {
            if let Some((reason, fix)) = crate::facts::frameworks::rejected_health_check(service) {
                return Err(Error::Unsupported { target: "compose", service: service.name.clone(), reason, fix });
            }
        }
        let env = stack.env();
        let path = compose_file(env);
        let deployed_over_ssh = project.pipeline().is_some_and(|p| p.target == stack_dsl::DeployTarget::ComposeOverSsh);
        let mut lowered = lower::lower(stack, &root, deployed_over_ssh);
        let file_name = format!("compose.{env}.yaml");
        let env_file = format!("{env}.env");
        let images = run_command::Images::of(project, stack, lowered.builds);
        if let Some(description) = images.tag_description() {
            lowered.variables.push(lower::Variable {
                name: run_command::IMAGE_TAG.into(),
                description: description.into(),
                default: String::new(),
            });
        }
        let mut built: Vec<String> = Vec::new();
        for service in stack.services().filter(|s| matches!(s.image, stack_dsl::Image::Build(_))) {
            let name = crate::endpoint::image_name(stack, service);
            if !built.contains(&name) {
                built.push(name);
            }
        }
        let registry = project.pipeline().and_then(|p| p.registry.named()).unwrap_or(PIPELINE_REGISTRY);
        let mut notes = HeaderNotes::new("compose", env.name());
        notes.push(images.run_command(&env_file, &file_name, registry, &built));
        notes.extend(images.on_deploy_host(&env_file, &options.from_root(&path)));
        notes.require_all(Need::External, project::external_note(stack));
        notes.extend(project::shared_names_notes(stack));
        notes.require_all(Need::Platform, traefik::note(stack));
        for service in stack.services() {
            if let Run::OnSchedule(schedule) = &service.run {
                notes.require(Need::Platform, images.crontab_line(&env_file, &file_name, &service.name, schedule));
            }
        }
        notes.require_all(Need::External, host_paths::prerequisites(stack, &root, &checkout));
        notes.require_all(Need::Platform, image_requirements::notes(stack));
        notes.extend(opt_in::notes(stack));
        notes.extend(host_access::notes(stack));
        notes.extend(monitoring::notes(stack, &project::name(stack)));
        notes.extend(project::data_note(stack));
        notes.extend(exposure::notes(stack));
        notes.require_all(Need::Platform, resources::host_note(stack));
        notes.require_all(Need::External, docker_host::prerequisites(stack, &project::name(stack)));
        if !lowered.variables.is_empty() {
            notes.require(
                Need::Secret,
                format!(
                    "Variables read from the environment (see {env_file}.example): {}",
                    lowered.variables.iter().map(|v| v.name.as_str()).collect::<Vec<_>>().join(", ")
                ),
            );
        }
        if !stack.secrets.is_empty() {
            notes.require(Need::Secret, format!(
                "{env_file} holds secrets in plain text: chmod 600 {env_file}, owned by the user who runs docker compose"
            ));
        }
        let header = yaml::header(
            &format!("stack {} ({env})", project.name()),
            &crate::regenerate::command(project, options, &[]),
            notes.lines(),
        );
        bundle.add(path.clone(), yaml::document(&path, &header, &lowered.file)?);
        bundle.require(notes.into_prerequisites());
        bundle.add(
            format!("{COMPOSE_DIR}/{env_file}.example"),
            env_example(
                &file_name,
                &env_file,
                &lowered.variables,
                &crate::first_start::notes(stack, |_| true, crate::first_start::Naming::Secret, &env_file),
            ),
        );
        for service in stack.services() {
            let missing = crate::facts::frameworks::missing_release_steps(stack, service);
            if !missing.is_empty() {
                bundle.warn(crate::bundle::Warning {
                    kind: crate::WarningKind::Adapted,
                    target: "compose",
                    env: env.to_string(),
                    service: service.name.clone(),
                    message: format!(
                        "it starts without a release step its framework needs ({}): add a one-shot job running it that the service waits for (Ready::Completed)",
                        missing.join(", ")
                    ),
                });
            }
        }
        for warning in lowered.warnings {
            bundle.warn(warning);
        }
    }
    Ok(bundle)
}

/// The example env file; `first_start` says which passwords a database reads only once.
fn env_example(file_name: &str, env_file: &str, variables: &[lower::Variable], first_start: &[String]) -> String {
    let mut out = format!(
        "# Variables {file_name} reads. Copy this file to {env_file}, fill in the values, chmod 600 {env_file} (secrets in it are plain text), and never commit the copy.\n"
    );
    for note in first_start {
        out.push_str(&format!("# {note}.\n"));
    }
    for variable in variables {
        out.push_str(&format!("\n# {}\n{}={}\n", variable.description, variable.name, variable.default));
    }
    out
}
