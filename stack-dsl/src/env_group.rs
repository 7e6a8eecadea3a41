//! Named groups of variables several services share ("the worker has the same environment as
//! the API"), so the values are written once and each target can spell the group in its own
//! idiom (a Render environment group, a Kubernetes ConfigMap read with `envFrom`, Railway shared
//! variables). A service that uses a group gets its variables as if it had set them itself, so
//! everything that reads a service's environment (references, start order, reachability)
//! sees them unchanged.

use crate::problem::Problem;
use crate::reference::EnvValue;
use crate::service::Service;
use crate::stack::Stack;

/// A named set of variables: literals, secrets and references to other services.
///
/// ```
/// use stack_dsl::{EnvGroup, Env, Image, Port, Service, Stack};
///
/// let mut stack = Stack::new("shop");
/// let redis = stack.add_service(Service::new("redis", Image::new("redis:7-alpine")).port(Port::tcp(6379)));
/// let app = stack.add_env_group(EnvGroup::new("app").env("REDIS_URL", redis.url()).env("LOG_LEVEL", "info"));
/// stack.add_service(Service::new("api", Image::new("shop:1")).env_group(&app));
/// stack.add_service(Service::new("worker", Image::new("shop:1")).env_group(&app).env("QUEUE", "mail"));
/// let valid = stack.validate(Env::Dev).unwrap();
/// let worker = valid.service("worker").unwrap();
/// assert_eq!(worker.env.len(), 3);
/// assert_eq!(worker.env_groups, ["app"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct EnvGroup {
    /// The group's name, a DNS-1123 label; targets name their group object after it.
    pub name: String,
    /// Its variables, in the order given.
    #[serde(with = "crate::ordered_pairs")]
    #[cfg_attr(feature = "schema", schemars(with = "indexmap::IndexMap<String, crate::EnvValue>"))]
    pub env: Vec<(String, EnvValue)>,
}

impl EnvGroup {
    /// An empty group.
    pub fn new(name: impl Into<String>) -> Self {
        EnvGroup { name: name.into(), env: Vec::new() }
    }

    /// Set a variable for every service of the group.
    #[must_use]
    pub fn env(mut self, name: impl Into<String>, value: impl Into<EnvValue>) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    /// True when the group sets the variable `name`.
    pub fn sets(&self, name: &str) -> bool {
        self.env.iter().any(|(key, _)| key == name)
    }
}

/// A group added to a stack, to hand to [`Service::env_group`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvGroupRef(EnvGroup);

impl EnvGroupRef {
    /// The group's name.
    pub fn name(&self) -> &str {
        &self.0.name
    }
}

impl Stack {
    /// Add a group of variables that several services use ([`Service::env_group`]).
    pub fn add_env_group(&mut self, group: EnvGroup) -> EnvGroupRef {
        self.env_groups.push(group.clone());
        EnvGroupRef(group)
    }

    /// The group named `name`, if any.
    pub fn env_group(&self, name: &str) -> Option<&EnvGroup> {
        self.env_groups.iter().find(|g| g.name == name)
    }
}

impl Service {
    /// Give the service every variable of `group`, in the group's order, after those set so
    /// far. Setting one of them again on the service is reported as a variable set twice.
    #[must_use]
    pub fn env_group(mut self, group: &EnvGroupRef) -> Self {
        self.env.extend(group.0.env.iter().cloned());
        self.env_groups.push(group.0.name.clone());
        self
    }
}

/// The problems of a stack's groups: a name that is not a DNS-1123 label or is used twice, a
/// service using a group the stack does not hold (added to another stack), a group with no
/// variables.
pub(crate) fn problems(at: &str, stack: &Stack) -> Vec<Problem> {
    let mut problems = Vec::new();
    let problem = |path: Vec<String>, message: String, fix: String| Problem { path, message, fix };
    for (i, group) in stack.env_groups.iter().enumerate() {
        let path = vec![at.to_string(), format!("env group {}", group.name)];
        if let Some(why) = crate::name::dns_label_problem(&group.name) {
            let fix = format!("Name it {:?}", crate::name::suggest_dns_label(&group.name));
            problems.push(problem(path.clone(), why, fix));
        }
        if stack.env_groups[..i].iter().any(|g| g.name == group.name) {
            problems.push(problem(path.clone(), "the group is added twice".into(), "Add each group once".into()));
        }
        if group.env.is_empty() {
            let fix = "Set its variables with EnvGroup::env, or remove it".to_string();
            problems.push(problem(path, "the group sets no variable".into(), fix));
        }
    }
    for service in &stack.services {
        for name in &service.env_groups {
            if stack.env_group(name).is_none() {
                problems.push(problem(
                    vec![at.to_string(), format!("service {}", service.name), format!("env group {name}")],
                    format!("it uses the group {name}, which this stack does not hold"),
                    format!("Add the group with stack.add_env_group(EnvGroup::new({name:?})…) and pass the reference it returns"),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;
    use crate::image::Image;

    #[test]
    fn a_group_from_elsewhere_and_a_key_set_twice_are_reported() {
        let mut other = Stack::new("other");
        let foreign = other.add_env_group(EnvGroup::new("shared").env("A", "1"));
        let mut stack = Stack::new("shop");
        let app = stack.add_env_group(EnvGroup::new("app").env("LOG_LEVEL", "info"));
        stack.add_service(Service::new("api", Image::new("shop:1")).env_group(&app).env("LOG_LEVEL", "debug"));
        stack.add_service(Service::new("worker", Image::new("shop:1")).env_group(&foreign));
        let problems = stack.validate(Env::Dev).unwrap_err().to_string();
        assert!(problems.contains("service api › env LOG_LEVEL: the variable is set twice"), "{problems}");
        assert!(problems.contains("it uses the group shared, which this stack does not hold"), "{problems}");
    }
}
