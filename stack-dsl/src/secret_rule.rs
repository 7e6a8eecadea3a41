//! The rule that keeps secret values out of the model: a variable or build argument whose name
//! looks like a secret (`DB_PASS`, `JWT_KEY`, `AWS_SECRET_ACCESS_KEY`, `NPM_TOKEN`) must not be
//! given a literal value, because every target would write that value into its files.
//!
//! The rare name that only looks secret (`NEXT_PUBLIC_MAPS_KEY`, a public key) is declared with
//! [`Service::not_secret`]; the opt-out is explicit and easy to grep for.

use crate::image::Image;
use crate::problem::Problem;
use crate::reference::EnvValue;
use crate::service::Service;

/// Last words of a name that mark its value as secret. Only the last word (or a `SECRET_KEY` /
/// `PRIVATE_KEY` pair anywhere), so settings such as `ACCESS_TOKEN_EXPIRE_MINUTES` or
/// `PASSWORD_MIN_LENGTH` stay plain values.
const SECRET_LAST_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "PASSPHRASE",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "TOKENS",
    "KEY",
    "KEYS",
    "APIKEY",
    "CREDENTIAL",
    "CREDENTIALS",
    "CREDS",
    "PRIVATE",
    "SALT",
    "AUTH",
];

/// Endings of a last word written without separators (`PGPASSWORD`, `MYSQLPASSWORD`).
const SECRET_WORD_ENDINGS: &[&str] = &["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY"];

/// Word pairs that mark a name as secret wherever they appear (Rails' `SECRET_KEY_BASE`).
const SECRET_WORD_PAIRS: &[[&str; 2]] = &[["SECRET", "KEY"], ["PRIVATE", "KEY"], ["CLIENT", "SECRET"]];

/// True when a variable or build argument named `name` looks like it holds a secret.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    let last = words.last().is_some_and(|last| {
        SECRET_LAST_WORDS.contains(last) || SECRET_WORD_ENDINGS.iter().any(|ending| last.ends_with(ending))
    });
    last || words.windows(2).any(|pair| SECRET_WORD_PAIRS.iter().any(|p| p[0] == pair[0] && p[1] == pair[1]))
}

/// True for a data source name that carries a password: a URL (`postgresql://u:p@host/db`) or a
/// driver DSN without a scheme (`user:pass@tcp(host:3306)/db`).
pub(crate) fn dsn_has_password(text: &str) -> bool {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let authority = match rest.rsplit_once('@') {
        Some((userinfo, _)) => userinfo,
        None => return false,
    };
    authority.rsplit('/').next().unwrap_or(authority).split_once(':').is_some_and(|(_, pass)| !pass.is_empty())
}

impl Service {
    /// Declare that the variable or build argument `name` is not a secret although its name
    /// looks like one (a public key, a publishable token), so a literal value is allowed.
    #[must_use]
    pub fn not_secret(mut self, name: impl Into<String>) -> Self {
        self.not_secret.push(name.into());
        self
    }
}

/// The secret-looking literals of a service; `at` is its location, `declared` the stack's
/// secret names (a literal under a declared secret's name is reported by validation itself).
pub(crate) fn problems(at: &[String], service: &Service, declared: &dyn Fn(&str) -> bool) -> Vec<Problem> {
    let mut found = Vec::new();
    let opted_out = |name: &str| service.not_secret.iter().any(|n| n == name);
    let mut report = |field: String, message: &str, fix: String| {
        let mut path = at.to_vec();
        path.push(field);
        found.push(Problem { path, message: message.into(), fix });
    };
    for (name, value) in &service.env {
        let EnvValue::Literal(text) = value else { continue };
        // A URL with a password is reported by validation itself, whatever the name.
        if text.is_empty() || declared(name) || opted_out(name) || (text.contains("://") && dsn_has_password(text)) {
            continue;
        }
        if looks_secret(name) {
            report(
                format!("env {name}"),
                "the name looks like a secret but the value is a literal, which every target would write into its files",
                format!(
                    "Declare it with stack.add_secret(Secret::new({name:?})) and pass the reference; \
                     if the value is not secret, say so with .not_secret({name:?})"
                ),
            );
        } else if upper_last_word(name) == "DSN" && dsn_has_password(text) {
            report(
                format!("env {name}"),
                "the DSN carries a password in plain text",
                "Move the whole DSN into a secret (stack.add_secret) and pass the reference".into(),
            );
        }
    }
    if let Image::Build(build) = &service.image {
        for (name, value) in &build.args {
            if value.is_empty() || opted_out(name) || !looks_secret(name) {
                continue;
            }
            report(
                format!("build arg {name}"),
                "the name looks like a secret but build arguments are written into the pipeline and Compose files and kept in the image's history",
                format!(
                    "Remove the argument and read the value at run time from a declared secret \
                     (see https://docs.docker.com/build/building/secrets/); if it is not secret, say so with .not_secret({name:?})"
                ),
            );
        }
    }
    for name in &service.not_secret {
        let in_env = service.env.iter().any(|(n, _)| n == name);
        let in_args = matches!(&service.image, Image::Build(b) if b.args.contains_key(name));
        if !in_env && !in_args {
            report(
                format!("not_secret {name}"),
                "the service sets no variable or build argument of that name",
                format!("Remove .not_secret({name:?}), or correct the name"),
            );
        }
    }
    found
}

fn upper_last_word(name: &str) -> String {
    name.rsplit('_').next().unwrap_or(name).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_look_secret() {
        for name in [
            "DB_PASSWORD",
            "DB_PASS",
            "MYSQL_PWD",
            "JWT_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "NPM_TOKEN",
            "GITHUB_TOKEN",
            "SECRET_KEY_BASE",
            "OAUTH_CLIENT_SECRET",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "SSH_PRIVATE",
            "stripe_api_key",
            "BASIC_AUTH",
            "PASSWORD",
            "PGPASSWORD",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "ACCESS_TOKEN_EXPIRE_MINUTES",
            "PASSWORD_MIN_LENGTH",
            "LOG_LEVEL",
            "KEYCLOAK_URL",
            "DB_PASSWORD_FILE",
            "MONKEY",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn data_source_names_with_passwords() {
        assert!(dsn_has_password("postgresql://shop:hunter2@db:5432/shop"));
        assert!(dsn_has_password("shop:hunter2@tcp(db:3306)/shop"));
        assert!(!dsn_has_password("https://public@o1.ingest.sentry.io/1"));
        assert!(!dsn_has_password("host=db dbname=shop"));
    }
}
