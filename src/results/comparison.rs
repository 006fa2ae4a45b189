//! A finished comparison of a baseline against a reform: per metric, both
//! sides and their paired differences over the replicates; tier
//! transitions, perk and restriction changes, and both final score
//! distributions. Built by the batch layer (`batch::compare`), which runs the
//! replicates; read by `output` (the files) and `plot` (chart and page).

use super::interval::Interval;

/// The confidence level of every interval in a comparison.
pub const LEVEL: f64 = 0.95;

/// One metric in both scenarios over the replicates.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricComparison {
    /// Dotted name, as [`metrics`](crate::results::metrics::metrics) gives it (`tier_share.A`).
    pub name: String,
    /// The base's value in each replicate (`NaN` where the base lacks the metric).
    pub base_values: Vec<f64>,
    /// The reform's value in each replicate (`NaN` where the reform lacks the metric).
    pub reform_values: Vec<f64>,
    /// Mean and interval of the base's values.
    pub base: Interval,
    /// Mean and interval of the reform's values.
    pub reform: Interval,
    /// Mean and interval of the paired differences, reform − base.
    pub diff: Interval,
}

/// How holders of one perk or restriction change, in one group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holding {
    /// Subject-replicates holding it in both.
    pub both: u64,
    /// Holding it in the base only (lost under the reform).
    pub lost: u64,
    /// Holding it in the reform only (gained under the reform).
    pub gained: u64,
    /// Subject-replicates counted (group size × replicates).
    pub n: u64,
}

/// A perk or restriction of either scenario, with its changes by group.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldingChange {
    /// `perk` or `restriction`.
    pub kind: &'static str,
    /// Its id.
    pub id: String,
    /// Everyone first, then each group in scenario order.
    pub by_group: Vec<Holding>,
}

/// Final scores of both scenarios, pooled over replicates, in common bins.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// Bin width in points (the base's `report.bin_width`).
    pub bin_width: u32,
    /// Lower edge of the first bin (a multiple of `bin_width`).
    pub lo: i64,
    /// Subject-replicates of the base in each bin.
    pub base: Vec<u64>,
    /// Subject-replicates of the reform in each bin.
    pub reform: Vec<u64>,
}

/// One tier's threshold in a side of a comparison, for drawing its band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierThreshold {
    /// The tier's name (as in `base_tiers` or `reform_tiers`).
    pub name: String,
    /// Its human label (the name unless the scenario gives one).
    pub label: String,
    /// Its inclusive lower bound; the lowest tier also catches every score below.
    pub min: i64,
}

impl TierThreshold {
    /// The thresholds of a scenario's tiers, lowest first.
    pub fn of(s: &crate::scenario::Scenario) -> Vec<Self> {
        s.tiers.iter().map(|t| Self { name: t.name.clone(), label: t.label.clone(), min: t.min }).collect()
    }
}

/// A finished comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The seed replicate seeds are derived from.
    pub seed: u64,
    /// Each replicate's seed, used by both scenarios.
    pub seeds: Vec<u64>,
    /// `all`, then each group's name in scenario order (only `all` when the
    /// scenario defines no groups), without the groups small-cell
    /// suppression hides (see [`suppressed`](Self::suppressed)).
    pub groups: Vec<String>,
    /// Groups left out of every per-group figure: fewer subjects than the
    /// default small-cell threshold, or hidden so that none can be recovered
    /// from the totals (their metrics are `NaN`).
    pub suppressed: Vec<String>,
    /// Subjects in each of `groups` (one replicate).
    pub group_sizes: Vec<u64>,
    /// Every metric of either scenario: the base's in its order, then those only the reform has.
    pub metrics: Vec<MetricComparison>,
    /// The base's tier names, lowest first.
    pub base_tiers: Vec<String>,
    /// The reform's tier names, lowest first.
    pub reform_tiers: Vec<String>,
    /// The base's tier thresholds, lowest first (empty when read from a
    /// `compare.json` written before they were recorded).
    pub base_thresholds: Vec<TierThreshold>,
    /// The reform's tier thresholds, lowest first (empty likewise).
    pub reform_thresholds: Vec<TierThreshold>,
    /// `transitions[g][i][j]`: subject-replicates of group `g` (index into
    /// `groups`) in base tier `i` and reform tier `j` at the end.
    pub transitions: Vec<Vec<Vec<u64>>>,
    /// Per group: subject-replicates whose final score is lower, equal, higher under the reform.
    pub score_change: Vec<[u64; 3]>,
    /// Perks then restrictions of the base, then those only the reform has.
    pub holdings: Vec<HoldingChange>,
    /// Both final score distributions.
    pub distribution: Distribution,
}

impl Comparison {
    /// Number of replicates.
    pub fn replicates(&self) -> usize {
        self.seeds.len()
    }

    /// Whether both scenarios have the same tier names in the same order, so
    /// that "up" and "down" between them mean something.
    pub fn same_tiers(&self) -> bool {
        self.base_tiers == self.reform_tiers
    }

    /// Subject-replicates of group `g` that end in a higher, the same, or a
    /// lower tier under the reform, as `[down, same, up]`; `None` when the
    /// tiers differ between the scenarios.
    pub fn moved(&self, g: usize) -> Option<[u64; 3]> {
        if !self.same_tiers() {
            return None;
        }
        let mut out = [0; 3];
        for (i, row) in self.transitions[g].iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                out[((j as isize - i as isize).signum() + 1) as usize] += n;
            }
        }
        Some(out)
    }
}
