//! The JSON Schema of scenario files (`scenario.schema.json`), generated from the spec types.

use schemars::generate::SchemaSettings;
use serde_json::Value;

use super::spec::FileSpec;

/// The JSON Schema (draft-07, which Taplo checks) of a scenario file, as
/// pretty-printed JSON ending with a newline.
///
/// Generated from the same `*Spec` types the reader fills, with descriptions
/// from their doc comments. An overlay (a file with `extends`) holds only
/// what changes, so the required keys are checked only for a file without
/// `extends` (an `if`/`else` on the root), and entries of arrays of tables
/// accept `remove = true`, which only an overlay may use. The committed `scenario.schema.json` is kept equal
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
    allow_overlays(&mut value);
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

/// Move every `required` list into an `else` branch taken only by files
/// without `extends`, and add `extends` and `remove`, so that Taplo accepts
/// an overlay (which lacks what its base has) and still checks a complete
/// scenario as strictly as before.
fn allow_overlays(root: &mut Value) {
    let defs = root["definitions"].clone();
    let mut strict = requirements(root, &defs).unwrap_or_else(|| Value::Object(Default::default()));
    for def in root["definitions"].as_object_mut().into_iter().flat_map(|m| m.values_mut()) {
        if let Some(map) = def.as_object_mut() {
            map.remove("required");
        }
    }
    let Some(map) = root.as_object_mut() else { return };
    map.remove("required");
    let entries: Vec<String> = defs
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .filter(|name| is_entry(root, name))
        .cloned()
        .collect();
    for name in entries {
        if let Some(props) = root["definitions"][&name]["properties"].as_object_mut() {
            props.insert(
                "remove".to_owned(),
                serde_json::json!({
                    "description": "Overlays only: `remove = true`, with only the `id` (or `name`), removes this entry from the base.",
                    "type": "boolean"
                }),
            );
        }
    }
    let Some(map) = root.as_object_mut() else { return };
    if let Some(props) = map.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            "extends".to_owned(),
            serde_json::json!({
                "description": super::keys::EXTENDS.doc_line(),
                "type": super::keys::EXTENDS.ty,
            }),
        );
    }
    if let Some(obj) = strict.as_object_mut() {
        obj.remove("not");
    }
    map.insert("if".to_owned(), serde_json::json!({ "required": ["extends"] }));
    map.insert("else".to_owned(), strict);
}

/// Whether definition `name` is the item type of an array of tables somewhere in `root`.
fn is_entry(root: &Value, name: &str) -> bool {
    let target = format!("#/definitions/{name}");
    fn walk(v: &Value, target: &str) -> bool {
        match v {
            Value::Object(m) => {
                m.get("items").and_then(|i| i.get("$ref")).is_some_and(|r| r == target)
                    || m.values().any(|x| walk(x, target))
            }
            Value::Array(a) => a.iter().any(|x| walk(x, target)),
            _ => false,
        }
    }
    walk(root, &target)
}

/// The definition a property schema stands for (`$ref`, or a single `allOf` of one).
fn resolve<'a>(v: &'a Value, defs: &'a Value) -> &'a Value {
    let reference =
        v.get("$ref").or_else(|| v.get("allOf").and_then(|a| a.get(0)).and_then(|x| x.get("$ref")));
    match reference.and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
        Some(name) => &defs[name],
        None => v,
    }
}

/// A schema holding only the `required` lists of `v` and of everything
/// under it (entries of arrays of tables also may not say `remove`), or
/// `None` when nothing under it is required.
fn requirements(v: &Value, defs: &Value) -> Option<Value> {
    let v = resolve(v, defs);
    let mut out = serde_json::Map::new();
    if let Some(req) = v.get("required") {
        out.insert("required".to_owned(), req.clone());
    }
    let mut props = serde_json::Map::new();
    for (key, p) in v.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let sub = match p.get("items") {
            Some(items) => requirements(items, defs).map(|mut r| {
                if let Some(m) = r.as_object_mut() {
                    m.insert("not".to_owned(), serde_json::json!({ "required": ["remove"] }));
                }
                serde_json::json!({ "items": r })
            }),
            None => requirements(p, defs),
        };
        if let Some(sub) = sub {
            props.insert(key.clone(), sub);
        }
    }
    if !props.is_empty() {
        out.insert("properties".to_owned(), Value::Object(props));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::keys::ReadTable;
    use super::*;

    /// The steps (property names, `[]` for array items) from the root to where
    /// definition `name` is used, following definitions through `$ref`.
    fn path_to(v: &Value, defs: &Value, name: &str, depth: usize) -> Option<Vec<String>> {
        let target = format!("#/definitions/{name}");
        let v = if depth > 0 { resolve(v, defs) } else { v };
        for (key, p) in v.get("properties").and_then(Value::as_object)? {
            let refers = |x: &Value| {
                x.get("$ref").is_some_and(|r| *r == target)
                    || x.get("allOf")
                        .and_then(|a| a.get(0))
                        .and_then(|a| a.get("$ref"))
                        .is_some_and(|r| *r == target)
            };
            let (here, step): (&Value, Vec<String>) = match p.get("items") {
                Some(items) => (items, vec![key.clone(), "[]".to_owned()]),
                None => (p, vec![key.clone()]),
            };
            if refers(here) {
                return Some(step);
            }
            if depth < 4
                && let Some(rest) = path_to(here, defs, name, depth + 1)
            {
                return Some(step.into_iter().chain(rest).collect());
            }
        }
        None
    }

    /// The keys the reader accepts for each table are exactly the schema's
    /// properties (besides `extends` and `remove`, which the overlay stage
    /// reads), and its required keys are the ones a file without `extends` must have.
    #[test]
    fn reader_keys_match_schema_properties() {
        let schema: Value = serde_json::from_str(&json_schema()).unwrap();
        for table in FileSpec::TABLE.walk() {
            let (name, keys) = (&table.name, table.keys);
            let def = if *name == "FileSpec" { &schema } else { &schema["definitions"][name] };
            let props: BTreeSet<&str> = def["properties"]
                .as_object()
                .unwrap_or_else(|| panic!("{name}"))
                .keys()
                .map(|k| k.as_str())
                .filter(|k| !matches!(*k, "extends" | "remove"))
                .collect();
            let reader: BTreeSet<&str> = keys.iter().map(|k| k.name).collect();
            assert_eq!(reader, props, "reader keys and schema properties differ for {name}");
            assert!(def.get("required").is_none(), "{name}: required keys only in the `else` branch");
            let path = if *name == "FileSpec" {
                vec![]
            } else {
                path_to(&schema, &schema["definitions"], name, 0)
                    .unwrap_or_else(|| panic!("{name} is not used"))
            };
            let mut strict = &schema["else"];
            for step in &path {
                strict = if step == "[]" { &strict["items"] } else { &strict["properties"][step.as_str()] };
            }
            let required: BTreeSet<&str> = strict["required"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let reader_required: BTreeSet<&str> =
                keys.iter().filter(|k| k.required).map(|k| k.name).collect();
            assert_eq!(reader_required, required, "required keys differ for {name}");
            assert_eq!(def["additionalProperties"], Value::Bool(false), "{name} must deny unknown keys");
        }
        assert_eq!(schema["if"]["required"][0], "extends");
        assert_eq!(schema["else"]["properties"]["rule"]["items"]["not"]["required"][0], "remove");
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
