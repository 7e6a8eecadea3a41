//! Secrets that end up inside a connection URL (`postgresql://user:<password>@host/db`).
//!
//! Compose (`${VAR}`, <https://docs.docker.com/reference/compose-file/interpolation/>) and
//! Kubernetes (`$(VAR)`, <https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/>)
//! paste the value into the URL as it is, without percent-encoding, so a password holding
//! `@`, `:`, `/`, `?` or `#` breaks the URL. The value is unknown until deploy time, so the
//! targets say so where the user supplies it.

use std::collections::HashSet;

use crate::reference::EnvValue;
use crate::stack::Stack;

/// What to tell whoever supplies such a secret, after "The value": only RFC 3986 unreserved
/// characters survive unencoded. (Percent-encoding the value is no way out: the database
/// server receives the same secret and would take the encoded text as the password.)
pub const URL_SAFE_PASSWORD: &str =
    "is placed inside a connection URL as it is, so use only letters, digits and - . _ ~ in it";

/// The secrets of `stack` that some service receives inside a database URL, in declaration order.
pub fn secrets_inside_urls(stack: &Stack) -> Vec<&str> {
    // Sets, so that a stack where every service reaches the database costs time in proportion
    // to its services.
    let referenced: HashSet<&str> = stack
        .services
        .iter()
        .flat_map(|s| &s.env)
        .filter_map(|(_, value)| match value {
            EnvValue::DatabaseUrl(target) => Some(target.name()),
            _ => None,
        })
        .collect();
    let passwords: HashSet<&str> = stack
        .services
        .iter()
        .filter(|s| referenced.contains(s.name.as_str()))
        .filter_map(|s| s.datastore.as_ref()?.password.as_ref())
        .map(|secret| secret.name())
        .collect();
    stack.secrets.iter().map(|s| s.name.as_str()).filter(|name| passwords.contains(name)).collect()
}
