//! Environment variables and the references they hold to other services: each resolves to something
//! the stack declares, with the port or database it names.

use std::collections::HashSet;

use super::Checker;
use crate::database_field::DatabaseField;
use crate::datastore::Datastore;
use crate::name::is_env_name;
use crate::reference::{EnvValue, ServiceRef};
use crate::service::Service;

impl<'a> Checker<'a> {
    pub(super) fn check_env(&mut self, at: &str, service: &Service) {
        let mut seen = HashSet::new();
        for (name, value) in &service.env {
            let path = format!("env {name}");
            if !is_env_name(name) {
                self.report(
                    &[at, &path],
                    format!("{name:?} is not a valid variable name"),
                    "Use letters, digits and '_', not starting with a digit",
                );
            }
            if !seen.insert(name.as_str()) {
                self.report(
                    &[at, &path],
                    "the variable is set twice",
                    "Set each variable once; pick the value with an `if` on the environment",
                );
            }
            match value {
                EnvValue::Literal(text) => self.check_literal(at, &path, name, text),
                EnvValue::Secret(secret) => self.check_secret_declared(&[at, &path], secret.name()),
                reference => self.check_reference(at, &path, reference),
            }
        }
    }

    /// A reference to another service or to an external dependency.
    pub(super) fn check_reference(&mut self, at: &str, path: &str, value: &EnvValue) {
        let Some(target) = value.service() else { return };
        if let Some(external) = self.externals.get(target.name()).copied() {
            return self.check_external_reference(at, path, external, value);
        }
        let Some(service) = self.resolve(at, path, target) else { return };
        match value {
            EnvValue::Port { port, .. } => self.check_port_reference(at, path, service, *port),
            EnvValue::Url(url) => self.check_port_reference(at, path, service, url.port),
            EnvValue::DatabaseUrl(_) if service.datastore.is_none() => self.report(
                &[at, path],
                format!("service {} provides no database, so it has no database URL", service.name),
                format!("Declare what {} provides with .datastore(Datastore::postgres(..))", service.name),
            ),
            EnvValue::DatabaseUrl(_) => self.check_port_reference(at, path, service, None),
            EnvValue::PublicUrl(_) | EnvValue::PublicHost(_) if service.routes.is_empty() => self.report(
                &[at, path],
                format!("service {} has no route, so it has no public origin", service.name),
                format!(
                    "Give {} a public host with .route(Route::new(\"app.example.org\")), or pass the origin as a literal",
                    service.name
                ),
            ),
            EnvValue::DatabaseField { field, .. } => {
                self.check_database_field(at, path, &service.name, service.datastore.as_ref(), *field)
            }
            _ => {}
        }
    }

    /// A database user or name must be declared on the datastore it is read from.
    pub(super) fn check_database_field(
        &mut self,
        at: &str,
        path: &str,
        name: &str,
        datastore: Option<&Datastore>,
        field: DatabaseField,
    ) {
        if datastore.and_then(|d| field.of(d)).is_none() {
            self.report(
                &[at, path],
                format!("{name} declares no {}", field.describe()),
                format!("Declare it on {name} with .datastore(Datastore::postgres(..).{}(..))", field.builder()),
            );
        }
    }

    pub(super) fn check_port_reference(&mut self, at: &str, path: &str, target: &Service, port: Option<u16>) {
        match port {
            Some(n) if !target.ports.iter().any(|p| p.number == n) => {
                self.report(
                    &[at, path],
                    format!("it refers to port {n} of service {}, which that service does not declare", target.name),
                    format!("Declare the port on {} with .port(..)", target.name),
                );
            }
            None if target.ports.is_empty() => {
                self.report(
                    &[at, path],
                    format!("it refers to the address of service {}, which declares no port", target.name),
                    format!("Declare the port {} listens on with .port(..)", target.name),
                );
            }
            _ => {}
        }
    }

    /// `fix`, preceded by the closest declared service or external, if there is a likely one.
    pub(super) fn suggest(&self, name: &str, fix: String) -> String {
        let declared = self.stack.services.iter().map(|s| s.name.as_str());
        crate::suggest::fix_with_suggestion(
            name,
            declared.chain(self.stack.externals.iter().map(|e| e.name.as_str())),
            fix,
        )
    }

    pub(super) fn resolve(&mut self, at: &str, path: &str, target: &ServiceRef) -> Option<&'a Service> {
        let found = self.services.get(target.name()).copied();
        if found.is_none() {
            self.report(
                &[at, path],
                format!("it refers to service {}, which the stack does not declare", target.name()),
                self.suggest(
                    target.name(),
                    format!("Add a service named {:?}, or refer to one that exists", target.name()),
                ),
            );
        }
        found
    }
}
