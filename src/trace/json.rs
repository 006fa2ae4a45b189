//! The JSON rendering of traces, for scripts: one document, keys in a fixed order.

use serde::Serialize;

use super::{Note, Status, Trace};
use crate::engine::Cause;
use crate::scenario::Scenario;

/// Traces of one scenario and seed as one pretty-printed JSON document (with a
/// trailing newline).
///
/// Shape, keys in this order: `{"scenario", "seed", "subjects": [{"subject",
/// "group", "start", "final": {"score", "tier", "perks", "restrictions",
/// "lists"}, "events": [{"step", "time", "cause", "rule", "points",
/// "score_before", "score_after", "wrongful"}], "tier_changes": [{"step",
/// "from", "to"}], "listings": [{"step", "list", "on", "reason", "rule"}],
/// "appeals": [{"step", "rule", "won"}]}]}`. `step` is the 0-based step
/// index; `time` is in steps since the start; `cause` is `rule`, `restore`,
/// `drift`, `expire`, `appeal` or `listing`, and `rule` the rule id (the
/// list id for `listing`) or `null`; `points` is the change actually applied
/// (`score_after - score_before`, 0 when the clamp absorbed it); `wrongful`
/// marks a rule event recorded on a subject who did nothing. A tier change,
/// a listing (`on` true) or delisting and an appeal decision are dated by the
/// step at whose end they happened; a listing's `reason` is `rule`, `score`,
/// `inherited`, `served`, `clean`, `cleared`, `appeal` or `head_left`, with
/// the rule id for `rule`, `cleared` and `appeal`.
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
    listings: Vec<ListingDoc<'a>>,
    appeals: Vec<AppealDoc<'a>>,
}

#[derive(Serialize)]
struct ListingDoc<'a> {
    step: u32,
    list: &'a str,
    on: bool,
    reason: &'static str,
    rule: Option<&'a str>,
}

#[derive(Serialize)]
struct AppealDoc<'a> {
    step: u32,
    rule: &'a str,
    won: bool,
}

#[derive(Serialize)]
struct StatusDoc<'a> {
    score: i64,
    tier: &'a str,
    perks: Vec<&'a str>,
    restrictions: Vec<&'a str>,
    lists: Vec<&'a str>,
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
    wrongful: bool,
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
        .enumerate()
        .map(|(i, e)| {
            // notes are in order of `after_events`: look only at this event's
            let from = t.notes.partition_point(|n| n.after_events < i + 1);
            let wrongful = t.notes[from..]
                .iter()
                .take_while(|n| n.after_events == i + 1)
                .any(|n| matches!(n.note, Note::Wrongful(_)));
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
                wrongful,
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
        listings: t
            .notes
            .iter()
            .filter_map(|n| match n.note {
                Note::Listed { list, on, why } => {
                    let (reason, rule) = (why.word(), why.rule());
                    let rule = rule.map(|r| s.rules[r].id.as_str());
                    Some(ListingDoc { step: n.step, list: &s.lists[list].id, on, reason, rule })
                }
                _ => None,
            })
            .collect(),
        appeals: t
            .notes
            .iter()
            .filter_map(|n| match n.note {
                Note::Appeal { rule, won } => Some(AppealDoc { step: n.step, rule: &s.rules[rule].id, won }),
                _ => None,
            })
            .collect(),
    }
}

fn status<'a>(s: &'a Scenario, st: &Status) -> StatusDoc<'a> {
    StatusDoc {
        score: st.score,
        tier: &s.tiers[st.tier].name,
        perks: st.perks.iter().map(|&p| s.perks[p].id.as_str()).collect(),
        restrictions: st.restrictions.iter().map(|&r| s.restrictions[r].id.as_str()).collect(),
        lists: st.lists.iter().map(|&l| s.lists[l].id.as_str()).collect(),
    }
}
