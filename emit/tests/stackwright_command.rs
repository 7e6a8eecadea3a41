//! The `stackwright` command run as a real process: `render` takes a stack file through the same
//! run as every renderer (the README's example file renders, checks and regenerates with the
//! command it prints; the team stacks as data files match their committed output), a broken
//! file exits 2 naming the file and the line, and `--help` lists both subcommands.

#![cfg(all(feature = "cli", feature = "import"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `stackwright ARGS` run in `cwd`: its exit code and everything it printed.
fn stackwright(cwd: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_stackwright")).args(args).current_dir(cwd).output().unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code(), printed)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackwright-command-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The YAML stack file the README shows under "Stacks as data".
fn readme_stack_file() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md")).unwrap();
    let section = &readme[readme.find("## Stacks as data").expect("the README has a section \"Stacks as data\"")..];
    let start = section.find("```yaml\n").expect("with a YAML example") + "```yaml\n".len();
    let end = start + section[start..].find("```").expect("that ends");
    section[start..end].to_string()
}

#[test]
fn the_readme_stack_file_renders_checks_and_regenerates_with_the_command_it_prints() {
    let cwd = scratch("readme");
    std::fs::write(cwd.join("shop.yaml"), readme_stack_file()).unwrap();
    let (code, printed) = stackwright(&cwd, &["render", "shop.yaml", "--out", "deploy"]);
    assert_eq!(code, Some(0), "{printed}");
    for file in ["compose/compose.dev.yaml", "kubernetes/dev/kustomization.yaml", "DEPLOY.md"] {
        assert!(cwd.join("deploy").join(file).is_file(), "{file} was not written: {printed}");
    }
    let compose = std::fs::read_to_string(cwd.join("deploy/compose/compose.dev.yaml")).unwrap();
    assert!(
        compose.contains("stackwright render shop.yaml -- --out deploy"),
        "the header names the command:\n{compose}"
    );

    let (code, printed) = stackwright(&cwd, &["render", "shop.yaml", "--out", "deploy", "--check"]);
    assert_eq!(code, Some(0), "{printed}");
    // The renderer's options may also follow `--`, as in the headers.
    let (code, printed) =
        stackwright(&cwd, &["render", "shop.yaml", "--", "--check", "--target", "kubernetes", "--out", "deploy"]);
    assert_eq!(code, Some(0), "{printed}");

    // A stale file: --check exits 1 and prints the command that regenerates, which does.
    std::fs::write(cwd.join("deploy/compose/compose.dev.yaml"), "services: {}\n").unwrap();
    let (code, printed) = stackwright(&cwd, &["render", "shop.yaml", "--out", "deploy", "--check"]);
    assert_eq!(code, Some(1), "{printed}");
    let regenerate = printed.lines().find_map(|l| l.split_once("Regenerate with: ")).map(|(_, c)| c.to_string());
    let regenerate = regenerate.unwrap_or_else(|| panic!("no command to regenerate: {printed}"));
    let words: Vec<&str> = regenerate.split_whitespace().collect();
    assert_eq!(words[..2], ["stackwright", "render"], "{regenerate}");
    let (code, printed) = stackwright(&cwd, &words[1..]);
    assert_eq!(code, Some(0), "{printed}");
    let (code, printed) = stackwright(&cwd, &["render", "shop.yaml", "--out", "deploy", "--check"]);
    assert_eq!(code, Some(0), "`{regenerate}` did not regenerate: {printed}");

    // The renderer's help, with the file's own environments.
    let (code, help) = stackwright(&cwd, &["render", "shop.yaml", "--help"]);
    assert_eq!(code, Some(0), "{help}");
    assert!(help.contains("--env <ENV>") && help.contains("[possible values: dev]"), "{help}");
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn the_team_stacks_as_data_files_match_their_committed_output() {
    let dir = scratch("team");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for project in stacks::all() {
        // The data keeps the project's regenerate command, so the headers are the example's.
        let file = dir.join(format!("{}.yaml", project.name()));
        std::fs::write(&file, serde_saphyr::to_string(&project.to_data()).unwrap()).unwrap();
        let (code, printed) = stackwright(&root, &["render", file.to_str().unwrap(), "--check", "--quiet"]);
        assert_eq!(code, Some(0), "{}: {printed}", project.name());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_stack_file_exits_2_naming_the_file_and_the_line_and_writes_nothing() {
    let cwd = scratch("broken");
    let readme = readme_stack_file();
    // A syntax error is reported where the parser finds it, with an excerpt headed by the file.
    let unclosed = readme.replacen("{ registry: \"nginx:1.27-alpine\" }", "{ registry: \"nginx:1.27-alpine\"", 1);
    assert_ne!(unclosed, readme, "the README's example changed: break it another way");
    std::fs::write(cwd.join("broken.yaml"), &unclosed).unwrap();
    let (code, printed) = stackwright(&cwd, &["render", "broken.yaml"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(printed.contains("stack file broken.yaml") && printed.contains("--> broken.yaml:"), "{printed}");
    // A misspelt field, on its line.
    let misspelt = readme.replacen("image:", "imagee:", 1);
    std::fs::write(cwd.join("misspelt.yaml"), &misspelt).unwrap();
    let line = misspelt.lines().position(|l| l.contains("imagee:")).unwrap() + 1;
    let (code, printed) = stackwright(&cwd, &["render", "misspelt.yaml", "--check"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(printed.contains(&format!("line {line} ")) && printed.contains("unknown field `imagee`"), "{printed}");
    assert!(printed.contains(&format!("--> misspelt.yaml:{line}:")), "{printed}");

    std::fs::write(cwd.join("typo.json"), "{\"name\": \"shop\",\n \"environmentz\": {}}\n").unwrap();
    let (code, printed) = stackwright(&cwd, &["render", "typo.json", "--check"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(
        printed.contains("stack file typo.json") && printed.contains("environmentz") && printed.contains("line 2"),
        "{printed}"
    );

    // A tool that asked for JSON gets the load error as the run's JSON report.
    let (code, printed) = stackwright(&cwd, &["render", "typo.json", "--check", "--format", "json"]);
    assert_eq!(code, Some(2), "{printed}");
    let report: serde_json::Value = serde_json::from_str(printed.trim()).expect("one JSON report");
    assert_eq!(report["status"], "error", "{printed}");
    assert!(report["errors"][0].as_str().is_some_and(|e| e.contains("environmentz")), "{printed}");

    let (code, printed) = stackwright(&cwd, &["render", "shop.toml"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(printed.contains("shop.toml") && printed.contains(".json, .yaml or .yml"), "{printed}");
    let (code, printed) = stackwright(&cwd, &["render", "missing.yaml"]);
    assert_eq!(code, Some(2), "{printed}");
    assert!(printed.contains("missing.yaml"), "{printed}");
    let written: Vec<_> = std::fs::read_dir(&cwd).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(written.len(), 3, "only the three files written above: {written:?}");
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn help_lists_both_subcommands() {
    let cwd = std::env::temp_dir();
    let (code, help) = stackwright(&cwd, &["--help"]);
    assert_eq!(code, Some(0), "{help}");
    for line in ["Usage: stackwright <COMMAND>", "\n  import ", "\n  render ", "Exit status:"] {
        assert!(help.contains(line), "--help lacks {line:?}:\n{help}");
    }
    let (code, help) = stackwright(&cwd, &["render", "--help"]);
    assert_eq!(code, Some(0), "{help}");
    assert!(help.contains("Usage: stackwright render <FILE> [OPTIONS]..."), "{help}");
    let (code, printed) = stackwright(&cwd, &[]);
    assert_eq!(code, Some(2), "no subcommand is a usage error: {printed}");
    assert!(printed.contains("import") && printed.contains("render"), "{printed}");
}
