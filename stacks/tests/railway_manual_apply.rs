//! A Railway program no pipeline deploys is applied by a person: its header (and the deploy
//! page, from the same prerequisite) says, in order, what to export, when to apply, and that the
//! custom domains come after the first apply, and never claims a workflow does it.

use std::path::Path;

#[test]
fn a_program_applied_by_hand_says_how_in_order() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name());
        let Ok(program) = std::fs::read_to_string(root.join(".railway/railway.ts")) else { continue };
        let header: Vec<&str> = program.lines().take_while(|l| l.starts_with("//")).collect();
        let header = header.join("\n");
        if emit::public_origin::piped(&valid, "railway") {
            continue;
        }
        assert!(
            !header.contains("The deploy workflow attaches"),
            "{}: names a workflow that does not run",
            project.name()
        );
        // Nor do the program's comments on its inputs.
        for claim in ["set by the deploy workflow", "the deploy workflow sets it"] {
            assert!(!program.contains(claim), "{}: says its inputs are {claim}", project.name());
        }
        let order = header
            .lines()
            .find(|l| l.contains("in this order"))
            .unwrap_or_else(|| panic!("{}: no order", project.name()));
        let export = order.find("1. export DEPLOY_ENVIRONMENT=").expect("exports the environment first");
        let apply = order.find("`railway config apply`").expect("applies");
        assert!(export < apply, "{}: {order}", project.name());
        // Every real host the program reads is exported before the apply.
        for variable in program.split("publicHost(\"").skip(1).filter_map(|r| r.split('"').next()) {
            if variable.starts_with("PUBLIC_HOST_") {
                assert!(
                    order[..apply].contains(&format!("{variable}=")),
                    "{}: {variable} is not exported: {order}",
                    project.name()
                );
            }
        }
        if header.contains("railway domain ") {
            let domains = order.find("`railway domain`").expect("the domains after the apply");
            assert!(apply < domains, "{}: {order}", project.name());
        }
        let page = std::fs::read_to_string(root.join("DEPLOY.md")).expect("DEPLOY.md");
        let step = order.trim_start_matches("// ").split(": ").nth(1).expect("steps");
        assert!(page.contains(&step.replace('<', "&lt;")), "{}: DEPLOY.md lacks the order", project.name());
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} programs checked");
}
