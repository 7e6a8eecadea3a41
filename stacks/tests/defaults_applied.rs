//! Values the stack does not state are visible and settable: a worker without limits and a
//! volume without a size are reported ("default applied", naming the service and the value) by
//! every target that writes a value for them, and `Project::defaults` changes what each of
//! those targets writes. Read back from the parsed Kubernetes objects and Render Blueprint.

use emit::WarningKind;
use emit::kubernetes::Object;
use emit::render_blueprint::model::Blueprint;
use stack_dsl::{Cpu, Defaults, Env, Image, Memory, Mount, Project, Service, Stack, Volume};

fn project() -> Project {
    Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let spool = stack.add_volume(Volume::persistent("spool"));
        stack.add_service(
            Service::new("worker", Image::new("shop-worker:1.4"))
                .command(["worker", "--threads", "25"])
                .mount(Mount::volume(&spool, "/var/spool/shop")),
        );
        stack
    })
}

/// What each target wrote for the worker: Kubernetes memory limit, CPU limit and claim size;
/// Render instance type and disk size.
#[derive(Debug, PartialEq)]
struct Written {
    kubernetes: (String, String, String),
    render: (String, u64),
}

fn written(project: &Project) -> (Written, Vec<emit::Warning>) {
    let valid = project.validate().expect("valid");
    let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
    let manifest = &bundle.file("kubernetes/production/worker.yaml").expect("the worker's manifest").contents;
    let set = manifest
        .split("\n---\n")
        .find_map(|doc| match serde_saphyr::from_str::<Object>(doc).expect("an object") {
            Object::StatefulSet(set) => set.spec,
            _ => None,
        })
        .expect("a StatefulSet: the worker alone owns its volume");
    let container = &set.template.spec.expect("a pod").containers[0];
    let limits = container.resources.clone().and_then(|r| r.limits).expect("limits");
    let claim = &set.volume_claim_templates.expect("a claim template")[0];
    let size =
        claim.spec.clone().and_then(|s| s.resources).and_then(|r| r.requests).expect("a size")["storage"].0.clone();
    let blueprint: Blueprint =
        serde_saphyr::from_str(&bundle.file("render.yaml").expect("render.yaml").contents).expect("a Blueprint");
    let service = &blueprint.projects[0].environments[0].services[0];
    let disk = service.disk.as_ref().and_then(|d| d.size_gb).expect("a disk size");
    let written = Written {
        kubernetes: (limits["memory"].0.clone(), limits["cpu"].0.clone(), size),
        render: (service.plan.clone().expect("an instance type"), disk),
    };
    (written, bundle.warnings().to_vec())
}

#[test]
fn unstated_values_are_reported_by_each_target_that_applies_them() {
    let (out, warnings) = written(&project());
    assert_eq!(out.kubernetes, ("512Mi".into(), "500m".into(), "1Gi".into()));
    assert_eq!(out.render, ("starter".into(), 1));
    for target in ["kubernetes", "render"] {
        let said: Vec<&emit::Warning> = warnings
            .iter()
            .filter(|w| w.kind == WarningKind::DefaultApplied && w.target == target && w.service == "worker")
            .collect();
        assert_eq!(said.len(), 1, "{target}: {warnings:#?}");
        let text = said[0].to_string();
        for expected in ["default applied: ", "memory limit 512 MiB", "Defaults::limits", "size of volume spool 1 GiB"]
        {
            assert!(text.contains(expected), "{target} does not say {expected:?}: {text}");
        }
    }
    // Compose and Railway apply no limit and no size of their own: nothing to report.
    assert!(warnings.iter().filter(|w| w.kind == WarningKind::DefaultApplied).all(|w| w.target != "compose"));
}

#[test]
fn project_defaults_change_every_target_that_applies_them() {
    let defaults = Defaults::new().limits(Cpu::cores(1), Memory::gib(2)).volume_size(Memory::gib(20));
    let (out, warnings) = written(&project().defaults(defaults));
    assert_eq!(out.kubernetes, ("2Gi".into(), "1".into(), "20Gi".into()));
    assert_eq!(out.render, ("standard".into(), 20));
    let render = warnings.iter().find(|w| w.kind == WarningKind::DefaultApplied && w.target == "render");
    assert!(render.is_some_and(|w| w.message.contains("memory limit 2 GiB") && w.message.contains("standard")));
}

#[test]
fn stated_values_are_not_reported() {
    use stack_dsl::Resources;
    let project = Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let spool = stack.add_volume(Volume::persistent("spool").size(Memory::gib(5)));
        stack.add_service(
            Service::new("worker", Image::new("shop-worker:1.4"))
                .mount(Mount::volume(&spool, "/var/spool/shop"))
                .resources(
                    Resources::new().limit(Cpu::cores(1), Memory::gib(1)).reserve(Cpu::millis(250), Memory::mib(256)),
                ),
        );
        stack
    });
    let (out, warnings) = written(&project);
    assert_eq!(out.kubernetes, ("1Gi".into(), "1".into(), "5Gi".into()));
    let applied: Vec<_> = warnings.iter().filter(|w| w.kind == WarningKind::DefaultApplied).collect();
    assert!(applied.is_empty(), "{applied:#?}");
}
