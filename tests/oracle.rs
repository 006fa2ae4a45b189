//! The engine against the naive oracle (`pointsim::naive`) on small scenarios
//! that exercise tier feedback, clamps, yearly caps, restoration and drift.
//!
//! The two implementations share no algorithm and draw from independent
//! streams, so they agree in distribution only. Tolerances (5 standard errors
//! of a difference, see [`within`]) are statistical, but the seeds are fixed,
//! so every run of this file gives the same verdict.

use pointsim::engine::{self, RunOutput};
use pointsim::naive;
use pointsim::population::Population;
use pointsim::scenario::{Recovery, Scenario, StepUnit};
use pointsim::stats::{Summary, summarise};
use pointsim::workload::reference;

/// Whether two independent estimates `a` and `b`, each with standard error
/// `se_a` and `se_b`, agree.
///
/// The runs are independent, so the standard error of `a - b` is
/// `sqrt(se_a² + se_b²)`: for means over `n` subjects each, `sqrt(var1/n +
/// var2/n)`; for shares, the binomial `p(1-p)/n` in each; for event counts,
/// which are sums of many small independent counts, the Poisson variance
/// (the count itself) in each. A true difference of 0 lands beyond 5 SE with
/// probability 5.7e-7 (normal tails); with about 400 comparisons in this file
/// the chance of a false alarm is below 3e-4. The power is modest: with
/// score sds of tens of points and n = 10,000 per side, 5 SE of a mean
/// difference is several points, so this catches mechanics that are wrong
/// (a skipped drift, a cap that never resets, a wrong tier), not biases of
/// a fraction of a point. Event counts are treated as Poisson, which
/// understates their spread slightly when tier feedback correlates them,
/// making those checks a little stricter than 5 SE.
fn within(what: &str, a: f64, se_a: f64, b: f64, se_b: f64) {
    let se = (se_a * se_a + se_b * se_b).sqrt();
    assert!(
        (a - b).abs() <= 5.0 * se.max(1e-12),
        "{what}: engine {a} vs naive {b}, difference {} = {:.1} SE",
        a - b,
        (a - b) / se
    );
}

fn summary(s: &Scenario, pop: &Population, out: &RunOutput) -> Summary {
    summarise(s, &pop.sizes, &out.totals)
}

/// Run both, compare the mean score at every snapshot, every final tier
/// share and the events of every rule; then the same with the engine's
/// general path (the one lists, appeals and households use), forced by
/// giving the one kind its own clamp equal to the file's.
fn compare(name: &str, s: &Scenario, seed: u64) {
    compare_with(name, s, s, seed);
    let mut general = s.clone();
    general.kinds[0].min = Some(s.score.min.unwrap_or(-(1 << 53)));
    compare_with(&format!("{name} (general engine)"), s, &general, seed);
}

fn compare_with(name: &str, s: &Scenario, engine_scenario: &Scenario, seed: u64) {
    let pop = Population::new(s);
    let e = engine::run(engine_scenario, &pop, seed, &|_| {});
    let o = naive::run(s, &pop, seed);
    let (se, so) = (summary(s, &pop, &e), summary(s, &pop, &o));
    let n = s.population as f64;
    for (a, b) in se.snapshots.iter().zip(&so.snapshots) {
        assert_eq!(a.step, b.step);
        assert_eq!((a.overall.n, b.overall.n), (s.population, s.population), "{name}: every subject counted");
        let (x, y) = (a.overall.score.as_ref().unwrap(), b.overall.score.as_ref().unwrap());
        let what = format!("{name}: mean at step {}", a.step);
        within(&what, x.mean, x.sd / n.sqrt(), y.mean, y.sd / n.sqrt());
    }
    // the last histogram row is the final scores, in both implementations
    for (out, sum) in [(&e, &se), (&o, &so)] {
        let mean = out.final_scores.iter().sum::<i64>() as f64 / n;
        assert!((sum.final_snapshot().overall.score.as_ref().unwrap().mean - mean).abs() < 1e-9);
    }
    let (fe, fo) = (&se.final_snapshot().overall, &so.final_snapshot().overall);
    for (k, tier) in s.tiers.iter().enumerate() {
        let (p, q) = (fe.share(fe.tier_count[k]), fo.share(fo.tier_count[k]));
        let what = format!("{name}: final share of tier {}", tier.name);
        within(&what, p, (p * (1.0 - p) / n).sqrt(), q, (q * (1.0 - q) / n).sqrt());
    }
    for (r, rule) in s.rules.iter().enumerate() {
        let (a, b) = (e.totals.rules[r].events as f64, o.totals.rules[r].events as f64);
        within(&format!("{name}: events of rule {}", rule.id), a, a.sqrt(), b, b.sqrt());
    }
}

/// Tier feedback, a tight clamp that binds often, and yearly caps that bind
/// sometimes, over two years of weeks.
#[test]
fn feedback_clamp_and_caps() {
    let mut s = reference(10_000, 8, StepUnit::Week, 104);
    s.score.min = Some(900);
    s.score.max = Some(1100);
    s.rules[1].max_per_year = Some(2);
    s.rules[3].max_per_year = Some(1);
    s.report.snapshot_every = 4;
    compare("feedback_clamp_and_caps", &s, 1);
}

/// Restoration and drift, with tier feedback and a clamp.
#[test]
fn restore_and_drift() {
    let mut s = reference(10_000, 6, StepUnit::Week, 78);
    s.score.min = Some(800);
    s.score.max = Some(1200);
    s.recovery = Recovery { restore_after: Some(10), drift: Some(1), repair_max_per_year: None };
    s.report.snapshot_every = 3;
    compare("restore_and_drift", &s, 2);
}

/// Everything at once with several events per step (monthly steps, four
/// times the reference rates), so the order of events within a step matters
/// for the clamp, caps, and restoration of clamped losses.
#[test]
fn several_events_per_step() {
    let mut s = reference(10_000, 12, StepUnit::Month, 30);
    for r in &mut s.rules {
        r.rate *= 4.0;
    }
    s.score.min = Some(950);
    s.score.max = Some(1060);
    s.rules[0].max_per_year = Some(3);
    s.rules[7].max_per_year = Some(2);
    s.recovery = Recovery { restore_after: Some(3), drift: Some(5), repair_max_per_year: None };
    compare("several_events_per_step", &s, 3);
}

/// An exact case: everyone loses 10 points in step 0 (a rate of 1000 a year
/// with a cap of one event), drift (5 a step) brings the score back to the
/// start by the end of step 1, restoration (5 clean steps) gives the 10
/// points back at the end of step 5, and drift applies at the end of that
/// same step (as it does whenever restoration and drift fall on one step
/// end), so the score is 1005 after step 5 and 1000 after step 6.
///
/// This caught an engine bug: drift was skipped at a restoration reached
/// from the start score.
#[test]
fn drift_applies_after_restoration_exactly() {
    let mut s = reference(50, 4, StepUnit::Month, 7);
    for r in &mut s.rules {
        r.rate = 0.0;
    }
    s.rules[3].rate = 1000.0;
    s.rules[3].points = -10;
    s.rules[3].max_per_year = Some(1);
    s.recovery = Recovery { restore_after: Some(5), drift: Some(5), repair_max_per_year: None };
    let pop = Population::new(&s);
    let o = naive::run(&s, &pop, 1);
    assert!(o.final_scores.iter().all(|&x| x == 1000), "naive {:?}", &o.final_scores[..5]);
    let e = engine::run(&s, &pop, 1, &|_| {});
    assert!(e.final_scores.iter().all(|&x| x == 1000), "engine {:?}", &e.final_scores[..5]);
}
