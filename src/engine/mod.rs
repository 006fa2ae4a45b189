//! The engine: every subject through every step, in parallel, with
//! integer accumulators merged exactly.
//!
//! The engine does no I/O and never prints. Subjects are simulated one at a
//! time from start to finish (event to event; see `subject.rs`); chunks of subjects run on
//! rayon's pool; the partial results are integers, so merging them gives
//! the same totals in any order and on any number of threads.

mod compiled;
mod general;
mod mech;
pub mod rng;
mod source;
mod subject;
mod ziggurat;

use rayon::prelude::*;

pub use general::ListReason;
pub use mech::MechTotals;
use source::{Random, Script};
pub use subject::{Cause, Ignore, Observer, Skip};

use crate::population::Population;
use crate::scenario::{Scenario, ScriptedEvent};
use crate::stats::{RuleTotals, RunTotals, SnapshotHistograms};
use compiled::Compiled;
use mech::Mech;
use subject::Scratch;

/// Subjects between two progress reports.
const CHUNK: usize = 2048;

/// Contiguous blocks of subjects per worker thread, each with its own accumulator.
const BLOCKS_PER_THREAD: usize = 4;

/// Bytes the engine keeps per subject: the final score.
pub const BYTES_PER_SUBJECT: u64 = std::mem::size_of::<i64>() as u64;

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
    fn new(c: &Compiled, groups: usize) -> Self {
        Self::with_mech(c, groups, MechTotals::default())
    }

    fn with_mech(c: &Compiled, groups: usize, mech: MechTotals) -> Self {
        Self::with_rows(c, c.snapshot_steps.len(), groups, mech)
    }

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
/// every accumulator is an integer).
pub fn run(
    scenario: &Scenario,
    population: &Population,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> RunOutput {
    let c = Compiled::new(scenario);
    let groups = scenario.groups.len();
    let mut final_scores = vec![0i64; population.len() as usize];
    let general = Mech::needed(scenario);
    let acc = if general {
        run_general(scenario, &c, population, seed, progress, &mut final_scores)
    } else {
        run_fast(&c, groups, population, seed, progress, &mut final_scores)
    };
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
    let mech = general.then(|| {
        let mut m = acc.mech;
        m.cumulate();
        m
    });
    RunOutput {
        totals: RunTotals {
            snapshot_steps: c.snapshot_steps.clone(),
            hist,
            rules,
            points_restored: acc.points_restored,
            points_drifted: acc.points_drifted,
            mech,
        },
        final_scores,
    }
}

/// The general engine over households (or single subjects): blocks of whole
/// units, so a household's members are simulated together, head first.
fn run_general(
    scenario: &Scenario,
    c: &Compiled,
    population: &Population,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
    final_scores: &mut [i64],
) -> Accum {
    let m = Mech::new(scenario);
    let groups = scenario.groups.len();
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
            let mut acc = Accum::with_mech(c, groups, MechTotals::new(scenario, c.snapshot_steps.len()));
            let mut episodes = Vec::new();
            let mut head_episodes = Vec::new();
            let end = first + out.len() as u64;
            let mut subject = first;
            let mut done = 0u64;
            while subject < end {
                let unit = population.unit_of(subject);
                for s in unit.clone() {
                    let group = population.group_of(s);
                    let inherit: &[general::Episode] = if s == unit.start { &[] } else { &head_episodes };
                    episodes.clear();
                    out[(s - first) as usize] = general::simulate(
                        c,
                        &m,
                        &mut Random::new(seed, s),
                        (seed, s),
                        group,
                        inherit,
                        &mut episodes,
                        &mut acc,
                        &mut Ignore,
                        true,
                    );
                    if s == unit.start {
                        std::mem::swap(&mut head_episodes, &mut episodes);
                    }
                }
                done += unit.end - unit.start;
                subject = unit.end;
                if done >= CHUNK as u64 {
                    progress(done);
                    done = 0;
                }
            }
            progress(done);
            acc
        })
        .reduce(
            || Accum::with_mech(c, groups, MechTotals::new(scenario, c.snapshot_steps.len())),
            Accum::merge,
        )
}

/// The fast engine: subjects independent, rates from precomputed tables.
fn run_fast(
    c: &Compiled,
    groups: usize,
    population: &Population,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
    final_scores: &mut [i64],
) -> Accum {
    // A few contiguous blocks per thread, each with one accumulator: enough
    // blocks for work stealing to balance groups with different rates, few
    // enough that allocating and merging partial histograms stays cheap.
    let chunks = final_scores.len().div_ceil(CHUNK).max(1);
    let blocks = (BLOCKS_PER_THREAD * rayon::current_num_threads()).clamp(1, chunks);
    let block_len = chunks.div_ceil(blocks) * CHUNK;
    final_scores
        .par_chunks_mut(block_len)
        .enumerate()
        .map(|(block, out)| {
            let mut acc = Accum::new(c, groups);
            let mut scratch = Scratch::default();
            let first = (block * block_len) as u64;
            for (k, chunk) in out.chunks_mut(CHUNK).enumerate() {
                let chunk_first = first + (k * CHUNK) as u64;
                for (i, slot) in chunk.iter_mut().enumerate() {
                    let subject = chunk_first + i as u64;
                    let group = population.group_of(subject);
                    *slot =
                        subject::simulate(c, seed, subject, group, &mut scratch, &mut acc, &mut Ignore, true);
                }
                progress(chunk.len() as u64);
            }
            acc
        })
        .reduce(|| Accum::new(c, groups), Accum::merge)
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
    c: Compiled,
    m: Option<Mech>,
}

impl<'a> Replayer<'a> {
    /// Compile `scenario` for replays.
    pub fn new(scenario: &'a Scenario) -> Self {
        let m = Mech::needed(scenario).then(|| Mech::new(scenario));
        Replayer { scenario, c: Compiled::new(scenario), m }
    }

    /// Exactly [`replay`].
    pub fn replay<O: Observer>(
        &self,
        population: &Population,
        seed: u64,
        subject: u64,
        observer: &mut O,
    ) -> i64 {
        let (scenario, c) = (self.scenario, &self.c);
        let group = population.group_of(subject);
        // nothing is recorded: no snapshot rows, and no mechanics totals on the fast path
        let mech = if self.m.is_some() { MechTotals::new(scenario, 0) } else { MechTotals::default() };
        let mut acc = Accum::scratch(c, scenario.groups.len(), mech);
        let Some(m) = &self.m else {
            return subject::simulate(
                c,
                seed,
                subject,
                group,
                &mut Scratch::default(),
                &mut acc,
                observer,
                false,
            );
        };
        // the general path; a household member first replays its head, whose listings it may inherit
        let unit = population.unit_of(subject);
        let mut head = Vec::new();
        if unit.start != subject {
            let g = population.group_of(unit.start);
            let mut src = Random::new(seed, unit.start);
            general::simulate(
                c,
                m,
                &mut src,
                (seed, unit.start),
                g,
                &[],
                &mut head,
                &mut acc,
                &mut Ignore,
                false,
            );
        }
        let mut src = Random::new(seed, subject);
        general::simulate(
            c,
            m,
            &mut src,
            (seed, subject),
            group,
            &head,
            &mut Vec::new(),
            &mut acc,
            observer,
            false,
        )
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
    let c = Compiled::new(scenario);
    let m = Mech::new(scenario);
    let mut acc = Accum::scratch(&c, scenario.groups.len(), MechTotals::new(scenario, 0));
    let mut src = Script::new(events);
    general::simulate(&c, &m, &mut src, (0, 0), group, &[], &mut Vec::new(), &mut acc, observer, false)
}

/// Estimated peak memory of a run in bytes on `threads` threads: the
/// per-subject state plus the partial histograms (a few per thread).
///
/// The histograms span the scores subjects can reach: the clamp range when
/// there is one, otherwise a generous bound on how far scores can move (every
/// rule firing well above its expected count, at its highest multiplier), so
/// a scenario whose scores could spread over billions of points is refused
/// up front instead of exhausting memory mid-run.
pub fn estimate_memory(scenario: &Scenario, threads: usize) -> u64 {
    let c = Compiled::new(scenario);
    let width = score_span(&c, scenario.groups.len());
    let hist = (c.snapshot_steps.len() as u64)
        .saturating_mul(scenario.groups.len() as u64)
        .saturating_mul(width)
        .saturating_mul(4);
    let partials = (BLOCKS_PER_THREAD * threads.max(1)) as u64 + 1;
    scenario.population.saturating_mul(BYTES_PER_SUBJECT).saturating_add(hist.saturating_mul(partials))
}

/// An upper bound on the number of distinct scores a run can produce.
fn score_span(c: &Compiled, groups: usize) -> u64 {
    let clamp = if c.min != i64::MIN && c.max != i64::MAX {
        Some(c.max.abs_diff(c.min).saturating_add(1))
    } else {
        None
    };
    let (lo, hi) = initial_window(c);
    let mut spread = hi.abs_diff(lo).saturating_add(1);
    for r in 0..c.n_rules {
        let mean = top_rate(c, groups, r) * f64::from(c.steps);
        if mean <= 0.0 {
            continue; // a rule that never fires moves nobody
        }
        // far above any realistic count: mean + 8 sd + 20
        let events = mean + 8.0 * mean.sqrt() + 20.0;
        let points = c.points[r].unsigned_abs() as f64;
        // a restoration can give back as much as the negative rules took
        let times = if c.points[r] < 0 && c.restore_after.is_some() { 2.0 } else { 1.0 };
        spread = spread.saturating_add((times * points * events).min(u64::MAX as f64 / 4.0) as u64);
    }
    clamp.map_or(spread, |w| w.min(spread))
}

/// The highest per-step rate of rule `r` in any group and tier.
fn top_rate(c: &Compiled, groups: usize, r: usize) -> f64 {
    (0..groups * c.n_tiers).map(|t| c.rate[t * c.n_rules + r]).fold(0.0, f64::max)
}

/// The expected number of events of one subject at worst: the highest total
/// rate of any group and tier for the whole run.
pub fn max_events_per_subject(scenario: &Scenario) -> f64 {
    let c = Compiled::new(scenario);
    c.totals.iter().copied().fold(0.0, f64::max) * f64::from(c.steps)
}

/// The expected number of events of a run, at worst: every subject at its
/// group's highest total rate (over tiers) for the whole run. Infinite when
/// rates multiply beyond `f64`.
pub fn expected_events(scenario: &Scenario, population: &Population) -> f64 {
    let c = Compiled::new(scenario);
    population
        .sizes
        .iter()
        .enumerate()
        .map(|(g, &size)| {
            let top = (0..c.n_tiers).map(|k| c.total(g, k)).fold(0.0, f64::max);
            size as f64 * top * f64::from(c.steps)
        })
        .sum()
}
