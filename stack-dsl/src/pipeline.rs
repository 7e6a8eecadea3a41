//! The delivery pipeline a project wants: where images are pushed, which branch deploys, and
//! the platform staging and production run on. A choice among platforms is model data; how
//! each platform is driven (its files and CLIs) belongs to the emitters.

use crate::env::Env;
use crate::problem::Problem;

/// The platform a project's hosted environments (staging, production) are deployed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
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
    /// The platform and the file that describes it there, for messages.
    fn platform(self) -> &'static str {
        match self {
            DeployTarget::Kubernetes => "Kubernetes (kubernetes/<env>)",
            DeployTarget::Render => "Render's Blueprint (render.yaml)",
            DeployTarget::Railway => "Railway's program (.railway/railway.ts)",
            DeployTarget::ComposeOverSsh => "Compose over SSH (compose/compose.<env>.yaml)",
        }
    }

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

/// Where a pipeline pushes its images: a GitHub Container Registry namespace, the only registry
/// the workflow's own token can push to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Registry {
    /// `ghcr.io/<owner>`, the owner of the repository the workflow runs in, lower-cased (image
    /// names must be lowercase; GitHub owner names need not be).
    RepositoryOwner,
    /// A namespace the project names, such as `ghcr.io/acme`.
    Named(String),
}

impl Registry {
    /// The namespace as a committed file can name it: the project's, or `None` when the
    /// workflow takes the repository owner's at run time.
    pub fn named(&self) -> Option<&str> {
        match self {
            Registry::Named(namespace) => Some(namespace),
            Registry::RepositoryOwner => None,
        }
    }

    /// The registry's host (`ghcr.io`), which platforms and clusters store pull credentials under.
    pub fn host(&self) -> &str {
        match self {
            Registry::Named(namespace) => namespace.split('/').next().unwrap_or(namespace),
            Registry::RepositoryOwner => "ghcr.io",
        }
    }
}

/// How a project's images are published and its environments deployed.
///
/// ```
/// use stack_dsl::{DeployTarget, Pipeline, Registry};
///
/// // Kubernetes and Compose over SSH take the image's namespace from the workflow, which pushes
/// // to the repository owner's; Render and Railway files name it, so the project does.
/// let pipeline = Pipeline::new(DeployTarget::Kubernetes).branch("trunk");
/// assert_eq!((pipeline.branch.as_str(), &pipeline.registry), ("trunk", &Registry::RepositoryOwner));
/// let named = Pipeline::new(DeployTarget::Render).registry("ghcr.io/acme");
/// assert_eq!(named.registry, Registry::Named("ghcr.io/acme".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Pipeline {
    /// Where images are pushed: the repository owner's GHCR namespace unless the project names one.
    pub registry: Registry,
    /// The platform staging and production run on.
    pub target: DeployTarget,
    /// The branch whose pushes deploy (`main` by default).
    pub branch: String,
    /// Tags starting with this prefix (`v` for SemVer `vX.Y.Z` releases) may be deployed again by
    /// hand, through the same build, scan, checks and approvals as a push.
    pub redeploy_tags: Option<String>,
}

impl Pipeline {
    /// Push images to the repository owner's GHCR namespace and deploy to `target`.
    pub fn new(target: DeployTarget) -> Self {
        Pipeline { registry: Registry::RepositoryOwner, target, branch: "main".into(), redeploy_tags: None }
    }

    /// Push images to `registry` (`ghcr.io/<owner>`) instead of the repository owner's namespace.
    #[must_use]
    pub fn registry(mut self, registry: impl Into<String>) -> Self {
        self.registry = Registry::Named(registry.into());
        self
    }

    /// Let a person deploy a tag starting with `prefix` again (`"v"` for `v1.0.0`), to go back
    /// to an earlier release.
    #[must_use]
    pub fn redeploy_tags(mut self, prefix: impl Into<String>) -> Self {
        self.redeploy_tags = Some(prefix.into());
        self
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
    if let Registry::Named(registry) = &pipeline.registry
        && !is_ghcr_namespace(registry)
    {
        report(
            "registry",
            format!("{registry:?} is not ghcr.io/<owner> in lowercase"),
            "Give the GitHub Container Registry namespace of the repository's owner, such as \"ghcr.io/acme\": \
             the workflow pushes with its own token, which only GHCR accepts, and image names must be lowercase. \
             Or leave the registry out to use the repository owner's namespace"
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
    if let Some(prefix) = &pipeline.redeploy_tags
        && (prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)))
    {
        report(
            "redeploy_tags",
            format!("{prefix:?} is not a plain tag prefix"),
            "Give the start of the release tags with letters, digits, '-', '_', '.' and '/', such as \"v\"".into(),
        );
    }
    if pipeline.registry == Registry::RepositoryOwner
        && matches!(pipeline.target, DeployTarget::Render | DeployTarget::Railway)
    {
        report(
            "registry",
            format!(
                "{} names each service's image by its full URL in a committed file, which cannot read the \
                 repository owner the workflow runs under",
                pipeline.target.platform()
            ),
            "Name the registry: Pipeline::new(..).registry(\"ghcr.io/<owner>\"), the lowercase GHCR namespace of \
             the repository's owner"
                .into(),
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

/// `ghcr.io/<owner>` with a lowercase owner.
fn is_ghcr_namespace(registry: &str) -> bool {
    let owner = registry.strip_prefix("ghcr.io/").unwrap_or("");
    !owner.is_empty()
        && owner.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_' || c == '.')
}
