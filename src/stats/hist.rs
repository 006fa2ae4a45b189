//! Score histograms per snapshot and group, stored as deltas.
//!
//! The engine records a change only when a subject's score at a snapshot
//! differs from its score at the previous one, so the cost follows events,
//! not subjects × snapshots. [`SnapshotHistograms::cumulate`] turns the
//! deltas into counts once all partial histograms are merged. Counts are
//! integers, so merging is exact in any order.

/// Dense `[snapshot][group][score]` counts over a score window that grows on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotHistograms {
    rows: usize,
    groups: usize,
    lo: i64,
    width: usize,
    data: Vec<i32>,
    cumulated: bool,
}

impl SnapshotHistograms {
    /// An empty histogram for `rows` snapshots and `groups` groups, with a
    /// first window of scores `lo..=hi` (it grows when a score falls outside).
    pub fn new(rows: usize, groups: usize, lo: i64, hi: i64) -> Self {
        let width = usize::try_from(hi.saturating_sub(lo).saturating_add(1)).unwrap_or(1).max(1);
        SnapshotHistograms { rows, groups, lo, width, data: vec![0; rows * groups * width], cumulated: false }
    }

    /// Number of snapshot rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of groups.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// Lowest score in the window.
    pub fn lo(&self) -> i64 {
        self.lo
    }

    /// Number of scores in the window.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Add `delta` subjects with `score` in `group` at snapshot `row`.
    #[inline]
    pub fn add(&mut self, row: usize, group: usize, score: i64, delta: i32) {
        let mut off = score.wrapping_sub(self.lo);
        if off < 0 || off as u64 >= self.width as u64 {
            self.grow_to(score);
            off = score - self.lo;
        }
        let i = (row * self.groups + group) * self.width + off as usize;
        self.data[i] += delta;
    }

    /// Widen the window (at least doubling) so that it holds `score`.
    fn grow_to(&mut self, score: i64) {
        let hi = self.lo + self.width as i64 - 1;
        let (mut lo, mut hi) = (self.lo.min(score), hi.max(score));
        // grow geometrically so repeated growth stays cheap
        let extra = (hi - lo + 1).max(64);
        if score < self.lo {
            lo = lo.saturating_sub(extra / 2);
        } else {
            hi = hi.saturating_add(extra / 2);
        }
        self.resize(lo, hi);
    }

    fn resize(&mut self, lo: i64, hi: i64) {
        let width = (hi - lo + 1) as usize;
        let mut data = vec![0; self.rows * self.groups * width];
        let shift = (self.lo - lo) as usize;
        for block in 0..self.rows * self.groups {
            let src = &self.data[block * self.width..(block + 1) * self.width];
            data[block * width + shift..block * width + shift + self.width].copy_from_slice(src);
        }
        self.lo = lo;
        self.width = width;
        self.data = data;
    }

    /// Add another partial histogram of the same shape into this one.
    pub fn merge(&mut self, other: &SnapshotHistograms) {
        assert_eq!((self.rows, self.groups), (other.rows, other.groups), "histogram shapes differ");
        let other_hi = other.lo + other.width as i64 - 1;
        let self_hi = self.lo + self.width as i64 - 1;
        if other.lo < self.lo || other_hi > self_hi {
            self.resize(self.lo.min(other.lo), self_hi.max(other_hi));
        }
        let shift = (other.lo - self.lo) as usize;
        for block in 0..self.rows * self.groups {
            let dst = &mut self.data[block * self.width + shift..block * self.width + shift + other.width];
            for (d, s) in dst.iter_mut().zip(&other.data[block * other.width..(block + 1) * other.width]) {
                *d += s;
            }
        }
    }

    /// Turn per-row deltas into per-row counts (a prefix sum over rows).
    pub fn cumulate(&mut self) {
        if self.cumulated {
            return;
        }
        let row_len = self.groups * self.width;
        for row in 1..self.rows {
            let (done, rest) = self.data.split_at_mut(row * row_len);
            let prev = &done[(row - 1) * row_len..];
            for (d, p) in rest[..row_len].iter_mut().zip(prev) {
                *d += p;
            }
        }
        self.cumulated = true;
    }

    /// Counts for one snapshot and group, indexed by `score - lo()`.
    /// Only meaningful after [`cumulate`](Self::cumulate).
    pub fn counts(&self, row: usize, group: usize) -> &[i32] {
        let start = (row * self.groups + group) * self.width;
        &self.data[start..start + self.width]
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.data.len() * std::mem::size_of::<i32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deltas_cumulate_into_counts() {
        let mut h = SnapshotHistograms::new(3, 1, 0, 10);
        h.add(0, 0, 5, 4); // four subjects start at 5
        h.add(1, 0, 5, -1); // one moves to 7 by snapshot 1
        h.add(1, 0, 7, 1);
        h.add(2, 0, 7, -1); // and on to 2 by snapshot 2
        h.add(2, 0, 2, 1);
        h.cumulate();
        assert_eq!(h.counts(0, 0)[5], 4);
        assert_eq!((h.counts(1, 0)[5], h.counts(1, 0)[7]), (3, 1));
        assert_eq!((h.counts(2, 0)[5], h.counts(2, 0)[7], h.counts(2, 0)[2]), (3, 0, 1));
    }

    #[test]
    fn grows_both_ways_and_keeps_counts() {
        let mut h = SnapshotHistograms::new(2, 2, 100, 101);
        h.add(1, 1, 100, 3);
        h.add(0, 0, -5_000, 1);
        h.add(0, 1, 9_000, 2);
        assert!(h.lo() <= -5_000 && h.lo() + h.width() as i64 > 9_000);
        assert_eq!(h.counts(1, 1)[(100 - h.lo()) as usize], 3);
        assert_eq!(h.counts(0, 0)[(-5_000 - h.lo()) as usize], 1);
        assert_eq!(h.counts(0, 1)[(9_000 - h.lo()) as usize], 2);
    }

    #[test]
    fn merge_is_order_independent() {
        let mut a = SnapshotHistograms::new(2, 1, 0, 3);
        let mut b = SnapshotHistograms::new(2, 1, 10, 12);
        a.add(0, 0, 1, 2);
        b.add(1, 0, 11, 5);
        b.add(0, 0, -40, 1);
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        for row in 0..2 {
            for s in -40..=12 {
                let at = |h: &SnapshotHistograms| {
                    let off = s - h.lo();
                    if off < 0 || off >= h.width() as i64 { 0 } else { h.counts(row, 0)[off as usize] }
                };
                assert_eq!(at(&ab), at(&ba), "row {row} score {s}");
            }
        }
    }
}
