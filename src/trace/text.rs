//! The plain-language rendering of a [`Trace`]: a header, one line per event,
//! indented standing changes at step ends, and a final line.

use std::fmt::Write as _;

use super::{Event, Status, StepEnd, Trace};
use crate::engine::Cause;
use crate::scenario::Scenario;

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
    if t.events.is_empty() {
        let _ = writeln!(out, "no score changes in {}", count(u64::from(s.steps), unit));
    }
    let mut ends = t.step_ends.iter().peekable();
    for (i, e) in t.events.iter().enumerate() {
        let _ = writeln!(out, "{unit} {}: {}", e.step + 1, event(s, e, t.start.score));
        let last_of_step = t.events.get(i + 1).is_none_or(|next| next.step != e.step);
        if last_of_step && let Some(end) = ends.next_if(|end| end.step == e.step) {
            step_end(&mut out, s, end);
        }
    }
    let _ = writeln!(out, "final after {}: {}", count(u64::from(s.steps), unit), standing(s, &t.end));
    out
}

/// `score 1000, tier A; perks: a, b; restrictions: none`.
fn standing(s: &Scenario, st: &Status) -> String {
    let perks: Vec<&str> = st.perks.iter().map(|&p| s.perks[p].id.as_str()).collect();
    let restrictions: Vec<&str> = st.restrictions.iter().map(|&r| s.restrictions[r].id.as_str()).collect();
    format!(
        "score {}, tier {}; perks: {}; restrictions: {}",
        st.score,
        s.tiers[st.tier].name,
        list(&perks),
        list(&restrictions)
    )
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
                let _ = write!(line, ", score stays {} (the {})", e.after, bound(s, e.after));
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
}

/// `maximum` or `minimum`: the clamp bound a score sits at.
fn bound(s: &Scenario, score: i64) -> &'static str {
    if s.score.max == Some(score) { "maximum" } else { "minimum" }
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
    fn counts_are_plural_except_one() {
        assert_eq!([count(1, "clean month"), count(24, "clean month")], ["1 clean month", "24 clean months"]);
    }
}
