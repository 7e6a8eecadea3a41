//! What a data service is, so that clients can be given a connection URL and platforms with
//! managed databases (Render, Railway) can provide their own.

use crate::secret::SecretRef;

/// The database engine and its major version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    /// PostgreSQL.
    Postgres {
        /// The major version, such as 15.
        major: u16,
    },
    /// Redis (or a compatible key-value store).
    Redis {
        /// The major version, such as 7.
        major: u16,
    },
    /// MySQL.
    Mysql {
        /// The major version, such as 8.
        major: u16,
    },
    /// MariaDB, which speaks MySQL's protocol and is reached with `mysql://` URLs.
    Mariadb {
        /// The major version, such as 11.
        major: u16,
    },
    /// MongoDB.
    Mongo {
        /// The major version, such as 7.
        major: u16,
    },
}

impl Engine {
    /// The URL scheme clients use.
    pub fn scheme(self) -> &'static str {
        match self {
            Engine::Postgres { .. } => "postgresql",
            Engine::Redis { .. } => "redis",
            Engine::Mysql { .. } | Engine::Mariadb { .. } => "mysql",
            Engine::Mongo { .. } => "mongodb",
        }
    }

    /// The port the engine listens on by default.
    pub fn default_port(self) -> u16 {
        match self {
            Engine::Postgres { .. } => 5432,
            Engine::Redis { .. } => 6379,
            Engine::Mysql { .. } | Engine::Mariadb { .. } => 3306,
            Engine::Mongo { .. } => 27017,
        }
    }

    /// The engine's name as people write it: `PostgreSQL`, `MySQL`, `MongoDB`.
    pub fn product(self) -> &'static str {
        match self {
            Engine::Postgres { .. } => "PostgreSQL",
            Engine::Redis { .. } => "Redis",
            Engine::Mysql { .. } => "MySQL",
            Engine::Mariadb { .. } => "MariaDB",
            Engine::Mongo { .. } => "MongoDB",
        }
    }

    /// The name of its `Datastore` constructor, which is also its key in a stack file:
    /// `postgres`, `redis`, `mysql`, `mariadb`, `mongo`.
    pub fn constructor(self) -> &'static str {
        match self {
            Engine::Postgres { .. } => "postgres",
            Engine::Redis { .. } => "redis",
            Engine::Mysql { .. } => "mysql",
            Engine::Mariadb { .. } => "mariadb",
            Engine::Mongo { .. } => "mongo",
        }
    }

    /// The major version.
    pub fn major(self) -> u16 {
        match self {
            Engine::Postgres { major }
            | Engine::Redis { major }
            | Engine::Mysql { major }
            | Engine::Mariadb { major }
            | Engine::Mongo { major } => major,
        }
    }

    /// The engine's name and major version: `PostgreSQL 16`, `MySQL 8`.
    pub fn name(self) -> String {
        format!("{} {}", self.product(), self.major())
    }

    /// True when clients address a named database and log in as a user, so a connection URL
    /// needs both (PostgreSQL, MySQL, MariaDB, MongoDB; not Redis, whose database is an index).
    pub fn needs_user_and_database(self) -> bool {
        !matches!(self, Engine::Redis { .. })
    }

    /// True when the engine may run without authentication, so a datastore without a user is
    /// one clients reach without credentials: MongoDB's image enables access control only when
    /// both `MONGO_INITDB_ROOT_USERNAME` and `MONGO_INITDB_ROOT_PASSWORD` are set
    /// (<https://hub.docker.com/_/mongo>, "Environment Variables").
    pub fn user_is_optional(self) -> bool {
        matches!(self, Engine::Mongo { .. })
    }
}

/// The database a service provides: engine, credentials and database name.
///
/// ```
/// use stack_dsl::{Datastore, Image, Port, Secret, Service, Stack};
///
/// let mut stack = Stack::new("shop");
/// let password = stack.add_secret(Secret::new("DB_PASSWORD"));
/// let db = stack.add_service(
///     Service::new("postgres", Image::new("postgres:16-alpine"))
///         .port(Port::tcp(5432))
///         .env("POSTGRES_PASSWORD", &password)
///         .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
/// );
/// // Other services read its URL; each target builds it its own way.
/// let api = Service::new("api", Image::new("ghcr.io/shop/api:1.4")).env("DATABASE_URL", db.database_url());
/// assert_eq!(api.env.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Datastore {
    /// Engine and version.
    pub engine: Engine,
    /// The user clients connect as.
    pub user: Option<String>,
    /// The database clients use (PostgreSQL, MySQL, MariaDB, MongoDB), or the database index
    /// (Redis, as a string).
    pub database: Option<String>,
    /// The secret holding the user's password.
    pub password: Option<SecretRef>,
}

impl Datastore {
    /// A PostgreSQL database of the given major version.
    pub fn postgres(major: u16) -> Self {
        Datastore { engine: Engine::Postgres { major }, user: None, database: None, password: None }
    }

    /// A Redis server of the given major version.
    pub fn redis(major: u16) -> Self {
        Datastore { engine: Engine::Redis { major }, user: None, database: None, password: None }
    }

    /// A MySQL server of the given major version.
    pub fn mysql(major: u16) -> Self {
        Datastore { engine: Engine::Mysql { major }, user: None, database: None, password: None }
    }

    /// A MariaDB server of the given major version.
    pub fn mariadb(major: u16) -> Self {
        Datastore { engine: Engine::Mariadb { major }, user: None, database: None, password: None }
    }

    /// A MongoDB server of the given major version. Its user is the one the image creates in
    /// the `admin` database (`MONGO_INITDB_ROOT_USERNAME`), so URLs authenticate against it;
    /// without `.user(..)` it runs without authentication and URLs carry no credentials.
    pub fn mongo(major: u16) -> Self {
        Datastore { engine: Engine::Mongo { major }, user: None, database: None, password: None }
    }

    /// The user clients connect as.
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// The database name (PostgreSQL, MySQL, MariaDB, MongoDB) or index (Redis) clients use.
    #[must_use]
    pub fn database(mut self, name: impl Into<String>) -> Self {
        self.database = Some(name.into());
        self
    }

    /// The secret holding the password.
    #[must_use]
    pub fn password(mut self, secret: &SecretRef) -> Self {
        self.password = Some(secret.clone());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stack_files_name_each_engine_by_its_constructor() {
        for engine in [
            Engine::Postgres { major: 17 },
            Engine::Redis { major: 7 },
            Engine::Mysql { major: 8 },
            Engine::Mariadb { major: 11 },
            Engine::Mongo { major: 7 },
        ] {
            let json = serde_json::to_value(engine).expect("serialises");
            assert_eq!(json, serde_json::json!({ engine.constructor(): { "major": engine.major() } }));
            assert_eq!(serde_json::from_value::<Engine>(json).expect("reads back"), engine);
        }
        assert_eq!(
            (Engine::Mariadb { major: 11 }.scheme(), Engine::Mongo { major: 7 }.default_port()),
            ("mysql", 27017)
        );
    }
}
