//! The command that starts an environment with the images meant for it, and the `IMAGE_TAG`
//! variable that names them.
//!
//! Built images are tagged `${IMAGE_TAG:?…}`: with no default, Compose refuses to start until
//! the tag is given, so a manual `up` never runs a stale `latest`. Where the pipeline deploys this
//! file (Compose over SSH, hosted environments), it pulls the commit's image and the host must
//! never build (`--no-build`: without it, `up` builds a missing image from the build section);
//! elsewhere `up --build` builds the checked-out commit, since `up` alone reuses an existing
//! image of the same tag (<https://docs.docker.com/reference/cli/docker/compose/up/>).

use stack_dsl::{DeployTarget, ValidProject, ValidStack};

/// The variable that picks the tag of built images.
pub const IMAGE_TAG: &str = "IMAGE_TAG";

/// The file a Compose-over-SSH deploy writes in the deploy directory, beside the env file:
/// `IMAGE_TAG` and the public hosts it ran with (mode 600), which only its own session held.
pub const DEPLOY_ENV: &str = ".deploy.env";

/// `docker compose` as run in a Compose-over-SSH deploy directory, by the deploy and by hand:
/// the env file, then [`DEPLOY_ENV`], whose values win. Several `--env-file` options are read in
/// order, a later file overriding an earlier one
/// (<https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#substitute-with---env-file>).
pub fn deployed_compose(env_file: &str, file: &str) -> String {
    format!("docker compose --env-file {env_file} --env-file {DEPLOY_ENV} -f {file}")
}

/// How the built images of one environment reach the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Images {
    /// The file builds nothing.
    Pulled,
    /// Built from the checkout on the host.
    BuiltOnHost,
    /// Pushed by the pipeline as `<registry>/<name>:<commit SHA>` and pulled by its deploy.
    FromPipeline,
}

impl Images {
    /// How `stack`'s images arrive; `builds` says whether the file builds any.
    pub fn of(project: &ValidProject, stack: &ValidStack, builds: bool) -> Self {
        let deployed_here = project.pipeline().is_some_and(|p| p.target == DeployTarget::ComposeOverSsh);
        match (builds, deployed_here && stack.env().is_hosted()) {
            (false, _) => Images::Pulled,
            (true, true) => Images::FromPipeline,
            (true, false) => Images::BuiltOnHost,
        }
    }

    /// How `IMAGE_TAG` is set on the host for a scheduled run, if the file reads it: the checkout's
    /// commit, or the tag the pipeline's deploy recorded in `.image-tag` beside the file.
    fn tag_on_host(self) -> &'static str {
        match self {
            Images::Pulled => "",
            Images::BuiltOnHost => "IMAGE_TAG=$(git rev-parse --short HEAD) ",
            Images::FromPipeline => "IMAGE_TAG=$(cat .image-tag) ",
        }
    }

    /// The header line that runs `service` on `schedule` from the host's crontab. Compose cannot
    /// schedule; `docker compose run` starts a service of a profile that is not enabled
    /// (<https://docs.docker.com/compose/how-tos/profiles/>). Cron reads `%` as a newline, so the
    /// line has none (<https://man7.org/linux/man-pages/man5/crontab.5.html>).
    pub fn crontab_line(self, env_file: &str, file_name: &str, service: &str, schedule: &str) -> String {
        format!(
            "Cron: {service} runs from the host's crontab ({schedule} is UTC; set CRON_TZ=UTC or shift it to the host's zone): {schedule} cd <this directory> && {}docker compose --env-file {env_file} -f {file_name} run --rm {service}",
            self.tag_on_host()
        )
    }

    /// The header's run command. `built` names the images the file builds elsewhere, which the
    /// pipeline pushed to `registry` and a host without the pipeline's deploy pulls and tags
    /// with the local names the file runs, as the deploy does.
    pub fn run_command(self, env_file: &str, file_name: &str, registry: &str, built: &[String]) -> String {
        let compose = format!("docker compose --env-file {env_file} -f {file_name} up -d");
        match self {
            Images::Pulled => format!("Run: {compose}"),
            Images::BuiltOnHost => {
                format!("Run from the checkout: {IMAGE_TAG}=$(git rev-parse --short HEAD) {compose} --build")
            }
            Images::FromPipeline => format!(
                "Run: export {IMAGE_TAG}=<commit SHA the pipeline deployed>; docker login {host}; for image in {images}; do docker pull {registry}/$image:${IMAGE_TAG} && docker tag {registry}/$image:${IMAGE_TAG} $image:${IMAGE_TAG}; done; {compose} --no-build (the deploy does the same; the host never builds)",
                host = registry.split('/').next().unwrap_or(registry),
                images = built.join(" "),
            ),
        }
    }

    /// The header line giving the command to run on the host, in the deploy directory, where the
    /// pipeline deploys `file` (its path from that directory): without [`DEPLOY_ENV`] a
    /// `docker compose ps` or `logs` there stops at the missing `IMAGE_TAG`, or runs another tag.
    pub fn on_deploy_host(self, env_file: &str, file: &str) -> Option<String> {
        (self == Images::FromPipeline).then(|| {
            format!(
                "On the host, from DEPLOY_PATH, run any docker compose command (ps, logs, restart <service>, …) as: {} <command>; the deploy writes {DEPLOY_ENV} there (mode 600) with the {IMAGE_TAG} and public hosts it ran",
                deployed_compose(env_file, file)
            )
        })
    }

    /// What the env example says about `IMAGE_TAG`, if the file reads it.
    pub fn tag_description(self) -> Option<&'static str> {
        match self {
            Images::Pulled => None,
            Images::BuiltOnHost => Some(
                "Tag of the images built from this repository: the commit checked out (git rev-parse --short HEAD). No default: Compose refuses to start without it.",
            ),
            Images::FromPipeline => Some(
                "Tag of the images to run: the commit SHA the pipeline built and deployed. No default: Compose refuses to start without it, so a manual up never runs another image.",
            ),
        }
    }
}
