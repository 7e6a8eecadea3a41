//! Pull-request previews: a short-lived copy of one hosted environment for each pull request, on
//! the platforms that make them. Render: `previews.generation` in the Blueprint
//! (<https://render.com/docs/preview-environments>); Railway: PR environments, turned on in the
//! project's settings (<https://docs.railway.com/guides/environments#enable-pr-environments>).
//! Each platform's emitter says how it spells them.

use crate::env::Env;
use crate::pipeline::Pipeline;
use crate::problem::Problem;

/// Pull-request previews, copied from one hosted environment that real users do not reach.
///
/// ```
/// use stack_dsl::{Env, Image, Previews, Project, Service, Stack};
///
/// let project = Project::new("shop", [Env::Staging, Env::Production], |_env| {
///     let mut stack = Stack::new("shop");
///     stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")));
///     stack
/// })
/// .previews(Previews::of(Env::Staging).expire_after_days(3));
/// assert_eq!(project.validate().unwrap().previews().map(|p| p.from), Some(Env::Staging));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Previews {
    /// The environment each preview copies: its services, variables and settings.
    pub from: Env,
    /// Days after which a preview that received no update is deleted (Render).
    pub expire_after_days: Option<u32>,
}

impl Previews {
    /// A preview of `from` for each pull request.
    pub fn of(from: Env) -> Self {
        Previews { from, expire_after_days: None }
    }

    /// Delete a preview `days` after its last update, where the platform can (Render).
    #[must_use]
    pub fn expire_after_days(mut self, days: u32) -> Self {
        self.expire_after_days = Some(days);
        self
    }
}

/// The problems of `previews` in a project deployed to `environments` through `pipeline`.
pub(crate) fn problems(
    project: &str,
    previews: &Previews,
    environments: &[Env],
    pipeline: Option<&Pipeline>,
) -> Vec<Problem> {
    let at = || vec![format!("project {project}"), "previews".to_string()];
    let from = previews.from;
    let mut problems = Vec::new();
    let problem = |message: String, fix: String| Problem { path: at(), message, fix };
    if !environments.iter().any(|env| env.name() == from.name()) {
        problems.push(problem(
            format!("previews copy environment {from}, which the project does not list"),
            "Add it to Project::new, or copy a listed hosted environment with Previews::of".into(),
        ));
    } else if !from.is_hosted() {
        problems.push(problem(
            format!("previews copy {from}, which runs locally; previews are made by hosting platforms"),
            "Copy a hosted environment, such as Previews::of(Env::Staging)".into(),
        ));
    } else if from.is_production() {
        problems.push(problem(
            format!(
                "previews copy {from}, which real users reach: every pull request would get its secrets and settings"
            ),
            "Copy a hosted environment that is not production, such as Previews::of(Env::Staging)".into(),
        ));
    }
    if let Some(registry) = pipeline.and_then(|p| p.registry.named()) {
        // The hosted platforms then run the images the pipeline pushed (tagged per environment),
        // which no pull request builds: a preview would run the copied environment's images.
        problems.push(problem(
            format!("previews would run {from}'s images from {registry}, not the pull request's code"),
            "Leave the pipeline's registry unnamed so the platforms build each preview from its branch, or drop \
             previews"
                .into(),
        ));
    }
    if previews.expire_after_days == Some(0) {
        problems.push(problem(
            "previews expire after 0 days".into(),
            "Keep them at least a day, such as .expire_after_days(3), or leave expiry unset".into(),
        ));
    }
    problems
}
