//! A job running a database engine's own image (`pg_dump` from `postgres:16-alpine`) is a client
//! of the platform's managed database, and PostgreSQL's client tools refuse a newer server: on
//! every platform, such a client runs the major the managed database runs
//! (`emit::facts::platforms::Platform::managed_major`), read from the rendered Railway program
//! and the committed Render Blueprint.

use std::path::Path;

use emit::facts::platforms::{RAILWAY, RENDER};
use emit::render_blueprint::model::Blueprint;
use stack_dsl::{Image, Run};

/// The major of an image tag such as `16-alpine`.
fn major(reference: &str) -> Option<u16> {
    let (_, tag) = reference.rsplit_once(':')?;
    tag.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

#[test]
fn clients_of_a_managed_database_run_its_major() {
    let mut checked = 0;
    for project in stacks::all() {
        let valid = project.validate().expect("valid stack");
        let bundle = emit::render(&valid, &emit::Options::with_root("")).expect("renders");
        let program = &bundle.file(emit::layout::RAILWAY_PROGRAM).expect("a Railway program").contents;
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden").join(project.name()).join("render.yaml");
        let blueprint: Blueprint =
            serde_saphyr::from_str(&std::fs::read_to_string(path).expect("render.yaml")).expect("parses");
        for stack in valid.stacks().iter().filter(|s| s.env().is_hosted()) {
            for database in stack.services().filter(|s| s.datastore.is_some() && s.run == Run::Continuously) {
                let engine = database.datastore.as_ref().expect("a datastore").engine;
                let Image::Registry(own) = &database.image else { continue };
                let repository = own.rsplit_once(':').map_or(own.as_str(), |(r, _)| r);
                let clients = stack.services().filter(|s| {
                    s.name != database.name
                        && matches!(&s.image, Image::Registry(r) if r.rsplit_once(':').is_some_and(|(r, _)| r == repository))
                });
                for client in clients {
                    if RAILWAY.manages(engine) {
                        let managed = RAILWAY.managed_major(engine).expect("Railway's template major");
                        let at = program.find(&format!("= service(\"{}\"", client.name)).expect("in the program");
                        let end = program[at..].find("\n  });\n").expect("the end of the call");
                        let source = &program[at..at + end];
                        let image =
                            source.split("image(\"").nth(1).and_then(|r| r.split('"').next()).expect("an image");
                        assert_eq!(major(image), Some(managed), "{} {} on Railway: {image}", stack.name, client.name);
                        checked += 1;
                    }
                    if RENDER.manages(engine) {
                        let managed = RENDER.managed_major(engine).or(match engine {
                            stack_dsl::Engine::Postgres { major } => Some(major),
                            _ => None,
                        });
                        let name = format!("{}-{}-{}", stack.name, stack.env(), client.name);
                        let environment =
                            blueprint.projects[0].environments.iter().find(|e| e.name == stack.env().name());
                        let service = environment.and_then(|e| e.services.iter().find(|s| s.name == name));
                        if let (Some(service), Some(managed)) = (service, managed) {
                            let image = &service.image.as_ref().expect("an image").url;
                            assert_eq!(major(image), Some(managed), "{name} on Render: {image}");
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 2, "only {checked} clients checked");
}
