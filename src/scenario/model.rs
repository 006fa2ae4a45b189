//! The validated scenario: the domain types every later stage reads.
//!
//! A [`Scenario`] is only ever built by the reader in this module after every
//! check has passed, so the engine can rely on its invariants (documented on
//! each field) without checking them again.

use serde::{Deserialize, Serialize};

use super::mechanics::{Households, Kind, List, RuleMore};

/// Where a value comes from: a citation, or a flag that it is an assumption.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// Citation for the value (`source = "..."` in the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `assumed = true` in the file: the value is an assumption, not a sourced fact.
    #[serde(default)]
    pub assumed: bool,
}

/// The length of one simulation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepUnit {
    /// 1/365 of a year.
    Day,
    /// 1/52 of a year.
    Week,
    /// 1/12 of a year.
    Month,
}

impl StepUnit {
    /// Steps in one scenario year (365, 52 or 12).
    pub fn steps_per_year(self) -> u32 {
        match self {
            StepUnit::Day => 365,
            StepUnit::Week => 52,
            StepUnit::Month => 12,
        }
    }

    /// Length of one step in years.
    pub fn years(self) -> f64 {
        1.0 / f64::from(self.steps_per_year())
    }

    /// The word used in the scenario file and in outputs (`day`, `week`, `month`).
    pub fn as_str(self) -> &'static str {
        match self {
            StepUnit::Day => "day",
            StepUnit::Week => "week",
            StepUnit::Month => "month",
        }
    }
}

/// Start score and optional clamp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRange {
    /// The default score at step 0 (a group may set its own). Within `[min, max]` when those are given.
    pub start: i64,
    /// Scores never go below this, when given.
    pub min: Option<i64>,
    /// Scores never go above this, when given. `min <= max` when both are given.
    pub max: Option<i64>,
}

impl ScoreRange {
    /// Clamp a score to `[min, max]`.
    pub fn clamp(&self, score: i64) -> i64 {
        let mut s = score;
        if let Some(lo) = self.min {
            s = s.max(lo);
        }
        if let Some(hi) = self.max {
            s = s.min(hi);
        }
        s
    }
}

/// A grade. Tiers are kept sorted by `min`, lowest first; the lowest tier
/// also holds every score below its `min`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    /// Unique name, e.g. `AAA`.
    pub name: String,
    /// Human label (defaults to the name).
    pub label: String,
    /// Inclusive lower bound. Strictly increasing along the tier list.
    pub min: i64,
    /// Where the threshold comes from.
    pub provenance: Provenance,
}

/// A population group. Exact sizes come from the population stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Unique name (`all` when the file defines no groups).
    pub name: String,
    /// Free text.
    pub description: String,
    /// Share as written in the file (shares sum to 1 within 1e-9).
    pub share: f64,
    /// Start score of this group's subjects (`start` in the group, else
    /// `score.start`); within the clamp. Drift moves scores back toward it.
    pub start: i64,
    /// Rate multiplier per rule, indexed like [`Scenario::rules`] (default 1).
    pub rate_multiplier: Vec<f64>,
    /// Where the share and multipliers come from.
    pub provenance: Provenance,
    /// Index into [`Scenario::kinds`]; a group's share is a share of its kind.
    #[serde(default)]
    pub kind: usize,
}

/// A recorded behaviour: a Poisson process that adds or removes points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Unique id, `[a-z0-9_]+`.
    pub id: String,
    /// Human label (defaults to the id).
    pub label: String,
    /// Free text.
    pub description: String,
    /// Points added (positive) or removed (negative) per event.
    pub points: i64,
    /// Expected events per subject per year, finite and `>= 0`.
    pub rate: f64,
    /// At most this many events per subject per scenario year.
    pub max_per_year: Option<u32>,
    /// Rate multiplier per tier, indexed like [`Scenario::tiers`] (default 1).
    pub rate_by_tier: Vec<f64>,
    /// Where the points and rate come from.
    pub provenance: Provenance,
    /// The rule's further abilities (all off by default).
    #[serde(default, skip_serializing_if = "RuleMore::is_plain")]
    pub more: RuleMore,
    /// Whether the rule is in force (`enabled` in the file, default `true`):
    /// a rule that is not records no event. A [`DatedChange`] switches it.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

fn is_yes(b: &bool) -> bool {
    *b
}

/// A dated policy change (`[[change]]`): from the start of step `at`, the
/// scenario's rules are those of [`rules`](Self::rules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatedChange {
    /// What the change is, as charts and reports name it.
    pub label: String,
    /// The step at whose start it applies, `1..steps`; strictly increasing
    /// along [`Scenario::changes`].
    pub at: u32,
    /// The values it sets, as written (`PATH=VALUE`, as `--set` takes them).
    pub set: Vec<String>,
    /// Where it comes from.
    pub provenance: Provenance,
    /// The whole scenario in force from `at` on (this change and every one
    /// before it made): the same steps, population, groups, kinds and
    /// entries (rules, tiers, perks, restrictions, lists, in the same
    /// order) as the scenario that holds it, and no changes of its own.
    pub rules: Box<Scenario>,
}

/// A score threshold that opens a perk: `min_tier` or `min_score` in the file.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MinThreshold {
    /// Index into [`Scenario::tiers`]: the subject's tier is this one or higher.
    Tier(usize),
    /// The subject's score is at least this.
    Score(i64),
    /// No score opens it: only a redlist grants it.
    Never,
}

/// A score threshold that imposes a restriction: `max_tier` or `max_score`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxThreshold {
    /// Index into [`Scenario::tiers`]: the subject's tier is this one or lower.
    Tier(usize),
    /// The subject's score is at most this.
    Score(i64),
    /// No score imposes it: only a blacklist does.
    Never,
}

/// Something granted to subjects at or above a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Perk {
    /// Unique id among perks, `[a-z0-9_]+`.
    pub id: String,
    /// Human label (defaults to the id).
    pub label: String,
    /// Free text.
    pub description: String,
    /// Who gets it.
    pub threshold: MinThreshold,
    /// Where it comes from.
    pub provenance: Provenance,
    /// Whether it applies to each kind, indexed like [`Scenario::kinds`]
    /// (empty: every kind); other kinds never hold it, whatever their score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<bool>,
}

/// Something imposed on subjects at or below a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Restriction {
    /// Unique id among restrictions, `[a-z0-9_]+`.
    pub id: String,
    /// Human label (defaults to the id).
    pub label: String,
    /// Free text.
    pub description: String,
    /// Who gets it.
    pub threshold: MaxThreshold,
    /// Where it comes from.
    pub provenance: Provenance,
    /// Whether it applies to each kind, indexed like [`Scenario::kinds`]
    /// (empty: every kind); other kinds never hold it, whatever their score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<bool>,
}

/// How lost points come back (`[recovery]`); both mechanisms are optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    /// After this many whole steps with no negative record, every point lost
    /// since the last restoration is given back (then clamped).
    pub restore_after: Option<u32>,
    /// At the end of every step, the score moves this many points toward
    /// `score.start` (never past it). `> 0` when given.
    pub drift: Option<i64>,
    /// Points per subject per scenario year that `repair` rules may add.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_max_per_year: Option<i64>,
}

/// Reporting options (`[report]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Width in points of a `histogram.csv` bin (`>= 1`, default 10).
    pub bin_width: u32,
    /// Steps between rows of `steps.csv` (`>= 1`, default 1); step 0 and the
    /// last step are always included.
    pub snapshot_every: u32,
    /// Title of `report.html`, instead of the scenario name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

impl Default for Report {
    fn default() -> Self {
        let spec = super::spec::ReportSpec::default();
        Report {
            bin_width: spec.bin_width() as u32,
            snapshot_every: spec.snapshot_every() as u32,
            title: None,
        }
    }
}

/// A complete, validated scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Format version the file was written for (1).
    pub schema_version: u32,
    /// Scenario name, shown in every output.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Where the numbers come from.
    pub sources: Vec<String>,
    /// Default seed (`--seed` overrides; 0 when the file gives none).
    pub seed: u64,
    /// Number of steps, `1..=MAX_STEPS`.
    pub steps: u32,
    /// Length of a step.
    pub step: StepUnit,
    /// Start score and clamp.
    pub score: ScoreRange,
    /// Tiers sorted by `min`, lowest first; never empty (a file without
    /// tiers gets one tier named `all` with `min = i64::MIN`).
    pub tiers: Vec<Tier>,
    /// Total number of subjects, `>= 1`.
    pub population: u64,
    /// Groups in file order; never empty (one group `all` when none is given).
    pub groups: Vec<Group>,
    /// Rules in file order.
    pub rules: Vec<Rule>,
    /// Perks in file order.
    pub perks: Vec<Perk>,
    /// Restrictions in file order.
    pub restrictions: Vec<Restriction>,
    /// Subject kinds (one kind `all` when the file defines none).
    #[serde(default)]
    pub kinds: Vec<Kind>,
    /// Blacklists and redlists.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lists: Vec<List>,
    /// Households, when the file defines them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<Households>,
    /// Recovery of lost points.
    pub recovery: Recovery,
    /// Reporting options.
    pub report: Report,
    /// Dated policy changes, in order of `at` (none: the rules never change).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<DatedChange>,
}

/// The largest step count a scenario may ask for (about 274 years of days).
pub const MAX_STEPS: u32 = 100_000;

/// The largest population pointsim accepts (group counts are kept in 32 bits).
pub const MAX_POPULATION: u64 = 1_000_000_000;

/// The largest magnitude of a score or point value (2^53): far beyond any
/// real scale, and small enough that sums over a run cannot overflow.
pub const MAX_POINTS: i64 = 1 << 53;

/// The largest rate (events per subject per year) or rate multiplier accepted.
pub const MAX_RATE: f64 = 1e9;

/// How far from 1 a sum of shares (groups, kinds, household sizes) may be.
pub const SHARE_TOLERANCE: f64 = 1e-9;

/// The largest count kept in 32 bits (`bin_width`, `max_per_year`, …), as the integer a file holds.
pub(crate) const U32: i64 = u32::MAX as i64;

impl Scenario {
    /// The scenario in force during step `step` (0-based): itself before its
    /// first change, else the rules of the last change at or before `step`.
    /// A snapshot after `t` steps shows the state at the start of step `t`,
    /// so it is read with `in_force(t)`.
    pub fn in_force(&self, step: u32) -> &Scenario {
        self.changes.iter().rev().find(|c| c.at <= step).map_or(self, |c| &c.rules)
    }

    /// The scenario in force at the end of the run (after its last change).
    pub fn at_end(&self) -> &Scenario {
        self.changes.last().map_or(self, |c| &c.rules)
    }

    /// Every rule set of the run with the step it starts at: `(0, self)`,
    /// then `(at, rules)` of each change.
    pub fn epochs(&self) -> impl Iterator<Item = (u32, &Scenario)> + '_ {
        std::iter::once((0, self)).chain(self.changes.iter().map(|c| (c.at, &*c.rules)))
    }

    /// Index of the tier a score falls in.
    pub fn tier_of(&self, score: i64) -> usize {
        // tiers are sorted by min; the lowest tier catches everything below
        self.tiers.iter().rposition(|t| score >= t.min).unwrap_or(0)
    }

    /// The lowest score that opens a perk.
    pub fn perk_min_score(&self, perk: &Perk) -> i64 {
        match perk.threshold {
            MinThreshold::Score(s) => s,
            MinThreshold::Never => i64::MAX,
            MinThreshold::Tier(0) => i64::MIN,
            MinThreshold::Tier(k) => self.tiers[k].min,
        }
    }

    /// Whether perk `p` is held by a subject of kind `kind` at `score` while
    /// on the lists marked in `on` (indexed like [`lists`](Self::lists)): the
    /// kind must be one the perk applies to; a blacklist that revokes it wins
    /// over the score and over a redlist that grants it.
    pub fn holds_perk(&self, p: usize, kind: usize, score: i64, on: &[bool]) -> bool {
        let perk = &self.perks[p];
        if !perk.applies_to.get(kind).copied().unwrap_or(true) {
            return false;
        }
        let mut held = score >= self.perk_min_score(perk);
        for (list, _) in self.lists.iter().zip(on).filter(|(_, on)| **on) {
            match list.color {
                super::Color::Black if list.revokes.contains(&p) => return false,
                super::Color::Red if list.grants.contains(&p) => held = true,
                _ => {}
            }
        }
        held
    }

    /// Whether restriction `r` is in force on a subject of kind `kind` at
    /// `score` while on the lists marked in `on`: by the score, or imposed by a list.
    pub fn under_restriction(&self, r: usize, kind: usize, score: i64, on: &[bool]) -> bool {
        let restriction = &self.restrictions[r];
        if !restriction.applies_to.get(kind).copied().unwrap_or(true) {
            return false;
        }
        score <= self.restriction_max_score(restriction)
            || self.lists.iter().zip(on).any(|(list, &a)| a && list.imposes.contains(&r))
    }

    /// The highest score that still carries a restriction.
    pub fn restriction_max_score(&self, r: &Restriction) -> i64 {
        match r.threshold {
            MaxThreshold::Score(s) => s,
            MaxThreshold::Never => i64::MIN,
            MaxThreshold::Tier(k) if k + 1 == self.tiers.len() => i64::MAX,
            MaxThreshold::Tier(k) => self.tiers[k + 1].min - 1,
        }
    }
}
