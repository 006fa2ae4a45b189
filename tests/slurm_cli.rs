//! `pointsim sweep --emit-slurm N`: the job scripts it writes, what it refuses, and that the scripts run.
//!
//! The real-Slurm test is `scripts/slurm-local.sh sweep-test`; here the
//! emitted scripts run under plain bash, one array task after another, with
//! the `SLURM_*` variables Slurm would set.
#![cfg(unix)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{TOY, pointsim_in, repo};

const SCRIPTS: [&str; 3] = ["sweep.slurm", "merge.slurm", "submit.sh"];

/// A folder that looks like the repository to relative paths
/// (`examples/slurm/plan.toml` and the scenario it names), so the emitted
/// scripts hold the same paths as the committed ones.
fn checkout() -> TempDir {
    let tmp = TempDir::new().unwrap();
    for d in ["examples", "scenarios"] {
        std::os::unix::fs::symlink(repo(d), tmp.path().join(d)).unwrap();
    }
    tmp
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walk(dir) {
        out.push(e.strip_prefix(dir).unwrap().display().to_string());
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn writes_the_committed_example_scripts_and_runs_nothing() {
    let tmp = checkout();
    pointsim_in(tmp.path())
        .args(["sweep", "examples/slurm/plan.toml", "--out", "target/slurm-example", "--emit-slurm", "4"])
        .assert()
        .success()
        .stdout(predicate::str::contains("18 runs as 4 shards of 4 or 5 runs, 2 CPUs each"))
        .stdout(predicate::str::contains("target/slurm-example/submit.sh"));
    let out = tmp.path().join("target/slurm-example");
    // the three scripts and nothing else: no sweep.json, no shard folder, no run
    assert_eq!(files(&out), ["merge.slurm", "submit.sh", "sweep.slurm"]);
    for f in SCRIPTS {
        let (emitted, committed) =
            (std::fs::read(out.join(f)).unwrap(), std::fs::read(repo("examples/slurm").join(f)).unwrap());
        assert!(
            emitted == committed,
            "examples/slurm/{f} differs from what --emit-slurm writes: UPDATE_EXAMPLES=1 cargo test --test main slurm_example::"
        );
    }
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(out.join("submit.sh")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o755);
    // the default output folder when --out is not given
    pointsim_in(tmp.path())
        .args(["sweep", "examples/slurm/plan.toml", "--emit-slurm", "2", "-q"])
        .assert()
        .success();
    let text = std::fs::read_to_string(tmp.path().join("output/plan/sweep.slurm")).unwrap();
    assert!(text.contains("--out \"output/plan/shard-$shard\""), "{text}");
}

#[test]
fn options_reach_the_scripts() {
    let tmp = checkout();
    pointsim_in(tmp.path())
        .args(["sweep", "examples/slurm/plan.toml", "--out", "o", "--emit-slurm", "3"])
        .args(["--cpus-per-task", "5", "--independent-seeds", "--no-plots", "-q"])
        .assert()
        .success()
        .stdout("");
    let sweep = std::fs::read_to_string(tmp.path().join("o/sweep.slurm")).unwrap();
    let merge = std::fs::read_to_string(tmp.path().join("o/merge.slurm")).unwrap();
    assert!(sweep.contains("#SBATCH --array=0-2\n"), "{sweep}");
    assert!(sweep.contains("#SBATCH --cpus-per-task=5\n"), "{sweep}");
    assert!(
        sweep
            .contains("--shard \"$shard/3\" --out \"o/shard-$shard\" --independent-seeds --resume --quiet\n")
    );
    assert!(merge.contains("merge o/shard-{0..2} --out o/merged --no-plots --force\n"), "{merge}");
}

#[test]
fn refuses_shard_and_cpu_counts_it_cannot_use() {
    let tmp = checkout();
    let emit = |extra: &[&str]| {
        pointsim_in(tmp.path())
            .args(["sweep", "examples/slurm/plan.toml", "--out", "o"])
            .args(extra)
            .assert()
            .code(2)
    };
    emit(&["--emit-slurm", "19"])
        .stderr(predicate::str::contains(
            "asks for more shards than the plan has runs (6 cells × 3 replicates = 18)",
        ))
        .stderr(predicate::str::contains("hint: use `--emit-slurm 18` or fewer"));
    emit(&["--emit-slurm", "0"]).stderr(predicate::str::contains("the shard count must be at least 1"));
    emit(&["--emit-slurm", "4", "--cpus-per-task", "0"])
        .stderr(predicate::str::contains("each shard needs at least 1 CPU"));
    emit(&["--cpus-per-task", "4"]).stderr(predicate::str::contains("--emit-slurm <N>"));
    emit(&["--emit-slurm", "4", "--shard", "0/2"]).stderr(predicate::str::contains("cannot be used with"));
    assert!(!tmp.path().join("o").exists(), "nothing written after a refusal");
    // a path the scripts could not hold unquoted
    pointsim_in(tmp.path())
        .args(["sweep", "examples/slurm/plan.toml", "--out", "my results", "--emit-slurm", "4"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the output folder path `my results` contains whitespace"));
}

#[test]
fn refuses_a_plan_with_invalid_cells() {
    let tmp = TempDir::new().unwrap();
    let toy = repo(TOY);
    // a population of 0 is invalid: on Slurm that shard would fail and the merge be cancelled
    std::fs::write(
        tmp.path().join("p.toml"),
        format!("base = {toy:?}\n[vary]\n\"population.size\" = [200, 0]\n"),
    )
    .unwrap();
    pointsim_in(tmp.path())
        .args(["sweep", "p.toml", "--out", "o", "--emit-slurm", "2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1 of 2 cells make an invalid scenario:\n  c0001: invalid scenario"))
        .stderr(predicate::str::contains("the merge would be cancelled"));
    assert!(!tmp.path().join("o").exists());
}

#[test]
fn refuses_shard_folders_of_another_sweep_but_keeps_its_own() {
    let tmp = checkout();
    let run = |args: &[&str]| {
        pointsim_in(tmp.path()).arg("sweep").arg("examples/slurm/plan.toml").args(args).assert()
    };
    // shard 1 of 4 of this very sweep, already run: the jobs would resume it
    run(&["--shard", "1/4", "--out", "o/shard-1", "-q", "-j", "1"]).success();
    run(&["--out", "o", "--emit-slurm", "4", "-q"]).success();
    // cut in 2 instead: the jobs of a 4-shard sweep would refuse it
    run(&["--out", "o", "--emit-slurm", "2", "-q"])
        .code(2)
        .stderr(predicate::str::contains("holds shard folders that do not belong to 2 shards of this sweep"))
        .stderr(predicate::str::contains("o/shard-1`: shard 1/4"));
    // other seeding: another sweep
    run(&["--out", "o", "--emit-slurm", "4", "--independent-seeds", "-q"])
        .code(2)
        .stderr(predicate::str::contains("another plan, base scenario or seeding"));
}

/// The emitted scripts, run by bash as Slurm would run them (each array task
/// with its SLURM_ARRAY_TASK_ID, then the merge), give the unsharded sweep's
/// tables byte for byte; running a task or the merge again changes nothing.
#[test]
fn emitted_scripts_run_and_merge_to_the_unsharded_sweep() {
    let tmp = checkout();
    let bin = assert_cmd::cargo::cargo_bin("pointsim");
    pointsim_in(tmp.path())
        .args(["sweep", "examples/slurm/plan.toml", "--out", "whole", "-q", "--no-plots"])
        .assert()
        .success();
    pointsim_in(tmp.path())
        .args(["sweep", "examples/slurm/plan.toml", "--out", "out", "--emit-slurm", "3", "-q"])
        .args(["--cpus-per-task", "1", "--no-plots"])
        .assert()
        .success();
    let bash = |script: &str, task: Option<u32>| {
        let mut cmd = Command::new("bash");
        cmd.arg(script).current_dir(tmp.path()).env("POINTSIM", &bin).env("SLURM_CPUS_PER_TASK", "1");
        if let Some(t) = task {
            cmd.env("SLURM_ARRAY_TASK_ID", t.to_string());
        }
        cmd.assert()
    };
    // outside a job array the shard script says what is wrong
    bash("out/sweep.slurm", None)
        .failure()
        .stderr(predicate::str::contains("submit this script with sbatch"));
    for task in [0, 1, 2, 1] {
        bash("out/sweep.slurm", Some(task)).success();
    }
    bash("out/merge.slurm", None).success();
    bash("out/merge.slurm", None).success();
    for f in ["runs.csv", "runs.parquet", "cells.csv", "cells.parquet"] {
        let (a, b) = (
            std::fs::read(tmp.path().join("whole").join(f)).unwrap(),
            std::fs::read(tmp.path().join("out/merged").join(f)).unwrap(),
        );
        assert!(a == b, "{f}: the merged shards differ from the unsharded sweep");
    }
}
