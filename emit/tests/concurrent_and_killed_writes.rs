//! Writing an output directory with real processes and threads: a renderer killed with SIGKILL
//! part-way, and renderers racing each other and a `--check`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use emit::{Bundle, Change};

/// Set in the child process of [`a_renderer_killed_mid_write_leaves_nothing_that_fails_check`].
const CHILD_DIR: &str = "STACKWRIGHT_TEST_CHILD_WRITES_INTO";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackwright-writes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A bundle of `files` files, all holding `version`, big enough that writing takes a while.
fn bundle(version: &str, files: usize) -> Bundle {
    let mut bundle = Bundle::new();
    bundle.own("kubernetes");
    for i in 0..files {
        bundle.add(format!("kubernetes/dev/file-{i:03}.yaml"), format!("version: {version}\n").repeat(2_000));
    }
    bundle
}

fn all_files(dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            all_files(&entry.path(), out);
        } else {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    all_files(dir, &mut names);
    names.retain(|name| name.starts_with(".stackwright-tmp."));
    names
}

/// The child: render two versions in turn, forever, until the parent kills it.
#[test]
fn child_writer() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else { return };
    let (a, b) = (bundle("a", 150), bundle("b", 150));
    loop {
        a.write(Path::new(&dir)).unwrap();
        b.write(Path::new(&dir)).unwrap();
    }
}

#[test]
fn a_renderer_killed_mid_write_leaves_nothing_that_fails_check() {
    let dir = scratch("killed");
    let mut left_temporaries = false;
    for _attempt in 0..5 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["child_writer", "--exact", "--test-threads=1"])
            .env(CHILD_DIR, &dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while temporaries(&dir).is_empty() && start.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(2));
        }
        child.kill().unwrap(); // SIGKILL on Unix: no destructor, no cleanup runs.
        child.wait().unwrap();
        if !temporaries(&dir).is_empty() {
            left_temporaries = true;
            break;
        }
    }
    assert!(left_temporaries, "the child was never caught with temporary files on disk");

    // A check after the crash sees only the rendered files: the temporary files are neither
    // reported as the user's files nor as stale output.
    let a = bundle("a", 150);
    let checked = a.check(&dir).unwrap();
    let odd: Vec<&Change> = checked
        .iter()
        .filter(|c| {
            matches!(c, Change::Foreign { .. } | Change::Removed { .. }) || c.path().contains(".stackwright-tmp.")
        })
        .collect();
    assert!(odd.is_empty(), "{odd:?}");

    // The next run removes them and leaves a clean tree.
    a.write(&dir).unwrap();
    assert_eq!(temporaries(&dir), Vec::<String>::new());
    assert!(a.check(&dir).unwrap().iter().all(|c| !c.is_change()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn racing_renderers_never_leave_or_show_a_mixed_tree() {
    let dir = scratch("race");
    let (a, b) = (bundle("a", 30), bundle("b", 30));
    a.write(&dir).unwrap();
    std::thread::scope(|scope| {
        for version in [&a, &b] {
            let dir = &dir;
            scope.spawn(move || {
                for _ in 0..15 {
                    version.write(dir).unwrap();
                }
            });
        }
        scope.spawn(|| {
            for _ in 0..30 {
                // Under the shared lock a check sees the whole of one version: every file
                // unchanged (a) or every file updated (b), never some of each.
                let changes = a.check(&dir).unwrap();
                let updated = changes.iter().filter(|c| matches!(c, Change::Updated { .. })).count();
                assert!(
                    updated == 0 || updated == 30,
                    "a check saw a tree mixing both renderers: {updated} of 30 files from b"
                );
                assert!(changes.iter().all(|c| !matches!(c, Change::Foreign { .. } | Change::Removed { .. })));
            }
        });
    });
    assert_eq!(temporaries(&dir), Vec::<String>::new(), "no renderer deleted or left another's temporary file");
    let a_clean = a.check(&dir).unwrap().iter().all(|c| !c.is_change());
    let b_clean = b.check(&dir).unwrap().iter().all(|c| !c.is_change());
    assert!(a_clean || b_clean, "the final tree is one renderer's output");
    std::fs::remove_dir_all(&dir).unwrap();
}
