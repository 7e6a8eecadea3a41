//! The resolved model committed beside the generated files (`model/<env>.json`): it reads back as
//! the validated stack, it names secrets without ever holding a value, and the summary of a stack
//! edit is computed from it.

use emit::model::{Outcome, summarize};
use emit::{Bundle, Options};
use serde_json::Value;
use stack_dsl::{Env, Image, Project, Secret, Service, Stack, looks_secret};

fn render(project: &Project) -> (stack_dsl::ValidProject, Bundle) {
    let valid = project.validate().unwrap_or_else(|e| panic!("stack {} is invalid: {e}", project.name()));
    let bundle = emit::render(&valid, &Options::with_root(""))
        .unwrap_or_else(|e| panic!("{} does not render: {e}", project.name()));
    (valid, bundle)
}

#[test]
fn model_files_read_back_as_the_validated_stacks() {
    for project in stacks::all() {
        let (valid, bundle) = render(&project);
        for stack in valid.stacks() {
            let path = emit::layout::model_file(stack.env());
            let file = bundle.file(&path).unwrap_or_else(|| panic!("{}: no {path}", project.name()));
            let read: Stack = serde_json::from_str(&file.contents).expect("a model file is a stack");
            assert_eq!(&read, &**stack, "{} {path} does not read back as its stack", project.name());
        }
    }
}

#[test]
fn model_files_name_secrets_and_never_hold_a_value() {
    for project in stacks::all() {
        let (_, bundle) = render(&project);
        for file in bundle.files().iter().filter(|f| f.path.starts_with(emit::layout::MODEL_DIR)) {
            let at = format!("{} {}", project.name(), file.path);
            let model: Value = serde_json::from_str(&file.contents).expect("JSON");
            let declared: Vec<&str> = model["secrets"]
                .as_array()
                .expect("a list")
                .iter()
                .map(|secret| {
                    let fields: Vec<&str> = secret.as_object().expect("an object").keys().map(String::as_str).collect();
                    assert_eq!(
                        fields,
                        ["description", "generated", "name", "optional"],
                        "{at}: a secret is a name and how to supply it"
                    );
                    secret["name"].as_str().expect("a name")
                })
                .collect();
            for service in model["services"].as_array().expect("a list") {
                let not_secret: Vec<&Value> = service["not_secret"].as_array().expect("a list").iter().collect();
                for (name, value) in service["env"].as_object().expect("a map") {
                    let name = name.as_str();
                    if let Some(secret) = value.get("secret") {
                        assert!(
                            declared.contains(&secret.as_str().expect("a name")),
                            "{at}: {name} names an undeclared secret"
                        );
                    }
                    if looks_secret(name) && !not_secret.contains(&&Value::from(name)) {
                        assert!(value.get("literal").is_none(), "{at}: {name} holds a literal value: {value}");
                    }
                }
            }
        }
    }
}

/// A shop whose API runs `replicas` copies and whose web server runs `web`, with or without a JWT key.
fn shop(replicas: u32, web: &'static str, jwt: bool) -> Project {
    Project::new("shop", [Env::Dev, Env::Production], move |env| {
        let mut stack = Stack::new("shop");
        let mut api =
            Service::new("api", Image::new("ghcr.io/x/api:2")).replicas(if env.is_production() { replicas } else { 1 });
        if jwt {
            api = api.env("JWT_KEY", stack.add_secret(Secret::new("JWT_KEY")));
        }
        stack.add_service(api);
        stack.add_service(Service::new("web", Image::new(web)));
        stack
    })
}

#[test]
fn a_stack_edit_is_summarised_from_the_model_on_check_and_on_write() {
    let dir = std::env::temp_dir().join(format!("stackwright-model-summary-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (_, before) = render(&shop(2, "ghcr.io/x/web:1.4", false));
    let first = before.write(&dir).expect("written");
    let said: Vec<String> = summarize(&first).iter().map(ToString::to_string).collect();
    assert_eq!(said, ["dev: new environment", "production: new environment"]);

    let (_, after) = render(&shop(3, "ghcr.io/x/web:1.5", true));
    let expected = [
        "dev: api new env JWT_KEY; web image ghcr.io/x/web:1.4 → 1.5; new secret JWT_KEY",
        "production: api replicas 2 → 3; api new env JWT_KEY; web image ghcr.io/x/web:1.4 → 1.5; new secret JWT_KEY",
    ];
    let checked = summarize(&after.check(&dir).expect("checked"));
    assert_eq!(checked.iter().map(ToString::to_string).collect::<Vec<_>>(), expected);
    assert!(matches!(&checked[1].outcome, Outcome::Changed(changes) if changes.len() == 4));
    let written = summarize(&after.write(&dir).expect("written"));
    assert_eq!(written, checked, "write and --check summarise alike");
    assert_eq!(summarize(&after.check(&dir).expect("checked")), [], "nothing left to summarise");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[test]
fn a_model_file_from_another_format_is_said_to_be_unreadable_not_misread() {
    let dir = std::env::temp_dir().join(format!("stackwright-model-unreadable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (_, bundle) = render(&shop(2, "web:1", false));
    bundle.write(&dir).expect("written");
    std::fs::write(dir.join("model/dev.json"), "{\"name\": \"shop\", \"servicez\": []}\n").expect("edited");
    let summary = summarize(&bundle.check(&dir).expect("checked"));
    let [dev] = summary.as_slice() else { panic!("one environment changed: {summary:?}") };
    assert!(matches!(dev.outcome, Outcome::Unreadable(_)), "{dev}");
    assert!(
        dev.to_string().starts_with("dev: the previous model does not read as a stack (unknown field `servicez`"),
        "{dev}"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
