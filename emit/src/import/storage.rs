//! A service's `volumes` and `tmpfs` as `Mount`s: named volumes stay named volumes, a bind
//! mount of a file becomes a configuration file from the repository (`Mount::config`, a
//! ConfigMap on Kubernetes), a bind mount of a directory a host directory (`Mount::bind`, which
//! the targets warn about), and tmpfs an in-memory mount
//! (<https://docs.docker.com/reference/compose-file/services/#volumes>).

use super::context::Context;
use super::quantities;
use super::rust::{Expr, Method};
use super::tree::{Node, Value};

/// File extensions that mark a bind-mounted path as a configuration file.
const FILE_EXTENSIONS: &[&str] = &[
    "conf",
    "cfg",
    "cnf",
    "ini",
    "json",
    "yaml",
    "yml",
    "toml",
    "xml",
    "sql",
    "sh",
    "py",
    "js",
    "lua",
    "env",
    "pem",
    "crt",
    "key",
    "txt",
    "properties",
    "template",
    "tmpl",
    "rb",
    "html",
    "htpasswd",
];

struct Entry<'a> {
    kind: &'a str,
    source: Option<String>,
    target: String,
    read_only: bool,
    node: &'a Node,
}

/// The `.mount(...)` calls for `volumes` and `tmpfs`.
pub fn methods(cx: &mut Context, volumes: Option<&Node>, tmpfs: Option<&Node>) -> Vec<Method> {
    let mut methods = Vec::new();
    if let Some(Value::Seq(items)) = volumes.map(|v| &v.value) {
        for item in items {
            if let Some(entry) = entry(cx, item)
                && let Some(method) = mount(cx, entry)
            {
                methods.push(method);
            }
        }
    }
    let tmpfs_items: Vec<&Node> = match tmpfs.map(|t| &t.value) {
        Some(Value::Seq(items)) => items.iter().collect(),
        Some(Value::Scalar(_)) => tmpfs.into_iter().collect(),
        _ => Vec::new(),
    };
    for item in tmpfs_items {
        let Some(text) = item.scalar() else { continue };
        let (path, options) = text.split_once(':').unwrap_or((text, ""));
        let mut expr = Expr::Call("Mount::tmpfs", vec![Expr::str(path)]);
        for option in options.split(',').filter(|o| !o.is_empty()) {
            match option.strip_prefix("size=").and_then(quantities::memory) {
                Some(size) => expr = expr.call("size", vec![size]),
                None => cx.leave_out(
                    item,
                    format!("tmpfs option {option:?}"),
                    "Only the size of a tmpfs can be set (Mount::size)",
                ),
            }
        }
        methods.push(Method::new("mount", vec![expr]));
    }
    methods
}

fn entry<'a>(cx: &mut Context, item: &'a Node) -> Option<Entry<'a>> {
    match &item.value {
        Value::Scalar(written) => {
            let pieces = super::interpolate::parse(written).unwrap_or_default();
            let text = match super::interpolate::plain_text(&pieces) {
                Some(text) => text,
                None => {
                    let Some(text) = super::interpolate::with_defaults(&pieces) else {
                        cx.leave_out(
                            item,
                            format!("the volume {written:?} comes from a variable without a default"),
                            "Write the path",
                        );
                        return None;
                    };
                    cx.leave_out(
                        item,
                        format!("the volume {written:?}: its variables' defaults are written in ({text})"),
                        "Build the path in Rust from the environment if it varies",
                    );
                    text
                }
            };
            let text = &text;
            let parts: Vec<&str> = text.split(':').collect();
            let (source, target, mode) = match parts.as_slice() {
                [target] => (None, *target, ""),
                [source, target] => (Some(*source), *target, ""),
                [source, target, mode] => (Some(*source), *target, *mode),
                _ => {
                    cx.error(item, format!("the volume {text:?} has too many `:`"), "Write SOURCE:TARGET[:MODE]");
                    return None;
                }
            };
            let kind = match source {
                None => "anonymous",
                Some(s) if s.starts_with(['.', '/', '~', '$']) => "bind",
                Some(_) => "volume",
            };
            let read_only = mode.split(',').any(|m| m == "ro");
            for m in mode
                .split(',')
                .filter(|m| !matches!(*m, "" | "ro" | "rw" | "z" | "Z" | "cached" | "delegated" | "consistent"))
            {
                cx.leave_out(item, format!("volume mode {m:?}"), "Drop it; the model mounts read-write or read-only");
            }
            Some(Entry { kind, source: source.map(Into::into), target: target.into(), read_only, node: item })
        }
        Value::Map(_) => {
            let field = |key: &str| item.get(key).and_then(Node::scalar).map(str::to_string);
            let kind = match field("type").as_deref() {
                Some("bind") => "bind",
                Some("tmpfs") => "tmpfs",
                Some("volume") | None => {
                    if field("source").is_some() {
                        "volume"
                    } else {
                        "anonymous"
                    }
                }
                Some(other) => {
                    cx.leave_out(
                        item,
                        format!("a volume of type {other}"),
                        "Use a named volume, a bind mount or a tmpfs",
                    );
                    return None;
                }
            };
            let Some(target) = field("target") else {
                cx.error(item, "a volume without `target`", "Give the path inside the container");
                return None;
            };
            let read_only = field("read_only").as_deref() == Some("true");
            Some(Entry { kind, source: field("source"), target, read_only, node: item })
        }
        _ => {
            cx.error(item, format!("a volume entry is {}", item.kind()), "Write SOURCE:TARGET[:MODE]");
            None
        }
    }
}

fn mount(cx: &mut Context, entry: Entry<'_>) -> Option<Method> {
    let target = Expr::str(&entry.target);
    let (expr, comment) = match entry.kind {
        "volume" => {
            let name = entry.source.unwrap_or_default();
            let Some(declared) = cx.volumes.get_mut(&name) else {
                cx.error(
                    entry.node,
                    format!("the service mounts volume {name:?}, which the file does not declare"),
                    format!("Declare it under the top-level `volumes:` ({name}: {{}})"),
                );
                return None;
            };
            declared.used = true;
            (Expr::Call("Mount::volume", vec![Expr::Ref(declared.ident.clone()), target]), None)
        }
        "tmpfs" => (Expr::Call("Mount::tmpfs", vec![target]), None),
        "bind" => {
            let source = entry.source.unwrap_or_default();
            let source = if source.starts_with(['/', '.', '~']) { source } else { format!("./{source}") };
            let file_like = |path: &str| {
                path.rsplit('/')
                    .next()
                    .and_then(|last| last.rsplit_once('.'))
                    .is_some_and(|(stem, ext)| !stem.is_empty() && FILE_EXTENSIONS.contains(&ext))
            };
            if source.starts_with("./") && (file_like(&source) || file_like(&entry.target)) {
                let comment = (!entry.read_only).then_some(
                    "a file from the repository: a configuration file, mounted read-only (a ConfigMap on Kubernetes)",
                );
                (Expr::Call("Mount::config", vec![Expr::str(source), target]), comment.map(Into::into))
            } else {
                (
                    Expr::Call("Mount::bind", vec![Expr::str(source), target]),
                    Some(
                        "a host directory: works on a single Docker host only; the other targets warn about it"
                            .to_string(),
                    ),
                )
            }
        }
        _ => {
            cx.leave_out(
                entry.node,
                format!("an anonymous volume at {}", entry.target),
                "Declare a named volume (Volume::persistent) and mount it there",
            );
            return None;
        }
    };
    let expr = if entry.read_only && !matches!(&expr, Expr::Call("Mount::config", _)) {
        expr.call("read_only", vec![])
    } else {
        expr
    };
    let method = Method::new("mount", vec![expr]);
    Some(match comment {
        Some(c) => method.comment(c),
        None => method,
    })
}
