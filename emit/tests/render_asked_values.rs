//! Render asks for each `sync: false` variable once where it is declared; an environment group
//! holds one value for all its members. Two services asking for the same key with different
//! meanings (each its own secret) must not share one group value, and the header says, for each
//! value, where it is entered and what it is.

use emit::render_blueprint::model::{Blueprint, EnvVar};
use stack_dsl::*;

fn project() -> ValidProject {
    Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let stripe = stack.add_secret(Secret::new("STRIPE_KEY").describe("Stripe secret key (Developers › API keys)."));
        let mailgun = stack.add_secret(Secret::new("MAILGUN_KEY").describe("Mailgun sending key."));
        stack.add_service(
            Service::new("api", Image::new("ghcr.io/shop/api:1")).env("API_KEY", &stripe).env("LOG", "info"),
        );
        stack.add_service(
            Service::new("mailer", Image::new("ghcr.io/shop/mailer:1")).env("API_KEY", &mailgun).env("LOG", "info"),
        );
        stack
    })
    .validate()
    .expect("valid")
}

#[test]
fn a_key_asked_for_with_two_meanings_is_two_values() {
    let bundle = emit::render_blueprint::render(&project(), &emit::Options::with_root("")).unwrap();
    let file = bundle.files().iter().find(|f| f.path.ends_with("render.yaml")).expect("render.yaml");
    let blueprint: Blueprint = serde_saphyr::from_str(&file.contents).expect("a Blueprint");
    let environment = &blueprint.projects[0].environments[0];
    // The literal both set alike is grouped; neither API_KEY is.
    for group in &environment.env_var_groups {
        assert!(!group.env_vars.iter().any(|v| v.key() == Some("API_KEY")), "{group:?}");
    }
    for service in ["shop-production-api", "shop-production-mailer"] {
        let out = environment.services.iter().find(|s| s.name == service).expect("the service");
        assert!(out.env_vars.iter().any(|v| matches!(v, EnvVar::Prompted { key, .. } if key == "API_KEY")), "{out:?}");
    }
    let header: Vec<&str> = file.contents.lines().take_while(|l| l.starts_with('#')).collect();
    let line = |service: &str| header.iter().find(|l| l.contains(&format!("API_KEY in service {service}: "))).copied();
    assert!(line("shop-production-api").is_some_and(|l| l.contains("Stripe secret key")), "{header:#?}");
    assert!(line("shop-production-mailer").is_some_and(|l| l.contains("Mailgun sending key")), "{header:#?}");
}
