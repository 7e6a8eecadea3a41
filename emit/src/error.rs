//! Errors of the `emit` crate.

use std::path::PathBuf;

/// Everything that can go wrong while rendering, writing or checking generated files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The stack is invalid; every problem is listed.
    #[error(transparent)]
    Invalid(#[from] stack_dsl::Error),
    /// A target cannot express something the stack asks for.
    #[error("Unable to render {target} for service {service}: {reason}. {fix}")]
    Unsupported {
        /// The target, such as `compose`.
        target: &'static str,
        /// The service concerned.
        service: String,
        /// What the target cannot express.
        reason: String,
        /// What the user can do about it.
        fix: String,
    },
    /// The pipeline deploys to a target this build of the crate does not render.
    #[error(
        "Unable to render the pipeline of {project}: it deploys to {target}, whose files this build does not \
         render. Either enable the `{feature}` feature of stackwright-emit, or choose another DeployTarget"
    )]
    TargetNotRendered {
        /// The project.
        project: String,
        /// The deploy target, such as `kubernetes`.
        target: &'static str,
        /// The cargo feature that renders it.
        feature: &'static str,
    },
    /// A document could not be serialised to YAML.
    #[error("cannot write {path} as YAML: {message}")]
    Yaml {
        /// The file being rendered.
        path: String,
        /// The serialiser's message.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done: `read`, `write`, `remove`.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}
