//! What each environment value refers to on the platform: text, a secret, a property of a
//! provided database, or another deployed service.

use stack_dsl::{DatabaseField, EnvValue, Reach, Secret, Service, ServiceRef, ServiceUrl};

use super::{Plan, engine_name};
use crate::endpoint::{Connection, Resolved, connection, resolve};
use crate::error::Error;

/// What a database reference asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The full connection URL.
    Url,
    /// The host name.
    Host,
    /// The port.
    Port,
    /// The password.
    Password,
    /// The user or the database name, which the platform may choose itself.
    Field(DatabaseField),
}

/// One environment value, in platform terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// Plain text.
    Text(String),
    /// A secret the user supplies (or the platform generates, when the secret allows it).
    Secret(&'a Secret),
    /// A property of a provided database.
    Database {
        /// The database's name.
        name: String,
        /// What is asked for.
        output: Output,
    },
    /// The host or port of another deployed service.
    Service {
        /// The service's name.
        name: String,
        /// [`Output::Host`] or [`Output::Port`].
        output: Output,
    },
    /// The connection URL of a datastore the platform does not manage, which runs its image as
    /// a deployed service: the emitter spells it from the service's private host name.
    Connection(Connection),
    /// The public origin (`scheme` set) or host of another deployed service whose route host
    /// is a placeholder: the platform supplies the real one.
    PublicOrigin {
        /// The service's name.
        name: String,
        /// `https` or `http` for the origin; `None` for the host alone.
        scheme: Option<&'static str>,
    },
    /// A URL to another deployed service, which neither platform can build from a reference:
    /// the emitter spells it with the service's private host name.
    ServiceUrl {
        /// The service's name.
        name: String,
        /// The scheme, such as `http`.
        scheme: String,
        /// The port.
        port: u16,
        /// What follows `host:port`.
        path: String,
    },
}

impl<'a> Plan<'a> {
    /// What `value` refers to on the platform.
    pub fn value(&self, service: &Service, value: &'a EnvValue) -> Result<Value<'a>, Error> {
        Ok(match value {
            EnvValue::Literal(text) => Value::Text(text.clone()),
            EnvValue::Secret(reference) => match self.password_of(reference.name()) {
                Some(database) => Value::Database { name: database, output: Output::Password },
                None => match self.stack.secret(reference.name()) {
                    Some(secret) => Value::Secret(secret),
                    None => Value::Text(String::new()),
                },
            },
            EnvValue::DatabaseUrl(target) => self.reference(service, target, Output::Url)?,
            EnvValue::Host(target) => self.reference(service, target, Output::Host)?,
            EnvValue::Port { service: target, port } => {
                let declared = self.stack.resolve(target).and_then(|s| s.ports.first()).map(|p| p.number);
                if port.is_some() && *port != declared && self.database(target.name()).is_none() {
                    return self.literal(value);
                }
                self.reference(service, target, Output::Port)?
            }
            EnvValue::Url(url) => self.url(service, url)?,
            EnvValue::PublicUrl(target) | EnvValue::PublicHost(target) => {
                match crate::public_origin::of(self.stack, target) {
                    Some(origin) if origin.placeholder => Value::PublicOrigin {
                        name: origin.service.into(),
                        scheme: matches!(value, EnvValue::PublicUrl(_)).then_some(origin.scheme),
                    },
                    _ => self.literal(value)?,
                }
            }
            EnvValue::DatabaseField { service: target, field } => {
                self.reference(service, target, Output::Field(*field))?
            }
        })
    }

    fn reference(&self, service: &Service, target: &ServiceRef, output: Output) -> Result<Value<'a>, Error> {
        if self.database(target.name()).is_some() {
            return Ok(Value::Database { name: target.name().into(), output });
        }
        if let Some(external) = self.stack.external(target.name()) {
            return match (&external.reach, output) {
                (Reach::Managed { url }, Output::Url) => {
                    Ok(self.stack.secret(url.name()).map_or(Value::Text(String::new()), Value::Secret))
                }
                (Reach::Address { .. }, Output::Host | Output::Port | Output::Field(_)) => {
                    self.literal(&match output {
                        Output::Host => EnvValue::Host(target.clone()),
                        Output::Field(field) => EnvValue::DatabaseField { service: target.clone(), field },
                        _ => EnvValue::Port { service: target.clone(), port: None },
                    })
                }
                _ => Err(self.unsupported(
                    &service.name,
                    format!(
                        "{} cannot build a connection URL for {}, which is outside the stack",
                        self.platform,
                        target.name()
                    ),
                    format!(
                        "Declare {} with External::managed(name, &url_secret), so the URL is handed over whole",
                        target.name()
                    ),
                )),
            };
        }
        if self.stack.resolve(target).is_some_and(|s| s.datastore.is_some()) {
            match output {
                Output::Url => return Ok(Value::Connection(connection(self.stack, target))),
                Output::Field(field) => {
                    return self.literal(&EnvValue::DatabaseField { service: target.clone(), field });
                }
                Output::Host | Output::Port | Output::Password => {}
            }
        }
        Ok(Value::Service { name: target.name().into(), output })
    }

    fn url(&self, service: &Service, url: &ServiceUrl) -> Result<Value<'a>, Error> {
        let name = url.service.name();
        if let Some(database) = self.database(name) {
            let same_database = url.path.is_empty()
                || database.datastore.database.as_deref().is_some_and(|d| url.path == format!("/{d}"))
                || (url.path == "/0" && matches!(database.datastore.engine, stack_dsl::Engine::Redis { .. }));
            if !same_database || url.scheme.is_some() {
                return Err(self.unsupported(
                    &service.name,
                    format!(
                        "{}'s {} gives one connection URL; {name}{} cannot be derived from it",
                        self.platform,
                        engine_name(&database.datastore),
                        url.path
                    ),
                    format!("Use {name}.database_url(), and select the database in the application"),
                ));
            }
            return Ok(Value::Database { name: name.into(), output: Output::Url });
        }
        if self.stack.external(name).is_some() {
            return self.literal(&EnvValue::Url(url.clone()));
        }
        let target = self.stack.resolve(&url.service);
        let port = url.port.or_else(|| target.and_then(|s| s.ports.first()).map(|p| p.number)).unwrap_or(80);
        let engine = target.and_then(|s| s.datastore.as_ref()).map(|d| d.engine.scheme());
        Ok(Value::ServiceUrl {
            name: name.into(),
            scheme: url.scheme.clone().or(engine.map(String::from)).unwrap_or_else(|| "http".into()),
            port,
            path: url.path.clone(),
        })
    }

    fn literal(&self, value: &EnvValue) -> Result<Value<'a>, Error> {
        Ok(match resolve(self.stack, value) {
            Resolved::Text(text) => Value::Text(text),
            _ => Value::Text(String::new()),
        })
    }
}
