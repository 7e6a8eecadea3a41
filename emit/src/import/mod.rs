//! `stackwright import`: docker-compose files (a base and its overrides, merged as
//! `docker compose -f a -f b` merges them) into a Rust module `pub fn NAME(env: Env) -> Stack`
//! written with the DSL's builders.
//!
//! | Compose | DSL |
//! | --- | --- |
//! | `services.<name>` | `stack.add_service(Service::new(..))`; `Service::job` when another service waits for it with `service_completed_successfully`; names made DNS-1123 labels |
//! | `image` / `build` (context, dockerfile, args, target) | `Image::new` / `Image::build(..).dockerfile(..).target(..).arg(..)`; `image` next to `build` becomes `.tag(..)` without its tag |
//! | `command`, `entrypoint` | `.command([..])`, `.entrypoint([..])` (strings split like Compose) |
//! | `ports` / `expose` | `.port(Port::http(n).published(h))` / `.port(Port::http(n))`; `Port::tcp` for database ports |
//! | `environment`, `env_file` | `.env(..)`: literals; `Secret`s for secret-looking names, URLs with passwords and every `${VAR}`; `db.database_url()` for a URL naming the datastore's own user, password, database and scheme (else the whole URL is a `Secret`, the reason in its comment), `svc.url()`, `svc.host()` for values naming another service |
//! | `volumes` | named: `Volume::persistent`/`Volume::external` + `Mount::volume`; bind of a file: `Mount::config`; bind of a directory: `Mount::bind` |
//! | `tmpfs` | `Mount::tmpfs(..).size(..)` |
//! | `networks` | `Network::new(..).internal()`, `Network::external(..)`, `.subnet(..)`; `.network(&n)` |
//! | `healthcheck` | `Probe::exec` (`CMD`), `Probe::shell` (`CMD-SHELL`, string), `.every`, `.timeout`, `.retries`, `.start_period` |
//! | `depends_on` | `.depends_on(&svc, Ready::Started / Healthy / Completed)` |
//! | `restart` | `.restart(Restart::..)` |
//! | `deploy.replicas`, `deploy.resources` | `.replicas(n)`, `.resources(Resources::new().limit(..).reserve(..))` |
//! | `labels`, `user`, `read_only`, `stop_grace_period` | `.label`, `.user` (a user named on a `build` service is left out and listed: only the image knows its uid, which Kubernetes needs), `.read_only_root()`, `.stop_grace_period` |
//! | `postgres`, `redis`, `mysql`, `mariadb`, `mongo` images | `.datastore(Datastore::postgres(major).user(..).database(..).password(&secret))` (`Datastore::redis`, `::mysql`, `::mariadb`, `::mongo`), from the images' `POSTGRES_*`, `MYSQL_*`, `MARIADB_*`, `MONGO_INITDB_*` |
//! | `profiles` | the service added only `if env.is_dev()` (`if env.is_production()` for a `production` profile) |
//! | `secrets`, `configs`, `x-` extensions, anchors, `shm_size`, `ulimits`, `privileged`, … | listed as left out in the module's header and the command's output |
//!
//! Intended changes on a round trip (import, render Compose, compare with the original; the
//! test `import_round_trip` allows these and nothing else):
//! - a recognised database without a health check, or with `pg_isready` or `mysqladmin` over
//!   the Unix socket (`mysqladmin -h localhost` is the socket too), gets the datastore's check
//!   over TCP (the image's init server answers the socket first);
//! - a service under a `production` profile is in production only, so not in development;
//! - a file bind-mounted from the repository is configuration, mounted read-only;
//! - variables whose names the targets cannot pass (`xpack.security.enabled`) are left out;
//! - built images are named by their `.tag` and the commit (`IMAGE_TAG`), published ports bind
//!   127.0.0.1 unless the service is an edge proxy, and `restart` defaults to `unless-stopped`
//!   (the comparison does not look at these: they are the Compose emitter's own rules).
//!
//! The module is built as a small Rust syntax tree ([`rust`]) and printed once, so it is
//! always valid Rust. Nothing is resolved from the importing machine: `${VAR}` stays a
//! deploy-time reference, and no secret value is ever copied into the module.

mod argv;
mod context;
mod datastore;
mod declarations;
mod env_file;
mod environment;
mod healthcheck;
mod interpolate;
mod keys;
mod merge;
mod module;
mod ports;
mod problem;
mod quantities;
pub mod rust;
mod service;
mod storage;
mod tree;

use indexmap::IndexMap;

pub use problem::Problem;
pub use service::ReadEnvFile;

use context::{Context, ServiceInfo, dns_label};
use datastore::Recognised;
use tree::{Node, Value};

/// A compose file to import: its path as the user wrote it, and its text.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path, used in messages and to find its env files.
    pub path: String,
    /// The contents.
    pub text: String,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The stack's name (also the function's).
    pub name: String,
    /// The module's source text.
    pub module: String,
    /// What the stack cannot express, also listed at the top of the module.
    pub left_out: Vec<Problem>,
}

/// Import `sources` (a base file, then its overrides) as the stack `name` (by default the files'
/// top-level `name`, else `fallback_name`). Env files are read through `read_env_file`.
/// Every mistake in the files is returned at once.
pub fn import(
    sources: &[Source],
    name: Option<&str>,
    fallback_name: &str,
    read_env_file: ReadEnvFile<'_>,
) -> Result<Imported, Vec<Problem>> {
    let mut root: Option<Node> = None;
    let mut anchors = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        match tree::parse(&source.path, &source.text) {
            Ok(document) => {
                anchors.extend(document.anchors.into_iter().map(|a| (source.path.clone(), a)));
                root = Some(match root {
                    None => document.root,
                    Some(base) => merge::merge("", base, document.root),
                });
            }
            Err(problem) => errors.push(problem),
        }
    }
    let Some(root) = root.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let mut cx = Context::default();
    let files: Vec<String> = sources.iter().map(|s| s.path.clone()).collect();

    let (volumes, networks) = declarations::read(&mut cx, &root);
    for (file, anchor) in anchors {
        cx.left_out.push(Problem::at(
            &file,
            anchor.line,
            format!("the YAML anchor &{}: its values were copied wherever it was used", anchor.name),
            "Share them again in Rust (a variable or a function) if they should stay in step",
        ));
    }
    let project_name = root.get("name").and_then(Node::scalar);
    let chosen = name.or(project_name).unwrap_or(fallback_name);
    let stack_name = dns_label(chosen);
    let project = Some(match project_name {
        Some(project) => {
            (project.to_string(), "the project name the file sets: existing volumes keep their data".to_string())
        }
        None => (
            fallback_name.to_string(),
            "the project Compose ran the file as (its directory's name): existing volumes keep their data".to_string(),
        ),
    })
    .filter(|(project, _)| *project != format!("{stack_name}-dev"));

    let Some(services) = root.get("services") else {
        cx.error(&root, "the file has no `services`", "Declare the services under a top-level `services:` key");
        return Err(cx.errors);
    };
    let Some(entries) = services.map() else {
        cx.error(services, format!("`services` is {}", services.kind()), "Write a mapping of service names");
        return Err(cx.errors);
    };
    let tags = shared_build_tags(&stack_name, entries);
    let mut envs = Vec::new();
    for (compose_name, node) in entries {
        let image = node.get("image").and_then(Node::scalar).unwrap_or_default();
        let engine = match (node.get("build"), datastore::recognise(image)) {
            (None, Recognised::Engine(engine, _)) => Some(engine),
            _ => None,
        };
        let job = entries.iter().any(|(_, other)| waits_for_completion(other, compose_name));
        let mut ports: Vec<u16> = ports::read(&mut Context::default(), node.get("ports"), node.get("expose"))
            .iter()
            .map(|p| p.target)
            .collect();
        if let Some(engine) = engine.filter(|_| ports.is_empty()) {
            ports.push(engine.default_port());
        }
        let env = service::variables(&mut Context::default(), compose_name, node, read_env_file);
        let identity = engine.map(|engine| datastore::identity(engine, &env));
        envs.push(env);
        let ident = cx.ident(compose_name, "service");
        let only_if = node.get("profiles").map(|profiles| {
            let names: Vec<&str> = match &profiles.value {
                Value::Seq(items) => items.iter().filter_map(Node::scalar).collect(),
                _ => Vec::new(),
            };
            let production = names.iter().any(|p| matches!(*p, "production" | "prod"));
            let method = if production { "is_production" } else { "is_dev" };
            cx.leave_out(
                profiles,
                format!(
                    "service {compose_name}: profiles [{}]; Compose started it only when asked, the stack adds it only where env.{method}() (everywhere, if other services refer to it)",
                    names.join(", ")
                ),
                "Change the condition in the module if it belongs elsewhere",
            );
            method
        });
        cx.services.insert(
            compose_name.clone(),
            ServiceInfo {
                name: dns_label(compose_name),
                ident,
                engine,
                identity,
                ports,
                job,
                referenced: false,
                only_if,
            },
        );
    }
    environment::adopt_client_databases(&mut cx, &envs);
    // A first pass learns which names are deploy-time values anywhere, so that a literal under
    // the same name elsewhere becomes the same reference.
    let mut rehearsal = cx.clone();
    for (compose_name, node) in entries {
        let _ = service::map(&mut rehearsal, compose_name, node, tags.get(compose_name).cloned(), read_env_file);
    }
    cx.deploy_time = rehearsal.secrets.keys().cloned().collect();
    let mut mapped = IndexMap::new();
    for (compose_name, node) in entries {
        if let Some(service) = service::map(&mut cx, compose_name, node, tags.get(compose_name).cloned(), read_env_file)
        {
            mapped.insert(compose_name.clone(), service);
        }
    }
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    let module = module::build(
        &cx,
        module::Parts { name: &stack_name, files: &files, project, volumes, networks, services: mapped },
    );
    Ok(Imported { name: stack_name, module: module.print(), left_out: cx.left_out })
}

/// Whether `service` waits for `dependency` to complete successfully.
fn waits_for_completion(service: &Node, dependency: &str) -> bool {
    service.get("depends_on").and_then(|d| d.get(dependency)).and_then(|d| d.get("condition")).and_then(Node::scalar)
        == Some("service_completed_successfully")
}

/// Services built from the same `build` section without an `image` name share one tag, so every
/// target builds the image once (`<stack>-<first such service>`).
fn shared_build_tags(stack: &str, entries: &[(String, Node)]) -> IndexMap<String, String> {
    let mut tags = IndexMap::new();
    for (i, (name, node)) in entries.iter().enumerate() {
        let Some(build) = node.get("build").filter(|_| node.get("image").is_none()) else { continue };
        let same =
            |other: &Node| other.get("image").is_none() && other.get("build").is_some_and(|b| same_value(b, build));
        if let Some((first, _)) = entries[..i].iter().find(|(_, other)| same(other)) {
            let tag = format!("{stack}-{}", dns_label(first));
            tags.insert(first.clone(), tag.clone());
            tags.insert(name.clone(), tag);
        }
    }
    tags
}

/// Equal values, wherever they were written.
fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b)),
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((ka, a), (kb, b))| ka == kb && same_value(a, b))
        }
        (x, y) => x == y,
    }
}
