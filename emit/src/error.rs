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
    /// The write would change objects in a way the platform refuses to apply in place; each is
    /// listed with the steps that apply it, and nothing was written.
    #[error(
        "Unable to write: Kubernetes refuses to apply {} change{} in place:{}\nNothing was written. Either keep the \
         old definition, or follow the steps above on each cluster when you deploy this change and write again \
         acknowledging it (Options::acknowledge_recreate)",
        .0.len(), if .0.len() == 1 { "" } else { "s" }, .0.iter().map(|c| format!("\n  - {c}")).collect::<String>()
    )]
    RefusedInPlace(Vec<String>),
    /// Several targets failed to render; each error is listed.
    #[error("{} targets cannot render:{}", .0.len(), .0.iter().map(|e| format!("\n  - {e}")).collect::<String>())]
    Targets(Vec<Error>),
    /// A document could not be serialised to YAML.
    #[error("cannot write {path} as YAML: {message}")]
    Yaml {
        /// The file being rendered.
        path: String,
        /// The serialiser's message.
        message: String,
    },
    /// The model could not be serialised to JSON.
    #[error("cannot write {path} as JSON: {message}")]
    Json {
        /// The file being rendered.
        path: String,
        /// The serialiser's message.
        message: String,
    },
    /// A stack file in a format this crate does not read.
    #[error("Unable to read the stack file {}: a stack file's name ends in .json, .yaml or .yml. Rename it after its format", path.display())]
    StackFileFormat {
        /// The file.
        path: PathBuf,
    },
    /// Another renderer kept the output directory locked for as long as this one would wait.
    #[error(
        "Unable to write {}: another Stackwright renderer has been writing it for {} s. \
         Wait for it to finish (or stop it), then run again.",
        path.display(), waited.as_secs()
    )]
    Busy {
        /// The output directory.
        path: std::path::PathBuf,
        /// How long this renderer waited.
        waited: std::time::Duration,
    },
    /// Writing failed after some files had already been replaced: the tree mixes old and new
    /// files, and the message says exactly which are which.
    #[error(
        "cannot {action} {failed}: {source}. Already written: {}. Not written: {}. \
         Fix the cause and run again: the next run completes the tree.",
        list(written),
        list(not_written)
    )]
    Partial {
        /// What failed: `write` or `remove`.
        action: &'static str,
        /// The file that could not be written or removed (relative to the output directory).
        failed: String,
        /// Files already replaced, created or removed by this run.
        written: Vec<String>,
        /// Files this run left as they were.
        not_written: Vec<String>,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The output directory is outside the repository root.
    #[error(
        "Unable to write into {}: it is outside the repository root {}, and the pipeline can only apply \
         files the repository holds. Choose a directory inside it, such as `deploy`, or run from the root \
         of the repository that should hold the files.",
        dir.display(), root.display()
    )]
    OutsideRepository {
        /// The directory asked for.
        dir: PathBuf,
        /// The repository root (the working directory).
        root: PathBuf,
    },
    /// The output directory's name holds characters the generated workflows cannot use as is.
    #[error(
        "Unable to write into {dir:?}: the workflows name this directory in shell commands, so it may hold \
         only letters, digits, '.', '_', '-' and '/'. Choose a name such as `deploy`"
    )]
    OutputDirName {
        /// The directory as seen from the repository root.
        dir: String,
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

fn list(paths: &[String]) -> String {
    if paths.is_empty() { "none".into() } else { paths.join(", ") }
}
