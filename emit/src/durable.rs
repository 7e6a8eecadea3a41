//! Putting staged files on disk before they are renamed into place, with one `syncfs(2)` per
//! filesystem instead of one `fsync(2)` per file.
//!
//! Why writing stays crash-safe: [`crate::bundle`] writes every temporary file first, calls
//! [`flush`], and renames only after it has returned. `syncfs` returns once the filesystem's
//! dirty data and metadata, every temporary file's included, are written, and reports a failed
//! write-back as an error (Linux 5.8 and later, <https://man7.org/linux/man-pages/man2/syncfs.2.html>).
//! So each temporary file is complete on disk before its rename is issued, and a crash at any
//! moment leaves each target with its old contents or its complete new ones, never an empty or
//! partial file. A `fsync` per file gave the same order at the cost of a journal commit per
//! file: 20,000 of them at 10,000 services, most of a run's wall time on a busy disk.

use std::fs::File;
use std::io;
use std::path::Path;

/// Make the files at `paths` durable; on failure, the path whose flush failed.
#[cfg(target_os = "linux")]
pub(crate) fn flush<'p>(paths: impl IntoIterator<Item = &'p Path>) -> Result<(), (&'p Path, io::Error)> {
    use std::collections::{BTreeSet, HashSet};
    use std::os::unix::fs::MetadataExt;

    // A file sits on the filesystem of its directory; few directories, fewer filesystems.
    let dirs: BTreeSet<&Path> = paths
        .into_iter()
        .map(|path| path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")))
        .collect();
    let mut flushed = HashSet::new();
    for dir in dirs {
        let fail = |error: io::Error| (dir, error);
        let handle = File::open(dir).map_err(fail)?;
        if flushed.insert(handle.metadata().map_err(fail)?.dev()) {
            rustix::fs::syncfs(&handle).map_err(|errno| fail(errno.into()))?;
        }
    }
    Ok(())
}

/// Make the files at `paths` durable; on failure, the path whose flush failed. Without
/// `syncfs`, each file is flushed on its own.
#[cfg(not(target_os = "linux"))]
pub(crate) fn flush<'p>(paths: impl IntoIterator<Item = &'p Path>) -> Result<(), (&'p Path, io::Error)> {
    for path in paths {
        File::options().write(true).open(path).and_then(|file| file.sync_all()).map_err(|error| (path, error))?;
    }
    Ok(())
}
