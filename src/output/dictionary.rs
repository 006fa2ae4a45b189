//! The data dictionary (`columns.csv`): every column of every table in an
//! output folder with its type, unit and meaning, derived from the column
//! names themselves, so a table and its dictionary cannot disagree.
//!
//! Names carry their units: `_count` columns count subjects, `_share`
//! columns are fractions in `[0, 1]`, `_ratio` columns are ratios; a `group.<name>.`
//! prefix restricts a figure to one group; a sweep's cells add `.mean`,
//! `.sd`, `.ci_lo` and `.ci_hi` over replicates. The same descriptions go
//! into the Parquet files as key-value metadata (`pointsim.columns`, a JSON
//! array in column order).

use serde::Serialize;

use crate::results::table::{ColumnData, Table};

/// File name of the data dictionary in every output folder.
pub const COLUMNS_CSV: &str = "columns.csv";

/// One column of one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// The file it is in (`steps.csv`).
    pub file: String,
    /// Its name, as in the file's header.
    pub column: String,
    /// `integer`, `float`, `text` or `boolean` (an empty cell is a missing value).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What one unit is: `subjects`, `points`, `share (0 to 1)`, `steps`, …; empty for text.
    pub unit: String,
    /// What it means.
    pub description: String,
}

/// The columns of the table `file` whose header is `names`.
pub fn describe_all(file: &str, names: &[String]) -> Vec<Column> {
    names.iter().map(|n| describe(file, n)).collect()
}

/// The columns of the table `t`, to be written as `file`: each name as
/// [`describe`] reads it, except that the names in `params` are scenario
/// parameters (a sensitivity design's or a calibration's), and every type is
/// the column's own (`I64` → `integer`, `F64` → `float`, `Bool` →
/// `boolean`, `Utf8` → `text`), so the dictionary says what the file holds.
pub fn describe_table(file: &str, t: &Table, params: &[&str]) -> Vec<Column> {
    t.columns
        .iter()
        .map(|c| {
            let mut d = if params.contains(&c.name.as_str()) {
                let what = if file.starts_with("waves") { "the candidate's" } else { "the design point's" };
                col(file, &c.name, "float", "as the scenario key", format!("{what} value of `{}`", c.name))
            } else {
                describe(file, &c.name)
            };
            d.kind = match c.data {
                ColumnData::I64(_) => "integer",
                ColumnData::F64(_) => "float",
                ColumnData::Bool(_) => "boolean",
                ColumnData::Utf8(_) => "text",
            };
            d
        })
        .collect()
}

/// The header of a CSV file's bytes, or nothing when it has none.
pub fn csv_header(bytes: &[u8]) -> Vec<String> {
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    r.headers().map(|h| h.iter().map(str::to_owned).collect()).unwrap_or_default()
}

/// The dictionary of every CSV file among `files`, as `columns.csv` bytes;
/// `parquet` gives the columns of Parquet files by name (the same tables as
/// the CSV files of the same stem are left out: a sweep's `runs.parquet` is `runs.csv`).
pub fn dictionary_csv(files: &[(&str, &[u8])], parquet: &[(&str, Vec<String>)]) -> Vec<u8> {
    let mut rows = Vec::new();
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".csv") && *n != COLUMNS_CSV) {
        rows.extend(describe_all(name, &csv_header(bytes)));
    }
    for (name, cols) in parquet {
        let stem = name.trim_end_matches(".parquet");
        if !files.iter().any(|(n, _)| n.trim_end_matches(".csv") == stem && n.ends_with(".csv")) {
            rows.extend(describe_all(name, cols));
        }
    }
    rows_csv(&rows)
}

/// `columns` as the bytes of `columns.csv` (header `file,column,type,unit,description`).
pub fn rows_csv(columns: &[Column]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["file", "column", "type", "unit", "description"]).expect("writing to memory");
    for c in columns {
        w.write_record([c.file.as_str(), &c.column, c.kind, &c.unit, &c.description])
            .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// The value of `pointsim.columns`, the Parquet key-value metadata: a JSON
/// array of `{column, type, unit, description}`, one per column in order.
pub fn parquet_metadata(columns: &[Column]) -> String {
    #[derive(Serialize)]
    struct Entry<'a> {
        column: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        unit: &'a str,
        description: &'a str,
    }
    let entries: Vec<Entry> = columns
        .iter()
        .map(|c| Entry { column: &c.column, kind: c.kind, unit: &c.unit, description: &c.description })
        .collect();
    serde_json::to_string(&entries).expect("strings only")
}

const SUBJECTS: &str = "subjects";
const SHARE: &str = "share (0 to 1)";
const POINTS: &str = "points";
const IMPLAUSIBILITY: &str = "standard deviations";

fn col(file: &str, column: &str, kind: &'static str, unit: &str, description: String) -> Column {
    Column { file: file.to_owned(), column: column.to_owned(), kind, unit: unit.to_owned(), description }
}

/// The type, unit and meaning of the column `name` of `file`.
pub fn describe(file: &str, name: &str) -> Column {
    // a sweep cell's statistics over replicates (of a metric: stripped once)
    for (suffix, what) in [
        (".mean", "mean over the cell's replicates of"),
        (".sd", "standard deviation (n − 1) over the cell's replicates of"),
        (".ci_lo", "lower end of the 95% Student-t interval of the mean over replicates of"),
        (".ci_hi", "upper end of the 95% Student-t interval of the mean over replicates of"),
    ] {
        if file.starts_with("cells")
            && let Some(inner) = name.strip_suffix(suffix)
        {
            let c = metric(file, inner);
            let kind = if c.kind == "integer" { "float" } else { c.kind };
            return col(file, name, kind, &c.unit, format!("{what} {}", c.description));
        }
    }
    if file.starts_with("samples") {
        if let Some(p) = name.strip_prefix("u.") {
            return col(
                file,
                name,
                "float",
                "unit coordinate (0 to 1)",
                format!(
                    "the design's coordinate of `{p}` in [0, 1], before it is scaled to the parameter's range"
                ),
            );
        }
        let c = metric(file, name);
        if c.description != UNDESCRIBED && !matches!(name, "point" | "cell" | "block" | "role") {
            return col(
                file,
                name,
                "float",
                &c.unit,
                format!("mean over the design point's replicates of {}", c.description),
            );
        }
        return c;
    }
    if file.starts_with("waves")
        && !name.starts_with("implausibility.")
        && let Some((m, at)) = name.rsplit_once('@')
    {
        let (m, pooled) = match m.split_once('[') {
            Some((m, groups)) => (m, format!(", groups {} pooled", groups.trim_end_matches(']'))),
            None => (m, String::new()),
        };
        let c = metric(file, m);
        let when = match at.split_once("..") {
            Some((since, step)) => format!("change from step {since} to step {step} of"),
            None => format!("at step {at},"),
        };
        return col(
            file,
            name,
            "float",
            &c.unit,
            format!(
                "target `{name}`: mean over the candidate's replicates, {when} {}{pooled}",
                c.description
            ),
        );
    }
    metric(file, name)
}

/// What [`describe`] gives when it knows nothing of a column.
const UNDESCRIBED: &str = "see output/README.md";

/// The type, unit and meaning of a column that is not a cell's statistic.
fn metric(file: &str, name: &str) -> Column {
    if let Some(rest) = name.strip_prefix("group.")
        && let Some((group, inner)) = rest.split_once('.')
    {
        let c = metric(file, inner);
        return col(file, name, c.kind, &c.unit, format!("{}, in group `{group}`", c.description));
    }
    if let Some(p) = name.strip_prefix("param.") {
        return col(file, name, "float", "as the scenario key", format!("the value of `{p}` in this cell"));
    }
    let dotted = |prefix: &str| name.strip_prefix(prefix).map(|x| format!("`{x}`"));
    if let Some(t) = dotted("tier_count.") {
        return col(file, name, "integer", SUBJECTS, format!("subjects in tier {t}"));
    }
    if let Some(t) = dotted("tier_share.") {
        return col(file, name, "float", SHARE, format!("share of subjects in tier {t}"));
    }
    if let Some(p) = dotted("perk_share.") {
        return col(file, name, "float", SHARE, format!("share of subjects holding perk {p}"));
    }
    if let Some(r) = dotted("restriction_share.") {
        return col(file, name, "float", SHARE, format!("share of subjects under restriction {r}"));
    }
    if let Some(l) = dotted("list_share.") {
        return col(file, name, "float", SHARE, format!("share of subjects on list {l}"));
    }
    if let Some(x) = dotted("disparity_ratio.") {
        return col(
            file,
            name,
            "float",
            "ratio",
            format!(
                "four-fifths ratio of {x}: the group's share against the best-off group's (all: the lowest)"
            ),
        );
    }
    if let Some(stat) = name.strip_prefix("score.") {
        let kind = if matches!(stat, "mean" | "sd") { "float" } else { "integer" };
        return col(file, name, kind, POINTS, format!("{} of the final scores", stat_words(stat)));
    }
    if let Some(t) = name.strip_prefix("implausibility.") {
        return col(
            file,
            name,
            "float",
            IMPLAUSIBILITY,
            format!(
                "implausibility of the candidate for target `{t}`: |mean output − figure| / √(figure's sd² + replicate variance × (1 + 1/replicates)); empty (infinite) when a run failed"
            ),
        );
    }
    if let Some(c) = plain(file, name) {
        return c;
    }
    col(file, name, "text", "", UNDESCRIBED.to_owned())
}

/// `1` → `1st`, `2` → `2nd`, `11` → `11th`, `90` → `90th`.
fn ordinal(q: u32) -> String {
    let suffix = match (q % 10, q % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{q}{suffix}")
}

/// `p90` → `90th percentile`, `p01` → `1st percentile`, `mean` → `mean`.
fn stat_words(stat: &str) -> String {
    match stat.strip_prefix('p').and_then(|q| q.parse::<u32>().ok()) {
        Some(q) => format!("{} percentile", ordinal(q)),
        None => match stat {
            "sd" => "standard deviation".to_owned(),
            "min" => "lowest".to_owned(),
            "max" => "highest".to_owned(),
            other => other.to_owned(),
        },
    }
}

/// Columns with a name of their own.
fn plain(file: &str, name: &str) -> Option<Column> {
    let c = |kind, unit: &str, what: &str| Some(col(file, name, kind, unit, what.to_owned()));
    if let Some(stat) =
        (name.len() <= 4 && name.starts_with('p')).then_some(name).filter(|_| file == "steps.csv")
    {
        return c(
            "integer",
            POINTS,
            &format!("{} of the scores (a score some subject has)", stat_words(stat)),
        );
    }
    match (file, name) {
        (_, "step") => {
            c("integer", "steps", "steps completed: the state at the start of this step (0: the start)")
        }
        (_, "year") => c("float", "years", "the step in scenario years (step / steps per year)"),
        (_, "group") => c("text", "", "group name; `all` is everyone"),
        (_, "n") => c(
            "integer",
            SUBJECTS,
            "subjects in the group (empty when suppressed: read as a nullable integer)",
        ),
        ("steps.csv", "mean") => c("float", POINTS, "mean score"),
        ("steps.csv", "sd") => c("float", POINTS, "standard deviation of the scores (divisor n)"),
        ("steps.csv", "min") => c("integer", POINTS, "lowest score"),
        ("steps.csv", "max") => c("integer", POINTS, "highest score"),
        (_, "suppressed") => c("boolean", "", "the group's figures are hidden by small-cell suppression"),
        (_, "tier_up_share") => {
            c("float", SHARE, "share of subjects in a higher tier than the one they started in")
        }
        (_, "tier_down_share") => {
            c("float", SHARE, "share of subjects in a lower tier than the one they started in")
        }
        (_, "bin_lo") => c("integer", POINTS, "lowest score of the bin"),
        (_, "bin_hi") => c("integer", POINTS, "highest score of the bin (inclusive)"),
        (_, "count") => c("integer", SUBJECTS, "subjects with a final score in the bin"),
        (_, "share") => c("float", SHARE, "share of the group's subjects"),
        (_, "subject") => c("integer", "", "subject number (0-based, stable for a scenario and seed)"),
        (f, "kind") if !f.starts_with("indices") => {
            c("text", "", "subject kind (for access_changes.csv: `perk` or `restriction`)")
        }
        (_, "time") => c("float", "steps", "time of the event in steps since the start"),
        (_, "cause") => c(
            "text",
            "",
            "what changed the score: rule, restore, drift, expire, appeal, listing, listed, delisted, none",
        ),
        (_, "rule") => c("text", "", "id of the rule that caused the row"),
        (_, "list") => c("text", "", "id of the list the row is about"),
        (_, "reason") => c("text", "", "why a listing started or ended"),
        (_, "wrongful") => c("boolean", "", "the record was made on a subject who did nothing"),
        (_, "points") => c("integer", POINTS, "points the row added (negative: removed)"),
        (_, "score_before") => c("integer", POINTS, "score before the row"),
        (_, "score_after") => c("integer", POINTS, "score after the row"),
        (_, "tier_before") => c("text", "", "tier before the row"),
        (_, "tier_after") => c("text", "", "tier after the row"),
        (
            _,
            "perks_gained"
            | "perks_lost"
            | "restrictions_imposed"
            | "restrictions_lifted"
            | "lists_joined"
            | "lists_left",
        ) => c("text", "", "ids that changed at the end of the step, joined by `;` (empty: none)"),
        (_, "metric") => c("text", "", "metric name, as sweeps name them (`tier_share.A`, `score.mean`)"),
        (_, "base_mean") => c("float", "as the metric", "the metric under the base, mean over replicates"),
        (_, "reform_mean") => {
            c("float", "as the metric", "the metric under the reform, mean over replicates")
        }
        (_, "diff_mean") => c("float", "as the metric", "reform minus base, mean over paired replicates"),
        (_, "diff_ci_lo") => c("float", "as the metric", "lower end of the 95% interval of the difference"),
        (_, "diff_ci_hi") => c("float", "as the metric", "upper end of the 95% interval of the difference"),
        (_, "replicates") => c("integer", "runs", "replicates (pairs of runs on common random numbers)"),
        (_, "base_tier") => c("text", "", "final tier under the base"),
        (_, "reform_tier") => c("text", "", "final tier under the reform"),
        (_, "subjects") => c("integer", "subject-replicates", "subjects summed over replicates"),
        (_, "id") => c("text", "", "perk or restriction id"),
        (_, "held_base_share") => {
            c("float", SHARE, "share of the group holding it at the end of the base runs")
        }
        (_, "held_reform_share") => {
            c("float", SHARE, "share of the group holding it at the end of the reform runs")
        }
        (_, "gained_share") => c("float", SHARE, "share of the group holding it under the reform only"),
        (_, "lost_share") => c("float", SHARE, "share of the group holding it under the base only"),
        (_, "cell") => c("text", "", "sweep cell id (`c0000`), as in cells/<id>.toml"),
        (_, "replicate") => c("integer", "", "replicate number within the cell (0-based)"),
        (_, "seed") => c("integer", "", "the run's seed (the same for replicate r in every cell)"),
        (_, "status") => c("text", "", "`ok`, or why the run failed"),
        (_, "runs_ok") => c("integer", "runs", "replicates of the cell that ran"),
        (_, "score_mean") => c("float", POINTS, "mean final score"),
        ("samples.csv", "point") => c("integer", "", "design point number (0-based), the row of the design"),
        ("samples.csv", "block") => {
            c("integer", "", "Sobol': the base sample the point belongs to; Morris: its trajectory (0-based)")
        }
        ("samples.csv", "role") => c(
            "text",
            "",
            "Sobol': `A`, `B` or `AB:<path>` (A with that parameter taken from B); Morris: `step<k>`, the k-th point of the trajectory (`step0` its start)",
        ),
        (_, "wave") => c("integer", "", "history-matching wave (1 is the first)"),
        (_, "candidate") => c("integer", "", "candidate number within its wave (0-based)"),
        (_, "implausibility") => c(
            "float",
            IMPLAUSIBILITY,
            "the candidate's implausibility over all targets (the largest target's, or with `implausibility = \"second_max\"` the second largest); empty (infinite) when a run failed",
        ),
        (_, "plausible") => c("boolean", "", "not ruled out: the implausibility is at most the cutoff"),
        (_, "weight") => c("float", "weight", "the candidate's normalised ABC weight (0: not accepted)"),
        (_, "accepted") => c("boolean", "", "ABC accepted the candidate (weight > 0)"),
        (_, "parameter") => c("text", "", "the varied parameter (a sweep path)"),
        ("indices.csv" | "indices.parquet", "kind") => {
            c("text", "", "the index: `S1`, `ST` (Sobol) or `mu`, `mu_star`, `sigma` (Morris)")
        }
        (_, "estimate") => c("float", "index", "the index's estimate"),
        (_, "ci_low") => c("float", "index", "lower end of its 95% bootstrap interval"),
        (_, "ci_high") => c("float", "index", "upper end of its 95% bootstrap interval"),
        (_, "half_estimate") => {
            c("float", "index", "the estimate from the first half of the design (convergence check)")
        }
        (_, "noise_share") => c("float", SHARE, "share of the metric's variance that is replicate noise"),
        (_, "convergence_max_diff") => {
            c("float", "index", "largest difference between the indices at N/2 and at N")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_have_english_ordinals() {
        let words: Vec<String> = ["p01", "p02", "p03", "p05", "p11", "p12", "p21", "p50", "p90", "p99"]
            .iter()
            .map(|s| stat_words(s))
            .collect();
        assert_eq!(
            words,
            ["1st", "2nd", "3rd", "5th", "11th", "12th", "21st", "50th", "90th", "99th"]
                .map(|o| format!("{o} percentile"))
        );
    }

    #[test]
    fn names_give_types_and_units() {
        let d = |f: &str, n: &str| {
            let c = describe(f, n);
            (c.kind, c.unit)
        };
        assert_eq!(d("steps.csv", "tier_count.AA"), ("integer", SUBJECTS.to_owned()));
        assert_eq!(d("steps.csv", "perk_share.library"), ("float", SHARE.to_owned()));
        assert_eq!(d("steps.csv", "p90"), ("integer", POINTS.to_owned()));
        assert_eq!(d("runs.csv", "group.rural.tier_share.A"), ("float", SHARE.to_owned()));
        assert_eq!(d("cells.csv", "score.p50.ci_lo"), ("float", POINTS.to_owned()));
        // a metric whose own name ends as a statistic does: stripped once
        let c = describe("cells.csv", "score.mean.sd");
        assert_eq!(
            c.description,
            "standard deviation (n − 1) over the cell's replicates of mean of the final scores"
        );
        assert_eq!(describe("waves.csv", "tier_share.A@0..52").unit, SHARE);
        assert!(describe("waves.csv", "implausibility.x@5").description.contains("target `x@5`"));
        let c = describe("cells.csv", "group.rural.perk_share.library.mean");
        assert_eq!(
            c.description,
            "mean over the cell's replicates of share of subjects holding perk `library`, in group `rural`"
        );
    }

    /// Every column of the fixture run's tables has a description of its own.
    #[test]
    fn every_run_column_is_described() {
        let (s, sum) = (crate::output::fixture::scenario(), crate::output::fixture::summary());
        for (file, bytes) in [
            ("steps.csv", crate::output::steps_csv(&s, &sum, 0)),
            ("histogram.csv", crate::output::histogram_csv(&s, &sum, 0)),
        ] {
            for c in describe_all(file, &csv_header(&bytes)) {
                assert_ne!(c.description, "see output/README.md", "{file}: `{}` is not described", c.column);
            }
        }
        let text = String::from_utf8(dictionary_csv(&[("steps.csv", b"step,n\n0,1\n")], &[])).unwrap();
        assert!(
            text.starts_with("file,column,type,unit,description\nsteps.csv,step,integer,steps,"),
            "{text}"
        );
    }
}
