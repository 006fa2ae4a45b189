//! The four-fifths ratios the page shows, base and reform, by the rule of
//! summary.json ([`pointsim::output::fairness::assess`]): computed here,
//! never in the page's script.
//!
//! A comparison pools its `K` replicates, so its counts are subject-replicates;
//! the rule is about one population, so each group's count is the mean of
//! its replicates (rounded) out of the group's size. With one replicate the
//! base's ratios are exactly those of `pointsim run BASE --seed SEED`'s
//! summary.json (SEED: compare.json's `seeds[0]`).

use pointsim::output::fairness::{FOUR_FIFTHS, MIN_FLAG_SUBJECTS, applies, assess};
use pointsim::results::comparison::Comparison;
use pointsim::scenario::Scenario;
use serde_json::{Value, json};

/// `{ "rule": {...}, "items": [{ "kind", "id", "by_group": [{ "group",
/// "base", "reform" }], "not_applicable": { "base", "reform" } }] }`, where
/// `base` and `reform` are `{ "ratio", "low", "high", "flagged" }` or `null`
/// (the item is not in that scenario, or does not apply to the group's
/// kind). Only the scenario's groups are compared (not `all`); a scenario
/// without groups has no items.
pub fn fairness(c: &Comparison, base: &Scenario, reform: &Scenario) -> Value {
    let k = c.replicates().max(1) as u64;
    // the shown groups with their place in the scenario (hidden ones are not in `c.groups`)
    let groups: Vec<(usize, usize, &str)> = if c.groups.len() > 1 {
        c.groups
            .iter()
            .enumerate()
            .skip(1)
            .filter(|&(row, _)| c.group_sizes[row] > 0)
            .filter_map(|(row, name)| {
                base.groups.iter().position(|g| g.name == *name).map(|g| (row, g, name.as_str()))
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut items = Vec::new();
    for h in c.holdings.iter().filter(|_| groups.len() > 1) {
        let restriction = h.kind == "restriction";
        // the item's index in a scenario's perks-then-restrictions, if it has it
        let index = |s: &Scenario| {
            if restriction {
                s.restrictions.iter().position(|r| r.id == h.id).map(|i| s.perks.len() + i)
            } else {
                s.perks.iter().position(|p| p.id == h.id)
            }
        };
        let side = |s: &Scenario, held: &dyn Fn(&pointsim::results::comparison::Holding) -> u64| {
            let item = index(s);
            let counts: Vec<Option<(u64, u64)>> = groups
                .iter()
                .map(|&(row, g, _)| {
                    if !item.is_some_and(|i| applies(s, i, g)) {
                        return None;
                    }
                    let x = &h.by_group[row];
                    // the mean over the replicates, rounded, of one population's count
                    Some(((held(x) + k / 2) / k, x.n / k))
                })
                .collect();
            let na: Vec<&str> = match item {
                Some(i) => {
                    groups.iter().filter(|&&(_, g, _)| !applies(s, i, g)).map(|&(_, _, n)| n).collect()
                }
                None => Vec::new(),
            };
            (assess(&counts, restriction), na)
        };
        let (b, na_b) = side(base, &|x| x.both + x.lost);
        let (r, na_r) = side(reform, &|x| x.both + x.gained);
        let one = |a: &Option<pointsim::output::fairness::Assessment>| match a {
            Some(a) => json!({ "ratio": a.ratio, "low": a.low, "high": a.high, "flagged": a.flagged }),
            None => Value::Null,
        };
        let by_group: Vec<Value> = groups
            .iter()
            .zip(b.iter().zip(&r))
            .map(|(&(_, _, name), (b, r))| json!({ "group": name, "base": one(b), "reform": one(r) }))
            .collect();
        items.push(json!({
            "kind": h.kind,
            "id": h.id,
            "by_group": by_group,
            "not_applicable": { "base": na_b, "reform": na_r },
        }));
    }
    json!({
        "rule": { "threshold": FOUR_FIFTHS, "min_subjects": MIN_FLAG_SUBJECTS, "level": 0.95 },
        "items": items,
    })
}
