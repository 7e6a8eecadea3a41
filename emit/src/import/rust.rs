//! A small typed syntax tree of the Rust an imported stack is written in, and its one printer.
//!
//! Only what a stack module needs: `let` statements, calls, method chains, arrays, string and
//! integer literals, references. Strings are printed with Rust's own escaping (`{:?}` of a
//! `str` is a valid string literal) and identifiers are checked where they are made
//! ([`Ident::new`]), so the output is valid Rust by construction; the import tests compile it.
//! The same pattern as the Railway emitter's TypeScript tree (`railway/ts.rs`); `quote` +
//! `prettyplease` would bring `syn` and a formatter for this handful of shapes.

use std::fmt::Write as _;

/// The width lines are kept under where a construct can break.
const WIDTH: usize = 100;

/// Rust keywords (strict and reserved, 2024 edition), which cannot be identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// A snake_case identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ident(String);

impl Ident {
    /// The identifier closest to `text`: lower-cased, other characters as `_`, a leading `_`
    /// before a digit, and `_` appended to keywords.
    pub fn new(text: &str) -> Ident {
        let mut name: String = text
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
            .collect::<String>()
            .split('_')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
            name.insert(0, '_');
        }
        if KEYWORDS.contains(&name.as_str()) {
            name.push('_');
        }
        Ident(name)
    }

    /// The identifier as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A string literal.
    Str(String),
    /// An integer literal.
    Int(u64),
    /// A variable.
    Var(Ident),
    /// A path to an item, such as `Ready::Healthy` (written by the import, never from input).
    Path(&'static str),
    /// `&variable`.
    Ref(Ident),
    /// A call of a function or associated function: `Image::new("redis:7")`.
    Call(&'static str, Vec<Expr>),
    /// `[a, b]`.
    Array(Vec<Expr>),
    /// A receiver and the methods called on it in turn.
    Chain(Box<Expr>, Vec<Method>),
}

/// One method call of a chain, with the comment that explains a decision behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The method.
    pub name: &'static str,
    /// Its arguments.
    pub args: Vec<Expr>,
    /// A comment printed on the line before it.
    pub comment: Option<String>,
}

impl Method {
    /// A method call without comment.
    pub fn new(name: &'static str, args: Vec<Expr>) -> Method {
        Method { name, args, comment: None }
    }

    /// The same call, explained.
    #[must_use]
    pub fn comment(mut self, text: impl Into<String>) -> Method {
        self.comment = Some(text.into());
        self
    }
}

impl Expr {
    /// A string literal.
    pub fn str(text: impl Into<String>) -> Expr {
        Expr::Str(text.into())
    }

    /// Call `name(args)` on this expression.
    #[must_use]
    pub fn method(self, method: Method) -> Expr {
        match self {
            Expr::Chain(receiver, mut methods) => {
                methods.push(method);
                Expr::Chain(receiver, methods)
            }
            other => Expr::Chain(Box::new(other), vec![method]),
        }
    }

    /// Call `name(args)` on this expression, without comment.
    #[must_use]
    pub fn call(self, name: &'static str, args: Vec<Expr>) -> Expr {
        self.method(Method::new(name, args))
    }
}

/// A statement of the stack function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stmt {
    /// `let [mut] name = value;`
    Let {
        /// The variable.
        name: Ident,
        /// Declared `mut`.
        mutable: bool,
        /// Its value.
        value: Expr,
        /// A comment before it.
        comment: Option<String>,
    },
    /// `value;`
    Expr {
        /// The expression.
        value: Expr,
        /// A comment before it.
        comment: Option<String>,
    },
    /// `if condition { body }`
    If {
        /// The condition.
        condition: Expr,
        /// The statements run when it holds.
        body: Vec<Stmt>,
        /// A comment before it.
        comment: Option<String>,
    },
    /// An empty line between groups.
    Blank,
}

/// A module holding one public stack function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// The module's `//!` lines.
    pub header: Vec<String>,
    /// The `///` lines of the function.
    pub doc: Vec<String>,
    /// The function's name.
    pub name: Ident,
    /// Its statements, before the final `stack`.
    pub body: Vec<Stmt>,
}

impl Module {
    /// The module's source text.
    pub fn print(&self) -> String {
        let mut out = String::new();
        for line in &self.header {
            push_comment(&mut out, "", "//!", line);
        }
        out.push_str("\nuse stack_dsl::*;\n\n");
        for line in &self.doc {
            push_comment(&mut out, "", "///", line);
        }
        let _ = writeln!(out, "pub fn {}(env: Env) -> Stack {{", self.name.as_str());
        for stmt in &self.body {
            print_stmt(&mut out, stmt, "    ");
        }
        out.push_str("    stack\n}\n");
        out
    }
}

fn print_stmt(out: &mut String, stmt: &Stmt, indent: &str) {
    match stmt {
        Stmt::Blank => out.push('\n'),
        Stmt::Let { name, mutable, value, comment } => {
            if let Some(text) = comment {
                push_comment(out, indent, "//", text);
            }
            let head = format!("{indent}let {}{} = ", if *mutable { "mut " } else { "" }, name.as_str());
            let _ = writeln!(out, "{head}{};", expr(value, indent, head.len()));
        }
        Stmt::Expr { value, comment } => {
            if let Some(text) = comment {
                push_comment(out, indent, "//", text);
            }
            let _ = writeln!(out, "{indent}{};", expr(value, indent, indent.len()));
        }
        Stmt::If { condition, body, comment } => {
            if let Some(text) = comment {
                push_comment(out, indent, "//", text);
            }
            let _ = writeln!(out, "{indent}if {} {{", expr(condition, indent, indent.len() + 3));
            let inner = format!("{indent}    ");
            for stmt in body {
                print_stmt(out, stmt, &inner);
            }
            let _ = writeln!(out, "{indent}}}");
        }
    }
}

/// Comment lines of `marker` (`//`, `///`, `//!`), wrapped to the width; a line break inside
/// the text starts a new comment line, so input can never end the comment.
fn push_comment(out: &mut String, indent: &str, marker: &str, text: &str) {
    for paragraph in text.split(['\n', '\r']) {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && indent.len() + marker.len() + 1 + line.len() + 1 + word.len() > WIDTH {
                let _ = writeln!(out, "{indent}{marker} {line}");
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if line.is_empty() {
            let _ = writeln!(out, "{indent}{marker}");
        } else {
            let _ = writeln!(out, "{indent}{marker} {line}");
        }
    }
}

/// The expression on one line, if it has no comment inside.
fn flat(e: &Expr) -> Option<String> {
    Some(match e {
        Expr::Str(text) => format!("{text:?}"),
        Expr::Int(n) => n.to_string(),
        Expr::Var(name) => name.as_str().to_string(),
        Expr::Path(path) => (*path).to_string(),
        Expr::Ref(name) => format!("&{}", name.as_str()),
        Expr::Call(function, args) => format!("{function}({})", flat_list(args)?),
        Expr::Array(items) => format!("[{}]", flat_list(items)?),
        Expr::Chain(receiver, methods) => {
            let mut text = flat(receiver)?;
            for method in methods {
                if method.comment.is_some() {
                    return None;
                }
                let _ = write!(text, ".{}({})", method.name, flat_list(&method.args)?);
            }
            text
        }
    })
}

fn flat_list(items: &[Expr]) -> Option<String> {
    Some(items.iter().map(flat).collect::<Option<Vec<_>>>()?.join(", "))
}

/// The expression printed at `indent`, starting at column `column`: on one line when it fits,
/// else broken at its calls' arguments and its chain's methods.
fn expr(e: &Expr, indent: &str, column: usize) -> String {
    if let Some(text) = flat(e)
        && column + text.len() < WIDTH
    {
        return text;
    }
    let inner = format!("{indent}    ");
    match e {
        Expr::Call(function, args) => format!("{function}({})", arguments(args, indent, column + function.len() + 1)),
        Expr::Array(items) => format!("[{}]", broken_list(items, indent, &inner)),
        // `stack.add_service(…)`: a short receiver and one call stay on the line.
        Expr::Chain(receiver, methods)
            if methods.len() == 1 && methods[0].comment.is_none() && flat(receiver).is_some() =>
        {
            let head = format!("{}.{}(", flat(receiver).unwrap_or_default(), methods[0].name);
            format!("{head}{})", arguments(&methods[0].args, indent, column + head.len()))
        }
        Expr::Chain(receiver, methods) => {
            let mut text = expr(receiver, indent, column);
            for method in methods {
                if let Some(comment) = &method.comment {
                    text.push('\n');
                    push_comment(&mut text, &inner, "//", comment);
                    text.pop();
                }
                let head = format!("\n{inner}.{}(", method.name);
                let _ = write!(text, "{head}{})", arguments(&method.args, &inner, head.len() - 1));
            }
            text
        }
        // Literals and names do not break.
        other => flat(other).unwrap_or_default(),
    }
}

/// Call arguments starting at `column`: on the line when they fit; a single argument breaks
/// itself; several go one per line.
fn arguments(items: &[Expr], indent: &str, column: usize) -> String {
    if let Some(text) = flat_list(items)
        && column + text.len() < WIDTH
    {
        return text;
    }
    match items {
        [single @ (Expr::Array(_) | Expr::Chain(..) | Expr::Call(..))] if !matches!(single, Expr::Chain(r, _) if flat(r).is_none_or(|r| r.len() > 40)) => {
            expr(single, indent, column)
        }
        [single @ Expr::Chain(..)] => {
            format!("\n{indent}    {}\n{indent}", expr(single, &format!("{indent}    "), indent.len() + 4))
        }
        _ => broken_list(items, indent, &format!("{indent}    ")),
    }
}

/// Arguments one per line, each followed by a comma.
fn broken_list(items: &[Expr], outer: &str, inner: &str) -> String {
    let mut text = String::from("\n");
    for item in items {
        let _ = writeln!(text, "{inner}{},", expr(item, inner, inner.len()));
    }
    text.push_str(outer);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_whatever_the_input() {
        assert_eq!(Ident::new("anb_api").as_str(), "anb_api");
        assert_eq!(Ident::new("my-app.web").as_str(), "my_app_web");
        assert_eq!(Ident::new("type").as_str(), "type_");
        assert_eq!(Ident::new("3d").as_str(), "_3d");
        assert_eq!(Ident::new("").as_str(), "_");
        assert_eq!(Ident::new("DB_PASSWORD").as_str(), "db_password");
    }

    #[test]
    fn chains_break_with_their_comments_and_strings_stay_literals() {
        let service =
            Expr::Call("Service::new", vec![Expr::str("api"), Expr::Call("Image::new", vec![Expr::str("x\"y\n")])])
                .method(
                    Method::new("port", vec![Expr::Call("Port::http", vec![Expr::Int(80)])])
                        .comment("was \"80\"\n*/ still a comment"),
                );
        let module = Module {
            header: vec!["Imported.".into()],
            doc: vec!["The stack.".into()],
            name: Ident::new("shop"),
            body: vec![Stmt::Expr {
                value: Expr::Var(Ident::new("stack")).call("add_service", vec![service]),
                comment: None,
            }],
        };
        let text = module.print();
        assert!(text.contains("Image::new(\"x\\\"y\\n\")"), "{text}");
        assert!(
            text.contains(
                "            // was \"80\"\n            // */ still a comment\n            .port(Port::http(80))"
            ),
            "{text}"
        );
    }
}
