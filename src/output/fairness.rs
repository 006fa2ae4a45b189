//! Four-fifths disparity ratios and tier mobility: one definition each,
//! shared by summary.json, steps.csv, the inequality chart and the report.

use crate::scenario::Scenario;

/// The four-fifths rule: a ratio whose interval lies wholly below this is flagged.
pub const FOUR_FIFTHS: f64 = 0.8;

/// A group needs at least this many subjects, and so does the group it is
/// compared with, before its ratio can be flagged.
pub const MIN_FLAG_SUBJECTS: u64 = 20;

/// The normal quantile of the two-sided 95% intervals.
const Z95: f64 = 1.959_963_984_540_054;

/// Whether perk or restriction `item` (perks first, then restrictions, as in
/// the outputs) can apply to group `g` at all: its `applies_to` names the
/// group's kind (or is empty). A ratio is computed only among such groups.
pub fn applies(s: &Scenario, item: usize, g: usize) -> bool {
    let kind = s.groups[g].kind;
    let to = match s.perks.get(item) {
        Some(p) => &p.applies_to,
        None => &s.restrictions[item - s.perks.len()].applies_to,
    };
    to.get(kind).copied().unwrap_or(true)
}

/// [`assess`] of perk or restriction `item` (perks first, then restrictions)
/// across the scenario's groups, indexed like `Scenario::groups`: the one
/// rule summary.json, the report and the charts flag by. `counts(g)` gives
/// group `g`'s `(count, subjects)`, `None` for a group that takes no part
/// (empty or suppressed); groups the item does not [`applies`] to take no
/// part either, and get `None`.
pub fn assess_item(
    s: &Scenario,
    item: usize,
    counts: impl Fn(usize) -> Option<(u64, u64)>,
) -> Vec<Option<Assessment>> {
    let counts: Vec<Option<(u64, u64)>> =
        (0..s.groups.len()).map(|g| if applies(s, item, g) { counts(g) } else { None }).collect();
    assess(&counts, item >= s.perks.len())
}

/// One group's four-fifths ratio with its 95% interval, and whether it is flagged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assessment {
    /// The ratio, as [`four_fifths`] gives it.
    pub ratio: f64,
    /// The 95% interval of the ratio: the Katz log interval of a ratio of
    /// two binomial proportions, with 0.5 added to a count of 0 (or to one
    /// equal to the group's size).
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// Flagged: both groups have at least [`MIN_FLAG_SUBJECTS`] subjects and
    /// the whole interval lies below [`FOUR_FIFTHS`].
    pub flagged: bool,
}

/// [`four_fifths`] ratios with intervals and flags, from each group's
/// `(count, subjects)`: holders of a perk, or subjects under a restriction.
/// `None` leaves a group out (empty, suppressed, or not a group the item
/// applies to).
///
/// Each group is compared with the best-off group: for a perk the group with
/// the highest share (ratio = its share ÷ that share), for a restriction the
/// group with the lowest (ratio = that share ÷ its share). Tiny counts give
/// wide intervals, so one rural villager in a restricted grade does not flag
/// a group of 30,000.
pub fn assess(counts: &[Option<(u64, u64)>], restriction: bool) -> Vec<Option<Assessment>> {
    let share = |&(x, n): &(u64, u64)| if n == 0 { 0.0 } else { x as f64 / n as f64 };
    let shares: Vec<Option<f64>> = counts.iter().map(|c| c.as_ref().map(share)).collect();
    let ratios = four_fifths(&shares, restriction);
    // the reference group: the best-off one, first among equals
    let pick = |better: fn(f64, f64) -> bool| {
        counts.iter().enumerate().filter_map(|(g, c)| c.map(|c| (g, share(&c)))).fold(
            None,
            |best: Option<(usize, f64)>, (g, x)| match best {
                Some((_, b)) if !better(x, b) => best,
                _ => Some((g, x)),
            },
        )
    };
    let reference = if restriction { pick(|x, b| x < b) } else { pick(|x, b| x > b) };
    counts
        .iter()
        .zip(&ratios)
        .enumerate()
        .map(|(g, (c, r))| {
            let (c, ratio, (rg, _)) = (c.as_ref()?, (*r)?, reference?);
            if g == rg {
                // the best-off group against itself: exactly 1
                return Some(Assessment { ratio, low: ratio, high: ratio, flagged: false });
            }
            let (x, n) = *c;
            let (xr, nr) = counts[rg]?;
            // ln of the ratio of the corrected proportions: group over reference for a
            // perk, reference over group for a restriction
            let corrected = |x: u64, n: u64| {
                let x = x as f64;
                let n = n.max(1) as f64;
                let x = if x == 0.0 {
                    0.5
                } else if x == n {
                    n - 0.5
                } else {
                    x
                };
                (x, n)
            };
            let ((a, na), (b, nb)) = if restriction {
                (corrected(xr, nr), corrected(x, n))
            } else {
                (corrected(x, n), corrected(xr, nr))
            };
            let se = (1.0 / a - 1.0 / na + 1.0 / b - 1.0 / nb).max(0.0).sqrt();
            let centre = ((a / na) / (b / nb)).ln();
            let (low, high) = ((centre - Z95 * se).exp(), (centre + Z95 * se).exp());
            let enough = n >= MIN_FLAG_SUBJECTS && nr >= MIN_FLAG_SUBJECTS;
            Some(Assessment {
                ratio,
                low: low.min(1.0),
                high: high.min(1.0),
                flagged: enough && high < FOUR_FIFTHS,
            })
        })
        .collect()
}

/// Four-fifths ratios of one perk or restriction across groups.
///
/// `shares` holds each group's share holding the perk (or under the
/// restriction); `None` leaves a group out (empty, or suppressed) and gives
/// it no ratio. Every ratio is in `[0, 1]`, 1 meaning as well off as the
/// best-off group among those present:
///
/// - perk: the group's share ÷ the highest share;
/// - restriction: the lowest share ÷ the group's share (a group nobody in
///   which is under it scores 1).
///
/// A perk nobody holds, or a restriction nobody is under, gives every
/// present group 1.
///
/// # Example
///
/// ```
/// use pointsim::output::fairness::four_fifths;
/// assert_eq!(four_fifths(&[Some(0.5), Some(0.25), None], false), [Some(1.0), Some(0.5), None]);
/// assert_eq!(four_fifths(&[Some(0.5), Some(0.25)], true), [Some(0.5), Some(1.0)]);
/// ```
pub fn four_fifths(shares: &[Option<f64>], restriction: bool) -> Vec<Option<f64>> {
    let (best, least) =
        shares.iter().flatten().fold((0.0f64, f64::INFINITY), |(b, l), &x| (b.max(x), l.min(x)));
    shares
        .iter()
        .map(|s| {
            s.map(|x| match (restriction, best > 0.0, x > 0.0) {
                (false, true, _) => x / best,
                (true, true, true) => least / x,
                _ => 1.0,
            })
        })
        .collect()
}

/// The lowest of the ratios present (the worst-off group's), if any.
pub fn worst(ratios: &[Option<f64>]) -> Option<f64> {
    ratios.iter().flatten().copied().reduce(f64::min)
}

/// The tier each group starts in, indexed like `Scenario::groups`.
///
/// Every subject of a group starts at the group's start score, so this is
/// exact, and so is everything derived from it below.
pub fn start_tiers(s: &Scenario) -> Vec<usize> {
    s.groups.iter().map(|g| s.tier_of(g.start)).collect()
}

/// Subjects now above and below `start` tier, from tier counts indexed like
/// `Scenario::tiers`: `(up, down)`.
pub fn moves(tier_count: &[u64], start: usize) -> (u64, u64) {
    let up = tier_count.iter().skip(start + 1).sum();
    let down = tier_count.iter().take(start).sum();
    (up, down)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The interval of a ratio of two binomial proportions covers the true
    /// ratio about 95% of the time: 2,000 simulated pairs of groups (300 and
    /// 500 subjects, true shares 0.3 and 0.5, ratio 0.6), counted exactly
    /// from a fixed stream. Coverage below 92% or above 98% would be 4
    /// binomial standard errors (0.49%) off: a false alarm below 1e-4.
    #[test]
    fn intervals_cover_the_true_ratio() {
        use crate::engine::rng::{Purpose, Stream};
        let mut rng = Stream::new(7, 0, Purpose::Events);
        let mut draw = |n: u64, p: f64| (0..n).filter(|_| rng.uniform() < p).count() as u64;
        let trials = 2_000;
        let covered = (0..trials)
            .filter(|_| {
                let (a, b) = (draw(300, 0.3), draw(500, 0.5));
                // group a is the worse off in every draw but with odds far below
                // 1e-6 (its share is 0.2 lower, 6 standard errors), so its
                // interval is that of a / b; were it ever the best off, its
                // interval [1, 1] would count as a miss, against the test
                let g = assess(&[Some((a, 300)), Some((b, 500))], false)[0].expect("present");
                g.low <= 0.6 && 0.6 <= g.high
            })
            .count();
        let share = covered as f64 / trials as f64;
        assert!((0.92..=0.98).contains(&share), "coverage {share}");
    }

    /// One subject under a restriction in a group of 30,000, nobody in the
    /// others: a ratio of 0, but not flagged (the interval reaches past 0.8).
    /// Nobody of 30,000 holding a perk that 90% of another group holds: flagged.
    #[test]
    fn tiny_counts_do_not_flag_and_real_gaps_do() {
        let r = assess(&[Some((0, 45_000)), Some((1, 30_000))], true);
        let g = r[1].unwrap();
        assert_eq!(g.ratio, 0.0);
        assert!(!g.flagged && g.high >= FOUR_FIFTHS, "{g:?}");
        let r = assess(&[Some((40_500, 45_000)), Some((0, 30_000))], false);
        assert!(r[1].unwrap().flagged, "{:?}", r[1]);
        // the same gap in groups too small to judge is not flagged
        let r = assess(&[Some((9, 10)), Some((0, 10))], false);
        assert!(!r[1].unwrap().flagged, "{:?}", r[1]);
        // the reference group is never flagged, and absent groups get nothing
        let r = assess(&[Some((40_500, 45_000)), None, Some((100, 30_000))], false);
        assert!(!r[0].unwrap().flagged && r[1].is_none() && r[2].unwrap().flagged);
    }

    #[test]
    fn perk_ratios_are_relative_to_the_best_group() {
        assert_eq!(four_fifths(&[Some(0.4), Some(0.2), Some(0.0)], false), [Some(1.0), Some(0.5), Some(0.0)]);
        // nobody holds it: nobody is worse off
        assert_eq!(four_fifths(&[Some(0.0), Some(0.0)], false), [Some(1.0), Some(1.0)]);
        // a group left out takes no part, even if it would be the best
        assert_eq!(four_fifths(&[None, Some(0.2), Some(0.1)], false), [None, Some(1.0), Some(0.5)]);
    }

    #[test]
    fn restriction_ratios_are_relative_to_the_least_burdened_group() {
        assert_eq!(four_fifths(&[Some(0.1), Some(0.4), Some(0.0)], true), [Some(0.0), Some(0.0), Some(1.0)]);
        assert_eq!(four_fifths(&[Some(0.1), Some(0.4)], true), [Some(1.0), Some(0.25)]);
        assert_eq!(four_fifths(&[Some(0.0), Some(0.0)], true), [Some(1.0), Some(1.0)]);
        assert_eq!(worst(&[Some(1.0), None, Some(0.25)]), Some(0.25));
        assert_eq!(worst(&[None]), None);
    }

    #[test]
    fn moves_count_tiers_above_and_below_the_start() {
        // tiers lowest first: 1 below, 2 stayed, 3 above tier 1
        assert_eq!(moves(&[1, 2, 3], 1), (3, 1));
        assert_eq!(moves(&[1, 2, 3], 0), (5, 0));
        assert_eq!(moves(&[1, 2, 3], 2), (0, 3));
    }
}
