//! End-to-end tests of `pointsim sweep` and `pointsim merge` on the teaching toy.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use predicates::prelude::*;
use tempfile::TempDir;

use crate::common::{TOY, pointsim, repo};

/// Write a plan over the teaching toy into `dir` and return its path.
fn plan(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, format!("base = {:?}\n{body}", repo(TOY).display().to_string())).unwrap();
    p
}

const SMALL: &str =
    "replicates = 3\n[vary]\n\"rule.volunteer_service.points\" = [1, 10]\n\"population.size\" = [300, 500]\n";

const TABLES: [&str; 4] = ["runs.csv", "runs.parquet", "cells.csv", "cells.parquet"];

fn sweep(plan: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pointsim().arg("sweep").arg(plan).arg("--out").arg(out).arg("-q").args(extra).assert()
}

fn same_tables(a: &Path, b: &Path) {
    for f in TABLES {
        let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
        assert!(x == y, "{f} differs between {} and {}", a.display(), b.display());
    }
}

fn csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    r.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn sweep_writes_sorted_rows_and_any_row_reruns_alone() {
    let tmp = TempDir::new().unwrap();
    let p = plan(tmp.path(), "p.toml", SMALL);
    let out = tmp.path().join("out");
    sweep(&p, &out, &[]).success();
    let runs = csv(&out.join("runs.csv"));
    let head = &runs[0];
    assert_eq!(
        head[..6],
        [
            "cell",
            "replicate",
            "seed",
            "status",
            "param.rule.volunteer_service.points",
            "param.population.size"
        ]
    );
    assert_eq!(runs.len(), 1 + 4 * 3);
    let keys: Vec<(String, String)> = runs[1..].iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "rows sorted by cell and replicate");
    // common random numbers: replicate r has the same seed in every cell
    let seeds =
        |rep: &str| runs[1..].iter().filter(|r| r[1] == rep).map(|r| r[2].clone()).collect::<Vec<_>>();
    assert!(seeds("1").windows(2).all(|w| w[0] == w[1]));
    assert_ne!(seeds("0")[0], seeds("1")[0]);
    let cells = csv(&out.join("cells.csv"));
    assert_eq!(cells.len(), 1 + 4);
    assert!(cells[0].contains(&"score.mean.ci_lo".to_owned()) && cells[0].contains(&"runs_ok".to_owned()));

    // re-run the last row alone, as the README says, and find the same numbers
    let row = runs.last().unwrap();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let rerun = tmp.path().join("rerun");
    pointsim()
        .arg("run")
        .arg(out.join(format!("cells/{}.toml", row[0])))
        .args(["--seed", &row[2], "--no-plots", "-q", "--out"])
        .arg(&rerun)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rerun.join("summary.json")).unwrap()).unwrap();
    let f = &summary["final"];
    let num = |s: &str| s.parse::<f64>().unwrap();
    assert_eq!(num(&row[col("score.mean")]), f["score"]["mean"].as_f64().unwrap());
    assert_eq!(num(&row[col("score.p10")]), f["score"]["quantiles"]["p10"].as_f64().unwrap());
    assert_eq!(num(&row[col("tier_share.A")]), f["tier_share"]["A"].as_f64().unwrap());
    assert_eq!(
        num(&row[col("perk_share.deposit_free_services")]),
        f["perk_share"]["deposit_free_services"].as_f64().unwrap()
    );
    assert_eq!(summary["population"], 500);

    // a chart per metric of interest and parameter, with a line per value of the other one
    let svg =
        std::fs::read_to_string(out.join("plots/tier_share.AA--rule.volunteer_service.points.svg")).unwrap();
    assert!(svg.contains("tier_share.AA by rule.volunteer_service.points"));
    assert!(svg.contains("population.size = 300") && svg.contains("population.size = 500"));
    let png = std::fs::read(out.join("plots/score.mean--population.size.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
#[cfg(feature = "parquet")]
fn parquet_reads_back_like_the_csv() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let tmp = TempDir::new().unwrap();
    let p = plan(tmp.path(), "p.toml", SMALL);
    let out = tmp.path().join("out");
    sweep(&p, &out, &[]).success();
    for name in ["runs", "cells"] {
        let rows = csv(&out.join(format!("{name}.csv")));
        let r = SerializedFileReader::new(std::fs::File::open(out.join(format!("{name}.parquet"))).unwrap())
            .unwrap();
        let got: Vec<Vec<(String, Field)>> = r
            .get_row_iter(None)
            .unwrap()
            .map(|row| row.unwrap().get_column_iter().map(|(n, f)| (n.clone(), f.clone())).collect())
            .collect();
        assert_eq!(got.len(), rows.len() - 1, "{name}");
        for (prow, crow) in got.iter().zip(&rows[1..]) {
            for ((n, field), (head, text)) in prow.iter().zip(rows[0].iter().zip(crow)) {
                assert_eq!(n, head);
                let same = match field {
                    Field::Str(s) => s == text,
                    Field::Long(x) => x.to_string() == *text,
                    Field::Double(x) => *x == text.parse::<f64>().unwrap(),
                    Field::Null => text.is_empty(),
                    other => panic!("unexpected {other:?} in {n}"),
                };
                assert!(same, "{name}.{n}: parquet {field:?}, csv {text:?}");
            }
        }
    }
}

#[test]
fn output_does_not_depend_on_threads_and_shards_merge_to_the_same_bytes() {
    let tmp = TempDir::new().unwrap();
    let p = plan(tmp.path(), "p.toml", SMALL);
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    sweep(&p, &one, &["-j", "1"]).success();
    sweep(&p, &two, &["-j", "2"]).success();
    same_tables(&one, &two);

    let shards: Vec<PathBuf> = (0..3).map(|i| tmp.path().join(format!("s{i}"))).collect();
    for (i, s) in shards.iter().enumerate() {
        sweep(&p, s, &["--shard", &format!("{i}/3")]).success();
        assert!(!s.join("runs.csv").exists(), "a shard leaves the tables to merge");
    }
    // a missing shard is named
    pointsim()
        .arg("merge")
        .args(&shards[..2])
        .arg("--out")
        .arg(tmp.path().join("m0"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing shards: 2/3 (of 3)"));
    let merged = tmp.path().join("merged");
    pointsim().arg("merge").args(&shards).arg("--out").arg(&merged).arg("-q").assert().success();
    same_tables(&one, &merged);
    for f in [
        "plots/score.mean--population.size.svg",
        "plots/perk_share.deposit_free_services--population.size.png",
    ] {
        let (a, b, c) = (one.join(f), two.join(f), merged.join(f));
        assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap(), "{f} differs with threads");
        assert!(std::fs::read(&a).unwrap() == std::fs::read(&c).unwrap(), "{f} differs after merge");
    }
    for c in ["c0000", "c0003"] {
        let f = format!("cells/{c}.toml");
        assert_eq!(std::fs::read(one.join(&f)).unwrap(), std::fs::read(merged.join(&f)).unwrap());
    }

    // shards of another plan are refused
    let q = plan(tmp.path(), "q.toml", &SMALL.replace("[1, 10]", "[1, 11]"));
    let other = tmp.path().join("other");
    sweep(&q, &other, &["--shard", "2/3"]).success();
    pointsim()
        .arg("merge")
        .args(&shards[..2])
        .arg(&other)
        .arg("--out")
        .arg(tmp.path().join("m1"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not shards of the same sweep"));
}

#[test]
fn a_killed_sweep_resumes_to_the_same_bytes() {
    let tmp = TempDir::new().unwrap();
    // about 100 runs of 20,000 subjects: seconds in a debug build, long enough to kill mid-way
    let body = "replicates = 10\n[vary]\n\"rule.volunteer_service.points\" = [1, 2, 3, 5, 8, 10, 13, 20, 30, 50]\n\"population.size\" = [20000]\n";
    let p = plan(tmp.path(), "p.toml", body);
    let (whole, killed) = (tmp.path().join("whole"), tmp.path().join("killed"));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("pointsim"))
        .arg("sweep")
        .arg(&p)
        .arg("--out")
        .arg(&killed)
        .args(["-q", "-j", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let journal = killed.join("journal.jsonl");
    let lines = || std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
    // wait (at most a minute) until some runs are recorded, then kill -9
    for _ in 0..600 {
        if lines() >= 5 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let recorded = lines();
    assert!(recorded >= 5, "the sweep recorded runs before it was killed");
    // as after a power loss: half a line at the end
    std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"cell\":9,\"replic"))
        .unwrap();
    // a plain second sweep is refused; --resume finishes it
    sweep(&p, &killed, &[]).code(2).stderr(predicate::str::contains("--resume"));
    sweep(&p, &killed, &["--resume"]).success();
    sweep(&p, &whole, &[]).success();
    same_tables(&whole, &killed);
    let runs = std::fs::read_to_string(killed.join("journal.jsonl")).unwrap().lines().count();
    assert_eq!(runs, 100, "every run once (recorded before the kill: {recorded})");

    // resuming with a changed plan is refused
    std::fs::write(&p, std::fs::read_to_string(&p).unwrap().replace("[20000]", "[20001]")).unwrap();
    sweep(&p, &killed, &["--resume"]).code(2).stderr(predicate::str::contains("the plan file changed"));
    assert!(killed.join("plots/score.mean--rule.volunteer_service.points.svg").exists());
    sweep(&p, &killed, &["--force", "--no-plots"]).success();
    assert!(
        !killed.join("plots/score.mean--rule.volunteer_service.points.svg").exists(),
        "--force --no-plots leaves no old charts"
    );
    assert!(killed.join("runs.csv").exists());
}

#[test]
fn invalid_cells_are_recorded_and_the_sweep_goes_on() {
    let tmp = TempDir::new().unwrap();
    // a population of 0 is invalid: that cell fails, the other runs
    let p = plan(tmp.path(), "p.toml", "[vary]\n\"population.size\" = [200, 0]\n");
    let out = tmp.path().join("out");
    sweep(&p, &out, &[]).code(2).stderr(predicate::str::contains("1 of 2 runs failed"));
    let runs = csv(&out.join("runs.csv"));
    assert_eq!(runs[1][3], "ok");
    assert!(runs[2][3].starts_with("invalid scenario: "), "{}", runs[2][3]);
    assert_eq!(runs[2][5], "", "no metrics for a failed run");
    let cells = csv(&out.join("cells.csv"));
    assert_eq!(cells[2][2], "0", "runs_ok");
}

#[test]
fn dry_run_prints_the_plan_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    let p = plan(tmp.path(), "p.toml", SMALL);
    let out = tmp.path().join("out");
    pointsim()
        .arg("sweep")
        .arg(&p)
        .arg("--out")
        .arg(&out)
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(predicate::str::contains("cells       4\n"))
        .stdout(predicate::str::contains("runs        12\n"))
        .stdout(predicate::str::contains("(estimate"))
        .stdout(predicate::str::contains("c0003  10"));
    assert!(!out.exists());
}

#[test]
fn bad_plans_exit_2_with_positions() {
    let tmp = TempDir::new().unwrap();
    let p = plan(tmp.path(), "p.toml", "[vary]\n\"rule.volunteer_servise.points\" = [1]\n");
    pointsim()
        .arg("sweep")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("p.toml:3:1"))
        .stderr(predicate::str::contains("did you mean `rule.volunteer_service.points`?"));
}

#[test]
fn the_shipped_plans_are_valid() {
    let dir = repo("scenarios/sweeps");
    let plans: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    assert!(plans.len() >= 2);
    for p in plans {
        pointsim()
            .arg("sweep")
            .arg(&p)
            .arg("--dry-run")
            .assert()
            .success()
            .stdout(predicate::str::contains("invalid").not());
    }
}

#[test]
fn an_overlay_base_is_swept_as_the_scenario_it_stands_for() {
    let tmp = TempDir::new().unwrap();
    let reform = repo("examples/overlays/teaching_toy_reform.toml");
    // the reform's own value: the cell is the reform itself
    let p = tmp.path().join("p.toml");
    std::fs::write(
        &p,
        format!(
            "base = {:?}\nreplicates = 2\n[vary]\n\"rule.traffic_ticket.points\" = [-3]\n",
            reform.display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    sweep(&p, &out, &["--no-plots"]).success();
    let cell = std::fs::read_to_string(out.join("cells/c0000.toml")).unwrap();
    assert!(!cell.contains("extends"), "a cell file stands alone");
    assert!(!cell.contains("warning_interview"), "the overlay's removal is applied");
    let runs = csv(&out.join("runs.csv"));
    let col = |name: &str| runs[0].iter().position(|h| h == name).unwrap();
    let row = &runs[2];
    let rerun = tmp.path().join("rerun");
    pointsim()
        .arg("run")
        .arg(&reform)
        .args(["--seed", &row[2], "--no-plots", "-q", "--out"])
        .arg(&rerun)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(rerun.join("summary.json")).unwrap()).unwrap();
    let f = &summary["final"];
    assert_eq!(row[col("score.mean")].parse::<f64>().unwrap(), f["score"]["mean"].as_f64().unwrap());
    assert_eq!(row[col("tier_share.AA")].parse::<f64>().unwrap(), f["tier_share"]["AA"].as_f64().unwrap());
}
