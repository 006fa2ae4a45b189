//! One subject's whole history, simulated event to event.
//!
//! Between events nothing happens, so the simulation jumps from one event
//! to the next: with total rate `Λ` the wait is exponential with mean `1/Λ`
//! and the rule that fires is chosen with probability `rate / Λ` (Walker's
//! alias method: constant time whatever the number of rules). Rates change only at *change
//! points*: the end of a step in which the score changed (the tier is
//! re-evaluated there), a year boundary while a cap binds, a due
//! restoration, and every step end while drift applies. At a change point
//! an undelivered wait is kept if the rates did not change and redrawn if
//! they did; both are exact because exponential waits are memoryless. The
//! cost follows the number of events, not subjects × steps × rules.

use super::Accum;
use super::compiled::{Compiled, NO_CAP};
use super::rng::{Purpose, Stream};

/// Why a subject's score changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// An event of the rule with this index.
    Rule(usize),
    /// Lost points given back after a clean period.
    Restore,
    /// Drift toward the start score.
    Drift,
    /// A negative record of the rule with this index expired: its points are given back.
    Expire(usize),
    /// A won appeal against a record of the rule with this index reversed its points.
    Appeal(usize),
    /// Points on entering the list with this index.
    Listing(usize),
}

/// Receives every score change of a subject, in time order.
pub trait Observer {
    /// A change during step `step` (0-based) at time `time` (in steps).
    fn change(&mut self, step: u32, time: f64, cause: Cause, before: i64, after: i64);

    /// An event of rule `rule` during step `step` at time `time` that left the
    /// score at `score`, because the score was already at the clamp. It still
    /// counts towards the rule's yearly cap. Ignored unless overridden.
    #[inline]
    fn unchanged(&mut self, step: u32, time: f64, rule: usize, score: i64) {
        let _ = (step, time, rule, score);
    }

    /// The event of rule `rule` during step `step` was recorded on a subject
    /// who did nothing (a wrongful record). Ignored unless overridden.
    #[inline]
    fn wrongful(&mut self, step: u32, rule: usize) {
        let _ = (step, rule);
    }

    /// An appeal against a wrongful record of rule `rule` was decided at the end
    /// of step `step`. Ignored unless overridden.
    #[inline]
    fn appeal(&mut self, step: u32, rule: usize, won: bool) {
        let _ = (step, rule, won);
    }

    /// The subject went on (`on`) or off list `list` at the end of step `step`.
    /// Ignored unless overridden.
    #[inline]
    fn listed(&mut self, step: u32, list: usize, on: bool, why: super::general::ListReason) {
        let _ = (step, list, on, why);
    }

    /// A scripted event of rule `rule` in step `step` could not happen, for
    /// `why` (rule tests only). Ignored unless overridden.
    #[inline]
    fn skipped(&mut self, step: u32, rule: usize, why: Skip) {
        let _ = (step, rule, why);
    }
}

/// Why a scripted event could not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The rule needs this perk (index), which the subject does not hold.
    NoPerk(usize),
    /// The rule needs this list (index), which the subject is not on.
    NotListed(usize),
    /// The rule's yearly cap was reached.
    Cap,
}

/// An observer that ignores everything (the full run uses it).
pub struct Ignore;

impl Observer for Ignore {
    #[inline]
    fn change(&mut self, _: u32, _: f64, _: Cause, _: i64, _: i64) {}
}

/// Per-worker scratch space for cap counters.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    counts: Vec<u32>,
    blocked: Vec<bool>,
}

/// Deltas for the snapshot histograms, coalesced within one snapshot row.
struct Recorder {
    /// Off when replaying one subject: nothing to count, and no histogram to grow.
    enabled: bool,
    group: usize,
    row: usize,
    from: i64,
}

impl Recorder {
    /// Note that the score changes from `before` during a step whose first affected row is `row`.
    #[inline]
    fn change(&mut self, acc: &mut Accum, row: usize, before: i64) {
        if row != self.row {
            self.flush(acc, before);
            self.row = row;
            self.from = before;
        }
    }

    #[inline]
    fn flush(&mut self, acc: &mut Accum, current: i64) {
        if self.enabled && self.row != 0 && current != self.from {
            acc.hist.add(self.row, self.group, self.from, -1);
            acc.hist.add(self.row, self.group, current, 1);
        }
        self.row = 0;
    }
}

/// Simulate one subject from step 0 to the end and return its final score.
///
/// `record` is off for a replay: the snapshot histograms are not touched.
// the hot loop's inputs are passed one by one; bundling them would cost a
// struct per subject for no clarity gain
#[allow(clippy::too_many_arguments)]
pub(crate) fn simulate<O: Observer>(
    c: &Compiled,
    seed: u64,
    subject: u64,
    group: usize,
    scratch: &mut Scratch,
    acc: &mut Accum,
    obs: &mut O,
    record: bool,
) -> i64 {
    let mut rng = Stream::new(seed, subject, Purpose::Events);
    scratch.counts.clear();
    scratch.counts.resize(c.n_capped, 0);
    scratch.blocked.clear();
    scratch.blocked.resize(c.n_capped, false);
    let mut binding = 0usize; // caps reached this year
    let mut count_year = 0u32;

    let horizon = f64::from(c.steps);
    let start = c.group_start[group];
    let mut score = start;
    let mut tier = if c.tier_dependent { c.tier_of(score) } else { 0 };
    let mut table = c.table(group, tier);
    let mut total = c.total(group, tier);
    let mut rec = Recorder { enabled: record, group, row: 0, from: score };

    let mut t = 0.0f64;
    let mut pending: Option<f64> = None; // time of the next event at the current rates
    let mut dirty = false; // score changed during the current step
    let mut lost = 0i64; // points lost since the last restoration
    let mut last_negative = 0u32; // step of the last negative record

    loop {
        // the next change point: rates (or the score) may change there
        let mut tc = horizon;
        // t >= 0 and below the horizon (<= MAX_STEPS), so truncation is the floor
        let next_boundary = f64::from(t as u32) + 1.0;
        if (c.tier_dependent && dirty) || (c.drift.is_some() && score != start) {
            tc = tc.min(next_boundary);
        }
        if binding > 0 {
            tc = tc.min(f64::from((count_year + 1) * c.steps_per_year));
        }
        if let (Some(after), true) = (c.restore_after, lost > 0) {
            tc = tc.min(f64::from(last_negative) + 1.0 + f64::from(after));
        }

        let te = match pending {
            Some(te) => te,
            None if total > 0.0 => t + rng.exp1() / total,
            None => f64::INFINITY,
        };

        if te < tc {
            // an event
            t = te;
            pending = None;
            let step = (t as u32).min(c.steps - 1);
            let year = step / c.steps_per_year;
            if year != count_year {
                count_year = year;
                scratch.counts.iter_mut().for_each(|n| *n = 0);
                scratch.blocked.iter_mut().for_each(|b| *b = false);
                binding = 0;
            }
            let rule = if binding == 0 {
                c.pick(table, rng.uniform())
            } else {
                pick_unblocked(c, table, total, &scratch.blocked, rng.uniform())
            };
            let before = score;
            let wanted = before.saturating_add(c.points[rule]);
            score = wanted.clamp(c.min, c.max);
            acc.rule_events[rule] += 1;
            acc.rule_points[rule] = acc.rule_points[rule].saturating_add(score - before);
            acc.rule_clamped[rule] = acc.rule_clamped[rule].saturating_add(wanted.abs_diff(score));
            if c.points[rule] < 0 {
                lost = lost.saturating_add(before - score);
                last_negative = step;
            }
            let slot = c.cap_slot[rule];
            if slot != NO_CAP {
                let slot = usize::from(slot);
                scratch.counts[slot] += 1;
                if scratch.counts[slot] >= c.cap[rule] && !scratch.blocked[slot] {
                    scratch.blocked[slot] = true;
                    binding += 1;
                    total -= c.rate[table + rule];
                    let year_end = ((count_year + 1) * c.steps_per_year).min(c.steps);
                    acc.capped(rule, c.rate[table + rule], t, year_end);
                }
            }
            if score != before {
                rec.change(acc, c.first_row_after(step), before);
                dirty = true;
                obs.change(step, t, Cause::Rule(rule), before, score);
            } else {
                obs.unchanged(step, t, rule, score);
            }
            continue;
        }

        // a change point at time tc, the end of step tc - 1
        if te.is_finite() {
            pending = Some(te);
        }
        t = tc;
        let boundary = tc as u32;
        if boundary == 0 {
            break; // a zero-step horizon cannot happen for a validated scenario
        }
        let step = boundary - 1;
        if let Some(after) = c.restore_after
            && lost > 0
            && u64::from(boundary) == u64::from(last_negative) + 1 + u64::from(after)
        {
            let before = score;
            score = score.saturating_add(lost).clamp(c.min, c.max);
            acc.points_restored = acc.points_restored.saturating_add(score - before);
            lost = 0;
            if score != before {
                rec.change(acc, c.first_row_after(step), before);
                dirty = true;
                obs.change(step, t, Cause::Restore, before, score);
            }
        }
        // every change point is a step end, and while the score is off the start
        // every step end is a change point: drift applies at each one
        if let Some(d) = c.drift
            && score != start
        {
            let before = score;
            score = if score < start {
                score.saturating_add(d).min(start)
            } else {
                score.saturating_sub(d).max(start)
            };
            acc.points_drifted = acc.points_drifted.saturating_add(score - before);
            rec.change(acc, c.first_row_after(step), before);
            dirty = true;
            obs.change(step, t, Cause::Drift, before, score);
        }
        if boundary >= c.steps {
            break;
        }
        let mut rates_changed = false;
        if c.tier_dependent && dirty {
            let now = c.tier_of(score);
            if now != tier {
                tier = now;
                rates_changed = true;
            }
        }
        dirty = false;
        if binding > 0 && boundary.is_multiple_of(c.steps_per_year) {
            count_year = boundary / c.steps_per_year;
            scratch.counts.iter_mut().for_each(|n| *n = 0);
            scratch.blocked.iter_mut().for_each(|b| *b = false);
            binding = 0;
            rates_changed = true;
        }
        if rates_changed {
            table = c.table(group, tier);
            total = c.total(group, tier);
            for (&rule, &b) in c.capped_rule.iter().zip(&scratch.blocked) {
                if b {
                    total -= c.rate[table + rule];
                }
            }
            pending = None;
        }
    }
    rec.flush(acc, score);
    score
}

/// Choose a rule by inversion over the rules whose cap is not reached.
fn pick_unblocked(c: &Compiled, table: usize, total: f64, blocked: &[bool], u: f64) -> usize {
    let target = u * total;
    let mut acc = 0.0;
    let mut last_open = 0;
    for r in 0..c.n_rules {
        let slot = c.cap_slot[r];
        if slot != NO_CAP && blocked[usize::from(slot)] {
            continue;
        }
        acc += c.rate[table + r];
        last_open = r;
        if target < acc {
            return r;
        }
    }
    last_open
}
