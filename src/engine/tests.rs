//! Engine tests: exact expectations, an independent oracle for the snapshot
//! histograms, replay, and determinism across thread counts. Every run here
//! goes through the plain and the full version of the event loop (the full
//! one made to run by an inert list), which must agree subject by subject.

use super::*;
use crate::scenario::{
    Color, Entry, Group, Kind, List, MinThreshold, Perk, Provenance, Recovery, Report, Rule, RuleMore,
    Scenario, ScoreRange, StepUnit, Tier,
};
use statrs::distribution::{Discrete, DiscreteCDF, Poisson};

fn rule(id: &str, points: i64, rate: f64, tiers: usize) -> Rule {
    Rule {
        id: id.into(),
        label: id.into(),
        description: String::new(),
        points,
        rate,
        max_per_year: None,
        rate_by_tier: vec![1.0; tiers],
        provenance: Provenance::default(),
        more: RuleMore::default(),
        enabled: true,
    }
}

fn tier(name: &str, min: i64) -> Tier {
    Tier { name: name.into(), label: name.into(), min, provenance: Provenance::default() }
}

/// A scenario with one group and the given tiers and rules.
fn scenario(population: u64, steps: u32, step: StepUnit, tiers: Vec<Tier>, rules: Vec<Rule>) -> Scenario {
    Scenario {
        schema_version: 1,
        name: "test".into(),
        description: String::new(),
        sources: vec![],
        seed: 1,
        steps,
        step,
        score: ScoreRange { start: 100, min: None, max: None },
        groups: vec![Group {
            name: "all".into(),
            description: String::new(),
            share: 1.0,
            start: 100,
            rate_multiplier: vec![1.0; rules.len()],
            provenance: Provenance::default(),
            kind: 0,
        }],
        tiers,
        population,
        rules,
        perks: vec![],
        restrictions: vec![],
        recovery: Recovery::default(),
        report: Report::default(),
        changes: Vec::new(),
        kinds: vec![Kind::everyone()],
        lists: vec![],
        households: None,
    }
}

/// `s` with a list nobody can enter: the full mechanics run, and act nowhere.
fn with_inert_list(s: &Scenario) -> Scenario {
    let mut s = s.clone();
    s.lists.push(List::bare("inert", Color::Black, Entry::Below(i64::MIN)));
    assert!(Mech::needed(&s), "the list makes the full mechanics run");
    s
}

/// Run `s` on both versions of the loop; they must give every subject the
/// same final score and the same histograms and rule totals.
fn run_both(s: &Scenario, pop: &Population, seed: u64) -> RunOutput {
    let plain = run(s, pop, seed, &|_| {});
    let full = run(&with_inert_list(s), pop, seed, &|_| {});
    assert_eq!(plain.final_scores, full.final_scores, "plain and full loops differ");
    assert_eq!(plain.totals.hist, full.totals.hist, "plain and full histograms differ");
    assert_eq!(plain.totals.rules, full.totals.rules, "plain and full rule totals differ");
    plain
}

fn run_all(s: &Scenario, seed: u64) -> RunOutput {
    run_both(s, &Population::new(s), seed)
}

fn mean_var(xs: &[i64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().map(|&x| x as f64).sum::<f64>() / n;
    let v = xs.iter().map(|&x| (x as f64 - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// Final score = 100 + 3·N with N ~ Poisson(2.5 × 2 years) = Poisson(5):
/// mean 115, variance 9 × 5 = 45. With n = 40,000 the mean's standard
/// error is sqrt(45/n) = 0.034; we allow 5 SE (0.17), a false alarm below
/// 1e-6. The sample variance of a compound Poisson has relative SE about
/// sqrt((kurtosis - 1)/n) ≈ sqrt((3 + 1/5 - 1)/n) = 0.0074; 5 SE = 3.7%.
#[test]
fn poisson_score_has_exact_mean_and_variance() {
    let s = scenario(40_000, 730, StepUnit::Day, vec![tier("all", i64::MIN)], vec![rule("r", 3, 2.5, 1)]);
    let out = run_all(&s, 7);
    let (m, v) = mean_var(&out.final_scores);
    assert!((m - 115.0).abs() < 0.17, "mean {m}");
    assert!((v / 45.0 - 1.0).abs() < 0.037, "variance {v}");
}

/// The count distribution itself: the share of subjects with exactly k
/// events matches the Poisson pmf within 5 binomial standard errors for
/// every k with an expected count of at least 50 subjects.
#[test]
fn event_counts_follow_the_poisson_pmf() {
    // monthly steps with 30 events a year: ~2.5 per step, so steps hold several events
    let s = scenario(40_000, 12, StepUnit::Month, vec![tier("all", i64::MIN)], vec![rule("r", 1, 30.0, 1)]);
    let out = run_all(&s, 11);
    let n = out.final_scores.len() as f64;
    let pois = Poisson::new(30.0).unwrap();
    for k in 0..80u64 {
        let p = pois.pmf(k);
        if p * n < 50.0 {
            continue;
        }
        let share = out.final_scores.iter().filter(|&&x| x == 100 + k as i64).count() as f64 / n;
        let se = (p * (1.0 - p) / n).sqrt();
        assert!((share - p).abs() < 5.0 * se, "k={k}: share {share} vs {p}");
    }
}

/// A tier share against its exact probability: tier `top` needs two
/// events, so its share is P(N >= 2) for N ~ Poisson(1.5). Tolerance: 5
/// binomial standard errors.
#[test]
fn tier_share_matches_its_exact_probability() {
    let mut s = scenario(
        50_000,
        52,
        StepUnit::Week,
        vec![tier("low", 0), tier("top", 110)],
        vec![rule("r", 5, 1.5, 2)],
    );
    s.perks.push(Perk {
        id: "p".into(),
        label: "p".into(),
        description: String::new(),
        threshold: MinThreshold::Tier(1),
        provenance: Provenance::default(),
        applies_to: vec![],
    });
    let pop = Population::new(&s);
    let out = run_both(&s, &pop, 3);
    let sum = crate::stats::summarise(&s, &pop.sizes, &out.totals);
    let fin = &sum.final_snapshot().overall;
    let p = 1.0 - Poisson::new(1.5).unwrap().cdf(1);
    let share = fin.share(fin.tier_count[1]);
    let se = (p * (1.0 - p) / 50_000.0).sqrt();
    assert!((share - p).abs() < 5.0 * se, "share {share} vs exact {p}");
    assert_eq!(fin.perk_count[0], fin.tier_count[1], "a perk at tier `top` is held exactly by that tier");
}

/// With 200 events a year and a cap of 3, everyone reaches the cap every
/// year (P(Poisson(200) < 3) is about 1e-83), so after 3 years every
/// subject has exactly 9 events: the cap binds and resets each year.
#[test]
fn yearly_cap_binds_and_resets() {
    let mut r = rule("r", 1, 200.0, 1);
    r.max_per_year = Some(3);
    let s =
        scenario(2_000, 36, StepUnit::Month, vec![tier("all", i64::MIN)], vec![r, rule("free", 0, 5.0, 1)]);
    let out = run_all(&s, 5);
    assert!(out.final_scores.iter().all(|&x| x == 109));
    assert_eq!(out.totals.rules[0].events, 2_000 * 9);
}

/// A cap that binds only sometimes: events per year are min(N, 2) with
/// N ~ Poisson(2), whose exact mean is sum_k min(k, 2) pmf(k). Over one
/// year and n = 40,000 subjects, 5 SE of the mean (sd < 1) is < 0.025.
#[test]
fn yearly_cap_mean_is_exact() {
    let mut r = rule("r", 1, 2.0, 1);
    r.max_per_year = Some(2);
    let s = scenario(40_000, 365, StepUnit::Day, vec![tier("all", i64::MIN)], vec![r]);
    let out = run_all(&s, 9);
    let pois = Poisson::new(2.0).unwrap();
    let exact: f64 = (0..60u64).map(|k| k.min(2) as f64 * pois.pmf(k)).sum();
    let (m, _) = mean_var(&out.final_scores);
    assert!((m - 100.0 - exact).abs() < 0.025, "mean events {} vs exact {exact}", m - 100.0);
}

/// Clamping: start 100, min 95, -10 per event. A subject ends at 95 if
/// and only if it had an event, so the share at 95 is P(N >= 1) =
/// 1 - exp(-0.8); points lost to the clamp are exactly 5 per first event
/// plus 10 per later one.
#[test]
fn clamp_holds_and_counts_lost_points() {
    let mut s =
        scenario(40_000, 12, StepUnit::Month, vec![tier("all", i64::MIN)], vec![rule("r", -10, 0.8, 1)]);
    s.score.min = Some(95);
    let out = run_all(&s, 13);
    assert!(out.final_scores.iter().all(|&x| x == 95 || x == 100));
    let share = out.final_scores.iter().filter(|&&x| x == 95).count() as f64 / 40_000.0;
    let p = 1.0 - (-0.8f64).exp();
    assert!((share - p).abs() < 5.0 * (p * (1.0 - p) / 40_000.0).sqrt());
    let t = &out.totals.rules[0];
    let hit = out.final_scores.iter().filter(|&&x| x == 95).count() as u64;
    assert_eq!(t.points_applied, -5 * hit as i64);
    assert_eq!(t.points_clamped, 5 * hit + 10 * (t.events - hit));
}

/// Rates follow the tier at the end of the previous step. A rule removes
/// a point at rate 24/yr but only in tier `ok` (score >= 100); after the
/// first event the subject is in tier `low`, which takes effect at the end
/// of that step. So the drop is the number of events in the step of the
/// first event: a zero-truncated Poisson(2) (24/yr × 1/12), mean
/// 2 / (1 - e^-2) = 2.313. Everyone has an event within the year except
/// with probability e^-24. The zero-truncated Poisson(2) has variance
/// 1.589 (sd 1.26), so with n = 20,000 one SE is 0.0089 and 5 SE is 0.045.
#[test]
fn rates_follow_the_tier_of_the_previous_step() {
    let mut r = rule("fall", -1, 24.0, 2);
    r.rate_by_tier = vec![0.0, 1.0];
    let s = scenario(20_000, 12, StepUnit::Month, vec![tier("low", i64::MIN), tier("ok", 100)], vec![r]);
    let out = run_all(&s, 17);
    let (m, _) = mean_var(&out.final_scores);
    let exact = 2.0 / (1.0 - (-2.0f64).exp());
    assert!((100.0 - m - exact).abs() < 0.045, "mean drop {} vs {exact}", 100.0 - m);
}

/// Records every score change, and the score at the end of every step.
struct Trail {
    steps: u32,
    changes: Vec<(u32, Cause, i64, i64)>,
}

impl Observer for Trail {
    fn change(&mut self, step: u32, _: f64, cause: Cause, before: i64, after: i64) {
        assert!(step < self.steps);
        self.changes.push((step, cause, before, after));
    }
}

impl Trail {
    fn score_at_end_of(&self, start: i64, steps_done: u32) -> i64 {
        self.changes.iter().rev().find(|c| c.0 < steps_done).map_or(start, |c| c.3)
    }
}

fn rich_scenario() -> Scenario {
    let mut s = scenario(
        600,
        50,
        StepUnit::Week,
        vec![tier("d", 0), tier("c", 90), tier("b", 100), tier("a", 110)],
        vec![rule("up", 4, 6.0, 4), rule("down", -7, 5.0, 4), rule("big", -30, 0.5, 4)],
    );
    s.rules[0].rate_by_tier = vec![0.5, 1.0, 1.0, 2.0];
    s.rules[1].max_per_year = Some(3);
    s.score = ScoreRange { start: 100, min: Some(0), max: Some(140) };
    s.recovery = Recovery { restore_after: Some(6), drift: None, repair_max_per_year: None };
    s.report = Report { bin_width: 5, snapshot_every: 3, title: None };
    s.groups = vec![
        Group {
            name: "g1".into(),
            description: String::new(),
            share: 0.3,
            start: 100,
            rate_multiplier: vec![1.0, 2.0, 1.0],
            provenance: Provenance::default(),
            kind: 0,
        },
        Group {
            name: "g2".into(),
            description: String::new(),
            share: 0.7,
            start: 112, // a group with its own start score
            rate_multiplier: vec![0.5, 1.0, 0.0],
            provenance: Provenance::default(),
            kind: 0,
        },
    ];
    s
}

/// The snapshot histograms equal a brute-force count of replayed subjects'
/// scores at every snapshot, so the delta recording is exact.
#[test]
fn snapshot_histograms_match_replayed_histories() {
    for drift in [None, Some(2)] {
        let mut s = rich_scenario();
        s.recovery.drift = drift;
        let pop = Population::new(&s);
        let out = run_both(&s, &pop, 21);
        let h = &out.totals.hist;
        let mut expected = std::collections::HashMap::new();
        for subject in 0..pop.len() {
            let mut trail = Trail { steps: s.steps, changes: vec![] };
            let fin = replay(&s, &pop, 21, subject, &mut trail);
            assert_eq!(fin, out.final_scores[subject as usize], "replay of subject {subject}");
            let g = pop.group_of(subject);
            for (row, &st) in out.totals.snapshot_steps.iter().enumerate() {
                *expected.entry((row, g, trail.score_at_end_of(s.groups[g].start, st))).or_insert(0) += 1;
            }
        }
        for row in 0..h.rows() {
            for g in 0..h.groups() {
                for (i, &c) in h.counts(row, g).iter().enumerate() {
                    let score = h.lo() + i as i64;
                    assert_eq!(
                        c,
                        expected.get(&(row, g, score)).copied().unwrap_or(0),
                        "row {row} group {g} score {score}"
                    );
                }
            }
        }
        assert_eq!(
            out.totals.snapshot_steps,
            [0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39, 42, 45, 48, 50]
        );
    }
}

/// Restoration gives back exactly the points lost since the last one,
/// `restore_after` steps after the last negative record, and never earlier.
#[test]
fn restoration_follows_its_rule() {
    let s = rich_scenario();
    let pop = Population::new(&s);
    let mut restores = 0;
    for subject in 0..200 {
        let mut trail = Trail { steps: s.steps, changes: vec![] };
        replay(&s, &pop, 4, subject, &mut trail);
        let mut lost = 0;
        let mut last_negative = None;
        for &(step, cause, before, after) in &trail.changes {
            match cause {
                Cause::Rule(r) if s.rules[r].points < 0 => {
                    lost += before - after;
                    last_negative = Some(step);
                }
                Cause::Restore => {
                    assert_eq!(Some(step), last_negative.map(|l| l + 6), "subject {subject}");
                    assert_eq!(after, (before + lost).clamp(0, 140));
                    lost = 0;
                    restores += 1;
                }
                _ => {}
            }
        }
    }
    assert!(restores > 20, "the test should exercise restoration ({restores})");
}

/// Drift moves the score `drift` points toward the start at every step end, never past it.
#[test]
fn drift_moves_toward_start_every_step() {
    let mut s = rich_scenario();
    // with restoration too: a restoration that leaves the score off the start is followed by drift in the same step
    s.recovery = Recovery { restore_after: Some(4), drift: Some(3), repair_max_per_year: None };
    let pop = Population::new(&s);
    // every sixth subject: both groups, with their different start scores
    for subject in (0..pop.len()).step_by(6) {
        let start = s.groups[pop.group_of(subject)].start;
        let mut trail = Trail { steps: s.steps, changes: vec![] };
        replay(&s, &pop, 8, subject, &mut trail);
        for &(_, cause, before, after) in &trail.changes {
            if cause == Cause::Drift {
                assert_eq!(
                    after,
                    if before < start { (before + 3).min(start) } else { (before - 3).max(start) }
                );
            }
        }
        for step in 0..s.steps {
            // a step may end off the start only if drift was its last change
            let last = trail.changes.iter().rev().find(|c| c.0 == step);
            match last {
                None => {
                    assert_eq!(trail.score_at_end_of(start, step + 1), start, "subject {subject} step {step}")
                }
                Some(&(_, Cause::Drift, _, _)) => {}
                Some(&(_, _, _, after)) => assert_eq!(after, start, "subject {subject} step {step}"),
            }
        }
    }
}

/// Same seed, 1 and 2 threads: identical scores and totals.
#[test]
fn identical_on_one_and_two_threads() {
    let s = rich_scenario();
    let pop = Population::new(&s);
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| run(&s, &pop, 99, &|_| {}))
    };
    let (a, b) = (on(1), on(2));
    let full = with_inert_list(&s);
    let f2 = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
        .install(|| run(&full, &pop, 99, &|_| {}));
    assert_eq!(a.final_scores, f2.final_scores, "the full loop on 2 threads");
    assert_eq!(a.final_scores, b.final_scores);
    assert_eq!(a.totals.rules, b.totals.rules);
    assert_eq!(a.totals.hist, b.totals.hist);
    let c = run(&s, &pop, 100, &|_| {});
    assert_ne!(a.final_scores, c.final_scores, "another seed gives another run");
}

/// A scenario with no rules is valid: nobody's score changes.
#[test]
fn no_rules_no_change() {
    let s = scenario(100, 10, StepUnit::Week, vec![tier("all", i64::MIN)], vec![]);
    let out = run_all(&s, 1);
    assert!(out.final_scores.iter().all(|&x| x == 100));
    assert_eq!(out.events(), 0);
}

#[test]
fn a_stopped_run_ends_early_and_an_unstopped_one_is_run() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let s = scenario(20 * CHUNK as u64, 12, StepUnit::Month, vec![tier("A", 0)], vec![rule("r", 1, 2.0, 1)]);
    let pop = Population::new(&s);
    let never = AtomicBool::new(false);
    let full = run_until(&s, &pop, 3, &|_| {}, &never).unwrap();
    assert_eq!(full.final_scores, run(&s, &pop, 3, &|_| {}).final_scores);
    // stopped at the first progress report: on one thread, one chunk is done and no more
    let stop = AtomicBool::new(false);
    let done = AtomicU64::new(0);
    let progress = |n| {
        done.fetch_add(n, Ordering::SeqCst);
        stop.store(true, Ordering::SeqCst);
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    assert!(pool.install(|| run_until(&s, &pop, 3, &progress, &stop)).is_none());
    let done = done.load(Ordering::SeqCst);
    assert!(done < pop.len() / 2, "{done} of {} subjects were simulated after the stop", pop.len());
}
