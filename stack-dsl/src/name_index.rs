//! Lookups by name in a validated stack, in constant time: emitters resolve a reference per
//! service, per env value and per dependency, and a search through the stack's lists for each
//! would cost the square of the services (20,000 services take seconds instead of
//! milliseconds).

use std::collections::HashMap;

use crate::external::External;
use crate::secret::Secret;
use crate::service::Service;
use crate::stack::Stack;
use crate::validate::ValidStack;
use crate::volume::Volume;

/// Where each service, external, volume and secret of a stack sits in its list, by name (the
/// first of equal names, as a search would find).
#[derive(Debug, Clone, Default)]
pub(crate) struct NameIndex {
    services: HashMap<String, usize>,
    externals: HashMap<String, usize>,
    volumes: HashMap<String, usize>,
    secrets: HashMap<String, usize>,
}

/// Each name of `names` with its position, the first of equal names kept.
fn positions<'a>(names: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (at, name) in names.enumerate() {
        index.entry(name.clone()).or_insert(at);
    }
    index
}

impl NameIndex {
    /// The index of `stack` as it is now; the stack must not change afterwards.
    pub(crate) fn of(stack: &Stack) -> Self {
        NameIndex {
            services: positions(stack.services.iter().map(|s| &s.name)),
            externals: positions(stack.externals.iter().map(|e| &e.name)),
            volumes: positions(stack.volumes.iter().map(|v| &v.name)),
            secrets: positions(stack.secrets.iter().map(|s| &s.name)),
        }
    }

    /// The position of the service named `name` in [`Stack::services`].
    pub(crate) fn service(&self, name: &str) -> Option<usize> {
        self.services.get(name).copied()
    }

    /// The position of the external named `name` in [`Stack::externals`].
    pub(crate) fn external(&self, name: &str) -> Option<usize> {
        self.externals.get(name).copied()
    }

    /// The position of the volume named `name` in [`Stack::volumes`].
    pub(crate) fn volume(&self, name: &str) -> Option<usize> {
        self.volumes.get(name).copied()
    }

    /// The position of the secret named `name` in [`Stack::secrets`].
    pub(crate) fn secret(&self, name: &str) -> Option<usize> {
        self.secrets.get(name).copied()
    }
}

impl ValidStack {
    /// The service with this name, if any (by index, unlike [`Stack::service`]).
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.index.service(name).map(|at| &self.services[at])
    }

    /// The external dependency with this name, if any (by index, unlike [`Stack::external`]).
    pub fn external(&self, name: &str) -> Option<&External> {
        self.index.external(name).map(|at| &self.externals[at])
    }

    /// The named volume with this name, if any.
    pub fn volume(&self, name: &str) -> Option<&Volume> {
        self.index.volume(name).map(|at| &self.volumes[at])
    }

    /// The secret with this name, if any.
    pub fn secret(&self, name: &str) -> Option<&Secret> {
        self.index.secret(name).map(|at| &self.secrets[at])
    }
}

#[cfg(test)]
mod tests {
    use crate::{Env, External, Image, Mount, Port, Secret, Service, Stack, Volume};

    #[test]
    fn each_lookup_finds_what_a_search_of_the_lists_finds() {
        let mut stack = Stack::new("shop");
        let password = stack.add_secret(Secret::new("DB_PASSWORD"));
        let data = stack.add_volume(Volume::persistent("data"));
        let billing = stack.add_external(External::at("billing", "billing.example.com", 443));
        for name in ["web", "api", "worker"] {
            stack.add_service(
                Service::new(name, Image::new("shop:1"))
                    .port(Port::http(3000))
                    .env("DB_PASSWORD", &password)
                    .env("BILLING_HOST", billing.host()),
            );
        }
        stack.add_service(Service::new("files", Image::new("files:1")).mount(Mount::volume(&data, "/data")));
        let plain = stack.clone();
        let valid = stack.validate(Env::Production).expect("a valid stack");

        for name in ["web", "api", "worker", "files", "billing", "data", "DB_PASSWORD", "missing"] {
            assert_eq!(valid.service(name), plain.service(name), "service {name}");
            assert_eq!(valid.external(name), plain.external(name), "external {name}");
            assert_eq!(valid.volume(name), plain.volumes.iter().find(|v| v.name == name), "volume {name}");
            assert_eq!(valid.secret(name), plain.secrets.iter().find(|s| s.name == name), "secret {name}");
        }
        assert_eq!(valid.service("api").map(|s| &s.name), Some(&"api".to_string()));
    }
}
