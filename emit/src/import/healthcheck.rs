//! `healthcheck` as a `Probe`
//! (<https://docs.docker.com/reference/compose-file/services/#healthcheck>).

use super::argv;
use super::context::Context;
use super::interpolate;
use super::quantities;
use super::rust::{Expr, Method};
use super::tree::{Node, Value};

/// The `.healthcheck(...)` call, or `None` when the check is disabled or unreadable.
pub fn method(cx: &mut Context, node: &Node) -> Option<Method> {
    if node.get("disable").and_then(Node::scalar) == Some("true") {
        return None;
    }
    let Some(test) = node.get("test") else {
        cx.leave_out(
            node,
            "a healthcheck without `test` only changes the image's timings",
            "Write the check's command here",
        );
        return None;
    };
    let mut variables = Vec::new();
    let mut container_text = |text: &str| match interpolate::parse(text) {
        Ok(pieces) => {
            let (text, names) = interpolate::as_written(&pieces);
            variables.extend(names);
            text
        }
        Err(_) => text.to_string(),
    };
    let mut probe = match &test.value {
        Value::Scalar(line) => Expr::Call("Probe::shell", vec![Expr::str(container_text(line))]),
        Value::Seq(items) => {
            let words: Vec<String> = items.iter().filter_map(|i| i.scalar().map(&mut container_text)).collect();
            match words.split_first() {
                Some((first, rest)) if first == "CMD" && !rest.is_empty() => {
                    Expr::Call("Probe::exec", vec![Expr::Array(rest.iter().map(Expr::str).collect())])
                }
                Some((first, rest)) if first == "CMD-SHELL" && rest.len() == 1 => {
                    Expr::Call("Probe::shell", vec![Expr::str(&rest[0])])
                }
                Some((first, _)) if first == "NONE" => return None,
                _ => {
                    cx.error(
                        test,
                        "a healthcheck test must start with CMD, CMD-SHELL or NONE",
                        "Write [\"CMD\", program, args…] or [\"CMD-SHELL\", \"command line\"]",
                    );
                    return None;
                }
            }
        }
        _ => {
            cx.error(
                test,
                format!("a healthcheck test is {}", test.kind()),
                "Write a command line or a [\"CMD\", …] list",
            );
            return None;
        }
    };
    let mut notes = Vec::new();
    if !variables.is_empty() {
        notes.push(format!("${{{}}} now expanded by the container's shell, not by Compose", variables.join("}, ${")));
    }
    for (key, setter) in [("interval", "every"), ("timeout", "timeout"), ("start_period", "start_period")] {
        let Some(value) = node.get(key) else { continue };
        match value.scalar().and_then(quantities::seconds) {
            Some(s) => {
                if value.scalar().is_some_and(|t| t.contains("ms")) {
                    notes.push(format!("{key} {} rounded up to whole seconds", value.scalar().unwrap_or_default()));
                }
                probe = probe.call(setter, vec![quantities::duration(s)]);
            }
            None => cx.error(value, format!("healthcheck {key} is not a duration"), "Write it like 10s or 1m30s"),
        }
    }
    if let Some(retries) = node.get("retries") {
        match retries.scalar().and_then(|t| t.parse::<u64>().ok()) {
            Some(n) => probe = probe.call("retries", vec![Expr::Int(n)]),
            None => cx.error(retries, "healthcheck retries is not a number", "Write a whole number"),
        }
    }
    if let Some(start_interval) = node.get("start_interval") {
        cx.leave_out(
            start_interval,
            "healthcheck start_interval: probes run at `interval` from the start",
            "Shorten the interval, or drop it",
        );
    }
    if !matches!(test.value, Value::Seq(_)) && argv::split(test.scalar().unwrap_or_default()).is_none() {
        notes.push("the test line has an unclosed quote".into());
    }
    let method = Method::new("healthcheck", vec![probe]);
    Some(if notes.is_empty() { method } else { method.comment(notes.join("; ")) })
}
