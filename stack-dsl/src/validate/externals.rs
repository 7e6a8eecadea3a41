//! External dependencies: named like services, reachable, and referenced only for what is known of them.

use std::collections::HashSet;

use super::Checker;
use crate::external::{External, Reach};
use crate::name::{dns_label_problem, suggest_dns_label};
use crate::reference::EnvValue;

impl<'a> Checker<'a> {
    pub(super) fn check_externals(&mut self) {
        let mut seen: HashSet<&str> = self.services.keys().copied().collect();
        for external in &self.stack.externals {
            let at = format!("external {}", external.name);
            if !seen.insert(&external.name) {
                self.report(
                    &[&at],
                    format!("the name {:?} is already used by another service or external", external.name),
                    "Give each service and external dependency a unique name",
                );
            }
            if let Some(why) = dns_label_problem(&external.name) {
                let fix = format!("Use a DNS-1123 label such as {:?}", suggest_dns_label(&external.name));
                self.report(&[&at], format!("the name {:?} is invalid: {why}", external.name), fix);
            }
            match &external.reach {
                Reach::Managed { url } => self.check_secret_declared(&[&at, "url"], url.name()),
                Reach::Address { host, port } => {
                    if host.trim().is_empty() || *port == 0 {
                        self.report(
                            &[&at],
                            "the address needs a host and a port",
                            "Pass both, such as External::at(\"db\", \"db.internal\", 5432)",
                        );
                    }
                }
            }
            if let Some(secret) = external.datastore.as_ref().and_then(|d| d.password.as_ref()) {
                self.check_secret_declared(&[&at, "datastore", "password"], secret.name());
            }
            self.problems.extend(crate::cluster_address::problems(&[self.root.clone(), at], external));
        }
    }

    pub(super) fn check_external_reference(&mut self, at: &str, path: &str, external: &External, value: &EnvValue) {
        match (&external.reach, value) {
            (Reach::Managed { .. }, EnvValue::DatabaseUrl(_)) => {}
            (_, EnvValue::PublicUrl(_) | EnvValue::PublicHost(_)) => self.report(
                &[at, path],
                format!("{} is outside the stack, so the stack routes no public host to it", external.name),
                "Pass its public address as a literal",
            ),
            (Reach::Managed { .. }, _) => self.report(
                &[at, path],
                format!("{} is managed by a provider; only its connection URL is known", external.name),
                format!("Use {}.database_url(), or declare it with External::at(host, port)", external.name),
            ),
            (Reach::Address { .. }, EnvValue::DatabaseUrl(_)) if external.datastore.is_none() => self.report(
                &[at, path],
                format!("external {} is not declared as a database, so it has no database URL", external.name),
                "Add .datastore(Datastore::postgres(..).user(..).database(..).password(..)) to the External",
            ),
            (Reach::Address { .. }, EnvValue::DatabaseField { field, .. }) => {
                self.check_database_field(at, path, &external.name, external.datastore.as_ref(), *field)
            }
            _ => {}
        }
    }
}
