//! The JSON Schema of scenario files (`scenario.schema.json`), generated from the spec types.

use schemars::generate::SchemaSettings;
use serde_json::Value;

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
    let mut value = schema.to_value();
    strip_null(&mut value);
    let mut s = serde_json::to_string_pretty(&value).expect("a schema always serializes");
    s.push('\n');
    s
}

/// TOML has no null: an absent key is how a value is left out. Remove the
/// `null` alternatives schemars adds for `Option` fields, so editors do not offer it.
fn strip_null(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".to_owned(), only);
                }
            }
            if let Some(Value::Array(alts)) = map.get_mut("anyOf") {
                alts.retain(|a| a.get("type").is_none_or(|t| t != "null"));
                if alts.len() == 1 {
                    let alts = map.remove("anyOf").unwrap_or_default();
                    map.insert("allOf".to_owned(), alts);
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

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
    fn schema_has_no_null() {
        assert!(!json_schema().contains("\"null\""));
    }

    #[test]
    fn schema_is_draft_07() {
        let schema: Value = serde_json::from_str(&json_schema()).unwrap();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    }
}
