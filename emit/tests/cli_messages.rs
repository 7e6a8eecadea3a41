//! What the renderer prints for common mistakes, run as a real process: a typo in a reference,
//! the same problem in several environments, `--check` on a missing directory, and an output
//! directory outside the repository.

use std::path::PathBuf;
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
                .port(Port::http(80))
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
    emit::cli::run(&project(std::env::var_os(TYPO).is_some()), &args)
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
    let (output, printed) = run(&cwd, &["--check", "nowhere"], false);
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
