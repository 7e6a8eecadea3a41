//! The part of the output directory a run covers: the selected targets and environments, by
//! each file's place in the layout ([`crate::layout::part_of`]).

use crate::Warning;
use crate::layout::part_of;

/// The selected targets and environments; an empty list selects all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    targets: Vec<String>,
    environments: Vec<String>,
}

impl Selection {
    /// Only `targets` (all when empty) in `environments` (all when empty).
    pub fn new(targets: Vec<String>, environments: Vec<String>) -> Self {
        Selection { targets, environments }
    }

    /// True when nothing is left out.
    pub fn is_everything(&self) -> bool {
        self.targets.is_empty() && self.environments.is_empty()
    }

    fn has_target(&self, target: &str) -> bool {
        self.targets.is_empty() || self.targets.iter().any(|t| t == target)
    }

    fn has_environment(&self, env: &str) -> bool {
        self.environments.is_empty() || self.environments.iter().any(|e| e == env)
    }

    /// True for a file of a selected target that is for a selected environment or shared by
    /// several; a file of no single target (the deploy page) only when everything is selected.
    pub fn contains(&self, path: &str) -> bool {
        match part_of(path) {
            Some(part) => self.has_target(part.target) && part.env.is_none_or(|env| self.has_environment(env)),
            None => self.is_everything(),
        }
    }

    /// True for a warning of a selected target and environment.
    pub fn reports(&self, warning: &Warning) -> bool {
        self.has_target(warning.target) && self.has_environment(&warning.env)
    }

    /// The selected names out of `all`, in `all`'s order.
    pub fn targets<'a>(&self, all: &[&'a str]) -> Vec<&'a str> {
        all.iter().copied().filter(|t| self.has_target(t)).collect()
    }

    /// The selected environments out of `all`, in `all`'s order.
    pub fn environments<'a>(&self, all: &'a [String]) -> Vec<&'a str> {
        all.iter().map(String::as_str).filter(|e| self.has_environment(e)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_selection_covers_its_targets_environments_and_shared_files() {
        let kubernetes_production = Selection::new(vec!["kubernetes".into()], vec!["production".into()]);
        assert!(kubernetes_production.contains("kubernetes/production/web.yaml"));
        assert!(!kubernetes_production.contains("kubernetes/staging/web.yaml"));
        assert!(!kubernetes_production.contains("compose/compose.production.yaml"));
        assert!(!kubernetes_production.contains("DEPLOY.md"));
        let production = Selection::new(vec![], vec!["production".into()]);
        assert!(production.contains("render.yaml") && production.contains(".github/workflows/deploy.yml"));
        assert!(production.contains("compose/production.env.example"));
        assert!(!production.contains("compose/dev.env.example"));
        assert!(Selection::default().contains("DEPLOY.md"));
    }
}
