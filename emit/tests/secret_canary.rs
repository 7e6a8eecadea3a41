//! Canary values planted in every secret of every team stack never reach a generated file, a
//! warning, an error or a line the renderer prints.
//!
//! Two ways a value could leak are tried: a user writing the value into the stack instead of
//! the secret's reference (validation must refuse it, without repeating the value), and the
//! values being present in the renderer's environment, as they are on a developer's machine or
//! in CI (the renderer must not read them).

use std::path::Path;
use std::process::Command;

use stack_dsl::{EnvValue, Image, Stack};

/// Set in the child process of [`values_in_the_renderers_environment_never_reach_its_output`].
const CHILD_OUT: &str = "STACKWRIGHT_TEST_CANARY_RENDER_INTO";

fn canary(name: &str) -> String {
    format!("canary-{name}-7f3a9c")
}

/// Every variable name a stack fills from a secret, and every secret's own name.
fn secret_names(stack: &Stack) -> Vec<String> {
    let mut names: Vec<String> = stack.secrets.iter().map(|s| s.name.clone()).collect();
    for service in &stack.services {
        for (name, value) in &service.env {
            if matches!(value, EnvValue::Secret(_)) {
                names.push(name.clone());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn literal_values_in_place_of_secrets_are_refused_without_repeating_them() {
    let mut planted_somewhere = 0;
    for project in stacks::all() {
        for &env in project.environments() {
            let mut stack = project.stack(env);
            let mut planted = Vec::new();
            for service in &mut stack.services {
                for (name, value) in &mut service.env {
                    if matches!(value, EnvValue::Secret(_)) {
                        *value = EnvValue::Literal(canary(name));
                        planted.push(format!("service {} › env {name}", service.name));
                    }
                }
                if let Image::Build(build) = &mut service.image {
                    build.args.insert("NPM_TOKEN".into(), canary("NPM_TOKEN"));
                    planted.push(format!("service {} › build arg NPM_TOKEN", service.name));
                }
            }
            planted_somewhere += planted.len();
            let where_ = format!("stack {} ({env})", project.name());
            let error = match stack.validate(env) {
                Ok(_) => panic!("{where_}: planted secret values passed validation"),
                Err(error) => error,
            };
            for place in &planted {
                assert!(
                    error.problems().iter().any(|p| p.location().ends_with(place.as_str())),
                    "{where_}: the literal at {place} is not reported:\n{error}"
                );
            }
            let text = format!("{error}{error:?}");
            assert!(!text.contains("canary-"), "{where_}: a problem repeats a planted value:\n{text}");
        }
    }
    assert!(planted_somewhere > 20, "the team stacks have secrets to plant into");
}

/// The child: render and check every team stack into the working directory.
#[test]
fn child_renderer() {
    let Some(out) = std::env::var_os(CHILD_OUT) else { return };
    for project in stacks::all() {
        let dir = Path::new(&out).join(project.name()).to_string_lossy().into_owned();
        let _ = emit::cli::run(&project, &["--out".into(), dir.clone()]);
        let _ = emit::cli::run(&project, &["--out".into(), dir, "--check".into()]);
    }
}

#[test]
fn values_in_the_renderers_environment_never_reach_its_output() {
    let scratch = std::env::temp_dir().join(format!("stackwright-canary-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["child_renderer", "--exact", "--nocapture", "--test-threads=1"])
        .current_dir(&scratch)
        .env(CHILD_OUT, "out");
    let mut planted = 0;
    for project in stacks::all() {
        for &env in project.environments() {
            for name in secret_names(&project.stack(env)) {
                child.env(&name, canary(&name));
                planted += 1;
            }
        }
    }
    assert!(planted > 20);
    let output = child.output().unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{printed}");
    assert!(printed.contains("files up to date"), "the child rendered and checked:\n{printed}");
    assert!(!printed.contains("canary-"), "a printed line holds a planted value:\n{printed}");

    let mut files = Vec::new();
    collect(&scratch.join("out"), &mut files);
    assert!(files.len() > 100, "every stack was written: {} files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("canary-"), "{} holds a planted value", file.display());
    }
    std::fs::remove_dir_all(&scratch).unwrap();
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { collect(&path, out) } else { out.push(path) }
    }
}
