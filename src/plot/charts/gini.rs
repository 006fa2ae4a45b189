//! Lorenz curve and Gini coefficient of final scores, from `histogram.csv` bins.
//!
//! Scores can be negative and a Gini needs non-negative amounts, so scores
//! are first shifted by a `base` (the lowest possible score: `score.min` if
//! the scenario sets one, else the lowest observed score) so that the base is 0.
//!
//! Every subject of a bin `[lo, hi]` is taken to hold the bin's midpoint
//! `x = (lo + hi) / 2 - base` (exact when `report.bin_width` is 1). For such
//! a discrete distribution with counts `n_k` at values `x_k` (ascending),
//! `N = Σ n_k`, total `T = Σ n_k x_k`, the Lorenz curve joins the points
//! `(F_k, L_k)` with `F_k = Σ_{j≤k} n_j / N` and `L_k = Σ_{j≤k} n_j x_j / T`,
//! and is straight between them; hence the trapezoid rule is exact and
//!
//! ```text
//! G = 1 − Σ_k (F_k − F_{k−1}) (L_k + L_{k−1})
//! ```
//!
//! equal to the mean absolute difference over twice the mean,
//! `Σ_i Σ_j n_i n_j |x_i − x_j| / (2 N² μ)` (the population Gini, divisor `N²`).
//! When every shifted score is 0 (`T = 0`) everyone holds the same, so `G = 0`.

use crate::plot::HistRow;

/// A Lorenz curve and its Gini coefficient.
#[derive(Debug, Clone, PartialEq)]
pub struct Lorenz {
    /// Points `(population share, score share)` from `(0, 0)` to `(1, 1)`.
    pub points: Vec<(f64, f64)>,
    /// Gini coefficient in `[0, 1)`.
    pub gini: f64,
}

/// The Lorenz curve of `bins` (ascending, as in `histogram.csv`) with scores
/// shifted down by `base`; `None` when the bins hold nobody.
pub fn lorenz<'a>(bins: impl IntoIterator<Item = &'a HistRow>, base: i64) -> Option<Lorenz> {
    let cells: Vec<(f64, f64)> = bins
        .into_iter()
        .filter(|b| b.count > 0)
        .map(|b| {
            // midpoint minus base, in f64 to survive very wide ranges
            let x = (b.bin_lo as f64 + b.bin_hi as f64) / 2.0 - base as f64;
            (b.count as f64, x.max(0.0))
        })
        .collect();
    let n: f64 = cells.iter().map(|c| c.0).sum();
    if n == 0.0 {
        return None;
    }
    let total: f64 = cells.iter().map(|(c, x)| c * x).sum();
    if total <= 0.0 {
        return Some(Lorenz { points: vec![(0.0, 0.0), (1.0, 1.0)], gini: 0.0 });
    }
    let mut points = vec![(0.0, 0.0)];
    let (mut cum_n, mut cum_x, mut area) = (0.0, 0.0, 0.0);
    for (c, x) in cells {
        let (f0, l0) = (cum_n / n, cum_x / total);
        cum_n += c;
        cum_x += c * x;
        let (f1, l1) = (cum_n / n, cum_x / total);
        area += (f1 - f0) * (l1 + l0);
        points.push((f1, l1));
    }
    Some(Lorenz { points, gini: (1.0 - area).clamp(0.0, 1.0) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bin(lo: i64, count: u64) -> HistRow {
        HistRow { group: "all".into(), bin_lo: lo, bin_hi: lo, count, share: 0.0 }
    }

    /// Half at 0, half at 10: mean 5, mean absolute difference
    /// 2·(N/2)²·10 / N² = 5, so G = 5 / (2·5) = 0.5.
    #[test]
    fn two_equal_halves_give_one_half() {
        let l = lorenz(&[bin(0, 50), bin(10, 50)], 0).unwrap();
        assert!((l.gini - 0.5).abs() < 1e-12, "{}", l.gini);
        assert_eq!(l.points, vec![(0.0, 0.0), (0.5, 0.0), (1.0, 1.0)]);
    }

    /// Shifting by the base matters: -10 and 0 with base -10 is the same as 0 and 10.
    #[test]
    fn negative_scores_are_shifted() {
        let l = lorenz(&[bin(-10, 3), bin(0, 3)], -10).unwrap();
        assert!((l.gini - 0.5).abs() < 1e-12);
    }

    /// One subject holds everything among four: G = (N − 1) / N = 0.75.
    #[test]
    fn one_holds_all() {
        let l = lorenz(&[bin(0, 3), bin(1, 0), bin(8, 1)], 0).unwrap();
        assert!((l.gini - 0.75).abs() < 1e-12, "{}", l.gini);
    }

    #[test]
    fn all_equal_is_zero_and_empty_is_none() {
        assert_eq!(lorenz(&[bin(7, 9)], 0).unwrap().gini, 0.0);
        assert_eq!(lorenz(&[bin(7, 9)], 7).unwrap().gini, 0.0);
        assert_eq!(lorenz(&[bin(7, 0)], 0), None);
        assert_eq!(lorenz(&[], 0), None);
    }

    /// Matches the double-sum definition on an uneven case, with bins wider than 1.
    #[test]
    fn matches_mean_absolute_difference() {
        let bins = [
            HistRow { group: "all".into(), bin_lo: 0, bin_hi: 9, count: 2, share: 0.0 },
            HistRow { group: "all".into(), bin_lo: 10, bin_hi: 19, count: 5, share: 0.0 },
            HistRow { group: "all".into(), bin_lo: 30, bin_hi: 39, count: 1, share: 0.0 },
        ];
        let xs = [(2.0, 4.5), (5.0, 14.5), (1.0, 34.5)];
        let n: f64 = xs.iter().map(|p| p.0).sum();
        let mu = xs.iter().map(|(c, x)| c * x).sum::<f64>() / n;
        let mad: f64 =
            xs.iter().flat_map(|a| xs.iter().map(move |b| a.0 * b.0 * (a.1 - b.1).abs())).sum::<f64>();
        let expected = mad / (2.0 * n * n * mu);
        let l = lorenz(&bins, 0).unwrap();
        assert!((l.gini - expected).abs() < 1e-12, "{} vs {expected}", l.gini);
    }
}
