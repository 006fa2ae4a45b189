//! The JSON Schema of scenario files (`scenario.schema.json`), generated from the spec types.

use schemars::generate::SchemaSettings;

use super::spec::FileSpec;

/// The JSON Schema (draft-07, which Taplo checks) of a scenario file, as
/// pretty-printed JSON ending with a newline.
///
/// Generated from the same `*Spec` types the reader fills, with descriptions
/// from their doc comments. The committed `scenario.schema.json` is kept equal
/// to this by a test (`UPDATE_SCHEMA=1 cargo test` rewrites it).
///
/// # Example
///
/// ```
/// let schema = pointsim::scenario::json_schema();
/// assert!(schema.contains("draft-07"));
/// ```
pub fn json_schema() -> String {
    let schema = SchemaSettings::draft07().into_generator().into_root_schema_for::<FileSpec>();
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::super::tables;
    use super::*;

    /// The keys the reader accepts for each table are exactly the schema's properties.
    #[test]
    fn reader_keys_match_schema_properties() {
        let schema: Value = serde_json::from_str(&json_schema()).unwrap();
        for (name, keys) in tables::ALL {
            let def = if *name == "FileSpec" { &schema } else { &schema["definitions"][name] };
            let props: BTreeSet<&str> = def["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{name}"))
                .keys()
                .map(|k| k.as_str())
                .collect();
            let reader: BTreeSet<&str> = keys.iter().map(|k| k.name).collect();
            assert_eq!(reader, props, "reader keys and schema properties differ for {name}");
            let required: BTreeSet<&str> = def["required"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let reader_required: BTreeSet<&str> =
                keys.iter().filter(|k| k.required).map(|k| k.name).collect();
            assert_eq!(reader_required, required, "required keys differ for {name}");
            assert_eq!(def["additionalProperties"], Value::Bool(false), "{name} must deny unknown keys");
        }
    }

    #[test]
    fn schema_is_draft_07() {
        let schema: Value = serde_json::from_str(&json_schema()).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    }
}
