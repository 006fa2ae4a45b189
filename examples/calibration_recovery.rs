//! The long recovery check of `pointsim calibrate`: fit many synthetic truths and count how
//! often the true values fall inside the reported 95% ranges.
//!
//! ```text
//! cargo run --release --example calibration_recovery -- [TRUTHS] [SD] [CANDIDATES] [REPLICATES]
//! ```
//!
//! Defaults: 2 truths (a smoke run: the test suite runs every example without
//! arguments; give 200 for the real check), target sd 0.012, 80 candidates
//! per wave, 2 replicates. The CI test (`batch::calibrate::tests`) runs the
//! first 24 of the same truths. Prints the coverage per parameter with its
//! binomial standard error, and the mean width of the ranges as a share of
//! the prior range.

use pointsim::batch::calibrate::recovery::recover;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let truths: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(2);
    let sd: f64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0.012);
    let candidates: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(80);
    let replicates: u32 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(2);
    let clock = std::time::Instant::now();
    let mut inside = [0u64; 2];
    let mut width = [0.0f64; 2];
    let mut names = [String::new(), String::new()];
    for i in 0..truths {
        let (truth, o) = recover(i, sd, candidates, replicates);
        for (k, r) in o.posterior.ranges.iter().enumerate() {
            names[k].clone_from(&r.parameter);
            inside[k] += u64::from((r.lo..=r.hi).contains(&truth[k]));
            width[k] += r.width_share;
        }
    }
    let n = truths as f64;
    for k in 0..2 {
        let p = inside[k] as f64 / n;
        println!(
            "{:<22} coverage {:.3} ± {:.3} ({} of {truths}), mean width {:.2} of the prior range",
            names[k],
            p,
            (p * (1.0 - p) / n).sqrt(),
            inside[k],
            width[k] / n
        );
    }
    let all = (inside[0] + inside[1]) as f64 / (2.0 * n);
    println!("both parameters: coverage {all:.3}; {truths} truths in {:.1} s", clock.elapsed().as_secs_f64());
}
