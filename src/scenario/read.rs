//! Walking the parsed TOML document: typed values, unknown and missing keys, every problem collected.
//!
//! The reader never stops at the first problem: each value is deserialized on
//! its own (`T::deserialize(ValueDeserializer::from(value))`), so a wrong type
//! in one field does not hide the others. Spans of every value read are kept
//! by dotted path (`population.size`, `tier[0].min`) for later checks.

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::diag::{Diagnostic, Diagnostics};
use super::keys::Key;
use super::suggest;

/// Value spans by dotted path.
pub(crate) type Spans = BTreeMap<String, Range<usize>>;

/// One TOML table being read, with how to name it in messages.
pub(crate) struct Table<'a, 'i> {
    /// Dotted path for the span map, e.g. `rule[2]`.
    pub path: String,
    /// How messages name it: `` `[scenario]` `` or ``rule `volunteering` ``.
    pub what: String,
    /// Whether it is one entry of an array of tables.
    entry: bool,
    /// The table header (or the inline table).
    pub header: Range<usize>,
    /// Its entries.
    pub table: &'a DeTable<'i>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// The whole document.
    pub fn root(table: &'a DeTable<'i>, whole: Range<usize>) -> Self {
        Table { path: String::new(), what: "the file".to_owned(), entry: false, header: whole, table }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
    }

    /// How a message names one of its keys: `` `scenario.steps` `` or ``` `points` in rule `x` ```.
    pub fn key_desc(&self, key: &str) -> String {
        if self.entry { format!("`{key}` in {}", self.what) } else { format!("`{}`", self.key_path(key)) }
    }

    /// The dotted path of one of its keys.
    pub fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() { key.to_owned() } else { format!("{}.{key}", self.path) }
    }
}

/// A TOML value type the reader can ask for.
pub(crate) trait Expect: Sized + for<'de> Deserialize<'de> {
    /// What the value should be, for messages: `an integer`.
    const EXPECTED: &'static str;
}

impl Expect for String {
    const EXPECTED: &'static str = "a string";
}
impl Expect for i64 {
    const EXPECTED: &'static str = "an integer";
}
impl Expect for f64 {
    const EXPECTED: &'static str = "a number";
}
impl Expect for bool {
    const EXPECTED: &'static str = "`true` or `false`";
}
impl Expect for Vec<String> {
    const EXPECTED: &'static str = "an array of strings";
}
impl Expect for Vec<f64> {
    const EXPECTED: &'static str = "an array of numbers";
}

/// The walker: the text, the problems found so far and the spans of values read.
pub(crate) struct Reader<'t> {
    /// The file text.
    pub text: &'t str,
    /// Problems found so far.
    pub diags: Diagnostics,
    /// Spans of values read successfully.
    pub spans: Spans,
}

impl<'t> Reader<'t> {
    /// Report a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Report every key of `t` that is not in `keys`, with the nearest valid one.
    pub fn unknown_keys(&mut self, t: &Table, keys: &[Key]) {
        for (k, v) in t.table.iter() {
            let name: &str = k.get_ref();
            if keys.iter().any(|key| key.name == name) {
                continue;
            }
            let shown = self.written_as(name, v);
            let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
            let hint = if t.path.is_empty() {
                let root_form =
                    |near: &str| keys.iter().find(|k| k.name == near).map_or(String::new(), Key::root_form);
                suggest::key_hint(name, &names, root_form)
            } else {
                suggest::key_hint(name, &names, suggest::quoted)
            };
            let what = if t.path.is_empty() { String::new() } else { format!(" in {}", t.what) };
            let noun = if shown.starts_with("`[") { "table" } else { "key" };
            self.push(
                Diagnostic::error(format!("unknown {noun} {shown}{what}"))
                    .with_span(k.span())
                    .with_hint(hint),
            );
        }
    }

    /// How a key looks in the file: `` `[[rules]]` ``, `` `[score2]` `` or `` `pionts` ``.
    fn written_as(&self, name: &str, v: &Spanned<DeValue>) -> String {
        let src = self.text.get(v.span()).unwrap_or("");
        if matches!(v.get_ref(), DeValue::Table(_) | DeValue::Array(_)) && src.starts_with("[[") {
            format!("`[[{name}]]`")
        } else if matches!(v.get_ref(), DeValue::Table(_)) && src.starts_with('[') {
            format!("`[{name}]`")
        } else {
            format!("`{name}`")
        }
    }

    /// Report a missing required key of `t`, at its header.
    pub fn missing(&mut self, t: &Table, key: &Key) {
        let msg = if t.entry {
            format!("{} has no `{}`", t.what, key.name)
        } else {
            format!("missing key `{}` in {}", key.name, t.what)
        };
        self.push(
            Diagnostic::error(msg)
                .with_span(t.header.clone())
                .with_label(format!("`{}` is required here", key.name))
                .with_hint(format!("add a line like `{}` to this table", key.example)),
        );
    }

    /// Read an optional value of type `T`, reporting a wrong type.
    pub fn opt<T: Expect>(&mut self, t: &Table, key: &str) -> Option<T> {
        let v = t.get(key)?;
        self.value(v, &t.key_desc(key), &t.key_path(key), key)
    }

    /// Read a required value of type `T`, reporting it missing or of a wrong type.
    pub fn req<T: Expect>(&mut self, t: &Table, key: &Key) -> Option<T> {
        if key.required && t.get(key.name).is_none() {
            self.missing(t, key);
        }
        self.opt(t, key.name)
    }

    /// Deserialize one value; on success remember its span under `path`.
    /// `key` is the key as written, for the hint.
    pub fn value<T: Expect>(&mut self, v: &Spanned<DeValue>, desc: &str, path: &str, key: &str) -> Option<T> {
        match T::deserialize(ValueDeserializer::from(v.clone())) {
            Ok(x) => {
                self.spans.insert(path.to_owned(), v.span());
                Some(x)
            }
            Err(_) => {
                self.wrong_type(v, desc, T::EXPECTED, key);
                None
            }
        }
    }

    /// Report that `v` is not what `desc` needs.
    pub fn wrong_type(&mut self, v: &Spanned<DeValue>, desc: &str, expected: &str, key: &str) {
        let (found, hint) = match (v.get_ref(), expected) {
            (DeValue::Float(_), "an integer") => {
                ("a fractional number", "write a whole number without a decimal point, like `2`".to_owned())
            }
            (DeValue::String(s), "an integer" | "a number") if s.trim().parse::<f64>().is_ok() => {
                ("a string", format!("remove the quotes: write `{}`", s.trim()))
            }
            (DeValue::Integer(_), "an integer" | "a number") => {
                ("an integer that is too large", "integers must fit in 64 bits".to_owned())
            }
            (DeValue::String(s), "`true` or `false`") if matches!(&**s, "true" | "false") => {
                ("a string", format!("remove the quotes: write `{s}`"))
            }
            (DeValue::Array(_), "an array of strings") => {
                ("an array with a value that is not a string", "put every item in quotes".to_owned())
            }
            (other, _) => (kind(other), example(expected, key)),
        };
        self.push(
            Diagnostic::error(format!("expected {expected} for {desc}, found {found}"))
                .with_span(v.span())
                .with_hint(hint),
        );
    }

    /// The table under `key` of `parent`, or a report that it is missing or not a table.
    pub fn table<'a, 'i>(
        &mut self,
        parent: &Table<'a, 'i>,
        key: &str,
        required: Option<&Key>,
    ) -> Option<Table<'a, 'i>> {
        let path = parent.key_path(key);
        let what = format!("`[{path}]`");
        let Some(v) = parent.get(key) else {
            if let Some(Key { example, .. }) = required {
                self.push(
                    Diagnostic::error(format!("missing table {what}"))
                        .with_span(0..0)
                        .with_label(format!("the file has no {what} table"))
                        .with_hint(format!(
                            "add a `[{path}]` table with at least `{}`",
                            example.replace('\n', "` and `")
                        )),
                );
            }
            return None;
        };
        match v.get_ref() {
            DeValue::Table(table) => {
                self.spans.insert(path.clone(), v.span());
                Some(Table { path, what, entry: false, header: v.span(), table })
            }
            other => {
                self.push(
                    Diagnostic::error(format!("expected a table for `{path}`, found {}", kind(other)))
                        .with_span(v.span())
                        .with_hint(format!("write it as a table: a line `[{path}]` followed by its keys")),
                );
                None
            }
        }
    }

    /// The entries of the array of tables under `key` (`[[key]]`), each named by its
    /// `ident` key (`id` or `name`) in messages as `noun `ident``.
    pub fn array<'a, 'i>(
        &mut self,
        parent: &Table<'a, 'i>,
        key: &str,
        noun: &str,
        ident: &str,
    ) -> Vec<Table<'a, 'i>> {
        let path = parent.key_path(key);
        let Some(v) = parent.get(key) else { return Vec::new() };
        let items = match v.get_ref() {
            DeValue::Array(items) => items,
            other => {
                let hint = format!("write each entry as a `[[{path}]]` header followed by its keys");
                let found = if matches!(other, DeValue::Table(_)) { "a single table" } else { kind(other) };
                self.push(
                    Diagnostic::error(format!("expected an array of tables for `{path}`, found {found}"))
                        .with_span(v.span())
                        .with_hint(hint),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let DeValue::Table(table) = item.get_ref() else {
                self.push(
                    Diagnostic::error(format!(
                        "expected a table in `{path}`, found {}",
                        kind(item.get_ref())
                    ))
                    .with_span(item.span())
                    .with_hint(format!("write each entry as a `[[{path}]]` header followed by its keys")),
                );
                continue;
            };
            let name =
                table.iter().find(|(k, _)| k.get_ref() == ident).and_then(|(_, v)| match v.get_ref() {
                    DeValue::String(s) if !s.is_empty() => Some(s.to_string()),
                    _ => None,
                });
            let what = entry_what(noun, &path, i, name.as_deref());
            self.spans.insert(format!("{path}[{i}]"), item.span());
            out.push(Table { path: format!("{path}[{i}]"), what, entry: true, header: item.span(), table });
        }
        out
    }

    /// A table of numbers under `key` (e.g. `rate_by_tier`), each value's span kept.
    pub fn number_map(&mut self, t: &Table, key: &str) -> BTreeMap<String, f64> {
        self.map(t, key, "a table of numbers")
    }

    /// A table of integers under `key` (like `expire_after = { judicial = 1825 }`).
    pub fn int_map(&mut self, t: &Table, key: &str) -> BTreeMap<String, i64> {
        self.map(t, key, "a table of integers")
    }

    fn map<T: Expect>(&mut self, t: &Table, key: &str, expected: &str) -> BTreeMap<String, T> {
        let mut out = BTreeMap::new();
        let Some(v) = t.get(key) else { return out };
        let DeValue::Table(map) = v.get_ref() else {
            self.wrong_type(v, &t.key_desc(key), expected, key);
            return out;
        };
        self.spans.insert(t.key_path(key), v.span());
        for (k, val) in map.iter() {
            let name: &str = k.get_ref();
            let desc = if t.entry { format!("`{key}.{name}` in {}", t.what) } else { t.key_desc(name) };
            if let Some(x) = self.value::<T>(val, &desc, &format!("{}.{name}", t.key_path(key)), name) {
                self.spans.insert(format!("{}.{name}#key", t.key_path(key)), k.span());
                out.insert(name.to_owned(), x);
            }
        }
        out
    }
}

/// A hint showing how a value of the `expected` type is written.
fn example(expected: &str, key: &str) -> String {
    match expected {
        "a string" => format!("put the text in double quotes, like `{key} = \"...\"`"),
        "an integer" => format!("write a whole number without quotes, like `{key} = 10`"),
        "a number" => format!("write a number without quotes, like `{key} = 0.5`"),
        "an array of strings" => format!("write a list of quoted strings, like `{key} = [\"...\"]`"),
        "a table of numbers" => format!("write a table of numbers, like `{key} = {{ name = 1.5 }}`"),
        "a table of integers" => format!("write a table of whole numbers, like `{key} = {{ name = 365 }}`"),
        "an array of numbers" => format!("write a list of numbers, like `{key} = [0.5, 0.5]`"),
        _ => format!("write `{key} = true` or `{key} = false`"),
    }
}

/// `a string`, `an integer`, ... for messages.
pub(crate) fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// How messages name entry `i` of an array of tables: ``rule `x` `` when it has an
/// id or name, else ``the 3rd `[[rule]]` ``.
pub(crate) fn entry_what(noun: &str, path: &str, i: usize, ident: Option<&str>) -> String {
    match ident {
        // a name over the limit (reported on its own) is shortened wherever it is repeated
        Some(n) if n.chars().count() > super::limits::MAX_ID_CHARS => {
            format!("{noun} `{}…`", n.chars().take(40).collect::<String>())
        }
        Some(n) if !n.is_empty() => format!("{noun} `{n}`"),
        _ => format!("the {} `[[{path}]]`", ordinal(i + 1)),
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, ..., `11th`, `21st`.
fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        let v: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 102].into_iter().map(ordinal).collect();
        assert_eq!(v, ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd"]);
    }
}
