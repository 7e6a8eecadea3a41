//! The Rust module of an imported stack: secrets, volumes and networks first, then the
//! services in an order where each comes after those it refers to, and a header listing what
//! was left out.

use indexmap::IndexMap;

use super::context::Context;
use super::declarations::Declarations;
use super::problem::Problem;
use super::rust::{Expr, Ident, Module, Stmt};
use super::service::Mapped;

/// What the module is built from.
pub struct Parts<'a> {
    /// The stack's name.
    pub name: &'a str,
    /// The files imported, in order.
    pub files: &'a [String],
    /// The Compose project the files ran as, to keep existing volumes' data.
    pub project: Option<(String, String)>,
    /// Volume declarations by Compose name.
    pub volumes: Declarations,
    /// Network declarations by Compose name.
    pub networks: Declarations,
    /// Mapped services by Compose name, in file order.
    pub services: IndexMap<String, Mapped>,
}

/// The module for `parts`; `cx` holds the secrets and what was left out.
pub fn build(cx: &Context, parts: Parts<'_>) -> Module {
    let stack = Ident::new("stack");
    let files = parts.files.join(", ");
    let mut header = vec![
        format!("The `{}` stack, imported from {files} by `stackwright import`.", parts.name),
        String::new(),
        "Each comment marks a decision the import took; review them, then keep this file as the source of truth."
            .into(),
    ];
    if !cx.left_out.is_empty() {
        header.push(String::new());
        header.push("Left out: the stack model cannot express these (each line says what to do instead):".into());
        for problem in &cx.left_out {
            header.push(format!("- {}", display(problem)));
        }
    }
    let mut body = vec![
        Stmt::Let {
            name: Ident::new(""),
            mutable: false,
            value: Expr::Var(Ident::new("env")),
            comment: Some(
                "The compose file describes one environment: every environment gets the same stack (but for services \
                 Compose started only with a profile) until you branch on `env` (replicas, debug flags, hosts)."
                    .into(),
            ),
        },
        Stmt::Let {
            name: stack.clone(),
            mutable: true,
            value: Expr::Call("Stack::new", vec![Expr::str(parts.name)]),
            comment: None,
        },
    ];
    if let Some((project, why)) = parts.project {
        body.push(Stmt::Expr {
            value: Expr::Var(stack.clone()).call("compose_project", vec![Expr::str(project)]),
            comment: Some(why),
        });
    }
    if !cx.secrets.is_empty() {
        body.push(Stmt::Blank);
    }
    for (name, secret) in &cx.secrets {
        let mut value = Expr::Call("Secret::new", vec![Expr::str(name)]);
        if let Some(description) = &secret.description {
            value = value.call("describe", vec![Expr::str(description)]);
        }
        if secret.optional {
            value = value.call("optional", vec![]);
        }
        body.push(Stmt::Let {
            name: secret.ident.clone(),
            mutable: false,
            value: Expr::Var(stack.clone()).call("add_secret", vec![value]),
            comment: None,
        });
    }
    for (declarations, add, used) in
        [(parts.volumes, "add_volume", &cx.volumes), (parts.networks, "add_network", &cx.networks)]
    {
        if !declarations.is_empty() {
            body.push(Stmt::Blank);
        }
        for (name, declaration) in declarations {
            let value = Expr::Var(stack.clone()).call(add, vec![declaration.value]);
            body.push(if used.get(&name).is_some_and(|d| d.used) {
                Stmt::Let { name: declaration.ident, mutable: false, value, comment: declaration.comment }
            } else {
                Stmt::Expr {
                    value,
                    comment: Some(declaration.comment.map_or("declared, not used by any service".into(), |c| {
                        format!("{c}; not used by any service")
                    })),
                }
            });
        }
    }
    let ordered = order(parts.services);
    let forwards: Vec<&String> = ordered.iter().filter(|(_, _, forward)| *forward).map(|(name, _, _)| name).collect();
    if !forwards.is_empty() {
        body.push(Stmt::Blank);
    }
    for name in forwards {
        let info = &cx.services[name];
        if info.referenced {
            body.push(Stmt::Let {
                name: info.ident.clone(),
                mutable: false,
                value: Expr::Var(stack.clone()).call("reference", vec![Expr::str(&info.name)]),
                comment: Some("referred to before it is added: these services refer to each other".into()),
            });
        }
    }
    for (name, mapped, forward) in ordered {
        body.push(Stmt::Blank);
        let info = &cx.services[&name];
        let value = Expr::Var(stack.clone()).call("add_service", vec![mapped.expr]);
        if let Some(method) = info.only_if.filter(|_| !info.referenced) {
            body.push(Stmt::If {
                condition: Expr::Var(Ident::new("env")).call(method, vec![]),
                body: vec![Stmt::Expr { value, comment: None }],
                comment: Some(
                    mapped.comment.map_or(String::new(), |c| format!("{c}; "))
                        + "Compose started it only with its profile",
                ),
            });
            continue;
        }
        body.push(if info.referenced && !forward {
            Stmt::Let { name: info.ident.clone(), mutable: false, value, comment: mapped.comment }
        } else {
            Stmt::Expr { value, comment: mapped.comment }
        });
    }
    body.push(Stmt::Blank);
    Module { header, doc: vec![format!("The `{}` stack in `env`.", parts.name)], name: Ident::new(parts.name), body }
}

/// Services after those they need, in file order otherwise. Services that refer to each other
/// in a cycle come last, in file order, marked to be referred to before they are added.
fn order(mut services: IndexMap<String, Mapped>) -> Vec<(String, Mapped, bool)> {
    let mut out = Vec::new();
    while let Some(i) =
        services.iter().position(|(name, m)| m.needs.iter().all(|n| n == name || !services.contains_key(n)))
    {
        let (name, mapped) = services.shift_remove_index(i).expect("index in range");
        out.push((name, mapped, false));
    }
    out.extend(services.into_iter().map(|(name, mapped)| (name, mapped, true)));
    out
}

/// A finding as one line of the header: `file:line: message. fix.`
pub fn display(problem: &Problem) -> String {
    problem.to_string()
}
