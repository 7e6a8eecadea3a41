//! Colour on a terminal only: never in a pipe, a file or CI logs read as text, and never when
//! `NO_COLOR` is set (<https://no-color.org>).

use std::io::IsTerminal;

/// Whether to colour one output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// Colour when `stream` is a terminal and `NO_COLOR` is unset or empty.
    pub fn for_stream(stream: &impl IsTerminal) -> Self {
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style { colour: stream.is_terminal() && !no_colour }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    /// Yellow.
    pub fn warning(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Bold red.
    pub fn error(self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// Bold.
    pub fn heading(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// A unified diff with added lines green, removed lines red and hunk headers cyan.
    pub fn diff(self, diff: &str) -> String {
        if !self.colour {
            return diff.to_string();
        }
        diff.split_inclusive('\n')
            .map(|line| {
                let (body, end) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
                let code = match line {
                    l if l.starts_with("+++") || l.starts_with("---") => "1",
                    l if l.starts_with('+') => "32",
                    l if l.starts_with('-') => "31",
                    l if l.starts_with("@@") => "36",
                    _ => return line.to_string(),
                };
                format!("{}{end}", self.paint(code, body))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_colouring_style_adds_escape_codes() {
        let diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-old\n+new\n same\n";
        assert_eq!(Style { colour: false }.diff(diff), diff);
        let coloured = Style { colour: true }.diff(diff);
        assert!(coloured.contains("\x1b[31m-old\x1b[0m\n\x1b[32m+new\x1b[0m\n same\n"), "{coloured:?}");
        assert_eq!(Style { colour: true }.warning("w"), "\x1b[33mw\x1b[0m");
    }
}
