//! Literal values under secret-looking names, in variables and build arguments, and the opt-out.

use stack_dsl::*;

mod support;
use support::problems;

#[test]
fn secret_looking_variables_build_arguments_and_dsns() {
    let mut stack = Stack::new("shop");
    stack.add_service(
        Service::new("api", Image::build("backend").arg("NPM_TOKEN", "npm_abc").arg("NODE_VERSION", "22"))
            .env("DB_PASS", "hunter2")
            .env("JWT_KEY", "k")
            .env("AWS_SECRET_ACCESS_KEY", "a")
            .env("PGPASSWORD", "p")
            .env("MYSQL_DSN", "shop:hunter2@tcp(db:3306)/shop")
            .env("ACCESS_TOKEN_EXPIRE_MINUTES", "30")
            .env("DB_PASSWORD_FILE", "/run/secrets/db"),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › env DB_PASS: the name looks like a secret but the value is a literal, which every target would write into its files",
            "stack shop (production) › service api › env JWT_KEY: the name looks like a secret but the value is a literal, which every target would write into its files",
            "stack shop (production) › service api › env AWS_SECRET_ACCESS_KEY: the name looks like a secret but the value is a literal, which every target would write into its files",
            "stack shop (production) › service api › env PGPASSWORD: the name looks like a secret but the value is a literal, which every target would write into its files",
            "stack shop (production) › service api › env MYSQL_DSN: the DSN carries a password in plain text",
            "stack shop (production) › service api › build arg NPM_TOKEN: the name looks like a secret but build arguments are written into the pipeline and Compose files and kept in the image's history",
        ]
    );
}

#[test]
fn the_opt_out_is_explicit_and_must_name_something() {
    let mut stack = Stack::new("shop");
    stack.add_service(
        Service::new("web", Image::build("frontend").arg("NEXT_PUBLIC_MAPS_KEY", "pk_public"))
            .env("STRIPE_PUBLISHABLE_KEY", "pk_live_public")
            .not_secret("STRIPE_PUBLISHABLE_KEY")
            .not_secret("NEXT_PUBLIC_MAPS_KEY")
            .not_secret("STRIPE_PUBLISHABLE_KYE"),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service web › not_secret STRIPE_PUBLISHABLE_KYE: the service sets no variable or build argument of that name"
        ]
    );
}

#[test]
fn the_fix_names_the_secret_and_the_opt_out() {
    let mut stack = Stack::new("shop");
    stack.add_service(Service::new("api", Image::new("shop:1")).env("JWT_KEY", "k"));
    let error = stack.validate(Env::Production).unwrap_err();
    let fix = &error.problems()[0].fix;
    assert!(
        fix.contains("stack.add_secret(Secret::new(\"JWT_KEY\"))") && fix.contains(".not_secret(\"JWT_KEY\")"),
        "{fix}"
    );
}
