//! The environments a stack is deployed to: a stack is an ordinary Rust function of one.
//!
//! An environment is a name and two properties: where it runs (on a developer's machine with
//! Compose, or on a hosting platform) and whether real users reach it. The three usual ones are
//! ready-made ([`Env::Dev`], [`Env::Staging`], [`Env::Production`]); a project declares any
//! other by name, such as `Env::hosted("qa")` or `Env::production("production-eu")`.

use std::fmt;

/// One deployment environment.
///
/// A stack is written as a function `fn(Env) -> Stack`, so the differences between
/// environments (replicas, debug flags, managed databases, TLS) are plain `if`s on its
/// properties ([`Env::is_production`], [`Env::is_hosted`]) or `match`es on the ready-made
/// values.
///
/// ```
/// use stack_dsl::Env;
///
/// const QA: Env = Env::hosted("qa");
/// const EU: Env = Env::production("production-eu");
///
/// assert!(QA.is_hosted() && !QA.is_production());
/// assert!(EU.is_production());
/// assert_eq!(EU.name(), "production-eu");
/// // Targets use the name: compose/compose.qa.yaml, kubernetes/production-eu/, deploy-qa.
/// let replicas = |env: Env| match env {
///     Env::Dev => 1,
///     env if env.is_production() => 3,
///     _ => 2,
/// };
/// assert_eq!([Env::Dev, QA, EU].map(replicas), [1, 2, 3]);
/// ```
///
/// Names are checked by [`crate::Project::validate`]: each is a DNS-1123 label (it names files,
/// namespaces, platform environments and workflow jobs) and appears once in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Env {
    name: &'static str,
    hosted: bool,
    production: bool,
}

// The ready-made environments are named like the enum variants they once were, so stacks read
// `Env::Production` and match on them as before.
#[allow(non_upper_case_globals)]
impl Env {
    /// A developer's machine: everything runs locally, with Docker Compose.
    pub const Dev: Env = Env::local("dev");
    /// A hosted copy of production for final checks before a release.
    pub const Staging: Env = Env::hosted("staging");
    /// The environment real users reach.
    pub const Production: Env = Env::production("production");

    /// The three usual environments, in promotion order.
    pub const ALL: [Env; 3] = [Env::Dev, Env::Staging, Env::Production];

    /// How a stack writes this environment in Rust, for fixes that show code: `Env::Production`,
    /// `Env::hosted("qa")`.
    pub fn rust_spelling(self) -> String {
        match self {
            Env::Dev => "Env::Dev".into(),
            Env::Staging => "Env::Staging".into(),
            Env::Production => "Env::Production".into(),
            Env { name, hosted: false, .. } => format!("Env::local({name:?})"),
            Env { name, production: false, .. } => format!("Env::hosted({name:?})"),
            Env { name, .. } => format!("Env::production({name:?})"),
        }
    }

    /// An environment that runs on a developer's machine with Docker Compose, like [`Env::Dev`].
    /// Hosted targets (Render, Railway, the deploy workflow) leave it out.
    pub const fn local(name: &'static str) -> Env {
        Env { name, hosted: false, production: false }
    }

    /// A hosted environment real users do not reach, like [`Env::Staging`]: `qa`, `preview`,
    /// `demo`. Every target renders it; the deploy workflow deploys it before the production
    /// environments that follow it in the project.
    pub const fn hosted(name: &'static str) -> Env {
        Env { name, hosted: true, production: false }
    }

    /// A hosted environment real users reach, like [`Env::Production`]: a regional copy such as
    /// `production-eu`. Its deploy job waits for approval like production's.
    pub const fn production(name: &'static str) -> Env {
        Env { name, hosted: true, production: true }
    }

    /// The short, stable name used in file names, namespaces and platform environments:
    /// `dev`, `staging`, `production`, `qa`, …
    pub const fn name(self) -> &'static str {
        self.name
    }

    /// True for environments that run locally (not on a hosting platform), such as [`Env::Dev`].
    pub const fn is_dev(self) -> bool {
        !self.hosted
    }

    /// True for the environments real users reach, such as [`Env::Production`].
    pub const fn is_production(self) -> bool {
        self.production
    }

    /// True for the environments that run on a hosting platform (staging, production, qa, …).
    pub const fn is_hosted(self) -> bool {
        self.hosted
    }
}

impl fmt::Display for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
