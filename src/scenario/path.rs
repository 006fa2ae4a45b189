//! Dotted parameter paths into a scenario document (`rule.volunteering.points`) and setting a value at one.
//!
//! It lives in `scenario`, whose checks of `[[lesson]]` changes use it, and
//! is re-exported as `pointsim::batch::path`, where sweeps and `--set` use it.
//!
//! A path names one value of a scenario file the way a reader would say it:
//!
//! | path | sets |
//! |---|---|
//! | `population.size`, `score.start`, `scenario.steps` | a key of a plain table |
//! | `rule.volunteering.points`, `perk.library.min_tier` | a key of the `[[rule]]` / `[[perk]]` entry with that `id` |
//! | `tier.A.min`, `population.group.rural.share` | a key of the `[[tier]]` / `[[population.group]]` entry with that `name` |
//! | `rule.late_fee.rate_by_tier.B` | a key inside a table of a table entry |
//!
//! Entries of an array of tables are picked by their identifying key
//! ([`ident_key`]: `id` for rules, perks, restrictions and lists, `name` for
//! the others). A segment holding a dot can be quoted: `tier."A.1".min`.
//!
//! Keys are checked against the scenario format (its JSON Schema), entries
//! against the base document, so a typo is caught before anything runs, with
//! the nearest valid path as a suggestion. A key the format knows but the
//! base leaves out (an optional `max_per_year`, a missing `[recovery]`) may
//! be set: it is created. Whether the *value* is right is not checked here:
//! the changed document goes through [`crate::scenario::parse`] like any file.

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value as Json;
use toml::{Table, Value};

use crate::scenario::suggest;

/// A parsed dotted path, e.g. `rule.volunteering.points`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamPath {
    text: String,
    segments: Vec<String>,
}

/// Why a path cannot be used: a one-line message and, often, a hint with the nearest valid path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// What is wrong, lowercase, values in backticks.
    pub message: String,
    /// What to write instead (`did you mean ...?`, or the valid names).
    pub hint: Option<String>,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "; {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PathError {}

fn err(message: String, hint: Option<String>) -> PathError {
    PathError { message, hint }
}

impl ParamPath {
    /// Split `text` into segments at dots outside double quotes.
    ///
    /// # Errors
    ///
    /// An empty path or segment, or an unclosed quote.
    pub fn parse(text: &str) -> Result<ParamPath, PathError> {
        let bad = |why: &str| {
            err(
                format!("`{text}` is not a valid path: {why}"),
                Some("write a dotted path like `rule.volunteering.points` or `population.size`".into()),
            )
        };
        let mut segments = Vec::new();
        let mut cur = String::new();
        let mut chars = text.chars();
        let mut quoted_segment = false;
        while let Some(c) = chars.next() {
            match c {
                '"' if cur.is_empty() && !quoted_segment => {
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some(ch) => cur.push(ch),
                            None => return Err(bad("a quote is not closed")),
                        }
                    }
                    quoted_segment = true;
                }
                '.' => {
                    if cur.is_empty() && !quoted_segment {
                        return Err(bad("it has an empty segment"));
                    }
                    segments.push(std::mem::take(&mut cur));
                    quoted_segment = false;
                }
                _ if quoted_segment => return Err(bad("a quoted segment must end at a dot")),
                _ => cur.push(c),
            }
        }
        if cur.is_empty() && !quoted_segment {
            return Err(bad("it has an empty segment"));
        }
        segments.push(cur);
        Ok(ParamPath { text: text.to_owned(), segments })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Its segments, quotes removed.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The path and value texts of a `PATH=VALUE` written in a scenario (a
/// lesson's or a dated change's `set`), trimmed; `example` is a whole
/// `PATH=VALUE` for the hint, `value_hint` what to say of a missing value.
///
/// # Errors
///
/// No `=`, or nothing after it: a message and a hint.
pub(crate) fn split_set<'a>(
    set: &'a str,
    example: &str,
    value_hint: &str,
) -> Result<(&'a str, &'a str), (String, String)> {
    let Some((path, value)) = set.split_once('=') else {
        return Err((format!("`{set}` has no `=`"), format!("write a path and a value, like `{example}`")));
    };
    let (path, value) = (path.trim(), value.trim());
    if value.is_empty() {
        return Err((format!("`{set}` has no value"), value_hint.to_owned()));
    }
    Ok((path, value))
}

/// A `--set` value: TOML (`10`, `0.5`, `true`, `"AA"`, `[1, 2]`), or else the text as a string (`AA`).
pub fn value_of(text: &str) -> Value {
    format!("v = {text}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(text.to_owned()))
}

/// The key that identifies entries of the array of tables at `array` (a
/// dotted table path such as `rule` or `population.group`): `id` for
/// rules, perks, restrictions and lists, `name` for tiers, groups and kinds.
/// Arrays not listed use `id` when their entries have one, else `name`.
pub fn ident_key(array: &str, entry_schema: Option<&Json>) -> &'static str {
    const KEYS: &[(&str, &str)] = &[
        ("rule", "id"),
        ("perk", "id"),
        ("restriction", "id"),
        ("list", "id"),
        ("tier", "name"),
        ("population.group", "name"),
        ("kind", "name"),
        ("change", "label"),
        ("lesson", "title"),
        ("explore.control", "path"),
    ];
    if let Some((_, k)) = KEYS.iter().find(|(a, _)| *a == array) {
        return k;
    }
    let has_id = entry_schema.and_then(|s| s.get("properties")).is_some_and(|p| p.get("id").is_some());
    if has_id { "id" } else { "name" }
}

/// Check that `path` names a value of `doc` that can be set: every table and
/// key is one the scenario format has, every array entry exists in `doc`.
///
/// # Errors
///
/// The first wrong segment, with the nearest valid path as a hint.
pub fn check(doc: &Table, path: &ParamPath) -> Result<(), PathError> {
    apply(&mut doc.clone(), path, Value::Boolean(false))
}

/// Set the value at `path` in the scenario document `doc` to `value`,
/// creating the key (and plain tables leading to it) when the format allows
/// it but `doc` leaves it out.
///
/// `doc` is a whole scenario file as a TOML table (`text.parse::<toml::Table>()`).
/// The value's type is not checked here: serialise the document and run it
/// through [`crate::scenario::parse`], which reports a wrong value as for any file.
///
/// # Errors
///
/// As [`check`]; `doc` is unchanged then.
///
/// # Example
///
/// ```
/// use pointsim::batch::path::{ParamPath, apply};
/// let mut doc: toml::Table = "[[rule]]\nid = \"volunteering\"\npoints = 3\nrate = 1.0\n".parse().unwrap();
/// let path = ParamPath::parse("rule.volunteering.points").unwrap();
/// apply(&mut doc, &path, toml::Value::Integer(5)).unwrap();
/// assert_eq!(doc["rule"][0]["points"].as_integer(), Some(5));
/// let typo = ParamPath::parse("rule.volunteering.pionts").unwrap();
/// let e = apply(&mut doc, &typo, toml::Value::Integer(5)).unwrap_err();
/// assert_eq!(e.hint.as_deref(), Some("did you mean `rule.volunteering.points`?"));
/// ```
pub fn apply(doc: &mut Table, path: &ParamPath, value: Value) -> Result<(), PathError> {
    let segs = path.segments();
    let root = schema();
    // first pass without changing anything, so an error leaves `doc` as it was
    walk(&mut doc.clone(), root, segs, Value::Boolean(false))?;
    walk(doc, root, segs, value)
}

/// Walk `segs` down from `table` (described by `node`), setting the last one to `value`.
fn walk(table: &mut Table, node: &Json, segs: &[String], value: Value) -> Result<(), PathError> {
    let mut table = table;
    let mut node = resolve(node);
    let mut i = 0;
    // the table path so far without entry ids (`population.group`), for ident_key
    let mut plain: Vec<&str> = Vec::new();
    loop {
        let seg = segs[i].as_str();
        let child = match node.get("properties").and_then(|p| p.get(seg)) {
            Some(c) => resolve(c),
            None => match node.get("additionalProperties") {
                Some(extra @ Json::Object(_)) => resolve(extra),
                _ => return Err(unknown_key(segs, i, node)),
            },
        };
        plain.push(seg);
        let last = i + 1 == segs.len();
        let entries = array_of_tables(child);
        if last {
            if entries.is_some() {
                let example =
                    format!("{}.<{}>.<key>", joined(&segs[..=i]), ident_key(&plain.join("."), entries));
                return Err(err(
                    format!("`{}` is a whole array of tables; vary one key of one entry", joined(segs)),
                    Some(format!("write a path like `{example}`")),
                ));
            }
            table.insert(seg.to_owned(), value);
            return Ok(());
        }
        if let Some(entry_schema) = entries {
            let ident = ident_key(&plain.join("."), Some(entry_schema));
            let id = segs[i + 1].as_str();
            let ids: Vec<String> = match table.get(seg) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|t| t.get(ident).and_then(Value::as_str).map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let Some(pos) = ids.iter().position(|x| x == id) else {
                return Err(unknown_entry(segs, i, ident, &ids));
            };
            if i + 2 == segs.len() {
                return Err(err(
                    format!("`{}` names a whole entry; add the key to vary", joined(segs)),
                    Some(format!("write a path like `{}.<key>`", joined(segs))),
                ));
            }
            let Some(Value::Array(items)) = table.get_mut(seg) else { unreachable!("checked above") };
            let Some(Value::Table(t)) = items.iter_mut().filter(|v| v.is_table()).nth(pos) else {
                return Err(unknown_entry(segs, i, ident, &ids));
            };
            table = t;
            node = resolve(entry_schema);
            i += 2;
            continue;
        }
        if !is_table(child) {
            return Err(err(
                format!("`{}` is a single value; the path cannot go on after it", joined(&segs[..=i])),
                Some(suggest::did_you_mean(&joined(&segs[..=i]))),
            ));
        }
        let entry = table.entry(seg.to_owned()).or_insert_with(|| Value::Table(Table::new()));
        let Value::Table(t) = entry else {
            return Err(err(
                format!("`{}` is not a table in the base scenario", joined(&segs[..=i])),
                Some(format!(
                    "write it as a table in the base, or vary `{}` as a whole",
                    joined(&segs[..=i])
                )),
            ));
        };
        table = t;
        node = child;
        i += 1;
    }
}

/// The segments joined back into a path, quoting those that need it.
fn joined(segs: &[String]) -> String {
    segs.iter()
        .map(|s| if s.contains('.') || s.is_empty() { format!("\"{s}\"") } else { s.clone() })
        .collect::<Vec<_>>()
        .join(".")
}

/// `segs` with segment `i` replaced by `with`.
fn replaced(segs: &[String], i: usize, with: &str) -> String {
    let mut v = segs.to_vec();
    v[i] = with.to_owned();
    joined(&v)
}

fn unknown_key(segs: &[String], i: usize, node: &Json) -> PathError {
    let names: Vec<&str> = node
        .get("properties")
        .and_then(Json::as_object)
        .map_or(Vec::new(), |p| p.keys().map(String::as_str).collect());
    let place = if i == 0 { "a scenario file".to_owned() } else { format!("`{}`", joined(&segs[..i])) };
    let hint = match suggest::nearest(&segs[i], names.iter().copied()) {
        Some(near) => suggest::did_you_mean(&replaced(segs, i, near)),
        None if names.is_empty() => "this path leads to a value that has no keys".to_owned(),
        None => format!("keys of {place} are {}", suggest::list(names)),
    };
    err(format!("unknown key `{}` in {place} (path `{}`)", segs[i], joined(segs)), Some(hint))
}

fn unknown_entry(segs: &[String], i: usize, ident: &str, ids: &[String]) -> PathError {
    let array = joined(&segs[..=i]);
    let id = &segs[i + 1];
    let hint = match suggest::nearest(id, ids.iter().map(String::as_str)) {
        Some(near) => suggest::did_you_mean(&replaced(segs, i + 1, near)),
        None if ids.is_empty() => format!("the base scenario has no `[[{array}]]` entries"),
        None => format!(
            "the base scenario's `[[{array}]]` entries are {}",
            suggest::list(ids.iter().map(String::as_str))
        ),
    };
    err(
        format!("the base scenario has no `[[{array}]]` with {ident} `{id}` (path `{}`)", joined(segs)),
        Some(hint),
    )
}

/// The scenario format's JSON Schema, parsed once.
fn schema() -> &'static Json {
    static SCHEMA: OnceLock<Json> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(&crate::scenario::json_schema()).expect("the generated schema is valid JSON")
    })
}

/// Follow `$ref` and single-entry `allOf` wrappers to the schema that describes a value.
fn resolve(node: &Json) -> &Json {
    let mut node = node;
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Json::as_str) {
            let name = r.rsplit('/').next().unwrap_or_default();
            match schema().get("definitions").and_then(|d| d.get(name)) {
                Some(n) => node = n,
                None => return node,
            }
        } else if let Some(Json::Array(all)) = node.get("allOf")
            && all.len() == 1
        {
            node = &all[0];
        } else {
            break;
        }
    }
    node
}

/// The entry schema when `node` is an array whose items are tables.
fn array_of_tables(node: &Json) -> Option<&Json> {
    let items = resolve(node.get("items")?);
    is_table(items).then_some(items)
}

/// Whether `node` describes a table (an object with properties or a map).
fn is_table(node: &Json) -> bool {
    node.get("properties").is_some() || matches!(node.get("additionalProperties"), Some(Json::Object(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[scenario]
name = "b"
steps = 12
[score]
start = 100
[[tier]]
name = "A"
min = 100
[[tier]]
name = "B"
min = 0
[population]
size = 10
[[population.group]]
name = "urban"
share = 0.5
[[population.group]]
name = "rural"
share = 0.5
[[rule]]
id = "volunteering"
points = 3
rate = 1.0
[[perk]]
id = "library"
min_tier = "A"
"#;

    fn doc() -> Table {
        BASE.parse().unwrap()
    }

    fn set(path: &str, v: Value) -> Result<Table, PathError> {
        let mut d = doc();
        apply(&mut d, &ParamPath::parse(path)?, v)?;
        Ok(d)
    }

    #[test]
    fn sets_plain_keys_entries_and_map_keys() {
        let d = set("population.size", Value::Integer(99)).unwrap();
        assert_eq!(d["population"]["size"].as_integer(), Some(99));
        let d = set("rule.volunteering.points", Value::Integer(7)).unwrap();
        assert_eq!(d["rule"][0]["points"].as_integer(), Some(7));
        let d = set("population.group.rural.share", Value::Float(0.25)).unwrap();
        assert_eq!(d["population"]["group"][1]["share"].as_float(), Some(0.25));
        let d = set("tier.B.min", Value::Integer(-5)).unwrap();
        assert_eq!(d["tier"][1]["min"].as_integer(), Some(-5));
        // absent in the base but known to the format: created
        let d = set("rule.volunteering.rate_by_tier.B", Value::Float(2.0)).unwrap();
        assert_eq!(d["rule"][0]["rate_by_tier"]["B"].as_float(), Some(2.0));
        let d = set("recovery.drift", Value::Integer(1)).unwrap();
        assert_eq!(d["recovery"]["drift"].as_integer(), Some(1));
        // the result is still a scenario that reads
        crate::scenario::parse(&toml::to_string(&d).unwrap(), "x.toml").unwrap();
    }

    #[test]
    fn typos_get_the_nearest_path() {
        let hint = |p: &str| set(p, Value::Integer(1)).unwrap_err().hint.unwrap_or_default();
        assert_eq!(hint("rule.volunteering.pionts"), "did you mean `rule.volunteering.points`?");
        assert_eq!(hint("rule.volunteer.points"), "did you mean `rule.volunteering.points`?");
        assert_eq!(hint("rules.volunteering.points"), "did you mean `rule.volunteering.points`?");
        assert_eq!(hint("population.group.urbn.share"), "did you mean `population.group.urban.share`?");
        assert_eq!(hint("perk.librar.min_tier"), "did you mean `perk.library.min_tier`?");
        assert!(hint("rule.zzz.points").contains("`volunteering`"), "{}", hint("rule.zzz.points"));
        let e = set("rule.volunteering", Value::Integer(1)).unwrap_err();
        assert!(e.message.contains("whole entry"), "{e}");
        let e = set("score.start.x", Value::Integer(1)).unwrap_err();
        assert!(e.message.contains("single value"), "{e}");
        let e = set("tier", Value::Integer(1)).unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("write a path like `tier.<name>.<key>`"));
    }

    #[test]
    fn reaches_kinds_lists_households_and_expiry() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/scenarios/debt_blacklist.toml"
        ))
        .unwrap();
        let base: Table = text.parse().unwrap();
        let set = |path: &str, v: Value| {
            let mut d = base.clone();
            apply(&mut d, &ParamPath::parse(path).unwrap(), v).map(|()| d)
        };
        let d = set("list.debtors.duration", Value::Integer(100)).unwrap();
        assert_eq!(d["list"][0]["duration"].as_integer(), Some(100));
        let d = set("list.debtors.inherit_probability", Value::Float(0.25)).unwrap();
        assert_eq!(d["list"][0]["inherit_probability"].as_float(), Some(0.25));
        let d = set("kind.company.share", Value::Float(0.3)).unwrap();
        assert_eq!(d["kind"][1]["share"].as_float(), Some(0.3));
        let d = set("rule.court_debt.error_rate", Value::Float(0.2)).unwrap();
        assert_eq!(d["rule"][0]["error_rate"].as_float(), Some(0.2));
        let d = set("recovery.expire_after.judicial", Value::Integer(90)).unwrap();
        assert_eq!(d["recovery"]["expire_after"]["judicial"].as_integer(), Some(90));
        let d = set("population.households.sizes", Value::Array(vec![Value::Float(0.5), Value::Float(0.5)]))
            .unwrap();
        assert_eq!(d["population"]["households"]["sizes"].as_array().map(Vec::len), Some(2));
        // every one of them still reads (a kind's share must add up: set both)
        let mut d = set("kind.company.share", Value::Float(0.3)).unwrap();
        apply(&mut d, &ParamPath::parse("kind.citizen.share").unwrap(), Value::Float(0.7)).unwrap();
        apply(&mut d, &ParamPath::parse("list.debtors.duration").unwrap(), Value::Integer(100)).unwrap();
        crate::scenario::parse(&toml::to_string(&d).unwrap(), "x.toml").unwrap();
        // typos are caught with the nearest entry or key
        let hint = |p: &str| set(p, Value::Integer(1)).unwrap_err().hint.unwrap_or_default();
        assert_eq!(hint("list.debtor.duration"), "did you mean `list.debtors.duration`?");
        assert_eq!(hint("list.debtors.durration"), "did you mean `list.debtors.duration`?");
        assert_eq!(hint("kind.compnay.start"), "did you mean `kind.company.start`?");
    }

    #[test]
    fn an_error_leaves_the_document_unchanged() {
        let mut d = doc();
        let p = ParamPath::parse("recovery.nope").unwrap();
        assert!(apply(&mut d, &p, Value::Integer(1)).is_err());
        assert_eq!(d, doc());
    }

    #[test]
    fn parses_quoted_segments() {
        let p = ParamPath::parse(r#"tier."A.1".min"#).unwrap();
        assert_eq!(p.segments(), ["tier", "A.1", "min"]);
        for bad in ["", "a..b", ".a", "a.", r#"a."b"#, r#"a."b"c"#] {
            assert!(ParamPath::parse(bad).is_err(), "{bad}");
        }
    }
}
