//! Environment values: literals, `secretKeyRef`s to the stack's Secret, and connection URLs
//! whose password is a secret expanded by Kubernetes (`$(NAME)`):
//! <https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/>.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, SecretKeySelector};
use stack_dsl::{DOCKER_HOST, EnvValue, Service, ValidStack};

use super::{env_group, external};

use crate::endpoint::{Resolved, resolve};
use crate::error::Error;

/// The name of the Secret that holds every secret of the stack, one key per secret.
pub fn secret_name(stack: &ValidStack) -> String {
    format!("{}-secrets", stack.name)
}

/// The container's environment, and the secret keys it reads.
pub fn container_env(stack: &ValidStack, service: &Service) -> Result<(Vec<EnvVar>, BTreeSet<String>), Error> {
    let mut vars: Vec<EnvVar> = Vec::new();
    let mut keys = BTreeSet::new();
    let secret = |key: &str| EnvVar {
        name: key.to_string(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret_name(stack),
                key: key.to_string(),
                // A `Secret::optional` may be absent from the Secret; the container starts without it.
                optional: Some(stack.secrets.iter().any(|s| s.name == key && s.optional)),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let from_groups = env_group::from_config_maps(stack, service);
    for (name, value) in &service.env {
        match in_pods(stack, value) {
            Resolved::Text(_) if from_groups.contains(name.as_str()) => {}
            Resolved::Text(text) => vars.push(literal(name, &text)),
            Resolved::Secret(reference) => {
                keys.insert(reference.name().to_string());
                if !vars.iter().any(|v| v.name == *name) {
                    vars.push(EnvVar { name: name.clone(), ..secret(reference.name()) });
                }
            }
            Resolved::Connection(connection) => {
                // The password must be a variable defined before the URL that expands it.
                if let Some(password) = &connection.password {
                    let key = password.name();
                    keys.insert(key.to_string());
                    match vars.iter().find(|v| v.name == key) {
                        Some(existing) if *existing != secret(key) => {
                            return Err(clash(service, key, name));
                        }
                        Some(_) => {}
                        None if defines_otherwise(service, key, value) => return Err(clash(service, key, name)),
                        None => vars.push(secret(key)),
                    }
                }
                vars.push(EnvVar {
                    name: name.clone(),
                    value: Some(connection.spell(|s| format!("$({})", s.name()))),
                    ..Default::default()
                });
            }
        }
    }
    Ok((vars, keys))
}

/// `value` as pods see it: a dependency on the Docker host is reached through the external's
/// ExternalName Service, since pods have no Docker host.
pub fn in_pods(stack: &ValidStack, value: &EnvValue) -> Resolved {
    let mut resolved = resolve(stack, value);
    if let Some(alias) = external::cluster_alias(stack, value) {
        match &mut resolved {
            Resolved::Text(text) => *text = text.replacen(DOCKER_HOST, alias, 1),
            Resolved::Connection(connection) => connection.host = alias.to_string(),
            Resolved::Secret(_) => {}
        }
    }
    resolved
}

/// Kubernetes expands `$(NAME)` in values; a literal `$(` is written `$$(`.
fn literal(name: &str, text: &str) -> EnvVar {
    EnvVar { name: name.to_string(), value: Some(text.replace("$(", "$$(")), ..Default::default() }
}

/// True when the service sets `key` itself to something other than the secret `key`.
fn defines_otherwise(service: &Service, key: &str, url: &EnvValue) -> bool {
    service
        .env
        .iter()
        .any(|(name, value)| name == key && value != url && !matches!(value, EnvValue::Secret(s) if s.name() == key))
}

fn clash(service: &Service, key: &str, url: &str) -> Error {
    Error::Unsupported {
        target: "kubernetes",
        service: service.name.clone(),
        reason: format!("{url} expands the secret {key} as $({key}), but the service sets {key} to something else"),
        fix: format!("Either rename the service's own {key} variable, or set it to the secret {key}"),
    }
}
