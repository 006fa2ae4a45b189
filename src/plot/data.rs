//! A finished run read back from its output folder: what every chart and
//! the report are drawn from, so pictures re-render without re-running.

use std::path::{Path, PathBuf};

use crate::scenario::Scenario;
use crate::stats::QUANTILES;

/// Why an output folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file is missing or unreadable.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file does not have the shape pointsim writes.
    #[error("`{path}` is not a pointsim output file: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// One row of `steps.csv`: one group (or everyone, `group == "all"`) at one snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRow {
    /// Steps completed.
    pub step: u32,
    /// `step` in years.
    pub year: f64,
    /// Group name, `all` for everyone.
    pub group: String,
    /// Subjects.
    pub n: u64,
    /// Mean score (`None` for an empty group).
    pub mean: Option<f64>,
    /// Standard deviation.
    pub sd: Option<f64>,
    /// Lowest score.
    pub min: Option<i64>,
    /// Highest score.
    pub max: Option<i64>,
    /// Quantiles in the order of [`QUANTILES`] (p01 … p99).
    pub quantiles: Vec<Option<i64>>,
    /// Subjects per tier, indexed like `Scenario::tiers` (lowest tier first).
    pub tier_count: Vec<u64>,
    /// Share holding each perk, indexed like `Scenario::perks`.
    pub perk_share: Vec<f64>,
    /// Share under each restriction, indexed like `Scenario::restrictions`.
    pub restriction_share: Vec<f64>,
    /// Share on each list (`list.<id>`), indexed like `Scenario::lists`;
    /// empty when the file has no such columns (written before lists).
    pub list_share: Vec<f64>,
    /// Four-fifths ratios (`disparity.<id>`): each perk, then each
    /// restriction; on the `all` row the lowest of any group. `None` when
    /// the file has no such column or the field is empty (an empty group).
    pub disparity: Vec<Option<f64>>,
    /// Share of subjects in a higher tier than they started in (`None` in older files).
    pub tier_up: Option<f64>,
    /// Share of subjects in a lower tier than they started in (`None` in older files).
    pub tier_down: Option<f64>,
}

/// One bin of `histogram.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct HistRow {
    /// Group name, `all` for everyone.
    pub group: String,
    /// Lowest score in the bin.
    pub bin_lo: i64,
    /// Highest score in the bin (inclusive).
    pub bin_hi: i64,
    /// Subjects in the bin.
    pub count: u64,
    /// `count` over the group's size.
    pub share: f64,
}

/// Everything a finished run wrote, read back.
#[derive(Debug, Clone)]
pub struct RunData {
    /// The output folder.
    pub dir: PathBuf,
    /// The validated scenario as run (from `manifest.json`).
    pub scenario: Scenario,
    /// The seed used.
    pub seed: u64,
    /// The pointsim version that wrote the files.
    pub version: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// A command that reproduces the run.
    pub reproduce: String,
    /// `summary.json` as written.
    pub summary: serde_json::Value,
    /// `steps.csv`, in file order (by step, then `all`, then each group),
    /// without the rows of suppressed groups (see `suppressed`).
    pub steps: Vec<StepRow>,
    /// `histogram.csv`, in file order, without the bins of suppressed groups.
    pub histogram: Vec<HistRow>,
    /// Groups hidden by small-cell suppression, in file order: `steps` and
    /// `histogram` hold none of their figures (the files hold none either).
    pub suppressed: Vec<String>,
    /// The suppression threshold the run used (`--min-cell`), if it recorded one.
    pub min_cell: Option<u32>,
}

impl RunData {
    /// Read `summary.json`, `manifest.json`, `steps.csv` and `histogram.csv` from `dir`.
    ///
    /// # Errors
    ///
    /// A missing file, or one that is not in the shape pointsim writes.
    pub fn load(dir: &Path) -> Result<RunData, LoadError> {
        let manifest: serde_json::Value = read_json(&dir.join("manifest.json"))?;
        let summary: serde_json::Value = read_json(&dir.join("summary.json"))?;
        let mpath = dir.join("manifest.json");
        let bad = |message: &str| LoadError::Format { path: mpath.clone(), message: message.to_owned() };
        let scenario: Scenario = serde_json::from_value(manifest["resolved_scenario"].clone())
            .map_err(|e| bad(&format!("`resolved_scenario`: {e}")))?;
        check_scenario(&scenario).map_err(|m| bad(&format!("`resolved_scenario`: {m}")))?;
        if summary["seed"] != manifest["seed"] || summary["steps"] != manifest["resolved_scenario"]["steps"] {
            return Err(bad(
                "`seed` or `steps` differ from `summary.json`: the folder mixes files of different runs",
            ));
        }
        let text =
            |v: &serde_json::Value, key: &str| v[key].as_str().map(str::to_owned).ok_or_else(|| bad(key));
        let seed = manifest["seed"].as_u64().ok_or_else(|| bad("`seed` is missing"))?;
        let (steps, mut suppressed) = read_steps(&dir.join("steps.csv"), &scenario)?;
        let histogram = read_histogram(&dir.join("histogram.csv"), &mut suppressed)?;
        let suppressed =
            scenario.groups.iter().filter(|g| suppressed.contains(&g.name)).map(|g| g.name.clone()).collect();
        let min_cell = manifest["options"]["min_cell"].as_u64().and_then(|k| u32::try_from(k).ok());
        Ok(RunData {
            dir: dir.to_owned(),
            seed,
            version: text(&manifest, "pointsim_version")?,
            scenario_sha256: text(&manifest, "scenario_sha256")?,
            scenario_file: text(&manifest, "scenario_file")?,
            reproduce: text(&manifest["command"], "reproduce")?,
            scenario,
            summary,
            steps,
            histogram,
            suppressed,
            min_cell,
        })
    }

    /// Whether a group's figures are hidden by small-cell suppression.
    pub fn is_suppressed(&self, group: &str) -> bool {
        self.suppressed.iter().any(|g| g == group)
    }

    /// Rows of one group (`all` for everyone), in step order.
    pub fn group_steps<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a StepRow> + 'a {
        self.steps.iter().filter(move |r| r.group == group)
    }

    /// The final row of each group, `all` first, then the groups that have rows.
    pub fn final_rows(&self) -> Vec<&StepRow> {
        let last = self.steps.iter().map(|r| r.step).max().unwrap_or(0);
        self.steps.iter().filter(|r| r.step == last).collect()
    }

    /// Histogram bins of one group (`all` for everyone).
    pub fn group_histogram<'a>(&'a self, group: &'a str) -> impl Iterator<Item = &'a HistRow> + 'a {
        self.histogram.iter().filter(move |r| r.group == group)
    }
}

/// The invariants a validated scenario has, checked again because the
/// manifest is a file anyone can edit.
fn check_scenario(s: &Scenario) -> Result<(), String> {
    use crate::scenario::{MaxThreshold, MinThreshold};
    let tiers = s.tiers.len();
    if tiers == 0 || s.tiers.windows(2).any(|w| w[0].min >= w[1].min) {
        return Err("tiers must be non-empty and sorted by `min`".into());
    }
    if s.groups.is_empty() || s.steps == 0 || s.report.bin_width == 0 || s.report.snapshot_every == 0 {
        return Err("groups, steps, `bin_width` and `snapshot_every` must not be empty or 0".into());
    }
    if s.rules.iter().any(|r| r.rate_by_tier.len() != tiers)
        || s.groups.iter().any(|g| g.rate_multiplier.len() != s.rules.len())
    {
        return Err("a rate table does not match the tiers or rules".into());
    }
    let perk_bad = s.perks.iter().any(|p| matches!(p.threshold, MinThreshold::Tier(k) if k >= tiers));
    let res_bad = s.restrictions.iter().any(|r| matches!(r.threshold, MaxThreshold::Tier(k) if k >= tiers));
    if perk_bad || res_bad {
        return Err("a perk or restriction names a tier that does not exist".into());
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<serde_json::Value, LoadError> {
    let text =
        std::fs::read_to_string(path).map_err(|source| LoadError::Io { path: path.to_owned(), source })?;
    serde_json::from_str(&text)
        .map_err(|e| LoadError::Format { path: path.to_owned(), message: e.to_string() })
}

fn csv_reader(path: &Path) -> Result<csv::Reader<std::fs::File>, LoadError> {
    let file = std::fs::File::open(path).map_err(|source| LoadError::Io { path: path.to_owned(), source })?;
    Ok(csv::Reader::from_reader(file))
}

/// Column index of `name`, or a format error.
fn column(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, LoadError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| LoadError::Format { path: path.to_owned(), message: format!("no `{name}` column") })
}

fn parse<T: std::str::FromStr>(
    rec: &csv::StringRecord,
    i: usize,
    path: &Path,
) -> Result<Option<T>, LoadError> {
    let field = rec.get(i).unwrap_or("");
    if field.is_empty() {
        return Ok(None);
    }
    field.parse().map(Some).map_err(|_| LoadError::Format {
        path: path.to_owned(),
        message: format!("cannot read `{field}` on line {}", rec.position().map_or(0, |p| p.line())),
    })
}

fn required<T: std::str::FromStr>(rec: &csv::StringRecord, i: usize, path: &Path) -> Result<T, LoadError> {
    parse(rec, i, path)?.ok_or_else(|| LoadError::Format {
        path: path.to_owned(),
        message: format!("empty field on line {}", rec.position().map_or(0, |p| p.line())),
    })
}

/// Whether a row is flagged `suppressed` (files from before suppression have no such column).
fn hidden(rec: &csv::StringRecord, col: Option<usize>) -> bool {
    col.and_then(|i| rec.get(i)) == Some("true")
}

/// The rows of `steps.csv` that are published, and the groups of those that are not.
fn read_steps(path: &Path, s: &Scenario) -> Result<(Vec<StepRow>, Vec<String>), LoadError> {
    let mut rdr = csv_reader(path)?;
    let err = |e: csv::Error| LoadError::Format { path: path.to_owned(), message: e.to_string() };
    let h = rdr.headers().map_err(err)?.clone();
    let col = |name: &str| column(&h, name, path);
    let (c_step, c_year, c_group, c_n) = (col("step")?, col("year")?, col("group")?, col("n")?);
    let (c_mean, c_sd, c_min, c_max) = (col("mean")?, col("sd")?, col("min")?, col("max")?);
    let c_q = QUANTILES.iter().map(|(q, _)| col(q)).collect::<Result<Vec<_>, _>>()?;
    let c_tier =
        s.tiers.iter().map(|t| col(&format!("tier_count.{}", t.name))).collect::<Result<Vec<_>, _>>()?;
    let c_perk =
        s.perks.iter().map(|p| col(&format!("perk_share.{}", p.id))).collect::<Result<Vec<_>, _>>()?;
    let c_res = s
        .restrictions
        .iter()
        .map(|r| col(&format!("restriction_share.{}", r.id)))
        .collect::<Result<Vec<_>, _>>()?;
    // all `list_share.<id>` columns or none
    let c_list: Vec<usize> = s
        .lists
        .iter()
        .map(|l| col(&format!("list_share.{}", l.id)).ok())
        .collect::<Option<_>>()
        .unwrap_or_default();
    let c_hidden = col("suppressed").ok();
    let c_disp: Vec<Option<usize>> = s
        .perks
        .iter()
        .map(|p| &p.id)
        .chain(s.restrictions.iter().map(|r| &r.id))
        .map(|id| col(&format!("disparity_ratio.{id}")).ok())
        .collect();
    let (c_up, c_down) = (col("tier_up_share").ok(), col("tier_down_share").ok());
    let optional = |rec: &csv::StringRecord, c: Option<usize>| c.map_or(Ok(None), |i| parse(rec, i, path));
    let (mut rows, mut suppressed) = (vec![], vec![]);
    for rec in rdr.records() {
        let rec = rec.map_err(err)?;
        if hidden(&rec, c_hidden) {
            let group = rec.get(c_group).unwrap_or("").to_owned();
            if !suppressed.contains(&group) {
                suppressed.push(group);
            }
            continue;
        }
        rows.push(StepRow {
            step: required(&rec, c_step, path)?,
            year: required(&rec, c_year, path)?,
            group: rec.get(c_group).unwrap_or("").to_owned(),
            n: required(&rec, c_n, path)?,
            mean: parse(&rec, c_mean, path)?,
            sd: parse(&rec, c_sd, path)?,
            min: parse(&rec, c_min, path)?,
            max: parse(&rec, c_max, path)?,
            quantiles: c_q.iter().map(|&i| parse(&rec, i, path)).collect::<Result<_, _>>()?,
            tier_count: c_tier.iter().map(|&i| required(&rec, i, path)).collect::<Result<_, _>>()?,
            perk_share: c_perk.iter().map(|&i| required(&rec, i, path)).collect::<Result<_, _>>()?,
            restriction_share: c_res.iter().map(|&i| required(&rec, i, path)).collect::<Result<_, _>>()?,
            list_share: c_list.iter().map(|&i| required(&rec, i, path)).collect::<Result<_, _>>()?,
            disparity: c_disp.iter().map(|&c| optional(&rec, c)).collect::<Result<_, _>>()?,
            tier_up: optional(&rec, c_up)?,
            tier_down: optional(&rec, c_down)?,
        });
    }
    Ok((rows, suppressed))
}

/// The published bins of `histogram.csv`; groups whose bins are suppressed are added to `suppressed`.
fn read_histogram(path: &Path, suppressed: &mut Vec<String>) -> Result<Vec<HistRow>, LoadError> {
    let mut rdr = csv_reader(path)?;
    let err = |e: csv::Error| LoadError::Format { path: path.to_owned(), message: e.to_string() };
    let h = rdr.headers().map_err(err)?.clone();
    let col = |name: &str| column(&h, name, path);
    let (g, lo, hi, count, share) =
        (col("group")?, col("bin_lo")?, col("bin_hi")?, col("count")?, col("share")?);
    let c_hidden = col("suppressed").ok();
    let mut rows = vec![];
    for rec in rdr.records() {
        let rec = rec.map_err(err)?;
        if hidden(&rec, c_hidden) {
            let group = rec.get(g).unwrap_or("").to_owned();
            if !suppressed.contains(&group) {
                suppressed.push(group);
            }
            continue;
        }
        rows.push(HistRow {
            group: rec.get(g).unwrap_or("").to_owned(),
            bin_lo: required(&rec, lo, path)?,
            bin_hi: required(&rec, hi, path)?,
            count: required(&rec, count, path)?,
            share: required(&rec, share, path)?,
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Overrides, RunInfo, standard_files, write_all};

    const TEXT: &str = r#"
[scenario]
name = "round trip"
steps = 10
step = "month"
[score]
start = 100
min = 0
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 105
[population]
size = 500
[[population.group]]
name = "a"
share = 0.6
[[population.group]]
name = "b"
share = 0.4
rate_multiplier = { up = 2.0 }
[[rule]]
id = "up"
points = 5
rate = 1.5
[[rule]]
id = "down"
points = -5
rate = 1.0
[[perk]]
id = "p"
min_tier = "high"
[[restriction]]
id = "r"
max_score = 95
"#;

    /// Write a run's files, read them back, and compare with what was written.
    #[test]
    fn a_written_run_reads_back_exactly() {
        let loaded = crate::scenario::parse(TEXT, "rt.toml").unwrap();
        let s = loaded.scenario;
        let sim = crate::simulate(&s, 3, &|_| {});
        let info = RunInfo {
            scenario_file: "rt.toml".into(),
            scenario_sha256: loaded.source.sha256.clone(),
            sets: Vec::new(),
            scenario_chain: vec![],
            seed: 3,
            overrides: Overrides::default(),
            min_cell: 0,
            command_line: vec!["pointsim".into()],
            threads: 1,
            wall_seconds: 0.0,
            estimated_memory_bytes: 0,
            peak_memory_bytes: None,
            started_at: std::time::SystemTime::UNIX_EPOCH,
            ledger: crate::output::LedgerChoice::None,
        };
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &standard_files(&s, &sim.summary, &info)).unwrap();
        let data = RunData::load(dir.path()).unwrap();
        assert_eq!(data.scenario, s);
        assert_eq!(data.seed, 3);
        // one row per snapshot for everyone and for each group
        assert_eq!(data.steps.len(), 11 * 3);
        for (row, snap) in data.group_steps("all").zip(&sim.summary.snapshots) {
            assert_eq!(row.step, snap.step);
            assert_eq!(row.tier_count, snap.overall.tier_count);
            assert_eq!(row.n, snap.overall.n);
            assert_eq!(row.mean, snap.overall.score.as_ref().map(|x| x.mean));
        }
        let finals = data.final_rows();
        assert_eq!(finals.iter().map(|r| r.group.as_str()).collect::<Vec<_>>(), ["all", "a", "b"]);
        let total: u64 = data.group_histogram("all").map(|b| b.count).sum();
        assert_eq!(total, 500);
    }

    /// An edited manifest whose scenario breaks the invariants is refused, not drawn.
    #[test]
    fn an_edited_manifest_is_refused() {
        let loaded = crate::scenario::parse(TEXT, "rt.toml").unwrap();
        let sim = crate::simulate(&loaded.scenario, 3, &|_| {});
        let info = RunInfo {
            scenario_file: "rt.toml".into(),
            scenario_sha256: String::new(),
            sets: Vec::new(),
            scenario_chain: vec![],
            seed: 3,
            overrides: Overrides::default(),
            min_cell: 0,
            command_line: vec![],
            threads: 1,
            wall_seconds: 0.0,
            estimated_memory_bytes: 0,
            peak_memory_bytes: None,
            started_at: std::time::SystemTime::UNIX_EPOCH,
            ledger: crate::output::LedgerChoice::None,
        };
        let dir = tempfile::tempdir().unwrap();
        write_all(dir.path(), &standard_files(&loaded.scenario, &sim.summary, &info)).unwrap();
        let path = dir.path().join("manifest.json");
        let original = std::fs::read_to_string(&path).unwrap();
        assert!(RunData::load(dir.path()).is_ok());
        let edits: [&dyn Fn(&mut serde_json::Value); 4] = [
            &|m| m["resolved_scenario"]["tiers"] = serde_json::json!([]),
            &|m| m["resolved_scenario"]["perks"][0]["threshold"] = serde_json::json!({"tier": 99}),
            &|m| m["resolved_scenario"]["groups"][0]["rate_multiplier"] = serde_json::json!([1.0]),
            &|m| m["seed"] = serde_json::json!(4),
        ];
        for edit in edits {
            let mut m: serde_json::Value = serde_json::from_str(&original).unwrap();
            edit(&mut m);
            std::fs::write(&path, serde_json::to_string(&m).unwrap()).unwrap();
            assert!(matches!(RunData::load(dir.path()), Err(LoadError::Format { .. })), "{m}");
        }
    }

    #[test]
    fn a_missing_or_damaged_folder_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(RunData::load(dir.path()), Err(LoadError::Io { .. })));
        std::fs::write(dir.path().join("manifest.json"), "{}").unwrap();
        std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
        assert!(matches!(RunData::load(dir.path()), Err(LoadError::Format { .. })));
    }
}
