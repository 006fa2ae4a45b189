//! Audit trail of one subject: every score change replayed from the seed,
//! with its listings, wrongful records and appeals, and the tier, perk,
//! restriction and list changes they cause at step ends.
//!
//! [`trace`] replays a subject with [`engine::replay`] (no population is run)
//! and numbers each rule event within its scenario year; [`Trace::to_text`]
//! and [`json_document`] render the result. Both renderings are pure.
//! [`ledger`] turns the traces of many subjects into the rows of the run's
//! ledger (a table; `output` writes it as `ledger.parquet`).

mod json;
pub mod ledger;
mod text;

use crate::engine::{self, Cause, ListReason, Observer, Skip};
use crate::population::Population;
use crate::scenario::Scenario;

pub use json::json_document;

/// One recorded event of a subject: a score change, or a rule event that the
/// clamp left without effect.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The 0-based step during which it happened.
    pub step: u32,
    /// Time in steps since the start. Rule events happen within their step
    /// (`step <= time < step + 1`); restorations and drift at its end (`step + 1`).
    pub time: f64,
    /// What changed the score.
    pub cause: Cause,
    /// Score before the event.
    pub before: i64,
    /// Score after the event (clamped). Equal to `before` when the clamp
    /// absorbed the whole change.
    pub after: i64,
    /// For a rule event, how many events of that rule the subject has had in
    /// the current scenario year, this one included (the count the yearly cap
    /// uses); `None` for restorations and drift.
    pub nth_in_year: Option<u32>,
}

impl Event {
    /// Points actually applied: `after - before`.
    pub fn points(&self) -> i64 {
        self.after - self.before
    }
}

/// Something other than a score change in a subject's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Note {
    /// The subject went on (`on`) or off a list (index) at the end of the step, for `why`.
    Listed {
        /// Index into [`Scenario::lists`].
        list: usize,
        /// On or off.
        on: bool,
        /// What put it on or took it off.
        why: ListReason,
    },
    /// The record of the rule event just before was wrongful (rule index).
    Wrongful(usize),
    /// An appeal against a wrongful record of the rule (index) was decided at the end of the step.
    Appeal {
        /// Index into [`Scenario::rules`].
        rule: usize,
        /// Won: the record is reversed.
        won: bool,
    },
    /// A scripted event of the rule (index) could not happen (rule tests only).
    Skipped {
        /// Index into [`Scenario::rules`].
        rule: usize,
        /// Why.
        why: Skip,
    },
}

/// A [`Note`] and where it falls in the history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Noted {
    /// The 0-based step.
    pub step: u32,
    /// How many [`Trace::events`] came before it.
    pub after_events: usize,
    /// What happened.
    pub note: Note,
}

/// What a subject has at some point: its score and what that score and its
/// listings give (tier, perks, restrictions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The score.
    pub score: i64,
    /// Index into [`Scenario::tiers`].
    pub tier: usize,
    /// Indices into [`Scenario::perks`] of the perks held, in file order.
    pub perks: Vec<usize>,
    /// Indices into [`Scenario::restrictions`] of the restrictions imposed, in file order.
    pub restrictions: Vec<usize>,
    /// Indices into [`Scenario::lists`] of the lists the subject is on, in file order.
    pub lists: Vec<usize>,
}

impl Status {
    /// What a subject of kind `kind` (index into [`Scenario::kinds`]) has at
    /// `score` while on the lists marked in `on` (indexed like [`Scenario::lists`]).
    pub fn of(s: &Scenario, kind: usize, score: i64, on: &[bool]) -> Status {
        Status {
            score,
            tier: s.tier_of(score),
            perks: (0..s.perks.len()).filter(|&p| s.holds_perk(p, kind, score, on)).collect(),
            restrictions: (0..s.restrictions.len())
                .filter(|&r| s.under_restriction(r, kind, score, on))
                .collect(),
            lists: (0..s.lists.len()).filter(|&l| on.get(l).copied().unwrap_or(false)).collect(),
        }
    }

    /// Whether `other` has the same tier, perks, restrictions and lists (the score may differ).
    pub fn same_standing(&self, other: &Status) -> bool {
        self.tier == other.tier
            && self.perks == other.perks
            && self.restrictions == other.restrictions
            && self.lists == other.lists
    }
}

/// The end of a step at which the tier, a perk or a restriction changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepEnd {
    /// The 0-based step that ended.
    pub step: u32,
    /// Standing at the end of the previous step.
    pub from: Status,
    /// Standing at the end of this step, after all of its events.
    pub to: Status,
}

/// The audit trail of one subject.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Subject number (0-based).
    pub subject: u64,
    /// Index into [`Scenario::groups`].
    pub group: usize,
    /// Seed of the replay.
    pub seed: u64,
    /// Standing at the start (the group's start score).
    pub start: Status,
    /// Every event, in time order.
    pub events: Vec<Event>,
    /// Listings, wrongful records and appeals, in time order, each placed among the events.
    pub notes: Vec<Noted>,
    /// Every step end at which the standing changed, in time order.
    pub step_ends: Vec<StepEnd>,
    /// Standing at the end of the last step.
    pub end: Status,
}

impl Trace {
    /// The trace as plain-language text, one line per event; see the module docs.
    ///
    /// Steps are counted from 1 in the scenario's unit (`month 7` is the 7th
    /// month, step index 6), and changes of tier, perks and restrictions are
    /// shown, indented, after the last event of the step at whose end they happen.
    pub fn to_text(&self, s: &Scenario) -> String {
        text::render(self, s)
    }
}

/// Replay `subject` of `population` under `scenario` with `seed` and build its trace.
///
/// # Panics
///
/// When `subject` is not below `population.len()`.
///
/// # Example
///
/// ```
/// let text = "[scenario]\nname = \"demo\"\nsteps = 12\n[score]\nstart = 100\n[population]\nsize = 10\n\
///             [[rule]]\nid = \"late_fee\"\npoints = -5\nrate = 2.0\n";
/// let s = pointsim::scenario::parse(text, "demo.toml").unwrap().scenario;
/// let population = pointsim::population::Population::new(&s);
/// let t = pointsim::trace::trace(&s, &population, 42, 3);
/// let full = pointsim::simulate(&s, 42, &|_| {});
/// assert_eq!(t.end.score, full.output.final_scores[3]);
/// ```
///
/// # Reproducibility
///
/// Uses the same random streams as a full run, so the events and the final
/// score are exactly those of that subject in `pointsim run` with the same
/// scenario, population size and seed.
pub fn trace(scenario: &Scenario, population: &Population, seed: u64, subject: u64) -> Trace {
    Tracer::new(scenario).trace(population, seed, subject)
}

/// Traces many subjects of one scenario, compiling it once ([`trace`] for each).
pub struct Tracer<'a> {
    scenario: &'a Scenario,
    replayer: engine::Replayer<'a>,
}

impl<'a> Tracer<'a> {
    /// Prepare `scenario` for traces.
    pub fn new(scenario: &'a Scenario) -> Self {
        Tracer { scenario, replayer: engine::Replayer::new(scenario) }
    }

    /// Exactly [`trace`].
    ///
    /// # Panics
    ///
    /// When `subject` is not below `population.len()`.
    pub fn trace(&self, population: &Population, seed: u64, subject: u64) -> Trace {
        assert!(
            subject < population.len(),
            "subject {subject} is outside a population of {}",
            population.len()
        );
        let group = population.group_of(subject);
        let mut log = Log::default();
        self.replayer.replay(population, seed, subject, &mut log);
        log.into_trace(self.scenario, group, subject, seed)
    }
}

/// The history of one subject of `group` under `scenario` with only the
/// scripted `events` (sorted by step), as a rule test runs it; `subject` is 0
/// and `seed` 0, since nothing is random.
pub fn script(scenario: &Scenario, group: usize, events: &[crate::scenario::ScriptedEvent]) -> Trace {
    let mut log = Log::default();
    engine::script(scenario, group, events, &mut log);
    log.into_trace(scenario, group, 0, 0)
}

/// Collects what the engine reports, unnumbered.
#[derive(Default)]
struct Log {
    events: Vec<Event>,
    notes: Vec<Noted>,
}

impl Log {
    fn note(&mut self, step: u32, note: Note) {
        self.notes.push(Noted { step, after_events: self.events.len(), note });
    }

    /// Number the events, and work out the standing at each step end.
    fn into_trace(self, s: &Scenario, group: usize, subject: u64, seed: u64) -> Trace {
        let kind = s.groups[group].kind;
        let events = number_in_year(self.events, s.step.steps_per_year(), s.rules.len());
        let start = Status::of(s, kind, s.groups[group].start, &[]);
        let (step_ends, end) = step_ends(s, kind, &start, &events, &self.notes);
        Trace { subject, group, seed, start, events, notes: self.notes, step_ends, end }
    }
}

impl Observer for Log {
    fn change(&mut self, step: u32, time: f64, cause: Cause, before: i64, after: i64) {
        self.events.push(Event { step, time, cause, before, after, nth_in_year: None });
    }

    fn unchanged(&mut self, step: u32, time: f64, rule: usize, score: i64) {
        self.events.push(Event {
            step,
            time,
            cause: Cause::Rule(rule),
            before: score,
            after: score,
            nth_in_year: None,
        });
    }

    fn wrongful(&mut self, step: u32, rule: usize) {
        self.note(step, Note::Wrongful(rule));
    }

    fn appeal(&mut self, step: u32, rule: usize, won: bool) {
        self.note(step, Note::Appeal { rule, won });
    }

    fn listed(&mut self, step: u32, list: usize, on: bool, why: ListReason) {
        self.note(step, Note::Listed { list, on, why });
    }

    fn skipped(&mut self, step: u32, rule: usize, why: Skip) {
        self.note(step, Note::Skipped { rule, why });
    }
}

/// Which lists a subject is on, from its own and its inherited listings.
#[derive(Debug, Clone, Default)]
pub(crate) struct OnLists {
    own: Vec<bool>,
    inherited: Vec<bool>,
}

impl OnLists {
    /// Nobody on any of `n` lists.
    pub(crate) fn new(n: usize) -> Self {
        OnLists { own: vec![false; n], inherited: vec![false; n] }
    }

    /// Apply one listing note.
    pub(crate) fn apply(&mut self, list: usize, on: bool, why: ListReason) {
        match why {
            ListReason::Inherited => self.inherited[list] = on,
            ListReason::HeadLeft => self.inherited[list] = false,
            _ => self.own[list] = on,
        }
    }

    /// The effective listings.
    pub(crate) fn on(&self) -> Vec<bool> {
        self.own.iter().zip(&self.inherited).map(|(a, b)| *a || *b).collect()
    }
}

/// Number every rule event within its rule and scenario year (steps
/// `y * steps_per_year ..` `(y + 1) * steps_per_year`), as the engine counts for caps.
fn number_in_year(mut events: Vec<Event>, steps_per_year: u32, rules: usize) -> Vec<Event> {
    let mut counts = vec![0u32; rules];
    let mut year = 0u32;
    for e in &mut events {
        if let Cause::Rule(r) = e.cause {
            let y = e.step / steps_per_year;
            if y != year {
                year = y;
                counts.iter_mut().for_each(|n| *n = 0);
            }
            counts[r] += 1;
            e.nth_in_year = Some(counts[r]);
        }
    }
    events
}

/// The step ends at which the standing changed (the score after the last
/// event of each step with events or notes, and the lists after its notes,
/// compared with the standing before it), and the final standing.
fn step_ends(
    s: &Scenario,
    kind: usize,
    start: &Status,
    events: &[Event],
    notes: &[Noted],
) -> (Vec<StepEnd>, Status) {
    let mut out = vec![];
    let mut standing = start.clone();
    let mut lists = OnLists::new(s.lists.len());
    let mut score = start.score;
    let mut steps: Vec<u32> = events.iter().map(|e| e.step).chain(notes.iter().map(|n| n.step)).collect();
    // a dated change can move the standing with no event: look at the end of the step before it
    steps.extend(s.changes.iter().map(|c| c.at - 1));
    steps.sort_unstable();
    steps.dedup();
    let (mut e, mut n) = (0, 0);
    for step in steps {
        while let Some(ev) = events.get(e).filter(|ev| ev.step <= step) {
            score = ev.after;
            e += 1;
        }
        while let Some(x) = notes.get(n).filter(|x| x.step <= step) {
            if let Note::Listed { list, on, why } = x.note {
                lists.apply(list, on, why);
            }
            n += 1;
        }
        // the standing at the end of `step`, under the rules in force from the next step
        let now = Status::of(s.in_force(step + 1), kind, score, &lists.on());
        if !now.same_standing(&standing) {
            out.push(StepEnd { step, from: standing, to: now.clone() });
        }
        standing = now;
    }
    standing.score = score;
    (out, standing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_event(step: u32, rule: usize) -> Event {
        Event {
            step,
            time: f64::from(step),
            cause: Cause::Rule(rule),
            before: 0,
            after: 0,
            nth_in_year: None,
        }
    }

    fn numbers(events: Vec<Event>, steps_per_year: u32) -> Vec<Option<u32>> {
        number_in_year(events, steps_per_year, 2).into_iter().map(|e| e.nth_in_year).collect()
    }

    #[test]
    fn counts_per_rule_and_reset_at_each_year_boundary() {
        // months: steps 0..12 are year 1, 12..24 year 2, 24.. year 3
        let events = vec![
            rule_event(0, 0),
            rule_event(3, 1),
            rule_event(11, 0),
            rule_event(11, 0),
            rule_event(12, 0),
            rule_event(23, 1),
            rule_event(35, 0),
        ];
        assert_eq!(numbers(events, 12), [Some(1), Some(1), Some(2), Some(3), Some(1), Some(1), Some(1)]);
    }

    #[test]
    fn year_length_follows_the_step_unit() {
        for spy in [12, 52, 365] {
            let events = vec![
                rule_event(spy - 1, 0),
                rule_event(spy - 1, 0),
                rule_event(spy, 0),
                rule_event(2 * spy, 0),
            ];
            assert_eq!(numbers(events, spy), [Some(1), Some(2), Some(1), Some(1)], "{spy} steps per year");
        }
    }

    #[test]
    fn restorations_and_drift_are_not_numbered_and_do_not_reset() {
        let mut events = vec![rule_event(1, 0), rule_event(2, 0), rule_event(5, 0)];
        events[1].cause = Cause::Restore;
        assert_eq!(numbers(events, 12), [Some(1), None, Some(2)]);
    }
}
