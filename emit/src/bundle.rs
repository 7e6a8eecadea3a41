//! A rendered set of files, and the one place that writes, checks and diffs it.
//!
//! Rendering is pure and happens first, so a stack that fails to render writes nothing. Writing
//! holds a lock on the output directory ([`crate::output_lock`]), puts every new file on disk as
//! a temporary file beside its target ([`crate::durable`] flushes them all at once), then renames
//! them all into place, so no reader sees a half-written file and a failure before the renames
//! leaves the previous tree intact. Only
//! files listed in the manifest of an earlier run ([`crate::manifest`]) are ever removed.
//! Checking compares with the directory and never writes.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use similar::TextDiff;

use crate::durable;
use crate::error::Error;
use crate::manifest::{self, MANIFEST_PATH};
pub use crate::output_lock::LOCK_WAIT;
use crate::output_lock::{Access, OutputLock};
use crate::prerequisite::Prerequisite;

/// A generated file: a path relative to the output directory, and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path, `/`-separated.
    pub path: String,
    /// Contents, LF line endings, one trailing newline.
    pub contents: String,
}

/// Something a target could not express or chose itself, reported instead of being silent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What sort of report it is.
    pub kind: WarningKind,
    /// The target, such as `compose`.
    pub target: &'static str,
    /// The environment concerned.
    pub env: String,
    /// The service concerned.
    pub service: String,
    /// What was not expressed, and what the user should do.
    pub message: String,
}

/// The sorts of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningKind {
    /// The target left something out or expressed it differently.
    Adapted,
    /// The target applied a value the stack did not state (from [`stack_dsl::Defaults`]);
    /// the message names the value and how to set it.
    DefaultApplied,
}

impl WarningKind {
    /// The kind as reports name it: `adapted`, `default applied`.
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::Adapted => "adapted",
            WarningKind::DefaultApplied => "default applied",
        }
    }

    /// What a message of this kind is preceded by when shown: nothing for the usual kind.
    pub fn prefix(self) -> String {
        match self {
            WarningKind::Adapted => String::new(),
            kind => format!("{}: ", kind.name()),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind.prefix();
        write!(f, "{} ({}): service {}: {kind}{}", self.target, self.env, self.service, self.message)
    }
}

/// An ordered set of generated files, the directories they own, the warnings of rendering, what
/// must exist before the first deploy, and the checks a write must pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    files: Vec<GeneratedFile>,
    owned: Vec<String>,
    warnings: Vec<Warning>,
    checks: Vec<WriteCheck>,
    prerequisites: Vec<Prerequisite>,
}

/// A target's check of the changes a write would make, run before anything is written: a change
/// the platform would refuse to apply stops the write with an error naming it.
#[derive(Debug, Clone, Copy)]
pub struct WriteCheck(pub fn(&[Change]) -> Result<(), Error>);

impl PartialEq for WriteCheck {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::fn_addr_eq(self.0, other.0)
    }
}

impl Eq for WriteCheck {}

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
    /// A file an earlier run wrote (it is in the manifest) that the stack no longer renders.
    Removed {
        /// Relative path.
        path: String,
        /// What was there.
        old: String,
    },
    /// A file in a directory the renderer writes into that it did not write: never removed
    /// or changed, only reported.
    Foreign {
        /// Relative path.
        path: String,
    },
}

impl Change {
    /// The file's relative path.
    pub fn path(&self) -> &str {
        match self {
            Change::Created { path, .. }
            | Change::Updated { path, .. }
            | Change::Unchanged { path }
            | Change::Removed { path, .. }
            | Change::Foreign { path } => path,
        }
    }

    /// True if writing changes the file: false for an unchanged file and for a file the
    /// renderer did not write.
    pub fn is_change(&self) -> bool {
        !matches!(self, Change::Unchanged { .. } | Change::Foreign { .. })
    }

    /// Lines added and removed.
    pub fn line_counts(&self) -> (usize, usize) {
        match self {
            Change::Created { contents, .. } => (line_count(contents), 0),
            Change::Removed { old, .. } => (0, line_count(old)),
            Change::Unchanged { .. } | Change::Foreign { .. } => (0, 0),
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
            Change::Unchanged { .. } | Change::Foreign { .. } => return String::new(),
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
    pub fn add(&mut self, path: impl Into<String>, contents: impl Into<String>) {
        // In place: at 10,000 services the files hold 57 MB, which a copy would double.
        let mut contents = contents.into();
        if contents.contains('\r') {
            contents = contents.replace("\r\n", "\n");
        }
        contents.truncate(contents.trim_end_matches('\n').len());
        contents.push('\n');
        self.files.push(GeneratedFile { path: path.into(), contents });
    }

    /// Declare that the bundle owns a directory (relative path): files there that no run wrote
    /// are reported as [`Change::Foreign`] (and left alone).
    pub fn own(&mut self, dir: impl Into<String>) {
        self.owned.push(dir.into());
    }

    /// Report something the target could not express.
    pub fn warn(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }

    /// Run `check` on the changes of every write before anything is written.
    pub fn check_before_write(&mut self, check: WriteCheck) {
        if !self.checks.contains(&check) {
            self.checks.push(check);
        }
    }

    /// Record what must exist before the first deploy.
    pub fn require(&mut self, prerequisites: impl IntoIterator<Item = Prerequisite>) {
        self.prerequisites.extend(prerequisites);
    }

    /// Append another bundle's files, owned directories, warnings, prerequisites and write checks.
    pub fn extend(&mut self, other: Bundle) {
        self.files.extend(other.files);
        self.owned.extend(other.owned);
        self.warnings.extend(other.warnings);
        for check in other.checks {
            self.check_before_write(check);
        }
        self.prerequisites.extend(other.prerequisites);
    }

    /// The files, in render order.
    pub fn files(&self) -> &[GeneratedFile] {
        &self.files
    }

    /// The warnings of rendering.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// What must exist before the first deploy, per target and environment.
    pub fn prerequisites(&self) -> &[Prerequisite] {
        &self.prerequisites
    }

    /// The file at `path`, if rendered.
    pub fn file(&self, path: &str) -> Option<&GeneratedFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Compare the bundle with the files under `root`. Reads only; waits while another
    /// renderer is writing `root`, so it never compares with a half-replaced tree.
    pub fn check(&self, root: &Path) -> Result<Vec<Change>, Error> {
        self.check_part(root, &|_| true)
    }

    /// [`Bundle::check`] of the files `part` accepts (relative paths): the others, rendered or
    /// not, are not compared, and the manifest is compared as [`Bundle::write_part_with`] would
    /// write it.
    pub fn check_part(&self, root: &Path, part: &dyn Fn(&str) -> bool) -> Result<Vec<Change>, Error> {
        if !root.is_dir() {
            return self.compare(root, part);
        }
        let _lock = OutputLock::acquire(root, Access::Shared, LOCK_WAIT, || {})?;
        self.compare(root, part)
    }

    /// Bring `root` up to date: write every changed file, remove the files an earlier run wrote
    /// that the stack no longer renders, and leave every other file alone. Returns what changed.
    /// A [`WriteCheck`] that refuses the changes stops it before anything is written.
    ///
    /// Waits up to [`LOCK_WAIT`] while another renderer writes `root`, then fails with
    /// [`Error::Busy`]. New contents are first written to temporary files beside their targets;
    /// only when all of them are on disk are they renamed into place, so a failure while writing
    /// (a full disk, a directory that cannot be created) leaves the previous tree intact.
    /// Temporary files of a renderer that was killed are removed by the next run.
    pub fn write(&self, root: &Path) -> Result<Vec<Change>, Error> {
        self.write_with(root, LOCK_WAIT, || {})
    }

    /// [`Bundle::write`], waiting at most `wait` for another renderer, and calling `waiting`
    /// once if it has to wait at all.
    pub fn write_with(&self, root: &Path, wait: Duration, waiting: impl FnOnce()) -> Result<Vec<Change>, Error> {
        self.write_part_with(root, &|_| true, wait, waiting)
    }

    /// [`Bundle::write_with`] of the files `part` accepts (relative paths, such as one target's
    /// directory): only they are written, and only the files of earlier runs that it accepts
    /// are removed. The manifest goes on listing the files of earlier runs outside `part`, so
    /// a later run still owns them.
    pub fn write_part_with(
        &self,
        root: &Path,
        part: &dyn Fn(&str) -> bool,
        wait: Duration,
        waiting: impl FnOnce(),
    ) -> Result<Vec<Change>, Error> {
        self.write_files(root, part, wait, waiting, self.copies(part))
    }

    /// [`Bundle::write_part_with`], moving the text of the files it writes into the returned
    /// changes instead of copying it, so a large render is held once, not twice, while it is
    /// written. Afterwards (and after an error) those files keep their paths and have no text:
    /// for a bundle that is written once and then only reported on, as the command line does.
    pub fn write_part_moving_text(
        &mut self,
        root: &Path,
        part: &dyn Fn(&str) -> bool,
        wait: Duration,
        waiting: impl FnOnce(),
    ) -> Result<Vec<Change>, Error> {
        let files = self
            .files
            .iter_mut()
            .filter(|f| part(&f.path))
            .map(|f| GeneratedFile { path: f.path.clone(), contents: std::mem::take(&mut f.contents) })
            .collect();
        self.write_files(root, part, wait, waiting, files)
    }

    /// Writes `files` (the bundle's files `part` accepts) under the lock, as
    /// [`Bundle::write_part_with`] describes.
    fn write_files(
        &self,
        root: &Path,
        part: &dyn Fn(&str) -> bool,
        wait: Duration,
        waiting: impl FnOnce(),
        files: Vec<GeneratedFile>,
    ) -> Result<Vec<Change>, Error> {
        fs::create_dir_all(root).map_err(|source| Error::Io { action: "create", path: root.to_path_buf(), source })?;
        let _lock = OutputLock::acquire(root, Access::Exclusive, wait, waiting)?;
        self.remove_temporaries(root)?;
        let changes = self.compare_files(root, part, files)?;
        for check in &self.checks {
            (check.0)(&changes)?;
        }
        let staged = stage(root, &changes)?;
        commit(root, &changes, staged)?;
        Ok(changes)
    }

    /// The manifest for the files `part` accepts: every rendered file `part` accepts or an
    /// earlier run wrote, in render order, then the files of earlier runs outside `part` that
    /// the stack no longer renders (a run that covers them removes them). With every part, the
    /// manifest lists exactly the rendered files.
    fn manifest(&self, previous: &[String], rendered: &HashSet<&str>, part: &dyn Fn(&str) -> bool) -> GeneratedFile {
        let listed_before: HashSet<&str> = previous.iter().map(String::as_str).collect();
        let written =
            self.files.iter().map(|f| f.path.as_str()).filter(|path| part(path) || listed_before.contains(path));
        let kept = previous.iter().map(String::as_str).filter(|path| !part(path) && !rendered.contains(path));
        GeneratedFile { path: MANIFEST_PATH.into(), contents: manifest::render(written.chain(kept)) }
    }

    /// Every path the bundle writes, the manifest included, for lookups in constant time.
    fn rendered_paths(&self) -> HashSet<&str> {
        self.files.iter().map(|f| f.path.as_str()).chain([MANIFEST_PATH]).collect()
    }

    /// What writing the files `part` accepts would change under `root`, comparing copies of
    /// the files' text.
    fn compare(&self, root: &Path, part: &dyn Fn(&str) -> bool) -> Result<Vec<Change>, Error> {
        self.compare_files(root, part, self.copies(part))
    }

    /// Copies of the files `part` accepts.
    fn copies(&self, part: &dyn Fn(&str) -> bool) -> Vec<GeneratedFile> {
        self.files.iter().filter(|f| part(&f.path)).cloned().collect()
    }

    /// [`Bundle::compare`] of `files` (the bundle's files `part` accepts, copied or moved out).
    fn compare_files(
        &self,
        root: &Path,
        part: &dyn Fn(&str) -> bool,
        files: Vec<GeneratedFile>,
    ) -> Result<Vec<Change>, Error> {
        let rendered = self.rendered_paths();
        let previous =
            read_if_exists(&root.join(MANIFEST_PATH))?.map(|text| manifest::parse(&text)).unwrap_or_default();
        let manifest = self.manifest(&previous, &rendered, part);
        let mut changes = Vec::new();
        for file in files.into_iter().chain([manifest]) {
            let change = match read_if_exists(&root.join(&file.path))? {
                None => Change::Created { path: file.path, contents: file.contents },
                Some(old) if old == file.contents => Change::Unchanged { path: file.path },
                Some(old) => Change::Updated { path: file.path, old, new: file.contents },
            };
            changes.push(change);
        }
        for path in previous.iter().filter(|path| !rendered.contains(path.as_str()) && part(path)) {
            if let Some(old) = read_if_exists(&root.join(path))? {
                changes.push(Change::Removed { path: path.clone(), old });
            }
        }
        let previous: HashSet<&str> = previous.iter().map(String::as_str).collect();
        for path in self.files_in_owned_dirs(root)? {
            if !rendered.contains(path.as_str())
                && !previous.contains(path.as_str())
                && !is_temporary(&path)
                && part(&path)
            {
                changes.push(Change::Foreign { path });
            }
        }
        Ok(changes)
    }

    /// Every file under the owned directories, sorted.
    fn files_in_owned_dirs(&self, root: &Path) -> Result<Vec<String>, Error> {
        let mut found = Vec::new();
        for dir in &self.owned {
            list_files(&root.join(dir), dir, &mut found)?;
        }
        found.sort();
        found.dedup();
        Ok(found)
    }

    /// Remove the temporary files a killed renderer left behind, in every directory this bundle
    /// writes into. Only called with the lock held, so no running renderer owns them.
    fn remove_temporaries(&self, root: &Path) -> Result<(), Error> {
        let mut found = self.files_in_owned_dirs(root)?;
        let mut dirs: Vec<&str> =
            self.files.iter().map(|f| f.path.rsplit_once('/').map_or("", |(dir, _)| dir)).collect();
        dirs.push(MANIFEST_PATH.rsplit_once('/').map_or("", |(dir, _)| dir));
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            list_entries(&root.join(dir), dir, &mut found)?;
        }
        found.retain(|path| is_temporary(path));
        found.sort();
        found.dedup();
        for path in found {
            let path = root.join(path);
            match fs::remove_file(&path) {
                Err(source) if source.kind() != ErrorKind::NotFound => {
                    return Err(Error::Io { action: "remove", path, source });
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Temporary files are named `.stackwright-tmp.<file name>.<process id>`.
const TEMPORARY_PREFIX: &str = ".stackwright-tmp.";

fn is_temporary(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.starts_with(TEMPORARY_PREFIX))
}

fn temporary_for(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!("{TEMPORARY_PREFIX}{name}.{}", std::process::id()))
}

/// A new file's contents, on disk beside its target and not yet renamed into place.
struct Staged {
    path: String,
    temporary: PathBuf,
}

/// Write the new contents of every created or updated file to a temporary file, then flush
/// them all to disk. On failure, remove the temporary files again: the tree is as it was.
fn stage(root: &Path, changes: &[Change]) -> Result<Vec<Staged>, Error> {
    let not_written = || changes.iter().filter(|c| c.is_change()).map(|c| c.path().to_string()).collect();
    // Two halves on two threads: while one waits on the kernel creating a file, the other
    // copies text into the page cache. The staged list keeps the changes' order.
    let (first, second) = changes.split_at(changes.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| stage_files(root, second));
        let first = stage_files(root, first);
        (first, second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let staged = match (first, second) {
        (Ok(mut first), Ok(second)) => {
            first.extend(second);
            first
        }
        (first, second) => {
            let mut failed = None;
            for result in [first, second] {
                match result {
                    Ok(staged) => discard(&staged),
                    Err(error) => failed = failed.or(Some(error)),
                }
            }
            let (path, source) = failed.unwrap_or_else(|| unreachable!("one half failed"));
            return Err(Error::Partial {
                action: "write",
                failed: path,
                written: vec![],
                not_written: not_written(),
                source,
            });
        }
    };
    if let Err((failed, source)) = durable::flush(staged.iter().map(|s| s.temporary.as_path())) {
        let failed = failed.strip_prefix(root).unwrap_or(failed).to_string_lossy().into_owned();
        discard(&staged);
        return Err(Error::Partial { action: "write", failed, written: vec![], not_written: not_written(), source });
    }
    Ok(staged)
}

/// The temporary files of `changes`' new contents; on failure, none is left, and the path
/// whose write failed.
fn stage_files(root: &Path, changes: &[Change]) -> Result<Vec<Staged>, (String, std::io::Error)> {
    let mut staged = Vec::new();
    let mut created_dirs = HashSet::new();
    for change in changes {
        let (Change::Created { path, contents } | Change::Updated { path, new: contents, .. }) = change else {
            continue;
        };
        let temporary = temporary_for(&root.join(path));
        if let Err(source) = write_new(&temporary, contents, &mut created_dirs) {
            let _ = fs::remove_file(&temporary);
            discard(&staged);
            return Err((path.clone(), source));
        }
        staged.push(Staged { path: path.clone(), temporary });
    }
    Ok(staged)
}

/// Rename every staged file into place, remove the files no longer rendered, and replace the
/// manifest last, so that a run interrupted before the end still knows which files it owns.
fn commit(root: &Path, changes: &[Change], staged: Vec<Staged>) -> Result<(), Error> {
    let (manifest, files): (Vec<Staged>, Vec<Staged>) = staged.into_iter().partition(|s| s.path == MANIFEST_PATH);
    let removals = changes.iter().filter_map(|c| match c {
        Change::Removed { path, .. } => Some(path.as_str()),
        _ => None,
    });
    let mut steps: Vec<(&str, Option<&Path>)> =
        files.iter().map(|s| (s.path.as_str(), Some(s.temporary.as_path()))).collect();
    steps.extend(removals.map(|path| (path, None)));
    steps.extend(manifest.iter().map(|s| (s.path.as_str(), Some(s.temporary.as_path()))));

    for (done, (path, temporary)) in steps.iter().enumerate() {
        let target = root.join(path);
        let result = match temporary {
            Some(temporary) => fs::rename(temporary, &target),
            None => fs::remove_file(&target),
        };
        if let Err(source) = result {
            let rest = &steps[done..];
            for (_, temporary) in rest {
                if let Some(temporary) = temporary {
                    let _ = fs::remove_file(temporary);
                }
            }
            return Err(Error::Partial {
                action: if temporary.is_some() { "write" } else { "remove" },
                failed: path.to_string(),
                written: steps[..done].iter().map(|(p, _)| p.to_string()).collect(),
                not_written: rest.iter().map(|(p, _)| p.to_string()).collect(),
                source,
            });
        }
    }
    Ok(())
}

/// The lines of `text` as [`str::lines`] counts them (a last line without `\n` is one), counted
/// by newline bytes: a first render at 10,000 services counts 80 MB.
fn line_count(text: &str) -> usize {
    let newlines = text.as_bytes().iter().filter(|&&b| b == b'\n').count();
    newlines + usize::from(!text.is_empty() && !text.ends_with('\n'))
}

fn discard(staged: &[Staged]) {
    for file in staged {
        let _ = fs::remove_file(&file.temporary);
    }
}

fn read_if_exists(path: &Path) -> Result<Option<String>, Error> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text.replace("\r\n", "\n"))),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(None),
        Err(source) => Err(Error::Io { action: "read", path: path.to_path_buf(), source }),
    }
}

/// Every file under `dir`, recursively, as paths starting with `relative`.
fn list_files(dir: &Path, relative: &str, out: &mut Vec<String>) -> Result<(), Error> {
    let mut entries = Vec::new();
    list_entries(dir, relative, &mut entries)?;
    for path in entries {
        let name = path.rsplit('/').next().unwrap_or_default();
        if dir.join(name).is_dir() { list_files(&dir.join(name), &path, out)? } else { out.push(path) }
    }
    Ok(())
}

/// The entries directly in `dir` (files and directories), as paths starting with `relative`.
fn list_entries(dir: &Path, relative: &str, out: &mut Vec<String>) -> Result<(), Error> {
    let io = |source| Error::Io { action: "read", path: dir.to_path_buf(), source };
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => return Ok(()),
        Err(source) => return Err(io(source)),
    };
    for entry in entries {
        let name = entry.map_err(io)?.file_name().to_string_lossy().into_owned();
        out.push(if relative.is_empty() { name } else { format!("{relative}/{name}") });
    }
    Ok(())
}

/// Create `path` with `contents`, and its directory unless `created_dirs` lists it. Not yet
/// flushed to disk: [`stage`] flushes every file at once.
fn write_new(path: &Path, contents: &str, created_dirs: &mut HashSet<PathBuf>) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !created_dirs.contains(dir)
    {
        fs::create_dir_all(dir)?;
        created_dirs.insert(dir.to_path_buf());
    }
    let mut file = fs::File::create(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_as_str_lines_counts_them() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "a\n\nb\n"] {
            assert_eq!(line_count(text), text.lines().count(), "{text:?}");
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stackwright-bundle-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn names(changes: &[Change]) -> Vec<(&'static str, &str)> {
        changes
            .iter()
            .filter(|c| c.is_change() || matches!(c, Change::Foreign { .. }))
            .map(|c| {
                let kind = match c {
                    Change::Created { .. } => "created",
                    Change::Updated { .. } => "updated",
                    Change::Removed { .. } => "removed",
                    Change::Foreign { .. } => "foreign",
                    Change::Unchanged { .. } => "unchanged",
                };
                (kind, c.path())
            })
            .collect()
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut found = Vec::new();
        list_files(dir, "", &mut found).unwrap();
        found.sort();
        found
    }

    #[test]
    fn write_then_check_is_clean_and_stale_files_are_found() {
        let root = scratch("roundtrip");
        let mut bundle = Bundle::new();
        bundle.own("compose");
        bundle.add("compose/a.yaml", "a: 1\r\n");
        let first = bundle.write(&root).unwrap();
        assert_eq!(names(&first), [("created", "compose/a.yaml"), ("created", MANIFEST_PATH)]);
        assert_eq!(fs::read_to_string(root.join("compose/a.yaml")).unwrap(), "a: 1\n");
        assert!(bundle.check(&root).unwrap().iter().all(|c| !c.is_change()));

        fs::write(root.join("compose/a.yaml"), "a: 2\n").unwrap();
        let changes = bundle.check(&root).unwrap();
        assert_eq!(names(&changes), [("updated", "compose/a.yaml")]);
        assert!(changes[0].diff().contains("-a: 2\n+a: 1\n"), "{}", changes[0].diff());
        bundle.write(&root).unwrap();
        assert!(bundle.check(&root).unwrap().iter().all(|c| !c.is_change()));
        assert_eq!(listing(&root), [MANIFEST_PATH, "compose/a.yaml"], "no temporary files remain");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn writing_with_the_text_moved_writes_and_reports_the_same() {
        let (copied, moved) = (scratch("copied"), scratch("moved"));
        let bundle = || {
            let mut bundle = Bundle::new();
            bundle.own("compose");
            bundle.add("compose/a.yaml", "a: 1\n");
            bundle.add("render.yaml", "services: []\n");
            bundle
        };
        let only_compose = |path: &str| path.starts_with("compose/");
        let by_copy = bundle().write_part_with(&copied, &only_compose, LOCK_WAIT, || {}).unwrap();
        let mut moving = bundle();
        let by_move = moving.write_part_moving_text(&moved, &only_compose, LOCK_WAIT, || {}).unwrap();
        assert_eq!(by_copy, by_move);
        for path in ["compose/a.yaml", MANIFEST_PATH] {
            assert_eq!(fs::read_to_string(copied.join(path)).unwrap(), fs::read_to_string(moved.join(path)).unwrap());
        }
        assert!(!moved.join("render.yaml").exists());
        // The written file's text went into the changes; the other file keeps its own.
        assert_eq!(moving.file("compose/a.yaml").unwrap().contents, "");
        assert_eq!(moving.file("render.yaml").unwrap().contents, "services: []\n");
    }

    #[test]
    fn only_files_an_earlier_run_wrote_are_removed() {
        let root = scratch("ownership");
        let mut before = Bundle::new();
        before.own("kubernetes");
        before.add("kubernetes/dev/web.yaml", "web\n");
        before.add("kubernetes/dev/old.yaml", "old\n");
        before.add(".github/workflows/deploy.yml", "deploy\n");
        before.write(&root).unwrap();
        // The user's own files, in an owned directory and beside the workflows.
        fs::write(root.join("kubernetes/dev/cert-issuer.yaml"), "mine\n").unwrap();
        fs::write(root.join(".github/workflows/lint.yml"), "mine too\n").unwrap();

        let mut after = Bundle::new();
        after.own("kubernetes");
        after.add("kubernetes/dev/web.yaml", "web\n");
        let checked = after.check(&root).unwrap();
        assert_eq!(
            names(&checked),
            [
                ("updated", MANIFEST_PATH),
                ("removed", ".github/workflows/deploy.yml"),
                ("removed", "kubernetes/dev/old.yaml"),
                ("foreign", "kubernetes/dev/cert-issuer.yaml"),
            ]
        );
        after.write(&root).unwrap();
        assert_eq!(
            listing(&root),
            [".github/workflows/lint.yml", MANIFEST_PATH, "kubernetes/dev/cert-issuer.yaml", "kubernetes/dev/web.yaml"]
        );
        let again = after.check(&root).unwrap();
        assert!(again.iter().all(|c| !c.is_change()), "a foreign file never makes the tree stale: {again:?}");
        assert_eq!(names(&again), [("foreign", "kubernetes/dev/cert-issuer.yaml")]);
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_tampered_manifest_cannot_remove_files_outside_the_directory() {
        let root = scratch("tampered");
        let outside = scratch("tampered-outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("precious"), "keep\n").unwrap();
        fs::create_dir_all(root.join(".stackwright")).unwrap();
        let escape = format!("../{}/precious", outside.file_name().unwrap().to_string_lossy());
        fs::write(root.join(MANIFEST_PATH), format!("{escape}\n{}/precious\n", outside.display())).unwrap();
        let mut bundle = Bundle::new();
        bundle.add("a.yaml", "a\n");
        bundle.write(&root).unwrap();
        assert_eq!(fs::read_to_string(outside.join("precious")).unwrap(), "keep\n");
        fs::remove_dir_all(&root).unwrap();
        fs::remove_dir_all(&outside).unwrap();
    }

    #[test]
    fn a_failure_while_staging_leaves_the_previous_tree_intact() {
        let root = scratch("staging-failure");
        let mut before = Bundle::new();
        before.add("compose/a.yaml", "old a\n");
        before.write(&root).unwrap();
        // A file stands where the new tree needs a directory, so `kubernetes/dev/web.yaml`
        // cannot be written (even as root, unlike a read-only permission).
        fs::write(root.join("kubernetes"), "a file, not a directory\n").unwrap();
        let mut after = Bundle::new();
        after.add("compose/a.yaml", "new a\n");
        after.add("kubernetes/dev/web.yaml", "web\n");
        let error = after.write(&root).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("cannot write kubernetes/dev/web.yaml"), "{message}");
        assert!(message.contains("Already written: none."), "{message}");
        assert_eq!(fs::read_to_string(root.join("compose/a.yaml")).unwrap(), "old a\n");
        assert_eq!(listing(&root), [MANIFEST_PATH, "compose/a.yaml", "kubernetes"], "no temporary file remains");
        fs::remove_dir_all(&root).unwrap();
    }

    /// Staging writes in two halves at once: whichever half fails, neither leaves a file.
    #[test]
    fn a_failure_in_either_half_of_the_staging_leaves_no_temporary_file() {
        for failing_at in [0, 3, 7] {
            let root = scratch(&format!("staging-half-{failing_at}"));
            fs::create_dir_all(&root).unwrap();
            fs::write(root.join("kubernetes"), "a file, not a directory\n").unwrap();
            let mut bundle = Bundle::new();
            for i in 0..8 {
                match i == failing_at {
                    true => bundle.add("kubernetes/dev/web.yaml", "web\n"),
                    false => bundle.add(format!("compose/{i}.yaml"), "a\n"),
                }
            }
            let message = bundle.write(&root).unwrap_err().to_string();
            assert!(message.starts_with("cannot write kubernetes/dev/web.yaml"), "{message}");
            assert_eq!(listing(&root), ["kubernetes"], "failing at {failing_at}: no temporary file remains");
            fs::remove_dir_all(&root).unwrap();
        }
    }

    #[test]
    fn a_failure_while_renaming_says_which_files_were_written() {
        let root = scratch("commit-failure");
        fs::create_dir_all(&root).unwrap();
        let mut bundle = Bundle::new();
        bundle.add("a.yaml", "a\n");
        bundle.add("b.yaml", "b\n");
        bundle.add("c.yaml", "c\n");
        let changes = bundle.compare(&root, &|_| true).unwrap();
        let staged = stage(&root, &changes).unwrap();
        // The staged file of b disappears before it is renamed into place.
        fs::remove_file(&staged[1].temporary).unwrap();
        let message = commit(&root, &changes, staged).unwrap_err().to_string();
        assert!(message.starts_with("cannot write b.yaml"), "{message}");
        assert!(
            message.contains(&format!("Already written: a.yaml. Not written: b.yaml, c.yaml, {MANIFEST_PATH}.")),
            "{message}"
        );
        assert_eq!(listing(&root), ["a.yaml"], "the rest of the temporary files are removed");
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_partial_write_touches_only_its_part_and_keeps_owning_the_rest() {
        let root = scratch("part");
        let mut before = Bundle::new();
        before.own("kubernetes");
        before.add("compose/compose.dev.yaml", "old compose\n");
        before.add("kubernetes/dev/web.yaml", "old dev\n");
        before.add("kubernetes/production/web.yaml", "old production\n");
        before.add("kubernetes/production/gone.yaml", "gone\n");
        before.write(&root).unwrap();

        let mut after = Bundle::new();
        after.own("kubernetes");
        after.add("compose/compose.dev.yaml", "new compose\n");
        after.add("kubernetes/dev/web.yaml", "new dev\n");
        after.add("kubernetes/production/web.yaml", "new production\n");
        let dev = |path: &str| path.starts_with("kubernetes/dev/");
        assert_eq!(names(&after.check_part(&root, &dev).unwrap()), [("updated", "kubernetes/dev/web.yaml")]);
        let written = after.write_part_with(&root, &dev, Duration::ZERO, || {}).unwrap();
        assert_eq!(names(&written), [("updated", "kubernetes/dev/web.yaml")]);
        assert_eq!(fs::read_to_string(root.join("compose/compose.dev.yaml")).unwrap(), "old compose\n");
        assert_eq!(fs::read_to_string(root.join("kubernetes/production/gone.yaml")).unwrap(), "gone\n");
        assert!(after.check_part(&root, &dev).unwrap().iter().all(|c| !c.is_change()));

        // The manifest still owns the production file the stack no longer renders.
        let full = after.check(&root).unwrap();
        assert_eq!(
            names(&full),
            [
                ("updated", "compose/compose.dev.yaml"),
                ("updated", "kubernetes/production/web.yaml"),
                ("updated", MANIFEST_PATH),
                ("removed", "kubernetes/production/gone.yaml"),
            ]
        );
        after.write(&root).unwrap();
        assert!(!root.join("kubernetes/production/gone.yaml").exists());
        assert_eq!(
            manifest::parse(&fs::read_to_string(root.join(MANIFEST_PATH)).unwrap()),
            ["compose/compose.dev.yaml", "kubernetes/dev/web.yaml", "kubernetes/production/web.yaml"]
        );
        fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_renderer_that_cannot_get_the_lock_gives_up_with_a_clear_message() {
        let root = scratch("busy");
        fs::create_dir_all(&root).unwrap();
        let held = OutputLock::acquire(&root, Access::Exclusive, Duration::ZERO, || {}).unwrap();
        let mut bundle = Bundle::new();
        bundle.add("a.yaml", "a\n");
        let mut waited = 0;
        let error = bundle.write_with(&root, Duration::from_millis(200), || waited += 1).unwrap_err();
        assert_eq!(waited, 1, "the waiting renderer is told once");
        assert!(matches!(error, Error::Busy { .. }), "{error}");
        assert!(error.to_string().contains("another Stackwright renderer has been writing it"), "{error}");
        assert!(!root.join("a.yaml").exists());
        drop(held);
        bundle.write_with(&root, Duration::ZERO, || panic!("the lock is free")).unwrap();
        fs::remove_dir_all(&root).unwrap();
    }
}
