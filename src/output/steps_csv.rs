//! `steps.csv`: one row per snapshot and group, with score statistics,
//! tier, perk and restriction figures, four-fifths ratios and tier mobility.

use super::fairness::{applies, four_fifths, moves, start_tiers, worst};
use super::{csv_float, has_groups, tiers_high_first};
use crate::results::suppress::Suppression;
use crate::scenario::Scenario;
use crate::stats::{QUANTILES, Slice, Snapshot, Summary};

/// The per-snapshot table as CSV bytes (header always present, `\n` line ends).
///
/// Columns: `step,year,group,n,mean,sd,min,max,p01,p05,p10,p25,p50,p75,p90,p95,p99`,
/// then `tier_count.<name>` subject counts (highest tier first), `perk_share.<id>`,
/// `restriction_share.<id>` and `list_share.<id>` shares (fractions in `[0, 1]`), then
/// `suppressed` (`true` or `false`), `disparity_ratio.<id>` for each perk and
/// then each restriction, `tier_up_share` and `tier_down_share`. Every name
/// says its unit (`_count`: subjects, `_share`: a fraction, `_ratio`). `year` is
/// `step / steps_per_year`. Each snapshot has an `all` row, followed by one
/// row per group when the scenario defines groups. An empty group leaves the
/// score columns and its disparity ratios empty. Numbers use Rust's
/// `Display` formatting (shortest representation that reads back to the
/// same value), so the bytes are deterministic.
///
/// `disparity_ratio.<id>` is the group's four-fifths ratio at that snapshot (see
/// [`four_fifths`](super::fairness::four_fifths)), and on the `all` row
/// the lowest ratio of any group. `tier_up_share` and `tier_down_share` are the shares
/// of subjects whose tier is above or below the tier they started in.
///
/// A group hidden by small-cell suppression (threshold `min_cell`, 0 for
/// none; see [`results::suppress`](crate::results::suppress)) keeps its rows, with `suppressed` `true`
/// and every other field after `group` empty; it takes no part in the
/// disparity ratios of the other groups. When hidden groups start in
/// different tiers, `tier_up_share` and `tier_down_share` of the `all` row are empty
/// too (see [`Suppression::overall_moves`]).
pub fn steps_csv(s: &Scenario, sum: &Summary, min_cell: u32) -> Vec<u8> {
    let sup = Suppression::new(s, sum, min_cell);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> =
        ["step", "year", "group", "n", "mean", "sd", "min", "max"].iter().map(|h| h.to_string()).collect();
    header.extend(QUANTILES.iter().map(|(name, _)| name.to_string()));
    header.extend(tiers_high_first(s).map(|k| format!("tier_count.{}", s.tiers[k].name)));
    header.extend(s.perks.iter().map(|p| format!("perk_share.{}", p.id)));
    header.extend(s.restrictions.iter().map(|r| format!("restriction_share.{}", r.id)));
    header.extend(s.lists.iter().map(|l| format!("list_share.{}", l.id)));
    header.push("suppressed".into());
    header.extend(s.perks.iter().map(|p| format!("disparity_ratio.{}", p.id)));
    header.extend(s.restrictions.iter().map(|r| format!("disparity_ratio.{}", r.id)));
    header.extend(["tier_up_share".into(), "tier_down_share".into()]);
    w.write_record(&header).expect("writing to memory");
    let per_year = f64::from(s.step.steps_per_year());
    let start = start_tiers(s);
    for snap in &sum.snapshots {
        let year = f64::from(snap.step) / per_year;
        let ratios = ratios(s, snap, &sup);
        let (mut up, mut down) = (0, 0);
        for (sl, &t) in snap.by_group.iter().zip(&start) {
            let (u, d) = moves(&sl.tier_count, t);
            (up, down) = (up + u, down + d);
        }
        let prefix = |group: &str| vec![snap.step.to_string(), csv_float(year), super::csv_text(group)];
        let all = &snap.overall;
        let mut r = prefix("all");
        r.extend(figures(s, all));
        r.push("false".into());
        r.extend(ratios.iter().map(|per_group| worst(per_group).map_or(String::new(), csv_float)));
        if sup.overall_moves() {
            r.extend([String::new(), String::new()]);
        } else {
            r.extend([csv_float(all.share(up)), csv_float(all.share(down))]);
        }
        w.write_record(&r).expect("writing to memory");
        if !has_groups(s) {
            continue;
        }
        for (g, (group, sl)) in s.groups.iter().zip(&snap.by_group).enumerate() {
            let mut r = prefix(&group.name);
            if sup.group(g) {
                r.extend(std::iter::repeat_n(String::new(), header.len() - 3));
                r[3 + figures_len(s)] = "true".into();
            } else {
                r.extend(figures(s, sl));
                r.push("false".into());
                r.extend(ratios.iter().map(|per_group| per_group[g].map_or(String::new(), csv_float)));
                let (u, d) = moves(&sl.tier_count, start[g]);
                r.extend([csv_float(sl.share(u)), csv_float(sl.share(d))]);
            }
            w.write_record(&r).expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}

/// Four-fifths ratios at one snapshot: per perk, then per restriction, one
/// entry per group (`None` for an empty or suppressed group).
fn ratios(s: &Scenario, snap: &Snapshot, sup: &Suppression) -> Vec<Vec<Option<f64>>> {
    // only groups of a kind the perk or restriction applies to take part
    let shares = |item: usize, count: &dyn Fn(&Slice) -> u64| -> Vec<Option<f64>> {
        snap.by_group
            .iter()
            .enumerate()
            .map(|(g, sl)| (sl.n > 0 && !sup.group(g) && applies(s, item, g)).then(|| sl.share(count(sl))))
            .collect()
    };
    let perks = (0..s.perks.len()).map(|k| four_fifths(&shares(k, &|sl| sl.perk_count[k]), false));
    let n = s.perks.len();
    let restrictions =
        (0..s.restrictions.len()).map(|k| four_fifths(&shares(n + k, &|sl| sl.restriction_count[k]), true));
    perks.chain(restrictions).collect()
}

/// Number of fields [`figures`] writes.
fn figures_len(s: &Scenario) -> usize {
    1 + 4 + QUANTILES.len() + s.tiers.len() + s.perks.len() + s.restrictions.len() + s.lists.len()
}

/// `n`, score statistics, tier counts, perk and restriction shares of one slice.
fn figures(s: &Scenario, slice: &Slice) -> Vec<String> {
    let mut r = vec![slice.n.to_string()];
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
        (0..s.lists.len()).map(|l| csv_float(slice.share(slice.list_count.get(l).copied().unwrap_or(0)))),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    #[test]
    fn snapshot() {
        let text = String::from_utf8(steps_csv(&fixture::scenario(), &fixture::summary(), 0)).unwrap();
        insta::assert_snapshot!(text, @r#"
            step,year,group,n,mean,sd,min,max,p01,p05,p10,p25,p50,p75,p90,p95,p99,tier_count.A,tier_count.B,tier_count.C,perk_share.fast_lane,restriction_share.no_travel,suppressed,disparity_ratio.fast_lane,disparity_ratio.no_travel,tier_up_share,tier_down_share
            0,0.0,all,5,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,0,5,0,0.0,0.0,false,1.0,1.0,0.0,0.0
            0,0.0,urban,3,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,0,3,0,0.0,0.0,false,1.0,1.0,0.0,0.0
            0,0.0,rural,2,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,0,2,0,0.0,0.0,false,1.0,1.0,0.0,0.0
            0,0.0,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0,false,,,0.0,0.0
            1,0.08333333333333333,all,5,101.0,4.898979485566356,95,110,95,95,95,100,100,100,110,110,110,1,3,1,0.2,0.2,false,0.0,0.0,0.2,0.2
            1,0.08333333333333333,urban,3,103.33333333333333,4.714045207910317,100,110,100,100,100,100,100,110,110,110,110,1,2,0,0.3333333333333333,0.0,false,1.0,1.0,0.3333333333333333,0.0
            1,0.08333333333333333,rural,2,97.5,2.5,95,100,95,95,95,95,95,100,100,100,100,0,1,1,0.0,0.5,false,0.0,0.0,0.0,0.5
            1,0.08333333333333333,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0,false,,,0.0,0.0
            2,0.16666666666666666,all,5,104.0,9.695359714832659,95,120,95,95,95,95,100,110,120,120,120,2,1,2,0.4,0.4,false,0.6666666666666666,0.6666666666666666,0.4,0.4
            2,0.16666666666666666,urban,3,105.0,10.801234497346433,95,120,95,95,95,95,100,120,120,120,120,1,1,1,0.3333333333333333,0.3333333333333333,false,0.6666666666666666,1.0,0.3333333333333333,0.3333333333333333
            2,0.16666666666666666,rural,2,102.5,7.5,95,110,95,95,95,95,95,110,110,110,110,1,0,1,0.5,0.5,false,1.0,0.6666666666666666,0.5,0.5
            2,0.16666666666666666,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0,false,,,0.0,0.0
            "#);
    }

    #[test]
    fn without_groups_only_overall_rows() {
        let (s, sum) = fixture::ungrouped();
        let text = String::from_utf8(steps_csv(&s, &sum, 0)).unwrap();
        insta::assert_snapshot!(text, @r#"
            step,year,group,n,mean,sd,min,max,p01,p05,p10,p25,p50,p75,p90,p95,p99,tier_count.all,suppressed,tier_up_share,tier_down_share
            0,0.0,all,2,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,2,false,0.0,0.0
            2,0.16666666666666666,all,2,93.5,6.5,87,100,87,87,87,87,87,100,100,100,100,2,false,0.0,0.0
            "#);
    }

    #[test]
    fn every_row_has_every_column_and_shares_are_fractions() {
        for min_cell in [0, 3] {
            let bytes = steps_csv(&fixture::scenario(), &fixture::summary(), min_cell);
            let mut r = csv::Reader::from_reader(bytes.as_slice());
            let header = r.headers().unwrap().clone();
            assert_eq!(header.len(), 17 + 3 + 1 + 1 + 1 + 2 + 2);
            let mut rows = 0;
            for rec in r.records() {
                let rec = rec.unwrap();
                assert_eq!(rec.len(), header.len());
                let hidden = &rec[header.iter().position(|h| h == "suppressed").unwrap()] == "true";
                for (h, v) in header.iter().zip(rec.iter()).skip(3) {
                    if hidden {
                        assert!(v.is_empty() || h == "suppressed", "{h} = {v} in a hidden row");
                    } else if [
                        "perk_share.",
                        "restriction_share.",
                        "disparity_ratio.",
                        "tier_up",
                        "tier_down",
                    ]
                    .iter()
                    .any(|p| h.starts_with(p))
                        && !v.is_empty()
                    {
                        let x: f64 = v.parse().unwrap();
                        assert!((0.0..=1.0).contains(&x), "{h} = {x}");
                    }
                }
                rows += 1;
            }
            assert_eq!(rows, 3 * 4);
        }
    }

    /// With `min_cell` 3, `rural` (2 subjects) is hidden, and `urban` with it:
    /// otherwise `all` minus `urban` would give `rural` back. The empty
    /// `migrant` describes nobody and stays.
    #[test]
    fn suppressed_groups_keep_their_rows_with_empty_fields() {
        let text = String::from_utf8(steps_csv(&fixture::scenario(), &fixture::summary(), 3)).unwrap();
        insta::assert_snapshot!(text, @r#"
            step,year,group,n,mean,sd,min,max,p01,p05,p10,p25,p50,p75,p90,p95,p99,tier_count.A,tier_count.B,tier_count.C,perk_share.fast_lane,restriction_share.no_travel,suppressed,disparity_ratio.fast_lane,disparity_ratio.no_travel,tier_up_share,tier_down_share
            0,0.0,all,5,100.0,0.0,100,100,100,100,100,100,100,100,100,100,100,0,5,0,0.0,0.0,false,,,0.0,0.0
            0,0.0,urban,,,,,,,,,,,,,,,,,,,,true,,,,
            0,0.0,rural,,,,,,,,,,,,,,,,,,,,true,,,,
            0,0.0,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0,false,,,0.0,0.0
            1,0.08333333333333333,all,5,101.0,4.898979485566356,95,110,95,95,95,100,100,100,110,110,110,1,3,1,0.2,0.2,false,,,0.2,0.2
            1,0.08333333333333333,urban,,,,,,,,,,,,,,,,,,,,true,,,,
            1,0.08333333333333333,rural,,,,,,,,,,,,,,,,,,,,true,,,,
            1,0.08333333333333333,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0,false,,,0.0,0.0
            2,0.16666666666666666,all,5,104.0,9.695359714832659,95,120,95,95,95,95,100,110,120,120,120,2,1,2,0.4,0.4,false,,,0.4,0.4
            2,0.16666666666666666,urban,,,,,,,,,,,,,,,,,,,,true,,,,
            2,0.16666666666666666,rural,,,,,,,,,,,,,,,,,,,,true,,,,
            2,0.16666666666666666,migrant,0,,,,,,,,,,,,,,0,0,0,0.0,0.0,false,,,0.0,0.0
            "#);
    }

    /// Hidden groups starting in different tiers: the overall moves up and
    /// down would tell them apart, so the `all` row leaves them empty.
    #[test]
    fn overall_moves_are_hidden_when_hidden_groups_start_apart() {
        let field = |s: &Scenario, min_cell: u32, col: &str| -> Vec<String> {
            let bytes = steps_csv(s, &fixture::summary(), min_cell);
            let mut r = csv::Reader::from_reader(bytes.as_slice());
            let i = r.headers().unwrap().iter().position(|h| h == col).unwrap();
            r.records().map(|x| x.unwrap()).filter(|x| &x[2] == "all").map(|x| x[i].to_owned()).collect()
        };
        let mut s = fixture::scenario();
        assert_eq!(field(&s, 3, "tier_up_share"), ["0.0", "0.2", "0.4"], "same start tier: published");
        s.groups[1].start = 120;
        assert_eq!(field(&s, 3, "tier_up_share"), ["", "", ""]);
        assert_eq!(field(&s, 3, "tier_down_share"), ["", "", ""]);
        assert_eq!(field(&s, 0, "tier_down_share"), ["0.4", "0.4", "0.4"]);
    }
}
