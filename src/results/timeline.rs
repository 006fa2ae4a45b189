//! A comparison over time: the base and the reform at every snapshot, each
//! number the mean over the replicates, for the explore page's time chart.

use serde::Serialize;

use crate::results::comparison::LEVEL;
use crate::results::interval::interval;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// Mean score, tier, perk and restriction shares of both sides at each snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Timeline {
    /// The steps of the snapshots, in order (step 0 is the start); the
    /// union of the two sides' when they differ.
    pub steps: Vec<u32>,
    /// One series per number, `score.mean` first, then the shares in the
    /// order of the metrics (`tier_share.<name>` highest tier first, `perk_share.<id>`,
    /// `restriction_share.<id>`), the base's and then the reform's only.
    pub series: Vec<Series>,
}

/// One number over time, on both sides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    /// The metric's name, as in compare.json (`tier_share.A`).
    pub name: String,
    /// The base's mean over replicates at each of [`Timeline::steps`]
    /// (NaN, `null` in JSON, where the base has no such number or snapshot).
    pub base: Vec<f64>,
    /// The reform's, likewise.
    pub reform: Vec<f64>,
}

/// One run's numbers at each of its snapshots.
#[derive(Debug, Clone)]
pub struct RunSeries {
    steps: Vec<u32>,
    names: Vec<String>,
    /// `values[k][i]`: number `names[k]` at snapshot `steps[i]`.
    values: Vec<Vec<f64>>,
}

/// The series of one run of `scenario`.
pub fn run_series(scenario: &Scenario, summary: &Summary) -> RunSeries {
    let steps = summary.snapshots.iter().map(|s| s.step).collect();
    let mut names = vec!["score.mean".to_owned()];
    // tiers highest first, as compare.json's metrics
    names.extend(scenario.tiers.iter().rev().map(|t| format!("tier_share.{}", t.name)));
    names.extend(scenario.perks.iter().map(|p| format!("perk_share.{}", p.id)));
    names.extend(scenario.restrictions.iter().map(|r| format!("restriction_share.{}", r.id)));
    let mut values = vec![Vec::with_capacity(summary.snapshots.len()); names.len()];
    for snap in &summary.snapshots {
        let o = &snap.overall;
        let counts = o.tier_count.iter().rev().chain(&o.perk_count).chain(&o.restriction_count);
        let row =
            std::iter::once(o.score.as_ref().map_or(f64::NAN, |s| s.mean)).chain(counts.map(|&n| o.share(n)));
        for (v, x) in values.iter_mut().zip(row) {
            v.push(x);
        }
    }
    RunSeries { steps, names, values }
}

/// The timeline of replicates `reps`, each the base's and the reform's
/// series, combined in replicate order. The mean at a snapshot is computed
/// as compare.json's (`interval`), so the last snapshot's equals its
/// `base_mean` and `reform_mean` exactly.
pub fn combine(reps: &[[RunSeries; 2]]) -> Timeline {
    let Some(first) = reps.first() else { return Timeline::default() };
    let mut steps: Vec<u32> = first[0].steps.iter().chain(&first[1].steps).copied().collect();
    steps.sort_unstable();
    steps.dedup();
    let mut names: Vec<&String> = first[0].names.iter().collect();
    names.extend(first[1].names.iter().filter(|n| !first[0].names.contains(n)));
    let series = names
        .into_iter()
        .map(|name| {
            let side = |s: usize| {
                steps
                    .iter()
                    .map(|step| {
                        let values: Vec<f64> = reps
                            .iter()
                            .map(|r| {
                                let run = &r[s];
                                let k = run.names.iter().position(|n| n == name);
                                let i = run.steps.iter().position(|x| x == step);
                                k.zip(i).map_or(f64::NAN, |(k, i)| run.values[k][i])
                            })
                            .collect();
                        interval(&values, LEVEL).mean
                    })
                    .collect()
            };
            Series { name: name.clone(), base: side(0), reform: side(1) }
        })
        .collect();
    Timeline { steps, series }
}
