//! The mechanics beyond points and tiers compiled for the engine's full
//! version. The integer totals it keeps (listings, sanctions, appeals,
//! recovery times) are [`MechTotals`](crate::stats::MechTotals), in `stats/`.

use crate::scenario::{Appeal, Band, Color, Entry, List, Scenario};

/// Everything the full mechanics need that the rate tables do not hold.
#[derive(Debug, Clone)]
pub(crate) struct Mech {
    /// Lowest and highest score per group (its kind's clamp).
    pub lo: Vec<i64>,
    /// See `lo`.
    pub hi: Vec<i64>,
    /// Kind of each group.
    pub kind: Vec<usize>,
    /// Per rule: score bands of its rate.
    pub bands: Vec<Vec<Band>>,
    /// Per rule: perk a subject must hold for events.
    pub requires_perk: Vec<Option<usize>>,
    /// Per rule: list a subject must be on for events.
    pub requires_list: Vec<Option<usize>>,
    /// Per rule: share of wrongful events.
    pub error_rate: Vec<f64>,
    /// Per rule: appeals.
    pub appeal: Vec<Option<Appeal>>,
    /// Per rule: steps until a negative record expires.
    pub expire_after: Vec<Option<u32>>,
    /// Per rule: a repair action.
    pub repair: Vec<bool>,
    /// Repair points per subject per year.
    pub repair_max: Option<i64>,
    /// The lists.
    pub lists: Vec<List>,
    /// Per rule: lists its events put subjects on.
    pub enters: Vec<Vec<usize>>,
    /// Per rule: lists its events clear.
    pub clears: Vec<Vec<usize>>,
    /// Per perk: lowest score that opens it (`i64::MAX`: only lists).
    pub perk_min: Vec<i64>,
    /// Per restriction: highest score it applies at (`i64::MIN`: only lists).
    pub restriction_max: Vec<i64>,
    /// Per perk: the kinds it applies to (empty: every kind).
    pub perk_kinds: Vec<Vec<bool>>,
    /// Per restriction: the kinds it applies to (empty: every kind).
    pub restriction_kinds: Vec<Vec<bool>>,
    /// Whether some rule's rate depends on the score beyond its tier (score
    /// bands, or a perk it needs).
    pub score_sensitive: bool,
    /// Whether some rule's rate depends on listings (a list or a perk it needs).
    pub list_sensitive: bool,
    /// Per kind: every perk and restriction applies to it, so without a
    /// listing the score alone decides them.
    pub plain_for_kind: Vec<bool>,
    /// Whether every rate is its table's (no score bands, no perk or list needed).
    pub rates_plain: bool,
    /// Per rule: an event has no follow-up (no wrongful record, expiry,
    /// repair, listing or clearing), so the mechanics have nothing to do.
    pub rule_plain: Vec<bool>,
    /// Every rule is plain (see `rule_plain`).
    pub rules_plain: bool,
    /// Per kind: the scores `[lo, hi)` at which no score-threshold list of
    /// that kind takes a subject in.
    pub safe: Vec<(i64, i64)>,
}

impl Mech {
    /// Compile the mechanics of `s`.
    pub fn new(s: &Scenario) -> Self {
        let n = s.rules.len();
        let mut enters = vec![Vec::new(); n];
        let mut clears = vec![Vec::new(); n];
        for (l, list) in s.lists.iter().enumerate() {
            if let Entry::Rule { rule, .. } = list.entry {
                enters[rule].push(l);
            }
            if let Some(r) = list.clear_on {
                clears[r].push(l);
            }
        }
        let kind_of = |g: &crate::scenario::Group| &s.kinds[g.kind];
        let applies = |to: &[bool], k: usize| to.get(k).copied().unwrap_or(true);
        let plain_for_kind = (0..s.kinds.len())
            .map(|k| {
                s.perks.iter().all(|p| applies(&p.applies_to, k))
                    && s.restrictions.iter().all(|r| applies(&r.applies_to, k))
            })
            .collect();
        let safe = (0..s.kinds.len())
            .map(|k| {
                s.lists.iter().filter(|l| l.applies(k)).fold((i64::MIN, i64::MAX), |(lo, hi), l| {
                    match l.entry {
                        Entry::Below(x) => (lo.max(x), hi),
                        Entry::AtLeast(x) => (lo, hi.min(x)),
                        Entry::Rule { .. } => (lo, hi),
                    }
                })
            })
            .collect();
        let rule_plain: Vec<bool> = (0..n)
            .map(|r| {
                let m = &s.rules[r].more;
                m.error_rate == 0.0
                    && m.expire_after.is_none()
                    && !m.repair
                    && enters[r].is_empty()
                    && clears[r].is_empty()
            })
            .collect();
        let rules_plain = rule_plain.iter().all(|&p| p);
        Mech {
            rules_plain,
            lo: s.groups.iter().map(|g| kind_of(g).min.or(s.score.min).unwrap_or(i64::MIN)).collect(),
            hi: s.groups.iter().map(|g| kind_of(g).max.or(s.score.max).unwrap_or(i64::MAX)).collect(),
            kind: s.groups.iter().map(|g| g.kind).collect(),
            bands: s.rules.iter().map(|r| r.more.rate_by_score.clone()).collect(),
            requires_perk: s.rules.iter().map(|r| r.more.requires_perk).collect(),
            requires_list: s.rules.iter().map(|r| r.more.requires_list).collect(),
            error_rate: s.rules.iter().map(|r| r.more.error_rate).collect(),
            appeal: s.rules.iter().map(|r| r.more.appeal).collect(),
            expire_after: s.rules.iter().map(|r| r.more.expire_after).collect(),
            repair: s.rules.iter().map(|r| r.more.repair).collect(),
            repair_max: s.recovery.repair_max_per_year,
            lists: s.lists.clone(),
            enters,
            clears,
            perk_min: s.perks.iter().map(|p| s.perk_min_score(p)).collect(),
            restriction_max: s.restrictions.iter().map(|r| s.restriction_max_score(r)).collect(),
            perk_kinds: s.perks.iter().map(|p| p.applies_to.clone()).collect(),
            restriction_kinds: s.restrictions.iter().map(|r| r.applies_to.clone()).collect(),
            score_sensitive: s
                .rules
                .iter()
                .any(|r| !r.more.rate_by_score.is_empty() || r.more.requires_perk.is_some()),
            list_sensitive: s
                .rules
                .iter()
                .any(|r| r.more.requires_list.is_some() || r.more.requires_perk.is_some()),
            plain_for_kind,
            rates_plain: s.rules.iter().all(|r| {
                r.more.rate_by_score.is_empty()
                    && r.more.requires_perk.is_none()
                    && r.more.requires_list.is_none()
            }),
            rule_plain,
            safe,
        }
    }

    /// Whether `s` declares any mechanic beyond points, tiers, caps and
    /// recovery: the engine then runs its full version and reports mechanics totals.
    pub fn needed(s: &Scenario) -> bool {
        !s.lists.is_empty()
            || s.households.is_some()
            || s.recovery.repair_max_per_year.is_some()
            || s.perks.iter().any(|p| !p.applies_to.is_empty())
            || s.restrictions.iter().any(|r| !r.applies_to.is_empty())
            || s.kinds.iter().any(|k| k.min.is_some() || k.max.is_some())
            || s.rules.iter().any(|r| {
                let m = &r.more;
                m.requires_perk.is_some()
                    || m.requires_list.is_some()
                    || !m.rate_by_score.is_empty()
                    || m.error_rate > 0.0
                    || m.expire_after.is_some()
                    || m.repair
            })
    }

    /// Whether perk `p` is held by a subject of kind `kind` at `score` with the active lists `on`.
    pub fn holds(&self, p: usize, kind: usize, score: i64, on: &[bool]) -> bool {
        if !self.perk_kinds[p].get(kind).copied().unwrap_or(true) {
            return false;
        }
        let mut held = score >= self.perk_min[p];
        for (l, list) in self.lists.iter().enumerate() {
            if !on[l] {
                continue;
            }
            match list.color {
                Color::Black if list.revokes.contains(&p) => return false,
                Color::Red if list.grants.contains(&p) => held = true,
                _ => {}
            }
        }
        held
    }

    /// Whether restriction `r` applies to a subject of kind `kind` at `score` with the active lists `on`.
    pub fn under(&self, r: usize, kind: usize, score: i64, on: &[bool]) -> bool {
        if !self.restriction_kinds[r].get(kind).copied().unwrap_or(true) {
            return false;
        }
        score <= self.restriction_max[r]
            || self.lists.iter().zip(on).any(|(list, &a)| a && list.imposes.contains(&r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The engine's precomputed checks and the scenario's own (which traces
    /// and rule tests use) agree on every kind, list combination and score.
    #[test]
    fn holdings_agree_with_the_scenario() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/scenarios/debt_blacklist.toml"
        ))
        .unwrap();
        let extra = "\n[[list]]\nid = \"honour\"\ncolor = \"red\"\nenter_at_least = 1100\ngrants = [\"fast_track\"]\n\
                     [[perk]]\nid = \"fast_track\"\nmin_score = 1050\napplies_to = [\"company\"]\n";
        let s = crate::scenario::parse(&(text + extra), "t.toml").unwrap().scenario;
        assert!(s.lists.len() >= 2 && s.kinds.len() >= 2, "the example should exercise lists and kinds");
        let m = Mech::new(&s);
        let n = s.lists.len();
        for kind in 0..s.kinds.len() {
            for mask in 0..(1u32 << n) {
                let on: Vec<bool> = (0..n).map(|l| mask >> l & 1 == 1).collect();
                for score in (0..=1300).step_by(10) {
                    for p in 0..s.perks.len() {
                        assert_eq!(m.holds(p, kind, score, &on), s.holds_perk(p, kind, score, &on));
                    }
                    for r in 0..s.restrictions.len() {
                        assert_eq!(m.under(r, kind, score, &on), s.under_restriction(r, kind, score, &on));
                    }
                }
            }
        }
    }
}
