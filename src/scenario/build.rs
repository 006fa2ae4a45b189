//! Building the validated [`Scenario`] from checked specs, and the warnings that need it.
//!
//! Only called when the checks found no error, so every lookup here succeeds.

use super::check::Checker;
use super::mechanics::*;
use super::model::*;
use super::spec::*;

/// Build the scenario: tiers sorted by `min`, per-tier and per-rule vectors
/// indexed like `tiers` and `rules`, defaults filled in.
pub(crate) fn build(spec: &FileSpec) -> Scenario {
    let mut order: Vec<usize> = (0..spec.tier.len()).collect();
    order.sort_by_key(|&i| spec.tier[i].min);
    let mut tiers: Vec<Tier> = order
        .iter()
        .map(|&i| {
            let t = &spec.tier[i];
            Tier {
                name: t.name.clone(),
                label: t.label.clone().unwrap_or_else(|| t.name.clone()),
                min: t.min,
                provenance: prov(&t.source, t.assumed),
            }
        })
        .collect();
    if tiers.is_empty() {
        let all = "all".to_owned();
        tiers.push(Tier { name: all.clone(), label: all, min: i64::MIN, provenance: Provenance::default() });
    }
    let tier_index = |name: &str| tiers.iter().position(|t| t.name == name).unwrap_or(0);
    let kinds = build_kinds(spec);
    let kind_index = |name: &str| kinds.iter().position(|k| k.name == name).unwrap_or(0);
    let kind_flags = |names: &[String]| -> Vec<bool> {
        if names.is_empty() { Vec::new() } else { kinds.iter().map(|k| names.contains(&k.name)).collect() }
    };
    let perk_index = |id: &str| spec.perk.iter().position(|p| p.id == id).unwrap_or(0);
    let restriction_index = |id: &str| spec.restriction.iter().position(|p| p.id == id).unwrap_or(0);
    let list_index = |id: &str| spec.list.iter().position(|l| l.id == id).unwrap_or(0);
    let recovery_spec = spec.recovery.clone().unwrap_or_default();
    let rules: Vec<Rule> = spec
        .rule
        .iter()
        .map(|r| {
            let mut rate_by_tier = vec![1.0; tiers.len()];
            for (name, &m) in &r.rate_by_tier {
                rate_by_tier[tier_index(name)] = m;
            }
            Rule {
                id: r.id.clone(),
                label: r.label.clone().unwrap_or_else(|| r.id.clone()),
                description: r.description.clone().unwrap_or_default(),
                points: r.points,
                rate: r.rate,
                max_per_year: r.max_per_year.map(|m| m as u32),
                rate_by_tier,
                provenance: prov(&r.source, r.assumed),
                more: RuleMore {
                    applies_to: kind_flags(&r.applies_to),
                    category: r.category.clone(),
                    agency: r.agency.clone(),
                    requires_perk: r.requires_perk.as_deref().map(perk_index),
                    requires_list: r.requires_list.as_deref().map(list_index),
                    rate_by_score: {
                        let mut bands: Vec<Band> = r
                            .rate_by_score
                            .iter()
                            .map(|b| Band { min: b.min, multiplier: b.multiplier })
                            .collect();
                        bands.sort_by_key(|b| b.min);
                        bands
                    },
                    error_rate: r.error_rate(),
                    appeal: (r.appeal_rate.is_some()
                        || r.appeal_success.is_some()
                        || r.appeal_delay.is_some())
                    .then(|| Appeal {
                        rate: r.appeal_rate(),
                        success: r.appeal_success(),
                        delay: r.appeal_delay() as u32,
                    }),
                    expire_after: r
                        .category
                        .as_ref()
                        .filter(|_| r.points < 0)
                        .and_then(|c| recovery_spec.expire_after.get(c))
                        .map(|&x| x as u32),
                    repair: r.repair(),
                },
                enabled: r.enabled(),
            }
        })
        .collect();
    let rule_index = |id: &str| spec.rule.iter().position(|r| r.id == id).unwrap_or(0);
    let mut groups: Vec<Group> = spec
        .population
        .group
        .iter()
        .map(|g| {
            let mut rate_multiplier = vec![1.0; rules.len()];
            for (id, &m) in &g.rate_multiplier {
                rate_multiplier[rule_index(id)] = m;
            }
            let kind = g.kind.as_deref().map_or(0, kind_index);
            Group {
                name: g.name.clone(),
                description: g.description.clone().unwrap_or_default(),
                share: g.share,
                start: g.start.unwrap_or_else(|| kind_start(spec, kind)),
                rate_multiplier,
                provenance: prov(&g.source, g.assumed),
                kind,
            }
        })
        .collect();
    // a kind without groups of its own is one group named after it
    for (k, kind) in kinds.iter().enumerate() {
        if !groups.iter().any(|g| g.kind == k) {
            groups.push(Group {
                name: kind.name.clone(),
                description: String::new(),
                share: 1.0,
                start: kind_start(spec, k),
                rate_multiplier: vec![1.0; rules.len()],
                provenance: Provenance::default(),
                kind: k,
            });
        }
    }
    let perks = spec
        .perk
        .iter()
        .map(|p| Perk {
            id: p.id.clone(),
            label: p.label.clone().unwrap_or_else(|| p.id.clone()),
            description: p.description.clone().unwrap_or_default(),
            threshold: match (&p.min_tier, p.min_score) {
                (Some(t), _) => MinThreshold::Tier(tier_index(t)),
                (None, Some(s)) => MinThreshold::Score(s),
                (None, None) => MinThreshold::Never,
            },
            provenance: prov(&p.source, p.assumed),
            applies_to: kind_flags(&p.applies_to),
        })
        .collect();
    let restrictions = spec
        .restriction
        .iter()
        .map(|r| Restriction {
            id: r.id.clone(),
            label: r.label.clone().unwrap_or_else(|| r.id.clone()),
            description: r.description.clone().unwrap_or_default(),
            threshold: match (&r.max_tier, r.max_score) {
                (Some(t), _) => MaxThreshold::Tier(tier_index(t)),
                (None, Some(s)) => MaxThreshold::Score(s),
                (None, None) => MaxThreshold::Never,
            },
            provenance: prov(&r.source, r.assumed),
            applies_to: kind_flags(&r.applies_to),
        })
        .collect();
    let s = &spec.scenario;
    let report = spec.report.clone().unwrap_or_default();
    let recovery = spec.recovery.clone().unwrap_or_default();
    Scenario {
        schema_version: 1,
        name: s.name.clone(),
        description: s.description.clone().unwrap_or_default(),
        sources: s.sources.clone(),
        seed: s.seed() as u64,
        steps: s.steps as u32,
        step: match s.step {
            None | Some(StepSpec::Day) => StepUnit::Day,
            Some(StepSpec::Week) => StepUnit::Week,
            Some(StepSpec::Month) => StepUnit::Month,
        },
        score: ScoreRange { start: spec.score.start, min: spec.score.min, max: spec.score.max },
        tiers,
        population: spec.population.size as u64,
        groups,
        rules,
        perks,
        restrictions,
        recovery: Recovery {
            restore_after: recovery.restore_after.map(|x| x as u32),
            drift: recovery.drift,
            repair_max_per_year: recovery.repair_max_per_year,
        },
        lists: spec
            .list
            .iter()
            .map(|l| List {
                id: l.id.clone(),
                label: l.label.clone().unwrap_or_else(|| l.id.clone()),
                description: l.description.clone().unwrap_or_default(),
                color: match l.color {
                    Some(ColorSpec::Red) => Color::Red,
                    _ => Color::Black,
                },
                entry: match (&l.enter_on, l.enter_below, l.enter_at_least) {
                    (Some(r), _, _) => Entry::Rule {
                        rule: rule_index(r),
                        count: l.enter_count() as u32,
                        within: l.enter_within.map(|w| w as u32),
                    },
                    (None, Some(b), _) => Entry::Below(b),
                    (None, None, a) => Entry::AtLeast(a.unwrap_or_default()),
                },
                duration: l.duration.map(|d| d as u32),
                clear_on: l.clear_on.as_deref().map(rule_index),
                clear_after_clean: l.clear_after_clean.map(|d| d as u32),
                revokes: l.revokes.iter().map(|p| perk_index(p)).collect(),
                imposes: l.imposes.iter().map(|p| restriction_index(p)).collect(),
                grants: l.grants.iter().map(|p| perk_index(p)).collect(),
                points: l.points(),
                inherit: l.inherited_by.as_ref().map(|_| l.inherit_probability()),
                applies_to: kind_flags(&l.applies_to),
                provenance: prov(&l.source, l.assumed),
            })
            .collect(),
        households: spec.population.households.as_ref().map(|h| Households {
            sizes: h.sizes.clone(),
            kind: h.kind.as_deref().map(kind_index),
            provenance: prov(&h.source, h.assumed),
        }),
        kinds,
        report: Report {
            bin_width: report.bin_width() as u32,
            snapshot_every: report.snapshot_every() as u32,
            title: report.title.clone(),
        },
        changes: Vec::new(),
    }
}

/// The kinds of the file, or one kind `all` spanning everyone.
fn build_kinds(spec: &FileSpec) -> Vec<Kind> {
    if spec.kind.is_empty() {
        return vec![Kind::everyone()];
    }
    let size = spec.population.size.max(1) as f64;
    spec.kind
        .iter()
        .map(|k| Kind {
            name: k.name.clone(),
            label: k.label.clone().unwrap_or_else(|| k.name.clone()),
            description: k.description.clone().unwrap_or_default(),
            share: k.share.unwrap_or_else(|| k.count.unwrap_or(0) as f64 / size),
            count: k.count.map(|c| c as u64),
            min: k.min,
            max: k.max,
            provenance: prov(&k.source, k.assumed),
        })
        .collect()
}

/// The start score of kind `k`: its own `start`, else `score.start`.
fn kind_start(spec: &FileSpec, k: usize) -> i64 {
    spec.kind.get(k).and_then(|k| k.start).unwrap_or(spec.score.start)
}

fn prov(source: &Option<String>, assumed: Option<bool>) -> Provenance {
    Provenance { source: source.clone(), assumed: assumed.unwrap_or(false) }
}

/// Warn about parts of a valid scenario that can never matter: tiers outside
/// the clamp, rules that never fire, perks and restrictions nobody gets.
pub(crate) fn warn(c: &mut Checker, spec: &FileSpec, sc: &Scenario) {
    let (lo, hi) = (sc.score.min.unwrap_or(i64::MIN), sc.score.max.unwrap_or(i64::MAX));
    let n = sc.tiers.len();
    for (k, t) in sc.tiers.iter().enumerate() {
        let from = if k == 0 { i64::MIN } else { t.min };
        let to = if k + 1 < n { sc.tiers[k + 1].min - 1 } else { i64::MAX };
        if from <= hi && to >= lo {
            continue;
        }
        let Some(i) = spec.tier.iter().position(|s| s.name == t.name) else { continue };
        let msg = format!("tier `{}` can never be reached", t.name);
        let hint = if from > hi {
            format!("it starts at `{}`, but `score.max` is `{hi}`", t.min)
        } else {
            format!("it covers scores up to `{to}`, but `score.min` is `{lo}`")
        };
        c.warn(&format!("tier[{i}].min"), msg, hint);
    }
    for (i, r) in sc.rules.iter().enumerate() {
        if r.rate == 0.0 {
            let msg = format!("rule `{}` has `rate = 0` and will never fire", r.id);
            let hint = "give it a rate above 0, or remove the rule".to_owned();
            c.warn(&format!("rule[{i}].rate"), msg, hint);
        }
    }
    for (i, p) in sc.perks.iter().enumerate().filter(|(_, p)| p.threshold != MinThreshold::Never) {
        let need = sc.perk_min_score(p);
        if need > hi {
            let key = if spec.perk[i].min_tier.is_some() { "min_tier" } else { "min_score" };
            let msg = format!("no one can get perk `{}`", p.id);
            let hint = format!("it needs a score of at least `{need}`, but `score.max` is `{hi}`");
            c.warn(&format!("perk[{i}].{key}"), msg, hint);
        }
    }
    for (i, r) in sc.restrictions.iter().enumerate().filter(|(_, r)| r.threshold != MaxThreshold::Never) {
        let limit = sc.restriction_max_score(r);
        if limit < lo {
            let key = if spec.restriction[i].max_tier.is_some() { "max_tier" } else { "max_score" };
            let msg = format!("restriction `{}` applies to no one", r.id);
            let hint = format!("it applies up to a score of `{limit}`, but `score.min` is `{lo}`");
            c.warn(&format!("restriction[{i}].{key}"), msg, hint);
        }
    }
}
