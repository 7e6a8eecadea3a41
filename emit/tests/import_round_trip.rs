//! The import's round trip: each fixture compose file (the five team stacks' originals as their
//! documents give them, and four self-hosting shapes) → `stackwright import` → the modules
//! compiled together in a crate outside the workspace → every target rendered → the real
//! `docker compose config` (through `validate-deploy compose`) → the original and the round
//! trip compared service by service. A difference fails the test unless it is one of the
//! documented intended changes ([`intended`]).

#![cfg(feature = "import")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use emit::import::{self, Source};
use serde_json::Value;

/// Each fixture: its directory under `tests/fixtures/import/` and its compose files, base first.
const FIXTURES: &[(&str, &[&str])] = &[
    ("feature-models", &["docker-compose.yml"]),
    ("metabuilder", &["docker-compose.yml"]),
    ("wisebet", &["docker-compose.yml"]),
    ("anb", &["docker-compose.yml"]),
    ("neosale", &["docker-compose.yml", "docker-compose.prod.yml"]),
    ("social", &["docker-compose.yml"]),
    ("photos", &["docker-compose.yml"]),
    ("analytics", &["docker-compose.yml"]),
    ("community", &["docker-compose.yml"]),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn validate_deploy() -> PathBuf {
    repository().join("../shared/tools/validate-deploy")
}

fn docker_compose() -> PathBuf {
    let home = std::env::var("VALIDATE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(&std::env::var("HOME").expect("HOME")).join(".cache/validate-deploy"));
    home.join("venv/bin/docker-compose")
}

fn import_fixture(name: &str, files: &[&str]) -> import::Imported {
    let dir = fixtures().join(name);
    let sources: Vec<Source> = files
        .iter()
        .map(|f| Source {
            path: dir.join(f).display().to_string(),
            text: std::fs::read_to_string(dir.join(f)).unwrap(),
        })
        .collect();
    let read = |compose: &str, path: &str| std::fs::read_to_string(Path::new(compose).parent().unwrap().join(path));
    import::import(&sources, Some(name), name, &read).unwrap_or_else(|problems| {
        panic!("{name} does not import:\n{}", problems.iter().map(|p| format!("  {p}\n")).collect::<String>())
    })
}

/// The crate that compiles every imported module and renders it: outside the workspace (its own
/// `[workspace]`), depending on the two crates by path, as a team's repository would.
fn write_crate(dir: &Path, modules: &[(String, import::Imported)]) {
    let repo = repository();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"imported-stacks\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nstack-dsl = {{ path = {:?} }}\nstackwright-emit = {{ path = {:?} }}\n\n\
         [workspace]\n\n[profile.dev]\ndebug = \"line-tables-only\"\n",
        repo.join("stack-dsl").display().to_string(),
        repo.join("emit").display().to_string(),
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    // The workspace's lock file, so the crate builds the same versions.
    write_if_changed(&dir.join("Cargo.lock"), &std::fs::read_to_string(repo.join("Cargo.lock")).unwrap());
    let mut main = String::from("//! Renders every imported stack into the directory given as the argument.\n\n");
    for (_, imported) in modules {
        main.push_str(&format!("mod {};\n", imported.name.replace('-', "_")));
    }
    main.push_str(
        "\nfn main() -> std::process::ExitCode {\n    let out = std::path::PathBuf::from(std::env::args().nth(1).expect(\"output directory\"));\n    \
         let mut failed = false;\n    let projects = [\n",
    );
    for (_, imported) in modules {
        let function = imported.name.replace('-', "_");
        main.push_str(&format!(
            "        stack_dsl::Project::new({0:?}, stack_dsl::Env::ALL, {function}::{function}).cluster(cluster({0:?})),\n",
            imported.name
        ));
    }
    main.push_str(
        "    ];\n    for project in projects {\n        \
         let rendered = project.validate().map_err(emit::Error::from).and_then(|valid| emit::render(&valid, &emit::Options::with_root(\"\")));\n        \
         match rendered.and_then(|bundle| bundle.write(&out.join(project.name()))) {\n            \
         Ok(_) => {}\n            Err(error) => {\n                eprintln!(\"{}: {error}\", project.name());\n                failed = true;\n            }\n        }\n    }\n    \
         if failed { std::process::ExitCode::FAILURE } else { std::process::ExitCode::SUCCESS }\n}\n\n\
         // The public host of each environment, which a compose file does not say and an edge proxy\n\
         // replaced by an Ingress needs, given the way a team adopting the module would.\n\
         fn cluster(name: &str) -> stack_dsl::Cluster {\n    \
         stack_dsl::Env::ALL.into_iter().fold(stack_dsl::Cluster::new(), |cluster, env| {\n        \
         cluster.host(env, format!(\"{name}.{env}.example.org\"))\n    })\n}\n",
    );
    write_if_changed(&dir.join("src/main.rs"), &main);
    for (_, imported) in modules {
        write_if_changed(&dir.join(format!("src/{}.rs", imported.name.replace('-', "_"))), &imported.module);
    }
}

/// Unchanged files keep their timestamps, so cargo rebuilds only what the import changed.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn imported_stacks_compile_render_validate_and_round_trip() {
    let modules: Vec<(String, import::Imported)> =
        FIXTURES.iter().map(|(name, files)| (name.to_string(), import_fixture(name, files))).collect();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import-round-trip");
    let out = work.join("out");
    let _ = std::fs::remove_dir_all(&out);
    write_crate(&work, &modules);
    // Its own target directory: the one running this test is locked by cargo.
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["run", "--quiet", "--manifest-path"])
        .arg(work.join("Cargo.toml"))
        .arg("--")
        .arg(&out)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .env("K8S_OPENAPI_ENABLED_VERSION", "1.33")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the imported modules must compile and render (see the output above)");
    if let Ok(keep) = std::env::var("STACKWRIGHT_IMPORTED_OUT") {
        copy_tree(&out, Path::new(&keep));
    }

    let mut unexplained = Vec::new();
    for (name, files) in FIXTURES {
        let generated = out.join(name).join("compose/compose.dev.yaml");
        let variables = example_variables(&out.join(name).join("compose/dev.env.example"));
        let status = Command::new(validate_deploy())
            .arg("compose")
            .arg(&generated)
            .envs(variables.iter().cloned())
            .status()
            .expect("validate-deploy runs");
        assert!(status.success(), "{name}: validate-deploy compose refuses {}", generated.display());

        let original = config(
            &files.iter().map(|f| fixtures().join(name).join(f)).collect::<Vec<_>>(),
            &required_variables(name, files),
        );
        let round_trip = config(&[generated], &variables);
        for difference in compare(&original, &round_trip) {
            if intended(&difference).is_none() {
                unexplained.push(format!("{name}: {difference}"));
            }
        }
    }
    assert!(unexplained.is_empty(), "differences that are neither fixed nor documented:\n{}", unexplained.join("\n"));
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The variables of an `.env.example`, placeholders for the empty ones (as `.ci/run` does).
fn example_variables(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), if v.is_empty() { format!("placeholder-{k}") } else { v.to_string() }))
        .collect()
}

/// Placeholders for the variables the original files require (`${X:?…}`, `${X?…}`).
fn required_variables(name: &str, files: &[&str]) -> Vec<(String, String)> {
    let mut found = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(fixtures().join(name).join(file)).unwrap();
        for part in text.split("${").skip(1) {
            let name: String = part.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let rest = &part[name.len()..];
            if rest.starts_with(":?") || rest.starts_with('?') {
                found.insert(name);
            }
        }
    }
    found.into_iter().map(|k| (k.clone(), format!("placeholder-{k}"))).collect()
}

/// `docker compose config` of `files` as JSON, every profile included.
fn config(files: &[PathBuf], variables: &[(String, String)]) -> Value {
    let mut command = Command::new(docker_compose());
    for file in files {
        command.arg("-f").arg(file);
    }
    let output = command
        .args(["--profile", "*", "config", "--format", "json"])
        .env_remove("COMPOSE_PROJECT_NAME")
        .envs(variables.iter().cloned())
        .output()
        .expect("docker-compose runs (validate-deploy install provides it)");
    assert!(output.status.success(), "docker compose config {files:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// One difference between the original and the round trip.
#[derive(Debug)]
struct Difference {
    service: String,
    field: &'static str,
    original: String,
    round_trip: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "service {} {}: original {} / round trip {}",
            self.service, self.field, self.original, self.round_trip
        )
    }
}

/// Service names as the stack spells them.
fn label(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_string()
}

fn compare(original: &Value, round_trip: &Value) -> Vec<Difference> {
    let mut differences = Vec::new();
    let services = |v: &Value| v["services"].as_object().cloned().unwrap_or_default();
    let generated = services(round_trip);
    for (name, service) in services(original) {
        let Some(other) = generated.get(&label(&name)) else {
            let profiles = service["profiles"]
                .as_array()
                .map(|p| p.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" "));
            let original = match profiles {
                Some(profiles) => format!("present with profiles {profiles}"),
                None => "present".into(),
            };
            differences.push(Difference { service: name, field: "presence", original, round_trip: "missing".into() });
            continue;
        };
        for (field, a, b) in fields(service_fields(&service), service_fields(other)) {
            if a != b {
                differences.push(Difference { service: name.clone(), field, original: a, round_trip: b });
            }
        }
    }
    differences
}

fn fields(a: Vec<(&'static str, String)>, b: Vec<(&'static str, String)>) -> Vec<(&'static str, String, String)> {
    a.into_iter().zip(b).map(|((field, x), (_, y))| (field, x, y)).collect()
}

/// The compared fields of one service, normalised: sets where Compose's order means nothing.
fn service_fields(service: &Value) -> Vec<(&'static str, String)> {
    let strings = |v: &Value| -> Vec<String> {
        v.as_array().map(|a| a.iter().map(|s| s.as_str().unwrap_or_default().to_string()).collect()).unwrap_or_default()
    };
    let set = |items: BTreeSet<String>| items.into_iter().collect::<Vec<_>>().join(", ");
    let image = match service.get("build") {
        Some(build) => format!(
            "build of {}",
            Path::new(build["context"].as_str().unwrap_or_default())
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
        ),
        None => service["image"].as_str().unwrap_or_default().to_string(),
    };
    let ports = service["ports"]
        .as_array()
        .map(|ports| {
            ports.iter().map(|p| format!("{}->{}", p["published"].as_str().unwrap_or("-"), p["target"])).collect()
        })
        .unwrap_or_default();
    let env: BTreeSet<String> =
        service["environment"].as_object().map(|e| e.keys().cloned().collect()).unwrap_or_default();
    let mut volumes: BTreeSet<String> = service["volumes"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|m| {
                    format!(
                        "{} {}{}",
                        m["type"].as_str().unwrap_or_default(),
                        m["target"].as_str().unwrap_or_default(),
                        if m["read_only"] == Value::Bool(true) { " ro" } else { "" }
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    // `tmpfs:` and a volume of type tmpfs are the same mount.
    volumes.extend(
        strings(&service["tmpfs"]).iter().map(|t| format!("tmpfs {}", t.split(':').next().unwrap_or_default())),
    );
    let networks: BTreeSet<String> =
        service["networks"].as_object().map(|n| n.keys().map(|k| label(k)).collect()).unwrap_or_default();
    let healthcheck = strings(&service["healthcheck"]["test"]).join(" ");
    let depends_on: BTreeMap<String, String> = service["depends_on"]
        .as_object()
        .map(|d| d.iter().map(|(k, v)| (label(k), v["condition"].as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    vec![
        ("image", image),
        ("command", strings(&service["command"]).join(" ")),
        ("entrypoint", strings(&service["entrypoint"]).join(" ")),
        ("ports", set(ports)),
        ("env names", set(env)),
        ("volumes", set(volumes)),
        ("networks", set(networks)),
        ("healthcheck", healthcheck),
        ("depends_on", format!("{depends_on:?}")),
    ]
}

/// The documented intended changes (the import module's docs list them): why a difference is
/// what the import or the model means to do. `None` for a difference that is a bug.
fn intended(d: &Difference) -> Option<&'static str> {
    let (a, b) = (d.original.as_str(), d.round_trip.as_str());
    match d.field {
        // Recognised databases check readiness over TCP: no check, or pg_isready or mysqladmin
        // over the Unix socket (answered by the image's init server before TCP is open),
        // becomes the datastore's own.
        "healthcheck" if (a.is_empty() || asks_the_socket(a)) && is_datastore_check(b) => {
            Some("the datastore's check over TCP")
        }
        // A service Compose starts only with a `production` profile runs only in production.
        "presence" if a.contains("profiles") && a.contains("production") && b == "missing" => {
            Some("production profile: production only")
        }
        // Files from the repository are configuration, mounted read-only.
        "volumes" if a == b.replace(" ro", "").as_str() || without_ro_on_binds(a) == without_ro_on_binds(b) => {
            Some("configuration files mount read-only")
        }
        // Variables whose names the targets cannot pass are left out (and listed).
        "env names"
            if set(b).is_subset(&set(a)) && set(a).difference(&set(b)).all(|n| !stack_dsl::name::is_env_name(n)) =>
        {
            Some("names the targets cannot pass are left out")
        }
        _ => None,
    }
}

/// A check the model flags as asking only the Unix socket (`Engine::socket_only_client`).
fn asks_the_socket(test: &str) -> bool {
    let words: Vec<&str> = test.split_whitespace().collect();
    [stack_dsl::Engine::Postgres { major: 0 }, stack_dsl::Engine::Mysql { major: 0 }]
        .iter()
        .any(|engine| engine.socket_only_client(&words).is_some())
}

/// The check `Datastore::probe` gives each engine: its image's client, asking over TCP.
fn is_datastore_check(test: &str) -> bool {
    let clients = ["pg_isready -h", "redis-cli -h", "mysqladmin ping -h", "mariadb-admin ping -h"];
    clients.iter().any(|client| test.starts_with(&format!("CMD {client} 127.0.0.1")))
        // `docker compose config` keeps the file's `$$` escape.
        || test.replace("$$", "$").starts_with("CMD-SHELL mongosh --quiet --host \"$(hostname)\"")
}

fn set(list: &str) -> BTreeSet<&str> {
    list.split(", ").filter(|s| !s.is_empty()).collect()
}

fn without_ro_on_binds(list: &str) -> BTreeSet<String> {
    set(list)
        .into_iter()
        .map(|v| if v.starts_with("bind ") { v.trim_end_matches(" ro").to_string() } else { v.to_string() })
        .collect()
}
