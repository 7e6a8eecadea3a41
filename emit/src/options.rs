//! What emitters need to know about where their output goes.

use std::path::{Component, Path};

/// Rendering options shared by every target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Path from the output directory back to the repository root, empty or ending in `/`.
    /// Paths in the model (build contexts, config files) are relative to the repository root;
    /// targets that resolve paths relative to their own file rewrite them with it.
    root: String,
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
        Some(Options { root: "../".repeat(depth) })
    }

    /// Options with an explicit path from the output directory to the repository root.
    pub fn with_root(root: impl Into<String>) -> Self {
        let root = root.into();
        let root = if root.is_empty() || root.ends_with('/') { root } else { format!("{root}/") };
        Options { root }
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
}
