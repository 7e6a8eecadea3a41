//! `env_file`: the variables of the named files, read like `environment` entries (Compose
//! interpolates them the same way: <https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax>).

use std::rc::Rc;

use super::tree::{Node, Value};

/// The `KEY=VALUE` lines of `text` (the file `file`), as nodes that remember their line.
/// Blank lines and `#` comments are skipped, `export ` is allowed, and a value in matching
/// quotes loses them.
pub fn parse(file: &str, text: &str) -> Result<Vec<(String, Node)>, (usize, String)> {
    let source: Rc<str> = file.into();
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (key, value) = match line.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (line, None),
        };
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-') {
            return Err((i + 1, format!("{line:?} is not KEY=VALUE")));
        }
        let value = match value {
            None => Value::Null,
            Some(v) => {
                let unquoted = ['"', '\''].iter().find_map(|q| v.strip_prefix(*q)?.strip_suffix(*q));
                let unquoted = unquoted.unwrap_or_else(|| v.split(" #").next().unwrap_or(v).trim_end());
                Value::Scalar(unquoted.to_string())
            }
        };
        entries.push((key.to_string(), Node { value, line: i + 1, file: source.clone() }));
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_files_read_like_compose() {
        let entries = parse(".env", "# c\nA=1\nexport B=\"two words\"\nC\nD=x # note\n").unwrap();
        let read: Vec<(&str, Option<&str>, usize)> =
            entries.iter().map(|(k, v)| (k.as_str(), v.scalar(), v.line)).collect();
        assert_eq!(read, [("A", Some("1"), 2), ("B", Some("two words"), 3), ("C", None, 4), ("D", Some("x"), 5)]);
        assert_eq!(parse(".env", "A=1\n=2\n").unwrap_err().0, 2);
    }
}
