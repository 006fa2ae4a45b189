//! `[[change]]`: dated policy changes, each checked at its own position and
//! built into the whole scenario in force from its step on.
//!
//! A change's `set` takes the paths and values `--set` takes. Each change is
//! made on top of the ones before it: the file's document with changes 1 to
//! `i` made is read and checked like any scenario file, so a value that is
//! wrong at that step (a threshold that reorders the tiers, a negative rate)
//! is reported at the change that makes it. What is drawn once, at step 0
//! (the population, its groups and kinds, the horizon, the start score and
//! clamp, the reporting options; a group's rate multipliers may change), and the entries themselves (which rules,
//! tiers, perks, restrictions and lists exist, and their ids) cannot change.

use toml::Table;

use super::check::Checker;
use super::limits::{MAX_CHANGE_SETS, MAX_CHANGES};
use super::model::{DatedChange, Provenance, Scenario};
use super::path::{ParamPath, apply, split_set, value_of};
use super::spec::FileSpec;

/// The tables a change may set values in, by the first segment of its path.
const CHANGEABLE: [&str; 6] = ["rule", "tier", "perk", "restriction", "list", "recovery"];

/// Keys of the file that only describe or test a scenario: left out of the document of a change.
const NOT_RULES: [&str; 4] = ["change", "lesson", "explore", "test"];

/// Check the `[[change]]` entries of `spec`, whose scenario (before any
/// change) is `base`, and build the scenario in force from each. Problems
/// are reported at the change's `at` or `set`; the result is empty when
/// there is one.
pub(crate) fn check(c: &mut Checker, spec: &FileSpec, base: &Scenario, name: &str) -> Vec<DatedChange> {
    if spec.change.is_empty() || spec.change.len() > MAX_CHANGES {
        return Vec::new();
    }
    let mut doc = match Table::try_from(spec) {
        Ok(d) => d,
        Err(e) => {
            let msg = format!("cannot write the scenario with its changes: {e}");
            c.error("change", msg, "this is a bug in pointsim; please report it".to_owned());
            return Vec::new();
        }
    };
    for k in NOT_RULES {
        doc.remove(k);
    }
    let mut out = Vec::with_capacity(spec.change.len());
    let mut ok = true;
    let mut previous: Option<(u32, &str)> = None;
    for (i, ch) in spec.change.iter().enumerate() {
        let p = format!("change[{i}]");
        let what = format!("change `{}`", ch.label);
        let at = u32::try_from(ch.at).unwrap_or(u32::MAX);
        let at_hint = format!("`at` is the 0-based step the change starts at: 1 to {}", base.steps - 1);
        if ch.at < 1 {
            c.int_range(&format!("{p}.at"), &format!("`at` of {what}"), Some(ch.at), &at_hint);
            ok = false;
        } else if c.read(&format!("{p}.at")) {
            if at >= base.steps {
                let msg = format!("{what} is at step {at}, but the scenario has {} steps", base.steps);
                c.error(&format!("{p}.at"), msg, at_hint.clone());
                ok = false;
            }
            if let Some((before, label)) = previous.filter(|&(b, _)| at <= b) {
                let msg = format!("{what} at step {at} is not after change `{label}` at step {before}");
                let hint = "list changes in the order they happen, each at a step of its own; \
                            merge two changes of the same step into one `set`"
                    .to_owned();
                c.error(&format!("{p}.at"), msg, hint);
                ok = false;
            }
            previous = Some((at, &ch.label));
        }
        if !c.read(&format!("{p}.set")) {
            ok = false;
            continue;
        }
        let set_at = format!("{p}.set");
        if ch.set.is_empty() {
            let hint = "write what changes, like `set = [\"rule.late_payment.points=-10\"]`".to_owned();
            c.error(&set_at, format!("{what} sets nothing"), hint);
            ok = false;
            continue;
        }
        if ch.set.len() > MAX_CHANGE_SETS {
            let msg = format!("{what} sets {} values, more than the {MAX_CHANGE_SETS} allowed", ch.set.len());
            c.error(&set_at, msg, "split it into changes at different steps".to_owned());
            ok = false;
            continue;
        }
        let before = doc.clone();
        let mut made = true;
        for set in &ch.set {
            if let Err((msg, hint)) = make(&mut doc, set) {
                c.error(&set_at, format!("in {what} (step {at}): {msg}"), hint);
                made = false;
            }
        }
        if !made {
            ok = false;
            doc = before;
            continue;
        }
        match in_force(&doc, name, base) {
            Ok(rules) => out.push(DatedChange {
                label: ch.label.clone(),
                at,
                set: ch.set.clone(),
                provenance: Provenance { source: ch.source.clone(), assumed: ch.assumed() },
                rules: Box::new(rules),
            }),
            Err(problems) => {
                for (msg, hint) in problems {
                    c.error(&set_at, format!("with {what} made (step {at}): {msg}"), hint);
                }
                ok = false;
                // the later changes are checked without this one, so its problems are not theirs
                doc = before;
            }
        }
    }
    if ok { out } else { Vec::new() }
}

/// Make the change `set` (`PATH=VALUE`) in `doc`.
fn make(doc: &mut Table, set: &str) -> Result<(), (String, String)> {
    let (path, value) = split_set(set, "rule.late_payment.points=-10", "write the new value after the `=`")?;
    let scenario_words = |m: String| m.replace("the base scenario", "the scenario");
    let p = ParamPath::parse(path).map_err(|e| (scenario_words(e.message), e.hint.unwrap_or_default()))?;
    let segs = p.segments();
    let group_rates =
        segs.len() >= 4 && segs[0] == "population" && segs[1] == "group" && segs[3] == "rate_multiplier";
    let changeable = group_rates || (segs.len() >= 2 && CHANGEABLE.contains(&segs[0].as_str()));
    if !changeable {
        let msg = format!("`{path}` cannot change during a run");
        let hint = "a change sets values of `[[rule]]`, `[[tier]]`, `[[perk]]`, `[[restriction]]`, \
                    `[[list]]`, `[recovery]` and a group's `rate_multiplier`; the population, horizon, \
                    start score and reporting are fixed at step 0"
            .to_owned();
        return Err((msg, hint));
    }
    let last = segs.last().map_or("", String::as_str);
    if segs[0] != "recovery" && segs.len() == 3 && matches!(last, "id" | "name" | "remove") {
        let msg = format!("`{path}` cannot change during a run: it names or removes the entry");
        let hint = "switch a rule off with `rule.<id>.enabled=false`; entries keep their ids".to_owned();
        return Err((msg, hint));
    }
    apply(doc, &p, value_of(value)).map_err(|e| {
        (format!("in `{set}`: {}", scenario_words(e.message)), e.hint.map(scenario_words).unwrap_or_default())
    })
}

/// The scenario of `doc` (the file's document with some changes made),
/// checked like a file and against `base`: every problem, as message and hint.
fn in_force(doc: &Table, name: &str, base: &Scenario) -> Result<Scenario, Vec<(String, String)>> {
    let text =
        toml::to_string(doc).map_err(|e| vec![(format!("cannot write the document: {e}"), String::new())])?;
    let loaded = super::source::parse_in(&text, name, std::path::Path::new("")).map_err(|d| {
        d.items().iter().map(|i| (i.message.clone(), i.hint.clone().unwrap_or_default())).collect::<Vec<_>>()
    })?;
    let mut s = loaded.scenario;
    let fixed = fixed_differences(base, &s);
    if !fixed.is_empty() {
        return Err(fixed);
    }
    s.name.clone_from(&base.name);
    Ok(s)
}

/// What differs between `base` and `s` that a change may not alter.
fn fixed_differences(base: &Scenario, s: &Scenario) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let names = |v: Vec<&str>| v.join(", ");
    let tiers = |x: &Scenario| names(x.tiers.iter().map(|t| t.name.as_str()).collect());
    if tiers(base) != tiers(s) {
        out.push((
            format!("the tiers from lowest to highest become {}, not {}", tiers(s), tiers(base)),
            "a change may move thresholds but not reorder the tiers; keep each `min` between its neighbours"
                .to_owned(),
        ));
    }
    let ids = |x: &Scenario| {
        (
            names(x.rules.iter().map(|r| r.id.as_str()).collect()),
            names(x.perks.iter().map(|p| p.id.as_str()).collect()),
            names(x.restrictions.iter().map(|r| r.id.as_str()).collect()),
            names(x.lists.iter().map(|l| l.id.as_str()).collect()),
        )
    };
    if ids(base) != ids(s) {
        out.push((
            "the change adds or removes a rule, perk, restriction or list".to_owned(),
            "a change sets values of the entries the scenario has".to_owned(),
        ));
    }
    let fixed = base.steps == s.steps
        && base.step == s.step
        && base.population == s.population
        && base.score == s.score
        && base
            .groups
            .iter()
            .map(|g| (&g.name, g.share, g.start, g.kind))
            .eq(s.groups.iter().map(|g| (&g.name, g.share, g.start, g.kind)))
        && base.kinds == s.kinds
        && base.households == s.households
        && base.report == s.report;
    if !fixed {
        out.push((
            "the change alters what is fixed at step 0 (population, groups, kinds, households, steps, score or report)"
                .to_owned(),
            "a change sets values of `[[rule]]`, `[[tier]]`, `[[perk]]`, `[[restriction]]`, `[[list]]` and `[recovery]`"
                .to_owned(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse;

    const BASE: &str = "[scenario]\nname = \"t\"\nsteps = 12\nstep = \"month\"\n[score]\nstart = 100\n\
                        [population]\nsize = 10\n[[tier]]\nname = \"B\"\nmin = 0\n[[tier]]\nname = \"A\"\nmin = 100\n\
                        [[rule]]\nid = \"vol\"\npoints = 5\nrate = 0.5\n";

    fn errors(extra: &str) -> Vec<String> {
        match parse(&format!("{BASE}{extra}"), "t.toml") {
            Ok(_) => Vec::new(),
            Err(d) => d.items().iter().map(|d| d.message.clone()).collect(),
        }
    }

    #[test]
    fn changes_are_built_in_order_each_on_top_of_the_last() {
        let l = parse(
            &format!(
                "{BASE}[[change]]\nlabel = \"more\"\nat = 3\nset = [\"rule.vol.points=10\"]\nsource = \"a law\"\n\
                 [[change]]\nlabel = \"off\"\nat = 6\nset = [\"rule.vol.enabled=false\", \"tier.A.min=90\"]\n"
            ),
            "t.toml",
        )
        .unwrap();
        let s = &l.scenario;
        assert_eq!(s.changes.len(), 2);
        assert_eq!((s.changes[0].at, s.changes[0].provenance.source.as_deref()), (3, Some("a law")));
        assert_eq!((s.rules[0].points, s.rules[0].enabled), (5, true));
        let first = &s.changes[0].rules;
        assert_eq!((first.rules[0].points, first.rules[0].enabled, first.tiers[1].min), (10, true, 100));
        let second = &s.changes[1].rules;
        assert_eq!((second.rules[0].points, second.rules[0].enabled, second.tiers[1].min), (10, false, 90));
        assert!(second.changes.is_empty());
        assert_eq!(s.in_force(2).rules[0].points, 5);
        assert_eq!(s.in_force(3).rules[0].points, 10);
        assert!(!s.in_force(11).rules[0].enabled);
        assert_eq!(s.at_end().tiers[1].min, 90);
        assert_eq!(s.epochs().map(|(at, _)| at).collect::<Vec<_>>(), [0, 3, 6]);
    }

    #[test]
    fn every_problem_is_reported_at_its_change() {
        let e = errors(
            "[[change]]\nlabel = \"late\"\nat = 12\nset = [\"rule.vol.points=1\"]\n\
             [[change]]\nlabel = \"early\"\nat = 5\nset = [\"population.size=20\", \"rule.vlo.points=3\", \"rule.vol.id=x\"]\n\
             [[change]]\nlabel = \"bad value\"\nat = 7\nset = [\"rule.vol.rate=-1\"]\n\
             [[change]]\nlabel = \"reorder\"\nat = 8\nset = [\"tier.B.min=200\"]\n\
             [[change]]\nlabel = \"empty\"\nat = 9\nset = []\n",
        );
        let want = [
            "change `late` is at step 12, but the scenario has 12 steps",
            "change `early` at step 5 is not after change `late` at step 12",
            "in change `early` (step 5): `population.size` cannot change during a run",
            "in change `early` (step 5): in `rule.vlo.points=3`: the scenario has no `[[rule]]` with id `vlo` (path `rule.vlo.points`)",
            "in change `early` (step 5): `rule.vol.id` cannot change during a run: it names or removes the entry",
            "with change `bad value` made (step 7): `rate` in rule `vol` must not be negative, found `-1`",
            "change `empty` sets nothing",
        ];
        for w in want {
            assert!(e.iter().any(|m| m.starts_with(w)), "missing {w:?} in {e:#?}");
        }
    }

    #[test]
    fn problems_point_at_the_change() {
        let text = format!("{BASE}[[change]]\nlabel = \"x\"\nat = 3\nset = [\"scenario.steps=5\"]\n");
        let d = parse(&text, "t.toml").unwrap_err().render(false);
        assert!(d.contains("--> t.toml:22:7"), "{d}");
    }
}
