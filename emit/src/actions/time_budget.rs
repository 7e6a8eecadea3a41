//! The time budget of a deploy job: the deploy step, the smoke test and the rollback each have
//! a step timeout, and the job's timeout holds all three with room for the steps before them.
//! A step past its `timeout-minutes` is killed and fails, so the rollback (run on
//! `failure() || cancelled()`) still runs; a job past its own timeout is cancelled whole and
//! runs no further step, so the job's limit must never be what stops a deploy.
//!
//! Step and job timeouts: <https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idstepstimeout-minutes>,
//! status functions: <https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#status-check-functions>.

use super::model::Step;

/// A deploy step's limit when its platform sets none, in minutes.
pub const DEPLOY_MINUTES: u32 = 45;

/// One smoke-test request's limit, in seconds (curl `--max-time`, which bounds each attempt).
pub const SMOKE_ATTEMPT_SECONDS: u32 = 10;

/// The pause between two attempts on one endpoint, in seconds (curl `--retry-delay`, which
/// replaces curl's growing backoff with this fixed one).
pub const SMOKE_RETRY_DELAY_SECONDS: u32 = 10;

/// Attempts after the first on one endpoint (curl `--retry`): with the two above, about four
/// minutes for a service that is still starting.
pub const SMOKE_RETRIES: u32 = 11;

/// The smoke test's limit for `endpoints` endpoints tried one after another, in minutes: every
/// attempt and pause on each, and a minute for the runner. curl's options:
/// <https://curl.se/docs/manpage.html#--retry>, `#--retry-delay`, `#-m`.
pub fn smoke_minutes(endpoints: usize) -> u32 {
    let endpoint = (SMOKE_RETRIES + 1) * SMOKE_ATTEMPT_SECONDS + SMOKE_RETRIES * SMOKE_RETRY_DELAY_SECONDS;
    (endpoint * u32::try_from(endpoints).unwrap_or(u32::MAX / endpoint)).div_ceil(60) + 1
}

/// The rollback step's limit, in minutes.
pub const ROLLBACK_MINUTES: u32 = 20;

/// What the steps before the deploy take at most (checkout, checks, registry, tags, setup).
const SETUP_MINUTES: u32 = 10;

/// The condition of a step that rolls back: the deploy or a later step failed, timed out or was
/// cancelled, and the deploy step had started.
pub const ROLLBACK_CONDITION: &str = "(failure() || cancelled()) && steps.deploy.outcome != 'skipped'";

/// `step` with a limit: its platform's, or [`DEPLOY_MINUTES`].
pub fn bounded_deploy(step: Step) -> Step {
    let minutes = step.timeout_minutes.unwrap_or(DEPLOY_MINUTES);
    step.timeout_minutes(minutes)
}

/// The job's limit for a deploy step bounded at `deploy_minutes` and a smoke test at
/// `smoke_minutes`: every step's limit and the setup fit in it.
pub fn job_minutes(deploy_minutes: u32, smoke_minutes: u32) -> u32 {
    SETUP_MINUTES + deploy_minutes + smoke_minutes + ROLLBACK_MINUTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deploy_without_a_limit_gets_one_and_the_job_outlasts_every_step() {
        let step = bounded_deploy(Step::run("Deploy", "true"));
        assert_eq!(step.timeout_minutes, Some(DEPLOY_MINUTES));
        let own = bounded_deploy(Step::run("Deploy", "true").timeout_minutes(30));
        assert_eq!(own.timeout_minutes, Some(30));
        assert!(job_minutes(30, smoke_minutes(2)) > 30 + smoke_minutes(2) + ROLLBACK_MINUTES);
    }

    #[test]
    fn the_smoke_test_limit_holds_every_attempt_and_pause() {
        for endpoints in 1..4 {
            let worst =
                endpoints * ((SMOKE_RETRIES + 1) * SMOKE_ATTEMPT_SECONDS + SMOKE_RETRIES * SMOKE_RETRY_DELAY_SECONDS);
            assert!(worst < smoke_minutes(endpoints as usize) * 60, "{endpoints}: {worst} s");
        }
    }
}
