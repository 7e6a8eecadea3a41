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
