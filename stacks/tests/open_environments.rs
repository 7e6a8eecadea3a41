//! Environments a project declares itself (a second local one, `qa`, a regional production) are
//! mapped by every target: a Compose file and a Kubernetes namespace each, a Render and a Railway
//! environment and a deploy job each for the hosted ones, approvals on the production-like ones.
//! Checked on the generated objects, read back into their typed models.

use emit::actions::model::Workflow;
use emit::compose::model::ComposeFile;
use emit::kubernetes::Object;
use emit::render_blueprint::model::Blueprint;
use stack_dsl::{
    Datastore, DeployTarget, Env, Image, Pipeline, Port, Previews, Probe, Project, Ready, Route, Secret, Service, Stack,
};

const DEV_ARM: Env = Env::local("dev-arm");
const QA: Env = Env::hosted("qa");
const EU: Env = Env::production("production-eu");
const ENVIRONMENTS: [Env; 6] = [Env::Dev, DEV_ARM, QA, Env::Staging, Env::Production, EU];

fn shop(env: Env) -> Stack {
    let mut stack = Stack::new("shop");
    let password = stack.add_secret(Secret::new("DB_PASSWORD"));
    let db = stack.add_service(
        Service::new("postgres", Image::new("postgres:16-alpine"))
            .port(Port::tcp(5432))
            .env("POSTGRES_PASSWORD", &password)
            .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
    );
    let host = if env.is_dev() { "localhost".to_string() } else { format!("{env}.shop.example.com") };
    stack.add_service(
        Service::new("api", Image::build("backend").tag("shop-api"))
            .port(Port::http(3000))
            .route(Route::new(host))
            .healthcheck(Probe::http(3000, "/health"))
            .env("DATABASE_URL", db.database_url())
            .depends_on(&db, Ready::Healthy)
            .replicas(if env.is_production() { 2 } else { 1 }),
    );
    stack
}

fn rendered() -> emit::Bundle {
    let project = Project::new("shop", ENVIRONMENTS, shop)
        .pipeline(Pipeline::new(DeployTarget::Kubernetes).registry("ghcr.io/shop"));
    let valid = project.validate().unwrap_or_else(|e| panic!("{e}"));
    emit::render(&valid, &emit::Options::with_root("")).unwrap_or_else(|e| panic!("{e}"))
}

fn read(bundle: &emit::Bundle, path: &str) -> String {
    bundle.file(path).unwrap_or_else(|| panic!("{path} is not rendered")).contents.clone()
}

fn names(envs: &[Env]) -> Vec<&'static str> {
    envs.iter().map(|env| env.name()).collect()
}

const HOSTED: [Env; 4] = [QA, Env::Staging, Env::Production, EU];

#[test]
fn every_environment_has_a_compose_file_and_a_namespace() {
    let bundle = rendered();
    for env in ENVIRONMENTS {
        let compose: ComposeFile = serde_saphyr::from_str(&read(&bundle, &emit::layout::compose_file(env))).unwrap();
        assert!(compose.services.contains_key("api"), "{env}: api runs on Compose");
        let dir = emit::layout::kubernetes_dir(env);
        let namespace: Object = serde_saphyr::from_str(&read(&bundle, &format!("{dir}/namespace.yaml"))).unwrap();
        let Object::Namespace(namespace) = namespace else { panic!("{dir}/namespace.yaml holds a Namespace") };
        assert_eq!(namespace.metadata.name.as_deref(), Some(format!("shop-{env}").as_str()));
        assert!(bundle.file(&format!("{dir}/kustomization.yaml")).is_some(), "{env}: a kustomization");
    }
}

#[test]
fn hosted_platforms_have_one_environment_per_hosted_environment() {
    let bundle = rendered();
    let blueprint: Blueprint = serde_saphyr::from_str(&read(&bundle, emit::layout::RENDER_BLUEPRINT)).unwrap();
    let render: Vec<&str> = blueprint.projects[0].environments.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(render, names(&HOSTED), "local environments stay off Render");
    let program = read(&bundle, emit::layout::RAILWAY_PROGRAM);
    assert!(
        program.contains("// Environments: qa, staging, production, production-eu (development runs locally"),
        "the Railway program covers the hosted environments:\n{program}"
    );
    // Each environment's host is chosen on its name; the last one is the program's fallback.
    for env in &HOSTED[..HOSTED.len() - 1] {
        assert!(program.contains(&format!("ctx.environment === \"{env}\"")), "{env} has its own replicas or host");
    }
}

#[test]
fn each_hosted_environment_is_deployed_in_order_with_production_ones_approved() {
    let bundle = rendered();
    let workflow: Workflow = serde_saphyr::from_str(&read(&bundle, ".github/workflows/deploy.yml")).unwrap();
    let deploys: Vec<&str> = workflow.jobs.keys().filter_map(|id| id.strip_prefix("deploy-")).collect();
    assert_eq!(deploys, names(&HOSTED), "one deploy job per hosted environment, in the project's order");
    for pair in HOSTED.windows(2) {
        let job = &workflow.jobs[&format!("deploy-{}", pair[1])];
        assert_eq!(job.needs, [format!("deploy-{}", pair[0])], "{} waits for {}", pair[1], pair[0]);
        assert_eq!(job.environment.as_ref().map(|e| e.name.as_str()), Some(pair[1].name()));
    }
    let text = read(&bundle, ".github/workflows/deploy.yml");
    assert!(
        text.contains("Add required reviewers to the production, production-eu environments"),
        "both production environments are approved:\n{text}"
    );
}

#[test]
fn environment_names_are_checked() {
    let project = Project::new("shop", [Env::Dev, Env::hosted("QA env"), Env::production("dev")], shop);
    let error = project.validate().unwrap_err();
    let found: Vec<String> = error.problems().iter().map(|p| format!("{}: {}", p.location(), p.message)).collect();
    for expected in [
        "project shop › environment QA env: the environment name \"QA env\" is invalid: it contains 'Q'; only \
         lowercase letters, digits and '-' are allowed",
        // By name: a production environment called dev would overwrite dev's files.
        "project shop: environment dev is listed twice",
    ] {
        assert!(found.iter().any(|f| f == expected), "{expected:?} not in {found:#?}");
    }
}

fn previewed(previews: Previews) -> Project {
    Project::new("shop", [Env::Dev, QA, Env::Production], shop).previews(previews)
}

#[test]
fn render_previews_copy_one_environment_and_say_what_else_they_copy() {
    let valid = previewed(Previews::of(QA).expire_after_days(3)).validate().unwrap_or_else(|e| panic!("{e}"));
    let bundle = emit::render(&valid, &emit::Options::with_root("")).unwrap_or_else(|e| panic!("{e}"));
    let blueprint: Blueprint = serde_saphyr::from_str(&read(&bundle, emit::layout::RENDER_BLUEPRINT)).unwrap();
    let root = blueprint.previews.expect("previews at the Blueprint's root");
    assert_eq!((root.generation.as_str(), root.expire_after_days), ("automatic", Some(3)));
    for environment in &blueprint.projects[0].environments {
        for service in &environment.services {
            let generation = service.previews.as_ref().map(|p| p.generation.as_str());
            let expected = if environment.name == "qa" { None } else { Some("off") };
            assert_eq!(generation, expected, "{} in {}", service.name, environment.name);
        }
    }
    let copied: Vec<String> = bundle
        .warnings()
        .iter()
        .filter(|w| w.target == "render" && w.message.starts_with("pull-request previews copy qa"))
        .map(|w| format!("{} {}", w.env, w.service))
        .collect();
    assert_eq!(copied, ["production postgres"], "production's database has no previews field of its own");
}

#[test]
fn railway_pull_request_environments_get_the_copied_environments_values() {
    let valid = previewed(Previews::of(QA)).validate().unwrap_or_else(|e| panic!("{e}"));
    let bundle = emit::render(&valid, &emit::Options::with_root("")).unwrap_or_else(|e| panic!("{e}"));
    let program = read(&bundle, emit::layout::RAILWAY_PROGRAM);
    assert!(program.contains("// Pull-request previews: turn on PR environments (Project Settings > Environments) with qa as the base environment"), "{program}");
    // Production is named, everything else (qa and each PR environment) takes qa's values.
    assert!(program.contains("(ctx.environment === \"production\" ? 2 : undefined)"), "{program}");
    assert!(!program.contains("ctx.environment === \"qa\""), "{program}");
}

#[test]
fn previews_copy_a_hosted_environment_users_do_not_reach_and_build_from_the_branch() {
    let problems = |project: Project| -> Vec<String> {
        project
            .validate()
            .map(|_| Vec::new())
            .unwrap_or_else(|e| e.problems().iter().map(|p| p.message.clone()).collect())
    };
    assert_eq!(
        problems(previewed(Previews::of(Env::Production))),
        ["previews copy production, which real users reach: every pull request would get its secrets and settings"]
    );
    assert_eq!(
        problems(previewed(Previews::of(Env::Dev))),
        ["previews copy dev, which runs locally; previews are made by hosting platforms"]
    );
    assert_eq!(
        problems(previewed(Previews::of(Env::Staging))),
        ["previews copy environment staging, which the project does not list"]
    );
    let pushed = previewed(Previews::of(QA)).pipeline(Pipeline::new(DeployTarget::Render).registry("ghcr.io/shop"));
    assert_eq!(problems(pushed), ["previews would run qa's images from ghcr.io/shop, not the pull request's code"]);
}
