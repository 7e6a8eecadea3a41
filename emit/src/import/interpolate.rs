//! Compose variable interpolation, read without resolving it: `$VAR`, `${VAR}`,
//! `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}` and `$$`
//! (<https://docs.docker.com/reference/compose-file/interpolation/>). The import keeps each
//! variable as a reference; it never substitutes a value from the importing machine.

/// A piece of an interpolated string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Text taken as written (`$$` already turned into `$`).
    Text(String),
    /// A variable.
    Var(Variable),
}

/// A variable reference and what Compose does when it is unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variable {
    /// Its name.
    pub name: String,
    /// `:-`/`-`: the value used when it is unset (or, with `:-`, empty).
    pub default: Option<String>,
    /// `:?`/`?`: the error message Compose stops with when it is unset.
    pub required: Option<String>,
}

/// The pieces of `text`, or a sentence saying what is malformed.
pub fn parse(text: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        literal.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            literal.push('$');
            rest = after;
            continue;
        }
        let variable = if let Some(braced) = rest.strip_prefix('{') {
            let end = braced.find('}').ok_or_else(|| format!("`${{` without a closing `}}` in {text:?}"))?;
            rest = &braced[end + 1..];
            braced_variable(&braced[..end])
                .ok_or_else(|| format!("`${{{}}}` is not a variable Compose understands", &braced[..end]))?
        } else {
            let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if len == 0 {
                return Err(format!("a lone `$` in {text:?}; write `$$` for a literal dollar sign"));
            }
            let name = rest[..len].to_string();
            rest = &rest[len..];
            Variable { name, default: None, required: None }
        };
        if !literal.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut literal)));
        }
        pieces.push(Piece::Var(variable));
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

fn braced_variable(inner: &str) -> Option<Variable> {
    let len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
    let (name, modifier) = inner.split_at(len);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let name = name.to_string();
    let plain = |default: Option<&str>, required: Option<&str>| Variable {
        name: name.clone(),
        default: default.map(Into::into),
        required: required.map(Into::into),
    };
    Some(if modifier.is_empty() {
        plain(None, None)
    } else if let Some(default) = modifier.strip_prefix(":-").or_else(|| modifier.strip_prefix('-')) {
        plain(Some(default), None)
    } else if let Some(message) = modifier.strip_prefix(":?").or_else(|| modifier.strip_prefix('?')) {
        plain(None, Some(message))
    } else {
        // `:+`/`+` (a value only when set) has no counterpart: reported by the caller.
        return None;
    })
}

/// The one variable `text` consists of, if it is exactly one.
pub fn whole_variable(pieces: &[Piece]) -> Option<&Variable> {
    match pieces {
        [Piece::Var(variable)] => Some(variable),
        _ => None,
    }
}

/// The text when there is no variable in it.
pub fn plain_text(pieces: &[Piece]) -> Option<String> {
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => Some(text.as_str()),
            Piece::Var(_) => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(|parts| parts.concat())
}

/// The text with every variable's default written in, or `None` when one has no default.
pub fn with_defaults(pieces: &[Piece]) -> Option<String> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => Some(t.clone()),
            Piece::Var(v) => v.default.clone(),
        })
        .collect()
}

/// The text a container sees when Compose no longer substitutes: `$$` is a `$`, and each
/// variable is written back as `${NAME}` (its default dropped) and returned by name, so a shell
/// in the container can expand it from its environment.
pub fn as_written(pieces: &[Piece]) -> (String, Vec<String>) {
    let mut names = Vec::new();
    let text = pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.clone(),
            Piece::Var(v) => {
                names.push(v.name.clone());
                format!("${{{}}}", v.name)
            }
        })
        .collect();
    (text, names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_read_without_resolving() {
        let pieces = parse("postgres://app:${DB_PASSWORD:?set it}@db:5432/$DB_NAME-x$$").unwrap();
        assert_eq!(
            pieces,
            [
                Piece::Text("postgres://app:".into()),
                Piece::Var(Variable { name: "DB_PASSWORD".into(), default: None, required: Some("set it".into()) }),
                Piece::Text("@db:5432/".into()),
                Piece::Var(Variable { name: "DB_NAME".into(), default: None, required: None }),
                Piece::Text("-x$".into()),
            ]
        );
        let port = parse("${PORT:-8080}").unwrap();
        assert_eq!(whole_variable(&port).unwrap().default.as_deref(), Some("8080"));
        assert_eq!(plain_text(&parse("a$$b").unwrap()).as_deref(), Some("a$b"));
        assert!(parse("${A:+x}").is_err());
        assert!(parse("${A").is_err());
    }
}
