//! Health checks that watch more than readiness (`Probe::alerts`): Compose runs them but alerts
//! no one, so the header says which to watch and how to read their state on the host. The
//! command filters on the labels Compose gives each container
//! (<https://docs.docker.com/compose/how-tos/project-name/>,
//! `com.docker.compose.project` / `com.docker.compose.service`), so it needs neither the env file
//! nor the variables the Compose file reads; its STATUS column ends in `(unhealthy)`
//! (<https://docs.docker.com/reference/cli/docker/container/ls/#status>).

use stack_dsl::ValidStack;

/// A header line per service whose health check alerts: what it means and the command that
/// shows it.
pub fn notes(stack: &ValidStack, project: &str) -> Vec<String> {
    stack
        .services()
        .filter_map(|service| {
            let alerts = service.healthcheck.as_ref()?.alerts.as_ref()?;
            Some(format!(
                "Monitoring should watch the health of {name}: {alerts}; on the host, docker ps --filter label=com.docker.compose.project={project} --filter label=com.docker.compose.service={name} shows (unhealthy) in its status",
                name = service.name
            ))
        })
        .collect()
}
