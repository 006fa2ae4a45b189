//! The work at a step end, one function per phase, in the order they run:
//! records due (expiry, appeals), restoration, drift, listings (leave, then
//! enter), effective listings and their bookkeeping, recovery, and the perks
//! and restrictions that lists change. Everything but rule events happens
//! here: a record made during step `s` lists the subject from the end of
//! step `s`; durations, appeal delays and expiry count whole steps from there.

// several per-list and per-perk arrays are walked together by index
#![allow(clippy::needless_range_loop)]

use super::observe::{Cause, ListReason, Observer};
use super::subject::Life;
use crate::scenario::Entry;

/// A listing of a household head that members may inherit: list, first and
/// past-the-last boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Episode {
    pub list: usize,
    pub from: u32,
    pub to: u32,
}

/// A listing held by the subject itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Own {
    since: u32,
    until: u32,
    /// Index into the records of the record that caused it.
    record: Option<usize>,
    wrongful: bool,
}

/// A record that needs follow-up: its expiry or its appeal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    pub rule: usize,
    pub applied: i64,
    pub expire_at: Option<u32>,
    pub appeal_at: Option<u32>,
    pub appeal_wins: bool,
    pub reversed: bool,
}

/// A list change to make at the end of the current step.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pending {
    Enter { list: usize, rule: usize, record: Option<usize>, wrongful: bool },
    Clear { list: usize, rule: usize },
}

/// The boundary from which a listing's clean period counts: its start, or the
/// end of the step of the last negative record if that was later.
fn clean_from(o: Own, last_negative: Option<u32>) -> u32 {
    last_negative.map_or(o.since, |x| (x + 1).max(o.since))
}

impl<O: Observer> Life<'_, O> {
    /// Everything due at boundary `b`, the end of step `b - 1`.
    pub(super) fn step_end<const FULL: bool>(&mut self, b: u32, episodes: &mut Vec<Episode>) {
        let step = b - 1;
        if FULL && b >= self.agenda {
            self.records_due(b);
        }
        self.restore(b);
        self.drift(step);
        if FULL {
            // lists need a look only when one is held, pending or due, or the score is where one starts
            let (lo, hi) = self.safe;
            if !self.calm || b >= self.agenda || !(lo..hi).contains(&self.score) {
                self.listings(b);
                self.effective_listings(b, episodes);
                self.plan(b);
                if self.record {
                    self.adjustments(b);
                }
                self.calm = !self.any_own
                    && !self.any_on
                    && !self.adjusted
                    && self.x.inherited.is_empty()
                    && self.m.plain_for_kind[self.kind];
            }
            self.recovery(b);
        }
    }

    /// Expiry of records, and appeals decided, at `b`.
    fn records_due(&mut self, b: u32) {
        let step = b - 1;
        for i in 0..self.x.records.len() {
            let r = self.x.records[i];
            if r.reversed {
                continue;
            }
            let appeal_now = r.appeal_at == Some(b);
            let expire_now = r.expire_at == Some(b);
            if appeal_now {
                self.obs.appeal(step, r.rule, r.appeal_wins);
            }
            let won = appeal_now && r.appeal_wins;
            if !won && !expire_now {
                continue;
            }
            self.x.records[i].reversed = true;
            let before = self.score;
            let after = before.saturating_sub(r.applied).clamp(self.lo, self.hi);
            let back = after - before;
            if r.applied < 0 {
                self.lost = (self.lost - back.max(0)).max(0);
            }
            let cause = if won {
                self.acc.mech.appeals_won[r.rule] += 1;
                self.acc.mech.points_appealed = self.acc.mech.points_appealed.saturating_add(back);
                Cause::Appeal(r.rule)
            } else {
                self.acc.mech.points_expired = self.acc.mech.points_expired.saturating_add(back);
                Cause::Expire(r.rule)
            };
            self.set_score(step, after, cause);
            if won {
                // a won appeal removes the listings the record caused, pending or held
                self.x.pending.retain(|p| !matches!(p, Pending::Enter { record: Some(x), .. } if *x == i));
                for l in 0..self.x.own.len() {
                    if self.x.own[l].is_some_and(|o| o.record == Some(i)) {
                        self.x.own[l] = None;
                        self.obs.listed(step, l, false, ListReason::Appeal(r.rule));
                    }
                }
            }
        }
    }

    /// Lost points given back after `restore_after` clean steps.
    fn restore(&mut self, b: u32) {
        if let (Some(after), Some(last)) = (self.c.restore_after, self.last_negative)
            && self.lost > 0
            && u64::from(b) == u64::from(last) + 1 + u64::from(after)
        {
            let to = self.score.saturating_add(self.lost).clamp(self.lo, self.hi);
            self.acc.points_restored = self.acc.points_restored.saturating_add(to - self.score);
            self.lost = 0;
            self.set_score(b - 1, to, Cause::Restore);
        }
    }

    /// Drift toward the start score. Every change point is a step end, and
    /// while the score is off the start every step end is a change point, so
    /// drift applies at each one.
    fn drift(&mut self, step: u32) {
        if let Some(d) = self.c.drift
            && self.score != self.start
        {
            let (score, start) = (self.score, self.start);
            let to = if score < start {
                score.saturating_add(d).min(start)
            } else {
                score.saturating_sub(d).max(start)
            };
            self.acc.points_drifted = self.acc.points_drifted.saturating_add(to - score);
            self.set_score(step, to, Cause::Drift);
        }
    }

    /// The subject's own listings: first every listing that ends (served, a
    /// clean period, a clearing event), then the records' entries in the order
    /// they were made, then the score thresholds (leaving, then entering).
    fn listings(&mut self, b: u32) {
        let step = b - 1;
        let m = self.m;
        for l in 0..m.lists.len() {
            let Some(o) = self.x.own[l] else { continue };
            let clean =
                m.lists[l].clear_after_clean.is_some_and(|n| b >= clean_from(o, self.last_negative) + n);
            if o.until <= b || clean {
                self.x.own[l] = None;
                let why = if o.until <= b { ListReason::Served } else { ListReason::Clean };
                self.obs.listed(step, l, false, why);
            }
        }
        for p in std::mem::take(&mut self.x.pending) {
            match p {
                Pending::Clear { list, rule } => {
                    if self.x.own[list].take().is_some() {
                        self.obs.listed(step, list, false, ListReason::Cleared(rule));
                    }
                }
                Pending::Enter { list, rule, record, wrongful } => {
                    if self.x.own[list].is_none() {
                        self.enter(b, list, record, wrongful, ListReason::Rule(rule));
                    }
                }
            }
        }
        for l in 0..m.lists.len() {
            let list = &m.lists[l];
            let (below, at_least) = match list.entry {
                Entry::Below(x) => (self.score < x, false),
                Entry::AtLeast(x) => (false, self.score >= x),
                Entry::Rule { .. } => continue,
            };
            let inside = below || at_least;
            if self.x.own[l].is_some() && list.duration.is_none() && !inside {
                self.x.own[l] = None;
                self.obs.listed(step, l, false, ListReason::Score);
            }
            if self.x.own[l].is_none() && inside && list.applies(self.kind) {
                self.enter(b, l, None, false, ListReason::Score);
            }
        }
        self.any_own = self.x.own.iter().any(Option::is_some);
    }

    /// Put the subject on list `l` at boundary `b`.
    fn enter(&mut self, b: u32, l: usize, record: Option<usize>, wrongful: bool, why: ListReason) {
        let list = &self.m.lists[l];
        let until = list.duration.map_or(u32::MAX, |d| b.saturating_add(d));
        self.x.own[l] = Some(Own { since: b, until, record, wrongful });
        let cell = self.group * self.m.lists.len() + l;
        self.acc.mech.listings[cell] += 1;
        if wrongful {
            self.acc.mech.wrongful_listings[cell] += 1;
        }
        self.obs.listed(b - 1, l, true, why);
        if list.points != 0 {
            let to = self.score.saturating_add(list.points).clamp(self.lo, self.hi);
            self.acc.mech.points_listing = self.acc.mech.points_listing.saturating_add(to - self.score);
            self.set_score(b - 1, to, Cause::Listing(l));
        }
    }

    /// Effective listings (own or inherited) at `b`, and their bookkeeping:
    /// counts per snapshot row, first listings, steps listed, the episodes a
    /// household member may inherit.
    fn effective_listings(&mut self, b: u32, episodes: &mut Vec<Episode>) {
        let step = b - 1;
        let n_lists = self.m.lists.len();
        self.lists_changed = false;
        for l in 0..n_lists {
            let x = &*self.x;
            let inh = x.inherited.iter().any(|e| e.list == l && e.from <= b && b < e.to);
            let now_on = x.own[l].is_some() || inh;
            if inh && x.inherited.iter().any(|e| e.list == l && e.from == b) {
                self.acc.mech.inherited_listings[self.group * n_lists + l] += 1;
                self.obs.listed(step, l, true, ListReason::Inherited);
            }
            if !inh && self.x.inherited.iter().any(|e| e.list == l && e.to == b) {
                self.obs.listed(step, l, false, ListReason::HeadLeft);
            }
            if now_on == self.x.on[l] {
                continue;
            }
            self.lists_changed = true;
            if self.record {
                let groups = self.acc.mech.shape[1];
                let cell = (self.c.first_row_after(step) * groups + self.group) * n_lists + l;
                self.acc.mech.listed[cell] += if now_on { 1 } else { -1 };
            }
            self.x.clean = false;
            if now_on {
                self.x.on_since[l] = b;
                if !self.x.ever[l] {
                    self.x.ever[l] = true;
                    self.acc.mech.ever_listed[self.group * n_lists + l] += 1;
                }
                if self.m.lists[l].inherit.is_some() {
                    episodes.push(Episode { list: l, from: b, to: u32::MAX });
                }
            } else {
                self.x.listed_steps[l] += b - self.x.on_since[l];
                if let Some(e) = episodes.iter_mut().rev().find(|e| e.list == l && e.to == u32::MAX) {
                    e.to = b;
                }
            }
            self.x.on[l] = now_on;
        }
        self.any_on = self.x.on.iter().any(|&x| x);
    }

    /// Recovery: back at the start score after the first negative record.
    fn recovery(&mut self, b: u32) {
        if let Some(first) = self.first_negative
            && !self.recovered
            && self.score >= self.start
        {
            self.recovered = true;
            self.acc.mech.recovered[self.group] += 1;
            self.acc.mech.recovery_steps[(b - 1 - first) as usize] += 1;
        }
    }

    /// Perks and restrictions that lists (or kinds) change, as deltas per snapshot row.
    fn adjustments(&mut self, b: u32) {
        let m = self.m;
        if !self.any_on && !self.adjusted && m.plain_for_kind[self.kind] {
            return; // the score alone decides: nothing to adjust, and nothing was
        }
        self.x.clean = false;
        let row = self.c.first_row_after(b - 1);
        let groups = self.acc.mech.shape[1];
        let (perks, restrictions) = (m.perk_min.len(), m.restriction_max.len());
        let mut adjusted = false;
        for p in 0..perks {
            let adj = i64::from(m.holds(p, self.kind, self.score, &self.x.on))
                - i64::from(self.score >= m.perk_min[p]);
            if adj != self.x.perk_adj[p] {
                self.acc.mech.perk_adjust[(row * groups + self.group) * perks + p] +=
                    adj - self.x.perk_adj[p];
                self.x.perk_adj[p] = adj;
            }
            adjusted |= adj != 0;
        }
        for r in 0..restrictions {
            let adj = i64::from(m.under(r, self.kind, self.score, &self.x.on))
                - i64::from(self.score <= m.restriction_max[r]);
            if adj != self.x.restr_adj[r] {
                self.acc.mech.restriction_adjust[(row * groups + self.group) * restrictions + r] +=
                    adj - self.x.restr_adj[r];
                self.x.restr_adj[r] = adj;
            }
            adjusted |= adj != 0;
        }
        self.adjusted = adjusted;
    }

    /// The earliest step end at which a listing ends, a record falls due or an
    /// inherited listing starts or ends after boundary `after`, the one just
    /// done (`u32::MAX` when none).
    fn plan(&mut self, after: u32) {
        let m = self.m;
        let mut due = u32::MAX;
        for (l, o) in self.x.own.iter().enumerate() {
            if let Some(o) = o {
                due = due.min(o.until);
                if let Some(clean) = m.lists[l].clear_after_clean {
                    due = due.min(clean_from(*o, self.last_negative).saturating_add(clean));
                }
            }
        }
        for r in self.x.records.iter().filter(|r| !r.reversed) {
            for at in [r.expire_at, r.appeal_at].into_iter().flatten().filter(|&at| at > after) {
                due = due.min(at);
            }
        }
        for e in &self.x.inherited {
            for at in [e.from, e.to].into_iter().filter(|&at| at > after) {
                due = due.min(at);
            }
        }
        self.agenda = due;
    }

    /// Close the books at the horizon: steps listed, wrongful listings still
    /// held, subjects with a negative record, the lists held at the end.
    pub(super) fn close(&mut self, horizon: u32) {
        let n_lists = self.m.lists.len();
        for l in 0..n_lists {
            if self.x.on[l] {
                self.x.listed_steps[l] += horizon - self.x.on_since[l];
                if self.x.own[l].is_some_and(|o| o.wrongful) {
                    self.acc.mech.wrongly_listed_at_end[self.group * n_lists + l] += 1;
                }
            }
            if self.x.ever[l] {
                self.acc.mech.time_listed[l][self.x.listed_steps[l] as usize] += 1;
            }
        }
        if self.first_negative.is_some() {
            self.acc.mech.with_negative[self.group] += 1;
        }
        if self.record && self.x.on.iter().any(|&x| x) {
            let mask = self.x.on.iter().enumerate().filter(|(_, x)| **x).fold(0u64, |m, (l, _)| m | 1 << l);
            self.acc.mech.final_lists.push((self.subject, mask));
        }
    }
}
