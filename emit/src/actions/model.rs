//! A typed model of GitHub Actions workflows: the subset Stackwright emits, each type its own
//! builder. Serialised by the one YAML writer (`emit/src/yaml.rs`) and read back by the parse-back
//! tests, so unknown keys are refused.
//!
//! Spec: <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax>

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::pins::Action;

/// A string-to-string map in the order written (`env:`, `with:`, `outputs:`).
pub type Map = IndexMap<String, String>;

/// One workflow file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Workflow {
    /// The name shown in the Actions tab.
    pub name: String,
    /// The events that start it.
    pub on: Triggers,
    /// The token's permissions for every job; empty, so each job grants only what it needs.
    pub permissions: Permissions,
    /// Runs that must not overlap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<Concurrency>,
    /// The jobs, by id, in the order written.
    pub jobs: IndexMap<String, Job>,
}

impl Workflow {
    /// A workflow called `name`, started by `on`, with no permissions at the top.
    pub fn new(name: impl Into<String>, on: Triggers) -> Self {
        Workflow { name: name.into(), on, permissions: Permissions::new(), concurrency: None, jobs: IndexMap::new() }
    }

    /// Never run two of these at once.
    #[must_use]
    pub fn concurrency(mut self, concurrency: Concurrency) -> Self {
        self.concurrency = Some(concurrency);
        self
    }

    /// Add a job under `id`.
    #[must_use]
    pub fn job(mut self, id: impl Into<String>, job: Job) -> Self {
        self.jobs.insert(id.into(), job);
        self
    }
}

/// The events a workflow runs on.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Triggers {
    /// Pull requests into the listed branches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<Branches>,
    /// Pushes to the listed branches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<Branches>,
    /// A person starts the workflow from the Actions tab, on a branch or tag of their choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_dispatch: Option<Dispatch>,
}

/// `workflow_dispatch` without inputs: the run is on the ref the person chooses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dispatch {}

impl Triggers {
    /// Pull requests into `branch`.
    pub fn pull_request(branch: &str) -> Self {
        Triggers { pull_request: Some(Branches::one(branch)), ..Triggers::default() }
    }

    /// Pushes to `branch`.
    pub fn push(branch: &str) -> Self {
        Triggers { push: Some(Branches::one(branch)), ..Triggers::default() }
    }

    /// Also start by hand from the Actions tab.
    #[must_use]
    pub fn dispatch(mut self) -> Self {
        self.workflow_dispatch = Some(Dispatch {});
        self
    }
}

/// A branch filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branches {
    /// Branch names.
    pub branches: Vec<String>,
}

impl Branches {
    fn one(branch: &str) -> Self {
        Branches { branches: vec![branch.into()] }
    }
}

/// The `GITHUB_TOKEN` scopes a job may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Repository contents (checkout).
    Contents,
    /// GitHub Packages, GHCR included.
    Packages,
}

/// How far a scope is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Read only.
    Read,
    /// Read and write.
    Write,
}

/// Granted scopes; an empty map (`{}`) grants nothing.
pub type Permissions = IndexMap<Scope, Access>;

/// A concurrency group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Concurrency {
    /// Runs in the same group wait for each other.
    pub group: String,
    /// Cancel the running one instead of queueing (never for deploys).
    pub cancel_in_progress: bool,
}

impl Concurrency {
    /// Queue runs of `group`; a deploy is never cancelled half-way.
    pub fn queue(group: impl Into<String>) -> Self {
        Concurrency { group: group.into(), cancel_in_progress: false }
    }

    /// Cancel the older run of `group` (for checks superseded by a new push).
    pub fn supersede(group: impl Into<String>) -> Self {
        Concurrency { group: group.into(), cancel_in_progress: true }
    }
}

/// A GitHub deployment environment: its protection rules (required reviewers) and its secrets
/// are configured on GitHub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// `staging`, `production`.
    pub name: String,
    /// The environment's public address, shown on the deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A matrix: one job per `include` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Strategy {
    /// Keep the other entries running when one fails, so every failure is reported.
    pub fail_fast: bool,
    /// The matrix.
    pub matrix: Matrix,
}

/// The entries of a matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Matrix {
    /// One map of values per job.
    pub include: Vec<Map>,
}

/// One job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Job {
    /// The name shown in the checks list.
    pub name: String,
    /// The runner label.
    pub runs_on: String,
    /// Jobs that must succeed first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    /// Run only when this expression holds.
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The deployment environment, with its protection rules and secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// The token's scopes for this job.
    pub permissions: Permissions,
    /// Runs of this job that must not overlap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<Concurrency>,
    /// Cancel the job after this many minutes.
    pub timeout_minutes: u32,
    /// A matrix of variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    /// Values later jobs read as `needs.<id>.outputs.<name>`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub outputs: Map,
    /// Environment variables of every step.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: Map,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl Job {
    /// A job called `name` on the latest Ubuntu runner, with no permissions, cancelled after
    /// `timeout_minutes`.
    pub fn new(name: impl Into<String>, timeout_minutes: u32) -> Self {
        Job {
            name: name.into(),
            runs_on: "ubuntu-24.04".into(),
            needs: Vec::new(),
            condition: None,
            environment: None,
            permissions: Permissions::new(),
            concurrency: None,
            timeout_minutes,
            strategy: None,
            outputs: Map::new(),
            env: Map::new(),
            steps: Vec::new(),
        }
    }

    /// Run only when `expression` holds.
    #[must_use]
    pub fn condition(mut self, expression: impl Into<String>) -> Self {
        self.condition = Some(expression.into());
        self
    }

    /// Wait for job `id` to succeed.
    #[must_use]
    pub fn needs(mut self, id: impl Into<String>) -> Self {
        self.needs.push(id.into());
        self
    }

    /// Deploy into environment `name`, shown with `url` when known.
    #[must_use]
    pub fn environment(mut self, name: impl Into<String>, url: Option<String>) -> Self {
        self.environment = Some(Environment { name: name.into(), url });
        self
    }

    /// Grant the token `access` to `scope`.
    #[must_use]
    pub fn grant(mut self, scope: Scope, access: Access) -> Self {
        self.permissions.insert(scope, access);
        self
    }

    /// Run once per entry of `include`.
    #[must_use]
    pub fn matrix(mut self, include: Vec<Map>) -> Self {
        self.strategy = Some(Strategy { fail_fast: false, matrix: Matrix { include } });
        self
    }

    /// Publish `value` (an expression) as output `name`.
    #[must_use]
    pub fn output(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.outputs.insert(name.into(), value.into());
        self
    }

    /// Set an environment variable for every step.
    #[must_use]
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }

    /// Add a step.
    #[must_use]
    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// Add steps.
    #[must_use]
    pub fn steps(mut self, steps: impl IntoIterator<Item = Step>) -> Self {
        self.steps.extend(steps);
        self
    }
}

/// One step: an action (`uses`) or a shell script (`run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Step {
    /// Id for `steps.<id>.outputs` and `steps.<id>.outcome`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name shown in the log.
    pub name: String,
    /// Run only when this expression holds.
    #[serde(default, rename = "if", skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The action, `owner/repo@<commit sha>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<String>,
    /// The action's inputs.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub with: Map,
    /// The script. Never expands `${{ }}`: values reach it through `env`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<String>,
    /// The directory the script runs in, relative to the repository root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_directory: Option<String>,
    /// Environment variables of this step: where secrets and contexts reach scripts.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub env: Map,
    /// Cancel the step after this many minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_minutes: Option<u32>,
}

impl Step {
    fn named(name: impl Into<String>) -> Self {
        Step {
            id: None,
            name: name.into(),
            condition: None,
            uses: None,
            with: Map::new(),
            run: None,
            working_directory: None,
            env: Map::new(),
            timeout_minutes: None,
        }
    }

    /// A step that runs `script` with `bash -e`.
    pub fn run(name: impl Into<String>, script: impl Into<String>) -> Self {
        Step { run: Some(script.into()), ..Step::named(name) }
    }

    /// A step that uses a pinned `action`.
    pub fn uses(name: impl Into<String>, action: &Action) -> Self {
        Step { uses: Some(action.reference()), ..Step::named(name) }
    }

    /// Give the step an id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Run only when `expression` holds.
    #[must_use]
    pub fn condition(mut self, expression: impl Into<String>) -> Self {
        self.condition = Some(expression.into());
        self
    }

    /// Pass an input to the action.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.with.insert(name.into(), value.into());
        self
    }

    /// Run the script in `dir`.
    #[must_use]
    pub fn working_directory(mut self, dir: impl Into<String>) -> Self {
        self.working_directory = Some(dir.into());
        self
    }

    /// Set an environment variable of the step.
    #[must_use]
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(name.into(), value.into());
        self
    }

    /// Cancel the step after `minutes`.
    #[must_use]
    pub fn timeout_minutes(mut self, minutes: u32) -> Self {
        self.timeout_minutes = Some(minutes);
        self
    }
}

/// `${{ <expression> }}`.
pub fn expr(expression: &str) -> String {
    format!("${{{{ {expression} }}}}")
}

/// `${{ secrets.<name> }}`: the only way a secret enters a workflow.
pub fn secret(name: &str) -> String {
    expr(&format!("secrets.{name}"))
}
