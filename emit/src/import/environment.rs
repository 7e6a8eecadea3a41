//! One environment variable of a service as a DSL value: a literal, a declared secret, or a
//! typed reference to another service (its host, URL or database URL).
//!
//! Values are never resolved: a `${VAR}` stays a reference to a deploy-time value, which the
//! model spells as a [`Secret`](stack_dsl::Secret) (its one kind of deploy-time value), and a
//! literal under a name that looks secret (`stack_dsl::looks_secret`) or a URL holding a
//! password is not copied into the module at all.

use super::context::{Context, Engine, ServiceInfo};
use super::datastore::Identity;
use super::interpolate::{self, Piece, Variable};
use super::rust::{Expr, Method};
use super::tree::{Node, Value};
use crate::facts::images::MONGO_AUTH_SOURCE;

/// A variable's value in the module, and the comment explaining the decision behind it.
pub struct Mapped {
    /// The value expression.
    pub value: Expr,
    /// Why it is written this way, when it is not the file's literal.
    pub comment: Option<String>,
}

impl Mapped {
    fn plain(value: Expr) -> Mapped {
        Mapped { value, comment: None }
    }

    fn explained(value: Expr, comment: impl Into<String>) -> Mapped {
        Mapped { value, comment: Some(comment.into()) }
    }
}

/// The value of `key`, given as `node` (null when only the name is listed).
pub fn value(cx: &mut Context, key: &str, node: &Node) -> Option<Mapped> {
    if !stack_dsl::name::is_env_name(key) {
        cx.leave_out(
            node,
            format!("the variable {key:?}: not a name the targets can pass (letters, digits and _)"),
            "Set it in the image or a mounted configuration file",
        );
        return None;
    }
    let text = match &node.value {
        Value::Null => {
            let secret =
                cx.secret(key, Some(format!("{key}, passed through from the shell that ran docker compose.")), true);
            return Some(Mapped::explained(
                Expr::Ref(secret),
                "listed without a value: Compose took it from the shell; now a deploy-time value (optional, as before)",
            ));
        }
        Value::Scalar(text) => text.clone(),
        _ => {
            cx.error(node, format!("the value of {key} is {}", node.kind()), "Give it a string value");
            return None;
        }
    };
    let pieces = match interpolate::parse(&text) {
        Ok(pieces) => pieces,
        Err(message) => {
            cx.error(
                node,
                message,
                "Fix the interpolation (see https://docs.docker.com/reference/compose-file/interpolation/)",
            );
            return None;
        }
    };
    if let Some(variable) = interpolate::whole_variable(&pieces) {
        return Some(variable_value(cx, key, variable));
    }
    let differs = match service_reference(cx, key, &pieces) {
        Some(Ok(reference)) => return Some(reference),
        Some(Err(reason)) => Some(reason),
        None => None,
    };
    let mapped = match interpolate::plain_text(&pieces) {
        Some(literal) if stack_dsl::looks_secret(key) && !literal.is_empty() => {
            let secret = cx.secret(key, None, false);
            Some(Mapped::explained(
                Expr::Ref(secret),
                "a secret by its name: the file's literal value is not copied; supply it at deploy time",
            ))
        }
        Some(literal) if url(&literal).is_some_and(|u| u.password.is_some()) => {
            let secret = cx.secret(key, Some(format!("{key}: a URL with credentials.")), false);
            Some(Mapped::explained(Expr::Ref(secret), "a URL holding a password: not copied; supply it as a secret"))
        }
        Some(literal) if cx.deploy_time.contains(&super::context::secret_name(key)) => {
            let secret = cx.secret(key, None, true);
            Some(Mapped::explained(
                Expr::Ref(secret),
                format!(
                    "{key} is a deploy-time value elsewhere in the file and one name cannot be both; the file gives it {literal:?} here, now to be set at deploy time"
                ),
            ))
        }
        Some(literal) => Some(Mapped::plain(Expr::Str(literal))),
        None => {
            let shown = template(&pieces);
            let optional = pieces.iter().all(|p| !matches!(p, Piece::Var(v) if v.default.is_none()));
            let secret = cx.secret(key, Some(format!("{key}, built in the compose file as {shown}.")), optional);
            Some(Mapped::explained(
                Expr::Ref(secret),
                format!("was {shown}: a value built from variables; supply the whole value at deploy time"),
            ))
        }
    };
    match (mapped, differs) {
        (Some(Mapped { value, comment }), Some(reason)) => {
            let comment = comment.map_or(reason.clone(), |c| format!("{c}; {reason}"));
            Some(Mapped::explained(value, comment))
        }
        (mapped, _) => mapped,
    }
}

/// `${VAR}`, `${VAR:-default}`, `${VAR:?message}` as the deploy-time value `VAR`.
fn variable_value(cx: &mut Context, key: &str, variable: &Variable) -> Mapped {
    let secret_looking = stack_dsl::looks_secret(key) || stack_dsl::looks_secret(&variable.name);
    let (description, optional, comment) = match (&variable.default, &variable.required) {
        (_, Some(message)) => (
            Some(if message.is_empty() {
                format!("{} (required).", variable.name)
            } else {
                format!("{}: {message}", variable.name)
            }),
            false,
            format!("was ${{{}:?…}}: required, as before", variable.name),
        ),
        (Some(default), None) if !secret_looking => (
            Some(format!("{}; the compose file's default was {default:?}.", variable.name)),
            true,
            format!(
                "was ${{{}:-{default}}}: a deploy-time value; the default {default:?} is not applied any more, so \
                 set it or write the literal here",
                variable.name
            ),
        ),
        (Some(_), None) => {
            (None, true, format!("was ${{{}:-…}}: a secret; its default in the file is not copied", variable.name))
        }
        (None, None) => (
            None,
            !secret_looking,
            format!(
                "was ${{{}}}: {}",
                variable.name,
                if secret_looking { "a secret, now required" } else { "a deploy-time value, optional as before" }
            ),
        ),
    };
    let secret = cx.secret(&variable.name, description, optional);
    Mapped::explained(Expr::Ref(secret), comment)
}

/// A value naming another service: its host name (`POSTGRES_SERVER=db`), its database URL
/// (`postgresql://…@db:5432/app`) or another URL of it (`redis://redis:6379/0`); or, for a URL
/// of a datastore that is not the one `database_url()` spells (another user, database, driver
/// scheme or options), why not.
fn service_reference(cx: &mut Context, key: &str, pieces: &[Piece]) -> Option<Result<Mapped, String>> {
    // Variables stand in as placeholders so that a URL with a `${DB_PASSWORD}` still parses.
    let masked: String = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(text) => text.clone(),
            Piece::Var(_) => "VARIABLE".into(),
        })
        .collect();
    let shown = template(pieces);
    let upper = key.to_ascii_uppercase();
    if let Some(service) = cx.service_at(&masked).cloned()
        && ["HOST", "SERVER", "ADDR"].iter().any(|w| upper.contains(w))
    {
        let ident = cx.refer(&masked)?;
        return Some(Ok(Mapped::explained(
            Expr::Var(ident).call("host", vec![]),
            format!("was {shown:?}: the host name of service {}", service.name),
        )));
    }
    let parsed = url(&masked)?;
    let service: ServiceInfo = cx.service_at(parsed.host)?.clone();
    let hidden = if parsed.password.is_some() { " (password hidden)" } else { "" };
    let shown = if parsed.password.is_some() { hide_password(&shown) } else { shown };
    if let (Some(engine), Some(identity)) = (service.engine, &service.identity)
        && engine.needs_user_and_database()
    {
        let written = template(pieces);
        if let Some(reason) = url(&written).and_then(|u| not_its_own(engine, identity, &service, &u)) {
            return Some(Err(format!("not {}.database_url(): {reason}", service.ident.as_str())));
        }
        let ident = cx.refer(parsed.host)?;
        let mut comment = format!("was {shown}{hidden}: the database URL of {}", service.name);
        comment.push_str(match (&identity.user, &identity.password) {
            (Some(_), Some(_)) => ", with its user, database and password secret",
            (Some(_), None) => ", with its user and database",
            _ => ", with its database",
        });
        if parsed.scheme != engine.scheme() {
            comment.push_str(&format!("; the scheme {:?} becomes {:?}, its synonym", parsed.scheme, engine.scheme()));
        }
        return Some(Ok(Mapped::explained(Expr::Var(ident).call("database_url", vec![]), comment)));
    }
    let ident = cx.refer(parsed.host)?;
    let receiver = Expr::Var(ident);
    match (service.engine, parsed.scheme) {
        (Some(Engine::Redis { .. }), "redis" | "rediss") if parsed.password.is_some() => Some(Ok(Mapped::explained(
            receiver.call("database_url", vec![]),
            format!("was {shown}{hidden}: the URL of {}, with its password secret", service.name),
        ))),
        (_, scheme) if parsed.password.is_none() && parsed.user.is_none() => {
            let default_port = match (service.engine, scheme) {
                (Some(e), _) => Some(e.default_port()),
                (None, "http" | "ws") => Some(80),
                (None, "https" | "wss") => Some(443),
                _ => None,
            };
            let port = parsed.port.or(default_port)?;
            if !service.ports.contains(&port) {
                return None;
            }
            let engine_scheme = service.engine.map_or("http", |e| e.scheme());
            let mut value = receiver.call("url", vec![]);
            if scheme != engine_scheme {
                value = value.call("scheme", vec![Expr::str(scheme)]);
            }
            if service.ports.first() != Some(&port) {
                value = value.call("port", vec![Expr::Int(port.into())]);
            }
            if !parsed.path.is_empty() {
                value = value.call("path", vec![Expr::str(parsed.path)]);
            }
            Some(Ok(Mapped { value, comment: Some(format!("was {shown}: a URL of service {}", service.name)) }))
        }
        _ => None,
    }
}

/// Why `written` (the URL with `${VAR}` for each variable) is not the URL `database_url()`
/// spells for the datastore `identity` of `service`, or `None` when it is: the same scheme (or
/// PostgreSQL's synonym `postgres`; a driver's scheme such as `mysql+pymysql` or `mysql2` is
/// the application's choice and stays), user, password, port and database, and no options but
/// MongoDB's `authSource` that the model adds itself.
fn not_its_own(engine: Engine, identity: &Identity, service: &ServiceInfo, written: &Url) -> Option<String> {
    if let Some(reason) = another_login(engine, identity, written) {
        return Some(reason);
    }
    let port = written.port.unwrap_or(engine.default_port());
    if service.ports.first() != Some(&port) {
        return Some(format!("it names port {port}, not the datastore's"));
    }
    let (path, query) = written.path.split_once('?').unwrap_or((written.path, ""));
    let database = path.trim_start_matches('/');
    if Some(database) != identity.database.as_deref() {
        return Some(format!(
            "it names the database {database:?}, the datastore's is {:?}",
            identity.database.as_deref().unwrap_or("")
        ));
    }
    let model_adds = match (engine, &identity.user) {
        (Engine::Mongo { .. }, Some(_)) => format!("authSource={MONGO_AUTH_SOURCE}"),
        _ => String::new(),
    };
    if !query.is_empty() && query != model_adds {
        return Some(format!("its options {query:?} are not in the URL database_url() spells"));
    }
    None
}

/// Why `written` does not log in to the datastore `identity` as `database_url()` would: another
/// scheme (PostgreSQL's synonym `postgres` aside), user or password.
fn another_login(engine: Engine, identity: &Identity, written: &Url) -> Option<String> {
    let synonym = matches!(engine, Engine::Postgres { .. }) && written.scheme == "postgres";
    if written.scheme != engine.scheme() && !synonym {
        return Some(format!(
            "its scheme {:?} is the application's choice of driver, which database_url() would spell {:?}",
            written.scheme,
            engine.scheme()
        ));
    }
    if written.user != identity.user.as_deref() {
        let user = written.user.map_or("no user".to_string(), |u| format!("user {u:?}"));
        let own = identity.user.as_deref().map_or("none".to_string(), |u| format!("{u:?}"));
        return Some(format!("it logs in as {user}, the datastore's user is {own}"));
    }
    let own_password = identity.password.as_deref().and_then(|p| interpolate::parse(p).ok()).map(|p| template(&p));
    if written.password != own_password.as_deref() {
        return Some("its password is not the datastore's password variable".to_string());
    }
    None
}

/// For each datastore whose database the file leaves to the image's default, the one database
/// its clients' URLs (`envs`, every service's variables) name when they log in as its user:
/// the application creates it, so it is the one `database_url()` must name.
pub fn adopt_client_databases(cx: &mut Context, envs: &[Vec<(String, Node)>]) {
    let mut named: indexmap::IndexMap<String, Vec<String>> = indexmap::IndexMap::new();
    for (_, value) in envs.iter().flatten() {
        let Some(pieces) = value.scalar().and_then(|text| interpolate::parse(text).ok()) else { continue };
        let written = template(&pieces);
        let Some(parsed) = url(&written) else { continue };
        let Some(service) = cx.service_at(parsed.host) else { continue };
        let (Some(engine), Some(identity)) = (service.engine, &service.identity) else { continue };
        if identity.database_named
            || !engine.needs_user_and_database()
            || another_login(engine, identity, &parsed).is_some()
        {
            continue;
        }
        let database = parsed.path.split('?').next().unwrap_or_default().trim_start_matches('/');
        if !database.is_empty() {
            let databases = named.entry(service.name.clone()).or_default();
            if !databases.iter().any(|d| d == database) {
                databases.push(database.to_string());
            }
        }
    }
    for (name, databases) in named {
        if let [database] = databases.as_slice()
            && let Some(identity) = cx.services.values_mut().find(|s| s.name == name).and_then(|s| s.identity.as_mut())
        {
            identity.adopt_database(database.clone());
        }
    }
}

/// A URL's parts.
pub struct Url<'a> {
    /// The scheme, such as `postgresql`.
    pub scheme: &'a str,
    /// The user, if given.
    pub user: Option<&'a str>,
    /// The password, if given.
    pub password: Option<&'a str>,
    /// The host.
    pub host: &'a str,
    /// The port, if given.
    pub port: Option<u16>,
    /// Everything after the authority: path, query.
    pub path: &'a str,
}

/// `scheme://[user[:password]@]host[:port][/path]`, or `None`.
pub fn url(text: &str) -> Option<Url<'_>> {
    let (scheme, rest) = text.split_once("://")?;
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
        return None;
    }
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let (user, password) = match userinfo.map(|u| u.split_once(':')) {
        Some(Some((u, p))) => (Some(u), Some(p)),
        Some(None) => (userinfo, None),
        None => (None, None),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse().ok()?)),
        None => (hostport, None),
    };
    if host.is_empty() {
        return None;
    }
    Some(Url { scheme, user, password, host, port, path })
}

/// The interpolated text as written, without the defaults (which may hold values).
fn template(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(text) => text.replace('$', "$$"),
            Piece::Var(v) => format!("${{{}}}", v.name),
        })
        .collect()
}

fn hide_password(text: &str) -> String {
    match url(text) {
        Some(u) if u.password.is_some() => {
            format!(
                "{}://{}:***@{}{}{}",
                u.scheme,
                u.user.unwrap_or(""),
                u.host,
                u.port.map(|p| format!(":{p}")).unwrap_or_default(),
                u.path
            )
        }
        _ => text.into(),
    }
}

/// The literal text of `node`, or the default of the one variable it is: what a datastore's
/// user or database name is set to.
pub fn literal_or_default(node: &Node) -> Option<String> {
    let pieces = interpolate::parse(node.scalar()?).ok()?;
    interpolate::plain_text(&pieces).or_else(|| interpolate::whole_variable(&pieces)?.default.clone())
}

/// A method call setting variable `key`.
pub fn env_method(key: &str, mapped: Mapped) -> Method {
    let method = Method::new("env", vec![Expr::str(key), mapped.value]);
    match mapped.comment {
        Some(comment) => method.comment(comment),
        None => method,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_their_parts() {
        let u = url("postgresql://app:pw@db:5432/app?sslmode=disable").unwrap();
        assert_eq!(
            (u.scheme, u.user, u.password, u.host, u.port, u.path),
            ("postgresql", Some("app"), Some("pw"), "db", Some(5432), "/app?sslmode=disable")
        );
        let u = url("redis://redis/0").unwrap();
        assert_eq!((u.host, u.port, u.path), ("redis", None, "/0"));
        assert!(url("not a url").is_none());
        assert_eq!(hide_password("postgres://u:secret@db:5432/x"), "postgres://u:***@db:5432/x");
    }
}
