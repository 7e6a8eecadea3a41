//! What validation reports: every problem of a stack, each with where it is and how to fix it.

use std::fmt;

/// One problem found in a stack.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// Where it is, outermost first: `["stack neosale (production)", "service api", "depends_on"]`.
    pub path: Vec<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Problem {
    /// The location as one string: `stack neosale (production) › service api › depends_on`.
    pub fn location(&self) -> String {
        self.path.join(" › ")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}. {}", self.location(), self.message, self.fix)
    }
}

/// The first element of every problem's path in a stack: `stack neosale (production)`.
pub(crate) fn stack_location(stack: &str, env: impl fmt::Display) -> String {
    format!("stack {stack} ({env})")
}

/// Problems that differ only in their environment, merged into one that lists the
/// environments (`stack shop (staging, production) › …`), in the order first found.
pub(crate) fn merge_environments(problems: Vec<Problem>) -> Vec<Problem> {
    /// A problem, with its stack's name and the environments it occurs in when it is in a stack.
    type Merged = (Problem, Option<(String, Vec<String>)>);
    let mut merged: Vec<Merged> = Vec::new();
    for problem in problems {
        let split = problem.path.first().and_then(|root| {
            let (stack, env) = root.strip_prefix("stack ")?.strip_suffix(')')?.rsplit_once(" (")?;
            Some((stack.to_string(), env.to_string()))
        });
        let same = |(other, other_split): &&mut Merged| {
            other.message == problem.message
                && other.fix == problem.fix
                && other.path[1..] == problem.path[1..]
                && matches!((other_split, &split), (Some((a, _)), Some((b, _))) if a == b)
        };
        match (merged.iter_mut().find(same), split) {
            (Some((_, Some((_, envs)))), Some((_, env))) => envs.push(env),
            (_, split) => merged.push((problem, split.map(|(stack, env)| (stack, vec![env])))),
        }
    }
    merged
        .into_iter()
        .map(|(mut problem, split)| {
            if let Some((stack, envs)) = split {
                problem.path[0] = stack_location(&stack, envs.join(", "));
            }
            problem
        })
        .collect()
}

/// Every problem of an invalid stack (or of several environments of one), in the order found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} problem{} found:", if n == 1 { "" } else { "s" })?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

/// Errors of the `stack-dsl` crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The stack (in one or more environments) breaks the model's rules; all problems are listed.
    #[error("invalid stack: {0}")]
    Invalid(Problems),
}

impl Error {
    /// The problems, if the error is a validation failure.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid(problems) => &problems.0,
        }
    }
}
