//! The committed Railway programs, evaluated as `railway config apply` evaluates them: the
//! Railway CLI imports `.railway/railway.ts` and calls its default export with a context; 5.43
//! passed an empty one, `exported({})`, and 5.63.1 (`src/iac/eval.rs`) names the linked
//! environment, so the program cannot rely on `ctx.environment` alone. Each environment must
//! still get its own values, and a run that names no environment must stop instead of applying
//! another's.
//!
//! The programs run in node with the pinned `railway` SDK and `tsx` that `validate-deploy`
//! installs (`$VALIDATE_HOME`, default `~/.cache/validate-deploy`, `node/node_modules`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the CLI runs, with `tsx` in place of node 22's type stripping (node 20 here).
const CLI_EVALUATION: &str = r#"import { pathToFileURL } from "node:url";
const mod = await import(pathToFileURL(process.argv[1]).href);
let exported = mod.default ?? mod.main ?? mod.Railway ?? mod;
while (exported && typeof exported === "object" && "default" in exported && exported.name == null && exported.resources == null) {
  exported = exported.default;
}
const project = typeof exported === "function" ? await exported({}) : exported;
process.stdout.write(JSON.stringify(project));
"#;

/// What `validate-deploy railway-ts` runs: the SDK's full context naming the environment.
const NAMED_EVALUATION: &str = r#"import { pathToFileURL } from "node:url";
import { createRailwayContext } from "railway/iac";
const mod = await import(pathToFileURL(process.argv[1]).href);
let program = mod.default;
while (typeof program === "object" && "default" in program) program = program.default;
const project = await program(createRailwayContext({ environment: process.argv[2] }), null);
process.stdout.write(JSON.stringify(project));
"#;

/// The SDK and `tsx`, installed by `validate-deploy install` (beside the repository, as CI has
/// it) on a machine that has not run it yet.
fn node_modules() -> PathBuf {
    let home = std::env::var("VALIDATE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(&std::env::var("HOME").expect("HOME")).join(".cache/validate-deploy"));
    let modules = home.join("node/node_modules");
    let installed = || modules.join("railway").is_dir() && modules.join("tsx").is_dir();
    let validate = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tools/validate-deploy");
    if !installed() && validate.is_file() {
        let status = Command::new(&validate).arg("install").status().expect("validate-deploy runs");
        assert!(status.success(), "validate-deploy install failed");
    }
    assert!(
        installed(),
        "{} lacks the railway SDK and tsx: run `../shared/tools/validate-deploy railway-ts golden/metabuilder` once",
        modules.display()
    );
    modules
}

/// Runs `script` on a copy of `program` beside the SDK; the output, or the error text.
fn evaluate(program: &Path, script: &str, args: &[&str], environment: Option<&str>) -> Result<String, String> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "stackwright-railway-eval-{}-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        program.parent().and_then(Path::parent).and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or("x")
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join(".railway")).expect("temp dir");
    fs::copy(program, dir.join(".railway/railway.ts")).expect("copy");
    std::os::unix::fs::symlink(node_modules(), dir.join("node_modules")).expect("link");
    let mut command = Command::new("node");
    command
        .current_dir(&dir)
        .args(["--import", "tsx", "--input-type=module", "-e", script, "--", ".railway/railway.ts"])
        .args(args)
        .stdin(std::process::Stdio::null())
        .env_remove("DEPLOY_ENVIRONMENT");
    if let Some(environment) = environment {
        command.env("DEPLOY_ENVIRONMENT", environment);
    }
    let output = command.output().expect("node runs");
    let _ = fs::remove_dir_all(&dir);
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

fn programs() -> Vec<(PathBuf, Vec<String>)> {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
    let mut found = Vec::new();
    for project in stacks::all() {
        let program = golden.join(project.name()).join(".railway/railway.ts");
        let Ok(text) = fs::read_to_string(&program) else { continue };
        let environments = text
            .lines()
            .find_map(|l| l.strip_prefix("// Environments: "))
            .and_then(|l| l.split_once(" ("))
            .map(|(list, _)| list.split(", ").map(String::from).collect())
            .expect("the header lists the environments");
        found.push((program, environments));
    }
    assert!(!found.is_empty(), "some stack has a Railway program");
    found
}

#[test]
fn the_cli_applies_each_environment_its_own_values() {
    for (program, environments) in programs() {
        for env in &environments {
            let intended = evaluate(&program, NAMED_EVALUATION, &[env], None)
                .unwrap_or_else(|e| panic!("{}: {env}: {e}", program.display()));
            let applied = evaluate(&program, CLI_EVALUATION, &[], Some(env));
            assert_eq!(
                applied.as_deref(),
                Ok(intended.as_str()),
                "{}: the CLI's empty context with DEPLOY_ENVIRONMENT={env} applies other values",
                program.display()
            );
        }
    }
}

#[test]
fn the_cli_stops_when_no_environment_is_named() {
    for (program, environments) in programs() {
        let error = evaluate(&program, CLI_EVALUATION, &[], None)
            .expect_err(&format!("{}: applies some environment's values without being told which", program.display()));
        assert!(error.contains("Set DEPLOY_ENVIRONMENT"), "{}: says what to set:\n{error}", program.display());
        let other = evaluate(&program, NAMED_EVALUATION, &[&environments[0]], Some("elsewhere"));
        assert!(other.is_err_and(|e| e.contains("but DEPLOY_ENVIRONMENT is elsewhere")), "{}", program.display());
    }
}
