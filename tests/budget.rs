//! The memory estimate against the measured peak of real runs: within 25%
//! for three shapes of scenario (many subjects with no mechanics; lists,
//! kinds and sanctions; households with inherited listings and many
//! snapshots), each run as `pointsim run --no-plots` in a child process,
//! which records its peak resident size in its manifest.

use pointsim::budget::{Job, estimate};
use tempfile::TempDir;

use crate::common::{parse_scenario, repo};

/// Peak resident bytes of `pointsim run FILE --population N --no-plots` on
/// `threads` threads, as its manifest records it (`VmHWM` when the
/// simulation finished: the kernel's high-water mark of the run's own
/// memory, which a parent's `wait4` cannot give, since it also counts the
/// memory the child had before `exec`).
fn peak(file: &str, population: u64, threads: usize) -> u64 {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    crate::common::pointsim()
        .arg("run")
        .arg(repo(file))
        .args(["--no-plots", "-q", "--population", &population.to_string(), "-j", &threads.to_string()])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_str(&crate::common::read(&out.join("manifest.json"))).unwrap();
    manifest["run"]["peak_memory_bytes"].as_u64().expect("Linux reports the peak")
}

fn estimated(file: &str, population: u64, threads: usize) -> u64 {
    let text = std::fs::read_to_string(repo(file)).unwrap();
    let mut s = parse_scenario(&text);
    s.population = population;
    estimate(&Job::run(&s, threads)).bytes
}

/// The estimate, with its allowance for the process itself replaced by what
/// this (debug) binary measures for 10 subjects of the teaching toy, is
/// within 25% of the peak. The estimate's own allowance is that of a release
/// build.
fn within_a_quarter(file: &str, population: u64, threads: usize) {
    let base = peak("scenarios/teaching_toy.toml", 10, threads);
    let e = estimated(file, population, threads) - pointsim::budget::BASE_BYTES + base;
    let p = peak(file, population, threads);
    let ratio = e as f64 / p as f64;
    eprintln!(
        "{file} at {population} on {threads} threads: estimate {} MiB, peak {} MiB ({ratio:.2})",
        e >> 20,
        p >> 20
    );
    assert!((0.75..=1.25).contains(&ratio), "{file}: estimate {e} bytes, measured peak {p} ({ratio:.2})");
}

#[test]
fn the_memory_estimate_is_within_a_quarter_of_the_peak() {
    within_a_quarter("scenarios/rongcheng.toml", 2_000_000, 2);
    within_a_quarter("scenarios/national_blacklist.toml", 1_000_000, 2);
    within_a_quarter("examples/scenarios/debt_blacklist.toml", 1_000_000, 2);
}
