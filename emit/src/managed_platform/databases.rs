//! Which databases the platform provides: its own database in place of a datastore service
//! (placed in `placement.rs`), of an external managed one, and of one on the Docker host.

use stack_dsl::{Datastore, External, Image, Reach, Volume};

use super::Plan;
use crate::error::Error;

/// A database the platform provides in place of a container or an external dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidedDatabase {
    /// The name references use (the service's or the external's).
    pub name: String,
    /// Engine, user, database name.
    pub datastore: Datastore,
    /// The capacity of the volume the container used, if known.
    pub volume: Option<Volume>,
}

impl<'a> Plan<'a> {
    /// The provided database named `name`, if any.
    pub fn database(&self, name: &str) -> Option<&ProvidedDatabase> {
        self.databases.iter().find(|d| d.name == name)
    }

    pub(super) fn provide_external_databases(&mut self) -> Result<(), Error> {
        for external in &self.stack.externals {
            let Some(datastore) = &external.datastore else {
                if is_on_docker_host(external) {
                    return Err(self.unsupported(
                        &external.name,
                        format!("{} is on the Docker host, which does not exist on {}", external.name, self.platform),
                        "Reach it at a public address with External::at(name, host, port)".into(),
                    ));
                }
                continue;
            };
            if !self.facts.manages(datastore.engine)
                && !matches!(&external.reach, Reach::Address { .. } if !is_on_docker_host(external))
            {
                return Err(self.unsupported(
                    &external.name,
                    format!(
                        "{} has no managed {} to provide {}",
                        self.platform,
                        datastore.engine.product(),
                        external.name
                    ),
                    format!(
                        "Either reach {} at a public address with External::at(name, host, port), or run it as a service of the stack",
                        external.name
                    ),
                ));
            }
            match &external.reach {
                Reach::Managed { .. } => {}
                Reach::Address { .. } if is_on_docker_host(external) => self.warn(
                    &external.name,
                    format!(
                        "the database on the Docker host does not exist on {}; the platform's own {} takes its place: move the data into it",
                        self.platform,
                        engine_name(datastore)
                    ),
                ),
                Reach::Address { .. } => continue,
            }
            self.databases.push(ProvidedDatabase {
                name: external.name.clone(),
                datastore: datastore.clone(),
                volume: None,
            });
        }
        Ok(())
    }

    /// The provided database whose password is the secret `name`.
    /// A service running the image of a database the platform replaces (`pg_dump` from
    /// `postgres:16-alpine`) is that database's client, and PostgreSQL's client tools refuse a
    /// newer server ("aborting because of server version mismatch",
    /// <https://www.postgresql.org/docs/current/app-pgdump.html>): where the platform's database
    /// runs another major than the stack's, the client gets the same repository at that major.
    pub(super) fn match_client_images(&mut self) {
        for database in self.databases.clone() {
            let Some(managed) = self.facts.managed_major(database.datastore.engine) else { continue };
            let Some(Image::Registry(own)) = self.stack.service(&database.name).map(|s| &s.image) else { continue };
            let (repository, _) = crate::facts::images::repository_and_tag(own);
            for service in self.deployed().map(|(s, _)| s).collect::<Vec<_>>() {
                let Image::Registry(reference) = &service.image else { continue };
                let (client_repository, tag) = crate::facts::images::repository_and_tag(reference);
                let version = tag.split(|c: char| !c.is_ascii_digit() && c != '.').next().unwrap_or_default();
                let major = version.split('.').next().and_then(|m| m.parse::<u16>().ok());
                if client_repository != repository || major.is_none_or(|m| m == managed) {
                    continue;
                }
                let name = &reference[..reference.len() - tag.len()];
                let matched = format!("{name}{managed}{}", &tag[version.len()..]);
                let message = format!(
                    "runs {matched}, not {reference}: {}'s managed {} ({}) runs version {managed}, not the stack's {}, and the engine's client tools refuse a newer server",
                    self.platform,
                    database.datastore.engine.product(),
                    database.name,
                    engine_name(&database.datastore)
                );
                self.warn(&service.name, message);
                self.client_images.insert(service.name.clone(), matched);
            }
        }
    }

    pub(super) fn password_of(&self, name: &str) -> Option<String> {
        self.databases
            .iter()
            .find(|d| d.datastore.password.as_ref().is_some_and(|p| p.name() == name))
            .map(|d| d.name.clone())
    }
}

fn is_on_docker_host(external: &External) -> bool {
    matches!(&external.reach, Reach::Address { host, .. } if host == stack_dsl::DOCKER_HOST)
}

/// `PostgreSQL 16`, `Redis 7`.
pub fn engine_name(datastore: &Datastore) -> String {
    datastore.engine.name()
}
