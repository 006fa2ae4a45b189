//! What the engine tells an observer about one subject's history: score
//! changes and their causes, listings, wrongful records, appeals and skipped
//! scripted events.

/// Why a subject's score changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// An event of the rule with this index.
    Rule(usize),
    /// Lost points given back after a clean period.
    Restore,
    /// Drift toward the start score.
    Drift,
    /// A negative record of the rule with this index expired: its points are given back.
    Expire(usize),
    /// A won appeal against a record of the rule with this index reversed its points.
    Appeal(usize),
    /// Points on entering the list with this index.
    Listing(usize),
}

/// Receives every score change of a subject, in time order.
pub trait Observer {
    /// A change during step `step` (0-based) at time `time` (in steps).
    fn change(&mut self, step: u32, time: f64, cause: Cause, before: i64, after: i64);

    /// An event of rule `rule` during step `step` at time `time` that left the
    /// score at `score`, because the score was already at the clamp. It still
    /// counts towards the rule's yearly cap. Ignored unless overridden.
    #[inline]
    fn unchanged(&mut self, step: u32, time: f64, rule: usize, score: i64) {
        let _ = (step, time, rule, score);
    }

    /// The event of rule `rule` during step `step` was recorded on a subject
    /// who did nothing (a wrongful record). Ignored unless overridden.
    #[inline]
    fn wrongful(&mut self, step: u32, rule: usize) {
        let _ = (step, rule);
    }

    /// An appeal against a wrongful record of rule `rule` was decided at the end
    /// of step `step`. Ignored unless overridden.
    #[inline]
    fn appeal(&mut self, step: u32, rule: usize, won: bool) {
        let _ = (step, rule, won);
    }

    /// The subject went on (`on`) or off list `list` at the end of step `step`.
    /// Ignored unless overridden.
    #[inline]
    fn listed(&mut self, step: u32, list: usize, on: bool, why: ListReason) {
        let _ = (step, list, on, why);
    }

    /// A scripted event of rule `rule` in step `step` could not happen, for
    /// `why` (rule tests only). Ignored unless overridden.
    #[inline]
    fn skipped(&mut self, step: u32, rule: usize, why: Skip) {
        let _ = (step, rule, why);
    }
}

/// Why a scripted event could not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The rule needs this perk (index), which the subject does not hold.
    NoPerk(usize),
    /// The rule needs this list (index), which the subject is not on.
    NotListed(usize),
    /// The rule's yearly cap was reached.
    Cap,
    /// The rule is not in force (`enabled = false`, or switched off by a dated change).
    Disabled,
}

/// An observer that ignores everything (the full run uses it).
pub struct Ignore;

impl Observer for Ignore {
    #[inline]
    fn change(&mut self, _: u32, _: f64, _: Cause, _: i64, _: i64) {}
}

/// Why a listing started or ended, for observers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListReason {
    /// An event of this rule (index).
    Rule(usize),
    /// The score crossed the list's threshold.
    Score,
    /// Inherited from the household head.
    Inherited,
    /// The listing's duration ran out.
    Served,
    /// A clean period without negative records.
    Clean,
    /// An event of the clearing rule (index).
    Cleared(usize),
    /// A successful appeal against the record (rule index) that caused it.
    Appeal(usize),
    /// The household head left the list, ending an inherited listing.
    HeadLeft,
}

impl ListReason {
    /// The reason as one word for files: `rule`, `score`, `inherited`,
    /// `served`, `clean`, `cleared`, `appeal` or `head_left`.
    pub fn word(self) -> &'static str {
        match self {
            ListReason::Rule(_) => "rule",
            ListReason::Score => "score",
            ListReason::Inherited => "inherited",
            ListReason::Served => "served",
            ListReason::Clean => "clean",
            ListReason::Cleared(_) => "cleared",
            ListReason::Appeal(_) => "appeal",
            ListReason::HeadLeft => "head_left",
        }
    }

    /// The rule (index) behind it, for `Rule`, `Cleared` and `Appeal`.
    pub fn rule(self) -> Option<usize> {
        match self {
            ListReason::Rule(r) | ListReason::Cleared(r) | ListReason::Appeal(r) => Some(r),
            _ => None,
        }
    }
}
