//! Health checks that watch more than readiness (`Probe::alerts`): Compose runs them but alerts
//! no one, so the header says which to watch and how to read their state on the host. The
//! command filters on the labels Compose gives each container
//! (<https://docs.docker.com/compose/how-tos/project-name/>,
//! `com.docker.compose.project` / `com.docker.compose.service`), so it needs neither the env file
//! nor the variables the Compose file reads; its STATUS column ends in `(unhealthy)`
//! (<https://docs.docker.com/reference/cli/docker/container/ls/#status>).

use stack_dsl::{Run, ValidStack};

/// The services a deploy's `up --wait` awaits, when some health check alerts: every service a
/// plain `up` starts (none behind the `cron` or an opt-in profile, see `lower.rs`) but those,
/// which are started apart without waiting: an alert (a certificate near its end) is for
/// monitoring, and must fail neither a deploy nor its rollback. `None` when nothing alerts,
/// so `up --wait` awaits every service as it is.
pub fn awaited(stack: &ValidStack) -> Option<(Vec<&str>, Vec<&str>)> {
    let alerting = |s: &stack_dsl::Service| s.healthcheck.as_ref().is_some_and(|p| p.alerts.is_some());
    let watched: Vec<&str> = stack.services().filter(|s| alerting(s)).map(|s| s.name.as_str()).collect();
    if watched.is_empty() {
        return None;
    }
    let awaited = stack
        .services()
        .filter(|s| !alerting(s) && !matches!(s.run, Run::OnSchedule(_)))
        .filter(|s| super::opt_in::needed_optional_secret(stack, s).is_none())
        .map(|s| s.name.as_str())
        .collect();
    Some((awaited, watched))
}

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
