//! A base scenario written as an overlay (`extends = "base.toml"`) as one self-contained TOML document.
//!
//! A sweep changes values of its base scenario's document and writes each
//! cell as a complete file (`cells/<id>.toml`), so the chain of files an
//! overlay extends is merged into one table first, by the rules of
//! `extends` (README, "Reforms as overlays"): tables merge key by key, the
//! overlay winning; arrays of tables merge entry by entry by their
//! identifying key ([`ident_key`]), `remove = true` dropping an entry; an
//! array of tables without identity (a rule's `rate_by_score` bands) and
//! any other value are replaced whole. The scenario reader has checked the
//! chain already; this only rebuilds the merged document for writing.

use toml::{Table, Value};

use super::path::ident_key;
use super::plan::sha256_hex;
use crate::scenario::Loaded;

/// Arrays of tables whose entries an overlay patches by identity.
const BY_IDENTITY: [&str; 11] = [
    "tier",
    "population.group",
    "kind",
    "rule",
    "perk",
    "restriction",
    "list",
    "test",
    "lesson",
    "change",
    "explore.control",
];

/// The document of the scenario `loaded`, with every file of its chain merged in.
///
/// # Errors
///
/// A file of the chain cannot be read again, has changed since it was
/// loaded, or is not a TOML document (one line, for a message).
pub fn document(loaded: &Loaded) -> Result<Table, String> {
    let source = &loaded.source;
    if source.chain.len() <= 1 {
        return source.text.parse().map_err(|e: toml::de::Error| format!("not a TOML document: {e}"));
    }
    let mut merged: Option<Table> = None;
    for f in source.chain.iter().rev() {
        let text = crate::scenario::read_text(std::path::Path::new(&f.file))
            .map_err(|d| format!("cannot read it again: {}", d.message))?;
        if sha256_hex(text.as_bytes()) != f.sha256 {
            return Err(format!("`{}` changed while the sweep was reading it", f.file));
        }
        let mut doc: Table =
            text.parse().map_err(|e: toml::de::Error| format!("`{}` is not a TOML document: {e}", f.file))?;
        doc.remove("extends");
        match merged.as_mut() {
            None => merged = Some(doc),
            Some(base) => merge(base, doc, ""),
        }
    }
    Ok(merged.unwrap_or_default())
}

/// Merge `over` into `base` (both at dotted table path `path`).
fn merge(base: &mut Table, over: Table, path: &str) {
    for (key, value) in over {
        let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        match value {
            Value::Table(t) => match base.get_mut(&key) {
                Some(Value::Table(bt)) => merge(bt, t, &child),
                _ => {
                    base.insert(key, Value::Table(t));
                }
            },
            Value::Array(items)
                if BY_IDENTITY.contains(&child.as_str())
                    && !items.is_empty()
                    && items.iter().all(Value::is_table) =>
            {
                let ident = ident_key(&child, None);
                let entries = match base.remove(&key) {
                    Some(Value::Array(a)) => a,
                    _ => Vec::new(),
                };
                base.insert(key, Value::Array(merge_entries(entries, items, ident)));
            }
            other => {
                base.insert(key, other);
            }
        }
    }
}

/// The base's `entries` patched, extended or reduced by the overlay's `items`.
fn merge_entries(mut entries: Vec<Value>, items: Vec<Value>, ident: &str) -> Vec<Value> {
    let id_of = |v: &Value| v.get(ident).and_then(Value::as_str).map(str::to_owned);
    for item in items {
        let Value::Table(mut t) = item else { continue };
        let id = t.get(ident).and_then(Value::as_str).map(str::to_owned);
        let at = id.as_ref().and_then(|id| entries.iter().position(|e| id_of(e).as_ref() == Some(id)));
        if t.get("remove").and_then(Value::as_bool) == Some(true) {
            if let Some(i) = at {
                entries.remove(i);
            }
            continue;
        }
        t.remove("remove");
        match at {
            Some(i) => {
                if let Value::Table(bt) = &mut entries[i] {
                    // an entry's own tables (rate_by_tier) merge key by key too
                    merge(bt, t, "");
                }
            }
            None => entries.push(Value::Table(t)),
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_merge_by_identity_and_bands_are_replaced() {
        let mut base: Table = r#"
            [scenario]
            name = "b"
            steps = 10
            [[rule]]
            id = "a"
            points = 1
            rate_by_tier = { A = 1.0, B = 2.0 }
            rate_by_score = [{ min = 0, multiplier = 2.0 }, { min = 5, multiplier = 1.0 }]
            [[rule]]
            id = "b"
            points = 2
            [[tier]]
            name = "A"
            min = 0
        "#
        .parse()
        .unwrap();
        let over: Table = r#"
            [scenario]
            name = "o"
            [[rule]]
            id = "a"
            points = 5
            rate_by_tier = { B = 3.0 }
            rate_by_score = [{ min = 0, multiplier = 4.0 }]
            [[rule]]
            id = "b"
            remove = true
            [[rule]]
            id = "c"
            points = 3
        "#
        .parse()
        .unwrap();
        merge(&mut base, over, "");
        assert_eq!(base["scenario"]["name"].as_str(), Some("o"));
        assert_eq!(base["scenario"]["steps"].as_integer(), Some(10), "other keys stay");
        let rules = base["rule"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["a", "c"]);
        assert_eq!(rules[0]["points"].as_integer(), Some(5));
        assert_eq!(rules[0]["rate_by_tier"]["A"].as_float(), Some(1.0));
        assert_eq!(rules[0]["rate_by_tier"]["B"].as_float(), Some(3.0));
        assert_eq!(rules[0]["rate_by_score"].as_array().unwrap().len(), 1, "bands have no identity");
        assert_eq!(base["tier"].as_array().unwrap().len(), 1);
    }
}
