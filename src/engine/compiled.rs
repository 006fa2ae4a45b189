//! The scenario compiled into flat per-step rate tables for the engine's hot loop.

use crate::scenario::Scenario;

/// Slot marker for a rule without a yearly cap.
pub(crate) const NO_CAP: u16 = u16::MAX;

/// Rates per step for every (group, tier, rule), with cumulative tables for
/// choosing which rule fires by inversion.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub steps: u32,
    pub steps_per_year: u32,
    pub start: i64,
    pub min: i64,
    pub max: i64,
    pub tier_min: Vec<i64>,
    pub n_rules: usize,
    pub n_tiers: usize,
    /// Whether any rate depends on the tier (if not, tiers need no tracking).
    pub tier_dependent: bool,
    pub points: Vec<i64>,
    /// `[group][tier][rule]` expected events per step.
    pub rate: Vec<f64>,
    /// `[group][tier][rule]` running sums of `rate`.
    pub cum: Vec<f64>,
    /// Yearly cap per rule (meaningless where `cap_slot` is `NO_CAP`).
    pub cap: Vec<u32>,
    /// Index of the rule's counter among capped rules, or `NO_CAP`.
    pub cap_slot: Vec<u16>,
    pub n_capped: usize,
    pub restore_after: Option<u32>,
    pub drift: Option<i64>,
    /// Steps completed at each snapshot row.
    pub snapshot_steps: Vec<u32>,
    pub snapshot_every: u32,
}

impl Compiled {
    pub fn new(s: &Scenario) -> Self {
        let step_years = s.step.years();
        let (n_groups, n_tiers, n_rules) = (s.groups.len(), s.tiers.len(), s.rules.len());
        let mut rate = Vec::with_capacity(n_groups * n_tiers * n_rules);
        let mut cum = Vec::with_capacity(rate.capacity());
        for g in &s.groups {
            for k in 0..n_tiers {
                let mut acc = 0.0;
                for (r, rule) in s.rules.iter().enumerate() {
                    let x = rule.rate * g.rate_multiplier[r] * rule.rate_by_tier[k] * step_years;
                    acc += x;
                    rate.push(x);
                    cum.push(acc);
                }
            }
        }
        let tier_dependent = s.rules.iter().any(|r| r.rate_by_tier.iter().any(|&m| m != 1.0));
        let mut cap_slot = Vec::with_capacity(n_rules);
        let mut n_capped = 0usize;
        for r in &s.rules {
            if r.max_per_year.is_some() && n_capped < usize::from(NO_CAP) {
                cap_slot.push(n_capped as u16);
                n_capped += 1;
            } else {
                cap_slot.push(NO_CAP);
            }
        }
        let every = s.report.snapshot_every.max(1);
        let mut snapshot_steps: Vec<u32> = (0..=s.steps / every).map(|i| i * every).collect();
        if s.steps % every != 0 {
            snapshot_steps.push(s.steps);
        }
        Compiled {
            steps: s.steps,
            steps_per_year: s.step.steps_per_year(),
            start: s.score.start,
            min: s.score.min.unwrap_or(i64::MIN),
            max: s.score.max.unwrap_or(i64::MAX),
            tier_min: s.tiers.iter().map(|t| t.min).collect(),
            n_rules,
            n_tiers,
            tier_dependent,
            points: s.rules.iter().map(|r| r.points).collect(),
            rate,
            cum,
            cap: s.rules.iter().map(|r| r.max_per_year.unwrap_or(u32::MAX)).collect(),
            cap_slot,
            n_capped,
            restore_after: s.recovery.restore_after,
            drift: s.recovery.drift,
            snapshot_steps,
            snapshot_every: every,
        }
    }

    /// The tier of a score (index into the sorted tiers).
    #[inline]
    pub fn tier_of(&self, score: i64) -> usize {
        self.tier_min.iter().rposition(|&m| score >= m).unwrap_or(0)
    }

    /// Offset of the `(group, tier)` row in `rate` and `cum`.
    #[inline]
    pub fn table(&self, group: usize, tier: usize) -> usize {
        (group * self.n_tiers + tier) * self.n_rules
    }

    /// The first snapshot row whose score includes a change made during step `step`.
    #[inline]
    pub fn first_row_after(&self, step: u32) -> usize {
        (step / self.snapshot_every) as usize + 1
    }
}
