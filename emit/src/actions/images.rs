//! The images a pipeline builds, and the steps that build and scan one of them. An image is
//! built once per commit and promoted from staging to production, unless its build differs
//! between environments.
//!
//! Buildx cache: <https://docs.docker.com/build/ci/github-actions/cache/#github-cache>.
//! Trivy: <https://github.com/aquasecurity/trivy-action>.

use indexmap::IndexMap;
use stack_dsl::{Build, Env, Image, ValidStack};

use super::model::{Map, Step, expr};
use super::pins;
use crate::endpoint::image_name;

/// One image built from source, and the services that run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltImage {
    /// The image name without registry or tag (`neosale-api`).
    pub name: String,
    /// How it is built; paths relative to the repository root.
    pub build: Build,
    /// The services running it, in stack order.
    pub services: Vec<String>,
    /// The one environment this variant is for, when the build differs between environments
    /// (a static front end that bakes in its API's address); `None` when built once for all.
    pub env: Option<Env>,
}

impl BuiltImage {
    /// What follows the commit SHA in the tag: empty, or `-<env>` for a per-environment variant.
    pub fn tag_suffix(&self) -> String {
        self.env.map(|env| format!("-{env}")).unwrap_or_default()
    }
}

/// The images `stacks` build, in the order first met. An image built the same way everywhere
/// is built once per commit and promoted; one whose build differs (build arguments baked in per
/// environment) is built once per environment, tagged `<sha>-<env>`.
pub fn built_images(stacks: &[&ValidStack]) -> Vec<BuiltImage> {
    let mut by_name: IndexMap<String, Vec<BuiltImage>> = IndexMap::new();
    for stack in stacks {
        for service in stack.services() {
            let Image::Build(build) = &service.image else { continue };
            let name = image_name(stack, service);
            let variants = by_name.entry(name.clone()).or_default();
            let env = Some(stack.env());
            match variants.iter_mut().find(|v| v.env == env) {
                Some(variant) => variant.services.push(service.name.clone()),
                None => {
                    variants.push(BuiltImage { name, build: build.clone(), services: vec![service.name.clone()], env })
                }
            }
        }
    }
    let mut images = Vec::new();
    for (_, mut variants) in by_name {
        if variants.iter().all(|v| v.build == variants[0].build) {
            let mut once = variants.swap_remove(0);
            for service in variants.into_iter().flat_map(|v| v.services) {
                if !once.services.contains(&service) {
                    once.services.push(service);
                }
            }
            images.push(BuiltImage { env: None, ..once });
        } else {
            images.extend(variants);
        }
    }
    images
}

/// One matrix entry per image: `image`, `context`, `file`, `target`, `build-args`, and
/// `variant`, the tag suffix.
pub fn matrix(images: &[BuiltImage]) -> Vec<Map> {
    images
        .iter()
        .map(|image| {
            let build = &image.build;
            let dockerfile = build.dockerfile.as_deref().unwrap_or("Dockerfile");
            let args: Vec<String> = build.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Map::from_iter([
                ("image".into(), image.name.clone()),
                ("context".into(), build.context.clone()),
                ("file".into(), format!("{}/{dockerfile}", build.context.trim_end_matches('/'))),
                ("target".into(), build.target.clone().unwrap_or_default()),
                ("build-args".into(), args.join("\n")),
                ("variant".into(), image.tag_suffix()),
            ])
        })
        .collect()
}

/// Check out, build the matrix's image into the local Docker engine as `$IMAGE` (set by the
/// job), and fail on known HIGH or CRITICAL vulnerabilities that have a fix.
pub fn build_and_scan() -> Vec<Step> {
    vec![
        checkout(),
        Step::uses("Set up Docker Buildx", &pins::SETUP_BUILDX),
        Step::uses("Build the image", &pins::BUILD_PUSH)
            .with("context", expr("matrix.context"))
            .with("file", expr("matrix.file"))
            .with("target", expr("matrix.target"))
            .with("build-args", expr("matrix.build-args"))
            .with("tags", expr("env.IMAGE"))
            .with("load", "true")
            .with("push", "false")
            .with("cache-from", format!("type=gha,scope={}{}", expr("matrix.image"), expr("matrix.variant")))
            .with("cache-to", format!("type=gha,mode=max,scope={}{}", expr("matrix.image"), expr("matrix.variant"))),
        Step::uses("Scan the image for vulnerabilities", &pins::TRIVY)
            .with("version", pins::TRIVY_VERSION)
            .with("image-ref", expr("env.IMAGE"))
            .with("severity", "CRITICAL,HIGH")
            .with("ignore-unfixed", "true")
            .with("exit-code", "1"),
    ]
}

/// Check out the repository without leaving the token in `.git/config`.
pub fn checkout() -> Step {
    Step::uses("Check out", &pins::CHECKOUT).with("persist-credentials", "false")
}
/// The image of `service` deployed to `env`, if it is built from source.
pub fn image_of<'a>(images: &'a [BuiltImage], service: &str, env: Env) -> Option<&'a BuiltImage> {
    images.iter().find(|i| i.services.iter().any(|s| s == service) && i.env.is_none_or(|e| e == env))
}
