//! The first pipeline run on Railway, read from the committed deploy workflows: `railway config
//! apply` creates services without the secrets the program `preserve()`s (the CLI never sets
//! them), so the header names each and the order the first deploy takes, a secret missing on a
//! service that exists stops the run before the apply, and a rollback with nothing to roll back
//! to says so.

use std::path::Path;

fn workflow(project: &str) -> Option<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project).join(".github/workflows/deploy.yml");
    std::fs::read_to_string(path).ok()
}

#[test]
fn the_first_railway_deploy_names_its_secrets_and_checks_before_applying() {
    let mut checked = 0;
    for project in stacks::all() {
        let Some(text) = workflow(project.name()) else { continue };
        if !text.contains("railway config apply") {
            continue;
        }
        let header: String = text.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n");
        // Every secret the job requires, as `require_set <service> <key>` without a shared variable.
        let required: Vec<(&str, &str)> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("require_set "))
            .filter_map(|rest| {
                let words: Vec<&str> = rest.split_whitespace().collect();
                (words.len() == 2 && !words[0].starts_with('<')).then(|| (words[0], words[1]))
            })
            .collect();
        assert!(!required.is_empty(), "{}: no preserved secret required", project.name());
        for (service, key) in &required {
            assert!(
                header.contains("First deploy") && header.contains(&format!("{key} on {service}")),
                "{}: the header does not name {key} on {service} for the first deploy:\n{header}",
                project.name()
            );
        }
        // In each deploy script, the secrets of existing services are checked before the plan.
        for (i, part) in text.split("phase=before\n").enumerate().skip(1) {
            let before_plan = part.find("check_secrets").expect("checked");
            let plan = part.find("railway config plan").expect("planned after");
            assert!(before_plan < plan, "{} script {i}: secrets checked after the plan", project.name());
            checked += 1;
        }
        assert!(text.contains("this run created it"), "{}: a first deploy's failure is not named", project.name());
        assert!(
            text.contains("nothing was rolled back") && !text.contains("failed; each service is rolled back"),
            "{}: the rollback claims services were rolled back when there was nothing to roll back to",
            project.name()
        );
    }
    assert!(checked > 0, "no Railway deploy checked");
}
