//! The four-fifths standings the `inequality` and `disparity_over_time`
//! charts draw: summary.json's own rule ([`assess_item`]: only groups the
//! item applies to, at least 20 subjects, flagged only when the whole 95%
//! interval is below 0.8), fed from `steps.csv`'s counts. One definition for
//! both charts, the report and summary.json.

use crate::output::fairness::{Assessment, applies, assess_item};
use crate::plot::RunData;

/// One group's standing on one perk or restriction at one snapshot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Standing {
    /// The item does not apply to the group's kind: the group has no ratio.
    NotApplicable,
    /// Empty or suppressed: the group takes no part in the comparison.
    Absent,
    /// Compared with the best-off group: ratio, interval and flag.
    Assessed(Assessment),
}

impl Standing {
    /// The assessment, if the group was compared.
    pub(super) fn assessed(self) -> Option<Assessment> {
        match self {
            Standing::Assessed(a) => Some(a),
            _ => None,
        }
    }
}

/// Every standing at snapshot `step`: one list per perk, then per
/// restriction, each indexed like `Scenario::groups`. Counts are recovered
/// from `steps.csv`'s shares and sizes (`share × n`, rounded: exact, since
/// each share was written as the shortest float that reads back to
/// `count / n`).
pub(super) fn standings(data: &RunData, step: u32) -> Vec<Vec<Standing>> {
    let s = &data.scenario;
    let rows: Vec<_> = data.steps.iter().filter(|r| r.step == step && r.group != "all").collect();
    let row = |g: usize| rows.iter().find(|r| r.group == s.groups[g].name && r.n > 0);
    let items = s.perks.len() + s.restrictions.len();
    (0..items)
        .map(|item| {
            let share = |g: usize| {
                let r = row(g)?;
                let v = if item < s.perks.len() {
                    r.perk_share.get(item)
                } else {
                    r.restriction_share.get(item - s.perks.len())
                };
                Some(((v.copied()? * r.n as f64).round() as u64, r.n))
            };
            assess_item(s, item, share)
                .into_iter()
                .enumerate()
                .map(|(g, a)| match a {
                    Some(a) => Standing::Assessed(a),
                    None if !applies(s, item, g) => Standing::NotApplicable,
                    None => Standing::Absent,
                })
                .collect()
        })
        .collect()
}

/// The last snapshot of `steps.csv` (0 when it has none).
pub(super) fn last_step(data: &RunData) -> u32 {
    data.steps.iter().map(|r| r.step).max().unwrap_or(0)
}

/// The groups the charts flag at the end, per perk and then restriction:
/// `(id, flagged group names)`, the same as summary.json's
/// `disparity.<id>.flagged`.
pub fn four_fifths_flags(data: &RunData) -> Vec<(String, Vec<String>)> {
    let s = &data.scenario;
    let ids = s.perks.iter().map(|p| &p.id).chain(s.restrictions.iter().map(|r| &r.id));
    ids.zip(standings(data, last_step(data)))
        .map(|(id, per_group)| {
            let flagged = per_group
                .iter()
                .zip(&s.groups)
                .filter(|(st, _)| st.assessed().is_some_and(|a| a.flagged))
                .map(|(_, g)| g.name.clone())
                .collect();
            (id.clone(), flagged)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::fairness::FOUR_FIFTHS;
    use crate::plot::StepRow;

    /// Perk `fast_lane`, restriction `no_travel`; groups `urban`, `rural`
    /// and `migrant`, and two kinds, `people` and `firms` (all three groups
    /// are people).
    const TOWN: &str = r#"
[scenario]
name = "t"
steps = 2
step = "month"
[score]
start = 100
[[tier]]
name = "C"
min = 0
[[tier]]
name = "A"
min = 110
[population]
size = 100
[[kind]]
name = "people"
label = "People"
count = 50
[[kind]]
name = "firms"
label = "Firms"
count = 50
[[population.group]]
name = "urban"
kind = "people"
share = 0.4
[[population.group]]
name = "rural"
kind = "people"
share = 0.4
[[population.group]]
name = "migrant"
kind = "people"
share = 0.2
[[population.group]]
name = "firm"
kind = "firms"
share = 1.0
[[rule]]
id = "r"
points = 5
rate = 1.0
[[perk]]
id = "fast_lane"
label = "Fast lane"
min_tier = "A"
[[restriction]]
id = "no_travel"
label = "No travel"
max_tier = "C"
"#;

    /// A folder read back from hand-made `steps.csv` rows: [`TOWN`], one
    /// snapshot, each group's size and perk share.
    fn data(groups: &[(&str, u64, f64)]) -> RunData {
        data_of(TOWN, groups)
    }

    /// [`data`] of another scenario.
    fn data_of(text: &str, groups: &[(&str, u64, f64)]) -> RunData {
        let row = |group: &str, n: u64, share: f64| StepRow {
            step: 2,
            year: 2.0 / 12.0,
            group: group.into(),
            n,
            mean: None,
            sd: None,
            min: None,
            max: None,
            quantiles: vec![],
            tier_count: vec![],
            perk_share: vec![share],
            restriction_share: vec![0.0],
            list_share: vec![],
            disparity: vec![],
            tier_up: None,
            tier_down: None,
        };
        RunData {
            dir: "/nowhere".into(),
            scenario: crate::scenario::parse(text, "t.toml").expect("a valid scenario").scenario,
            seed: 7,
            version: String::new(),
            scenario_sha256: String::new(),
            scenario_file: String::new(),
            reproduce: String::new(),
            summary: serde_json::Value::Null,
            steps: groups.iter().map(|&(g, n, sh)| row(g, n, sh)).collect(),
            histogram: vec![],
            suppressed: vec![],
            min_cell: None,
        }
    }

    /// 35% of 40 rural subjects against 50% of 1,000 urban: a ratio of 0.7,
    /// below 0.8, but its interval reaches past 0.8, so the charts do not
    /// flag it; the same shares in 4,000 rural subjects are flagged.
    #[test]
    fn a_low_ratio_whose_interval_crosses_the_line_is_not_flagged() {
        let small = standings(&data(&[("urban", 1000, 0.5), ("rural", 40, 0.35)]), 2);
        let Standing::Assessed(a) = small[0][1] else { panic!("{:?}", small[0]) };
        assert!((a.ratio - 0.7).abs() < 1e-9 && a.high > FOUR_FIFTHS && !a.flagged, "{a:?}");
        let large = standings(&data(&[("urban", 1000, 0.5), ("rural", 4000, 0.35)]), 2);
        let Standing::Assessed(b) = large[0][1] else { panic!("{:?}", large[0]) };
        assert!(b.high < FOUR_FIFTHS && b.flagged, "{b:?}");
        // the empty group has no row: it takes no part
        assert_eq!(large[0][2], Standing::Absent);
        let flags = four_fifths_flags(&data(&[("urban", 1000, 0.5), ("rural", 4000, 0.35)]));
        assert_eq!(flags[0], ("fast_lane".to_owned(), vec!["rural".to_owned()]));
        assert_eq!(flags[1], ("no_travel".to_owned(), vec![]));
    }

    /// A perk that does not apply to a group's kind gives it no ratio, even
    /// when nobody in it holds the perk; where it applies, the same nobody is flagged.
    #[test]
    fn a_group_the_item_does_not_apply_to_is_not_applicable() {
        let rows = [("urban", 1000, 0.5), ("rural", 1000, 0.0), ("firm", 1000, 0.0)];
        let only_people =
            TOWN.replace("label = \"Fast lane\"", "label = \"Fast lane\"\napplies_to = [\"people\"]");
        let st = standings(&data_of(&only_people, &rows), 2);
        assert_eq!(st[0][3], Standing::NotApplicable);
        assert!(st[0][1].assessed().is_some_and(|a| a.flagged), "{:?}", st[0][1]);
        let everyone = standings(&data(&rows), 2);
        assert!(everyone[0][3].assessed().is_some_and(|a| a.flagged), "{:?}", everyone[0][3]);
    }
}
