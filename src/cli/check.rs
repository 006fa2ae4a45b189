//! `pointsim check`: validate scenario files without running them.

use std::path::PathBuf;

use pointsim::scenario::{self, ScenarioError};

use super::{Failure, term};

/// Check scenario files and report every problem, without running anything.
///
/// A file of rule tests beside a scenario (`tests/<name>.toml`) is checked too.
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
                if loaded.test_errors.has_errors() {
                    failed.push_str(&loaded.test_errors.render(term::color()));
                    continue;
                }
                let mut tests = loaded.tests.len();
                if let Some(path) = super::test::beside(file) {
                    match super::test::check_tests_file(&path, &loaded) {
                        Ok((_, more)) => tests += more.len(),
                        Err(text) => {
                            failed.push_str(&text);
                            continue;
                        }
                    }
                }
                if !args.quiet {
                    if !loaded.warnings.items().is_empty() {
                        term::eprint(&loaded.warnings.render(term::color()));
                    }
                    let s = &loaded.scenario;
                    let lists =
                        if s.lists.is_empty() { String::new() } else { format!(", {} lists", s.lists.len()) };
                    let tests = if tests == 0 { String::new() } else { format!(", {tests} rule tests") };
                    println!(
                        "ok: {} ({} rules, {} tiers, {} perks, {} restrictions, {} groups{lists}{tests})",
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
