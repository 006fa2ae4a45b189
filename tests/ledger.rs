//! `run --ledger` / `--trace-sample K`: ledger.parquet holds exactly the run's
//! histories, the same bytes on any number of threads, and refuses what is too big.
#![cfg(feature = "parquet")]

use std::collections::BTreeMap;
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

use crate::common::{DEBT_EXAMPLE, pointsim};

/// Each row of ledger.parquet as column name → value.
fn read(path: &Path) -> Vec<BTreeMap<String, Field>> {
    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    r.get_row_iter(None)
        .unwrap()
        .map(|row| row.unwrap().get_column_iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .collect()
}

fn long(row: &BTreeMap<String, Field>, key: &str) -> i64 {
    match &row[key] {
        Field::Long(x) => *x,
        other => panic!("{key} is {other:?}"),
    }
}

fn text(row: &BTreeMap<String, Field>, key: &str) -> Option<String> {
    match &row[key] {
        Field::Str(s) => Some(s.clone()),
        Field::Null => None,
        other => panic!("{key} is {other:?}"),
    }
}

fn run(dir: &Path, extra: &[&str]) {
    pointsim()
        .args(["run", DEBT_EXAMPLE, "--population", "600", "--no-plots", "--quiet", "--force", "--out"])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn the_ledger_is_the_runs_history() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["--ledger", "-j", "1"]);
    let rows = read(&dir.path().join("ledger.parquet"));
    // the full run's final scores, subject by subject
    let text_scenario = std::fs::read_to_string(DEBT_EXAMPLE).unwrap().replace("size = 20000", "size = 600");
    let s = pointsim::scenario::parse(&text_scenario, "x.toml").unwrap().scenario;
    let full = pointsim::simulate(&s, s.seed, &|_| {});
    let mut last: BTreeMap<i64, i64> = BTreeMap::new();
    let mut listed = 0;
    for r in &rows {
        let subject = long(r, "subject");
        // rows chain: each starts where the subject's previous one ended
        if let Some(&prev) = last.get(&subject) {
            assert_eq!(long(r, "score_before"), prev, "subject {subject}");
        }
        assert_eq!(long(r, "points"), long(r, "score_after") - long(r, "score_before"));
        last.insert(subject, long(r, "score_after"));
        if text(r, "cause").as_deref() == Some("listed") {
            listed += 1;
            assert_eq!(text(r, "list").as_deref(), Some("debtors"));
            assert!(text(r, "reason").is_some());
        }
    }
    let population = pointsim::population::Population::new(&s);
    for subject in 0..s.population {
        let start = s.groups[population.group_of(subject)].start;
        let end = last.get(&(subject as i64)).copied().unwrap_or(start);
        assert_eq!(end, full.output.final_scores[subject as usize], "subject {subject}");
    }
    // the run's mechanics totals count the same listings
    let m = full.output.totals.mech.as_ref().unwrap();
    let listings: u64 = m.listings.iter().sum::<u64>() + m.inherited_listings.iter().sum::<u64>();
    assert_eq!(listed, listings);
    assert!(listed > 20, "{listed} listings: the example should list people");
}

#[test]
fn the_same_bytes_on_one_and_two_threads_and_samples_are_subsets() {
    let (a, b, c) =
        (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    run(a.path(), &["--ledger", "-j", "1"]);
    run(b.path(), &["--ledger", "-j", "2"]);
    let bytes = |d: &Path| std::fs::read(d.join("ledger.parquet")).unwrap();
    assert_eq!(bytes(a.path()), bytes(b.path()));
    run(c.path(), &["--trace-sample", "60"]);
    let sample = read(&c.path().join("ledger.parquet"));
    let subjects: Vec<i64> = sample.iter().map(|r| long(r, "subject")).collect();
    assert!(subjects.iter().all(|s| s % 10 == 0), "a systematic sample of 60 of 600 is every 10th subject");
    let full: Vec<_> =
        read(&a.path().join("ledger.parquet")).into_iter().filter(|r| long(r, "subject") % 10 == 0).collect();
    assert_eq!(sample, full, "the sample's rows are the full ledger's rows of those subjects");
}

#[test]
fn a_sample_of_k_names_exactly_k_subjects() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["--trace-sample", "50"]);
    let rows = read(&dir.path().join("ledger.parquet"));
    let subjects: std::collections::BTreeSet<i64> = rows.iter().map(|r| long(r, "subject")).collect();
    let want: std::collections::BTreeSet<i64> =
        pointsim::trace::ledger::ledger_subjects(600, Some(50)).into_iter().map(|s| s as i64).collect();
    assert_eq!(subjects, want, "every sampled subject has a row, with events or not");
    // a subject without events has one row, `none`, at its start score
    let none: Vec<_> = rows.iter().filter(|r| text(r, "cause").as_deref() == Some("none")).collect();
    assert!(!none.is_empty(), "the example should have subjects without events");
    for r in none {
        assert_eq!(long(r, "points"), 0);
        assert_eq!(long(r, "score_before"), long(r, "score_after"));
        assert_eq!(rows.iter().filter(|q| long(q, "subject") == long(r, "subject")).count(), 1);
    }
}

#[test]
fn a_later_run_without_a_ledger_removes_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &["--ledger"]);
    assert!(dir.path().join("ledger.parquet").exists());
    run(dir.path(), &[]);
    assert!(!dir.path().join("ledger.parquet").exists(), "a stale ledger would not match the new files");
}

#[test]
fn a_ledger_too_large_is_refused_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let scenario = dir.path().join("big.toml");
    std::fs::write(
        &scenario,
        "[scenario]\nname = \"big\"\nsteps = 365\n[score]\nstart = 0\n[population]\nsize = 2000000\n\
         [[rule]]\nid = \"tick\"\npoints = 1\nrate = 40\n",
    )
    .unwrap();
    let assert = pointsim().arg("run").arg(&scenario).arg("--out").arg(&out).arg("--ledger").assert().code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("the ledger would hold about") && stderr.contains("--trace-sample"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
}
