//! Golden files: every team stack × target × environment is rendered and compared with the
//! committed files under `golden/<stack>/`. `UPDATE_GOLDEN=1 cargo test` rewrites them (never
//! when `CI` is set). A file under `golden/` that no stack renders fails the test.

use std::path::{Path, PathBuf};

use emit::{Change, Options};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the stacks crate lives in the workspace").to_path_buf()
}

fn render(project: &stack_dsl::Project) -> emit::Bundle {
    let valid = project.validate().unwrap_or_else(|e| panic!("stack {} is invalid: {e}", project.name()));
    let relative = Path::new("golden").join(project.name());
    let options = Options::for_output_dir(&relative).expect("a relative output directory");
    emit::render(&valid, &options).unwrap_or_else(|e| panic!("stack {} does not render: {e}", project.name()))
}

#[test]
fn golden_files_match_what_the_stacks_render() {
    let root = workspace_root();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0");
    let in_ci = std::env::var_os("CI").is_some();
    assert!(
        !(update && in_ci),
        "UPDATE_GOLDEN is refused when CI is set: golden files are blessed locally and committed"
    );

    let mut report = String::new();
    let projects = stacks::all();
    for project in &projects {
        let bundle = render(project);
        let dir = root.join("golden").join(project.name());
        let changes = if update { bundle.write(&dir) } else { bundle.check(&dir) }.expect("golden directory readable");
        // A file no stack writes is the user's in a real repository, but under golden/ it is an orphan.
        for change in changes.iter().filter(|c| c.is_change() || matches!(c, Change::Foreign { .. })) {
            if update && !matches!(change, Change::Foreign { .. }) {
                eprintln!("blessed golden/{}/{}", project.name(), change.path());
            } else {
                let what = match change {
                    Change::Created { .. } => "missing",
                    Change::Removed { .. } | Change::Foreign { .. } => "produced by no stack (delete it)",
                    _ => "stale",
                };
                report.push_str(&format!(
                    "golden/{}/{} is {what}:\n{}\n",
                    project.name(),
                    change.path(),
                    change.diff()
                ));
            }
        }
    }

    let names: Vec<&str> = projects.iter().map(|p| p.name()).collect();
    for entry in std::fs::read_dir(root.join("golden")).expect("golden/ exists") {
        let name = entry.expect("golden/ readable").file_name().to_string_lossy().into_owned();
        if !names.contains(&name.as_str()) {
            report.push_str(&format!(
                "golden/{name} is produced by no stack: delete it, or add its stack to stacks::all()\n"
            ));
        }
    }
    assert!(
        report.is_empty(),
        "{report}\nRegenerate with: UPDATE_GOLDEN=1 cargo test --test golden (then review and commit the diff)"
    );
}

#[test]
fn rendering_is_deterministic() {
    for project in stacks::all() {
        assert_eq!(render(&project), render(&project), "stack {} renders differently twice", project.name());
    }
}
