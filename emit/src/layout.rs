//! Where each target's files go inside the output directory. The output directory is shaped
//! like a repository root (`--out .` writes straight into one), so each platform finds its
//! files where it looks by default; pipelines and docs refer to the paths through this module.
//!
//! ```text
//! compose/compose.<env>.yaml      compose/<env>.env.example
//! kubernetes/<env>/kustomization.yaml …
//! render.yaml                     .railway/railway.ts
//! .github/workflows/*.yml
//! ```

use stack_dsl::Env;

/// The directory of the Compose files.
pub const COMPOSE_DIR: &str = "compose";

/// The complete Compose file of one environment.
pub fn compose_file(env: Env) -> String {
    format!("{COMPOSE_DIR}/compose.{env}.yaml")
}

/// The directory of the Kubernetes manifests of all environments.
pub const KUBERNETES_DIR: &str = "kubernetes";

/// The kustomization directory of one environment (`kubectl apply -k` takes it).
pub fn kubernetes_dir(env: Env) -> String {
    format!("{KUBERNETES_DIR}/{env}")
}

/// The Render Blueprint, where Render looks for it: the repository root.
pub const RENDER_BLUEPRINT: &str = "render.yaml";

/// The directory of Railway's Infrastructure as Code.
pub const RAILWAY_DIR: &str = ".railway";

/// The Railway program, where the Railway CLI looks for it.
pub const RAILWAY_PROGRAM: &str = ".railway/railway.ts";

/// The directory of the GitHub Actions workflows.
pub const WORKFLOWS_DIR: &str = ".github/workflows";
