//! How a service runs: replicas, autoscaling, jobs, cron schedules and resource amounts.

use super::Checker;
use crate::service::{Run, Service};

impl<'a> Checker<'a> {
    /// A command or entrypoint, when set, names a program.
    pub(super) fn check_argv(&mut self, at: &str, service: &Service) {
        for (field, argv) in [("command", &service.command), ("entrypoint", &service.entrypoint)] {
            if argv.as_ref().is_some_and(|a| a.is_empty() || a[0].trim().is_empty()) {
                self.report(
                    &[at, field],
                    format!("the {field} is empty"),
                    format!("Give the {field} a program to run, or leave it unset to use the image's"),
                );
            }
        }
    }

    pub(super) fn check_run(&mut self, at: &str, service: &Service) {
        if service.replicas == 0 {
            self.report(
                &[at, "replicas"],
                "the service runs 0 replicas",
                "Run at least one; to leave a service out of an environment, don't add it there",
            );
        }
        self.check_autoscale(at, service);
        match &service.run {
            Run::Continuously => {}
            Run::Once | Run::OnSchedule(_) => {
                if service.autoscale.is_some() {
                    self.report(
                        &[at, "autoscale"],
                        "a job runs to completion; there is nothing to scale",
                        "Remove .autoscale() from the job",
                    );
                }
                if service.replicas > 1 {
                    self.report(
                        &[at, "replicas"],
                        format!(
                            "a job runs once per start; {} replicas would run it {} times at once",
                            service.replicas, service.replicas
                        ),
                        "Remove .replicas() from the job",
                    );
                }
                if !service.routes.is_empty() {
                    self.report(
                        &[at, "routes"],
                        "a job has a public route, but it does not run continuously to answer it",
                        "Move the route to a long-running service",
                    );
                }
            }
        }
        if let Run::OnSchedule(schedule) = &service.run
            && let Some(why) = cron_problem(schedule)
        {
            self.report(
                &[at, "schedule"],
                format!("the cron schedule {schedule:?} is invalid: {why}"),
                "Write five fields: minute hour day-of-month month day-of-week, such as \"0 2 * * *\"",
            );
        }
    }

    pub(super) fn check_autoscale(&mut self, at: &str, service: &Service) {
        let Some(scale) = service.autoscale else { return };
        let path = [at, "autoscale"];
        if scale.min == 0 || scale.min > scale.max {
            self.report(
                &path,
                format!("the range {}..={} is empty or starts at 0", scale.min, scale.max),
                "Use Autoscale::between(min, max) with 1 <= min <= max",
            );
        } else if !(scale.min..=scale.max).contains(&service.replicas) {
            self.report(
                &path,
                format!(
                    "{} replicas lies outside the autoscaling range {}..={}",
                    service.replicas, scale.min, scale.max
                ),
                "Drop .replicas(): .autoscale() already starts the service at its minimum",
            );
        }
        if !(1..=100).contains(&scale.target_cpu_percent) {
            self.report(
                &path,
                format!("the CPU target {}% is not between 1 and 100", scale.target_cpu_percent),
                "Use a target such as .target_cpu(70)",
            );
        }
    }

    pub(super) fn check_resources(&mut self, at: &str, service: &Service) {
        let r = &service.resources;
        if let (Some(limit), Some(reserve)) = (r.cpu_limit, r.cpu_reservation)
            && reserve > limit
        {
            self.report(
                &[at, "resources"],
                format!("the CPU reservation ({reserve}) exceeds the limit ({limit})"),
                "Reserve at most the limit",
            );
        }
        if let (Some(limit), Some(reserve)) = (r.memory_limit, r.memory_reservation)
            && reserve > limit
        {
            self.report(
                &[at, "resources"],
                format!("the memory reservation ({} MiB) exceeds the limit ({} MiB)", reserve.as_mib(), limit.as_mib()),
                "Reserve at most the limit",
            );
        }
        if [r.cpu_limit, r.cpu_reservation].iter().flatten().any(|c| c.as_millis() == 0)
            || [r.memory_limit, r.memory_reservation].iter().flatten().any(|m| m.bytes() == 0)
        {
            self.report(
                &[at, "resources"],
                "a limit or reservation of zero",
                "Give a positive amount, or leave it unset",
            );
        }
    }
}

fn cron_problem(schedule: &str) -> Option<String> {
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(format!("it has {} fields, not 5", fields.len()));
    }
    fields
        .iter()
        .find(|f| !f.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '*' | '/' | ',' | '-')))
        .map(|f| format!("the field {f:?} has characters cron does not accept"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn cron_schedules() {
        assert_eq!(cron_problem("0 2 * * *"), None);
        assert_eq!(cron_problem("*/5 * * * MON-FRI"), None);
        assert!(cron_problem("0 2 * *").is_some());
        assert!(cron_problem("0 2 * * ? ").is_some());
    }
}
