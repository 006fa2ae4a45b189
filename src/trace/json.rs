//! The JSON rendering of traces, for scripts: one document, keys in a fixed order.

use serde::Serialize;

use super::{Status, Trace};
use crate::engine::Cause;
use crate::scenario::Scenario;

/// Traces of one scenario and seed as one pretty-printed JSON document (with a
/// trailing newline).
///
/// Shape, keys in this order: `{"scenario", "seed", "subjects": [{"subject",
/// "group", "start", "final": {"score", "tier", "perks", "restrictions"},
/// "events": [{"step", "time", "cause", "rule", "points", "score_before",
/// "score_after"}], "tier_changes": [{"step", "from", "to"}]}]}`. `step` is
/// the 0-based step index; `time` is in steps since the start; `cause` is
/// `rule`, `restore` or `drift`, and `rule` the rule id or `null`; `points`
/// is the change actually applied (`score_after - score_before`, 0 when the
/// clamp absorbed it). A tier change is dated by the step at whose end it happened.
///
/// # Example
///
/// ```
/// let text = "[scenario]\nname = \"demo\"\nsteps = 12\n[score]\nstart = 100\n[population]\nsize = 10\n";
/// let s = pointsim::scenario::parse(text, "demo.toml").unwrap().scenario;
/// let population = pointsim::population::Population::new(&s);
/// let t = pointsim::trace::trace(&s, &population, 1, 0);
/// let doc = pointsim::trace::json_document(&s, 1, &[t]);
/// let v: serde_json::Value = serde_json::from_slice(&doc).unwrap();
/// assert_eq!(v["subjects"][0]["final"]["score"], 100);
/// ```
pub fn json_document(s: &Scenario, seed: u64, traces: &[Trace]) -> Vec<u8> {
    let doc = Document { scenario: &s.name, seed, subjects: traces.iter().map(|t| subject(s, t)).collect() };
    let mut out = serde_json::to_vec_pretty(&doc).expect("traces contain only JSON-safe values");
    out.push(b'\n');
    out
}

#[derive(Serialize)]
struct Document<'a> {
    scenario: &'a str,
    seed: u64,
    subjects: Vec<SubjectDoc<'a>>,
}

#[derive(Serialize)]
struct SubjectDoc<'a> {
    subject: u64,
    group: &'a str,
    start: i64,
    #[serde(rename = "final")]
    end: StatusDoc<'a>,
    events: Vec<EventDoc<'a>>,
    tier_changes: Vec<TierChangeDoc<'a>>,
}

#[derive(Serialize)]
struct StatusDoc<'a> {
    score: i64,
    tier: &'a str,
    perks: Vec<&'a str>,
    restrictions: Vec<&'a str>,
}

#[derive(Serialize)]
struct EventDoc<'a> {
    step: u32,
    time: f64,
    cause: &'static str,
    rule: Option<&'a str>,
    points: i64,
    score_before: i64,
    score_after: i64,
}

#[derive(Serialize)]
struct TierChangeDoc<'a> {
    step: u32,
    from: &'a str,
    to: &'a str,
}

fn subject<'a>(s: &'a Scenario, t: &Trace) -> SubjectDoc<'a> {
    let events = t
        .events
        .iter()
        .map(|e| {
            let (cause, rule) = match e.cause {
                Cause::Rule(r) => ("rule", Some(s.rules[r].id.as_str())),
                Cause::Restore => ("restore", None),
                Cause::Drift => ("drift", None),
                Cause::Expire(r) => ("expire", Some(s.rules[r].id.as_str())),
                Cause::Appeal(r) => ("appeal", Some(s.rules[r].id.as_str())),
                Cause::Listing(l) => ("listing", Some(s.lists[l].id.as_str())),
            };
            EventDoc {
                step: e.step,
                time: e.time,
                cause,
                rule,
                points: e.points(),
                score_before: e.before,
                score_after: e.after,
            }
        })
        .collect();
    let tier_changes = t
        .step_ends
        .iter()
        .filter(|end| end.from.tier != end.to.tier)
        .map(|end| TierChangeDoc {
            step: end.step,
            from: &s.tiers[end.from.tier].name,
            to: &s.tiers[end.to.tier].name,
        })
        .collect();
    SubjectDoc {
        subject: t.subject,
        group: &s.groups[t.group].name,
        start: t.start.score,
        end: status(s, &t.end),
        events,
        tier_changes,
    }
}

fn status<'a>(s: &'a Scenario, st: &Status) -> StatusDoc<'a> {
    StatusDoc {
        score: st.score,
        tier: &s.tiers[st.tier].name,
        perks: st.perks.iter().map(|&p| s.perks[p].id.as_str()).collect(),
        restrictions: st.restrictions.iter().map(|&r| s.restrictions[r].id.as_str()).collect(),
    }
}
