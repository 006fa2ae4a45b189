//! One subject's history under the full mechanics: lists with joint
//! sanctions, rules that need a perk or a listing, rates by score band,
//! wrongful records and appeals, expiry, repair caps, kind clamps and
//! listings inherited from a household head.
//!
//! The same event-to-event scheme as `subject.rs` (exponential waits at the
//! current total rate, memoryless so a wait can be redrawn when rates change),
//! but rules are chosen by inversion over rates recomputed at each change
//! point, since the state that sets them (tier, band, perks, listings, caps)
//! is richer. Everything but events happens at step ends: a record made
//! during step `s` lists the subject from the end of step `s`; durations,
//! appeal delays and expiry count whole steps from there.

// several per-list and per-perk arrays are walked together by index
#![allow(clippy::needless_range_loop)]

use super::Accum;
use super::compiled::Compiled;
use super::mech::Mech;
use super::rng::{Purpose, Stream};
use super::source::Source;
use super::subject::{Cause, Observer, Skip};
use crate::scenario::Entry;

/// A listing of a household head that members may inherit: list, first and
/// past-the-last boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Episode {
    pub list: usize,
    pub from: u32,
    pub to: u32,
}

/// Why a listing started or ended, for observers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListReason {
    /// An event of this rule (index).
    Rule(usize),
    /// The score crossed the list's threshold.
    Score,
    /// Inherited from the household head.
    Inherited,
    /// The listing's duration ran out.
    Served,
    /// A clean period without negative records.
    Clean,
    /// An event of the clearing rule (index).
    Cleared(usize),
    /// A successful appeal against the record (rule index) that caused it.
    Appeal(usize),
    /// The household head left the list, ending an inherited listing.
    HeadLeft,
}

impl ListReason {
    /// The reason as one word for files: `rule`, `score`, `inherited`,
    /// `served`, `clean`, `cleared`, `appeal` or `head_left`.
    pub fn word(self) -> &'static str {
        match self {
            ListReason::Rule(_) => "rule",
            ListReason::Score => "score",
            ListReason::Inherited => "inherited",
            ListReason::Served => "served",
            ListReason::Clean => "clean",
            ListReason::Cleared(_) => "cleared",
            ListReason::Appeal(_) => "appeal",
            ListReason::HeadLeft => "head_left",
        }
    }

    /// The rule (index) behind it, for `Rule`, `Cleared` and `Appeal`.
    pub fn rule(self) -> Option<usize> {
        match self {
            ListReason::Rule(r) | ListReason::Cleared(r) | ListReason::Appeal(r) => Some(r),
            _ => None,
        }
    }
}

/// A listing held by the subject itself.
#[derive(Debug, Clone, Copy)]
struct Own {
    since: u32,
    until: u32,
    /// Index into `records` of the record that caused it.
    record: Option<usize>,
    wrongful: bool,
}

/// A record that needs follow-up: its expiry or its appeal.
#[derive(Debug, Clone, Copy)]
struct Record {
    rule: usize,
    applied: i64,
    expire_at: Option<u32>,
    appeal_at: Option<u32>,
    appeal_wins: bool,
    reversed: bool,
}

/// Pending changes to apply at the end of the current step.
#[derive(Debug, Clone, Copy)]
enum Pending {
    Enter { list: usize, rule: usize, record: Option<usize>, wrongful: bool },
    Clear { list: usize, rule: usize },
}

/// Simulate one subject with events from `src`; returns its final score.
/// `inherit` holds the household head's listings this subject may inherit
/// (empty for heads and single subjects); `episodes` receives this subject's
/// own inheritable listings.
#[allow(clippy::too_many_arguments)]
pub(crate) fn simulate<S: Source, O: Observer>(
    c: &Compiled,
    m: &Mech,
    src: &mut S,
    (seed, subject): (u64, u64),
    group: usize,
    inherit: &[Episode],
    episodes: &mut Vec<Episode>,
    acc: &mut Accum,
    obs: &mut O,
    record: bool,
) -> i64 {
    let n_rules = c.n_rules;
    let n_lists = m.lists.len();
    let kind = m.kind[group];
    let (lo, hi) = (m.lo[group], m.hi[group]);
    let horizon = c.steps;
    let start = c.group_start[group];

    // inherited listings: drawn once, up front, from the subject's own stream
    let mut inh_rng = Stream::new(seed, subject, Purpose::Inherit);
    let inherited: Vec<Episode> = inherit
        .iter()
        .copied()
        .filter(|e| {
            let p = m.lists[e.list].inherit.unwrap_or(0.0);
            m.lists[e.list].applies(kind) && inh_rng.uniform() < p
        })
        .collect();

    let mut score = start;
    let mut own: Vec<Option<Own>> = vec![None; n_lists];
    let mut on = vec![false; n_lists]; // effective listing
    let mut on_since = vec![0u32; n_lists];
    let mut listed_steps = vec![0u32; n_lists];
    let mut ever = vec![false; n_lists];
    let mut windows: Vec<Vec<u32>> = vec![Vec::new(); n_lists];
    let mut records: Vec<Record> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut counts = vec![0u32; n_rules];
    let mut repair_used = 0i64;
    let mut lost = 0i64;
    let mut last_negative: Option<u32> = None;
    let mut first_negative: Option<u32> = None;
    let mut recovered = false;
    let tier_of = |s: i64| c.tier_of(s);
    let mut tier = tier_of(score);
    let perks_n = m.perk_min.len();
    let restr_n = m.restriction_max.len();
    let mut perk_adj = vec![0i64; perks_n];
    let mut restr_adj = vec![0i64; restr_n];
    let mut rates = vec![0.0f64; n_rules];
    let mut total = compute_rates(c, m, group, kind, tier, score, &on, &counts, &mut rates);
    // the state the rates were last computed from: a scripted event is allowed
    // or ruled out by it, as a random one is (rates change only at step ends)
    let mut rated = (score, if S::SCRIPTED { on.clone() } else { Vec::new() });

    let mut t = 0.0f64;
    let mut wait: Option<f64> = None;
    // the end of step 0 is always a change point: score-threshold lists take their first look there
    let mut dirty = true;

    let row_of = |b: u32| c.first_row_after(b.saturating_sub(1));
    let mut hist_move = |acc: &mut Accum, step: u32, from: i64, to: i64| {
        if record && from != to {
            let row = c.first_row_after(step);
            acc.hist.add(row, group, from, -1);
            acc.hist.add(row, group, to, 1);
        }
    };

    loop {
        // the next step end at which something is due
        let now = t as u32; // current step (t < horizon)
        let next_boundary = now + 1;
        let mut due = horizon;
        if dirty || !pending.is_empty() || (c.drift.is_some() && score != start) {
            due = due.min(next_boundary);
        }
        for (l, o) in own.iter().enumerate() {
            if let Some(o) = o {
                due = due.min(o.until.max(next_boundary));
                if let Some(clean) = m.lists[l].clear_after_clean {
                    due = due.min((clean_from(*o, last_negative) + clean).max(next_boundary));
                }
            }
        }
        for r in &records {
            for at in [r.expire_at, r.appeal_at].into_iter().flatten() {
                if !r.reversed && at >= next_boundary {
                    due = due.min(at);
                }
            }
        }
        for e in &inherited {
            for at in [e.from, e.to] {
                if at >= next_boundary {
                    due = due.min(at);
                }
            }
        }
        if let (Some(after), Some(last), true) = (c.restore_after, last_negative, lost > 0) {
            due = due.min((last + 1 + after).max(next_boundary));
        }
        let year_end = (now / c.steps_per_year + 1) * c.steps_per_year;
        if counts.iter().any(|&k| k > 0) || repair_used > 0 {
            due = due.min(year_end);
        }
        let tc = f64::from(due);

        let te = match wait {
            Some(te) => te,
            None => src.next_time(t, total),
        };
        if te < tc {
            t = te;
            wait = None;
            let step = (t as u32).min(horizon - 1);
            let rule = src.rule(&rates, total);
            if S::SCRIPTED
                && let Some(why) = ruled_out(m, rule, kind, rated.0, &rated.1, counts[rule], c.cap[rule])
            {
                obs.skipped(step, rule, why);
                continue;
            }
            let wrongful = src.wrongful(m.error_rate[rule]);
            let before = score;
            let mut points = c.points[rule];
            if m.repair[rule] && points > 0 {
                let allowance = m.repair_max.map_or(i64::MAX, |cap| (cap - repair_used).max(0));
                let room = (start - score).max(0);
                let granted = points.min(allowance).min(room);
                acc.mech.repair_withheld = acc.mech.repair_withheld.saturating_add(points - granted);
                repair_used += granted;
                points = granted;
            }
            let wanted = before.saturating_add(points);
            score = wanted.clamp(lo, hi);
            let applied = score - before;
            acc.rule_events[rule] += 1;
            acc.rule_points[rule] = acc.rule_points[rule].saturating_add(applied);
            acc.rule_clamped[rule] = acc.rule_clamped[rule].saturating_add(wanted.abs_diff(score));
            if c.points[rule] < 0 {
                lost = lost.saturating_add(before - score);
                last_negative = Some(step);
                first_negative.get_or_insert(step);
            }
            // follow-up of this record: expiry, appeal
            let mut rec_index = None;
            let expire_at = m.expire_after[rule].filter(|_| c.points[rule] < 0).map(|a| step + 1 + a);
            let mut appeal_at = None;
            let mut appeal_wins = false;
            if wrongful {
                acc.mech.wrongful[rule] += 1;
                if let Some(a) = m.appeal[rule]
                    && let Some(wins) = src.appeal(a)
                {
                    acc.mech.appeals_filed[rule] += 1;
                    appeal_wins = wins;
                    appeal_at = Some(step + 1 + a.delay);
                }
            }
            let follows = expire_at.is_some() || appeal_at.is_some();
            let enters = !m.enters[rule].is_empty();
            if follows || (enters && wrongful) {
                rec_index = Some(records.len());
                records.push(Record { rule, applied, expire_at, appeal_at, appeal_wins, reversed: false });
            }
            for &l in &m.enters[rule] {
                if !m.lists[l].applies(kind) {
                    continue;
                }
                let Entry::Rule { count, within, .. } = m.lists[l].entry else { continue };
                let triggered = if count <= 1 {
                    true
                } else {
                    let w = &mut windows[l];
                    w.push(step);
                    if let Some(within) = within {
                        w.retain(|&s| s + within > step);
                    }
                    if w.len() >= count as usize {
                        w.clear();
                        true
                    } else {
                        false
                    }
                };
                if triggered {
                    pending.push(Pending::Enter { list: l, rule, record: rec_index, wrongful });
                }
            }
            for &l in &m.clears[rule] {
                pending.push(Pending::Clear { list: l, rule });
            }
            let cap = c.cap[rule];
            if cap != u32::MAX {
                counts[rule] += 1;
                if counts[rule] >= cap {
                    let year_end = ((step / c.steps_per_year + 1) * c.steps_per_year).min(c.steps);
                    acc.capped(rule, rates[rule], t, year_end);
                    total -= rates[rule];
                    rates[rule] = 0.0;
                }
            }
            if score != before {
                hist_move(acc, step, before, score);
                dirty = true;
                obs.change(step, t, Cause::Rule(rule), before, score);
            } else {
                obs.unchanged(step, t, rule, score);
            }
            if wrongful {
                obs.wrongful(step, rule);
            }
            continue;
        }

        // the end of step `b - 1`
        if te.is_finite() {
            wait = Some(te);
        }
        t = tc;
        let b = due;
        let step = b - 1;
        if b.is_multiple_of(c.steps_per_year) {
            counts.iter_mut().for_each(|k| *k = 0);
            repair_used = 0;
        }
        // records due: expiry and appeals
        for i in 0..records.len() {
            let r = records[i];
            if r.reversed {
                continue;
            }
            let appeal_now = r.appeal_at == Some(b);
            let expire_now = r.expire_at == Some(b);
            if appeal_now {
                obs.appeal(step, r.rule, r.appeal_wins);
            }
            if (appeal_now && r.appeal_wins) || expire_now {
                records[i].reversed = true;
                let before = score;
                score = score.saturating_sub(r.applied).clamp(lo, hi);
                let back = score - before;
                if r.applied < 0 {
                    lost = (lost - back.max(0)).max(0);
                }
                let cause = if appeal_now && r.appeal_wins {
                    acc.mech.appeals_won[r.rule] += 1;
                    acc.mech.points_appealed = acc.mech.points_appealed.saturating_add(back);
                    Cause::Appeal(r.rule)
                } else {
                    acc.mech.points_expired = acc.mech.points_expired.saturating_add(back);
                    Cause::Expire(r.rule)
                };
                if score != before {
                    hist_move(acc, step, before, score);
                    obs.change(step, t, cause, before, score);
                }
                if appeal_now && r.appeal_wins {
                    // a won appeal removes the listings the record caused
                    pending.retain(|p| !matches!(p, Pending::Enter { record: Some(x), .. } if *x == i));
                    for (l, o) in own.iter_mut().enumerate() {
                        if o.is_some_and(|o| o.record == Some(i)) {
                            *o = None;
                            obs.listed(step, l, false, ListReason::Appeal(r.rule));
                        }
                    }
                }
            }
        }
        if let (Some(after), Some(last)) = (c.restore_after, last_negative)
            && lost > 0
            && b == last + 1 + after
        {
            let before = score;
            score = score.saturating_add(lost).clamp(lo, hi);
            acc.points_restored = acc.points_restored.saturating_add(score - before);
            lost = 0;
            if score != before {
                hist_move(acc, step, before, score);
                obs.change(step, t, Cause::Restore, before, score);
            }
        }
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
            hist_move(acc, step, before, score);
            obs.change(step, t, Cause::Drift, before, score);
        }
        // listings: leave, then enter
        for p in std::mem::take(&mut pending) {
            match p {
                Pending::Clear { list, rule } => {
                    if own[list].take().is_some() {
                        obs.listed(step, list, false, ListReason::Cleared(rule));
                    }
                }
                Pending::Enter { list, rule, record, wrongful } => {
                    if own[list].is_none() {
                        let until = m.lists[list].duration.map_or(u32::MAX, |d| b.saturating_add(d));
                        own[list] = Some(Own { since: b, until, record, wrongful });
                        acc.mech.listings[group * n_lists + list] += 1;
                        if wrongful {
                            acc.mech.wrongful_listings[group * n_lists + list] += 1;
                        }
                        obs.listed(step, list, true, ListReason::Rule(rule));
                        score = list_points(m, list, score, lo, hi, step, t, acc, obs, group, &mut hist_move);
                    }
                }
            }
        }
        for l in 0..n_lists {
            let list = &m.lists[l];
            if let Some(o) = own[l] {
                let clean =
                    list.clear_after_clean.is_some_and(|clean| b >= clean_from(o, last_negative) + clean);
                let threshold_gone = list.duration.is_none()
                    && match list.entry {
                        Entry::Below(x) => score >= x,
                        Entry::AtLeast(x) => score < x,
                        Entry::Rule { .. } => false,
                    };
                if o.until <= b || clean || threshold_gone {
                    own[l] = None;
                    let why = if o.until <= b {
                        ListReason::Served
                    } else if clean {
                        ListReason::Clean
                    } else {
                        ListReason::Score
                    };
                    obs.listed(step, l, false, why);
                }
            }
            if own[l].is_none() && list.applies(kind) {
                let enter = match list.entry {
                    Entry::Below(x) => score < x,
                    Entry::AtLeast(x) => score >= x,
                    Entry::Rule { .. } => false,
                };
                if enter {
                    let until = list.duration.map_or(u32::MAX, |d| b.saturating_add(d));
                    own[l] = Some(Own { since: b, until, record: None, wrongful: false });
                    acc.mech.listings[group * n_lists + l] += 1;
                    obs.listed(step, l, true, ListReason::Score);
                    score = list_points(m, l, score, lo, hi, step, t, acc, obs, group, &mut hist_move);
                }
            }
        }
        // effective listings (own or inherited) and their bookkeeping
        for l in 0..n_lists {
            let inh = inherited.iter().any(|e| e.list == l && e.from <= b && b < e.to);
            let now_on = own[l].is_some() || inh;
            if inh && inherited.iter().any(|e| e.list == l && e.from == b) {
                acc.mech.inherited_listings[group * n_lists + l] += 1;
                obs.listed(step, l, true, ListReason::Inherited);
            }
            if !inh && inherited.iter().any(|e| e.list == l && e.to == b) {
                obs.listed(step, l, false, ListReason::HeadLeft);
            }
            if now_on != on[l] {
                if record {
                    let cell = (row_of(b) * c_groups(acc) + group) * n_lists + l;
                    acc.mech.listed[cell] += if now_on { 1 } else { -1 };
                }
                if now_on {
                    on_since[l] = b;
                    if !ever[l] {
                        ever[l] = true;
                        acc.mech.ever_listed[group * n_lists + l] += 1;
                    }
                    if m.lists[l].inherit.is_some() {
                        episodes.push(Episode { list: l, from: b, to: u32::MAX });
                    }
                } else {
                    listed_steps[l] += b - on_since[l];
                    if let Some(e) = episodes.iter_mut().rev().find(|e| e.list == l && e.to == u32::MAX) {
                        e.to = b;
                    }
                }
                on[l] = now_on;
            }
        }
        // recovery after the first negative record
        if first_negative.is_some() && !recovered && score >= start {
            recovered = true;
            let steps = b - 1 - first_negative.unwrap_or(0);
            acc.mech.recovered[group] += 1;
            acc.mech.recovery_steps[steps as usize] += 1;
        }
        // perks and restrictions that lists change
        if record {
            let row = row_of(b);
            let g = c_groups(acc);
            for p in 0..perks_n {
                let adj = i64::from(m.holds(p, kind, score, &on)) - i64::from(score >= m.perk_min[p]);
                if adj != perk_adj[p] {
                    acc.mech.perk_adjust[(row * g + group) * perks_n + p] += adj - perk_adj[p];
                    perk_adj[p] = adj;
                }
            }
            for r in 0..restr_n {
                let adj = i64::from(m.under(r, kind, score, &on)) - i64::from(score <= m.restriction_max[r]);
                if adj != restr_adj[r] {
                    acc.mech.restriction_adjust[(row * g + group) * restr_n + r] += adj - restr_adj[r];
                    restr_adj[r] = adj;
                }
            }
        }
        dirty = false;
        if b >= horizon {
            break;
        }
        tier = tier_of(score);
        let new_total = compute_rates(c, m, group, kind, tier, score, &on, &counts, &mut rates);
        if S::SCRIPTED {
            rated = (score, on.clone());
        }
        if new_total != total {
            wait = None;
        }
        total = new_total;
        let _ = tier;
    }
    // close the books at the horizon
    for l in 0..n_lists {
        if on[l] {
            listed_steps[l] += horizon - on_since[l];
            if own[l].is_some_and(|o| o.wrongful) {
                acc.mech.wrongly_listed_at_end[group * n_lists + l] += 1;
            }
        }
        if ever[l] {
            acc.mech.time_listed[l][listed_steps[l] as usize] += 1;
        }
    }
    if first_negative.is_some() {
        acc.mech.with_negative[group] += 1;
    }
    if record && on.iter().any(|&x| x) {
        let mask = on.iter().enumerate().filter(|(_, x)| **x).fold(0u64, |m, (l, _)| m | 1 << l);
        acc.mech.final_lists.push((subject, mask));
    }
    score
}

/// The boundary from which a listing's clean period counts: its start, or the
/// end of the step of the last negative record if that was later.
fn clean_from(o: Own, last_negative: Option<u32>) -> u32 {
    last_negative.map_or(o.since, |x| (x + 1).max(o.since))
}

/// Number of groups in the accumulator's shape.
fn c_groups(acc: &Accum) -> usize {
    acc.mech.shape[1]
}

/// Apply list `l`'s points on listing.
#[allow(clippy::too_many_arguments)]
fn list_points<O: Observer>(
    m: &Mech,
    l: usize,
    score: i64,
    lo: i64,
    hi: i64,
    step: u32,
    t: f64,
    acc: &mut Accum,
    obs: &mut O,
    _group: usize,
    hist_move: &mut impl FnMut(&mut Accum, u32, i64, i64),
) -> i64 {
    let points = m.lists[l].points;
    if points == 0 {
        return score;
    }
    let after = score.saturating_add(points).clamp(lo, hi);
    acc.mech.points_listing = acc.mech.points_listing.saturating_add(after - score);
    if after != score {
        hist_move(acc, step, score, after);
        obs.change(step, t, Cause::Listing(l), score, after);
    }
    after
}

/// Per-rule rates per step in the current state; returns their total.
#[allow(clippy::too_many_arguments)]
fn compute_rates(
    c: &Compiled,
    m: &Mech,
    group: usize,
    kind: usize,
    tier: usize,
    score: i64,
    on: &[bool],
    counts: &[u32],
    rates: &mut [f64],
) -> f64 {
    let table = c.table(group, tier);
    let mut total = 0.0;
    for r in 0..c.n_rules {
        let mut x = c.rate[table + r];
        if x > 0.0 {
            if !m.bands[r].is_empty() {
                x *= m.bands[r].iter().rev().find(|b| score >= b.min).map_or(1.0, |b| b.multiplier);
            }
            if m.requires_perk[r].is_some_and(|p| !m.holds(p, kind, score, on)) {
                x = 0.0;
            }
            if m.requires_list[r].is_some_and(|l| !on[l]) {
                x = 0.0;
            }
            if counts[r] >= c.cap[r] {
                x = 0.0;
            }
        }
        rates[r] = x;
        total += x;
    }
    total
}

/// Why a scripted event of `rule` cannot happen, if it cannot: the perk or
/// list it needs, as of the last step end (`score`, `on`), or its cap now.
fn ruled_out(
    m: &Mech,
    rule: usize,
    kind: usize,
    score: i64,
    on: &[bool],
    count: u32,
    cap: u32,
) -> Option<Skip> {
    if let Some(p) = m.requires_perk[rule].filter(|&p| !m.holds(p, kind, score, on)) {
        return Some(Skip::NoPerk(p));
    }
    if let Some(l) = m.requires_list[rule].filter(|&l| !on[l]) {
        return Some(Skip::NotListed(l));
    }
    (count >= cap).then_some(Skip::Cap)
}
