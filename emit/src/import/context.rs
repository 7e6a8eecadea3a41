//! What the import has learnt so far: the services, volumes, networks and secrets the module
//! declares (each with its variable), what was left out, and the errors found.

use indexmap::IndexMap;

pub use stack_dsl::Engine;

use super::problem::Problem;
use super::rust::Ident;
use super::tree::Node;

/// A service as other services refer to it.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    /// Its name in the stack (a DNS-1123 label).
    pub name: String,
    /// Its variable.
    pub ident: Ident,
    /// The datastore it provides, if recognised.
    pub engine: Option<Engine>,
    /// That datastore's user, database and password variable, which a client's URL must name
    /// to be its `database_url()`.
    pub identity: Option<super::datastore::Identity>,
    /// The container ports it declares, in order.
    pub ports: Vec<u16>,
    /// Another service waits for it to complete: a one-shot job.
    pub job: bool,
    /// Something refers to it, so the module keeps its reference in a variable.
    pub referenced: bool,
    /// The `Env` method that says where it runs, for a service Compose starts only with a
    /// profile (`is_production` for a `production`/`prod` profile, else `is_dev`).
    pub only_if: Option<&'static str>,
}

/// A secret the module declares.
#[derive(Debug, Clone)]
pub struct SecretInfo {
    /// Its variable.
    pub ident: Ident,
    /// What it is, shown to whoever supplies it.
    pub description: Option<String>,
    /// The services run without it.
    pub optional: bool,
}

/// A named volume or network of the stack, by its Compose name.
#[derive(Debug, Clone)]
pub struct Declared {
    /// Its variable.
    pub ident: Ident,
    /// Some service uses it.
    pub used: bool,
}

/// The import's state.
#[derive(Debug, Default, Clone)]
pub struct Context {
    /// Services by Compose name, in file order.
    pub services: IndexMap<String, ServiceInfo>,
    /// Secrets by name, in first-use order.
    pub secrets: IndexMap<String, SecretInfo>,
    /// Named volumes by Compose name.
    pub volumes: IndexMap<String, Declared>,
    /// Networks by Compose name.
    pub networks: IndexMap<String, Declared>,
    /// What the stack cannot express, listed in the module and the command's output.
    pub left_out: Vec<Problem>,
    /// Mistakes in the files: nothing is written while there are any.
    pub errors: Vec<Problem>,
    /// Names that some service takes at deploy time (a secret): a literal under the same name
    /// elsewhere becomes the same reference, since one name cannot be both.
    pub deploy_time: std::collections::BTreeSet<String>,
    /// Compose names of the services referred to since last drained (for declaration order).
    pub referred: Vec<String>,
    idents: Vec<String>,
}

impl Context {
    /// A fresh identifier near `text`; `suffix` is appended when it is taken.
    pub fn ident(&mut self, text: &str, suffix: &str) -> Ident {
        let mut ident = Ident::new(text);
        if matches!(ident.as_str(), "stack" | "env") || self.idents.iter().any(|i| i == ident.as_str()) {
            ident = Ident::new(&format!("{text}_{suffix}"));
        }
        let base = ident.as_str().to_string();
        let mut n = 2;
        while self.idents.iter().any(|i| i == ident.as_str()) {
            ident = Ident::new(&format!("{base}_{n}"));
            n += 1;
        }
        self.idents.push(ident.as_str().to_string());
        ident
    }

    /// Record that `node` says something the stack cannot express.
    pub fn leave_out(&mut self, node: &Node, message: impl Into<String>, fix: impl Into<String>) {
        self.left_out.push(node.problem(message, fix));
    }

    /// Record a mistake at `node`.
    pub fn error(&mut self, node: &Node, message: impl Into<String>, fix: impl Into<String>) {
        self.errors.push(node.problem(message, fix));
    }

    /// The variable of the secret `name`, declaring it on first use. A secret some use requires
    /// stays required.
    pub fn secret(&mut self, name: &str, description: Option<String>, optional: bool) -> Ident {
        let name = secret_name(name);
        if let Some(existing) = self.secrets.get_mut(&name) {
            existing.optional &= optional;
            if existing.description.is_none() {
                existing.description = description;
            }
            return existing.ident.clone();
        }
        let ident = self.ident(&name, "secret");
        self.secrets.insert(name, SecretInfo { ident: ident.clone(), description, optional });
        ident
    }

    /// The service reached at host name `host` (its Compose name or its stack name).
    pub fn service_at(&self, host: &str) -> Option<&ServiceInfo> {
        self.services.get(host).or_else(|| self.services.values().find(|s| s.name == host))
    }

    /// Mark the service at `host` as referred to and return its variable.
    pub fn refer(&mut self, compose_name: &str) -> Option<Ident> {
        let key = if self.services.contains_key(compose_name) {
            compose_name.to_string()
        } else {
            self.services.iter().find(|(_, s)| s.name == compose_name)?.0.clone()
        };
        let info = self.services.get_mut(&key)?;
        info.referenced = true;
        let ident = info.ident.clone();
        self.referred.push(key);
        Some(ident)
    }
}

/// A secret's name in `UPPER_SNAKE_CASE`.
pub fn secret_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// A Compose service name as a DNS-1123 label, the form service names take in the stack.
pub fn dns_label(name: &str) -> String {
    let label: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let label = label.trim_matches('-').to_string();
    if label.is_empty() { "service".into() } else { label.chars().take(63).collect() }
}
