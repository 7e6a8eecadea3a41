//! Images: a usable registry reference, or a build with a context and a tag the pipeline can push.

use std::collections::HashMap;

use super::Checker;
use crate::image::{Build, Image};

impl<'a> Checker<'a> {
    pub(super) fn check_image(&mut self, at: &str, image: &Image) {
        match image {
            Image::Registry(reference) => {
                if reference.is_empty() || reference.chars().any(char::is_whitespace) {
                    self.report(
                        &[at, "image"],
                        format!("the image reference {reference:?} is empty or contains whitespace"),
                        "Give an image reference such as \"postgres:16-alpine\"",
                    );
                }
            }
            Image::Build(build) => {
                if build.context.trim().is_empty() {
                    self.report(
                        &[at, "image"],
                        "the build context is empty",
                        "Pass the directory holding the Dockerfile, such as \"backend\"",
                    );
                }
                if let Some(why) = build.tag.as_deref().and_then(image_name_problem) {
                    self.report(
                        &[at, "image", "tag"],
                        why,
                        "Name the image in lowercase without a tag, such as \"shop-api\"",
                    );
                }
            }
        }
    }

    /// Services that name the same image tag must build it the same way.
    pub(super) fn check_shared_builds(&mut self) {
        let mut builds: HashMap<&str, (&str, &Build)> = HashMap::new();
        for service in &self.stack.services {
            let Image::Build(build) = &service.image else { continue };
            let Some(tag) = build.tag.as_deref() else { continue };
            if let Some((first, other)) = builds.insert(tag, (&service.name, build))
                && other != build
            {
                let at = format!("service {}", service.name);
                self.report(
                    &[&at, "image"],
                    format!("image {tag} is also built by service {first}, with different settings"),
                    "Share one Build value between the services, or give the builds different tags",
                );
            }
        }
    }
}

fn image_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("the image tag is empty".into())
    } else if name.contains(':') || name.contains('@') {
        Some(format!("the image name {name:?} carries a tag or digest; the pipeline picks the tag"))
    } else if name
        .chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '/')))
    {
        Some(format!("the image name {name:?} may use only lowercase letters, digits and . _ - /"))
    } else {
        None
    }
}
