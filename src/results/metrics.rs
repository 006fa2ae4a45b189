//! One run reduced to named numbers, the columns of sweep and comparison tables.
//!
//! Names are stable and dotted: `score.mean`, `score.p50`, `tier_share.AA`,
//! `perk_share.<perk>`, `restriction_share.<restriction>`, with lists
//! `list_share.<list>`, and the same per group under `group.<group>.`
//! (`group.urban.score_mean`, `group.urban.perk_share.<perk>`). Every value
//! describes the final step.

use crate::scenario::Scenario;
use crate::stats::{QUANTILES, Slice, Summary};

/// One named metric of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// Dotted name, e.g. `tier_share.AA`.
    pub name: String,
    /// Its value; `NaN` when undefined (the score mean of an empty group).
    pub value: f64,
}

/// The final-step metrics of a run of `scenario` summarised as `summary`, in a
/// fixed order: overall score statistics, shares, then each group in scenario
/// order. A group hidden by small-cell suppression at the default threshold
/// ([`DEFAULT_MIN_CELL`](super::suppress::DEFAULT_MIN_CELL)) has every metric `NaN`.
pub fn metrics(scenario: &Scenario, summary: &Summary) -> Vec<Metric> {
    metrics_at(scenario, summary, super::suppress::DEFAULT_MIN_CELL)
}

/// [`metrics`] with small-cell suppression at threshold `min_cell` (0: none).
pub fn metrics_at(scenario: &Scenario, summary: &Summary, min_cell: u32) -> Vec<Metric> {
    snapshot_metrics(scenario, summary, summary.final_snapshot(), min_cell)
}

/// The metrics of [`metrics_at`], named the same, describing `last` (one of
/// `summary.snapshots`) instead of the final step: what a calibration
/// target at an earlier step compares with.
pub fn snapshot_metrics(
    scenario: &Scenario,
    summary: &Summary,
    last: &crate::stats::Snapshot,
    min_cell: u32,
) -> Vec<Metric> {
    let mut out = Vec::new();
    let mut push = |name: String, value: f64| out.push(Metric { name, value });
    let score = last.overall.score.as_ref();
    push("score.mean".into(), score.map_or(f64::NAN, |s| s.mean));
    push("score.sd".into(), score.map_or(f64::NAN, |s| s.sd));
    push("score.min".into(), score.map_or(f64::NAN, |s| s.min as f64));
    push("score.max".into(), score.map_or(f64::NAN, |s| s.max as f64));
    for (i, (q, _)) in QUANTILES.iter().enumerate() {
        push(format!("score.{q}"), score.map_or(f64::NAN, |s| s.quantiles[i] as f64));
    }
    shares(scenario, &last.overall, "", &mut push);
    // small-cell suppression at its default threshold: a hidden group's
    // metrics are undefined (NaN), as its figures are null in summary.json
    let sup = super::suppress::Suppression::new(scenario, summary, min_cell);
    for (i, (g, slice)) in scenario.groups.iter().zip(&last.by_group).enumerate() {
        let prefix = format!("group.{}.", g.name);
        let hidden = sup.group(i);
        let mut put = |name: String, value: f64| push(name, if hidden { f64::NAN } else { value });
        put(format!("{prefix}score_mean"), slice.score.as_ref().map_or(f64::NAN, |s| s.mean));
        shares(scenario, slice, &prefix, &mut put);
    }
    out
}

/// The names [`metrics`] gives for a run of `scenario`, in the same order,
/// known before running it (a sweep's columns are fixed before its runs).
pub fn metric_names(scenario: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = ["mean", "sd", "min", "max"].iter().map(|s| format!("score.{s}")).collect();
    out.extend(QUANTILES.iter().map(|(q, _)| format!("score.{q}")));
    let share_names = |prefix: &str, out: &mut Vec<String>| {
        // tiers highest first, as in summary.json, steps.csv and the terminal table
        out.extend(scenario.tiers.iter().rev().map(|t| format!("{prefix}tier_share.{}", t.name)));
        out.extend(scenario.perks.iter().map(|p| format!("{prefix}perk_share.{}", p.id)));
        out.extend(scenario.restrictions.iter().map(|r| format!("{prefix}restriction_share.{}", r.id)));
        out.extend(scenario.lists.iter().map(|l| format!("{prefix}list_share.{}", l.id)));
    };
    share_names("", &mut out);
    for g in &scenario.groups {
        let prefix = format!("group.{}.", g.name);
        out.push(format!("{prefix}score_mean"));
        share_names(&prefix, &mut out);
    }
    out
}

/// Tier, perk and restriction shares of one slice, names prefixed by `prefix`.
fn shares(scenario: &Scenario, slice: &Slice, prefix: &str, push: &mut impl FnMut(String, f64)) {
    for (t, &n) in scenario.tiers.iter().zip(&slice.tier_count).rev() {
        push(format!("{prefix}tier_share.{}", t.name), slice.share(n));
    }
    for (p, &n) in scenario.perks.iter().zip(&slice.perk_count) {
        push(format!("{prefix}perk_share.{}", p.id), slice.share(n));
    }
    for (r, &n) in scenario.restrictions.iter().zip(&slice.restriction_count) {
        push(format!("{prefix}restriction_share.{}", r.id), slice.share(n));
    }
    for (l, list) in scenario.lists.iter().enumerate() {
        push(
            format!("{prefix}list_share.{}", list.id),
            slice.share(slice.list_count.get(l).copied().unwrap_or(0)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[scenario]
name = "m"
steps = 10
[score]
start = 10
[[tier]]
name = "high"
min = 10
[[tier]]
name = "low"
min = 0
[population]
size = 100
[[population.group]]
name = "a"
share = 0.25
start = 5
[[population.group]]
name = "b"
share = 0.75
[[perk]]
id = "p"
min_tier = "high"
"#;

    /// Tiers come highest first, as in `summary.json` and `steps.csv`.
    #[test]
    fn tier_shares_are_named_highest_first() {
        let s = crate::scenario::parse(TEXT, "t.toml").unwrap().scenario;
        let tiers: Vec<String> =
            metric_names(&s).into_iter().filter(|n| n.starts_with("tier_share.")).collect();
        let want: Vec<String> = s.tiers.iter().rev().map(|t| format!("tier_share.{}", t.name)).collect();
        assert_eq!(tiers, want);
        assert!(
            s.tiers.len() >= 2 && s.tiers[0].min < s.tiers[1].min,
            "the scenario keeps tiers lowest first"
        );
    }

    #[test]
    fn names_and_values_follow_the_summary() {
        // no rules: every subject keeps its group's start score, so every value is exact
        let s = crate::scenario::parse(TEXT, "m.toml").unwrap().scenario;
        let run = crate::simulate(&s, 1, &|_| {});
        let m = metrics(&s, &run.summary);
        let get = |name: &str| m.iter().find(|x| x.name == name).unwrap_or_else(|| panic!("{name}")).value;
        assert_eq!(get("score.mean"), (25.0 * 5.0 + 75.0 * 10.0) / 100.0);
        assert_eq!(get("score.p10"), 5.0);
        assert_eq!(get("score.p50"), 10.0);
        assert_eq!(get("tier_share.high"), 0.75);
        assert_eq!(get("tier_share.low"), 0.25);
        assert_eq!(get("perk_share.p"), 0.75);
        assert_eq!(get("group.a.score_mean"), 5.0);
        assert_eq!(get("group.a.perk_share.p"), 0.0);
        assert_eq!(get("group.b.tier_share.high"), 1.0);
        let names: Vec<&str> = m.iter().map(|x| x.name.as_str()).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "names are unique");
        assert_eq!(metric_names(&s), names, "names known before the run are the run's");
    }

    #[test]
    fn small_groups_are_suppressed() {
        // 100 subjects, 5% in group `a`: 5 subjects, below the default 10; it
        // and (complementary) `b` are hidden, so every group metric is NaN
        let text = TEXT.replace("share = 0.25", "share = 0.05").replace("share = 0.75", "share = 0.95");
        let s = crate::scenario::parse(&text, "m.toml").unwrap().scenario;
        let run = crate::simulate(&s, 1, &|_| {});
        let m = metrics(&s, &run.summary);
        assert!(m.iter().filter(|x| x.name.starts_with("group.")).all(|x| x.value.is_nan()));
        assert!(m.iter().filter(|x| !x.name.starts_with("group.")).all(|x| !x.value.is_nan()));
    }

    #[test]
    fn list_shares_are_metrics_too() {
        // everyone starts at 5 or 10, below 20: everyone is listed at the end of step 0 for good
        let text = format!("{TEXT}[[list]]\nid = \"low\"\nenter_below = 20\n");
        let s = crate::scenario::parse(&text, "m.toml").unwrap().scenario;
        let run = crate::simulate(&s, 1, &|_| {});
        let m = metrics(&s, &run.summary);
        let get = |name: &str| m.iter().find(|x| x.name == name).unwrap_or_else(|| panic!("{name}")).value;
        assert_eq!(get("list_share.low"), 1.0);
        assert_eq!(get("group.a.list_share.low"), 1.0);
        let names: Vec<&str> = m.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(metric_names(&s), names);
    }
}
