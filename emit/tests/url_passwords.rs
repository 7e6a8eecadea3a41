//! A password Compose and Kubernetes paste into a connection URL unencoded is flagged where the
//! user supplies it: the Compose env example and the kustomization's prerequisites.

use stack_dsl::*;

fn project() -> Project {
    Project::new("shop", [Env::Production], |_| {
        let mut stack = Stack::new("shop");
        let password = stack.add_secret(Secret::new("DB_PASSWORD").describe("Password of the shop user."));
        let token = stack.add_secret(Secret::new("API_TOKEN").describe("Token of the payment API."));
        let db = stack.add_service(
            Service::new("db", Image::new("postgres:16-alpine"))
                .port(Port::tcp(5432))
                .env("POSTGRES_PASSWORD", &password)
                .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
        );
        stack.add_service(
            Service::new("api", Image::new("shop:1"))
                .port(Port::http(80))
                .env("DATABASE_URL", db.database_url())
                .env("API_TOKEN", &token),
        );
        stack
    })
}

/// The comment line right above `NAME=` in an env example.
fn description<'a>(example: &'a str, name: &str) -> &'a str {
    let lines: Vec<&str> = example.lines().collect();
    let at = lines.iter().position(|l| l.starts_with(&format!("{name}="))).unwrap();
    lines[at - 1]
}

#[test]
fn passwords_inside_urls_are_flagged_where_they_are_supplied() {
    assert_eq!(secrets_inside_urls(&project().stack(Env::Production)), ["DB_PASSWORD"]);
    let bundle = emit::render(&project().validate().unwrap(), &emit::Options::with_root("")).unwrap();
    let example = &bundle.file("compose/production.env.example").unwrap().contents;
    assert!(description(example, "DB_PASSWORD").contains(URL_SAFE_PASSWORD), "{example}");
    assert!(!description(example, "API_TOKEN").contains(URL_SAFE_PASSWORD), "{example}");
    #[cfg(feature = "kubernetes")]
    {
        let kustomization = &bundle.file("kubernetes/production/kustomization.yaml").unwrap().contents;
        let notes: Vec<&str> = kustomization.lines().filter_map(|l| l.strip_prefix("# ")).collect();
        assert!(
            notes.contains(&format!("The value of the Secret key DB_PASSWORD {URL_SAFE_PASSWORD}").as_str()),
            "{kustomization}"
        );
        assert!(!kustomization.contains("Secret key API_TOKEN "));
    }
}
