//! The committed Render Blueprints' headers, read in the order a person applies them: Render asks
//! for `sync: false` values during "New Blueprint Instance", before any service exists, and only
//! when it creates the service; a scaled service says which workspace plan autoscaling needs.

use std::path::Path;

fn header(project: &str) -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project).join("render.yaml");
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n"))
}

#[test]
fn prompted_hosts_are_the_ones_to_add_after_the_apply() {
    let mut checked = 0;
    for project in stacks::all() {
        let Some(header) = header(project.name()) else { continue };
        assert!(
            !header.contains("the custom domain you added"),
            "{}: a domain cannot be added before the apply",
            project.name()
        );
        for line in header.lines().filter(|l| l.contains("custom domain>")) {
            assert!(line.contains("enter the host you will add; after the apply"), "{}: {line}", project.name());
            checked += 1;
        }
        if header.contains("sync: false") {
            assert!(header.contains("Render asks only when it first creates the service"), "{}", project.name());
        }
    }
    assert!(checked > 0, "no prompted host checked");
}

/// Render autoscales only on a Professional or higher workspace (`emit::facts::platforms::RENDER`):
/// every Blueprint with `scaling` names each such service and the plan in its header.
#[test]
fn autoscaled_services_name_the_plan_they_need() {
    let plan = emit::facts::platforms::RENDER.autoscaling_plan.expect("Render's autoscaling plan");
    let mut checked = 0;
    for project in stacks::all() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name()).join("render.yaml");
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let blueprint: emit::render_blueprint::model::Blueprint = serde_saphyr::from_str(&text).expect("parses");
        let header = header(project.name()).unwrap_or_default();
        for environment in &blueprint.projects[0].environments {
            for service in environment.services.iter().filter(|s| s.scaling.is_some()) {
                let line = header.lines().find(|l| l.contains("Autoscaling (")).unwrap_or_default();
                assert!(line.contains(&service.name) && line.contains(plan), "{}: {line}", service.name);
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no autoscaled service checked");
}
