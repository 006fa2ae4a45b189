//! Raw scenario file contents, one struct per TOML table, before cross-field checks.
//!
//! These types mirror the file format exactly (`FORMAT.md`) and are the one
//! source of `scenario.schema.json`: their doc comments become the schema's
//! descriptions. The reader fills them; `validate` turns them into a [`Scenario`].
//!
//! [`Scenario`]: super::Scenario

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A pointsim scenario file: a points-scoring system and a population to run through it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "pointsim scenario")]
pub struct FileSpec {
    /// Format version the file is written for; only 1 exists. Absent means the current version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1))]
    pub schema_version: Option<i64>,
    /// Name, length and seed of the simulation.
    pub scenario: ScenarioSpec,
    /// Start score and optional clamp.
    pub score: ScoreSpec,
    /// Grades by score, in any order (sorted by `min`). None means a single tier `all`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tier: Vec<TierSpec>,
    /// The synthetic population.
    pub population: PopulationSpec,
    /// Recorded behaviours: each adds or removes points at a rate per subject-year.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rule: Vec<RuleSpec>,
    /// Things granted to subjects at or above a threshold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perk: Vec<PerkSpec>,
    /// Things imposed on subjects at or below a threshold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restriction: Vec<RestrictionSpec>,
    /// Subject kinds (citizen, company, organisation). None means one kind `all`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kind: Vec<KindSpec>,
    /// Blacklists and redlists with joint sanctions or joint rewards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub list: Vec<ListSpec>,
    /// How lost points come back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<RecoverySpec>,
    /// Reporting options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportSpec>,
    /// Rule tests: one subject, scripted events, the expected state at given
    /// steps. `pointsim test` runs them; `pointsim run` ignores them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test: Vec<TestSpec>,
}

/// `[scenario]`: name, length and seed of the simulation.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Scenario name, shown in every output.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the numbers come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Default random seed (0 when absent); `--seed` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub seed: Option<i64>,
    /// Number of steps to simulate.
    #[schemars(range(min = 1, max = 100_000))]
    pub steps: i64,
    /// Length of one step (default `day`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<StepSpec>,
}

/// Length of one simulation step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StepSpec {
    /// 1/365 of a year.
    Day,
    /// 1/52 of a year.
    Week,
    /// 1/12 of a year.
    Month,
}

/// `[score]`: start score and optional clamp.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreSpec {
    /// Every subject's score at step 0; within `[min, max]`.
    pub start: i64,
    /// Scores never go below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Scores never go above this (`min <= max`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
}

/// `[[tier]]`: a grade, held by scores at or above `min` (up to the next tier's `min`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierSpec {
    /// Unique tier name, e.g. `AAA`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Human label (defaults to the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Inclusive lower bound of the tier; unique among tiers.
    pub min: i64,
    /// Citation for the threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The threshold is an assumption, not a sourced fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[population]`: the synthetic population.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PopulationSpec {
    /// Total number of subjects.
    #[schemars(range(min = 1))]
    pub size: i64,
    /// Population groups; shares sum to 1. None means one group `all`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<GroupSpec>,
    /// Households: subjects living together, for inherited listings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<HouseholdsSpec>,
}

/// `[[population.group]]`: a share of the population with its own rate multipliers.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Unique group name; `all` is reserved.
    #[schemars(length(min = 1))]
    pub name: String,
    /// The subject kind this group belongs to (required when several kinds are declared);
    /// its `share` is then a share of that kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Share of the population, in [0, 1]; all shares sum to 1.
    #[schemars(range(min = 0, max = 1))]
    pub share: f64,
    /// This group's start score, replacing `score.start` for its subjects
    /// (e.g. points for static attributes); within `score.min` and `score.max`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// Rate multiplier per rule id (finite, >= 0; default 1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rate_multiplier: BTreeMap<String, f64>,
    /// Citation for the share and multipliers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The share and multipliers are assumptions, not sourced facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[[rule]]`: a recorded behaviour, a Poisson process that adds or removes points.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique rule id, lowercase letters, digits and `_`.
    #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
    pub id: String,
    /// Human label (defaults to the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Points added (positive) or removed (negative) per event.
    pub points: i64,
    /// Expected events per subject per year (finite, >= 0).
    #[schemars(range(min = 0))]
    pub rate: f64,
    /// At most this many events per subject per scenario year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub max_per_year: Option<i64>,
    /// Rate multiplier per tier name (finite, >= 0; default 1).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rate_by_tier: BTreeMap<String, f64>,
    /// Rate multipliers by score band: the band with the highest `min` at or below the
    /// score applies; below every band the multiplier is 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_by_score: Vec<BandSpec>,
    /// Kinds of subject the rule applies to (default: every kind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<String>,
    /// Record category, e.g. `judicial` or `administrative_penalty`; events and points
    /// are reported by category, and `recovery.expire_after` works per category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The agency that submits the record; events and points are reported by agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// Events happen only to subjects holding this perk (e.g. repaying a loan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_perk: Option<String>,
    /// Events happen only to subjects on this list (e.g. performing a court judgment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_list: Option<String>,
    /// Share of this rule's events recorded on a subject who did nothing, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// Share of wrongly recorded subjects who appeal, in [0, 1] (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_rate: Option<f64>,
    /// Share of appeals that succeed, in [0, 1] (default 1); a success reverses the points and
    /// any listing the record caused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_success: Option<f64>,
    /// Steps from the record to the appeal's decision (default 0: decided at the step's end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal_delay: Option<i64>,
    /// A credit-repair action: its points count against `recovery.repair_max_per_year` and
    /// never lift the score above the subject's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair: Option<bool>,
    /// Citation for the points and rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The points and rate are assumptions, not sourced facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[[perk]]`: granted at or above a threshold (`min_tier` or `min_score`), or only by redlists (no threshold).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerkSpec {
    /// Unique id among perks and restrictions, lowercase letters, digits and `_`.
    #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
    pub id: String,
    /// Human label (defaults to the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Granted to subjects in this tier or a higher one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_tier: Option<String>,
    /// Granted to subjects with at least this score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<i64>,
    /// Kinds of subject it applies to (default: every kind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<String>,
    /// Citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The perk is an assumption, not a sourced fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[[restriction]]`: imposed at or below a threshold (`max_tier` or `max_score`), or only by blacklists (no threshold).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestrictionSpec {
    /// Unique id among perks and restrictions, lowercase letters, digits and `_`.
    #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
    pub id: String,
    /// Human label (defaults to the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Imposed on subjects in this tier or a lower one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tier: Option<String>,
    /// Imposed on subjects with at most this score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_score: Option<i64>,
    /// Kinds of subject it applies to (default: every kind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<String>,
    /// Citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The restriction is an assumption, not a sourced fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[recovery]`: how lost points come back; both mechanisms are optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverySpec {
    /// After this many whole steps with no negative record, every point lost since the last
    /// restoration is given back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub restore_after: Option<i64>,
    /// At the end of every step the score moves this many points toward `score.start`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub drift: Option<i64>,
    /// Negative records of a category stop counting this many steps after they were
    /// recorded (their points are given back), per category name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expire_after: BTreeMap<String, i64>,
    /// At most this many points per subject per scenario year from `repair = true` rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub repair_max_per_year: Option<i64>,
}

/// `[report]`: reporting options.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    /// Width in points of a `histogram.csv` bin (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub bin_width: Option<i64>,
    /// Steps between rows of `steps.csv` (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub snapshot_every: Option<i64>,
}

/// `[[kind]]`: a kind of subject (citizen, company, organisation) with its own start score and clamp.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindSpec {
    /// Unique kind name, lowercase letters, digits and `_`; `all` is reserved.
    #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
    pub name: String,
    /// Human label (defaults to the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Share of the population in [0, 1]; give `share` for every kind (summing to 1) or `count` for every kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 1))]
    pub share: Option<f64>,
    /// Number of subjects of this kind; counts must sum to `population.size`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub count: Option<i64>,
    /// Start score of this kind (default `score.start`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<i64>,
    /// Lowest score of this kind (default `score.min`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// Highest score of this kind (default `score.max`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// Citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The share or count is an assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// One score band of `rate_by_score`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BandSpec {
    /// Lowest score of the band (inclusive).
    pub min: i64,
    /// Rate multiplier in the band (finite, >= 0).
    #[schemars(range(min = 0))]
    pub multiplier: f64,
}

/// `[population.households]`: subjects grouped into households of random size.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdsSpec {
    /// Share of households with 1, 2, 3, ... members (sums to 1).
    pub sizes: Vec<f64>,
    /// Only subjects of this kind live in households (default: every kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The sizes are an assumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// Whether a list punishes or rewards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ColorSpec {
    /// A blacklist: joint sanctions.
    Black,
    /// A redlist: joint rewards.
    Red,
}

/// `[[list]]`: a blacklist or redlist that every department enforces, whatever the score.
///
/// Entry: exactly one of `enter_on` (events of a rule, optionally `enter_count` of them
/// within `enter_within` steps), `enter_below` (score below a value) or `enter_at_least`.
/// A listing takes effect at the end of the step it is triggered in.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListSpec {
    /// Unique list id, lowercase letters, digits and `_`.
    #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
    pub id: String,
    /// Human label (defaults to the id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `black` (sanctions, the default) or `red` (rewards).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<ColorSpec>,
    /// A rule whose events put the subject on the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enter_on: Option<String>,
    /// With `enter_on`: this many events are needed (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub enter_count: Option<i64>,
    /// With `enter_count`: the events must fall within this many steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub enter_within: Option<i64>,
    /// Listed while the score is below this value (left when it is back at or above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enter_below: Option<i64>,
    /// Listed while the score is at least this value (left when it falls below).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enter_at_least: Option<i64>,
    /// Steps a listing lasts; without it (and without other clearing) it is indefinite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub duration: Option<i64>,
    /// A rule whose event clears the listing (e.g. paying off the debt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clear_on: Option<String>,
    /// The listing is cleared after this many steps with no negative record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub clear_after_clean: Option<i64>,
    /// Perks a listed subject loses, whatever the score (blacklists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revokes: Vec<String>,
    /// Restrictions a listed subject is under, whatever the score (blacklists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imposes: Vec<String>,
    /// Perks a listed subject holds, whatever the score (redlists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
    /// Points added (or removed, if negative) once on listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<i64>,
    /// `household`: when a household's head is listed, each other member is listed with
    /// them with probability `inherit_probability`, until the head leaves the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_by: Option<String>,
    /// Probability, in [0, 1], that a household member inherits a listing (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherit_probability: Option<f64>,
    /// Kinds of subject the list applies to (default: every kind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applies_to: Vec<String>,
    /// Citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The parameters are assumptions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[[test]]`: a rule test. One subject of the given kind and group lives
/// through the scenario with only the scripted events (no randomness: no
/// other rule fires, no record is wrongful unless scripted, no household);
/// at each `[[test.expect]]` step its state must be as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// What the test checks, unique in the file, e.g. `an unpaid judgment lists the debtor`.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Free text: the policy text the test checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The subject's kind (default: the kind of `group`, or the first kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The subject's group (default: the first group of its kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The events that happen, in any order; events of the same step happen in the order written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<TestEventSpec>,
    /// The expected state at the end of given steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expect: Vec<ExpectSpec>,
}

/// One scripted event of a rule test.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestEventSpec {
    /// The step it happens in (0-based, below `scenario.steps`).
    #[schemars(range(min = 0))]
    pub step: i64,
    /// The rule that records it.
    pub rule: String,
    /// How many such events in that step (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1000))]
    pub count: Option<i64>,
    /// The record is wrongful: the subject did nothing (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrongful: Option<bool>,
    /// A wrongful record's appeal: `won` or `lost`, decided after the rule's `appeal_delay`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appeal: Option<AppealOutcomeSpec>,
}

/// How a scripted appeal ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AppealOutcomeSpec {
    /// The record is reversed, with the listings it caused.
    Won,
    /// The record stands.
    Lost,
}

/// `[[test.expect]]`: the subject's state at the end of a step. Each key is
/// optional; `perks`, `restrictions` and `lists` are the exact sets held.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectSpec {
    /// The step at whose end the state is checked (0-based, below `scenario.steps`).
    #[schemars(range(min = 0))]
    pub step: i64,
    /// The score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// The tier's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Every perk held, and no other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub perks: Option<Vec<String>>,
    /// Every restriction the subject is under, and no other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restrictions: Option<Vec<String>>,
    /// Every list the subject is on (its own or inherited listings), and no other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lists: Option<Vec<String>>,
}
