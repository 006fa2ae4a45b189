//! The ledger's rows: every score change and listing of chosen subjects, one
//! row each, for audits and for analyses the summary tables cannot answer.
//!
//! The rows come from [`Tracer::trace`], which replays each subject from the
//! seed, so the ledger holds exactly the histories of the run. This module
//! builds the [`Table`]; `output` turns it into bytes (`ledger.parquet`, with
//! `output::parquet::table_parquet`).

use rayon::prelude::*;

use super::{Note, Status, Trace, Tracer};
use crate::engine::Cause;
use crate::population::Population;
use crate::results::table::{ColumnData, Table};
use crate::scenario::Scenario;

pub use crate::budget::{LEDGER_BYTES_PER_ROW, MAX_LEDGER_ROWS};

/// Which subjects a ledger holds: all of them, or a systematic sample of
/// `k`: subjects `⌊i·N/k⌋` for `i` in `0..k`, spread evenly over the
/// population (and so over its groups, which are laid out in blocks).
pub fn ledger_subjects(population: u64, sample: Option<u64>) -> Vec<u64> {
    match sample {
        Some(k) if k < population => {
            (0..k).map(|i| (u128::from(i) * u128::from(population) / u128::from(k)) as u64).collect()
        }
        _ => (0..population).collect(),
    }
}

/// The ledger of `subjects` under `scenario` and `seed` as a table, one row
/// per score change or listing, subjects in the order given and each
/// subject's rows in time order. Subjects are replayed in parallel on the
/// current rayon pool, a block at a time, so the traces of all of them are
/// never held at once.
///
/// Columns: `subject`, `group`, `kind`, `step` (0-based), `time` (in steps
/// since the start), `cause` (`rule`, `restore`, `drift`, `expire`,
/// `appeal`, `listing` for the points a listing brings, `listed`,
/// `delisted`, and `none` for the one row of a subject with none of
/// these: every subject given has at least one row), `rule` (the rule for `rule`, `expire` and `appeal`, and the
/// rule that caused or cleared a listing), `list` (for `listing`, `listed`,
/// `delisted`), `reason` (why a subject was listed or delisted: `rule`,
/// `score`, `inherited`, `served`, `clean`, `cleared`, `appeal`,
/// `head_left`), `wrongful` (a rule event recorded on a subject who did
/// nothing), `points` (applied, after clamping), `score_before`,
/// `score_after`, `tier_before`, `tier_after`, and what changed at the end
/// of the step, on the step's last row only: `perks_gained`, `perks_lost`,
/// `restrictions_imposed`, `restrictions_lifted`, `lists_joined`,
/// `lists_left` (ids joined by `;`, null when none).
pub fn ledger_table(scenario: &Scenario, population: &Population, seed: u64, subjects: &[u64]) -> Table {
    const BLOCK: usize = 4096;
    let tracer = Tracer::new(scenario);
    let mut b = Builder::default();
    for block in subjects.chunks(BLOCK) {
        let traces: Vec<Trace> = block.par_iter().map(|&id| tracer.trace(population, seed, id)).collect();
        for t in &traces {
            rows(scenario, t, &mut b);
        }
    }
    b.into_table()
}

impl Builder {
    /// The columns as a table.
    fn into_table(self) -> Table {
        let mut table = Table::default();
        let Builder {
            subject,
            group,
            kind,
            step,
            time,
            cause,
            rule,
            list,
            reason,
            wrongful,
            points,
            score_before,
            score_after,
            tier_before,
            tier_after,
            changes,
        } = self;
        table.push("subject", ColumnData::I64(subject));
        table.push("group", ColumnData::Utf8(group));
        table.push("kind", ColumnData::Utf8(kind));
        table.push("step", ColumnData::I64(step));
        table.push("time", ColumnData::F64(time));
        table.push("cause", ColumnData::Utf8(cause));
        table.push("rule", ColumnData::Utf8(rule));
        table.push("list", ColumnData::Utf8(list));
        table.push("reason", ColumnData::Utf8(reason));
        table.push("wrongful", ColumnData::Bool(wrongful));
        table.push("points", ColumnData::I64(points));
        table.push("score_before", ColumnData::I64(score_before));
        table.push("score_after", ColumnData::I64(score_after));
        table.push("tier_before", ColumnData::Utf8(tier_before));
        table.push("tier_after", ColumnData::Utf8(tier_after));
        for (name, col) in CHANGE_COLUMNS.iter().zip(changes) {
            table.push(*name, ColumnData::Utf8(col));
        }
        table
    }
}

/// The end-of-step change columns, in order.
const CHANGE_COLUMNS: [&str; 6] = [
    "perks_gained",
    "perks_lost",
    "restrictions_imposed",
    "restrictions_lifted",
    "lists_joined",
    "lists_left",
];

/// The columns being filled.
#[derive(Default)]
struct Builder {
    subject: Vec<Option<i64>>,
    group: Vec<Option<String>>,
    kind: Vec<Option<String>>,
    step: Vec<Option<i64>>,
    time: Vec<Option<f64>>,
    cause: Vec<Option<String>>,
    rule: Vec<Option<String>>,
    list: Vec<Option<String>>,
    reason: Vec<Option<String>>,
    wrongful: Vec<Option<bool>>,
    points: Vec<Option<i64>>,
    score_before: Vec<Option<i64>>,
    score_after: Vec<Option<i64>>,
    tier_before: Vec<Option<String>>,
    tier_after: Vec<Option<String>>,
    changes: [Vec<Option<String>>; 6],
}

/// One row before it is split into columns.
struct Row<'a> {
    step: u32,
    time: f64,
    cause: &'static str,
    rule: Option<&'a str>,
    list: Option<&'a str>,
    reason: Option<&'static str>,
    wrongful: bool,
    before: i64,
    after: i64,
}

/// Append the rows of one subject.
fn rows<'a>(s: &'a Scenario, t: &Trace, b: &mut Builder) {
    let rule_id = |r: usize| Some(s.rules[r].id.as_str());
    let mut out: Vec<Row<'a>> = Vec::new();
    let mut notes = t.notes.iter().peekable();
    let mut score = t.start.score;
    let mut push_notes = |upto: usize, score: i64, out: &mut Vec<Row<'a>>| {
        while let Some(n) = notes.next_if(|n| n.after_events <= upto) {
            match n.note {
                Note::Listed { list, on, why } => {
                    let (reason, rule) = (why.word(), why.rule());
                    out.push(Row {
                        step: n.step,
                        time: f64::from(n.step + 1),
                        cause: if on { "listed" } else { "delisted" },
                        rule: rule.and_then(rule_id),
                        list: Some(s.lists[list].id.as_str()),
                        reason: Some(reason),
                        wrongful: false,
                        before: score,
                        after: score,
                    });
                }
                Note::Wrongful(_) => {
                    if let Some(last) = out.last_mut() {
                        last.wrongful = true;
                    }
                }
                Note::Appeal { .. } | Note::Skipped { .. } => {}
            }
        }
    };
    for (i, e) in t.events.iter().enumerate() {
        push_notes(i, score, &mut out);
        let (cause, rule, list) = match e.cause {
            Cause::Rule(r) => ("rule", rule_id(r), None),
            Cause::Restore => ("restore", None, None),
            Cause::Drift => ("drift", None, None),
            Cause::Expire(r) => ("expire", rule_id(r), None),
            Cause::Appeal(r) => ("appeal", rule_id(r), None),
            Cause::Listing(l) => ("listing", None, Some(s.lists[l].id.as_str())),
        };
        out.push(Row {
            step: e.step,
            time: e.time,
            cause,
            rule,
            list,
            reason: None,
            wrongful: false,
            before: e.before,
            after: e.after,
        });
        score = e.after;
    }
    push_notes(usize::MAX, score, &mut out);
    if out.is_empty() {
        // a subject whose score never changed and who was never listed still
        // has a row, so the ledger names every subject it holds
        out.push(Row {
            step: 0,
            time: 0.0,
            cause: "none",
            rule: None,
            list: None,
            reason: None,
            wrongful: false,
            before: t.start.score,
            after: t.start.score,
        });
    }

    let group = &s.groups[t.group];
    let kind = &s.kinds[group.kind].name;
    let mut ends = t.step_ends.iter().peekable();
    for (i, r) in out.iter().enumerate() {
        b.subject.push(Some(t.subject as i64));
        b.group.push(Some(group.name.clone()));
        b.kind.push(Some(kind.clone()));
        b.step.push(Some(i64::from(r.step)));
        b.time.push(Some(r.time));
        b.cause.push(Some(r.cause.to_owned()));
        b.rule.push(r.rule.map(str::to_owned));
        b.list.push(r.list.map(str::to_owned));
        b.reason.push(r.reason.map(str::to_owned));
        b.wrongful.push(Some(r.wrongful));
        b.points.push(Some(r.after - r.before));
        b.score_before.push(Some(r.before));
        b.score_after.push(Some(r.after));
        // a rule event happens during its step, under that step's rules; the
        // rest happens at the step's end, under the rules of the next step
        let rules = s.in_force(if r.cause == "rule" { r.step } else { r.step + 1 });
        b.tier_before.push(Some(rules.tiers[rules.tier_of(r.before)].name.clone()));
        b.tier_after.push(Some(rules.tiers[rules.tier_of(r.after)].name.clone()));
        let last_of_step = out.get(i + 1).is_none_or(|next| next.step != r.step);
        let end = if last_of_step { ends.next_if(|e| e.step == r.step) } else { None };
        let diffs = end.map(|e| changes(s, &e.from, &e.to));
        for (k, col) in b.changes.iter_mut().enumerate() {
            col.push(diffs.as_ref().and_then(|d| d[k].clone()));
        }
    }
}

/// The six change columns between two standings.
fn changes(s: &Scenario, from: &Status, to: &Status) -> [Option<String>; 6] {
    let joined = |a: &[usize], b: &[usize], name: &dyn Fn(usize) -> String| {
        let v: Vec<String> = b.iter().filter(|x| !a.contains(x)).map(|&x| name(x)).collect();
        (!v.is_empty()).then(|| v.join(";"))
    };
    let perk = |i: usize| s.perks[i].id.clone();
    let restriction = |i: usize| s.restrictions[i].id.clone();
    let list = |i: usize| s.lists[i].id.clone();
    [
        joined(&from.perks, &to.perks, &perk),
        joined(&to.perks, &from.perks, &perk),
        joined(&from.restrictions, &to.restrictions, &restriction),
        joined(&to.restrictions, &from.restrictions, &restriction),
        joined(&from.lists, &to.lists, &list),
        joined(&to.lists, &from.lists, &list),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_systematic_sample_spreads_over_the_population() {
        assert_eq!(ledger_subjects(10, Some(3)), [0, 3, 6]);
        assert_eq!(ledger_subjects(10, Some(5)), [0, 2, 4, 6, 8]);
        assert_eq!(
            ledger_subjects(4, Some(10)),
            [0, 1, 2, 3],
            "a sample larger than the population is everyone"
        );
        assert_eq!(ledger_subjects(4, None), [0, 1, 2, 3]);
        let big = ledger_subjects(u64::MAX, Some(2));
        assert_eq!(big, [0, u64::MAX / 2]);
    }
}
