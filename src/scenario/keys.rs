//! One declaration per scenario key: the [`spec_table!`] macro and what it derives.
//!
//! Each `*Spec` struct of [`spec`](super::spec) is written once, through
//! `spec_table!`, with one line per key: its doc line, Rust type, whether it
//! is required (with an example line for the hint) or its "default" column,
//! its valid values and, optionally, a numeric range and a typed default.
//! From that one declaration come:
//!
//! - the struct itself, with serde and schemars derives (`deny_unknown_fields`;
//!   the doc line becomes the JSON Schema description, the range its
//!   `minimum`/`maximum`, the typed default its `default`);
//! - the bounds of the value checks: `Checker::int_range` and
//!   `Checker::number_range` look the range up by the value's path, so the
//!   validator, the schema and the format reference cannot disagree;
//! - its [`Table`] of [`Key`]s: the keys the reader accepts (unknown keys and
//!   "did you mean" hints), which are required, and the sub-tables;
//! - the reader ([`ReadTable::read`]), which reads every key by its type;
//! - an accessor per typed default (`report.bin_width()` gives 10 when the key
//!   is absent), so the engine never repeats a default;
//! - the rows of its table in `docs/scenario-format.md` ([`doc_table`]),
//!   which a test keeps equal to the committed file.
//!
//! Adding a key is one line in `spec.rs` plus its use in `build.rs`.

use std::collections::BTreeMap;

use super::read::{Reader, Table as TomlTable};

/// A key a table accepts, as declared in `spec.rs`.
///
/// The columns of the format reference are read only by its tests (and the
/// sub-tables also by the path checks of debug builds).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Key {
    /// Key name as written in the file.
    pub name: &'static str,
    /// The key must be present (in a file without `extends`).
    pub required: bool,
    /// For a required key: a line to suggest when it is missing, e.g. `steps = 365`.
    pub example: &'static str,
    /// For an optional key: the "required / default" column of the format reference.
    pub need: &'static str,
    /// The doc line (the rustdoc lines of the field, joined).
    pub doc: &'static [&'static str],
    /// The "valid values" column of the format reference.
    pub values: &'static str,
    /// How the format reference names its type: `integer`, `array of tables`.
    pub ty: &'static str,
    /// The lowest and highest value accepted, if declared (for a map, of
    /// each of its values; for an array of numbers, of each item): the
    /// schema's `minimum`/`maximum`, and the bounds the value checks use
    /// ([`Checker::int_range`](super::check::Checker::int_range)).
    pub range: (Option<f64>, Option<f64>),
    /// The value used when the key is absent, if it is a plain value.
    pub default: Option<fn() -> serde_json::Value>,
    /// The table under this key (a table or an array of tables), if any.
    pub sub: Option<&'static Table>,
}

/// The keys of one TOML table, named after its `*Spec` type.
#[derive(Debug)]
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) struct Table {
    /// The Spec type's name, e.g. `RuleSpec`.
    pub name: &'static str,
    /// Its keys, in declaration order.
    pub keys: &'static [Key],
}

impl Table {
    /// The key called `name`.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// This table and every table under it, depth first.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn walk(&'static self) -> Vec<&'static Table> {
        let mut out = vec![self];
        for k in self.keys {
            if let Some(sub) = k.sub {
                out.extend(sub.walk());
            }
        }
        out
    }
}

impl Key {
    /// A required key outside the scenario format (a sweep plan's `[vary]`):
    /// `example` is the line its hint suggests when it is missing.
    pub const fn required(name: &'static str, example: &'static str) -> Key {
        Key {
            name,
            required: true,
            example,
            need: "required",
            doc: &[],
            values: "",
            ty: "table",
            range: (None, None),
            default: None,
            sub: None,
        }
    }

    /// The doc line, joined.
    pub fn doc_line(&self) -> String {
        self.doc.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
    }

    /// The key is a table or an array of tables at the top level: `[name]` or `[[name]]`.
    pub fn root_form(&self) -> String {
        match self.ty {
            "table" if self.sub.is_some() => format!("`[{}]`", self.name),
            "array of tables" => format!("`[[{}]]`", self.name),
            _ => format!("`{}`", self.name),
        }
    }
}

/// `extends`: read by the overlay stage before the reader (`overlay.rs`),
/// so it is in no `*Spec`; the schema and the format reference take it from here.
pub(crate) const EXTENDS: Key = Key {
    name: "extends",
    required: false,
    example: "",
    need: "optional",
    doc: &["Makes the file an overlay of another scenario (see \"Overlays\"): it holds only what \
            changes; tables merge key by key, entries of arrays of tables by `id` (or `name`)."],
    values: "path of the base, relative to this file's folder",
    ty: "string",
    range: (None, None),
    default: None,
    sub: None,
};

/// A struct declared with [`spec_table!`]: its keys and its reader.
pub(crate) trait ReadTable: Sized + Default {
    /// Its keys.
    const TABLE: &'static Table;
    /// As one entry of an array of tables: how messages name it (`rule`) and
    /// the key that identifies it (`id`; empty when none does).
    const ENTRY: (&'static str, &'static str);
    /// Read the table `t`, reporting unknown keys, missing keys and wrong types.
    fn read(r: &mut Reader, t: &TomlTable) -> Self;
}

/// How the format reference names a Rust type, and the table under it.
pub(crate) trait TomlType {
    /// `integer`, `string`, `array of tables`...
    const TYPE: &'static str;
    /// The table under a key of this type.
    const SUB: Option<&'static Table> = None;
}

macro_rules! toml_type {
    ($($t:ty => $name:literal),* $(,)?) => { $(impl TomlType for $t { const TYPE: &'static str = $name; })* };
}
toml_type! {
    String => "string", i64 => "integer", f64 => "number", bool => "boolean",
    Vec<String> => "array of strings", Vec<f64> => "array of numbers",
    BTreeMap<String, f64> => "table", BTreeMap<String, i64> => "table",
}
impl<T: TomlType> TomlType for Option<T> {
    const TYPE: &'static str = T::TYPE;
    const SUB: Option<&'static Table> = T::SUB;
}

/// Reading an optional key of this type (absent gives the default).
pub(crate) trait ReadOpt: Sized {
    /// Read key `k` of `t`.
    fn read_opt(r: &mut Reader, t: &TomlTable, k: &'static Key) -> Self;
}

/// Reading a required key of this type (reported when absent).
pub(crate) trait ReadReq: Sized {
    /// Read key `k` of `t`.
    fn read_req(r: &mut Reader, t: &TomlTable, k: &'static Key) -> Self;
}

macro_rules! read_plain {
    ($($t:ty),*) => {$(
        impl ReadOpt for Option<$t> {
            fn read_opt(r: &mut Reader, t: &TomlTable, k: &'static Key) -> Self {
                r.opt(t, k.name)
            }
        }
        impl ReadReq for $t {
            fn read_req(r: &mut Reader, t: &TomlTable, k: &'static Key) -> Self {
                r.req(t, k).unwrap_or_default()
            }
        }
    )*};
}
read_plain!(String, i64, f64, bool, Vec<String>, Vec<f64>);

impl ReadOpt for Vec<String> {
    fn read_opt(r: &mut Reader, t: &TomlTable, k: &'static Key) -> Self {
        r.opt(t, k.name).unwrap_or_default()
    }
}
impl ReadOpt for BTreeMap<String, f64> {
    fn read_opt(r: &mut Reader, t: &TomlTable, k: &'static Key) -> Self {
        r.number_map(t, k.name)
    }
}
impl ReadOpt for BTreeMap<String, i64> {
    fn read_opt(r: &mut Reader, t: &TomlTable, k: &'static Key) -> Self {
        r.int_map(t, k.name)
    }
}

/// Whether `v` is its type's default, for `skip_serializing_if`.
pub(crate) fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// The value inside an `Option`, for the accessors of typed defaults.
pub trait Inner {
    /// The value type.
    type T;
}
impl<T> Inner for Option<T> {
    type T = T;
}

/// One bound of a `range(min = .., max = ..)`, as `f64`.
macro_rules! bound {
    (min; min = $lo:expr $(, max = $hi:expr)?) => {
        Some($lo as f64)
    };
    (min; max = $hi:expr) => {
        None
    };
    (max; min = $lo:expr, max = $hi:expr) => {
        Some($hi as f64)
    };
    (max; min = $lo:expr) => {
        None
    };
    (max; max = $hi:expr) => {
        Some($hi as f64)
    };
}
pub(crate) use bound;

/// Declare a scenario table: one line per key. See the module documentation.
///
/// ```text
/// spec_table! {
///     /// `[report]`: reporting options.
///     pub struct ReportSpec ("", "") {
///         /// Width in points of a `histogram.csv` bin.
///         bin_width: Option<i64> = opt("optional, `10`") "`>= 1`" range(min = 1) default(10),
///     }
/// }
/// ```
///
/// A key is `req("example line")` (required) or `opt("default column")`,
/// then its valid values; `#[schemars(..)]` lines before it pass through.
/// `("rule", "id")` names an entry of an array of tables in messages.
macro_rules! spec_table {
    (
        $(#[doc = $sdoc:literal])*
        $(#[schemars($($sattr:tt)*)])*
        pub struct $name:ident ($noun:literal, $ident:literal) {
            $(
                $(#[doc = $doc:literal])+
                $(#[schemars($($fattr:tt)*)])*
                $field:ident : $ty:ty = $need:ident ($col:literal) $values:literal
                    $(range($($range:tt)*))? $(default($def:expr))?
            ),* $(,)?
        }
    ) => {
        $crate::scenario::keys::spec_table! {
            @fields [
                $(#[doc = $sdoc])*
                #[derive(Debug, Clone, Default, PartialEq, ::serde::Deserialize, ::serde::Serialize, ::schemars::JsonSchema)]
                #[serde(deny_unknown_fields)]
                $(#[schemars($($sattr)*)])*
                pub struct $name
            ] []
            $(
                $(#[doc = $doc])+
                $(#[schemars($($fattr)*)])*
                $field : $ty = $need ($col) $values $(range($($range)*))? $(default($def))?,
            )*
        }

        impl $crate::scenario::keys::ReadTable for $name {
            const TABLE: &'static $crate::scenario::keys::Table = &$crate::scenario::keys::Table {
                name: stringify!($name),
                keys: &[$(
                    $crate::scenario::keys::Key {
                        name: stringify!($field),
                        required: $crate::scenario::keys::spec_table!(@required $need),
                        example: if $crate::scenario::keys::spec_table!(@required $need) { $col } else { "" },
                        need: if $crate::scenario::keys::spec_table!(@required $need) { "required" } else { $col },
                        doc: &[$($doc),+],
                        values: $values,
                        ty: <$ty as $crate::scenario::keys::TomlType>::TYPE,
                        range: (
                            $crate::scenario::keys::spec_table!(@bound min $($($range)*)?),
                            $crate::scenario::keys::spec_table!(@bound max $($($range)*)?),
                        ),
                        default: $crate::scenario::keys::spec_table!(@default $($def)?),
                        sub: <$ty as $crate::scenario::keys::TomlType>::SUB,
                    }
                ),*],
            };
            const ENTRY: (&'static str, &'static str) = ($noun, $ident);
            fn read(r: &mut $crate::scenario::read::Reader, t: &$crate::scenario::read::Table) -> Self {
                let keys = <Self as $crate::scenario::keys::ReadTable>::TABLE.keys;
                r.unknown_keys(t, keys);
                let mut next = keys.iter();
                $name {
                    $($field: {
                        let k = next.next().expect("one key per field");
                        $crate::scenario::keys::spec_table!(@read $need r t k)
                    },)*
                }
            }
        }

        impl $crate::scenario::keys::TomlType for $name {
            const TYPE: &'static str = "table";
            const SUB: Option<&'static $crate::scenario::keys::Table> =
                Some(<$name as $crate::scenario::keys::ReadTable>::TABLE);
        }
        impl $crate::scenario::keys::TomlType for Vec<$name> {
            const TYPE: &'static str = "array of tables";
            const SUB: Option<&'static $crate::scenario::keys::Table> =
                Some(<$name as $crate::scenario::keys::ReadTable>::TABLE);
        }
        impl $crate::scenario::keys::ReadReq for $name {
            fn read_req(
                r: &mut $crate::scenario::read::Reader,
                t: &$crate::scenario::read::Table,
                k: &'static $crate::scenario::keys::Key,
            ) -> Self {
                r.table(t, k.name, Some(k))
                    .map(|t| <$name as $crate::scenario::keys::ReadTable>::read(r, &t))
                    .unwrap_or_default()
            }
        }
        impl $crate::scenario::keys::ReadOpt for Option<$name> {
            fn read_opt(
                r: &mut $crate::scenario::read::Reader,
                t: &$crate::scenario::read::Table,
                k: &'static $crate::scenario::keys::Key,
            ) -> Self {
                r.table(t, k.name, None).map(|t| <$name as $crate::scenario::keys::ReadTable>::read(r, &t))
            }
        }
        impl $crate::scenario::keys::ReadOpt for Vec<$name> {
            fn read_opt(
                r: &mut $crate::scenario::read::Reader,
                t: &$crate::scenario::read::Table,
                k: &'static $crate::scenario::keys::Key,
            ) -> Self {
                let (noun, ident) = <$name as $crate::scenario::keys::ReadTable>::ENTRY;
                r.array(t, k.name, noun, ident)
                    .iter()
                    .map(|e| <$name as $crate::scenario::keys::ReadTable>::read(r, e))
                    .collect()
            }
        }

        impl $name {
            $($(
                #[doc = concat!("`", stringify!($field), "`, or its default when absent.")]
                #[allow(dead_code)]
                pub fn $field(&self) -> <$ty as $crate::scenario::keys::Inner>::T {
                    self.$field.clone().unwrap_or($def)
                }
            )?)*
        }
    };
    // the struct: one field at a time, with serde attributes by `req` / `opt`
    (@fields [$($head:tt)*] [$($done:tt)*]) => { $($head)* { $($done)* } };
    (@fields $head:tt [$($done:tt)*]
        $(#[$a:meta])* $field:ident : $ty:ty = req ($col:literal) $values:literal
        $(range($($range:tt)*))? $(default($def:expr))?, $($rest:tt)*
    ) => {
        $crate::scenario::keys::spec_table! { @fields $head [$($done)*
            $(#[$a])*
            $(#[schemars(range($($range)*))])?
            $(#[schemars(extend("default" = $def))])?
            pub $field: $ty,
        ] $($rest)* }
    };
    (@fields $head:tt [$($done:tt)*]
        $(#[$a:meta])* $field:ident : $ty:ty = opt ($col:literal) $values:literal
        $(range($($range:tt)*))? $(default($def:expr))?, $($rest:tt)*
    ) => {
        $crate::scenario::keys::spec_table! { @fields $head [$($done)*
            $(#[$a])*
            $(#[schemars(range($($range)*))])?
            $(#[schemars(extend("default" = $def))])?
            #[serde(default, skip_serializing_if = "crate::scenario::keys::is_default")]
            pub $field: $ty,
        ] $($rest)* }
    };
    (@required req) => { true };
    (@required opt) => { false };
    (@bound $side:ident) => { None };
    (@bound $side:ident $($range:tt)+) => { $crate::scenario::keys::bound!($side; $($range)+) };
    (@default) => { None };
    (@default $def:expr) => {{
        fn default_value() -> ::serde_json::Value {
            ::serde_json::json!($def)
        }
        Some(default_value as fn() -> ::serde_json::Value)
    }};
    (@read req $r:ident $t:ident $k:ident) => { $crate::scenario::keys::ReadReq::read_req($r, $t, $k) };
    (@read opt $r:ident $t:ident $k:ident) => { $crate::scenario::keys::ReadOpt::read_opt($r, $t, $k) };
}
pub(crate) use spec_table;

/// Whether `path` names a value the format can have, by the declared keys:
/// `scenario.steps`, `rule[2]`, `rule[2].rate_by_tier.AA`, and `…#key` for
/// where a map entry's key is written. The checks look values up by such
/// paths; a path that is not one (a typo, a renamed key) would never be found
/// and its check would silently do nothing, so debug builds assert on it.
pub(crate) fn is_path(path: &str) -> bool {
    key_at(path).is_some()
}

/// The declared key of the value at `path` (see [`is_path`]); for an entry
/// of a map (`rule[2].rate_by_tier.AA`), the map's key, whose range is that
/// of its values.
pub(crate) fn key_at(path: &str) -> Option<&'static Key> {
    let mut table = <super::spec::FileSpec as ReadTable>::TABLE;
    let mut rest = path;
    loop {
        let (seg, tail) = match rest.split_once('.') {
            Some((seg, tail)) => (seg, Some(tail)),
            None => (rest, None),
        };
        let (name, index) = match seg.split_once('[') {
            Some((name, index)) => (name, Some(index)),
            None => (seg, None),
        };
        let key = table.key(name)?;
        let entries = key.ty == "array of tables";
        if let Some(index) = index {
            let digits = index.strip_suffix(']').unwrap_or("");
            if !entries || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
        }
        match (key.sub, tail) {
            (_, None) => return Some(key),
            // a map (`rate_by_tier`): any entry name, then perhaps `#key`
            (None, Some(entry)) => return (key.ty == "table" && !entry.is_empty()).then_some(key),
            (Some(_), Some(_)) if entries && index.is_none() => return None,
            (Some(sub), Some(tail)) => {
                table = sub;
                rest = tail;
            }
        }
    }
}

/// The format reference's table of the keys of `table`: a header and one row per key.
#[cfg(test)]
pub(crate) fn doc_table(table: &Table, root: bool) -> String {
    let mut out =
        String::from("| key | type | required / default | meaning | valid values |\n|---|---|---|---|---|\n");
    let mut keys: Vec<&Key> = table.keys.iter().collect();
    if root {
        keys.insert(1, &EXTENDS);
    }
    for k in keys {
        let name = if root { k.root_form() } else { format!("`{}`", k.name) };
        let cells = [name, k.ty.to_owned(), k.need.to_owned(), doc_cell(&k.doc_line()), k.values.to_owned()];
        let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// A doc line as a table cell: `Free text.` becomes `free text`.
#[cfg(test)]
fn doc_cell(line: &str) -> String {
    let line = line.strip_suffix('.').unwrap_or(line);
    let mut chars = line.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(line.chars().skip(1)).collect()
        }
        _ => line.to_owned(),
    }
}

/// A bound as the format reference writes it: `100_000`, `0.5`, `-2^53`.
#[cfg(test)]
fn bound_text(x: f64) -> String {
    if x.abs() == super::model::MAX_POINTS as f64 {
        return if x < 0.0 { "-2^53" } else { "2^53" }.to_owned();
    }
    if x.fract() != 0.0 {
        return x.to_string();
    }
    let digits = (x as i64).to_string();
    if x.abs() < 10_000.0 {
        return digits;
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// A typed default as the format reference writes it: `10`, `"day"`, `false`.
#[cfg(test)]
fn default_text(v: &serde_json::Value) -> String {
    match v.as_f64() {
        Some(x) if v.is_f64() => bound_text(x),
        _ => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::spec::FileSpec;
    use super::*;

    const DOC: &str = "docs/scenario-format.md";

    /// The key tables of `docs/scenario-format.md`, between `<!-- keys: NameSpec -->`
    /// and `<!-- /keys -->`, are the ones generated from the declarations in
    /// `spec.rs`; `POINTSIM_BLESS=1` rewrites them.
    #[test]
    fn the_format_reference_tables_are_generated_from_the_declarations() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DOC);
        let committed = std::fs::read_to_string(&path).unwrap();
        let mut text = committed.clone();
        for table in FileSpec::TABLE.walk() {
            let open = format!("<!-- keys: {} -->\n", table.name);
            let start = text.find(&open).unwrap_or_else(|| {
                panic!("{DOC} has no `{}` block for the keys of {}", open.trim(), table.name)
            }) + open.len();
            let end = start + text[start..].find("<!-- /keys -->").expect("a closing `<!-- /keys -->`");
            text.replace_range(start..end, &doc_table(table, table.name == "FileSpec"));
        }
        if std::env::var_os("POINTSIM_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
        } else {
            assert!(
                committed == text,
                "the key tables of {DOC} are out of date with src/scenario/spec.rs;\n\
                 regenerate them with `POINTSIM_BLESS=1 cargo test --lib scenario::keys::` and commit the result"
            );
        }
    }

    /// `pointsim new`'s starter says that every key of the core format appears
    /// in it: every key of these tables is written there, set or commented out
    /// (`# key = ...`), under its own table's header (set or commented out).
    #[test]
    fn the_starter_scenario_shows_every_core_key() {
        const CORE: &[&str] = &[
            "",
            "scenario",
            "score",
            "tier",
            "population",
            "population.group",
            "rule",
            "perk",
            "restriction",
            "recovery",
            "report",
        ];
        let starter = include_str!("../cli/starter.toml");
        // table path -> the keys written under its header
        let mut seen: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        let mut current = String::new();
        for line in starter.lines() {
            let line = line.trim_start_matches('#').trim();
            if let Some(header) = line.strip_prefix('[') {
                let name = header.trim_start_matches('[').split(']').next().unwrap_or("");
                if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
                {
                    current = name.to_owned();
                    let (parent, last) = name.rsplit_once('.').unwrap_or(("", name));
                    seen.entry(parent.to_owned()).or_default().insert(last.to_owned());
                    continue;
                }
            }
            if let Some((key, _)) = line.split_once('=') {
                let key = key.trim();
                if !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    seen.entry(current.clone()).or_default().insert(key.to_owned());
                }
            }
        }
        let mut missing = Vec::new();
        for path in CORE {
            let mut table = FileSpec::TABLE;
            for seg in path.split('.').filter(|s| !s.is_empty()) {
                table = table.key(seg).and_then(|k| k.sub).expect("a core table is declared");
            }
            for k in table.keys {
                let here = seen.get(*path).is_some_and(|keys| keys.contains(k.name));
                let core_table = path.is_empty() && k.sub.is_some() && !CORE.contains(&k.name);
                if !here && !core_table {
                    missing.push(format!(
                        "{}{}",
                        if path.is_empty() { String::new() } else { format!("{path}.") },
                        k.name
                    ));
                }
            }
        }
        assert!(missing.is_empty(), "src/cli/starter.toml does not show these keys: {missing:?}");
    }

    /// The free-text columns agree with what is declared: a required key says
    /// so, a typed default is the one the column names, and a declared range
    /// is the one the valid values name.
    #[test]
    fn each_key_s_columns_agree_with_its_declaration() {
        let mut wrong = Vec::new();
        for table in FileSpec::TABLE.walk() {
            for k in table.keys {
                let at = format!("{}.{}", table.name, k.name);
                if k.required != (k.need == "required") {
                    wrong.push(format!("{at}: required is {} but the column says `{}`", k.required, k.need));
                }
                if let Some(default) = k.default {
                    let shown = format!("`{}`", default_text(&default()));
                    if !k.need.contains(&shown) {
                        wrong.push(format!("{at}: default {shown} is not in `{}`", k.need));
                    }
                }
                for x in [k.range.0, k.range.1].into_iter().flatten() {
                    let shown = bound_text(x);
                    if !k.values.contains(&format!("`{shown}`"))
                        && !k.values.contains(&format!("`>= {shown}`"))
                        && !k.values.contains(&format!("`{x:e}`"))
                    {
                        wrong.push(format!("{at}: bound {shown} is not in `{}`", k.values));
                    }
                }
                if k.doc_line().is_empty() || k.values.is_empty() {
                    wrong.push(format!("{at}: a key needs a doc line and its valid values"));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn key_paths() {
        for good in [
            "schema_version",
            "scenario.steps",
            "rule[12]",
            "rule[0].rate_by_tier.AA+",
            "rule[0].rate_by_tier.A.1#key",
            "rule[0].rate_by_score[1].multiplier",
            "population.group[0].rate_multiplier.volunteering",
            "population.households.sizes",
            "test[0].expect[2].lists",
            "recovery.expire_after.judicial",
        ] {
            assert!(is_path(good), "{good}");
        }
        for bad in [
            "",
            "scenario.stesp",
            "score.start.x",
            "rule.id",
            "rule[x].id",
            "rule[0.id",
            "scenario[0].name",
            "population.group[0].rate_multiplier.",
            "tier[0].mni",
        ] {
            assert!(!is_path(bad), "{bad}");
        }
    }

    /// Every path written in the checks names a declared key: a literal path
    /// (`"score.start"`, `format!("population.group[{i}].share")`) is one, and
    /// a key appended to a prefix (`format!("{p}.share")`) is declared in some
    /// table. With the assertion in `Checker::at`, which catches a wrong path at
    /// a look-up the tests run, a renamed or misspelt key fails a test.
    #[test]
    fn every_path_in_the_checks_names_a_declared_key() {
        let sources = [
            include_str!("validate.rs"),
            include_str!("validate_mech.rs"),
            include_str!("limits.rs"),
            include_str!("rule_tests.rs"),
            include_str!("build.rs"),
            include_str!("explore.rs").split("#[cfg(test)]").next().unwrap_or(""),
        ];
        let names: std::collections::BTreeSet<&str> =
            FileSpec::TABLE.walk().iter().flat_map(|t| t.keys.iter().map(|k| k.name)).collect();
        let is_pathlike = |s: &str| {
            !s.is_empty()
                && (s.contains('.') || s.contains('['))
                && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_.{}[]#".contains(&b))
        };
        let mut wrong = Vec::new();
        let mut seen = 0;
        for src in sources {
            // the odd pieces between quotes are the string literals
            for lit in src.split('"').skip(1).step_by(2).filter(|s| is_pathlike(s) && !s.ends_with(".toml")) {
                seen += 1;
                if let Some(rest) = lit.strip_prefix('{') {
                    // `{p}.share`: the key after the prefix must be declared somewhere
                    let after = rest.split_once('}').map_or("", |(_, a)| a);
                    let key = after.strip_prefix('.').unwrap_or("");
                    let key = key.split(['.', '[', '{', '#']).next().unwrap_or("");
                    if !key.is_empty() && !names.contains(key) {
                        wrong.push(lit.to_owned());
                    }
                    continue;
                }
                // `population.group[{i}].share`: placeholders become an index or a name
                let mut path = String::new();
                let mut in_braces = false;
                for ch in lit.chars() {
                    match ch {
                        '{' => in_braces = true,
                        '}' => {
                            in_braces = false;
                            path.push(if path.ends_with('[') { '0' } else { 'x' });
                        }
                        _ if in_braces => {}
                        _ => path.push(ch),
                    }
                }
                let path = path.strip_suffix("#key").unwrap_or(&path);
                // `perk[{i}].{key}`: a key chosen at run time; its table must exist
                let prefix = lit.split_once(".{").map(|(before, _)| before.replace("{i}", "0"));
                if !is_path(path) && !prefix.is_some_and(|p| is_path(&p)) {
                    wrong.push(lit.to_owned());
                }
            }
        }
        assert!(seen > 50, "the scan found only {seen} paths; has the code moved?");
        assert!(wrong.is_empty(), "paths that name no declared key: {wrong:?}");
    }

    #[test]
    fn cells() {
        assert_eq!(doc_cell("Free text."), "free text");
        assert_eq!(doc_cell("`1` or `2`."), "`1` or `2`");
        assert_eq!(bound_text(100_000.0), "100_000");
        assert_eq!(bound_text(1000.0), "1000");
        assert_eq!(bound_text(-((1u64 << 53) as f64)), "-2^53");
        assert_eq!(default_text(&serde_json::json!(1.0)), "1");
        assert_eq!(default_text(&serde_json::json!("day")), "\"day\"");
    }
}
