//! A rendered set of files, and the one place that writes, checks and diffs it.
//!
//! Rendering is pure and happens first, so a stack that fails to render writes nothing. Writing
//! replaces each file atomically (a temporary file in the same directory, then a rename), so no
//! reader ever sees a half-written file. Checking compares with the directory and never writes.

use std::fmt;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::error::Error;

/// A generated file: a path relative to the output directory, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, `/`-separated.
    pub path: String,
    /// Contents, LF line endings, one trailing newline.
    pub contents: String,
}

/// Something a target could not express, reported instead of being dropped silently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The target, such as `compose`.
    pub target: &'static str,
    /// The environment concerned.
    pub env: String,
    /// The service concerned.
    pub service: String,
    /// What was not expressed, and what the user should do.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): service {}: {}", self.target, self.env, self.service, self.message)
    }
}

/// An ordered set of generated files, the directories they own, and the warnings of rendering.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    files: Vec<GeneratedFile>,
    owned: Vec<String>,
    warnings: Vec<Warning>,
}

/// What writing a file did, or checking it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The file is new.
    Created {
        /// Relative path.
        path: String,
        /// Its contents.
        contents: String,
    },
    /// The file's contents changed.
    Updated {
        /// Relative path.
        path: String,
        /// What was there.
        old: String,
        /// What the stack renders now.
        new: String,
    },
    /// The file already had these contents.
    Unchanged {
        /// Relative path.
        path: String,
    },
    /// A file in an owned directory that the stack no longer renders.
    Removed {
        /// Relative path.
        path: String,
        /// What was there.
        old: String,
    },
}

impl Change {
    /// The file's relative path.
    pub fn path(&self) -> &str {
        match self {
            Change::Created { path, .. }
            | Change::Updated { path, .. }
            | Change::Unchanged { path }
            | Change::Removed { path, .. } => path,
        }
    }

    /// True unless the file is unchanged.
    pub fn is_change(&self) -> bool {
        !matches!(self, Change::Unchanged { .. })
    }

    /// Lines added and removed.
    pub fn line_counts(&self) -> (usize, usize) {
        match self {
            Change::Created { contents, .. } => (contents.lines().count(), 0),
            Change::Removed { old, .. } => (0, old.lines().count()),
            Change::Unchanged { .. } => (0, 0),
            Change::Updated { old, new, .. } => {
                let diff = TextDiff::from_lines(old, new);
                diff.iter_all_changes().fold((0, 0), |(add, del), c| match c.tag() {
                    similar::ChangeTag::Insert => (add + 1, del),
                    similar::ChangeTag::Delete => (add, del + 1),
                    similar::ChangeTag::Equal => (add, del),
                })
            }
        }
    }

    /// A unified diff of the change (empty for an unchanged file).
    pub fn diff(&self) -> String {
        let (old, new) = match self {
            Change::Created { contents, .. } => ("", contents.as_str()),
            Change::Updated { old, new, .. } => (old.as_str(), new.as_str()),
            Change::Removed { old, .. } => (old.as_str(), ""),
            Change::Unchanged { .. } => return String::new(),
        };
        let path = self.path();
        TextDiff::from_lines(old, new)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string()
    }
}

impl Bundle {
    /// An empty bundle.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a file. Line endings become LF and the contents end in exactly one newline.
    pub fn add(&mut self, path: impl Into<String>, contents: impl AsRef<str>) {
        let normalised = contents.as_ref().replace("\r\n", "\n");
        let contents = format!("{}\n", normalised.trim_end_matches('\n'));
        self.files.push(GeneratedFile { path: path.into(), contents });
    }

    /// Declare that the bundle owns a directory (relative path): files there that the bundle
    /// does not render are stale, removed on write and reported on check.
    pub fn own(&mut self, dir: impl Into<String>) {
        self.owned.push(dir.into());
    }

    /// Report something the target could not express.
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// Append another bundle's files, owned directories and warnings.
    pub fn extend(&mut self, other: Bundle) {
        self.files.extend(other.files);
        self.owned.extend(other.owned);
        self.warnings.extend(other.warnings);
    }

    /// The files, in render order.
    pub fn files(&self) -> &[GeneratedFile] {
        &self.files
    }

    /// The warnings of rendering.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The file at `path`, if rendered.
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Compare the bundle with the files under `root`. Reads only.
    pub fn check(&self, root: &Path) -> Result<Vec<Change>, Error> {
        let mut changes = Vec::new();
        for file in &self.files {
            let change = match read_if_exists(&root.join(&file.path))? {
                None => Change::Created { path: file.path.clone(), contents: file.contents.clone() },
                Some(old) if old == file.contents => Change::Unchanged { path: file.path.clone() },
                Some(old) => Change::Updated { path: file.path.clone(), old, new: file.contents.clone() },
            };
            changes.push(change);
        }
        for path in self.orphans(root)? {
            let old = read_if_exists(&root.join(&path))?.unwrap_or_default();
            changes.push(Change::Removed { path, old });
        }
        Ok(changes)
    }

    /// Bring `root` up to date: write every changed file atomically and remove stale files
    /// from owned directories. Returns what changed.
    pub fn write(&self, root: &Path) -> Result<Vec<Change>, Error> {
        let changes = self.check(root)?;
        for change in &changes {
            let path = root.join(change.path());
            match change {
                Change::Created { contents, .. } | Change::Updated { new: contents, .. } => {
                    write_atomically(&path, contents)?
                }
                Change::Removed { .. } => fs::remove_file(&path).map_err(|source| Error::Io {
                    action: "remove",
                    path: path.clone(),
                    source,
                })?,
                Change::Unchanged { .. } => {}
            }
        }
        Ok(changes)
    }

    /// Files under owned directories that the bundle does not render, sorted.
    fn orphans(&self, root: &Path) -> Result<Vec<String>, Error> {
        let mut found = Vec::new();
        for dir in &self.owned {
            list_files(&root.join(dir), dir, &mut found)?;
        }
        found.retain(|path| self.file(path).is_none());
        found.sort();
        found.dedup();
        Ok(found)
    }
}

fn read_if_exists(path: &Path) -> Result<Option<String>, Error> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.replace("\r\n", "\n"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io { action: "read", path: path.to_path_buf(), source }),
    }
}

fn list_files(dir: &Path, relative: &str, out: &mut Vec<String>) -> Result<(), Error> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(Error::Io { action: "read", path: dir.to_path_buf(), source }),
    };
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io { action: "read", path: dir.to_path_buf(), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{relative}/{name}");
        if entry.path().is_dir() {
            list_files(&entry.path(), &path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Write `contents` to a temporary file beside `path`, flush it to disk, then rename it over
/// `path`: readers see the old file or the new one, never a part.
fn write_atomically(path: &Path, contents: &str) -> Result<(), Error> {
    let io = |source| Error::Io { action: "write", path: path.to_path_buf(), source };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    fs::create_dir_all(&dir).map_err(io)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stackwright-bundle-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn write_then_check_is_clean_and_stale_files_are_found() {
        let root = scratch("roundtrip");
        let mut bundle = Bundle::new();
        bundle.own("compose");
        bundle.add("compose/a.yaml", "a: 1\r\n");
        let first = bundle.write(&root).unwrap();
        assert!(matches!(first.as_slice(), [Change::Created { .. }]));
        assert_eq!(fs::read_to_string(root.join("compose/a.yaml")).unwrap(), "a: 1\n");
        assert!(bundle.check(&root).unwrap().iter().all(|c| !c.is_change()));

        fs::write(root.join("compose/old.yaml"), "x: 1\n").unwrap();
        fs::write(root.join("compose/a.yaml"), "a: 2\n").unwrap();
        let changes = bundle.check(&root).unwrap();
        assert_eq!(changes.iter().map(Change::path).collect::<Vec<_>>(), ["compose/a.yaml", "compose/old.yaml"]);
        assert!(changes[0].diff().contains("-a: 2\n+a: 1\n"), "{}", changes[0].diff());
        assert!(root.join("compose/old.yaml").exists(), "check must not write or remove");

        bundle.write(&root).unwrap();
        assert!(!root.join("compose/old.yaml").exists());
        assert!(bundle.check(&root).unwrap().iter().all(|c| !c.is_change()));
        let leftovers: Vec<_> = fs::read_dir(root.join("compose")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 1, "no temporary files remain: {leftovers:?}");
        fs::remove_dir_all(&root).unwrap();
    }
}
