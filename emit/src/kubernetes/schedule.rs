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
//! - The Jobs it creates carry the service's labels: a Job gets the metadata of
//!   `jobTemplate.metadata` ("standard object's metadata of the jobs created from this
//!   template", <https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/cron-job-v1/#CronJobSpec>),
//!   not the CronJob's, so without them `kubectl get jobs -l` selects none.
//!
//! <https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/>

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::labels::NAME_LABEL;

/// How late a run may start and still run.
pub const STARTING_DEADLINE_SECONDS: i64 = 3600;
/// Finished Jobs kept, successful and failed.
pub const HISTORY: i32 = 3;

/// The CronJob spec running `job` at `schedule` (UTC), its Jobs labelled with `labels`.
pub fn cron_job_spec(schedule: &str, job: JobSpec, labels: BTreeMap<String, String>) -> CronJobSpec {
    CronJobSpec {
        schedule: schedule.to_string(),
        // The model's schedules are in UTC.
        time_zone: Some("Etc/UTC".into()),
        concurrency_policy: Some("Forbid".into()),
        starting_deadline_seconds: Some(STARTING_DEADLINE_SECONDS),
        successful_jobs_history_limit: Some(HISTORY),
        failed_jobs_history_limit: Some(HISTORY),
        job_template: JobTemplateSpec {
            metadata: Some(ObjectMeta { labels: Some(labels), ..Default::default() }),
            spec: Some(job),
        },
        ..Default::default()
    }
}

/// The command that shows when the CronJob `name` last succeeded.
pub fn last_success_command(name: &str, namespace: &str) -> String {
    format!(
        "kubectl get cronjob {name} -n {namespace} -o jsonpath='{{.status.lastSuccessfulTime}}' (the last failed runs: kubectl get jobs -n {namespace} -l {})",
        job_selector(name)
    )
}

/// The label selector of the Jobs the CronJob `name` creates.
fn job_selector(name: &str) -> String {
    format!("{NAME_LABEL}={name}")
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Env, Image, Project, Service, Stack};

    use super::super::Object;
    use super::*;

    /// The header's `kubectl get jobs -l` selects the Jobs the CronJob creates: every label of
    /// its selector is on `jobTemplate.metadata`.
    #[test]
    fn the_header_selector_matches_the_jobs_the_cron_job_creates() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(Service::cron("backup", Image::new("shop:1"), "0 3 * * *"));
            stack
        })
        .validate()
        .unwrap();
        let lowered = super::super::lower::lower(&project.stacks()[0], project.cluster()).unwrap();
        let cron = lowered
            .files
            .iter()
            .flat_map(|(_, objects)| objects)
            .find_map(|o| match o {
                Object::CronJob(c) => c.spec.as_ref(),
                _ => None,
            })
            .expect("the backup CronJob");
        let job_labels = cron.job_template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
        let selector = job_selector("backup");
        let (key, value) = selector.split_once('=').unwrap();
        assert_eq!(job_labels.get(key).map(String::as_str), Some(value), "{job_labels:?}");
        assert!(last_success_command("backup", "shop-production").contains(&format!("-l {selector}")));
    }
}
