//! Datastores a service provides: a declared password, and what a connection URL needs (a user
//! and a database for every engine but Redis).

use super::Checker;
use crate::service::Service;

impl Checker<'_> {
    pub(super) fn check_datastore(&mut self, at: &str, service: &Service) {
        if let Some(store) = &service.datastore {
            if let Some(secret) = &store.password {
                self.check_secret_declared(&[at, "datastore", "password"], secret.name());
            }
            if store.engine.needs_user_and_database() && (store.user.is_none() || store.database.is_none()) {
                self.report(
                    &[at, "datastore"],
                    format!(
                        "a {} datastore needs a user and a database name to build its connection URL",
                        store.engine.product()
                    ),
                    format!("Add .user(\"...\") and .database(\"...\") to Datastore::{}", store.engine.constructor()),
                );
            }
        }
    }
}
