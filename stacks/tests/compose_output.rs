//! The committed Compose files, read back into the typed Compose model, say what each team stack
//! says: every service, port, mount, network, health check, start-order rule and secret reference.
//! A property checked over the model, not a copy of the golden text.

use std::path::Path;

use emit::compose::model::{ComposeFile, ServiceVolume};
use stack_dsl::{EnvValue, MountSource, Reach, Ready, ValidStack};

/// How Compose spells a required secret.
fn secret_ref(name: &str) -> String {
    format!("${{{name}:?{name} is required}}")
}

fn golden(stack: &ValidStack) -> ComposeFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(&stack.name)
        .join(emit::layout::compose_file(stack.env()));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse as Compose: {e}", path.display()))
}

#[test]
fn compose_files_carry_the_whole_model() {
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            let file = golden(stack);
            let at = format!("{} ({})", stack.name, stack.env());
            let names: Vec<&str> = stack.services().map(|s| s.name.as_str()).collect();
            assert_eq!(file.services.keys().map(String::as_str).collect::<Vec<_>>(), names, "{at}: services");
            for service in stack.services() {
                let out = &file.services[&service.name];
                let at = format!("{at} service {}", service.name);
                for port in &service.ports {
                    let found = match port.published {
                        Some(host) => out.ports.iter().any(|p| p.ends_with(&format!("{host}:{}", port.number))),
                        None => out.expose.contains(&port.number.to_string()),
                    };
                    assert!(found, "{at}: port {} missing", port.number);
                }
                assert_eq!(out.volumes.len(), service.mounts.len(), "{at}: mounts");
                for (mount, volume) in service.mounts.iter().zip(&out.volumes) {
                    match (&mount.source, volume) {
                        (MountSource::Tmpfs { .. }, ServiceVolume::Tmpfs(t)) => {
                            assert_eq!(t.target, mount.target, "{at}")
                        }
                        (MountSource::Volume(v), ServiceVolume::Short(s)) => {
                            let volume = stack.volumes.iter().find(|d| d.name == v.name()).expect("declared");
                            assert!(
                                s.starts_with(&format!("{}:{}", volume.name_in_compose(), mount.target)),
                                "{at}: {s}"
                            )
                        }
                        (MountSource::Bind(_) | MountSource::Config(_), ServiceVolume::Bind(b)) => {
                            assert_eq!(b.target, mount.target, "{at}");
                            assert_eq!(b.read_only, mount.read_only, "{at}: read-only flag of {}", b.source);
                        }
                        other => panic!("{at}: mount {other:?} changed kind"),
                    }
                }
                let networks: Vec<&str> = service.networks.iter().map(|n| n.name()).collect();
                assert_eq!(out.networks, networks, "{at}: networks");
                assert_eq!(out.healthcheck.is_some(), service.healthcheck.is_some(), "{at}: health check");
                assert_eq!(out.depends_on.len(), service.depends_on.len(), "{at}: depends_on");
                for dependency in &service.depends_on {
                    let condition = &out.depends_on[dependency.service.name()].condition;
                    let expected = match dependency.ready {
                        Ready::Started => "service_started",
                        Ready::Healthy => "service_healthy",
                        Ready::Completed => "service_completed_successfully",
                    };
                    assert_eq!(condition, expected, "{at}: depends_on {}", dependency.service.name());
                }
                for (name, value) in &service.env {
                    let written = &out.environment[name];
                    match value {
                        EnvValue::Secret(secret) => {
                            let optional = stack.secrets.iter().any(|s| s.name == secret.name() && s.optional);
                            let expected =
                                if optional { format!("${{{}:-}}", secret.name()) } else { secret_ref(secret.name()) };
                            assert_eq!(written, &expected, "{at}: {name}")
                        }
                        EnvValue::DatabaseUrl(db) => match stack.external(db.name()).map(|e| &e.reach) {
                            Some(Reach::Managed { url }) => {
                                assert_eq!(written, &secret_ref(url.name()), "{at}: {name}")
                            }
                            reach => {
                                let host = match reach {
                                    Some(Reach::Address { host, .. }) => host.as_str(),
                                    _ => db.name(),
                                };
                                assert!(written.contains(&format!("@{host}:")), "{at}: {name} does not reach {host}");
                                assert!(
                                    written.contains("${"),
                                    "{at}: {name} must reference its password, not hold it"
                                );
                            }
                        },
                        EnvValue::Host(target) => {
                            let expected = match stack.external(target.name()).map(|e| &e.reach) {
                                Some(Reach::Address { host, .. }) => host.as_str(),
                                _ => target.name(),
                            };
                            assert_eq!(written, expected, "{at}: {name}")
                        }
                        EnvValue::Url(url) => {
                            assert!(written.contains(&format!("://{}:", url.service.name())), "{at}: {name}")
                        }
                        _ => {}
                    }
                }
                assert_eq!(
                    out.deploy.as_ref().and_then(|d| d.replicas).unwrap_or(1),
                    service.replicas,
                    "{at}: replicas"
                );
            }
            for volume in &stack.volumes {
                assert!(file.volumes.contains_key(volume.name_in_compose()), "{at}: volume {}", volume.name);
            }
            for network in &stack.networks {
                assert_eq!(file.networks[&network.name].internal, network.internal, "{at}: network {}", network.name);
            }
        }
    }
}

/// The seeds write some credentials in plain text (`anb_password`, `.env.example` defaults);
/// the stacks turn them into secret references, so none of them may reach a generated file.
#[test]
fn no_credential_from_the_seeds_reaches_a_generated_file() {
    let leaked =
        ["anb_password", "your-super-secret-key-change-in-production", "postgres:postgres@", "<password>", "<secreto>"];
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden")];
    let mut checked = 0;
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        checked += 1;
        for value in leaked {
            assert!(!text.contains(value), "{} contains {value:?}", path.display());
        }
    }
    assert!(checked >= 20, "expected every golden file to be scanned, found {checked}");
}
