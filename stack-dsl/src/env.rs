//! The environments a stack is deployed to: a stack is an ordinary Rust function of one.

use std::fmt;

/// One deployment environment.
///
/// A stack is written as a function `fn(Env) -> Stack`, so the differences between
/// environments (replicas, debug flags, managed databases, TLS) are plain `if`s and `match`es.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Env {
    /// A developer's machine: everything runs locally, usually with Docker Compose.
    Dev,
    /// A hosted copy of production for final checks before a release.
    Staging,
    /// The environment real users reach.
    Production,
}

impl Env {
    /// Every environment, in promotion order.
    pub const ALL: [Env; 3] = [Env::Dev, Env::Staging, Env::Production];

    /// The short, stable name used in file names and namespaces: `dev`, `staging`, `production`.
    pub fn name(self) -> &'static str {
        match self {
            Env::Dev => "dev",
            Env::Staging => "staging",
            Env::Production => "production",
        }
    }

    /// True for [`Env::Dev`].
    pub fn is_dev(self) -> bool {
        self == Env::Dev
    }

    /// True for [`Env::Production`].
    pub fn is_production(self) -> bool {
        self == Env::Production
    }

    /// True for the environments that run on a hosting platform (staging and production).
    pub fn is_hosted(self) -> bool {
        self != Env::Dev
    }
}

impl fmt::Display for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
