//! The top level of a compose file: `volumes` and `networks` as the stack's declarations, and
//! what the model has no counterpart for (`secrets`, `configs`, `include`, `x-` extensions).

use super::context::{Context, Declared, dns_label};
use super::keys;
use super::rust::{Expr, Ident};
use super::tree::{Node, Value};

/// A declaration of the module: `let ident = stack.add_…(expr);`, with its comment.
pub struct Declaration {
    /// Its variable.
    pub ident: Ident,
    /// The value added.
    pub value: Expr,
    /// A comment before it.
    pub comment: Option<String>,
}

/// Declarations by Compose name, in file order.
pub type Declarations = Vec<(String, Declaration)>;

/// Check the top-level keys and record the volumes and networks; returns their declarations
/// (volumes, then networks).
pub fn read(cx: &mut Context, root: &Node) -> (Declarations, Declarations) {
    let Some(entries) = root.map() else {
        cx.error(
            root,
            format!("the file holds {}, not a mapping of Compose keys", root.kind()),
            "Start the file with `services:`",
        );
        return (Vec::new(), Vec::new());
    };
    for (key, node) in entries {
        if key.starts_with("x-") {
            cx.leave_out(
                node,
                format!("the extension `{key}`"),
                "Extensions are for Compose only; what anchors shared from it was expanded where used",
            );
        } else if key == "version" {
            cx.leave_out(node, "the obsolete `version` key", "Nothing to do: Compose ignores it too");
        } else if matches!(key.as_str(), "secrets" | "configs" | "include" | "models") {
            cx.leave_out(
                node,
                format!("the top-level `{key}`"),
                match key.as_str() {
                    "secrets" => "Declare each secret with stack.add_secret and pass it as a variable",
                    "configs" => "Mount each file from the repository with Mount::config",
                    "include" => "Import the included files together: stackwright import base.yaml included.yaml",
                    _ => "Declare the model runner as a service",
                },
            );
        } else if !keys::TOP_LEVEL.contains(&key.as_str()) {
            cx.error(
                node,
                format!("`{key}` is not a Compose top-level key"),
                format!("Use one of {}, or an `x-` extension", keys::TOP_LEVEL.join(", ")),
            );
        }
    }
    let volumes = declared(cx, root.get("volumes"), "volume", |cx, name, node| {
        let external = node.get("external").and_then(Node::scalar) == Some("true");
        let real_name = node.get("name").and_then(Node::scalar);
        for key in ["driver", "driver_opts", "labels", "name"] {
            if let Some(v) = node.get(key).filter(|_| !(external && key == "name")) {
                cx.leave_out(
                    v,
                    format!("volume {name}: `{key}`"),
                    "The targets create the volume themselves; set it on the host if it matters",
                );
            }
        }
        if external {
            return match real_name {
                Some(real) => (
                    Expr::Call("Volume::external", vec![Expr::str(real)]),
                    Some(format!("{name:?} in the compose file")),
                ),
                None => (Expr::Call("Volume::external", vec![Expr::str(name)]), None),
            };
        }
        let label = dns_label(name);
        if label == name {
            return (Expr::Call("Volume::persistent", vec![Expr::str(name)]), None);
        }
        let value =
            Expr::Call("Volume::persistent", vec![Expr::str(&label)]).call("compose_name", vec![Expr::str(name)]);
        (value, Some(format!("{name:?} is not a DNS-1123 label; Compose keeps the volume's name, so its data stays")))
    });
    let networks = declared(cx, root.get("networks"), "network", |cx, name, node| {
        let flag = |key: &str| node.get(key).and_then(Node::scalar) == Some("true");
        let mut comment = None;
        let mut value = if flag("external") {
            Expr::Call("Network::external", vec![Expr::str(name)])
        } else {
            let label = dns_label(name);
            if label != name {
                comment = Some(format!("{name:?} renamed: names the stack creates are DNS-1123 labels"));
            }
            Expr::Call("Network::new", vec![Expr::str(label)])
        };
        if flag("internal") {
            value = value.call("internal", vec![]);
        }
        if let Some(subnet) = node.get("ipam").and_then(|i| i.get("config")).and_then(|c| match &c.value {
            Value::Seq(items) => items.first()?.get("subnet")?.scalar(),
            _ => None,
        }) {
            value = value.call("subnet", vec![Expr::str(subnet)]);
        }
        for key in ["driver_opts", "attachable", "enable_ipv4", "enable_ipv6", "labels", "name"] {
            if let Some(v) = node.get(key) {
                cx.leave_out(
                    v,
                    format!("network {name}: `{key}`"),
                    "The targets create the network themselves; patch the generated Compose file if it matters",
                );
            }
        }
        if let Some(driver) = node.get("driver").filter(|d| d.scalar() != Some("bridge")) {
            cx.leave_out(
                driver,
                format!("network {name}: driver {:?}", driver.scalar().unwrap_or_default()),
                "Networks are bridge networks on a single host",
            );
        }
        (value, comment)
    });
    (volumes, networks)
}

type Build = fn(&mut Context, &str, &Node) -> (Expr, Option<String>);

fn declared(cx: &mut Context, section: Option<&Node>, suffix: &str, build: Build) -> Declarations {
    let Some(section) = section else { return Vec::new() };
    let Some(entries) = section.map() else {
        if section.value != Value::Null {
            cx.error(section, format!("the top-level `{suffix}s` is {}", section.kind()), "Write a mapping of names");
        }
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, node) in entries {
        let (value, comment) = build(cx, name, node);
        let ident = cx.ident(name, suffix);
        let declared = Declared { ident: ident.clone(), used: false };
        if suffix == "volume" {
            cx.volumes.insert(name.clone(), declared);
        } else {
            cx.networks.insert(name.clone(), declared);
        }
        out.push((name.clone(), Declaration { ident, value, comment }));
    }
    out
}
