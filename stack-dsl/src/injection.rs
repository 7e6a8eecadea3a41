//! Text that would change the meaning of the files it is written into: a GitHub Actions
//! expression in a CI check, or a line break in text that lands in a generated comment.
//!
//! - GitHub evaluates `${{ … }}` in `run:` before the shell sees the script, so a value such as a
//!   pull request title becomes code:
//!   <https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections>.
//! - Secret descriptions and the regenerate command are written as `#` / `//` comment lines; a
//!   line break in them would start a line of YAML or TypeScript of the user's making.

use crate::problem::Problem;
use crate::service::Service;
use crate::stack::Stack;

const EXPRESSION: &str = "${{";

/// The CI checks of a service that GitHub would evaluate as expressions; `at` is its location.
pub(crate) fn service_problems(at: &[String], service: &Service) -> Vec<Problem> {
    let mut found = Vec::new();
    for check in &service.checks {
        if check.run.contains(EXPRESSION) || check.name.contains(EXPRESSION) {
            let mut path = at.to_vec();
            path.push(format!("check {}", check.name));
            found.push(Problem {
                path,
                message: "the check contains `${{`, which GitHub Actions evaluates as an expression before the shell runs, \
                          so text from a pull request could run as code"
                    .into(),
                fix: "Read the value from an environment variable in the command instead (for example \"$GITHUB_HEAD_REF\"), \
                      and keep `${{ }}` out of the check"
                    .into(),
            });
        }
    }
    found
}

/// Secret descriptions with line breaks or other control characters; `at` is the stack's location.
pub(crate) fn stack_problems(at: &[String], stack: &Stack) -> Vec<Problem> {
    let mut found = Vec::new();
    for secret in &stack.secrets {
        if secret.description.as_deref().is_some_and(has_control) {
            let mut path = at.to_vec();
            path.push(format!("secret {}", secret.name));
            found.push(Problem {
                path,
                message: "the description has a line break or control character, which would start a new line in the generated files".into(),
                fix: "Write the description as one line of plain text".into(),
            });
        }
    }
    found
}

/// A regenerate command with line breaks or other control characters, or a GitHub expression
/// (the CI workflow runs it to check the generated files).
pub(crate) fn regenerate_problems(project: &str, command: &str) -> Vec<Problem> {
    let message = if has_control(command) {
        "the command has a line break or control character; it is written into a comment line of every generated file"
    } else if command.contains(EXPRESSION) {
        "the command contains `${{`, which GitHub Actions would evaluate as an expression in the CI workflow that runs it"
    } else {
        return Vec::new();
    };
    vec![Problem {
        path: vec![format!("project {project}"), "regenerate_with".into()],
        message: message.into(),
        fix: "Give one plain command line, such as \"cargo run -p deploy --bin shop\"".into(),
    }]
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}
