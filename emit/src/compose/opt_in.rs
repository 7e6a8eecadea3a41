//! Services left out of a plain `up` because their image exits without a variable the stack
//! makes optional (an optional monitoring agent's key): with `restart: unless-stopped` they
//! would restart forever on every host without the key. Each gets a profile of its own name,
//! which `up` starts only when asked (`--profile <name>` or `COMPOSE_PROFILES`,
//! <https://docs.docker.com/compose/how-tos/profiles/>); the image facts say which variables an
//! image needs (`facts::images::REQUIRED_VARIABLES`).

use stack_dsl::{EnvValue, Image, Service, ValidStack};

use crate::facts::images::required_variables;

/// The optional secret `service`'s image exits without, if any: its variable and the secret.
pub fn needed_optional_secret<'a>(stack: &'a ValidStack, service: &'a Service) -> Option<(&'static str, &'a str)> {
    let Image::Registry(reference) = &service.image else { return None };
    required_variables(reference).find_map(|required| {
        match service.env.iter().find(|(name, _)| name == required.variable) {
            Some((_, EnvValue::Secret(secret))) => stack
                .secrets
                .iter()
                .find(|s| s.name == secret.name() && s.optional)
                .map(|s| (required.variable, s.name.as_str())),
            _ => None,
        }
    })
}

/// The header lines saying how to start each opt-in service.
pub fn notes(stack: &ValidStack) -> Vec<String> {
    stack
        .services()
        .filter_map(|service| {
            let (variable, secret) = needed_optional_secret(stack, service)?;
            Some(format!(
                "{name} starts only with --profile {name} (or COMPOSE_PROFILES={name}) once {secret} is set: its image exits without {variable}",
                name = service.name
            ))
        })
        .collect()
}

/// A service that waits for an opt-in one: `up` refuses the project while the dependency's
/// profile is off (the dependent names a service Compose leaves out). The first such service,
/// with the reason and the fix.
pub fn waiting_on_opt_in(stack: &ValidStack) -> Option<(String, String, String)> {
    let opt_in: Vec<&str> =
        stack.services().filter(|s| needed_optional_secret(stack, s).is_some()).map(|s| s.name.as_str()).collect();
    stack.services().find_map(|service| {
        let dependency = service.depends_on.iter().find(|d| opt_in.contains(&d.service.name()))?;
        let name = dependency.service.name();
        Some((
            service.name.clone(),
            format!("it waits for {name}, which starts only with its profile because its image exits without its optional key, so up would refuse the file"),
            format!("drop the dependency on {name}, or make {name}'s key a required secret"),
        ))
    })
}
