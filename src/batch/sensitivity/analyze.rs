//! The estimators: Sobol' first-order and total indices, Morris elementary effects, bootstrap intervals, replicate noise.
//!
//! Both follow SALib (`SALib.analyze.sobol`, `SALib.analyze.morris`, 1.5.1)
//! step for step, so SALib given the same design and outputs gives the same
//! point estimates (`scripts/sensitivity-check.sh` checks it); the intervals
//! are bootstrap intervals from other draws, so they agree only loosely.

use crate::engine::rng::{Purpose, Stream, mix64};

/// The 97.5% quantile of the standard normal: 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Bootstrap resamples per interval.
pub const RESAMPLES: usize = 1000;

/// Keeps the bootstrap streams apart from the other streams of the same seed.
const BOOT_SALT: u64 = 0xb007_57a9_0000_0001;

/// An estimate with the half-width of its 95% bootstrap interval (`NaN` when it has none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate from the whole design.
    pub value: f64,
    /// `Z95 ×` the standard deviation (ddof 1) of the estimate over bootstrap resamples.
    pub conf: f64,
}

/// Sobol' indices of one output, one entry per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Sobol {
    /// First-order indices `S1`.
    pub s1: Vec<Estimate>,
    /// Total indices `ST`.
    pub st: Vec<Estimate>,
}

/// Morris statistics of one output, one entry per parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Morris {
    /// Mean elementary effect `μ`.
    pub mu: Vec<f64>,
    /// Mean absolute elementary effect `μ*`, with its interval.
    pub mu_star: Vec<Estimate>,
    /// Standard deviation (ddof 1) of the elementary effects `σ`.
    pub sigma: Vec<f64>,
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Variance with divisor `n − ddof`.
fn var(x: &[f64], ddof: usize) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - ddof) as f64
}

/// `n` indices drawn with replacement from `0..n`, `resamples` times.
fn resamples(n: usize, resamples: usize, seed: u64, stream: u64) -> Vec<Vec<usize>> {
    let mut s = Stream::new(mix64(seed ^ BOOT_SALT), stream, Purpose::Events);
    (0..resamples).map(|_| (0..n).map(|_| ((s.uniform() * n as f64) as usize).min(n - 1)).collect()).collect()
}

/// `Z95 ×` the standard deviation (ddof 1) of `x`.
fn conf(x: &[f64]) -> f64 {
    if x.len() < 2 { f64::NAN } else { Z95 * var(x, 1).sqrt() }
}

/// Sobol' indices from outputs `y` of a [`saltelli`](crate::batch::design::saltelli)
/// design for `d` parameters (`n (d + 2)` values in its row order), with
/// intervals from `boot` bootstrap resamples of the `n` blocks drawn from
/// stream `stream` of `seed`; `None` when an output is not finite or every
/// output is the same.
///
/// The outputs are first standardised, `y ← (y − ȳ) / sd(y)` over all rows
/// (as SALib does; it changes `S1`'s finite-sample value, not its limit). Then, with
/// `V = var([A, B])` (divisor `n`),
///
/// * `S1_j = mean(B · (AB_j − A)) / V` (Saltelli et al. 2010, table 2 (b));
/// * `ST_j = mean((A − AB_j)²) / (2 V)` (Jansen 1999; Saltelli et al. 2010, table 2 (f)).
pub fn sobol(y: &[f64], d: usize, boot: usize, seed: u64, stream: u64) -> Option<Sobol> {
    let step = d + 2;
    let n = y.len() / step;
    if n < 2 || y.len() != n * step || y.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let (m, sd) = (mean(y), var(y, 0).sqrt());
    if sd.is_nan() || sd <= 0.0 {
        return None;
    }
    let z: Vec<f64> = y.iter().map(|v| (v - m) / sd).collect();
    let a: Vec<f64> = (0..n).map(|i| z[i * step]).collect();
    let b: Vec<f64> = (0..n).map(|i| z[i * step + d + 1]).collect();
    let ab = |i: usize, j: usize| z[i * step + 1 + j];
    let indices = |idx: &mut dyn Iterator<Item = usize>, j: usize| {
        let rows: Vec<usize> = idx.collect();
        let mut ab_all: Vec<f64> = rows.iter().map(|&i| a[i]).collect();
        ab_all.extend(rows.iter().map(|&i| b[i]));
        let v = var(&ab_all, 0);
        let k = rows.len() as f64;
        let s1 = rows.iter().map(|&i| b[i] * (ab(i, j) - a[i])).sum::<f64>() / k / v;
        let st = 0.5 * rows.iter().map(|&i| (a[i] - ab(i, j)).powi(2)).sum::<f64>() / k / v;
        (s1, st)
    };
    let draws = resamples(n, boot, seed, stream);
    let mut out = Sobol { s1: Vec::with_capacity(d), st: Vec::with_capacity(d) };
    for j in 0..d {
        let (s1, st) = indices(&mut (0..n), j);
        let (bs1, bst): (Vec<f64>, Vec<f64>) =
            draws.iter().map(|r| indices(&mut r.iter().copied(), j)).unzip();
        out.s1.push(Estimate { value: s1, conf: conf(&bs1) });
        out.st.push(Estimate { value: st, conf: conf(&bst) });
    }
    Some(out)
}

/// The elementary effects of a [`morris`](crate::batch::design::morris) design
/// (unit coordinates `u`, outputs `y`, trajectories of `d + 1` rows), one
/// vector per parameter: where a step raises coordinate `j`,
/// `EE_j = (y_after − y_before) / Δ`, where it lowers it, `(y_before − y_after) / Δ`.
pub fn elementary_effects(u: &[Vec<f64>], y: &[f64], d: usize, delta: f64) -> Vec<Vec<f64>> {
    let mut ee = vec![Vec::new(); d];
    for (tu, ty) in u.chunks(d + 1).zip(y.chunks(d + 1)) {
        for s in 0..d {
            let Some(j) = (0..d).find(|&j| tu[s + 1][j] != tu[s][j]) else { continue };
            let diff = if tu[s + 1][j] > tu[s][j] { ty[s + 1] - ty[s] } else { ty[s] - ty[s + 1] };
            ee[j].push(diff / delta);
        }
    }
    ee
}

/// Morris statistics from [`elementary_effects`]: `μ`, `μ* = mean |EE|`
/// (Campolongo et al. 2007) with a bootstrap interval over trajectories, and
/// `σ` (ddof 1); `None` when an output is not finite.
pub fn morris(
    u: &[Vec<f64>],
    y: &[f64],
    d: usize,
    delta: f64,
    boot: usize,
    seed: u64,
    stream: u64,
) -> Option<Morris> {
    if y.iter().any(|v| !v.is_finite()) || y.len() < 2 * (d + 1) {
        return None;
    }
    let ee = elementary_effects(u, y, d, delta);
    let mut out = Morris { mu: Vec::new(), mu_star: Vec::new(), sigma: Vec::new() };
    for (j, e) in ee.iter().enumerate() {
        let abs: Vec<f64> = e.iter().map(|x| x.abs()).collect();
        let draws = resamples(e.len(), boot, seed, stream.wrapping_mul(64).wrapping_add(j as u64));
        let boot_means: Vec<f64> =
            draws.iter().map(|r| r.iter().map(|&i| abs[i]).sum::<f64>() / r.len() as f64).collect();
        out.mu.push(mean(e));
        out.mu_star.push(Estimate { value: mean(&abs), conf: conf(&boot_means) });
        out.sigma.push(if e.len() < 2 { f64::NAN } else { var(e, 1).sqrt() });
    }
    Some(out)
}

/// How much of an output's variance is replicate noise rather than parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Noise {
    /// Pooled within-point variance (the mean over design points of the
    /// replicates' variance, ddof 1) over the variance of all single runs (ddof 1).
    pub share: f64,
    /// The same for the replicate means the indices use: within-point
    /// variance / replicates, over the variance of the means (ddof 1).
    pub share_of_means: f64,
}

/// [`Noise`] from every design point's replicate values; `None` with fewer
/// than two replicates, a non-finite value or no variance at all.
pub fn noise(points: &[Vec<f64>]) -> Option<Noise> {
    let r = points.first()?.len();
    if r < 2 || points.len() < 2 || points.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let within = points.iter().map(|p| var(p, 1)).sum::<f64>() / points.len() as f64;
    let all: Vec<f64> = points.iter().flatten().copied().collect();
    let total = var(&all, 1);
    let means: Vec<f64> = points.iter().map(|p| mean(p)).collect();
    let between = var(&means, 1);
    if total <= 0.0 {
        return None;
    }
    Some(Noise {
        share: within / total,
        share_of_means: if between > 0.0 { within / r as f64 / between } else { f64::NAN },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::design;

    /// y = Σ_i a_i x_i, x_i uniform on [0, 1]: S1_i = ST_i = a_i² / Σ a_k²
    /// (var(a_i x_i) = a_i² / 12, no interactions).
    #[test]
    fn sobol_recovers_a_linear_model() {
        let a = [1.0, 2.0, 3.0];
        let n = 4096;
        let rows = design::saltelli(n, 3);
        let y: Vec<f64> = rows.iter().map(|x| x.iter().zip(a).map(|(x, a)| a * x).sum()).collect();
        let s = sobol(&y, 3, 200, 1, 0).unwrap();
        let total: f64 = a.iter().map(|a| a * a).sum();
        for (i, ai) in a.iter().enumerate() {
            let exact = ai * ai / total;
            // quasi-Monte Carlo error at n = 4096 is far below 0.01; the
            // bootstrap half-width is of the same order as the error
            assert!((s.s1[i].value - exact).abs() < 0.01, "S1 {i}: {:?} vs {exact}", s.s1[i]);
            assert!((s.st[i].value - exact).abs() < 0.01, "ST {i}: {:?} vs {exact}", s.st[i]);
            assert!(s.s1[i].conf > 0.0 && s.s1[i].conf < 0.1);
        }
    }

    /// Ishigami, a = 7, b = 0.1: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437)
    /// (Saltelli et al. 2010; Sobol' & Levitan 1999).
    #[test]
    fn sobol_recovers_ishigami() {
        let n = 8192;
        let rows = design::saltelli(n, 3);
        let pi = std::f64::consts::PI;
        let y: Vec<f64> = rows
            .iter()
            .map(|u| {
                let x: Vec<f64> = u.iter().map(|u| -pi + 2.0 * pi * u).collect();
                x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
            })
            .collect();
        let s = sobol(&y, 3, 100, 1, 0).unwrap();
        let s1 = [0.3139, 0.4424, 0.0];
        let st = [0.5576, 0.4424, 0.2437];
        for i in 0..3 {
            // 0.02: a few times the bootstrap half-width at n = 8192
            assert!((s.s1[i].value - s1[i]).abs() < 0.02, "S1 {i}: {:?}", s.s1[i]);
            assert!((s.st[i].value - st[i]).abs() < 0.02, "ST {i}: {:?}", s.st[i]);
        }
    }

    #[test]
    fn morris_effects_of_a_linear_model_are_its_slopes() {
        // y = 2 u_0 − 5 u_1 + 0 u_2: every elementary effect is the slope
        let (r, d, p) = (12, 3, 4);
        let delta = design::morris_delta(p);
        let u = design::morris(r, d, p, 3);
        let y: Vec<f64> = u.iter().map(|x| 2.0 * x[0] - 5.0 * x[1]).collect();
        let m = morris(&u, &y, d, delta, 100, 1, 0).unwrap();
        for (j, slope) in [2.0, -5.0, 0.0].into_iter().enumerate() {
            assert!((m.mu[j] - slope).abs() < 1e-12);
            assert!((m.mu_star[j].value - f64::abs(slope)).abs() < 1e-12);
            assert!(m.sigma[j].abs() < 1e-12);
            assert!(m.mu_star[j].conf.abs() < 1e-9, "no spread, no interval");
        }
    }

    #[test]
    fn noise_share_of_pure_noise_and_of_none() {
        let pure = vec![vec![1.0, 3.0], vec![1.0, 3.0], vec![1.0, 3.0]];
        // all the variance is within points; with divisors n − 1 the ratio is
        // 2 / (6 / 5) = 5/3 for six runs, not 1
        let n = noise(&pure).unwrap();
        assert!((n.share - 5.0 / 3.0).abs() < 1e-12, "{n:?}");
        assert!(n.share_of_means.is_nan(), "the means do not vary");
        let none = vec![vec![1.0, 1.0], vec![2.0, 2.0], vec![5.0, 5.0]];
        assert_eq!(noise(&none).unwrap().share, 0.0);
        assert!(noise(&[vec![1.0], vec![2.0]]).is_none(), "one replicate: unknown");
    }

    #[test]
    fn constant_or_undefined_outputs_have_no_indices() {
        let rows = design::saltelli(8, 2);
        assert!(sobol(&vec![1.0; rows.len()], 2, 10, 1, 0).is_none());
        let mut y: Vec<f64> = (0..rows.len()).map(|i| i as f64).collect();
        y[3] = f64::NAN;
        assert!(sobol(&y, 2, 10, 1, 0).is_none());
    }
}
