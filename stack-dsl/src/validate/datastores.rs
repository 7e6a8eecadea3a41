//! Datastores a service provides: a declared password, and what a PostgreSQL connection URL needs.

use super::Checker;
use crate::datastore::Engine;
use crate::service::Service;

impl Checker<'_> {
    pub(super) fn check_datastore(&mut self, at: &str, service: &Service) {
        if let Some(store) = &service.datastore {
            if let Some(secret) = &store.password {
                self.check_secret_declared(&[at, "datastore", "password"], secret.name());
            }
            if matches!(store.engine, Engine::Postgres { .. }) && (store.user.is_none() || store.database.is_none()) {
                self.report(
                    &[at, "datastore"],
                    "a PostgreSQL datastore needs a user and a database name to build its connection URL",
                    "Add .user(\"...\") and .database(\"...\") to Datastore::postgres",
                );
            }
        }
    }
}
