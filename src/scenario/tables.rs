//! Reading the whole document into a [`FileSpec`], and the keys whose values are words.
//!
//! Every table's keys and reader come from its declaration in `spec.rs`
//! (`spec_table!`); only the word-valued keys (`step`, `color`, `appeal`) have
//! hand-written readers here, for their messages.

use std::ops::Range;

use toml::de::DeTable;

use super::diag::Diagnostic;
use super::keys::{Key, ReadOpt, ReadTable, TomlType};
use super::read::{Reader, Table};
use super::spec::*;
use super::suggest;

/// Read the whole document into a [`FileSpec`], reporting every problem on the way.
pub(crate) fn read_file(r: &mut Reader, doc: &DeTable, whole: Range<usize>) -> FileSpec {
    FileSpec::read(r, &Table::root(doc, whole))
}

/// The `[[test]]` entries of `root` (a file of tests), reporting any other key.
pub(crate) fn read_tests(r: &mut Reader, root: &Table) -> Vec<TestSpec> {
    let test = FileSpec::TABLE.key("test").expect("`test` is a key of the file");
    r.unknown_keys(root, std::slice::from_ref(test));
    ReadOpt::read_opt(r, root, test)
}

macro_rules! word {
    ($($t:ty => $read:ident),*) => {$(
        impl TomlType for $t {
            const TYPE: &'static str = "string";
        }
        impl ReadOpt for Option<$t> {
            fn read_opt(r: &mut Reader, t: &Table, k: &'static Key) -> Self {
                $read(r, t, k)
            }
        }
    )*};
}
word!(StepSpec => read_step, ColorSpec => read_color, AppealOutcomeSpec => read_appeal);

/// `step = "day" | "week" | "month"`, suggesting the nearest for a typo.
fn read_step(r: &mut Reader, t: &Table, k: &Key) -> Option<StepSpec> {
    let word: String = r.opt(t, k.name)?;
    match word.as_str() {
        "day" => Some(StepSpec::Day),
        "week" => Some(StepSpec::Week),
        "month" => Some(StepSpec::Month),
        _ => {
            let names = ["day", "week", "month"];
            let hint =
                suggest::or_nearest(format!("`step` is one of {}", suggest::list(names)), &word, names);
            let span = r.spans.remove(&t.key_path(k.name)).unwrap_or(t.header.clone());
            r.push(Diagnostic::error(format!("unknown step `{word}`")).with_span(span).with_hint(hint));
            None
        }
    }
}

/// `appeal = "won" | "lost"`.
fn read_appeal(r: &mut Reader, t: &Table, k: &Key) -> Option<AppealOutcomeSpec> {
    let word: String = r.opt(t, k.name)?;
    match word.as_str() {
        "won" => Some(AppealOutcomeSpec::Won),
        "lost" => Some(AppealOutcomeSpec::Lost),
        _ => {
            let span = r.spans.remove(&t.key_path(k.name)).unwrap_or(t.header.clone());
            let hint = "`appeal` is `won` (the record is reversed) or `lost`".to_owned();
            r.push(
                Diagnostic::error(format!("unknown appeal outcome `{word}`")).with_span(span).with_hint(hint),
            );
            None
        }
    }
}

/// `color = "black" | "red"`, suggesting the nearest for a typo.
fn read_color(r: &mut Reader, t: &Table, k: &Key) -> Option<ColorSpec> {
    let word: String = r.opt(t, k.name)?;
    match word.as_str() {
        "black" => Some(ColorSpec::Black),
        "red" => Some(ColorSpec::Red),
        _ => {
            let names = ["black", "red"];
            let hint = suggest::or_nearest(
                "`color` is `black` (joint sanctions) or `red` (joint rewards)",
                &word,
                names,
            );
            let span = r.spans.remove(&t.key_path(k.name)).unwrap_or(t.header.clone());
            r.push(Diagnostic::error(format!("unknown list color `{word}`")).with_span(span).with_hint(hint));
            None
        }
    }
}
