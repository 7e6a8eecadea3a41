//! What emitters need to know about where their output goes.

use std::path::{Component, Path};

/// Rendering options shared by every target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Path from the output directory back to the repository root, empty or ending in `/`.
    /// Paths in the model (build contexts, config files) are relative to the repository root;
    /// targets that resolve paths relative to their own file rewrite them with it.
    root: String,
    /// The output directory as seen from the repository root, `.` when they are the same.
    /// Pipelines run from the root and name generated files through it.
    output_dir: String,
    /// The user has applied (or will apply) the steps of changes Kubernetes refuses in place, so
    /// writing them is allowed.
    acknowledge_recreate: bool,
}

impl Options {
    /// Options for output written to `output_dir`, given relative to the repository root
    /// (such as `golden/neosale` or `deploy`). `None` if it is absolute or climbs with `..`.
    pub fn for_output_dir(output_dir: &Path) -> Option<Self> {
        let mut depth = 0;
        for component in output_dir.components() {
            match component {
                Component::Normal(_) => depth += 1,
                Component::CurDir => {}
                _ => return None,
            }
        }
        let parts: Vec<String> = output_dir
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let output_dir = if parts.is_empty() { ".".into() } else { parts.join("/") };
        Some(Options { root: "../".repeat(depth), output_dir, acknowledge_recreate: false })
    }

    /// Options with an explicit path from the output directory to the repository root. The
    /// output directory as seen from the root is `.` unless [`Options::output_dir_from_root`]
    /// says otherwise.
    pub fn with_root(root: impl Into<String>) -> Self {
        let root = root.into();
        let root = if root.is_empty() || root.ends_with('/') { root } else { format!("{root}/") };
        Options { root, output_dir: ".".into(), acknowledge_recreate: false }
    }

    /// Set the output directory as seen from the repository root (`/`-separated, no trailing `/`).
    #[must_use]
    pub fn output_dir_from_root(mut self, dir: impl Into<String>) -> Self {
        let dir = dir.into();
        let dir = dir.trim_end_matches('/');
        self.output_dir = if dir.is_empty() { ".".into() } else { dir.into() };
        self
    }

    /// Allow writing changes Kubernetes refuses to apply in place (a bigger StatefulSet volume, a
    /// new selector, a changed Job): the user follows the steps each one names (expand the
    /// claims, recreate the object) when deploying it. Without it, such a write fails.
    #[must_use]
    pub fn acknowledge_recreate(mut self) -> Self {
        self.acknowledge_recreate = true;
        self
    }

    /// True when writing changes Kubernetes refuses in place is allowed.
    pub fn recreate_acknowledged(&self) -> bool {
        self.acknowledge_recreate
    }

    /// The output directory as seen from the repository root: `golden/neosale`, or `.`.
    pub fn output_dir(&self) -> &str {
        &self.output_dir
    }

    /// The path from the repository root to `path`, a path inside the output directory.
    pub fn from_root(&self, path: &str) -> String {
        if self.output_dir == "." { path.into() } else { format!("{}/{path}", self.output_dir) }
    }

    /// The path to the repository root from a directory `depth` levels below the output
    /// directory, such as `../../` for `compose/` under `golden/neosale`.
    pub fn root_from(&self, depth: usize) -> String {
        let root = format!("{}{}", "../".repeat(depth), self.root);
        if root.is_empty() { "./".into() } else { root }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_paths() {
        let options = Options::for_output_dir(Path::new("golden/neosale")).unwrap();
        assert_eq!(options.root_from(1), "../../../");
        assert_eq!(Options::for_output_dir(Path::new(".")).unwrap().root_from(0), "./");
        assert!(Options::for_output_dir(Path::new("/tmp/x")).is_none());
        assert!(Options::for_output_dir(Path::new("../x")).is_none());
        assert_eq!(Options::with_root("../repo").root_from(0), "../repo/");
    }

    #[test]
    fn output_dir_as_seen_from_the_root() {
        let options = Options::for_output_dir(Path::new("./golden/neosale")).unwrap();
        assert_eq!(options.output_dir(), "golden/neosale");
        assert_eq!(options.from_root("kubernetes/staging"), "golden/neosale/kubernetes/staging");
        let here = Options::for_output_dir(Path::new(".")).unwrap();
        assert_eq!((here.output_dir(), here.from_root("render.yaml").as_str()), (".", "render.yaml"));
        assert_eq!(Options::with_root("").output_dir(), ".");
        assert_eq!(Options::with_root("../..").output_dir_from_root("deploy/prod/").output_dir(), "deploy/prod");
    }
}
