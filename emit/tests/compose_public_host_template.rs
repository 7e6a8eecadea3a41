//! The environment file template of a Compose stack whose route host is a placeholder: the host
//! needs PUBLIC_HOST_<SERVICE> in its file (every `docker compose` command interpolates each
//! `${VAR:?}`), and the template says the deploy workflow hands it over only where the pipeline
//! deploys the Compose files over SSH.

use stack_dsl::*;

fn template(target: DeployTarget) -> String {
    let project = Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let web = stack.reference("web");
        stack.add_service(
            Service::new("api", Image::new("ghcr.io/shop/api:1"))
                .port(Port::http(8000))
                .env("CORS_ORIGINS", web.public_url()),
        );
        stack.add_service(
            Service::new("web", Image::new("ghcr.io/shop/web:1"))
                .port(Port::http(3000))
                .route(Route::new("shop.example.com").tls()),
        );
        stack
    })
    .pipeline(Pipeline::new(target).registry("ghcr.io/shop"))
    .validate()
    .expect("valid");
    let bundle = emit::compose::render(&project, &emit::Options::with_root("")).unwrap();
    let file = bundle.files().iter().find(|f| f.path.ends_with("production.env.example")).expect("the template");
    let lines: Vec<&str> = file.contents.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("PUBLIC_HOST_WEB=")).expect("PUBLIC_HOST_WEB");
    lines[at - 1].to_string()
}

#[test]
fn the_template_asks_for_the_host_and_names_the_workflow_only_where_it_deploys_compose() {
    let over_ssh = template(DeployTarget::ComposeOverSsh);
    assert!(over_ssh.contains("fill it in") && over_ssh.contains("PUBLIC_HOST_WEB_PRODUCTION"), "{over_ssh}");
    assert!(over_ssh.contains("deploy workflow"), "{over_ssh}");
    let railway = template(DeployTarget::Railway);
    assert!(railway.contains("fill it in") && railway.contains("PUBLIC_HOST_WEB_PRODUCTION"), "{railway}");
    assert!(!railway.contains("workflow"), "{railway}");
}
