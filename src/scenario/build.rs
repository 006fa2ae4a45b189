//! Building the validated [`Scenario`] from checked specs, and the warnings that need it.
//!
//! Only called when the checks found no error, so every lookup here succeeds.

use super::check::Checker;
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
            }
        })
        .collect();
    let rule_index = |id: &str| rules.iter().position(|r| r.id == id).unwrap_or(0);
    let mut groups: Vec<Group> = spec
        .population
        .group
        .iter()
        .map(|g| {
            let mut rate_multiplier = vec![1.0; rules.len()];
            for (id, &m) in &g.rate_multiplier {
                rate_multiplier[rule_index(id)] = m;
            }
            Group {
                name: g.name.clone(),
                description: g.description.clone().unwrap_or_default(),
                share: g.share,
                start: g.start.unwrap_or(spec.score.start),
                rate_multiplier,
                provenance: prov(&g.source, g.assumed),
            }
        })
        .collect();
    if groups.is_empty() {
        groups.push(Group {
            name: "all".to_owned(),
            description: String::new(),
            share: 1.0,
            start: spec.score.start,
            rate_multiplier: vec![1.0; rules.len()],
            provenance: Provenance::default(),
        });
    }
    let perks = spec
        .perk
        .iter()
        .map(|p| Perk {
            id: p.id.clone(),
            label: p.label.clone().unwrap_or_else(|| p.id.clone()),
            description: p.description.clone().unwrap_or_default(),
            threshold: match &p.min_tier {
                Some(t) => MinThreshold::Tier(tier_index(t)),
                None => MinThreshold::Score(p.min_score.unwrap_or_default()),
            },
            provenance: prov(&p.source, p.assumed),
        })
        .collect();
    let restrictions = spec
        .restriction
        .iter()
        .map(|r| Restriction {
            id: r.id.clone(),
            label: r.label.clone().unwrap_or_else(|| r.id.clone()),
            description: r.description.clone().unwrap_or_default(),
            threshold: match &r.max_tier {
                Some(t) => MaxThreshold::Tier(tier_index(t)),
                None => MaxThreshold::Score(r.max_score.unwrap_or_default()),
            },
            provenance: prov(&r.source, r.assumed),
        })
        .collect();
    let s = &spec.scenario;
    let report = spec.report.clone().unwrap_or_default();
    let recovery = spec.recovery.clone().unwrap_or_default();
    let defaults = Report::default();
    Scenario {
        schema_version: 1,
        name: s.name.clone(),
        description: s.description.clone().unwrap_or_default(),
        sources: s.sources.clone(),
        seed: s.seed.unwrap_or(0) as u64,
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
        recovery: Recovery { restore_after: recovery.restore_after.map(|x| x as u32), drift: recovery.drift },
        report: Report {
            bin_width: report.bin_width.map_or(defaults.bin_width, |x| x as u32),
            snapshot_every: report.snapshot_every.map_or(defaults.snapshot_every, |x| x as u32),
        },
    }
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
    for (i, p) in sc.perks.iter().enumerate() {
        let need = sc.perk_min_score(p);
        if need > hi {
            let key = if spec.perk[i].min_tier.is_some() { "min_tier" } else { "min_score" };
            let msg = format!("no one can get perk `{}`", p.id);
            let hint = format!("it needs a score of at least `{need}`, but `score.max` is `{hi}`");
            c.warn(&format!("perk[{i}].{key}"), msg, hint);
        }
    }
    for (i, r) in sc.restrictions.iter().enumerate() {
        let limit = sc.restriction_max_score(r);
        if limit < lo {
            let key = if spec.restriction[i].max_tier.is_some() { "max_tier" } else { "max_score" };
            let msg = format!("restriction `{}` applies to no one", r.id);
            let hint = format!("it applies up to a score of `{limit}`, but `score.min` is `{lo}`");
            c.warn(&format!("restriction[{i}].{key}"), msg, hint);
        }
    }
}
