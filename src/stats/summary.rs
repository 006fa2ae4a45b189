//! The run summary: per snapshot and group, score statistics and counts per
//! tier, perk and restriction, all derived exactly from integer histograms.

use serde::Serialize;

use super::hist::SnapshotHistograms;
use crate::scenario::Scenario;

/// The quantiles reported everywhere, as (name, per-mille).
///
/// The `p` quantile is the smallest score `x` with at least `ceil(p * n)`
/// subjects at or below `x` (the inverted empirical CDF, Hyndman–Fan type 1),
/// so every quantile is a score some subject really has.
pub const QUANTILES: [(&str, u64); 9] = [
    ("p01", 10),
    ("p05", 50),
    ("p10", 100),
    ("p25", 250),
    ("p50", 500),
    ("p75", 750),
    ("p90", 900),
    ("p95", 950),
    ("p99", 990),
];

/// Score statistics over a non-empty set of subjects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreStats {
    /// Mean score.
    pub mean: f64,
    /// Standard deviation over subjects (divisor `n`: the population is the whole set, not a sample).
    pub sd: f64,
    /// Lowest score.
    pub min: i64,
    /// Highest score.
    pub max: i64,
    /// Quantiles in the order of [`QUANTILES`].
    pub quantiles: Vec<i64>,
}

/// One group (or everyone) at one snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Slice {
    /// Number of subjects.
    pub n: u64,
    /// Score statistics; `None` when `n == 0`.
    pub score: Option<ScoreStats>,
    /// Subjects per tier, indexed like `Scenario::tiers` (lowest first).
    pub tier_count: Vec<u64>,
    /// Subjects holding each perk, indexed like `Scenario::perks`.
    pub perk_count: Vec<u64>,
    /// Subjects under each restriction, indexed like `Scenario::restrictions`.
    pub restriction_count: Vec<u64>,
    /// Subjects on each list, indexed like `Scenario::lists`.
    pub list_count: Vec<u64>,
}

impl Slice {
    /// `count / n`, or 0 for an empty slice.
    pub fn share(&self, count: u64) -> f64 {
        if self.n == 0 { 0.0 } else { count as f64 / self.n as f64 }
    }
}

/// The state at the end of one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    /// Steps completed (0 is the start).
    pub step: u32,
    /// Everyone.
    pub overall: Slice,
    /// One slice per group, indexed like `Scenario::groups`.
    pub by_group: Vec<Slice>,
}

/// Final scores binned by `report.bin_width`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BinnedHistogram {
    /// Bin width in points.
    pub bin_width: u32,
    /// Lower bound of the first bin (a multiple of `bin_width`); bin `i`
    /// holds scores `lo + i*w ..= lo + (i+1)*w - 1`.
    pub lo: i64,
    /// Counts per bin, everyone; from the lowest to the highest occupied bin.
    pub overall: Vec<u64>,
    /// Counts per bin for each group, same bins as `overall`.
    pub by_group: Vec<Vec<u64>>,
}

/// Events and points of one rule over the whole run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleTotals {
    /// Events recorded.
    pub events: u64,
    /// Points actually applied after clamping (signed).
    pub points_applied: i64,
    /// Points that clamping removed from these events (always `>= 0`).
    pub points_clamped: u64,
    /// Times a subject reached the rule's yearly cap (at most once per subject-year).
    pub cap_reached: u64,
    /// Events the cap withheld, expected, in millionths of an event: at
    /// each cap reached, the rule's rate then times the rest of the
    /// scenario year (kept as an integer so sums do not depend on the
    /// order partial results are merged in).
    pub withheld_micro: u64,
}

impl RuleTotals {
    /// Events the cap withheld, expected (see [`withheld_micro`](Self::withheld_micro)).
    pub fn events_withheld(&self) -> f64 {
        self.withheld_micro as f64 / MICRO
    }
}

/// Millionths per unit, for [`RuleTotals::withheld_micro`].
pub const MICRO: f64 = 1e6;

/// Everything the outputs report about a finished run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Group sizes, indexed like `Scenario::groups`.
    pub group_sizes: Vec<u64>,
    /// Snapshots in step order; the first is step 0, the last is the final step.
    pub snapshots: Vec<Snapshot>,
    /// Final score histogram.
    pub histogram: BinnedHistogram,
    /// Per rule, indexed like `Scenario::rules`.
    pub rules: Vec<RuleTotals>,
    /// Points given back by `recovery.restore_after`.
    pub points_restored: i64,
    /// Net points moved by `recovery.drift` (signed).
    pub points_drifted: i64,
    /// Totals of the list, appeal, expiry and repair mechanics (when the scenario uses them).
    #[serde(skip)]
    pub mech: Option<crate::stats::MechTotals>,
}

impl Summary {
    /// The last snapshot (the final state).
    pub fn final_snapshot(&self) -> &Snapshot {
        self.snapshots.last().expect("a summary always has step 0 and the last step")
    }
}

/// Everything the engine hands to [`summarise`].
#[derive(Debug, Clone)]
pub struct RunTotals {
    /// Steps completed at each snapshot row (first 0, last `steps`).
    pub snapshot_steps: Vec<u32>,
    /// Cumulated histograms, one row per snapshot.
    pub hist: SnapshotHistograms,
    /// Per rule.
    pub rules: Vec<RuleTotals>,
    /// Points given back by restoration.
    pub points_restored: i64,
    /// Net points moved by drift.
    pub points_drifted: i64,
    /// Totals of lists, appeals, expiry and repair (cumulated), when the
    /// scenario uses those mechanics.
    pub mech: Option<crate::stats::MechTotals>,
}

/// Derive the summary from the merged engine totals.
///
/// `hist` must be cumulated (counts, not deltas).
pub fn summarise(scenario: &Scenario, group_sizes: &[u64], totals: &RunTotals) -> Summary {
    let hist = &totals.hist;
    // tiers, perks and restrictions with the thresholds in force at each snapshot
    let epochs: Vec<(u32, Thresholds)> = scenario.epochs().map(|(at, s)| (at, Thresholds::new(s))).collect();
    let snapshots = totals
        .snapshot_steps
        .iter()
        .enumerate()
        .map(|(row, &step)| {
            let thresholds = &epochs.iter().rev().find(|(at, _)| *at <= step).unwrap_or(&epochs[0]).1;
            let mut overall = vec![0u64; hist.width()];
            let by_group = (0..hist.groups())
                .map(|g| {
                    let counts = hist.counts(row, g);
                    for (o, &c) in overall.iter_mut().zip(counts) {
                        *o += u64::try_from(c).expect("cumulated counts are never negative");
                    }
                    let counts: Vec<u64> = counts.iter().map(|&c| c as u64).collect();
                    let mut sl = slice(&counts, hist.lo(), thresholds);
                    apply_lists(&mut sl, scenario, totals.mech.as_ref(), row, g);
                    sl
                })
                .collect::<Vec<Slice>>();
            let mut overall = slice(&overall, hist.lo(), thresholds);
            overall.list_count = vec![0; scenario.lists.len()];
            if totals.mech.is_some() {
                // lists change who holds what, so overall counts are the sums over groups
                overall.perk_count = sum_over(&by_group, |s| &s.perk_count);
                overall.restriction_count = sum_over(&by_group, |s| &s.restriction_count);
                overall.list_count = sum_over(&by_group, |s| &s.list_count);
            }
            Snapshot { step, overall, by_group }
        })
        .collect();
    let last = hist.rows() - 1;
    let histogram = bin(scenario.report.bin_width, hist, last);
    Summary {
        group_sizes: group_sizes.to_vec(),
        snapshots,
        histogram,
        rules: totals.rules.clone(),
        points_restored: totals.points_restored,
        points_drifted: totals.points_drifted,
        mech: totals.mech.clone(),
    }
}

/// Listings, and the perks and restrictions lists change, of group `g` at snapshot `row`.
fn apply_lists(sl: &mut Slice, s: &Scenario, mech: Option<&crate::stats::MechTotals>, row: usize, g: usize) {
    sl.list_count = vec![0; s.lists.len()];
    let Some(m) = mech else { return };
    for (l, c) in sl.list_count.iter_mut().enumerate() {
        *c = m.listed_at(row, g, l);
    }
    for (p, c) in sl.perk_count.iter_mut().enumerate() {
        *c = c.saturating_add_signed(m.perk_adjust_at(row, g, p));
    }
    for (r, c) in sl.restriction_count.iter_mut().enumerate() {
        *c = c.saturating_add_signed(m.restriction_adjust_at(row, g, r));
    }
}

/// Element-wise sums of one count vector over slices.
fn sum_over(slices: &[Slice], field: impl Fn(&Slice) -> &Vec<u64>) -> Vec<u64> {
    let mut out: Vec<u64> = Vec::new();
    for sl in slices {
        let v = field(sl);
        out.resize(out.len().max(v.len()), 0);
        for (o, x) in out.iter_mut().zip(v) {
            *o += x;
        }
    }
    out
}

/// Score thresholds of tiers, perks and restrictions.
struct Thresholds {
    tier_min: Vec<i64>,
    perk_min: Vec<i64>,
    restriction_max: Vec<i64>,
}

impl Thresholds {
    fn new(s: &Scenario) -> Self {
        Thresholds {
            tier_min: s.tiers.iter().map(|t| t.min).collect(),
            perk_min: s.perks.iter().map(|p| s.perk_min_score(p)).collect(),
            restriction_max: s.restrictions.iter().map(|r| s.restriction_max_score(r)).collect(),
        }
    }
}

/// Statistics of one dense histogram whose index 0 is score `lo`.
fn slice(counts: &[u64], lo: i64, th: &Thresholds) -> Slice {
    let n: u64 = counts.iter().sum();
    let mut tier_count = vec![0u64; th.tier_min.len()];
    let mut perk_count = vec![0u64; th.perk_min.len()];
    let mut restriction_count = vec![0u64; th.restriction_max.len()];
    if n == 0 {
        return Slice { n, score: None, tier_count, perk_count, restriction_count, list_count: vec![] };
    }
    let (mut sum, mut sumsq) = (0i128, 0i128);
    let (mut min, mut max) = (i64::MAX, i64::MIN);
    let mut quantiles = Vec::with_capacity(QUANTILES.len());
    let mut q = 0;
    let mut seen = 0u64;
    for (i, &c) in counts.iter().enumerate() {
        if c == 0 {
            continue;
        }
        let s = lo + i as i64;
        min = min.min(s);
        max = max.max(s);
        let (c128, s128) = (i128::from(c), i128::from(s));
        sum += c128 * s128;
        sumsq += c128 * s128 * s128;
        seen += c;
        // smallest score with at least ceil(p*n) subjects at or below it
        while q < QUANTILES.len() && seen * 1000 >= (QUANTILES[q].1 * n).max(1) {
            quantiles.push(s);
            q += 1;
        }
        let tier = th.tier_min.iter().rposition(|&m| s >= m).unwrap_or(0);
        tier_count[tier] += c;
        for (k, &m) in th.perk_min.iter().enumerate() {
            if s >= m {
                perk_count[k] += c;
            }
        }
        for (k, &m) in th.restriction_max.iter().enumerate() {
            if s <= m {
                restriction_count[k] += c;
            }
        }
    }
    let n128 = i128::from(n);
    let mean = sum as f64 / n as f64;
    // n * sum(x^2) - sum(x)^2 is exact in i128, so the variance has no cancellation error
    let var = (n128 * sumsq - sum * sum) as f64 / (n as f64 * n as f64);
    let score = ScoreStats { mean, sd: var.max(0.0).sqrt(), min, max, quantiles };
    Slice { n, score: Some(score), tier_count, perk_count, restriction_count, list_count: vec![] }
}

/// Bin the final row of `hist` into `width`-point bins aligned to multiples of `width`.
fn bin(width: u32, hist: &SnapshotHistograms, row: usize) -> BinnedHistogram {
    let w = i64::from(width);
    let mut occupied: Option<(i64, i64)> = None;
    for g in 0..hist.groups() {
        for (i, &c) in hist.counts(row, g).iter().enumerate() {
            if c != 0 {
                let s = hist.lo() + i as i64;
                occupied = Some(occupied.map_or((s, s), |(a, b)| (a.min(s), b.max(s))));
            }
        }
    }
    let (first, last) = occupied.unwrap_or((0, 0));
    let lo = first.div_euclid(w) * w;
    let bins = (last.div_euclid(w) * w - lo) / w + 1;
    let mut by_group = vec![vec![0u64; bins as usize]; hist.groups()];
    for (g, out) in by_group.iter_mut().enumerate() {
        for (i, &c) in hist.counts(row, g).iter().enumerate() {
            if c != 0 {
                let s = hist.lo() + i as i64;
                out[((s - lo) / w) as usize] += c as u64;
            }
        }
    }
    let mut overall = vec![0u64; bins as usize];
    for out in &by_group {
        for (o, c) in overall.iter_mut().zip(out) {
            *o += c;
        }
    }
    BinnedHistogram { bin_width: width, lo, overall, by_group }
}
