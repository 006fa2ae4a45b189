//! Value and cross-field checks on the raw specs: ranges, uniqueness, references between tables.
//!
//! Only values that were read successfully (they have a span) are checked, so
//! a value that was already reported as missing or of the wrong type does not
//! cause a second, misleading report.

use std::collections::HashMap;

use super::check::{Checker, num};
use super::model::{MAX_POPULATION, MAX_STEPS, SHARE_TOLERANCE};
use super::spec::*;

/// Check every value of `spec`, reporting each problem.
pub(crate) fn check(c: &mut Checker, spec: &FileSpec) {
    let counts_ok = super::limits::check_counts(c, spec);
    super::limits::check_text(c, spec);
    if !counts_ok {
        return; // the other checks' cost grows with the counts
    }
    check_top(c, spec);
    check_tiers(c, spec);
    check_groups(c, spec);
    check_rules(c, spec);
    check_thresholds(c, spec);
    check_options(c, spec);
    super::validate_mech::check(c, spec);
    super::explore::check(c, spec);
}

/// Tier names the file defines, in file order (`all` when there are none).
pub(crate) fn tier_names(spec: &FileSpec) -> Vec<&str> {
    if spec.tier.is_empty() { vec!["all"] } else { spec.tier.iter().map(|t| t.name.as_str()).collect() }
}

fn check_top(c: &mut Checker, spec: &FileSpec) {
    if let Some(v) = spec.schema_version.filter(|&v| v != 1) {
        let hint = "this version of pointsim reads format version 1; write `schema_version = 1`";
        c.error("schema_version", format!("unsupported `schema_version` `{v}`"), hint.to_owned());
    }
    let s = &spec.scenario;
    if c.at("scenario.name").is_some() && s.name.trim().is_empty() {
        let hint = "give the scenario a name; it is shown in every output".to_owned();
        c.error("scenario.name", "`scenario.name` is empty".to_owned(), hint);
    }
    let hint = "the seed makes runs reproducible; use any whole number from 0 up";
    c.int_range("scenario.seed", "`scenario.seed`", s.seed, hint);
    let hint = format!(
        "`steps` is the number of time steps to simulate (each one `step` long), from 1 to {MAX_STEPS}"
    );
    c.int_range("scenario.steps", "`scenario.steps`", Some(s.steps), &hint);
    let sc = &spec.score;
    match (sc.min, sc.max) {
        (Some(lo), Some(hi)) if lo > hi && c.at("score.min").is_some() && c.at("score.max").is_some() => {
            let msg = format!("`score.min` `{lo}` is greater than `score.max` `{hi}`");
            let hint =
                "scores are kept between `score.min` and `score.max`, so `min` must not be above `max`";
            c.error("score.max", msg, hint.to_owned());
        }
        (lo, hi) if c.at("score.start").is_some() => {
            let below = lo.filter(|&lo| sc.start < lo);
            let above = hi.filter(|&hi| sc.start > hi);
            if let Some(b) = below.or(above) {
                let (side, key) = if below.is_some() { ("below", "min") } else { ("above", "max") };
                let msg = format!("`score.start` `{}` is {side} `score.{key}` `{b}`", sc.start);
                let hint = "every subject starts with `score.start`, so it must lie within `score.min` and `score.max`";
                c.error("score.start", msg, hint.to_owned());
            }
        }
        _ => {}
    }
    let hint = "scores and points are whole numbers of at most 2^53 = 9007199254740992 in size";
    for key in ["score.start", "score.min", "score.max"] {
        let x = match key {
            "score.start" => Some(sc.start),
            "score.min" => sc.min,
            _ => sc.max,
        };
        c.int_range(key, &format!("`{key}`"), x, hint);
    }
    let hint = format!("`population.size` is the number of simulated subjects, from 1 to {MAX_POPULATION}");
    c.int_range("population.size", "`population.size`", Some(spec.population.size), &hint);
}

fn check_tiers(c: &mut Checker, spec: &FileSpec) {
    let mut names = HashMap::new();
    let mut mins: HashMap<i64, (String, String)> = HashMap::new();
    for (i, t) in spec.tier.iter().enumerate() {
        let p = format!("tier[{i}]");
        let name_path = format!("{p}.name");
        if c.at(&name_path).is_some() && t.name.trim().is_empty() {
            let hint = "give the tier a name such as `A`; perks and restrictions refer to it".to_owned();
            c.error(&name_path, "tier name is empty".to_owned(), hint);
        }
        c.unique(&mut names, &t.name, &name_path, "tier", "tier names");
        let min_path = format!("{p}.min");
        if c.at(&min_path).is_none() {
            continue;
        }
        let hint = "scores are whole numbers of at most 2^53 = 9007199254740992 in size";
        c.int_range(&min_path, &format!("`min` of tier `{}`", t.name), Some(t.min), hint);
        match mins.get(&t.min) {
            Some((first_path, first_name)) => {
                let this = c.entry("tier", "tier", i, "name", &t.name);
                let msg = format!("{this} has the same `min = {}` as tier `{first_name}`", t.min);
                let hint = format!(
                    "tier `{first_name}` sets `min = {}` on line {}; each tier needs its own lower bound",
                    t.min,
                    c.line(first_path)
                );
                c.error(&min_path, msg, hint);
            }
            None => {
                mins.insert(t.min, (min_path, t.name.clone()));
            }
        }
    }
}

fn check_groups(c: &mut Checker, spec: &FileSpec) {
    let mut names = HashMap::new();
    let rule_ids: Vec<&str> = spec.rule.iter().map(|r| r.id.as_str()).collect();
    let groups = &spec.population.group;
    for (i, g) in groups.iter().enumerate() {
        let p = format!("population.group[{i}]");
        let name_path = format!("{p}.name");
        if c.at(&name_path).is_some() {
            if g.name.trim().is_empty() {
                let hint = "give the group a name such as `employed`".to_owned();
                c.error(&name_path, "group name is empty".to_owned(), hint);
            } else if g.name == "all" {
                let hint = "`all` is reserved for the whole population; choose another name".to_owned();
                c.error(&name_path, "a group cannot be named `all`".to_owned(), hint);
            }
        }
        c.unique(&mut names, &g.name, &name_path, "group", "group names");
        let what = c.entry("group", "population.group", i, "name", &g.name);
        let share_path = format!("{p}.share");
        let hint = "a share is a fraction of the population, like `0.25`";
        c.number_range(&share_path, &format!("`share` in {what}"), Some(g.share), hint);
        let start_path = format!("{p}.start");
        let hint = "scores are whole numbers of at most 2^53 = 9007199254740992 in size";
        c.int_range(&start_path, &format!("`start` in {what}"), g.start, hint);
        if let (Some(start), Some(_)) = (g.start, c.at(&start_path)) {
            let (lo, hi) = (spec.score.min, spec.score.max);
            if lo.is_some_and(|lo| start < lo) || hi.is_some_and(|hi| start > hi) {
                let range = format!(
                    "{}..={}",
                    lo.map_or("".into(), |x| x.to_string()),
                    hi.map_or("".into(), |x| x.to_string())
                );
                let msg = format!("`start` in {what} is `{start}`, outside the score range `{range}`");
                let hint = "a group's start score must lie within `score.min` and `score.max`".to_owned();
                c.error(&start_path, msg, hint);
            }
        }
        for (rule, &m) in &g.rate_multiplier {
            let mp = format!("{p}.rate_multiplier.{rule}");
            if !rule_ids.contains(&rule.as_str()) {
                let msg = format!("{what} has a rate multiplier for rule `{rule}`, which is not defined");
                c.unknown_ref(&format!("{mp}#key"), msg, "rule", &rule_ids);
            }
            let hint = "a multiplier scales the rule's rate for this group: 1 leaves it, 0 switches it off";
            c.number_range(&mp, &format!("`rate_multiplier.{rule}` in {what}"), Some(m), hint);
        }
    }
    let all_read = (0..groups.len()).all(|i| c.at(&format!("population.group[{i}].share")).is_some());
    let sum: f64 = groups.iter().map(|g| g.share).sum();
    // with kinds, shares are per kind (see validate_mech)
    if spec.kind.is_empty()
        && !groups.is_empty()
        && all_read
        && sum.is_finite()
        && (sum - 1.0).abs() > SHARE_TOLERANCE
    {
        let parts: Vec<String> = groups.iter().map(|g| format!("`{}` {}", g.name, num(g.share))).collect();
        let msg = format!("group shares sum to `{}`, not 1", num(sum));
        let hint = format!("the shares are {}; change them so they add up to 1", parts.join(", "));
        let last = format!("population.group[{}].share", groups.len() - 1);
        c.error(&last, msg, hint);
    }
}

fn check_rules(c: &mut Checker, spec: &FileSpec) {
    let mut ids = HashMap::new();
    let tiers = tier_names(spec);
    for (i, r) in spec.rule.iter().enumerate() {
        let p = format!("rule[{i}]");
        c.id_pattern(&format!("{p}.id"), "rule", &r.id);
        c.unique(&mut ids, &r.id, &format!("{p}.id"), "rule", "rule ids");
        let what = c.entry("rule", "rule", i, "id", &r.id);
        let hint = "`rate` is the expected number of events per subject per year, like `0.5`";
        c.number_range(&format!("{p}.rate"), &format!("`rate` in {what}"), Some(r.rate), hint);
        let hint = "points are whole numbers of at most 2^53 = 9007199254740992 in size";
        c.int_range(&format!("{p}.points"), &format!("`points` in {what}"), Some(r.points), hint);
        let hint = "`max_per_year` caps the events per subject per scenario year";
        let desc = format!("`max_per_year` in {what}");
        c.int_range(&format!("{p}.max_per_year"), &desc, r.max_per_year, hint);
        for (tier, &m) in &r.rate_by_tier {
            let mp = format!("{p}.rate_by_tier.{tier}");
            if !tiers.contains(&tier.as_str()) {
                let msg = format!("{what} has a rate for tier `{tier}`, which is not defined");
                c.unknown_ref(&format!("{mp}#key"), msg, "tier", &tiers);
            }
            let hint = "a multiplier scales the rule's rate in this tier: 1 leaves it, 0 switches it off";
            c.number_range(&mp, &format!("`rate_by_tier.{tier}` in {what}"), Some(m), hint);
        }
    }
}

fn check_thresholds(c: &mut Checker, spec: &FileSpec) {
    let mut ids = HashMap::new();
    let tiers = tier_names(spec);
    let perks = spec.perk.iter().map(|p| ("perk", &p.id, &p.min_tier, p.min_score.is_some(), "min"));
    let restr =
        spec.restriction.iter().map(|r| ("restriction", &r.id, &r.max_tier, r.max_score.is_some(), "max"));
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (noun, id, tier, has_score, side) in perks.chain(restr) {
        let i = *index.entry(noun).and_modify(|i| *i += 1).or_insert(0);
        let p = format!("{noun}[{i}]");
        c.id_pattern(&format!("{p}.id"), noun, id);
        c.unique(&mut ids, id, &format!("{p}.id"), noun, "ids of perks and restrictions");
        let what = c.entry(noun, noun, i, "id", id);
        let (tier_key, score_key) = (format!("{side}_tier"), format!("{side}_score"));
        let tier_read = c.at(&format!("{p}.{tier_key}")).is_some();
        let score_read = c.at(&format!("{p}.{score_key}")).is_some();
        let (or_what, example) = if side == "min" { ("higher", "1000") } else { ("lower", "599") };
        let score = if noun == "perk" { spec.perk[i].min_score } else { spec.restriction[i].max_score };
        let hint = "scores are whole numbers of at most 2^53 = 9007199254740992 in size";
        c.int_range(&format!("{p}.{side}_score"), &format!("`{side}_score` in {what}"), score, hint);
        if tier_read && score_read {
            let msg = format!("{what} has both `{tier_key}` and `{score_key}`");
            let hint = format!("keep one: `{tier_key}` (that tier or {or_what}) or `{score_key}` (a score)");
            c.error(&format!("{p}.{score_key}"), msg, hint);
        } else if tier.is_none() && !has_score && c.at(&p).is_some() && !by_list(spec, noun, id) {
            let msg = format!("{what} has no threshold");
            let tier = if side == "min" { tiers[0] } else { tiers[tiers.len() - 1] };
            let hint = format!(
                "add `{tier_key} = \"{tier}\"` (that tier or {or_what}) or `{score_key} = {example}`"
            );
            c.error(&p, msg, hint);
        }
        if let Some(t) = tier.as_deref().filter(|t| tier_read && !tiers.contains(t)) {
            let verb = if side == "min" { "needs" } else { "applies up to" };
            let msg = format!("{what} {verb} tier `{t}`, which is not defined");
            c.unknown_ref(&format!("{p}.{tier_key}"), msg, "tier", &tiers);
        }
    }
}

fn check_options(c: &mut Checker, spec: &FileSpec) {
    if let Some(r) = &spec.recovery {
        let hint = format!("`restore_after` is a number of whole steps, from 1 to {MAX_STEPS}");
        c.int_range("recovery.restore_after", "`recovery.restore_after`", r.restore_after, &hint);
        let hint = "`drift` is how many points per step the score moves back toward `score.start`";
        c.int_range("recovery.drift", "`recovery.drift`", r.drift, hint);
    }
    if let Some(r) = &spec.report {
        let hint = "`bin_width` is the width in points of one histogram bin";
        c.int_range("report.bin_width", "`report.bin_width`", r.bin_width, hint);
        let hint = "`snapshot_every` is the number of steps between rows of `steps.csv`";
        c.int_range("report.snapshot_every", "`report.snapshot_every`", r.snapshot_every, hint);
        if r.title.as_ref().is_some_and(|t| t.trim().is_empty()) && c.read("report.title") {
            let hint = "give the report a title, or remove the key to use the scenario name".to_owned();
            c.error("report.title", "`report.title` is empty".to_owned(), hint);
        }
    }
}

/// Whether a list grants (perks) or imposes (restrictions) `id`, so it needs no threshold.
fn by_list(spec: &FileSpec, noun: &str, id: &str) -> bool {
    spec.list.iter().any(|l| if noun == "perk" { &l.grants } else { &l.imposes }.iter().any(|n| n == id))
}
