//! Four-fifths disparity ratios and tier mobility: one definition each,
//! shared by summary.json, steps.csv, the inequality chart and the report.

use crate::scenario::Scenario;

/// The four-fifths rule: a ratio below this is flagged.
pub const FOUR_FIFTHS: f64 = 0.8;

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
