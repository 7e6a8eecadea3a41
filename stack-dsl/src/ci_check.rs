//! Checks a pipeline runs on a service's source before its image is built: linters, type
//! checks, tests. Each runs as a shell command in the service's build context on a GitHub-hosted
//! runner (Ubuntu, with Node.js, Python, Go, Rust and Docker installed). The runner's own Node.js
//! and Python change with its image, so a check names the [`Toolchain`] version it needs.
//!
//! Runner software: <https://github.com/actions/runner-images/blob/main/images/ubuntu/Ubuntu2404-Readme.md>

use crate::image::Image;
use crate::problem::Problem;
use crate::service::Service;

/// One check of a service's source, such as `CiCheck::new("lint", "npm ci && npm run lint")`.
///
/// Named `CiCheck` rather than `Check` because [`crate::Check`] is what a health probe does.
///
/// ```
/// use stack_dsl::{CiCheck, Image, Service};
///
/// let api = Service::new("api", Image::build("backend"))
///     .check(CiCheck::new("tests", "pip install -r requirements.txt && pytest"));
/// assert_eq!(api.checks[0].name, "tests");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CiCheck {
    /// A short name shown in the pipeline, such as `lint` or `tests`.
    pub name: String,
    /// The shell command line (`bash -e`), run in the service's build context.
    pub run: String,
    /// The language runtime the command needs, installed at that version before it runs.
    pub toolchain: Option<Toolchain>,
}

impl CiCheck {
    /// A check called `name` that runs `run` in the service's build context.
    pub fn new(name: impl Into<String>, run: impl Into<String>) -> Self {
        CiCheck { name: name.into(), run: run.into(), toolchain: None }
    }

    /// Run the check on `toolchain` rather than whatever the runner ships.
    #[must_use]
    pub fn toolchain(mut self, toolchain: Toolchain) -> Self {
        self.toolchain = Some(toolchain);
        self
    }
}

/// A language runtime at a version, such as `Toolchain::Node("22".into())`: the version the
/// service's image uses, so the checks see what production runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Toolchain {
    /// Node.js, by version (`"22"`, `"22.11.0"`).
    Node(String),
    /// CPython, by version (`"3.12"`).
    Python(String),
}

/// The problems of a service's checks; `at` is the service's location.
pub(crate) fn problems(at: &[String], service: &Service) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut report = |check: &str, message: String, fix: &str| {
        let mut path = at.to_vec();
        path.push(format!("check {check}"));
        found.push(Problem { path, message, fix: fix.into() });
    };
    for (i, check) in service.checks.iter().enumerate() {
        if matches!(service.image, Image::Registry(_)) {
            report(
                &check.name,
                "checks run in the service's build context, and the service pulls a prebuilt image".into(),
                "Either build the image from source with Image::build, or attach the check to the service that builds it",
            );
        }
        if check.name.trim().is_empty() || check.run.trim().is_empty() {
            report(
                &check.name,
                "the check's name or command is empty".into(),
                "Give the check a short name and a command, such as CiCheck::new(\"lint\", \"npm run lint\")",
            );
        }
        let version = match &check.toolchain {
            Some(Toolchain::Node(v) | Toolchain::Python(v)) => Some(v),
            None => None,
        };
        if version.is_some_and(|v| v.is_empty() || !v.chars().all(|c| c.is_ascii_digit() || c == '.')) {
            report(
                &check.name,
                "the toolchain's version is not a version number".into(),
                "Give the version the service's image runs, such as Toolchain::Node(\"22\".into())",
            );
        }
        if service.checks[..i].iter().any(|earlier| earlier.name == check.name) {
            report(&check.name, "two checks of the service share this name".into(), "Give each check its own name");
        }
    }
    found
}
