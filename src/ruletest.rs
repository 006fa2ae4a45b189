//! Running rule tests (`[[test]]`): each test's subject lives through the
//! scenario with only its scripted events, and its state at each expected
//! step is compared with what the test says.
//!
//! Nothing is random, so a test passes or fails the same way every time;
//! the subject's history ([`Trace`]) comes with the result to explain a failure.

use std::ops::Range;

use crate::scenario::{Expectation, RuleTest, Scenario};
use crate::trace::{self, Note, OnLists, Status, Trace};

/// The result of one rule test.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Every expectation that did not hold (empty: the test passed).
    pub failures: Vec<Failure>,
    /// The subject's history.
    pub trace: Trace,
}

impl Outcome {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One expected value that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The step at whose end it was checked.
    pub step: u32,
    /// What was checked: `score`, `tier`, `perks`, `restrictions` or `lists`.
    pub key: &'static str,
    /// The expected value, as the test writes it.
    pub expected: String,
    /// The value the scenario gives.
    pub actual: String,
    /// Where the expected value is written, in the test's file.
    pub span: Range<usize>,
}

/// Run `test` under `s`.
///
/// # Example
///
/// ```
/// let text = "[scenario]\nname = \"demo\"\nsteps = 12\n[score]\nstart = 100\n[population]\nsize = 10\n\
///             [[rule]]\nid = \"late_fee\"\npoints = -5\nrate = 2.0\n\
///             [[test]]\nname = \"two fees\"\nevents = [{ step = 1, rule = \"late_fee\", count = 2 }]\n\
///             [[test.expect]]\nstep = 0\nscore = 100\n[[test.expect]]\nstep = 1\nscore = 90\n";
/// let loaded = pointsim::scenario::parse(text, "demo.toml").unwrap();
/// let outcome = pointsim::ruletest::run(&loaded.scenario, &loaded.tests[0]);
/// assert!(outcome.passed(), "{:?}", outcome.failures);
/// ```
pub fn run(s: &Scenario, test: &RuleTest) -> Outcome {
    let trace = trace::script(s, test.group, &test.events);
    let kind = s.groups[test.group].kind;
    let mut failures = Vec::new();
    for x in &test.expect {
        let got = state_at(s, kind, &trace, x.step);
        check(s, x, &got, &mut failures);
    }
    Outcome { failures, trace }
}

/// The subject's state at the end of `step`.
fn state_at(s: &Scenario, kind: usize, t: &Trace, step: u32) -> Status {
    let score = t.events.iter().take_while(|e| e.step <= step).last().map_or(t.start.score, |e| e.after);
    let mut lists = OnLists::new(s.lists.len());
    for n in t.notes.iter().take_while(|n| n.step <= step) {
        if let Note::Listed { list, on, why } = n.note {
            lists.apply(list, on, why);
        }
    }
    // the end of `step` is judged under the rules in force from the next step (a change applies there)
    Status::of(s.in_force(step + 1), kind, score, &lists.on())
}

/// A set-valued key: its name, the expected and actual indices, and how to name an index.
type Set<'a> = (&'static str, &'a Option<Vec<usize>>, &'a Vec<usize>, &'a dyn Fn(usize) -> String);

/// Compare one expectation with the state `got`.
fn check(s: &Scenario, x: &Expectation, got: &Status, out: &mut Vec<Failure>) {
    let mut fail = |key: &'static str, expected: String, actual: String| {
        out.push(Failure { step: x.step, key, expected, actual, span: x.span_of(key) });
    };
    if let Some(score) = x.score.filter(|&v| v != got.score) {
        fail("score", score.to_string(), got.score.to_string());
    }
    if let Some(tier) = x.tier.filter(|&v| v != got.tier) {
        fail("tier", s.tiers[tier].name.clone(), s.tiers[got.tier].name.clone());
    }
    let names = |ids: &[usize], name: &dyn Fn(usize) -> String| {
        let v: Vec<String> = ids.iter().map(|&i| format!("\"{}\"", name(i))).collect();
        format!("[{}]", v.join(", "))
    };
    let perk = |i: usize| s.perks[i].id.clone();
    let restriction = |i: usize| s.restrictions[i].id.clone();
    let list = |i: usize| s.lists[i].id.clone();
    let sets: [Set; 3] = [
        ("perks", &x.perks, &got.perks, &perk),
        ("restrictions", &x.restrictions, &got.restrictions, &restriction),
        ("lists", &x.lists, &got.lists, &list),
    ];
    for (key, want, have, name) in sets {
        if let Some(want) = want.as_ref().filter(|w| *w != have) {
            fail(key, names(want, name), names(have, name));
        }
    }
}
