//! End-to-end tests of the `pointsim` command on tiny scenarios.

use std::path::{Path, PathBuf};

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{TOY, pointsim, read, repo};

/// Run a scenario given as text (quietly, without charts) and return its summary.json.
fn summary_of(text: &str) -> serde_json::Value {
    let dir = TempDir::new().unwrap();
    let (f, out) = (dir.path().join("s.toml"), dir.path().join("o"));
    std::fs::write(&f, text).unwrap();
    pointsim().arg("run").arg(&f).arg("--out").arg(&out).args(["-q", "--no-plots"]).assert().success();
    serde_json::from_str(&read(&out.join("summary.json"))).unwrap()
}

/// Run the teaching toy into `out` with extra arguments, without charts
/// (drawing them takes seconds in a debug build; the plot tests draw them).
fn run_toy(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    let mut args = vec!["--no-plots"];
    args.extend_from_slice(extra);
    run_toy_with_plots(out, &args)
}

/// Run the teaching toy into `out` with extra arguments, charts included.
fn run_toy_with_plots(out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pointsim()
        .arg("run")
        .arg(repo(TOY))
        .arg("--out")
        .arg(out)
        .args(["--population", "3000", "-q"])
        .args(extra)
        .assert()
}

const DATA_FILES: [&str; 3] = ["summary.json", "steps.csv", "histogram.csv"];

#[test]
fn run_writes_every_output_and_the_contract_keys() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("toy");
    run_toy_with_plots(&out, &[]).success();
    for f in DATA_FILES.iter().chain(&["manifest.json"]) {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let summary: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    for key in ["scenario", "seed", "population", "steps", "final"] {
        assert!(summary.get(key).is_some(), "summary.json lacks `{key}`");
    }
    assert_eq!(summary["population"], 3000);
    let fin = &summary["final"];
    for key in ["mean", "sd", "min", "max", "quantiles"] {
        assert!(fin["score"].get(key).is_some(), "final.score lacks `{key}`");
    }
    for q in ["p01", "p10", "p50", "p90", "p99"] {
        assert!(fin["score"]["quantiles"].get(q).is_some(), "quantile {q} missing");
    }
    let tier_total: f64 = fin["tier_share"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
    assert!((tier_total - 1.0).abs() < 1e-12, "tier shares sum to {tier_total}");
    for (_, g) in fin["by_group"].as_object().unwrap() {
        for key in ["size", "score_mean", "tier_share", "perk_share"] {
            assert!(g.get(key).is_some(), "by_group entry lacks `{key}`");
        }
    }
    // every file, and no temporary files left behind
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "columns.csv",
            "histogram.csv",
            "manifest.json",
            "plots",
            "report.html",
            "steps.csv",
            "summary.json"
        ]
    );
}

#[test]
fn run_prints_a_human_summary() {
    let dir = TempDir::new().unwrap();
    pointsim()
        .arg("run")
        .arg(repo(TOY))
        .arg("--out")
        .arg(dir.path().join("o"))
        .args(["--population", "1000"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Teaching toy"))
        .stdout(predicate::str::contains("%"));
}

/// A group a perk or restriction does not apply to (`applies_to` leaves its
/// kind out) reads `n/a` in the terminal table, not a share of 0.0%.
#[test]
fn the_summary_says_n_a_where_an_item_does_not_apply() {
    let dir = TempDir::new().unwrap();
    let out = pointsim()
        .arg("run")
        .arg(repo("scenarios/national_blacklist.toml"))
        .arg("--out")
        .arg(dir.path().join("o"))
        .args(["--population", "21000", "--no-plots"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let row = |id: &str| -> Vec<String> {
        let line =
            text.lines().find(|l| l.trim_start().starts_with(id)).unwrap_or_else(|| panic!("{id}: {text}"));
        line.split_whitespace().skip(1).map(str::to_owned).collect()
    };
    // columns: all, citizens_general, citizens_low_income, companies
    let perk = row("fast_track_approvals"); // companies only
    assert!(perk[0].ends_with('%') && perk[3].ends_with('%'), "{perk:?}");
    assert_eq!(&perk[1..3], ["n/a", "n/a"], "{perk:?}");
    let flights = row("no_flights"); // citizens only
    assert!(flights[1].ends_with('%') && flights[2].ends_with('%'), "{flights:?}");
    assert_eq!(flights[3], "n/a", "{flights:?}");
    assert!(text.contains("n/a: the perk or restriction does not apply"), "{text}");
}

/// Same seed on 1 and 2 threads: every data file byte-identical, and the
/// manifest identical outside its `run` object.
#[test]
fn outputs_are_identical_on_one_and_two_threads() {
    let dir = TempDir::new().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_toy(&a, &["-j", "1"]).success();
    run_toy(&b, &["-j", "2"]).success();
    for f in DATA_FILES {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f} differs between 1 and 2 threads");
    }
    let strip = |p: &Path| {
        let mut m: serde_json::Value = serde_json::from_str(&read(&p.join("manifest.json"))).unwrap();
        m.as_object_mut().unwrap().remove("run");
        m["command"].as_object_mut().unwrap().remove("argv");
        m
    };
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn seed_changes_results_and_is_recorded() {
    let dir = TempDir::new().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_toy(&a, &["--seed", "1"]).success();
    run_toy(&b, &["--seed", "2"]).success();
    assert_ne!(read(&a.join("histogram.csv")), read(&b.join("histogram.csv")));
    let m: serde_json::Value = serde_json::from_str(&read(&b.join("manifest.json"))).unwrap();
    assert_eq!(m["seed"], 2);
    assert!(m["command"]["reproduce"].as_str().unwrap().contains("--seed 2"));
}

/// The `reproduce` command from a manifest gives the same data files.
#[test]
fn manifest_reproduce_command_reproduces_the_run() {
    let dir = TempDir::new().unwrap();
    let a = dir.path().join("a");
    run_toy(&a, &["--seed", "5", "--steps", "20"]).success();
    let m: serde_json::Value = serde_json::from_str(&read(&a.join("manifest.json"))).unwrap();
    let reproduce = m["command"]["reproduce"].as_str().unwrap().to_owned();
    let words: Vec<&str> = reproduce.split_whitespace().collect();
    assert_eq!(words[0], "pointsim");
    let b = dir.path().join("b");
    pointsim().args(&words[1..]).arg("--out").arg(&b).arg("-q").assert().success();
    for f in DATA_FILES {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
}

/// A run that wrote a ledger (or a sample of one) says so in its Reproduce
/// line, so running that line writes the same ledger again.
#[cfg(feature = "parquet")]
#[test]
fn the_reproduce_command_writes_the_ledger_again() {
    let dir = TempDir::new().unwrap();
    for (extra, ends) in
        [(&["--ledger"][..], " --ledger"), (&["--trace-sample", "7"][..], " --trace-sample 7")]
    {
        let a = dir.path().join(format!("a{}", extra.len()));
        run_toy(&a, &[&["--steps", "10"][..], extra].concat()).success();
        let m: serde_json::Value = serde_json::from_str(&read(&a.join("manifest.json"))).unwrap();
        let reproduce = m["command"]["reproduce"].as_str().unwrap().to_owned();
        assert!(reproduce.ends_with(ends), "{reproduce}");
        let words: Vec<&str> = reproduce.split_whitespace().collect();
        let b = dir.path().join(format!("b{}", extra.len()));
        pointsim().args(&words[1..]).arg("--out").arg(&b).arg("-q").assert().success();
        let ledger = |d: &Path| std::fs::read(d.join("ledger.parquet")).unwrap();
        assert_eq!(ledger(&a), ledger(&b), "{reproduce}");
    }
}

#[test]
fn non_empty_out_is_refused_without_force() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("o");
    run_toy(&out, &[]).success();
    let before = read(&out.join("summary.json"));
    run_toy(&out, &["--seed", "9"]).code(2).stderr(predicate::str::contains("--force"));
    assert_eq!(read(&out.join("summary.json")), before, "refused run must not touch results");
    run_toy(&out, &["--seed", "9", "--force"]).success();
    assert_ne!(read(&out.join("summary.json")), before);
}

#[test]
fn bad_scenario_exits_2_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[scenario]\nname = \"x\"\nsteps = 0\n[score]\nstart = 1\n[population]\nsize = 0\n")
        .unwrap();
    let out = dir.path().join("o");
    pointsim()
        .arg("run")
        .arg(&bad)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml:3:"))
        .stderr(predicate::str::contains("bad.toml:7:"));
    assert!(!out.exists(), "nothing may be written for a bad scenario");
}

#[test]
fn bad_overrides_exit_2() {
    let dir = TempDir::new().unwrap();
    run_toy(&dir.path().join("o"), &["--steps", "0"]).code(2).stderr(predicate::str::contains("--steps 0"));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn missing_file_and_directory_exit_2() {
    pointsim()
        .args(["check", "no/such/file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("file.toml"));
    pointsim().arg("check").arg(repo("scenarios")).assert().code(2);
    pointsim().args(["run", "no/such/file.toml"]).assert().code(2);
}

#[test]
fn absurd_population_is_refused_with_its_position() {
    let dir = TempDir::new().unwrap();
    pointsim()
        .arg("run")
        .arg(repo(TOY))
        .arg("--out")
        .arg(dir.path().join("o"))
        .args(["--population", "999999999999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--population 999999999999"));
    let big = dir.path().join("big.toml");
    let text = read(&repo(TOY)).replace("size = 2_000", "size = 2_000_000_000");
    assert!(text.contains("2_000_000_000"), "the toy's population line changed; update this test");
    std::fs::write(&big, text).unwrap();
    pointsim()
        .arg("run")
        .arg(&big)
        .arg("--out")
        .arg(dir.path().join("p"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("big.toml:"))
        .stderr(predicate::str::contains("between 1 and 1000000000"));
    assert!(!dir.path().join("p").exists());
}

/// 100,000 weekly snapshots on 64 threads need tens of GiB of partial
/// histograms: the run is refused before anything is allocated.
#[test]
fn memory_need_beyond_the_machine_is_refused() {
    let dir = TempDir::new().unwrap();
    run_toy(&dir.path().join("o"), &["--steps", "100000", "-j", "64"])
        .code(2)
        .stderr(predicate::str::contains("GiB of memory"));
    assert!(!dir.path().join("o").exists());
}

#[test]
fn check_accepts_every_reference_scenario() {
    // the reference scenarios and the overlays on them (variants, reforms)
    let files: Vec<PathBuf> = ["scenarios", "scenarios/overlays"]
        .into_iter()
        .flat_map(|d| std::fs::read_dir(repo(d)).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    assert!(files.len() >= 10);
    pointsim()
        .arg("check")
        .args(&files)
        .assert()
        .success()
        .stdout(predicate::str::contains("ok:").count(files.len()));
}

#[test]
fn check_reports_every_bad_file() {
    let dir = TempDir::new().unwrap();
    let (a, b) = (dir.path().join("a.toml"), dir.path().join("b.toml"));
    std::fs::write(&a, "[scenario]\nname = 1\n").unwrap();
    std::fs::write(&b, "").unwrap();
    pointsim()
        .arg("check")
        .arg(&a)
        .arg(&b)
        .arg(repo(TOY))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a.toml"))
        .stderr(predicate::str::contains("b.toml"));
}

#[test]
fn schema_is_json_and_matches_the_committed_copy() {
    let out = pointsim().arg("schema").assert().success().get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v.get("properties").is_some());
    assert_eq!(String::from_utf8(out).unwrap(), read(&repo("scenario.schema.json")));
}

#[test]
fn new_writes_a_starter_that_checks_and_runs() {
    let dir = TempDir::new().unwrap();
    pointsim().current_dir(dir.path()).args(["new", "my \"city\""]).assert().success();
    let file = dir.path().join("my \"city\".toml");
    assert!(read(&file).contains("my \\\"city\\\""));
    pointsim().current_dir(dir.path()).arg("check").arg(&file).assert().success();
    pointsim().current_dir(dir.path()).args(["new", "my \"city\""]).assert().code(2);
    pointsim()
        .current_dir(dir.path())
        .arg("run")
        .arg(&file)
        .args(["--population", "500", "-q"])
        .assert()
        .success();
    assert!(dir.path().join("output/my \"city\"__population=500/summary.json").is_file());
}

#[test]
fn help_shows_examples() {
    for cmd in ["run", "check", "schema", "new", "plot", "compare"] {
        pointsim().args([cmd, "--help"]).assert().success().stdout(predicate::str::contains("Example"));
    }
}

#[test]
fn broken_pipe_is_not_an_error() {
    // `schema | head -c 0`: the reading end is closed before pointsim starts,
    // so its write always fails with a broken pipe; it still exits 0, quietly
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("pointsim"))
        .arg("schema")
        .stdout(writer)
        .output()
        .unwrap();
    assert!(out.status.success(), "exit {:?}", out.status);
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The library examples run (cargo test builds them next to the test binaries).
#[test]
fn examples_run() {
    let exe = std::env::current_exe().unwrap();
    let examples = exe.parent().unwrap().parent().unwrap().join("examples");
    let mut ran = 0;
    for entry in std::fs::read_dir(repo("examples")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue; // examples/overlays/ holds scenario files, not programs
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let bin = examples.join(&name);
        if !bin.is_file() {
            // `cargo test` builds examples; a filtered run (`--test main cli::`) may not have
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let built = std::process::Command::new(cargo)
                .args(["build", "--example", &name])
                .current_dir(repo("."))
                .status()
                .unwrap();
            assert!(built.success() && bin.is_file(), "cannot build example `{name}`");
        }
        let out = std::process::Command::new(&bin).output().unwrap();
        assert!(out.status.success(), "example `{name}` failed: {}", String::from_utf8_lossy(&out.stderr));
        ran += 1;
    }
    assert!(ran > 0);
}

/// `run` draws every chart and the report; `plot` re-draws them from the
/// saved files alone, byte for byte (SVG and HTML), without the scenario.
#[test]
fn plot_re_renders_identical_charts_and_report_from_saved_results() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("o");
    run_toy_with_plots(&out, &[]).success();
    let plots = out.join("plots");
    let svgs: Vec<PathBuf> = std::fs::read_dir(&plots)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    assert!(svgs.len() >= 4, "{svgs:?}");
    for svg in &svgs {
        assert!(svg.with_extension("png").is_file(), "{} has no PNG", svg.display());
    }
    let before: Vec<String> = svgs.iter().map(|p| read(p)).collect();
    let report = read(&out.join("report.html"));
    // the simulation's inputs are gone; plot needs only the output folder
    for svg in &svgs {
        std::fs::remove_file(svg).unwrap();
    }
    std::fs::remove_file(out.join("report.html")).unwrap();
    pointsim().arg("plot").arg(&out).assert().success().stdout(predicate::str::contains("report.html"));
    for (svg, old) in svgs.iter().zip(&before) {
        assert_eq!(&read(svg), old, "{} differs after `plot`", svg.display());
    }
    assert_eq!(read(&out.join("report.html")), report);
}

#[test]
fn no_plots_writes_only_the_data_files() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("o");
    run_toy(&out, &[]).success();
    assert!(!out.join("plots").exists() && !out.join("report.html").exists());
}

#[test]
fn plot_of_a_folder_without_results_exits_2() {
    let dir = TempDir::new().unwrap();
    pointsim()
        .arg("plot")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("manifest.json"))
        .stderr(predicate::str::contains("hint:"));
}

/// Points in the billions with no clamp could spread scores over more
/// histogram cells than memory holds: refused up front, with a hint.
#[test]
fn unbounded_huge_points_are_refused_not_allocated() {
    let dir = TempDir::new().unwrap();
    let f = dir.path().join("huge.toml");
    std::fs::write(
        &f,
        "[scenario]\nname = \"huge\"\nsteps = 365\n[score]\nstart = 0\n[population]\nsize = 10\n\
         [[rule]]\nid = \"up\"\npoints = 3000000000\nrate = 50\n[[rule]]\nid = \"down\"\npoints = -3000000000\nrate = 50\n",
    )
    .unwrap();
    pointsim()
        .arg("run")
        .arg(&f)
        .arg("--out")
        .arg(dir.path().join("o"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("GiB of memory"))
        .stderr(predicate::str::contains("score"));
    assert!(!dir.path().join("o").exists());
}

/// `summary.json` names what the run never exercised: a rule with rate 0,
/// a tier and a perk out of reach, a restriction nobody falls under, and
/// counts the points the clamp removed.
#[test]
fn coverage_lists_what_the_run_never_exercised() {
    let v = summary_of(
        r#"
[scenario]
name = "coverage"
steps = 12
step = "month"
[score]
start = 100
max = 100
[[tier]]
name = "low"
min = 0
[[tier]]
name = "mid"
min = 90
[[tier]]
name = "unreachable"
min = 500
[population]
size = 200
[[rule]]
id = "never"
points = -50
rate = 0
[[rule]]
id = "often_up"
points = 5
rate = 12
[[perk]]
id = "out_of_reach"
min_tier = "unreachable"
[[perk]]
id = "everyone"
min_score = 0
[[restriction]]
id = "nobody"
max_score = 10
"#,
    );
    let c = &v["coverage"];
    assert_eq!(c["rules_never_fired"], serde_json::json!(["never"]));
    assert_eq!(c["tiers_never_reached"], serde_json::json!(["unreachable", "low"]));
    assert_eq!(c["perks_never_held"], serde_json::json!(["out_of_reach"]));
    assert_eq!(c["restrictions_never_imposed"], serde_json::json!(["nobody"]));
    // everyone sits at the cap of 100, so every +5 is clamped away entirely
    let events = v["rules"]["often_up"]["events"].as_u64().unwrap();
    assert!(events > 0);
    assert_eq!(c["points_clamped"].as_u64().unwrap(), 5 * events);
}

#[test]
fn trace_prints_tier_changes_in_plain_language() {
    let out = pointsim()
        .args(["trace", "tests/data/trace/restore.toml", "--subject", "0", "--subject", "2"])
        .current_dir(repo("."))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("subject 0 (group all) in Trace by hand, seed 1"), "{text}");
    assert!(text.contains("subject 2 (group all)"), "{text}");
    assert!(text.contains("  lost tier A at the end of month 1 (now C)\n"), "{text}");
    assert!(text.contains("  reached tier A at the end of month 7\n"), "{text}");
    assert!(text.contains(
        "month 13: \u{2212}20 for `late_fee` (Late fee), score 1000 → 980, 1st in this scenario year"
    ));
}

#[test]
fn trace_json_parses_and_lists_events_in_time_order() {
    let out = pointsim()
        .args(["trace", "tests/data/trace/feedback.toml", "--format", "json", "--seed", "3"])
        .args(["--subject", "5", "--subject", "1999"])
        .current_dir(repo("."))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(doc["seed"], 3);
    assert_eq!(doc["scenario"], "Trace feedback");
    let subjects = doc["subjects"].as_array().unwrap();
    assert_eq!(subjects.len(), 2);
    assert_eq!(
        (subjects[0]["group"].as_str(), subjects[1]["group"].as_str()),
        (Some("steady"), Some("fragile"))
    );
    for subject in subjects {
        let events = subject["events"].as_array().unwrap();
        assert!(!events.is_empty());
        let mut last = (0, 0.0);
        for e in events {
            let at = (e["step"].as_u64().unwrap(), e["time"].as_f64().unwrap());
            assert!(at >= last, "events out of order: {e}");
            last = at;
            let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys.len(), 8, "{e}");
        }
        assert_eq!(subject["final"]["score"], events.last().unwrap()["score_after"]);
    }
    // keys in the documented order, not sorted
    let text = String::from_utf8(out).unwrap();
    let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
    assert!(pos("subject") < pos("group") && pos("group") < pos("start") && pos("start") < pos("final"));
    assert!(
        pos("step") < pos("time") && pos("time") < pos("cause") && pos("score_before") < pos("score_after")
    );
}

#[test]
fn trace_refuses_a_subject_out_of_range_with_a_hint() {
    pointsim()
        .args(["trace", "tests/data/trace/restore.toml", "--subject", "1", "--subject", "3"])
        .current_dir(repo("."))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("error: subject `3` is out of range"))
        .stderr(predicate::str::contains("hint: the population has 3 subjects, numbered 0 to 2"));
    // a larger population makes it valid
    pointsim()
        .args(["trace", "tests/data/trace/restore.toml", "--subject", "3", "--population", "4"])
        .current_dir(repo("."))
        .assert()
        .success();
}

#[test]
fn trace_refuses_a_bad_scenario() {
    pointsim()
        .args(["trace", "tests/data/bad/negative_rate.toml", "--subject", "0"])
        .current_dir(repo("."))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("error:"));
}

/// The README's `pointsim trace` example is the real output of that command.
#[test]
fn readme_trace_example_is_current() {
    let readme = read(&repo("README.md"));
    let start = readme
        .find("$ pointsim trace scenarios/rongcheng.toml --subject 22526\n")
        .expect("example in README");
    let block = &readme[start..];
    let block = &block[block.find('\n').unwrap() + 1..block.find("```").unwrap()];
    pointsim()
        .args(["trace", "scenarios/rongcheng.toml", "--subject", "22526"])
        .current_dir(repo("."))
        .assert()
        .success()
        .stdout(block.to_owned());
}

/// `--force --no-plots` over an earlier run leaves no charts or report
/// describing the earlier run next to the new data.
#[test]
fn force_without_plots_removes_earlier_pictures() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("o");
    run_toy_with_plots(&out, &[]).success();
    assert!(out.join("report.html").is_file() && out.join("plots").is_dir());
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    run_toy(&out, &["--force", "--seed", "7"]).success();
    assert!(!out.join("report.html").exists() && !out.join("plots").exists());
    assert_eq!(read(&out.join("notes.txt")), "mine", "files pointsim did not write are left alone");
}

/// Disparity and mobility on a case worked out by hand: group `a` starts in
/// tier `high`, group `b` in `low`, and nothing happens. The perk reaches all
/// of `a` and none of `b` (ratio 0, flagged: with 70 and 30 subjects the 95%
/// interval lies wholly below 0.8); the restriction falls on all of `b` and
/// none of `a` (the least burdened share 0 over 1: ratio 0, flagged);
/// everyone ends in the tier they started in.
#[test]
fn disparity_and_mobility_match_a_hand_worked_case() {
    let v = summary_of(
        r#"
[scenario]
name = "disparity"
steps = 3
[score]
start = 100
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 80
[population]
size = 100
[[population.group]]
name = "a"
share = 0.7
[[population.group]]
name = "b"
share = 0.3
start = 50
[[perk]]
id = "fast_lane"
min_tier = "high"
[[restriction]]
id = "watch"
max_tier = "low"
"#,
    );
    for item in ["fast_lane", "watch"] {
        let d = &v["disparity"][item];
        assert_eq!(d["ratio"], serde_json::json!({"a": 1.0, "b": 0.0}), "{item}");
        assert_eq!(d["flagged"], serde_json::json!(["b"]), "{item}");
        assert_eq!(d["not_applicable"], serde_json::json!([]), "{item}");
        // the best-off group's interval is the point 1; b's lies wholly below 0.8
        assert_eq!(d["interval"]["a"], serde_json::json!([1.0, 1.0]), "{item}");
        let high = d["interval"]["b"][1].as_f64().unwrap();
        assert!(high < 0.8, "{item}: {high}");
    }
    assert_eq!(
        v["mobility"],
        serde_json::json!({"high": {"high": 70, "low": 0}, "low": {"high": 0, "low": 30}})
    );
}

/// Three groups of 945, 50 and 5 subjects (0.5% of 1000), with a perk and a
/// restriction, and nothing else but drift of chance.
const TINY_GROUP: &str = r#"
[scenario]
name = "tiny group"
steps = 6
step = "month"
[score]
start = 100
min = 0
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 105
[population]
size = 1000
[[population.group]]
name = "big"
share = 0.945
[[population.group]]
name = "mid"
share = 0.05
[[population.group]]
name = "tiny"
share = 0.005
[[rule]]
id = "up"
points = 5
rate = 2.0
[[rule]]
id = "down"
points = -5
rate = 1.0
[[perk]]
id = "fast_lane"
min_tier = "high"
[[restriction]]
id = "watch"
max_score = 95
"#;

/// Run `text` into a fresh folder with extra arguments; returns the folder
/// (kept alive by the `TempDir`) and stdout.
fn run_text(text: &str, extra: &[&str]) -> (TempDir, PathBuf, String) {
    let dir = TempDir::new().unwrap();
    let (f, out) = (dir.path().join("s.toml"), dir.path().join("o"));
    std::fs::write(&f, text).unwrap();
    let done = pointsim().arg("run").arg(&f).arg("--out").arg(&out).args(extra).assert().success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    (dir, out, stdout)
}

/// Records of a CSV file as maps from column to field.
fn csv_rows(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| header.iter().zip(rec.unwrap().iter()).map(|(h, v)| (h.into(), v.into())).collect())
        .collect()
}

/// The default `--min-cell 10` hides `tiny` (5 subjects) everywhere, and
/// `mid` with it (else everyone minus `big` would be `tiny`); `big` and
/// everyone stay published; `pointsim plot` redraws the same pictures.
#[test]
fn a_tiny_group_is_suppressed_in_every_output() {
    let (_dir, out, stdout) = run_text(TINY_GROUP, &[]);
    // summary.json: keys kept, values null, flags and reasons
    let v: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let groups = &v["final"]["by_group"];
    for g in ["mid", "tiny"] {
        assert_eq!(groups[g]["suppressed"], true, "{g}");
        assert!(groups[g]["size"].is_null() && groups[g]["score_mean"].is_null(), "{g}");
        assert!(groups[g]["tier_share"].as_object().unwrap().values().all(serde_json::Value::is_null));
        assert!(v["disparity"]["fast_lane"]["ratio"][g].is_null(), "{g}");
    }
    assert_eq!(groups["big"]["suppressed"], false);
    assert_eq!(groups["big"]["size"], 945);
    assert_eq!(v["population"], 1000);
    assert_eq!(v["suppression"]["min_cell"], 10);
    assert_eq!(v["suppression"]["groups"], serde_json::json!({"mid": "complementary", "tiny": "primary"}));
    // steps.csv: rows kept, every field after `group` empty but the flag
    let steps = csv_rows(&out.join("steps.csv"));
    assert_eq!(steps.len(), 7 * 4);
    for row in &steps {
        let hidden = row["group"] == "mid" || row["group"] == "tiny";
        assert_eq!(row["suppressed"], hidden.to_string());
        for (col, field) in row {
            if hidden && col != "step" && col != "year" && col != "group" && col != "suppressed" {
                assert!(field.is_empty(), "{}.{col} = {field}", row["group"]);
            }
        }
        if row["group"] == "big" {
            assert_eq!(row["n"], "945");
        }
    }
    // histogram.csv: bins kept, counts hidden
    let bins = csv_rows(&out.join("histogram.csv"));
    assert!(bins.iter().any(|b| b["group"] == "tiny"));
    for b in bins.iter().filter(|b| b["group"] == "tiny" || b["group"] == "mid") {
        assert!(b["count"].is_empty() && b["share"].is_empty() && b["suppressed"] == "true", "{b:?}");
    }
    // terminal, manifest, charts and report say so
    assert!(stdout.contains("hidden") && stdout.contains("--min-cell"), "{stdout}");
    let manifest: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["options"]["min_cell"], 10);
    assert!(read(&out.join("plots/access_by_group.svg")).contains("tiny (suppressed, no bar)"));
    assert!(read(&out.join("plots/inequality.svg")).contains("tiny: suppressed"));
    // one published group leaves nothing to compare over time
    assert!(!out.join("plots/disparity_over_time.svg").exists());
    let report = read(&out.join("report.html"));
    assert!(report.contains("Suppressed cells."), "the report explains the suppression");
    assert!(
        report.contains("(here: <code>tiny</code>)") && report.contains("so <code>mid</code> is hidden too")
    );
    assert!(report.contains(r#"<td class="num hidden">suppressed</td>"#));
    // plot re-renders the same from the suppressed files
    let svg = read(&out.join("plots/inequality.svg"));
    std::fs::remove_file(out.join("report.html")).unwrap();
    pointsim().arg("plot").arg(&out).arg("-q").assert().success();
    assert_eq!(read(&out.join("report.html")), report);
    assert_eq!(read(&out.join("plots/inequality.svg")), svg);
}

/// `--min-cell 0` publishes every group, and the manifest's command reproduces that.
#[test]
fn min_cell_0_publishes_everything() {
    let (_dir, out, _) = run_text(TINY_GROUP, &["--min-cell", "0", "-q", "--no-plots"]);
    let v: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(v["final"]["by_group"]["tiny"]["size"], 5);
    assert_eq!(v["final"]["by_group"]["tiny"]["suppressed"], false);
    assert_eq!(v["suppression"]["groups"], serde_json::json!({}));
    assert!(
        csv_rows(&out.join("steps.csv")).iter().all(|r| r["suppressed"] == "false" && !r["n"].is_empty())
    );
    let manifest: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["options"]["min_cell"], 0);
    assert!(manifest["command"]["reproduce"].as_str().unwrap().ends_with("--min-cell 0"));
}

/// Disparity and mobility per step, worked by hand: group `a` (70) starts
/// high, `b` (30) low, and a rule at 10,000 events a year for 3 days lifts
/// everyone by far more than the gap (a subject escapes it with probability
/// e^-82, never in practice), so at every later step all of `b` is above its
/// start tier and all of `a` holds the perk.
#[test]
fn steps_csv_has_disparity_and_mobility_per_step() {
    let text = r#"
[scenario]
name = "moves"
steps = 3
step = "day"
[score]
start = 100
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 80
[population]
size = 100
[[population.group]]
name = "a"
share = 0.7
[[population.group]]
name = "b"
share = 0.3
start = 50
[[rule]]
id = "lift"
points = 50
rate = 10000
[[perk]]
id = "fast_lane"
min_tier = "high"
[[restriction]]
id = "watch"
max_tier = "low"
"#;
    let (_dir, out, _) = run_text(text, &["-q", "--no-plots"]);
    let rows = csv_rows(&out.join("steps.csv"));
    let at =
        |step: &str, group: &str| rows.iter().find(|r| r["step"] == step && r["group"] == group).unwrap();
    // at the start: b has no perk and is under watch, so its ratios are 0 and the worst is 0
    for (col, a, b, all) in
        [("disparity_ratio.fast_lane", "1.0", "0.0", "0.0"), ("disparity_ratio.watch", "1.0", "0.0", "0.0")]
    {
        assert_eq!((at("0", "a")[col].as_str(), at("0", "b")[col].as_str()), (a, b), "{col}");
        assert_eq!(at("0", "all")[col], all, "{col}");
    }
    assert_eq!(at("0", "all")["tier_up_share"], "0.0");
    // at the end: everyone is high, nobody is watched
    let end = |g: &str, col: &str| at("3", g)[col].clone();
    assert_eq!(
        (end("a", "disparity_ratio.fast_lane"), end("b", "disparity_ratio.fast_lane")),
        ("1.0".into(), "1.0".into())
    );
    assert_eq!(end("all", "disparity_ratio.watch"), "1.0");
    assert_eq!(
        (end("a", "tier_up_share"), end("b", "tier_up_share"), end("all", "tier_up_share")),
        ("0.0".into(), "1.0".into(), "0.3".into())
    );
    assert_eq!(end("all", "tier_down_share"), "0.0");
    // summary.json agrees (one definition for both)
    let v: serde_json::Value = serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(v["disparity"]["fast_lane"]["ratio"], serde_json::json!({"a": 1.0, "b": 1.0}));
    assert_eq!(v["mobility"]["low"], serde_json::json!({"high": 30, "low": 0}));
}

/// The README's small-cell suppression example is the real output of that command.
#[test]
fn readme_suppression_example_is_current() {
    let readme = read(&repo("README.md"));
    let cmd = "$ pointsim run scenarios/rongcheng.toml --population 100 --steps 12\n...\n";
    let start = readme.find(cmd).expect("example in README") + cmd.len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = TempDir::new().unwrap();
    let done = pointsim()
        .args(["run", "scenarios/rongcheng.toml", "--population", "100", "--steps", "12", "--no-plots"])
        .arg("--out")
        .arg(dir.path().join("o"))
        .current_dir(repo("."))
        .assert()
        .success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    assert!(block.lines().count() >= 2);
    for line in block.lines() {
        assert!(stdout.lines().any(|l| l == line), "README line not in the output: {line:?}\n{stdout}");
    }
}

/// The README's `pointsim compare` example is the real output of that command,
/// line for line and in order (the metric rows, the interval, the moves).
#[test]
fn readme_compare_example_is_current() {
    let readme = read(&repo("README.md"));
    let cmd = "$ pointsim compare scenarios/teaching_toy.toml examples/overlays/teaching_toy_reform.toml\n";
    let start = readme.find(cmd).expect("example in README") + cmd.len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let dir = TempDir::new().unwrap();
    let done = pointsim()
        .args(["compare", "scenarios/teaching_toy.toml", "examples/overlays/teaching_toy_reform.toml"])
        .args(["--no-plots", "--out"])
        .arg(dir.path().join("o"))
        .current_dir(repo("."))
        .assert()
        .success();
    let stdout = String::from_utf8(done.get_output().stdout.clone()).unwrap();
    // everything but where it was written, which names the README's default folder
    let shown = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with("results:") && !l.starts_with("report:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(shown(block), shown(&stdout), "README block vs output:\n{stdout}");
}

/// The README's sweep example quotes the AA share at 20 points, with its
/// interval, as `cells.csv` of that sweep gives them.
#[test]
fn readme_sweep_figures_are_current() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("o");
    pointsim()
        .args(["sweep", "scenarios/sweeps/toy_volunteering.toml", "-q", "--out"])
        .arg(&out)
        .current_dir(repo("."))
        .assert()
        .success();
    let mut rdr = csv::Reader::from_path(out.join("cells.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let last = rdr.records().map(Result::unwrap).last().unwrap();
    let col = |name: &str| -> f64 { last[head.iter().position(|h| h == name).unwrap()].parse().unwrap() };
    assert_eq!(col("param.rule.volunteer_service.points"), 20.0);
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let sentence = format!(
        "to {} at 20 points (95% interval {}\nto {})",
        pct(col("tier_share.AA.mean")),
        pct(col("tier_share.AA.ci_lo")),
        pct(col("tier_share.AA.ci_hi"))
    );
    assert!(read(&repo("README.md")).contains(&sentence), "README should say: {sentence}");
}

#[test]
fn check_counts_read_as_english_and_new_quotes_the_file_it_names() {
    // one of a kind is singular, none is not mentioned (the toy defines no groups)
    pointsim()
        .args(["check", "scenarios/teaching_toy.toml"])
        .current_dir(repo(""))
        .assert()
        .success()
        .stdout(predicate::str::contains("1 perk, 1 restriction,"))
        .stdout(predicate::str::contains("group").not());
    pointsim()
        .args(["check", "scenarios/national_blacklist.toml"])
        .current_dir(repo(""))
        .assert()
        .success()
        .stdout(predicate::str::contains("9 restrictions, 3 groups, 2 kinds, 7 lists"))
        .stdout(predicate::str::contains("1 dated change)"));
    // a name with a space: the printed commands run as printed in a shell
    let dir = TempDir::new().unwrap();
    pointsim()
        .current_dir(dir.path())
        .args(["new", "My City"])
        .assert()
        .success()
        .stdout(predicate::str::contains("`pointsim check 'My City.toml'`"));
    let line = String::from_utf8(
        pointsim().current_dir(dir.path()).args(["new", "Other Town"]).output().unwrap().stdout,
    )
    .unwrap();
    let cmd = line.split('`').nth(1).unwrap().to_owned();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd.replacen("pointsim", env!("CARGO_BIN_EXE_pointsim"), 1))
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "{cmd}");
}
