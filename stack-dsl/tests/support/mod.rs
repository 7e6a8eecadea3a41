//! What the validation tests share.

use stack_dsl::{Env, Stack};

/// `location: message` of every problem, in order; every problem must also carry a fix.
pub fn problems(stack: Stack) -> Vec<String> {
    match stack.validate(Env::Production) {
        Ok(_) => Vec::new(),
        Err(error) => error
            .problems()
            .iter()
            .map(|p| {
                assert!(p.fix.len() > 10, "problem without a useful fix: {p}");
                format!("{}: {}", p.location(), p.message)
            })
            .collect(),
    }
}
