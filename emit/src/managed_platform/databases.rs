//! Which databases the platform provides: its own database in place of a datastore service
//! (placed in `placement.rs`), of an external managed one, and of one on the Docker host.

use stack_dsl::{Datastore, External, Reach, Volume};

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
