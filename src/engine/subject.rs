//! One subject's whole history, simulated event to event: the one event
//! loop of every scenario.
//!
//! Between events nothing happens, so the simulation jumps from one event
//! to the next: with total rate `Λ` the wait is exponential with mean `1/Λ`
//! and the rule that fires is chosen with probability `rate / Λ`. Rates
//! change only at *change points*, which are step ends: after a step in
//! which the score changed, a year end while a cap counts, a due
//! restoration or record follow-up, and every step end while drift applies.
//! At a change point an undelivered wait is kept if the total rate did not
//! change and redrawn if it did; both are exact because exponential waits
//! are memoryless. The cost follows the number of events, not
//! subjects × steps × rules.
//!
//! The loop is generic over the mechanics present (`FULL`): the plain
//! version (points, tiers, caps, restoration, drift) compiles to the fast
//! path with none of the mechanics' bookkeeping; the full version adds
//! lists, households, kinds, wrongful records, appeals, expiry and repair
//! (`step_end.rs` holds the work at step ends). Both draw the same numbers
//! from the same streams whenever a subject's rates are the same: while the
//! rates are those of the compiled table, the rule comes from its Walker
//! alias table (constant time); once a cap or a mechanic changes them, by
//! inversion over the current rates. Mechanics draw from streams of their
//! own (`Purpose::Records`, `Purpose::Inherit`), so declaring one never
//! shifts the event stream.

use super::Accum;
use super::compiled::Compiled;
use super::epochs::Epoch;
use super::mech::Mech;
use super::observe::{Cause, Observer, Skip};
use super::rng::{Purpose, Stream};
use super::source::{Source, pick};
use super::step_end::{Episode, Own, Pending, Record};
use crate::scenario::Entry;

/// Who is simulated: the seed, the subject number, its group, and the
/// household head's listings it may inherit (empty for heads and single subjects).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Who<'a> {
    pub seed: u64,
    pub subject: u64,
    pub group: usize,
    pub inherit: &'a [Episode],
}

/// Per-worker space reused from subject to subject, so a subject allocates nothing.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Per rule: events this scenario year (counted only for capped rules).
    pub counts: Vec<u32>,
    /// Per rule: current rates, while they differ from the compiled table.
    pub rates: Vec<f64>,
    /// Per rule: rates being recomputed.
    pub buf: Vec<f64>,
    /// Per list: the subject's own listing.
    pub own: Vec<Option<Own>>,
    /// Per list: effectively listed (own or inherited).
    pub on: Vec<bool>,
    /// `on` as of the last rate computation (rule tests judge scripted events by it).
    pub rated_on: Vec<bool>,
    /// Per list: boundary the current effective listing started at.
    pub on_since: Vec<u32>,
    /// Per list: steps listed so far.
    pub listed_steps: Vec<u32>,
    /// Per list: ever listed.
    pub ever: Vec<bool>,
    /// Per list entered by counted records: steps of the records in the window.
    pub windows: Vec<Vec<u32>>,
    /// Records with a follow-up (expiry, appeal).
    pub records: Vec<Record>,
    /// List changes due at the end of the current step.
    pub pending: Vec<Pending>,
    /// Per perk: holders minus what the score alone gives (this subject: -1, 0 or 1).
    pub perk_adj: Vec<i64>,
    /// Per restriction: likewise.
    pub restr_adj: Vec<i64>,
    /// The head's listings this subject inherits.
    pub inherited: Vec<Episode>,
    /// The last subject left every per-list and per-perk array as a reset
    /// would (never listed, no window, no adjustment): the reset can skip them.
    pub clean: bool,
}

impl Scratch {
    fn reset(&mut self, n_rules: usize, n_lists: usize, perks: usize, restrictions: usize, full: bool) {
        fn fill<T: Clone>(v: &mut Vec<T>, n: usize, x: T) {
            v.clear();
            v.resize(n, x);
        }
        fill(&mut self.counts, n_rules, 0);
        if !full {
            return;
        }
        self.records.clear();
        self.pending.clear();
        self.inherited.clear();
        if self.clean
            && self.own.len() == n_lists
            && self.perk_adj.len() == perks
            && self.restr_adj.len() == restrictions
        {
            return;
        }
        self.clean = true;
        fill(&mut self.own, n_lists, None);
        fill(&mut self.on, n_lists, false);
        fill(&mut self.rated_on, n_lists, false);
        fill(&mut self.on_since, n_lists, 0);
        fill(&mut self.listed_steps, n_lists, 0);
        fill(&mut self.ever, n_lists, false);
        self.windows.resize_with(n_lists, Vec::new);
        self.windows.truncate(n_lists);
        self.windows.iter_mut().for_each(Vec::clear);
        fill(&mut self.perk_adj, perks, 0);
        fill(&mut self.restr_adj, restrictions, 0);
    }
}

/// Deltas for the snapshot histograms, coalesced within one snapshot row.
pub(crate) struct Recorder {
    /// Off when replaying one subject: nothing to count, and no histogram to grow.
    enabled: bool,
    group: usize,
    row: usize,
    from: i64,
}

impl Recorder {
    /// Note that the score changes from `before` during a step whose first affected row is `row`.
    #[inline(always)]
    fn change(&mut self, acc: &mut Accum, row: usize, before: i64) {
        if row != self.row {
            self.flush(acc, before);
            self.row = row;
            self.from = before;
        }
    }

    #[inline(always)]
    fn flush(&mut self, acc: &mut Accum, current: i64) {
        if self.enabled && self.row != 0 && current != self.from {
            acc.hist.add(self.row, self.group, self.from, -1);
            acc.hist.add(self.row, self.group, current, 1);
        }
        self.row = 0;
    }
}

/// One subject's state while it is simulated, with what it reports to.
pub(crate) struct Life<'r, O> {
    /// The rules in force (those of `epochs[next_epoch - 1]`).
    pub c: &'r Compiled,
    /// See `c`.
    pub m: &'r Mech,
    /// The rules of every part of the run.
    epochs: &'r [Epoch],
    /// The epoch that starts next.
    next_epoch: usize,
    /// The step at whose start it does (`u32::MAX`: none).
    next_change: u32,
    /// The rules changed at the last boundary: tier and rates are recomputed.
    switched: bool,
    pub acc: &'r mut Accum,
    pub obs: &'r mut O,
    pub x: &'r mut Scratch,
    pub subject: u64,
    pub group: usize,
    pub kind: usize,
    /// The clamp of the subject's kind.
    pub lo: i64,
    pub hi: i64,
    pub start: i64,
    /// Whether snapshot rows and mechanics totals are recorded (off for replays).
    pub record: bool,
    rec: Recorder,
    pub score: i64,
    tier: usize,
    /// Offset of the `(group, tier)` row of the compiled tables.
    table: usize,
    /// Total rate per step.
    pub total: f64,
    /// Whether `x.rates` holds the rates (they differ from the table row).
    modified: bool,
    /// Whether some cap binds (some capped rule reached its count this year).
    blocked: bool,
    /// Whether some capped rule has a count this year.
    counting: bool,
    /// The score the rates were last computed at.
    rated_score: i64,
    /// Time in steps.
    pub t: f64,
    /// Something changed during the current step: its end is a change point.
    pub dirty: bool,
    /// The effective listings changed at the last step end.
    pub lists_changed: bool,
    /// Points lost since the last restoration.
    pub lost: i64,
    /// Step of the last and of the first negative record.
    pub last_negative: Option<u32>,
    pub first_negative: Option<u32>,
    /// Back at the start score after the first negative record.
    pub recovered: bool,
    /// Repair points granted this scenario year.
    pub repair_used: i64,
    /// The earliest step end at which a listing, record or inherited listing is
    /// due (never later than the truth; an early one only costs a look).
    pub agenda: u32,
    /// Some perk or restriction adjustment of this subject is not zero.
    pub adjusted: bool,
    /// The subject holds a listing of its own.
    pub any_own: bool,
    /// The subject is effectively on some list.
    pub any_on: bool,
    /// Nothing of the lists needs a look at a step end while the score stays
    /// in `safe` and no record falls due: no listing held, pending or
    /// inherited, no perk or restriction adjusted, every perk and restriction
    /// for this kind.
    pub calm: bool,
    /// The scores at which no score-threshold list takes this subject in.
    pub safe: (i64, i64),
    /// Whether the rates depend on more than the tier and the caps.
    watch_rates: bool,
}

/// Simulate one subject from step 0 to the end with events from `src`, and
/// return its final score. `episodes` receives the subject's inheritable
/// listings (full mechanics only). `record` is off for a replay: the snapshot
/// histograms and the mechanics totals are not touched.
#[allow(clippy::too_many_arguments)]
pub(crate) fn simulate<const FULL: bool, S: Source, O: Observer>(
    epochs: &[Epoch],
    who: Who<'_>,
    src: &mut S,
    x: &mut Scratch,
    episodes: &mut Vec<Episode>,
    acc: &mut Accum,
    obs: &mut O,
    record: bool,
) -> i64 {
    let (c, m) = (&epochs[0].c, &epochs[0].m);
    let group = who.group;
    let kind = m.kind[group];
    x.reset(c.n_rules, m.lists.len(), m.perk_min.len(), m.restriction_max.len(), FULL);
    if FULL && !who.inherit.is_empty() {
        // inherited listings: drawn once per head listing, up front, from the subject's own stream
        let mut rng = Stream::new(who.seed, who.subject, Purpose::Inherit);
        x.inherited.extend(who.inherit.iter().copied().filter(|e| {
            let list = &m.lists[e.list];
            list.applies(kind) && rng.uniform() < list.inherit.unwrap_or(0.0)
        }));
    }
    let start = c.group_start[group];
    let tier = if c.tier_dependent { c.tier_of(start) } else { 0 };
    let mut life = Life {
        c,
        m,
        epochs,
        next_epoch: 1,
        next_change: epochs.get(1).map_or(u32::MAX, |e| e.at),
        switched: false,
        acc,
        obs,
        x,
        subject: who.subject,
        group,
        kind,
        lo: m.lo[group],
        hi: m.hi[group],
        start,
        record,
        rec: Recorder { enabled: record, group, row: 0, from: start },
        score: start,
        tier,
        table: c.table(group, tier),
        total: c.total(group, tier),
        modified: false,
        blocked: false,
        counting: false,
        rated_score: start,
        t: 0.0,
        // the end of step 0 is a change point under the full mechanics: score-threshold lists take their first look there
        dirty: FULL,
        lists_changed: false,
        lost: 0,
        last_negative: None,
        first_negative: None,
        recovered: false,
        repair_used: 0,
        agenda: u32::MAX,
        adjusted: false,
        any_own: false,
        any_on: false,
        calm: FULL && who.inherit.is_empty() && m.plain_for_kind[kind],
        safe: m.safe[kind],
        watch_rates: FULL && !m.rates_plain,
    };
    if FULL && !m.rates_plain {
        life.rerate();
    }
    life.run::<FULL, S>(src, episodes)
}

impl<O: Observer> Life<'_, O> {
    fn run<const FULL: bool, S: Source>(&mut self, src: &mut S, episodes: &mut Vec<Episode>) -> i64 {
        let c = self.c;
        let horizon = c.steps;
        let mut wait: Option<f64> = None; // time of the next event at the current total rate
        loop {
            // the next change point: a step end at which rates (or the score) may change
            let now = self.t as u32; // t >= 0 and below the horizon, so truncation is the floor
            let next = now + 1;
            let mut due = horizon;
            if (self.dirty && (FULL || c.tier_dependent)) || (c.drift.is_some() && self.score != self.start) {
                due = next;
            }
            if self.counting || self.repair_used > 0 {
                due = due.min((now / c.steps_per_year + 1) * c.steps_per_year);
            }
            if let (Some(after), Some(last), true) = (c.restore_after, self.last_negative, self.lost > 0) {
                due = due.min((last + 1 + after).max(next));
            }
            if FULL {
                due = due.min(self.agenda.max(next));
            }
            due = due.min(self.next_change);
            let tc = f64::from(due);
            let te = match wait {
                Some(te) => te,
                None => src.next_time(self.t, self.total),
            };
            if te < tc {
                self.t = te;
                wait = None;
                self.event::<FULL, S>(src);
                continue;
            }
            // a change point at the end of step `due - 1`
            if te.is_finite() {
                wait = Some(te);
            }
            self.t = tc;
            let total = self.total;
            if due == self.next_change {
                self.switch::<FULL>();
            }
            self.step_end::<FULL>(due, episodes);
            if due >= horizon {
                break;
            }
            self.rates_at_step_end::<FULL>(due, S::SCRIPTED);
            if self.total.to_bits() != total.to_bits() {
                wait = None;
            }
        }
        if FULL {
            self.close(horizon);
        }
        self.rec.flush(self.acc, self.score);
        self.score
    }

    /// The rules of the next epoch come into force (at the boundary where it
    /// starts, before that boundary's step-end work): everything compiled
    /// from the rules is read from it from now on, and the lists, perks,
    /// tier and rates get a fresh look.
    fn switch<const FULL: bool>(&mut self) {
        let e = &self.epochs[self.next_epoch];
        self.next_epoch += 1;
        self.next_change = self.epochs.get(self.next_epoch).map_or(u32::MAX, |e| e.at);
        self.c = &e.c;
        self.m = &e.m;
        // the clamp (`lo`, `hi`) stays: a change may not alter `[score]` or the kinds
        if FULL {
            self.calm = false;
            self.safe = e.m.safe[self.kind];
            self.watch_rates = !e.m.rates_plain;
        }
        self.switched = true;
        self.dirty = true;
    }

    /// Move the score to `to` during `step` for `cause`.
    #[inline(always)]
    pub fn set_score(&mut self, step: u32, to: i64, cause: Cause) {
        if to != self.score {
            self.rec.change(self.acc, self.c.first_row_after(step), self.score);
            let before = self.score;
            self.score = to;
            self.dirty = true;
            self.obs.change(step, self.t, cause, before, to);
        }
    }

    /// One rule event at time `self.t`.
    #[inline]
    fn event<const FULL: bool, S: Source>(&mut self, src: &mut S) {
        let c = self.c;
        let step = (self.t as u32).min(c.steps - 1);
        let (modified, table, total) = (self.modified, self.table, self.total);
        let rates = &self.x.rates;
        let rule = src.rule(|u| if modified { pick(rates, total, u) } else { c.pick(table, u) });
        if S::SCRIPTED
            && let Some(why) = self.ruled_out(rule)
        {
            self.obs.skipped(step, rule, why);
            return;
        }
        let plain = !FULL || self.m.rules_plain || self.m.rule_plain[rule];
        let wrongful = !plain && src.wrongful(self.m.error_rate[rule]);
        let before = self.score;
        let mut points = c.points[rule];
        if !plain && self.m.repair[rule] && points > 0 {
            let allowance = self.m.repair_max.map_or(i64::MAX, |cap| (cap - self.repair_used).max(0));
            let room = (self.start - before).max(0);
            let granted = points.min(allowance).min(room);
            self.acc.mech.repair_withheld = self.acc.mech.repair_withheld.saturating_add(points - granted);
            self.repair_used += granted;
            points = granted;
        }
        let wanted = before.saturating_add(points);
        let after = wanted.clamp(self.lo, self.hi);
        let acc = &mut *self.acc;
        acc.rule_events[rule] += 1;
        acc.rule_points[rule] = acc.rule_points[rule].saturating_add(after - before);
        acc.rule_clamped[rule] = acc.rule_clamped[rule].saturating_add(wanted.abs_diff(after));
        if c.points[rule] < 0 {
            self.lost = self.lost.saturating_add(before - after);
            self.last_negative = Some(step);
            if FULL {
                self.first_negative.get_or_insert(step);
            }
        }
        if !plain {
            self.follow_up(src, step, rule, after - before, wrongful);
        }
        let cap = c.cap[rule];
        if cap != u32::MAX {
            self.counting = true;
            self.x.counts[rule] += 1;
            if self.x.counts[rule] >= cap {
                // the cap binds: the rule is out for the rest of the year
                if !self.modified {
                    self.x.rates.clear();
                    self.x.rates.extend_from_slice(&c.rate[self.table..self.table + c.n_rules]);
                    self.modified = true;
                }
                let rate = self.x.rates[rule];
                if rate > 0.0 {
                    let year_end = ((step / c.steps_per_year + 1) * c.steps_per_year).min(c.steps);
                    self.acc.capped(rule, rate, self.t, year_end);
                    self.total -= rate;
                    self.x.rates[rule] = 0.0;
                }
                self.blocked = true;
            }
        }
        if after != before {
            self.set_score(step, after, Cause::Rule(rule));
        } else {
            self.obs.unchanged(step, self.t, rule, after);
        }
        if wrongful {
            self.obs.wrongful(step, rule);
        }
    }

    /// The records and list changes an event of `rule` during `step` leads to.
    fn follow_up<S: Source>(&mut self, src: &mut S, step: u32, rule: usize, applied: i64, wrongful: bool) {
        let (c, m) = (self.c, self.m);
        let expire_at = m.expire_after[rule].filter(|_| c.points[rule] < 0).map(|a| step + 1 + a);
        let mut appeal_at = None;
        let mut appeal_wins = false;
        if wrongful {
            self.acc.mech.wrongful[rule] += 1;
            if let Some(a) = m.appeal[rule]
                && let Some(wins) = src.appeal(a)
            {
                self.acc.mech.appeals_filed[rule] += 1;
                appeal_wins = wins;
                appeal_at = Some(step + 1 + a.delay);
            }
        }
        let enters = !m.enters[rule].is_empty();
        let mut index = None;
        if expire_at.is_some() || appeal_at.is_some() || (enters && wrongful) {
            index = Some(self.x.records.len());
            self.x.records.push(Record { rule, applied, expire_at, appeal_at, appeal_wins, reversed: false });
            for at in [expire_at, appeal_at].into_iter().flatten() {
                self.agenda = self.agenda.min(at);
            }
        }
        for &l in &m.enters[rule] {
            if !m.lists[l].applies(self.kind) {
                continue;
            }
            let Entry::Rule { count, within, .. } = m.lists[l].entry else { continue };
            let triggered = count <= 1 || {
                self.x.clean = false;
                let w = &mut self.x.windows[l];
                w.push(step);
                if let Some(within) = within {
                    // the records of this step and of the `within - 1` steps before it
                    w.retain(|&s| s + within > step);
                }
                let full = w.len() >= count as usize;
                if full {
                    w.clear();
                }
                full
            };
            if triggered {
                self.x.pending.push(Pending::Enter { list: l, rule, record: index, wrongful });
                self.dirty = true;
                self.calm = false;
            }
        }
        for &l in &m.clears[rule] {
            self.x.pending.push(Pending::Clear { list: l, rule });
            self.dirty = true;
            self.calm = false;
        }
    }

    /// Why a scripted event of `rule` cannot happen, if it cannot: the perk or
    /// list it needs, as of the last rate computation, or its cap now.
    fn ruled_out(&self, rule: usize) -> Option<Skip> {
        let m = self.m;
        if !self.c.enabled[rule] {
            return Some(Skip::Disabled);
        }
        let on = &self.x.rated_on;
        if let Some(p) = m.requires_perk[rule].filter(|&p| !m.holds(p, self.kind, self.rated_score, on)) {
            return Some(Skip::NoPerk(p));
        }
        if let Some(l) = m.requires_list[rule].filter(|&l| !on[l]) {
            return Some(Skip::NotListed(l));
        }
        (self.x.counts[rule] >= self.c.cap[rule]).then_some(Skip::Cap)
    }

    /// Bring the rates up to date at the step end `b` (not the horizon).
    fn rates_at_step_end<const FULL: bool>(&mut self, b: u32, scripted: bool) {
        let c = self.c;
        let switched = std::mem::take(&mut self.switched);
        let mut stale = switched;
        if c.tier_dependent && self.dirty {
            let now = c.tier_of(self.score);
            if now != self.tier {
                self.tier = now;
                stale = true;
            }
        }
        self.dirty = false;
        if self.counting && b.is_multiple_of(c.steps_per_year) {
            self.x.counts.iter_mut().for_each(|k| *k = 0);
            self.counting = false;
            stale |= std::mem::take(&mut self.blocked);
        }
        if FULL {
            if self.repair_used > 0 && b.is_multiple_of(c.steps_per_year) {
                self.repair_used = 0;
            }
            if self.watch_rates {
                stale |= self.m.score_sensitive && self.score != self.rated_score;
                stale |= self.m.list_sensitive && self.lists_changed;
            }
        }
        if stale {
            if self.watch_rates || self.blocked || switched {
                self.rerate();
            } else {
                self.table = c.table(self.group, self.tier);
                self.total = c.total(self.group, self.tier);
                self.modified = false;
            }
        }
        if scripted {
            self.rated_score = self.score;
            self.x.rated_on.clone_from(&self.x.on);
        }
    }

    /// Recompute every rate from the current state (tier, score, listings, caps).
    ///
    /// The total is a function of the rates alone: the table's own total while
    /// they are the table's, less the rates of capped rules (in rule order)
    /// while only caps change them, and their sum once a mechanic does. So two
    /// subjects with the same rates keep the same waits.
    pub fn rerate(&mut self) {
        let (c, m) = (self.c, self.m);
        let n = c.n_rules;
        self.table = c.table(self.group, self.tier);
        self.rated_score = self.score;
        let row = &c.rate[self.table..self.table + n];
        let x = &mut *self.x;
        x.buf.clear();
        let (mut mech, mut capped) = (false, false);
        for (r, &base) in row.iter().enumerate() {
            let mut rate = base;
            if rate > 0.0 {
                if !m.bands[r].is_empty() {
                    rate *=
                        m.bands[r].iter().rev().find(|b| self.score >= b.min).map_or(1.0, |b| b.multiplier);
                }
                if m.requires_perk[r].is_some_and(|p| !m.holds(p, self.kind, self.score, &x.on)) {
                    rate = 0.0;
                }
                if m.requires_list[r].is_some_and(|l| !x.on[l]) {
                    rate = 0.0;
                }
                if rate != base {
                    mech = true;
                }
                if x.counts[r] >= c.cap[r] && rate > 0.0 {
                    rate = 0.0;
                    capped = true;
                }
            }
            x.buf.push(rate);
        }
        self.total = if mech {
            x.buf.iter().sum()
        } else {
            let mut total = c.total(self.group, self.tier);
            if capped {
                for (&now, &was) in x.buf.iter().zip(row) {
                    if now != was {
                        total -= was;
                    }
                }
            }
            total
        };
        self.modified = mech || capped;
        self.blocked |= capped;
        if self.modified {
            std::mem::swap(&mut x.rates, &mut x.buf);
        }
    }
}
