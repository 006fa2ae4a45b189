//! `pointsim::trace`: replayed histories agree with the full run, render as
//! expected, and number events within scenario years.

use std::path::Path;

use pointsim::engine::Cause;
use pointsim::population::Population;
use pointsim::scenario::{Scenario, StepUnit, load};
use pointsim::trace::{Trace, json_document, trace};

use crate::common::{DEBT_EXAMPLE, pointsim};

fn scenario(name: &str) -> Scenario {
    load(Path::new(&format!("tests/data/trace/{name}.toml"))).unwrap().scenario
}

/// Scores chain from event to event, and standing changes match the scores.
fn assert_consistent(s: &Scenario, t: &Trace) {
    let mut score = t.start.score;
    let mut last = (0u32, 0.0f64);
    for e in &t.events {
        assert_eq!(e.before, score, "subject {}: a change was missed before {e:?}", t.subject);
        assert!((e.step, e.time) >= last, "subject {}: events out of order at {e:?}", t.subject);
        assert!(f64::from(e.step) <= e.time && e.time <= f64::from(e.step + 1), "{e:?}");
        assert_eq!(e.nth_in_year.is_some(), matches!(e.cause, Cause::Rule(_)));
        if let Cause::Rule(r) = e.cause
            && let Some(cap) = s.rules[r].max_per_year
        {
            assert!(e.nth_in_year.unwrap() <= cap, "subject {}: cap exceeded at {e:?}", t.subject);
        }
        last = (e.step, e.time);
        score = e.after;
    }
    assert_eq!(score, t.end.score);
    for end in &t.step_ends {
        assert!(!end.from.same_standing(&end.to));
    }
}

#[test]
fn final_scores_match_the_full_run_for_200_subjects() {
    let s = scenario("feedback");
    let seed = 2024;
    let full = pointsim::simulate(&s, seed, &|_| {});
    let population = Population::new(&s);
    let (mut events, mut clamped, mut restored, mut drifted, mut tier_changes) = (0, 0, 0, 0, 0);
    // every 10th subject: 120 of the first group, 80 of the second
    for subject in (0..s.population).step_by(10) {
        let t = trace(&s, &population, seed, subject);
        assert_eq!(
            t.end.score, full.output.final_scores[subject as usize],
            "subject {subject}: trace and full run disagree"
        );
        assert_consistent(&s, &t);
        events += t.events.len();
        clamped += t.events.iter().filter(|e| e.before == e.after).count();
        restored += t.events.iter().filter(|e| e.cause == Cause::Restore).count();
        drifted += t.events.iter().filter(|e| e.cause == Cause::Drift).count();
        tier_changes += t.step_ends.iter().filter(|e| e.from.tier != e.to.tier).count();
    }
    // the sample exercises every mechanism
    assert!(events > 2000, "{events} events");
    for (what, n) in
        [("clamped", clamped), ("restored", restored), ("drifted", drifted), ("tier changes", tier_changes)]
    {
        assert!(n > 10, "only {n} {what} in the sample");
    }
}

#[test]
fn traced_events_per_rule_add_up_to_the_run_totals() {
    // all 2,000 subjects: the trace sees every event the engine counts, clamped ones included
    let s = scenario("feedback");
    let full = pointsim::simulate(&s, 5, &|_| {});
    let population = Population::new(&s);
    let mut per_rule = vec![0u64; s.rules.len()];
    for subject in 0..s.population {
        for e in trace(&s, &population, 5, subject).events {
            if let Cause::Rule(r) = e.cause {
                per_rule[r] += 1;
            }
        }
    }
    let totals: Vec<u64> = full.output.totals.rules.iter().map(|r| r.events).collect();
    assert_eq!(per_rule, totals);
}

#[test]
fn text_of_a_history_worked_out_by_hand() {
    let s = scenario("restore");
    let population = Population::new(&s);
    let t = trace(&s, &population, s.seed, 1);
    insta::assert_snapshot!("restore_subject_1", t.to_text(&s));
}

#[test]
fn json_of_a_history_worked_out_by_hand() {
    let s = scenario("restore");
    let population = Population::new(&s);
    let t = trace(&s, &population, s.seed, 2);
    let doc: serde_json::Value = serde_json::from_slice(&json_document(&s, s.seed, &[t])).unwrap();
    let subject = &doc["subjects"][0];
    assert_eq!(doc["scenario"], "Trace by hand");
    assert_eq!(
        subject["final"],
        serde_json::json!({"score": 1000, "tier": "A", "perks": ["deposit_free"], "restrictions": [], "lists": []})
    );
    let events: Vec<(u64, &str, i64, i64)> = subject["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["step"].as_u64().unwrap(),
                e["cause"].as_str().unwrap(),
                e["points"].as_i64().unwrap(),
                e["score_after"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            (0, "rule", -20, 980),
            (0, "rule", -20, 960),
            (6, "restore", 40, 1000),
            (12, "rule", -20, 980),
            (12, "rule", -20, 960),
            (18, "restore", 40, 1000)
        ]
    );
    assert_eq!(
        subject["tier_changes"],
        serde_json::json!([
            {"step": 0, "from": "A", "to": "C"},
            {"step": 6, "from": "C", "to": "A"},
            {"step": 12, "from": "A", "to": "C"},
            {"step": 18, "from": "C", "to": "A"}
        ])
    );
}

#[test]
fn the_count_in_the_year_restarts_at_each_year_boundary_in_every_unit() {
    // two capped fees at the very start of each scenario year, whatever the step
    for unit in [StepUnit::Month, StepUnit::Week, StepUnit::Day] {
        let mut s = scenario("restore");
        let spy = unit.steps_per_year();
        s.step = unit;
        s.steps = 3 * spy;
        s.recovery.restore_after = None;
        let population = Population::new(&s);
        let t = trace(&s, &population, 9, 0);
        let got: Vec<(u32, Option<u32>)> = t.events.iter().map(|e| (e.step, e.nth_in_year)).collect();
        let want: Vec<(u32, Option<u32>)> =
            (0..3).flat_map(|y| [(y * spy, Some(1)), (y * spy, Some(2))]).collect();
        assert_eq!(got, want, "{unit:?}");
        // six fees of 20 and no restoration
        assert_eq!(t.end.score, 880);
    }
}

/// The README's trace of the debtors example is that subject's real trace.
#[test]
fn the_readme_trace_of_the_debtors_example_is_true() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let marker = "$ pointsim trace examples/scenarios/debt_blacklist.toml --subject 66\n";
    let start = readme.find(marker).expect("the README shows the trace") + marker.len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let out = pointsim().args(["trace", DEBT_EXAMPLE, "--subject", "66"]).assert().success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), shown);
}
