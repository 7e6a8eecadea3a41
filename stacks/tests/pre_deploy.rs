//! Jobs run before a release on Render and Railway, read from the committed Blueprint and the
//! rendered Railway program: a pre-deploy line runs the same way with or without a shell, and no
//! job whose output lands in a volume becomes a pre-deploy step, which both platforms run
//! without the service's volumes (facts in `emit/src/facts/platforms.rs`).

use std::path::Path;

use emit::render_blueprint::model::Blueprint;
use stack_dsl::{MountSource, Run, Service};

fn blueprint(project: &str) -> Blueprint {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project).join(emit::layout::RENDER_BLUEPRINT);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse as a Blueprint: {e}", path.display()))
}

fn writes_a_volume(job: &Service) -> bool {
    job.mounts.iter().any(|m| matches!(m.source, MountSource::Volume(_)) && !m.read_only)
}

/// Render does not document whether `preDeployCommand` goes through a shell, and a report
/// (github.com/ganjasan/mapsurvey, `predeploy.sh`) saw `a && b` passed to `a` as arguments: a
/// pre-deploy line is one command, or several inside `sh -c '…'`.
#[test]
fn render_pre_deploy_lines_need_no_shell() {
    let mut checked = 0;
    for project in stacks::all() {
        for environment in &blueprint(project.name()).projects[0].environments {
            for service in &environment.services {
                let Some(line) = &service.pre_deploy_command else { continue };
                let outside_shell = line.strip_prefix("sh -c '").map_or(line.as_str(), |_| "");
                assert!(!outside_shell.contains("&&"), "{}: {line} needs a shell to run both commands", service.name);
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no pre-deploy command checked");
}

/// A job writing into a volume is never a pre-deploy step on Render or Railway: it runs in the
/// start command of a service that mounts that volume, before its server, or is reported as
/// left out.
#[test]
fn no_job_writing_a_volume_is_a_pre_deploy_step() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        let program = &bundle.file(emit::layout::RAILWAY_PROGRAM).expect("a Railway program").contents;
        let file = blueprint(project.name());
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            let Some(environment) = file.projects[0].environments.iter().find(|e| e.name == stack.env().name()) else {
                continue;
            };
            for job in stack.services().filter(|s| s.run == Run::Once && writes_a_volume(s)) {
                let Some(command) = job.command.as_deref() else { continue };
                let pre_deploy = environment.services.iter().filter_map(|s| s.pre_deploy_command.as_deref());
                let railway_pre_deploy = program.lines().filter(|l| l.contains("preDeploy")).collect::<Vec<_>>();
                assert!(
                    pre_deploy.chain(railway_pre_deploy).all(|l| !l.contains(command.join(" ").as_str())),
                    "{} {}: {} runs as a pre-deploy step, without the volume it writes",
                    project.name(),
                    stack.env(),
                    job.name
                );
                let started = environment.services.iter().filter_map(|s| s.docker_command.as_deref()).any(|c| {
                    c.starts_with("sh -c ") && command.iter().all(|a| c.contains(a.as_str())) && c.contains("&& exec ")
                });
                let reported = |target: &str| {
                    bundle.warnings().iter().any(|w| {
                        w.target == target
                            && w.env == stack.env().name()
                            && w.service == job.name
                            && w.message.contains("left out")
                    })
                };
                assert!(
                    started || reported("render"),
                    "{} {}: {} neither runs nor is reported on Render",
                    project.name(),
                    stack.env(),
                    job.name
                );
                let railway_started = program.lines().any(|l| {
                    l.contains("start:") && l.contains("&& exec ") && command.iter().all(|a| l.contains(a.as_str()))
                });
                assert!(
                    railway_started || reported("railway"),
                    "{} {}: {} neither runs nor is reported on Railway",
                    project.name(),
                    stack.env(),
                    job.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no job writing a volume checked");
}
