//! Whether a run can go ahead: the one place that holds the population and
//! step limits, the expected number of events and the memory estimate, for
//! every command (run, compare, sweep, trace), as diagnostics.
//!
//! A command describes what it is about to do in a [`Job`] (the scenario,
//! its threads, how many runs it holds in memory at once, a ledger, traces);
//! [`estimate`] turns that into bytes and events, and [`check`] compares them
//! with the limits and the memory available, returning every problem at once
//! with a hint, positioned at `population.size` when the file set it.

use std::num::NonZeroUsize;
use std::ops::Range;

use crate::engine::Compiled;
use crate::scenario::{Diagnostic, Entry, Scenario};
pub use crate::scenario::{MAX_POPULATION, MAX_STEPS};

/// The most events a run may be expected to simulate (about an hour at
/// 10^8 events per second would be 3.6 × 10^11; this allows a little more).
pub const MAX_EVENTS: f64 = 1e12;

/// The most events one subject may be expected to have in a trace, which prints every one.
pub const MAX_TRACE_EVENTS: f64 = 1e8;

/// A run may use at most this share of the memory available (in tenths).
const MEMORY_TENTHS: u64 = 9;

/// Memory a process has before it simulates anything: the binary, the
/// allocator's arenas, thread stacks (measured: 7.3 MiB for a release build
/// on Linux x86-64, running 10 subjects).
pub const BASE_BYTES: u64 = 8 << 20;

/// What a command is about to do.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    /// The scenario, with every override applied.
    pub scenario: &'a Scenario,
    /// Worker threads.
    pub threads: usize,
    /// Runs of the scenario held in memory at once (compare's replicates side
    /// by side hold two runs each; a sweep runs up to one per thread).
    pub concurrent_runs: usize,
    /// The share of subjects whose every change goes into a ledger, if one is built.
    pub ledger_share: Option<f64>,
    /// Whether the population comes from a command-line flag (the diagnostics
    /// then point at no line of the file).
    pub population_from_flag: bool,
}

impl<'a> Job<'a> {
    /// One run of `scenario` on `threads` threads, nothing else.
    pub fn run(scenario: &'a Scenario, threads: usize) -> Self {
        Job { scenario, threads, concurrent_runs: 1, ledger_share: None, population_from_flag: false }
    }
}

/// What a job needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Peak memory in bytes, all concurrent runs together.
    pub bytes: u64,
    /// Of which one run.
    pub bytes_per_run: u64,
    /// Expected events of one run, at worst (every subject at its group's
    /// highest total rate for the whole run); infinite when rates overflow.
    pub events: f64,
    /// Expected events of one subject, at worst.
    pub events_per_subject: f64,
    /// Expected ledger rows, when a ledger is built.
    pub ledger_rows: f64,
}

/// Memory the ledger takes per row while it is built (the columns are
/// built in memory, then encoded): measured at about 1 KB (300 MB for
/// 305,000 rows of `scenarios/rongcheng.toml`), rounded up.
pub const LEDGER_BYTES_PER_ROW: f64 = 1200.0;

/// The ledger refuses runs that would give more rows than this; `--trace-sample` keeps it smaller.
pub const MAX_LEDGER_ROWS: f64 = 20e6;

/// What `job` needs: memory and events.
///
/// The memory counts, per run: the final scores and household units (8
/// bytes a subject each); the snapshot histograms of the partial
/// accumulators alive at once (one a thread) and of the result,
/// over the scores subjects are likely to reach (the start ± 6 standard
/// deviations of the points a subject can collect, plus its mean drift,
/// within the clamp); the mechanics totals (per snapshot, group and list,
/// perk or restriction; per list and step) and the lists held at the end;
/// the summary and the text of the output files. A ledger adds about 1 KiB
/// a row.
pub fn estimate(job: &Job) -> Estimate {
    let s = job.scenario;
    let c = Compiled::new(s);
    let n = s.population;
    let groups = s.groups.len() as u64;
    let rows = c.snapshot_steps.len() as u64;
    let threads = job.threads.max(1) as u64;
    let lists = s.lists.len() as u64;
    let full = crate::engine::full_mechanics(s);

    let mut per_subject = 8; // final score
    if let Some(h) = &s.households {
        // one unit start per household: subjects / mean size at most
        let mean: f64 = h.sizes.iter().enumerate().map(|(k, share)| (k + 1) as f64 * share).sum();
        per_subject += (8.0 / mean.max(1.0)).ceil() as u64;
    }
    let subjects = n.saturating_mul(per_subject);

    let width = likely_width(&c, s);
    let hist = rows.saturating_mul(groups).saturating_mul(width).saturating_mul(4);
    let mech = if full {
        let per_row = groups * (lists + s.perks.len() as u64 + s.restrictions.len() as u64) * 8;
        rows.saturating_mul(per_row).saturating_add((lists + 1) * (u64::from(s.steps) + 1) * 8)
    } else {
        0
    };
    // partial accumulators alive at once: one filling per thread, and the one
    // they are merged into (measured); runs that share the threads have about
    // one worker each
    let accumulators = if job.concurrent_runs > 1 { 2 } else { threads + 1 };
    let engine = (hist + mech).saturating_mul(accumulators);
    // the subjects on a list at the end (subject and mask), twice while partial lists are merged
    let listed =
        if full && lists > 0 { n.saturating_mul(32).saturating_mul(listed_share(s)) / 1000 } else { 0 };
    // the summary's slices and the output files' text: per snapshot and group
    // (and everyone), a dozen numbers per tier, perk, restriction and list
    let columns = 24 + s.tiers.len() as u64 + s.perks.len() as u64 + s.restrictions.len() as u64 + 2 * lists;
    let outputs = rows.saturating_mul(groups + 1).saturating_mul(columns).saturating_mul(40);
    let events_per_subject = c.totals.iter().copied().fold(0.0, f64::max) * f64::from(c.steps);
    let events = expected_events(&c, s);
    let ledger_rows = job.ledger_share.map_or(0.0, |share| events * share.clamp(0.0, 1.0));
    let ledger = (ledger_rows * LEDGER_BYTES_PER_ROW).min(u64::MAX as f64 / 4.0) as u64;
    let bytes_per_run = subjects.saturating_add(engine).saturating_add(listed).saturating_add(outputs);
    let bytes = bytes_per_run
        .saturating_mul(job.concurrent_runs.max(1) as u64)
        .saturating_add(ledger)
        .saturating_add(BASE_BYTES);
    Estimate { bytes, bytes_per_run, events, events_per_subject, ledger_rows }
}

/// The expected share (in thousandths) of subjects on some list at the end,
/// at most one: for a list entered on a rule's events, those with an event
/// of it in the list's last `duration` steps (at the rule's rate averaged
/// over groups, at its highest tier multiplier); for a score threshold, everyone.
fn listed_share(s: &Scenario) -> u64 {
    let sizes = crate::population::group_sizes(s);
    let n = s.population.max(1) as f64;
    let mut share = 0.0f64;
    for l in &s.lists {
        let steps = l.duration.map_or(s.steps, |d| d.min(s.steps));
        let years = f64::from(steps) * s.step.years();
        share += match l.entry {
            Entry::Rule { rule, .. } => {
                let r = &s.rules[rule];
                let tier = r.rate_by_tier.iter().copied().fold(0.0, f64::max);
                let groups =
                    s.groups.iter().zip(&sizes).filter(|(g, _)| r.more.applies(g.kind) && l.applies(g.kind));
                groups
                    .map(|(g, &size)| {
                        size as f64 / n * (1.0 - (-r.rate * g.rate_multiplier[rule] * tier * years).exp())
                    })
                    .sum()
            }
            Entry::Below(_) | Entry::AtLeast(_) => 1.0,
        };
    }
    (share.min(1.0) * 1000.0).ceil() as u64
}

/// The number of distinct scores the histogram window is likely to span.
fn likely_width(c: &Compiled, s: &Scenario) -> u64 {
    const HALF: f64 = 256.0;
    let steps = f64::from(c.steps);
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (g, group) in s.groups.iter().enumerate() {
        // the drift and spread of the points a subject collects, at the highest rate over tiers
        let (mut mean, mut var) = (0.0f64, 0.0f64);
        for r in 0..c.n_rules {
            let rate = (0..c.n_tiers).map(|k| c.rate[c.table(g, k) + r]).fold(0.0, f64::max) * steps;
            let cap = f64::from(c.cap[r]) * (steps / f64::from(c.steps_per_year)).ceil();
            let events = rate.min(cap);
            let p = c.points[r] as f64;
            mean += events * p;
            var += events * p * p;
        }
        let sd = var.sqrt();
        let start = group.start as f64;
        lo = lo.min(start + mean.min(0.0) - 6.0 * sd - HALF);
        hi = hi.max(start + mean.max(0.0) + 6.0 * sd + HALF);
        if c.restore_after.is_some() || c.drift.is_some() {
            hi = hi.max(start + HALF);
        }
    }
    let lo = lo.max(c.min as f64);
    let hi = hi.min(c.max as f64);
    // the window grows by half again when it is too narrow
    let width = ((hi - lo).max(0.0) + 1.0) * 1.5;
    width.min(u64::MAX as f64 / 8.0) as u64
}

/// The expected number of events of a run, at worst: every subject at its
/// group's highest total rate (over tiers) for the whole run.
fn expected_events(c: &Compiled, s: &Scenario) -> f64 {
    let sizes = crate::population::group_sizes(s);
    sizes
        .iter()
        .enumerate()
        .map(|(g, &size)| {
            let top = (0..c.n_tiers).map(|k| c.total(g, k)).fold(0.0, f64::max);
            size as f64 * top * f64::from(c.steps)
        })
        .sum()
}

/// Memory available to a new process in bytes (`MemAvailable` on Linux),
/// or `None` where it cannot be read.
pub fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Worker threads a command uses: `jobs` (`-j N`) when given, else
/// `SLURM_CPUS_PER_TASK` when it holds a whole number above 0 (the CPUs a
/// Slurm job was given), else every core.
pub fn threads(jobs: Option<NonZeroUsize>) -> usize {
    if let Some(j) = jobs {
        return j.get();
    }
    if let Some(n) = std::env::var("SLURM_CPUS_PER_TASK").ok().and_then(|v| v.trim().parse::<usize>().ok())
        && n > 0
    {
        return n;
    }
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Peak resident memory of this process so far in bytes (`VmHWM` on Linux),
/// or `None` where it cannot be read.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// How much memory a command may plan for: 90% of what is available.
pub fn memory_allowance(available: u64) -> u64 {
    available / 10 * MEMORY_TENTHS
}

fn gib(b: u64) -> String {
    format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64)
}

/// Every reason `job` cannot go ahead with `available` bytes of memory (no
/// memory check when `None`), as positioned diagnostics: `size_span` is
/// where the file sets `population.size`, if it does.
///
/// Checked: the population and the steps are within their limits, the
/// expected events at most [`MAX_EVENTS`] (when `tracing`, only the events
/// per subject instead, at most [`MAX_TRACE_EVENTS`]), the ledger at most
/// [`MAX_LEDGER_ROWS`] rows, and the whole estimate within 90% of the memory
/// available. Each problem says how to get under the limit.
pub fn check(
    job: &Job,
    size_span: Option<Range<usize>>,
    available: Option<u64>,
    tracing: bool,
) -> Vec<Diagnostic> {
    let s = job.scenario;
    let mut diags = Vec::new();
    let at = |d: Diagnostic, label: &str| match (&size_span, job.population_from_flag) {
        (Some(span), false) => d.with_span(span.clone()).with_label(label.to_owned()),
        _ => d,
    };
    if s.population == 0 || s.population > MAX_POPULATION {
        let d = Diagnostic::error(format!("a population of {} is more than pointsim supports", s.population))
            .with_hint(format!("use 1 to {MAX_POPULATION} subjects"));
        diags.push(at(d, "too large"));
        return diags; // the other estimates would only repeat it
    }
    if s.steps == 0 || s.steps > MAX_STEPS {
        diags.push(
            Diagnostic::error(format!("{} steps are more than pointsim supports", s.steps))
                .with_hint(format!("use 1 to {MAX_STEPS} steps")),
        );
        return diags;
    }
    let e = estimate(job);
    // a trace replays its subjects only: the whole run's events do not matter
    let runnable = e.events.is_finite() && e.events <= MAX_EVENTS;
    if !tracing && !runnable {
        let d = Diagnostic::error(format!(
            "this run would simulate about {:.1e} events, more than pointsim takes on ({MAX_EVENTS:.0e})",
            e.events
        ))
        .with_hint("lower the rates and multipliers, `population.size` or `scenario.steps`");
        diags.push(at(d, "this many subjects"));
    }
    if tracing && !(e.events_per_subject.is_finite() && e.events_per_subject <= MAX_TRACE_EVENTS) {
        diags.push(
            Diagnostic::error(format!(
                "a subject could have about {:.1e} events in this scenario, too many to trace",
                e.events_per_subject
            ))
            .with_hint("lower the rates and multipliers, or trace fewer steps with `--steps N`"),
        );
    }
    if job.ledger_share.is_some() && e.ledger_rows > MAX_LEDGER_ROWS {
        diags.push(
            Diagnostic::error(format!(
                "the ledger would hold about {:.1e} rows, more than pointsim writes ({MAX_LEDGER_ROWS:.0e})",
                e.ledger_rows
            ))
            .with_hint("write a sample of subjects with `--trace-sample K`, e.g. `--trace-sample 10000`"),
        );
    }
    if let Some(avail) = available
        && e.bytes > memory_allowance(avail)
    {
        let runs = if job.concurrent_runs > 1 {
            format!(" ({} runs at once, about {} each)", job.concurrent_runs, gib(e.bytes_per_run))
        } else {
            String::new()
        };
        let ledger =
            if job.ledger_share.is_some() { ", a sample for the ledger (`--trace-sample K`)" } else { "" };
        let d = Diagnostic::error(format!(
            "this needs about {}{runs} of memory, but only {} are available",
            gib(e.bytes),
            gib(avail)
        ))
        .with_hint(format!(
            "use fewer threads (`-j`){ledger}, a smaller population (`--population N`), fewer snapshots \
             (`report.snapshot_every`), or bound the scores with `score.min` and `score.max`; \
             `--ignore-memory` runs anyway"
        ));
        diags.push(at(d, "this many subjects"));
    }
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy(population: u64) -> Scenario {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/teaching_toy.toml"))
                .unwrap();
        let mut s = crate::scenario::parse(&text, "toy.toml").unwrap().scenario;
        s.population = population;
        s
    }

    /// Runs held at once add up: four concurrent runs need four runs' memory,
    /// and a budget that holds one but not four refuses with both figures.
    #[test]
    fn concurrent_runs_add_up_and_are_refused_together() {
        let s = toy(5_000_000);
        let one = estimate(&Job::run(&s, 2));
        let four = estimate(&Job { concurrent_runs: 4, ..Job::run(&s, 2) });
        assert_eq!(four.bytes - BASE_BYTES, 4 * four.bytes_per_run);
        assert!(four.bytes > 3 * (one.bytes - BASE_BYTES), "{four:?} vs {one:?}");
        // enough for one run (90% rule), not for four
        let available = (one.bytes + one.bytes / 2) / 9 * 10;
        assert!(check(&Job::run(&s, 2), None, Some(available), false).is_empty());
        let refused =
            check(&Job { concurrent_runs: 4, ..Job::run(&s, 2) }, Some(3..7), Some(available), false);
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert!(refused[0].message.contains("4 runs at once"), "{}", refused[0].message);
        assert_eq!(refused[0].span, Some(3..7), "positioned at population.size");
        let hint = refused[0].hint.as_deref().unwrap_or("");
        assert!(hint.contains("-j") && hint.contains("--ignore-memory"), "{hint}");
        // without a memory figure nothing is refused for memory
        assert!(check(&Job { concurrent_runs: 4, ..Job::run(&s, 2) }, None, None, false).is_empty());
    }

    /// A ledger counts against the same budget, and its row limit holds.
    #[test]
    fn a_ledger_is_part_of_the_budget() {
        let s = toy(2_000);
        let plain = estimate(&Job::run(&s, 1));
        let ledger = estimate(&Job { ledger_share: Some(1.0), ..Job::run(&s, 1) });
        assert!(ledger.ledger_rows > 0.0);
        assert_eq!(ledger.bytes, plain.bytes + (ledger.ledger_rows * LEDGER_BYTES_PER_ROW) as u64);
        let huge = toy(100_000_000);
        let d = check(&Job { ledger_share: Some(1.0), ..Job::run(&huge, 1) }, None, None, false);
        assert!(d.iter().any(|d| d.message.contains("the ledger would hold")), "{d:?}");
    }

    /// The population limit is checked first, and a flag's population points at no line.
    #[test]
    fn limits_come_first_and_flags_are_not_positioned() {
        let s = toy(MAX_POPULATION + 1);
        let d = check(&Job { population_from_flag: true, ..Job::run(&s, 1) }, Some(1..2), None, false);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("more than pointsim supports") && d[0].span.is_none(), "{d:?}");
    }

    /// A trace is judged on one subject's events, not the whole run's.
    #[test]
    fn a_trace_is_judged_on_one_subject() {
        let mut s = toy(MAX_POPULATION);
        s.rules[0].rate = 2e4; // 2e4 a year × 1e9 subjects: far beyond MAX_EVENTS for a run
        assert!(!check(&Job::run(&s, 1), None, None, false).is_empty());
        assert!(check(&Job::run(&s, 1), None, None, true).is_empty());
        s.rules[0].rate = 1e9;
        let d = check(&Job::run(&s, 1), None, None, true);
        assert!(d.iter().any(|d| d.message.contains("too many to trace")), "{d:?}");
    }
}
