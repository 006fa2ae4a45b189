//! "Change one number, run it again, and compare": re-running `run` and
//! `compare` into their default folders, `--set` runs side by side, folders
//! of something else still refused, and `plot` on a compare folder.

use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{TOY, pointsim_in, read, repo};

/// A folder holding `scenarios/teaching_toy.toml`, where commands run as a
/// user runs them from a checkout (results under `output/`).
fn checkout() -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    // 500 people in the file itself, so that the default folders are the plain ones
    let text = std::fs::read_to_string(repo(TOY)).unwrap().replacen("size = 2_000 ", "size = 500 ", 1);
    assert!(text.contains("size = 500 "));
    std::fs::write(dir.path().join(TOY), text).unwrap();
    dir
}

/// `pointsim run scenarios/teaching_toy.toml ARGS` in `dir`, small and without charts.
fn run(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    pointsim_in(dir).args(["run", TOY, "--no-plots"]).args(args).assert()
}

/// `pointsim compare scenarios/teaching_toy.toml ARGS` in `dir`, small.
fn compare(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    pointsim_in(dir).args(["compare", TOY, "-r", "2", "-q"]).args(args).assert()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

const POINTS_10: &str = "rule.volunteer_service.points=10";
const POINTS_20: &str = "rule.volunteer_service.points=20";
/// What `-r 2` (not the default 10) adds to a compare's folder name.
const R2: &str = "__replicates=2";

#[test]
fn the_same_run_twice_replaces_its_earlier_results() {
    let dir = checkout();
    let out = dir.path().join("output/teaching_toy");
    run(dir.path(), &["-q"]).success();
    let first = json(&out.join("manifest.json"));
    // a user would look at the report between the two; a stale one must not stay
    std::fs::write(out.join("report.html"), "earlier").unwrap();
    run(dir.path(), &[])
        .success()
        .stderr(predicate::str::contains("note: replaced the earlier results in `output/teaching_toy/`"))
        .stderr(predicate::str::contains("changed since").not());
    assert!(!out.join("report.html").exists(), "the earlier report outlived its data");
    let second = json(&out.join("manifest.json"));
    assert_eq!(first["scenario_sha256"], second["scenario_sha256"]);
    assert_ne!(first["run"], second["run"], "the second run wrote its own manifest");

    // change one number in the file and run it again: replaced, and said so
    let toy = dir.path().join(TOY);
    let text = read(&toy).replacen("seed = 42 ", "seed = 43 ", 1);
    std::fs::write(&toy, text).unwrap();
    run(dir.path(), &[])
        .success()
        .stderr(predicate::str::contains("`scenarios/teaching_toy.toml` has changed since: sha256"));
    assert_eq!(json(&out.join("summary.json"))["seed"], 43);
}

#[test]
fn set_runs_of_different_values_land_in_their_own_folders() {
    let dir = checkout();
    run(dir.path(), &["-q"]).success();
    run(dir.path(), &["-q", "--set", POINTS_10]).success();
    run(dir.path(), &["--set", POINTS_20])
        .success()
        .stdout(predicate::str::contains(format!("results: output/teaching_toy__{POINTS_20}/")));
    let output = dir.path().join("output");
    let points = |folder: &str| {
        let m = json(&output.join(folder).join("manifest.json"));
        let rule = m["resolved_scenario"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == "volunteer_service")
            .unwrap()
            .clone();
        (rule["points"].as_i64().unwrap(), m)
    };
    let (plain, _) = points("teaching_toy");
    let (ten, m10) = points(&format!("teaching_toy__{POINTS_10}"));
    let (twenty, _) = points(&format!("teaching_toy__{POINTS_20}"));
    assert_eq!((ten, twenty), (10, 20));
    assert_ne!(plain, 10);
    // the manifest names the file and the change, and reproduces both
    assert_eq!(m10["scenario_file"], TOY);
    assert_eq!(m10["sets"], serde_json::json!([POINTS_10]));
    let reproduce = m10["command"]["reproduce"].as_str().unwrap();
    assert!(reproduce.starts_with(&format!("pointsim run {TOY} --set {POINTS_10} --seed 42")), "{reproduce}");
    // the same --set run again replaces only its own folder
    run(dir.path(), &["--set", POINTS_10]).success().stderr(predicate::str::contains(format!(
        "replaced the earlier results in `output/teaching_toy__{POINTS_10}/`"
    )));
    assert!(output.join(format!("teaching_toy__{POINTS_20}/summary.json")).is_file());
}

#[test]
fn compare_names_its_folder_by_the_change_and_replaces_only_its_own() {
    let dir = checkout();
    compare(dir.path(), &["--set", POINTS_10, "--no-plots"]).success();
    compare(dir.path(), &["--set", POINTS_20, "--no-plots"]).success();
    let output = dir.path().join("output");
    for set in [POINTS_10, POINTS_20] {
        let j = json(&output.join(format!("teaching_toy_vs_{set}{R2}/compare.json")));
        assert!(j["reform"]["name"].as_str().unwrap().contains(set), "{}", j["reform"]["name"]);
    }
    compare(dir.path(), &["--set", POINTS_10, "--no-plots"]).success();
    // a compare's folder is not a run's, and another change's is not this one's
    run(dir.path(), &["--out", &format!("output/teaching_toy_vs_{POINTS_10}{R2}")])
        .code(2)
        .stderr(predicate::str::contains("holds the results of another run: `pointsim compare"))
        .stderr(predicate::str::contains("--force"));
    compare(
        dir.path(),
        &["--set", POINTS_20, "--no-plots", "--out", &format!("output/teaching_toy_vs_{POINTS_10}{R2}")],
    )
    .code(2)
    .stderr(predicate::str::contains("holds the results of another run"));
    let j = json(&output.join(format!("teaching_toy_vs_{POINTS_10}{R2}/compare.json")));
    assert!(j["reform"]["name"].as_str().unwrap().contains(POINTS_10), "a refused compare wrote");
}

#[test]
fn a_folder_of_something_else_is_still_refused_without_force() {
    let dir = checkout();
    let out = dir.path().join("output/teaching_toy");
    // another scenario's results in the toy's default folder
    pointsim_in(dir.path())
        .args(["run", &repo("scenarios/traffic_demerit_toy.toml").display().to_string()])
        .args(["--out", "output/teaching_toy", "--population", "500", "--no-plots", "-q"])
        .assert()
        .success();
    let before = read(&out.join("summary.json"));
    run(dir.path(), &[])
        .code(2)
        .stderr(predicate::str::contains("holds the results of another run: `pointsim run"))
        .stderr(predicate::str::contains("traffic_demerit_toy.toml"))
        .stderr(predicate::str::contains("hint: a command replaces only its own earlier results"))
        .stderr(predicate::str::contains("--force"));
    assert_eq!(read(&out.join("summary.json")), before, "a refused run touched the results");

    // the same run with other options is another run: its own folder by
    // default, and refused in this one
    run(dir.path(), &["--force", "-q"]).success();
    let before = read(&out.join("summary.json"));
    run(dir.path(), &["--seed", "9"])
        .success()
        .stdout(predicate::str::contains("results: output/teaching_toy__seed=9/"));
    run(dir.path(), &["--seed", "9", "--out", "output/teaching_toy"])
        .code(2)
        .stderr(predicate::str::contains("another run"));
    assert_eq!(read(&out.join("summary.json")), before);
    // an option typed with the value it has anyway changes nothing: the
    // report's Reproduce line (`--seed 42`) replaces the run it reproduces
    run(dir.path(), &["--seed", "42", "--population", "500"])
        .success()
        .stdout(predicate::str::contains("results: output/teaching_toy/"))
        .stderr(predicate::str::contains("replaced the earlier results"));

    // a file pointsim did not write, next to the same run's results
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    run(dir.path(), &[])
        .code(2)
        .stderr(predicate::str::contains("holds a file that `pointsim run` does not write: `notes.txt`"))
        .stderr(predicate::str::contains("--force"));
    run(dir.path(), &["--force", "-q"]).success();
    assert_eq!(read(&out.join("notes.txt")), "mine", "--force keeps files of other names");

    // a folder of user files only
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.tex"), "x").unwrap();
    run(dir.path(), &["--out", "mine"]).code(2).stderr(predicate::str::contains("`thesis.tex`"));
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
}

#[test]
fn plot_on_a_compare_folder_redraws_its_chart_and_page() {
    let dir = checkout();
    compare(dir.path(), &["--set", POINTS_10]).success();
    let out = dir.path().join(format!("output/teaching_toy_vs_{POINTS_10}{R2}"));
    let files = ["compare.html", "plots/compare_distribution.svg", "plots/compare_distribution.png"];
    let drawn: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(out.join(f)).unwrap()).collect();
    for f in files {
        std::fs::remove_file(out.join(f)).unwrap();
    }
    pointsim_in(dir.path())
        .args(["plot", &format!("output/teaching_toy_vs_{POINTS_10}{R2}")])
        .assert()
        .success()
        .stdout(predicate::str::contains("compare.html"));
    for (f, bytes) in files.iter().zip(&drawn).take(2) {
        assert_eq!(&std::fs::read(out.join(f)).unwrap(), bytes, "{f} differs from what compare drew");
    }
    assert!(out.join(files[2]).is_file());

    // a compare.json that is not one gives a clear error, not "no manifest.json"
    std::fs::write(out.join("compare.json"), "{}").unwrap();
    pointsim_in(dir.path())
        .args(["plot", &format!("output/teaching_toy_vs_{POINTS_10}{R2}")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("compare.json"))
        .stderr(predicate::str::contains("manifest.json").not())
        .stderr(predicate::str::contains("hint: run the comparison again"));
}

#[test]
fn the_toys_header_commands_work_as_printed_and_again() {
    let header: Vec<String> = read(&repo(TOY))
        .lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("#   pointsim "))
        .map(str::to_owned)
        .collect();
    assert_eq!(header.len(), 3, "{header:?}");
    let dir = checkout();
    // the second round is the "run it again"
    for _ in 0..2 {
        for cmd in &header {
            let words: Vec<&str> = cmd.split_whitespace().collect();
            pointsim_in(dir.path())
                .args(&words)
                .args(["--no-plots", "-q"])
                .assert()
                .success()
                .stderr(predicate::str::contains("error").not());
        }
    }
    for folder in [
        "teaching_toy",
        "teaching_toy__rule.volunteer_service.points=10",
        "teaching_toy_vs_rule.volunteer_service.points=10",
    ] {
        assert!(dir.path().join("output").join(folder).is_dir(), "{folder}");
    }
}

/// Copy `from` (a folder of the repository) into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn the_run_and_compare_help_examples_of_repository_files_work() {
    let dir = TempDir::new().unwrap();
    for folder in ["scenarios", "examples/overlays"] {
        copy_tree(&repo(folder), &dir.path().join(folder));
    }
    let mut tried = 0;
    for command in ["run", "compare"] {
        let help = pointsim_in(dir.path()).args([command, "--help"]).output().unwrap();
        let help = String::from_utf8(help.stdout).unwrap();
        let examples = help.lines().map(str::trim).filter(|l| {
            l.starts_with(&format!("pointsim {command} scenarios/")) && !l.contains("--out /tmp")
        });
        for example in examples {
            let words: Vec<&str> = example.split_whitespace().skip(1).collect();
            // small and quick: the examples' paths and --set changes are what is checked
            let small: &[&str] =
                if command == "run" { &["--population", "500"] } else { &["--population", "500", "-r", "2"] };
            pointsim_in(dir.path()).args(&words).args(small).args(["--no-plots", "-q"]).assert().success();
            tried += 1;
        }
    }
    assert!(tried >= 5, "{tried} examples");
}
