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
    /// How lost points come back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<RecoverySpec>,
    /// Reporting options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportSpec>,
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
}

/// `[[population.group]]`: a share of the population with its own rate multipliers.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Unique group name; `all` is reserved.
    #[schemars(length(min = 1))]
    pub name: String,
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
    /// Citation for the points and rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The points and rate are assumptions, not sourced facts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[[perk]]`: granted at or above a threshold; give exactly one of `min_tier` and `min_score`.
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
    /// Citation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The perk is an assumption, not a sourced fact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<bool>,
}

/// `[[restriction]]`: imposed at or below a threshold; give exactly one of `max_tier` and `max_score`.
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
