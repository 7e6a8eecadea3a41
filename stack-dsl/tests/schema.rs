//! The committed JSON Schema (`stack-dsl/stack.schema.json`) is what the model's types generate.
//! `UPDATE_GOLDEN=1 cargo test -p stack-dsl --test schema` rewrites it (never when `CI` is set).

use std::path::Path;

#[test]
fn the_committed_schema_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("stack.schema.json");
    let generated = stack_dsl::json_schema();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v != "0");
    if update && std::env::var_os("CI").is_none() {
        std::fs::write(&path, &generated).expect("stack-dsl/ is writable");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "stack-dsl/stack.schema.json is stale: the model's types changed. Regenerate with: \
         UPDATE_GOLDEN=1 cargo test -p stack-dsl --test schema (then review and commit it)"
    );
}

#[test]
fn the_schema_requires_a_name_and_environments_and_refuses_unknown_fields() {
    let schema: serde_json::Value = serde_json::from_str(&stack_dsl::json_schema()).expect("the schema is JSON");
    assert_eq!(schema["title"], "ProjectData");
    let required = schema["required"].as_array().expect("required fields listed");
    assert!(required.contains(&"name".into()) && required.contains(&"environments".into()), "{required:?}");
    assert_eq!(schema["additionalProperties"], false, "a misspelt field is refused");
}
