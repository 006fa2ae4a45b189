//! Checks of the mechanics tables: `[[kind]]`, `[[list]]`,
//! `[population.households]`, the rule abilities and `[recovery]`'s expiry and repair.

use std::collections::HashMap;

use super::check::{Checker, num};
use super::model::{MAX_STEPS, SHARE_TOLERANCE};
use super::spec::*;
/// The largest household size `sizes` may describe.
pub(crate) const MAX_HOUSEHOLD: usize = 50;

/// Check the mechanics of `spec`.
pub(crate) fn check(c: &mut Checker, spec: &FileSpec) {
    check_kinds(c, spec);
    check_group_kinds(c, spec);
    check_rule_abilities(c, spec);
    check_recovery(c, spec);
    check_lists(c, spec);
    check_households(c, spec);
}

/// Each of `names` (at `path`) must be one of `defined`.
fn refs(c: &mut Checker, path: &str, what: &str, names: &[String], noun: &str, defined: &[&str]) {
    if c.at(path).is_none() {
        return;
    }
    for n in names {
        if !defined.contains(&n.as_str()) {
            c.unknown_name(
                path,
                format!("{what} names {noun} `{n}`, which is not defined"),
                noun,
                n,
                defined,
            );
        }
    }
}

fn kind_names(spec: &FileSpec) -> Vec<&str> {
    spec.kind.iter().map(|k| k.name.as_str()).collect()
}

fn check_kinds(c: &mut Checker, spec: &FileSpec) {
    let mut names = HashMap::new();
    let by_count = spec.kind.iter().any(|k| k.count.is_some());
    for (i, k) in spec.kind.iter().enumerate() {
        let p = format!("kind[{i}]");
        c.id_pattern(&format!("{p}.name"), "kind", &k.name);
        c.unique(&mut names, &k.name, &format!("{p}.name"), "kind", "kind names");
        if k.name == "all" && c.at(&format!("{p}.name")).is_some() {
            let hint = "`all` is reserved for the whole population; choose another name".to_owned();
            c.error(&format!("{p}.name"), "a kind cannot be named `all`".to_owned(), hint);
        }
        let what = c.entry("kind", "kind", i, "name", &k.name);
        match (k.share, k.count) {
            (Some(_), Some(_)) => {
                let msg = format!("{what} has both `share` and `count`");
                let hint =
                    "keep one: `share` (a fraction of the population) or `count` (a number of subjects)";
                c.error(&format!("{p}.count"), msg, hint.to_owned());
            }
            (None, None) if c.at(&p).is_some() => {
                let msg = format!("{what} has neither `share` nor `count`");
                let hint = "add `share = 0.5` (a fraction of the population) or `count = 1000`".to_owned();
                c.error(&p, msg, hint);
            }
            (Some(_), None) if by_count => {
                let msg = format!("{what} gives a `share` while other kinds give a `count`");
                let hint = "give every kind a `share` or every kind a `count`".to_owned();
                c.error(&format!("{p}.share"), msg, hint);
            }
            _ => {}
        }
        let hint = "a share is a fraction, like `0.9`";
        c.number_range(&format!("{p}.share"), &format!("`share` in {what}"), k.share, hint);
        let hint = "a count is a number of subjects";
        c.int_range(&format!("{p}.count"), &format!("`count` in {what}"), k.count, hint);
        let hint = "scores are whole numbers of at most 2^53 = 9007199254740992 in size";
        for (key, x) in [("start", k.start), ("min", k.min), ("max", k.max)] {
            c.int_range(&format!("{p}.{key}"), &format!("`{key}` in {what}"), x, hint);
        }
        let lo = k.min.or(spec.score.min);
        let hi = k.max.or(spec.score.max);
        if let (Some(lo), Some(hi)) = (lo, hi)
            && lo > hi
        {
            let msg = format!("{what} has its lowest score `{lo}` above its highest `{hi}`");
            c.error(&p, msg, "set `min` at or below `max` (the kind's own, or `score.*`)".to_owned());
        }
        let start = k.start.unwrap_or(spec.score.start);
        if lo.is_some_and(|lo| start < lo) || hi.is_some_and(|hi| start > hi) {
            let key = if k.start.is_some() { format!("{p}.start") } else { p.clone() };
            let msg = format!("{what} starts at `{start}`, outside its score range");
            c.error(&key, msg, "a kind's start score must lie within its `min` and `max`".to_owned());
        }
    }
    let all_read = (0..spec.kind.len()).all(|i| c.at(&format!("kind[{i}].share")).is_some());
    if !spec.kind.is_empty() && !by_count && all_read {
        let sum: f64 = spec.kind.iter().filter_map(|k| k.share).sum();
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            let msg = format!("kind shares sum to `{}`, not 1", num(sum));
            let last = format!("kind[{}].share", spec.kind.len() - 1);
            c.error(&last, msg, "change the shares so they add up to 1".to_owned());
        }
    }
    if by_count && spec.kind.iter().all(|k| k.count.is_some()) {
        let sum: i64 = spec.kind.iter().filter_map(|k| k.count).fold(0i64, |a, b| a.saturating_add(b));
        if sum != spec.population.size && c.at("population.size").is_some() {
            let msg =
                format!("kind counts sum to `{sum}`, but `population.size` is `{}`", spec.population.size);
            c.error("population.size", msg, format!("set `size = {sum}`, or change the counts"));
        }
    }
}

fn check_group_kinds(c: &mut Checker, spec: &FileSpec) {
    let kinds = kind_names(spec);
    let groups = &spec.population.group;
    for (i, g) in groups.iter().enumerate() {
        let p = format!("population.group[{i}]");
        let what = c.entry("group", "population.group", i, "name", &g.name);
        match &g.kind {
            Some(k) if c.at(&format!("{p}.kind")).is_some() && !kinds.contains(&k.as_str()) => {
                let msg = format!("{what} belongs to kind `{k}`, which is not defined");
                c.unknown_name(&format!("{p}.kind"), msg, "kind", k, &kinds);
            }
            None if kinds.len() > 1 && c.at(&p).is_some() => {
                let msg = format!("{what} does not say which kind it belongs to");
                let hint = format!("add `kind = \"{}\"`; with several kinds every group names one", kinds[0]);
                c.error(&p, msg, hint);
            }
            _ => {}
        }
        if kinds.contains(&g.name.as_str())
            && !groups.iter().any(|h| h.kind.as_deref() == Some(g.name.as_str()))
            && c.at(&format!("{p}.name")).is_some()
        {
            let msg = format!("{what} has the name of kind `{}`, which has no groups of its own", g.name);
            let hint =
                "a kind without groups is reported as a group of its name; rename the group".to_owned();
            c.error(&format!("{p}.name"), msg, hint);
        }
    }
    if spec.kind.is_empty() {
        return; // the foundation's check: shares of the whole population
    }
    for (k, name) in kinds.iter().enumerate() {
        let members: Vec<usize> =
            (0..groups.len()).filter(|&i| groups[i].kind.as_deref().map_or(k == 0, |g| g == *name)).collect();
        let all_read = members.iter().all(|i| c.at(&format!("population.group[{i}].share")).is_some());
        let sum: f64 = members.iter().map(|&i| groups[i].share).sum();
        if let Some(&last) = members.last()
            && all_read
            && (sum - 1.0).abs() > SHARE_TOLERANCE
        {
            let msg = format!("the shares of kind `{name}`'s groups sum to `{}`, not 1", num(sum));
            let hint =
                "a group's share is a share of its kind; make each kind's shares add up to 1".to_owned();
            c.error(&format!("population.group[{last}].share"), msg, hint);
        }
    }
}

fn check_rule_abilities(c: &mut Checker, spec: &FileSpec) {
    let kinds = kind_names(spec);
    let perks: Vec<&str> = spec.perk.iter().map(|p| p.id.as_str()).collect();
    let lists: Vec<&str> = spec.list.iter().map(|l| l.id.as_str()).collect();
    for (i, x) in spec.perk.iter().enumerate() {
        let what = c.entry("perk", "perk", i, "id", &x.id);
        refs(
            c,
            &format!("perk[{i}].applies_to"),
            &format!("`applies_to` in {what}"),
            &x.applies_to,
            "kind",
            &kinds,
        );
    }
    for (i, x) in spec.restriction.iter().enumerate() {
        let what = c.entry("restriction", "restriction", i, "id", &x.id);
        let path = format!("restriction[{i}].applies_to");
        refs(c, &path, &format!("`applies_to` in {what}"), &x.applies_to, "kind", &kinds);
    }
    for (i, r) in spec.rule.iter().enumerate() {
        let p = format!("rule[{i}]");
        let what = c.entry("rule", "rule", i, "id", &r.id);
        refs(
            c,
            &format!("{p}.applies_to"),
            &format!("`applies_to` in {what}"),
            &r.applies_to,
            "kind",
            &kinds,
        );
        if let Some(x) = r.requires_perk.as_ref().filter(|x| !perks.contains(&x.as_str())) {
            let msg = format!("{what} requires perk `{x}`, which is not defined");
            c.unknown_name(&format!("{p}.requires_perk"), msg, "perk", x, &perks);
        }
        if let Some(x) = r.requires_list.as_ref().filter(|x| !lists.contains(&x.as_str())) {
            let msg = format!("{what} requires list `{x}`, which is not defined");
            c.unknown_name(&format!("{p}.requires_list"), msg, "list", x, &lists);
        }
        for (key, x) in [("category", &r.category), ("agency", &r.agency)] {
            if x.as_ref().is_some_and(|x| x.trim().is_empty()) {
                let msg = format!("`{key}` in {what} is empty");
                c.error(&format!("{p}.{key}"), msg, format!("name the {key}, or remove the key"));
            }
        }
        let mut mins = HashMap::new();
        for (j, b) in r.rate_by_score.iter().enumerate() {
            let bp = format!("{p}.rate_by_score[{j}]");
            let hint =
                "a multiplier scales the rule's rate in this score band: 1 leaves it, 0 switches it off";
            let desc = format!("`multiplier` of band {} in {what}", j + 1);
            c.number_range(&format!("{bp}.multiplier"), &desc, Some(b.multiplier), hint);
            let hint = "scores are whole numbers of at most 2^53 = 9007199254740992 in size";
            let desc = format!("`min` of band {} in {what}", j + 1);
            c.int_range(&format!("{bp}.min"), &desc, Some(b.min), hint);
            c.unique(&mut mins, &b.min.to_string(), &format!("{bp}.min"), "score band", "band minimums");
        }
        let hint = "a share of events, from 0 (none) to 1 (all)";
        for (key, x) in [
            ("error_rate", r.error_rate),
            ("appeal_rate", r.appeal_rate),
            ("appeal_success", r.appeal_success),
        ] {
            c.number_range(&format!("{p}.{key}"), &format!("`{key}` in {what}"), x, hint);
        }
        let hint = format!("`appeal_delay` is a number of steps, from 0 to {MAX_STEPS}");
        c.int_range(
            &format!("{p}.appeal_delay"),
            &format!("`appeal_delay` in {what}"),
            r.appeal_delay,
            &hint,
        );
        let appeal_key =
            [("appeal_rate", r.appeal_rate.is_some()), ("appeal_success", r.appeal_success.is_some())]
                .into_iter()
                .chain([("appeal_delay", r.appeal_delay.is_some())])
                .find(|(_, set)| *set);
        if let Some((key, _)) = appeal_key
            && r.error_rate.is_none_or(|e| e == 0.0)
        {
            let msg = format!("{what} sets `{key}` but has no wrongful records");
            let hint = "appeals are against wrongful records: add `error_rate = 0.02` (a share of events)"
                .to_owned();
            c.error(&format!("{p}.{key}"), msg, hint);
        }
        if r.repair == Some(true) && r.points <= 0 && c.at(&format!("{p}.repair")).is_some() {
            let msg = format!("{what} is a repair action but gives `{}` points", r.points);
            c.error(
                &format!("{p}.repair"),
                msg,
                "repair actions add points: give the rule positive `points`".into(),
            );
        }
    }
}

fn check_recovery(c: &mut Checker, spec: &FileSpec) {
    let Some(r) = &spec.recovery else { return };
    let categories: Vec<&str> = spec.rule.iter().filter_map(|r| r.category.as_deref()).collect();
    for (cat, &after) in &r.expire_after {
        let path = format!("recovery.expire_after.{cat}");
        if !categories.contains(&cat.as_str()) {
            let msg = format!("`expire_after` names category `{cat}`, which no rule has");
            c.unknown_name(&format!("{path}#key"), msg, "category", cat, &categories);
        }
        let hint = format!("records expire after a number of steps, from 1 to {MAX_STEPS}");
        c.int_range(&path, &format!("`expire_after.{cat}`"), Some(after), &hint);
    }
    let hint = "the most points per subject per year that repair actions may add";
    c.int_range(
        "recovery.repair_max_per_year",
        "`recovery.repair_max_per_year`",
        r.repair_max_per_year,
        hint,
    );
}

fn check_lists(c: &mut Checker, spec: &FileSpec) {
    let mut ids = HashMap::new();
    let kinds = kind_names(spec);
    let rules: Vec<&str> = spec.rule.iter().map(|r| r.id.as_str()).collect();
    let perks: Vec<&str> = spec.perk.iter().map(|p| p.id.as_str()).collect();
    let restrictions: Vec<&str> = spec.restriction.iter().map(|r| r.id.as_str()).collect();
    for (i, l) in spec.list.iter().enumerate() {
        let p = format!("list[{i}]");
        c.id_pattern(&format!("{p}.id"), "list", &l.id);
        c.unique(&mut ids, &l.id, &format!("{p}.id"), "list", "list ids");
        let what = c.entry("list", "list", i, "id", &l.id);
        let entries: Vec<&str> = [
            ("enter_on", l.enter_on.is_some()),
            ("enter_below", l.enter_below.is_some()),
            ("enter_at_least", l.enter_at_least.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect();
        if entries.is_empty() && c.at(&p).is_some() {
            let msg = format!("{what} does not say how subjects get on it");
            let hint = "add `enter_on = \"<rule id>\"` (events of a rule), `enter_below = 600` or `enter_at_least = 1050` (the score)";
            c.error(&p, msg, hint.to_owned());
        } else if entries.len() > 1 {
            let msg = format!("{what} has both `{}` and `{}`", entries[0], entries[1]);
            c.error(&format!("{p}.{}", entries[1]), msg, "keep one way onto the list".to_owned());
        }
        if let Some(r) = l.enter_on.as_ref().filter(|r| !rules.contains(&r.as_str())) {
            c.unknown_name(
                &format!("{p}.enter_on"),
                format!("{what} is entered on rule `{r}`, which is not defined"),
                "rule",
                r,
                &rules,
            );
        }
        if let Some(r) = l.clear_on.as_ref().filter(|r| !rules.contains(&r.as_str())) {
            c.unknown_name(
                &format!("{p}.clear_on"),
                format!("{what} is cleared by rule `{r}`, which is not defined"),
                "rule",
                r,
                &rules,
            );
        }
        let hint = "the number of the rule's events that put a subject on the list";
        c.int_range(&format!("{p}.enter_count"), &format!("`enter_count` in {what}"), l.enter_count, hint);
        for key in ["enter_count", "enter_within"] {
            let set = if key == "enter_count" { l.enter_count.is_some() } else { l.enter_within.is_some() };
            if set && l.enter_on.is_none() && c.at(&format!("{p}.{key}")).is_some() {
                let msg = format!("{what} sets `{key}` without `enter_on`");
                c.error(
                    &format!("{p}.{key}"),
                    msg,
                    "`{key}` counts events of the rule named by `enter_on`".replace("{key}", key),
                );
            }
        }
        for (key, x) in [
            ("enter_within", l.enter_within),
            ("duration", l.duration),
            ("clear_after_clean", l.clear_after_clean),
        ] {
            let hint = format!("a number of steps, from 1 to {MAX_STEPS}");
            c.int_range(&format!("{p}.{key}"), &format!("`{key}` in {what}"), x, &hint);
        }
        for (key, x) in
            [("enter_below", l.enter_below), ("enter_at_least", l.enter_at_least), ("points", l.points)]
        {
            let hint = "scores and points are whole numbers of at most 2^53 = 9007199254740992 in size";
            c.int_range(&format!("{p}.{key}"), &format!("`{key}` in {what}"), x, hint);
        }
        refs(c, &format!("{p}.revokes"), &format!("`revokes` in {what}"), &l.revokes, "perk", &perks);
        refs(c, &format!("{p}.grants"), &format!("`grants` in {what}"), &l.grants, "perk", &perks);
        refs(
            c,
            &format!("{p}.imposes"),
            &format!("`imposes` in {what}"),
            &l.imposes,
            "restriction",
            &restrictions,
        );
        refs(
            c,
            &format!("{p}.applies_to"),
            &format!("`applies_to` in {what}"),
            &l.applies_to,
            "kind",
            &kinds,
        );
        let red = l.color == Some(ColorSpec::Red);
        let wrong = if red {
            [("revokes", !l.revokes.is_empty()), ("imposes", !l.imposes.is_empty())].into_iter().find(|x| x.1)
        } else {
            [("grants", !l.grants.is_empty())].into_iter().find(|x| x.1)
        };
        if let Some((key, _)) = wrong {
            let (color, other) = if red { ("red", "black") } else { ("black", "red") };
            let msg = format!("{what} is a {color}list but has `{key}`");
            let hint = format!(
                "blacklists revoke perks and impose restrictions, redlists grant perks; set `color = \"{other}\"` or remove `{key}`"
            );
            c.error(&format!("{p}.{key}"), msg, hint);
        }
        if let Some(by) = l.inherited_by.as_ref() {
            if by != "household" {
                let msg = format!("{what} is inherited by `{by}`");
                c.error(
                    &format!("{p}.inherited_by"),
                    msg,
                    "the only value is `inherited_by = \"household\"`".to_owned(),
                );
            } else if spec.population.households.is_none() {
                let msg = format!("{what} is inherited by households, but the population has none");
                let hint = "add `[population.households]` with `sizes = [...]`".to_owned();
                c.error(&format!("{p}.inherited_by"), msg, hint);
            }
        }
        if l.inherit_probability.is_some() && l.inherited_by.is_none() {
            let msg = format!("{what} sets `inherit_probability` without `inherited_by`");
            c.error(
                &format!("{p}.inherit_probability"),
                msg,
                "add `inherited_by = \"household\"`".to_owned(),
            );
        }
        let hint = "a probability, from 0 to 1";
        let desc = format!("`inherit_probability` in {what}");
        c.number_range(&format!("{p}.inherit_probability"), &desc, l.inherit_probability, hint);
    }
}

fn check_households(c: &mut Checker, spec: &FileSpec) {
    let Some(h) = &spec.population.households else { return };
    let path = "population.households.sizes";
    if c.at(path).is_none() {
        return;
    }
    let hint = format!(
        "`sizes` lists the share of households with 1, 2, 3, ... members (at most {MAX_HOUSEHOLD}), like `[0.3, 0.4, 0.3]`"
    );
    if h.sizes.is_empty() || h.sizes.len() > MAX_HOUSEHOLD {
        c.error(path, format!("`sizes` has {} entries", h.sizes.len()), hint);
    } else if let (Some(lo), Some(hi)) = c.declared_range(path)
        && h.sizes.iter().any(|x| !(lo..=hi).contains(x))
    {
        c.error(path, format!("every entry of `sizes` must be between {} and {}", num(lo), num(hi)), hint);
    } else {
        let sum: f64 = h.sizes.iter().sum();
        if (sum - 1.0).abs() > SHARE_TOLERANCE {
            c.error(path, format!("household sizes sum to `{}`, not 1", num(sum)), hint);
        }
    }
    let kinds = kind_names(spec);
    if let Some(k) = h.kind.as_ref().filter(|k| !kinds.contains(&k.as_str())) {
        let msg = format!("households are for kind `{k}`, which is not defined");
        c.unknown_name("population.households.kind", msg, "kind", k, &kinds);
    }
}
