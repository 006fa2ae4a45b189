//! Mean, standard deviation and a Student-t confidence interval over replicates.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// Replicates of one metric summarised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Number of finite values used.
    pub n: usize,
    /// Their mean (`NaN` when `n == 0`).
    pub mean: f64,
    /// Sample standard deviation, divisor `n - 1` (`NaN` when `n < 2`).
    pub sd: f64,
    /// Lower end of the confidence interval (`NaN` when `n < 2`).
    pub lo: f64,
    /// Upper end of the confidence interval (`NaN` when `n < 2`).
    pub hi: f64,
}

/// The mean of `values` with a two-sided `level` (e.g. 0.95) Student-t
/// interval `mean ± t(1 - (1-level)/2, n-1) · sd / √n`. Non-finite values
/// (metrics undefined in some replicate) are left out and `n` says how many stayed.
pub fn interval(values: &[f64], level: f64) -> Interval {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n == 0 {
        return Interval { n, mean: f64::NAN, sd: f64::NAN, lo: f64::NAN, hi: f64::NAN };
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Interval { n, mean, sd: f64::NAN, lo: f64::NAN, hi: f64::NAN };
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = var.sqrt();
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map(|d| d.inverse_cdf(1.0 - (1.0 - level) / 2.0))
        .unwrap_or(f64::NAN);
    let half = t * sd / (n as f64).sqrt();
    Interval { n, mean, sd, lo: mean - half, hi: mean + half }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_textbook_values() {
        // 1..=5: mean 3, sd sqrt(2.5); t(0.975, 4) = 2.776445105 (standard tables)
        let i = interval(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.95);
        assert_eq!(i.n, 5);
        assert!((i.mean - 3.0).abs() < 1e-12);
        assert!((i.sd - 2.5f64.sqrt()).abs() < 1e-12);
        let half = 2.776_445_105 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((i.hi - (3.0 + half)).abs() < 1e-6, "{i:?}");
        assert!((i.lo - (3.0 - half)).abs() < 1e-6, "{i:?}");
    }

    #[test]
    fn few_or_undefined_values() {
        let one = interval(&[7.0, f64::NAN], 0.95);
        assert_eq!((one.n, one.mean), (1, 7.0));
        assert!(one.lo.is_nan() && one.sd.is_nan());
        assert!(interval(&[], 0.95).mean.is_nan());
        // identical replicates (common random numbers, a metric the change does not touch): zero width
        let same = interval(&[2.0; 4], 0.95);
        assert_eq!((same.lo, same.hi), (2.0, 2.0));
    }
}
