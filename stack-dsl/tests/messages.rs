//! Messages that help: the closest declared name for a typo, and a problem shared by several
//! environments reported once with the environments listed.

use stack_dsl::*;

fn fixes(stack: Stack) -> Vec<String> {
    stack
        .validate(Env::Production)
        .unwrap_err()
        .problems()
        .iter()
        .map(|p| format!("{}: {}", p.location(), p.fix))
        .collect()
}

#[test]
fn typos_get_the_closest_declared_name() {
    let mut other = Stack::new("other");
    let secret = other.add_secret(Secret::new("DB_PASWORD"));
    let volume = other.add_volume(Volume::persistent("pgdat"));
    let network = other.add_network(Network::new("backnd"));
    let stranger = other.reference("zzz");
    let mut stack = Stack::new("shop");
    stack.add_secret(Secret::new("DB_PASSWORD"));
    stack.add_volume(Volume::persistent("pgdata"));
    stack.add_network(Network::new("backend"));
    stack.add_service(
        Service::new("api", Image::new("shop:1"))
            .env("POSTGRES_PASSWORD", &secret)
            .mount(Mount::volume(&volume, "/data"))
            .network(&network)
            .depends_on(&stranger, Ready::Started),
    );
    assert_eq!(
        fixes(stack),
        [
            "stack shop (production) › service api › env POSTGRES_PASSWORD: Did you mean `DB_PASSWORD`? Otherwise, declare it with stack.add_secret(Secret::new(\"DB_PASWORD\")) and use the returned reference",
            "stack shop (production) › service api › mount /data: Did you mean `pgdata`? Otherwise, declare it with stack.add_volume(Volume::persistent(\"pgdat\"))",
            "stack shop (production) › service api › network backnd: Did you mean `backend`? Otherwise, declare it with stack.add_network(Network::new(\"backnd\"))",
            "stack shop (production) › service api › depends_on zzz: Add a service named \"zzz\", or refer to one that exists",
        ]
    );
}

#[test]
fn a_problem_in_several_environments_is_reported_once() {
    let project = Project::new("shop", Env::ALL, |env| {
        let mut stack = Stack::new("shop");
        stack.add_service(
            Service::new("api", Image::new("shop:1")).replicas(if env.is_dev() { 1 } else { 0 }).env("JWT_KEY", "k"),
        );
        stack
    });
    let error = project.validate().unwrap_err();
    let found: Vec<String> = error.problems().iter().map(|p| format!("{}: {}", p.location(), p.message)).collect();
    assert_eq!(
        found,
        [
            "stack shop (dev, staging, production) › service api › env JWT_KEY: the name looks like a secret but the value is a literal, which every target would write into its files",
            "stack shop (staging, production) › service api › replicas: the service runs 0 replicas",
        ]
    );
}
