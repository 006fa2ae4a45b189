//! `steps.csv`: one row per snapshot and group, with score statistics and
//! tier, perk and restriction figures.

use super::{csv_float, has_groups, tiers_high_first};
use crate::scenario::Scenario;
use crate::stats::{QUANTILES, Slice, Summary};

/// The per-snapshot table as CSV bytes (header always present, `\n` line ends).
///
/// Columns: `step,year,group,n,mean,sd,min,max,p01,p05,p10,p25,p50,p75,p90,p95,p99`,
/// then `tier.<name>` subject counts (highest tier first), `perk.<id>` shares
/// and `restriction.<id>` shares (fractions in `[0, 1]`). `year` is
/// `step / steps_per_year`. Each snapshot has an `all` row, followed by one
/// row per group when the scenario defines groups. An empty group leaves the
/// score columns empty. Numbers use Rust's `Display` formatting (shortest
/// representation that reads back to the same value), so the bytes are
/// deterministic.
pub fn steps_csv(s: &Scenario, sum: &Summary) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> =
        ["step", "year", "group", "n", "mean", "sd", "min", "max"].iter().map(|h| h.to_string()).collect();
    header.extend(QUANTILES.iter().map(|(name, _)| name.to_string()));
    header.extend(tiers_high_first(s).map(|k| format!("tier.{}", s.tiers[k].name)));
    header.extend(s.perks.iter().map(|p| format!("perk.{}", p.id)));
    header.extend(s.restrictions.iter().map(|r| format!("restriction.{}", r.id)));
    header.extend(s.lists.iter().map(|l| format!("list.{}", l.id)));
    w.write_record(&header).expect("writing to memory");
    let per_year = f64::from(s.step.steps_per_year());
    for snap in &sum.snapshots {
        let year = f64::from(snap.step) / per_year;
        let mut rows = vec![("all", &snap.overall)];
        if has_groups(s) {
            rows.extend(s.groups.iter().map(|g| g.name.as_str()).zip(&snap.by_group));
        }
        for (group, slice) in rows {
            w.write_record(row(s, snap.step, year, group, slice)).expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

fn row(s: &Scenario, step: u32, year: f64, group: &str, slice: &Slice) -> Vec<String> {
    let mut r = vec![step.to_string(), csv_float(year), group.to_string(), slice.n.to_string()];
    match &slice.score {
        Some(st) => {
            r.extend([csv_float(st.mean), csv_float(st.sd), st.min.to_string(), st.max.to_string()]);
            r.extend(st.quantiles.iter().map(i64::to_string));
        }
        None => r.extend(std::iter::repeat_n(String::new(), 4 + QUANTILES.len())),
    }
    r.extend(tiers_high_first(s).map(|k| slice.tier_count[k].to_string()));
    r.extend(slice.perk_count.iter().map(|&c| csv_float(slice.share(c))));
    r.extend(slice.restriction_count.iter().map(|&c| csv_float(slice.share(c))));
    r.extend(
        s.lists
            .iter()
            .enumerate()
            .map(|(l, _)| csv_float(slice.share(slice.list_count.get(l).copied().unwrap_or(0)))),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    #[test]
    fn snapshot() {
        let text = String::from_utf8(steps_csv(&fixture::scenario(), &fixture::summary())).unwrap();
        insta::assert_snapshot!(text, @r#"
            step,year,group,n,mean,sd,min,max,p01,p05,p10,p25,p50,p75,p90,p95,p99,tier.A,tier.B,tier.C,perk.fast_lane,restriction.no_travel
            0,0.0,all,5,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,0,5,0,0.0,0.0
            0,0.0,urban,3,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,0,3,0,0.0,0.0
            0,0.0,rural,2,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,0,2,0,0.0,0.0
            0,0.0,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0
            1,0.08333333333333333,all,5,101.0,4.898979485566356,95,110,95,95,95,100,100,100,110,110,110,1,3,1,0.2,0.2
            1,0.08333333333333333,urban,3,103.33333333333333,4.714045207910317,100,110,100,100,100,100,100,110,110,110,110,1,2,0,0.3333333333333333,0.0
            1,0.08333333333333333,rural,2,97.5,2.5,95,100,95,95,95,95,95,100,100,100,100,0,1,1,0.0,0.5
            1,0.08333333333333333,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0
            2,0.16666666666666666,all,5,104.0,9.695359714832659,95,120,95,95,95,95,100,110,120,120,120,2,1,2,0.4,0.4
            2,0.16666666666666666,urban,3,105.0,10.801234497346433,95,120,95,95,95,95,100,120,120,120,120,1,1,1,0.3333333333333333,0.3333333333333333
            2,0.16666666666666666,rural,2,102.5,7.5,95,110,95,95,95,95,95,110,110,110,110,1,0,1,0.5,0.5
            2,0.16666666666666666,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0
            "#);
    }

    #[test]
    fn without_groups_only_overall_rows() {
        let (s, sum) = fixture::ungrouped();
        let text = String::from_utf8(steps_csv(&s, &sum)).unwrap();
        insta::assert_snapshot!(text, @r#"
            step,year,group,n,mean,sd,min,max,p01,p05,p10,p25,p50,p75,p90,p95,p99,tier.all
            0,0.0,all,2,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,2
            2,0.16666666666666666,all,2,93.5,6.5,87,100,87,87,87,87,87,100,100,100,100,2
            "#);
    }

    #[test]
    fn every_row_has_every_column_and_shares_are_fractions() {
        let bytes = steps_csv(&fixture::scenario(), &fixture::summary());
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let header = r.headers().unwrap().clone();
        assert_eq!(header.len(), 17 + 3 + 1 + 1);
        let mut rows = 0;
        for rec in r.records() {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), header.len());
            for (h, v) in header.iter().zip(rec.iter()) {
                if h.starts_with("perk.") || h.starts_with("restriction.") {
                    let x: f64 = v.parse().unwrap();
                    assert!((0.0..=1.0).contains(&x), "{h} = {x}");
                }
            }
            rows += 1;
        }
        assert_eq!(rows, 3 * 4);
    }
}
