//! Hostile input (issue 15): endless and special files, names and text made
//! to break outputs or terminals, commands pointed at their own inputs.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tempfile::TempDir;

use crate::common::repo;

/// [`crate::common::pointsim`] that gives up after two minutes: a command
/// that would block on an endless file fails instead of hanging the suite.
fn pointsim() -> Command {
    let mut cmd = crate::common::pointsim();
    cmd.timeout(Duration::from_secs(120));
    cmd
}

/// Run `pointsim` with `args`, expecting exit code `code`; its stderr.
fn fails(args: &[&str], dir: &Path, code: i32) -> String {
    let out = pointsim().current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    stderr
}

#[cfg(unix)]
#[test]
fn endless_and_special_files_are_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let started = Instant::now();
    let err = fails(&["check", "/dev/zero"], dir.path(), 2);
    assert!(err.contains("`/dev/zero` is not a regular file"), "{err}");
    std::fs::write(dir.path().join("over.toml"), "extends = \"/dev/zero\"\n").unwrap();
    let err = fails(&["check", "over.toml"], dir.path(), 2);
    assert!(err.contains("--> over.toml:1:11"), "the error points at `extends`: {err}");
    let fifo = dir.path().join("fifo.toml");
    if std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        let err = fails(&["check", "fifo.toml"], dir.path(), 2);
        assert!(err.contains("`fifo.toml` is not a regular file"), "{err}");
        let err = fails(&["sweep", "fifo.toml"], dir.path(), 2);
        assert!(err.contains("not a regular file"), "{err}");
    }
    assert!(started.elapsed() < Duration::from_secs(60), "nothing blocks or reads without end");
}

#[test]
fn a_file_over_the_size_cap_is_refused() {
    let dir = TempDir::new().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; pointsim::scenario::MAX_FILE_BYTES as usize + 1]).unwrap();
    let err = fails(&["check", "big.toml"], dir.path(), 2);
    assert!(err.contains("`big.toml` is larger than 4 MiB"), "{err}");
    std::fs::write(dir.path().join("over.toml"), "extends = \"big.toml\"\n").unwrap();
    let err = fails(&["check", "over.toml"], dir.path(), 2);
    assert!(err.contains("is larger than 4 MiB") && err.contains("--> over.toml:1:11"), "{err}");
}

/// A tiny scenario with tiers named `low` and `name`, a rule `r` and a perk `p`.
fn tiny(name: &str) -> String {
    format!(
        "[scenario]\nname = \"tiny\"\nsteps = 5\n[score]\nstart = 10\n[population]\nsize = 50\n\
         [[tier]]\nname = \"low\"\nmin = 0\n[[tier]]\nname = \"{name}\"\nmin = 10\n\
         [[rule]]\nid = \"r\"\npoints = 1\nrate = 5.0\n[[perk]]\nid = \"p\"\nlabel = \"=HYPERLINK()\"\nmin_score = 11\n"
    )
}

#[test]
fn sweep_chart_names_from_tier_names_are_safe_files() {
    let dir = TempDir::new().unwrap();
    for (i, name) in ["A/B", "../up"].iter().enumerate() {
        let sub = dir.path().join(format!("s{i}"));
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("base.toml"), tiny(name)).unwrap();
        std::fs::write(
            sub.join("plan.toml"),
            "base = \"base.toml\"\nreplicates = 2\n[vary]\n\"rule.r.points\" = [1, 2]\n",
        )
        .unwrap();
    }
    // two tiers whose names differ only by a slash and by case
    let sub = dir.path().join("s0");
    std::fs::write(sub.join("base.toml"), tiny("A/B").replace("name = \"low\"", "name = \"a_b\"")).unwrap();
    pointsim().current_dir(&sub).args(["sweep", "plan.toml", "--out", "o", "-q"]).assert().success();
    let mut plots: Vec<String> = std::fs::read_dir(sub.join("o/plots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    plots.sort();
    // tiers come highest first, so the higher tier `A/B` keeps the plain name
    assert!(plots.contains(&"tier_share.A_B.svg".to_owned()), "{plots:?}");
    assert!(plots.contains(&"tier_share.a_b-2.svg".to_owned()), "{plots:?}");
    assert!(
        std::fs::read_dir(sub.join("o/plots")).unwrap().all(|e| e.unwrap().file_type().unwrap().is_file())
    );
    let sub = dir.path().join("s1");
    pointsim().current_dir(&sub).args(["sweep", "plan.toml", "--out", "o", "-q"]).assert().success();
    assert!(sub.join("o/plots/tier_share..._up.svg").is_file());
    assert!(!sub.join("up.svg").exists() && !dir.path().join("up.svg").exists());
}

#[test]
fn formula_cells_from_scenario_text_are_neutralised() {
    let dir = TempDir::new().unwrap();
    let text = tiny("@top").replace(
        "size = 50\n",
        "size = 50\n[[population.group]]\nname = \"=1+2\"\nshare = 0.5\n[[population.group]]\nname = \"-x\"\nshare = 0.5\n",
    );
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    pointsim()
        .current_dir(dir.path())
        .args(["run", "s.toml", "--out", "o", "-q", "--no-plots", "--min-cell", "0"])
        .assert()
        .success();
    let steps = std::fs::read_to_string(dir.path().join("o/steps.csv")).unwrap();
    assert!(steps.lines().any(|l| l.starts_with("0,0.0,'=1+2,")), "{steps}");
    assert!(steps.lines().any(|l| l.starts_with("0,0.0,'-x,")), "{steps}");
    assert!(!steps.lines().any(|l| l.contains(",=1+2,")), "{steps}");
    let hist = std::fs::read_to_string(dir.path().join("o/histogram.csv")).unwrap();
    assert!(hist.lines().any(|l| l.starts_with("'=1+2,")), "{hist}");
    // numbers stay numbers: a negative bin edge is not quoted
    let neg = tiny("top").replace("start = 10", "start = -10");
    std::fs::write(dir.path().join("n.toml"), neg).unwrap();
    pointsim()
        .current_dir(dir.path())
        .args(["run", "n.toml", "--out", "n", "-q", "--no-plots"])
        .assert()
        .success();
    let hist = std::fs::read_to_string(dir.path().join("n/histogram.csv")).unwrap();
    assert!(hist.lines().any(|l| l.starts_with("all,-")), "{hist}");
}

#[test]
fn no_command_writes_over_its_own_inputs() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    std::fs::write(d.join("base.toml"), tiny("top")).unwrap();
    std::fs::write(
        d.join("plan.toml"),
        "base = \"base.toml\"\nreplicates = 1\n[vary]\n\"rule.r.points\" = [1, 2]\n",
    )
    .unwrap();
    for i in 0..2 {
        let shard = format!("{i}/2");
        let out = format!("s{i}");
        pointsim()
            .current_dir(d)
            .args(["sweep", "plan.toml", "--shard", &shard, "--out", &out, "-q", "--no-plots"])
            .assert()
            .success();
    }
    let before = std::fs::read_dir(d.join("s0")).unwrap().count();
    for force in [false, true] {
        let mut args = vec!["merge", "s0", "s1", "--out", "s0", "--no-plots"];
        if force {
            args.push("--force");
        }
        let err = fails(&args, d, 2);
        assert!(err.contains("output folder `s0` is one of this command's inputs"), "{err}");
    }
    assert_eq!(std::fs::read_dir(d.join("s0")).unwrap().count(), before, "shard s0 is untouched");
    pointsim()
        .current_dir(d)
        .args(["merge", "s0", "s1", "--out", "all", "-q", "--no-plots"])
        .assert()
        .success();
    // an output folder holding the scenario, the plan or a file an overlay extends
    std::fs::create_dir(d.join("sub")).unwrap();
    std::fs::write(d.join("sub/over.toml"), "extends = \"../base.toml\"\n").unwrap();
    for args in [
        vec!["run", "base.toml", "--out", ".", "--force", "--no-plots"],
        vec!["run", "sub/over.toml", "--out", ".", "--force", "--no-plots"],
        vec!["compare", "base.toml", "sub/over.toml", "--out", "sub", "--force", "--no-plots", "-r", "1"],
        vec!["sweep", "plan.toml", "--out", ".", "--force", "--no-plots"],
    ] {
        let err = fails(&args, d, 2);
        assert!(err.contains("one of this command's inputs"), "{args:?}: {err}");
    }
    assert!(d.join("base.toml").is_file() && d.join("plan.toml").is_file());
}

#[test]
fn extends_is_read_from_the_folder_of_the_file_that_names_it() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("a/b")).unwrap();
    std::fs::write(d.join("base.toml"), tiny("top")).unwrap();
    std::fs::write(d.join("a/mid.toml"), "extends = \"../base.toml\"\n[scenario]\nname = \"mid\"\n").unwrap();
    std::fs::write(d.join("a/b/top.toml"), "extends = \"../mid.toml\"\n[scenario]\nsteps = 4\n").unwrap();
    // from anywhere: each `extends` is relative to its own file
    for cwd in [d.to_path_buf(), d.join("a/b"), repo("")] {
        pointsim().current_dir(&cwd).arg("check").arg(d.join("a/b/top.toml")).assert().success();
    }
    // `compare --set extends=...` is read from the folder of the file it changes
    std::fs::write(d.join("a/reform.toml"), tiny("top")).unwrap();
    pointsim()
        .current_dir(d)
        .args(["compare", "base.toml", "a/reform.toml", "--set", "extends=../base.toml"])
        .args(["--out", "o", "-r", "1", "-q", "--no-plots"])
        .assert()
        .success();
    let err = fails(
        &["compare", "base.toml", "a/reform.toml", "--set", "extends=base.toml", "--out", "p", "-r", "1"],
        d,
        2,
    );
    assert!(err.contains("`a/base.toml`, which does not exist"), "{err}");
}

#[test]
fn a_file_that_is_not_toml_is_named_not_quoted() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    let secret = "root:x:0:0:secret-token:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n";
    std::fs::write(d.join("passwd"), secret).unwrap();
    std::fs::write(d.join("over.toml"), "extends = \"passwd\"\n").unwrap();
    let err = fails(&["check", "over.toml"], d, 2);
    assert!(err.contains("`extends` names `passwd`, which is not a TOML scenario"), "{err}");
    assert!(!err.contains("secret-token") && !err.contains("root:x"), "{err}");
    let err = fails(&["check", "passwd"], d, 2);
    assert!(err.contains("`passwd` is not a TOML scenario") && !err.contains("secret-token"), "{err}");
    // a scenario with a typo is still quoted, to point at the typo
    std::fs::write(d.join("typo.toml"), "[scenario]\nname = \"x\nsteps = 3\n").unwrap();
    let err = fails(&["check", "typo.toml"], d, 2);
    assert!(err.contains("invalid TOML") && err.contains("name = \"x"), "{err}");
}

#[test]
fn remove_false_is_an_error_with_a_hint() {
    let dir = TempDir::new().unwrap();
    let d = dir.path();
    std::fs::write(d.join("base.toml"), tiny("top")).unwrap();
    std::fs::write(d.join("over.toml"), "extends = \"base.toml\"\n[[rule]]\nid = \"r\"\nremove = false\n")
        .unwrap();
    let err = fails(&["check", "over.toml"], d, 2);
    assert!(
        err.contains("`remove = false` in rule `r` does nothing") && err.contains("--> over.toml:4:10"),
        "{err}"
    );
    assert!(err.contains("hint: drop the `remove` line"), "{err}");
}
