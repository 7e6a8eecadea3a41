//! How much log output a single host keeps per container before rotating it. Docker's default
//! `json-file` driver never rotates (<https://docs.docker.com/engine/logging/drivers/json-file/>),
//! so a chatty service fills the disk; every stack has a rotation, 10 MiB × 3 files by default.

use crate::stack::Stack;
use crate::units::Memory;

/// Rotate a container's log at `max_size`, keeping `max_files` files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LogRotation {
    /// The size at which the current file is rotated.
    pub max_size: Memory,
    /// How many files are kept, the current one included.
    pub max_files: u32,
}

impl LogRotation {
    /// Rotate at `max_size`, keeping `max_files` files.
    pub fn new(max_size: Memory, max_files: u32) -> Self {
        LogRotation { max_size, max_files: max_files.max(1) }
    }
}

impl Default for LogRotation {
    fn default() -> Self {
        LogRotation::new(Memory::mib(10), 3)
    }
}

impl Stack {
    /// Rotate every container's log with `rotation` instead of the default 10 MiB × 3.
    pub fn log_rotation(&mut self, rotation: LogRotation) {
        self.log_rotation = rotation;
    }
}
