//! A project: one stack definition across the environments it is deployed to.

use crate::cluster::Cluster;
use crate::defaults::Defaults;
use crate::env::Env;
use crate::pipeline::Pipeline;
use crate::previews::Previews;
use crate::problem::{Error, Problem, Problems};
use crate::stack::Stack;
use crate::validate::ValidStack;

/// A named stack definition and the environments it runs in.
///
/// ```
/// use stack_dsl::{Env, Image, Project, Service, Stack};
///
/// fn shop(env: Env) -> Stack {
///     let mut stack = Stack::new("shop");
///     stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")).replicas(if env.is_production() { 2 } else { 1 }));
///     stack
/// }
///
/// let project = Project::new("shop", [Env::Dev, Env::Production], shop);
/// let valid = project.validate().expect("valid in every environment");
/// assert_eq!(valid.stacks().len(), 2);
/// ```
pub struct Project {
    name: String,
    environments: Vec<Env>,
    define: Box<dyn Fn(Env) -> Stack + Send + Sync>,
    regenerate: String,
    pipeline: Option<Pipeline>,
    cluster: Cluster,
    pub(crate) defaults: Option<Defaults>,
    previews: Option<Previews>,
}

impl Project {
    /// A project whose stack in each of `environments` is `define(env)`.
    pub fn new(
        name: impl Into<String>,
        environments: impl IntoIterator<Item = Env>,
        define: impl Fn(Env) -> Stack + Send + Sync + 'static,
    ) -> Self {
        let name = name.into();
        let regenerate = format!("cargo run --example {name}");
        let environments = environments.into_iter().collect();
        Project {
            name,
            environments,
            define: Box::new(define),
            regenerate,
            pipeline: None,
            cluster: Cluster::new(),
            defaults: None,
            previews: None,
        }
    }

    /// The command that regenerates this project's files, quoted in generated headers and in
    /// stale-file reports (`cargo run --example <name>` by default).
    #[must_use]
    pub fn regenerate_with(mut self, command: impl Into<String>) -> Self {
        self.regenerate = command.into();
        self
    }

    /// Build, publish and deploy the project through `pipeline` (emitted as CI workflows).
    #[must_use]
    pub fn pipeline(mut self, pipeline: Pipeline) -> Self {
        self.pipeline = Some(pipeline);
        self
    }

    /// Describe the Kubernetes cluster the project deploys to (ingress controller, certificates,
    /// pull secret); [`Cluster::new`] when unset.
    #[must_use]
    pub fn cluster(mut self, cluster: Cluster) -> Self {
        self.cluster = cluster;
        self
    }

    /// Turn on pull-request previews on the platforms that make them (Render, Railway).
    #[must_use]
    pub fn previews(mut self, previews: Previews) -> Self {
        self.previews = Some(previews);
        self
    }

    /// The project's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The command that regenerates this project's files.
    pub fn regenerate_command(&self) -> &str {
        &self.regenerate
    }

    /// The environments, in the order given.
    pub fn environments(&self) -> &[Env] {
        &self.environments
    }

    /// The pipeline and cluster, for the data form ([`crate::ProjectData`]).
    pub(crate) fn delivery(&self) -> (Option<&Pipeline>, &Cluster) {
        (self.pipeline.as_ref(), &self.cluster)
    }

    /// The stack for one environment, unvalidated.
    pub fn stack(&self, env: Env) -> Stack {
        let mut stack = (self.define)(env);
        stack.defaults = stack.defaults.or(self.defaults);
        stack
    }

    /// Build and validate the stack of every environment, reporting the problems of all of them
    /// at once.
    pub fn validate(&self) -> Result<ValidProject, Error> {
        let mut problems = Vec::new();
        let mut stacks = Vec::new();
        if self.environments.is_empty() {
            problems.push(Problem {
                path: vec![format!("project {}", self.name)],
                message: "it lists no environments".into(),
                fix: "Pass at least one environment to Project::new, for example [Env::Dev, Env::Production]".into(),
            });
        }
        problems.extend(crate::env_names::problems(&self.name, &self.environments));
        for (i, env) in self.environments.iter().enumerate() {
            // By name: the name is what every target keys an environment by.
            if self.environments[..i].iter().any(|earlier| earlier.name() == env.name()) {
                problems.push(Problem {
                    path: vec![format!("project {}", self.name)],
                    message: format!("environment {env} is listed twice"),
                    fix: "List each environment once".into(),
                });
                continue;
            }
            let stack = self.stack(*env);
            if stack.name != self.name {
                problems.push(Problem {
                    path: vec![format!("project {}", self.name), format!("environment {env}")],
                    message: format!("the stack is named {:?}, not {:?}", stack.name, self.name),
                    fix: format!("Create the stack with Stack::new({:?}) in every environment", self.name),
                });
            }
            match stack.validate(*env) {
                Ok(valid) => stacks.push(valid),
                Err(Error::Invalid(found)) => problems.extend(found.0),
            }
        }
        problems.extend(crate::hosts::problems(&self.name, &stacks));
        problems.extend(crate::public_host::problems(&self.name, &self.cluster, &self.environments, &stacks));
        problems.extend(crate::injection::regenerate_problems(&self.name, &self.regenerate));
        if let Some(pipeline) = &self.pipeline {
            let at = format!("project {}", self.name);
            problems.extend(crate::pipeline::problems(&at, pipeline, &self.environments));
        }
        if let Some(previews) = &self.previews {
            problems.extend(crate::previews::problems(
                &self.name,
                previews,
                &self.environments,
                self.pipeline.as_ref(),
            ));
        }
        if problems.is_empty() {
            let (name, regenerate, pipeline) = (self.name.clone(), self.regenerate.clone(), self.pipeline.clone());
            let (cluster, previews) = (self.cluster.clone(), self.previews);
            Ok(ValidProject { name, stacks, regenerate, pipeline, cluster, previews })
        } else {
            Err(Error::Invalid(Problems(crate::problem::merge_environments(problems))))
        }
    }
}

/// A project whose stack is valid in every environment; what emitters accept.
#[derive(Debug, Clone)]
pub struct ValidProject {
    name: String,
    stacks: Vec<ValidStack>,
    regenerate: String,
    pipeline: Option<Pipeline>,
    cluster: Cluster,
    previews: Option<Previews>,
}

impl ValidProject {
    /// The project's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// One validated stack per environment, in the project's order.
    pub fn stacks(&self) -> &[ValidStack] {
        &self.stacks
    }

    /// The command that regenerates the project's files.
    pub fn regenerate_command(&self) -> &str {
        &self.regenerate
    }

    /// The delivery pipeline, if the project declares one.
    pub fn pipeline(&self) -> Option<&Pipeline> {
        self.pipeline.as_ref()
    }

    /// The Kubernetes cluster the project deploys to.
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// Pull-request previews, when the project turns them on.
    pub fn previews(&self) -> Option<&Previews> {
        self.previews.as_ref()
    }
}
