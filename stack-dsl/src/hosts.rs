//! One public host per hosted environment: staging and production on the same host name would
//! fight over its DNS record and TLS certificate, and staging's smoke tests would reach
//! production. Development runs locally and is left out.

use indexmap::IndexMap;

use crate::env::Env;
use crate::problem::Problem;
use crate::validate::ValidStack;

/// A problem for each route host that more than one hosted environment uses.
pub(crate) fn problems(project: &str, stacks: &[ValidStack]) -> Vec<Problem> {
    // Each host, the environments routing it and the service that does so first.
    let mut users: IndexMap<&str, (Vec<Env>, &str)> = IndexMap::new();
    for stack in stacks.iter().filter(|s| s.env().is_hosted()) {
        for service in stack.services() {
            for route in &service.routes {
                let (envs, _) = users.entry(route.host.as_str()).or_insert((Vec::new(), service.name.as_str()));
                if !envs.contains(&stack.env()) {
                    envs.push(stack.env());
                }
            }
        }
    }
    users
        .into_iter()
        .filter(|(_, (envs, _))| envs.len() > 1)
        .map(|(host, (envs, service))| {
            let names: Vec<&str> = envs.iter().map(|env| env.name()).collect();
            Problem {
                path: vec![format!("project {project}"), format!("service {service}"), format!("route {host}")],
                message: format!(
                    "the host {host} is routed in {}: the environments would share its DNS record and certificate, and staging's smoke tests would reach production",
                    names.join(" and ")
                ),
                fix: format!(
                    "Give each hosted environment its own host, chosen from the environment in the stack function, such as staging.{host} when env is Env::Staging"
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::{Env, Image, Port, Project, Route, Service, Stack};

    fn social(host: fn(Env) -> &'static str) -> Project {
        Project::new("social", Env::ALL, move |env| {
            let mut stack = Stack::new("social");
            stack.add_service(
                Service::new("web", Image::new("social:1")).port(Port::http(3000)).route(Route::new(host(env))),
            );
            stack
        })
    }

    #[test]
    fn a_host_routed_in_two_hosted_environments_is_a_problem() {
        let error = social(|env| if env.is_dev() { "localhost" } else { "social.example.com" })
            .validate()
            .expect_err("staging and production share a host");
        let problems = error.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let problem = &problems[0];
        assert_eq!(problem.location(), "project social › service web › route social.example.com");
        assert!(problem.message.contains("staging and production"), "{}", problem.message);
        assert!(problem.fix.contains("staging.social.example.com"), "{}", problem.fix);

        let own = social(|env| match env {
            Env::Staging => "staging.social.example.com",
            // Development runs locally: sharing a name with it involves no DNS or certificate.
            _ => "social.example.com",
        });
        assert!(own.validate().is_ok());
    }
}
