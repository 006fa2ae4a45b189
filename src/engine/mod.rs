//! The engine: every subject through every step, in parallel, with
//! integer accumulators merged exactly.
//!
//! The engine does no I/O and never prints. Subjects are simulated one at a
//! time from start to finish (event to event, in the one loop of
//! `subject.rs`, with the work at step ends in `step_end.rs`); blocks of
//! whole households run on rayon's pool; the partial results are integers,
//! so merging them gives the same totals in any order and on any number of
//! threads.

mod compiled;
mod epochs;
mod mech;
mod observe;
pub mod rng;
mod source;
mod step_end;
mod subject;
mod ziggurat;

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

pub use observe::{Cause, Ignore, ListReason, Observer, Skip};
use source::{Random, Script, Source};
use step_end::Episode;
use subject::{Scratch, Who};

use crate::population::Population;
use crate::scenario::{Scenario, ScriptedEvent};
use crate::stats::{MechTotals, RuleTotals, RunTotals, SnapshotHistograms};
pub(crate) use compiled::Compiled;
use epochs::Epochs;
use mech::Mech;

/// Subjects between two progress reports.
const CHUNK: usize = 2048;

/// Contiguous blocks of subjects per worker thread, each with its own accumulator.
const BLOCKS_PER_THREAD: usize = 4;

/// What the engine hands back.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Merged, cumulated histograms and per-rule totals.
    pub totals: RunTotals,
    /// Final score of every subject, by subject number.
    pub final_scores: Vec<i64>,
}

impl RunOutput {
    /// Total number of events recorded.
    pub fn events(&self) -> u64 {
        self.totals.rules.iter().map(|r| r.events).sum()
    }
}

/// A worker's partial results.
#[derive(Debug, Clone)]
pub(crate) struct Accum {
    pub hist: SnapshotHistograms,
    pub rule_events: Vec<u64>,
    pub rule_points: Vec<i64>,
    pub rule_clamped: Vec<u64>,
    /// Per rule: caps reached, and the expected events they withheld in millionths.
    pub rule_capped: Vec<u64>,
    pub rule_withheld: Vec<u64>,
    pub points_restored: i64,
    pub points_drifted: i64,
    pub mech: MechTotals,
}

impl Accum {
    /// An accumulator whose histogram has `rows` snapshot rows.
    fn with_rows(c: &Compiled, rows: usize, groups: usize, mech: MechTotals) -> Self {
        let (lo, hi) = initial_window(c);
        Accum {
            hist: SnapshotHistograms::new(rows, groups, lo, hi),
            rule_events: vec![0; c.n_rules],
            rule_points: vec![0; c.n_rules],
            rule_clamped: vec![0; c.n_rules],
            rule_capped: vec![0; c.n_rules],
            rule_withheld: vec![0; c.n_rules],
            points_restored: 0,
            points_drifted: 0,
            mech,
        }
    }

    /// An accumulator for runs that record nothing (`record == false`): no
    /// snapshot histogram is allocated.
    fn scratch(c: &Compiled, groups: usize, mech: MechTotals) -> Self {
        Self::with_rows(c, 0, groups, mech)
    }

    /// Note that rule `r`'s cap was reached at time `t` (in steps) while it
    /// fired at `rate` per step: it withholds `rate` times the rest of the
    /// scenario year (ending at step `year_end`) in expectation.
    #[inline]
    fn capped(&mut self, r: usize, rate: f64, t: f64, year_end: u32) {
        self.rule_capped[r] += 1;
        let expected = rate * (f64::from(year_end) - t).max(0.0);
        self.rule_withheld[r] =
            self.rule_withheld[r].saturating_add((expected * crate::stats::MICRO).round() as u64);
    }

    fn merge(mut self, other: Accum) -> Accum {
        self.hist.merge(&other.hist);
        for (a, b) in self.rule_events.iter_mut().zip(&other.rule_events) {
            *a += b;
        }
        for (a, b) in self.rule_points.iter_mut().zip(&other.rule_points) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.rule_clamped.iter_mut().zip(&other.rule_clamped) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.rule_capped.iter_mut().zip(&other.rule_capped) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.rule_withheld.iter_mut().zip(&other.rule_withheld) {
            *a = a.saturating_add(*b);
        }
        self.points_restored = self.points_restored.saturating_add(other.points_restored);
        self.points_drifted = self.points_drifted.saturating_add(other.points_drifted);
        self.mech.merge(&other.mech);
        self
    }
}

/// The score window a histogram starts with: 513 scores around the start,
/// within the clamp. It grows on demand, so it is exact for any range; a
/// narrow window keeps each partial histogram small enough for the cache.
fn initial_window(c: &Compiled) -> (i64, i64) {
    const HALF: i64 = 256;
    let lo = c.group_start.iter().copied().min().unwrap_or(0);
    let hi = c.group_start.iter().copied().max().unwrap_or(0);
    (c.min.max(lo.saturating_sub(HALF)), c.max.min(hi.saturating_add(HALF)))
}

/// Simulate every subject of `scenario` with `seed`.
///
/// `progress` is called from worker threads with the number of subjects
/// just finished (in chunks); pass `&|_| {}` to ignore it. The engine uses
/// the current rayon pool; run it inside `ThreadPool::install` to choose
/// the number of threads.
///
/// # Reproducibility
///
/// The result is a pure function of the scenario, the seed and the
/// pointsim version: identical on any number of threads (each subject
/// draws only from its own streams keyed by seed and subject number, and
/// every accumulator is an integer). A mechanic that never acts (a list
/// nobody enters, an error rate that never fires) leaves every subject's
/// history as it is without it.
pub fn run(
    scenario: &Scenario,
    population: &Population,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> RunOutput {
    let never = AtomicBool::new(false);
    run_until(scenario, population, seed, progress, &never)
        .unwrap_or_else(|| unreachable!("a run nobody stops finishes"))
}

/// [`run`] that gives up when `stop` is set: each block looks at it between
/// chunks of subjects (where it reports progress) and ends early, and the
/// run returns `None`. A run whose `stop` stays unset returns exactly what
/// [`run`] does.
pub fn run_until(
    scenario: &Scenario,
    population: &Population,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Option<RunOutput> {
    let e = Epochs::new(scenario);
    let c = &e.first().c;
    let mut final_scores = vec![0i64; population.len() as usize];
    let full = e.full;
    let acc = if full {
        run_blocks::<true>(scenario, &e, population, seed, (progress, stop), &mut final_scores)
    } else {
        run_blocks::<false>(scenario, &e, population, seed, (progress, stop), &mut final_scores)
    };
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let mut hist = acc.hist;
    for (g, &size) in population.sizes.iter().enumerate() {
        // every subject starts at its group's start score; the engine recorded only changes
        let size = i32::try_from(size).expect("validated populations fit in i32 per group");
        hist.add(0, g, c.group_start[g], size);
    }
    hist.cumulate();
    let rules = (0..c.n_rules)
        .map(|r| RuleTotals {
            events: acc.rule_events[r],
            points_applied: acc.rule_points[r],
            points_clamped: acc.rule_clamped[r],
            cap_reached: acc.rule_capped[r],
            withheld_micro: acc.rule_withheld[r],
        })
        .collect();
    let mech = full.then(|| {
        let mut m = acc.mech;
        m.cumulate();
        m
    });
    Some(RunOutput {
        totals: RunTotals {
            snapshot_steps: c.snapshot_steps.clone(),
            hist,
            rules,
            points_restored: acc.points_restored,
            points_drifted: acc.points_drifted,
            mech,
        },
        final_scores,
    })
}

/// Every subject through the one event loop, with the full mechanics or the
/// plain version (`FULL`): a few contiguous blocks per thread, each with one
/// accumulator (enough blocks for work stealing to balance groups with
/// different rates, few enough that allocating and merging partial
/// histograms stays cheap). A block holds whole units, so a household's
/// members are simulated together, head first.
fn run_blocks<const FULL: bool>(
    scenario: &Scenario,
    e: &Epochs,
    population: &Population,
    seed: u64,
    (progress, stop): (&(dyn Fn(u64) + Sync), &AtomicBool),
    final_scores: &mut [i64],
) -> Accum {
    let groups = scenario.groups.len();
    let c = &e.first().c;
    let rows = c.snapshot_steps.len();
    let new_acc = || {
        let mech = if FULL { MechTotals::new(scenario, rows) } else { MechTotals::default() };
        Accum::with_rows(c, rows, groups, mech)
    };
    let n = final_scores.len() as u64;
    let blocks = (BLOCKS_PER_THREAD * rayon::current_num_threads()).max(1) as u64;
    let target = n.div_ceil(blocks).max(CHUNK as u64);
    // block starts, moved forward to the next unit start so no household is split
    let mut starts: Vec<u64> = (0..n).step_by(target as usize).map(|s| population.unit_of(s).start).collect();
    starts.dedup();
    let mut slices = Vec::with_capacity(starts.len());
    let mut rest = final_scores;
    for w in starts.windows(2) {
        let (head, tail) = rest.split_at_mut((w[1] - w[0]) as usize);
        slices.push((w[0], head));
        rest = tail;
    }
    if let Some(&last) = starts.last() {
        slices.push((last, rest));
    }
    slices
        .into_par_iter()
        .map(|(first, out)| {
            let mut acc = new_acc();
            let mut x = Scratch::default();
            let (mut episodes, mut head_episodes) = (Vec::new(), Vec::new());
            let end = first + out.len() as u64;
            let mut subject = first;
            let mut done = 0u64;
            while subject < end {
                let unit = population.unit_of(subject);
                for s in unit.clone() {
                    let head = s == unit.start;
                    let who = Who {
                        seed,
                        subject: s,
                        group: population.group_of(s),
                        inherit: if head { &[] } else { &head_episodes },
                    };
                    episodes.clear();
                    let mut src = Random::new(seed, s);
                    out[(s - first) as usize] = subject::simulate::<FULL, _, _>(
                        &e.list,
                        who,
                        &mut src,
                        &mut x,
                        &mut episodes,
                        &mut acc,
                        &mut Ignore,
                        true,
                    );
                    if head {
                        std::mem::swap(&mut head_episodes, &mut episodes);
                    }
                }
                done += unit.end - unit.start;
                subject = unit.end;
                if done >= CHUNK as u64 {
                    progress(done);
                    done = 0;
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                }
            }
            progress(done);
            acc
        })
        .reduce_with(Accum::merge)
        .unwrap_or_else(new_acc)
}

/// Replay one subject alone, reporting every score change to `observer`,
/// and return its final score.
///
/// # Reproducibility
///
/// Draws from the same streams as [`run`], so the history and the final
/// score are exactly those of that subject in a full run with the same seed.
pub fn replay<O: Observer>(
    scenario: &Scenario,
    population: &Population,
    seed: u64,
    subject: u64,
    observer: &mut O,
) -> i64 {
    Replayer::new(scenario).replay(population, seed, subject, observer)
}

/// Replays many subjects of one scenario: [`replay`] with the scenario
/// compiled once (a ledger of every subject replays them all).
pub struct Replayer<'a> {
    scenario: &'a Scenario,
    e: Epochs,
}

impl<'a> Replayer<'a> {
    /// Compile `scenario` for replays.
    pub fn new(scenario: &'a Scenario) -> Self {
        Replayer { scenario, e: Epochs::new(scenario) }
    }

    /// Exactly [`replay`].
    pub fn replay<O: Observer>(
        &self,
        population: &Population,
        seed: u64,
        subject: u64,
        observer: &mut O,
    ) -> i64 {
        let group = population.group_of(subject);
        let who = Who { seed, subject, group, inherit: &[] };
        if !self.e.full {
            return self.one::<false, _, _>(who, &mut Random::new(seed, subject), &mut Vec::new(), observer);
        }
        // a household member first replays its head, whose listings it may inherit
        let unit = population.unit_of(subject);
        let mut head = Vec::new();
        if unit.start != subject {
            let h = Who { seed, subject: unit.start, group: population.group_of(unit.start), inherit: &[] };
            self.one::<true, _, _>(h, &mut Random::new(seed, unit.start), &mut head, &mut Ignore);
        }
        let who = Who { inherit: &head, ..who };
        self.one::<true, _, _>(who, &mut Random::new(seed, subject), &mut Vec::new(), observer)
    }

    /// One subject through the loop with nothing recorded (no snapshot rows, no mechanics rows).
    fn one<const FULL: bool, S: Source, O: Observer>(
        &self,
        who: Who<'_>,
        src: &mut S,
        episodes: &mut Vec<Episode>,
        observer: &mut O,
    ) -> i64 {
        let s = self.scenario;
        let mech = if FULL { MechTotals::new(s, 0) } else { MechTotals::default() };
        let mut acc = Accum::scratch(&self.e.first().c, s.groups.len(), mech);
        let mut x = Scratch::default();
        subject::simulate::<FULL, _, _>(&self.e.list, who, src, &mut x, episodes, &mut acc, observer, false)
    }
}

/// Run one subject of group `group` through the full mechanics with only the
/// scripted `events` (sorted by step), as a rule test does: no randomness,
/// no household. Returns the final score; `observer` sees every change,
/// listing, appeal and skipped event.
pub fn script<O: Observer>(
    scenario: &Scenario,
    group: usize,
    events: &[ScriptedEvent],
    observer: &mut O,
) -> i64 {
    let who = Who { seed: 0, subject: 0, group, inherit: &[] };
    Replayer::new(scenario).one::<true, _, _>(who, &mut Script::new(events), &mut Vec::new(), observer)
}

/// Whether `scenario` runs on the full version of the event loop (it declares
/// a list, households, kinds with their own clamp, a perk or restriction for
/// some kinds only, or a rule with a mechanic): its results then carry the
/// mechanics totals.
pub fn full_mechanics(scenario: &Scenario) -> bool {
    scenario.epochs().any(|(_, e)| Mech::needed(e))
}

#[cfg(test)]
mod tests;
