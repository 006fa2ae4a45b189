//! The synthetic population: how many subjects each group gets, and which
//! group a subject belongs to.
//!
//! Subjects are numbered `0..size`; groups take contiguous blocks in file
//! order, so a subject's group is a pure function of its number and the
//! population needs no per-subject storage at all.

use crate::scenario::Scenario;

/// Group sizes and the subject ranges they occupy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Population {
    /// With households: the first subject of every unit (a household, or a
    /// subject living alone), ascending, starting at 0. `None` without households.
    pub units: Option<Vec<u64>>,
    /// Subjects per group, indexed like `Scenario::groups`.
    pub sizes: Vec<u64>,
    /// `offsets[g]..offsets[g + 1]` are the subjects of group `g`.
    pub offsets: Vec<u64>,
}

impl Population {
    /// Split `scenario.population` into groups by share.
    ///
    /// Counts are exact: each group first gets `floor(share * size)`, then the
    /// subjects left over go one each to the groups with the largest
    /// remainders (ties to the earlier group), so sizes always sum to the
    /// population and never differ from `share * size` by a whole subject.
    pub fn new(scenario: &Scenario) -> Self {
        let sizes = group_sizes(scenario);
        let mut offsets = Vec::with_capacity(sizes.len() + 1);
        offsets.push(0);
        for s in &sizes {
            offsets.push(offsets.last().copied().unwrap_or(0) + s);
        }
        let units = scenario.households.as_ref().map(|h| household_units(scenario, h, &offsets));
        Population { sizes, offsets, units }
    }

    /// The subjects of the unit (household, or single subject) that starts at
    /// or contains `subject`.
    pub fn unit_of(&self, subject: u64) -> std::ops::Range<u64> {
        match &self.units {
            None => subject..subject + 1,
            Some(starts) => {
                let i = starts.partition_point(|&s| s <= subject) - 1;
                let end = starts.get(i + 1).copied().unwrap_or(self.len());
                starts[i]..end
            }
        }
    }

    /// Total number of subjects.
    pub fn len(&self) -> u64 {
        self.offsets.last().copied().unwrap_or(0)
    }

    /// Whether there are no subjects (never true for a validated scenario).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The group of a subject.
    pub fn group_of(&self, subject: u64) -> usize {
        // offsets is sorted; partition_point finds the first offset above the subject
        self.offsets.partition_point(|&o| o <= subject) - 1
    }
}

/// Subjects per group (see [`Population::new`]), without building the
/// population: kinds take their shares of the population, then each kind's
/// groups their shares of it, by largest remainder.
pub fn group_sizes(scenario: &Scenario) -> Vec<u64> {
    let kind_shares: Vec<f64> = scenario.kinds.iter().map(|k| k.share).collect();
    let kind_sizes = largest_remainder(&kind_shares, scenario.population);
    let mut sizes = vec![0u64; scenario.groups.len()];
    for (k, &kind_size) in kind_sizes.iter().enumerate() {
        let members: Vec<usize> =
            (0..scenario.groups.len()).filter(|&g| scenario.groups[g].kind == k).collect();
        let shares: Vec<f64> = members.iter().map(|&g| scenario.groups[g].share).collect();
        for (&g, n) in members.iter().zip(largest_remainder(&shares, kind_size)) {
            sizes[g] = n;
        }
    }
    sizes
}

/// Unit starts for `[population.households]`: within each group block of a
/// household kind, households follow one another with sizes in the given
/// shares, chosen by smooth weighted round robin (deterministic, and every
/// size's count within one household of its share); other subjects live alone.
fn household_units(s: &Scenario, h: &crate::scenario::Households, offsets: &[u64]) -> Vec<u64> {
    let mut starts = Vec::new();
    for (g, group) in s.groups.iter().enumerate() {
        let (from, to) = (offsets[g], offsets[g + 1]);
        if h.kind.is_some_and(|k| k != group.kind) {
            starts.extend(from..to);
            continue;
        }
        let mut credit = vec![0.0f64; h.sizes.len()];
        let mut at = from;
        while at < to {
            starts.push(at);
            for (c, w) in credit.iter_mut().zip(&h.sizes) {
                *c += w;
            }
            let k = (0..credit.len())
                .max_by(|&a, &b| credit[a].total_cmp(&credit[b]).then(b.cmp(&a)))
                .unwrap_or(0);
            credit[k] -= 1.0;
            at = (at + k as u64 + 1).min(to);
        }
    }
    starts
}

/// Apportion `total` among `shares` (which sum to about 1) by largest remainder.
pub fn largest_remainder(shares: &[f64], total: u64) -> Vec<u64> {
    let sum: f64 = shares.iter().map(|s| s.max(0.0)).sum();
    if shares.is_empty() || sum <= 0.0 {
        return vec![0; shares.len()];
    }
    // normalise, so shares that sum to 1 only within rounding never over-assign
    let exact: Vec<f64> = shares.iter().map(|s| s.max(0.0) / sum * total as f64).collect();
    let mut sizes: Vec<u64> = exact.iter().map(|x| (x.floor() as u64).min(total)).collect();
    let mut assigned: u64 = sizes.iter().sum();
    while assigned > total {
        // only reachable through float rounding at huge totals: take from the largest group
        let g = (0..sizes.len()).max_by_key(|&g| sizes[g]).unwrap_or(0);
        sizes[g] -= 1;
        assigned -= 1;
    }
    let mut left = total.saturating_sub(assigned);
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // stable sort: equal remainders keep file order
    order.sort_by(|&a, &b| (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())));
    for &g in order.iter().cycle().take(order.len() * 2) {
        if left == 0 {
            break;
        }
        sizes[g] += 1;
        left -= 1;
    }
    sizes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_is_exact_and_fair() {
        assert_eq!(largest_remainder(&[0.45, 0.30, 0.20, 0.05], 100_000), [45_000, 30_000, 20_000, 5_000]);
        // 1/3 each of 10: remainders tie, the earliest groups get the extra subject
        assert_eq!(largest_remainder(&[1.0 / 3.0; 3], 10), [4, 3, 3]);
        // 0.7/0.3 of 7: 4.9 and 2.1 -> 5 and 2
        assert_eq!(largest_remainder(&[0.7, 0.3], 7), [5, 2]);
        assert_eq!(largest_remainder(&[1.0], 1), [1]);
        assert_eq!(largest_remainder(&[0.5, 0.0, 0.5], 3), [2, 0, 1]);
    }

    #[test]
    fn sizes_always_sum_to_the_total() {
        let shares = [0.123, 0.456, 0.2, 0.221];
        for total in [1, 2, 3, 7, 99, 1_000, 123_457] {
            assert_eq!(largest_remainder(&shares, total).iter().sum::<u64>(), total);
        }
    }
}
