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
                    println!(
                        "ok: {} ({})",
                        file.display(),
                        contents(&loaded.scenario, tests, loaded.explore.lessons.len())
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

/// What a scenario holds, for `check`'s line: counts with their nouns in the
/// right number, and groups, kinds, lists, rule tests, dated changes and lesson steps only
/// when the file defines them.
fn contents(s: &pointsim::scenario::Scenario, tests: usize, lessons: usize) -> String {
    let count = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![
        count(s.rules.len(), "rule", "rules"),
        count(s.tiers.len(), "tier", "tiers"),
        count(s.perks.len(), "perk", "perks"),
        count(s.restrictions.len(), "restriction", "restrictions"),
    ];
    // without groups (or kinds) everyone is in one implicit `all`: not a group the file defines
    if !(s.groups.len() == 1 && s.groups[0].name == "all") {
        parts.push(count(s.groups.len(), "group", "groups"));
    }
    if !(s.kinds.len() == 1 && s.kinds[0].name == "all") {
        parts.push(count(s.kinds.len(), "kind", "kinds"));
    }
    if !s.lists.is_empty() {
        parts.push(count(s.lists.len(), "list", "lists"));
    }
    if tests > 0 {
        parts.push(count(tests, "rule test", "rule tests"));
    }
    if !s.changes.is_empty() {
        parts.push(count(s.changes.len(), "dated change", "dated changes"));
    }
    if lessons > 0 {
        parts.push(count(lessons, "lesson step", "lesson steps"));
    }
    parts.join(", ")
}
