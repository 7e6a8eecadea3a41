//! The delivery pipeline a project wants: where images are pushed, which branch deploys, and
//! the platform staging and production run on. A choice among platforms is model data; how
//! each platform is driven (its files and CLIs) belongs to the emitters.

use crate::env::Env;
use crate::problem::Problem;

/// The platform a project's hosted environments (staging, production) are deployed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployTarget {
    /// A Kubernetes cluster: each environment's kustomization is applied.
    Kubernetes,
    /// Render: each built service is redeployed through Render's API.
    Render,
    /// Railway: each built service is deployed with the `railway` CLI.
    Railway,
    /// One Docker host reached over SSH, running the environment's Compose file.
    ComposeOverSsh,
}

impl DeployTarget {
    /// A short, stable name: `kubernetes`, `render`, `railway`, `compose-ssh`.
    pub fn name(self) -> &'static str {
        match self {
            DeployTarget::Kubernetes => "kubernetes",
            DeployTarget::Render => "render",
            DeployTarget::Railway => "railway",
            DeployTarget::ComposeOverSsh => "compose-ssh",
        }
    }
}

/// How a project's images are published and its environments deployed.
///
/// ```
/// use stack_dsl::{DeployTarget, Pipeline};
///
/// let pipeline = Pipeline::new("ghcr.io/acme", DeployTarget::Kubernetes).branch("trunk");
/// assert_eq!(pipeline.branch, "trunk");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pipeline {
    /// Where images are pushed, `ghcr.io/<owner>`: the workflow's own token can push there.
    pub registry: String,
    /// The platform staging and production run on.
    pub target: DeployTarget,
    /// The branch whose pushes deploy (`main` by default).
    pub branch: String,
}

impl Pipeline {
    /// Push images to `registry` (`ghcr.io/<owner>`) and deploy to `target`.
    pub fn new(registry: impl Into<String>, target: DeployTarget) -> Self {
        Pipeline { registry: registry.into(), target, branch: "main".into() }
    }

    /// Deploy on pushes to `branch` instead of `main`.
    #[must_use]
    pub fn branch(mut self, branch: impl Into<String>) -> Self {
        self.branch = branch.into();
        self
    }
}

/// The problems of a project's pipeline; `at` is the project's location.
pub(crate) fn problems(at: &str, pipeline: &Pipeline, environments: &[Env]) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut report = |field: &str, message: String, fix: String| {
        found.push(Problem { path: vec![at.into(), "pipeline".into(), field.into()], message, fix });
    };
    let owner = pipeline.registry.strip_prefix("ghcr.io/").unwrap_or("");
    let owner_ok = !owner.is_empty()
        && owner.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.');
    if !owner_ok {
        report(
            "registry",
            format!("{:?} is not ghcr.io/<owner> in lowercase", pipeline.registry),
            "Give the GitHub Container Registry namespace of the repository's owner, such as \"ghcr.io/acme\": \
             the workflow pushes with its own token, which only GHCR accepts, and image names must be lowercase"
                .into(),
        );
    }
    let branch_ok = !pipeline.branch.is_empty()
        && pipeline.branch.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !pipeline.branch.starts_with(['/', '.', '-']);
    if !branch_ok {
        report(
            "branch",
            format!("{:?} is not a plain branch name", pipeline.branch),
            "Name one branch with letters, digits, '-', '_', '.' and '/', such as \"main\"".into(),
        );
    }
    if !environments.iter().any(|env| env.is_hosted()) {
        report(
            "environments",
            "the pipeline deploys staging and production, and the project has neither".into(),
            "Either add Env::Staging or Env::Production to Project::new, or remove the pipeline".into(),
        );
    }
    found
}
