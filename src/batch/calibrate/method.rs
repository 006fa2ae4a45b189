//! The calibration's arithmetic: Latin hypercubes over the plausible box, implausibility,
//! the next wave's box, and the ABC posterior (weighted ranges, correlations, predictive coverage).
//!
//! Coordinates: every parameter is handled in its *unit* coordinate `u` in
//! `[0, 1]`, the prior's quantile ([`Prior::unit`](super::targets::Prior::unit)): uniform priors are
//! linear in `u`, log-uniform ones linear in `ln x`. The prior is flat in `u`.

use serde::Serialize;

use super::targets::{Combine, Targets};
use crate::engine::rng::mix64;

/// A box in unit coordinates: `lo[d] <= u[d] <= hi[d]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitBox {
    /// Lower corner.
    pub lo: Vec<f64>,
    /// Upper corner.
    pub hi: Vec<f64>,
}

impl UnitBox {
    /// The whole prior range, `[0, 1]^d`.
    pub fn full(d: usize) -> UnitBox {
        UnitBox { lo: vec![0.0; d], hi: vec![1.0; d] }
    }

    /// Its volume (a box of zero width counts as a tiny one).
    pub fn volume(&self) -> f64 {
        self.lo.iter().zip(&self.hi).map(|(a, b)| (b - a).max(1e-12)).product()
    }

    /// Whether `u` lies in it.
    pub fn contains(&self, u: &[f64]) -> bool {
        u.iter().zip(self.lo.iter().zip(&self.hi)).all(|(x, (a, b))| *x >= a - 1e-12 && *x <= b + 1e-12)
    }
}

/// The candidates of one wave, before they run.
#[derive(Debug, Clone, PartialEq)]
pub struct WavePlan {
    /// Wave number, from 1.
    pub wave: u32,
    /// The box its Latin hypercube covers.
    pub region: UnitBox,
    /// Each candidate's unit coordinates.
    pub units: Vec<Vec<f64>>,
    /// Each candidate's parameter values.
    pub params: Vec<Vec<f64>>,
}

/// `n` Latin-hypercube points over `region`, each parameter's range cut into
/// `n` strata (see [`crate::batch::sample::latin_hypercube`]), from a seed
/// derived from the calibration seed and the wave.
pub fn wave_plan(t: &Targets, wave: u32, region: UnitBox) -> WavePlan {
    let n = t.candidates as usize;
    let ranges: Vec<(f64, f64, bool)> =
        region.lo.iter().zip(&region.hi).map(|(a, b)| (*a, *b, false)).collect();
    let seed = mix64(t.seed ^ mix64(0xca11_b8a7_e000 + u64::from(wave)));
    let pts = super::super::sample::latin_hypercube(seed, n, &ranges);
    let units: Vec<Vec<f64>> =
        pts.iter().map(|p| p.iter().map(|v| v.as_float().unwrap_or(0.5)).collect()).collect();
    let params = units.iter().map(|u| values(t, u)).collect();
    WavePlan { wave, region, units, params }
}

/// Parameter values at unit coordinates `u` (integers rounded).
pub fn values(t: &Targets, u: &[f64]) -> Vec<f64> {
    t.parameters
        .iter()
        .zip(u)
        .map(|(p, &x)| {
            let v = p.prior.value(p.min, p.max, x);
            if p.integer { v.round() } else { v }
        })
        .collect()
}

/// One candidate after its runs: outputs, implausibility, and its ABC weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Wave number, from 1.
    pub wave: u32,
    /// Index within the wave.
    pub index: usize,
    /// Parameter values.
    pub params: Vec<f64>,
    /// Unit coordinates.
    pub units: Vec<f64>,
    /// Per target, each replicate's output (`None`: the run failed or the value is undefined).
    pub outputs: Vec<Vec<Option<f64>>>,
    /// Per target, the mean over replicates (`NaN` when a replicate is missing).
    pub mean: Vec<f64>,
    /// Per target, the implausibility.
    pub implausibility: Vec<f64>,
    /// Combined over targets ([`Combine`]); infinite when a run failed.
    pub combined: f64,
    /// Not ruled out: `combined <= cutoff`.
    pub plausible: bool,
    /// Normalised ABC weight (0 for implausible candidates).
    pub weight: f64,
}

/// What one wave measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaveResult {
    /// Wave number, from 1.
    pub wave: u32,
    /// The box it sampled.
    pub region: UnitBox,
    /// Runs it made (candidates × replicates).
    pub runs: u64,
    /// Per target, the simulation's noise variance: the mean over candidates
    /// of the replicates' sample variance (common random numbers).
    pub noise_var: Vec<f64>,
    /// Candidates not ruled out.
    pub plausible: usize,
    /// The candidates.
    pub candidates: Vec<Candidate>,
}

/// Evaluate a wave: `outputs[c][r][t]` is replicate `r` of candidate `c` on target `t`.
pub fn evaluate(t: &Targets, plan: &WavePlan, outputs: super::Outputs) -> WaveResult {
    let nt = t.targets.len();
    let reps = t.replicates as usize;
    // per candidate and target: replicate values
    let by_target: Vec<Vec<Vec<Option<f64>>>> = outputs
        .iter()
        .map(|c| (0..nt).map(|k| c.iter().map(|r| r.get(k).copied().flatten()).collect()).collect())
        .collect();
    let complete = |v: &[Option<f64>]| v.len() == reps && v.iter().all(Option::is_some);
    let mut noise_var = vec![0.0; nt];
    for (k, nv) in noise_var.iter_mut().enumerate() {
        let vars: Vec<f64> = by_target
            .iter()
            .filter(|c| complete(&c[k]))
            .map(|c| sample_var(&c[k].iter().map(|x| x.unwrap_or(f64::NAN)).collect::<Vec<_>>()))
            .collect();
        *nv = if vars.is_empty() { 0.0 } else { vars.iter().sum::<f64>() / vars.len() as f64 };
    }
    let mut candidates = Vec::with_capacity(plan.units.len());
    for (i, c) in by_target.into_iter().enumerate() {
        let mean: Vec<f64> = c
            .iter()
            .map(|v| {
                if complete(v) {
                    v.iter().map(|x| x.unwrap_or(0.0)).sum::<f64>() / reps as f64
                } else {
                    f64::NAN
                }
            })
            .collect();
        let implausibility: Vec<f64> = t
            .targets
            .iter()
            .enumerate()
            .map(|(k, tg)| {
                let var = tg.sd * tg.sd + noise_var[k] * (1.0 + 1.0 / reps as f64);
                let d = (mean[k] - tg.value).abs();
                if mean[k].is_nan() {
                    f64::INFINITY
                } else if var > 0.0 {
                    d / var.sqrt()
                } else if d == 0.0 {
                    0.0
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        let combined = combine(&implausibility, t.combine);
        candidates.push(Candidate {
            wave: plan.wave,
            index: i,
            params: plan.params[i].clone(),
            units: plan.units[i].clone(),
            outputs: c,
            mean,
            implausibility,
            combined,
            plausible: combined <= t.cutoff,
            weight: 0.0,
        });
    }
    WaveResult {
        wave: plan.wave,
        region: plan.region.clone(),
        runs: (plan.units.len() * reps) as u64,
        noise_var,
        plausible: candidates.iter().filter(|c| c.plausible).count(),
        candidates,
    }
}

fn sample_var(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    if v.len() < 2 {
        return 0.0;
    }
    let m = v.iter().sum::<f64>() / n;
    v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)
}

/// The largest (or second largest) of the target implausibilities.
pub fn combine(i: &[f64], how: Combine) -> f64 {
    let mut v = i.to_vec();
    v.sort_by(|a, b| b.total_cmp(a));
    match how {
        Combine::Max => v.first().copied().unwrap_or(0.0),
        Combine::SecondMax => v.get(1).copied().unwrap_or_else(|| v.first().copied().unwrap_or(0.0)),
    }
}

/// The next wave's box: the bounding box of the plausible candidates,
/// widened on each side by a fifth of its width plus a tenth of the current
/// box's width (at least one Latin-hypercube stratum): the true plausible
/// region reaches past the points that happened to fall in it, and a box
/// around one or two lucky points must not close in on them. It is kept
/// inside the current box.
/// With no plausible candidate the box stays as it is.
pub fn next_region(w: &WaveResult, n: usize) -> UnitBox {
    let d = w.region.lo.len();
    let plausible: Vec<&Candidate> = w.candidates.iter().filter(|c| c.plausible).collect();
    if plausible.is_empty() {
        return w.region.clone();
    }
    let mut lo = vec![f64::INFINITY; d];
    let mut hi = vec![f64::NEG_INFINITY; d];
    for c in &plausible {
        for k in 0..d {
            lo[k] = lo[k].min(c.units[k]);
            hi[k] = hi[k].max(c.units[k]);
        }
    }
    for k in 0..d {
        let width = w.region.hi[k] - w.region.lo[k];
        let stratum = width / n.max(1) as f64;
        let pad = 0.2 * (hi[k] - lo[k]) + stratum.max(0.1 * width);
        lo[k] = (lo[k] - pad).max(w.region.lo[k]);
        hi[k] = (hi[k] + pad).min(w.region.hi[k]);
    }
    UnitBox { lo, hi }
}

/// An accepted candidate: unit coordinates, parameter values, weight, outputs per target and replicate.
type Accepted = (Vec<f64>, Vec<f64>, f64, Vec<Vec<Option<f64>>>);

/// One parameter's posterior.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Range95 {
    /// The parameter path.
    pub parameter: String,
    /// Weighted posterior mean.
    pub mean: f64,
    /// Posterior median.
    pub median: f64,
    /// Lower end of the 95% range (2.5% quantile).
    pub lo: f64,
    /// Upper end (97.5% quantile).
    pub hi: f64,
    /// The prior range's lower end.
    pub prior_min: f64,
    /// The prior range's upper end.
    pub prior_max: f64,
    /// The 95% range as a share of the prior range (in unit coordinates): 1 means the data say nothing.
    pub width_share: f64,
}

/// One target's fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The target's name.
    pub target: String,
    /// The figure.
    pub value: f64,
    /// Its 95% interval.
    pub interval: (f64, f64),
    /// Posterior-predictive mean of the simulated figure.
    pub predicted_mean: f64,
    /// Posterior-predictive 95% interval of one simulated run.
    pub predicted: (f64, f64),
    /// The figure lies inside the predictive interval.
    pub covered: bool,
    /// Posterior-predictive probability that a run lands inside the figure's interval.
    pub coverage: f64,
}

/// The ABC posterior over every plausible candidate of every wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Posterior {
    /// Candidates with a positive weight.
    pub accepted: usize,
    /// Effective sample size, `(Σw)² / Σw²`.
    pub effective_size: f64,
    /// Per parameter.
    pub ranges: Vec<Range95>,
    /// Weighted correlations between parameters (in unit coordinates), row-major.
    pub correlations: Vec<Vec<f64>>,
    /// Per target.
    pub fits: Vec<Fit>,
}

/// Weight every candidate and summarise the posterior.
///
/// The weight of a plausible candidate `i` is its Gaussian kernel
/// `exp(-½ Σ_t (m_it − z_t)² / (σ_t² + s_t² (1 + 1/R)))` times the flat prior
/// over the sampling density `q(u) = Σ_k (n_k / N) 1{u ∈ B_k} / |B_k|` of
/// the waves' boxes `B_k` (importance sampling from a deterministic
/// mixture), so that runs of every wave count. Implausible candidates weigh 0.
pub fn posterior(t: &Targets, waves: &mut [WaveResult]) -> Posterior {
    let reps = t.replicates as f64;
    let total: usize = waves.iter().map(|w| w.candidates.len()).sum();
    let boxes: Vec<(f64, UnitBox)> =
        waves.iter().map(|w| (w.candidates.len() as f64 / total.max(1) as f64, w.region.clone())).collect();
    let mut sum = 0.0;
    for w in waves.iter_mut() {
        let noise = w.noise_var.clone();
        for c in &mut w.candidates {
            if !c.plausible {
                c.weight = 0.0;
                continue;
            }
            let mut q = 0.0;
            for (share, b) in &boxes {
                if b.contains(&c.units) {
                    q += share / b.volume();
                }
            }
            let mut e = 0.0;
            for (k, tg) in t.targets.iter().enumerate() {
                let var = tg.sd * tg.sd + noise[k] * (1.0 + 1.0 / reps);
                let d = c.mean[k] - tg.value;
                e += d * d / var.max(1e-300);
            }
            c.weight = if q > 0.0 { (-0.5 * e).exp() / q } else { 0.0 };
            sum += c.weight;
        }
    }
    if sum > 0.0 {
        for w in waves.iter_mut() {
            for c in &mut w.candidates {
                c.weight /= sum;
            }
        }
    }
    let all: Vec<Accepted> = waves
        .iter()
        .flat_map(|w| &w.candidates)
        .filter(|c| c.weight > 0.0)
        .map(|c| (c.units.clone(), c.params.clone(), c.weight, c.outputs.clone()))
        .collect();
    let w: Vec<f64> = all.iter().map(|a| a.2).collect();
    let ess = if w.is_empty() { 0.0 } else { 1.0 / w.iter().map(|x| x * x).sum::<f64>() };
    let d = t.parameters.len();
    let ranges = t
        .parameters
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let u: Vec<f64> = all.iter().map(|a| a.0[k]).collect();
            let q = |level: f64| p.prior.value(p.min, p.max, smoothed_quantile(&u, &w, ess, level));
            let (lo_u, hi_u) = (smoothed_quantile(&u, &w, ess, 0.025), smoothed_quantile(&u, &w, ess, 0.975));
            Range95 {
                parameter: p.path.to_string(),
                mean: all.iter().map(|a| a.1[k] * a.2).sum(),
                median: q(0.5),
                lo: q(0.025),
                hi: q(0.975),
                prior_min: p.min,
                prior_max: p.max,
                width_share: hi_u - lo_u,
            }
        })
        .collect();
    let column = |k: usize| -> Vec<f64> { all.iter().map(|c| c.0[k]).collect() };
    let correlations: Vec<Vec<f64>> = (0..d)
        .map(|a| {
            (0..d).map(|b| if a == b { 1.0 } else { weighted_corr(&column(a), &column(b), &w) }).collect()
        })
        .collect();
    let fits = t
        .targets
        .iter()
        .enumerate()
        .map(|(k, tg)| {
            let mut ys = Vec::new();
            let mut yw = Vec::new();
            for a in &all {
                let got: Vec<f64> = a.3[k].iter().flatten().copied().collect();
                for y in &got {
                    ys.push(*y);
                    yw.push(a.2 / got.len() as f64);
                }
            }
            let tot: f64 = yw.iter().sum();
            let mean =
                if tot > 0.0 { ys.iter().zip(&yw).map(|(y, w)| y * w).sum::<f64>() / tot } else { f64::NAN };
            let lo = weighted_quantile(&ys, &yw, 0.025);
            let hi = weighted_quantile(&ys, &yw, 0.975);
            let inside: f64 = ys
                .iter()
                .zip(&yw)
                .filter(|(y, _)| (tg.interval.0..=tg.interval.1).contains(*y))
                .map(|(_, w)| w)
                .sum();
            Fit {
                target: tg.name.clone(),
                value: tg.value,
                interval: tg.interval,
                predicted_mean: mean,
                predicted: (lo, hi),
                covered: (lo..=hi).contains(&tg.value),
                coverage: if tot > 0.0 { inside / tot } else { 0.0 },
            }
        })
        .collect();
    Posterior { accepted: all.len(), effective_size: ess, ranges, correlations, fits }
}

/// The `level` quantile of `xs` weighted by `w`: the smallest `x` whose cumulative weight reaches it.
pub fn weighted_quantile(xs: &[f64], w: &[f64], level: f64) -> f64 {
    let mut v: Vec<(f64, f64)> =
        xs.iter().copied().zip(w.iter().copied()).filter(|(x, _)| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|p| p.1).sum();
    let mut acc = 0.0;
    for (x, wi) in &v {
        acc += wi;
        if acc >= level * total {
            return *x;
        }
    }
    v[v.len() - 1].0
}

/// The `level` quantile of a kernel-smoothed weighted sample on `[0, 1]`:
/// each point is a normal kernel of bandwidth `h = 1.06 σ̂ n_eff^(−1/5)`
/// (Silverman's rule with the effective sample size), so a few dozen
/// weighted points do not give ranges that are too narrow. Found by bisection, clamped to `[0, 1]`.
pub fn smoothed_quantile(us: &[f64], w: &[f64], ess: f64, level: f64) -> f64 {
    if us.is_empty() {
        return f64::NAN;
    }
    let total: f64 = w.iter().sum();
    let mean = us.iter().zip(w).map(|(u, w)| u * w).sum::<f64>() / total;
    let var = us.iter().zip(w).map(|(u, w)| (u - mean) * (u - mean) * w).sum::<f64>() / total;
    let h = (1.06 * var.sqrt() * ess.max(1.0).powf(-0.2)).max(1e-9);
    let cdf = |x: f64| us.iter().zip(w).map(|(u, wi)| wi * normal_cdf((x - u) / h)).sum::<f64>() / total;
    let (mut a, mut b) = (-1.0, 2.0);
    for _ in 0..80 {
        let m = 0.5 * (a + b);
        if cdf(m) < level {
            a = m;
        } else {
            b = m;
        }
    }
    (0.5 * (a + b)).clamp(0.0, 1.0)
}

/// Φ, the standard normal distribution function (Abramowitz–Stegun 7.1.26 through erf; error < 1.5e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let y = 1.0
        - (((((1.061_405_429 * t - 1.453_152_027) * t) + 1.421_413_741) * t - 0.284_496_736) * t
            + 0.254_829_592)
            * t
            * (-x * x).exp();
    if z >= 0.0 { 0.5 * (1.0 + y) } else { 0.5 * (1.0 - y) }
}

fn weighted_corr(x: &[f64], y: &[f64], w: &[f64]) -> f64 {
    let tot: f64 = w.iter().sum();
    if tot <= 0.0 {
        return f64::NAN;
    }
    let mx = x.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / tot;
    let my = y.iter().zip(w).map(|(a, b)| a * b).sum::<f64>() / tot;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..x.len() {
        sxy += w[i] * (x[i] - mx) * (y[i] - my);
        sxx += w[i] * (x[i] - mx) * (x[i] - mx);
        syy += w[i] * (y[i] - my) * (y[i] - my);
    }
    if sxx <= 0.0 || syy <= 0.0 { 0.0 } else { sxy / (sxx * syy).sqrt() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_and_normal() {
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-9);
        let xs = [1.0, 2.0, 3.0, 4.0];
        let w = [0.25; 4];
        assert_eq!(weighted_quantile(&xs, &w, 0.5), 2.0);
        assert_eq!(weighted_quantile(&xs, &w, 0.51), 3.0);
        assert_eq!(combine(&[1.0, 5.0, 2.0], Combine::Max), 5.0);
        assert_eq!(combine(&[1.0, 5.0, 2.0], Combine::SecondMax), 2.0);
        // smoothing widens: a two-point sample gets a range beyond its points
        let lo = smoothed_quantile(&[0.4, 0.6], &[0.5, 0.5], 2.0, 0.025);
        assert!(lo < 0.4, "{lo}");
    }
}
