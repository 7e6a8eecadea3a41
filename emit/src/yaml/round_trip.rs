//! The writer against readers: every generated tree of mappings, sequences and scalars reads
//! back the same through serde-saphyr, and is written byte for byte as serde-saphyr writes it
//! (so the committed output does not depend on which of the two wrote it).

use proptest::prelude::*;
use serde_json::Value;

/// Strings that test the quoting rules: YAML's other types, indicators, comments, document
/// markers, blocks with leading spaces and trailing newlines.
const TRICKY: &[&str] = &[
    "",
    "~",
    "null",
    "yes",
    "No",
    "on",
    "y",
    "0",
    "-1",
    "0o17",
    "0x1F",
    "1_000",
    "1e3",
    ".5",
    ".inf",
    "-.nan",
    "1:20",
    "12:30:00",
    "2001-12-14",
    "<<",
    "=",
    "-",
    ".",
    "#",
    "?",
    "- a",
    "? a",
    ": a",
    "a: b",
    "a:",
    "a #b",
    "a#b",
    "---",
    "...",
    "--- a",
    "@x",
    "`x",
    "%x",
    "*x",
    "&x",
    "!x",
    "|",
    ">",
    "'x",
    "\"x",
    "[x]",
    "{x}",
    "a,b",
    " a",
    "a ",
    "\t",
    "a\nb",
    "a\nb\n",
    "a\nb\n\n",
    "\n",
    "\n\n",
    "  indented\nx",
    "\n  x\n",
    "x\r\ny",
    "tab\tin",
    "é字",
    "\u{FEFF}x",
    "a\u{2028}b",
    "\u{7f}",
    "line\n\n\nend",
    "trailing \nspace ",
    "http://x:80/y",
    "${VAR:-d}",
    "$(POD)",
];

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(TRICKY).prop_map(str::to_string),
        2 => "[a-z0-9 :#'\"\\-\n\t.{}\\[\\],]{0,14}",
        1 => any::<String>(),
    ]
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        string().prop_map(Value::String),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((string(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

fn written(value: &Value) -> String {
    let mut out = String::new();
    super::writer::write(&mut out, value).expect("a JSON value is always written");
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_tree_reads_back_the_same(value in tree()) {
        let text = written(&value);
        let read: Value = serde_saphyr::from_str(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(read, value, "{}", text);
    }

    #[test]
    fn every_tree_is_written_as_serde_saphyr_writes_it(value in tree()) {
        let ours = written(&value);
        let options = serde_saphyr::ser_options! { prefer_block_scalars: true, folded_wrap_chars: usize::MAX };
        let theirs = serde_saphyr::to_string_with_options(&value, options).expect("serde-saphyr writes it");
        // serde-saphyr's text was trimmed and given one final newline; a `|+` block's trailing
        // blank lines at the very end were lost that way, and are kept now.
        prop_assert_eq!(ours.trim_end(), theirs.trim_end());
    }
}

#[test]
fn shapes_are_laid_out_as_kubernetes_readers_expect() {
    let value = serde_json::json!({
        "spec": {"containers": [{"name": "api", "args": ["-c", "a\nb\n"], "env": []}], "selector": {}},
        "list": [["a", "b"], [], {}],
        "script": "  indented\nnext",
    });
    // serde_json orders keys alphabetically.
    assert_eq!(
        written(&value),
        "list:\n- - a\n  - b\n- []\n- {}\nscript: |2-\n    indented\n  next\n\
         spec:\n  containers:\n  - args:\n    - -c\n    - |\n      a\n      b\n    env: []\n    name: api\n  selector: {}\n"
    );
}

#[test]
fn a_key_that_is_not_a_scalar_is_an_error_not_a_panic() {
    let mut map = std::collections::BTreeMap::new();
    map.insert(vec![1], 2);
    let mut out = String::new();
    let error = super::writer::write(&mut out, &map).expect_err("a sequence key");
    assert!(error.to_string().contains("mapping key"), "{error}");
}

#[test]
fn keys_longer_than_yaml_allows_inline_are_written_explicitly_and_read_back() {
    let long = "k".repeat(1100);
    let value = serde_json::json!({
        &long: {"nested": [1, "two", {"three": 3}], "empty": {}},
        format!("{long}-list"): ["a", ["b"]],
        format!("{long}-scalar"): "text\nwith lines\n",
    });
    let text = written(&value);
    assert!(text.contains(&format!("? {long}\n")), "{text}");
    let read: Value = serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(read, value);
}
