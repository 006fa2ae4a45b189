//! `histogram.csv`: the final score distribution in fixed-width bins, long format.

use super::{csv_float, has_groups};
use crate::results::suppress::Suppression;
use crate::scenario::Scenario;
use crate::stats::Summary;

/// The final histogram as CSV bytes: `group,bin_lo,bin_hi,count,share,suppressed`.
///
/// Bins are `report.bin_width` points wide and aligned to multiples of it;
/// `bin_hi` is inclusive. Every bin from the lowest to the highest occupied
/// one is listed, empty bins included, so a plot has no gaps. Rows for
/// everyone (`group = all`) come first, then each group in file order (when
/// the scenario defines groups), all over the same bins. `share` is the
/// count over the group's size (0 for an empty group).
///
/// A group hidden by small-cell suppression (threshold `min_cell`, 0 for
/// none; see [`results::suppress`](crate::results::suppress)) keeps its bins with `count` and `share`
/// empty and `suppressed` `true`.
pub fn histogram_csv(s: &Scenario, sum: &Summary, min_cell: u32) -> Vec<u8> {
    let sup = Suppression::new(s, sum, min_cell);
    let h = &sum.histogram;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["group", "bin_lo", "bin_hi", "count", "share", "suppressed"]).expect("writing to memory");
    let mut parts = vec![("all", &h.overall, false)];
    if has_groups(s) {
        let hidden = (0..s.groups.len()).map(|g| sup.group(g));
        parts.extend(s.groups.iter().zip(&h.by_group).zip(hidden).map(|((g, c), x)| (g.name.as_str(), c, x)));
    }
    let width = i64::from(h.bin_width);
    for (group, counts, hidden) in parts {
        let n: u64 = counts.iter().sum();
        for (i, &c) in counts.iter().enumerate() {
            let lo = h.lo + i as i64 * width;
            let share = if n == 0 { 0.0 } else { c as f64 / n as f64 };
            let (count, share) =
                if hidden { (String::new(), String::new()) } else { (c.to_string(), csv_float(share)) };
            w.write_record([
                super::csv_text(group),
                lo.to_string(),
                (lo + width - 1).to_string(),
                count,
                share,
                hidden.to_string(),
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
        let text = String::from_utf8(histogram_csv(&fixture::scenario(), &fixture::summary(), 0)).unwrap();
        insta::assert_snapshot!(text, @r#"
            group,bin_lo,bin_hi,count,share,suppressed
            all,90,99,2,0.4,false
            all,100,109,1,0.2,false
            all,110,119,1,0.2,false
            all,120,129,1,0.2,false
            urban,90,99,1,0.3333333333333333,false
            urban,100,109,1,0.3333333333333333,false
            urban,110,119,0,0.0,false
            urban,120,129,1,0.3333333333333333,false
            rural,90,99,1,0.5,false
            rural,100,109,0,0.0,false
            rural,110,119,1,0.5,false
            rural,120,129,0,0.0,false
            migrant,90,99,0,0.0,false
            migrant,100,109,0,0.0,false
            migrant,110,119,0,0.0,false
            migrant,120,129,0,0.0,false
            "#);
    }

    #[test]
    fn empty_bins_between_occupied_ones_are_listed() {
        let (s, sum) = fixture::ungrouped();
        let text = String::from_utf8(histogram_csv(&s, &sum, 0)).unwrap();
        insta::assert_snapshot!(text, @r#"
            group,bin_lo,bin_hi,count,share,suppressed
            all,80,89,1,0.5,false
            all,90,99,0,0.0,false
            all,100,109,1,0.5,false
            "#);
    }

    #[test]
    fn suppressed_groups_keep_their_bins_without_counts() {
        let text = String::from_utf8(histogram_csv(&fixture::scenario(), &fixture::summary(), 3)).unwrap();
        insta::assert_snapshot!(text, @r#"
            group,bin_lo,bin_hi,count,share,suppressed
            all,90,99,2,0.4,false
            all,100,109,1,0.2,false
            all,110,119,1,0.2,false
            all,120,129,1,0.2,false
            urban,90,99,,,true
            urban,100,109,,,true
            urban,110,119,,,true
            urban,120,129,,,true
            rural,90,99,,,true
            rural,100,109,,,true
            rural,110,119,,,true
            rural,120,129,,,true
            migrant,90,99,0,0.0,false
            migrant,100,109,0,0.0,false
            migrant,110,119,0,0.0,false
            migrant,120,129,0,0.0,false
            "#);
    }
}
