//! Invariance of the one event loop: a mechanic that never acts changes no
//! history. Each inert variant of the teaching toy (an error rate of 1e-9, a
//! list nobody can enter, households whose members inherit with probability
//! 0, `applies_to` naming every kind, dated changes to the values already in
//! force) must give every subject the final score
//! of the plain scenario, the same `histogram.csv`, on one thread and on two,
//! and `compare` against the plain scenario must report nobody moving.
//!
//! 20,000 subjects: one thread splits them into 4 blocks of 5,000, two
//! threads into 8 of 2,500 (the engine's blocks are at least 2,048 subjects),
//! so the split differs between the thread counts, unlike at 3,000.

use std::path::Path;

use pointsim::batch::compare::compare;
use pointsim::output::histogram_csv;
use pointsim::scenario::{Scenario, load};

const N: u64 = 20_000;

fn scenario(path: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let mut s = load(&path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display())).scenario;
    let o = pointsim::Overrides { population: Some(N), ..Default::default() };
    pointsim::apply_overrides(&mut s, &o).expect("in range");
    s
}

/// Final scores and `histogram.csv` of a run on `threads` threads.
fn run(s: &Scenario, threads: usize) -> (Vec<i64>, Vec<u8>) {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let sim = pool.install(|| pointsim::simulate(s, s.seed, &|_| {}));
    let hist = histogram_csv(s, &sim.summary, 0);
    (sim.output.final_scores, hist)
}

/// `variant` leaves every history of `base` as it is, on 1 and 2 threads, and
/// compare finds no mover, no score change and no change of access.
fn inert(base: &str, variant: &str) {
    let (b, v) = (scenario(base), scenario(variant));
    let plain = run(&b, 1);
    for threads in [1, 2] {
        let got = run(&v, threads);
        let differ = plain.0.iter().zip(&got.0).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{variant} on {threads} thread(s): {differ} of {N} final scores differ");
        assert!(plain.1 == got.1, "{variant} on {threads} thread(s): histogram.csv differs");
    }
    let c = compare(&b, &v, 42, 3, 0, &|_| {}).expect("comparable");
    for g in 0..c.groups.len() {
        let [down, same, up] = c.moved(g).expect("same tiers");
        assert_eq!((down, up), (0, 0), "{variant}: {down} move down, {up} up in `{}`", c.groups[g]);
        assert_eq!(same, c.group_sizes[g] * 3, "{variant}: everyone stays in `{}`", c.groups[g]);
        let [lower, _, higher] = c.score_change[g];
        assert_eq!((lower, higher), (0, 0), "{variant}: scores changed in `{}`", c.groups[g]);
    }
    for h in &c.holdings {
        for g in &h.by_group {
            assert_eq!((g.gained, g.lost), (0, 0), "{variant}: access to `{}` changed", h.id);
        }
    }
}

#[test]
fn an_error_rate_that_never_fires_changes_nothing() {
    inert("scenarios/teaching_toy.toml", "tests/data/inert/error_rate.toml");
}

#[test]
fn a_list_nobody_can_enter_changes_nothing() {
    inert("scenarios/teaching_toy.toml", "tests/data/inert/unreachable_list.toml");
}

#[test]
fn households_that_inherit_with_probability_zero_change_nothing() {
    inert("scenarios/teaching_toy.toml", "tests/data/inert/households.toml");
}

#[test]
fn dated_changes_to_the_same_values_change_nothing() {
    inert("scenarios/teaching_toy.toml", "tests/data/inert/change.toml");
}

#[test]
fn applies_to_naming_every_kind_changes_nothing() {
    inert("tests/data/inert/kinds_base.toml", "tests/data/inert/applies_to.toml");
}

/// The paired-comparison promise itself: where rates do not depend on the
/// score (the toy without its `rate_by_tier`, with an inert list so the full
/// mechanics run), a reform of one rule's points moves scores but not one
/// event time or rule.
#[test]
fn a_reform_of_points_changes_scores_but_no_event_time() {
    use pointsim::engine::{Cause, Observer, replay};
    #[derive(Default)]
    struct Times(Vec<(u64, usize)>);
    impl Observer for Times {
        fn change(&mut self, _: u32, time: f64, cause: Cause, _: i64, _: i64) {
            if let Cause::Rule(r) = cause {
                self.0.push((time.to_bits(), r));
            }
        }
        fn unchanged(&mut self, _: u32, time: f64, rule: usize, _: i64) {
            self.0.push((time.to_bits(), rule));
        }
    }
    let mut base = scenario("tests/data/inert/unreachable_list.toml");
    for r in &mut base.rules {
        r.rate_by_tier.iter_mut().for_each(|m| *m = 1.0);
    }
    let mut reform = base.clone();
    let v = reform.rules.iter().position(|r| r.id == "volunteer_service").expect("the toy's rule");
    reform.rules[v].points *= 2;
    let pop = pointsim::population::Population::new(&base);
    let mut moved = 0;
    for subject in (0..N).step_by(97) {
        let (mut a, mut b) = (Times::default(), Times::default());
        let sa = replay(&base, &pop, 42, subject, &mut a);
        let sb = replay(&reform, &pop, 42, subject, &mut b);
        assert_eq!(a.0, b.0, "subject {subject}: event times or rules differ");
        moved += usize::from(sa != sb);
    }
    assert!(moved > 0, "doubling volunteering's points should change some scores");
}
