//! `summary.json`: the final state of a run, in the shape DESIGN.md fixes as a contract.

use serde::Serialize;

use super::fairness::{applies, assess_item, start_tiers};
use super::{Ordered, tiers_high_first, to_pretty_json};
use crate::results::suppress::{Reason, Suppression};
use crate::scenario::{Provenance, Scenario};
use crate::stats::{QUANTILES, ScoreStats, Slice, Summary};

/// The run summary as pretty-printed JSON (with a trailing newline).
///
/// Contract keys (never renamed): `scenario`, `seed`, `population`, `steps`,
/// `final.score{mean,sd,min,max,quantiles}`, `final.tier_share`,
/// `final.perk_share`, `final.by_group.<name>{size,score_mean,tier_share,perk_share}`.
/// Additions: `pointsim_version`, `step` (the step unit), `final.tier_count`,
/// `final.restriction_share`, `by_group.<name>.{score,tier_count,restriction_share,
/// suppressed}`, `rules.<id>{events,events_per_subject_year,points_applied,points_clamped}`,
/// `recovery{points_restored,points_drifted}`, `coverage{rules_never_fired,
/// tiers_never_reached, perks_never_held, restrictions_never_imposed,
/// points_clamped}`, `disparity.<perk or restriction id>{ratio.<group>,
/// flagged}` (four-fifths ratios), `mobility.<start tier>.<end tier>`
/// (subject counts), `assumptions` (every
/// scenario item marked `assumed = true`, as `tier.<name>`, `group.<name>`,
/// `rule.<id>`, `perk.<id>` or `restriction.<id>`) and `suppression{min_cell,
/// rule, groups.<name>, mobility_rows}` (small-cell suppression).
///
/// Tier maps list the highest tier first; groups, rules, perks and
/// restrictions keep file order. Shares are fractions in `[0, 1]`; an empty
/// group has `score_mean: null`, `score: null` and shares of 0.
///
/// A group hidden by small-cell suppression (see [`results::suppress`](crate::results::suppress), with
/// threshold `min_cell`; 0 hides nothing) keeps every key, with
/// `suppressed: true` and every figure `null` (size, scores, counts, shares,
/// its disparity ratios); it is left out of the disparity comparison, and
/// `suppression.groups.<name>` says why it is hidden (`primary` or
/// `complementary`). Mobility rows that would single out hidden groups have
/// `null` counts and are listed in `suppression.mobility_rows`.
pub fn summary_json(s: &Scenario, seed: u64, sum: &Summary, min_cell: u32) -> Vec<u8> {
    let sup = Suppression::new(s, sum, min_cell);
    let last = sum.final_snapshot();
    let population: u64 = sum.group_sizes.iter().sum();
    // events / (population × steps / steps_per_year), ordered to keep round numbers round
    let subject_steps = population as f64 * f64::from(s.steps);
    let steps_per_year = f64::from(s.step.steps_per_year());
    let by_group = s
        .groups
        .iter()
        .zip(&last.by_group)
        .zip(&sum.group_sizes)
        .enumerate()
        .map(|(g, ((group, slice), &size))| {
            let doc = if sup.group(g) {
                GroupDoc {
                    size: None,
                    score_mean: None,
                    score: None,
                    shares: Shares::hidden(s),
                    suppressed: true,
                }
            } else {
                GroupDoc {
                    size: Some(size),
                    score_mean: slice.score.as_ref().map(|st| st.mean),
                    score: slice.score.as_ref().map(score_doc),
                    shares: Shares::new(s, slice),
                    suppressed: false,
                }
            };
            (group.name.as_str(), doc)
        })
        .collect();
    let rules = s
        .rules
        .iter()
        .zip(&sum.rules)
        .map(|(r, t)| {
            let per_year =
                if subject_steps > 0.0 { t.events as f64 * steps_per_year / subject_steps } else { 0.0 };
            let doc = RuleDoc {
                events: t.events,
                events_per_subject_year: per_year,
                points_applied: t.points_applied,
                points_clamped: t.points_clamped,
                cap: r.max_per_year.map(|max| CapDoc {
                    max_per_year: max,
                    reached: t.cap_reached,
                    events_withheld_expected: t.events_withheld(),
                    // `+ 0.0`: no events withheld is 0, not the -0.0 of 0 × negative points
                    points_withheld_expected: t.events_withheld() * r.points as f64 + 0.0,
                }),
            };
            (r.id.as_str(), doc)
        })
        .collect();
    let doc = SummaryDoc {
        pointsim_version: env!("CARGO_PKG_VERSION"),
        scenario: &s.name,
        seed,
        population,
        steps: s.steps,
        step: s.step.as_str(),
        fin: FinalDoc {
            score: last.overall.score.as_ref().map(score_doc),
            shares: Shares::new(s, &last.overall),
            by_group: Ordered(by_group),
        },
        rules: Ordered(rules),
        recovery: RecoveryDoc { points_restored: sum.points_restored, points_drifted: sum.points_drifted },
        assumptions: assumptions(s),
        coverage: coverage(s, sum),
        disparity: disparity(s, sum, &sup),
        mobility: mobility(s, sum, &sup),
        suppression: suppression(s, &sup),
        mechanics: super::mechanics_json::mechanics(s, sum, &sup),
        changes: s
            .changes
            .iter()
            .map(|c| ChangeDoc {
                label: &c.label,
                at: c.at,
                set: &c.set,
                source: c.provenance.source.as_deref(),
                assumed: c.provenance.assumed,
            })
            .collect(),
    };
    to_pretty_json(&doc)
}

/// Four-fifths ratios per perk and restriction at the end (see
/// [`four_fifths`] for the convention), each with its 95% interval, and the
/// groups flagged by [`assess_item`](super::fairness::assess_item)'s rule: at least
/// [`MIN_FLAG_SUBJECTS`](super::fairness::MIN_FLAG_SUBJECTS) subjects in the
/// group and the one it is compared with, and the whole interval below 0.8.
/// Only groups of a kind the perk or restriction applies to are compared
/// (the others are listed in `not_applicable`). Empty groups are left out;
/// suppressed groups have a `null` ratio and take no part in the comparison.
fn disparity<'a>(s: &'a Scenario, sum: &Summary, sup: &Suppression) -> Ordered<'a, DisparityDoc<'a>> {
    let last = sum.final_snapshot();
    let groups: Vec<(usize, &str, Option<&Slice>)> = s
        .groups
        .iter()
        .zip(&last.by_group)
        .enumerate()
        .filter(|(g, (_, sl))| sl.n > 0 || sup.group(*g))
        .map(|(g, (group, sl))| (g, group.name.as_str(), (!sup.group(g)).then_some(sl)))
        .collect();
    let entry = |item: usize, count: &dyn Fn(&Slice) -> u64| {
        let by_group =
            assess_item(s, item, |g| groups.iter().find(|x| x.0 == g)?.2.map(|sl| (count(sl), sl.n)));
        let assessed: Vec<_> = groups.iter().map(|&(g, _, _)| by_group[g]).collect();
        let names = || groups.iter().map(|&(_, name, _)| name);
        DisparityDoc {
            ratio: Ordered(names().zip(assessed.iter().map(|a| a.map(|a| a.ratio))).collect()),
            interval: Ordered(names().zip(assessed.iter().map(|a| a.map(|a| [a.low, a.high]))).collect()),
            flagged: names()
                .zip(&assessed)
                .filter(|(_, a)| a.is_some_and(|a| a.flagged))
                .map(|(g, _)| g)
                .collect(),
            not_applicable: groups
                .iter()
                .filter(|&&(g, _, _)| !applies(s, item, g))
                .map(|&(_, name, _)| name)
                .collect(),
        }
    };
    let mut out = vec![];
    for (k, p) in s.perks.iter().enumerate() {
        out.push((p.id.as_str(), entry(k, &|sl: &Slice| sl.perk_count[k])));
    }
    for (k, r) in s.restrictions.iter().enumerate() {
        out.push((r.id.as_str(), entry(s.perks.len() + k, &|sl: &Slice| sl.restriction_count[k])));
    }
    Ordered(out)
}

/// Tier mobility: subjects by tier at the start (rows) and at the end
/// (columns), highest tiers first. Exact, because every subject of a group
/// starts at the group's start score, hence in the same tier. A row hidden
/// by suppression has `null` counts.
fn mobility<'a>(s: &'a Scenario, sum: &Summary, sup: &Suppression) -> Ordered<'a, Ordered<'a, Option<u64>>> {
    let counts = mobility_counts(s, sum);
    Ordered(
        tiers_high_first(s)
            .map(|from| {
                let row = tiers_high_first(s)
                    .map(|to| {
                        (s.tiers[to].name.as_str(), (!sup.mobility_rows[from]).then_some(counts[from][to]))
                    })
                    .collect();
                (s.tiers[from].name.as_str(), Ordered(row))
            })
            .collect(),
    )
}

/// Final subjects by `[start tier][end tier]`, tiers indexed like `Scenario::tiers`.
pub(super) fn mobility_counts(s: &Scenario, sum: &Summary) -> Vec<Vec<u64>> {
    let last = sum.final_snapshot();
    let mut counts = vec![vec![0u64; s.tiers.len()]; s.tiers.len()];
    for (from, sl) in start_tiers(s).into_iter().zip(&last.by_group) {
        for (to, &c) in sl.tier_count.iter().enumerate() {
            counts[from][to] += c;
        }
    }
    counts
}

/// `suppression`: the threshold, the rule in words, and what it hid.
fn suppression<'a>(s: &'a Scenario, sup: &Suppression) -> SuppressionDoc<'a> {
    let rule = if sup.min_cell <= 1 {
        "off: every group is published".to_owned()
    } else {
        format!(
            "a group with 1 to {} subjects is hidden (primary); then, while the hidden groups are a single \
             group or hold fewer than {} subjects together, the smallest published non-empty group is \
             hidden too (complementary), so that subtracting the published groups from the published \
             total recovers no hidden group on its own; a hidden group keeps its keys with null values",
            sup.min_cell - 1,
            sup.min_cell
        )
    };
    SuppressionDoc {
        min_cell: sup.min_cell,
        rule,
        groups: Ordered(
            s.groups.iter().zip(&sup.groups).filter_map(|(g, r)| r.map(|r| (g.name.as_str(), r))).collect(),
        ),
        mobility_rows: tiers_high_first(s)
            .filter(|&t| sup.mobility_rows[t])
            .map(|t| s.tiers[t].name.as_str())
            .collect(),
        kinds: Ordered(
            s.kinds.iter().zip(&sup.kinds).filter_map(|(k, r)| r.map(|r| (k.name.as_str(), r))).collect(),
        ),
    }
}

/// Parts of the scenario the run never exercised, and points lost to the clamp.
///
/// Tiers, perks and restrictions are checked at every snapshot (every
/// `report.snapshot_every` steps), for everyone.
fn coverage<'a>(s: &'a Scenario, sum: &Summary) -> CoverageDoc<'a> {
    let held = |count: &dyn Fn(&Slice) -> u64| sum.snapshots.iter().any(|snap| count(&snap.overall) > 0);
    CoverageDoc {
        rules_never_fired: s
            .rules
            .iter()
            .zip(&sum.rules)
            .filter(|(_, t)| t.events == 0)
            .map(|(r, _)| r.id.as_str())
            .collect(),
        tiers_never_reached: tiers_high_first(s)
            .filter(|&k| !held(&|sl: &Slice| sl.tier_count[k]))
            .map(|k| s.tiers[k].name.as_str())
            .collect(),
        perks_never_held: (0..s.perks.len())
            .filter(|&k| !held(&|sl: &Slice| sl.perk_count[k]))
            .map(|k| s.perks[k].id.as_str())
            .collect(),
        restrictions_never_imposed: (0..s.restrictions.len())
            .filter(|&k| !held(&|sl: &Slice| sl.restriction_count[k]))
            .map(|k| s.restrictions[k].id.as_str())
            .collect(),
        points_clamped: sum.rules.iter().map(|t| t.points_clamped).sum(),
        points_withheld_by_caps_expected: s.rules.iter().any(|r| r.max_per_year.is_some()).then(|| {
            s.rules
                .iter()
                .zip(&sum.rules)
                .map(|(r, t)| t.events_withheld() * r.points.unsigned_abs() as f64)
                .sum()
        }),
    }
}

/// Scenario items marked `assumed = true`, tiers highest first, then groups,
/// rules, perks and restrictions in file order.
fn assumptions(s: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |kind: &str, name: &str, p: &Provenance| {
        if p.assumed {
            out.push(format!("{kind}.{name}"));
        }
    };
    for t in tiers_high_first(s).map(|k| &s.tiers[k]) {
        push("tier", &t.name, &t.provenance);
    }
    for g in &s.groups {
        push("group", &g.name, &g.provenance);
    }
    for r in &s.rules {
        push("rule", &r.id, &r.provenance);
    }
    for p in &s.perks {
        push("perk", &p.id, &p.provenance);
    }
    for r in &s.restrictions {
        push("restriction", &r.id, &r.provenance);
    }
    out
}

fn score_doc(st: &ScoreStats) -> ScoreDoc {
    let quantiles = QUANTILES.iter().map(|&(name, _)| name).zip(st.quantiles.iter().copied()).collect();
    ScoreDoc { mean: st.mean, sd: st.sd, min: st.min, max: st.max, quantiles: Ordered(quantiles) }
}

#[derive(Serialize)]
struct SummaryDoc<'a> {
    pointsim_version: &'static str,
    scenario: &'a str,
    seed: u64,
    population: u64,
    steps: u32,
    step: &'static str,
    #[serde(rename = "final")]
    fin: FinalDoc<'a>,
    rules: Ordered<'a, RuleDoc>,
    recovery: RecoveryDoc,
    assumptions: Vec<String>,
    coverage: CoverageDoc<'a>,
    disparity: Ordered<'a, DisparityDoc<'a>>,
    mobility: Ordered<'a, Ordered<'a, Option<u64>>>,
    suppression: SuppressionDoc<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mechanics: Option<super::mechanics_json::MechanicsDoc<'a>>,
    /// Dated policy changes, in order; absent when the rules never change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    changes: Vec<ChangeDoc<'a>>,
}

/// One dated change: what it is called, the step it starts at, what it sets, its source.
#[derive(Serialize)]
struct ChangeDoc<'a> {
    label: &'a str,
    at: u32,
    set: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    assumed: bool,
}

/// One perk's or restriction's four-fifths ratios.
#[derive(Serialize)]
struct DisparityDoc<'a> {
    ratio: Ordered<'a, Option<f64>>,
    /// Per group: the ratio's 95% interval, `[low, high]`.
    interval: Ordered<'a, Option<[f64; 2]>>,
    flagged: Vec<&'a str>,
    /// Groups of a kind the perk or restriction does not apply to: no ratio.
    not_applicable: Vec<&'a str>,
}

/// `suppression`: what small-cell suppression hid, and why.
#[derive(Serialize)]
struct SuppressionDoc<'a> {
    min_cell: u32,
    rule: String,
    groups: Ordered<'a, Reason>,
    mobility_rows: Vec<&'a str>,
    /// Hidden subject kinds (in `mechanics.by_kind`); absent when none is hidden.
    #[serde(skip_serializing_if = "Ordered::is_empty")]
    kinds: Ordered<'a, Reason>,
}

/// `coverage`: what the run never exercised.
#[derive(Serialize)]
struct CoverageDoc<'a> {
    rules_never_fired: Vec<&'a str>,
    tiers_never_reached: Vec<&'a str>,
    perks_never_held: Vec<&'a str>,
    restrictions_never_imposed: Vec<&'a str>,
    points_clamped: u64,
    /// Points the yearly caps withheld, expected, in absolute value; only
    /// when some rule has `max_per_year`.
    #[serde(skip_serializing_if = "Option::is_none")]
    points_withheld_by_caps_expected: Option<f64>,
}

#[derive(Serialize)]
struct FinalDoc<'a> {
    score: Option<ScoreDoc>,
    #[serde(flatten)]
    shares: Shares<'a>,
    by_group: Ordered<'a, GroupDoc<'a>>,
}

#[derive(Serialize)]
struct GroupDoc<'a> {
    size: Option<u64>,
    score_mean: Option<f64>,
    score: Option<ScoreDoc>,
    #[serde(flatten)]
    shares: Shares<'a>,
    suppressed: bool,
}

/// Tier, perk and restriction figures of one slice (`None`: suppressed).
#[derive(Serialize)]
struct Shares<'a> {
    tier_share: Ordered<'a, Option<f64>>,
    tier_count: Ordered<'a, Option<u64>>,
    perk_share: Ordered<'a, Option<f64>>,
    restriction_share: Ordered<'a, Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    list_share: Option<Ordered<'a, Option<f64>>>,
}

impl<'a> Shares<'a> {
    fn new(s: &'a Scenario, slice: &Slice) -> Self {
        Self::build(s, Some(slice))
    }

    /// Every key of a slice, every value `null`.
    fn hidden(s: &'a Scenario) -> Self {
        Self::build(s, None)
    }

    fn build(s: &'a Scenario, slice: Option<&Slice>) -> Self {
        let share = |c: &dyn Fn(&Slice) -> u64| slice.map(|sl| sl.share(c(sl)));
        Shares {
            tier_share: Ordered(
                tiers_high_first(s)
                    .map(|k| (s.tiers[k].name.as_str(), share(&|sl| sl.tier_count[k])))
                    .collect(),
            ),
            tier_count: Ordered(
                tiers_high_first(s)
                    .map(|k| (s.tiers[k].name.as_str(), slice.map(|sl| sl.tier_count[k])))
                    .collect(),
            ),
            perk_share: Ordered(
                s.perks
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (p.id.as_str(), share(&|sl| sl.perk_count[k])))
                    .collect(),
            ),
            restriction_share: Ordered(
                s.restrictions
                    .iter()
                    .enumerate()
                    .map(|(k, r)| (r.id.as_str(), share(&|sl| sl.restriction_count[k])))
                    .collect(),
            ),
            list_share: (!s.lists.is_empty()).then(|| {
                Ordered(
                    s.lists
                        .iter()
                        .enumerate()
                        .map(|(k, l)| {
                            (l.id.as_str(), share(&|sl| sl.list_count.get(k).copied().unwrap_or(0)))
                        })
                        .collect(),
                )
            }),
        }
    }
}

#[derive(Serialize)]
struct ScoreDoc {
    mean: f64,
    sd: f64,
    min: i64,
    max: i64,
    quantiles: Ordered<'static, i64>,
}

#[derive(Serialize)]
struct RuleDoc {
    events: u64,
    events_per_subject_year: f64,
    points_applied: i64,
    points_clamped: u64,
    /// Only for rules with `max_per_year`.
    #[serde(skip_serializing_if = "Option::is_none")]
    cap: Option<CapDoc>,
}

/// What a rule's yearly cap held back.
#[derive(Serialize)]
struct CapDoc {
    max_per_year: u32,
    /// Subject-years in which the cap was reached.
    reached: u64,
    /// Events the cap withheld, expected: at each cap reached, the rule's
    /// rate then times the rest of the scenario year.
    events_withheld_expected: f64,
    /// The same in points (signed like the rule's points).
    points_withheld_expected: f64,
}

#[derive(Serialize)]
struct RecoveryDoc {
    points_restored: i64,
    points_drifted: i64,
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::output::fixture;

    fn parsed() -> Value {
        serde_json::from_slice(&summary_json(&fixture::scenario(), 42, &fixture::summary(), 0)).unwrap()
    }

    #[test]
    fn snapshot() {
        let text = String::from_utf8(summary_json(&fixture::scenario(), 42, &fixture::summary(), 0)).unwrap();
        let text = text.replace(env!("CARGO_PKG_VERSION"), "[version]");
        insta::assert_snapshot!(text, @r#"
            {
              "pointsim_version": "[version]",
              "scenario": "Tiny town",
              "seed": 42,
              "population": 5,
              "steps": 2,
              "step": "month",
              "final": {
                "score": {
                  "mean": 104.0,
                  "sd": 9.695359714832659,
                  "min": 95,
                  "max": 120,
                  "quantiles": {
                    "p01": 95,
                    "p05": 95,
                    "p10": 95,
                    "p25": 95,
                    "p50": 100,
                    "p75": 110,
                    "p90": 120,
                    "p95": 120,
                    "p99": 120
                  }
                },
                "tier_share": {
                  "A": 0.4,
                  "B": 0.2,
                  "C": 0.4
                },
                "tier_count": {
                  "A": 2,
                  "B": 1,
                  "C": 2
                },
                "perk_share": {
                  "fast_lane": 0.4
                },
                "restriction_share": {
                  "no_travel": 0.4
                },
                "by_group": {
                  "urban": {
                    "size": 3,
                    "score_mean": 105.0,
                    "score": {
                      "mean": 105.0,
                      "sd": 10.801234497346433,
                      "min": 95,
                      "max": 120,
                      "quantiles": {
                        "p01": 95,
                        "p05": 95,
                        "p10": 95,
                        "p25": 95,
                        "p50": 100,
                        "p75": 120,
                        "p90": 120,
                        "p95": 120,
                        "p99": 120
                      }
                    },
                    "tier_share": {
                      "A": 0.3333333333333333,
                      "B": 0.3333333333333333,
                      "C": 0.3333333333333333
                    },
                    "tier_count": {
                      "A": 1,
                      "B": 1,
                      "C": 1
                    },
                    "perk_share": {
                      "fast_lane": 0.3333333333333333
                    },
                    "restriction_share": {
                      "no_travel": 0.3333333333333333
                    },
                    "suppressed": false
                  },
                  "rural": {
                    "size": 2,
                    "score_mean": 102.5,
                    "score": {
                      "mean": 102.5,
                      "sd": 7.5,
                      "min": 95,
                      "max": 110,
                      "quantiles": {
                        "p01": 95,
                        "p05": 95,
                        "p10": 95,
                        "p25": 95,
                        "p50": 95,
                        "p75": 110,
                        "p90": 110,
                        "p95": 110,
                        "p99": 110
                      }
                    },
                    "tier_share": {
                      "A": 0.5,
                      "B": 0.0,
                      "C": 0.5
                    },
                    "tier_count": {
                      "A": 1,
                      "B": 0,
                      "C": 1
                    },
                    "perk_share": {
                      "fast_lane": 0.5
                    },
                    "restriction_share": {
                      "no_travel": 0.5
                    },
                    "suppressed": false
                  },
                  "migrant": {
                    "size": 0,
                    "score_mean": null,
                    "score": null,
                    "tier_share": {
                      "A": 0.0,
                      "B": 0.0,
                      "C": 0.0
                    },
                    "tier_count": {
                      "A": 0,
                      "B": 0,
                      "C": 0
                    },
                    "perk_share": {
                      "fast_lane": 0.0
                    },
                    "restriction_share": {
                      "no_travel": 0.0
                    },
                    "suppressed": false
                  }
                }
              },
              "rules": {
                "volunteer": {
                  "events": 3,
                  "events_per_subject_year": 3.6,
                  "points_applied": 30,
                  "points_clamped": 0
                },
                "littering": {
                  "events": 3,
                  "events_per_subject_year": 3.6,
                  "points_applied": -15,
                  "points_clamped": 0
                }
              },
              "recovery": {
                "points_restored": 5,
                "points_drifted": 0
              },
              "assumptions": [
                "tier.A",
                "group.rural",
                "rule.volunteer",
                "restriction.no_travel"
              ],
              "coverage": {
                "rules_never_fired": [],
                "tiers_never_reached": [],
                "perks_never_held": [],
                "restrictions_never_imposed": [],
                "points_clamped": 0
              },
              "disparity": {
                "fast_lane": {
                  "ratio": {
                    "urban": 0.6666666666666666,
                    "rural": 1.0
                  },
                  "interval": {
                    "urban": [
                      0.08026126375968216,
                      1.0
                    ],
                    "rural": [
                      1.0,
                      1.0
                    ]
                  },
                  "flagged": [],
                  "not_applicable": []
                },
                "no_travel": {
                  "ratio": {
                    "urban": 1.0,
                    "rural": 0.6666666666666666
                  },
                  "interval": {
                    "urban": [
                      1.0,
                      1.0
                    ],
                    "rural": [
                      0.08026126375968216,
                      1.0
                    ]
                  },
                  "flagged": [],
                  "not_applicable": []
                }
              },
              "mobility": {
                "A": {
                  "A": 0,
                  "B": 0,
                  "C": 0
                },
                "B": {
                  "A": 2,
                  "B": 1,
                  "C": 2
                },
                "C": {
                  "A": 0,
                  "B": 0,
                  "C": 0
                }
              },
              "suppression": {
                "min_cell": 0,
                "rule": "off: every group is published",
                "groups": {},
                "mobility_rows": []
              }
            }
        "#);
    }

    #[test]
    fn has_every_contract_key() {
        let v = parsed();
        for key in ["scenario", "seed", "population", "steps", "final"] {
            assert!(v.get(key).is_some(), "missing `{key}`");
        }
        let fin = &v["final"];
        for key in ["score", "tier_share", "perk_share", "by_group"] {
            assert!(fin.get(key).is_some(), "missing `final.{key}`");
        }
        for key in ["mean", "sd", "min", "max"] {
            assert!(fin["score"][key].is_number(), "missing `final.score.{key}`");
        }
        for (q, _) in QUANTILES {
            assert!(fin["score"]["quantiles"][q].is_i64(), "missing quantile `{q}`");
        }
        for (name, g) in fin["by_group"].as_object().unwrap() {
            for key in ["size", "score_mean", "tier_share", "perk_share"] {
                assert!(g.get(key).is_some(), "missing `final.by_group.{name}.{key}`");
            }
        }
        assert_eq!(v["scenario"], "Tiny town");
        assert_eq!(v["seed"], 42);
        assert_eq!(v["population"], 5);
        assert_eq!(v["steps"], 2);
    }

    #[test]
    fn shares_are_fractions_and_tiers_are_highest_first() {
        let v = parsed();
        let fin = &v["final"];
        let mut maps = vec![&fin["tier_share"], &fin["perk_share"], &fin["restriction_share"]];
        for g in fin["by_group"].as_object().unwrap().values() {
            maps.extend([&g["tier_share"], &g["perk_share"], &g["restriction_share"]]);
        }
        for m in maps {
            for (k, x) in m.as_object().unwrap() {
                let x = x.as_f64().unwrap();
                assert!((0.0..=1.0).contains(&x), "share `{k}` = {x}");
            }
        }
        let tiers: Vec<&str> = fin["tier_share"].as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(tiers, ["A", "B", "C"]);
        let sum: f64 = fin["tier_share"].as_object().unwrap().values().map(|x| x.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-12);
    }

    #[test]
    fn empty_group_has_null_score_and_zero_shares() {
        let v = parsed();
        let g = &v["final"]["by_group"]["migrant"];
        assert_eq!(g["size"], 0);
        assert!(g["score_mean"].is_null() && g["score"].is_null());
        assert!(g["tier_share"].as_object().unwrap().values().all(|x| x == 0.0));
        assert!(g["perk_share"].as_object().unwrap().values().all(|x| x == 0.0));
    }

    #[test]
    fn lists_assumptions() {
        let v = parsed();
        let a: Vec<&str> = v["assumptions"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        assert_eq!(a, ["tier.A", "group.rural", "rule.volunteer", "restriction.no_travel"]);
    }

    /// `min_cell` 3 hides `rural` (2 subjects, primary) and `urban`
    /// (complementary: otherwise the total minus `urban` gives `rural`
    /// back); the empty `migrant` stays.
    #[test]
    fn suppressed_groups_keep_their_keys_with_null_values() {
        let v: Value =
            serde_json::from_slice(&summary_json(&fixture::scenario(), 42, &fixture::summary(), 3)).unwrap();
        let groups = &v["final"]["by_group"];
        for name in ["urban", "rural"] {
            let g = &groups[name];
            assert_eq!(g["suppressed"], true, "{name}");
            for key in ["size", "score_mean", "score"] {
                assert!(g[key].is_null(), "{name}.{key}");
            }
            for key in ["tier_share", "tier_count", "perk_share", "restriction_share"] {
                let m = g[key].as_object().unwrap();
                assert!(!m.is_empty() && m.values().all(Value::is_null), "{name}.{key}");
            }
        }
        assert_eq!(groups["migrant"]["suppressed"], false);
        assert_eq!(groups["migrant"]["size"], 0);
        // the total stays published
        assert_eq!(v["population"], 5);
        assert_eq!(v["final"]["tier_count"]["A"], 2);
        let sup = &v["suppression"];
        assert_eq!(sup["min_cell"], 3);
        assert_eq!(sup["groups"], serde_json::json!({"urban": "complementary", "rural": "primary"}));
        assert!(sup["rule"].as_str().unwrap().contains("1 to 2 subjects"));
        // hidden groups take no part in disparity; the empty group is left out as before
        assert_eq!(
            v["disparity"]["fast_lane"],
            serde_json::json!({
                "ratio": {"urban": null, "rural": null},
                "interval": {"urban": null, "rural": null},
                "flagged": [],
                "not_applicable": []
            })
        );
        // both hidden groups start in tier B: its row gives away only their sum, which the total does too
        assert_eq!(sup["mobility_rows"], serde_json::json!([]));
        assert_eq!(v["mobility"]["B"], serde_json::json!({"A": 2, "B": 1, "C": 2}));
    }

    /// Hidden groups that start in different tiers would each be singled out
    /// by their mobility row: those rows are hidden too.
    #[test]
    fn mobility_rows_that_single_out_a_hidden_group_are_hidden() {
        let mut s = fixture::scenario();
        s.groups[1].start = 120; // rural starts in tier A, urban in B
        let v: Value = serde_json::from_slice(&summary_json(&s, 42, &fixture::summary(), 3)).unwrap();
        assert_eq!(v["suppression"]["mobility_rows"], serde_json::json!(["A", "B"]));
        assert_eq!(v["mobility"]["A"], serde_json::json!({"A": null, "B": null, "C": null}));
        assert_eq!(v["mobility"]["C"], serde_json::json!({"A": 0, "B": 0, "C": 0}));
        let open: Value = serde_json::from_slice(&summary_json(&s, 42, &fixture::summary(), 0)).unwrap();
        assert_eq!(open["mobility"]["A"], serde_json::json!({"A": 1, "B": 0, "C": 1}));
        assert_eq!(open["suppression"]["groups"], serde_json::json!({}));
    }
}
