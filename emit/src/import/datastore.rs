//! Databases recognised from their official images, declared as the service's `Datastore` so
//! that clients get typed database URLs and Render and Railway can run a managed database
//! instead (or the image, for the engines they do not manage). The variables read are the
//! images' own ([`crate::facts::images::init_variables`]: `POSTGRES_*`, `MYSQL_*`,
//! `MARIADB_*`, `MONGO_INITDB_*`).

use super::context::Engine;
use super::environment::literal_or_default;
use super::rust::{Expr, Method};
use super::tree::Node;
use crate::facts::images::{InitVariables, init_variables};

/// What an image is, as far as databases go.
pub enum Recognised {
    /// A datastore the model knows, and whether its major version was guessed (no version tag).
    Engine(Engine, bool),
    /// Not a database image.
    No,
}

/// Newest major versions (MySQL's long-term release), assumed for an image without a version tag.
const POSTGRES_CURRENT: u16 = 17;
const REDIS_CURRENT: u16 = 7;
const MYSQL_CURRENT: u16 = 8;
const MARIADB_CURRENT: u16 = 11;
const MONGO_CURRENT: u16 = 8;

/// What `image` is.
pub fn recognise(image: &str) -> Recognised {
    let without_digest = image.split('@').next().unwrap_or(image);
    let (repository, tag) = match without_digest.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
        Some((r, t)) => (r, t),
        None => (without_digest, ""),
    };
    let repository = repository.trim_start_matches("docker.io/").trim_start_matches("library/");
    let major: Option<u16> = tag.split(['.', '-']).next().and_then(|m| m.parse().ok());
    let engine = match repository {
        "postgres" => Engine::Postgres { major: major.unwrap_or(POSTGRES_CURRENT) },
        "redis" => Engine::Redis { major: major.unwrap_or(REDIS_CURRENT) },
        "mysql" => Engine::Mysql { major: major.unwrap_or(MYSQL_CURRENT) },
        "mariadb" => Engine::Mariadb { major: major.unwrap_or(MARIADB_CURRENT) },
        "mongo" => Engine::Mongo { major: major.unwrap_or(MONGO_CURRENT) },
        _ => return Recognised::No,
    };
    Recognised::Engine(engine, major.is_none())
}

/// The variables `engine`'s image reads, its own names first, then the older ones it accepts.
fn names(engine: Engine) -> Vec<&'static InitVariables> {
    let own = init_variables(engine);
    own.into_iter().chain(own.and_then(|v| v.aliases)).collect()
}

/// The name of the variable holding the password of the user clients log in as, among `env`:
/// the user's own, or the administrator's when no user is created (MySQL's `root`).
pub fn password_variable(engine: Engine, env: &[(String, Node)]) -> Option<&'static str> {
    let set = |name: &str| env.iter().any(|(k, _)| k == name);
    let names = names(engine);
    let user = names.iter().any(|v| set(v.user));
    names.iter().flat_map(|v| [Some(v.password), v.root_password.filter(|_| !user)]).flatten().find(|name| set(name))
}

/// Who clients log in as and which database they use, as the image's variables set them, and
/// what had to be assumed (said in the declaration's comment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// The user; `None` for a MongoDB without a root user, which has no authentication
    /// (<https://hub.docker.com/_/mongo>: access control only when both `MONGO_INITDB_ROOT_*` are set).
    pub user: Option<String>,
    /// The database.
    pub database: Option<String>,
    /// The password variable's value as written (`${DB_PASSWORD:?…}`), if set.
    pub password: Option<String>,
    /// The file names the database (else it is the image's default or a guess).
    pub database_named: bool,
    /// The variable naming the database.
    database_variable: &'static str,
    /// What was assumed, for the comment.
    assumed: Vec<String>,
    /// What was assumed or learnt about the database, for the comment.
    database_note: Option<String>,
}

impl Identity {
    /// Take `database`, which every client's URL names, as the datastore's database: the file
    /// leaves it to the image's default, and the application creates its own (Mastodon's
    /// `rails db:setup`).
    pub fn adopt_database(&mut self, database: String) {
        self.database_note = Some(format!(
            "{} is not set, and the clients' URLs name the database {database:?} (the application creates it), so it is the datastore's",
            self.database_variable
        ));
        self.database = Some(database);
        self.database_named = true;
    }
}

/// The user and database of `engine`'s image given its variables `env`.
pub fn identity(engine: Engine, env: &[(String, Node)]) -> Identity {
    let var = |name: &str| env.iter().find(|(k, _)| k == name).and_then(|(_, v)| literal_or_default(v));
    let set = |name: &str| env.iter().any(|(k, _)| k == name);
    let names = names(engine);
    let Some(own) = names.first() else { return Identity::default() };
    let mut assumed = Vec::new();
    let user_variable = names.iter().map(|v| v.user).find(|n| set(n)).unwrap_or(own.user);
    // Without a user the image's default (PostgreSQL's `postgres`) or MySQL's `root`, whose
    // password the root variable sets; MongoDB without a root user has no authentication.
    let default_user = own.default_user.or(own.root_password.map(|_| "root"));
    let no_auth = matches!(engine, Engine::Mongo { .. }) && !set(user_variable);
    let user = match var(user_variable) {
        Some(user) => Some(user),
        None if no_auth => {
            assumed.push(format!("{user_variable} is not set, so the image runs without authentication"));
            None
        }
        None => {
            let how = if set(user_variable) { "is a deploy-time value" } else { "is not set" };
            let assumed_user = default_user.unwrap_or("app");
            assumed.push(format!("{user_variable} {how}, so the user {assumed_user:?} is assumed: write the real one"));
            Some(assumed_user.to_string())
        }
    };
    let database_variable = names.iter().map(|v| v.database).find(|n| set(n)).unwrap_or(own.database);
    let mut database_note = None;
    let database = var(database_variable);
    let database_named = database.is_some();
    let database = database.unwrap_or_else(|| {
        // PostgreSQL names the database after the user; the others create none unless asked.
        let fallback = user.clone().or(own.default_user.map(str::to_string)).unwrap_or_else(|| "test".into());
        if own.default_user.is_none() {
            database_note = Some(format!(
                "{database_variable} is not a literal, so the database {fallback:?} is assumed: write the one clients use"
            ));
        }
        fallback
    });
    let password = password_variable(engine, env)
        .and_then(|name| env.iter().find(|(k, _)| k == name))
        .and_then(|(_, v)| v.scalar().map(str::to_string));
    Identity { user, database: Some(database), password, database_named, database_variable, assumed, database_note }
}

/// The `.datastore(...)` call for a recognised engine of `identity`; `password` is the secret
/// its password variable became.
pub fn method(engine: Engine, guessed: bool, identity: &Identity, password: Option<Expr>) -> Method {
    // The syntax tree holds static paths: `Datastore::` and `Engine::constructor`.
    let constructor = match engine {
        Engine::Postgres { .. } => "Datastore::postgres",
        Engine::Redis { .. } => "Datastore::redis",
        Engine::Mysql { .. } => "Datastore::mysql",
        Engine::Mariadb { .. } => "Datastore::mariadb",
        Engine::Mongo { .. } => "Datastore::mongo",
    };
    let mut datastore = Expr::Call(constructor, vec![Expr::Int(engine.major().into())]);
    let managed = match engine {
        Engine::Postgres { .. } | Engine::Redis { .. } => "Render and Railway a managed database",
        _ => "Render and Railway run the image with its volume",
    };
    let mut comment = format!("{}, recognised from the image: clients get typed URLs, {managed}", engine.product());
    for note in identity.assumed.iter().chain(&identity.database_note) {
        comment.push_str(&format!("; {note}"));
    }
    if let Some(user) = &identity.user {
        datastore = datastore.call("user", vec![Expr::str(user)]);
    }
    if let Some(database) = &identity.database {
        datastore = datastore.call("database", vec![Expr::str(database)]);
    }
    if let Some(password) = password {
        datastore = datastore.call("password", vec![password]);
    }
    if guessed {
        comment.push_str(&format!("; the image names no version, so {} is assumed: pin the tag", engine.major()));
    }
    Method::new("datastore", vec![datastore]).comment(comment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tree::Value;

    #[test]
    fn official_images_are_recognised_with_their_major_version() {
        let engine = |image: &str| match recognise(image) {
            Recognised::Engine(engine, guessed) => Some((engine, guessed)),
            Recognised::No => None,
        };
        assert_eq!(engine("postgres:15-alpine"), Some((Engine::Postgres { major: 15 }, false)));
        assert_eq!(engine("docker.io/library/redis:7.2"), Some((Engine::Redis { major: 7 }, false)));
        assert_eq!(engine("postgres"), Some((Engine::Postgres { major: POSTGRES_CURRENT }, true)));
        assert_eq!(engine("docker.io/library/mysql:8.4"), Some((Engine::Mysql { major: 8 }, false)));
        assert_eq!(engine("mariadb:11"), Some((Engine::Mariadb { major: 11 }, false)));
        assert_eq!(engine("mongo:7"), Some((Engine::Mongo { major: 7 }, false)));
        assert_eq!(engine("mongo"), Some((Engine::Mongo { major: MONGO_CURRENT }, true)));
        assert_eq!(engine("bitnami/postgresql:16"), None);
        assert_eq!(engine("registry:5000/postgres"), None);
    }

    #[test]
    fn each_engine_is_declared_with_its_own_constructor() {
        for engine in [
            Engine::Postgres { major: 17 },
            Engine::Redis { major: 7 },
            Engine::Mysql { major: 8 },
            Engine::Mariadb { major: 11 },
            Engine::Mongo { major: 7 },
        ] {
            let called = format!("{:?}", method(engine, false, &identity(engine, &[]), None).args);
            assert!(called.contains(&format!("\"Datastore::{}\"", engine.constructor())), "{engine:?}: {called}");
        }
    }

    #[test]
    fn the_password_is_the_users_or_roots_when_no_user_is_created() {
        let env = |names: &[&str]| -> Vec<(String, Node)> {
            names
                .iter()
                .map(|n| {
                    (n.to_string(), Node { value: Value::Scalar("x".into()), line: 1, file: "compose.yaml".into() })
                })
                .collect()
        };
        let mysql = Engine::Mysql { major: 8 };
        assert_eq!(
            password_variable(mysql, &env(&["MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_ROOT_PASSWORD"])),
            Some("MYSQL_PASSWORD")
        );
        assert_eq!(password_variable(mysql, &env(&["MYSQL_ROOT_PASSWORD"])), Some("MYSQL_ROOT_PASSWORD"));
        let mariadb = Engine::Mariadb { major: 11 };
        assert_eq!(password_variable(mariadb, &env(&["MYSQL_USER", "MYSQL_PASSWORD"])), Some("MYSQL_PASSWORD"));
        let mongo = Engine::Mongo { major: 7 };
        assert_eq!(password_variable(mongo, &env(&["MONGO_INITDB_ROOT_PASSWORD"])), Some("MONGO_INITDB_ROOT_PASSWORD"));
    }
}
