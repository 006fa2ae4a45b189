//! Output writers: each format turns a finished run into bytes, and one
//! function ([`write_all`]) puts bytes on disk atomically.
//!
//! | file | function |
//! |---|---|
//! | `summary.json` | [`summary_json`] |
//! | `steps.csv` | [`steps_csv`] |
//! | `histogram.csv` | [`histogram_csv`] |
//! | `manifest.json` | [`manifest_json`] |
//! | `compare.json`, `compare.csv`, `transitions.csv`, `access_changes.csv` (`pointsim compare`) | [`compare_json`], [`compare_csv`], [`transitions_csv`], [`access_changes_csv`] |
//! | `runs.*`, `cells.*` (`pointsim sweep`) | [`sweep_files`] |
//! | any [`Table`](crate::results::table::Table) as CSV or Parquet (`ledger.parquet`, whose rows [`trace::ledger`](crate::trace::ledger) builds) | [`table::table_csv`], `parquet::table_parquet` |
//! | `columns.csv` (the data dictionary of a folder's tables) | [`dictionary_csv`] |
//! | (stdout) | [`terminal_summary`] |
//!
//! Every group breakdown goes through small-cell suppression
//! ([`results::suppress`](crate::results::suppress)): a group with fewer than `min_cell` subjects, and any
//! group hidden to protect it, is published with empty values and a flag.
//! Four-fifths ratios and tier mobility are defined once, in [`fairness`].
//!
//! Exporters only read the [`Scenario`], the [`Summary`] and the result types
//! of [`results`](crate::results); they never import `batch` and never touch
//! the file system, so they are easy to test and to reuse (`-` for stdout,
//! a batch merge, a web page). Every byte they return is a pure function of
//! their arguments. See `output/README.md` for the columns of every file.

pub mod atomic;
mod compare;
pub mod dictionary;
pub mod fairness;
mod histogram_csv;
pub mod lock;
mod manifest;
mod mechanics_json;
#[cfg(feature = "parquet")]
pub mod parquet;
mod steps_csv;
mod summary_json;
mod sweep;
pub mod table;
mod terminal;
pub mod text;
mod write;

#[cfg(test)]
mod fixture;

pub use crate::results::DEFAULT_MIN_CELL;
pub use compare::{
    CompareInfo, access_changes_csv, compare_csv, compare_from_json, compare_json, transitions_csv,
};
pub use dictionary::{COLUMNS_CSV, dictionary_csv};
pub use histogram_csv::histogram_csv;
pub use manifest::{LedgerChoice, Overrides, RunInfo, manifest_json, reproduce_command, shell_quote};
pub use steps_csv::steps_csv;
pub use summary_json::summary_json;
pub use sweep::{sweep_columns, sweep_files};
pub use terminal::terminal_summary;
pub use write::{
    MAX_STEM_BYTES, OutDirError, OwnInputError, chain_files, check_out_dir, file_stems, prepare_out_dir,
    refuse_own_inputs, remove_earlier, write_all, write_all_unsynced,
};

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::results::has_groups;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// File name of the results summary.
pub const SUMMARY_JSON: &str = "summary.json";
/// File name of the per-snapshot table.
pub const STEPS_CSV: &str = "steps.csv";
/// File name of the final score histogram.
pub const HISTOGRAM_CSV: &str = "histogram.csv";
/// File name of the run manifest.
pub const MANIFEST_JSON: &str = "manifest.json";

/// Every standard output file of a run as `(file name, bytes)`, ready for
/// [`write_all`]: `summary.json`, `steps.csv`, `histogram.csv`, `manifest.json`,
/// with the small-cell suppression of `info.min_cell`.
pub fn standard_files(s: &Scenario, sum: &Summary, info: &RunInfo) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (SUMMARY_JSON, summary_json(s, info.seed, sum, info.min_cell)),
        (STEPS_CSV, steps_csv(s, sum, info.min_cell)),
        (HISTOGRAM_CSV, histogram_csv(s, sum, info.min_cell)),
        (MANIFEST_JSON, manifest_json(s, sum, info)),
    ]
}

/// A float for CSV that always reads back as a float: `0.0`, not `0`.
///
/// Readers that infer column types from the first rows (polars reads 100
/// by default) would otherwise type a share column as integer when its
/// first values are whole, and then fail on `0.25`. Shortest round-trip
/// digits otherwise, as Rust's `Display` writes them.
pub(crate) fn csv_float(x: f64) -> String {
    let text = x.to_string();
    if x.is_finite() && !text.contains(['.', 'e']) { text + ".0" } else { text }
}

/// A text cell for CSV that a spreadsheet will not run as a formula: text
/// from a scenario beginning with `=`, `+`, `-`, `@`, a tab or a carriage
/// return gets a leading `'` (`=HYPERLINK(...)` → `'=HYPERLINK(...)`).
/// Only text columns go through this; numbers stay numbers.
pub fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() }
}

/// Tier indices in rank order, highest tier first (the scenario keeps them lowest first).
fn tiers_high_first(s: &Scenario) -> impl Iterator<Item = usize> + '_ {
    (0..s.tiers.len()).rev()
}

/// A JSON object whose keys keep the order they were pushed in
/// (tiers in rank order, groups and rules in file order).
struct Ordered<'a, V>(Vec<(&'a str, V)>);

impl<V> Ordered<'_, V> {
    /// Whether it has no entries.
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for Ordered<'_, V> {
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let mut map = ser.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Pretty-printed JSON with a trailing newline.
fn to_pretty_json<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("output documents contain only JSON-safe values");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod csv_text_tests {
    #[test]
    fn formula_cells_are_neutralised() {
        for (text, cell) in [("=1+2", "'=1+2"), ("+A1", "'+A1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)")] {
            assert_eq!(super::csv_text(text), cell);
        }
        assert_eq!(super::csv_text("employed"), "employed");
        assert_eq!(super::csv_text("a=b"), "a=b");
    }
}

#[cfg(test)]
mod csv_float_tests {
    use super::csv_float;

    #[test]
    fn floats_always_read_as_floats() {
        assert_eq!(csv_float(0.0), "0.0");
        assert_eq!(csv_float(1.0), "1.0");
        assert_eq!(csv_float(1000.0), "1000.0");
        assert_eq!(csv_float(0.25), "0.25");
        assert_eq!(csv_float(0.00001), "0.00001");
        assert_eq!(csv_float(-3.5), "-3.5");
        assert_eq!(csv_float(1e300).parse::<f64>().unwrap(), 1e300);
    }
}
