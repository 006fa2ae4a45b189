//! The committed `scenario.schema.json` equals the schema generated from the spec types.

use crate::common::repo;

#[test]
fn committed_schema_is_up_to_date() {
    let path = repo("scenario.schema.json");
    let generated = pointsim::scenario::json_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "scenario.schema.json is out of date with the `*Spec` types in src/scenario/spec.rs;\n\
         regenerate it with `UPDATE_SCHEMA=1 cargo test --test main schema::` and commit the result"
    );
}

#[test]
fn good_example_matches_schema_shape() {
    // every top-level table of the good example is a property of the schema
    let schema: serde_json::Value = serde_json::from_str(&pointsim::scenario::json_schema()).unwrap();
    let text = std::fs::read_to_string("tests/data/good.toml").unwrap();
    let doc: toml::Table = text.parse().unwrap();
    for key in doc.keys() {
        assert!(schema["properties"].get(key).is_some(), "{key} missing from the schema");
    }
}
