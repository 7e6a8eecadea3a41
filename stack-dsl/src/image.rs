//! Where a service's container image comes from: a registry, or a build from source.
//!
//! Follows the Compose `build:` section: <https://docs.docker.com/reference/compose-file/build/>

use indexmap::IndexMap;

/// A service's container image.
///
/// ```
/// use stack_dsl::{Build, Image};
///
/// let cache = Image::new("redis:7-alpine");
/// assert_eq!(cache, Image::Registry("redis:7-alpine".into()));
/// // Built from ./backend, pushed by the pipeline as shop-api:<commit SHA>.
/// let api: Image = Image::build("backend").dockerfile("Dockerfile.prod").arg("NODE_ENV", "production").tag("shop-api").into();
/// let Image::Build(Build { context, .. }) = &api else { unreachable!() };
/// assert_eq!(context, "backend");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Image {
    /// A prebuilt image pulled from a registry, such as `postgres:15-alpine`.
    Registry(String),
    /// An image built from source in this repository.
    Build(Build),
}

impl Image {
    /// A prebuilt image by reference: `Image::new("redis:7-alpine")`.
    pub fn new(reference: impl Into<String>) -> Self {
        Image::Registry(reference.into())
    }

    /// An image built from the Dockerfile in `context` (a directory relative to the repository root).
    pub fn build(context: impl Into<String>) -> Build {
        Build::new(context)
    }
}

impl From<Build> for Image {
    fn from(build: Build) -> Self {
        Image::Build(build)
    }
}

/// How to build an image from source.
///
/// Services that run the same code (an API and its worker) share one `Build` value: give it a
/// [`Build::tag`] and clone it, so every target builds the image once and runs it twice.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Build {
    /// The build context directory, relative to the repository root.
    pub context: String,
    /// The Dockerfile, relative to the context; `Dockerfile` when unset.
    pub dockerfile: Option<String>,
    /// The multi-stage build target, if not the last stage.
    pub target: Option<String>,
    /// Build arguments (`ARG`s). Never put secrets here: they end up in the image history.
    #[serde(default)]
    pub args: IndexMap<String, String>,
    /// The image name the build is tagged with (`feature-models-backend`). When unset,
    /// emitters name it `<stack>-<service>`.
    pub tag: Option<String>,
}

impl Build {
    /// A build of the Dockerfile in `context`.
    pub fn new(context: impl Into<String>) -> Self {
        Build { context: context.into(), dockerfile: None, target: None, args: IndexMap::new(), tag: None }
    }

    /// Use a Dockerfile other than `<context>/Dockerfile`.
    #[must_use]
    pub fn dockerfile(mut self, path: impl Into<String>) -> Self {
        self.dockerfile = Some(path.into());
        self
    }

    /// Build only up to the named stage of a multi-stage Dockerfile.
    #[must_use]
    pub fn target(mut self, stage: impl Into<String>) -> Self {
        self.target = Some(stage.into());
        self
    }

    /// Pass a build argument.
    #[must_use]
    pub fn arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.args.insert(name.into(), value.into());
        self
    }

    /// Name the built image, without a tag: the tag is chosen by the pipeline (the commit SHA)
    /// or by the emitter (`latest` for local Compose builds).
    #[must_use]
    pub fn tag(mut self, name: impl Into<String>) -> Self {
        self.tag = Some(name.into());
        self
    }
}
