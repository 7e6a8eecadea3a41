//! Text that would inject code or lines into generated files is refused.

use stack_dsl::*;

mod support;
use support::problems;

#[test]
fn expressions_in_ci_checks_and_line_breaks_in_descriptions() {
    let mut stack = Stack::new("shop");
    stack.add_secret(Secret::new("DB_PASSWORD").describe("Password.\nservices:\n  evil: {}"));
    stack.add_service(
        Service::new("api", Image::build("backend"))
            .check(CiCheck::new("greet", "echo \"${{ github.event.pull_request.title }}\""))
            .check(CiCheck::new("lint", "npm run lint\nnpm test")),
    );
    assert_eq!(
        problems(stack),
        [
            "stack shop (production) › service api › check greet: the check contains `${{`, which GitHub Actions evaluates as an expression before the shell runs, so text from a pull request could run as code",
            "stack shop (production) › secret DB_PASSWORD: the description has a line break or control character, which would start a new line in the generated files",
        ]
    );
}

#[test]
fn a_regenerate_command_is_one_plain_line() {
    let project = Project::new("shop", [Env::Dev], |_| {
        let mut stack = Stack::new("shop");
        stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")));
        stack
    })
    .regenerate_with("cargo run\nservices: {}");
    let error = project.validate().unwrap_err();
    let found: Vec<String> = error.problems().iter().map(|p| format!("{}: {}", p.location(), p.message)).collect();
    assert_eq!(
        found,
        [
            "project shop › regenerate_with: the command has a line break or control character; it is written into a comment line of every generated file"
        ]
    );
}

#[test]
fn a_regenerate_command_holds_no_github_expression() {
    let project = Project::new("shop", [Env::Dev], |_| {
        let mut stack = Stack::new("shop");
        stack.add_service(Service::new("web", Image::new("nginx:1.27-alpine")));
        stack
    })
    .regenerate_with("cargo run --example ${{ github.head_ref }}");
    let error = project.validate().unwrap_err();
    assert_eq!(
        error.problems()[0].message,
        "the command contains `${{`, which GitHub Actions would evaluate as an expression in the CI workflow that runs it"
    );
}
