//! `pointsim test`: run the rule tests (`[[test]]`) of scenario files.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pointsim::ruletest::{self, Outcome};
use pointsim::scenario::{self, Diagnostic, Diagnostics, Loaded, RuleTest};

use super::{Failure, term};

/// Run the rule tests of scenario files: `[[test]]` tables in the file and
/// in `tests/<name>.toml` beside it.
///
/// Each test is one subject of the given kind and group, living through the
/// scenario with only the events the test scripts (no randomness), checked
/// against the expected score, tier, perks, restrictions and lists at the
/// end of given steps. A failure points at the expected value in its file
/// and shows the subject's history.
///
/// Exits with 0 when every test passes, 1 when one fails, and 2 when a file
/// is invalid.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  pointsim test scenarios/*.toml\n  \
    pointsim test my_city.toml --tests more_tests.toml\n  \
    pointsim test scenarios/rongcheng.toml --name listing")]
pub struct Args {
    /// Scenario files (TOML).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Further files of `[[test]]` tables, run against every scenario given.
    #[arg(long = "tests", value_name = "FILE")]
    extra: Vec<PathBuf>,
    /// Run only the tests whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    name: Option<String>,
    /// Print only failures and the summary line.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let color = term::color();
    let mut bad = String::new();
    let mut report = String::new();
    let (mut passed, mut failed, mut files_without) = (0usize, 0usize, 0usize);
    for file in &args.files {
        let loaded = match scenario::load(file) {
            Ok(l) => l,
            Err(e) => {
                if let Failure::BadInput(text) = super::check::bad_input(&e) {
                    bad.push_str(&text);
                }
                continue;
            }
        };
        if loaded.test_errors.has_errors() {
            bad.push_str(&loaded.test_errors.render(term::color()));
            continue;
        }
        // each file's tests, with its text for positions
        let mut sets = vec![(loaded.source.diagnostics(), loaded.tests.clone())];
        let beside = beside(file);
        for path in beside.iter().chain(&args.extra) {
            match check_tests_file(path, &loaded) {
                Ok(set) => sets.push(set),
                Err(text) => bad.push_str(&text),
            }
        }
        let chosen = |t: &RuleTest| args.name.as_ref().is_none_or(|n| t.name.contains(n.as_str()));
        let total: usize = sets.iter().map(|(_, tests)| tests.iter().filter(|t| chosen(t)).count()).sum();
        if total == 0 {
            files_without += 1;
            if !args.quiet {
                let _ = writeln!(report, "{}: no rule tests", file.display());
            }
            continue;
        }
        if !args.quiet {
            let _ = writeln!(report, "{}: {total} {}", file.display(), plural(total, "test"));
        }
        for (diagnostics, tests) in &sets {
            for test in tests.iter().filter(|t| chosen(t)) {
                let outcome = ruletest::run(&loaded.scenario, test);
                if outcome.passed() {
                    passed += 1;
                    if !args.quiet {
                        let _ = writeln!(report, "  ok    {}", test.name);
                    }
                } else {
                    failed += 1;
                    let _ = writeln!(report, "  FAIL  {}", test.name);
                    report.push_str(&explain(diagnostics, test, &outcome, &loaded, color));
                }
            }
        }
    }
    print!("{report}");
    if !bad.is_empty() {
        return Err(Failure::BadInput(bad));
    }
    if let Some(name) = &args.name
        && passed + failed == 0
    {
        return Err(Failure::BadInput(format!(
            "error: no rule test's name contains `{name}`\n\nhint: `--name` picks tests by part of their name; \
             run without it to list them all\n"
        )));
    }
    let verdict = if failed == 0 { "ok" } else { "FAILED" };
    let mut summary = format!("test result: {verdict}. {passed} passed; {failed} failed");
    if files_without > 0 {
        let _ = write!(summary, "; {files_without} {} without tests", plural(files_without, "file"));
    }
    println!("{summary}");
    if failed > 0 {
        Err(Failure::Other(anyhow::anyhow!("{failed} rule {} failed", plural(failed, "test"))))
    } else {
        Ok(())
    }
}

/// `tests/<stem>.toml` beside `file`, if it exists ([`scenario::tests_beside`]).
pub(super) fn beside(file: &Path) -> Option<PathBuf> {
    scenario::tests_beside(file)
}

/// Read and check a file of tests for `loaded` ([`scenario::load_tests_file`]):
/// the file's text (for positions) and its tests, or its rendered problems.
pub(super) fn check_tests_file(path: &Path, loaded: &Loaded) -> Result<(Diagnostics, Vec<RuleTest>), String> {
    scenario::load_tests_file(path, loaded).map_err(|d| d.render(term::color()))
}

/// A failed test's failures, positioned, and the subject's history.
fn explain(file: &Diagnostics, test: &RuleTest, outcome: &Outcome, loaded: &Loaded, color: bool) -> String {
    let s = &loaded.scenario;
    let unit = s.step.as_str();
    let mut diags = file.clone();
    for f in &outcome.failures {
        diags.push(
            Diagnostic::error(format!(
                "test `{}`: {} at the end of {unit} {} (step {}) is {}, expected {}",
                test.name,
                f.key,
                f.step + 1,
                f.step,
                f.actual,
                f.expected
            ))
            .with_span(f.span.clone())
            .with_label(format!("the scenario gives {}", f.actual)),
        );
    }
    let mut out = diags.render_items(color);
    let history = outcome.trace.to_text(s);
    let group = &s.groups[test.group];
    let _ = writeln!(
        out,
        "  history of the test subject (group {}, kind {}):",
        group.name, s.kinds[group.kind].name
    );
    for line in history.lines().skip(1) {
        let _ = writeln!(out, "    {line}");
    }
    out
}

/// `1 test`, `2 tests`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 { word.to_owned() } else { format!("{word}s") }
}
