//! The `mechanics` part of `summary.json`: subject kinds, lists (who is
//! listed, for how long, wrongly, by inheritance), appeals, record categories
//! and agencies, expiry and repair, and the time to recover after a first
//! negative record. Present only when the scenario uses those mechanics.
//!
//! Small-cell suppression applies to the kind and group breakdowns: a hidden
//! kind or group keeps its keys, with `suppressed: true` and `null` figures.

use serde::Serialize;

use super::Ordered;
use crate::results::suppress::Suppression;
use crate::scenario::{Color, Scenario};
use crate::stats::{MechTotals, Slice, Summary};

/// The `mechanics` document, or `None` when the scenario uses none of them.
pub(crate) fn mechanics<'a>(s: &'a Scenario, sum: &Summary, sup: &Suppression) -> Option<MechanicsDoc<'a>> {
    let categories = totals_by(s, sum, |r| r.more.category.as_deref());
    let agencies = totals_by(s, sum, |r| r.more.agency.as_deref());
    let kinds_declared = !(s.kinds.len() == 1 && s.kinds[0].name == "all");
    if sum.mech.is_none() && categories.0.is_empty() && agencies.0.is_empty() && !kinds_declared {
        return None;
    }
    let last = sum.final_snapshot();
    let by_kind = s
        .kinds
        .iter()
        .enumerate()
        .map(|(k, kind)| {
            let members: Vec<&Slice> =
                s.groups.iter().zip(&last.by_group).filter(|(g, _)| g.kind == k).map(|(_, sl)| sl).collect();
            (kind.name.as_str(), kind_doc(s, &members, sup.kind(k)))
        })
        .collect();
    let m = sum.mech.as_ref();
    Some(MechanicsDoc {
        by_kind: Ordered(by_kind),
        by_category: categories,
        by_agency: agencies,
        lists: Ordered(
            s.lists
                .iter()
                .enumerate()
                .map(|(l, list)| (list.id.as_str(), list_doc(s, sum, m, l, list.color, sup)))
                .collect(),
        ),
        appeals: Ordered(
            s.rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.more.error_rate > 0.0)
                .map(|(i, r)| {
                    let get = |v: Option<&Vec<u64>>| v.map_or(0, |v| v[i]);
                    let doc = AppealDoc {
                        wrongful_records: get(m.map(|m| &m.wrongful)),
                        appeals_filed: get(m.map(|m| &m.appeals_filed)),
                        appeals_won: get(m.map(|m| &m.appeals_won)),
                    };
                    (r.id.as_str(), doc)
                })
                .collect(),
        ),
        points_expired: m.map_or(0, |m| m.points_expired),
        points_appealed: m.map_or(0, |m| m.points_appealed),
        points_on_listing: m.map_or(0, |m| m.points_listing),
        repair_points_withheld: m.map_or(0, |m| m.repair_withheld),
        recovery_time: m.map(|m| recovery_doc(s, m)),
    })
}

/// Events and points summed over rules by a key (category or agency).
fn totals_by<'a>(
    s: &'a Scenario,
    sum: &Summary,
    key: impl Fn(&'a crate::scenario::Rule) -> Option<&'a str>,
) -> Ordered<'a, EventsDoc> {
    let mut out: Vec<(&str, EventsDoc)> = Vec::new();
    for (r, t) in s.rules.iter().zip(&sum.rules) {
        let Some(k) = key(r) else { continue };
        let i = match out.iter().position(|(name, _)| *name == k) {
            Some(i) => i,
            None => {
                out.push((k, EventsDoc { events: 0, points_applied: 0 }));
                out.len() - 1
            }
        };
        out[i].1.events += t.events;
        out[i].1.points_applied = out[i].1.points_applied.saturating_add(t.points_applied);
    }
    Ordered(out)
}

fn kind_doc<'a>(s: &'a Scenario, members: &[&Slice], hidden: bool) -> KindDoc<'a> {
    if hidden {
        let none = |ids: Vec<&'a str>| Ordered(ids.into_iter().map(|id| (id, None)).collect());
        return KindDoc {
            suppressed: true,
            size: None,
            score_mean: None,
            tier_share: none(s.tiers.iter().rev().map(|t| t.name.as_str()).collect()),
            perk_share: none(s.perks.iter().map(|p| p.id.as_str()).collect()),
            restriction_share: none(s.restrictions.iter().map(|r| r.id.as_str()).collect()),
            list_share: none(s.lists.iter().map(|l| l.id.as_str()).collect()),
        };
    }
    let n: u64 = members.iter().map(|sl| sl.n).sum();
    let total: f64 = members.iter().filter_map(|sl| sl.score.as_ref().map(|st| st.mean * sl.n as f64)).sum();
    let share = |c: u64| Some(if n == 0 { 0.0 } else { c as f64 / n as f64 });
    let sum_of = |f: &dyn Fn(&Slice) -> &Vec<u64>, i: usize| {
        members.iter().map(|sl| f(sl).get(i).copied().unwrap_or(0)).sum::<u64>()
    };
    KindDoc {
        suppressed: false,
        size: Some(n),
        score_mean: (n > 0).then(|| total / n as f64),
        tier_share: Ordered(
            s.tiers
                .iter()
                .enumerate()
                .rev()
                .map(|(k, t)| (t.name.as_str(), share(sum_of(&|sl| &sl.tier_count, k))))
                .collect(),
        ),
        perk_share: Ordered(
            s.perks
                .iter()
                .enumerate()
                .map(|(k, p)| (p.id.as_str(), share(sum_of(&|sl| &sl.perk_count, k))))
                .collect(),
        ),
        restriction_share: Ordered(
            s.restrictions
                .iter()
                .enumerate()
                .map(|(k, r)| (r.id.as_str(), share(sum_of(&|sl| &sl.restriction_count, k))))
                .collect(),
        ),
        list_share: Ordered(
            s.lists
                .iter()
                .enumerate()
                .map(|(k, l)| (l.id.as_str(), share(sum_of(&|sl| &sl.list_count, k))))
                .collect(),
        ),
    }
}

fn list_doc<'a>(
    s: &'a Scenario,
    sum: &Summary,
    m: Option<&MechTotals>,
    l: usize,
    color: Color,
    sup: &Suppression,
) -> ListDoc<'a> {
    let last = sum.final_snapshot();
    let n_lists = s.lists.len();
    let cell = |v: Option<&Vec<u64>>, g: usize| v.map_or(0, |v| v[g * n_lists + l]);
    let total = |v: Option<&Vec<u64>>| (0..s.groups.len()).map(|g| cell(v, g)).sum::<u64>();
    let population = last.overall.n;
    let frac = |c: u64, n: u64| if n == 0 { 0.0 } else { c as f64 / n as f64 };
    let ever = total(m.map(|m| &m.ever_listed));
    let by_group = s
        .groups
        .iter()
        .enumerate()
        .map(|(g, grp)| {
            let sl = &last.by_group[g];
            let listed = sl.list_count.get(l).copied().unwrap_or(0);
            let ever_g = cell(m.map(|m| &m.ever_listed), g);
            let shown = !sup.group(g);
            (
                grp.name.as_str(),
                GroupListDoc {
                    suppressed: !shown,
                    listed_at_end: shown.then_some(listed),
                    share_at_end: shown.then(|| frac(listed, sl.n)),
                    ever_listed_share: shown.then(|| frac(ever_g, sl.n)),
                },
            )
        })
        .collect();
    let time = m.map(|m| &m.time_listed[l]);
    ListDoc {
        color: match color {
            Color::Black => "black",
            Color::Red => "red",
        },
        listed_at_end: last.overall.list_count.get(l).copied().unwrap_or(0),
        share_at_end: frac(last.overall.list_count.get(l).copied().unwrap_or(0), population),
        ever_listed: ever,
        ever_listed_share: frac(ever, population),
        listings: total(m.map(|m| &m.listings)),
        wrongful_listings: total(m.map(|m| &m.wrongful_listings)),
        inherited_listings: total(m.map(|m| &m.inherited_listings)),
        wrongly_listed_at_end: total(m.map(|m| &m.wrongly_listed_at_end)),
        steps_listed: time.and_then(|h| steps_doc(h)),
        by_group: Ordered(by_group),
    }
}

/// Mean and quantiles of a histogram over steps (index = steps).
fn steps_doc(h: &[u64]) -> Option<StepsDoc> {
    let n: u64 = h.iter().sum();
    if n == 0 {
        return None;
    }
    let mean = h.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum::<f64>() / n as f64;
    let q = |per_mille: u64| {
        let need = (per_mille * n).div_ceil(1000).max(1);
        let mut seen = 0;
        for (i, &c) in h.iter().enumerate() {
            seen += c;
            if seen >= need {
                return i as u64;
            }
        }
        h.len() as u64 - 1
    };
    Some(StepsDoc { subjects: n, mean, p50: q(500), p90: q(900), max: q(1000) })
}

fn recovery_doc(s: &Scenario, m: &MechTotals) -> RecoveryTimeDoc {
    let with: u64 = m.with_negative.iter().sum();
    let rec: u64 = m.recovered.iter().sum();
    let _ = s;
    RecoveryTimeDoc {
        subjects_with_negative_record: with,
        recovered: rec,
        recovered_share: if with == 0 { 0.0 } else { rec as f64 / with as f64 },
        steps_to_recover: steps_doc(&m.recovery_steps),
    }
}

/// `mechanics` in `summary.json`.
#[derive(Serialize)]
pub(crate) struct MechanicsDoc<'a> {
    by_kind: Ordered<'a, KindDoc<'a>>,
    by_category: Ordered<'a, EventsDoc>,
    by_agency: Ordered<'a, EventsDoc>,
    lists: Ordered<'a, ListDoc<'a>>,
    appeals: Ordered<'a, AppealDoc>,
    points_expired: i64,
    points_appealed: i64,
    points_on_listing: i64,
    repair_points_withheld: i64,
    recovery_time: Option<RecoveryTimeDoc>,
}

#[derive(Serialize)]
struct KindDoc<'a> {
    size: Option<u64>,
    score_mean: Option<f64>,
    tier_share: Ordered<'a, Option<f64>>,
    perk_share: Ordered<'a, Option<f64>>,
    restriction_share: Ordered<'a, Option<f64>>,
    list_share: Ordered<'a, Option<f64>>,
    suppressed: bool,
}

#[derive(Serialize)]
struct EventsDoc {
    events: u64,
    points_applied: i64,
}

#[derive(Serialize)]
struct ListDoc<'a> {
    color: &'static str,
    listed_at_end: u64,
    share_at_end: f64,
    ever_listed: u64,
    ever_listed_share: f64,
    listings: u64,
    wrongful_listings: u64,
    inherited_listings: u64,
    wrongly_listed_at_end: u64,
    steps_listed: Option<StepsDoc>,
    by_group: Ordered<'a, GroupListDoc>,
}

#[derive(Serialize)]
struct GroupListDoc {
    listed_at_end: Option<u64>,
    share_at_end: Option<f64>,
    ever_listed_share: Option<f64>,
    suppressed: bool,
}

#[derive(Serialize)]
struct StepsDoc {
    subjects: u64,
    mean: f64,
    p50: u64,
    p90: u64,
    max: u64,
}

#[derive(Serialize)]
struct AppealDoc {
    wrongful_records: u64,
    appeals_filed: u64,
    appeals_won: u64,
}

#[derive(Serialize)]
struct RecoveryTimeDoc {
    subjects_with_negative_record: u64,
    recovered: u64,
    recovered_share: f64,
    steps_to_recover: Option<StepsDoc>,
}
