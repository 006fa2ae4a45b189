//! The human-readable run summary printed to stdout: one aligned table of
//! shares (percent) with a column for everyone and one per group.

use std::fmt::Write;

use super::fairness;
use super::text::percent;
use super::{has_groups, tiers_high_first};
use crate::results::suppress::Suppression;
use crate::scenario::Scenario;
use crate::stats::{Slice, Summary};

/// A compact plain-text summary of the final state, ending with a newline.
///
/// A header (scenario name, population, steps and unit, seed, elapsed time),
/// then one table whose columns are everyone (`all`) and each group:
/// subjects, mean score, tier shares (highest tier first), perk access,
/// restrictions and the share on each list (`on list`, when the scenario
/// has lists), as percentages with one decimal. An empty group shows `-`,
/// and a group hidden by small-cell suppression (threshold `min_cell`, 0 for
/// none; see [`results::suppress`](crate::results::suppress)) shows `hidden`, with a note under the table.
/// No colour; wide characters in names may misalign columns.
pub fn terminal_summary(s: &Scenario, seed: u64, sum: &Summary, wall_seconds: f64, min_cell: u32) -> String {
    let sup = Suppression::new(s, sum, min_cell);
    let last = sum.final_snapshot();
    // (name, slice); `None` for a hidden group
    let mut cols: Vec<(&str, Option<&Slice>)> = vec![("all", Some(&last.overall))];
    if has_groups(s) {
        cols.extend(
            s.groups
                .iter()
                .zip(&last.by_group)
                .enumerate()
                .map(|(g, (x, sl))| (x.name.as_str(), (!sup.group(g)).then_some(sl))),
        );
    }
    let cell = |sl: Option<&Slice>, f: &dyn Fn(&Slice) -> String| match sl {
        None => "hidden".to_string(),
        Some(sl) if sl.n == 0 => "-".to_string(),
        Some(sl) => f(sl),
    };
    let pct = |c: &dyn Fn(&Slice) -> u64, sl: Option<&Slice>| cell(sl, &|sl| percent(sl.share(c(sl))));

    // (label, one cell per column); an empty label with no cells is a blank line
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    rows.push((String::new(), cols.iter().map(|(name, _)| name.to_string()).collect()));
    let subjects = |sl: Option<&Slice>| sl.map_or("hidden".to_string(), |sl| sl.n.to_string());
    rows.push(("subjects".into(), cols.iter().map(|(_, sl)| subjects(*sl)).collect()));
    let mean = |sl: &Slice| sl.score.as_ref().map_or("-".to_string(), |st| super::text::one_decimal(st.mean));
    rows.push(("mean score".into(), cols.iter().map(|(_, sl)| cell(*sl, &mean)).collect()));
    rows.push(("tier".into(), vec![]));
    for k in tiers_high_first(s) {
        let cells = cols.iter().map(|(_, sl)| pct(&|sl| sl.tier_count[k], *sl)).collect();
        rows.push((format!("  {}", s.tiers[k].name), cells));
    }
    // a group a perk or restriction cannot apply to (its `applies_to`) says `n/a`, not 0.0%
    let item_cells =
        |item: usize, c: &dyn Fn(&Slice) -> u64| -> Vec<String> {
            let mut cells = vec![pct(c, cols[0].1)];
            cells.extend(cols[1..].iter().enumerate().map(|(g, (_, sl))| {
                if fairness::applies(s, item, g) { pct(c, *sl) } else { "n/a".to_string() }
            }));
            cells
        };
    if !s.perks.is_empty() {
        rows.push(("perk access".into(), vec![]));
        for (k, p) in s.perks.iter().enumerate() {
            rows.push((format!("  {}", p.id), item_cells(k, &|sl| sl.perk_count[k])));
        }
    }
    if !s.restrictions.is_empty() {
        rows.push(("restriction".into(), vec![]));
        for (k, r) in s.restrictions.iter().enumerate() {
            let item = s.perks.len() + k;
            rows.push((format!("  {}", r.id), item_cells(item, &|sl| sl.restriction_count[k])));
        }
    }
    if !s.lists.is_empty() {
        rows.push(("on list".into(), vec![]));
        for (k, l) in s.lists.iter().enumerate() {
            let cells = cols
                .iter()
                .map(|(_, sl)| pct(&|sl| sl.list_count.get(k).copied().unwrap_or(0), *sl))
                .collect();
            rows.push((format!("  {}", l.id), cells));
        }
    }

    let width = |t: &str| t.chars().count();
    let label_w = rows.iter().map(|(l, _)| width(l)).max().unwrap_or(0);
    let col_w: Vec<usize> = (0..cols.len())
        .map(|c| rows.iter().filter_map(|(_, cells)| cells.get(c)).map(|t| width(t)).max().unwrap_or(0))
        .collect();

    let mut out = String::new();
    let unit = s.step.as_str();
    let plural = if s.steps == 1 { "" } else { "s" };
    let population = sum.group_sizes.iter().sum::<u64>();
    let _ = writeln!(out, "{}", s.name);
    let _ = writeln!(
        out,
        "{population} subjects, {} {unit}{plural}, seed {seed}, finished in {wall_seconds:.2} s",
        s.steps
    );
    let _ = writeln!(out);
    for (label, cells) in &rows {
        let mut line = format!("{label:<label_w$}");
        for (cell, w) in cells.iter().zip(&col_w) {
            let _ = write!(line, "  {cell:>w$}");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if rows.iter().any(|(_, cells)| cells.iter().any(|c| c == "n/a")) {
        let _ = writeln!(
            out,
            "\nn/a: the perk or restriction does not apply to the group's kind (its `applies_to`)"
        );
    }
    if sup.any() {
        let _ = writeln!(
            out,
            "\nhidden: groups with fewer than {} subjects, and groups hidden so that they cannot be \
             recovered from the totals (--min-cell; see summary.json `suppression`)",
            sup.min_cell
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fixture;

    #[test]
    fn snapshot() {
        let text = terminal_summary(&fixture::scenario(), 42, &fixture::summary(), 1.234, 0);
        insta::assert_snapshot!(text, @r#"
            Tiny town
            5 subjects, 2 months, seed 42, finished in 1.23 s

                           all  urban  rural  migrant
            subjects         5      3      2        0
            mean score   104.0  105.0  102.5        -
            tier
              A          40.0%  33.3%  50.0%        -
              B          20.0%  33.3%   0.0%        -
              C          40.0%  33.3%  50.0%        -
            perk access
              fast_lane  40.0%  33.3%  50.0%        -
            restriction
              no_travel  40.0%  33.3%  50.0%        -
            "#);
    }

    /// The fixture with a blacklist and a redlist, 2 of the 5 subjects on
    /// the first (one urban, one rural) and 1 urban subject on the second.
    fn with_lists() -> (Scenario, Summary) {
        use crate::scenario::{Color, Entry, List};
        let list = List::bare;
        let mut s = fixture::scenario();
        s.lists = vec![
            list("debtors", Color::Black, Entry::Below(100)),
            list("honest", Color::Red, Entry::AtLeast(110)),
        ];
        let mut sum = fixture::summary();
        for snap in &mut sum.snapshots {
            snap.overall.list_count = vec![2, 1];
            for (sl, counts) in snap.by_group.iter_mut().zip([vec![1, 1], vec![1, 0], vec![0, 0]]) {
                sl.list_count = counts;
            }
        }
        (s, sum)
    }

    #[test]
    fn lists_have_a_row_each() {
        let (s, sum) = with_lists();
        insta::assert_snapshot!(terminal_summary(&s, 42, &sum, 1.234, 0), @r#"
            Tiny town
            5 subjects, 2 months, seed 42, finished in 1.23 s

                           all  urban  rural  migrant
            subjects         5      3      2        0
            mean score   104.0  105.0  102.5        -
            tier
              A          40.0%  33.3%  50.0%        -
              B          20.0%  33.3%   0.0%        -
              C          40.0%  33.3%  50.0%        -
            perk access
              fast_lane  40.0%  33.3%  50.0%        -
            restriction
              no_travel  40.0%  33.3%  50.0%        -
            on list
              debtors    40.0%  33.3%  50.0%        -
              honest     20.0%  33.3%   0.0%        -
            "#);
    }

    #[test]
    fn hidden_groups_hide_their_list_shares() {
        let (s, sum) = with_lists();
        insta::assert_snapshot!(terminal_summary(&s, 42, &sum, 1.234, 3), @r#"
            Tiny town
            5 subjects, 2 months, seed 42, finished in 1.23 s

                           all   urban   rural  migrant
            subjects         5  hidden  hidden        0
            mean score   104.0  hidden  hidden        -
            tier
              A          40.0%  hidden  hidden        -
              B          20.0%  hidden  hidden        -
              C          40.0%  hidden  hidden        -
            perk access
              fast_lane  40.0%  hidden  hidden        -
            restriction
              no_travel  40.0%  hidden  hidden        -
            on list
              debtors    40.0%  hidden  hidden        -
              honest     20.0%  hidden  hidden        -

            hidden: groups with fewer than 3 subjects, and groups hidden so that they cannot be recovered from the totals (--min-cell; see summary.json `suppression`)
            "#);
    }

    #[test]
    fn without_groups_one_column() {
        let (s, sum) = fixture::ungrouped();
        insta::assert_snapshot!(terminal_summary(&s, 0, &sum, 0.0, 0), @r#"
            Tiny town
            2 subjects, 2 months, seed 0, finished in 0.00 s

                           all
            subjects         2
            mean score    93.5
            tier
              all       100.0%
            "#);
    }

    #[test]
    fn hidden_groups_say_so() {
        let text = terminal_summary(&fixture::scenario(), 42, &fixture::summary(), 1.234, 3);
        insta::assert_snapshot!(text, @r#"
            Tiny town
            5 subjects, 2 months, seed 42, finished in 1.23 s

                           all   urban   rural  migrant
            subjects         5  hidden  hidden        0
            mean score   104.0  hidden  hidden        -
            tier
              A          40.0%  hidden  hidden        -
              B          20.0%  hidden  hidden        -
              C          40.0%  hidden  hidden        -
            perk access
              fast_lane  40.0%  hidden  hidden        -
            restriction
              no_travel  40.0%  hidden  hidden        -

            hidden: groups with fewer than 3 subjects, and groups hidden so that they cannot be recovered from the totals (--min-cell; see summary.json `suppression`)
            "#);
    }
}
