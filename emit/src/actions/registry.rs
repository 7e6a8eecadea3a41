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
/// `ghcr.io/<repository owner>` in lowercase.
pub fn name_step(registry: &Registry) -> Step {
    let value = match registry {
        Registry::RepositoryOwner => "ghcr.io/${GITHUB_REPOSITORY_OWNER,,}".to_string(),
        Registry::Named(namespace) => namespace.clone(),
    };
    Step::run("Name the registry", format!("echo \"REGISTRY={value}\" >> \"$GITHUB_ENV\""))
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
        let named = name_step(&Registry::Named("ghcr.io/acme".into()));
        assert_eq!(named.run.as_deref(), Some("echo \"REGISTRY=ghcr.io/acme\" >> \"$GITHUB_ENV\""));
    }
}
