//! Which public hosts a pipeline may call. A route host reserved for examples is a placeholder
//! (`facts/reserved_hosts.rs`, the one list of them): the stack does not own it, so the smoke
//! test never calls it and reads the environment's real host from a GitHub variable instead,
//! the same one the Compose deploy hands to the host as `PUBLIC_HOST_<SERVICE>`.

use super::prerequisites::Prerequisite;

/// The repository variable that holds the real host of `service`'s route in `env`.
pub fn host_variable(service: &str, env: &str) -> Prerequisite {
    Prerequisite::repository_variable(
        crate::public_origin::variable_in(service, env),
        format!(
            "the public host name of {service} in {env} (the stack's route host is a placeholder); the smoke test \
             calls it, front ends built with it bake it in, and a Compose deploy hands it to the host as {}",
            crate::public_origin::variable(service)
        ),
    )
    .holding_a_host_name()
}

/// `text` with every placeholder route host of `routes` (host, service) replaced by the
/// expression of its variable in `env`, and the variables it now reads.
pub fn with_real_hosts(text: &str, routes: &[(String, String)], env: &str) -> (String, Vec<Prerequisite>) {
    let mut placeholders: Vec<(&str, &str)> = routes
        .iter()
        .filter(|(host, _)| crate::facts::reserved_hosts::is_reserved(host))
        .map(|(host, service)| (host.as_str(), service.as_str()))
        .collect();
    placeholders.sort_by_key(|(host, _)| std::cmp::Reverse(host.len()));
    let (text, read) =
        crate::public_origin::spell_hosts(text, &placeholders, |service| host_variable(service, env).reference());
    (text, read.into_iter().map(|service| host_variable(service, env)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_hosts_become_variables_where_they_stand_whole() {
        let routes =
            [("example.com".to_string(), "web".to_string()), ("api.example.com".to_string(), "api".to_string())];
        let (text, read) =
            with_real_hosts("URL=https://api.example.com/v1\nWEB=https://example.com", &routes, "staging");
        assert_eq!(
            text,
            "URL=https://${{ vars.PUBLIC_HOST_API_STAGING }}/v1\nWEB=https://${{ vars.PUBLIC_HOST_WEB_STAGING }}"
        );
        assert_eq!(read.len(), 2);
        let (kept, none) = with_real_hosts("https://staging.api.example.com", &routes[1..], "staging");
        assert_eq!((kept.as_str(), none.len()), ("https://staging.api.example.com", 0));
    }
}
