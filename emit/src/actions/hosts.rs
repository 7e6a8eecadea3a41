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

/// The GitHub variable that holds the real host of `service`'s route in each environment.
pub fn host_variable(service: &str) -> Prerequisite {
    Prerequisite::variable(
        format!("PUBLIC_HOST_{}", service.to_ascii_uppercase().replace('-', "_")),
        format!(
            "the public host name of {service} in this environment (the stack's route host is a placeholder); the \
             smoke test calls it"
        ),
    )
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
}
