//! Calibration of free parameters to published figures: history matching in waves, then ABC.
//!
//! A [`targets`] file names the free parameters (sweep paths with a range
//! and a prior) and the figures to fit (a metric at a step, with its
//! uncertainty and source). Each wave is a sweep ([`wave_sweep`]): its
//! candidates are a Latin hypercube over the box still plausible
//! ([`method::wave_plan`]), run with the same replicate seeds for every
//! candidate (common random numbers). The method is in [`method`] and in
//! the README's Calibration section.

pub mod method;
pub mod output;
pub mod recovery;
pub mod targets;

use std::collections::HashMap;

use rayon::prelude::*;
use toml::Value;

use method::{Posterior, UnitBox, WavePlan, WaveResult};
use targets::{Kind, Target, Targets};

use super::plan;
use super::sweep::Sweep;
use crate::results::metrics::snapshot_metrics;
use crate::results::suppress::DEFAULT_MIN_CELL;
use crate::results::sweep::Record;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// A wave's outputs: `outputs[candidate][replicate][target]` (`None`: failed or undefined).
pub type Outputs = Vec<Vec<Vec<Option<f64>>>>;

/// Every wave and the posterior.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The waves, in order.
    pub waves: Vec<WaveResult>,
    /// The ABC posterior over all of them.
    pub posterior: Posterior,
}

/// Run the whole calibration, each wave's candidates through `run_wave`,
/// which returns `outputs[candidate][replicate][target]`.
///
/// # Errors
///
/// Whatever `run_wave` returns.
pub fn calibrate<E>(
    t: &Targets,
    mut run_wave: impl FnMut(&WavePlan) -> Result<Outputs, E>,
) -> Result<Outcome, E> {
    let mut region = UnitBox::full(t.parameters.len());
    let mut waves = Vec::new();
    for k in 1..=t.waves {
        let plan = method::wave_plan(t, k, region.clone());
        let outputs = run_wave(&plan)?;
        let w = method::evaluate(t, &plan, outputs);
        region = method::next_region(&w, t.candidates as usize);
        waves.push(w);
    }
    let posterior = method::posterior(t, &mut waves);
    Ok(Outcome { waves, posterior })
}

/// The sweep plan (zip mode, one cell per candidate) of a wave; `base` is
/// the scenario's path as the plan states it (relative to the plan's folder).
pub fn wave_plan_text(t: &Targets, plan: &WavePlan, base: &str) -> String {
    let mut s = format!(
        "# wave {} of calibration `{}`: {} candidates, a Latin hypercube over the plausible box\n",
        plan.wave,
        t.file,
        plan.units.len()
    );
    s.push_str(&format!("base = {}\n", Value::String(base.to_owned())));
    s.push_str(&format!("replicates = {}\nmode = \"zip\"\nseed = {}\n\n[vary]\n", t.replicates, t.seed));
    for (k, p) in t.parameters.iter().enumerate() {
        let vals: Vec<String> = plan.params.iter().map(|c| value(c[k], p.integer).to_string()).collect();
        s.push_str(&format!("{} = [{}]\n", Value::String(p.path.to_string()), vals.join(", ")));
    }
    s
}

/// A parameter value as TOML.
pub fn value(x: f64, integer: bool) -> Value {
    if integer { Value::Integer(x.round() as i64) } else { Value::Float(x) }
}

/// The sweep of one wave: its plan checked (`name` and `dir` as
/// [`plan::parse`] takes them) and its cells prepared, with common random numbers.
///
/// # Errors
///
/// The plan does not check (a candidate value the base rejects is not an
/// error here: that cell's runs fail, and the candidate is implausible).
pub fn wave_sweep(
    t: &Targets,
    text: &str,
    name: &str,
    dir: &std::path::Path,
    shard: Option<crate::results::sweep::Shard>,
    threads: usize,
    available: Option<u64>,
) -> Result<Sweep, plan::PlanError> {
    let p = plan::parse(text, name, dir)?;
    let _ = t;
    Ok(Sweep::prepare(p, false, shard, threads, available))
}

/// What a calibration records of one run: each target's value, by target name.
pub fn measure(t: &Targets) -> impl Fn(&Scenario, &Summary) -> Vec<(String, f64)> + Sync + '_ {
    move |s, summary| {
        let mut cache: HashMap<u32, Vec<crate::results::metrics::Metric>> = HashMap::new();
        t.targets
            .iter()
            .map(|tg| {
                let mut at = |step: u32| value_at(s, summary, tg, step, &mut cache);
                let v = match (tg.kind, tg.since) {
                    (Kind::Flow, Some(a)) => at(tg.step) - at(a),
                    _ => at(tg.step),
                };
                (tg.name.clone(), v)
            })
            .collect()
    }
}

/// The target's metric at `step` (groups pooled by their sizes); `NaN` when undefined.
fn value_at(
    s: &Scenario,
    summary: &Summary,
    tg: &Target,
    step: u32,
    cache: &mut HashMap<u32, Vec<crate::results::metrics::Metric>>,
) -> f64 {
    let Some(snap) = summary.snapshots.iter().find(|x| x.step == step) else { return f64::NAN };
    let m = cache.entry(step).or_insert_with(|| snapshot_metrics(s, summary, snap, DEFAULT_MIN_CELL));
    let get = |name: &str| m.iter().find(|x| x.name == name).map_or(f64::NAN, |x| x.value);
    if tg.groups.is_empty() {
        return get(&tg.metric);
    }
    let (mut num, mut den) = (0.0, 0.0);
    for g in &tg.groups {
        let Some(i) = s.groups.iter().position(|x| &x.name == g) else { return f64::NAN };
        let n = snap.by_group.get(i).map_or(0, |x| x.n) as f64;
        num += n * get(&targets::group_metric(&tg.metric, g));
        den += n;
    }
    if den > 0.0 { num / den } else { f64::NAN }
}

/// `outputs[candidate][replicate][target]` from a wave's journal records.
pub fn collect(t: &Targets, n: usize, records: &[Record]) -> Outputs {
    let reps = t.replicates as usize;
    let mut out = vec![vec![vec![None; t.targets.len()]; reps]; n];
    for r in records {
        if r.cell >= n || r.replicate as usize >= reps || !r.is_ok() {
            continue;
        }
        out[r.cell][r.replicate as usize] =
            t.targets.iter().map(|tg| r.metrics.get(&tg.name).copied().flatten()).collect();
    }
    out
}

/// Run a wave entirely in memory on the current rayon pool (no folder, no
/// journal): what the recovery tests and benchmarks use.
///
/// # Errors
///
/// The wave's plan does not check.
pub fn run_in_memory(t: &Targets, plan: &WavePlan, threads: usize) -> Result<Outputs, plan::PlanError> {
    let base = t.scenario_file.display().to_string();
    let text = wave_plan_text(t, plan, &base);
    let sweep = wave_sweep(t, &text, "wave.toml", std::path::Path::new(""), None, threads, None)?;
    let f = measure(t);
    let records: Vec<Record> = sweep.runs().par_iter().map(|&(c, r)| sweep.run_with(c, r, &f)).collect();
    Ok(collect(t, plan.units.len(), &records))
}

#[cfg(test)]
mod tests;
