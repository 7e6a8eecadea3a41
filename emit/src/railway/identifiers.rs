//! The TypeScript constants that hold the program's resources: one per resource kind and
//! name, the same in every environment, distinct from each other, from the names the program
//! imports or uses, and from TypeScript's reserved words
//! (<https://tc39.es/ecma262/#sec-keywords-and-reserved-words>). `web-1` and `web1`, or a
//! volume and a service both called `data`, would otherwise share a constant, and the second
//! would silently replace the first.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::ts::identifier;

/// What a resource is, which also names the suffix that sets its constant apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `postgres(..)`, `redis(..)`.
    Database,
    /// `volume(..)`.
    Volume,
    /// `service(..)`.
    Service,
}

impl Kind {
    fn suffix(self) -> &'static str {
        match self {
            Kind::Database => "Db",
            Kind::Volume => "Volume",
            Kind::Service => "Service",
        }
    }
}

/// A resource of the program, by kind and Railway name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// Its kind.
    pub kind: Kind,
    /// Its name on Railway.
    pub name: String,
}

impl Key {
    /// The resource `name` of `kind`.
    pub fn new(kind: Kind, name: impl Into<String>) -> Self {
        Key { kind, name: name.into() }
    }
}

/// Words no constant may be: reserved words of TypeScript in a strict-mode module, and the
/// globals the program reads.
const RESERVED: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "undefined",
    "var",
    "void",
    "while",
    "with",
    "yield",
    "process",
    "ctx",
    "Infinity",
    "NaN",
];

/// The constant of every resource.
#[derive(Debug, Clone, Default)]
pub struct Identifiers(IndexMap<Key, String>);

impl Identifiers {
    /// Constants for `keys`, taken in order (first seen keeps the plain name), avoiding
    /// `taken` (the program's imports and own constants) and reserved words.
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a Key>, taken: &[&str]) -> Self {
        let mut assigned: IndexMap<Key, String> = IndexMap::new();
        // Every constant in use, so that each candidate is checked in constant time.
        let mut used: HashSet<String> = RESERVED.iter().chain(taken).map(|word| word.to_string()).collect();
        for key in keys {
            if assigned.contains_key(key) {
                continue;
            }
            let base = identifier(&key.name);
            let suffixed = format!("{base}{}", key.kind.suffix());
            let constant = [base.clone(), suffixed.clone()]
                .into_iter()
                .chain((2..).map(|n| format!("{suffixed}{n}")))
                .find(|candidate| !used.contains(candidate))
                .unwrap_or(suffixed);
            used.insert(constant.clone());
            assigned.insert(key.clone(), constant);
        }
        Identifiers(assigned)
    }

    /// The constant of `key`; its plain identifier if it was not given one.
    pub fn get(&self, key: &Key) -> String {
        self.0.get(key).cloned().unwrap_or_else(|| identifier(&key.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_names_get_distinct_constants() {
        let keys = [
            Key::new(Kind::Service, "web-1"),
            Key::new(Kind::Service, "web1"),
            Key::new(Kind::Service, "new"),
            Key::new(Kind::Volume, "data"),
            Key::new(Kind::Service, "data"),
            Key::new(Kind::Database, "postgres"),
            Key::new(Kind::Service, "web1-service"),
        ];
        let ids = Identifiers::new(&keys, &["postgres"]);
        let constants: Vec<String> = keys.iter().map(|k| ids.get(k)).collect();
        assert_eq!(
            constants,
            ["web1", "web1Service", "newService", "data", "dataService", "postgresDb", "web1ServiceService"]
        );
    }
}
