//! `histogram.csv`: the final score distribution in fixed-width bins, long format.

use super::{csv_float, has_groups};
use crate::scenario::Scenario;
use crate::stats::Summary;

/// The final histogram as CSV bytes: `group,bin_lo,bin_hi,count,share`.
///
/// Bins are `report.bin_width` points wide and aligned to multiples of it;
/// `bin_hi` is inclusive. Every bin from the lowest to the highest occupied
/// one is listed, empty bins included, so a plot has no gaps. Rows for
/// everyone (`group = all`) come first, then each group in file order (when
/// the scenario defines groups), all over the same bins. `share` is the
/// count over the group's size (0 for an empty group).
pub fn histogram_csv(s: &Scenario, sum: &Summary) -> Vec<u8> {
    let h = &sum.histogram;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["group", "bin_lo", "bin_hi", "count", "share"]).expect("writing to memory");
    let mut parts = vec![("all", &h.overall)];
    if has_groups(s) {
        parts.extend(s.groups.iter().map(|g| g.name.as_str()).zip(&h.by_group));
    }
    let width = i64::from(h.bin_width);
    for (group, counts) in parts {
        let n: u64 = counts.iter().sum();
        for (i, &c) in counts.iter().enumerate() {
            let lo = h.lo + i as i64 * width;
            let share = if n == 0 { 0.0 } else { c as f64 / n as f64 };
            w.write_record([
                group.to_string(),
                lo.to_string(),
                (lo + width - 1).to_string(),
                c.to_string(),
                csv_float(share),
            ])
            .expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    #[test]
    fn snapshot() {
        let text = String::from_utf8(histogram_csv(&fixture::scenario(), &fixture::summary())).unwrap();
        insta::assert_snapshot!(text, @r#"
            group,bin_lo,bin_hi,count,share
            all,90,99,2,0.4
            all,100,109,1,0.2
            all,110,119,1,0.2
            all,120,129,1,0.2
            urban,90,99,1,0.3333333333333333
            urban,100,109,1,0.3333333333333333
            urban,110,119,0,0.0
            urban,120,129,1,0.3333333333333333
            rural,90,99,1,0.5
            rural,100,109,0,0.0
            rural,110,119,1,0.5
            rural,120,129,0,0.0
            migrant,90,99,0,0.0
            migrant,100,109,0,0.0
            migrant,110,119,0,0.0
            migrant,120,129,0,0.0
            "#);
    }

    #[test]
    fn empty_bins_between_occupied_ones_are_listed() {
        let (s, sum) = fixture::ungrouped();
        let text = String::from_utf8(histogram_csv(&s, &sum)).unwrap();
        insta::assert_snapshot!(text, @r#"
            group,bin_lo,bin_hi,count,share
            all,80,89,1,0.5
            all,90,99,0,0.0
            all,100,109,1,0.5
            "#);
    }
}
