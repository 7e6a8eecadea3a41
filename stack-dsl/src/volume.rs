//! Storage: named volumes declared by the stack, and the mounts that put storage into a container.

use crate::units::Memory;

/// How a named volume's lifecycle is managed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VolumeKind {
    /// Created and owned by the stack; survives restarts and redeploys.
    Persistent,
    /// Created by hand outside the stack (and backed up there); the stack only attaches it.
    External,
}

/// A named volume of the stack.
///
/// ```
/// use stack_dsl::{Memory, Stack, Volume};
///
/// let mut stack = Stack::new("shop");
/// let data = stack.add_volume(Volume::persistent("pgdata").size(Memory::gib(10)));
/// assert_eq!(data.name(), "pgdata");
/// // Created by hand and backed up elsewhere: the stack only attaches it.
/// stack.add_volume(Volume::external("uploads"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Volume {
    /// The volume's name.
    pub name: String,
    /// Who owns its lifecycle.
    pub kind: VolumeKind,
    /// The capacity to request where a platform needs one (Kubernetes, Render disks).
    pub size: Option<Memory>,
    /// Its name inside a Compose project, when it is not [`Volume::name`].
    pub compose_name: Option<String>,
}

impl Volume {
    /// A volume the stack creates and owns.
    pub fn persistent(name: impl Into<String>) -> Self {
        Volume { name: name.into(), kind: VolumeKind::Persistent, size: None, compose_name: None }
    }

    /// A volume that already exists, created outside the stack.
    pub fn external(name: impl Into<String>) -> Self {
        Volume { name: name.into(), kind: VolumeKind::External, size: None, compose_name: None }
    }

    /// The capacity to request.
    #[must_use]
    pub fn size(mut self, size: Memory) -> Self {
        self.size = Some(size);
        self
    }
}

/// A reference to a volume, returned by [`crate::Stack::add_volume`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct VolumeRef(pub(crate) String);

impl VolumeRef {
    /// The volume's name.
    pub fn name(&self) -> &str {
        &self.0
    }
}

/// What a mount puts into the container.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MountSource {
    /// A named volume of the stack.
    Volume(VolumeRef),
    /// A host directory holding data (uploads, logs), relative to the deployment directory.
    Bind(String),
    /// A configuration file kept in the repository (e.g. `./nginx/nginx.conf`); Kubernetes turns
    /// it into a ConfigMap.
    Config(String),
    /// An in-memory filesystem, for scratch space under a read-only root filesystem.
    Tmpfs {
        /// Its maximum size, if limited.
        size: Option<Memory>,
    },
}

/// Storage mounted at a path inside a container.
///
/// ```
/// use stack_dsl::{Image, Mount, Service, Stack, Volume};
///
/// let mut stack = Stack::new("shop");
/// let data = stack.add_volume(Volume::persistent("pgdata"));
/// let db = Service::new("postgres", Image::new("postgres:16-alpine"))
///     .mount(Mount::volume(&data, "/var/lib/postgresql/data"))
///     .mount(Mount::config("./postgres/postgresql.conf", "/etc/postgresql/postgresql.conf").read_only())
///     .mount(Mount::tmpfs("/tmp"));
/// assert_eq!(db.mounts.len(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Mount {
    /// What is mounted.
    pub source: MountSource,
    /// The absolute path inside the container.
    pub target: String,
    /// Mounted read-only.
    #[serde(default)]
    pub read_only: bool,
    /// For a configuration file: what it must contain for the service to start and work with
    /// this stack (its listeners, paths, upstreams), as the deployment documents state it.
    pub contents: Option<String>,
    /// For a configuration file: its text, when the stack carries it (`include_str!`), so
    /// targets that cannot read the repository when they deploy keep it with their files.
    pub text: Option<String>,
}

impl Mount {
    fn new(source: MountSource, target: impl Into<String>) -> Self {
        Mount { source, target: target.into(), read_only: false, contents: None, text: None }
    }

    /// Mount a named volume of the stack.
    pub fn volume(volume: &VolumeRef, target: impl Into<String>) -> Self {
        Mount::new(MountSource::Volume(volume.clone()), target)
    }

    /// Mount a host directory (relative paths start with `./`).
    pub fn bind(host_path: impl Into<String>, target: impl Into<String>) -> Self {
        Mount::new(MountSource::Bind(host_path.into()), target)
    }

    /// Mount a configuration file from the repository, read-only.
    pub fn config(file: impl Into<String>, target: impl Into<String>) -> Self {
        Mount::new(MountSource::Config(file.into()), target).read_only()
    }

    /// Mount an in-memory scratch filesystem.
    pub fn tmpfs(target: impl Into<String>) -> Self {
        Mount::new(MountSource::Tmpfs { size: None }, target)
    }

    /// Limit a tmpfs mount's size; no effect on other mounts.
    #[must_use]
    pub fn size(mut self, limit: Memory) -> Self {
        if let MountSource::Tmpfs { size } = &mut self.source {
            *size = Some(limit);
        }
        self
    }

    /// Mount read-only.
    #[must_use]
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Carry a configuration file's text in the stack, such as
    /// `.text(include_str!("../nginx/nginx.conf"))`. The Kubernetes target then writes it beside
    /// its kustomization, which generates the ConfigMap with a hash of the text in its name, so
    /// applying a changed file rolls the pods that mount it. No effect on other mounts.
    #[must_use]
    pub fn text(mut self, text: impl Into<String>) -> Self {
        if matches!(self.source, MountSource::Config(_)) {
            self.text = Some(text.into());
        }
        self
    }

    /// State what a configuration file must contain (a sentence completing "… must contain");
    /// targets list it with the files the host must hold.
    #[must_use]
    pub fn must_contain(mut self, contents: impl Into<String>) -> Self {
        self.contents = Some(contents.into());
        self
    }
}
