//! Which public hosts a pipeline may call. A route host under a name reserved for examples
//! (RFC 2606: `example.com`, `.example`, `.test`, `.invalid`, `.localhost`) is a placeholder:
//! the stack does not own it, so the smoke test never calls it and reads the environment's real
//! host from a GitHub variable instead. `localhost` is not public either.
//!
//! RFC 2606 §2–3: <https://www.rfc-editor.org/rfc/rfc2606>; RFC 6761 §6: <https://www.rfc-editor.org/rfc/rfc6761>.

use super::prerequisites::Prerequisite;

/// Second-level names reserved for documentation (RFC 2606 §3).
const EXAMPLE_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

/// Top-level names reserved for testing, examples and local use (RFC 2606 §2).
const RESERVED_TLDS: [&str; 4] = ["example", "test", "invalid", "localhost"];

/// Whether `host` is a placeholder no stack can own.
pub fn is_placeholder(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let tld = host.rsplit('.').next().unwrap_or("");
    host == "localhost"
        || RESERVED_TLDS.contains(&tld)
        || EXAMPLE_DOMAINS.iter().any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// The repository variable that holds the real host of `service`'s route in `env`.
pub fn host_variable(service: &str, env: &str) -> Prerequisite {
    let name = |s: &str| s.to_ascii_uppercase().replace('-', "_");
    Prerequisite::repository_variable(
        format!("PUBLIC_HOST_{}_{}", name(service), name(env)),
        format!(
            "the public host name of {service} in {env} (the stack's route host is a placeholder); the smoke test \
             calls it and front ends built with it bake it in"
        ),
    )
}

/// `text` with every placeholder route host of `routes` (host, service) replaced by the
/// expression of its variable in `env`, and the variables it now reads.
pub fn with_real_hosts(text: &str, routes: &[(String, String)], env: &str) -> (String, Vec<Prerequisite>) {
    let mut text = text.to_string();
    let mut read = Vec::new();
    // Longest first, so `api.example.com` is not half-replaced by a route of `example.com`.
    let mut routes: Vec<&(String, String)> = routes.iter().filter(|(host, _)| is_placeholder(host)).collect();
    routes.sort_by_key(|(host, _)| std::cmp::Reverse(host.len()));
    for (host, service) in routes {
        let variable = host_variable(service, env);
        let replaced = replace_host(&text, host, &variable.reference());
        if replaced != text {
            text = replaced;
            read.push(variable);
        }
    }
    (text, read)
}

/// `text` with `host` replaced where it stands as a whole host name (after `//` and before
/// `/`, `:` or the end), so `api.example.com` does not match inside `staging.api.example.com`.
fn replace_host(text: &str, host: &str, by: &str) -> String {
    let from = format!("//{host}");
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(&from) {
        let after = &rest[at + from.len()..];
        let whole = after.is_empty() || after.starts_with(['/', ':', '\n', '"', '\'']);
        out.push_str(&rest[..at + 2]);
        out.push_str(if whole { by } else { host });
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_are_placeholders() {
        for host in ["example.com", "api.example.com", "app.example.org", "x.test", "a.example", "localhost"] {
            assert!(is_placeholder(host), "{host}");
        }
        for host in ["neosale.com.br", "examples.com", "api.metabuilder.io", "example.com.br"] {
            assert!(!is_placeholder(host), "{host}");
        }
    }

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
