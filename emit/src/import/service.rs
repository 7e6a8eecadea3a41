//! One Compose service as a `Service` expression: every key either mapped onto the model (with
//! a comment where that took a decision), listed as left out, or reported as a mistake.

use super::argv;
use super::context::Context;
use super::datastore;
use super::env_file;
use super::environment::{self, env_method};
use super::healthcheck;
use super::interpolate::{self, Piece};
use super::keys;
use super::merge::key_values;
use super::ports;
use super::quantities;
use super::rust::{Expr, Method};
use super::storage;
use super::tree::{Node, Value};

/// Reads an env file named by a compose file: `(compose file, path as written)` to its text.
pub type ReadEnvFile<'a> = &'a dyn Fn(&str, &str) -> std::io::Result<String>;

/// A mapped service and the services it refers to (by Compose name), which the module declares
/// before it.
pub struct Mapped {
    /// The `Service` expression.
    pub expr: Expr,
    /// Services it depends on or refers to.
    pub needs: Vec<String>,
    /// A comment on the whole service: a rename, or why it became a job.
    pub comment: Option<String>,
}

/// Map the service `name` (its Compose name), defined by `node`.
pub fn map(
    cx: &mut Context,
    name: &str,
    node: &Node,
    build_tag: Option<String>,
    read: ReadEnvFile<'_>,
) -> Option<Mapped> {
    let Some(entries) = node.map() else {
        cx.error(
            node,
            format!("service {name} is {}, not a mapping", node.kind()),
            "Describe the service as a mapping (image:, ports:, …)",
        );
        return None;
    };
    cx.referred.clear();
    for (key, value) in entries {
        if keys::SERVICE_MAPPED.contains(&key.as_str()) {
            continue;
        }
        if key.starts_with("x-") {
            cx.leave_out(value, format!("service {name}: the extension `{key}`"), "Extensions are for Compose only");
        } else if key == "extends" {
            cx.error(
                value,
                format!("service {name} uses `extends`, which the import does not follow"),
                "Inline the base service's keys (or pass its file first as a base file)",
            );
        } else if let Some(fix) = keys::left_out(key) {
            cx.leave_out(value, format!("service {name}: `{key}`"), fix);
        } else {
            cx.error(
                value,
                format!("service {name}: `{key}` is not a Compose service key"),
                "Check the spelling against https://docs.docker.com/reference/compose-file/services/",
            );
        }
    }
    let info = cx.services.get(name).cloned()?;
    let mut methods: Vec<Method> = Vec::new();
    let image = image(cx, name, node, build_tag)?;
    let constructor = if info.job { "Service::job" } else { "Service::new" };
    let mut notes = Vec::new();
    if info.name != name {
        notes.push(format!(
            "{name:?} renamed {:?}: service names are DNS-1123 labels; other services reach it by the new name",
            info.name
        ));
    }
    if info.job {
        notes.push("a one-shot job: another service waits for it to complete".to_string());
    }

    for key in ["entrypoint", "command"] {
        if let Some(value) = node.get(key)
            && let Some((words, comment)) = argv_of(cx, value)
        {
            let method = Method::new(key, vec![Expr::Array(words.into_iter().map(Expr::Str).collect())]);
            methods.push(match comment {
                Some(c) => method.comment(c),
                None => method,
            });
        }
    }

    let specs = ports::read(cx, node.get("ports"), node.get("expose"));
    if let Some(engine) = info.engine.filter(|_| specs.is_empty()) {
        let port = Expr::Call("Port::tcp", vec![Expr::Int(engine.default_port().into())]);
        methods.push(
            Method::new("port", vec![port])
                .comment("the engine's port, declared so that other services can refer to it"),
        );
    }
    for spec in specs {
        methods.push(ports::method(&spec, info.engine.is_some()));
    }

    let env = variables(cx, name, node, read);
    let mut password = None;
    for (key, value) in &env {
        if let Some(mapped) = environment::value(cx, key, value) {
            if info.engine.and_then(|e| datastore::password_variable(e, &env)) == Some(key.as_str())
                && matches!(mapped.value, Expr::Ref(_))
            {
                password = Some(mapped.value.clone());
            }
            methods.push(env_method(key, mapped));
        }
    }

    methods.extend(storage::methods(cx, node.get("volumes"), node.get("tmpfs")));
    methods.extend(networks(cx, name, node.get("networks")));
    let socket_client = info.engine.and_then(|engine| {
        let test = node.get("healthcheck").and_then(|h| h.get("test"));
        let words: Vec<&str> = match test.map(|t| &t.value) {
            Some(Value::Scalar(line)) => line.split_whitespace().collect(),
            Some(Value::Seq(items)) => items.iter().filter_map(Node::scalar).flat_map(str::split_whitespace).collect(),
            _ => Vec::new(),
        };
        engine.socket_only_client(&words)
    });
    let socket_check = socket_client.is_some();
    if !socket_check && let Some(check) = node.get("healthcheck").and_then(|h| healthcheck::method(cx, h)) {
        methods.push(check);
    }
    let dependencies = depends_on(cx, name, node.get("depends_on"));
    let upstreams: Vec<Expr> = dependencies.iter().map(|m| m.args[0].clone()).collect();
    methods.extend(dependencies);
    if let Some(role) = role(cx, name, node, upstreams) {
        methods.push(role);
    }
    if let Some(restart) = node.get("restart")
        && let Some(method) = restart_method(cx, restart, info.job)
    {
        methods.push(method);
    }
    methods.extend(deploy(cx, name, node));
    for (key, value) in node.get("labels").map(|l| key_values(l).unwrap_or_default()).unwrap_or_default() {
        let text = value.scalar().unwrap_or_default();
        match interpolate::parse(text).ok().and_then(|p| interpolate::with_defaults(&p)) {
            Some(text) => methods.push(Method::new("label", vec![Expr::str(&key), Expr::str(text)])),
            None => cx.leave_out(
                &value,
                format!("service {name}: label {key} is built from a variable without a default"),
                "Write the label's value, or build it in Rust from the environment",
            ),
        }
    }
    if let Some(user) = node.get("user").and_then(Node::scalar) {
        let named = user.split(':').next().is_some_and(|name| name.parse::<u32>().is_err());
        if named && node.get("build").is_some() {
            // Only the image knows the name's uid, and Kubernetes runs containers by uid: the
            // model refuses a named user of a built image (the image's own USER still applies).
            cx.leave_out(
                node.get("user")?,
                format!("service {name}: user {user:?} of an image built from the repository"),
                "Give .user(uid) the uid the user has in the image: Kubernetes runs containers by uid",
            );
        } else {
            methods.push(user_method(cx, node.get("user")?, user));
        }
    }
    if node.get("read_only").and_then(Node::scalar) == Some("true") {
        methods.push(Method::new("read_only_root", vec![]));
    }
    if let Some(grace) = node.get("stop_grace_period") {
        match grace.scalar().and_then(quantities::seconds) {
            Some(s) => methods.push(Method::new("stop_grace_period", vec![quantities::duration(s)])),
            None => cx.error(grace, "stop_grace_period is not a duration", "Write it like 30s or 1m"),
        }
    }
    if let Some(engine) = info.engine {
        let guessed = match node.get("image").and_then(Node::scalar).map(datastore::recognise) {
            Some(datastore::Recognised::Engine(_, guessed)) => guessed,
            _ => false,
        };
        let identity = info.identity.clone().unwrap_or_else(|| datastore::identity(engine, &env));
        let mut method = datastore::method(engine, guessed, &identity, password);
        if let Some(client) = socket_client {
            let note = format!(
                "the file's {client} asked the Unix socket, which the image's temporary init server answers before TCP is open; the datastore's own check (over TCP) replaces it"
            );
            method.comment = Some(method.comment.map_or(note.clone(), |c| format!("{c}; {note}")));
        }
        methods.push(method);
    }

    let mut expr = Expr::Call(constructor, vec![Expr::str(&info.name), image]);
    for method in methods {
        expr = expr.method(method);
    }
    let mut needs = std::mem::take(&mut cx.referred);
    needs.dedup();
    let comment = (!notes.is_empty()).then(|| notes.join("; "));
    Some(Mapped { expr, needs, comment })
}

/// Reverse proxies and certificate renewers known by their images, which platforms with their
/// own edge (Render, Railway, a Kubernetes Ingress) replace.
const EDGE_IMAGES: &[&str] = &["nginx", "traefik", "caddy", "haproxy", "httpd"];

/// `.edge_proxy_for(…)` for a proxy image publishing 80 or 443 in front of the services it
/// depends on, `.certificate_renewal()` for certbot.
fn role(cx: &mut Context, name: &str, node: &Node, upstreams: Vec<Expr>) -> Option<Method> {
    let image = node.get("image").and_then(Node::scalar)?;
    let repository =
        image.split(['@', ':']).next().unwrap_or(image).trim_start_matches("docker.io/").trim_start_matches("library/");
    if repository == "certbot/certbot" {
        return Some(
            Method::new("certificate_renewal", vec![])
                .comment("certbot, recognised from the image: platforms that issue certificates themselves skip it"),
        );
    }
    let publishes_web = match node.get("ports").map(|p| &p.value) {
        Some(Value::Seq(items)) => {
            items.iter().filter_map(Node::scalar).any(|p| p.ends_with(":80") || p.ends_with(":443"))
        }
        _ => false,
    };
    if !(EDGE_IMAGES.contains(&repository) && publishes_web) || upstreams.is_empty() {
        return None;
    }
    if upstreams.len() > 1 {
        // Which path goes to which upstream is in the proxy's configuration, not the file.
        cx.leave_out(
            node,
            format!("service {name}: a reverse proxy in front of several services, kept as an ordinary service"),
            "Mark it .edge_proxy_for([..]) with an .edge_path(\"/api\", &api) per upstream, as its configuration routes them, so that platforms with their own edge replace it",
        );
        return None;
    }
    Some(
        Method::new("edge_proxy_for", vec![Expr::Array(upstreams)])
            .comment("a reverse proxy on 80/443 in front of what it depends on: Render, Railway and Kubernetes route to it themselves"),
    )
}

/// The image: pulled, or built (`Image::build(context)` with its Dockerfile, target, args, tag).
fn image(cx: &mut Context, name: &str, node: &Node, shared_tag: Option<String>) -> Option<Expr> {
    let image = node.get("image").and_then(Node::scalar).map(|i| substitute(cx, node.get("image").unwrap_or(node), i));
    let Some(build) = node.get("build") else {
        return match image {
            Some(reference) => Some(Expr::Call("Image::new", vec![Expr::str(reference)])),
            None => {
                cx.error(
                    node,
                    format!("service {name} has neither `image` nor `build`"),
                    "Give it an image to pull or a build context",
                );
                None
            }
        };
    };
    let field = |key: &str| build.get(key).and_then(Node::scalar).map(str::to_string);
    let context = match &build.value {
        Value::Scalar(context) => context.clone(),
        Value::Map(_) => field("context").unwrap_or_else(|| ".".into()),
        _ => {
            cx.error(
                build,
                format!("`build` is {}", build.kind()),
                "Write the context directory, or a mapping with context:",
            );
            return None;
        }
    };
    let mut expr = Expr::Call(
        "Image::build",
        vec![Expr::str(context.trim_start_matches("./").trim_end_matches('/').to_string()).max_dot()],
    );
    if let Some(dockerfile) = field("dockerfile") {
        expr = expr.call("dockerfile", vec![Expr::str(dockerfile)]);
    }
    if let Some(target) = field("target") {
        expr = expr.call("target", vec![Expr::str(target)]);
    }
    for (key, value) in build.get("args").map(|a| key_values(a).unwrap_or_default()).unwrap_or_default() {
        let text = value.scalar().unwrap_or_default();
        if stack_dsl::looks_secret(&key) {
            cx.leave_out(
                &value,
                format!("service {name}: build argument {key} looks secret"),
                "Never pass secrets as build arguments (they stay in the image history); use a BuildKit secret",
            );
            continue;
        }
        match interpolate::parse(text).ok().and_then(|p| interpolate::with_defaults(&p)) {
            Some(text) => expr = expr.call("arg", vec![Expr::str(key), Expr::str(text)]),
            None => cx.leave_out(
                &value,
                format!("service {name}: build argument {key} comes from a variable without a default"),
                "Write its value, or set it in the Dockerfile",
            ),
        }
    }
    for key in [
        "ssh",
        "secrets",
        "cache_from",
        "cache_to",
        "platforms",
        "network",
        "extra_hosts",
        "labels",
        "shm_size",
        "additional_contexts",
        "tags",
        "no_cache",
        "pull",
    ] {
        if let Some(value) = build.get(key) {
            cx.leave_out(
                value,
                format!("service {name}: build `{key}`"),
                "The pipeline builds images its own way; set it in the Dockerfile if it matters",
            );
        }
    }
    let tag = image.as_deref().map(without_tag).or(shared_tag);
    if let Some(tag) = tag {
        let mut method = Method::new("tag", vec![Expr::str(&tag)]);
        if image.as_deref().is_some_and(|i| i != tag) {
            method = method.comment(format!(
                "was {:?}: the tag is chosen per build (the commit SHA in the pipeline)",
                image.unwrap_or_default()
            ));
        }
        expr = expr.method(method);
    }
    Some(expr)
}

trait DotContext {
    fn max_dot(self) -> Expr;
}

impl DotContext for Expr {
    /// `.` for the repository root when the context was `./`.
    fn max_dot(self) -> Expr {
        match self {
            Expr::Str(s) if s.is_empty() => Expr::str("."),
            other => other,
        }
    }
}

/// An image reference without its tag (a registry port stays).
fn without_tag(image: &str) -> String {
    let image = image.split('@').next().unwrap_or(image);
    match image.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => repository.to_string(),
        _ => image.to_string(),
    }
}

/// Interpolated text with the defaults applied; a variable without one is dropped and reported.
fn substitute(cx: &mut Context, node: &Node, text: &str) -> String {
    let pieces = interpolate::parse(text).unwrap_or_default();
    if let Some(with) = interpolate::with_defaults(&pieces) {
        if pieces.iter().any(|p| matches!(p, Piece::Var(_))) {
            cx.leave_out(
                node,
                format!("{text:?}: the defaults of its variables are written in"),
                "Build the value in Rust from the environment if it varies",
            );
        }
        return with;
    }
    cx.leave_out(node, format!("{text:?} uses a variable without a default, dropped"), "Write the value");
    let kept: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.clone(),
            Piece::Var(v) => v.default.clone().unwrap_or_default(),
        })
        .collect();
    kept.trim_end_matches(':').to_string()
}

/// A command or entrypoint as argv, with a comment when variables in it are written literally.
fn argv_of(cx: &mut Context, node: &Node) -> Option<(Vec<String>, Option<String>)> {
    let raw: Vec<String> = match &node.value {
        Value::Scalar(line) => match argv::split(line) {
            Some(words) => words,
            None => {
                cx.error(node, "the command has an unclosed quote", "Close the quote, or write the command as a list");
                return None;
            }
        },
        Value::Seq(items) => items.iter().map(|i| i.scalar().unwrap_or_default().to_string()).collect(),
        Value::Null => return None,
        Value::Map(_) => {
            cx.error(node, "a command is a mapping", "Write it as a string or a list");
            return None;
        }
    };
    let mut variables = Vec::new();
    let words = raw
        .iter()
        .map(|word| match interpolate::parse(word) {
            Ok(pieces) => {
                let (text, names) = interpolate::as_written(&pieces);
                variables.extend(names);
                text
            }
            Err(_) => word.clone(),
        })
        .collect();
    let comment = (!variables.is_empty()).then(|| {
        format!(
            "{} kept as written: a shell in the container expands it from its environment, Compose no longer substitutes it",
            variables.iter().map(|v| format!("${{{v}}}")).collect::<Vec<_>>().join(", ")
        )
    });
    if let Some(c) = &comment {
        cx.left_out.push(node.problem(
            format!("a command uses {}", c.split(" kept").next().unwrap_or_default()),
            "Check that the command runs through a shell, or pass the value as an environment variable",
        ));
    }
    Some((words, comment))
}

/// `env_file` entries first, then `environment`, which overrides them (Compose's precedence).
pub(super) fn variables(cx: &mut Context, name: &str, node: &Node, read: ReadEnvFile<'_>) -> Vec<(String, Node)> {
    let mut env: Vec<(String, Node)> = Vec::new();
    let files: Vec<(&Node, String, bool)> = match node.get("env_file").map(|f| &f.value) {
        Some(Value::Scalar(path)) => node.get("env_file").map(|at| (at, path.clone(), true)).into_iter().collect(),
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(|i| match &i.value {
                Value::Scalar(path) => Some((i, path.clone(), true)),
                Value::Map(_) => Some((
                    i,
                    i.get("path")?.scalar()?.to_string(),
                    i.get("required").and_then(Node::scalar) != Some("false"),
                )),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for (at, path, required) in files {
        match read(&at.file, &path) {
            Ok(text) => match env_file::parse(&path, &text) {
                Ok(entries) => {
                    for (key, value) in entries {
                        env.retain(|(k, _)| *k != key);
                        env.push((key, value));
                    }
                }
                Err((line, message)) => {
                    cx.errors.push(super::problem::Problem::at(&path, line, message, "Write one KEY=VALUE per line"))
                }
            },
            Err(_) if !required => {}
            Err(error) => cx.error(
                at,
                format!("service {name}: env_file {path:?} cannot be read ({error})"),
                "Create the file (docker compose needs it too), or mark it `required: false`",
            ),
        }
    }
    if let Some(environment) = node.get("environment") {
        match key_values(environment) {
            Ok(entries) => {
                for (key, value) in entries {
                    env.retain(|(k, _)| *k != key);
                    env.push((key, value));
                }
            }
            Err(problem) => cx.errors.push(problem),
        }
    }
    env
}

fn networks(cx: &mut Context, name: &str, node: Option<&Node>) -> Vec<Method> {
    let names: Vec<(String, &Node)> = match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().filter_map(|i| Some((i.scalar()?.to_string(), i))).collect(),
        Some(Value::Map(entries)) => entries
            .iter()
            .map(|(k, v)| {
                if let Some(settings) = v.map().filter(|m| !m.is_empty()) {
                    let keys: Vec<&str> = settings.iter().map(|(k, _)| k.as_str()).collect();
                    cx.leave_out(
                        v,
                        format!("service {name}: network {k} settings ({})", keys.join(", ")),
                        "Services reach each other by service name; drop aliases and fixed addresses",
                    );
                }
                (k.clone(), v)
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut methods = Vec::new();
    for (network, at) in names {
        if network == "default" && !cx.networks.contains_key("default") {
            cx.leave_out(
                at,
                format!("service {name}: the `default` network next to others"),
                "Declare a network for what `default` connected and join it",
            );
            continue;
        }
        match cx.networks.get_mut(&network) {
            Some(declared) => {
                declared.used = true;
                methods.push(Method::new("network", vec![Expr::Ref(declared.ident.clone())]));
            }
            None => cx.error(
                at,
                format!("service {name} joins network {network:?}, which the file does not declare"),
                format!("Declare it under the top-level `networks:` ({network}: {{}})"),
            ),
        }
    }
    methods
}

fn depends_on(cx: &mut Context, name: &str, node: Option<&Node>) -> Vec<Method> {
    let entries: Vec<(String, &Node, Option<&Node>)> = match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().filter_map(|i| Some((i.scalar()?.to_string(), i, None))).collect(),
        Some(Value::Map(entries)) => entries.iter().map(|(k, v)| (k.clone(), v, Some(v))).collect(),
        _ => Vec::new(),
    };
    let mut methods = Vec::new();
    for (dependency, at, settings) in entries {
        let condition = settings.and_then(|s| s.get("condition")).and_then(Node::scalar).unwrap_or("service_started");
        let ready = match condition {
            "service_started" => "Ready::Started",
            "service_healthy" => "Ready::Healthy",
            "service_completed_successfully" => "Ready::Completed",
            other => {
                cx.error(
                    at,
                    format!("service {name}: depends_on condition {other:?}"),
                    "Use service_started, service_healthy or service_completed_successfully",
                );
                continue;
            }
        };
        for key in ["required", "restart"] {
            if let Some(v) = settings.and_then(|s| s.get(key)) {
                cx.leave_out(
                    v,
                    format!("service {name}: depends_on {dependency} `{key}`"),
                    "Dependencies are always required and never restart their dependents",
                );
            }
        }
        match cx.refer(&dependency) {
            Some(ident) => methods.push(Method::new("depends_on", vec![Expr::Ref(ident), Expr::Path(ready)])),
            None => cx.error(
                at,
                format!("service {name} depends on {dependency:?}, which the file does not define"),
                "Define that service, or remove the dependency",
            ),
        }
    }
    methods
}

fn restart_method(cx: &mut Context, node: &Node, job: bool) -> Option<Method> {
    let text = node.scalar().unwrap_or_default();
    let (policy, comment) = match text.split(':').next().unwrap_or_default() {
        "no" | "false" if job => return None,
        "no" | "false" => ("Restart::Never", None),
        "always" => ("Restart::Always", None),
        "unless-stopped" => ("Restart::UnlessStopped", None),
        "on-failure" => {
            ("Restart::OnFailure", text.contains(':').then(|| format!("was {text:?}: the retry limit is not kept")))
        }
        _ => {
            cx.error(node, format!("restart policy {text:?}"), "Use no, always, on-failure or unless-stopped");
            return None;
        }
    };
    let method = Method::new("restart", vec![Expr::Path(policy)]);
    Some(match comment {
        Some(c) => method.comment(c),
        None => method,
    })
}

/// `deploy` (replicas, resources) and the older `scale`, `cpus`, `mem_limit`, `mem_reservation`.
fn deploy(cx: &mut Context, name: &str, node: &Node) -> Vec<Method> {
    let mut methods = Vec::new();
    let deploy = node.get("deploy");
    let replicas = deploy.and_then(|d| d.get("replicas")).or_else(|| node.get("scale"));
    if let Some(replicas) = replicas {
        match replicas.scalar().and_then(|r| r.parse::<u64>().ok()) {
            Some(n) => methods.push(Method::new("replicas", vec![Expr::Int(n)])),
            None => cx.error(replicas, "replicas is not a whole number", "Write a whole number"),
        }
    }
    if let Some(entries) = deploy.and_then(Node::map) {
        for (key, value) in entries {
            if !matches!(key.as_str(), "replicas" | "resources") {
                cx.leave_out(
                    value,
                    format!("service {name}: deploy.{key}"),
                    "Swarm settings: the targets schedule and update services their own way",
                );
            }
        }
    }
    let resources = deploy.and_then(|d| d.get("resources"));
    let quantity = |section: &str, key: &str, legacy: &str| {
        resources.and_then(|r| r.get(section)).and_then(|s| s.get(key)).or_else(|| node.get(legacy))
    };
    let mut read = |node: Option<&Node>, cpu: bool| -> Option<Expr> {
        let node = node?;
        let text = node.scalar().unwrap_or_default();
        let expr = if cpu { quantities::cpu(text) } else { quantities::memory(text) };
        if expr.is_none() {
            cx.error(
                node,
                format!("{text:?} is not a {}", if cpu { "CPU count" } else { "memory size" }),
                if cpu { "Write a number of CPUs, like 0.5" } else { "Write a size like 512M or 2G" },
            );
        }
        expr
    };
    let (cpu_limit, memory_limit) =
        (read(quantity("limits", "cpus", "cpus"), true), read(quantity("limits", "memory", "mem_limit"), false));
    let (cpu_reserve, memory_reserve) = (
        read(quantity("reservations", "cpus", "-"), true),
        read(quantity("reservations", "memory", "mem_reservation"), false),
    );
    let mut value = Expr::Call("Resources::new", vec![]);
    let mut any = false;
    match (cpu_limit, memory_limit) {
        (Some(cpu), Some(memory)) => value = value.call("limit", vec![cpu, memory]),
        (None, Some(memory)) => value = value.call("limit_memory", vec![memory]),
        (Some(_), None) => cx.leave_out(
            quantity("limits", "cpus", "cpus").unwrap_or(node),
            format!("service {name}: a CPU limit without a memory limit"),
            "Add a memory limit (Resources::limit takes both)",
        ),
        (None, None) => {}
    }
    match (cpu_reserve, memory_reserve) {
        (Some(cpu), Some(memory)) => value = value.call("reserve", vec![cpu, memory]),
        (None, Some(memory)) => value = value.call("reserve_memory", vec![memory]),
        (Some(_), None) => cx.leave_out(
            quantity("reservations", "cpus", "-").unwrap_or(node),
            format!("service {name}: a CPU reservation without a memory reservation"),
            "Add a memory reservation (Resources::reserve takes both)",
        ),
        (None, None) => {}
    }
    if let Expr::Chain(_, calls) = &value {
        any = !calls.is_empty();
    }
    if let Some(devices) = resources.and_then(|r| r.get("reservations")).and_then(|r| r.get("devices")) {
        cx.leave_out(
            devices,
            format!("service {name}: reserved devices (GPUs)"),
            "Patch the generated Compose file on the host that has them",
        );
    }
    if any {
        methods.push(Method::new("resources", vec![value]));
    }
    methods
}

fn user_method(cx: &mut Context, node: &Node, user: &str) -> Method {
    let (name, group) = user.split_once(':').unwrap_or((user, ""));
    let value = match name.parse::<u64>() {
        Ok(uid) if uid <= u32::MAX.into() => Expr::Int(uid),
        _ => Expr::str(name),
    };
    let method = Method::new("user", vec![value]);
    if group.is_empty() {
        method
    } else {
        cx.leave_out(
            node,
            format!("user {user:?}: the group {group:?}"),
            "Set the group in the image (the model sets the user)",
        );
        method.comment(format!("was {user:?}: the group is left to the image"))
    }
}
