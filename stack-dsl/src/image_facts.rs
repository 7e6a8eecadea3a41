//! What an image does at runtime, stated by the stack's author for an image the emitters have
//! no facts about (one built from the repository, or a third-party image): the user it runs as,
//! and which paths it writes. Targets that must grant those rights
//! (Kubernetes under the `restricted` Pod Security Standard) read them; for well-known images
//! the emitters know them already.

/// Runtime facts of a service's image.
///
/// ```
/// use stack_dsl::{Image, ImageFacts, Service};
///
/// let web = Service::new("web", Image::build("frontend"))
///     .image_facts(ImageFacts::new().runs_as(101, 101).writes("/var/cache/nginx"));
/// assert_eq!(web.image_facts.unwrap().user, Some((101, 101)));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ImageFacts {
    /// The uid and gid the image's process runs as and owns its files with.
    pub user: Option<(u32, u32)>,
    /// Paths outside its mounts the process writes at runtime (caches, pid files, sockets).
    #[serde(default)]
    pub writes: Vec<String>,
    /// What the image must hold for the service to start, which no deployment file can provide
    /// (a CLI and its binaries installed, a directory created and owned by the service's user).
    #[serde(default)]
    pub requires: Vec<String>,
}

impl ImageFacts {
    /// No facts yet.
    pub fn new() -> Self {
        ImageFacts::default()
    }

    /// The image's process runs as `uid` and group `gid`, which own its files.
    #[must_use]
    pub fn runs_as(mut self, uid: u32, gid: u32) -> Self {
        self.user = Some((uid, gid));
        self
    }

    /// The process writes under `path` at runtime.
    #[must_use]
    pub fn writes(mut self, path: impl Into<String>) -> Self {
        self.writes.push(path.into());
        self
    }

    /// The image must hold `what` (a sentence completing "the image must …") for the service to
    /// start; targets that run the image list it among their prerequisites.
    #[must_use]
    pub fn requires(mut self, what: impl Into<String>) -> Self {
        self.requires.push(what.into());
        self
    }
}
