//! A problem found in a compose file, or something it says that the stack cannot: where it is
//! (file and line), what it is, and what to do.

use std::fmt;

/// One finding, located in its compose file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The compose file (or env file), as given on the command line.
    pub file: String,
    /// The line (1-based), where known.
    pub line: Option<usize>,
    /// What is wrong or left out.
    pub message: String,
    /// What the user can do.
    pub fix: String,
}

impl Problem {
    /// A problem at `line` of `file`.
    pub fn at(file: &str, line: usize, message: impl Into<String>, fix: impl Into<String>) -> Problem {
        Problem { file: file.into(), line: Some(line), message: message.into(), fix: fix.into() }
    }

    /// A problem with a whole file.
    pub fn in_file(file: &str, message: impl Into<String>, fix: impl Into<String>) -> Problem {
        Problem { file: file.into(), line: None, message: message.into(), fix: fix.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}. {}.", self.file, self.message, self.fix.trim_end_matches('.')),
            None => write!(f, "{}: {}. {}.", self.file, self.message, self.fix.trim_end_matches('.')),
        }
    }
}
