//! The scheduled jobs of the committed Kubernetes manifests keep running and keep their disk
//! from filling: each CronJob has a run deadline, a starting deadline and history limits, the
//! header says how to see the last success, and the NEOSALE backup command, run with a
//! stand-in `pg_dump`, keeps only the newest dumps and never leaves a truncated one.

use std::path::{Path, PathBuf};
use std::process::Command;

use emit::kubernetes::Object;
use k8s_openapi::api::batch::v1::CronJob;
use stack_dsl::{Run, ValidStack};

fn cron_jobs(stack: &ValidStack) -> Vec<(CronJob, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../golden")
        .join(&stack.name)
        .join(emit::layout::kubernetes_dir(stack.env()));
    let header = std::fs::read_to_string(dir.join("kustomization.yaml")).expect("kustomization");
    stack
        .services()
        .filter(|s| matches!(s.run, Run::OnSchedule(_)))
        .map(|service| {
            let text =
                std::fs::read_to_string(dir.join(format!("{}.yaml", service.name))).expect("the cron job's file");
            let cron = text
                .split("\n---\n")
                .find_map(|d| match serde_saphyr::from_str(d) {
                    Ok(Object::CronJob(c)) => Some(*c),
                    _ => None,
                })
                .expect("a CronJob");
            (cron, header.clone())
        })
        .collect()
}

#[test]
fn scheduled_jobs_keep_running_and_stay_visible() {
    let mut seen = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        for stack in valid.stacks() {
            for (cron, header) in cron_jobs(stack) {
                let name = cron.metadata.name.clone().expect("a name");
                let at = format!("{} ({}) {name}", stack.name, stack.env());
                let spec = cron.spec.expect("spec");
                let job = spec.job_template.spec.expect("job spec");
                assert!(job.active_deadline_seconds.is_some(), "{at}: a hung run would skip every later one");
                assert!(spec.starting_deadline_seconds.is_some(), "{at}: missed schedules could stop the CronJob");
                assert!(spec.failed_jobs_history_limit.unwrap_or(1) >= 3, "{at}: failures must stay visible");
                assert!(
                    header.contains(&format!("kubectl get cronjob {name} ")) && header.contains("lastSuccessfulTime"),
                    "{at}: the header must say how to see the last success"
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 0, "no team stack has a scheduled job");
}

/// A scratch directory standing in for the backups volume, and a `pg_dump` on the PATH.
fn sandbox(name: &str, pg_dump: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stackwright-backup-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).expect("bin");
    std::fs::create_dir_all(dir.join("volume")).expect("volume");
    std::fs::write(dir.join("bin/pg_dump"), pg_dump).expect("pg_dump");
    Command::new("chmod").arg("+x").arg(dir.join("bin/pg_dump")).status().expect("chmod");
    dir
}

/// The NEOSALE backup's shell command and the path its volume is mounted at.
fn backup_command() -> (String, String) {
    let valid = stacks::neosale::project().validate().expect("valid");
    let stack = valid.stacks().iter().find(|s| s.env().is_production()).expect("production");
    let (cron, _) = cron_jobs(stack).into_iter().next().expect("the backup CronJob");
    let pod = cron.spec.and_then(|s| s.job_template.spec).and_then(|j| j.template.spec).expect("pod");
    let container = &pod.containers[0];
    let command = container.command.clone().or(container.args.clone()).expect("a command");
    let mount = container.volume_mounts.as_ref().and_then(|m| m.first()).expect("the backups mount");
    assert_eq!(command[..2], ["sh", "-c"]);
    (command[2].clone(), mount.mount_path.clone())
}

fn run(dir: &Path, command: &str, mount: &str) -> bool {
    // The volume's path in the container, replaced by the sandbox's.
    let script = command.replace(mount, &dir.join("volume").display().to_string());
    let path = format!("{}:{}", dir.join("bin").display(), std::env::var("PATH").unwrap_or_default());
    Command::new("sh").arg("-c").arg(script).env("PATH", path).status().expect("sh").success()
}

fn dumps(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("volume"))
        .expect("volume")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn the_backup_keeps_the_newest_dumps_and_no_partial_one() {
    let (command, mount) = backup_command();
    let kept = stacks::neosale::BACKUPS_KEPT;
    let dir = sandbox("retention", "#!/bin/sh\necho 'dump'\n");
    for day in 1..=20 {
        std::fs::write(dir.join(format!("volume/db-202001{day:02}.sql")), "old").expect("old dump");
    }
    assert!(run(&dir, &command, &mount), "the backup failed");
    let names = dumps(&dir);
    assert_eq!(names.len(), kept, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("db-") && n.ends_with(".sql")), "{names:?}");
    assert!(!names.contains(&"db-20200107.sql".to_string()), "the oldest dumps go first: {names:?}");
    let newest = names.last().expect("a dump");
    assert_eq!(std::fs::read_to_string(dir.join("volume").join(newest)).expect("dump"), "dump\n");

    let failing = sandbox("failure", "#!/bin/sh\necho 'half a dump'\nexit 1\n");
    for day in 1..=3 {
        std::fs::write(failing.join(format!("volume/db-202001{day:02}.sql")), "old").expect("old dump");
    }
    assert!(!run(&failing, &command, &mount), "a failed dump must fail the run");
    let names = dumps(&failing);
    assert_eq!(names.iter().filter(|n| n.starts_with("db-")).count(), 3, "old dumps stay: {names:?}");
    assert!(
        names.iter().filter(|n| n.starts_with("db-")).all(|n| n.starts_with("db-202001")),
        "no truncated dump under a backup's name: {names:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&failing);
}
