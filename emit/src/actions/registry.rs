//! The registry namespace images are pushed to and pulled from, as the workflow computes it.
//! GitHub expressions have no lower-case function and GHCR refuses upper-case image names, so a
//! step writes `REGISTRY` to `$GITHUB_ENV` and later steps read `$REGISTRY`.
//!
//! `GITHUB_REPOSITORY_OWNER`: <https://docs.github.com/en/actions/reference/workflows-and-actions/variables#default-environment-variables>;
//! GHCR names are lowercase: <https://docs.github.com/en/packages/working-with-a-github-packages-registry/working-with-the-container-registry#pushing-container-images>.

use stack_dsl::Registry;

use super::model::{Step, expr, secret};
use super::pins;

/// How later steps' scripts name the registry.
pub const REGISTRY_VARIABLE: &str = "${REGISTRY}";

/// The step that sets `REGISTRY` for the rest of the job: the project's namespace, or
/// `ghcr.io/<repository owner>` in lowercase. A named namespace must be the repository owner's:
/// the job's `GITHUB_TOKEN` can push only there
/// (<https://docs.github.com/en/packages/managing-github-packages-using-github-actions-workflows/publishing-and-installing-a-package-with-github-actions>),
/// so the step stops the job before anything is pushed or deployed when it is not.
pub fn name_step(registry: &Registry) -> Step {
    let script = match registry {
        Registry::RepositoryOwner => format!("echo \"REGISTRY={OWNER_NAMESPACE}\" >> \"$GITHUB_ENV\""),
        Registry::Named(namespace) => format!(
            r#"set -euo pipefail
if [ "{namespace}" != "{OWNER_NAMESPACE}" ]; then
  echo "::error::{}"
  exit 1
fi
echo "REGISTRY={namespace}" >> "$GITHUB_ENV"
"#,
            not_owner_message(namespace)
        ),
    };
    Step::run("Name the registry", script)
}

/// The repository owner's GHCR namespace, as a script spells it.
const OWNER_NAMESPACE: &str = "ghcr.io/${GITHUB_REPOSITORY_OWNER,,}";

/// Why a named namespace cannot be pushed to from this repository, and the fix.
fn not_owner_message(namespace: &str) -> String {
    format!(
        "The pipeline pushes to {namespace}, but this workflow's GITHUB_TOKEN can push only to the repository \
         owner's namespace, {OWNER_NAMESPACE}. Run the workflow in a repository owned by {owner}, or set \
         Pipeline::registry to {OWNER_NAMESPACE}.",
        owner = namespace.trim_start_matches("ghcr.io/")
    )
}

/// The header line that states the prerequisite a named namespace sets.
pub fn prerequisite_note(registry: &Registry) -> Option<String> {
    registry.named().map(|namespace| {
        format!(
            "Images are pushed to {namespace} with the workflow's GITHUB_TOKEN, which can push only to the repository \
             owner's namespace: the repository must belong to {}. Each job that names the registry stops first otherwise.",
            namespace.trim_start_matches("ghcr.io/")
        )
    })
}

/// Log the job's Docker client in to GHCR with the job's token, as the workflow's actor.
pub fn login() -> Step {
    Step::uses("Log in to GHCR", &pins::LOGIN)
        .with("registry", "ghcr.io")
        .with("username", expr("github.actor"))
        .with("password", secret("GITHUB_TOKEN"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_is_lower_cased_by_the_shell() {
        let step = name_step(&Registry::RepositoryOwner);
        assert_eq!(
            step.run.as_deref(),
            Some("echo \"REGISTRY=ghcr.io/${GITHUB_REPOSITORY_OWNER,,}\" >> \"$GITHUB_ENV\"")
        );
    }
}
