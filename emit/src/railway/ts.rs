//! A small typed TypeScript expression tree and its one printer, so the Railway program is
//! formatted the same way every time: two-space indent, one property per line, double quotes,
//! trailing commas (the style of Prettier, <https://prettier.io/docs/rationale>).

use std::fmt::Write as _;

use super::identifiers::{Identifiers, Key};

/// A TypeScript expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ts {
    /// A string literal.
    Str(String),
    /// A number literal.
    Num(u64),
    /// `undefined`: the property is unset.
    Undefined,
    /// An expression written as is, such as `preserve()`.
    Raw(String),
    /// The constant holding a resource, followed by `member` (such as `.env.DATABASE_URL`).
    Ref(Key, String),
    /// A call of a function with arguments.
    Call(String, Vec<Ts>),
    /// An object literal.
    Object(Vec<Entry>),
    /// An array literal.
    Array(Vec<Ts>),
    /// A spread element `...expr` inside an array.
    Spread(Box<Ts>),
    /// `condition ? then : otherwise`.
    If(String, Box<Ts>, Box<Ts>),
}

/// One entry of an object literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// `key: value`.
    Field(String, Ts),
    /// `...expr`.
    Spread(Ts),
}

impl Ts {
    /// A string literal.
    pub fn str(text: impl Into<String>) -> Ts {
        Ts::Str(text.into())
    }

    /// The expression printed at `indent` levels, resources named by `ids`.
    pub fn print(&self, indent: usize, ids: &Identifiers) -> String {
        let mut out = String::new();
        self.write(&mut out, indent, ids);
        out
    }

    fn write(&self, out: &mut String, indent: usize, ids: &Identifiers) {
        let pad = "  ".repeat(indent + 1);
        let close = "  ".repeat(indent);
        match self {
            Ts::Str(text) => out.push_str(&quote(text)),
            Ts::Num(n) => {
                let _ = write!(out, "{n}");
            }
            Ts::Undefined => out.push_str("undefined"),
            Ts::Raw(code) => out.push_str(code),
            Ts::Ref(key, member) => {
                out.push_str(&ids.get(key));
                out.push_str(member);
            }
            Ts::Call(function, args) => {
                out.push_str(function);
                write_inline(out, '(', args, ')', indent, ids);
            }
            Ts::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Ts::Object(entries) => {
                out.push_str("{\n");
                for entry in entries {
                    out.push_str(&pad);
                    match entry {
                        Entry::Field(key, value) => {
                            out.push_str(&property(key));
                            out.push_str(": ");
                            value.write(out, indent + 1, ids);
                        }
                        Entry::Spread(value) => {
                            out.push_str("...");
                            value.write(out, indent + 1, ids);
                        }
                    }
                    out.push_str(",\n");
                }
                out.push_str(&close);
                out.push('}');
            }
            Ts::Array(items) if items.iter().all(Ts::is_short) && items.len() <= 4 => {
                write_inline(out, '[', items, ']', indent, ids);
            }
            Ts::Array(items) => {
                out.push_str("[\n");
                for item in items {
                    out.push_str(&pad);
                    item.write(out, indent + 1, ids);
                    out.push_str(",\n");
                }
                out.push_str(&close);
                out.push(']');
            }
            Ts::Spread(inner) => {
                out.push_str("...");
                inner.write(out, indent, ids);
            }
            Ts::If(condition, then, otherwise) => {
                let _ = write!(out, "({condition} ? ");
                then.write(out, indent, ids);
                out.push_str(" : ");
                otherwise.write(out, indent, ids);
                out.push(')');
            }
        }
    }

    fn is_short(&self) -> bool {
        match self {
            Ts::Str(text) => text.len() <= 40,
            Ts::Num(_) | Ts::Undefined | Ts::Raw(_) | Ts::Ref(..) => true,
            _ => false,
        }
    }
}

/// `items` on one line, comma-separated, between `open` and `close`.
fn write_inline(out: &mut String, open: char, items: &[Ts], close: char, indent: usize, ids: &Identifiers) {
    out.push(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        item.write(out, indent, ids);
    }
    out.push(close);
}

/// A JSON-compatible double-quoted string literal.
pub fn quote(text: &str) -> String {
    let mut out = String::from('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object key: bare when it is an identifier, quoted otherwise.
fn property(key: &str) -> String {
    let identifier = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier { key.to_string() } else { quote(key) }
}

/// A TypeScript identifier for a resource name: `celery-worker` → `celeryWorker`.
pub fn identifier(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = !out.is_empty();
        }
    }
    if out.chars().next().is_none_or(|c| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_objects_one_property_per_line() {
        let value = Ts::Object(vec![
            Entry::Field("start".into(), Ts::str("npm start")),
            Entry::Field("NODE_ENV".into(), Ts::If("prod".into(), Box::new(Ts::str("a")), Box::new(Ts::str("b")))),
            Entry::Field("my-key".into(), Ts::Array(vec![Ts::Num(1), Ts::Raw("x".into())])),
        ]);
        assert_eq!(
            value.print(0, &Identifiers::default()),
            "{\n  start: \"npm start\",\n  NODE_ENV: (prod ? \"a\" : \"b\"),\n  \"my-key\": [1, x],\n}"
        );
        assert_eq!(identifier("celery-worker"), "celeryWorker");
        assert_eq!(quote("a\"b\\"), "\"a\\\"b\\\\\"");
    }
}
