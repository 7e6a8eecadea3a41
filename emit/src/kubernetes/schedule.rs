//! A service that runs on a schedule, as a CronJob that keeps running: a missed or hung run
//! does not stop later ones, and the last failures stay visible.
//!
//! - `concurrencyPolicy: Forbid`: a run never overlaps the previous one; the previous run's
//!   deadline (`activeDeadlineSeconds` of the Job) ends a hung one, so it cannot skip every
//!   later run.
//! - `startingDeadlineSeconds`: a run that could not start on time (controller down) is counted
//!   as missed only within this window; without it, more than 100 missed schedules stop the
//!   CronJob for good.
//! - History limits: the last successful and failed Jobs (and their pods' logs) are kept.
//! - `status.lastSuccessfulTime` says when a run last succeeded.
//!
//! <https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/>

use k8s_openapi::api::batch::v1::{CronJobSpec, JobSpec, JobTemplateSpec};

/// How late a run may start and still run.
pub const STARTING_DEADLINE_SECONDS: i64 = 3600;
/// Finished Jobs kept, successful and failed.
pub const HISTORY: i32 = 3;

/// The CronJob spec running `job` at `schedule` (UTC).
pub fn cron_job_spec(schedule: &str, job: JobSpec) -> CronJobSpec {
    CronJobSpec {
        schedule: schedule.to_string(),
        // The model's schedules are in UTC.
        time_zone: Some("Etc/UTC".into()),
        concurrency_policy: Some("Forbid".into()),
        starting_deadline_seconds: Some(STARTING_DEADLINE_SECONDS),
        successful_jobs_history_limit: Some(HISTORY),
        failed_jobs_history_limit: Some(HISTORY),
        job_template: JobTemplateSpec { metadata: None, spec: Some(job) },
        ..Default::default()
    }
}

/// The command that shows when the CronJob `name` last succeeded.
pub fn last_success_command(name: &str, namespace: &str) -> String {
    format!(
        "kubectl get cronjob {name} -n {namespace} -o jsonpath='{{.status.lastSuccessfulTime}}' (the last failed runs: kubectl get jobs -n {namespace} -l app.kubernetes.io/name={name})"
    )
}
