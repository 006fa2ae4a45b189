//! Command-line interface: clap definitions and one file per subcommand.
//!
//! Exit codes: 0 success, 2 bad input (invalid scenario, bad arguments, an
//! output folder that would be overwritten), 1 anything else. A closed
//! stdout (e.g. piping into `head`) ends the program quietly with 0.

mod calibrate;
mod calibrate_view;
mod calibrate_waves;
mod check;
mod compare;
mod explore;
mod guard;
mod inputs;
mod merge;
mod merge_check;
mod new;
mod outdir;
mod overrides;
mod plot;
mod probe;
mod progress;
mod rerun;
mod run;
mod schema;
mod sensitivity;
mod sets;
mod sweep;
mod sweep_dir;
mod sweep_plan;
mod sweep_slurm;
mod term;
mod test;
mod trace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Simulate municipal points-scoring ("social credit") systems.
///
/// A scenario file describes the rules; pointsim runs a synthetic population
/// through them and reports tier shares, perk access and score distributions.
#[derive(Debug, Parser)]
#[command(name = "pointsim", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Start with:\n  pointsim run scenarios/teaching_toy.toml\n  pointsim new my_city && pointsim check my_city.toml"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(run::Args),
    Check(check::Args),
    Compare(compare::Args),
    Explore(explore::Args),
    Schema(schema::Args),
    New(new::Args),
    Plot(plot::Args),
    Trace(trace::Args),
    Sweep(sweep::Args),
    Calibrate(calibrate::Args),
    Merge(merge::Args),
    Sensitivity(sensitivity::Args),
    Test(test::Args),
}

/// A failed command: what to print and which exit code to use.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: exit 2. The text is printed as is (already rendered).
    BadInput(String),
    /// Anything else: exit 1.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

/// Run the command line and return the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::run(a),
        Command::Compare(a) => compare::run(a),
        Command::Explore(a) => explore::run(a),
        Command::Schema(a) => schema::run(a),
        Command::New(a) => new::run(a),
        Command::Plot(a) => plot::run(a),
        Command::Trace(a) => trace::run(a),
        Command::Sweep(a) => sweep::run(a),
        Command::Calibrate(a) => calibrate::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Sensitivity(a) => sensitivity::run(a),
        Command::Test(a) => test::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(text)) => {
            term::eprint(&text);
            ExitCode::from(2)
        }
        Err(Failure::Other(e)) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            term::eprint(&format!("{}: {e:#}\n", term::error_word()));
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
