//! What a calibration writes: the candidates table (`waves.*`), `calibration.json`
//! and the calibrated overlay TOML.

use serde::Serialize;
use toml::Value;

use super::Outcome;
use super::method::{Fit, Range95};
use super::targets::{Kind, Targets};
use crate::results::table::{ColumnData, Table};

/// Every candidate of every wave: wave, candidate, parameters, each target's
/// mean output and implausibility, the combined implausibility, whether it
/// was plausible, its ABC weight and whether ABC accepted it (weight > 0).
pub fn waves_table(t: &Targets, o: &Outcome) -> Table {
    let all: Vec<_> = o.waves.iter().flat_map(|w| &w.candidates).collect();
    let mut tab = Table::default();
    tab.push("wave", ColumnData::I64(all.iter().map(|c| Some(i64::from(c.wave))).collect()));
    tab.push("candidate", ColumnData::I64(all.iter().map(|c| Some(c.index as i64)).collect()));
    for (k, p) in t.parameters.iter().enumerate() {
        tab.push(p.path.to_string(), ColumnData::F64(all.iter().map(|c| Some(c.params[k])).collect()));
    }
    let fin = |x: f64| x.is_finite().then_some(x);
    for (k, tg) in t.targets.iter().enumerate() {
        tab.push(tg.name.clone(), ColumnData::F64(all.iter().map(|c| fin(c.mean[k])).collect()));
        tab.push(
            format!("implausibility.{}", tg.name),
            ColumnData::F64(all.iter().map(|c| fin(c.implausibility[k])).collect()),
        );
    }
    tab.push("implausibility", ColumnData::F64(all.iter().map(|c| fin(c.combined)).collect()));
    tab.push("plausible", ColumnData::Bool(all.iter().map(|c| Some(c.plausible)).collect()));
    tab.push("weight", ColumnData::F64(all.iter().map(|c| Some(c.weight)).collect()));
    tab.push("accepted", ColumnData::Bool(all.iter().map(|c| Some(c.weight > 0.0)).collect()));
    tab
}

/// `calibration.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// pointsim version.
    pub pointsim_version: String,
    /// The targets file.
    pub targets_file: String,
    /// SHA-256 of its text.
    pub targets_sha256: String,
    /// The calibrated scenario.
    pub scenario_file: String,
    /// The calibration seed.
    pub seed: u64,
    /// The method's settings.
    pub method: Method,
    /// Runs over all waves.
    pub runs: u64,
    /// Per wave: the box, the budget and what was ruled out.
    pub waves: Vec<WaveSummary>,
    /// Candidates ABC accepted (weight > 0).
    pub accepted: usize,
    /// Effective sample size of the weighted posterior.
    pub effective_size: f64,
    /// The plausible ranges per parameter (posterior 95% intervals).
    pub parameters: Vec<Range95>,
    /// Parameter names, the rows and columns of `correlations`.
    pub correlation_parameters: Vec<String>,
    /// Weighted posterior correlations (in prior coordinates: log for log-uniform parameters).
    pub correlations: Vec<Vec<f64>>,
    /// Per target: the figure and its posterior-predictive coverage.
    pub targets: Vec<TargetFit>,
}

/// The method's settings, as `calibration.json` records them.
#[derive(Debug, Clone, Serialize)]
pub struct Method {
    /// Always `history matching + ABC (Gaussian kernel)`.
    pub name: &'static str,
    /// Waves.
    pub waves: u32,
    /// Candidates per wave.
    pub candidates: u32,
    /// Replicates per candidate (common random numbers).
    pub replicates: u32,
    /// Implausibility cutoff.
    pub cutoff: f64,
    /// `max` or `second_max`.
    pub implausibility: super::targets::Combine,
}

/// One wave in `calibration.json`.
#[derive(Debug, Clone, Serialize)]
pub struct WaveSummary {
    /// Wave number.
    pub wave: u32,
    /// Runs it spent.
    pub runs: u64,
    /// Candidates.
    pub candidates: usize,
    /// Candidates not ruled out.
    pub plausible: usize,
    /// The box sampled, per parameter `[lo, hi]` in parameter values.
    pub region: Vec<(f64, f64)>,
    /// Per target, the simulation noise sd (one run) measured from replicates.
    pub noise_sd: Vec<f64>,
}

/// One target in `calibration.json`.
#[derive(Debug, Clone, Serialize)]
pub struct TargetFit {
    /// The fit.
    #[serde(flatten)]
    pub fit: Fit,
    /// Stock or flow.
    pub kind: Kind,
    /// The step.
    pub step: u32,
    /// Its source.
    pub source: String,
}

/// The report of a finished calibration.
pub fn report(t: &Targets, o: &Outcome) -> Report {
    let p = &o.posterior;
    Report {
        pointsim_version: env!("CARGO_PKG_VERSION").to_owned(),
        targets_file: t.file.clone(),
        targets_sha256: t.sha256.clone(),
        scenario_file: t.scenario_file.display().to_string(),
        seed: t.seed,
        method: Method {
            name: "history matching + ABC (Gaussian kernel)",
            waves: t.waves,
            candidates: t.candidates,
            replicates: t.replicates,
            cutoff: t.cutoff,
            implausibility: t.combine,
        },
        runs: o.waves.iter().map(|w| w.runs).sum(),
        waves: o
            .waves
            .iter()
            .map(|w| WaveSummary {
                wave: w.wave,
                runs: w.runs,
                candidates: w.candidates.len(),
                plausible: w.plausible,
                region: t
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(k, q)| {
                        (
                            q.prior.value(q.min, q.max, w.region.lo[k]),
                            q.prior.value(q.min, q.max, w.region.hi[k]),
                        )
                    })
                    .collect(),
                noise_sd: w.noise_var.iter().map(|v| v.sqrt()).collect(),
            })
            .collect(),
        accepted: p.accepted,
        effective_size: p.effective_size,
        parameters: p.ranges.clone(),
        correlation_parameters: t.parameters.iter().map(|q| q.path.to_string()).collect(),
        correlations: p.correlations.clone(),
        targets: t
            .targets
            .iter()
            .zip(&p.fits)
            .map(|(tg, f)| TargetFit {
                fit: f.clone(),
                kind: tg.kind,
                step: tg.step,
                source: tg.source.clone(),
            })
            .collect(),
    }
}

/// `calibration.json` as pretty JSON (non-finite numbers as `null`).
pub fn report_json(r: &Report) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(r).expect("the report serializes");
    v.push(b'\n');
    v
}

/// The calibrated overlay: `extends` the scenario (`extends` as given,
/// relative to the overlay's folder) and sets every parameter to its
/// posterior median, with `source = "calibrated: ..."` on the entry it
/// belongs to (a plain table such as `[population]` gets a comment instead).
pub fn overlay(t: &Targets, o: &Outcome, extends: &str) -> String {
    let mut s = format!(
        "# Calibrated overlay written by `pointsim calibrate` (pointsim {}).\n\
         # Each value is the median of the ABC posterior; the comment gives its 95% range.\n\
         # Targets: {} (sha256 {}); {} runs in {} waves; see calibration.json.\n\n",
        env!("CARGO_PKG_VERSION"),
        t.file,
        &t.sha256[..12],
        o.waves.iter().map(|w| w.runs).sum::<u64>(),
        o.waves.len()
    );
    s.push_str(&format!("extends = {}\n", Value::String(extends.to_owned())));
    // entries of arrays of tables, in first-seen order, and plain tables
    let mut entries: Vec<Entry> = Vec::new();
    let mut plain: Vec<(String, String, String, String)> = Vec::new();
    for (p, r) in t.parameters.iter().zip(&o.posterior.ranges) {
        let seg = p.path.segments();
        // four significant digits: the posterior says no more
        let median = short(r.median).parse::<f64>().unwrap_or(r.median);
        let v = super::value(median, p.integer).to_string();
        let note = format!("95% range [{}, {}]", short(r.lo), short(r.hi));
        let (array, ident, rest) = match seg.first().map(String::as_str) {
            Some("rule" | "perk" | "restriction" | "list" | "tier" | "kind") if seg.len() >= 3 => {
                (seg[0].clone(), seg[1].clone(), &seg[2..])
            }
            Some("population") if seg.get(1).map(String::as_str) == Some("group") && seg.len() >= 4 => {
                ("population.group".to_owned(), seg[2].clone(), &seg[3..])
            }
            _ => {
                let (key, table) = seg.split_last().expect("a path has segments");
                plain.push((table.join("."), key.clone(), v, note));
                continue;
            }
        };
        let key = rest.iter().map(|k| bare(k)).collect::<Vec<_>>().join(".");
        let id_key = crate::scenario::path::ident_key(&array, None).to_owned();
        match entries.iter_mut().find(|e| e.0 == array && e.2 == ident) {
            Some(e) => e.3.push((key, v, note)),
            None => entries.push((array, id_key, ident, vec![(key, v, note)])),
        }
    }
    for (table, key, v, note) in &plain {
        s.push_str(&format!("\n[{table}]\n{} = {v}   # calibrated: posterior median, {note}\n", bare(key)));
    }
    for (array, id_key, ident, keys) in &entries {
        s.push_str(&format!("\n[[{array}]]\n{id_key} = {}\n", Value::String(ident.clone())));
        let mut what = Vec::new();
        for (k, v, note) in keys {
            s.push_str(&format!("{k} = {v}   # {note}\n"));
            what.push(format!("{k} {v} ({note})"));
        }
        let source = format!(
            "calibrated: posterior median of pointsim calibrate against {}: {}",
            t.file,
            what.join("; ")
        );
        s.push_str(&format!("source = {}\n", Value::String(source)));
    }
    s
}

/// An entry of the overlay: array, identifying key, identity, and its (key, value, note) lines.
type Entry = (String, String, String, Vec<(String, String, String)>);

/// A key bare when it can be, quoted otherwise.
fn bare(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_owned()
    } else {
        Value::String(k.to_owned()).to_string()
    }
}

/// Four significant digits.
pub fn short(x: f64) -> String {
    if !x.is_finite() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (3 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}
