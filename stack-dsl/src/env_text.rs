//! How an environment is written in stack files and model files: the ready-made ones by name
//! (`dev`, `staging`, `production`), any other by name and kind (`qa:hosted`,
//! `production-eu:production`, `dev-arm:local`), so a file says everything `Env::hosted("qa")`
//! says in Rust and reads back as the same value.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::env::Env;

const KINDS: [&str; 3] = ["local", "hosted", "production"];

impl Env {
    /// The text a stack file uses for this environment.
    fn text(self) -> String {
        if Env::ALL.contains(&self) {
            return self.name().into();
        }
        let kind = if !self.is_hosted() {
            "local"
        } else if self.is_production() {
            "production"
        } else {
            "hosted"
        };
        format!("{}:{kind}", self.name())
    }

    /// The environment a stack file names, or why the text names none.
    fn from_text(text: &str) -> Result<Env, String> {
        if let Some(known) = Env::ALL.into_iter().find(|env| env.name() == text) {
            return Ok(known);
        }
        let Some((name, kind)) = text.split_once(':') else {
            return Err(format!(
                "{text:?} is not dev, staging or production: give its kind too, such as \"{text}:hosted\" \
                 (one of {})",
                KINDS.join(", ")
            ));
        };
        let name = intern(name);
        match kind {
            "local" => Ok(Env::local(name)),
            "hosted" => Ok(Env::hosted(name)),
            "production" => Ok(Env::production(name)),
            _ => Err(format!("{kind:?} is not an environment kind: use one of {}", KINDS.join(", "))),
        }
    }
}

/// Environment names read from files live as long as the program, like the `&'static str` of
/// one written in Rust; each distinct name is kept once, however many files name it.
fn intern(name: &str) -> &'static str {
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(kept) = names.get(name) {
        return kept;
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(kept);
    kept
}

impl Serialize for Env {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for Env {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Env, D::Error> {
        let text = String::deserialize(deserializer)?;
        Env::from_text(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Env {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Env".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "dev, staging or production, or another environment as name:kind (kind: local, hosted or production)",
            "type": "string",
            "pattern": "^(dev|staging|production|[a-z0-9]([-a-z0-9]*[a-z0-9])?:(local|hosted|production))$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_environment_reads_back_as_itself() {
        for env in [
            Env::Dev,
            Env::Staging,
            Env::Production,
            Env::local("dev-arm"),
            Env::hosted("qa"),
            Env::production("production-eu"),
        ] {
            let text = serde_json::to_string(&env).unwrap();
            assert_eq!(serde_json::from_str::<Env>(&text).unwrap(), env, "{text}");
        }
        assert_eq!(serde_json::to_string(&Env::hosted("qa")).unwrap(), "\"qa:hosted\"");
    }

    #[test]
    fn an_unknown_name_without_a_kind_says_how_to_write_it() {
        let error = serde_json::from_str::<Env>("\"qa\"").unwrap_err().to_string();
        assert!(error.contains("\"qa:hosted\""), "{error}");
        let error = serde_json::from_str::<Env>("\"qa:cloud\"").unwrap_err().to_string();
        assert!(error.contains("local, hosted, production"), "{error}");
    }
}
