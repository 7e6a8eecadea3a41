//! When several targets cannot render a stack, the error lists every one of them.
#![cfg(feature = "kubernetes")]

use stack_dsl::*;

#[test]
fn the_errors_of_every_target_are_reported() {
    let project = Project::new("shop", [Env::Staging, Env::Production], |_| {
        let mut stack = Stack::new("shop");
        // Render runs a job as a pre-deploy command, which needs a command.
        let migrate = stack.add_service(Service::job("migrate", Image::new("shop:1")));
        // Kubernetes expands the password in the URL as $(DBPW), which the service redefines.
        let password = stack.add_secret(Secret::new("DBPW"));
        let db = stack.add_service(
            Service::new("db", Image::new("postgres:16-alpine"))
                .port(Port::tcp(5432))
                .datastore(Datastore::postgres(16).user("shop").database("shop").password(&password)),
        );
        stack.add_service(
            Service::new("api", Image::new("shop:1"))
                .port(Port::http(80))
                .env("DATABASE_URL", db.database_url())
                .env("DBPW", db.host())
                .depends_on(&migrate, Ready::Completed),
        );
        stack
    });
    let error = emit::render(&project.validate().unwrap(), &emit::Options::with_root("")).unwrap_err();
    let emit::Error::Targets(errors) = &error else { panic!("expected the errors of several targets: {error}") };
    let targets: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            emit::Error::Unsupported { target, .. } => *target,
            other => panic!("unexpected error {other}"),
        })
        .collect();
    assert_eq!(targets, ["kubernetes", "render"]);
    assert!(error.to_string().starts_with("2 targets cannot render:\n  - Unable to render kubernetes"), "{error}");
}
