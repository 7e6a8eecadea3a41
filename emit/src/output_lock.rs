//! The lock that keeps two renderers from writing one output directory at the same time.
//!
//! It is an advisory lock on the directory itself (`flock(2)` through [`std::fs::File::lock`]),
//! so no lock file is left behind and a renderer killed with SIGKILL releases it with its
//! process. Writers take it exclusively; `--check` takes it shared, so it never reads a tree
//! that a writer has half replaced.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::Error;

/// How long a renderer waits for another one before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(120);

const POLL: Duration = Duration::from_millis(50);

/// A held lock; released when dropped.
#[derive(Debug)]
pub(crate) struct OutputLock {
    _directory: File,
}

/// Exclusive (writing) or shared (checking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Exclusive,
    Shared,
}

impl OutputLock {
    /// Take the lock on the existing directory `root`, waiting up to `wait`. `waiting` is called
    /// once, when another renderer holds it, so a caller can say why it pauses.
    pub(crate) fn acquire(root: &Path, access: Access, wait: Duration, waiting: impl FnOnce()) -> Result<Self, Error> {
        let io = |source| Error::Io { action: "lock", path: root.to_path_buf(), source };
        let directory = File::open(root).map_err(io)?;
        let try_lock = |file: &File| match access {
            Access::Exclusive => file.try_lock(),
            Access::Shared => file.try_lock_shared(),
        };
        let start = Instant::now();
        let mut waiting = Some(waiting);
        loop {
            match try_lock(&directory) {
                Ok(()) => return Ok(OutputLock { _directory: directory }),
                Err(TryLockError::Error(source)) => return Err(io(source)),
                Err(TryLockError::WouldBlock) if start.elapsed() >= wait => {
                    return Err(Error::Busy { path: root.to_path_buf(), waited: wait });
                }
                Err(TryLockError::WouldBlock) => {
                    if let Some(waiting) = waiting.take() {
                        waiting();
                    }
                    std::thread::sleep(POLL);
                }
            }
        }
    }
}
