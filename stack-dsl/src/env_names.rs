//! Environment names: each names files (`compose/compose.<env>.yaml`), a Kubernetes namespace
//! (`<stack>-<env>`), a Render or Railway environment and a GitHub environment and job
//! (`deploy-<env>`), so it must be a DNS-1123 label, which all of them accept.

use crate::env::Env;
use crate::name::{dns_label_problem, suggest_dns_label};
use crate::problem::Problem;

/// A problem for each environment of `project` whose name no target can use.
pub(crate) fn problems(project: &str, environments: &[Env]) -> Vec<Problem> {
    environments
        .iter()
        .filter_map(|env| {
            let why = dns_label_problem(env.name())?;
            Some(Problem {
                path: vec![format!("project {project}"), format!("environment {}", env.name())],
                message: format!("the environment name {:?} is invalid: {why}", env.name()),
                fix: format!(
                    "Name it with a DNS-1123 label, such as Env::hosted({:?}): it names files, namespaces and \
                     platform environments",
                    suggest_dns_label(env.name())
                ),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_target_accepts() {
        assert!(problems("shop", &[Env::Dev, Env::hosted("qa"), Env::production("production-eu")]).is_empty());
        let found = problems("shop", &[Env::hosted("QA"), Env::local("my dev")]);
        let messages: Vec<String> = found.iter().map(|p| format!("{}: {}", p.location(), p.fix)).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with(
                "project shop › environment QA: Name it with a DNS-1123 label, such as Env::hosted(\"qa\")"
            )
        );
        assert!(messages[1].contains("Env::hosted(\"my-dev\")"), "{messages:?}");
    }
}
