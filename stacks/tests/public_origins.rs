//! No committed file routes or hands a browser a placeholder host. A host reserved for examples
//! (`api.example.com`, `facts/reserved_hosts.rs`) in a hosted environment stands in for the
//! team's real one: a Traefik rule on it never matches the requests that arrive, a CORS list or
//! a front end's API URL with it sends the browser to a name no one owns, and Render tries to
//! verify and certify it as a custom domain. Each target reads the real host from its own
//! setting instead (`ServiceRef::public_url`, `public_origin.rs`).
//!
//! Left out, each for its reason: Kubernetes files follow the Ingress, which keeps the stack's
//! host and reports a placeholder without asking for its certificate; the CI workflow's image
//! build is only scanned, never pushed (the deploy workflow builds with the real host).

use std::fs;
use std::path::{Path, PathBuf};

use emit::facts::reserved_hosts::is_reserved;
use serde_json::Value;

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden")
}

/// The hosts `text` names as a URL's host (`scheme://host`) or as the whole value.
fn hosts(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split("//")
        .skip(1)
        .map(|rest| rest.split(['/', ':', ',', '"', '\'', ' ', '`', ')']).next().unwrap_or_default().to_string())
        .collect();
    // A whole value, a list's item, or a Traefik rule's quoted host (Host(`app.example.com`)).
    for word in text.split([',', ' ', '`']) {
        if !word.contains("//") && word.contains('.') && !word.contains('/') {
            found.push(word.to_string());
        }
    }
    found
}

/// A variable that holds an origin, a host or a URL a browser or router uses.
fn names_an_origin(key: &str) -> bool {
    ["CORS", "ORIGIN", "_URL", "_HOST"].iter().any(|part| key.contains(part)) && key != "POSTGRES_SERVER"
}

/// The reserved hosts `text` names, but for private-network names a platform gives on purpose
/// (Railway's `<service>.railway.internal`).
fn placeholders(text: &str) -> Vec<String> {
    let private = |h: &str| [".internal", ".local", ".home.arpa"].iter().any(|suffix| h.ends_with(suffix));
    hosts(text).into_iter().filter(|h| is_reserved(h) && !private(h)).collect()
}

fn yaml(path: &Path) -> Value {
    serde_saphyr::from_str(&fs::read_to_string(path).expect("readable")).expect("YAML")
}

/// Every (where, value) pair of a Compose file a router or a browser reads: Traefik rules,
/// environment values and build arguments that name an origin.
fn compose_values(file: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, service) in file["services"].as_object().into_iter().flatten() {
        for (key, value) in service["labels"].as_object().into_iter().flatten() {
            if key.ends_with(".rule") {
                out.push((format!("{name} label {key}"), value.as_str().unwrap_or_default().to_string()));
            }
        }
        let env = service["environment"].as_object().into_iter().flatten();
        let args = service["build"]["args"].as_object().into_iter().flatten();
        for (key, value) in env.chain(args).filter(|(key, _)| names_an_origin(key)) {
            out.push((format!("{name} {key}"), value.as_str().unwrap_or_default().to_string()));
        }
    }
    out
}

/// Render's custom domains and the variables that name an origin.
fn render_values(file: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for environment in file["projects"].as_array().into_iter().flatten().flat_map(|p| p["environments"].as_array()) {
        for service in environment.iter().flat_map(|e| e["services"].as_array()).flatten() {
            let name = service["name"].as_str().unwrap_or_default();
            for domain in service["domains"].as_array().into_iter().flatten() {
                out.push((format!("{name} domains"), domain.as_str().unwrap_or_default().to_string()));
            }
            for var in service["envVars"].as_array().into_iter().flatten() {
                let key = var["key"].as_str().unwrap_or_default();
                if names_an_origin(key) {
                    out.push((format!("{name} {key}"), var["value"].as_str().unwrap_or_default().to_string()));
                }
            }
        }
    }
    out
}

/// The Railway program's string variables that name an origin (`KEY: "value",`).
fn railway_values(program: &str) -> Vec<(String, String)> {
    program
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .filter_map(|line| line.split_once(": \""))
        .filter(|(key, _)| names_an_origin(key))
        .map(|(key, value)| (key.to_string(), value.to_string()))
        .collect()
}

/// The deploy workflow's image builds: their build arguments.
fn workflow_values(file: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (id, job) in file["jobs"].as_object().into_iter().flatten() {
        for entry in job["strategy"]["matrix"]["include"].as_array().into_iter().flatten() {
            if let Some(args) = entry["build-args"].as_str() {
                out.push((format!("job {id} build-args"), args.to_string()));
            }
        }
    }
    out
}

#[test]
fn no_generated_file_routes_or_sends_a_placeholder_host() {
    let mut checked = 0;
    let mut found = Vec::new();
    for stack in fs::read_dir(golden()).expect("golden/").flatten() {
        let name = stack.file_name().to_string_lossy().to_string();
        let dir = stack.path();
        let mut values: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for file in fs::read_dir(dir.join("compose")).into_iter().flatten().flatten() {
            let file_name = file.file_name().to_string_lossy().to_string();
            // Development runs locally, where `*.localhost` is the machine itself.
            if file_name.ends_with(".yaml") && !file_name.contains(".dev.") {
                values.push((file_name, compose_values(&yaml(&file.path()))));
            }
        }
        if dir.join("render.yaml").exists() {
            values.push(("render.yaml".into(), render_values(&yaml(&dir.join("render.yaml")))));
        }
        if let Ok(program) = fs::read_to_string(dir.join(".railway/railway.ts")) {
            values.push(("railway.ts".into(), railway_values(&program)));
        }
        let deploy = dir.join(".github/workflows/deploy.yml");
        if deploy.exists() {
            values.push(("deploy.yml".into(), workflow_values(&yaml(&deploy))));
        }
        for (file, pairs) in values {
            for (at, value) in pairs {
                checked += 1;
                let reserved = placeholders(&value);
                if !reserved.is_empty() {
                    found.push(format!("{name}/{file} {at}: {value} names {}", reserved.join(", ")));
                }
            }
        }
    }
    assert!(checked > 20, "only {checked} values checked: the walk misses the files");
    assert!(found.is_empty(), "placeholder hosts where a router or a browser reads them:\n{}", found.join("\n"));
}

/// The walk sees what it must: a reserved host in each kind of value is found.
#[test]
fn the_walk_finds_a_placeholder_in_each_kind_of_value() {
    let compose: Value = serde_json::json!({"services": {"web": {
        "labels": {"traefik.http.routers.web.rule": "Host(`app.example.com`)"},
        "environment": {"CORS_ORIGINS": "https://app.example.com,https://ok.example.io"},
        "build": {"args": {"VITE_API_URL": "https://api.example.com/v1"}}
    }}});
    let found: Vec<Vec<String>> = compose_values(&compose).iter().map(|(_, v)| placeholders(v)).collect();
    assert_eq!(found, [vec!["app.example.com"], vec!["app.example.com"], vec!["api.example.com"]]);
    let render: Value = serde_json::json!({"projects": [{"environments": [{"services": [{
        "name": "web", "domains": ["app.example.com"], "envVars": [{"key": "FRONTEND_HOST", "value": "app.example.com"}]
    }]}]}]});
    assert_eq!(render_values(&render).iter().filter(|(_, v)| !placeholders(v).is_empty()).count(), 2);
    let program = "      CORS_ORIGINS: \"https://app.example.com\",\n      NEXT_PUBLIC_API_URL: \"https://${{api.RAILWAY_PUBLIC_DOMAIN}}\",";
    let found: Vec<Vec<String>> = railway_values(program).iter().map(|(_, v)| placeholders(v)).collect();
    assert_eq!(found, [vec!["app.example.com".to_string()], Vec::<String>::new()]);
}

/// Kubernetes serves a route on the Ingress host the stack gives, placeholder or not; a public
/// origin takes the same input, and a placeholder there is reported beside the variable, with
/// the Ingress rule's own report.
#[test]
fn kubernetes_origins_are_the_ingress_hosts_and_a_placeholder_is_reported() {
    let project = stacks::all().into_iter().find(|p| p.name() == "feature-models").expect("feature-models");
    let valid = project.validate().expect("valid");
    let options = emit::Options::for_output_dir(Path::new("golden/feature-models")).expect("a directory");
    let bundle = emit::render(&valid, &options).expect("renders");
    let ingress = &bundle.file("kubernetes/production/ingress.yaml").expect("an Ingress").contents;
    let backend = &bundle.file("kubernetes/production/backend.yaml").expect("the backend").contents;
    assert!(ingress.contains("host: dashboard.example.com"), "{ingress}");
    assert!(backend.contains("value: https://dashboard.example.com"), "{backend}");
    let reported = bundle.warnings().iter().any(|w| {
        w.target == "kubernetes"
            && w.service == "backend"
            && w.message.contains("BACKEND_CORS_ORIGINS is the public origin of frontend")
            && w.message.contains("placeholder dashboard.example.com")
    });
    assert!(reported, "{:#?}", bundle.warnings());
}
