//! `manifest.json`: everything needed to reproduce a run, and the few
//! volatile facts about this particular run kept apart under `run`.

use std::time::SystemTime;

use serde::Serialize;

pub use crate::Overrides;

use super::to_pretty_json;
use crate::scenario::{ChainFile, Scenario};
use crate::stats::Summary;

/// Facts about one invocation that the results alone do not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    /// The scenario path as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes, lowercase hex.
    pub scenario_sha256: String,
    /// `--set PATH=VALUE` changes applied to the file, in the order given
    /// (empty for a run of the file as it is).
    pub sets: Vec<String>,
    /// Every file the scenario was read from: the file itself, then, for an
    /// overlay, the file it `extends`, and so on (`SourceFile::chain`).
    pub scenario_chain: Vec<ChainFile>,
    /// The seed the run used (after `--seed`).
    pub seed: u64,
    /// Command-line values that replaced the file's.
    pub overrides: Overrides,
    /// Small-cell suppression threshold (`--min-cell`; 0 for none): changes
    /// what the outputs publish, not the simulation.
    pub min_cell: u32,
    /// The exact argv, program name first.
    pub command_line: Vec<String>,
    /// Worker threads used (does not change any result).
    pub threads: usize,
    /// Elapsed wall-clock time in seconds.
    pub wall_seconds: f64,
    /// The memory the run was estimated to need before it started
    /// ([`crate::budget::estimate`]), in bytes.
    pub estimated_memory_bytes: u64,
    /// Peak resident memory of the process when the simulation finished, in
    /// bytes ([`crate::budget::peak_memory`]; `None` where it cannot be read).
    pub peak_memory_bytes: Option<u64>,
    /// When the run started.
    pub started_at: SystemTime,
    /// The ledger the run wrote, so that its Reproduce line writes it again.
    pub ledger: LedgerChoice,
}

/// Which `ledger.parquet` a run wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LedgerChoice {
    /// None.
    #[default]
    None,
    /// Every subject's (`--ledger`).
    All,
    /// A systematic sample of this many subjects (`--trace-sample K`).
    Sample(u64),
}

/// The run manifest as pretty-printed JSON (with a trailing newline).
///
/// Keys: `pointsim_version`, `build{git_commit, git_dirty}` (the commit this binary was built from, and whether its source files (`src/`, `build.rs`, `Cargo.toml`, `Cargo.lock`) differed from it; see `build.rs`), `scenario_file`, `scenario_sha256`,
/// `scenario_chain[{file, sha256}]` (the scenario file, then the files it
/// extends, one item when it is not an overlay), `sets` (the `--set`
/// changes, only when there are any), `seed`,
/// `overrides{seed,population,steps}`, `options{min_cell}` (output options
/// that change what is published, not the simulation), `resolved_scenario` (the validated
/// scenario `s` after overrides, serialised in full), `command{argv,reproduce}`
/// and `run{started_at,wall_seconds,threads,estimated_memory_bytes,peak_memory_bytes}`.
///
/// # Reproducibility
///
/// Everything outside `run` is byte-identical for the same scenario file,
/// seed, overrides, command line and pointsim version, whatever the number of
/// threads or the time of day; `run` holds the only volatile facts
/// (`started_at` as RFC 3339 UTC to the second, or `null` for a clock
/// before 1970, `wall_seconds`, `threads`). To compare two
/// manifests, drop `run`.
///
/// `_sum` is unused today; it keeps the exporters' inputs uniform.
pub fn manifest_json(s: &Scenario, _sum: &Summary, info: &RunInfo) -> Vec<u8> {
    let doc = ManifestDoc {
        pointsim_version: env!("CARGO_PKG_VERSION"),
        build: build(),
        scenario_file: &info.scenario_file,
        scenario_sha256: &info.scenario_sha256,
        scenario_chain: &info.scenario_chain,
        sets: &info.sets,
        seed: info.seed,
        overrides: &info.overrides,
        options: OptionsDoc { min_cell: info.min_cell },
        resolved_scenario: s,
        command: CommandDoc { argv: &info.command_line, reproduce: reproduce_command(info) },
        run: RunDoc {
            started_at: rfc3339(info.started_at),
            wall_seconds: info.wall_seconds,
            threads: info.threads,
            estimated_memory_bytes: info.estimated_memory_bytes,
            peak_memory_bytes: info.peak_memory_bytes,
        },
    };
    to_pretty_json(&doc)
}

/// A shell command that reruns the same simulation:
/// `pointsim run FILE [--set PATH=VALUE]... --seed N [--population N] [--steps N] [--min-cell K]`
/// (`--min-cell` only when it is not the default), with the file name
/// quoted for a POSIX shell when it needs it.
pub fn reproduce_command(info: &RunInfo) -> String {
    let mut cmd = format!("pointsim run {}", shell_quote(&info.scenario_file));
    for set in &info.sets {
        cmd.push_str(&format!(" --set {}", shell_quote(set)));
    }
    cmd.push_str(&format!(" --seed {}", info.seed));
    if let Some(p) = info.overrides.population {
        cmd.push_str(&format!(" --population {p}"));
    }
    if let Some(n) = info.overrides.steps {
        cmd.push_str(&format!(" --steps {n}"));
    }
    if info.min_cell != super::DEFAULT_MIN_CELL {
        cmd.push_str(&format!(" --min-cell {}", info.min_cell));
    }
    match info.ledger {
        LedgerChoice::None => {}
        LedgerChoice::All => cmd.push_str(" --ledger"),
        LedgerChoice::Sample(k) => cmd.push_str(&format!(" --trace-sample {k}")),
    }
    cmd
}

/// `2024-05-01T12:00:00Z`, or `None` for a time humantime cannot format
/// (before 1970 or after 9999), which it would otherwise panic on.
fn rfc3339(t: SystemTime) -> Option<String> {
    use std::fmt::Write;
    t.duration_since(std::time::UNIX_EPOCH).ok()?;
    let mut out = String::new();
    write!(out, "{}", humantime::format_rfc3339_seconds(t)).ok()?;
    Some(out)
}

/// Quote a word for a POSIX shell, leaving plain words as they are.
pub fn shell_quote(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./,:=+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Where this binary was built from: the git commit and whether the work
/// tree had uncommitted changes (`build.rs`); `None` outside a checkout.
#[derive(Serialize)]
pub struct Build {
    /// The commit, 40 hex digits.
    pub git_commit: Option<&'static str>,
    /// Whether tracked files differed from the commit.
    pub git_dirty: Option<bool>,
}

/// This binary's [`Build`].
pub fn build() -> Build {
    Build {
        git_commit: option_env!("POINTSIM_GIT_COMMIT"),
        git_dirty: option_env!("POINTSIM_GIT_DIRTY").map(|d| d == "true"),
    }
}

#[derive(Serialize)]
struct ManifestDoc<'a> {
    pointsim_version: &'static str,
    build: Build,
    scenario_file: &'a str,
    scenario_sha256: &'a str,
    scenario_chain: &'a [ChainFile],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    sets: &'a [String],
    seed: u64,
    overrides: &'a Overrides,
    options: OptionsDoc,
    resolved_scenario: &'a Scenario,
    command: CommandDoc<'a>,
    run: RunDoc,
}

/// Output options: they change what is published, not the simulation.
#[derive(Serialize)]
struct OptionsDoc {
    min_cell: u32,
}

#[derive(Serialize)]
struct CommandDoc<'a> {
    argv: &'a [String],
    reproduce: String,
}

#[derive(Serialize)]
struct RunDoc {
    started_at: Option<String>,
    wall_seconds: f64,
    threads: usize,
    estimated_memory_bytes: u64,
    peak_memory_bytes: Option<u64>,
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use serde_json::Value;

    use super::*;
    use crate::output::fixture;

    fn info() -> RunInfo {
        RunInfo {
            scenario_file: "scenarios/tiny town.toml".into(),
            scenario_sha256: "ab".repeat(32),
            sets: Vec::new(),
            scenario_chain: vec![
                ChainFile { file: "scenarios/tiny town.toml".into(), sha256: "ab".repeat(32) },
                ChainFile { file: "scenarios/base.toml".into(), sha256: "cd".repeat(32) },
            ],
            seed: 42,
            overrides: Overrides { seed: Some(42), population: None, steps: Some(2) },
            min_cell: 10,
            command_line: ["pointsim", "run", "scenarios/tiny town.toml", "--seed", "42", "--steps", "2"]
                .map(String::from)
                .to_vec(),
            threads: 2,
            wall_seconds: 0.25,
            estimated_memory_bytes: 9_000_000,
            peak_memory_bytes: Some(8_000_000),
            started_at: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            ledger: LedgerChoice::None,
        }
    }

    fn parsed(info: &RunInfo) -> Value {
        serde_json::from_slice(&manifest_json(&fixture::scenario(), &fixture::summary(), info)).unwrap()
    }

    /// Built from a git checkout (as CI and a developer build are), the
    /// manifest names the commit.
    #[test]
    fn a_checkout_records_its_commit() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        if !root.join(".git").exists() {
            return; // a source package: nothing to record
        }
        let commit = build().git_commit.expect("a checkout's commit");
        assert!(commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()), "{commit}");
        // the build script reruns whenever HEAD or a source file changes, so what
        // it recorded is what git says now (when git is there to ask)
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git").current_dir(root).args(args).output().ok()?;
            out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        };
        if let Some(head) = git(&["rev-parse", "HEAD"]) {
            assert_eq!(commit, head, "the recorded commit is HEAD's");
        }
        let sources = [
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            "src",
            "build.rs",
            "Cargo.toml",
            "Cargo.lock",
        ];
        if let Some(status) = git(&sources) {
            assert_eq!(build().git_dirty, Some(!status.is_empty()), "git status of the sources: {status:?}");
        }
    }

    #[test]
    fn snapshot() {
        let bytes = manifest_json(&fixture::scenario(), &fixture::summary(), &info());
        let mut text = String::from_utf8(bytes).unwrap().replace(env!("CARGO_PKG_VERSION"), "[version]");
        let b = build();
        let commit = b.git_commit.map_or("null".to_owned(), |c| format!("\"{c}\""));
        let dirty = b.git_dirty.map_or("null".to_owned(), |d| d.to_string());
        text = text
            .replace(&format!("\"git_commit\": {commit}"), "\"git_commit\": [commit]")
            .replace(&format!("\"git_dirty\": {dirty}"), "\"git_dirty\": [dirty]");
        insta::assert_snapshot!(text, @r#"
            {
              "pointsim_version": "[version]",
              "build": {
                "git_commit": [commit],
                "git_dirty": [dirty]
              },
              "scenario_file": "scenarios/tiny town.toml",
              "scenario_sha256": "abababababababababababababababababababababababababababababababab",
              "scenario_chain": [
                {
                  "file": "scenarios/tiny town.toml",
                  "sha256": "abababababababababababababababababababababababababababababababab"
                },
                {
                  "file": "scenarios/base.toml",
                  "sha256": "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
                }
              ],
              "seed": 42,
              "overrides": {
                "seed": 42,
                "population": null,
                "steps": 2
              },
              "options": {
                "min_cell": 10
              },
              "resolved_scenario": {
                "schema_version": 1,
                "name": "Tiny town",
                "description": "Hand-built fixture",
                "sources": [
                  "none"
                ],
                "seed": 7,
                "steps": 2,
                "step": "month",
                "score": {
                  "start": 100,
                  "min": 0,
                  "max": 150
                },
                "tiers": [
                  {
                    "name": "C",
                    "label": "Grade C",
                    "min": 0,
                    "provenance": {
                      "source": "test fixture",
                      "assumed": false
                    }
                  },
                  {
                    "name": "B",
                    "label": "Grade B",
                    "min": 100,
                    "provenance": {
                      "source": "test fixture",
                      "assumed": false
                    }
                  },
                  {
                    "name": "A",
                    "label": "Grade A",
                    "min": 110,
                    "provenance": {
                      "source": "test fixture",
                      "assumed": true
                    }
                  }
                ],
                "population": 5,
                "groups": [
                  {
                    "name": "urban",
                    "description": "",
                    "share": 0.6,
                    "start": 100,
                    "rate_multiplier": [
                      1.0,
                      1.0
                    ],
                    "provenance": {
                      "source": "test fixture",
                      "assumed": false
                    },
                    "kind": 0
                  },
                  {
                    "name": "rural",
                    "description": "",
                    "share": 0.4,
                    "start": 100,
                    "rate_multiplier": [
                      1.0,
                      1.0
                    ],
                    "provenance": {
                      "source": "test fixture",
                      "assumed": true
                    },
                    "kind": 0
                  },
                  {
                    "name": "migrant",
                    "description": "",
                    "share": 0.0,
                    "start": 100,
                    "rate_multiplier": [
                      1.0,
                      1.0
                    ],
                    "provenance": {
                      "source": "test fixture",
                      "assumed": false
                    },
                    "kind": 0
                  }
                ],
                "rules": [
                  {
                    "id": "volunteer",
                    "label": "volunteer",
                    "description": "",
                    "points": 10,
                    "rate": 2.0,
                    "max_per_year": null,
                    "rate_by_tier": [
                      1.0,
                      1.0,
                      1.0
                    ],
                    "provenance": {
                      "source": "test fixture",
                      "assumed": true
                    }
                  },
                  {
                    "id": "littering",
                    "label": "littering",
                    "description": "",
                    "points": -5,
                    "rate": 1.0,
                    "max_per_year": null,
                    "rate_by_tier": [
                      1.0,
                      1.0,
                      1.0
                    ],
                    "provenance": {
                      "source": "test fixture",
                      "assumed": false
                    }
                  }
                ],
                "perks": [
                  {
                    "id": "fast_lane",
                    "label": "Fast lane",
                    "description": "",
                    "threshold": {
                      "tier": 2
                    },
                    "provenance": {
                      "source": "test fixture",
                      "assumed": false
                    }
                  }
                ],
                "restrictions": [
                  {
                    "id": "no_travel",
                    "label": "No travel",
                    "description": "",
                    "threshold": {
                      "tier": 0
                    },
                    "provenance": {
                      "source": "test fixture",
                      "assumed": true
                    }
                  }
                ],
                "kinds": [
                  {
                    "name": "all",
                    "label": "all",
                    "description": "",
                    "share": 1.0,
                    "count": null,
                    "min": null,
                    "max": null,
                    "provenance": {
                      "assumed": false
                    }
                  }
                ],
                "recovery": {
                  "restore_after": 2,
                  "drift": null
                },
                "report": {
                  "bin_width": 10,
                  "snapshot_every": 1
                }
              },
              "command": {
                "argv": [
                  "pointsim",
                  "run",
                  "scenarios/tiny town.toml",
                  "--seed",
                  "42",
                  "--steps",
                  "2"
                ],
                "reproduce": "pointsim run 'scenarios/tiny town.toml' --seed 42 --steps 2"
              },
              "run": {
                "started_at": "2023-11-14T22:13:20Z",
                "wall_seconds": 0.25,
                "threads": 2,
                "estimated_memory_bytes": 9000000,
                "peak_memory_bytes": 8000000
              }
            }
            "#);
    }

    #[test]
    fn only_run_changes_with_threads_and_time() {
        let a = info();
        let b = RunInfo {
            threads: 8,
            wall_seconds: 9.5,
            started_at: SystemTime::now(),
            peak_memory_bytes: None,
            ..info()
        };
        let (mut a, mut b) = (parsed(&a), parsed(&b));
        assert_ne!(a["run"], b["run"]);
        a.as_object_mut().unwrap().remove("run");
        b.as_object_mut().unwrap().remove("run");
        assert_eq!(a, b);
    }

    #[test]
    fn clock_outside_rfc3339_range_gives_null() {
        assert_eq!(rfc3339(UNIX_EPOCH - Duration::from_secs(1)), None);
        assert_eq!(rfc3339(UNIX_EPOCH + Duration::from_secs(253_402_300_800)), None);
        assert_eq!(rfc3339(UNIX_EPOCH).as_deref(), Some("1970-01-01T00:00:00Z"));
    }

    #[test]
    fn reproduce_quotes_only_when_needed() {
        let mut i = info();
        i.scenario_file = "scenarios/rongcheng.toml".into();
        i.overrides = Overrides { seed: None, population: Some(1000), steps: None };
        assert_eq!(
            reproduce_command(&i),
            "pointsim run scenarios/rongcheng.toml --seed 42 --population 1000"
        );
        i.scenario_file = "it's here.toml".into();
        assert_eq!(reproduce_command(&i), r"pointsim run 'it'\''s here.toml' --seed 42 --population 1000");
        i.min_cell = 0;
        assert!(reproduce_command(&i).ends_with(" --population 1000 --min-cell 0"));
        i.scenario_file = "scenarios/teaching_toy.toml".into();
        i.sets = vec!["rule.volunteer_service.points=10".into(), "perk.x.min_tier=\"AA\"".into()];
        assert!(
            reproduce_command(&i).starts_with(
                "pointsim run scenarios/teaching_toy.toml --set rule.volunteer_service.points=10 \
                 --set 'perk.x.min_tier=\"AA\"' --seed 42"
            ),
            "{}",
            reproduce_command(&i)
        );
    }
}
