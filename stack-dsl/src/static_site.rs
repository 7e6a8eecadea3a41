//! A static front end: a build command writes files into a publish directory, which is then
//! served as it is (a React or Vite single-page application). A platform with static hosting
//! serves the directory itself (Render Static Sites: <https://render.com/docs/static-sites>);
//! every other target runs the service's own image, which serves the same build.

use crate::image::Image;
use crate::problem::Problem;
use crate::role::Role;
use crate::service::{Run, Service};

/// How a static front end is built from source.
///
/// ```
/// use stack_dsl::{Image, Port, Service, StaticSite};
///
/// let web = Service::new("web", Image::build("frontend"))
///     .port(Port::http(8080))
///     .serves_static(StaticSite::new("frontend", "npm ci && npm run build", "dist").single_page_app());
/// assert!(web.static_site().is_some_and(|site| site.single_page_app));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StaticSite {
    /// The source directory, relative to the repository root (`frontend`).
    pub root: String,
    /// The command that builds the site, run in [`StaticSite::root`] (`npm ci && npm run build`).
    pub build_command: String,
    /// The directory the build writes, relative to [`StaticSite::root`] (`dist`).
    pub publish_dir: String,
    /// Paths without a file of their own serve `index.html`, for client-side routing.
    #[serde(default)]
    pub single_page_app: bool,
}

impl StaticSite {
    /// A site built in `root` by `build_command` into `publish_dir`.
    pub fn new(root: impl Into<String>, build_command: impl Into<String>, publish_dir: impl Into<String>) -> Self {
        StaticSite {
            root: root.into(),
            build_command: build_command.into(),
            publish_dir: publish_dir.into(),
            single_page_app: false,
        }
    }

    /// Serve `index.html` for every path that has no file (client-side routing).
    #[must_use]
    pub fn single_page_app(mut self) -> Self {
        self.single_page_app = true;
        self
    }
}

impl Service {
    /// Mark the service as the server of a static build: platforms with static hosting serve
    /// the build themselves, other targets run the service's image (which serves the same files).
    #[must_use]
    pub fn serves_static(mut self, site: StaticSite) -> Self {
        self.role = Role::StaticSite(site);
        self
    }

    /// The static build the service serves, if it is a static front end.
    pub fn static_site(&self) -> Option<&StaticSite> {
        match &self.role {
            Role::StaticSite(site) => Some(site),
            _ => None,
        }
    }
}

/// The problems of a service's static site; `at` is the service's location.
pub(crate) fn problems(at: &[String], service: &Service) -> Vec<Problem> {
    let Some(site) = service.static_site() else { return Vec::new() };
    let mut found = Vec::new();
    let mut report = |message: String, fix: String| {
        let mut path = at.to_vec();
        path.push("static site".into());
        found.push(Problem { path, message, fix });
    };
    if !matches!(service.image, Image::Build(_)) {
        report(
            "a static site is built from source, and the service pulls a prebuilt image".into(),
            "Build the image that serves the site with Image::build, so every target serves the same build".into(),
        );
    }
    if service.run != Run::Continuously {
        report(
            "a static site is served continuously, and the service is a job or a cron job".into(),
            "Declare it with Service::new".into(),
        );
    }
    if site.build_command.trim().is_empty() {
        report(
            "the build command is empty".into(),
            "Give the command that builds the site, such as \"npm ci && npm run build\"".into(),
        );
    }
    for (field, path) in [("root", &site.root), ("publish directory", &site.publish_dir)] {
        let climbs = path.split('/').any(|part| part == "..");
        if path.trim().is_empty() || path.starts_with('/') || climbs {
            report(
                format!("the {field} {path:?} is not a directory inside the repository"),
                format!("Give the {field} as a relative path without \"..\", such as \"frontend\" or \"dist\""),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use crate::{Env, Image, Port, Project, Service, Stack, StaticSite};

    #[test]
    fn a_static_site_needs_a_build_served_continuously_from_inside_the_repository() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let site = || StaticSite::new("frontend", "npm run build", "dist");
            stack.add_service(
                Service::new("pulled", Image::new("nginx:1.27")).port(Port::http(80)).serves_static(site()),
            );
            stack.add_service(Service::job("once", Image::build("frontend")).serves_static(site()));
            stack.add_service(
                Service::new("outside", Image::build("frontend")).port(Port::http(80)).serves_static(StaticSite::new(
                    "../elsewhere",
                    " ",
                    "/dist",
                )),
            );
            stack
                .add_service(Service::new("fine", Image::build("frontend")).port(Port::http(80)).serves_static(site()));
            stack
        });
        let error = project.validate().expect_err("invalid static sites");
        let places: Vec<String> = error.problems().iter().map(|p| p.location()).collect();
        let at = |service: &str| format!("stack shop (production) › service {service} › static site");
        assert_eq!(places.iter().filter(|p| **p == at("pulled")).count(), 1, "{places:?}");
        assert_eq!(places.iter().filter(|p| **p == at("once")).count(), 1, "{places:?}");
        assert_eq!(places.iter().filter(|p| **p == at("outside")).count(), 3, "{places:?}");
        assert!(!places.iter().any(|p| p.contains("service fine")), "{places:?}");
    }
}
