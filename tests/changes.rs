//! Dated policy changes (`[[change]]`): the engine applies each at the
//! start of its step, histories before it are untouched, and the numbers
//! after it follow the new rules exactly in expectation; traces, rule tests,
//! `check`, `run` and `compare` honour them.

use pointsim::scenario::{Scenario, parse};

use crate::common::{pointsim, pointsim_in, repo};

/// One rule, +5 at 1.2 events a year, monthly steps for two years, no clamp,
/// no cap, no tier dependence: each subject's score is 100 plus 5 times a
/// Poisson count, so means and variances are exact.
const BASE: &str = "[scenario]\nname = \"dated\"\nsteps = 24\nstep = \"month\"\nseed = 7\n\
                    [score]\nstart = 100\n[population]\nsize = 20000\n\
                    [[tier]]\nname = \"B\"\nmin = 0\n[[tier]]\nname = \"A\"\nmin = 100\n\
                    [[perk]]\nid = \"good\"\nmin_tier = \"A\"\n\
                    [[rule]]\nid = \"vol\"\npoints = 5\nrate = 1.2\n";

fn scenario(extra: &str) -> Scenario {
    parse(&format!("{BASE}{extra}"), "dated.toml").unwrap_or_else(|d| panic!("{}", d.render(false))).scenario
}

/// Mean and variance of the final scores.
fn moments(s: &Scenario) -> (f64, f64, Vec<i64>) {
    let sim = pointsim::simulate(s, s.seed, &|_| {});
    let x = &sim.output.final_scores;
    let n = x.len() as f64;
    let mean = x.iter().sum::<i64>() as f64 / n;
    let var = x.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var, x.clone())
}

/// Doubling the points at month 12: the first year's events are worth 5, the
/// second's 10. With `m = 1.2 / 12 × 12 = 1.2` events expected per year, the
/// mean gain is 5m + 10m = 18 and its variance 25m + 100m = 150 (Poisson
/// counts of the two years are independent). The standard error of the mean
/// of 20,000 is sqrt(150 / 20000) = 0.087: a tolerance of 0.45 is over 5
/// standard errors. The variance of a sample variance of 20,000 is about
/// 2σ⁴/n plus the excess kurtosis term; 10% of 150 is over 8 of its
/// standard errors.
#[test]
fn points_doubled_halfway_follow_the_new_rule_exactly_in_expectation() {
    let s = scenario("[[change]]\nlabel = \"double\"\nat = 12\nset = [\"rule.vol.points=10\"]\n");
    let (mean, var, _) = moments(&s);
    assert!((mean - 118.0).abs() < 0.45, "mean {mean}, want 118");
    assert!((var - 150.0).abs() < 15.0, "variance {var}, want 150");
}

/// A rule switched off at month 6 records nothing after: the number of
/// events is Poisson with mean 20,000 × 1.2 × 6/12 = 12,000 (sd 110; 5 sd
/// is 550), and every subject's score is 100 + 5 × (events before month 6).
#[test]
fn a_rule_switched_off_records_nothing_after_its_change() {
    let s = scenario("[[change]]\nlabel = \"off\"\nat = 6\nset = [\"rule.vol.enabled=false\"]\n");
    let sim = pointsim::simulate(&s, s.seed, &|_| {});
    let events = sim.output.events() as f64;
    assert!((events - 12_000.0).abs() < 550.0, "{events} events, want about 12,000");
    let summary = &sim.summary;
    let mean = |row: usize| summary.snapshots[row].overall.score.as_ref().expect("subjects").mean;
    // the score stands still from the change on: the snapshots of months 6 to 24 agree
    assert!(mean(6) > 102.0, "half a year of volunteering: {}", mean(6));
    for row in 7..=24 {
        assert_eq!(mean(row), mean(6), "the score moved after the rule was switched off (month {row})");
    }
}

/// History before a change is exactly that of the scenario without it
/// (common random numbers up to the change), and the change acts after.
#[test]
fn steps_before_a_change_are_those_of_the_run_without_it() {
    let plain = scenario("");
    let changed = scenario("[[change]]\nlabel = \"more often\"\nat = 10\nset = [\"rule.vol.rate=6\"]\n");
    let a = pointsim::simulate(&plain, 7, &|_| {});
    let b = pointsim::simulate(&changed, 7, &|_| {});
    for row in 0..=10 {
        assert_eq!(
            a.summary.snapshots[row], b.summary.snapshots[row],
            "month {row} differs before the change"
        );
    }
    let (ma, mb) = (&a.summary.snapshots[24].overall, &b.summary.snapshots[24].overall);
    assert!(mb.score.as_ref().unwrap().mean > ma.score.as_ref().unwrap().mean + 10.0);
}

/// Thresholds are read as they are in force: everyone starts at 100, in A
/// with the perk; with no events a raise of A's threshold to 150 at month
/// 6 puts everyone in B from the snapshot of month 6 on, without the perk.
#[test]
fn tiers_and_perks_follow_moved_thresholds_from_the_change() {
    let s = scenario(
        "[[change]]\nlabel = \"stricter\"\nat = 6\nset = [\"tier.A.min=150\", \"rule.vol.rate=0\"]\n",
    );
    let sim = pointsim::simulate(&s, s.seed, &|_| {});
    let n = 20_000;
    let snap = |row: usize| &sim.summary.snapshots[row].overall;
    assert_eq!(snap(24).tier_count, [n, 0], "everyone is in B at the end");
    assert_eq!(snap(24).perk_count, [0], "nobody holds the perk at the end");
    assert_eq!(snap(6).tier_count, [n, 0], "the snapshot of month 6 is read with month 6's thresholds");
    assert_eq!(snap(0).tier_count[0] + snap(0).tier_count[1], n);
    assert_eq!(snap(0).perk_count[0], snap(0).tier_count[1], "A holds the perk at the start");
}

/// The same scenario, seed and version give the same data on any number of threads.
#[test]
fn a_run_with_changes_is_the_same_on_one_thread_and_on_three() {
    let s = scenario(
        "[[change]]\nlabel = \"a\"\nat = 5\nset = [\"rule.vol.points=-5\", \"rule.vol.max_per_year=1\"]\n\
         [[change]]\nlabel = \"b\"\nat = 17\nset = [\"tier.A.min=95\", \"rule.vol.max_per_year=3\"]\n",
    );
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| pointsim::simulate(&s, 3, &|_| {}))
    };
    let (one, three) = (on(1), on(3));
    assert_eq!(one.output.final_scores, three.output.final_scores);
    assert_eq!(one.summary, three.summary);
}

/// A cap added at month 6 counts the events from the change on: a rule that
/// fires at 120 events a year with `max_per_year = 1` gives at most one
/// event from month 6 to the year's end (month 12), and one in the second
/// year: at most 100 + 5 × (events before month 6) + 5 + 5.
#[test]
fn a_cap_added_by_a_change_binds_from_the_change() {
    let s = scenario(
        "[[change]]\nlabel = \"fast\"\nat = 1\nset = [\"rule.vol.rate=120\"]\n\
         [[change]]\nlabel = \"capped\"\nat = 6\nset = [\"rule.vol.max_per_year=1\"]\n",
    );
    let sim = pointsim::simulate(&s, s.seed, &|_| {});
    let snaps = &sim.summary.snapshots;
    let mean = |row: usize| snaps[row].overall.score.as_ref().unwrap().mean;
    // at 10 events a month every subject fires at least once in each capped span (P(no event) ≈ e^-60)
    assert!((mean(24) - mean(6) - 10.0).abs() < 1e-9, "{} then {}", mean(6), mean(24));
    assert!((mean(12) - mean(6) - 5.0).abs() < 1e-9, "one event in the rest of the first year");
}

/// A rule test scripts events before and after a change: they count at the
/// points in force when they happen, and a switched-off rule's event is skipped.
#[test]
fn rule_tests_script_events_before_and_after_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{BASE}[[change]]\nlabel = \"double\"\nat = 3\nset = [\"rule.vol.points=10\"]\n\
         [[change]]\nlabel = \"off\"\nat = 6\nset = [\"rule.vol.enabled=false\"]\n\
         [[test]]\nname = \"before and after\"\n\
         [[test.events]]\nstep = 1\nrule = \"vol\"\n[[test.events]]\nstep = 4\nrule = \"vol\"\n\
         [[test.events]]\nstep = 7\nrule = \"vol\"\n\
         [[test.expect]]\nstep = 2\nscore = 105\n[[test.expect]]\nstep = 8\nscore = 115\n"
    );
    std::fs::write(dir.path().join("dated.toml"), text).unwrap();
    let out = pointsim_in(dir.path()).args(["test", "dated.toml"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("1 passed"), "{stdout}");
}

/// `check` reports a change that is wrong at its step with the file's line
/// and column and exits 2; a good one is counted.
#[test]
fn check_reports_changes_at_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = format!("{BASE}[[change]]\nlabel = \"too far\"\nat = 30\nset = [\"tier.B.min=200\"]\n");
    std::fs::write(dir.path().join("bad.toml"), bad).unwrap();
    let out = pointsim_in(dir.path()).args(["check", "bad.toml"]).assert().code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("change `too far` is at step 30, but the scenario has 24 steps"), "{err}");
    assert!(err.contains("bad.toml:25:6"), "{err}");
    assert!(
        err.contains("with change `too far` made (step 30): the tiers from lowest to highest become A, B"),
        "{err}"
    );
    let good = format!("{BASE}[[change]]\nlabel = \"double\"\nat = 12\nset = [\"rule.vol.points=10\"]\n");
    std::fs::write(dir.path().join("good.toml"), good).unwrap();
    let out = pointsim_in(dir.path()).args(["check", "good.toml"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("1 dated change"), "{stdout}");
}

/// `run` writes the changes into `summary.json` and the manifest, and
/// `--steps` may not end the run before a change.
#[test]
fn run_records_the_changes_and_refuses_steps_that_cut_one_off() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{BASE}[[change]]\nlabel = \"double\"\nat = 12\nset = [\"rule.vol.points=10\"]\nsource = \"a law\"\n"
    );
    std::fs::write(dir.path().join("dated.toml"), text).unwrap();
    pointsim_in(dir.path())
        .args(["run", "dated.toml", "--out", "out", "--quiet", "--no-plots", "--population", "500"])
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/summary.json")).unwrap()).unwrap();
    let c = &summary["changes"][0];
    assert_eq!((c["label"].as_str(), c["at"].as_u64()), (Some("double"), Some(12)), "{summary:#}");
    assert_eq!(c["set"][0], "rule.vol.points=10");
    assert_eq!(c["source"], "a law");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out/manifest.json")).unwrap())
            .unwrap();
    let rules = &manifest["resolved_scenario"]["changes"][0]["rules"];
    assert_eq!(rules["rules"][0]["points"], 10);
    assert_eq!(rules["population"], 500, "the change's scenario runs the same population");
    let out = pointsim_in(dir.path())
        .args(["run", "dated.toml", "--out", "out2", "--quiet", "--no-plots", "--steps", "10"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("ends the run before change `double` at step 12"), "{err}");
}

/// The reference scenarios that carry dated changes check and run.
#[test]
fn reference_scenarios_with_changes_run() {
    for file in ["scenarios/national_blacklist.toml", "scenarios/overlays/rongcheng_consent_2021.toml"] {
        let s = pointsim::scenario::load(&repo(file)).unwrap_or_else(|e| panic!("{file}: {e:?}")).scenario;
        assert!(!s.changes.is_empty(), "{file} has a dated change");
    }
    pointsim().args(["check", "scenarios/national_blacklist.toml"]).assert().success();
}

/// The report lists the changes and the score-over-time chart marks them.
#[test]
fn the_report_and_the_chart_over_time_show_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    pointsim()
        .args(["run", "scenarios/overlays/rongcheng_consent_2021.toml", "--quiet", "--population", "2000"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<h2>Dated changes</h2>"), "no section of dated changes");
    assert!(report.contains("month 24") && report.contains("consent 2021"), "the change is not listed");
    let svg = std::fs::read_to_string(out.join("plots/score_over_time.svg")).unwrap();
    assert!(svg.contains("consent 2021"), "the chart does not label the change");
    assert!(svg.contains("dated change"), "the legend does not name the change line");
}

/// A sweep runs each cell with the base's changes, and may vary a change
/// itself: a change's `at` is a path like any other.
#[test]
fn sweeps_vary_a_change_like_any_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{BASE}[[change]]\nlabel = \"double\"\nat = 12\nset = [\"rule.vol.points=10\"]\n");
    std::fs::write(dir.path().join("dated.toml"), text).unwrap();
    let plan = "base = \"dated.toml\"\nreplicates = 1\nmode = \"grid\"\n[vary]\n\
                'change.double.at' = [1, 23]\n\"population.size\" = [4000]\n";
    std::fs::write(dir.path().join("plan.toml"), plan).unwrap();
    pointsim_in(dir.path()).args(["sweep", "plan.toml", "--out", "out", "--quiet"]).assert().success();
    let cell = std::fs::read_to_string(dir.path().join("out/cells/c0000.toml")).unwrap();
    assert!(cell.contains("[[change]]") && cell.contains("at = 1"), "{cell}");
    let cells = std::fs::read_to_string(dir.path().join("out/cells.csv")).unwrap();
    let header: Vec<&str> = cells.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "score.mean.mean").expect("score.mean.mean column");
    let means: Vec<f64> =
        cells.lines().skip(1).map(|l| l.split(',').nth(col).unwrap().parse().unwrap()).collect();
    // expected gains: 0.1 × (5 × 1 + 10 × 23) = 23.5 and 0.1 × (5 × 23 + 10 × 1) = 12.5,
    // each a mean of 4,000 with sd sqrt(0.1 × (25 × 1 + 100 × 23) / 4000) ≈ 0.24 at most
    assert!((means[0] - 123.5).abs() < 1.5, "{means:?}");
    assert!((means[1] - 112.5).abs() < 1.5, "{means:?}");
}

/// A trace shows a threshold that a change moves as a change of standing at
/// the end of the step before it, even with no event: everyone starts at 100
/// in A; with no events, raising A's threshold to 150 at month 6 moves the
/// subject to B at the end of month 5.
#[test]
fn a_trace_shows_the_standing_a_change_moves() {
    let s = scenario("[[change]]\nlabel = \"stricter\"\nat = 6\nset = [\"tier.A.min=150\"]\n");
    let mut quiet = s.clone();
    quiet.rules[0].rate = 0.0;
    for c in &mut quiet.changes {
        c.rules.rules[0].rate = 0.0;
    }
    let pop = pointsim::population::Population::new(&quiet);
    let t = pointsim::trace::trace(&quiet, &pop, 1, 0);
    assert!(t.events.is_empty());
    let ends: Vec<(u32, usize, usize)> = t.step_ends.iter().map(|e| (e.step, e.from.tier, e.to.tier)).collect();
    assert_eq!(ends, [(5, 1, 0)], "the move to B at the end of month 5");
    assert_eq!((t.end.tier, t.end.perks.len()), (0, 0), "in B without the perk at the end");
}
