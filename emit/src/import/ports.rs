//! `ports` and `expose` as the service's `Port`s
//! (<https://docs.docker.com/reference/compose-file/services/#ports>).

use super::context::Context;
use super::interpolate;
use super::rust::{Expr, Method};
use super::tree::{Node, Value};

/// Container ports that speak a protocol other than HTTP (databases, brokers, caches), so they
/// are declared as TCP rather than HTTP.
const TCP_PORTS: &[u16] =
    &[1433, 1521, 2181, 3306, 4222, 5432, 5672, 6379, 6380, 7687, 9000, 9042, 9092, 11211, 26257, 27017, 28015];

/// A port of the service: container port, host port, and how it was decided.
pub struct PortSpec {
    /// The container port.
    pub target: u16,
    /// The host port, if published.
    pub published: Option<u16>,
}

/// The ports of `ports` (published) and `expose` (internal), without repeats.
pub fn read(cx: &mut Context, ports: Option<&Node>, expose: Option<&Node>) -> Vec<PortSpec> {
    let mut specs: Vec<PortSpec> = Vec::new();
    let mut add = |spec: PortSpec| {
        if !specs.iter().any(|s| s.target == spec.target && (s.published == spec.published || spec.published.is_none()))
        {
            specs.retain(|s| !(s.target == spec.target && s.published.is_none()));
            specs.push(spec);
        }
    };
    for item in items(ports) {
        if let Some(spec) = published(cx, item) {
            add(spec);
        }
    }
    for item in items(expose) {
        match item.scalar().map(|t| t.split('/').next().unwrap_or(t)).and_then(|t| t.parse().ok()) {
            Some(target) => add(PortSpec { target, published: None }),
            None => cx.leave_out(
                item,
                "an `expose` entry that is not a single port",
                "Declare each port with Port::tcp or Port::http",
            ),
        }
    }
    specs
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.value) {
        Some(Value::Seq(items)) => items,
        _ => &[],
    }
}

fn published(cx: &mut Context, item: &Node) -> Option<PortSpec> {
    let (text, protocol) = match &item.value {
        Value::Map(_) => {
            let field = |key: &str| item.get(key).and_then(Node::scalar).map(str::to_string);
            let target = field("target").unwrap_or_default();
            let text = match field("published") {
                Some(published) => format!("{published}:{target}"),
                None => target,
            };
            (text, field("protocol").unwrap_or_else(|| "tcp".into()))
        }
        Value::Scalar(text) => match text.split_once('/') {
            Some((port, protocol)) => (port.to_string(), protocol.to_string()),
            None => (text.clone(), "tcp".into()),
        },
        _ => {
            cx.error(
                item,
                format!("a port entry is {}", item.kind()),
                "Write it as \"HOST:CONTAINER\" or a mapping with target/published",
            );
            return None;
        }
    };
    if protocol != "tcp" {
        cx.leave_out(
            item,
            format!("port {text}/{protocol}: the model's ports are TCP"),
            "Serve it over TCP, or patch the generated Compose file",
        );
        return None;
    }
    let pieces = interpolate::parse(&text).unwrap_or_default();
    let text = match interpolate::with_defaults(&pieces) {
        Some(with) => {
            if interpolate::plain_text(&pieces).is_none() {
                cx.leave_out(
                    item,
                    format!("port {text:?}: its variables' defaults are written in ({with})"),
                    "Set the port in Rust from the environment if it varies",
                );
            }
            with
        }
        None => {
            cx.leave_out(
                item,
                format!("port {text:?} is built from a variable without a default"),
                "Write the port number",
            );
            return None;
        }
    };
    // [IP:][HOST:]CONTAINER; the host IP is the emitter's choice (loopback unless an edge proxy).
    let parts: Vec<&str> = text.rsplitn(3, ':').collect();
    let number = |s: &str| s.parse::<u16>().ok();
    let (target, host) = match parts.as_slice() {
        [target] => (number(target), None),
        [target, host, ..] => (number(target), if host.is_empty() { None } else { Some(number(host)) }),
        [] => (None, None),
    };
    match (target, host) {
        (Some(target), None) => Some(PortSpec { target, published: None }),
        (Some(target), Some(Some(host))) => Some(PortSpec { target, published: Some(host) }),
        _ => {
            cx.leave_out(
                item,
                format!("port {text:?} is a range or not a number"),
                "Declare each port with Port::tcp or Port::http",
            );
            None
        }
    }
}

/// The `.port(...)` call for `spec`; `datastore` when the service is a recognised database.
pub fn method(spec: &PortSpec, datastore: bool) -> Method {
    let tcp = datastore || TCP_PORTS.contains(&spec.target);
    let mut port = Expr::Call(if tcp { "Port::tcp" } else { "Port::http" }, vec![Expr::Int(spec.target.into())]);
    if let Some(host) = spec.published {
        port = port.call("published", vec![Expr::Int(host.into())]);
    }
    let method = Method::new("port", vec![port]);
    match (tcp, spec.published) {
        (false, Some(_)) => {
            method.comment("HTTP assumed (routes and HTTP checks may use it); published on the host as before")
        }
        (false, None) => method.comment("HTTP assumed (routes and HTTP checks may use it)"),
        (true, _) => method,
    }
}
