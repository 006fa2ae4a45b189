//! The integer totals of the mechanics beyond points and tiers (listings,
//! sanctions, appeals, recovery times), filled by the engine's full version.
//!
//! Like the score histograms, counts per snapshot row are kept as deltas at the
//! first row a change shows in, and summed over rows at the end, so partial
//! totals from any split of the population merge exactly.

use crate::scenario::Scenario;

/// Integer totals of the mechanics, mergeable in any order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MechTotals {
    /// Lists, groups, perks, restrictions, snapshot rows (the shape).
    pub shape: [usize; 5],
    /// `[row][group][list]` subjects listed (deltas until [`MechTotals::cumulate`]).
    pub listed: Vec<i64>,
    /// `[row][group][perk]` holders minus those the score alone would give.
    pub perk_adjust: Vec<i64>,
    /// `[row][group][restriction]` subjects under it minus those the score alone would give.
    pub restriction_adjust: Vec<i64>,
    /// `[group][list]` subjects ever listed.
    pub ever_listed: Vec<u64>,
    /// `[group][list]` listings (a subject may be listed more than once).
    pub listings: Vec<u64>,
    /// `[group][list]` listings caused by a wrongful record.
    pub wrongful_listings: Vec<u64>,
    /// `[group][list]` listings inherited from a household head.
    pub inherited_listings: Vec<u64>,
    /// `[group][list]` subjects on the list at the end because of a wrongful record.
    pub wrongly_listed_at_end: Vec<u64>,
    /// `[list][steps]` subjects ever listed by total steps listed (0..=steps).
    pub time_listed: Vec<Vec<u64>>,
    /// Per rule: wrongful records.
    pub wrongful: Vec<u64>,
    /// Per rule: appeals filed.
    pub appeals_filed: Vec<u64>,
    /// Per rule: appeals won.
    pub appeals_won: Vec<u64>,
    /// Points given back by record expiry.
    pub points_expired: i64,
    /// Points given back by won appeals (signed: the reversal of the records).
    pub points_appealed: i64,
    /// Points of repair actions beyond the yearly cap or the start score, not applied.
    pub repair_withheld: i64,
    /// Points added or removed on listing.
    pub points_listing: i64,
    /// `[group]` subjects with a negative record.
    pub with_negative: Vec<u64>,
    /// `[group]` of those, subjects back at their start score after the first negative record.
    pub recovered: Vec<u64>,
    /// Steps from the first negative record to recovery, by steps (0..=steps).
    pub recovery_steps: Vec<u64>,
    /// Subjects on some list at the end, with the lists they are on (bit `l`
    /// for list `l`), sorted by subject after [`MechTotals::cumulate`].
    pub final_lists: Vec<(u64, u64)>,
}

impl MechTotals {
    /// Empty totals for `s` with `rows` snapshot rows.
    pub fn new(s: &Scenario, rows: usize) -> Self {
        let (l, g, p, r) = (s.lists.len(), s.groups.len(), s.perks.len(), s.restrictions.len());
        let steps = s.steps as usize + 1;
        let n = s.rules.len();
        MechTotals {
            shape: [l, g, p, r, rows],
            listed: vec![0; rows * g * l],
            perk_adjust: vec![0; rows * g * p],
            restriction_adjust: vec![0; rows * g * r],
            ever_listed: vec![0; g * l],
            listings: vec![0; g * l],
            wrongful_listings: vec![0; g * l],
            inherited_listings: vec![0; g * l],
            wrongly_listed_at_end: vec![0; g * l],
            time_listed: vec![vec![0; steps]; l],
            wrongful: vec![0; n],
            appeals_filed: vec![0; n],
            appeals_won: vec![0; n],
            with_negative: vec![0; g],
            recovered: vec![0; g],
            recovery_steps: vec![0; steps],
            ..MechTotals::default()
        }
    }

    /// Add `other` into `self`.
    pub fn merge(&mut self, other: &MechTotals) {
        fn add_i(a: &mut [i64], b: &[i64]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x = x.saturating_add(*y));
        }
        fn add_u(a: &mut [u64], b: &[u64]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x = x.saturating_add(*y));
        }
        add_i(&mut self.listed, &other.listed);
        add_i(&mut self.perk_adjust, &other.perk_adjust);
        add_i(&mut self.restriction_adjust, &other.restriction_adjust);
        add_u(&mut self.ever_listed, &other.ever_listed);
        add_u(&mut self.listings, &other.listings);
        add_u(&mut self.wrongful_listings, &other.wrongful_listings);
        add_u(&mut self.inherited_listings, &other.inherited_listings);
        add_u(&mut self.wrongly_listed_at_end, &other.wrongly_listed_at_end);
        for (a, b) in self.time_listed.iter_mut().zip(&other.time_listed) {
            add_u(a, b);
        }
        add_u(&mut self.wrongful, &other.wrongful);
        add_u(&mut self.appeals_filed, &other.appeals_filed);
        add_u(&mut self.appeals_won, &other.appeals_won);
        self.points_expired = self.points_expired.saturating_add(other.points_expired);
        self.points_appealed = self.points_appealed.saturating_add(other.points_appealed);
        self.repair_withheld = self.repair_withheld.saturating_add(other.repair_withheld);
        self.points_listing = self.points_listing.saturating_add(other.points_listing);
        add_u(&mut self.with_negative, &other.with_negative);
        add_u(&mut self.recovered, &other.recovered);
        add_u(&mut self.recovery_steps, &other.recovery_steps);
        self.final_lists.extend_from_slice(&other.final_lists);
    }

    /// The lists `subject` is on at the end (bit `l` for list `l`; after [`MechTotals::cumulate`]).
    pub fn lists_of(&self, subject: u64) -> u64 {
        self.final_lists.binary_search_by_key(&subject, |&(s, _)| s).map_or(0, |i| self.final_lists[i].1)
    }

    /// Turn the per-row deltas into per-row counts, and sort [`final_lists`](Self::final_lists).
    pub fn cumulate(&mut self) {
        self.final_lists.sort_unstable();
        let [l, g, p, r, rows] = self.shape;
        for (v, width) in
            [(&mut self.listed, g * l), (&mut self.perk_adjust, g * p), (&mut self.restriction_adjust, g * r)]
        {
            for row in 1..rows {
                for i in 0..width {
                    v[row * width + i] += v[(row - 1) * width + i];
                }
            }
        }
    }

    /// Subjects of `group` on list `l` at snapshot row `row` (after [`MechTotals::cumulate`]).
    pub fn listed_at(&self, row: usize, group: usize, l: usize) -> u64 {
        let [lists, groups, ..] = self.shape;
        self.listed[(row * groups + group) * lists + l].max(0) as u64
    }

    /// Perk holders of `group` at `row` beyond (or, negative, below) what the score gives.
    pub fn perk_adjust_at(&self, row: usize, group: usize, p: usize) -> i64 {
        let [_, groups, perks, ..] = self.shape;
        self.perk_adjust[(row * groups + group) * perks + p]
    }

    /// Like [`MechTotals::perk_adjust_at`] for restriction `r`.
    pub fn restriction_adjust_at(&self, row: usize, group: usize, r: usize) -> i64 {
        let [_, groups, _, restrictions, _] = self.shape;
        self.restriction_adjust[(row * groups + group) * restrictions + r]
    }
}
