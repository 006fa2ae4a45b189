//! Use pointsim as a library: load a scenario, change one rule, and compare
//! tier shares with the same seed (same random streams, so the difference
//! is the rule's effect, not noise).
//!
//! Run with `cargo run --release --example one_rule_change`.

use std::path::Path;

use pointsim::scenario;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching_toy.toml");
    let base = scenario::load(&path)?.scenario;

    // the reform: late utility fees cost twice as many points
    let mut reform = base.clone();
    let rule = reform.rules.iter_mut().find(|r| r.points < 0).ok_or("the toy has a negative rule")?;
    rule.points *= 2;
    let changed = rule.id.clone();

    let seed = base.seed;
    let before = pointsim::simulate(&base, seed, &|_| {});
    let after = pointsim::simulate(&reform, seed, &|_| {});

    println!("{}: doubling the points of `{changed}`", base.name);
    println!("{:<10} {:>8} {:>8}", "tier", "before", "after");
    let (b, a) = (&before.summary.final_snapshot().overall, &after.summary.final_snapshot().overall);
    for (k, tier) in base.tiers.iter().enumerate().rev() {
        println!(
            "{:<10} {:>7.2}% {:>7.2}%",
            tier.name,
            100.0 * b.share(b.tier_count[k]),
            100.0 * a.share(a.tier_count[k])
        );
    }
    // with common random numbers no subject can end higher after a harsher penalty
    let worse =
        before.output.final_scores.iter().zip(&after.output.final_scores).filter(|(x, y)| y < x).count();
    let better =
        before.output.final_scores.iter().zip(&after.output.final_scores).filter(|(x, y)| y > x).count();
    println!("subjects whose final score fell: {worse}; rose: {better}");
    assert_eq!(better, 0, "a harsher penalty cannot raise anyone's score when the streams are shared");
    Ok(())
}
