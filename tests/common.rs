//! What the test modules share: the `pointsim` command, paths in the
//! repository, and the scenarios more than one module runs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The teaching toy, relative to the repository (the tests' working directory).
pub const TOY: &str = "scenarios/teaching_toy.toml";

/// The README's worked mechanics example (lists, households, appeals, rule tests).
pub const DEBT_EXAMPLE: &str = "examples/scenarios/debt_blacklist.toml";

/// The `pointsim` binary of this build, without colour and without the
/// CPU count of a Slurm job the tests may run in.
pub fn pointsim() -> Command {
    let mut cmd = Command::cargo_bin("pointsim").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("SLURM_CPUS_PER_TASK");
    cmd
}

/// [`pointsim`] run in `cwd`.
pub fn pointsim_in(cwd: &Path) -> Command {
    let mut cmd = pointsim();
    cmd.current_dir(cwd);
    cmd
}

/// `path` in the repository, whatever the working directory.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The text of a file; a failure names the file.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Two kinds (citizens in two groups, companies), a blacklist entered on a
/// fine with wrongful records and appeals, a redlist entered by score,
/// record categories and agencies. Sizes: town 270, village 180, company
/// 150. The charts draw its lists (`list_shares`); the report shows its
/// mechanics sections.
pub const LISTS: &str = r#"
[scenario]
name = "Listed town"
steps = 24
step = "month"
[score]
start = 100
min = 0
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 100
[population]
size = 600
[[kind]]
name = "citizen"
share = 0.75
[[kind]]
name = "company"
share = 0.25
[[population.group]]
name = "town"
kind = "citizen"
share = 0.6
[[population.group]]
name = "village"
kind = "citizen"
share = 0.4
[[rule]]
id = "fine"
label = "Traffic fine"
points = -20
rate = 0.5
category = "administrative"
agency = "police"
error_rate = 0.2
appeal_rate = 0.5
appeal_success = 0.5
appeal_delay = 2
[[rule]]
id = "help"
points = 5
rate = 1.0
category = "voluntary"
agency = "civil_affairs"
[[perk]]
id = "bus"
min_tier = "high"
[[restriction]]
id = "no_loans"
[[list]]
id = "debtors"
label = "Debtors"
enter_on = "fine"
duration = 6
imposes = ["no_loans"]
[[list]]
id = "honour"
color = "red"
enter_at_least = 120
"#;

/// A scenario parsed from `text`, panicking with the diagnostics if it is invalid.
pub fn parse_scenario(text: &str) -> pointsim::scenario::Scenario {
    match pointsim::scenario::parse(text, "test.toml") {
        Ok(l) => l.scenario,
        Err(e) => panic!("{e:?}"),
    }
}

/// A [`pointsim::output::RunInfo`] for a run of `file` with `seed` written by
/// a test: no overrides, no suppression, one thread, started at the epoch;
/// change what a test needs with `RunInfo { field, ..run_info(file, seed) }`.
pub fn run_info(file: &str, seed: u64) -> pointsim::output::RunInfo {
    pointsim::output::RunInfo {
        scenario_file: file.into(),
        scenario_sha256: String::new(),
        sets: Vec::new(),
        scenario_chain: vec![],
        seed,
        overrides: pointsim::output::Overrides::default(),
        min_cell: 0,
        command_line: vec!["pointsim".into()],
        threads: 1,
        wall_seconds: 0.0,
        estimated_memory_bytes: 0,
        peak_memory_bytes: None,
        started_at: std::time::SystemTime::UNIX_EPOCH,
        ledger: pointsim::output::LedgerChoice::None,
    }
}
