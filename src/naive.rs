//! The naive reference implementation: every subject, every step, every rule.
//!
//! This is the oracle the engine is tested against and the baseline its
//! speed is measured against. It follows the scenario format literally and
//! shares nothing with the engine's algorithm:
//!
//! 1. for each step, each rule draws its number of events in the step as
//!    Poisson(rate × group multiplier × tier multiplier × step length) by
//!    inversion from one uniform, with the tier at the end of the previous
//!    step;
//! 2. the step's events are put in a uniformly random order (given the
//!    counts, that is the order of a Poisson process), then applied one by
//!    one: an event of a rule that already reached `max_per_year` this
//!    scenario year is dropped, the score is clamped after each event;
//! 3. at the end of the step, restoration (when `restore_after` whole steps
//!    have passed with no negative record, every point lost since the last
//!    restoration comes back), then drift toward the start score;
//! 4. the tier is re-evaluated, and at a snapshot step the score is counted.
//!
//! Draws come from [`Stream`] keyed by a salted seed, so they are independent
//! of the engine's draws: the two agree in distribution, not in values.

use rayon::prelude::*;

use crate::engine::RunOutput;
use crate::engine::rng::{Purpose, Stream, mix64};
use crate::population::Population;
use crate::scenario::Scenario;
use crate::stats::{RuleTotals, RunTotals, SnapshotHistograms};

/// Mixed into the seed so the naive draws are independent of the engine's.
const SALT: u64 = 0x6e61_6976_655f_7265; // "naive_re"

/// Subjects per parallel work item.
const CHUNK: usize = 1024;

/// Per-worker partial results (all integers, so merging is exact).
struct Acc {
    hist: SnapshotHistograms,
    rules: Vec<RuleTotals>,
    restored: i64,
    drifted: i64,
}

impl Acc {
    fn new(s: &Scenario, rows: usize) -> Self {
        let (lo, hi) = match (s.score.min, s.score.max) {
            (Some(lo), Some(hi)) if hi - lo <= 4096 => (lo, hi),
            _ => (s.score.start.saturating_sub(256), s.score.start.saturating_add(256)),
        };
        Acc {
            hist: SnapshotHistograms::new(rows, s.groups.len(), lo, hi),
            rules: vec![RuleTotals::default(); s.rules.len()],
            restored: 0,
            drifted: 0,
        }
    }

    fn merge(mut self, other: Acc) -> Acc {
        self.hist.merge(&other.hist);
        for (a, b) in self.rules.iter_mut().zip(other.rules) {
            a.events += b.events;
            a.points_applied += b.points_applied;
            a.points_clamped += b.points_clamped;
        }
        self.restored += other.restored;
        self.drifted += other.drifted;
        self
    }
}

/// Steps completed at each snapshot row: every `snapshot_every` steps, plus the last.
fn snapshot_steps(s: &Scenario) -> Vec<u32> {
    let every = s.report.snapshot_every.max(1);
    let mut steps: Vec<u32> = (0..=s.steps).step_by(every as usize).collect();
    if !s.steps.is_multiple_of(every) {
        steps.push(s.steps);
    }
    steps
}

/// Run every subject of `scenario` the naive way and return the same
/// output as [`crate::engine::run`] (histograms hold full counts per row).
///
/// # Reproducibility
///
/// A pure function of the scenario and the seed, on any number of threads
/// (draws are keyed by seed and subject; accumulators are integers). The
/// draws differ from the engine's by design.
pub fn run(scenario: &Scenario, population: &Population, seed: u64) -> RunOutput {
    let snaps = snapshot_steps(scenario);
    let mut final_scores = vec![0i64; population.len() as usize];
    let acc = final_scores
        .par_chunks_mut(CHUNK)
        .enumerate()
        .fold(
            || Acc::new(scenario, snaps.len()),
            |mut acc, (chunk, out)| {
                let mut order = Vec::new();
                for (i, slot) in out.iter_mut().enumerate() {
                    let subject = (chunk * CHUNK + i) as u64;
                    let group = population.group_of(subject);
                    *slot = simulate(scenario, seed, subject, group, &snaps, &mut acc, &mut order);
                }
                acc
            },
        )
        .reduce(|| Acc::new(scenario, snaps.len()), Acc::merge);
    RunOutput {
        totals: RunTotals {
            snapshot_steps: snaps,
            hist: acc.hist,
            rules: acc.rules,
            points_restored: acc.restored,
            points_drifted: acc.drifted,
            mech: None,
        },
        final_scores,
    }
}

/// Poisson(`mean`) by inversion of its CDF at one uniform.
fn poisson(rng: &mut Stream, mean: f64) -> usize {
    let u = rng.uniform();
    let (mut k, mut p) = (0, (-mean).exp());
    let mut cdf = p;
    while u >= cdf && p > 0.0 {
        k += 1;
        p *= mean / k as f64;
        cdf += p;
    }
    k
}

/// One subject from step 0 to the end; returns its final score.
fn simulate(
    s: &Scenario,
    seed: u64,
    subject: u64,
    group: usize,
    snaps: &[u32],
    acc: &mut Acc,
    order: &mut Vec<usize>,
) -> i64 {
    let mut rng = Stream::new(mix64(seed ^ SALT), subject, Purpose::Events);
    let multiplier = &s.groups[group].rate_multiplier;
    let per_year = s.step.steps_per_year();
    let mut score = s.groups[group].start;
    let mut tier;
    let mut counts = vec![0u32; s.rules.len()]; // events per rule this scenario year
    let mut lost = 0i64; // points lost since the last restoration
    let mut last_negative = 0u32; // step of the last negative record
    let mut row = 1; // next snapshot row
    acc.hist.add(0, group, score, 1);
    for step in 0..s.steps {
        // the rules in force during this step (dated changes apply at its start)
        let now = s.in_force(step);
        tier = now.tier_of(score);
        if step % per_year == 0 {
            counts.fill(0);
        }
        order.clear();
        for (r, rule) in now.rules.iter().enumerate().filter(|(_, rule)| rule.enabled) {
            let mean = rule.rate * multiplier[r] * rule.rate_by_tier[tier] * s.step.years();
            order.extend(std::iter::repeat_n(r, poisson(&mut rng, mean)));
        }
        for i in (1..order.len()).rev() {
            // Fisher-Yates
            let j = (rng.uniform() * (i + 1) as f64) as usize;
            order.swap(i, j.min(i));
        }
        for &r in order.iter() {
            let rule = &now.rules[r];
            if rule.max_per_year.is_some_and(|cap| counts[r] >= cap) {
                continue;
            }
            counts[r] += 1;
            let before = score;
            let wanted = before.saturating_add(rule.points);
            score = s.score.clamp(wanted);
            let t = &mut acc.rules[r];
            t.events += 1;
            t.points_applied += score - before;
            t.points_clamped += wanted.abs_diff(score);
            if rule.points < 0 {
                lost += before - score;
                last_negative = step;
            }
        }
        if let Some(after) = now.recovery.restore_after
            && lost > 0
            && step == last_negative + after
        {
            let before = score;
            score = s.score.clamp(score.saturating_add(lost));
            acc.restored += score - before;
            lost = 0;
        }
        if let Some(d) = now.recovery.drift {
            let before = score;
            let start = s.groups[group].start;
            score = if score < start { (score + d).min(start) } else { (score - d).max(start) };
            acc.drifted += score - before;
        }
        if snaps[row] == step + 1 {
            acc.hist.add(row, group, score, 1);
            row += 1;
        }
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::StepUnit;

    /// Poisson inversion: the mean of 10^5 draws of Poisson(2.5) within 5
    /// standard errors (SE of the mean sqrt(2.5/n) = 0.005); the oracle tests
    /// check the whole distribution against the engine.
    #[test]
    fn poisson_inversion_has_the_right_mean() {
        let mut rng = Stream::new(1, 2, Purpose::Events);
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|_| poisson(&mut rng, 2.5) as f64).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        assert!((m - 2.5).abs() < 5.0 * (2.5f64 / n as f64).sqrt(), "mean {m}");
        assert_eq!(poisson(&mut rng, 0.0), 0);
    }

    /// Histogram rows hold every subject; identical on 1 and 2 threads.
    #[test]
    fn counts_every_subject_and_is_deterministic() {
        let s = crate::workload::reference(300, 6, StepUnit::Month, 14);
        let pop = Population::new(&s);
        let on = |threads| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| run(&s, &pop, 5))
        };
        let (a, b) = (on(1), on(2));
        assert_eq!(a.final_scores, b.final_scores);
        assert_eq!(a.totals.hist, b.totals.hist);
        for row in 0..a.totals.hist.rows() {
            let n: i32 = (0..3).flat_map(|g| a.totals.hist.counts(row, g).to_vec()).sum();
            assert_eq!(n, 300, "row {row}");
        }
    }
}
