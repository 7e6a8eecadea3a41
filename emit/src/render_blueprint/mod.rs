//! Render: one Blueprint, `render.yaml` at the root of the output directory, with one project
//! per stack and one environment per hosted environment (staging, production, or any the project
//! declares with `Env::hosted` / `Env::production`), named like it; local ones stay on Compose.
//!
//! Spec: <https://render.com/docs/blueprint-spec>; every golden file passes the Blueprint JSON
//! Schema (`validate-deploy render`). Which services run and what references mean is decided
//! once for Render and Railway in `managed_platform.rs`; this module only spells it.
//!
//! | model | Render |
//! | --- | --- |
//! | service with routes, behind an edge proxy, or publishing an HTTP port | `type: web` |
//! | other service with ports / without ports | `type: pserv` / `type: worker` |
//! | `Run::OnSchedule` | `type: cron` with `schedule` |
//! | another service waiting for that job | **not expressible**: deploys of different services are not ordered (warning naming the service, the job and its host) |
//! | `Run::Once` waited for (`Ready::Completed`) by a service of the same image | that service's `preDeployCommand`; **error** when no such service exists |
//! | `Datastore::postgres`, `External::managed` PostgreSQL, a PostgreSQL on the Docker host | `databases:` with `postgresMajorVersion`, `databaseName`, `user`, `diskSizeGB`; the container is not deployed (warning) |
//! | `Datastore::mysql` / `mariadb` / `mongo` | Render manages neither MySQL nor MongoDB: the image runs as a private service (`type: pserv`, `runtime: image`) with a disk at the data directory (<https://render.com/docs/deploy-mysql>, <https://render.com/docs/deploy-mongodb>), reported; a client's `database_url()` is `sync: false`, with the URL to enter reported, since a Blueprint value cannot join the private host name and the password |
//! | `Datastore::redis` | `type: keyvalue`, `ipAllowList: []` (private network only), `maxmemoryPolicy` from `--maxmemory-policy`, else redis-server's default `noeviction` (a broker or queue keeps its tasks) |
//! | `Role::EdgeProxy`, `Role::CertificateRenewal` (nginx, Traefik, certbot) | **not deployed**: Render terminates TLS, proxies and renews certificates; a warning names each |
//! | `Image::new` / `Image::build` | `runtime: image` + `image.url` / `runtime: docker` + `dockerContext` + `dockerfilePath` |
//! | `Image::build` in a project with a `Pipeline` | `runtime: image`, `image.url` = the pushed `<registry>/<image>:<env>` (`pushed_image.rs`: the environment's tag, which the pipeline moves to each image it deploys) with `creds.fromRegistryCreds` named after the registry host; nothing is built from the repository, the deploy workflow deploys each commit's tag |
//! | a project with a `Pipeline` | `autoDeployTrigger: off` on every service, whatever its runtime: the deploy workflow deploys approved commits (Render its target), else a header note and a warning say to deploy from Manual Deploy |
//! | build arguments | variables (Render passes a Docker service's variables to the build as arguments); none for the pipeline's images, built with them |
//! | `Service::serves_static(StaticSite)` | a Static Site: `runtime: static`, `rootDir`, `buildCommand`, `staticPublishPath`, a rewrite of `/*` to `/index.html` for a single-page app, build variables from literals and build arguments (secrets are not compiled in: warning), `autoDeployTrigger: off` with a pipeline; the container is not used (warning) |
//! | command | `dockerCommand`, arguments shell-quoted; the entrypoint **cannot** be set (warning) |
//! | `Probe::http` on a web service | `healthCheckPath`; other checks and liveness are **not expressible** (warning); a web service's framework host allowlist (Django `ALLOWED_HOSTS`) also lists `.onrender.com`, where Render always serves it (`facts/platforms.rs`) |
//! | replicas / `Autoscale` | `numInstances` / `scaling` (min, max, `targetCPUPercent` ≤ 90) |
//! | resource limits | `plan`: the smallest instance type holding the CPU and memory limits, the stack's `Defaults` standing in for unset ones (reported as a default applied); reservations have no equivalent |
//! | the service's largest volume | `disk` (`sizeGB`: the volume's size, else the default volume size, reported); further volumes, bind mounts, files and tmpfs are **not mounted** (warning); a disk on a scaled service is an **error** (Render forbids it); a cron job with a volume is **not deployed** (cron jobs have no disk, its output would be lost: warning) |
//! | a volume mounted by several services / a host directory several services share | **error** / warning naming them: a disk belongs to one service; the alternative is object storage (S3, R2, B2) or one service running both processes |
//! | `Route` | `domains` (whole host names; a path prefix is reported); one host routed to two services is an **error** (a custom domain belongs to one service) |
//! | literal | `value` |
//! | `Secret` / `Secret::generated` | `sync: false` (asked for in the dashboard) / `generateValue: true`; the header lists each value Render asks for once, where it is entered (a group's under the group), with the secret's description (`secret_hint.rs`) or the exact shape of a public origin or URL |
//! | `database_url()`, host, port, password, `database_user()`, `database_name()` of a provided database | `fromDatabase` `connectionString` / `host` / `port` / `password` / `user` / `database`; Key Value: `fromService` `type: keyvalue` (no user or password: **error**; a database index stays the declared one) |
//! | a command, entrypoint or literal naming the host of a replaced database (`-h postgres`) | **error**: that host does not exist; pass a reference (`database_url()`, `host()`) |
//! | another service's host / port | `fromService` `host` / `port` |
//! | another service's URL | `fromService` `hostport` (`<name>-<suffix>:<port>`, the private name Render gives the service); the scheme and path cannot be added (warning) |
//! | `EnvGroup` used by services | an `envVarGroups` entry `<stack>-<env>-<group>` with its values, generated and prompted secrets, attached with `fromGroup`; its `fromDatabase`/`fromService` references stay on each member, which a group cannot hold (`declared_groups.rs`) |
//! | a value several services set identically | an `envVarGroups` entry per set of services sharing it, referenced with `fromGroup` (a generated secret is then one value for all of them), named after its members, or past 63 characters after the first and a count (`<stack>-<env>-api-and-12-more`) |
//! | networks, start order, restart policy, user, read-only root | **not expressible**: every service of an environment shares its private network; Render restarts crashed services; user and read-only root are reported |
//!
//! Names are unique per Blueprint, so each resource is named `<stack>-<env>-<service>`.

mod declared_groups;
mod lower;
pub mod model;
mod previews;

use stack_dsl::{DeployTarget, ValidProject};

use crate::bundle::Bundle;
use crate::error::Error;
use crate::facts::platforms::RENDER;
use crate::layout::RENDER_BLUEPRINT;
use crate::options::Options;
use crate::prerequisite::{HeaderNotes, Need};
use crate::yaml;
use lower::AskedUrl;

/// Render the Blueprint of every hosted environment of `project`; nothing when it has none.
pub fn render(project: &ValidProject, options: &Options) -> Result<Bundle, Error> {
    let mut bundle = Bundle::new();
    let hosted: Vec<_> = project.stacks().iter().filter(|s| s.env().is_hosted()).collect();
    if hosted.is_empty() {
        return Ok(bundle);
    }
    let mut environments = Vec::new();
    let mut self_hosted = Vec::new();
    let mut asked_urls = Vec::new();
    let mut first_start = Vec::new();
    let mut asked_values = Vec::new();
    for stack in hosted {
        let lowered = lower::lower(project, stack)?;
        for note in crate::first_start::notes(
            stack,
            |s| RENDER.runs_datastore_image(s),
            crate::first_start::Naming::Variable,
            "the service's Environment in the Render dashboard",
        ) {
            if !first_start.contains(&note) {
                first_start.push(note);
            }
        }
        environments.push(lowered.environment);
        for item in lowered.self_hosted {
            if !self_hosted.contains(&item) {
                self_hosted.push(item);
            }
        }
        for item in lowered.asked_urls {
            if !asked_urls.contains(&item) {
                asked_urls.push(item);
            }
        }
        asked_values.push((stack.env(), lowered.asked_values));
        for warning in lowered.warnings {
            bundle.warn(warning);
        }
    }
    let names: Vec<&str> = environments.iter().map(|e| e.name.as_str()).collect();
    let mut notes = HeaderNotes::new("render", names.join(", "));
    notes.push(format!("Environments: {} (development runs locally with Compose).", names.join(", ")));
    let deployed_by_workflow = project.pipeline().is_some_and(|p| p.target == DeployTarget::Render);
    // The Blueprint creates each built service from its environment's tag, which the deploy
    // workflow's first run pushes; the service ids the later runs need exist only after that.
    notes.require(
        Need::Platform,
        if deployed_by_workflow {
            "First deploy, in this order: 1. push, so the deploy workflow pushes the images and points the \
             environment tags at them (it deploys nothing yet); 2. apply: Render Dashboard > Blueprints > New \
             Blueprint Instance, pointing at this file; 3. set the RENDER_SERVICE_* variables its header lists to \
             the services' ids."
                .into()
        } else {
            "Apply: Render Dashboard > Blueprints > New Blueprint Instance, pointing at this file.".into()
        },
    );
    let autoscaled: Vec<&str> = environments
        .iter()
        .flat_map(|e| e.services.iter().filter(|s| s.scaling.is_some()).map(|s| s.name.as_str()))
        .collect();
    if let (false, Some(plan)) = (autoscaled.is_empty(), crate::facts::platforms::RENDER.autoscaling_plan) {
        notes.require(
            Need::Platform,
            format!(
                "Autoscaling ({}) needs {plan} on Render: on another plan, upgrade the workspace before the apply, or give the service fixed replicas in the stack instead of .autoscale(..).",
                autoscaled.join(", ")
            ),
        );
    }
    if !self_hosted.is_empty() {
        notes.push(format!(
            "Render manages no MySQL, MariaDB or MongoDB: {} run their images as private services with a disk at their data directory (render.com/docs/deploy-mysql, render.com/docs/deploy-mongodb); back their data up yourself.",
            self_hosted.join(", ")
        ));
    }
    notes.require_all(Need::Secret, first_start);
    // A Blueprint's variable is a literal or one property of another resource, never a string
    // built from several (<https://render.com/docs/blueprint-spec#environment-variables>), and
    // Render asks for `sync: false` values while creating the Blueprint, before the private
    // service exists and its host name (with the suffix Render picks) is known.
    for asked in asked_urls {
        let AskedUrl { client, key, url, database } = asked;
        notes.require(
            Need::Secret,
            format!(
                "First deploy, {client} {key}: 1. when Render asks for it while creating the Blueprint, {database} does not exist yet: enter a placeholder (such as pending; {client} cannot reach {database} until step 3); 2. once {database} is live, copy its internal address from its Connect menu; 3. set {key} on {client} to {url} with that host, and redeploy {client}."
            ),
        );
    }
    // Placeholder route hosts are no custom domains here (`lower.rs`): each is set up once.
    let placeholders: Vec<String> = project
        .stacks()
        .iter()
        .filter(|s| s.env().is_hosted())
        .flat_map(|s| {
            crate::public_origin::placeholder_routes(s).into_iter().map(move |(host, service)| (s, host, service))
        })
        .map(|(s, host, service)| format!("{service} in {} ({host})", s.env()))
        .collect();
    if !placeholders.is_empty() {
        notes.require(
            Need::Platform,
            format!(
                "Once per service and environment, the stack's hosts being placeholders: choose the real host of {} before the apply (values Render asks for are built from it), and after the apply add it under the service's Settings › Custom Domains.",
                placeholders.join(", ")
            ),
        );
    }
    // Render asks for each `sync: false` variable once where it is declared, and a group's
    // variables reach every service attached with `fromGroup`, so a group's value is entered once
    // (<https://render.com/docs/blueprint-spec#environment-groups>,
    // <https://render.com/tutorials/advanced-blueprint-patterns/env-var-groups>).
    // Render asks for `sync: false` values only when it creates the service or group; one added
    // to an existing resource later is not asked for, and is set in the dashboard
    // (<https://render.com/docs/blueprint-spec#prompting-for-secret-values>).
    if asked_values.iter().any(|(_, values)| !values.is_empty()) {
        notes.require(
            Need::Secret,
            "Variables with sync: false are secrets and values Render asks for when the Blueprint is applied, each once: an environment group's value once for the group (every service attached to it reads that value), the others once per service. Render asks only when it first creates the service or group: a key added to the file later is not asked for, so set it in the service's Environment tab. What to enter:".into(),
        );
    }
    for (env, values) in asked_values {
        notes.require_all(Need::Secret, values.into_iter().map(|value| format!("{env}: {value}")));
    }
    if let Some(pipeline) = project.pipeline() {
        notes.push(if deployed_by_workflow {
            "Nothing deploys on push (autoDeployTrigger: off): the deploy workflow deploys each commit the pipeline approved.".into()
        } else {
            format!(
                "Nothing deploys on push (autoDeployTrigger: off), and the pipeline deploys to {}: deploy a commit it approved from each service's Manual Deploy menu.",
                pipeline.target.name()
            )
        });
    }
    if let Some(pipeline) = project.pipeline()
        && let Some(registry) = pipeline.registry.named()
    {
        let host = pipeline.registry.host();
        notes.push(format!(
            "Built services run the image the pipeline pushed, {registry}/<image>:<commit SHA>; the pipeline moves the environment's tag (:{}) to the image it deploys there.",
            names.join(", :")
        ));
        notes.push(
            "Render pulls the environment's tag when the Blueprint creates a service: apply it once the pipeline has tagged an image for the environment (its first deploy there moves the tag).".into(),
        );
        notes.require(Need::Registry, format!(
            "Before applying: add a registry credential named {host} (Workspace Settings > Registry Credentials) with a token that can read the packages."
        ));
    }
    let previews = project.previews().map(|wanted| {
        let (root, warnings) = previews::apply(project.name(), &mut environments, wanted);
        for warning in warnings {
            bundle.warn(warning);
        }
        notes.require(
            Need::Platform,
            format!(
                "Pull-request previews copy {}: one per pull request, on a workspace plan that has them.",
                wanted.from
            ),
        );
        root
    });
    let header = yaml::header(
        &format!("stack {}", project.name()),
        &crate::regenerate::command(project, options, &[]),
        notes.lines(),
    );
    let project = model::Project { name: project.name().into(), environments };
    let blueprint = model::Blueprint { previews, projects: vec![project] };
    bundle.add(RENDER_BLUEPRINT, yaml::document(RENDER_BLUEPRINT, &header, &blueprint)?);
    bundle.require(notes.into_prerequisites());
    Ok(bundle)
}
