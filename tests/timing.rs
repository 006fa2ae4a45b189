//! The timing rules of docs/scenario-format.md ("Lists, step by step") that
//! a rule test cannot script (rule tests have no households and report no
//! totals): inheritance drawn once per head listing, and how steps listed
//! count. The other rules have rule tests in examples/scenarios/list_timing.toml.

use pointsim::scenario::Scenario;

fn scenario(text: &str) -> Scenario {
    crate::common::parse_scenario(text)
}

/// Households of two. Every score starts at 100, below the threshold: at the
/// end of step 0 the head is listed and gets +200 (300); the listing lasts one
/// step, and drift (100 a step toward 100) brings the score to 200 at the end
/// of step 1 (the listing is served, and 200 is not below 200), then to 100
/// at the end of step 2, when it is listed again; and again at the end of
/// step 4 (the horizon). Three separate head listings: each member draws its
/// inheritance once per listing, so inherited listings are Binomial(3 ×
/// members, 0.3).
#[test]
fn a_member_draws_its_inheritance_once_per_head_listing() {
    let s = scenario(
        r#"
[scenario]
name = "households"
steps = 5
[score]
start = 100
[recovery]
drift = 100
[population]
size = 20000
[population.households]
sizes = [0.0, 1.0]
[[list]]
id = "debtors"
enter_below = 200
duration = 1
points = 200
inherited_by = "household"
inherit_probability = 0.3
"#,
    );
    let run = pointsim::simulate(&s, 3, &|_| {});
    let m = run.output.totals.mech.expect("the full mechanics ran");
    let (members, p) = (10_000.0f64, 0.3f64);
    let n = 3.0 * members;
    let x = m.inherited_listings[0] as f64;
    // 5 binomial standard errors: a false alarm has probability below 1e-6
    let se = (n * p * (1.0 - p)).sqrt();
    assert!((x - n * p).abs() <= 5.0 * se, "inherited listings {x}, expected {} ± {}", n * p, 5.0 * se);
    assert_eq!(m.listings[0], 3 * 20_000, "everyone listed three times (at the ends of steps 0, 2 and 4)");
}

/// A listing made at the end of step `s` and ended at the end of step `e`
/// counts `e − s` steps listed: the listing step itself does not count. A
/// listing still held at the horizon counts to the end of the last step.
#[test]
fn steps_listed_count_from_the_end_of_the_listing_step() {
    // listed at the end of step 0; +200 on listing lifts the score out of reach
    // of a second listing; served at the end of step 3: 3 steps
    let served = "duration = 3\npoints = 200";
    // listed at the end of step 0 and held to the horizon (10 steps): 9 steps
    let held = "";
    for (extra, steps) in [(served, 3usize), (held, 9)] {
        let s = scenario(&format!(
            "[scenario]\nname = \"steps listed\"\nsteps = 10\n[score]\nstart = 100\n[population]\nsize = 50\n\
             [[list]]\nid = \"low\"\nenter_below = 200\n{extra}\n"
        ));
        let run = pointsim::simulate(&s, 1, &|_| {});
        let m = run.output.totals.mech.expect("the full mechanics ran");
        assert_eq!(m.listings[0], 50, "{extra:?}: one listing each");
        assert_eq!(m.time_listed[0][steps], 50, "{extra:?}: every subject listed {steps} steps");
    }
}
