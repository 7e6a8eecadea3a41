//! What a run found, as one JSON object for tools and bots (`--format json`).
//!
//! ```json
//! {"project": "shop", "out": "golden/shop", "mode": "check", "status": "stale",
//!  "targets": ["compose"], "environments": ["dev", "production"],
//!  "files": {"added": [], "changed": ["compose/compose.dev.yaml"], "removed": [], "unchanged": []},
//!  "left_alone": [], "notes": [],
//!  "warnings": [{"target": "compose", "service": "web", "environments": ["dev"], "message": "…"}],
//!  "errors": []}
//! ```

use serde::Serialize;

use crate::Change;
use crate::distinct_warnings::DistinctWarning;

/// The report of one run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// The project's name.
    pub project: String,
    /// The output directory.
    pub out: String,
    /// `write`, `check` or `diff`.
    pub mode: &'static str,
    /// `ok`, `stale` (`--check` only) or `error`.
    pub status: &'static str,
    /// The targets covered.
    pub targets: Vec<String>,
    /// The environments covered.
    pub environments: Vec<String>,
    /// The files, by what writing does (or did) to them.
    pub files: Files,
    /// Files in the directories the renderer writes that it did not write, left as they are.
    pub left_alone: Vec<String>,
    /// What to do besides applying the files (a workflow to copy, a change the cluster refuses).
    pub notes: Vec<String>,
    /// Each distinct warning once.
    pub warnings: Vec<JsonWarning>,
    /// Why the run failed: each problem of an invalid stack, or the one error.
    pub errors: Vec<String>,
}

/// Relative paths, by change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Files {
    /// New files.
    pub added: Vec<String>,
    /// Files whose contents change.
    pub changed: Vec<String>,
    /// Files an earlier run wrote that the stack no longer renders.
    pub removed: Vec<String>,
    /// Files already up to date.
    pub unchanged: Vec<String>,
}

impl Files {
    /// Sort `changes` by kind.
    pub fn of(changes: &[Change]) -> Self {
        let mut files = Files::default();
        for change in changes {
            let list = match change {
                Change::Created { .. } => &mut files.added,
                Change::Updated { .. } => &mut files.changed,
                Change::Removed { .. } => &mut files.removed,
                Change::Unchanged { .. } => &mut files.unchanged,
                Change::Foreign { .. } => continue,
            };
            list.push(change.path().to_string());
        }
        files
    }
}

/// A warning and the environments it applies to.
#[derive(Debug, Clone, Serialize)]
pub struct JsonWarning {
    /// The target.
    pub target: &'static str,
    /// The service concerned.
    pub service: String,
    /// Where it applies.
    pub environments: Vec<String>,
    /// `adapted` (left out or expressed differently) or `default applied` (a value the stack
    /// did not state).
    pub kind: &'static str,
    /// What was not expressed, and what to do.
    pub message: String,
}

impl From<DistinctWarning> for JsonWarning {
    fn from(w: DistinctWarning) -> Self {
        let kind = w.kind.name();
        JsonWarning { target: w.target, service: w.service, environments: w.environments, kind, message: w.message }
    }
}

impl Report {
    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"status\":\"error\",\"errors\":[\"{e}\"]}}"))
    }
}
