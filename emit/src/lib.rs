//! Stackwright's emitters: pure functions from a validated project to a [`Bundle`] of files.
//!
//! - [`compose`]: Docker Compose, one complete file per environment.
//! - `kubernetes` (feature `kubernetes`, on by default): a kustomization directory per
//!   environment, typed through `k8s-openapi`.
//! - [`render_blueprint`]: a Render Blueprint covering the hosted environments.
//! - [`railway`]: a Railway Infrastructure-as-Code program covering the hosted environments.
//! - [`actions`]: GitHub Actions, the CI workflow and the build-scan-push-deploy pipeline.
//! - [`model`]: the resolved model of each environment as JSON, and what changed in it.
//!
//! [`render`] runs every target; [`Bundle::write`] and [`Bundle::check`] are the only places
//! that touch the file system; [`cli`] is the command-line front end the examples use.
//!
//! ```
//! use stack_dsl::{Env, Image, Port, Project, Service, Stack};
//!
//! let project = Project::new("shop", [Env::Dev], |_env| {
//!     let mut stack = Stack::new("shop");
//!     stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")).port(Port::http(80).published(8080)));
//!     stack
//! });
//! let valid = project.validate().unwrap();
//! let bundle = emit::render(&valid, &emit::Options::with_root("")).unwrap();
//! let compose = bundle.file("compose/compose.dev.yaml").unwrap();
//! // Not an edge proxy: published on the loopback address only.
//! assert!(compose.contents.contains("- 127.0.0.1:8080:80"));
//! ```

#![deny(missing_docs)]

pub mod actions;
mod applied_defaults;
mod bundle;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compose;
mod deploy_page;
pub mod distinct_warnings;
mod durable;
pub mod endpoint;
mod error;
pub mod facts;
mod first_start;
mod host_names;
#[cfg(feature = "import")]
pub mod import;
#[cfg(feature = "kubernetes")]
pub mod kubernetes;
pub mod layout;
mod managed_platform;
mod manifest;
pub mod model;
mod options;
mod output_lock;
pub mod prerequisite;
pub mod public_origin;
pub mod pushed_image;
pub mod railway;
pub mod regenerate;
pub mod render_blueprint;
mod secret_hint;
pub mod stack_file;
mod yaml;

pub use bundle::{Bundle, Change, GeneratedFile, LOCK_WAIT, Warning, WarningKind, WriteCheck};
pub use error::Error;
pub use options::Options;

use stack_dsl::ValidProject;

/// The targets [`render`] produces, by name.
pub const TARGETS: &[&str] = &[
    "compose",
    #[cfg(feature = "kubernetes")]
    "kubernetes",
    "render",
    "railway",
    "actions",
];

/// The Kubernetes files of `project`; none when the crate is built without the emitter.
fn kubernetes_files(project: &ValidProject, options: &Options) -> Option<Result<Bundle, Error>> {
    #[cfg(feature = "kubernetes")]
    return Some(kubernetes::render(project, options));
    #[cfg(not(feature = "kubernetes"))]
    return {
        let _ = (project, options);
        None
    };
}

/// Render every target for every environment of `project`, and the deploy page (`DEPLOY.md`)
/// that sums up what they need and adapt. When targets fail, the errors of all of them are
/// returned together ([`Error::Targets`]), not only the first.
pub fn render(project: &ValidProject, options: &Options) -> Result<Bundle, Error> {
    render_targets(project, options, TARGETS)
}

/// Render only `targets` (names from [`TARGETS`]) for every environment of `project`. The
/// model files and the deploy page, which cover every target, come only with all of them.
pub fn render_targets(project: &ValidProject, options: &Options, targets: &[&str]) -> Result<Bundle, Error> {
    let wanted = |target: &str| targets.contains(&target);
    let every = TARGETS.iter().all(|target| wanted(target));
    let only = |target: &str, render: &dyn Fn() -> Result<Bundle, Error>| wanted(target).then(render);
    let mut bundle = Bundle::new();
    let mut errors = Vec::new();
    let mut add = |rendered: Result<Bundle, Error>| match rendered {
        Ok(rendered) => bundle.extend(rendered),
        Err(error) => errors.push(error),
    };
    // Kubernetes, the largest target, renders on a second thread while the others render on
    // this one; the files are added in the same order either way, so the bytes do not change.
    std::thread::scope(|scope| {
        let kubernetes = scope.spawn(|| if wanted("kubernetes") { kubernetes_files(project, options) } else { None });
        let compose = only("compose", &|| compose::render(project, options));
        let others = [
            only("render", &|| render_blueprint::render(project, options)),
            only("railway", &|| railway::render(project, options)),
            only("actions", &|| actions::render(project, options)),
            every.then(|| model::render(project)),
        ];
        compose.into_iter().for_each(&mut add);
        kubernetes.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)).into_iter().for_each(&mut add);
        others.into_iter().flatten().for_each(&mut add);
    });
    if every && errors.is_empty() {
        let page = deploy_page::render(project, &bundle, options);
        bundle.add(layout::DEPLOY_PAGE, page);
    }
    match errors.len() {
        0 => Ok(bundle),
        1 => Err(errors.remove(0)),
        _ => Err(Error::Targets(errors)),
    }
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Env, Image, Port, Project, Service, Stack};

    use super::*;

    /// A selection renders only its targets: no other target's files, no model, no deploy page.
    #[test]
    fn only_the_selected_targets_are_rendered() {
        let project = Project::new("shop", [Env::Dev, Env::Production], |_| {
            let mut stack = Stack::new("shop");
            stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")).port(Port::http(8080)));
            stack
        })
        .validate()
        .unwrap();
        let options = Options::for_output_dir(std::path::Path::new("golden/shop")).unwrap();
        for target in TARGETS {
            let bundle = render_targets(&project, &options, &[target]).unwrap();
            let parts: Vec<_> = bundle.files().iter().map(|f| layout::part_of(&f.path).map(|p| p.target)).collect();
            assert!(!parts.is_empty() || *target == "actions", "{target} renders files");
            assert!(parts.iter().all(|p| *p == Some(*target)), "{target}: {parts:?}");
        }
        let every = render(&project, &options).unwrap();
        assert!(every.file(layout::DEPLOY_PAGE).is_some());
    }
}
