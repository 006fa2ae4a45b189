//! `pointsim calibrate`: the plan, the files it writes, resuming, threads, bad targets files.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{pointsim, read, repo};

/// A small calibration of the recovery toy: 3 waves × 12 candidates × 2 replicates.
fn targets(dir: &Path) -> PathBuf {
    let text = format!(
        "scenario = {:?}\nwaves = 3\ncandidates = 12\nreplicates = 2\nseed = 5\n\
         [[parameter]]\npath = \"rule.offence.rate\"\nmin = 0.15\nmax = 1.5\nprior = \"log_uniform\"\n\
         [[parameter]]\npath = \"rule.payment.rate\"\nmin = 0.5\nmax = 5.0\n\
         [[target]]\nmetric = \"list_share.listed\"\nstep = 3\nvalue = 0.1\ninterval = [0.08, 0.12]\nkind = \"stock\"\nsource = \"test figure\"\n\
         [[target]]\nmetric = \"list_share.listed\"\nstep = 36\nsince = 3\nvalue = 0.05\nsd = 0.01\nkind = \"flow\"\nsource = \"test figure\"\n",
        repo("scenarios/calibration/recovery_toy.toml").display().to_string()
    );
    let p = dir.join("targets.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// `pointsim calibrate --targets T --out OUT ARGS`, printing what it does.
fn calibrate_loud(t: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pointsim().arg("calibrate").arg("--targets").arg(t).arg("--out").arg(out).args(extra).assert()
}

/// [`calibrate_loud`] with `-q`.
fn calibrate(t: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    calibrate_loud(t, out, &[&["-q"], extra].concat())
}

#[test]
fn a_calibration_writes_every_file_and_resumes_to_the_same_bytes() {
    let tmp = TempDir::new().unwrap();
    let t = targets(tmp.path());
    let (whole, cut) = (tmp.path().join("whole"), tmp.path().join("cut"));
    calibrate(&t, &whole, &["-j", "2"]).success();
    for f in [
        "waves.csv",
        "waves.parquet",
        "calibration.json",
        "calibrated.toml",
        "calibration.html",
        "plots/pairs.png",
        "plots/pairs.svg",
        "plots/fit.png",
        "plots/fit.svg",
        "wave1/journal.jsonl",
        "wave3/plan.toml",
    ] {
        assert!(whole.join(f).is_file(), "{f}");
    }
    let csv = read(&whole.join("waves.csv"));
    assert_eq!(csv.lines().count(), 1 + 3 * 12, "a row per candidate");
    assert!(
        csv.starts_with("wave,candidate,rule.offence.rate,rule.payment.rate,list_share.listed@3,"),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&read(&whole.join("calibration.json"))).unwrap();
    assert_eq!(json["runs"], 72);
    assert_eq!(json["waves"].as_array().unwrap().len(), 3);
    assert_eq!(json["parameters"][0]["parameter"], "rule.offence.rate");
    assert_eq!(json["targets"][1]["kind"], "flow");
    assert!(json["correlations"][0][1].is_number());
    // the overlay is a valid scenario whose values say where they come from
    let overlay = read(&whole.join("calibrated.toml"));
    assert!(overlay.contains("source = \"calibrated: "), "{overlay}");
    pointsim().arg("check").arg(whole.join("calibrated.toml")).assert().success();
    let html = read(&whole.join("calibration.html"));
    assert!(html.contains("<svg") && !html.contains("<script"), "self-contained page");

    // as if killed in wave 2: half its journal, no wave 3, no results
    calibrate(&t, &cut, &["-j", "1"]).success();
    assert_eq!(read(&cut.join("waves.csv")), csv, "the same bytes on 1 and 2 threads");
    let journal = cut.join("wave2/journal.jsonl");
    let lines: Vec<String> = read(&journal).lines().map(str::to_owned).collect();
    std::fs::write(&journal, format!("{}\n{{\"cell\":3,\"repl", lines[..lines.len() / 2].join("\n")))
        .unwrap();
    std::fs::remove_dir_all(cut.join("wave3")).unwrap();
    std::fs::remove_file(cut.join("waves.csv")).unwrap();
    calibrate(&t, &cut, &[]).code(2).stderr(predicate::str::contains("--resume"));
    calibrate(&t, &cut, &["--resume"]).success();
    assert_eq!(read(&cut.join("waves.csv")), csv, "a resumed calibration ends with the same bytes");
    assert_eq!(read(&cut.join("calibration.json")), read(&whole.join("calibration.json")));
    // a changed targets file is not resumed
    std::fs::write(&t, read(&t).replace("seed = 5", "seed = 6")).unwrap();
    calibrate(&t, &cut, &["--resume"]).code(2).stderr(predicate::str::contains("changed since it started"));
    calibrate(&t, &cut, &["--force"]).success();
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    let t = targets(tmp.path());
    let out = tmp.path().join("out");
    pointsim()
        .arg("calibrate")
        .arg("--targets")
        .arg(&t)
        .arg("--out")
        .arg(&out)
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(predicate::str::contains("runs        72 (24 per wave)"))
        .stdout(predicate::str::contains("list_share.listed@3..36"))
        .stdout(predicate::str::contains("events/s per thread, measured on a run of 1000 subjects"));
    assert!(!out.exists());
}

#[test]
fn bad_targets_files_exit_2_with_every_problem_positioned() {
    let tmp = TempDir::new().unwrap();
    let t = tmp.path().join("bad.toml");
    std::fs::write(
        &t,
        format!(
            "scenario = {:?}\ncandidate = 5\n[[parameter]]\npath = \"rule.ofence.rate\"\nmin = 1\nmax = 0.5\n\
             [[target]]\nmetric = \"list_share.lsted\"\nstep = 4\nvalue = 0.1\nkind = \"stok\"\n",
            repo("scenarios/calibration/recovery_toy.toml").display().to_string()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    pointsim()
        .arg("calibrate")
        .arg("--targets")
        .arg(&t)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:2:1"))
        .stderr(predicate::str::contains("did you mean `candidates`?"))
        .stderr(predicate::str::contains("`min` 1 not below `max` 0.5"))
        .stderr(predicate::str::contains("has no `source`"))
        .stderr(predicate::str::contains("neither `interval` nor `sd`"))
        .stderr(predicate::str::contains("did you mean `stock`?"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn the_shipped_targets_files_check() {
    for f in ["blacklist_targets.toml", "toy_targets.toml"] {
        pointsim()
            .arg("calibrate")
            .arg("--targets")
            .arg(repo(&format!("scenarios/calibration/{f}")))
            .arg("--dry-run")
            .assert()
            .success();
    }
}

/// `calibrate … --wave K --shard I/N` for every shard of every wave, then `--resume`.
fn run_sharded(t: &Path, out: &Path, shards: u32) {
    for wave in 1..=3 {
        for i in 0..shards {
            let (w, s) = (wave.to_string(), format!("{i}/{shards}"));
            calibrate(t, out, &["--wave", &w, "--shard", &s, "-j", "1", "--resume"]).success();
        }
    }
}

#[test]
fn a_sharded_calibration_ends_with_the_same_bytes_as_a_whole_one() {
    let tmp = TempDir::new().unwrap();
    let t = targets(tmp.path());
    let (whole, cut) = (tmp.path().join("whole"), tmp.path().join("cut"));
    calibrate(&t, &whole, &["--no-plots"]).success();
    // a later wave's shard before the earlier wave has finished: refused, nothing run
    calibrate(&t, &cut, &["--wave", "1", "--shard", "0/3"]).success();
    calibrate(&t, &cut, &["--wave", "2", "--shard", "0/3"])
        .code(2)
        .stderr(predicate::str::contains("wave 1 is not finished: 16 of its 24 runs have no result"));
    assert!(!cut.join("wave2/shard-0").exists());
    run_sharded(&t, &cut, 3);
    for f in ["wave1/shard-2/journal.jsonl", "wave3/shard-0/sweep.json", "wave3/plan.toml"] {
        assert!(cut.join(f).is_file(), "{f}");
    }
    // the gathering run makes no run of its own
    calibrate_loud(&t, &cut, &["--resume", "--no-plots"])
        .success()
        .stdout(predicate::str::contains("72 runs in 3 waves: 0 now, 72 from before"));
    for f in ["waves.csv", "calibration.json", "calibrated.toml"] {
        assert_eq!(read(&cut.join(f)), read(&whole.join(f)), "{f}");
    }
    // a shard run again continues its own folder (with --resume) and refuses it otherwise
    calibrate(&t, &cut, &["--wave", "3", "--shard", "1/3", "--resume"]).success();
    calibrate(&t, &cut, &["--wave", "3", "--shard", "1/3"])
        .code(2)
        .stderr(predicate::str::contains("--resume"));
    // --force starts over: the shards' folders go too
    calibrate(&t, &cut, &["--force", "--no-plots"]).success();
    assert!(!cut.join("wave1/shard-0").exists());
    assert_eq!(read(&cut.join("waves.csv")), read(&whole.join("waves.csv")));
}

#[test]
fn bad_shard_options_exit_2() {
    let tmp = TempDir::new().unwrap();
    let t = targets(tmp.path());
    let out = tmp.path().join("out");
    calibrate(&t, &out, &["--wave", "4", "--shard", "0/2"])
        .code(2)
        .stderr(predicate::str::contains("has 3 waves"));
    calibrate(&t, &out, &["--shard", "0/2"]).code(2).stderr(predicate::str::contains("--wave"));
    calibrate(&t, &out, &["--wave", "0", "--shard", "0/2"]).code(2);
    calibrate(&t, &out, &["--wave", "1", "--shard", "30/31"])
        .code(2)
        .stderr(predicate::str::contains("has no runs"));
    // a folder that holds something else is not taken over
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    calibrate(&t, &other, &["--wave", "1", "--shard", "0/2"])
        .code(2)
        .stderr(predicate::str::contains("holds no calibration"));
    assert_eq!(read(&other.join("notes.txt")), "mine");
}

#[test]
fn emit_slurm_writes_a_chain_of_wave_arrays_and_prepares_the_folder() {
    let tmp = TempDir::new().unwrap();
    let t = targets(tmp.path());
    let out = tmp.path().join("cal");
    calibrate_loud(&t, &out, &["--emit-slurm", "4", "--cpus-per-task", "1"])
        .success()
        .stdout(predicate::str::contains("3 waves of 24 runs, each wave as 4 shards"));
    let submit = read(&out.join("submit.sh"));
    assert!(submit.contains("for wave in 1 2 3; do"), "{submit}");
    let wave = read(&out.join("calibrate.slurm"));
    assert!(wave.contains("#SBATCH --array=0-3\n") && wave.contains("#SBATCH --cpus-per-task=1\n"), "{wave}");
    assert!(read(&out.join("finish.slurm")).contains("--resume --quiet"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(out.join("submit.sh")).unwrap().permissions().mode() & 0o111, 0o111);
    }
    assert!(out.join("calibrate.json").is_file(), "the folder is the calibration's");
    // writing them again over the same calibration is fine; more shards than runs is not
    calibrate(&t, &out, &["--emit-slurm", "4"]).success();
    calibrate_loud(&t, &tmp.path().join("x"), &["--emit-slurm", "25"])
        .code(2)
        .stderr(predicate::str::contains("more shards than a wave has runs"));
    assert!(!tmp.path().join("x").exists());
}
