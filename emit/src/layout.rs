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
