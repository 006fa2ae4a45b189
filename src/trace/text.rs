//! The plain-language rendering of a [`Trace`]: a header, one line per event,
//! indented standing changes at step ends, and a final line.

use std::fmt::Write as _;

use super::{Event, Note, Noted, Status, StepEnd, Trace};
use crate::engine::{Cause, ListReason, Skip};
use crate::scenario::{Entry, Scenario};

/// One line of the history: an event or a note.
enum Item<'a> {
    Event(&'a Event),
    Note(&'a Noted),
}

impl Item<'_> {
    fn step(&self) -> u32 {
        match self {
            Item::Event(e) => e.step,
            Item::Note(n) => n.step,
        }
    }
}

/// Events and notes in the order they happened.
fn items(t: &Trace) -> Vec<Item<'_>> {
    let mut out = Vec::with_capacity(t.events.len() + t.notes.len());
    let mut notes = t.notes.iter().peekable();
    for (i, e) in t.events.iter().enumerate() {
        while let Some(n) = notes.next_if(|n| n.after_events <= i) {
            out.push(Item::Note(n));
        }
        out.push(Item::Event(e));
    }
    out.extend(notes.map(Item::Note));
    out
}

/// Render `t` (see [`Trace::to_text`]).
pub(super) fn render(t: &Trace, s: &Scenario) -> String {
    let unit = s.step.as_str();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "subject {} (group {}) in {}, seed {}, {}",
        t.subject,
        s.groups[t.group].name,
        s.name,
        t.seed,
        count(u64::from(s.steps), unit)
    );
    let _ = writeln!(out, "start: {}", standing(s, &t.start));
    if t.events.is_empty() && t.notes.is_empty() {
        let _ = writeln!(out, "no score changes in {}", count(u64::from(s.steps), unit));
    }
    let mut ends = t.step_ends.iter().peekable();
    let items = items(t);
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Event(e) => {
                let _ = writeln!(out, "{unit} {}: {}", e.step + 1, event(s, e, t.start.score));
            }
            // a wrongful record qualifies the event above it: indented, undated
            Item::Note(n) if matches!(n.note, Note::Wrongful(_)) => {
                let _ = writeln!(out, "  {}", note(s, &n.note));
            }
            Item::Note(n) => {
                let _ = writeln!(out, "{unit} {}: {}", n.step + 1, note(s, &n.note));
            }
        }
        let last_of_step = items.get(i + 1).is_none_or(|next| next.step() != item.step());
        if last_of_step && let Some(end) = ends.next_if(|end| end.step == item.step()) {
            step_end(&mut out, s, end);
        }
    }
    let _ = writeln!(out, "final after {}: {}", count(u64::from(s.steps), unit), standing(s, &t.end));
    out
}

/// `score 1000, tier A; perks: a, b; restrictions: none` (and `; lists: x`
/// when the scenario has lists).
fn standing(s: &Scenario, st: &Status) -> String {
    let perks: Vec<&str> = st.perks.iter().map(|&p| s.perks[p].id.as_str()).collect();
    let restrictions: Vec<&str> = st.restrictions.iter().map(|&r| s.restrictions[r].id.as_str()).collect();
    let mut line = format!(
        "score {}, tier {}; perks: {}; restrictions: {}",
        st.score,
        s.tiers[st.tier].name,
        list(&perks),
        list(&restrictions)
    );
    if !s.lists.is_empty() {
        let lists: Vec<&str> = st.lists.iter().map(|&l| s.lists[l].id.as_str()).collect();
        let _ = write!(line, "; lists: {}", list(&lists));
    }
    line
}

/// The text after `month 7: ` for a note (a wrongful record's line is indented instead).
fn note(s: &Scenario, n: &Note) -> String {
    let unit = s.step.as_str();
    match *n {
        Note::Listed { list, on, why } => {
            let id = &s.lists[list].id;
            let because = match why {
                ListReason::Rule(r) => format!("a `{}` record", s.rules[r].id),
                ListReason::Score => match s.lists[list].entry {
                    Entry::Below(x) if on => format!("the score fell below {x}"),
                    Entry::Below(x) => format!("the score is back to {x} or more"),
                    Entry::AtLeast(x) if on => format!("the score reached {x}"),
                    Entry::AtLeast(x) => format!("the score fell below {x}"),
                    Entry::Rule { .. } => "the score".to_owned(),
                },
                ListReason::Inherited => "inherited from the household head".to_owned(),
                ListReason::Served => {
                    format!("served its {}", count(u64::from(s.lists[list].duration.unwrap_or(0)), unit))
                }
                ListReason::Clean => format!(
                    "{} without a negative record",
                    count(u64::from(s.lists[list].clear_after_clean.unwrap_or(0)), &format!("clean {unit}"))
                ),
                ListReason::Cleared(r) => format!("cleared by a `{}` event", s.rules[r].id),
                ListReason::Appeal(r) => format!("the appeal against the `{}` record was won", s.rules[r].id),
                ListReason::HeadLeft => "the household head left it".to_owned(),
            };
            if on {
                format!("listed on `{id}` at the end of the {unit}: {because}")
            } else {
                format!("off list `{id}` at the end of the {unit}: {because}")
            }
        }
        Note::Appeal { rule, won } => format!(
            "appeal against the wrongful `{}` record {}",
            s.rules[rule].id,
            if won { "won" } else { "lost: the record stands" }
        ),
        Note::Skipped { rule, why } => {
            let why = match why {
                Skip::NoPerk(p) => {
                    format!("it needs perk `{}`, which the subject does not hold", s.perks[p].id)
                }
                Skip::NotListed(l) => {
                    format!("it needs list `{}`, which the subject is not on", s.lists[l].id)
                }
                Skip::Cap => {
                    format!("its cap of {} a year is reached", s.rules[rule].max_per_year.unwrap_or(0))
                }
                Skip::Disabled => "the rule is not in force at that step".to_owned(),
            };
            format!("a scripted `{}` event cannot happen: {why}", s.rules[rule].id)
        }
        Note::Wrongful(_) => "a wrongful record: the subject did nothing".to_owned(),
    }
}

/// The text after `month 7: ` for one event of a subject whose start score is `start`.
fn event(s: &Scenario, e: &Event, start: i64) -> String {
    let unit = s.step.as_str();
    match e.cause {
        Cause::Rule(r) => {
            let rule = &s.rules[r];
            let mut line = format!("{} for `{}`", signed(rule.points), rule.id);
            if rule.label != rule.id {
                let _ = write!(line, " ({})", rule.label);
            }
            if e.after == e.before {
                let why = if rule.more.repair && rule.points > 0 {
                    "a repair never lifts a score above its start, nor past the yearly allowance".to_owned()
                } else {
                    format!("the {}", bound(s, e.after))
                };
                let _ = write!(line, ", score stays {} ({why})", e.after);
            } else {
                let _ = write!(line, ", score {} → {}", e.before, e.after);
                if e.points() != rule.points {
                    let _ = write!(line, " (clamped at the {})", bound(s, e.after));
                }
            }
            let nth = e.nth_in_year.unwrap_or(0);
            let _ = write!(line, ", {} in this scenario year", ordinal(nth));
            line
        }
        Cause::Restore => format!(
            "{} restored after {}, score {} → {}",
            signed(e.points()),
            count(u64::from(s.recovery.restore_after.unwrap_or(0)), &format!("clean {unit}")),
            e.before,
            e.after
        ),
        Cause::Drift => {
            format!("{} drift toward {start}, score {} → {}", signed(e.points()), e.before, e.after)
        }
        Cause::Expire(r) => format!(
            "{} back: a `{}` record expired, score {} → {}",
            signed(e.points()),
            s.rules[r].id,
            e.before,
            e.after
        ),
        Cause::Appeal(r) => format!(
            "{} back: an appeal against a wrongful `{}` record was won, score {} → {}",
            signed(e.points()),
            s.rules[r].id,
            e.before,
            e.after
        ),
        Cause::Listing(l) => {
            format!(
                "{} on entering list `{}`, score {} → {}",
                signed(e.points()),
                s.lists[l].id,
                e.before,
                e.after
            )
        }
    }
}

/// Indented lines for a change of standing at the end of a step.
fn step_end(out: &mut String, s: &Scenario, end: &StepEnd) {
    let month = format!("{} {}", s.step.as_str(), end.step + 1);
    let (from, to) = (&s.tiers[end.from.tier].name, &s.tiers[end.to.tier].name);
    if end.to.tier < end.from.tier {
        let _ = writeln!(out, "  lost tier {from} at the end of {month} (now {to})");
    } else if end.to.tier > end.from.tier {
        let _ = writeln!(out, "  reached tier {to} at the end of {month}");
    }
    for p in end.from.perks.iter().filter(|p| !end.to.perks.contains(p)) {
        let _ = writeln!(out, "  lost perk {}", s.perks[*p].id);
    }
    for p in end.to.perks.iter().filter(|p| !end.from.perks.contains(p)) {
        let _ = writeln!(out, "  gained perk {}", s.perks[*p].id);
    }
    for r in end.from.restrictions.iter().filter(|r| !end.to.restrictions.contains(r)) {
        let _ = writeln!(out, "  restriction {} lifted", s.restrictions[*r].id);
    }
    for r in end.to.restrictions.iter().filter(|r| !end.from.restrictions.contains(r)) {
        let _ = writeln!(out, "  restriction {} imposed", s.restrictions[*r].id);
    }
    // list changes have their own lines, from the notes
}

/// `maximum` or `minimum`: the clamp bound a score sits at (its kind's own
/// clamp when it is at neither of the scenario's).
fn bound(s: &Scenario, score: i64) -> &'static str {
    if s.score.max == Some(score) {
        "maximum"
    } else if s.score.min == Some(score) {
        "minimum"
    } else if s.kinds.iter().any(|k| k.max == Some(score)) {
        "maximum for its kind"
    } else {
        "minimum for its kind"
    }
}

/// `+5`, `−20` (with a minus sign), `0`.
fn signed(points: i64) -> String {
    match points {
        0 => "0".into(),
        p if p > 0 => format!("+{p}"),
        p => format!("\u{2212}{}", p.unsigned_abs()),
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `12th`, `13th`, `21st`, ...
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// `1 month`, `36 months`.
fn count(n: u64, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

/// `a, b` or `none`.
fn list(items: &[&str]) -> String {
    if items.is_empty() { "none".into() } else { items.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112].map(ordinal).into();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th",
                "112th"
            ]
        );
    }

    #[test]
    fn signed_points_use_a_minus_sign() {
        assert_eq!([signed(5), signed(0), signed(-20)], ["+5", "0", "\u{2212}20"]);
    }

    #[test]
    fn clamped_events_and_drift_read_plainly() {
        let text = "[scenario]\nname = \"c\"\nsteps = 12\n[score]\nstart = 10\nmin = 0\nmax = 20\n\
                    [population]\nsize = 1\n[[rule]]\nid = \"fine\"\npoints = -15\nrate = 1\n\
                    [[rule]]\nid = \"bonus\"\nlabel = \"Bonus\"\npoints = 5\nrate = 1\n[recovery]\ndrift = 2\n";
        let s = crate::scenario::parse(text, "c.toml").unwrap().scenario;
        let e =
            |cause, before, after, nth| Event { step: 0, time: 0.5, cause, before, after, nth_in_year: nth };
        assert_eq!(
            event(&s, &e(Cause::Rule(0), 10, 0, Some(1)), 10),
            "\u{2212}15 for `fine`, score 10 → 0 (clamped at the minimum), 1st in this scenario year"
        );
        assert_eq!(
            event(&s, &e(Cause::Rule(1), 20, 20, Some(3)), 10),
            "+5 for `bonus` (Bonus), score stays 20 (the maximum), 3rd in this scenario year"
        );
        assert_eq!(event(&s, &e(Cause::Drift, 0, 2, None), 10), "+2 drift toward 10, score 0 → 2");
    }

    #[test]
    fn a_withheld_repair_is_not_called_a_clamp() {
        let text = "[scenario]\nname = \"r\"\nsteps = 12\n[score]\nstart = 10\nmin = 0\nmax = 20\n\
                    [population]\nsize = 1\n[[rule]]\nid = \"pay\"\npoints = 5\nrate = 1\nrepair = true\n";
        let s = crate::scenario::parse(text, "r.toml").unwrap().scenario;
        let e =
            Event { step: 0, time: 0.5, cause: Cause::Rule(0), before: 10, after: 10, nth_in_year: Some(1) };
        assert_eq!(
            event(&s, &e, 10),
            "+5 for `pay`, score stays 10 (a repair never lifts a score above its start, nor past the yearly \
             allowance), 1st in this scenario year"
        );
    }

    #[test]
    fn counts_are_plural_except_one() {
        assert_eq!([count(1, "clean month"), count(24, "clean month")], ["1 clean month", "24 clean months"]);
    }
}
