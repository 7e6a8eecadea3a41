//! The names a Compose host knows a stack by: the project name, and the names of its volumes
//! inside the project. Docker names a project's volume `<project>_<volume>`, so a host that moves
//! onto generated files keeps its data only if both names stay what they were
//! (<https://docs.docker.com/compose/how-tos/project-name/>,
//! <https://docs.docker.com/reference/compose-file/volumes/>).

use crate::problem::Problem;
use crate::stack::Stack;
use crate::volume::Volume;

impl Stack {
    /// Run the stack as the Compose project `name` (the default is `<stack>-<environment>`), such
    /// as the project an existing host already runs.
    pub fn compose_project(&mut self, name: impl Into<String>) {
        self.compose_project = Some(name.into());
    }
}

impl Volume {
    /// Call the volume `name` inside the Compose project (the default is the model's name), such
    /// as `postgres_data` for a host whose data lives in `<project>_postgres_data`.
    #[must_use]
    pub fn compose_name(mut self, name: impl Into<String>) -> Self {
        self.compose_name = Some(name.into());
        self
    }

    /// The volume's name inside the Compose project.
    pub fn name_in_compose(&self) -> &str {
        self.compose_name.as_deref().unwrap_or(&self.name)
    }
}

/// Compose project names: lowercase letters, digits, `-` and `_`, starting with a letter or digit.
fn project_name_ok(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Docker volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
fn volume_name_ok(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// The problems of the stack's Compose names; `at` is the stack's location.
pub(crate) fn problems(at: &str, stack: &Stack) -> Vec<Problem> {
    let mut found = Vec::new();
    let mut report = |field: String, message: String, fix: &str| {
        found.push(Problem { path: vec![at.into(), field], message, fix: fix.into() });
    };
    if let Some(project) = stack.compose_project.as_deref().filter(|p| !project_name_ok(p)) {
        report(
            "compose_project".into(),
            format!("{project:?} is not a Compose project name"),
            "Use lowercase letters, digits, '-' and '_', starting with a letter or digit",
        );
    }
    for (i, volume) in stack.volumes.iter().enumerate() {
        let name = volume.name_in_compose();
        if !volume_name_ok(name) {
            report(
                format!("volume {}", volume.name),
                format!("{name:?} is not a Docker volume name"),
                "Use letters, digits, '_', '.' and '-', starting with a letter or digit",
            );
        }
        // Two volumes of one name are reported as such; this is for distinct names that meet.
        if stack.volumes[..i].iter().any(|other| other.name != volume.name && other.name_in_compose() == name) {
            report(
                format!("volume {}", volume.name),
                format!("another volume is also called {name:?} in Compose"),
                "Give each volume its own compose_name",
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_names_must_be_valid_and_distinct() {
        let mut stack = Stack::new("shop");
        stack.compose_project("Shop!");
        stack.add_volume(Volume::persistent("pgdata").compose_name("postgres_data"));
        stack.add_volume(Volume::persistent("postgres-data").compose_name("postgres_data"));
        stack.add_volume(Volume::persistent("cache").compose_name("_cache"));
        assert_eq!(problems("stack shop", &stack).len(), 3);
        stack.compose_project("shop_prod");
        assert_eq!(problems("stack shop", &stack).len(), 2);
    }
}
