//! `pointsim trace`: the audit trail of chosen subjects, replayed from the seed.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use pointsim::population::Population;
use pointsim::scenario::{self, Loaded};

use super::{Failure, term};

/// Print every score change of chosen subjects, in plain language or JSON.
///
/// Each subject is replayed alone from the seed, without running the rest of
/// the population, and its history is exactly the one it has in `pointsim
/// run` with the same scenario, seed and population size.
///
/// Text lines are dated in the scenario's step unit, counted from 1: `month 7`
/// means during the 7th month (step index 6). Restorations and drift happen at
/// the end of their step. Tiers, perks and restrictions are evaluated at step
/// ends, so their changes are shown, indented, after the last change of the
/// step at whose end they happen. `Nth in this scenario year` counts the
/// subject's events of that rule since the start of the current scenario year
/// (12 months, 52 weeks or 365 days from the start), as the yearly cap does.
/// An event that the clamp absorbs entirely is listed with `score stays`.
///
/// JSON (`--format json`) gives 0-based `step` indices and exact `time` in
/// steps since the start.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim trace scenarios/rongcheng.toml --subject 22526\n  \
    pointsim trace scenarios/rongcheng.toml --subject 22526 --subject 99000 --seed 7 --format json")]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Subject number to trace, from 0 to the population size - 1 (repeat for several).
    #[arg(long = "subject", value_name = "ID", required = true)]
    subjects: Vec<u64>,
    #[command(flatten)]
    overrides: super::overrides::OverrideArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How to print traces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Plain language, one line per score change.
    Text,
    /// One JSON document for scripts.
    Json,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let loaded = scenario::load(&args.scenario).map_err(|e| super::check::bad_input(&e))?;
    if !loaded.warnings.items().is_empty() {
        term::eprint(&loaded.warnings.render(term::color()));
    }
    let Loaded { mut scenario, .. } = loaded;
    let overrides = args.overrides.overrides();
    pointsim::apply_overrides(&mut scenario, &overrides)
        .map_err(|errs| Failure::BadInput(errs.iter().map(|e| format!("error: {e}\n")).collect()))?;

    let population = Population::new(&scenario);
    let n = population.len();
    let errors: String = args
        .subjects
        .iter()
        .filter(|&&id| id >= n)
        .map(|id| {
            format!(
                "error: subject `{id}` is out of range\n\nhint: the population has {n} subjects, numbered 0 to {}; \
                 `--population N` sets another size\n",
                n - 1
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(Failure::BadInput(errors));
    }
    // a trace prints every event: refuse one that could not finish (or be read)
    let job = pointsim::budget::Job::run(&scenario, 1);
    let problems = pointsim::budget::check(&job, None, None, true);
    if !problems.is_empty() {
        let hint = |d: &pointsim::scenario::Diagnostic| {
            d.hint.as_deref().map_or(String::new(), |h| format!("\n\nhint: {h}\n"))
        };
        return Err(Failure::BadInput(
            problems.iter().map(|d| format!("error: {}{}", d.message, hint(d))).collect(),
        ));
    }

    let seed = scenario.seed;
    let traces: Vec<_> =
        args.subjects.iter().map(|&id| pointsim::trace::trace(&scenario, &population, seed, id)).collect();
    let out = match args.format {
        Format::Json => pointsim::trace::json_document(&scenario, seed, &traces),
        Format::Text => {
            traces.iter().map(|t| t.to_text(&scenario)).collect::<Vec<_>>().join("\n").into_bytes()
        }
    };
    std::io::stdout().lock().write_all(&out).context("cannot write to stdout")?;
    Ok(())
}
