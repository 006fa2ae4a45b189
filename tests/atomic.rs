//! All or nothing: interrupted and failing runs leave no partial result set,
//! one writer per output folder, interrupted sweeps resume, and merge
//! refuses shards that do not fit the plan (docs/limits.md, "Interruptions").

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{TOY, pointsim, repo};

/// Names in `dir`, sorted (hidden ones too).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// `pointsim ARGS` started in the background, its output captured.
fn spawn(args: &[&str]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("pointsim"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Poll until `ready` holds (true) or the child has exited (false); a
/// minute at most, against a hung test.
fn wait_until(child: &mut Child, ready: impl Fn() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if ready() {
            return true;
        }
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// Send `signal` (`INT`, `TERM`, `KILL`) to the child and return its exit code and stderr.
fn stop(mut child: Child, signal: &str) -> (Option<i32>, String) {
    let ok = std::process::Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -s {signal}");
    let out = std::mem::take(&mut child.stderr);
    let status = child.wait().unwrap();
    let mut err = String::new();
    if let Some(mut e) = out {
        std::io::Read::read_to_string(&mut e, &mut err).unwrap();
    }
    (status.code(), err)
}

/// Whether `dir` holds the partial result set of `name` (`.name.pointsim-partial-<pid>`).
fn has_partial(dir: &Path, name: &str) -> bool {
    names(dir).iter().any(|n| n.starts_with(&format!(".{name}.pointsim-partial-")))
}

/// A run of the teaching toy big enough to be stopped in the middle
/// (3 million subjects on one thread: seconds even in a release build).
fn big_run(out: &Path, extra: &[&str]) -> Child {
    let mut args = vec!["run", TOY, "--population", "3000000", "-j", "1", "-q", "--no-plots", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(extra);
    spawn(&args)
}

#[test]
fn an_interrupted_run_leaves_nothing_and_says_so() {
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        let tmp = TempDir::new().unwrap();
        let out = tmp.path().join("out");
        let mut child = big_run(&out, &[]);
        assert!(wait_until(&mut child, || has_partial(tmp.path(), "out")), "the run started writing");
        let (got, err) = stop(child, signal);
        assert_eq!(got, Some(code), "SIG{signal}: {err}");
        assert!(err.contains(&format!("interrupted by SIG{signal}")), "{err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(
            names(tmp.path()).is_empty(),
            "no result folder, lock or partial set: {:?}",
            names(tmp.path())
        );
    }
}

#[test]
fn an_interrupted_rerun_keeps_the_earlier_results() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    pointsim().args(["run", TOY, "-q", "--no-plots", "--out"]).arg(&out).assert().success();
    let before = std::fs::read(out.join("summary.json")).unwrap();
    let files = names(&out);
    let mut child = big_run(&out, &["--force"]);
    assert!(wait_until(&mut child, || has_partial(tmp.path(), "out")));
    let (got, err) = stop(child, "INT");
    assert_eq!(got, Some(130), "{err}");
    assert!(err.contains("is as it was before"), "{err}");
    assert_eq!(names(tmp.path()), ["out"]);
    assert_eq!(names(&out), files);
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
}

/// `pointsim run` under a file-size limit (`ulimit -f`, with SIGXFSZ
/// ignored so a write past it fails with EFBIG, as on a full disk): the
/// data files fit, the charts and report do not.
fn run_with_small_disk(out: &Path, extra: &str) -> assert_cmd::assert::Assert {
    let bin = assert_cmd::cargo::cargo_bin("pointsim");
    let script = format!(
        "trap '' XFSZ; ulimit -f 60; exec '{}' run {TOY} -q --out '{}' {extra}",
        bin.display(),
        out.display()
    );
    assert_cmd::Command::new("sh").args(["-c", &script]).env("NO_COLOR", "1").assert()
}

#[test]
fn a_run_that_fails_while_writing_leaves_no_partial_set() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    run_with_small_disk(&out, "").code(1).stderr(predicate::str::contains("cannot write"));
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
    // over earlier results: they stay as they were
    pointsim().args(["run", TOY, "-q", "--no-plots", "--out"]).arg(&out).assert().success();
    let before = std::fs::read(out.join("summary.json")).unwrap();
    run_with_small_disk(&out, "--force --seed 9").code(1);
    assert_eq!(names(tmp.path()), ["out"]);
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    assert!(!out.join("report.html").exists());
}

#[test]
fn one_writer_per_folder_and_a_stale_lock_is_taken_over() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let lock = tmp.path().join(".out.pointsim-lock");
    // held by a live process (this test)
    let me = std::process::id();
    std::fs::write(&lock, format!("{me}\npointsim run other.toml\n")).unwrap();
    let sens = crate::common::repo("scenarios/sensitivity/toy_rates.toml").display().to_string();
    let targets = crate::common::repo("scenarios/calibration/toy_targets.toml").display().to_string();
    for cmd in [
        vec!["run", TOY],
        vec!["compare", TOY, "--set", "rule.volunteer_service.points=10"],
        vec!["sensitivity", sens.as_str(), "--method", "morris"],
        vec!["calibrate", "--targets", targets.as_str()],
    ] {
        pointsim().args(&cmd).args(["-q", "--no-plots", "--out"]).arg(&out).assert().code(2).stderr(
            predicate::str::contains(format!(
                "being written by another pointsim (process {me}: `pointsim run other.toml`)"
            )),
        );
    }
    assert_eq!(names(tmp.path()), [".out.pointsim-lock"], "nothing written, the lock kept");
    // left by a process that no longer exists
    std::fs::write(&lock, "4294967294\npointsim run other.toml\n").unwrap();
    pointsim()
        .args(["run", TOY, "--no-plots", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("took over the lock").and(predicate::str::contains("4294967294")));
    assert_eq!(names(tmp.path()), ["out"], "the lock is released at the end");
}

#[test]
fn a_later_run_cleans_what_a_killed_one_left() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    let mut child = big_run(&out, &[]);
    assert!(wait_until(&mut child, || has_partial(tmp.path(), "out")));
    let (got, _) = stop(child, "KILL");
    assert_eq!(got, None, "killed by SIGKILL: no cleanup possible");
    assert_eq!(names(tmp.path()).len(), 2, "a stale lock and partial set: {:?}", names(tmp.path()));
    pointsim().args(["run", TOY, "--no-plots", "--out"]).arg(&out).assert().success().stderr(
        predicate::str::contains("took over the lock")
            .and(predicate::str::contains("removed"))
            .and(predicate::str::contains("the unfinished results of an interrupted run")),
    );
    assert_eq!(names(tmp.path()), ["out"]);
}

#[test]
fn a_run_into_its_working_directory_leaves_that_directory_in_place() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = TempDir::new().unwrap();
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).unwrap();
    let inode = std::fs::metadata(&here).unwrap().ino();
    let toy = repo(TOY);
    for extra in [&[][..], &["--force", "--seed", "3"][..]] {
        crate::common::pointsim_in(&here)
            .arg("run")
            .arg(&toy)
            .args(["-q", "--no-plots", "--out", "."])
            .args(extra)
            .assert()
            .success();
    }
    assert_eq!(std::fs::metadata(&here).unwrap().ino(), inode, "the same folder, not a new one");
    assert!(here.join("summary.json").exists());
    assert_eq!(names(tmp.path()), ["here"]);
}

/// A plan over the teaching toy in `dir`.
fn plan(dir: &Path, body: &str) -> PathBuf {
    let p = dir.join("p.toml");
    std::fs::write(&p, format!("base = {:?}\n{body}", repo(TOY).display().to_string())).unwrap();
    p
}

/// 40 runs of 20,000 subjects: long enough to stop a sweep in the middle.
const LONG: &str = "replicates = 4\n[vary]\n\"rule.volunteer_service.points\" = [1, 2, 3, 5, 8, 10, 13, 20, 30, 50]\n\"population.size\" = [20000]\n";

/// Journal lines in `dir`.
fn journal_lines(dir: &Path) -> usize {
    // complete lines only: a line cut by SIGKILL does not count
    std::fs::read_to_string(dir.join("journal.jsonl")).map_or(0, |t| t.matches('\n').count())
}

#[test]
fn an_interrupted_sweep_says_what_it_kept_and_resumes() {
    let tmp = TempDir::new().unwrap();
    let p = plan(tmp.path(), LONG);
    let out = tmp.path().join("sw");
    let mut child = spawn(&["sweep", p.to_str().unwrap(), "-j", "1", "-q", "--out", out.to_str().unwrap()]);
    assert!(wait_until(&mut child, || journal_lines(&out) >= 1), "the sweep recorded a run");
    let (got, err) = stop(child, "TERM");
    assert_eq!(got, Some(143), "{err}");
    assert!(err.contains("interrupted by SIGTERM"), "{err}");
    assert!(err.contains("of 40 runs are kept in"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    assert!(out.join("sweep.incomplete").exists(), "marked unfinished");
    assert_eq!(names(tmp.path()), ["p.toml", "sw"], "the lock is gone");
    // readers refuse it and say how to finish it
    for cmd in [vec!["plot", out.to_str().unwrap()], vec!["merge", out.to_str().unwrap(), "--out"]] {
        let mut c = pointsim();
        c.args(&cmd);
        if cmd[0] == "merge" {
            c.arg(tmp.path().join("merged"));
        }
        c.assert()
            .code(2)
            .stderr(predicate::str::contains("not finished").and(predicate::str::contains("--resume")));
    }
    assert!(!tmp.path().join("merged").exists());
    pointsim().args(["sweep", p.to_str().unwrap(), "-q", "--resume", "--out"]).arg(&out).assert().success();
    assert!(!out.join("sweep.incomplete").exists());
    assert!(out.join("runs.csv").exists());
    assert_eq!(journal_lines(&out), 40);
    pointsim()
        .args(["merge", out.to_str().unwrap(), "-q", "--out"])
        .arg(tmp.path().join("merged"))
        .assert()
        .success();
}

#[test]
fn a_sweep_is_resumable_from_its_first_finished_run() {
    let tmp = TempDir::new().unwrap();
    let p = plan(tmp.path(), LONG);
    let out = tmp.path().join("sw");
    let mut child = spawn(&["sweep", p.to_str().unwrap(), "-j", "1", "-q", "--out", out.to_str().unwrap()]);
    // sweep.json and the journal exist from the start
    assert!(wait_until(&mut child, || journal_lines(&out) >= 1));
    let _ = stop(child, "KILL");
    let kept = journal_lines(&out);
    pointsim()
        .args(["sweep", p.to_str().unwrap(), "--resume", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("{} now, {kept} from before", 40 - kept)));
    // a folder with cell files but no sweep.json (a sweep stopped before
    // it wrote sweep.json, as older versions could leave) starts afresh
    let early = tmp.path().join("early");
    std::fs::create_dir_all(early.join("cells")).unwrap();
    std::fs::copy(out.join("cells/c0000.toml"), early.join("cells/c0000.toml")).unwrap();
    std::fs::write(early.join(".pointsim-abc.tmp"), "").unwrap();
    pointsim()
        .args(["sweep", p.to_str().unwrap(), "--resume", "-q", "--out"])
        .arg(&early)
        .assert()
        .success()
        .stderr(predicate::str::contains("starting it afresh"));
    assert_eq!(journal_lines(&early), 40);
}

/// Two shards of a small sweep, in `dir/s0` and `dir/s1`.
fn shards(dir: &Path) -> [PathBuf; 2] {
    let p = plan(
        dir,
        "replicates = 2\n[vary]\n\"rule.volunteer_service.points\" = [1, 10]\n\"population.size\" = [300]\n",
    );
    let s = [dir.join("s0"), dir.join("s1")];
    for (i, d) in s.iter().enumerate() {
        pointsim()
            .args(["sweep", p.to_str().unwrap(), "-q", "--shard", &format!("{i}/2"), "--out"])
            .arg(d)
            .assert()
            .success();
    }
    s
}

/// `merge` of `dirs` into `dir/m`: refused with exit 2 and `msg`, nothing written.
fn merge_refused(dir: &Path, dirs: &[&Path], msg: &str) {
    pointsim()
        .arg("merge")
        .args(dirs)
        .arg("--out")
        .arg(dir.join("m"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(msg));
    assert!(!dir.join("m").exists());
    assert!(!names(dir).iter().any(|n| n.starts_with(".m.")), "{:?}", names(dir));
}

/// Rewrite the journal of `dir`, changing every line with `edit`.
fn edit_journal(dir: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let path = dir.join("journal.jsonl");
    let text: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            edit(&mut v);
            format!("{v}\n")
        })
        .collect();
    std::fs::write(&path, text).unwrap();
}

#[test]
fn merge_refuses_shards_that_do_not_fit_the_plan() {
    let tmp = TempDir::new().unwrap();
    let [s0, s1] = shards(tmp.path());
    let copy = tmp.path().join("s0copy");
    std::fs::create_dir_all(copy.join("cells")).unwrap();
    for f in ["sweep.json", "journal.jsonl", "cells/c0000.toml", "cells/c0001.toml"] {
        std::fs::copy(s0.join(f), copy.join(f)).unwrap();
    }
    merge_refused(tmp.path(), &[&s0, &copy, &s1], "both hold shard 0/2");

    // a run of shard 1 in shard 0's journal
    let mut j0 = std::fs::read_to_string(s0.join("journal.jsonl")).unwrap();
    let j1 = std::fs::read_to_string(s1.join("journal.jsonl")).unwrap();
    let clean0 = j0.clone();
    j0.push_str(j1.lines().next().unwrap());
    j0.push('\n');
    std::fs::write(s0.join("journal.jsonl"), &j0).unwrap();
    merge_refused(tmp.path(), &[&s0, &s1], "is not part of shard 0/2");
    std::fs::write(s0.join("journal.jsonl"), &clean0).unwrap();

    // a run of a cell the plan does not have
    edit_journal(&s1, |v| v["cell"] = 7.into());
    merge_refused(tmp.path(), &[&s0, &s1], "the unknown cell 7 (the plan has 2)");

    // a cell id the plan does not give
    let m = std::fs::read_to_string(s0.join("sweep.json")).unwrap();
    std::fs::write(s0.join("sweep.json"), m.replace("\"c0001\"", "\"c9999\"")).unwrap();
    merge_refused(tmp.path(), &[&s0, &s1], "the unknown id `c9999`");
}
