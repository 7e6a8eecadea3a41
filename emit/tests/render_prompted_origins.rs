//! What the Render Blueprint tells the team to enter for each variable it asks for when a
//! route's host is a placeholder, read back and checked the way the framework reads it: Django
//! admits the host in ALLOWED_HOSTS (the custom domain and the `.onrender.com` host Render
//! reaches the service by), and django-cors-headers takes an origin, a scheme and a host.

use emit::facts::frameworks::list_admits;
use stack_dsl::*;

fn project() -> ValidProject {
    Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let backend = stack.reference("backend");
        stack.add_service(
            Service::new("backend", Image::new("ghcr.io/shop/backend:1"))
                .framework(Framework::Django)
                .port(Port::http(8000))
                .route(Route::new("shop.example.com").tls())
                .env("ALLOWED_HOSTS", backend.public_host())
                .env("CORS_ALLOWED_ORIGINS", backend.public_url()),
        );
        stack
    })
    .validate()
    .expect("valid")
}

/// The value the header says to enter for `key`, with the custom domain the team added.
fn entered(header: &str, key: &str, domain: &str) -> String {
    let asked = format!("{key} in service shop-production-backend = ");
    let line = header.lines().find(|l| l.contains(&asked)).unwrap_or_else(|| panic!("no line for {key} in:\n{header}"));
    let line = line.replace("<backend's custom domain>", domain);
    line.split(&asked).nth(1).unwrap().split(' ').next().unwrap().to_string()
}

#[test]
fn each_prompted_value_is_spelled_as_its_variable_reads_it() {
    let bundle = emit::render_blueprint::render(&project(), &emit::Options::with_root("")).unwrap();
    let file = bundle.files().iter().find(|f| f.path.ends_with("render.yaml")).expect("render.yaml");
    let header: String = file.contents.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n");
    let hosts = entered(&header, "ALLOWED_HOSTS", "shop.acme.io");
    assert!(list_admits(&hosts, "shop.acme.io"), "{hosts}");
    assert!(list_admits(&hosts, "shop-production-backend.onrender.com"), "{hosts}");
    assert_eq!(entered(&header, "CORS_ALLOWED_ORIGINS", "shop.acme.io"), "https://shop.acme.io");
    assert!(!header.contains("<that domain>"), "{header}");
    assert!(header.contains("secrets and values Render asks for"), "{header}");
}
