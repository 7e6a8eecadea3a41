//! The JSON Schema of a stack file ([`ProjectData`]), generated from the model's types by
//! `schemars`, so editors can complete and check stack files. The repository commits it as
//! `stack-dsl/stack.schema.json`, and a test fails when it is stale.

use crate::project_data::ProjectData;

/// The JSON Schema (draft 2020-12) of a stack file, as pretty-printed JSON with a trailing
/// newline. Keys are sorted, so the bytes are the same on every run.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ProjectData);
    // A schema is a tree of JSON values with string keys: serialising it cannot fail.
    crate::project_data::to_json(&schema).expect("a JSON Schema serialises to JSON")
}
