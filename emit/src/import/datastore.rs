//! Databases recognised from their official images, declared as the service's `Datastore` so
//! that clients get typed database URLs and Render and Railway can run a managed database
//! instead. The variables read are the images' own
//! (<https://hub.docker.com/_/postgres>: `POSTGRES_USER`, `POSTGRES_DB`, `POSTGRES_PASSWORD`).

use super::context::Engine;
use super::environment::literal_or_default;
use super::rust::{Expr, Method};
use super::tree::Node;

/// What an image is, as far as databases go.
pub enum Recognised {
    /// A datastore the model knows, and whether its major version was guessed (no version tag).
    Engine(Engine, bool),
    /// A database the model has no datastore for (MySQL, MariaDB, MongoDB…).
    Unsupported(&'static str),
    /// Not a database image.
    No,
}

/// Newest major versions, assumed for an image without a version tag.
const POSTGRES_CURRENT: u16 = 17;
const REDIS_CURRENT: u16 = 7;

/// What `image` is.
pub fn recognise(image: &str) -> Recognised {
    let without_digest = image.split('@').next().unwrap_or(image);
    let (repository, tag) = match without_digest.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
        Some((r, t)) => (r, t),
        None => (without_digest, ""),
    };
    let repository = repository.trim_start_matches("docker.io/").trim_start_matches("library/");
    let major: Option<u16> = tag.split(['.', '-']).next().and_then(|m| m.parse().ok());
    match repository {
        "postgres" => Recognised::Engine(Engine::Postgres(major.unwrap_or(POSTGRES_CURRENT)), major.is_none()),
        "redis" => Recognised::Engine(Engine::Redis(major.unwrap_or(REDIS_CURRENT)), major.is_none()),
        "mysql" => Recognised::Unsupported("MySQL"),
        "mariadb" => Recognised::Unsupported("MariaDB"),
        "mongo" => Recognised::Unsupported("MongoDB"),
        _ => Recognised::No,
    }
}

/// The `.datastore(...)` call for a recognised engine; `env` is the service's variables as
/// written and `password` the secret its password variable became.
pub fn method(engine: Engine, guessed: bool, env: &[(String, Node)], password: Option<Expr>) -> Method {
    let var = |name: &str| env.iter().find(|(k, _)| k == name).and_then(|(_, v)| literal_or_default(v));
    let (mut datastore, what) = match engine {
        Engine::Postgres(major) => (Expr::Call("Datastore::postgres", vec![Expr::Int(major.into())]), "PostgreSQL"),
        Engine::Redis(major) => (Expr::Call("Datastore::redis", vec![Expr::Int(major.into())]), "Redis"),
    };
    let mut comment =
        format!("{what}, recognised from the image: clients get typed URLs, Render and Railway a managed database");
    if let Engine::Postgres(_) = engine {
        // The image's defaults: user `postgres`, database named after the user.
        let user = var("POSTGRES_USER");
        if user.is_none() {
            let how =
                if env.iter().any(|(k, _)| k == "POSTGRES_USER") { "is a deploy-time value" } else { "is not set" };
            comment.push_str(&format!(
                "; POSTGRES_USER {how}, so the image's default user \"postgres\" is assumed: write the real one"
            ));
        }
        let user = user.unwrap_or_else(|| "postgres".into());
        let database = var("POSTGRES_DB").unwrap_or_else(|| user.clone());
        datastore = datastore.call("user", vec![Expr::str(user)]).call("database", vec![Expr::str(database)]);
    }
    if let Some(password) = password {
        datastore = datastore.call("password", vec![password]);
    }
    if guessed {
        comment.push_str(&format!(
            "; the image names no version, so {} is assumed: pin the tag",
            match engine {
                Engine::Postgres(m) | Engine::Redis(m) => m,
            }
        ));
    }
    Method::new("datastore", vec![datastore]).comment(comment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_images_are_recognised_with_their_major_version() {
        assert!(matches!(recognise("postgres:15-alpine"), Recognised::Engine(Engine::Postgres(15), false)));
        assert!(matches!(recognise("docker.io/library/redis:7.2"), Recognised::Engine(Engine::Redis(7), false)));
        assert!(matches!(recognise("postgres"), Recognised::Engine(Engine::Postgres(POSTGRES_CURRENT), true)));
        assert!(matches!(recognise("mariadb:11"), Recognised::Unsupported("MariaDB")));
        assert!(matches!(recognise("bitnami/postgresql:16"), Recognised::No));
        assert!(matches!(recognise("registry:5000/postgres"), Recognised::No));
    }
}
