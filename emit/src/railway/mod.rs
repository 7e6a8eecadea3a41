//! Railway: Infrastructure as Code, `.railway/railway.ts`, a TypeScript program written against
//! `railway/iac` (npm `railway` 3.11, <https://github.com/railwayapp/railway-ts-sdk>). Railway's
//! `railway.json` config-as-code is deprecated and stops being read on 2026-12-01.
//!
//! One program covers every hosted environment; development stays local (Compose). Each
//! environment's stack is lowered on its own, then the results are compared: what is the same
//! everywhere is written once, what differs becomes a choice on `ctx.environment`, and a
//! resource that exists in some environments only is included conditionally. Every golden
//! file passes `validate-deploy railway-ts` (strict type check, then evaluation per environment).
//!
//! | model | Railway |
//! | --- | --- |
//! | `Datastore::postgres` / `redis`, `External::managed`, a database on the Docker host | `postgres(name)` / `redis(name)`; the container is not deployed (warning); a major version other than the template's (PostgreSQL 18, Redis 8) is reported |
//! | `Datastore::mysql` / `mariadb` / `mongo` | the image with a volume at its data directory, reported (the program does not use Railway's `mysql()`/`mongo()` templates, whose versions it cannot choose); a client's `database_url()` is built by Railway: `mysql://user:${{db.MYSQL_PASSWORD}}@${{db.RAILWAY_PRIVATE_DOMAIN}}:3306/name`, the password the database service's own variable |
//! | `Role::EdgeProxy`, `Role::CertificateRenewal` | **not deployed**: Railway's edge terminates TLS and renews certificates (warning) |
//! | `Image::new` / `Image::build` | `source: image(..)` / `root` + `build: { builder: "DOCKERFILE" }` without a source: the header and a warning name each service whose repository must be connected in the dashboard or deployed with `railway up` |
//! | `Image::build` in a project with a `Pipeline` | ``source: image(`<registry>/<image>:${imageTag ?? "<env>"}`)``, `imageTag` being the `IMAGE_TAG` the deploy workflow sets (the commit SHA, `-<env>` appended when the build differs per environment); without it the environment's tag, which the pipeline moves to each image it deploys |
//! | build arguments (`Image::build(..).arg`) | service variables, which Railway hands to the Docker build as build arguments (`facts/platforms.rs`); a variable of the same name wins (warning) |
//! | `Service::serves_static(StaticSite)` | the service's own container, which serves the build: Railway has no static hosting of its own (`facts/platforms.rs`) |
//! | command | `start` |
//! | `Run::Once` waited for by a service of the same image | that service's `preDeploy`, which runs without volumes: what the job writes to one is reported lost; **error** otherwise |
//! | `Run::OnSchedule` | `deploy.cronSchedule` |
//! | another service waiting for that job | **not expressible**: deploys of different services are not ordered (warning naming the service, the job and its host) |
//! | restart policy | `deploy.restartPolicyType` (`ALWAYS`, `ON_FAILURE`, `NEVER`) |
//! | `Probe::http` | `healthcheck` path and `healthcheckTimeout` (start period + interval × retries); other checks and liveness are **not expressible** (warning); a framework's host allowlist (Django `ALLOWED_HOSTS`) gains Railway's health-check host (`facts/platforms.rs`), or is reported when a secret holds it |
//! | replicas / `Autoscale` | `replicas` / **not expressible**: the minimum runs (warning) |
//! | the service's largest volume | `volume(name, { sizeMB })` in `volumeMounts`; other mounts are **not mounted** (warning); a volume on a scaled service is an **error** |
//! | a volume mounted by several services / a host directory several services share | **error** / warning naming them: a volume belongs to one service; the alternative is object storage or one service running both processes |
//! | `Route` | a custom domain, attached with `railway domain <host> --service <name> --port <port>` by the deploy workflow (or by hand, as the header lists) and **not** in the program: `railway config apply` refuses a domain not already attached (below); the route's port is the domain's target port; a path prefix is reported (Railway routes whole hosts); one host routed to two services is an **error**; a public service without a route of its own gets no address (warning and header note: generate a domain) |
//! | the port a service is health-checked on (else its routed port) | `PORT`, which Railway health-checks and routes to (`facts/platforms.rs`); a `PORT` the service sets to another port is reported |
//! | the environment (`Env`) | `ctx.environment`, from the context when it names one, else `DEPLOY_ENVIRONMENT`; both must agree when both name one (CLI 5.63.1 passes the linked environment, the project token's); the program throws when neither names one of its environments |
//! | literal | the string |
//! | `Secret` used by one service / by several | `preserve()` (set in the dashboard, kept on apply) / `ctx.shared.NAME` (a shared variable, one value for all, which the program reads but cannot create); the header lists each, per environment, with the secret's description (`secret_hint.rs`), and the deploy workflow names each one unset after applying (an optional shared one may stay unset) |
//! | `EnvGroup` used by services | its secrets: `ctx.shared.NAME`, shared variables with one value for the group; its literals and references: written in each member's `variables`, since a program can only read shared variables (`ctx.shared`), not set them (npm `railway` 3.11 `ProjectDefinition`), and a literal kept in the program is reviewed in its diff |
//! | `database_url()`, host, port, password of a database | `db.env.DATABASE_URL` / `PGHOST` / `PGPORT` / `PGPASSWORD` (`REDIS_URL`, `REDISHOST`, … for Redis) |
//! | `database_user()` / `database_name()` | `db.env.PGUSER` / `PGDATABASE`: `postgres(name)` takes no user or name, Railway creates its own (the declared ones are not used); a Redis database index stays the declared one |
//! | a command, entrypoint or literal naming the host of a replaced database (`-h postgres`) | **error**: that host does not exist; pass a reference (`database_url()`, `host()`) |
//! | another service's host / port / URL | `svc.env.RAILWAY_PRIVATE_DOMAIN` / its port / `scheme://${{name.RAILWAY_PRIVATE_DOMAIN}}:port` |
//! | resource limits, user, read-only root, networks | **not expressible** in the program; limits and user are reported, every service shares the environment's private network |
//!
//! Each resource is held in a TypeScript constant named after it (`celery-worker` → `celeryWorker`);
//! when two names would give one constant, or a name is a reserved word or an import, the later
//! resource's constant takes its kind as a suffix (`web1Service`, `newService`, `dataVolume`), then a
//! number (`identifiers.rs`).

mod environments;
mod identifiers;
mod lower;
pub(crate) mod sdk;
mod ts;

use indexmap::IndexMap;
use stack_dsl::{Env, ValidProject};

use crate::bundle::Bundle;
use crate::error::Error;
use crate::facts::platforms::RAILWAY;
use crate::layout::{RAILWAY_DIR, RAILWAY_PROGRAM};
use crate::options::Options;
use crate::prerequisite::{HeaderNotes, Need};
use environments::Environments;
use identifiers::{Identifiers, Key};
pub use lower::SecretRead;
use lower::{IMAGE_TAG_CONSTANT, IMPORTS, Resource};
use ts::{Entry, Ts};

/// Render the Railway program of every hosted environment of `project`; nothing when it has none.
pub fn render(project: &ValidProject, options: &Options) -> Result<Bundle, Error> {
    let mut bundle = Bundle::new();
    let hosted: Vec<_> = project.stacks().iter().filter(|s| s.env().is_hosted()).collect();
    if hosted.is_empty() {
        return Ok(bundle);
    }
    bundle.own(RAILWAY_DIR);
    let mut environments = Vec::new();
    let mut uses_image_tag = false;
    let mut uses_public_host = false;
    let mut built_from_repository = indexmap::IndexSet::new();
    let mut without_domain = indexmap::IndexSet::new();
    let mut domains = Vec::new();
    let mut public_hosts = indexmap::IndexSet::new();
    let mut baked = indexmap::IndexSet::new();
    let mut first_start = indexmap::IndexSet::new();
    // Each shared variable the program reads: the environments reading it, and what it holds.
    let mut shared: IndexMap<String, (Vec<Env>, String)> = IndexMap::new();
    // Each secret preserved on one service, as `service KEY`: the environments, and what it holds.
    let mut preserved: IndexMap<String, (Vec<Env>, String)> = IndexMap::new();
    for stack in hosted {
        let lowered = lower::lower(project, stack)?;
        let hints = crate::secret_hint::SecretHints::new(stack);
        for read in &lowered.shared {
            let entry = shared.entry(read.name.clone()).or_insert_with(|| (Vec::new(), hints.of(&read.name)));
            entry.0.push(stack.env());
        }
        for read in &lowered.preserved {
            let at = format!("{} {}", read.service, read.key);
            preserved.entry(at).or_insert_with(|| (Vec::new(), hints.of(&read.name))).0.push(stack.env());
        }
        first_start.extend(first_deploy_variables(stack));
        first_start.extend(crate::first_start::notes(
            stack,
            |s| RAILWAY.runs_datastore_image(s),
            crate::first_start::Naming::Variable,
            "the service's Variables on Railway",
        ));
        uses_image_tag |= lowered.uses_image_tag;
        uses_public_host |= lowered.uses_public_host;
        for (variable, built) in lowered.public_hosts {
            public_hosts.insert(variable);
            baked.extend(built);
        }
        built_from_repository.extend(lowered.built_from_repository);
        without_domain.extend(lowered.without_domain);
        domains.extend(lowered.domains.into_iter().map(|domain| (stack.env(), domain)));
        environments.push((stack.env(), lowered.resources));
        for warning in lowered.warnings {
            bundle.warn(warning);
        }
    }
    let mut program = program(project, options, &environments, uses_image_tag, uses_public_host);
    let names: Vec<&str> = environments.iter().map(|(env, _)| env.name()).collect();
    let mut notes = HeaderNotes::new("railway", names.join(", "));
    // `preserve()` keeps what is set on the service (npm `railway` 3.11), and a service the apply
    // creates has nothing set.
    if !preserved.is_empty() {
        notes.require(
            Need::Secret,
            "Secrets read by one service are preserve(): set each below on its service (its Variables tab) right after the first apply, which creates the service without them."
                .into(),
        );
        notes.require_all(
            Need::Secret,
            preserved.iter().map(|(at, (envs, hint))| {
                let envs: Vec<&str> = envs.iter().map(|env| env.name()).collect();
                format!("Service variable {at} ({}): {hint}", envs.join(", "))
            }),
        );
    }
    // `ctx.shared.NAME` "points at an existing shared variable on the environment; it does not
    // define or manage the shared variable itself"
    // (<https://docs.railway.com/infrastructure-as-code/reference#environment-variables>): the
    // CLI writes `${{shared.NAME}}` into the service's variable without looking it up (CLI
    // 5.63.1, `src/iac/compiler.rs`), and shared variables are set per environment in Project
    // Settings › Shared Variables (<https://docs.railway.com/variables#shared-variables>).
    if !shared.is_empty() {
        let deployed_by_workflow = project.pipeline().is_some_and(|p| p.target == stack_dsl::DeployTarget::Railway);
        notes.require(
            Need::Secret,
            format!(
                "Before the first `railway config apply` in an environment, create there each shared variable below (Project Settings › Shared Variables: choose the environment, enter the name and its value, Add). The program reads each as ctx.shared.NAME, a reference to a shared variable that neither the program nor the apply creates or checks: a service whose shared variable is missing starts without that value{}.",
                if deployed_by_workflow { ", and the deploy workflow stops after applying, naming each one unset" } else { "" }
            ),
        );
        notes.require_all(
            Need::Secret,
            shared.iter().map(|(name, (envs, hint))| {
                let envs: Vec<&str> = envs.iter().map(|env| env.name()).collect();
                format!("Shared variable {name} ({}): {hint}", envs.join(", "))
            }),
        );
    }
    notes.require_all(Need::Secret, first_start);
    if !built_from_repository.is_empty() {
        notes.require(Need::Platform, format!(
            "Before the first deploy: Railway builds {} from this repository, which the program cannot name; connect it to each of them (Settings > Source > Connect Repo) or deploy each with `railway up --service <name>`.",
            joined(&built_from_repository)
        ));
    }
    if uses_image_tag {
        // A package the pipeline pushes is private until someone makes it public
        // (<https://docs.github.com/en/packages/learn-github-packages/configuring-a-packages-access-control-and-visibility>),
        // and Railway pulls a private image only with the registry credentials set on the
        // service, a Pro plan feature; for ghcr.io a personal access token with `read:packages`
        // (<https://docs.railway.com/guides/private-registries>).
        let registry = project.pipeline().map_or_else(String::new, |p| match p.registry.named() {
            Some(namespace) => namespace.to_string(),
            None => format!("{}/<repository owner>", p.registry.host()),
        });
        notes.require(Need::Registry, format!(
            "Before the first deploy: Railway pulls the built images from {registry}, whose packages are private when first pushed: make each package public (Package settings > Change visibility), or give each service that runs one the registry's credentials in Settings › Source › Registry Credentials; for ghcr.io a GitHub personal access token with `read:packages` in the GitHub Access Token field; private registry credentials need the Pro plan."
        ));
    }
    if let Some(previews) = project.previews() {
        notes.require(Need::Platform, format!(
            "Pull-request previews: turn on PR environments (Project Settings > Environments) with {0} as the base environment; any environment this program does not name gets {0}'s values.",
            previews.from
        ));
    }
    if !without_domain.is_empty() {
        notes.require(Need::Dns, format!(
            "Public without a domain of their own: {}; Railway gives them no address until one is generated (Settings > Networking > Generate Domain) or a custom domain is added.",
            joined(&without_domain)
        ));
    }
    if crate::public_origin::piped(project, "railway") {
        if !domains.is_empty() {
            notes.push(
                "Custom domains are not in this program: `railway config apply` refuses a domain that is not already attached. The deploy workflow attaches each; applying by hand, run each command below once, then point the host's DNS at the records Railway shows for it:".into(),
            );
        }
    } else {
        notes.require(Need::Platform, manual_order(&names, &public_hosts, !domains.is_empty(), &baked));
    }
    if !domains.is_empty() {
        notes.require_all(
            Need::Dns,
            domains.iter().map(|(env, domain)| {
                let host = crate::public_origin::host_for_people(
                    crate::public_origin::piped(project, "railway"),
                    *env,
                    &domain.service,
                    &domain.host,
                );
                format!("{env}: {}", CustomDomain { host, ..domain.clone() }.command())
            }),
        );
    }
    let comments: String = notes.lines().iter().map(|line| format!("// {line}\n")).collect();
    let at = program.find("import ").unwrap_or(0);
    program.insert_str(at, &comments);
    bundle.add(RAILWAY_PROGRAM, program);
    bundle.require(notes.into_prerequisites());
    // The SDK the program imports, installed with `npm ci` before it runs (by hand, or by the
    // deploy workflow when the pipeline deploys to Railway).
    bundle.add(sdk::PACKAGE_JSON_PATH, sdk::PACKAGE_JSON);
    bundle.add(sdk::PACKAGE_LOCK_PATH, sdk::PACKAGE_LOCK);
    Ok(bundle)
}

type PerEnv = Vec<(Env, IndexMap<Key, Resource>)>;

/// How a person applies the program when no pipeline deploys to Railway, in order: what to
/// export (the environment, and the real host of each placeholder the program reads), the apply,
/// the custom domains (a service exists only after the first apply), DNS, and a redeploy of each
/// service whose build baked a public host in.
fn manual_order(
    envs: &[&str],
    public_hosts: &indexmap::IndexSet<String>,
    domains: bool,
    baked: &indexmap::IndexSet<String>,
) -> String {
    let mut exports = vec![format!("{ENVIRONMENT_VARIABLE}=<{}>", envs.join("|"))];
    exports.extend(public_hosts.iter().map(|v| format!("{v}=<its real host in that environment>")));
    let mut steps = vec![
        format!("export {}", exports.join(" ")),
        "`railway config apply` (the first one creates the services)".to_string(),
    ];
    if domains {
        steps.push("run each `railway domain` command below once, in its environment".into());
        steps.push("point each host's DNS at the records Railway shows for it".into());
    }
    if !baked.is_empty() {
        steps.push(format!(
            "redeploy {} (`railway redeploy --service <name>`): Railway hands their variables, a public host among them, to their builds as build arguments, and a build that bakes one in must run with the host attached",
            joined(baked)
        ));
    }
    let numbered: Vec<String> = steps.iter().enumerate().map(|(i, s)| format!("{}. {s}", i + 1)).collect();
    format!("No pipeline deploys this program; apply it by hand, in this order: {}.", numbered.join("; "))
}

/// A custom domain of a service: `host`, routed to `port` (Railway's target port).
///
/// `railway config apply` cannot register one: a domain the program names that is not already
/// attached is an error ("Custom-domain registration is not supported by Railway configuration.
/// Add `<domain>` in the dashboard", Railway CLI 5.63.1, `src/iac/change_set.rs`), so a first deploy
/// would fail. Attached domains are left out of the configuration diff altogether (same file:
/// `customDomains` is removed before comparing), so the program leaves them out and the CLI's
/// `railway domain <host> --service <name> --port <port>` (`src/commands/domain.rs`) attaches
/// them once the service exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomDomain {
    /// The service it routes to.
    pub service: String,
    /// The host name.
    pub host: String,
    /// The port it routes to, where the platform takes one.
    pub port: Option<u16>,
}

impl CustomDomain {
    /// The CLI command that attaches it (in the linked environment).
    pub fn command(&self) -> String {
        let port = self.port.map(|p| format!(" --port {p}")).unwrap_or_default();
        format!("railway domain {} --service {}{port}", self.host, self.service)
    }
}

/// The custom domains of `stack` on Railway, which the deploy workflow attaches.
pub fn custom_domains(project: &ValidProject, stack: &stack_dsl::ValidStack) -> Result<Vec<CustomDomain>, Error> {
    Ok(lower::lower(project, stack)?.domains)
}

/// The secrets of `stack` that the Railway program preserves: each must be set on its service
/// before it runs (a service the apply creates has none).
pub fn preserved_secrets(project: &ValidProject, stack: &stack_dsl::ValidStack) -> Result<Vec<SecretRead>, Error> {
    Ok(lower::lower(project, stack)?.preserved)
}

/// The shared variables the Railway program reads in `stack`'s environment, each with the first
/// service reading it and the variable it reads it as: each must be set in the environment.
pub fn shared_variables(project: &ValidProject, stack: &stack_dsl::ValidStack) -> Result<Vec<SecretRead>, Error> {
    Ok(lower::lower(project, stack)?.shared)
}

/// `a, b, c`.
fn joined(names: &indexmap::IndexSet<String>) -> String {
    names.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
}

fn program(
    project: &ValidProject,
    options: &Options,
    environments: &PerEnv,
    uses_image_tag: bool,
    uses_public_host: bool,
) -> String {
    let names: Vec<&str> = environments.iter().map(|(env, _)| env.name()).collect();
    let mut out = format!(
        "// @generated by Stackwright from stack {}. Do not edit.\n// Regenerate with: {}\n// Environments: {} (development runs locally with Compose).\n",
        project.name(),
        crate::regenerate::command(project, options, &[]),
        names.join(", ")
    );
    out.push_str(&format!("import {{ {} }} from \"railway/iac\";\n\n", IMPORTS.join(", ")));
    if uses_image_tag {
        out.push_str(&format!(
            "// Built services run the image the pipeline pushed, at the commit tag the deploy workflow sets in\n// IMAGE_TAG; applied without it, at the environment's tag ({}), which the\n// pipeline moves to each image it deploys there (the header says how Railway may pull them).\nconst {IMAGE_TAG_CONSTANT}: string | undefined = process.env.IMAGE_TAG;\n\n",
            names.join(", "),
        ));
    }
    let named: Vec<Env> = environments.iter().map(|(env, _)| *env).collect();
    let choice = Environments::new(named, project.previews().map(|p| p.from));
    // Who sets the program's inputs: the deploy workflow, or the person applying it by hand.
    let piped = crate::public_origin::piped(project, "railway");
    let by_hand = "no workflow deploys here: set it before applying, as the header's order says";
    let environment_set_by = if piped { "set by the deploy workflow; set it when applying by hand" } else { by_hand };
    out.push_str(&environment_guard(&names, choice.takes_unlisted(), environment_set_by));
    if uses_public_host {
        let host_set_by = match piped {
            true => "the deploy workflow sets it from vars.PUBLIC_HOST_<SERVICE>_<ENV>; set it when applying by hand",
            false => by_hand,
        };
        out.push_str(&public_host_function(host_set_by));
    }
    out.push_str(&format!(
        "export default defineRailway((given) => {{\n  const ctx = createRailwayContext({{ environment: {ENVIRONMENT_OF}(given.environment) }});\n"
    ));
    // Every resource of any environment, in first-seen order, and the constant holding each.
    let order: indexmap::IndexSet<&Key> = environments.iter().flat_map(|(_, resources)| resources.keys()).collect();
    let taken: Vec<&str> = IMPORTS
        .iter()
        .copied()
        .chain([IMAGE_TAG_CONSTANT, ENVIRONMENTS, ENVIRONMENT_OF, PUBLIC_HOST_FUNCTION])
        .collect();
    let ids = Identifiers::new(order.iter().copied(), &taken);
    let mut listed = Vec::new();
    for key in order {
        let present: Vec<(Env, &Resource)> =
            environments.iter().filter_map(|(env, r)| r.get(key).map(|res| (*env, res))).collect();
        let first = present[0].1;
        let mut config: Vec<Entry> = Vec::new();
        for field in union(present.iter().map(|(_, r)| &r.config)) {
            let per_env: Vec<(Env, Ts)> =
                present.iter().map(|(env, r)| (*env, r.config.get(field).cloned().unwrap_or(Ts::Undefined))).collect();
            config.push(Entry::Field(field.clone(), choice.choose(per_env)));
        }
        let env = variables(&choice, &present);
        if !env.is_empty() {
            config.push(Entry::Field("env".into(), Ts::Object(env)));
        }
        let mut args = vec![Ts::str(&first.name)];
        if !config.is_empty() {
            args.push(Ts::Object(config));
        }
        let call = Ts::Call(first.function.into(), args);
        let constant = ids.get(key);
        out.push_str(&format!("  const {constant} = {};\n", call.print(1, &ids)));
        let everywhere = present.len() == environments.len();
        listed.push(if everywhere {
            Ts::Ref(key.clone(), String::new())
        } else {
            let only: Vec<Env> = present.iter().map(|(env, _)| *env).collect();
            Ts::Spread(Box::new(Ts::If(
                choice.condition(&only),
                Box::new(Ts::Raw(format!("[{constant}]"))),
                Box::new(Ts::Raw("[]".into())),
            )))
        });
    }
    let definition = Ts::Object(vec![Entry::Field("resources".into(), Ts::Array(listed))]);
    out.push_str(&format!("\n  return project({}, {});\n}});\n", ts::quote(project.name()), definition.print(1, &ids)));
    out
}

/// The program's function that spells the public host of a service whose route host is a
/// placeholder.
pub const PUBLIC_HOST_FUNCTION: &str = "publicHost";

/// The function that spells the public host of a service whose route host is a placeholder: the
/// real host the deploy workflow hands over in `PUBLIC_HOST_<SERVICE>` (from the repository
/// variable it attaches as the custom domain), else Railway's reference to the service's public
/// domain, "the public service or customer domain" (<https://docs.railway.com/reference/variables>),
/// which is empty until a domain is generated or attached.
fn public_host_function(who_sets: &str) -> String {
    format!(
        r#"// The public host of a service whose route host in the stack is a placeholder: PUBLIC_HOST_<SERVICE>
// ({who_sets}),
// else Railway's reference to the service's public domain, which is empty until a domain is
// generated or attached: apply again once it is. A value compiled into an image when it is built
// (NEXT_PUBLIC_API_URL, VITE_API_URL) keeps the host it was built with: build it again once the
// domain exists.
function {PUBLIC_HOST_FUNCTION}(variable: string, service: string): string {{
  return process.env[variable] || "${{{{" + service + ".RAILWAY_PUBLIC_DOMAIN}}}}";
}}

"#
    )
}

/// The variable that names the environment the program is applied to, when the context does not.
pub const ENVIRONMENT_VARIABLE: &str = "DEPLOY_ENVIRONMENT";

/// The program's constant listing its environments, and its function that picks the one applied.
const ENVIRONMENTS: &str = "environments";
const ENVIRONMENT_OF: &str = "environmentOf";

/// The function that names the environment the program is applied to. `railway config apply`
/// (CLI 5.63.1) passes the program the name of the linked environment, which in the pipeline
/// is the project token's environment; older CLIs (5.43) passed an empty context, where
/// `ctx.environment` was `undefined` and every choice fell to its last branch. The program
/// therefore also reads [`ENVIRONMENT_VARIABLE`] (the deploy workflow sets it): when both name
/// one they must agree, so a token of another environment never receives this one's values,
/// and a program that knows neither stops. `createRailwayContext` then builds the full context
/// (`shared` included) as the SDK does (`railway` 3.11, `dist/iac/index.d.ts`).
fn environment_guard(names: &[&str], takes_unlisted: bool, who_sets: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|name| ts::quote(name)).collect();
    // With pull-request previews, Railway's PR environments have names of their own.
    let unknown = if takes_unlisted { "" } else { &format!(" || !{ENVIRONMENTS}.includes(environment)") };
    format!(
        r#"// `railway config apply` (CLI 5.63.1) names the linked environment (the project token's) in
// the context; {ENVIRONMENT_VARIABLE} ({who_sets})
// must agree, and a program told neither stops here, before another environment's values are
// applied.
const {ENVIRONMENTS}: string[] = [{list}];
function {ENVIRONMENT_OF}(given: string | undefined): string {{
  const named = process.env.{ENVIRONMENT_VARIABLE};
  if (given && named && given !== named) {{
    throw new Error(`Railway applies environment ${{given}}, but {ENVIRONMENT_VARIABLE} is ${{named}}.`);
  }}
  const environment = given || named;
  if (!environment{unknown}) {{
    throw new Error(`Set {ENVIRONMENT_VARIABLE} to the environment this applies to, one of ${{{ENVIRONMENTS}.join(", ")}} (it is ${{environment || "unset"}}).`);
  }}
  return environment;
}}

"#,
        list = quoted.join(", ")
    )
}

/// One variable object for a service present in several environments.
fn variables(choice: &Environments, present: &[(Env, &Resource)]) -> Vec<Entry> {
    union(present.iter().map(|(_, r)| &r.env))
        .into_iter()
        .map(|key| {
            let having: Vec<(Env, Ts)> =
                present.iter().filter_map(|(env, r)| r.env.get(key).map(|v| (*env, v.clone()))).collect();
            if having.len() == present.len() {
                Entry::Field(key.clone(), choice.choose(having))
            } else {
                // A variable that only some environments set is spread in conditionally, since
                // a variable's value cannot be `undefined`.
                let only: Vec<Env> = having.iter().map(|(env, _)| *env).collect();
                let value = choice.choose(having);
                let object = Ts::Object(vec![Entry::Field(key.clone(), value)]);
                Entry::Spread(Ts::If(choice.condition(&only), Box::new(object), Box::new(Ts::Object(Vec::new()))))
            }
        })
        .collect()
}

/// The keys of several maps, in first-seen order.
fn union<'a>(maps: impl Iterator<Item = &'a IndexMap<String, Ts>>) -> indexmap::IndexSet<&'a String> {
    maps.flat_map(IndexMap::keys).collect()
}

/// The variables each database that runs its image reads on its first start, which must all
/// be set in one staged change before it first deploys: Railway deploys each applied change,
/// and a first start without them all initialises the volume without them (MySQL refuses to
/// start without a root password and creates its user only when `MYSQL_USER` and
/// `MYSQL_PASSWORD` are both set: <https://hub.docker.com/_/mysql>, "Environment Variables").
fn first_deploy_variables(stack: &stack_dsl::ValidStack) -> Vec<String> {
    stack
        .services()
        .filter(|s| RAILWAY.runs_datastore_image(s))
        .filter_map(|service| {
            let variables: Vec<&str> =
                crate::first_start::keys(service).into_iter().flat_map(|key| key.variables).collect();
            (!variables.is_empty()).then(|| {
                format!(
                    "Before {}'s first deploy, set {} in one staged change (Railway deploys each change, and the image reads them only on its first start, on an empty volume).",
                    service.name,
                    variables.join(" and ")
                )
            })
        })
        .collect()
}
