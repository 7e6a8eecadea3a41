//! Names chosen to collide once a target derives its own identifiers from them (`web-1` and
//! `web1`, TypeScript reserved words, a volume and a service of one name): every target renders
//! every service, each under a name of its own.

use emit::compose::model::ComposeFile;
use emit::render_blueprint::model::Blueprint;
use stack_dsl::{Env, Image, Mount, Port, Project, Route, Service, Stack, Volume};

const SERVICES: [&str; 6] = ["web-1", "web1", "new", "default", "delete", "data"];

fn project() -> Project {
    Project::new("clash", [Env::Dev, Env::Production], |env| {
        let mut stack = Stack::new("clash");
        let data = stack.add_volume(Volume::persistent("data"));
        for (i, name) in SERVICES.into_iter().enumerate() {
            let port = 8000 + i as u16;
            let mut service = Service::new(name, Image::new("nginx:1.27-alpine")).port(Port::http(port));
            if name == "data" {
                service = service.mount(Mount::volume(&data, "/data"));
            }
            if name == "web-1" && env.is_production() {
                service = service.route(Route::new("clash.example.com").tls());
            }
            stack.add_service(service);
        }
        stack
    })
}

/// `const <constant> = <function>("<name>"` lines of the Railway program.
fn railway_constants(program: &str) -> Vec<(String, String, String)> {
    program
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("const "))
        .filter_map(|rest| {
            let (constant, call) = rest.split_once(" = ")?;
            let (function, args) = call.split_once("(\"")?;
            let (name, _) = args.split_once('"')?;
            Some((constant.to_string(), function.to_string(), name.to_string()))
        })
        .collect()
}

#[test]
fn every_target_keeps_every_colliding_name_apart() {
    let valid = project().validate().expect("valid");
    let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("every target renders");

    let compose = &bundle.file(&emit::layout::compose_file(Env::Production)).expect("compose").contents;
    let compose: ComposeFile = serde_saphyr::from_str(compose).expect("parses");
    for name in SERVICES {
        assert!(compose.services.contains_key(name), "compose lost {name}");
    }

    for name in SERVICES {
        let manifest = format!("{}/{name}.yaml", emit::layout::kubernetes_dir(Env::Production));
        assert!(bundle.file(&manifest).is_some(), "kubernetes lost {name}");
    }

    let blueprint = &bundle.file(emit::layout::RENDER_BLUEPRINT).expect("render.yaml").contents;
    let blueprint: Blueprint = serde_saphyr::from_str(blueprint).expect("parses");
    let names: Vec<&str> = blueprint.projects[0].environments[0].services.iter().map(|s| s.name.as_str()).collect();
    for name in SERVICES {
        assert_eq!(names.iter().filter(|n| **n == format!("clash-production-{name}")).count(), 1, "render: {name}");
    }

    let program = &bundle.file(emit::layout::RAILWAY_PROGRAM).expect("railway.ts").contents;
    let constants = railway_constants(program);
    for name in SERVICES {
        assert!(
            constants.iter().any(|(_, function, n)| function == "service" && n == name),
            "railway lost service {name}:\n{program}"
        );
    }
    assert!(constants.iter().any(|(_, function, n)| function == "volume" && n == "data"), "railway lost the volume");
    let mut seen = std::collections::HashSet::new();
    for (constant, _, _) in &constants {
        assert!(seen.insert(constant.as_str()), "constant {constant} is declared twice:\n{program}");
        assert!(!["new", "default", "delete"].contains(&constant.as_str()), "{constant} is a reserved word");
        assert!(program.contains(&format!("      {constant},\n")), "{constant} is not in the project's resources");
    }
}

/// Render names an environment group after the services sharing it; member names joined with
/// `-` can repeat, and two groups must still not share a name.
#[test]
fn render_environment_groups_keep_distinct_names() {
    use emit::render_blueprint::model::EnvVar;
    let project = Project::new("clash", [Env::Production], |_| {
        let mut stack = Stack::new("clash");
        for (name, key) in [("api-web", "FIRST"), ("worker", "FIRST"), ("api", "SECOND"), ("web-worker", "SECOND")] {
            stack.add_service(Service::new(name, Image::new("app:1")).env(key, "shared"));
        }
        stack
    });
    let valid = project.validate().expect("valid");
    let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
    let blueprint: Blueprint =
        serde_saphyr::from_str(&bundle.file(emit::layout::RENDER_BLUEPRINT).expect("render.yaml").contents)
            .expect("parses");
    let environment = &blueprint.projects[0].environments[0];
    let groups: Vec<&str> = environment.env_var_groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert_ne!(groups[0], groups[1], "two groups share a name");
    for service in &environment.services {
        let key = if ["clash-production-api-web", "clash-production-worker"].contains(&service.name.as_str()) {
            "FIRST"
        } else {
            "SECOND"
        };
        let has = service.env_vars.iter().any(|v| match v {
            EnvVar::Group { from_group } => environment
                .env_var_groups
                .iter()
                .any(|g| &g.name == from_group && g.env_vars.iter().any(|v| v.key() == Some(key))),
            _ => false,
        });
        assert!(has, "{} does not receive {key} from its group", service.name);
    }
}
