//! Small-cell suppression: which cells of a published breakdown to hide so
//! that no published figure describes fewer than `min_cell` subjects.
//!
//! # What is protected, and how
//!
//! A *cell* is one slice of a breakdown (today one population group) and
//! its size is the number of subjects in it. Every figure published for a
//! cell is either a count (its size, tier counts, perk holders, histogram
//! bins) or something derived from counts and sums (shares, means, standard
//! deviations, quantiles, ratios). The total over all cells is published
//! too, and counts and sums add up: from the total and the published cells,
//! anyone can compute the *combined* counts and sums of the hidden cells,
//! hence their combined shares and mean. So:
//!
//! 1. **primary**: a cell with 1 to `min_cell - 1` subjects is hidden
//!    (an empty cell describes nobody and stays published);
//! 2. **complementary**: while the hidden cells are a single cell, or
//!    together hold fewer than `min_cell` subjects, the smallest published
//!    non-empty cell is hidden too (ties: the earlier cell).
//!
//! After this, what subtraction recovers is an aggregate of at least two
//! hidden cells holding at least `min_cell` subjects together, never one
//! hidden cell, unless every non-empty cell is hidden (the breakdown then
//! adds nothing to the published total).
//!
//! Not protected: the total itself (published whatever its size), order
//! statistics of the total (its minimum or maximum may belong to a hidden
//! cell), overall figures that the scenario ties to one group (the events
//! of a rule only that group can trigger), and anything outside pointsim's
//! outputs. Where the outputs themselves split the total by something tied
//! to groups, the split is hidden as well: see
//! [`Suppression::mobility_rows`] and [`Suppression::overall_moves`]. A synthetic group's size
//! also follows from its `share` in the scenario; it is hidden all the same,
//! so that the rule does not depend on where sizes come from.

use serde::Serialize;

use super::has_groups;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// Why a cell is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// The cell has fewer than `min_cell` subjects.
    Primary,
    /// The cell is large enough, but hidden so that a primary cell cannot be
    /// recovered by subtraction from the published total.
    Complementary,
}

/// The default `--min-cell`: group cells with fewer subjects are hidden.
pub const DEFAULT_MIN_CELL: u32 = 10;

/// Which cells of one breakdown to hide, given each cell's size.
///
/// Returns one entry per cell, in the same order: `None` to publish it,
/// `Some(reason)` to hide it. `min_cell` 0 or 1 hides nothing. See the
/// module docs for the rule and what it protects against.
///
/// # Example
///
/// ```
/// use pointsim::results::suppress::{Reason, suppress};
/// // 3 subjects is a small cell; hiding it alone would let total − others recover it
/// let hidden = suppress(&[500, 3, 40, 0], 10);
/// assert_eq!(hidden, [None, Some(Reason::Primary), Some(Reason::Complementary), None]);
/// ```
pub fn suppress(sizes: &[u64], min_cell: u64) -> Vec<Option<Reason>> {
    let hidden = sizes.iter().map(|&n| (n > 0 && n < min_cell).then_some(Reason::Primary)).collect();
    complete(sizes, hidden, min_cell)
}

/// Add complementary cells to `hidden` (one entry per cell of `sizes`) until
/// the hidden cells together are not recoverable as one small cell.
fn complete(sizes: &[u64], mut hidden: Vec<Option<Reason>>, min_cell: u64) -> Vec<Option<Reason>> {
    loop {
        let (cells, subjects) = sizes
            .iter()
            .zip(&hidden)
            .filter(|(n, h)| **n > 0 && h.is_some())
            .fold((0usize, 0u64), |(c, s), (n, _)| (c + 1, s + n));
        if cells == 0 || (cells >= 2 && subjects >= min_cell) {
            break;
        }
        // the smallest published non-empty cell, the earlier one on a tie
        let next =
            (0..sizes.len()).filter(|&i| hidden[i].is_none() && sizes[i] > 0).min_by_key(|&i| (sizes[i], i));
        match next {
            Some(i) => hidden[i] = Some(Reason::Complementary),
            None => break, // every non-empty cell is hidden
        }
    }
    hidden
}

/// What one run's outputs hide, shared by every exporter, so that
/// summary.json, steps.csv, histogram.csv and the terminal agree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The threshold (`--min-cell`); 0 turns suppression off.
    pub min_cell: u32,
    /// Per group (indexed like `Scenario::groups`): hidden, and why. A
    /// scenario without groups of its own has nothing hidden (its one
    /// implicit group is the published total).
    pub groups: Vec<Option<Reason>>,
    /// Per start tier (indexed like `Scenario::tiers`): whether its row of
    /// the tier mobility matrix is hidden.
    ///
    /// A row sums the groups that start in that tier. A row holding a hidden
    /// group is hidden, unless it holds every hidden group: then it only
    /// repeats what the published total already gives away (the hidden
    /// groups combined); otherwise it would single out some of them. See
    /// also [`overall_moves`](Self::overall_moves).
    pub mobility_rows: Vec<bool>,
    /// Per subject kind (indexed like `Scenario::kinds`): hidden, and why.
    /// Nothing is hidden when the scenario declares no kinds. See
    /// [`suppress_kinds`] for the rule: no published kind, and not the hidden
    /// kinds together, may single out hidden groups or a small kind.
    pub kinds: Vec<Option<Reason>>,
}

impl Suppression {
    /// The suppression of a run of `s` summarised as `sum`, with threshold `min_cell`.
    pub fn new(s: &Scenario, sum: &Summary, min_cell: u32) -> Self {
        let groups = if has_groups(s) {
            suppress(&sum.group_sizes, u64::from(min_cell))
        } else {
            vec![None; s.groups.len()]
        };
        let start: Vec<usize> = s.groups.iter().map(|g| s.tier_of(g.start)).collect();
        let hidden_rows: Vec<usize> =
            start.iter().zip(&groups).filter(|(_, h)| h.is_some()).map(|(&t, _)| t).collect();
        let mobility_rows = (0..s.tiers.len())
            .map(|t| hidden_rows.contains(&t) && hidden_rows.iter().any(|&u| u != t))
            .collect();
        let kinds = kinds(s, sum, &groups, u64::from(min_cell));
        Suppression { min_cell, groups, mobility_rows, kinds }
    }

    /// Whether kind `k` is hidden.
    pub fn kind(&self, k: usize) -> bool {
        self.kinds.get(k).is_some_and(Option::is_some)
    }

    /// Whether the overall shares that moved up and down a tier are hidden.
    ///
    /// They are when hidden groups start in different tiers (some mobility
    /// rows are hidden): the overall moves minus the published groups' give
    /// the hidden groups' moves combined, and with different start tiers
    /// that splits them apart (a group starting in the top tier cannot move
    /// up, so the combined moves up are another group's alone).
    pub fn overall_moves(&self) -> bool {
        self.mobility_rows.iter().any(|&r| r)
    }

    /// Whether group `g` is hidden.
    pub fn group(&self, g: usize) -> bool {
        self.groups.get(g).is_some_and(Option::is_some)
    }

    /// Whether anything at all is hidden.
    pub fn any(&self) -> bool {
        self.groups.iter().any(Option::is_some)
    }
}

/// The hidden kinds (see [`Suppression::kinds`]).
fn kinds(s: &Scenario, sum: &Summary, groups: &[Option<Reason>], min_cell: u64) -> Vec<Option<Reason>> {
    let declared = !(s.kinds.len() == 1 && s.kinds[0].name == "all");
    if !declared || min_cell <= 1 {
        return vec![None; s.kinds.len()];
    }
    let kind_of: Vec<usize> = s.groups.iter().map(|g| g.kind).collect();
    let sizes: Vec<u64> = (0..s.groups.len()).map(|g| sum.group_sizes.get(g).copied().unwrap_or(0)).collect();
    suppress_kinds(s.kinds.len(), &kind_of, &sizes, groups, min_cell)
}

/// Which of `n_kinds` kinds to hide, given each group's kind, size and
/// whether it is hidden.
///
/// Published kinds and groups let anyone subtract: a published kind minus
/// its published groups gives its hidden groups combined; the total minus
/// the published kinds gives the hidden kinds combined, and that minus
/// their published groups gives the hidden groups inside them combined.
/// Each such aggregate of hidden groups must be empty or hold at least two
/// groups and `min_cell` subjects, and the hidden kinds together at least
/// two kinds and `min_cell` subjects. Kinds with fewer than `min_cell`
/// subjects are hidden first (primary); others are hidden as needed
/// (complementary), the smallest first, preferring kinds that hold hidden
/// groups when those are what is too small.
pub fn suppress_kinds(
    n_kinds: usize,
    kind_of: &[usize],
    group_sizes: &[u64],
    hidden_groups: &[Option<Reason>],
    min_cell: u64,
) -> Vec<Option<Reason>> {
    let size: Vec<u64> = (0..n_kinds)
        .map(|k| (0..kind_of.len()).filter(|&g| kind_of[g] == k).map(|g| group_sizes[g]).sum())
        .collect();
    // hidden non-empty groups of kind k: (cells, subjects)
    let hidden_in = |k: usize| {
        (0..kind_of.len())
            .filter(|&g| kind_of[g] == k && group_sizes[g] > 0 && hidden_groups[g].is_some())
            .fold((0usize, 0u64), |(c, n), g| (c + 1, n + group_sizes[g]))
    };
    let safe = |(cells, subjects): (usize, u64)| cells == 0 || (cells >= 2 && subjects >= min_cell);
    let mut hidden: Vec<Option<Reason>> =
        size.iter().map(|&n| (n > 0 && n < min_cell).then_some(Reason::Primary)).collect();
    loop {
        let mut changed = false;
        // a published kind must not single out its hidden groups
        for k in 0..n_kinds {
            if hidden[k].is_none() && size[k] > 0 && !safe(hidden_in(k)) {
                hidden[k] = Some(Reason::Complementary);
                changed = true;
            }
        }
        let published: Vec<usize> = (0..n_kinds).filter(|&k| hidden[k].is_none() && size[k] > 0).collect();
        let hid: Vec<usize> = (0..n_kinds).filter(|&k| hidden[k].is_some() && size[k] > 0).collect();
        if !hid.is_empty() && !published.is_empty() {
            let kinds_ok = hid.len() >= 2 && hid.iter().map(|&k| size[k]).sum::<u64>() >= min_cell;
            let groups_in = hid.iter().map(|&k| hidden_in(k)).fold((0, 0), |(a, b), (c, n)| (a + c, b + n));
            let groups_ok = safe(groups_in);
            if !kinds_ok || !groups_ok {
                let holding: Vec<usize> = published.iter().copied().filter(|&k| hidden_in(k).0 > 0).collect();
                let pool = if !groups_ok && !holding.is_empty() { &holding } else { &published };
                if let Some(&k) = pool.iter().min_by_key(|&&k| (size[k], k)) {
                    hidden[k] = Some(Reason::Complementary);
                    changed = true;
                }
            }
        }
        if !changed {
            return hidden;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every vector of `len` sizes drawn from `values`.
    fn all_vectors(values: &[u64], len: usize) -> Vec<Vec<u64>> {
        (0..len).fold(vec![vec![]], |acc, _| {
            acc.iter()
                .flat_map(|v| {
                    values.iter().map(move |&x| {
                        let mut v = v.clone();
                        v.push(x);
                        v
                    })
                })
                .collect()
        })
    }

    /// The rule's promises, checked on every breakdown of up to 5 cells
    /// with sizes around the thresholds, for several `min_cell`.
    #[test]
    fn exhaustive_small_cases_keep_every_promise() {
        let values = [0, 1, 2, 3, 4, 5, 9, 10, 11, 30];
        let mut checked = 0;
        for k in [0u64, 1, 2, 5, 10, 12] {
            for len in 1..=5 {
                for sizes in all_vectors(&values, len) {
                    let hidden = suppress(&sizes, k);
                    assert_eq!(hidden.len(), sizes.len());
                    let total: u64 = sizes.iter().sum();
                    let published: u64 =
                        sizes.iter().zip(&hidden).filter(|(_, h)| h.is_none()).map(|(n, _)| n).sum();
                    let hid: Vec<u64> =
                        sizes.iter().zip(&hidden).filter(|(_, h)| h.is_some()).map(|(n, _)| *n).collect();
                    let nonempty = sizes.iter().filter(|&&n| n > 0).count();
                    let ctx = format!("sizes {sizes:?}, min_cell {k}, hidden {hidden:?}");
                    for (&n, h) in sizes.iter().zip(&hidden) {
                        // primary exactly for small non-empty cells; empty cells never hidden
                        assert_eq!(*h == Some(Reason::Primary), n > 0 && n < k, "{ctx}");
                        assert!(n > 0 || h.is_none(), "{ctx}");
                    }
                    if k <= 1 {
                        assert!(hidden.iter().all(Option::is_none), "{ctx}");
                    }
                    // no hidden cell equals total − published (the brief's property),
                    // and the hidden cells together are not a small cell either
                    if !hid.is_empty() && hid.len() < nonempty {
                        assert!(hid.len() >= 2, "{ctx}");
                        assert!(hid.iter().all(|&n| n != total - published), "{ctx}");
                        assert!(total - published >= k, "{ctx}");
                    }
                    // complementary cells are never larger than a published non-empty cell
                    let smallest_published = sizes
                        .iter()
                        .zip(&hidden)
                        .filter(|(n, h)| **n > 0 && h.is_none())
                        .map(|(n, _)| *n)
                        .min();
                    for (&n, h) in sizes.iter().zip(&hidden) {
                        if *h == Some(Reason::Complementary) {
                            assert!(smallest_published.is_none_or(|m| n <= m), "{ctx}");
                        }
                    }
                    // minimal: without the last complementary cell the rule would not hold
                    let comp: Vec<usize> =
                        (0..sizes.len()).filter(|&i| hidden[i] == Some(Reason::Complementary)).collect();
                    if let Some(&last) = comp.iter().max_by_key(|&&i| (sizes[i], i)) {
                        let cells = hid.len() - 1;
                        let subjects = total - published - sizes[last];
                        assert!(cells < 2 || subjects < k, "{ctx}: {last} was not needed");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 60_000, "{checked}");
    }

    /// Every promise of [`suppress_kinds`], on every assignment of up to 4
    /// groups (sizes around the threshold) to up to 3 kinds.
    #[test]
    fn kinds_never_single_out_a_hidden_group() {
        let values = [0u64, 3, 7, 12, 50];
        let k = 10;
        let mut checked = 0;
        for n_groups in 1..=4usize {
            for sizes in all_vectors(&values, n_groups) {
                let hidden_groups = suppress(&sizes, k);
                for kinds in all_vectors(&[0, 1, 2], n_groups) {
                    let kind_of: Vec<usize> = kinds.iter().map(|&x| x as usize).collect();
                    let hidden = suppress_kinds(3, &kind_of, &sizes, &hidden_groups, k);
                    let ctx =
                        format!("sizes {sizes:?} kinds {kind_of:?} groups {hidden_groups:?} -> {hidden:?}");
                    let size = |kk: usize| {
                        (0..n_groups).filter(|&g| kind_of[g] == kk).map(|g| sizes[g]).sum::<u64>()
                    };
                    let agg = |ks: &[usize]| {
                        (0..n_groups)
                            .filter(|&g| {
                                ks.contains(&kind_of[g]) && sizes[g] > 0 && hidden_groups[g].is_some()
                            })
                            .fold((0usize, 0u64), |(c, n), g| (c + 1, n + sizes[g]))
                    };
                    let safe = |(c, n): (usize, u64)| c == 0 || (c >= 2 && n >= k);
                    let published: Vec<usize> =
                        (0..3).filter(|&kk| hidden[kk].is_none() && size(kk) > 0).collect();
                    let hid: Vec<usize> = (0..3).filter(|&kk| hidden[kk].is_some() && size(kk) > 0).collect();
                    for &kk in &published {
                        assert!(size(kk) >= k, "{ctx}: small kind {kk} published");
                        assert!(safe(agg(&[kk])), "{ctx}: kind {kk} gives away its hidden groups");
                    }
                    if !hid.is_empty() && !published.is_empty() {
                        let n: u64 = hid.iter().map(|&kk| size(kk)).sum();
                        assert!(hid.len() >= 2 && n >= k, "{ctx}: the hidden kinds are recoverable");
                        assert!(safe(agg(&hid)), "{ctx}: the hidden kinds' hidden groups are recoverable");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    /// The case a review found: a kind whose only group is hidden.
    #[test]
    fn a_kind_that_is_one_hidden_group_is_hidden() {
        use Reason::{Complementary as C, Primary as P};
        // groups a1, a2, b (citizen), c (company), e (agency)
        let sizes = [3, 4, 1000, 50, 50];
        let kind_of = [0, 0, 0, 1, 2];
        let groups = suppress(&sizes, 10);
        assert_eq!(groups, [Some(P), Some(P), None, Some(C), None]);
        let kinds = suppress_kinds(3, &kind_of, &sizes, &groups, 10);
        assert!(kinds[1].is_some(), "company is group c alone: {kinds:?}");
    }

    #[test]
    fn worked_cases() {
        use Reason::{Complementary as C, Primary as P};
        // nothing small: nothing hidden
        assert_eq!(suppress(&[10, 20, 30], 10), [None, None, None]);
        // one small cell pulls in the smallest other one
        assert_eq!(suppress(&[500, 3, 40], 10), [None, Some(P), Some(C)]);
        // two small cells that together are still small pull in a third
        assert_eq!(suppress(&[3, 4, 500, 20], 10), [Some(P), Some(P), None, Some(C)]);
        // two small cells that together reach min_cell are enough
        assert_eq!(suppress(&[6, 4, 500], 10), [Some(P), Some(P), None]);
        // ties go to the earlier cell
        assert_eq!(suppress(&[2, 50, 50], 10), [Some(P), Some(C), None]);
        // an empty cell is no complement: it would hide nothing
        assert_eq!(suppress(&[2, 0, 50, 60], 10), [Some(P), None, Some(C), None]);
        // one non-empty cell: it is the total, hidden or not
        assert_eq!(suppress(&[5, 0], 10), [Some(P), None]);
        // off
        assert_eq!(suppress(&[1, 2, 3], 0), [None, None, None]);
        assert_eq!(suppress(&[], 10), []);
    }
}
