//! Designs on the unit cube for sensitivity analysis: the Sobol' sequence, Saltelli's cross-sampled matrix and Morris trajectories.
//!
//! Everything here works in unit coordinates `u ∈ [0, 1]^d`; mapping them to
//! parameter values is the caller's work. The functions are pure: the same
//! arguments give the same points on every platform. A shared sampling
//! utility; [`super::sample`] holds the sweep plans' Latin hypercube.
//!
//! The Sobol' generator is our own (about 60 lines for the 32 dimensions a
//! study of up to 16 parameters needs) rather than the `sobol` crate, whose
//! table covers 21,201 dimensions (725 KB) and which has had no release since
//! 2020; a test pins its first points to scipy's.

use crate::engine::rng::{Purpose, Stream, mix64};

/// Keeps the Morris streams apart from the simulation and Latin-hypercube streams of the same seed.
const MORRIS_SALT: u64 = 0x6d0e_5215_7a3c_0001;

/// Joe and Kuo's primitive polynomials and initial direction numbers for
/// dimensions 2 to 32, as `(s, a, m_1..m_s)`: the polynomial of degree `s`
/// is `x^s + a_1 x^{s-1} + … + a_{s-1} x + 1` with the bits of `a` as
/// `a_1 … a_{s-1}` (most significant first).
///
/// Source: S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
/// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654,
/// table `new-joe-kuo-6.21201` (the table scipy's `qmc.Sobol` and so SALib use;
/// `scripts/sensitivity-check.sh` checks the points against scipy's).
/// Dimension 1 is the van der Corput sequence (every `m` is 1).
const JOE_KUO: [(u32, u32, &[u32]); 31] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
];

/// The most dimensions [`sobol`] generates.
pub const MAX_SOBOL_DIMS: usize = JOE_KUO.len() + 1;

/// Bits of the direction numbers: up to 2^32 points.
const BITS: usize = 32;

/// The 32 direction numbers `v_k = m_k · 2^(32−k)` of dimension `dim` (0-based).
fn directions(dim: usize) -> [u32; BITS] {
    let mut m = [0u64; BITS];
    if dim == 0 {
        m = [1; BITS];
    } else {
        let (s, a, init) = JOE_KUO[dim - 1];
        let s = s as usize;
        for (k, &mk) in init.iter().enumerate() {
            m[k] = u64::from(mk);
        }
        for k in s..BITS {
            let mut x = m[k - s] ^ (m[k - s] << s);
            for l in 1..s {
                if (a >> (s - 1 - l)) & 1 == 1 {
                    x ^= m[k - l] << l;
                }
            }
            m[k] = x;
        }
    }
    let mut v = [0u32; BITS];
    for k in 0..BITS {
        v[k] = (m[k] << (BITS - 1 - k)) as u32;
    }
    v
}

/// The first `n` points of the unscrambled `d`-dimensional Sobol' sequence,
/// in Gray-code order (Antonov and Saleev), starting with the origin: the
/// points `scipy.stats.qmc.Sobol(d, scramble=False).random(n)` gives.
/// Point `i` of dimension `j` is `(⊕_k g_k v_{j,k}) / 2^32` over the bits
/// `g_k` of `g = i ⊕ (i >> 1)`. Any prefix of length 2^m is balanced.
///
/// # Panics
///
/// If `d` exceeds [`MAX_SOBOL_DIMS`] (callers check it) or `n` exceeds 2^32.
pub fn sobol(n: usize, d: usize) -> Vec<Vec<f64>> {
    assert!(d <= MAX_SOBOL_DIMS, "at most {MAX_SOBOL_DIMS} Sobol dimensions");
    assert!(n as u64 <= 1 << BITS, "at most 2^32 Sobol points");
    let v: Vec<[u32; BITS]> = (0..d).map(directions).collect();
    let scale = 1.0 / (1u64 << BITS) as f64;
    (0..n)
        .map(|i| {
            let g = i ^ (i >> 1);
            v.iter()
                .map(|vj| {
                    let mut x = 0u32;
                    for (k, &vk) in vj.iter().enumerate() {
                        if (g >> k) & 1 == 1 {
                            x ^= vk;
                        }
                    }
                    f64::from(x) * scale
                })
                .collect()
        })
        .collect()
}

/// Saltelli's cross-sampled design for first-order and total indices, in
/// SALib's row order (`SALib.sample.sobol.sample(..., calc_second_order=False)`):
/// from the `n` points of a `2d`-dimensional Sobol' sequence, `A` is the
/// first `d` coordinates and `B` the last `d`; block `i` holds `d + 2` rows,
/// `A_i`, then `AB_i^(j)` (`A_i` with coordinate `j` taken from `B_i`) for
/// `j = 0..d`, then `B_i`.
pub fn saltelli(n: usize, d: usize) -> Vec<Vec<f64>> {
    let base = sobol(n, 2 * d);
    let mut rows = Vec::with_capacity(n * (d + 2));
    for p in &base {
        let (a, b) = p.split_at(d);
        rows.push(a.to_vec());
        for j in 0..d {
            let mut ab = a.to_vec();
            ab[j] = b[j];
            rows.push(ab);
        }
        rows.push(b.to_vec());
    }
    rows
}

/// The step of a Morris design on `levels` grid levels: `Δ = p / (2 (p − 1))`.
pub fn morris_delta(levels: u32) -> f64 {
    f64::from(levels) / (2.0 * f64::from(levels - 1))
}

/// `r` Morris (1991) trajectories of `d + 1` points each, on a grid of
/// `levels` (even, at least 2) levels `0, 1/(p−1), …, 1`, one after another.
///
/// Trajectory `t` draws, from [`Stream`]`(mix64(seed ^ SALT), t)`: a base point
/// `x*` whose coordinates are levels `l / (p − 1)` with `l < p/2` (so that
/// `x* + Δ ≤ 1`), a direction `±1` per coordinate and an order of the
/// coordinates (Fisher–Yates). It starts at `x*_j` where the direction is up
/// and at `x*_j + Δ` where it is down, then moves one coordinate at a time,
/// in that order, by `±Δ` ([`morris_delta`]). This is Morris's
/// `B* = (J x* + Δ/2 ((2B − J) D* + J)) P*`; consecutive points differ in
/// exactly one coordinate.
pub fn morris(r: usize, d: usize, levels: u32, seed: u64) -> Vec<Vec<f64>> {
    let delta = morris_delta(levels);
    let half = (levels / 2) as usize;
    let step = 1.0 / f64::from(levels - 1);
    let mut rows = Vec::with_capacity(r * (d + 1));
    for t in 0..r {
        let mut s = Stream::new(mix64(seed ^ MORRIS_SALT), t as u64, Purpose::Events);
        let mut pick = |n: usize| ((s.uniform() * n as f64) as usize).min(n - 1);
        let base: Vec<f64> = (0..d).map(|_| pick(half) as f64 * step).collect();
        let up: Vec<bool> = (0..d).map(|_| pick(2) == 1).collect();
        let mut order: Vec<usize> = (0..d).collect();
        for i in (1..d).rev() {
            order.swap(i, pick(i + 1));
        }
        let mut x: Vec<f64> = (0..d).map(|j| if up[j] { base[j] } else { base[j] + delta }).collect();
        rows.push(x.clone());
        for &j in &order {
            x[j] = if up[j] { base[j] + delta } else { base[j] };
            rows.push(x.clone());
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sobol_matches_scipy_unscrambled() {
        // scipy.stats.qmc.Sobol(4, scramble=False).random(8)
        let want = [
            [0.0, 0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25, 0.25],
            [0.25, 0.75, 0.75, 0.75],
            [0.375, 0.375, 0.625, 0.875],
            [0.875, 0.875, 0.125, 0.375],
            [0.625, 0.125, 0.875, 0.625],
            [0.125, 0.625, 0.375, 0.125],
        ];
        let got = sobol(8, 4);
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.as_slice(), w.as_slice());
        }
    }

    #[test]
    fn sobol_prefixes_are_balanced_in_every_dimension() {
        // 2^m points: exactly one in each interval [k/2^m, (k+1)/2^m) of every dimension
        let n = 256;
        let pts = sobol(n, MAX_SOBOL_DIMS);
        for j in 0..MAX_SOBOL_DIMS {
            let mut bins: Vec<usize> = pts.iter().map(|p| (p[j] * n as f64) as usize).collect();
            bins.sort_unstable();
            assert_eq!(bins, (0..n).collect::<Vec<_>>(), "dimension {}", j + 1);
        }
    }

    #[test]
    fn saltelli_rows_cross_a_and_b() {
        let d = 3;
        let rows = saltelli(4, d);
        assert_eq!(rows.len(), 4 * (d + 2));
        let base = sobol(4, 2 * d);
        for (i, p) in base.iter().enumerate() {
            let block = &rows[i * (d + 2)..(i + 1) * (d + 2)];
            assert_eq!(block[0], p[..d]);
            assert_eq!(block[d + 1], p[d..]);
            for j in 0..d {
                for k in 0..d {
                    assert_eq!(block[1 + j][k], if k == j { p[d + k] } else { p[k] });
                }
            }
        }
    }

    #[test]
    fn morris_steps_change_one_coordinate_by_delta() {
        let (r, d, p) = (20, 5, 4);
        let delta = morris_delta(p);
        assert!((delta - 2.0 / 3.0).abs() < 1e-15);
        let rows = morris(r, d, p, 7);
        assert_eq!(rows.len(), r * (d + 1));
        for t in 0..r {
            let traj = &rows[t * (d + 1)..(t + 1) * (d + 1)];
            let mut moved = vec![false; d];
            for w in traj.windows(2) {
                let changed: Vec<usize> = (0..d).filter(|&j| w[0][j] != w[1][j]).collect();
                assert_eq!(changed.len(), 1);
                let j = changed[0];
                assert!(((w[1][j] - w[0][j]).abs() - delta).abs() < 1e-12);
                assert!(!moved[j], "each coordinate moves once");
                moved[j] = true;
            }
            for x in traj.iter().flatten() {
                assert!((0.0..=1.0 + 1e-12).contains(x));
                // on the grid
                let l = x * f64::from(p - 1);
                assert!((l - l.round()).abs() < 1e-9);
            }
        }
        assert_eq!(rows, morris(r, d, p, 7), "deterministic");
        assert_ne!(rows, morris(r, d, p, 8));
    }
}
