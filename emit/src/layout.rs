//! Where each target's files go inside the output directory, and the few names that more than
//! one target uses (the pipeline deploys what the Kubernetes emitter names). The output directory is shaped
//! like a repository root (`--out .` writes straight into one), so each platform finds its
//! files where it looks by default; pipelines and docs refer to the paths through this module.
//!
//! ```text
//! compose/compose.<env>.yaml      compose/<env>.env.example
//! kubernetes/<env>/kustomization.yaml …
//! render.yaml                     .railway/railway.ts
//! .github/workflows/*.yml
//! model/<env>.json
//! ```

use stack_dsl::Env;

/// The directory of the Compose files.
pub const COMPOSE_DIR: &str = "compose";

/// The complete Compose file of one environment.
pub fn compose_file(env: Env) -> String {
    format!("{COMPOSE_DIR}/compose.{env}.yaml")
}

/// The example of the variables one environment's Compose file reads.
pub fn compose_env_example(env: Env) -> String {
    format!("{COMPOSE_DIR}/{env}.env.example")
}

/// The directory of the Kubernetes manifests of all environments.
pub const KUBERNETES_DIR: &str = "kubernetes";

/// The kustomization directory of one environment (`kubectl apply -k` takes it).
pub fn kubernetes_dir(env: Env) -> String {
    format!("{KUBERNETES_DIR}/{env}")
}

/// The namespace of a stack in one environment: `<stack>-<env>`.
pub fn kubernetes_namespace(stack: &str, env: Env) -> String {
    format!("{stack}-{env}")
}

/// The ConfigMap that holds one config file of the model. The Kubernetes manifests mount it
/// and the deploy pipeline creates it from the file, so both take its name and key from here.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubernetesConfigMap {
    /// From the path: `./nginx/nginx.conf` → `nginx-nginx-conf`.
    pub name: String,
    /// The file's name, such as `nginx.conf`.
    pub key: String,
    /// The file, from the repository root, such as `nginx/nginx.conf`.
    pub path: String,
    /// Its text, when the stack carries it: the kustomization then generates the ConfigMap
    /// from a copy beside it.
    pub text: Option<String>,
}

impl KubernetesConfigMap {
    /// The ConfigMap of the config file at `path` (from the repository root).
    pub fn of(path: &str) -> Self {
        let path = path.trim_start_matches("./");
        let name: String =
            path.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
        let name = name.split('-').filter(|part| !part.is_empty()).collect::<Vec<_>>().join("-");
        KubernetesConfigMap {
            name: name.chars().take(63).collect::<String>().trim_end_matches('-').to_string(),
            key: path.rsplit('/').next().unwrap_or(path).to_string(),
            path: path.to_string(),
            text: None,
        }
    }

    /// The copy of its text beside the kustomization, relative to it: `config/<name>`.
    pub fn copy_path(&self) -> String {
        format!("config/{}", self.name)
    }
}

/// The Render Blueprint, where Render looks for it: the repository root.
pub const RENDER_BLUEPRINT: &str = "render.yaml";

/// The directory of Railway's Infrastructure as Code.
pub const RAILWAY_DIR: &str = ".railway";

/// The Railway program, where the Railway CLI looks for it.
pub const RAILWAY_PROGRAM: &str = ".railway/railway.ts";

/// The directory of the GitHub Actions workflows.
pub const WORKFLOWS_DIR: &str = ".github/workflows";

/// The directory of the resolved model, one JSON file per environment.
pub const MODEL_DIR: &str = "model";

/// The resolved model of one environment: the stack as validated, in the stack file format's
/// terms (`stack-dsl/stack.schema.json`, `$defs/Stack`).
pub fn model_file(env: Env) -> String {
    format!("{MODEL_DIR}/{env}.json")
}

/// The page of what to set up before the first deploy, and what each target adapts.
pub const DEPLOY_PAGE: &str = "DEPLOY.md";

/// The part of the output directory a generated file belongs to, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part<'a> {
    /// The target that writes it, as named in [`crate::TARGETS`].
    pub target: &'static str,
    /// The one environment it is for; `None` for a file several environments share
    /// (`render.yaml`, the Railway program, the workflows).
    pub env: Option<&'a str>,
}

/// The target (a name of [`crate::TARGETS`]) whose files a pipeline deploying to `target` runs.
pub fn target_of(target: stack_dsl::DeployTarget) -> &'static str {
    match target {
        stack_dsl::DeployTarget::Kubernetes => "kubernetes",
        stack_dsl::DeployTarget::Render => "render",
        stack_dsl::DeployTarget::Railway => "railway",
        stack_dsl::DeployTarget::ComposeOverSsh => "compose",
    }
}

/// The part `path` (relative to the output directory) belongs to: `None` for a file no single
/// target writes ([`DEPLOY_PAGE`], the manifest) or that Stackwright does not write. Works for
/// files a stack no longer renders, so a selection covers their removal too.
pub fn part_of(path: &str) -> Option<Part<'_>> {
    let (first, rest) = path.split_once('/').unwrap_or((path, ""));
    fn part<'a>(target: &'static str, env: Option<&'a str>) -> Option<Part<'a>> {
        Some(Part { target, env: env.filter(|e| !e.is_empty()) })
    }
    match first {
        COMPOSE_DIR => {
            let env = rest.strip_prefix("compose.").and_then(|r| r.strip_suffix(".yaml"));
            part("compose", env.or_else(|| rest.strip_suffix(".env.example")))
        }
        KUBERNETES_DIR => part("kubernetes", rest.split_once('/').map(|(env, _)| env)),
        RENDER_BLUEPRINT => part("render", None),
        RAILWAY_DIR => part("railway", None),
        _ if path.starts_with(WORKFLOWS_DIR) && path[WORKFLOWS_DIR.len()..].starts_with('/') => part("actions", None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_belongs_to_its_target_and_environment() {
        fn of(path: &str) -> Option<(&'static str, Option<String>)> {
            part_of(path).map(|p| (p.target, p.env.map(str::to_string)))
        }
        let some = |env: &str| Some(env.to_string());
        assert_eq!(of(&compose_file(Env::Staging)), Some(("compose", some("staging"))));
        assert_eq!(of(&compose_env_example(Env::Dev)), Some(("compose", some("dev"))));
        assert_eq!(of("kubernetes/production/kustomization.yaml"), Some(("kubernetes", some("production"))));
        assert_eq!(of(RENDER_BLUEPRINT), Some(("render", None)));
        assert_eq!(of(RAILWAY_PROGRAM), Some(("railway", None)));
        assert_eq!(of(".github/workflows/ci.yml"), Some(("actions", None)));
        assert_eq!(of(".github/workflowsx/ci.yml"), None);
        assert_eq!(of(DEPLOY_PAGE), None);
        assert_eq!(of(".stackwright/manifest"), None);
    }
}
