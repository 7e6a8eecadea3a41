//! What `stackwright import` says about files it cannot or will not take as they are: syntax
//! errors, unknown keys and unsupported features, each with the file, the line and what to do;
//! and secret values that must never reach the generated module.

#![cfg(feature = "import")]

use std::process::Command;

use emit::import::{self, Imported, Problem, Source};

fn run(text: &str) -> Result<Imported, Vec<Problem>> {
    let no_env_files =
        |_: &str, path: &str| Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{path} not found")));
    import::import(&[Source { path: "compose.yaml".into(), text: text.into() }], Some("shop"), "shop", &no_env_files)
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let problems = run("services:\n  web:\n    image: [nginx\n").unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "compose.yaml");
    assert!(problems[0].line.is_some_and(|l| l >= 3), "{:?}", problems[0]);
    assert!(problems[0].to_string().contains("not valid YAML"), "{}", problems[0]);
}

#[test]
fn every_mistake_is_reported_at_once_with_its_line_and_fix() {
    let problems = run(
        "servics:\n  web: {}\nservices:\n  web:\n    imagee: nginx\n    image: nginx:1.27\n    depends_on: [db]\n    networks: [front]\n",
    )
    .unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), 4, "{text:#?}");
    assert!(text[0].starts_with("compose.yaml:1: `servics` is not a Compose top-level key. Use one of"), "{}", text[0]);
    assert!(
        text.iter().any(|t| t.starts_with("compose.yaml:5: service web: `imagee` is not a Compose service key")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("compose.yaml:7: service web depends on \"db\", which the file does not define")),
        "{text:#?}"
    );
    assert!(text.iter().any(|t| t.contains("joins network \"front\", which the file does not declare")), "{text:#?}");
}

#[test]
fn unsupported_features_are_listed_in_the_module_and_never_dropped_silently() {
    let imported = run(
        "x-common: &common\n  restart: always\nservices:\n  web:\n    <<: *common\n    image: nginx:1.27\n    privileged: true\n    shm_size: 1g\n    ulimits:\n      nofile: 1024\n",
    )
    .unwrap();
    let listed: Vec<String> = imported.left_out.iter().map(ToString::to_string).collect();
    for expected in [
        "compose.yaml:7: service web: `privileged`",
        "compose.yaml:8: service web: `shm_size`",
        "compose.yaml:9: service web: `ulimits`",
        "compose.yaml:1: the extension `x-common`",
        "compose.yaml:1: the YAML anchor &common",
    ] {
        assert!(listed.iter().any(|l| l.starts_with(expected)), "{expected} missing from {listed:#?}");
        assert!(imported.module.contains(&format!("//! - {expected}")), "{expected} missing from the module header");
    }
    // The merge key was applied: the anchor's restart policy reached the service.
    assert!(imported.module.contains(".restart(Restart::Always)"), "{}", imported.module);
}

#[test]
fn secret_values_never_reach_the_module() {
    let imported = run(
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: shop\n      POSTGRES_PASSWORD: canary-literal-1\n  api:\n    image: shop/api:1\n    environment:\n      DATABASE_URL: postgresql://shop:canary-literal-1@db:5432/shop\n      READER_URL: postgresql://shop:canary-url-2@db:5432/shop\n      OTHER_URL: amqp://u:canary-url-3@broker:5672/\n      JWT_SECRET: ${JWT_SECRET:-canary-default-4}\n      API_TOKEN: canary-literal-5\n",
    )
    .unwrap();
    for canary in ["canary-literal-1", "canary-url-2", "canary-url-3", "canary-default-4", "canary-literal-5"] {
        assert!(!imported.module.contains(canary), "{canary} leaked into:\n{}", imported.module);
        assert!(!imported.left_out.iter().any(|p| p.to_string().contains(canary)), "{canary} leaked into a message");
    }
    // The URL to the database became its typed reference; the others (one with another
    // password than the datastore's), secrets.
    assert!(imported.module.contains(".env(\"DATABASE_URL\", db.database_url())"), "{}", imported.module);
    assert!(imported.module.contains(".env(\"READER_URL\", &reader_url)"), "{}", imported.module);
    assert!(imported.module.contains(".env(\"OTHER_URL\", &other_url)"), "{}", imported.module);
    assert!(imported.module.contains(".env(\"API_TOKEN\", &api_token)"), "{}", imported.module);
}

/// `stackwright import COMPOSE --out OUT`: its exit code and what it printed on stderr.
fn import_command(compose: &std::path::Path, out: &std::path::Path) -> (Option<i32>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_stackwright"))
        .arg("import")
        .arg(compose)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn the_command_exits_2_with_the_problems_and_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("stackwright-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let compose = dir.join("compose.yaml");
    let out = dir.join("shop.rs");
    std::fs::write(&compose, "services:\n  web:\n    image: nginx\n    restart: sometimes\n").unwrap();
    let (code, stderr) = import_command(&compose, &out);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&format!("{}:4: restart policy \"sometimes\"", compose.display())), "{stderr}");
    assert!(!out.exists());

    std::fs::write(&compose, "services:\n  web:\n    image: nginx\n    shm_size: 1g\n").unwrap();
    let (code, stderr) = import_command(&compose, &out);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains(&format!("{}:4: service web: `shm_size`", compose.display())), "{stderr}");
    let module = std::fs::read_to_string(&out).unwrap();
    // Named after the file's directory, as Compose names the project.
    let function = format!("pub fn stackwright_import_{}(env: Env) -> Stack", std::process::id());
    assert!(module.contains(&function), "{module}");
    // An existing module is not replaced without --force.
    let (code, stderr) = import_command(&compose, &out);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("already exists; pass --force"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
