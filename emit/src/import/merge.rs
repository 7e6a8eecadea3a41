//! Several compose files read as one, the way `docker compose -f base.yaml -f override.yaml`
//! merges them (<https://docs.docker.com/reference/compose-file/merge/>): mappings merge key by
//! key, `command`, `entrypoint` and a health check's `test` are replaced, `environment`,
//! `labels` and build `args` merge by variable name, a service's `volumes` by container path,
//! and other lists are appended without duplicates.

use super::problem::Problem;
use super::tree::{Node, Value};

/// `over` merged onto `base`, `key` being the key both sit under.
pub fn merge(key: &str, base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(mut entries), Value::Map(overrides)) => {
            for (k, v) in overrides {
                match entries.iter().position(|(existing, _)| *existing == k) {
                    Some(i) => {
                        let (_, old) = entries.remove(i);
                        entries.insert(i, (k.clone(), merge(&k, old, v)));
                    }
                    None => entries.push((k, v)),
                }
            }
            Node { value: Value::Map(entries), ..base_position(&base.file, base.line) }
        }
        (base_value, over_value) if matches!(key, "environment" | "labels" | "args") => {
            let as_map = |value: Value, line: usize, file: &std::rc::Rc<str>| {
                let node = Node { value, line, file: file.clone() };
                Node { value: Value::Map(key_values(&node).unwrap_or_default()), ..node }
            };
            let base_node = as_map(base_value, base.line, &base.file);
            let over_node = as_map(over_value, over.line, &over.file);
            merge("", base_node, over_node)
        }
        (Value::Seq(mut items), Value::Seq(more)) if !matches!(key, "command" | "entrypoint" | "test") => {
            for item in more {
                if key == "volumes"
                    && let Some(target) = mount_target(&item)
                    && let Some(i) = items.iter().position(|old| mount_target(old).as_deref() == Some(&target))
                {
                    items[i] = item;
                } else if !items.iter().any(|old| old.value == item.value) {
                    items.push(item);
                }
            }
            Node { value: Value::Seq(items), ..base_position(&base.file, base.line) }
        }
        (_, value) => Node { value, line: over.line, file: over.file },
    }
}

fn base_position(file: &std::rc::Rc<str>, line: usize) -> Node {
    Node { value: Value::Null, line, file: file.clone() }
}

/// The container path of a service's volume entry.
pub fn mount_target(item: &Node) -> Option<String> {
    match &item.value {
        Value::Scalar(text) => {
            let parts: Vec<&str> = text.split(':').collect();
            Some(if parts.len() == 1 { parts[0] } else { parts[1] }.to_string())
        }
        Value::Map(_) => item.get("target")?.scalar().map(Into::into),
        _ => None,
    }
}

/// A mapping, or a list of `KEY=VALUE` (or bare `KEY`, a null value) as the same entries.
pub fn key_values(node: &Node) -> Result<Vec<(String, Node)>, Problem> {
    match &node.value {
        Value::Map(entries) => Ok(entries.clone()),
        Value::Null => Ok(Vec::new()),
        Value::Seq(items) => items
            .iter()
            .map(|item| {
                let text = item.scalar().ok_or_else(|| {
                    item.problem(format!("a list entry here is {}", item.kind()), "Write each entry as KEY=VALUE")
                })?;
                Ok(match text.split_once('=') {
                    Some((k, v)) => (k.to_string(), Node { value: Value::Scalar(v.into()), ..item.clone() }),
                    None => (text.to_string(), Node { value: Value::Null, ..item.clone() }),
                })
            })
            .collect(),
        Value::Scalar(_) => Err(node.problem(
            format!("expected a mapping or a list of KEY=VALUE, found {}", node.kind()),
            "Write it as a mapping",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::tree::parse;

    #[test]
    fn overrides_merge_like_docker_compose() {
        let base = parse(
            "a.yaml",
            "services:\n  api:\n    image: api:1\n    command: [serve]\n    environment: [A=1, B=2]\n    volumes: ['data:/data', './x:/x']\n    ports: ['80:80']\n",
        )
        .unwrap()
        .root;
        let over = parse(
            "b.yaml",
            "services:\n  api:\n    command: [worker]\n    environment: {B: '3'}\n    volumes: ['other:/data']\n    ports: ['443:443']\n",
        )
        .unwrap()
        .root;
        let merged = merge("", base, over);
        let api = merged.get("services").unwrap().get("api").unwrap();
        assert_eq!(api.get("image").unwrap().scalar(), Some("api:1"));
        let Value::Seq(command) = &api.get("command").unwrap().value else { panic!() };
        assert_eq!(command.len(), 1);
        let env: Vec<(&str, Option<&str>)> =
            api.get("environment").unwrap().map().unwrap().iter().map(|(k, v)| (k.as_str(), v.scalar())).collect();
        assert_eq!(env, [("A", Some("1")), ("B", Some("3"))]);
        let volumes: Vec<&str> = match &api.get("volumes").unwrap().value {
            Value::Seq(items) => items.iter().filter_map(Node::scalar).collect(),
            _ => panic!(),
        };
        assert_eq!(volumes, ["other:/data", "./x:/x"]);
        assert_eq!(api.get("command").unwrap().file.as_ref(), "b.yaml");
        let Value::Seq(ports) = &api.get("ports").unwrap().value else { panic!() };
        assert_eq!(ports.len(), 2);
    }
}
