//! Latin hypercube samples over parameter ranges, from the plan seed.

use toml::Value;

use crate::engine::rng::{Purpose, Stream, mix64};

/// Keeps the sampling streams apart from the simulation streams of the same seed.
const SALT: u64 = 0x5eed_1a7e_6c0b_e001;

/// `n` points of a Latin hypercube over `ranges` (`(min, max, integer)` each):
/// every range is cut into `n` equal strata and each stratum holds exactly
/// one point, the strata of different parameters paired at random.
///
/// Point `i` of parameter `d` is `min + (π_d(i) + u) / n · (max − min)`,
/// where `π_d` is a Fisher–Yates permutation and `u` a uniform draw, both
/// from [`Stream`]`(mix64(seed ^ SALT), d)`. Integer ranges use
/// `min + ⌊(π_d(i) + u) / n · (max − min + 1)⌋`, so with `n` equal to the
/// number of integers every integer appears once.
///
/// # Reproducibility
///
/// A pure function of its arguments: the streams are the project's
/// counter-based ones, not a library generator whose output may change.
pub fn latin_hypercube(seed: u64, n: usize, ranges: &[(f64, f64, bool)]) -> Vec<Vec<Value>> {
    let mut points = vec![Vec::with_capacity(ranges.len()); n];
    for (d, &(min, max, integer)) in ranges.iter().enumerate() {
        let mut s = Stream::new(mix64(seed ^ SALT), d as u64, Purpose::Events);
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = ((s.uniform() * (i + 1) as f64) as usize).min(i);
            perm.swap(i, j);
        }
        for (i, point) in points.iter_mut().enumerate() {
            let x = (perm[i] as f64 + s.uniform()) / n as f64;
            let v = if integer {
                let k = (x * (max - min + 1.0)).floor().min(max - min);
                Value::Integer((min + k) as i64)
            } else {
                Value::Float((min + x * (max - min)).min(max))
            };
            point.push(v);
        }
    }
    points
}
