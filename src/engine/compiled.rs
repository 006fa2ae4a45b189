//! The scenario compiled into flat per-step rate tables for the engine's hot loop.

use crate::scenario::Scenario;

/// Rates per step for every (group, tier, rule), with their totals and alias tables for
/// choosing which rule fires in constant time.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub steps: u32,
    pub steps_per_year: u32,
    /// Start score per group.
    pub group_start: Vec<i64>,
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
    /// `[group][tier]` total rate per step (the sum of that row of `rate`).
    pub totals: Vec<f64>,
    /// `[group][tier][rule]` Walker alias tables: column `i` keeps rule `i`
    /// with probability `alias_prob[i]`, else gives `alias[i]`.
    pub alias_prob: Vec<f64>,
    /// See `alias_prob`.
    pub alias: Vec<u32>,
    /// Per rule: in force (`enabled`); a rule that is not has rate 0.
    pub enabled: Vec<bool>,
    /// Yearly cap per rule (`u32::MAX`: none).
    pub cap: Vec<u32>,
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
        let mut totals = Vec::with_capacity(n_groups * n_tiers);
        for g in &s.groups {
            for k in 0..n_tiers {
                let mut total = 0.0;
                for (r, rule) in s.rules.iter().enumerate() {
                    let applies = if rule.enabled && rule.more.applies(g.kind) { 1.0 } else { 0.0 };
                    let x = rule.rate * g.rate_multiplier[r] * rule.rate_by_tier[k] * step_years * applies;
                    total += x;
                    rate.push(x);
                }
                totals.push(total);
            }
        }
        let mut alias_prob = Vec::with_capacity(rate.len());
        let mut alias = Vec::with_capacity(rate.len());
        for row in rate.chunks(n_rules.max(1)) {
            let (p, a) = walker_alias(row);
            alias_prob.extend(p);
            alias.extend(a);
        }
        let tier_dependent = s.rules.iter().any(|r| r.rate_by_tier.iter().any(|&m| m != 1.0));
        let every = s.report.snapshot_every.max(1);
        let mut snapshot_steps: Vec<u32> = (0..=s.steps / every).map(|i| i * every).collect();
        if !s.steps.is_multiple_of(every) {
            snapshot_steps.push(s.steps);
        }
        Compiled {
            steps: s.steps,
            steps_per_year: s.step.steps_per_year(),
            group_start: s.groups.iter().map(|g| g.start).collect(),
            min: s.score.min.unwrap_or(i64::MIN),
            max: s.score.max.unwrap_or(i64::MAX),
            tier_min: s.tiers.iter().map(|t| t.min).collect(),
            n_rules,
            n_tiers,
            tier_dependent,
            points: s.rules.iter().map(|r| r.points).collect(),
            rate,
            totals,
            alias_prob,
            alias,
            enabled: s.rules.iter().map(|r| r.enabled).collect(),
            cap: s.rules.iter().map(|r| r.max_per_year.unwrap_or(u32::MAX)).collect(),
            restore_after: s.recovery.restore_after,
            drift: s.recovery.drift,
            snapshot_steps,
            snapshot_every: every,
        }
    }

    /// Total rate per step of a group in a tier.
    #[inline]
    pub fn total(&self, group: usize, tier: usize) -> f64 {
        self.totals[group * self.n_tiers + tier]
    }

    /// Choose a rule of table `table` in proportion to its rate, from one uniform `u` in `[0, 1)`.
    #[inline]
    pub fn pick(&self, table: usize, u: f64) -> usize {
        let x = u * self.n_rules as f64;
        let i = (x as usize).min(self.n_rules - 1);
        if x - (i as f64) < self.alias_prob[table + i] { i } else { self.alias[table + i] as usize }
    }

    /// The tier of a score (index into the sorted tiers).
    #[inline]
    pub fn tier_of(&self, score: i64) -> usize {
        self.tier_min.iter().rposition(|&m| score >= m).unwrap_or(0)
    }

    /// Offset of the `(group, tier)` row in `rate` and the alias tables.
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

/// Walker's alias tables for choosing index `i` with probability
/// `weights[i] / sum` in constant time (Vose's construction, stable order).
///
/// Returns, per column, the probability of keeping the column's own index
/// and the alias used otherwise. All-zero weights give a table that is
/// never consulted (the engine draws no event at total rate 0).
pub(crate) fn walker_alias(weights: &[f64]) -> (Vec<f64>, Vec<u32>) {
    let n = weights.len();
    let total: f64 = weights.iter().sum();
    let mut prob = vec![1.0; n];
    let mut alias: Vec<u32> = (0..n as u32).collect();
    if n == 0 || total <= 0.0 {
        return (prob, alias);
    }
    let mut scaled: Vec<f64> = weights.iter().map(|w| w * n as f64 / total).collect();
    let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| scaled[i] < 1.0);
    while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
        prob[s] = scaled[s];
        alias[s] = l as u32;
        scaled[l] = (scaled[l] + scaled[s]) - 1.0;
        if scaled[l] < 1.0 {
            large.pop();
            small.push(l);
        }
    }
    // what is left is 1 up to rounding: keep its own index
    for i in small.into_iter().chain(large) {
        prob[i] = 1.0;
        alias[i] = i as u32;
    }
    (prob, alias)
}

#[cfg(test)]
mod tests {
    use super::walker_alias;

    /// The alias table gives each index exactly its share of the unit
    /// interval: summing the kept and aliased mass per index recovers the
    /// normalised weights to rounding error.
    #[test]
    fn alias_tables_are_exact() {
        for weights in
            [vec![1.0, 2.0, 3.0, 4.0], vec![0.0, 5.0, 0.0, 0.001, 7.5], vec![3.0], vec![1e-9, 1.0, 1e9]]
        {
            let (prob, alias) = walker_alias(&weights);
            let n = weights.len() as f64;
            let total: f64 = weights.iter().sum();
            let mut mass = vec![0.0; weights.len()];
            for i in 0..weights.len() {
                mass[i] += prob[i] / n;
                mass[alias[i] as usize] += (1.0 - prob[i]) / n;
            }
            for (m, w) in mass.iter().zip(&weights) {
                assert!((m - w / total).abs() < 1e-12, "{weights:?}: {mass:?}");
            }
        }
    }
}
