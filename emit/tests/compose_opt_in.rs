//! An agent whose image exits without its optional key starts only with its profile
//! (<https://docs.docker.com/compose/how-tos/profiles/>); a service waiting for it would make
//! `up` refuse the whole file, so rendering such a stack is an error naming both.

use stack_dsl::*;

fn project(dependent: bool) -> Project {
    Project::new("shop", [Env::Production], move |_| {
        let mut stack = Stack::new("shop");
        let key = stack.add_secret(Secret::new("DATADOG_API_KEY").optional());
        let agent = stack.add_service(Service::new("datadog", Image::new("datadog/agent:7")).env("DD_API_KEY", &key));
        let mut api = Service::new("api", Image::new("ghcr.io/shop/api:1"));
        if dependent {
            api = api.depends_on(&agent, Ready::Started);
        }
        stack.add_service(api);
        stack
    })
}

#[test]
fn a_service_cannot_wait_for_an_agent_behind_a_profile() {
    let options = emit::Options::with_root("");
    let bundle = emit::compose::render(&project(false).validate().unwrap(), &options).expect("renders");
    let text = &bundle.file("compose/compose.production.yaml").unwrap().contents;
    let file: emit::compose::model::ComposeFile = serde_saphyr::from_str(text).unwrap();
    assert_eq!(file.services["datadog"].profiles, ["datadog"]);
    assert!(file.services["api"].profiles.is_empty());

    let error = emit::compose::render(&project(true).validate().unwrap(), &options).expect_err("api waits for datadog");
    let message = error.to_string();
    assert!(message.contains("api") && message.contains("datadog"), "{message}");
}
