//! Rule tests (`[[test]]`): their checks against the scenario, and the
//! resolved form `pointsim test` runs.
//!
//! A rule test is one subject living through the scenario with only the
//! events its author scripted, so its expected states follow from the policy
//! text alone. Names are resolved to indices here, and the span of every
//! expectation is kept so a failure can point at the line that states it.

use std::collections::HashMap;
use std::ops::Range;

use super::check::Checker;
use super::model::Scenario;
use super::spec::{AppealOutcomeSpec, TestSpec};

/// The most events one scripted entry may stand for (`count`).
pub const MAX_COUNT: i64 = 1000;

/// A checked rule test.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTest {
    /// Its name, unique in its file.
    pub name: String,
    /// The subject's group (index into [`Scenario::groups`]); its kind is the group's.
    pub group: usize,
    /// The events, sorted by step; events of one step keep the order written.
    pub events: Vec<ScriptedEvent>,
    /// The expected states, in the order written.
    pub expect: Vec<Expectation>,
    /// Span of the test's table, in the file it was read from.
    pub span: Range<usize>,
}

/// One scripted event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptedEvent {
    /// The step it happens in.
    pub step: u32,
    /// The rule (index into [`Scenario::rules`]).
    pub rule: usize,
    /// The record is wrongful.
    pub wrongful: bool,
    /// An appeal against it: `Some(true)` won, `Some(false)` lost, `None` none filed.
    pub appeal: Option<bool>,
}

/// The expected state at the end of a step; `None` fields are not checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The step at whose end the state is checked.
    pub step: u32,
    /// The score.
    pub score: Option<i64>,
    /// The tier (index into [`Scenario::tiers`]).
    pub tier: Option<usize>,
    /// Exactly the perks held (indices into [`Scenario::perks`], ascending).
    pub perks: Option<Vec<usize>>,
    /// Exactly the restrictions in force (indices into [`Scenario::restrictions`], ascending).
    pub restrictions: Option<Vec<usize>>,
    /// Exactly the lists the subject is on (indices into [`Scenario::lists`], ascending).
    pub lists: Option<Vec<usize>>,
    /// Where each checked value is written, by key (`score`, `tier`, ...); `step` for the table.
    pub spans: Vec<(&'static str, Range<usize>)>,
}

impl Expectation {
    /// The span of `key`'s value, or of the expectation's table.
    pub fn span_of(&self, key: &str) -> Range<usize> {
        debug_assert!(
            <super::spec::ExpectSpec as super::keys::ReadTable>::TABLE.key(key).is_some(),
            "`{key}` is not a key of an expectation"
        );
        let find = |k: &str| self.spans.iter().find(|(x, _)| *x == k).map(|(_, s)| s.clone());
        find(key).or_else(|| find("table")).unwrap_or(0..0)
    }
}

/// Check the tests `specs` (read under the path `test`) against `sc` and
/// resolve them. Problems go to `c`; the tests returned are meaningful only
/// when it found none.
pub(crate) fn check(c: &mut Checker, specs: &[TestSpec], sc: &Scenario) -> Vec<RuleTest> {
    let mut seen = HashMap::new();
    let mut out = Vec::new();
    for (i, t) in specs.iter().enumerate() {
        let p = format!("test[{i}]");
        let before = c.diags.items().len();
        c.unique(&mut seen, &t.name, &format!("{p}.name"), "test", "test names");
        let what = c.entry("test", "test", i, "name", &t.name);
        let group = subject_group(c, &p, t, sc);
        let kind = group.map(|g| sc.groups[g].kind);
        let mut events = Vec::new();
        for (j, e) in t.events.iter().enumerate() {
            let q = format!("{p}.events[{j}]");
            let step = step_in(c, &format!("{q}.step"), e.step, sc, "an event's `step`");
            let rule = sc.rules.iter().position(|r| r.id == e.rule);
            if rule.is_none() && c.at(&format!("{q}.rule")).is_some() {
                let ids: Vec<&str> = sc.rules.iter().map(|r| r.id.as_str()).collect();
                let msg = format!("{what} has an event of rule `{}`, which is not defined", e.rule);
                c.unknown_ref(&format!("{q}.rule"), msg, "rule", &ids);
            }
            if let (Some(r), Some(k)) = (rule, kind)
                && !sc.rules[r].more.applies(k)
            {
                let msg = format!("rule `{}` does not apply to kind `{}`", e.rule, sc.kinds[k].name);
                let hint = "give the test a kind the rule applies to, or the rule that kind in `applies_to`";
                c.error(&format!("{q}.rule"), msg, hint.to_owned());
            }
            c.int_range(
                &format!("{q}.count"),
                "`count`",
                e.count,
                1,
                MAX_COUNT,
                "write how many events, like `count = 2`",
            );
            let wrongful = e.wrongful.unwrap_or(false);
            let appeal = e.appeal.map(|a| a == AppealOutcomeSpec::Won);
            if appeal.is_some() && c.at(&format!("{q}.appeal")).is_some() {
                if !wrongful {
                    let hint = "only a wronged subject appeals: add `wrongful = true` to the event";
                    c.error(
                        &format!("{q}.appeal"),
                        "an appeal against a record that is not wrongful".to_owned(),
                        hint.to_owned(),
                    );
                }
                if let Some(r) = rule
                    && sc.rules[r].more.appeal.is_none()
                {
                    let msg = format!("rule `{}` has no appeals process", e.rule);
                    let hint = "give the rule `appeal_rate`, `appeal_success` and `appeal_delay`, or remove `appeal`";
                    c.error(&format!("{q}.appeal"), msg, hint.to_owned());
                }
            }
            if let (Some(step), Some(rule)) = (step, rule) {
                let n = e.count.unwrap_or(1).clamp(1, MAX_COUNT);
                events.extend((0..n).map(|_| ScriptedEvent { step, rule, wrongful, appeal }));
            }
        }
        events.sort_by_key(|e| e.step); // stable: same-step events keep their order
        if t.expect.is_empty() && c.at(&format!("{p}.name")).is_some() {
            let hint = "add a `[[test.expect]]` table after the test with a `step` and the state expected, \
                        like `score = 950`";
            c.error(&format!("{p}.name"), format!("{what} expects nothing"), hint.to_owned());
        }
        let expect = t
            .expect
            .iter()
            .enumerate()
            .filter_map(|(j, x)| expectation(c, &format!("{p}.expect[{j}]"), x, sc))
            .collect();
        if let Some(group) = group {
            let span = c.at(&p).unwrap_or(0..0);
            out.push(RuleTest { name: t.name.clone(), group, events, expect, span });
        }
        // a test an overlay inherits from its base: say how to drop it
        let inherited = c.at(&p).is_some_and(|s| c.files.first().is_some_and(|f| !f.contains(&s.start)));
        if inherited && c.diags.items().len() > before {
            let how = format!(
                "this test comes from a file the scenario extends; to drop it, add `[[test]]` with \
                 `name = {:?}` and `remove = true`",
                t.name
            );
            c.diags.add_hint_from(before, &how);
        }
    }
    out
}

/// The test's group: given, or the first group of the given kind, or the first group.
fn subject_group(c: &mut Checker, p: &str, t: &TestSpec, sc: &Scenario) -> Option<usize> {
    let kind = match &t.kind {
        None => None,
        Some(k) => match sc.kinds.iter().position(|x| &x.name == k) {
            Some(i) => Some(i),
            None => {
                let names: Vec<&str> = sc.kinds.iter().map(|k| k.name.as_str()).collect();
                c.unknown_ref(&format!("{p}.kind"), format!("kind `{k}` is not defined"), "kind", &names);
                return None;
            }
        },
    };
    match (&t.group, kind) {
        (Some(g), _) => {
            let Some(i) = sc.groups.iter().position(|x| &x.name == g) else {
                let names: Vec<&str> = sc.groups.iter().map(|g| g.name.as_str()).collect();
                c.unknown_ref(&format!("{p}.group"), format!("group `{g}` is not defined"), "group", &names);
                return None;
            };
            if let Some(k) = kind
                && sc.groups[i].kind != k
            {
                let msg = format!("group `{g}` is not of kind `{}`", sc.kinds[k].name);
                let hint =
                    format!("group `{g}` holds subjects of kind `{}`", sc.kinds[sc.groups[i].kind].name);
                c.error(&format!("{p}.group"), msg, hint);
                return None;
            }
            Some(i)
        }
        (None, Some(k)) => {
            let found = sc.groups.iter().position(|g| g.kind == k);
            if found.is_none() {
                let msg = format!("no group holds subjects of kind `{}`", sc.kinds[k].name);
                c.error(&format!("{p}.kind"), msg, "give the kind a share of the population".to_owned());
            }
            found
        }
        // the first kind's first group (groups are laid out by kind, but be exact)
        (None, None) => Some(sc.groups.iter().position(|g| g.kind == 0).unwrap_or(0)),
    }
}

/// A step at `path` must lie within the scenario.
fn step_in(c: &mut Checker, path: &str, step: i64, sc: &Scenario, desc: &str) -> Option<u32> {
    c.at(path)?;
    let last = i64::from(sc.steps) - 1;
    if (0..=last).contains(&step) {
        return Some(step as u32);
    }
    let hint = format!("steps count from 0; the scenario has {} steps, so the last is {last}", sc.steps);
    c.error(path, format!("{desc} must be between 0 and {last}, found `{}`", c.src(path)), hint);
    None
}

/// Resolve one `[[test.expect]]`.
fn expectation(c: &mut Checker, p: &str, x: &super::spec::ExpectSpec, sc: &Scenario) -> Option<Expectation> {
    let step = step_in(c, &format!("{p}.step"), x.step, sc, "an expectation's `step`");
    let checks_something = x.score.is_some()
        || x.tier.is_some()
        || x.perks.is_some()
        || x.restrictions.is_some()
        || x.lists.is_some();
    if !checks_something && c.at(p).is_some() {
        let hint = "add what the state should be at that step, like `score = 950` or `lists = [\"debtors\"]`";
        c.error(p, "this expectation checks nothing but its `step`".to_owned(), hint.to_owned());
    }
    let mut spans = vec![("table", c.at(p).unwrap_or(0..0))];
    let tier = x.tier.as_ref().and_then(|name| {
        let path = format!("{p}.tier");
        spans.push(("tier", c.at(&path)?));
        let found = sc.tiers.iter().position(|t| &t.name == name);
        if found.is_none() {
            let names: Vec<&str> = sc.tiers.iter().map(|t| t.name.as_str()).collect();
            c.unknown_ref(&path, format!("tier `{name}` is not defined"), "tier", &names);
        }
        found
    });
    let ids = |c: &mut Checker,
               spans: &mut Vec<_>,
               key: &'static str,
               noun: &str,
               names: Option<&Vec<String>>,
               defined: Vec<&str>| {
        let names = names?;
        let path = format!("{p}.{key}");
        spans.push((key, c.at(&path)?));
        let mut out = Vec::new();
        for n in names {
            match defined.iter().position(|d| d == n) {
                Some(i) => out.push(i),
                None => c.unknown_name(&path, format!("{noun} `{n}` is not defined"), noun, n, &defined),
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    };
    let perks = ids(
        c,
        &mut spans,
        "perks",
        "perk",
        x.perks.as_ref(),
        sc.perks.iter().map(|x| x.id.as_str()).collect(),
    );
    let restrictions = ids(
        c,
        &mut spans,
        "restrictions",
        "restriction",
        x.restrictions.as_ref(),
        sc.restrictions.iter().map(|x| x.id.as_str()).collect(),
    );
    let lists = ids(
        c,
        &mut spans,
        "lists",
        "list",
        x.lists.as_ref(),
        sc.lists.iter().map(|x| x.id.as_str()).collect(),
    );
    if let Some(s) = c.at(&format!("{p}.score")) {
        spans.push(("score", s));
    }
    Some(Expectation { step: step?, score: x.score, tier, perks, restrictions, lists, spans })
}
