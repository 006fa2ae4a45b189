//! pointsim: a simulator of municipal points-scoring ("social credit") systems.
//!
//! A scenario file describes a scoring system (rules that add or remove
//! points, tiers, perks, restrictions, recovery); pointsim runs a synthetic
//! population through it and reports who ends up where. The pipeline runs
//! one way:
//!
//! ```text
//! scenario.toml ─▶ scenario::load ─▶ Scenario ─▶ Population ─▶ engine::run ─▶ stats::summarise ─▶ output
//! ```
//!
//! The modules are layers, data flowing left to right: [`scenario`] →
//! [`population`] → [`engine`] → [`stats`] and [`results`] (pure result
//! types and tables) → [`output`] (bytes of files), [`plot`] (charts) and
//! [`trace`] (one subject; the ledger's rows) → [`batch`] (many runs:
//! comparisons, sweeps, shards). Imports point one way: the engine fills
//! the accumulators of `stats`, which never imports the engine; `output`
//! and `plot` read `results` and never import `batch`.
//!
//! # Example
//!
//! ```
//! let text = r#"
//! [scenario]
//! name = "two rules"
//! steps = 12
//! step = "month"
//! [score]
//! start = 100
//! [[tier]]
//! name = "good"
//! min = 100
//! [[tier]]
//! name = "poor"
//! min = 0
//! [population]
//! size = 1000
//! [[rule]]
//! id = "volunteer"
//! points = 5
//! rate = 1.0
//! [[rule]]
//! id = "late_fee"
//! points = -10
//! rate = 0.5
//! "#;
//! let loaded = pointsim::scenario::parse(text, "example.toml").expect("valid scenario");
//! let run = pointsim::simulate(&loaded.scenario, 42, &|_| {});
//! let last = run.summary.final_snapshot();
//! assert_eq!(last.overall.n, 1000);
//! // the same seed gives the same result
//! assert_eq!(run.output.final_scores, pointsim::simulate(&loaded.scenario, 42, &|_| {}).output.final_scores);
//! ```
#![deny(missing_docs)]

pub mod batch;
pub mod budget;
pub mod engine;
#[doc(hidden)]
pub mod naive;
pub mod output;
pub mod plot;
pub mod population;
pub mod results;
pub mod ruletest;
pub mod scenario;
pub mod stats;
pub mod trace;
#[doc(hidden)]
pub mod workload;

use population::Population;
use scenario::Scenario;

/// A finished simulation: the population, the engine's output and the summary.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// Group sizes and subject ranges.
    pub population: Population,
    /// Raw engine output (final scores, merged histograms, rule totals).
    pub output: engine::RunOutput,
    /// Everything the outputs report.
    pub summary: stats::Summary,
}

/// Run `scenario` with `seed` on the current rayon pool and summarise it.
///
/// `progress` receives the number of subjects finished, in chunks.
///
/// # Reproducibility
///
/// A pure function of the scenario, the seed and the pointsim version,
/// whatever the number of threads (see [`engine::run`]).
pub fn simulate(scenario: &Scenario, seed: u64, progress: &(dyn Fn(u64) + Sync)) -> Simulation {
    let population = Population::new(scenario);
    let output = engine::run(scenario, &population, seed, progress);
    let summary = stats::summarise(scenario, &population.sizes, &output.totals);
    Simulation { population, output, summary }
}

/// [`simulate`] that gives up, returning `None`, once `stop` is set (see
/// [`engine::run_until`]); unstopped, it returns exactly what [`simulate`] does.
pub fn simulate_until(
    scenario: &Scenario,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
    stop: &std::sync::atomic::AtomicBool,
) -> Option<Simulation> {
    let population = Population::new(scenario);
    let output = engine::run_until(scenario, &population, seed, progress, stop)?;
    let summary = stats::summarise(scenario, &population.sizes, &output.totals);
    Some(Simulation { population, output, summary })
}

/// Values given on the command line that replace the file's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Overrides {
    /// Replaces `scenario.seed`.
    pub seed: Option<u64>,
    /// Replaces `population.size`.
    pub population: Option<u64>,
    /// Replaces `scenario.steps`.
    pub steps: Option<u32>,
}

pub use budget::{MAX_EVENTS, MAX_POPULATION, available_memory};

/// Apply command-line overrides to a validated scenario, checking them.
///
/// # Errors
///
/// A message for each override out of range.
pub fn apply_overrides(scenario: &mut Scenario, o: &Overrides) -> Result<(), Vec<String>> {
    let mut errors = vec![];
    if let Some(seed) = o.seed {
        scenario.seed = seed;
    }
    if let Some(n) = o.population {
        if n == 0 || n > MAX_POPULATION {
            errors.push(format!("`--population {n}` is out of range: use 1 to {MAX_POPULATION}"));
        } else {
            scenario.population = n;
        }
    }
    if let Some(steps) = o.steps {
        if steps == 0 || steps > scenario::MAX_STEPS {
            errors.push(format!("`--steps {steps}` is out of range: use 1 to {}", scenario::MAX_STEPS));
        } else if let Some(c) = scenario.changes.iter().find(|c| c.at >= steps) {
            errors.push(format!(
                "`--steps {steps}` ends the run before change `{}` at step {}: use more than {} steps",
                c.label, c.at, c.at
            ));
        } else {
            scenario.steps = steps;
        }
    }
    // the scenario in force after each dated change runs the same population for as long
    let (seed, population, steps) = (scenario.seed, scenario.population, scenario.steps);
    for c in &mut scenario.changes {
        (c.rules.seed, c.rules.population, c.rules.steps) = (seed, population, steps);
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}
