//! What the Render and Railway files tell a team to set up before the first deploy, read as the
//! platform's engineer reads them cold: every value the platform asks for or the program reads
//! from outside is named once, where it is entered, with what to enter. Checked over every team
//! stack's committed files, read back (the Blueprint into its typed model, the Railway program's
//! `ctx.shared` reads from its text).

use std::collections::BTreeSet;
use std::path::Path;

use emit::render_blueprint::model::{Blueprint, EnvVar};

fn golden(project: &str, file: &str) -> String {
    golden_if_any(project, file).unwrap_or_else(|| panic!("golden/{project}/{file} is missing"))
}

/// The committed file, when the project has it (a project without hosted environments has no
/// platform files).
fn golden_if_any(project: &str, file: &str) -> Option<String> {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project).join(file)).ok()
}

/// The comment lines at the top of a file, without their comment marker.
fn header(text: &str, marker: &str) -> Vec<String> {
    text.lines().map_while(|l| l.strip_prefix(marker)).map(|l| l.trim_start().to_string()).collect()
}

fn is_prompted(var: &EnvVar) -> bool {
    matches!(var, EnvVar::Prompted { .. })
}

/// Render asks for each `sync: false` variable where it is declared: a group's once for all the
/// services attached to it. The header lists each exactly once there (a group's value under the
/// group, never again under each member), with what to enter after it.
#[test]
fn render_lists_each_prompted_value_once_where_render_asks_for_it() {
    let mut checked = 0;
    for project in stacks::all() {
        let Some(text) = golden_if_any(project.name(), "render.yaml") else { continue };
        let blueprint: Blueprint = serde_saphyr::from_str(&text).expect("a Blueprint");
        let header = header(&text, "#");
        let mut expected = Vec::new();
        for environment in &blueprint.projects[0].environments {
            for group in &environment.env_var_groups {
                for var in group.env_vars.iter().filter(|v| is_prompted(v)) {
                    let key = var.key().unwrap_or_default();
                    expected.push(format!("{}: {key} in environment group {} (read by ", environment.name, group.name));
                }
            }
            for service in &environment.services {
                for var in service.env_vars.iter().filter(|v| is_prompted(v)) {
                    let key = var.key().unwrap_or_default();
                    expected.push(format!("{}: {key} in service {}", environment.name, service.name));
                }
            }
        }
        for wanted in &expected {
            let lines: Vec<&String> = header.iter().filter(|l| l.starts_with(wanted.as_str())).collect();
            assert_eq!(lines.len(), 1, "{}: {wanted:?} listed once:\n{}", project.name(), header.join("\n"));
            let what = &lines[0][wanted.len()..];
            // A group's line names its members first: `(read by api, worker)`.
            let what = if wanted.ends_with("(read by ") { what.split_once(')').map_or(what, |(_, r)| r) } else { what };
            assert!(
                (what.starts_with(": ") || what.starts_with(" = ")) && what.len() > 3,
                "{}: says what to enter: {}",
                project.name(),
                lines[0]
            );
            checked += 1;
        }
        // Nothing else is listed as asked for: a group's key is not listed again per member.
        let listed =
            header.iter().filter(|l| l.contains(" in environment group ") || l.contains(" in service ")).count();
        assert_eq!(listed, expected.len(), "{}:\n{}", project.name(), header.join("\n"));
    }
    assert!(checked > 0);
}

/// feature-models' backend settings come from the template's `backend/app/core/config.py`:
/// FIRST_SUPERUSER is an email address, and the team reads so where each platform asks for it.
#[test]
fn feature_models_says_the_first_superuser_is_an_email_address_on_every_target() {
    let email = "Email address of the first superuser";
    let render = header(&golden("feature-models", "render.yaml"), "#");
    assert!(
        render.iter().any(|l| l.contains("FIRST_SUPERUSER in environment group") && l.contains(email)),
        "{render:#?}"
    );
    let railway = header(&golden("feature-models", ".railway/railway.ts"), "//");
    assert!(railway.iter().any(|l| l.contains("FIRST_SUPERUSER") && l.contains(email)), "{railway:#?}");
    let kubernetes = header(&golden("feature-models", "kubernetes/production/kustomization.yaml"), "#");
    assert!(
        kubernetes.iter().any(|l| l.starts_with("Key FIRST_SUPERUSER of ") && l.contains(email)),
        "{kubernetes:#?}"
    );
    let compose = golden("feature-models", "compose/production.env.example");
    assert!(compose.contains(&format!("# {email}")), "{compose}");
    let page = golden("feature-models", "DEPLOY.md");
    let railway_section = page.split("## railway").nth(1).expect("a Railway section");
    assert!(railway_section.contains(email), "the deploy page's Railway prerequisites say it");
}

/// The `ctx.shared.NAME` variables a Railway program reads, in order.
fn shared_reads(program: &str) -> BTreeSet<String> {
    let code: Vec<&str> = program.lines().filter(|l| !l.trim_start().starts_with("//")).collect();
    code.join("\n")
        .split("ctx.shared.")
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
        .collect()
}

/// `ctx.shared.NAME` compiles to `${{shared.NAME}}` and points at a shared variable that must
/// already exist in the environment: neither the program nor `railway config apply` creates it
/// (<https://docs.railway.com/infrastructure-as-code/reference>, "Environment variables"). The
/// header names every one the program reads, per environment, with what it holds and where to
/// create it, before the first apply.
#[test]
fn railway_names_every_shared_variable_its_program_reads() {
    let mut checked = 0;
    for project in stacks::all() {
        let Some(program) = golden_if_any(project.name(), ".railway/railway.ts") else { continue };
        let lines = header(&program, "//");
        let shared = shared_reads(&program);
        let valid = project.validate().expect("valid");
        let hosted: Vec<String> =
            valid.stacks().iter().filter(|s| s.env().is_hosted()).map(|s| s.env().to_string()).collect();
        for name in &shared {
            let line = lines.iter().find(|l| l.starts_with(&format!("Shared variable {name} "))).unwrap_or_else(|| {
                panic!("{}: {name} is not named in the header:\n{}", project.name(), lines.join("\n"))
            });
            assert!(
                hosted.iter().any(|env| line.contains(env.as_str())),
                "{}: names its environments: {line}",
                project.name()
            );
            let (_, what) = line.split_once("): ").unwrap_or_else(|| panic!("says what it holds: {line}"));
            assert!(!what.is_empty(), "{line}");
            checked += 1;
        }
        if !shared.is_empty() {
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("Project Settings › Shared Variables") && l.contains("railway config apply")),
                "{}: says where to create them, before applying:\n{}",
                project.name(),
                lines.join("\n")
            );
        }
        let named = lines.iter().filter(|l| l.starts_with("Shared variable ")).count();
        assert_eq!(named, shared.len(), "{}: names only what the program reads", project.name());
    }
    assert!(checked > 0);
}
