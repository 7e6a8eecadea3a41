//! Passwords a database reads only on its first start. The postgres, mysql, mariadb and mongo
//! images read their password variables only to initialise an empty data directory; an
//! existing database keeps its passwords whatever the variables say later
//! ([`crate::facts::images::InitVariables`]; <https://hub.docker.com/_/postgres>, "Caveats":
//! "any pre-existing database will be left untouched on container startup";
//! <https://hub.docker.com/_/mysql>, "Usage against an existing database"). Every target says
//! so where its user sets the secret, with the statement that changes the password in the
//! database.

use stack_dsl::{Engine, EnvValue, Service, ValidStack};

use crate::facts::images::init_variables;

/// A secret a database reads only to initialise an empty data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'a> {
    /// The secret.
    pub secret: &'a str,
    /// The service's variables that pass it (`MYSQL_PASSWORD`).
    pub variables: Vec<&'a str>,
    /// It is the administrator's password (MySQL's and MariaDB's root).
    pub root: bool,
}

/// The secrets `service`'s database reads only to initialise an empty data directory: its
/// datastore's password and every secret it passes in its image's password variables.
pub fn keys(service: &Service) -> Vec<Key<'_>> {
    let Some(datastore) = &service.datastore else { return Vec::new() };
    let Some(own) = init_variables(datastore.engine) else { return Vec::new() };
    let password_variables: Vec<(&str, bool)> = std::iter::once(own)
        .chain(own.aliases)
        .flat_map(|v| std::iter::once((v.password, false)).chain(v.root_password.map(|r| (r, true))))
        .collect();
    let passed: Vec<(&str, &str, bool)> = service
        .env
        .iter()
        .filter_map(|(key, value)| match value {
            EnvValue::Secret(secret) => password_variables
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, root)| (secret.name(), key.as_str(), *root)),
            _ => None,
        })
        .collect();
    let own_is_root = datastore.user.as_deref() == Some("root");
    let mut keys: Vec<Key<'_>> = Vec::new();
    let candidates =
        datastore.password.iter().map(|p| (p.name(), own_is_root)).chain(passed.iter().map(|(s, _, r)| (*s, *r)));
    for (secret, root) in candidates {
        if keys.iter().all(|k| k.secret != secret) {
            let variables = passed.iter().filter(|(s, _, _)| *s == secret).map(|(_, v, _)| *v).collect();
            keys.push(Key { secret, variables, root });
        }
    }
    keys
}

/// The statement that changes the password in `service`'s engine: for MySQL's and MariaDB's
/// root both accounts the images create, `root@localhost` and `root@'%'` (`MYSQL_ROOT_HOST`
/// defaults to `%`: <https://hub.docker.com/_/mysql>, <https://hub.docker.com/_/mariadb>).
fn rotate_command(service: &Service, root: bool) -> String {
    let Some(datastore) = &service.datastore else { return String::new() };
    let user = datastore.user.as_deref().unwrap_or("...");
    match datastore.engine {
        Engine::Mongo { .. } => format!("db.getSiblingDB('admin').changeUserPassword('{user}', '...')"),
        Engine::Mysql { .. } | Engine::Mariadb { .. } if root => {
            "ALTER USER 'root'@'localhost' IDENTIFIED BY '...'; ALTER USER 'root'@'%' IDENTIFIED BY '...'".into()
        }
        Engine::Mysql { .. } | Engine::Mariadb { .. } => format!("ALTER USER '{user}'@'%' IDENTIFIED BY '...'"),
        Engine::Postgres { .. } | Engine::Redis { .. } => "ALTER USER ... PASSWORD ...".into(),
    }
}

/// How a target names the value the user sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// By the secret's name (a Compose env file, a Kubernetes Secret's key).
    Secret,
    /// By the database service's variables (Render's and Railway's per-service variables).
    Variable,
}

/// One sentence per such key of the services `runs_image` selects (the databases that run
/// their image on the target), saying how to rotate it; `stored` names where the target keeps
/// the secret (`the Secret`, `production.env`).
pub fn notes(stack: &ValidStack, runs_image: impl Fn(&Service) -> bool, naming: Naming, stored: &str) -> Vec<String> {
    stack
        .services()
        .filter(|service| runs_image(service))
        .flat_map(|service| {
            keys(service).into_iter().map(move |key| {
                let name = match naming {
                    Naming::Variable if !key.variables.is_empty() => key.variables.join(" and "),
                    _ => key.secret.to_string(),
                };
                format!(
                    "{name} sets the password of {} only on its first start, on an empty data directory: to rotate it, change it in the database first ({}), then in {stored}",
                    service.name,
                    rotate_command(service, key.root)
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Datastore, Env, Image, Port, Project, Secret, Service, Stack};

    use super::*;

    #[test]
    fn the_root_password_of_mysql_is_changed_for_both_root_accounts() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let user = stack.add_secret(Secret::new("SHOP_PW"));
            let root = stack.add_secret(Secret::new("ROOT_PW"));
            stack.add_service(
                Service::new("mysql", Image::new("mysql:8.4"))
                    .port(Port::tcp(3306))
                    .env("MYSQL_PASSWORD", &user)
                    .env("MYSQL_ROOT_PASSWORD", &root)
                    .datastore(Datastore::mysql(8).user("shop").database("shop").password(&user)),
            );
            stack
        })
        .validate()
        .unwrap();
        let notes = notes(&project.stacks()[0], |_| true, Naming::Secret, "production.env");
        assert_eq!(notes.len(), 2, "{notes:#?}");
        assert!(notes[0].starts_with("SHOP_PW sets the password of mysql only on its first start"), "{notes:#?}");
        assert!(notes[0].contains("ALTER USER 'shop'@'%'"), "{notes:#?}");
        assert!(notes[1].contains("ALTER USER 'root'@'localhost'") && notes[1].contains("ALTER USER 'root'@'%'"));
        assert!(notes[1].ends_with("then in production.env"), "{notes:#?}");
    }
}
