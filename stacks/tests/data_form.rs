//! Each team stack as data: written out as a JSON (and a YAML) stack file, loaded back, it
//! renders the same bytes as its Rust form; and an invalid stack file gets the Rust form's
//! problems, every one at once.

use std::path::Path;

use emit::Options;
use stack_dsl::{Env, Image, Project, ProjectData, Service, Stack};

fn render(project: &Project) -> emit::Bundle {
    let valid = project.validate().unwrap_or_else(|e| panic!("stack {} is invalid: {e}", project.name()));
    let options = Options::for_output_dir(&Path::new("golden").join(project.name())).expect("a relative directory");
    emit::render(&valid, &options).unwrap_or_else(|e| panic!("stack {} does not render: {e}", project.name()))
}

#[test]
fn every_team_stack_renders_the_same_from_its_json_file() {
    for project in stacks::all() {
        let json = project.to_data().to_json().expect("the model serialises");
        let loaded = Project::from_json(&format!("{}.json", project.name()), &json)
            .unwrap_or_else(|e| panic!("{}'s JSON form does not load: {e}", project.name()));
        assert_eq!(loaded.to_data(), project.to_data(), "{}: the JSON form loses something", project.name());
        assert_eq!(render(&loaded), render(&project), "{}: the JSON form renders differently", project.name());
    }
}

#[test]
fn every_team_stack_renders_the_same_from_its_yaml_file() {
    for project in stacks::all() {
        let yaml = serde_saphyr::to_string(&project.to_data()).expect("the model serialises as YAML");
        let loaded = Project::load(&format!("{}.yaml", project.name()), serde_saphyr::from_str::<ProjectData>(&yaml))
            .unwrap_or_else(|e| panic!("{}'s YAML form does not load: {e}", project.name()));
        assert_eq!(render(&loaded), render(&project), "{}: the YAML form renders differently", project.name());
    }
}

/// Two mistakes: a dependency on a service that does not exist, and a stack named unlike its project.
fn broken(env: Env) -> Stack {
    let mut stack = Stack::new(if env.is_production() { "other" } else { "shop" });
    let ghost = stack.reference("ghost");
    stack.add_service(
        Service::new("web", Image::new("nginx:1.27-alpine")).depends_on(&ghost, stack_dsl::Ready::Started),
    );
    stack
}

#[test]
fn a_stack_file_reports_the_same_problems_as_the_rust_form() {
    let rust = Project::new("shop", [Env::Dev, Env::Production], broken);
    let json = rust.to_data().to_json().expect("the model serialises");
    let from_file = Project::from_json("shop.json", &json).expect("well-formed");
    let (expected, found) = (rust.validate().unwrap_err(), from_file.validate().unwrap_err());
    assert!(expected.problems().len() >= 2, "the fixture has two mistakes: {expected}");
    assert_eq!(found.problems(), expected.problems());
}

#[test]
fn a_malformed_stack_file_names_the_file_and_the_place() {
    let json = r#"{ "name": "shop", "environments": { "dev": { "name": "shop", "services": [{ "name": "web", "replica": 2 }] } } }"#;
    let error = Project::from_json("shop.json", json).err().expect("a typo is an error");
    let [problem] = error.problems() else { panic!("one problem: {error}") };
    assert_eq!(problem.path, ["stack file shop.json"]);
    assert!(
        problem.message.contains("unknown field `replica`") && problem.message.contains("line 1"),
        "{}",
        problem.message
    );
    assert!(problem.fix.contains("stack.schema.json"), "{}", problem.fix);
}

#[test]
fn the_readme_stack_file_loads_validates_and_renders() {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("## Stacks as data").expect("the README shows a stack file")..];
    let start = section.find("```yaml\n").expect("a YAML block") + "```yaml\n".len();
    let yaml = &section[start..start + section[start..].find("```").expect("the block ends")];
    let path = std::env::temp_dir().join(format!("stackwright-readme-{}.yaml", std::process::id()));
    std::fs::write(&path, yaml).expect("written");
    let project = emit::stack_file::read(&path).unwrap_or_else(|e| panic!("the README's stack file: {e}"));
    std::fs::remove_file(&path).expect("cleaned up");
    let bundle = render(&project);
    let compose = bundle.file("compose/compose.dev.yaml").expect("a Compose file for dev");
    assert!(compose.contents.contains("127.0.0.1:8080:80"), "{}", compose.contents);
}
