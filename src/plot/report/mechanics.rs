//! The mechanics sections of `report.html` (lists, wrongful records and
//! appeals, the breakdown by subject kind, records by category and agency,
//! recovery), formatted from `summary.json`'s `mechanics` object.
//!
//! Every section is `None` or empty when the run has nothing to show for
//! it, so a scenario without the mechanics gets none of them.

use serde::Serialize;
use serde_json::Value;

use super::{HeadRow, SUPPRESSED, Section};
use crate::output::text::{percent, thousands};
use crate::plot::RunData;
use crate::scenario::{Color, Scenario};

/// Every mechanics section of the report.
#[derive(Serialize)]
pub(super) struct Mechanics {
    /// The step unit in the plural (`days`), for times.
    unit: String,
    lists: Option<ListTable>,
    appeals: Option<AppealTable>,
    kinds: Option<KindTable>,
    categories: Vec<EventsRow>,
    agencies: Vec<EventsRow>,
    recovery: Option<Recovery>,
}

impl Mechanics {
    /// Whether any section has something to show.
    pub(super) fn any(&self) -> bool {
        self.lists.is_some()
            || self.appeals.is_some()
            || self.kinds.is_some()
            || !self.categories.is_empty()
            || !self.agencies.is_empty()
            || self.recovery.is_some()
    }
}

/// One row per list, one column per measure.
#[derive(Serialize)]
struct ListTable {
    rows: Vec<ListRow>,
    /// Points added or removed on listing, when any (signed, formatted).
    points_on_listing: Option<String>,
}

/// One list: label, id, colour and its figures, formatted, in the order of
/// the table's columns (on it at the end, ever listed, listings, wrongful
/// listings, inherited listings, wrongly listed at the end, time listed
/// mean, median and 90th percentile).
#[derive(Serialize)]
struct ListRow {
    label: String,
    id: String,
    color: &'static str,
    cells: Vec<String>,
}

/// Per rule with wrongful records: how many, appeals filed and won.
#[derive(Serialize)]
struct AppealTable {
    rows: Vec<AppealRow>,
    /// Points given back by won appeals, when any.
    points_appealed: Option<String>,
}

/// One rule of the appeals table.
#[derive(Serialize)]
struct AppealRow {
    label: String,
    id: String,
    wrongful: String,
    filed: String,
    won: String,
}

/// `mechanics.by_kind`: one column per kind.
#[derive(Serialize)]
struct KindTable {
    columns: Vec<String>,
    subjects: Vec<String>,
    means: Vec<String>,
    sections: Vec<Section>,
    /// Hidden kinds and why: (kind, reason in words).
    hidden: Vec<(String, String)>,
    min_cell: String,
}

/// Events and points of one record category or agency.
#[derive(Serialize)]
struct EventsRow {
    name: String,
    events: String,
    points: String,
}

/// Time to recover after a first negative record.
#[derive(Serialize)]
struct Recovery {
    with_negative: String,
    recovered: String,
    recovered_share: String,
    /// Median and 90th percentile of the steps it took; `None` when nobody recovered.
    p50: Option<String>,
    p90: Option<String>,
    mean: Option<String>,
    /// Other points given back or held back: (what, points).
    points: Vec<(String, String)>,
}

/// The mechanics sections of the report of `data`.
pub(super) fn mechanics(data: &RunData) -> Mechanics {
    let s = &data.scenario;
    let m = &data.summary["mechanics"];
    let unit = format!("{}s", s.step.as_str());
    Mechanics {
        lists: list_table(s, m),
        appeals: appeal_table(s, m),
        kinds: kind_table(data, m),
        categories: events(s, &m["by_category"], |r| r.more.category.as_deref()),
        agencies: events(s, &m["by_agency"], |r| r.more.agency.as_deref()),
        recovery: recovery(m),
        unit,
    }
}

/// A signed whole number with thousands separators: `+1,200`, `-401,390`, `0`.
fn signed(v: i64) -> String {
    let sign = match v.signum() {
        1 => "+",
        -1 => "-",
        _ => "",
    };
    format!("{sign}{}", thousands(v.unsigned_abs()))
}

/// A count from the JSON, with separators (`-` when absent or `null`).
fn count(v: &Value) -> String {
    v.as_u64().map_or("-".into(), thousands)
}

/// A share from the JSON, as a percentage (`-` when absent or `null`).
fn share(v: &Value) -> String {
    v.as_f64().map_or("-".into(), percent)
}

/// `count (share)`.
fn count_share(c: &Value, of: &Value) -> String {
    match (c.as_u64(), of.as_f64()) {
        (Some(c), Some(x)) => format!("{} ({})", thousands(c), percent(x)),
        _ => count(c),
    }
}

fn list_table(s: &Scenario, m: &Value) -> Option<ListTable> {
    let lists = m["lists"].as_object()?;
    let present: Vec<_> = s.lists.iter().filter(|l| lists.contains_key(&l.id)).collect();
    if present.is_empty() {
        return None;
    }
    let time = |v: &Value, key: &str| {
        let x = &v["steps_listed"][key];
        if key == "mean" { x.as_f64().map_or("-".into(), crate::output::text::one_decimal) } else { count(x) }
    };
    let rows = present
        .iter()
        .map(|l| {
            let v = &m["lists"][&l.id];
            ListRow {
                label: l.label.clone(),
                id: l.id.clone(),
                color: match l.color {
                    Color::Black => "blacklist",
                    Color::Red => "redlist",
                },
                cells: vec![
                    count_share(&v["listed_at_end"], &v["share_at_end"]),
                    count_share(&v["ever_listed"], &v["ever_listed_share"]),
                    count(&v["listings"]),
                    count(&v["wrongful_listings"]),
                    count(&v["inherited_listings"]),
                    count(&v["wrongly_listed_at_end"]),
                    time(v, "mean"),
                    time(v, "p50"),
                    time(v, "p90"),
                ],
            }
        })
        .collect();
    let on_listing = m["points_on_listing"].as_i64().unwrap_or(0);
    Some(ListTable { rows, points_on_listing: (on_listing != 0).then(|| signed(on_listing)) })
}

fn appeal_table(s: &Scenario, m: &Value) -> Option<AppealTable> {
    let appeals = m["appeals"].as_object()?;
    let rows: Vec<AppealRow> = s
        .rules
        .iter()
        .filter_map(|r| {
            let a = appeals.get(&r.id)?;
            let of = |n: &Value, d: &Value| match (n.as_u64(), d.as_u64()) {
                (Some(n), Some(d)) if d > 0 => format!("{} ({})", thousands(n), percent(n as f64 / d as f64)),
                _ => count(n),
            };
            Some(AppealRow {
                label: r.label.clone(),
                id: r.id.clone(),
                wrongful: count(&a["wrongful_records"]),
                filed: of(&a["appeals_filed"], &a["wrongful_records"]),
                won: of(&a["appeals_won"], &a["appeals_filed"]),
            })
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let back = m["points_appealed"].as_i64().unwrap_or(0);
    Some(AppealTable { rows, points_appealed: (back != 0).then(|| signed(back)) })
}

/// A row of a breakdown: (label, id).
type Item<'a> = (&'a str, &'a str);

/// The kind breakdown, when the scenario declares kinds.
fn kind_table(data: &RunData, m: &Value) -> Option<KindTable> {
    let s = &data.scenario;
    let by_kind = m["by_kind"].as_object()?;
    if s.kinds.len() == 1 && s.kinds[0].name == "all" {
        return None;
    }
    let kinds: Vec<(&str, &Value)> =
        s.kinds.iter().filter_map(|k| by_kind.get(&k.name).map(|v| (k.name.as_str(), v))).collect();
    if kinds.is_empty() {
        return None;
    }
    let hidden = |v: &Value| v["suppressed"].as_bool() == Some(true);
    let cells = |f: &dyn Fn(&Value) -> String| -> Vec<String> {
        kinds
            .iter()
            .map(|(_, v)| {
                if hidden(v) {
                    SUPPRESSED.into()
                } else if v["size"].as_u64() == Some(0) {
                    "-".into()
                } else {
                    f(v)
                }
            })
            .collect()
    };
    let rows = |key: &str, items: Vec<(&str, &str)>| -> Vec<HeadRow> {
        items
            .into_iter()
            .map(|(label, id)| HeadRow {
                label: label.to_owned(),
                id: id.to_owned(),
                cells: cells(&|v| share(&v[key][id])),
            })
            .collect()
    };
    let mut sections = vec![Section {
        title: "Tier",
        rows: rows("tier_share", s.tiers.iter().rev().map(|t| (t.label.as_str(), t.name.as_str())).collect()),
    }];
    let blocks: [(&'static str, &str, Vec<Item>); 3] = [
        ("Perk access", "perk_share", s.perks.iter().map(|p| (p.label.as_str(), p.id.as_str())).collect()),
        (
            "Under restriction",
            "restriction_share",
            s.restrictions.iter().map(|r| (r.label.as_str(), r.id.as_str())).collect(),
        ),
        ("On list", "list_share", s.lists.iter().map(|l| (l.label.as_str(), l.id.as_str())).collect()),
    ];
    for (title, key, items) in blocks {
        if !items.is_empty() {
            sections.push(Section { title, rows: rows(key, items) });
        }
    }
    let reasons = data.summary["suppression"]["kinds"].as_object();
    let min_cell = data.summary["suppression"]["min_cell"].as_u64().map_or("?".into(), |k| k.to_string());
    let hidden_kinds = kinds
        .iter()
        .filter(|(_, v)| hidden(v))
        .map(|(name, _)| {
            let why = match reasons.and_then(|r| r.get(*name)).and_then(Value::as_str) {
                Some("primary") => format!("fewer than {min_cell} subjects"),
                Some("complementary") => "hidden so that no hidden kind or group can be worked out by \
                                          subtracting the published figures from the totals"
                    .to_owned(),
                _ => "hidden by small-cell suppression".to_owned(),
            };
            ((*name).to_owned(), why)
        })
        .collect();
    Some(KindTable {
        columns: kinds.iter().map(|(k, _)| (*k).to_owned()).collect(),
        subjects: cells(&|v| count(&v["size"])),
        means: cells(&|v| v["score_mean"].as_f64().map_or("-".into(), crate::output::text::one_decimal)),
        sections,
        hidden: hidden_kinds,
        min_cell,
    })
}

/// `by_category` or `by_agency`, in the order the rules first name them.
fn events<'a>(
    s: &'a Scenario,
    v: &Value,
    key: impl Fn(&'a crate::scenario::Rule) -> Option<&'a str>,
) -> Vec<EventsRow> {
    let mut names: Vec<&str> = vec![];
    for name in s.rules.iter().filter_map(key) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
        .into_iter()
        .filter_map(|name| {
            let e = v.get(name)?;
            Some(EventsRow {
                name: name.to_owned(),
                events: count(&e["events"]),
                points: e["points_applied"].as_i64().map_or("-".into(), signed),
            })
        })
        .collect()
}

fn recovery(m: &Value) -> Option<Recovery> {
    let r = &m["recovery_time"];
    let with = r["subjects_with_negative_record"].as_u64()?;
    let mut points = vec![];
    if let Some(p) = m["points_expired"].as_i64().filter(|p| *p != 0) {
        points.push(("Points given back by the expiry of negative records".to_owned(), signed(p)));
    }
    if let Some(p) = m["repair_points_withheld"].as_i64().filter(|p| *p != 0) {
        let what = "Repair points not applied (over the yearly cap or above the start score)";
        points.push((what.to_owned(), thousands(p.unsigned_abs())));
    }
    if with == 0 && points.is_empty() {
        return None;
    }
    let t = &r["steps_to_recover"];
    Some(Recovery {
        with_negative: thousands(with),
        recovered: count(&r["recovered"]),
        recovered_share: share(&r["recovered_share"]),
        p50: t["p50"].as_u64().map(thousands),
        p90: t["p90"].as_u64().map(thousands),
        mean: t["mean"].as_f64().map(crate::output::text::one_decimal),
        points,
    })
}

/// The "On list" block of the headline table: share on each list at the
/// end, one cell per column (`None`: a suppressed group). Absent when the
/// scenario has no lists or the file has no `list.<id>` columns.
pub(super) fn on_list_section(
    s: &Scenario,
    cols: &[(String, Option<&crate::plot::StepRow>)],
) -> Option<Section> {
    if s.lists.is_empty() || cols.iter().flat_map(|(_, r)| r).any(|r| r.list_share.len() != s.lists.len()) {
        return None;
    }
    let rows = s
        .lists
        .iter()
        .enumerate()
        .map(|(k, l)| HeadRow {
            label: l.label.clone(),
            id: l.id.clone(),
            cells: cols
                .iter()
                .map(|(_, r)| match r {
                    None => SUPPRESSED.to_owned(),
                    Some(r) if r.n == 0 => "-".to_owned(),
                    Some(r) => percent(r.list_share[k]),
                })
                .collect(),
        })
        .collect();
    Some(Section { title: "On list", rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_numbers() {
        assert_eq!(signed(0), "0");
        assert_eq!(signed(1200), "+1,200");
        assert_eq!(signed(-401_390), "-401,390");
        assert_eq!(signed(i64::MIN), "-9,223,372,036,854,775,808");
    }
}
