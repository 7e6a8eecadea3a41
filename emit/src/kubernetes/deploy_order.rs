//! The order of a deploy: the Jobs a stack runs once (migrations) complete before the new
//! version of the services that wait for them (`Ready::Completed`) is applied, so new code
//! never meets an unmigrated schema. The wait is part of the deploy, not of every pod start:
//! a pod recreated later (drain, eviction, scale-up) starts at once, whatever the last Job did.
//!
//! A Job that fails stops at once (`backoffLimit: 0` unless the stack retries it) and one that
//! hangs is failed by Kubernetes after [`JOB_DEADLINE_SECONDS`] (`activeDeadlineSeconds`), so
//! the deploy reports a failed migration within a bounded time:
//! <https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup>.
//!
//! Only workloads the cluster runs take part (`placement.rs`): a left-out edge proxy or
//! certificate job is named by no step, as no object of that name exists.
//!
//! The StatefulSets that do not wait for a Job (the databases the migrations talk to) are applied
//! and rolled out before the Jobs are created: a changed template (a third-party tag resolved to a
//! new digest) deletes and recreates their pods one by one, and a migration started meanwhile
//! would meet a database going down and fail at once.
//! <https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#rolling-updates>
//!
//! The first pass selects objects with `app.kubernetes.io/name!=<service>`; an equality-based
//! `!=` also matches objects without the label (the Namespace, generated ConfigMaps):
//! <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#equality-based-requirement>.

use std::collections::HashMap;

use stack_dsl::{Ready, Run, Service, ValidStack};

use super::labels::NAME_LABEL;
use super::placement::runs;
use super::storage::owns_data;

/// How long a Job may run before Kubernetes fails it (`activeDeadlineSeconds`).
pub const JOB_DEADLINE_SECONDS: u32 = 900;

/// How long a deploy waits for each Deployment or StatefulSet to roll out, in minutes.
pub const ROLLOUT_MINUTES: u32 = 10;

/// What a deploy of one environment runs first, and what it holds back until then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployOrder {
    /// The Jobs (services that run once), awaited before the second pass.
    pub jobs: Vec<String>,
    /// Services that wait for a Job: left out of the first pass.
    pub held_back: Vec<String>,
    /// StatefulSets that do not wait for a Job: applied and rolled out before the Jobs start.
    pub settled_first: Vec<String>,
}

/// The services of `stack` that wait for a Job, directly (`Ready::Completed`) or through a
/// service that does (a front end waiting for an API that waits for its migration): the new
/// version of each would otherwise start before the migration, against the old version of what
/// it waits for. One pass over the services and their dependencies, memoised.
fn waiting_for_jobs(stack: &ValidStack) -> Vec<String> {
    fn waits<'a>(stack: &'a ValidStack, service: &'a Service, memo: &mut HashMap<&'a str, bool>) -> bool {
        if let Some(known) = memo.get(service.name.as_str()) {
            return *known;
        }
        // A valid stack's dependencies form no cycle, so the walk ends.
        let answer = service.depends_on.iter().any(|d| {
            d.ready == Ready::Completed
                || stack
                    .service(d.service.name())
                    .is_some_and(|dep| dep.run == Run::Continuously && waits(stack, dep, memo))
        });
        memo.insert(&service.name, answer);
        answer
    }
    let mut memo = HashMap::new();
    stack.services().filter(|s| runs(s) && waits(stack, s, &mut memo)).map(|s| s.name.clone()).collect()
}

impl DeployOrder {
    /// The order of `stack`.
    pub fn of(stack: &ValidStack) -> Self {
        DeployOrder {
            jobs: stack.services().filter(|s| runs(s) && s.run == Run::Once).map(|s| s.name.clone()).collect(),
            held_back: waiting_for_jobs(stack),
            settled_first: Vec::new(),
        }
        .with_stateful_sets(stack)
    }

    /// Records the StatefulSets of `stack` the first pass applies, when a Job follows them.
    fn with_stateful_sets(mut self, stack: &ValidStack) -> Self {
        if self.has_jobs() {
            self.settled_first = stack
                .services()
                .filter(|s| runs(s) && owns_data(stack, s) && !self.held_back.contains(&s.name))
                .map(|s| s.name.clone())
                .collect();
        }
        self
    }

    /// True when the deploy applies in two passes around the Jobs.
    pub fn has_jobs(&self) -> bool {
        !self.jobs.is_empty()
    }

    /// The label selector of the first pass: every object but the held-back services'.
    pub fn first_pass_selector(&self) -> String {
        let excluded: Vec<String> = self.held_back.iter().map(|s| format!("{NAME_LABEL}!={s}")).collect();
        excluded.join(",")
    }

    /// The label selector of the pass before the StatefulSets are awaited: the first pass
    /// without the Jobs. `None` when no StatefulSet is awaited before the Jobs.
    pub fn before_jobs_selector(&self) -> Option<String> {
        if self.settled_first.is_empty() {
            return None;
        }
        let excluded = self.held_back.iter().chain(&self.jobs).map(|s| format!("{NAME_LABEL}!={s}"));
        Some(excluded.collect::<Vec<_>>().join(","))
    }

    /// The commands an operator runs to deploy `dir` into `namespace` by hand, in order.
    pub fn manual_steps(&self, namespace: &str) -> Vec<String> {
        if !self.has_jobs() {
            return vec!["Apply: kubectl apply -k <this directory>".into()];
        }
        let mut steps = vec![format!(
            "Jobs are immutable: before applying a new version, kubectl delete job -n {namespace} --ignore-not-found {}",
            self.jobs.join(" ")
        )];
        let selector = self.first_pass_selector();
        if let Some(before_jobs) = self.before_jobs_selector() {
            steps.push(format!(
                "Apply the data stores first, without the Jobs and the services that need them: kubectl apply -k <this directory> -l '{before_jobs}'"
            ));
            steps.push(format!(
                "Wait until they have rolled out, so a migration never meets a database that is restarting: {}",
                self.settled_first
                    .iter()
                    .map(|s| format!(
                        "kubectl rollout status -n {namespace} statefulset/{s} --timeout={ROLLOUT_MINUTES}m"
                    ))
                    .collect::<Vec<_>>()
                    .join(" && ")
            ));
        }
        steps.push(if selector.is_empty() {
            "Apply: kubectl apply -k <this directory>".into()
        } else {
            format!("Apply everything but the services that need the migrations: kubectl apply -k <this directory> -l '{selector}'")
        });
        steps.push(format!(
            "Wait for the Jobs (Kubernetes fails one after {JOB_DEADLINE_SECONDS}s): kubectl wait -n {namespace} --for=condition=complete --timeout={}s {}",
            JOB_DEADLINE_SECONDS + 60,
            self.jobs.iter().map(|j| format!("job/{j}")).collect::<Vec<_>>().join(" ")
        ));
        if !selector.is_empty() {
            steps.push("Then apply the rest: kubectl apply -k <this directory>".into());
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use stack_dsl::{Env, Image, Project, Ready, Service, Stack};

    use super::*;

    fn shop() -> stack_dsl::ValidProject {
        Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let db =
                stack.add_service(Service::new("db", Image::new("postgres:16.4")).port(stack_dsl::Port::tcp(5432)));
            let migrate =
                stack.add_service(Service::job("migrate", Image::new("shop:1")).depends_on(&db, Ready::Started));
            stack.add_service(Service::new("api", Image::new("shop:1")).depends_on(&migrate, Ready::Completed));
            stack.add_service(Service::new("worker", Image::new("shop:1")).depends_on(&db, Ready::Started));
            stack
        })
        .validate()
        .unwrap()
    }

    #[test]
    fn only_the_services_waiting_for_a_job_are_held_back() {
        let project = shop();
        let order = DeployOrder::of(&project.stacks()[0]);
        assert_eq!(order.jobs, ["migrate"]);
        assert_eq!(order.held_back, ["api"]);
        assert_eq!(order.first_pass_selector(), "app.kubernetes.io/name!=api");
    }

    /// A front end waiting for an API that waits for its migration is held back with the API:
    /// applied with the first pass, its new version would meet the old API and an unmigrated
    /// schema for the whole migration.
    #[test]
    fn a_service_waiting_for_one_that_waits_for_a_job_is_held_back_too() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let db =
                stack.add_service(Service::new("db", Image::new("postgres:16.4")).port(stack_dsl::Port::tcp(5432)));
            let migrate =
                stack.add_service(Service::job("migrate", Image::new("shop:1")).depends_on(&db, Ready::Started));
            let api = stack.add_service(
                Service::new("api", Image::new("shop:1"))
                    .port(stack_dsl::Port::http(3000))
                    .depends_on(&migrate, Ready::Completed),
            );
            let web = stack.add_service(
                Service::new("web", Image::new("shop-web:1"))
                    .port(stack_dsl::Port::http(80))
                    .depends_on(&api, Ready::Started),
            );
            stack.add_service(Service::new("edge", Image::new("shop-edge:1")).depends_on(&web, Ready::Started));
            stack.add_service(Service::new("worker", Image::new("shop:1")).depends_on(&db, Ready::Started));
            stack
        })
        .validate()
        .unwrap();
        let order = DeployOrder::of(&project.stacks()[0]);
        assert_eq!(order.held_back, ["api", "web", "edge"]);
    }

    /// Init containers run again whenever a pod is recreated, so any wait on the Job there
    /// would hold back every pod created after a failed migration: the api pod must not
    /// mention the Job nor talk to the API server, and the Job must end within its deadline.
    #[test]
    fn a_recreated_pod_does_not_wait_for_a_job() {
        let project = shop();
        let lowered = super::super::lower::lower(&project.stacks()[0], project.cluster()).unwrap();
        let objects = || lowered.files.iter().flat_map(|(_, objects)| objects);
        let api = objects()
            .find_map(|o| match o {
                super::super::Object::Deployment(d) if d.metadata.name.as_deref() == Some("api") => d.spec.as_ref(),
                _ => None,
            })
            .expect("the api Deployment");
        let pod = api.template.spec.as_ref().expect("pod spec");
        let mentions_job = |c: &k8s_openapi::api::core::v1::Container| {
            c.command.iter().chain(c.args.iter()).flatten().any(|arg| arg.contains("migrate"))
        };
        assert!(!pod.init_containers.iter().flatten().any(mentions_job), "{:?}", pod.init_containers);
        assert_eq!(pod.automount_service_account_token, Some(false));
        assert_eq!(pod.service_account_name, None);
        let job = objects()
            .find_map(|o| match o {
                super::super::Object::Job(j) => j.spec.as_ref(),
                _ => None,
            })
            .expect("the migrate Job");
        assert_eq!(job.backoff_limit, Some(0));
        assert_eq!(job.active_deadline_seconds, Some(JOB_DEADLINE_SECONDS.into()));
        // The Job itself still waits, boundedly, for the database it migrates.
        let init = job.template.spec.as_ref().and_then(|p| p.init_containers.as_ref()).expect("wait-for-db");
        let script = init[0].command.as_ref().expect("command").join(" ");
        assert!(script.contains("nc -z -w 2 db 5432") && script.contains("exit 1"), "{script}");
    }

    /// An edge proxy waiting for a certificate job: the cluster runs neither, so no deploy
    /// step may name them; every Job and held-back service named is an object of the manifests.
    #[test]
    fn the_steps_name_only_objects_the_manifests_contain() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let migrate = stack.add_service(Service::job("migrate", Image::new("shop:1")));
            let api = stack.add_service(
                Service::new("api", Image::new("shop:1"))
                    .port(stack_dsl::Port::http(8000))
                    .depends_on(&migrate, Ready::Completed),
            );
            let certificate = stack
                .add_service(Service::job("certbot-init", Image::new("certbot/certbot:v2.11.0")).certificate_renewal());
            stack.add_service(
                Service::new("nginx", Image::new("nginx:1.25-alpine"))
                    .port(stack_dsl::Port::http(80))
                    .depends_on(&certificate, Ready::Completed)
                    .edge_proxy_for([&api]),
            );
            stack
        })
        .cluster(stack_dsl::Cluster::new().host(Env::Production, "shop.acme-shop.dev"))
        .validate()
        .unwrap();
        let stack = &project.stacks()[0];
        let lowered = super::super::lower::lower(stack, project.cluster()).unwrap();
        let objects = || lowered.files.iter().flat_map(|(_, objects)| objects);
        let jobs: Vec<String> = objects()
            .filter_map(|o| match o {
                super::super::Object::Job(j) => j.metadata.name.clone(),
                _ => None,
            })
            .collect();
        let workloads: Vec<String> = objects()
            .filter_map(|o| match o {
                super::super::Object::Deployment(d) => d.metadata.name.clone(),
                super::super::Object::StatefulSet(s) => s.metadata.name.clone(),
                _ => None,
            })
            .collect();
        let order = &lowered.deploy_order;
        assert_eq!(order.jobs, jobs);
        assert!(order.held_back.iter().all(|s| workloads.contains(s)), "{:?} not in {workloads:?}", order.held_back);
        for step in order.manual_steps("shop-production") {
            assert!(!step.contains("certbot-init") && !step.contains("nginx"), "{step}");
        }
    }

    /// A database that owns its volume is a StatefulSet: applied without the Jobs and rolled
    /// out before them, by the manual steps as by the workflow.
    #[test]
    fn a_database_with_data_settles_before_the_jobs() {
        let project = Project::new("shop", [Env::Production], |_| {
            let mut stack = Stack::new("shop");
            let data = stack.add_volume(stack_dsl::Volume::persistent("pgdata"));
            let db = stack.add_service(
                Service::new("db", Image::new("postgres:16.4"))
                    .port(stack_dsl::Port::tcp(5432))
                    .mount(stack_dsl::Mount::volume(&data, "/var/lib/postgresql/data")),
            );
            let migrate =
                stack.add_service(Service::job("migrate", Image::new("shop:1")).depends_on(&db, Ready::Started));
            stack.add_service(Service::new("api", Image::new("shop:1")).depends_on(&migrate, Ready::Completed));
            stack
        })
        .validate()
        .unwrap();
        let order = DeployOrder::of(&project.stacks()[0]);
        assert_eq!(order.settled_first, ["db"]);
        assert_eq!(
            order.before_jobs_selector().as_deref(),
            Some("app.kubernetes.io/name!=api,app.kubernetes.io/name!=migrate")
        );
        let steps = order.manual_steps("shop-production");
        let position = |needle: &str| {
            steps.iter().position(|s| s.contains(needle)).unwrap_or_else(|| panic!("{needle}: {steps:#?}"))
        };
        assert!(position("name!=migrate'") < position("rollout status -n shop-production statefulset/db"));
        assert!(position("statefulset/db") < position("-l 'app.kubernetes.io/name!=api'"));
        // A database without a volume runs as a Deployment: nothing settles before the Jobs.
        assert!(DeployOrder::of(&shop().stacks()[0]).before_jobs_selector().is_none());
    }

    #[test]
    fn the_manual_deploy_applies_the_waiting_services_after_the_jobs() {
        let project = shop();
        let steps = DeployOrder::of(&project.stacks()[0]).manual_steps("shop-production");
        let position = |needle: &str| {
            steps.iter().position(|s| s.contains(needle)).unwrap_or_else(|| panic!("{needle}: {steps:#?}"))
        };
        assert!(
            position("delete job -n shop-production --ignore-not-found migrate")
                < position("-l 'app.kubernetes.io/name!=api'")
        );
        assert!(position("-l 'app.kubernetes.io/name!=api'") < position("kubectl wait"));
        assert!(position("kubectl wait") < position("Then apply the rest"));
    }
}
