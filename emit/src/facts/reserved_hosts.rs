//! Host names no public certificate authority will certify: the names reserved for examples,
//! tests and local use. An ACME order for one can never succeed: Let's Encrypt issues only for
//! names under a public suffix and refuses the example domains by policy (Boulder's policy
//! authority, `policy/pa.go`: "Domain name does not end with a valid public suffix (TLD)",
//! and `example.com` is on its blocklist, <https://github.com/OCA/server-tools/pull/2432>), and
//! cert-manager retries a failed order with exponential back-off for as long as the Ingress
//! asks for it (<https://cert-manager.io/v1.3-docs/faq>: "It will retry any failures unless
//! the Issuer gave a fatal error"). A stack that routes such a name is a placeholder waiting
//! for the team's real domain.
//!
//! - RFC 2606 §2–3 and RFC 6761 §6: the top-level names `test`, `example`, `invalid`,
//!   `localhost`, and the second-level `example.com`, `example.net`, `example.org`.
//! - RFC 6762 §3: `local` (multicast DNS). RFC 8375: `home.arpa`.
//! - ICANN Board resolution 2024.07.29.06: `internal`, for private networks.

/// Top-level names reserved for tests, examples, local and private use.
const RESERVED_TOP_LEVEL: &[&str] = &["test", "example", "invalid", "localhost", "local", "internal"];

/// Domains reserved for documentation, with every name below them.
const RESERVED_DOMAINS: &[&str] = &["example.com", "example.net", "example.org", "home.arpa"];

/// True when `host` (a DNS name, possibly a `*.` wildcard) is reserved, so no public
/// certificate authority certifies it.
pub fn is_reserved(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let top = host.rsplit('.').next().unwrap_or_default();
    RESERVED_TOP_LEVEL.contains(&top)
        || RESERVED_DOMAINS.iter().any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// True when `host`, routed in `env`, stands in for a host the team has not named yet: a
/// reserved name in a hosted environment, which no public client can reach and no certificate
/// authority certifies. Development runs on the developer's machine, where `*.localhost` is
/// the machine itself (RFC 6761 §6.3), so its reserved names are real there.
pub fn stands_in(env: stack_dsl::Env, host: &str) -> bool {
    env.is_hosted() && is_reserved(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_stand_in_only_in_hosted_environments() {
        use stack_dsl::Env;
        assert!(stands_in(Env::Production, "api.example.com"));
        assert!(stands_in(Env::Staging, "localhost"));
        assert!(!stands_in(Env::Dev, "api.localhost"));
        assert!(!stands_in(Env::Production, "api.shop.io"));
    }

    #[test]
    fn reserved_names_and_names_below_them() {
        for host in [
            "example.com",
            "api.example.com",
            "*.shop.example.org",
            "shop.test",
            "localhost",
            "db.internal",
            "nas.home.arpa",
            "API.EXAMPLE.NET.",
        ] {
            assert!(is_reserved(host), "{host}");
        }
        for host in ["dominio.com", "myexample.com", "example.com.au", "shop.example.io", "test.dev"] {
            assert!(!is_reserved(host), "{host}");
        }
    }
}
