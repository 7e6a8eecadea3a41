//! Secrets: declared once, named like the variable a user sets, declared wherever referenced, and never
//! given as a plain value.

use std::collections::HashSet;

use super::Checker;
use crate::name::is_env_name;

impl<'a> Checker<'a> {
    pub(super) fn check_secret_names(&mut self) {
        let mut seen = HashSet::new();
        for secret in &self.stack.secrets {
            let path = format!("secret {}", secret.name);
            if !seen.insert(secret.name.as_str()) {
                self.report(
                    &[&path],
                    "the secret is declared twice",
                    "Declare each secret once and reuse its reference",
                );
            }
            let upper = secret.name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !is_env_name(&secret.name) || !upper {
                self.report(
                    &[&path],
                    format!("the secret name {:?} is not an UPPER_SNAKE_CASE variable name", secret.name),
                    format!(
                        "Name it like {:?}: it is also the variable a user sets",
                        secret.name.to_ascii_uppercase().replace(['-', '.', ' '], "_")
                    ),
                );
            }
        }
    }

    pub(super) fn check_secret_declared(&mut self, path: &[&str], name: &str) {
        if !self.secrets.contains(name) {
            self.report(
                path,
                format!("secret {name} is not declared in the stack"),
                crate::suggest::fix_with_suggestion(
                    name,
                    self.stack.secrets.iter().map(|s| s.name.as_str()),
                    format!("Declare it with stack.add_secret(Secret::new({name:?})) and use the returned reference"),
                ),
            );
        }
    }

    pub(super) fn check_literal(&mut self, at: &str, path: &str, name: &str, text: &str) {
        if let Some(secret) = self.secrets.get(name) {
            self.report(
                &[at, path],
                format!("{secret} is declared as a secret but given here as a plain value"),
                format!("Pass the secret's reference instead: .env({name:?}, &{})", name.to_ascii_lowercase()),
            );
        } else if url_has_password(text) {
            self.report(
                &[at, path],
                "the URL carries a password in plain text",
                "Reference the database instead (db.database_url()), or move the URL into a secret",
            );
        }
    }
}

/// True for URLs such as `postgresql://user:pass@host/db`, whose password would leak.
fn url_has_password(text: &str) -> bool {
    let Some((_, rest)) = text.split_once("://") else { return false };
    let authority = rest.split('/').next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.split_once(':').is_some_and(|(_, pass)| !pass.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn passwords_in_urls_are_spotted() {
        assert!(url_has_password("postgresql://anb_user:anb_password@postgres:5432/anb_db"));
        assert!(!url_has_password("redis://redis:6379/0"));
        assert!(!url_has_password("https://api.example.com"));
        assert!(!url_has_password("postgresql://user@db/x"));
    }
}
