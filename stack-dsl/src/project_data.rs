//! A project as data: what a stack file holds, in any serde format (JSON here, YAML through any
//! serde YAML crate), and the resolved model Stackwright commits next to the generated files.
//!
//! The Rust form is a function of the environment; the data form is that function evaluated,
//! one [`Stack`] per environment, so loading a file and validating it gives the same project, and
//! the same problems, as the Rust that produced it. The JSON Schema of this type (feature
//! `schema`) is committed as `stack-dsl/stack.schema.json`.

use std::fmt;

use indexmap::IndexMap;

use crate::cluster::Cluster;
use crate::env::Env;
use crate::pipeline::Pipeline;
use crate::problem::{Error, Problem, Problems};
use crate::project::Project;
use crate::stack::Stack;

/// A project as data: its name, how it is delivered, and its stack in each environment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ProjectData {
    /// The project's name; each environment's stack has the same name.
    pub name: String,
    /// The command that regenerates the project's files, quoted in generated headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regenerate: Option<String>,
    /// How the project is built, published and deployed, if it has a pipeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<Pipeline>,
    /// The Kubernetes cluster the project deploys to; [`Cluster::new`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
    /// The stack of each environment, in the project's order.
    pub environments: IndexMap<Env, Stack>,
}

impl Project {
    /// The project a stack file describes. Deserialising is left to the caller so that any serde
    /// format plugs in: pass what it returned, such as `serde_saphyr::from_str(text)` for YAML.
    /// A file that does not parse is reported as a problem at `origin` (the file's name); one that
    /// parses is validated by [`Project::validate`] like the Rust form, with the same messages.
    pub fn load<E: fmt::Display>(origin: &str, parsed: Result<ProjectData, E>) -> Result<Project, Error> {
        match parsed {
            Ok(data) => Ok(Project::from_data(data)),
            Err(error) => Err(Error::Invalid(Problems(vec![Problem {
                path: vec![format!("stack file {origin}")],
                message: format!("it is not a stack: {error}"),
                fix: "Correct the file; stack-dsl/stack.schema.json describes every field".into(),
            }]))),
        }
    }

    /// The project a JSON stack file describes; see [`Project::load`]. Fields the model gives a
    /// default may be left out, as `replicas` (one) and every list are here.
    ///
    /// ```
    /// use stack_dsl::Project;
    ///
    /// let json = r#"{
    ///   "name": "shop",
    ///   "environments": {
    ///     "dev": { "name": "shop", "services": [{ "name": "web", "image": { "registry": "nginx:1.27-alpine" } }] }
    ///   }
    /// }"#;
    /// let project = Project::from_json("shop.json", json).expect("a well-formed stack file");
    /// let valid = project.validate().expect("a valid stack");
    /// assert_eq!(valid.stacks()[0].services().count(), 1);
    /// ```
    pub fn from_json(origin: &str, text: &str) -> Result<Project, Error> {
        Project::load(origin, serde_json::from_str(text))
    }

    /// The project whose stack in each environment is the one `data` lists for it.
    pub fn from_data(data: ProjectData) -> Project {
        let ProjectData { name, regenerate, pipeline, cluster, environments } = data;
        let order: Vec<Env> = environments.keys().copied().collect();
        // An environment missing from the map cannot be asked for (the project lists only the
        // map's keys); an empty stack keeps `define` total all the same.
        let fallback = name.clone();
        let define = move |env: Env| environments.get(&env).cloned().unwrap_or_else(|| Stack::new(fallback.clone()));
        let mut project = Project::new(name, order, define).cluster(cluster.unwrap_or_default());
        if let Some(command) = regenerate {
            project = project.regenerate_with(command);
        }
        if let Some(pipeline) = pipeline {
            project = project.pipeline(pipeline);
        }
        project
    }

    /// The project as data: its stack evaluated in each of its environments.
    pub fn to_data(&self) -> ProjectData {
        let mut environments = IndexMap::new();
        for env in self.environments() {
            environments.entry(*env).or_insert_with(|| self.stack(*env));
        }
        let (pipeline, cluster) = self.delivery();
        ProjectData {
            name: self.name().to_string(),
            regenerate: Some(self.regenerate_command().to_string()),
            pipeline: pipeline.cloned(),
            cluster: Some(cluster.clone()),
            environments,
        }
    }
}

impl ProjectData {
    /// The data as pretty-printed JSON with a trailing newline: the same bytes on every run.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        to_json(self)
    }
}

/// Any part of the model as pretty-printed JSON with a trailing newline. The model's maps are
/// insertion-ordered, so the bytes are the same on every run.
pub fn to_json(value: &impl serde::Serialize) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(value).map(|text| text + "\n")
}
