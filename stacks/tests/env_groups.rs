//! A named group of variables used by an API and its worker lands as each target's idiom, and
//! every member still gets every variable with the same meaning: read back from the parsed
//! Compose file, Kubernetes objects and Render Blueprint, and from the Railway program's lines.

use emit::compose::model::ComposeFile;
use emit::kubernetes::Object;
use emit::render_blueprint::model::{Blueprint, EnvVar};
use k8s_openapi::api::core::v1::Container;
use stack_dsl::{Datastore, Env, EnvGroup, Image, Port, Project, Secret, Service, Stack, ValidProject};

fn project(log_level: &'static str) -> ValidProject {
    Project::new("shop", [Env::Dev, Env::Production], move |_| {
        let mut stack = Stack::new("shop");
        let session = stack.add_secret(Secret::new("SESSION_KEY"));
        let redis = stack.add_service(
            Service::new("redis", Image::new("redis:7-alpine")).port(Port::tcp(6379)).datastore(Datastore::redis(7)),
        );
        let app = stack.add_env_group(
            EnvGroup::new("app")
                .env("LOG_LEVEL", log_level)
                .env("SESSION_KEY", &session)
                .env("REDIS_URL", redis.url().path("/0")),
        );
        stack.add_service(Service::new("api", Image::new("shop:1.2")).port(Port::http(8000)).env_group(&app));
        stack.add_service(
            Service::new("worker", Image::new("shop:1.2"))
                .command(["shop", "work"])
                .env_group(&app)
                .env("QUEUE", "mail"),
        );
        stack
    })
    .validate()
    .expect("valid")
}

fn render(project: &ValidProject) -> emit::Bundle {
    emit::render(project, &emit::Options::with_root("")).expect("renders")
}

/// Compose repeats the group's variables in each member: the same values in both.
#[test]
fn compose_repeats_the_group_in_each_member() {
    let bundle = render(&project("info"));
    let file: ComposeFile =
        serde_saphyr::from_str(&bundle.file("compose/compose.dev.yaml").expect("compose").contents).expect("parses");
    let env = |service: &str| file.services[service].environment.clone();
    for key in ["LOG_LEVEL", "SESSION_KEY", "REDIS_URL"] {
        assert_eq!(env("api").get(key), env("worker").get(key), "{key}");
        assert!(env("api").contains_key(key), "{key}");
    }
    assert_eq!(env("api")["LOG_LEVEL"], "info");
    assert_eq!(env("worker")["QUEUE"], "mail");
    assert!(!env("api").contains_key("QUEUE"));
}

fn kubernetes(bundle: &emit::Bundle) -> Vec<Object> {
    ["env-groups.yaml", "api.yaml", "worker.yaml"]
        .iter()
        .flat_map(|file| {
            let path = format!("kubernetes/production/{file}");
            let text = bundle.file(&path).unwrap_or_else(|| panic!("{path}")).contents.clone();
            text.split("\n---\n")
                .map(|doc| serde_saphyr::from_str::<Object>(doc).expect("an object"))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn container<'a>(objects: &'a [Object], name: &str) -> &'a Container {
    objects
        .iter()
        .find_map(|o| match o {
            Object::Deployment(d) if d.metadata.name.as_deref() == Some(name) => {
                d.spec.as_ref().and_then(|s| s.template.spec.as_ref()).map(|p| &p.containers[0])
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no Deployment {name}"))
}

fn config_map_of(container: &Container) -> String {
    let sources = container.env_from.as_deref().expect("envFrom");
    assert_eq!(sources.len(), 1);
    sources[0].config_map_ref.as_ref().expect("a ConfigMap").name.clone()
}

/// Kubernetes: the plain values in one ConfigMap both members read with `envFrom`; the secret
/// stays a `secretKeyRef` of each; a changed value is a new ConfigMap, which rolls both.
#[test]
fn kubernetes_reads_the_group_from_one_config_map() {
    let objects = kubernetes(&render(&project("info")));
    let (api, worker) = (container(&objects, "api"), container(&objects, "worker"));
    let name = config_map_of(api);
    assert_eq!(config_map_of(worker), name);
    let data = objects
        .iter()
        .find_map(|o| match o {
            Object::ConfigMap(map) if map.metadata.name.as_deref() == Some(&name) => map.data.clone(),
            _ => None,
        })
        .expect("the ConfigMap is applied");
    assert_eq!(data.get("LOG_LEVEL").map(String::as_str), Some("info"));
    assert_eq!(data.get("REDIS_URL").map(String::as_str), Some("redis://redis:6379/0"));
    assert!(!data.contains_key("SESSION_KEY"), "a secret never goes in a ConfigMap");
    for member in [api, worker] {
        let env = member.env.as_deref().unwrap_or_default();
        let session = env.iter().find(|v| v.name == "SESSION_KEY").expect("the secret");
        let key = session.value_from.as_ref().and_then(|f| f.secret_key_ref.as_ref()).map(|r| r.key.as_str());
        assert_eq!(key, Some("SESSION_KEY"));
        assert!(!env.iter().any(|v| v.name == "LOG_LEVEL" || v.name == "REDIS_URL"), "set once, in the ConfigMap");
    }
    assert!(worker.env.as_deref().unwrap_or_default().iter().any(|v| v.name == "QUEUE"));

    let changed = kubernetes(&render(&project("debug")));
    let renamed = config_map_of(container(&changed, "api"));
    assert_ne!(renamed, name, "a changed value must roll the members");
    assert_eq!(config_map_of(container(&changed, "worker")), renamed);
}

/// Render: an environment group named after the stack's group holds the value and the prompted
/// secret; the Key Value reference, which a group cannot hold, stays on each member.
#[test]
fn render_spells_the_group_as_an_environment_group() {
    let bundle = render(&project("info"));
    let blueprint: Blueprint =
        serde_saphyr::from_str(&bundle.file("render.yaml").expect("render.yaml").contents).expect("a Blueprint");
    let environment = &blueprint.projects[0].environments[0];
    let group = environment.env_var_groups.iter().find(|g| g.name == "shop-production-app").expect("the group");
    let keys: Vec<&str> = group.env_vars.iter().filter_map(EnvVar::key).collect();
    assert_eq!(keys, ["LOG_LEVEL", "SESSION_KEY"]);
    assert!(group.env_vars.contains(&EnvVar::Prompted { key: "SESSION_KEY".into(), sync: false }));
    for member in ["api", "worker"] {
        let service =
            environment.services.iter().find(|s| s.name == format!("shop-production-{member}")).expect("member");
        assert!(service.env_vars.contains(&EnvVar::Group { from_group: group.name.clone() }), "{member}");
        let redis = service.env_vars.iter().find(|v| v.key() == Some("REDIS_URL"));
        assert!(matches!(redis, Some(EnvVar::Service { .. })), "{member}: {redis:?}");
        assert!(!service.env_vars.iter().any(|v| v.key() == Some("LOG_LEVEL")), "{member}: set once, in the group");
    }
}

/// Railway: the group's secret is a shared variable, one value for both members.
#[test]
fn railway_shares_the_groups_secret() {
    let bundle = render(&project("info"));
    let program = &bundle.file(".railway/railway.ts").expect("railway.ts").contents;
    assert_eq!(program.matches("SESSION_KEY: ctx.shared.SESSION_KEY").count(), 2, "{program}");
    assert_eq!(program.matches("LOG_LEVEL: \"info\"").count(), 2, "{program}");
}
