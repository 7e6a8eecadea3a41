//! Datastores a service provides: a declared password, and what a connection URL needs (a user
//! and a database for every engine but Redis; MongoDB without a user runs without authentication).

use super::Checker;
use crate::service::Service;

impl Checker<'_> {
    pub(super) fn check_datastore(&mut self, at: &str, service: &Service) {
        if let Some(store) = &service.datastore {
            if let Some(secret) = &store.password {
                self.check_secret_declared(&[at, "datastore", "password"], secret.name());
            }
            let user_missing = store.user.is_none() && !store.engine.user_is_optional();
            if store.engine.needs_user_and_database() && (user_missing || store.database.is_none()) {
                let (needs, add) = if store.engine.user_is_optional() {
                    ("a database name", "Add .database(\"...\")")
                } else {
                    ("a user and a database name", "Add .user(\"...\") and .database(\"...\")")
                };
                self.report(
                    &[at, "datastore"],
                    format!("a {} datastore needs {needs} to build its connection URL", store.engine.product()),
                    format!("{add} to Datastore::{}", store.engine.constructor()),
                );
            }
            if store.user.is_none() && store.password.is_some() && store.engine.needs_user_and_database() {
                self.report(
                    &[at, "datastore"],
                    format!(
                        "a {} datastore with a password needs the user it belongs to; without a user it has no authentication",
                        store.engine.product()
                    ),
                    "Add .user(\"...\") (the image's user variable), or remove .password(..) if the database runs without authentication",
                );
            }
        }
    }
}
