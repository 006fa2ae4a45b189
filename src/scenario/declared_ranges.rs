//! The range declared for a key (`range(min = .., max = ..)` in `spec.rs`,
//! shown by the schema and the format reference) is the one the checks
//! enforce: for every numeric key, a small scenario with the value at each
//! declared bound has no error at that value, one with the value just
//! outside has one there, and one with the most extreme value on a side the
//! declaration leaves open has none. A check with bounds of its own, a bound
//! the declaration lacks, or a declared range that no check enforces, fails here.

use std::ops::Range;

use toml::de::DeTable;
use toml::{Table, Value};

use super::diag::Diagnostics;
use super::keys::{Key, ReadTable, Table as Keys};
use super::read::{Reader, Spans};
use super::spec::FileSpec;
use super::{overlay, parse, tables};

/// A valid scenario with one entry of every array of tables (two groups and
/// two kinds, so that a share at a bound breaks only the sum reported at the
/// last one) and every key whose context another key needs (a rule with
/// wrongful records for the appeal keys, households for an inherited list).
const BASE: &str = r#"
schema_version = 1

[scenario]
name = "ranges"
steps = 10
seed = 0

[score]
start = 0

[[tier]]
name = "A"
min = 0

[population]
size = 100

[[population.group]]
name = "g"
kind = "citizen"
share = 0.5
start = 0
rate_multiplier = { r = 1.0 }

[[population.group]]
name = "h"
kind = "citizen"
share = 0.5

[population.households]
sizes = [0.5, 0.5]
kind = "citizen"

[[kind]]
name = "citizen"
share = 0.5
start = 0

[[kind]]
name = "firm"
share = 0.5

[[rule]]
id = "r"
points = 1
rate = 1.0
max_per_year = 10
category = "c"
error_rate = 0.5
appeal_rate = 0.5
appeal_success = 0.5
appeal_delay = 1
rate_by_tier = { A = 1.0 }
rate_by_score = [{ min = 0, multiplier = 1.0 }]

[[perk]]
id = "p"
min_score = 0

[[restriction]]
id = "x"
max_score = 0

[[list]]
id = "l"
enter_on = "r"
enter_count = 1
enter_within = 5
duration = 5
clear_after_clean = 5
points = 0
inherited_by = "household"
inherit_probability = 0.5

[recovery]
restore_after = 5
drift = 1
expire_after = { c = 5 }
repair_max_per_year = 10

[report]
bin_width = 10
snapshot_every = 1

[[change]]
label = "c"
at = 1
set = ["rule.r.points=2"]

[[test]]
name = "t"
group = "g"

[[test.events]]
step = 0
rule = "r"
count = 1

[[test.expect]]
step = 0
score = 0
"#;

/// Keys that exclude others of their table: `(table, key, keys removed before it is set)`.
const EXCLUDES: &[(&str, &str, &[&str])] = &[
    ("KindSpec", "count", &["share"]),
    ("ListSpec", "enter_below", &["enter_on"]),
    ("ListSpec", "enter_at_least", &["enter_on"]),
];

/// Keys whose bound the declaration cannot state, as it depends on another
/// value: `(table, key)`. A rule test's steps, and a change's `at`, are below `scenario.steps`.
const DYNAMIC: &[(&str, &str)] = &[("TestEventSpec", "step"), ("ExpectSpec", "step"), ("ChangeSpec", "at")];

/// Tables whose numbers have no fixed range at all: the range of an explore
/// control is relative to the scenario's value (`explore.rs` tests it).
const RELATIVE: &[&str] = &["ExploreControlSpec"];

/// A numeric key to try: the value's path, where its table is in the TOML
/// document (`["rule", "0"]`), and its key.
struct Case {
    path: String,
    at: Vec<String>,
    table: &'static str,
    key: &'static Key,
}

/// Every numeric key under `table` (at `path`, found in the document at `at`):
/// integers, numbers, arrays of numbers and maps (all of numbers).
fn cases(table: &'static Keys, path: &str, at: &[String], out: &mut Vec<Case>) {
    for k in table.keys {
        let p = if path.is_empty() { k.name.to_owned() } else { format!("{path}.{}", k.name) };
        let mut here = at.to_vec();
        here.push(k.name.to_owned());
        match k.sub {
            Some(sub) if k.ty == "array of tables" => {
                here.push("0".to_owned());
                cases(sub, &format!("{p}[0]"), &here, out);
            }
            Some(sub) => cases(sub, &p, &here, out),
            None if matches!(k.ty, "integer" | "number" | "array of numbers" | "table") => {
                out.push(Case { path: p, at: at.to_vec(), table: table.name, key: k })
            }
            None => {}
        }
    }
}

/// The table at `at` in `doc`.
fn table_at<'d>(doc: &'d mut Table, at: &[String]) -> Option<&'d mut Table> {
    let mut t = doc;
    let mut i = 0;
    while i < at.len() {
        let v = t.get_mut(&at[i])?;
        let v = match (v, at.get(i + 1).and_then(|n| n.parse::<usize>().ok())) {
            (Value::Array(items), Some(n)) => {
                i += 1;
                items.get_mut(n)?
            }
            (v, _) => v,
        };
        t = v.as_table_mut()?;
        i += 1;
    }
    Some(t)
}

/// The span of the value at `path` in `text`, as the reader records it.
fn span_of(text: &str, path: &str) -> Option<Range<usize>> {
    let (doc, _) = DeTable::parse_recoverable(text);
    let doc = overlay::shift_table(doc.into_inner(), 0);
    let mut r = Reader { text, diags: Diagnostics::new("ranges.toml", text), spans: Spans::new() };
    tables::read_file(&mut r, &doc, 0..0);
    r.spans.get(path).cloned()
}

/// The messages of the errors reported at the value at `path` of `text`
/// (by the scenario's checks or by those of its rule tests).
fn errors_at(text: &str, path: &str) -> Result<Vec<String>, String> {
    let span = span_of(text, path).ok_or_else(|| format!("`{path}` was not read from\n{text}"))?;
    let diags = match parse(text, "ranges.toml") {
        Ok(loaded) => loaded.test_errors,
        Err(diags) => diags,
    };
    Ok(diags
        .items()
        .iter()
        .filter(|d| d.is_error() && d.span.as_ref() == Some(&span))
        .map(|d| d.message.clone())
        .collect())
}

/// The scenario text with `case` set to `x`, and the path of the value.
fn with_value(base: &Table, case: &Case, x: &Value) -> Result<(String, String), String> {
    let mut doc = base.clone();
    let missing = || format!("the base scenario has no table at `{}`; add one", case.at.join("."));
    let t = table_at(&mut doc, &case.at).ok_or_else(missing)?;
    for (_, _, gone) in EXCLUDES.iter().filter(|(tb, k, _)| *tb == case.table && *k == case.key.name) {
        gone.iter().for_each(|g| drop(t.remove(*g)));
    }
    let name = case.key.name;
    let path = match case.key.ty {
        // a map: its first entry
        "table" => {
            let no_entry = || format!("the base scenario has no entry in `{}`; add one", case.path);
            let map = t.get_mut(name).and_then(Value::as_table_mut).ok_or_else(no_entry)?;
            let (entry, old) = map.iter_mut().next().ok_or_else(no_entry)?;
            *old = x.clone();
            format!("{}.{entry}", case.path)
        }
        // an array of numbers: `x` first, the rest keeping the sum (`sizes` sums to 1)
        "array of numbers" => {
            let no_items = || format!("the base scenario has no items in `{}`; add some", case.path);
            let items = t.get(name).and_then(Value::as_array).ok_or_else(no_items)?;
            let sum: f64 = items.iter().filter_map(Value::as_float).sum();
            let x = x.as_float().unwrap_or_default();
            t.insert(name.to_owned(), Value::Array(vec![Value::Float(x), Value::Float(sum - x)]));
            case.path.clone()
        }
        _ => {
            t.insert(name.to_owned(), x.clone());
            case.path.clone()
        }
    };
    Ok((toml::to_string(&doc).map_err(|e| e.to_string())?, path))
}

#[test]
fn every_declared_range_is_the_one_the_checks_enforce() {
    let base: Table = toml::from_str(BASE).unwrap();
    let text = toml::to_string(&base).unwrap();
    let loaded =
        parse(&text, "ranges.toml").unwrap_or_else(|d| panic!("the base fails:\n{}", d.render(false)));
    assert!(!loaded.test_errors.has_errors(), "the base's test fails:\n{}", loaded.test_errors.render(false));

    let mut all = Vec::new();
    cases(FileSpec::TABLE, "", &[], &mut all);
    assert!(all.len() > 40, "only {} numeric keys found", all.len());
    let mut wrong = Vec::new();
    for case in all.iter().filter(|c| !RELATIVE.contains(&c.table)) {
        // each bound, and the value just beyond it (`by` is -1 below, 1 above)
        let int = case.key.ty == "integer" || is_int_map(&base, case);
        let at = |b: f64, by: i64| match int {
            true => Value::Integer(b as i64 + by),
            false => Value::Float(b + by as f64 * b.abs().max(1.0) * 1e-6),
        };
        // on an open side, the most extreme value
        let (least, most) = match int {
            true => (Value::Integer(i64::MIN), Value::Integer(i64::MAX)),
            false => (Value::Float(-f64::MAX), Value::Float(f64::MAX)),
        };
        let dynamic = DYNAMIC.contains(&(case.table, case.key.name));
        let (bound, beyond, open) =
            ("at a declared bound", "beyond a declared bound", "where no bound is declared");
        let mut tries = Vec::new();
        match case.key.range.0 {
            Some(lo) => tries.extend([(at(lo, 0), bound), (at(lo, -1), beyond)]),
            None => tries.push((least, open)),
        }
        match case.key.range.1 {
            Some(hi) => tries.extend([(at(hi, 0), bound), (at(hi, 1), beyond)]),
            None if !dynamic => tries.push((most, open)),
            None => {}
        }
        for (x, what) in tries {
            let found =
                with_value(&base, case, &x).and_then(|(text, path)| Ok((errors_at(&text, &path)?, path)));
            match found {
                Err(e) => wrong.push(e),
                Ok((errors, path)) if what != beyond && !errors.is_empty() => {
                    wrong.push(format!("`{path} = {x}`, {what}, is rejected: {errors:?}"))
                }
                Ok((errors, path)) if what == beyond && errors.is_empty() => {
                    wrong.push(format!("`{path} = {x}`, {what}, is accepted"))
                }
                Ok(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "the declared ranges and the checks disagree:\n{}", wrong.join("\n"));
}

/// Whether the map at `case` holds integers in the base.
fn is_int_map(base: &Table, case: &Case) -> bool {
    let mut doc = base.clone();
    table_at(&mut doc, &case.at)
        .and_then(|t| t.get(case.key.name).and_then(Value::as_table).cloned())
        .and_then(|m| m.values().next().map(Value::is_integer))
        .unwrap_or(false)
}
