//! The command line run as a real process: what it prints for common mistakes (a typo in a
//! reference, the same problem in several environments, `--check` on a missing directory, an
//! output directory outside the repository), selections of targets and environments, the JSON
//! report and exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output};

use stack_dsl::*;

const ARGS: &str = "STACKWRIGHT_TEST_CLI_ARGS";
const TYPO: &str = "STACKWRIGHT_TEST_CLI_TYPO";

fn project(typo: bool) -> Project {
    Project::new("shop", [Env::Dev, Env::Staging, Env::Production], move |_| {
        let mut stack = Stack::new("shop");
        let db = stack.add_service(
            Service::new("postgres", Image::new("postgres:16-alpine"))
                .port(Port::tcp(5432))
                .healthcheck(Probe::exec(["pg_isready"])),
        );
        let dependency = if typo { stack.reference("postgress") } else { db };
        stack.add_service(
            Service::new("api", Image::new("nginx:1.27-alpine"))
                .port(Port::http(80).published(8080))
                .depends_on(&dependency, Ready::Healthy),
        );
        stack
    })
}

/// The child: run the command line given in the environment.
#[test]
fn cli_child() -> ExitCode {
    let Ok(args) = std::env::var(ARGS) else { return ExitCode::SUCCESS };
    let args: Vec<String> = args.split('\u{1f}').map(String::from).collect();
    let code = emit::cli::run(&project(std::env::var_os(TYPO).is_some()), &args);
    // The test harness turns any failure into 101: exit with the command line's own status.
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    std::process::exit([0, 1, 2].into_iter().find(|n| code == ExitCode::from(*n as u8)).unwrap_or(101))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackwright-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cwd: &PathBuf, args: &[&str], typo: bool) -> (Output, String) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["cli_child", "--exact", "--nocapture", "--test-threads=1"])
        .current_dir(cwd)
        .env(ARGS, args.join("\u{1f}"));
    if typo {
        command.env(TYPO, "1");
    }
    let output = command.output().unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output, printed)
}

#[test]
fn a_typo_is_named_once_for_every_environment_with_a_suggestion() {
    let cwd = scratch("typo");
    let (output, printed) = run(&cwd, &["--out", "out"], true);
    assert!(!output.status.success());
    let expected = "stack shop (dev, staging, production) › service api › depends_on postgress: it refers to service postgress, \
                    which the stack does not declare. Did you mean `postgres`? Otherwise, add a service named \"postgress\"";
    assert!(printed.contains(expected), "{printed}");
    assert_eq!(printed.matches("depends_on postgress").count(), 1, "{printed}");
    assert!(!cwd.join("out").exists(), "an invalid stack writes nothing");
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn check_on_a_missing_directory_says_so() {
    let cwd = scratch("missing");
    let (output, printed) = run(&cwd, &["--out", "nowhere", "--check"], false);
    assert!(!output.status.success());
    assert!(printed.contains("nowhere does not exist, so there is nothing to compare."), "{printed}");
    assert!(!printed.contains("+++ b/"), "no file is listed as stale: {printed}");
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn output_outside_the_repository_is_refused() {
    let cwd = scratch("outside");
    let (output, printed) = run(&cwd, &["--out", "../escape"], false);
    assert!(!output.status.success());
    assert!(printed.contains("Unable to write into ../escape: it is outside the repository root"), "{printed}");
    assert!(!cwd.parent().unwrap().join("escape").exists());
    let (output, printed) = run(&cwd, &["--out", "deploy"], false);
    assert!(output.status.success(), "{printed}");
    assert!(cwd.join("deploy/compose/compose.dev.yaml").exists());
    std::fs::remove_dir_all(&cwd).unwrap();
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{name}/"), out)
            } else {
                out.push(name)
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

/// The JSON object the child printed (after the test harness's own lines).
fn json(output: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let at = stdout.find("{\"project\"").unwrap_or_else(|| panic!("no JSON object in {stdout}"));
    let line = stdout[at..].lines().next().unwrap_or_default();
    serde_json::from_str(line).expect("one JSON object")
}

#[test]
fn a_selection_writes_and_checks_only_its_part() {
    let cwd = scratch("selection");
    let (output, printed) = run(&cwd, &["--target", "kubernetes", "--env", "production", "--out", "deploy"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    let written = tree(&cwd.join("deploy"));
    assert!(
        written.iter().all(|f| f.starts_with("kubernetes/production/") || f == ".stackwright/manifest"),
        "{written:?}"
    );
    assert!(written.contains(&"kubernetes/production/kustomization.yaml".to_string()), "{written:?}");

    // The selection is up to date; the whole directory is not, and --check says so without writing.
    let (output, printed) =
        run(&cwd, &["--out", "deploy", "--check", "--env=production", "--target=kubernetes"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    let (output, printed) = run(&cwd, &["--out", "deploy", "--check", "--target", "compose,kubernetes"], false);
    assert_eq!(code(&output), Some(1), "{printed}");
    assert!(printed.contains("+++ b/compose/compose.dev.yaml"), "{printed}");
    assert!(!printed.contains("b/DEPLOY.md"), "a selection leaves the deploy page out: {printed}");
    assert!(
        printed.contains("Regenerate with: cargo run --example shop -- --out deploy --target compose,kubernetes"),
        "{printed}"
    );
    assert_eq!(tree(&cwd.join("deploy")), written, "--check never writes");

    // --diff shows what writing would do and writes nothing either.
    let (output, printed) = run(&cwd, &["--out", "deploy", "--diff", "--target", "compose"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    assert!(printed.contains("+++ b/compose/compose.dev.yaml"), "{printed}");
    assert_eq!(tree(&cwd.join("deploy")), written);

    // A full write completes the tree and keeps the part written before.
    let (output, printed) = run(&cwd, &["--out", "deploy", "-q"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    assert!(
        !printed.contains("created") && !printed.contains("warning"),
        "--quiet prints nothing on success: {printed}"
    );
    let (output, printed) = run(&cwd, &["--out", "deploy", "--check"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    assert!(cwd.join("deploy/DEPLOY.md").exists());

    // A selection renders only its targets, yet the manifest still owns every file, unchanged,
    // and the whole directory stays up to date.
    let manifest = || std::fs::read_to_string(cwd.join("deploy/.stackwright/manifest")).unwrap();
    let before = manifest();
    let (output, printed) = run(&cwd, &["--out", "deploy", "--target", "kubernetes"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    assert_eq!(manifest(), before);
    let (output, printed) = run(&cwd, &["--out", "deploy", "--check"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn option_mistakes_create_nothing_and_name_what_is_valid() {
    let cwd = scratch("mistakes");
    let (output, printed) = run(&cwd, &["--out", "--check"], false);
    assert_eq!(code(&output), Some(2), "{printed}");
    let (output, printed) = run(&cwd, &["--env", "qa"], false);
    assert_eq!(code(&output), Some(2), "{printed}");
    assert!(printed.contains("[possible values: dev, staging, production]"), "{printed}");
    let (output, printed) = run(&cwd, &["--target", "helm"], false);
    assert_eq!(code(&output), Some(2), "{printed}");
    assert!(printed.contains("[possible values: compose, "), "{printed}");
    assert!(tree(&cwd).is_empty(), "nothing written, no directory named --check: {:?}", tree(&cwd));
    let (output, printed) = run(&cwd, &["--out", "out", "--check"], false);
    assert_eq!(code(&output), Some(2), "{printed}");
    assert!(tree(&cwd).is_empty());
    let (output, help) = run(&cwd, &["--help"], false);
    assert_eq!(code(&output), Some(0), "{help}");
    assert!(help.contains("Exit status:") && help.contains("--format <FORMAT>"), "{help}");
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn the_json_report_parses_and_lists_each_warning_once() {
    let cwd = scratch("json");
    let (output, printed) = run(&cwd, &["--out", "out", "--format", "json"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    let report = json(&output);
    assert_eq!(report["status"], "ok");
    assert_eq!(report["mode"], "write");
    let added = report["files"]["added"].as_array().unwrap();
    assert!(
        added.iter().any(|f| f == "compose/compose.dev.yaml") && added.iter().any(|f| f == "DEPLOY.md"),
        "{report}"
    );
    let warnings = report["warnings"].as_array().unwrap();
    let published = warnings
        .iter()
        .filter(|w| w["target"] == "kubernetes" && w["message"].as_str().unwrap().starts_with("port 80 is published"))
        .collect::<Vec<_>>();
    assert_eq!(published.len(), 1, "once, not per environment: {report}");
    assert_eq!(published[0]["environments"], serde_json::json!(["dev", "staging", "production"]));
    assert!(published[0]["message"].as_str().unwrap().contains("-n shop-<env> "), "{report}");
    let mut seen = Vec::new();
    for warning in warnings {
        let key = (warning["target"].clone(), warning["service"].clone(), warning["message"].clone());
        assert!(!seen.contains(&key), "{warning} twice");
        seen.push(key);
    }

    let (output, _) = run(&cwd, &["--out", "out", "--format", "json"], true);
    assert_eq!(code(&output), Some(2));
    let report = json(&output);
    assert_eq!(report["status"], "error");
    assert!(report["errors"][0].as_str().unwrap().contains("depends_on postgress"), "{report}");
    std::fs::remove_dir_all(&cwd).unwrap();
}

#[test]
fn warnings_are_printed_once_after_the_files() {
    let cwd = scratch("warnings");
    let (output, printed) = run(&cwd, &["--out", "out"], false);
    assert_eq!(code(&output), Some(0), "{printed}");
    assert_eq!(printed.matches("port 80 is published").count(), 1, "{printed}");
    // The namespace in the message differs per environment: said once, with `<env>` in its place.
    assert!(
        printed.contains("service api (dev, staging, production): port 80 is published on the host in Compose but \
                          stays inside the cluster (ClusterIP): reach it with `kubectl port-forward -n shop-<env> svc/api"),
        "{printed}"
    );
    let summary = printed.find("warnings (").expect("a one-line summary of the warnings");
    assert!(printed.find("files changed").unwrap() < summary, "the files come first: {printed}");
    std::fs::remove_dir_all(&cwd).unwrap();
}
