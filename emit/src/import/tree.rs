//! A YAML document as a tree that remembers the line of every node, with aliases expanded and
//! merge keys (`<<: *defaults`, <https://yaml.org/type/merge.html>) applied, the way
//! `docker compose` reads a file before it looks at the Compose keys.
//!
//! Built from the events of `granit-parser`, the parser `serde-saphyr` uses: serde's data model
//! has no line numbers, and messages about a user's compose file must name the line.

use std::collections::HashMap;
use std::rc::Rc;

use granit_parser::{Event, Options, Parser, ScalarStyle};

use super::problem::Problem;

/// A node of the document and the line (1-based) it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where it starts.
    pub line: usize,
    /// The file it was read from (files given together are merged).
    pub file: Rc<str>,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`, `~` or nothing.
    Null,
    /// A scalar as written (numbers and booleans too; Compose reads them as strings where it
    /// expects strings).
    Scalar(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order, keyed by scalar.
    Map(Vec<(String, Node)>),
}

/// An anchor the document defines (`&name`), which the import expands at every alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// Its name.
    pub name: String,
    /// The line defining it.
    pub line: usize,
}

/// A parsed document and the anchors it used.
#[derive(Debug, Clone)]
pub struct Document {
    /// The root node.
    pub root: Node,
    /// Anchors defined, in document order.
    pub anchors: Vec<Anchor>,
}

impl Node {
    /// The entries of a mapping, or `None`.
    pub fn map(&self) -> Option<&[(String, Node)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.map()?.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The text of a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text) => Some(text),
            _ => None,
        }
    }

    /// A problem located at this node.
    pub fn problem(&self, message: impl Into<String>, fix: impl Into<String>) -> Problem {
        Problem::at(&self.file, self.line, message, fix)
    }

    /// What kind of node it is, for messages.
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Scalar(_) => "a scalar",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

enum Frame {
    Seq { items: Vec<Node>, line: usize, anchor: usize },
    Map { entries: Vec<(String, Node)>, merged: Vec<Node>, key: Option<(String, usize)>, line: usize, anchor: usize },
}

/// Parse `text`, the contents of `file`, into one document.
pub fn parse(file: &str, text: &str) -> Result<Document, Problem> {
    let source: Rc<str> = file.into();
    let mut options = Options::default();
    options.emit_anchor_events = true;
    let mut anchors: Vec<Anchor> = Vec::new();
    let mut anchored: HashMap<usize, Node> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let syntax = |line: usize, message: String| {
        Problem::at(
            file,
            line,
            format!("the file is not valid YAML: {message}"),
            "Fix the syntax at that line (docker compose config shows the same error)",
        )
    };
    for next in Parser::new_from_str_with_options(text, options) {
        let (event, span) = next.map_err(|e| syntax(e.marker().line(), e.info()))?;
        let line = span.start.line();
        let node = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(Problem::at(
                        file,
                        line,
                        "the file holds more than one YAML document",
                        "Keep one document per compose file (remove the `---` separator), or pass each as its own file",
                    ));
                }
                continue;
            }
            Event::Anchor(_, name) => {
                anchors.push(Anchor { name: name.into_owned(), line });
                continue;
            }
            Event::Alias(id) => match anchored.get(&id) {
                Some(node) => Node { value: node.value.clone(), line, file: source.clone() },
                None => return Err(syntax(line, "an alias refers to an anchor that is not defined before it".into())),
            },
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == ScalarStyle::Plain;
                let value = if plain && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                    Value::Null
                } else {
                    Value::Scalar(text.into_owned())
                };
                let node = Node { value, line, file: source.clone() };
                if anchor != 0 {
                    anchored.insert(anchor, node.clone());
                }
                node
            }
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Frame::Seq { items: Vec::new(), line, anchor });
                continue;
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Frame::Map { entries: Vec::new(), merged: Vec::new(), key: None, line, anchor });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq { items, line, anchor }) => {
                    let node = Node { value: Value::Seq(items), line, file: source.clone() };
                    if anchor != 0 {
                        anchored.insert(anchor, node.clone());
                    }
                    node
                }
                _ => return Err(syntax(line, "unbalanced sequence".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map { mut entries, merged, line, anchor, .. }) => {
                    apply_merges(file, &mut entries, merged)?;
                    let node = Node { value: Value::Map(entries), line, file: source.clone() };
                    if anchor != 0 {
                        anchored.insert(anchor, node.clone());
                    }
                    node
                }
                _ => return Err(syntax(line, "unbalanced mapping".into())),
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, merged, key, .. }) => match key.take() {
                None => {
                    let Value::Scalar(name) = node.value else {
                        if node.value == Value::Null {
                            return Err(Problem::at(
                                file,
                                node.line,
                                "a mapping has an empty key",
                                "Give the key a name",
                            ));
                        }
                        return Err(Problem::at(
                            file,
                            node.line,
                            format!("a mapping key is {}", node.kind()),
                            "Compose keys are plain names; write the key as a string",
                        ));
                    };
                    *key = Some((name, node.line));
                }
                Some((name, key_line)) => {
                    if name == "<<" {
                        merged.push(node);
                    } else if entries.iter().any(|(k, _)| *k == name) {
                        return Err(Problem::at(
                            file,
                            key_line,
                            format!("the key `{name}` appears twice in the same mapping"),
                            "Keep one of them (docker compose refuses duplicate keys)",
                        ));
                    } else {
                        // A collection starts on the line after its key; point at the key.
                        entries.push((name, Node { line: key_line, ..node }));
                    }
                }
            },
        }
    }
    let root = root.unwrap_or(Node { value: Value::Null, line: 1, file: source });
    Ok(Document { root, anchors })
}

/// Merge keys: entries of the merged mappings that the mapping does not set itself, earlier
/// merged mappings first (the YAML merge-key rule Compose follows).
fn apply_merges(file: &str, entries: &mut Vec<(String, Node)>, merged: Vec<Node>) -> Result<(), Problem> {
    let mut sources = Vec::new();
    for node in merged {
        match node.value {
            Value::Map(map) => sources.push(map),
            Value::Seq(items) => {
                for item in items {
                    match item.value {
                        Value::Map(map) => sources.push(map),
                        _ => return Err(merge_problem(file, item.line)),
                    }
                }
            }
            _ => return Err(merge_problem(file, node.line)),
        }
    }
    for source in sources {
        for (key, value) in source {
            if !entries.iter().any(|(k, _)| *k == key) {
                entries.push((key, value));
            }
        }
    }
    Ok(())
}

fn merge_problem(file: &str, line: usize) -> Problem {
    Problem::at(
        file,
        line,
        "a merge key (`<<`) is given something other than a mapping",
        "Merge an alias of a mapping (`<<: *defaults`) or a list of them",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keys_expand_with_explicit_keys_winning_and_lines_kept() {
        let text =
            "x-env: &env\n  A: '1'\n  B: '2'\nservices:\n  api:\n    environment:\n      <<: *env\n      B: '3'\n";
        let doc = parse("compose.yaml", text).unwrap();
        let env = doc.root.get("services").unwrap().get("api").unwrap().get("environment").unwrap();
        let keys: Vec<(&str, &str)> =
            env.map().unwrap().iter().map(|(k, v)| (k.as_str(), v.scalar().unwrap())).collect();
        assert_eq!(keys, [("B", "3"), ("A", "1")]);
        assert_eq!(doc.anchors, [Anchor { name: "env".into(), line: 1 }]);
        assert_eq!(doc.root.get("services").unwrap().get("api").unwrap().line, 5);
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_name_the_line() {
        let err = parse("c.yaml", "services:\n  a: [1, 2\n").unwrap_err();
        assert_eq!(err.file, "c.yaml");
        assert!(err.line.is_some());
        let err = parse("c.yaml", "services:\n  a: {}\n  a: {}\n").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("appears twice"));
    }
}
