//! `pointsim compare`: common random numbers, the files it writes, and bad input.

use std::path::Path;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{DEBT_EXAMPLE, TOY, pointsim, pointsim_in, read, repo};

/// A base without tier-dependent rates: every subject's events do not depend
/// on its score, so under common random numbers both runs of a replicate see
/// exactly the same events.
const BASE: &str = r#"
[scenario]
name = "Compare <base>"
seed = 5
steps = 12
step = "month"
[score]
start = 100
min = 0
max = 200
[[tier]]
name = "low"
min = 0
[[tier]]
name = "mid"
min = 90
[[tier]]
name = "high"
min = 110
[population]
size = 600
[[population.group]]
name = "a"
share = 0.5
[[population.group]]
name = "b"
share = 0.5
rate_multiplier = { up = 0.5, down = 1.5 }
[[rule]]
id = "up"
points = 5
rate = 2.0
[[rule]]
id = "down"
points = -5
rate = 2.0
[[perk]]
id = "fast_lane"
min_tier = "high"
[[restriction]]
id = "oversight"
max_tier = "low"
"#;

/// A folder with `base.toml` and the given overlays (name, text).
fn setup(overlays: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("base.toml"), BASE).unwrap();
    for (name, text) in overlays {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// Run `compare base.toml REFORM` in `dir` with extra arguments, without charts.
fn compare(dir: &Path, reform: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    pointsim_in(dir)
        .args(["compare", "base.toml", reform, "--out", "out", "-q", "--no-plots"])
        .args(extra)
        .assert()
}

fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(Result::unwrap).collect()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

#[test]
fn a_scenario_against_itself_differs_in_nothing() {
    let dir = setup(&[]);
    compare(dir.path(), "base.toml", &["-r", "4"]).success();
    let out = dir.path().join("out");
    let rows = csv_rows(&out.join("compare.csv"));
    assert!(rows.len() > 20, "every metric has a row");
    for row in &rows {
        // metric,base_mean,reform_mean,diff_mean,diff_ci_lo,diff_ci_hi,replicates
        assert_eq!(&row[1], &row[2], "{row:?}");
        assert_eq!((&row[3], &row[4], &row[5], &row[6]), ("0.0", "0.0", "0.0", "4"), "{row:?}");
    }
    for row in csv_rows(&out.join("transitions.csv")) {
        if row[1] != row[2] {
            assert_eq!(&row[3], "0", "only the diagonal is filled: {row:?}");
        }
    }
    let j = json(&out.join("compare.json"));
    for g in ["all", "a", "b"] {
        assert_eq!(j["moved"][g]["up"], 0.0);
        assert_eq!(j["moved"][g]["down"], 0.0);
        assert_eq!(j["score_change"][g]["same"], 1.0);
    }
    assert_eq!(j["replicates"], 4);
    assert_eq!(j["seeds"].as_array().unwrap().len(), 4);
    assert_eq!(j["groups"]["a"], 300);
    for a in j["access"].as_array().unwrap() {
        assert_eq!(a["by_group"]["all"]["gained"], 0.0, "{a}");
        assert_eq!(a["by_group"]["all"]["lost"], 0.0, "{a}");
    }
}

#[test]
fn raising_a_positive_rule_moves_nobody_down() {
    // same rules and rates, so the same events: each subject ends at least as high
    let raise =
        "extends = \"base.toml\"\n[scenario]\nname = \"more for up\"\n[[rule]]\nid = \"up\"\npoints = 8\n";
    let dir = setup(&[("raise.toml", raise)]);
    compare(dir.path(), "raise.toml", &["-r", "3"]).success();
    let out = dir.path().join("out");
    let j = json(&out.join("compare.json"));
    for g in ["all", "a", "b"] {
        assert_eq!(j["moved"][g]["down"], 0.0, "{g}");
        assert_eq!(j["score_change"][g]["lower"], 0.0, "{g}");
    }
    assert!(j["moved"]["all"]["up"].as_f64().unwrap() > 0.1, "the change moves many subjects up");
    let tiers = ["high", "mid", "low"];
    for row in csv_rows(&out.join("transitions.csv")) {
        let (from, to) = (tiers.iter().position(|t| *t == &row[1]), tiers.iter().position(|t| *t == &row[2]));
        if to > from {
            assert_eq!(&row[3], "0", "nobody moves to a lower tier: {row:?}");
        }
    }
    for row in csv_rows(&out.join("access_changes.csv")) {
        // kind,id,group,held_base_share,held_reform_share,gained_share,lost_share
        let (kind, gained, lost) = (&row[0], &row[5], &row[6]);
        if kind == "perk" {
            assert_eq!(lost, "0.0", "{row:?}");
        } else {
            assert_eq!(gained, "0.0", "{row:?}");
        }
    }
    let mean = csv_rows(&out.join("compare.csv")).into_iter().find(|r| &r[0] == "score.mean").unwrap();
    let (lo, hi): (f64, f64) = (mean[4].parse().unwrap(), mean[5].parse().unwrap());
    assert!(lo > 0.0 && hi >= lo, "the mean score rises, with an interval above 0: {mean:?}");
    assert_eq!(j["reform"]["chain"].as_array().unwrap().len(), 2, "the overlay and its base");
}

#[test]
fn results_do_not_depend_on_threads() {
    let dir = setup(&[("raise.toml", "extends = \"base.toml\"\n[[rule]]\nid = \"down\"\nrate = 1.0\n")]);
    let with_plots = |jobs: &str| {
        pointsim_in(dir.path())
            .args(["compare", "base.toml", "raise.toml", "--out", "out", "-q", "-r", "2", "-j", jobs])
            .assert()
            .success();
    };
    with_plots("1");
    std::fs::rename(dir.path().join("out"), dir.path().join("one")).unwrap();
    with_plots("2");
    for f in ["compare.csv", "transitions.csv", "access_changes.csv", "plots/compare_distribution.svg"] {
        assert_eq!(read(&dir.path().join("one").join(f)), read(&dir.path().join("out").join(f)), "{f}");
    }
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("command");
        v
    };
    assert_eq!(
        strip(json(&dir.path().join("one/compare.json"))),
        strip(json(&dir.path().join("out/compare.json")))
    );
}

#[test]
fn compare_json_records_both_sides_tier_thresholds() {
    let stricter = "extends = \"base.toml\"\n[[tier]]\nname = \"mid\"\nmin = 95\n";
    let dir = setup(&[("stricter.toml", stricter)]);
    compare(dir.path(), "stricter.toml", &["-r", "2"]).success();
    let j = json(&dir.path().join("out/compare.json"));
    let tiers = |side: &str| {
        j[side]["tiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_owned(),
                    t["label"].as_str().unwrap().to_owned(),
                    t["min"].as_i64().unwrap(),
                )
            })
            .collect::<Vec<_>>()
    };
    let row = |n: &str, min| (n.to_owned(), n.to_owned(), min);
    assert_eq!(tiers("base"), [row("high", 110), row("mid", 90), row("low", 0)], "highest first");
    assert_eq!(tiers("reform"), [row("high", 110), row("mid", 95), row("low", 0)]);
}

#[test]
fn plot_redraws_a_compare_json_written_before_tier_thresholds() {
    let dir = setup(&[]);
    compare(dir.path(), "base.toml", &["-r", "2"]).success();
    let path = dir.path().join("out/compare.json");
    let mut j = json(&path);
    for side in ["base", "reform"] {
        j[side].as_object_mut().unwrap().remove("tiers");
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&j).unwrap()).unwrap();
    pointsim_in(dir.path()).args(["plot", "out"]).assert().success();
    let svg = read(&dir.path().join("out/plots/compare_distribution.svg"));
    assert!(svg.contains("final scores") && !svg.contains("tiers of the base"), "drawn without bands");
    // thresholds that do not name the file's tiers are refused, not drawn wrongly
    j["base"]["tiers"] = serde_json::json!([{"name": "nope", "label": "nope", "min": 0}]);
    std::fs::write(&path, serde_json::to_vec_pretty(&j).unwrap()).unwrap();
    pointsim_in(dir.path())
        .args(["plot", "out"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("base.tiers"));
}

#[test]
fn the_page_and_chart_are_written_and_escaped() {
    let dir = setup(&[]);
    pointsim_in(dir.path())
        .args(["compare", "base.toml", "base.toml", "--out", "out", "-r", "2"])
        .assert()
        .success()
        .stdout(predicate::str::contains("move up").and(predicate::str::contains("report:")));
    let out = dir.path().join("out");
    let html = read(&out.join("compare.html"));
    assert!(html.contains("Compare &lt;base&gt;"), "scenario names are escaped");
    assert!(!html.contains("Compare <base>"));
    assert!(html.contains("No personal data"), "the honest-use statement");
    assert!(
        !html.contains("<script") && !html.contains("<link") && !html.contains(" src="),
        "self-contained"
    );
    assert!(html.contains("<svg"), "the chart is inline");
    // prose, not Markdown: no literal backticks anywhere on the page (issue 14)
    assert!(!html.contains('`'), "a backtick on the page");
    // the Reproduce line runs as printed once pointsim is installed, whatever path ran it
    let reproduce = html.split("<h2>Reproduce</h2>").nth(1).expect("a Reproduce section");
    let command = reproduce.split("<pre class=\"command\">").nth(1).unwrap().split("</pre>").next().unwrap();
    assert_eq!(command, "pointsim compare base.toml base.toml --out out -r 2");
    for f in ["plots/compare_distribution.png", "plots/compare_distribution.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
}

#[test]
fn scenarios_that_are_not_comparable_exit_2() {
    let bigger = "extends = \"base.toml\"\n[population]\nsize = 700\n";
    let shares = "extends = \"base.toml\"\n[[population.group]]\nname = \"a\"\nshare = 0.4\n\
                  [[population.group]]\nname = \"b\"\nshare = 0.6\n";
    let dir = setup(&[("bigger.toml", bigger), ("shares.toml", shares)]);
    compare(dir.path(), "bigger.toml", &[])
        .code(2)
        .stderr(predicate::str::contains("the base has 600 subjects and the reform 700"));
    compare(dir.path(), "shares.toml", &[])
        .code(2)
        .stderr(predicate::str::contains("group `a` has 300 subjects in the base and 240 in the reform"));
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let broken = "extends = \"base.toml\"\n[[rule]]\nid = \"up\"\nrate = -1.0\n";
    let dir = setup(&[("broken.toml", broken)]);
    compare(dir.path(), "broken.toml", &[]).code(2).stderr(
        predicate::str::contains("--> broken.toml:4:8").and(predicate::str::contains("must not be negative")),
    );
    compare(dir.path(), "missing.toml", &[]).code(2).stderr(predicate::str::contains("does not exist"));
    compare(dir.path(), "base.toml", &["-r", "0"]).code(2);
    assert!(!dir.path().join("out").exists(), "nothing is written");
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/keep.txt"), "mine").unwrap();
    compare(dir.path(), "base.toml", &[]).code(2).stderr(predicate::str::contains("--force"));
    assert!(!dir.path().join("out/compare.json").exists());
}

#[test]
fn the_example_reform_runs() {
    let dir = TempDir::new().unwrap();
    pointsim_in(&repo("."))
        .args(["compare", TOY, "examples/overlays/teaching_toy_reform.toml"])
        .args(["-r", "2", "--population", "500", "--no-plots", "-q", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let j = json(&dir.path().join("out/compare.json"));
    assert_eq!(j["reform"]["chain"][1]["file"], TOY);
    assert_eq!(j["groups"]["all"], 500);
}

#[test]
fn set_is_the_same_reform_as_an_overlay() {
    let dir = TempDir::new().unwrap();
    let toy = std::fs::canonicalize(TOY).unwrap();
    let overlay = dir.path().join("reform.toml");
    std::fs::write(
        &overlay,
        format!(
            "extends = {:?}\n[[rule]]\nid = \"volunteer_service\"\npoints = 10\n",
            toy.display().to_string()
        ),
    )
    .unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    pointsim()
        .arg("compare")
        .arg(&toy)
        .arg(&overlay)
        .args(["-r", "3", "--no-plots", "-q", "--out"])
        .arg(&a)
        .assert()
        .success();
    pointsim()
        .arg("compare")
        .arg(&toy)
        .args(["--set", "rule.volunteer_service.points=10", "-r", "3", "--no-plots", "-q", "--out"])
        .arg(&b)
        .assert()
        .success();
    for file in ["compare.csv", "transitions.csv", "access_changes.csv"] {
        assert_eq!(read(&a.join(file)), read(&b.join(file)), "{file}");
    }
    let doc: serde_json::Value = serde_json::from_str(&read(&b.join("compare.json"))).unwrap();
    let text = doc.to_string();
    assert!(text.contains("rule.volunteer_service.points=10"), "the reform is named by its change");

    // --set on top of a reform file: a second change
    let c = dir.path().join("c");
    pointsim()
        .arg("compare")
        .arg(&toy)
        .arg(&overlay)
        .args(["--set", "score.start=990", "-r", "2", "--no-plots", "-q", "--out"])
        .arg(&c)
        .assert()
        .success();
    assert!(read(&c.join("compare.csv")) != read(&a.join("compare.csv")));
}

#[test]
fn a_bad_set_exits_2_with_a_hint_and_writes_nothing() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("out");
    let cases: [(&str, &str); 3] = [
        ("rule.volunteer_service.pionts=10", "did you mean `rule.volunteer_service.points`?"),
        ("rule.volunteer_service.points", "has no `=`"),
        ("rule.volunteer_service.points=lots", "expected an integer for `points`"),
    ];
    for (set, says) in cases {
        pointsim()
            .args(["compare", TOY, "--set", set, "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
        assert!(!out.exists(), "{set}: nothing is written");
    }
    // a wrong value is reported without positions: they would point into the
    // changed document, not into a file
    pointsim()
        .args(["compare", TOY, "--set", "rule.volunteer_service.points=lots", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-->").not());
    // neither a reform nor --set
    pointsim().args(["compare", TOY]).assert().code(2);
}

#[test]
fn access_changes_count_the_lists_joint_sanctions() {
    // The reform stops the debtors list from revoking `train`; nothing else
    // changes (no rule depends on that perk), so under common random numbers
    // both runs have the same histories, and exactly the subjects listed at
    // the end gain the perk: gained == the list's share, nobody loses it.
    let dir = TempDir::new().unwrap();
    let base = std::fs::canonicalize(DEBT_EXAMPLE).unwrap();
    let reform = dir.path().join("reform.toml");
    std::fs::write(
        &reform,
        format!("extends = {:?}\n[[list]]\nid = \"debtors\"\nrevokes = []\n", base.display().to_string()),
    )
    .unwrap();
    let out = dir.path().join("out");
    pointsim()
        .arg("compare")
        .arg(&base)
        .arg(&reform)
        .args(["-r", "2", "--population", "2000", "--no-plots", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let access = read(&out.join("access_changes.csv"));
    let row = access.lines().find(|l| l.starts_with("perk,train,all,")).expect("a train row");
    let f: Vec<f64> = row.split(',').skip(3).map(|x| x.parse().unwrap()).collect();
    let listed = read(&out.join("compare.csv"));
    let listed: f64 = listed
        .lines()
        .find(|l| l.starts_with("list_share.debtors,"))
        .and_then(|l| l.split(',').nth(1))
        .and_then(|x| x.parse().ok())
        .expect("the list's share");
    assert!(listed > 0.02, "the example lists people: {listed}");
    assert_eq!((f[2], f[3]), (listed, 0.0), "gained, lost: {row}");
}

#[test]
fn different_kinds_are_not_comparable() {
    let dir = TempDir::new().unwrap();
    let base = std::fs::canonicalize(DEBT_EXAMPLE).unwrap();
    let cases = [(
        "[[kind]]\nname = \"company\"\nshare = 0.3\n[[kind]]\nname = \"citizen\"\nshare = 0.7\n",
        "differ",
    )];
    for (i, (change, says)) in cases.iter().enumerate() {
        let reform = dir.path().join(format!("r{i}.toml"));
        std::fs::write(&reform, format!("extends = {:?}\n{change}", base.display().to_string())).unwrap();
        pointsim()
            .arg("compare")
            .arg(&base)
            .arg(&reform)
            .args(["--population", "500", "-q", "--out"])
            .arg(dir.path().join(format!("out{i}")))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*says));
    }
}

#[test]
fn small_groups_are_left_out_of_the_group_tables() {
    let dir = TempDir::new().unwrap();
    let base = dir.path().join("base.toml");
    std::fs::write(
        &base,
        "[scenario]\nname = \"small\"\nsteps = 12\nstep = \"month\"\n[score]\nstart = 100\n[population]\nsize = 200\n\
         [[population.group]]\nname = \"big\"\nshare = 0.9\n[[population.group]]\nname = \"mid\"\nshare = 0.08\n\
         [[population.group]]\nname = \"tiny\"\nshare = 0.02\n[[rule]]\nid = \"fine\"\npoints = -5\nrate = 2\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    pointsim()
        .arg("compare")
        .arg(&base)
        .args(["--set", "rule.fine.points=-10", "-r", "2", "--no-plots", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    // tiny (4 subjects) is hidden, and mid (16) with it, so neither can be recovered
    let doc: serde_json::Value = serde_json::from_str(&read(&out.join("compare.json"))).unwrap();
    assert_eq!(doc["suppressed"], serde_json::json!(["mid", "tiny"]));
    assert!(doc["groups"].get("tiny").is_none() && doc["groups"].get("big").is_some());
    for file in ["transitions.csv", "access_changes.csv"] {
        let text = read(&out.join(file));
        assert!(
            !text.contains(",tiny,") && !text.contains("\ntiny,") && !text.contains("mid"),
            "{file}: {text}"
        );
    }
    let csv = read(&out.join("compare.csv"));
    let row = csv.lines().find(|l| l.starts_with("group.tiny.score_mean,")).expect("the metric row stays");
    assert!(row.starts_with("group.tiny.score_mean,,,"), "its values are empty: {row}");
    // --min-cell 0 publishes every group
    let all = dir.path().join("all");
    pointsim()
        .arg("compare")
        .arg(&base)
        .args(["--set", "rule.fine.points=-10", "-r", "2", "--no-plots", "-q", "--min-cell", "0", "--out"])
        .arg(&all)
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_str(&read(&all.join("compare.json"))).unwrap();
    assert_eq!(doc["suppressed"], serde_json::json!([]));
    assert_eq!(doc["groups"]["tiny"], 4);
    assert!(!read(&all.join("compare.csv")).contains("group.tiny.score_mean,,,"));
}
