//! The resolved model, committed next to the generated files: one JSON file per environment
//! (`model/<env>.json`, see [`crate::layout::model_file`]), and the summary of what changed in it
//! that the CLI prints before any diff, so reviewers read intent first and manifests second.
//!
//! The summary is computed from the model ([`stack_dsl::model_changes`]) of the files as they were
//! and as the stack renders them now, never from the text of the other generated files.

use std::fmt;

use stack_dsl::{ModelChange, Stack, ValidProject};

use crate::bundle::{Bundle, Change};
use crate::error::Error;
use crate::layout::{MODEL_DIR, model_file};

/// The model of every environment of `project`, as JSON.
pub fn render(project: &ValidProject) -> Result<Bundle, Error> {
    let mut bundle = Bundle::new();
    bundle.own(MODEL_DIR);
    for stack in project.stacks() {
        let path = model_file(stack.env());
        let json =
            stack_dsl::to_json(&**stack).map_err(|e| Error::Json { path: path.clone(), message: e.to_string() })?;
        bundle.add(path, json);
    }
    Ok(bundle)
}

/// What changed in one environment's model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentChanges {
    /// The environment, as named in the model file's name.
    pub env: String,
    /// The model file, relative to the output directory.
    pub file: String,
    /// What changed.
    pub outcome: Outcome,
}

/// How one environment's model changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The environment is new.
    New,
    /// The environment is no longer rendered.
    Removed,
    /// The model changed in these ways.
    Changed(Vec<ModelChange>),
    /// The previous model file does not read as a stack (written by an older version with
    /// another format, or edited by hand), so only the file's diff tells what changed.
    Unreadable(String),
}

/// The changes in the model files among `changes` (what [`Bundle::write`] did or
/// [`Bundle::check`] found), one entry per environment whose model changed, in file order.
pub fn summarize(changes: &[Change]) -> Vec<EnvironmentChanges> {
    changes
        .iter()
        .filter_map(|change| {
            let env = change.path().strip_prefix(MODEL_DIR)?.strip_prefix('/')?.strip_suffix(".json")?.to_string();
            let outcome = match change {
                Change::Created { .. } => Outcome::New,
                Change::Removed { .. } => Outcome::Removed,
                Change::Updated { old, new, .. } => match (read(old), read(new)) {
                    (Ok(old), Ok(new)) => Outcome::Changed(stack_dsl::model_changes(&old, &new)),
                    (Err(error), _) | (_, Err(error)) => Outcome::Unreadable(error.to_string()),
                },
                Change::Unchanged { .. } | Change::Foreign { .. } => return None,
            };
            Some(EnvironmentChanges { env, file: change.path().to_string(), outcome })
        })
        .collect()
}

fn read(json: &str) -> Result<Stack, serde_json::Error> {
    serde_json::from_str(json)
}

impl fmt::Display for EnvironmentChanges {
    /// One line: `production: api replicas 2 → 3; web image ghcr.io/x/web:1.4 → 1.5; new secret JWT_KEY`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.env)?;
        match &self.outcome {
            Outcome::New => f.write_str("new environment"),
            Outcome::Removed => f.write_str("environment removed"),
            Outcome::Changed(changes) if changes.is_empty() => f.write_str("the model's file changed, not its meaning"),
            Outcome::Changed(changes) => {
                let said: Vec<String> = changes.iter().map(ToString::to_string).collect();
                f.write_str(&said.join("; "))
            }
            Outcome::Unreadable(reason) => {
                write!(f, "the previous model does not read as a stack ({reason}); see the diff of {}", self.file)
            }
        }
    }
}
