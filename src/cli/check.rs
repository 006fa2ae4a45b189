//! `pointsim check`: validate scenario files without running them.

use std::path::PathBuf;

use pointsim::scenario::{self, ScenarioError};

use super::{Failure, term};

/// Check scenario files and report every problem, without running anything.
///
/// Exits with 0 when every file is valid (warnings allowed) and 2 otherwise.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  pointsim check scenarios/*.toml\n  pointsim check my_city.toml")]
pub struct Args {
    /// Scenario files (TOML).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

/// Render a load error for stderr.
pub fn bad_input(e: &ScenarioError) -> Failure {
    match e {
        ScenarioError::Invalid(diags) => Failure::BadInput(diags.render(term::color())),
    }
}

pub fn run(args: Args) -> Result<(), Failure> {
    let mut failed = String::new();
    for file in &args.files {
        match scenario::load(file) {
            Ok(loaded) => {
                if !args.quiet {
                    if !loaded.warnings.items().is_empty() {
                        term::eprint(&loaded.warnings.render(term::color()));
                    }
                    let s = &loaded.scenario;
                    println!(
                        "ok: {} ({} rules, {} tiers, {} perks, {} restrictions, {} groups)",
                        file.display(),
                        s.rules.len(),
                        s.tiers.len(),
                        s.perks.len(),
                        s.restrictions.len(),
                        s.groups.len()
                    );
                }
            }
            Err(e) => {
                if let Failure::BadInput(text) = bad_input(&e) {
                    failed.push_str(&text);
                    if !failed.ends_with('\n') {
                        failed.push('\n');
                    }
                }
            }
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(Failure::BadInput(failed)) }
}
