//! Raw scenario file contents, one struct per TOML table, before cross-field checks.
//!
//! Each key is declared once, here, through `spec_table!` (see `keys.rs`):
//! its doc line, type, whether it is required, its default, valid values and
//! range. The reader, the accepted keys, the bounds of the range checks,
//! `scenario.schema.json` and the key tables of `docs/scenario-format.md` all
//! follow from these declarations. The reader
//! fills them; `validate` turns them into a [`Scenario`].
//!
//! [`Scenario`]: super::Scenario

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::keys::spec_table;
use super::limits::MAX_LABEL_CHARS;
use super::model::{MAX_POINTS, MAX_POPULATION, MAX_RATE, MAX_STEPS, U32};
use super::rule_tests::MAX_COUNT;
use super::validate_mech::MAX_HOUSEHOLD;

spec_table! {
    /// A pointsim scenario file: a points-scoring system and a population to run through it.
    #[schemars(title = "pointsim scenario")]
    pub struct FileSpec ("", "") {
        /// Format version the file is written for.
        schema_version: Option<i64> = opt("optional; absent means the current version") "`1`" range(min = 1, max = 1),
        /// Name, horizon, seed.
        scenario: ScenarioSpec = req("name = \"My city\"\nsteps = 365") "see below",
        /// Start score and clamp.
        score: ScoreSpec = req("start = 1000") "see below",
        /// Grades.
        tier: Vec<TierSpec> = opt("optional, zero or more") "see below",
        /// Population size and groups.
        population: PopulationSpec = req("size = 10000") "see below",
        /// Behaviours that change the score.
        rule: Vec<RuleSpec> = opt("optional, zero or more") "see below",
        /// Benefits above a threshold.
        perk: Vec<PerkSpec> = opt("optional, zero or more") "see below",
        /// Sanctions below a threshold.
        restriction: Vec<RestrictionSpec> = opt("optional, zero or more") "see below",
        /// Kinds of subject (citizen, company, …).
        kind: Vec<KindSpec> = opt("optional, zero or more") "see below",
        /// Blacklists and redlists with joint sanctions or rewards.
        list: Vec<ListSpec> = opt("optional, zero or more") "see below",
        /// How lost points come back.
        recovery: Option<RecoverySpec> = opt("optional") "see below",
        /// Output options.
        report: Option<ReportSpec> = opt("optional") "see below",
        /// Rule tests, run by `pointsim test` and ignored by `run`.
        test: Vec<TestSpec> = opt("optional, zero or more") "see below",
        /// Which controls `pointsim explore` shows, in what order, with what ranges and labels; ignored by `run`.
        explore: Option<ExploreSpec> = opt("optional, every control") "see below",
        /// Steps of a lesson the `pointsim explore` page walks through; ignored by `run`.
        lesson: Vec<LessonSpec> = opt("optional, zero or more") "see below",
        /// Dated policy changes: values that change at the start of a step.
        change: Vec<ChangeSpec> = opt("optional, zero or more") "see below",
    }
}

spec_table! {
    /// `[scenario]`: name, length and seed of the simulation.
    pub struct ScenarioSpec ("", "") {
        /// Scenario name, shown in every output.
        #[schemars(length(min = 1))]
        name: String = req("name = \"My city\"") "non-empty",
        /// Free text.
        description: Option<String> = opt("optional, `\"\"`") "any string",
        /// Citations for the scenario's numbers.
        sources: Vec<String> = opt("optional, `[]`") "any strings",
        /// Default random seed; `--seed` on the command line overrides it.
        seed: Option<i64> = opt("optional, `0`") "`>= 0`" range(min = 0) default(0),
        /// Number of steps to simulate.
        steps: i64 = req("steps = 365") "`1` to `100_000`" range(min = 1, max = MAX_STEPS),
        /// Length of one step.
        step: Option<StepSpec> = opt("optional, `\"day\"`") "`\"day\"` (1/365 year), `\"week\"` (1/52), `\"month\"` (1/12)" default(StepSpec::Day),
    }
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

spec_table! {
    /// `[score]`: start score and optional clamp.
    pub struct ScoreSpec ("", "") {
        /// Every subject's score at step 0, unless its group sets its own `start`.
        start: i64 = req("start = 1000") "`-2^53` to `2^53`; within `[min, max]` when those are given" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// The score never goes below this.
        min: Option<i64> = opt("optional, none (no floor)") "`-2^53` to `2^53`; `min <= start`; `min <= max`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// The score never goes above this.
        max: Option<i64> = opt("optional, none (no ceiling)") "`-2^53` to `2^53`; `start <= max`" range(min = -MAX_POINTS, max = MAX_POINTS),
    }
}

spec_table! {
    /// `[[tier]]`: a grade, held by scores at or above `min` (up to the next tier's `min`).
    pub struct TierSpec ("tier", "name") {
        /// Tier name, used by `min_tier`, `max_tier` and `rate_by_tier`.
        #[schemars(length(min = 1))]
        name: String = req("name = \"A\"") "non-empty; unique among tiers",
        /// Human-readable name.
        label: Option<String> = opt("optional, = `name`") "any string",
        /// Inclusive lower bound.
        min: i64 = req("min = 1000") "`-2^53` to `2^53`; unique among tiers" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Provenance: where the value comes from (see "Provenance" below).
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}

spec_table! {
    /// `[population]`: the synthetic population.
    pub struct PopulationSpec ("", "") {
        /// Number of subjects.
        size: i64 = req("size = 10000") "`1` to `1_000_000_000`" range(min = 1, max = MAX_POPULATION),
        /// Population groups, written `[[population.group]]`.
        group: Vec<GroupSpec> = opt("optional") "see below",
        /// Households, written `[population.households]`.
        households: Option<HouseholdsSpec> = opt("optional") "see below",
    }
}

spec_table! {
    /// `[[population.group]]`: a share of the population with its own rate multipliers.
    pub struct GroupSpec ("group", "name") {
        /// Group name.
        #[schemars(length(min = 1))]
        name: String = req("name = \"employed\"") "non-empty; unique; not `all`",
        /// The kind of the group's subjects; `share` is then a share of that kind.
        kind: Option<String> = opt("required when the file has `[[kind]]`") "a kind name",
        /// Free text.
        description: Option<String> = opt("optional, `\"\"`") "any string",
        /// Fraction of the population.
        share: f64 = req("share = 0.5") "`0` to `1`; all shares sum to 1 (within 1e-9)" range(min = 0, max = 1),
        /// This group's start score, e.g. points for static attributes (job, property) at step 0; drift moves its subjects back toward it.
        start: Option<i64> = opt("optional, `score.start`") "`-2^53` to `2^53`; within `[score.min, score.max]`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Per-rule rate multiplier for this group: `{ rule_id = number }`.
        rate_multiplier: BTreeMap<String, f64> = opt("optional; every rule ×1") "keys are rule ids; values finite, `0` to `1e9` (`0` switches a rule off for the group)" range(min = 0, max = MAX_RATE),
        /// Provenance.
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}

spec_table! {
    /// `[[rule]]`: a recorded behaviour, a Poisson process that adds or removes points.
    pub struct RuleSpec ("rule", "id") {
        /// Identifier, used by `rate_multiplier`.
        #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
        id: String = req("id = \"volunteering\"") "`[a-z0-9_]+`; unique among rules",
        /// Human-readable name.
        label: Option<String> = opt("optional, = `id`") "any string",
        /// Free text.
        description: Option<String> = opt("optional, `\"\"`") "any string",
        /// Points added per event (negative removes).
        points: i64 = req("points = 5") "`-2^53` to `2^53`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Expected events per subject per year.
        rate: f64 = req("rate = 1.0") "finite, `0` to `1e9`; an integer is accepted" range(min = 0, max = MAX_RATE),
        /// At most this many events per subject per scenario year.
        max_per_year: Option<i64> = opt("optional, no cap") "`0` to `4_294_967_295`" range(min = 0, max = U32),
        /// Rate multiplier by the subject's tier: `{ tier_name = number }`.
        rate_by_tier: BTreeMap<String, f64> = opt("optional; every tier ×1") "keys are tier names; values finite, `0` to `1e9`" range(min = 0, max = MAX_RATE),
        /// Rate multiplier by score band: `[{ min = 600, multiplier = 0.5 }, …]`; the band with the highest `min` at or below the score applies, ×1 below every band.
        rate_by_score: Vec<BandSpec> = opt("optional, none") "`min` integers, unique; `multiplier` finite, `>= 0`",
        /// The kinds whose subjects the rule fires for.
        applies_to: Vec<String> = opt("optional, every kind") "kind names",
        /// Record category (`judicial`, …): events and points are reported by category, and `recovery.expire_after` works per category.
        category: Option<String> = opt("optional") "any string",
        /// The agency that submits the record; events and points are reported by agency.
        agency: Option<String> = opt("optional") "any string",
        /// Events happen only to subjects holding this perk (repaying a loan).
        requires_perk: Option<String> = opt("optional") "a perk id",
        /// Events happen only to subjects on this list (performing a judgment).
        requires_list: Option<String> = opt("optional") "a list id",
        /// Share of events recorded on a subject who did nothing.
        error_rate: Option<f64> = opt("optional, `0`") "`0` to `1`" range(min = 0, max = 1) default(0.0),
        /// Share of wrongly recorded subjects who appeal.
        appeal_rate: Option<f64> = opt("optional, `0`") "`0` to `1`" range(min = 0, max = 1) default(0.0),
        /// Share of appeals that succeed; a success gives the points back and removes any listing the record caused.
        appeal_success: Option<f64> = opt("optional, `1`") "`0` to `1`" range(min = 0, max = 1) default(1.0),
        /// Steps from the end of the record's step to the appeal's decision.
        appeal_delay: Option<i64> = opt("optional, `0`") "`0` to `100_000`" range(min = 0, max = MAX_STEPS) default(0),
        /// A credit-repair action: its points never lift the score above the subject's start and count against `recovery.repair_max_per_year`.
        repair: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
        /// Whether the rule is in force; `false` records no event (a `[[change]]` switches a rule on or off).
        enabled: Option<bool> = opt("optional, `true`") "`true` / `false`" default(true),
        /// Provenance.
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}

spec_table! {
    /// `[[perk]]`: granted at or above a threshold (`min_tier` or `min_score`), or only by redlists (no threshold).
    pub struct PerkSpec ("perk", "id") {
        /// Identifier.
        #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
        id: String = req("id = \"library_20_books\"") "`[a-z0-9_]+`; unique among perks **and** restrictions",
        /// Human-readable name.
        label: Option<String> = opt("optional, = `id`") "any string",
        /// Free text.
        description: Option<String> = opt("optional, `\"\"`") "any string",
        /// Granted in this tier or any higher one.
        min_tier: Option<String> = opt("one of the two") "a tier name",
        /// Granted when score `>=` this.
        min_score: Option<i64> = opt("one of the two") "`-2^53` to `2^53`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// The kinds it applies to (a perk for consenting residents only).
        applies_to: Vec<String> = opt("optional, every kind") "kind names",
        /// Provenance.
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}

spec_table! {
    /// `[[restriction]]`: imposed at or below a threshold (`max_tier` or `max_score`), or only by blacklists (no threshold).
    pub struct RestrictionSpec ("restriction", "id") {
        /// Identifier.
        #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
        id: String = req("id = \"no_rail_tickets\"") "`[a-z0-9_]+`; unique among perks **and** restrictions",
        /// Human-readable name.
        label: Option<String> = opt("optional, = `id`") "any string",
        /// Free text.
        description: Option<String> = opt("optional, `\"\"`") "any string",
        /// Imposed in this tier or any lower one.
        max_tier: Option<String> = opt("one of the two") "a tier name",
        /// Imposed when score `<=` this.
        max_score: Option<i64> = opt("one of the two") "`-2^53` to `2^53`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// The kinds it applies to.
        applies_to: Vec<String> = opt("optional, every kind") "kind names",
        /// Provenance.
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}

spec_table! {
    /// `[recovery]`: how lost points come back; both mechanisms are optional.
    pub struct RecoverySpec ("", "") {
        /// After this many whole steps with no negative record, every point lost since the last restoration is given back.
        restore_after: Option<i64> = opt("optional, off") "`1` to `100_000`" range(min = 1, max = MAX_STEPS),
        /// At the end of every step the score moves this many points toward the subject's start score (its group's `start`, else `score.start`), never past it.
        drift: Option<i64> = opt("optional, off") "`1` to `2^53`" range(min = 1, max = MAX_POINTS),
        /// Per record category, steps after which a negative record stops counting (its points come back): `{ judicial = 1825 }`.
        expire_after: BTreeMap<String, i64> = opt("optional, none") "keys are categories some rule uses; values `1` to `100_000`" range(min = 1, max = MAX_STEPS),
        /// At most this many points per subject per scenario year from `repair = true` rules.
        repair_max_per_year: Option<i64> = opt("optional, no cap") "`0` to `2^53`" range(min = 0, max = MAX_POINTS),
    }
}

spec_table! {
    /// `[report]`: reporting options.
    pub struct ReportSpec ("", "") {
        /// Width in points of a `histogram.csv` bin.
        bin_width: Option<i64> = opt("optional, `10`") "`1` to `4_294_967_295`" range(min = 1, max = U32) default(10),
        /// Steps between rows of `steps.csv`; step 0 and the last step are always included.
        snapshot_every: Option<i64> = opt("optional, `1`") "`1` to `4_294_967_295`" range(min = 1, max = U32) default(1),
        /// Title of `report.html` (its heading and window title), instead of the scenario name.
        #[schemars(length(min = 1, max = MAX_LABEL_CHARS))]
        title: Option<String> = opt("optional, `scenario.name`") "at most 200 characters, no control characters",
    }
}

spec_table! {
    /// `[[kind]]`: a kind of subject (citizen, company, organisation) with its own start score and clamp.
    pub struct KindSpec ("kind", "name") {
        /// Kind name, used by `applies_to` and `group.kind`.
        #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
        name: String = req("name = \"citizen\"") "`[a-z0-9_]+`; unique; not `all`",
        /// Human-readable name.
        label: Option<String> = opt("optional, = `name`") "any string",
        /// Free text.
        description: Option<String> = opt("optional, `\"\"`") "any string",
        /// Fraction of the population.
        share: Option<f64> = opt("one of the two") "`0` to `1`" range(min = 0, max = 1),
        /// Number of subjects.
        count: Option<i64> = opt("one of the two") "`>= 0`" range(min = 0),
        /// Start score of this kind (default `score.start`).
        start: Option<i64> = opt("optional, `score.start`") "`-2^53` to `2^53`; `min <= start <= max`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Lowest score of this kind (default `score.min`).
        min: Option<i64> = opt("optional, `score.min`") "`-2^53` to `2^53`; `min <= start <= max`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Highest score of this kind (default `score.max`).
        max: Option<i64> = opt("optional, `score.max`") "`-2^53` to `2^53`; `min <= start <= max`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Provenance.
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}

spec_table! {
    /// One score band of `rate_by_score`.
    pub struct BandSpec ("band", "min") {
        /// Lowest score of the band (inclusive).
        min: i64 = req("min = 600") "`-2^53` to `2^53`; unique among the rule's bands" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Rate multiplier in the band.
        multiplier: f64 = req("multiplier = 0.5") "finite, `0` to `1e9`" range(min = 0, max = MAX_RATE),
    }
}

spec_table! {
    /// `[population.households]`: subjects grouped into households of random size.
    pub struct HouseholdsSpec ("", "") {
        /// Share of households with 1, 2, 3, … members; a household's first member is its head.
        #[schemars(length(min = 1, max = MAX_HOUSEHOLD))]
        sizes: Vec<f64> = req("sizes = [0.3, 0.3, 0.25, 0.15]") "each `0` to `1`, summing to 1; at most 50 entries" range(min = 0, max = 1),
        /// Only subjects of this kind live in households.
        kind: Option<String> = opt("optional, every kind") "a kind name",
        /// Provenance.
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
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

spec_table! {
    /// `[[list]]`: a blacklist or redlist that every department enforces, whatever the score.
    ///
    /// Entry: exactly one of `enter_on` (events of a rule, optionally `enter_count` of them
    /// within `enter_within` steps), `enter_below` (score below a value) or `enter_at_least`.
    /// A listing takes effect at the end of the step it is triggered in.
    pub struct ListSpec ("list", "id") {
        /// Identifier, used by `requires_list`, `lists` in tests and the outputs.
        #[schemars(regex(pattern = r"^[a-z0-9_]+$"))]
        id: String = req("id = \"dishonest_debtors\"") "`[a-z0-9_]+`; unique among lists",
        /// Human-readable name.
        label: Option<String> = opt("optional, = `id`") "any string",
        /// Free text.
        description: Option<String> = opt("optional, `\"\"`") "any string",
        /// Joint sanctions (`black`) or joint rewards (`red`).
        color: Option<ColorSpec> = opt("optional, `\"black\"`") "`\"black\"`, `\"red\"`" default(ColorSpec::Black),
        /// An event of this rule lists the subject.
        enter_on: Option<String> = opt("one way onto the list") "a rule id",
        /// With `enter_on`: this many events are needed.
        enter_count: Option<i64> = opt("optional, `1`") "`1` to `4_294_967_295`" range(min = 1, max = U32) default(1),
        /// With `enter_count`: the events must fall within this many steps.
        enter_within: Option<i64> = opt("optional, no window") "`1` to `100_000`" range(min = 1, max = MAX_STEPS),
        /// The score falling below this lists the subject.
        enter_below: Option<i64> = opt("one way onto the list") "`-2^53` to `2^53`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// The score reaching this lists the subject (redlists).
        enter_at_least: Option<i64> = opt("one way onto the list") "`-2^53` to `2^53`" range(min = -MAX_POINTS, max = MAX_POINTS),
        /// Steps a listing lasts; a score-entered list without it ends when the condition stops holding.
        duration: Option<i64> = opt("optional, until cleared") "`1` to `100_000`" range(min = 1, max = MAX_STEPS),
        /// An event of this rule clears the listing (paying off).
        clear_on: Option<String> = opt("optional") "a rule id",
        /// The listing ends after this many steps without a negative record.
        clear_after_clean: Option<i64> = opt("optional") "`1` to `100_000`" range(min = 1, max = MAX_STEPS),
        /// Perks a listed subject loses, whatever the score (blacklists).
        revokes: Vec<String> = opt("optional, `[]`") "perk ids",
        /// Restrictions a listed subject is under, whatever the score (blacklists).
        imposes: Vec<String> = opt("optional, `[]`") "restriction ids",
        /// Perks a listed subject holds, whatever the score (redlists).
        grants: Vec<String> = opt("optional, `[]`") "perk ids",
        /// Points added (or removed) once on listing.
        points: Option<i64> = opt("optional, `0`") "`-2^53` to `2^53`" range(min = -MAX_POINTS, max = MAX_POINTS) default(0),
        /// `"household"`: members are listed with their head, until the head leaves.
        inherited_by: Option<String> = opt("optional") "`\"household\"`",
        /// Probability that a member inherits a listing.
        inherit_probability: Option<f64> = opt("optional, `1`") "`0` to `1`" range(min = 0, max = 1) default(1.0),
        /// The kinds the list takes.
        applies_to: Vec<String> = opt("optional, every kind") "kind names",
        /// Provenance.
        source: Option<String> = opt("optional") "any string",
        /// The value is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}

spec_table! {
    /// `[[test]]`: a rule test. One subject of the given kind and group lives
    /// through the scenario with only the scripted events (no randomness: no
    /// other rule fires, no record is wrongful unless scripted, no household);
    /// at each `[[test.expect]]` step its state must be as written.
    pub struct TestSpec ("test", "name") {
        /// What the test checks.
        #[schemars(length(min = 1))]
        name: String = req("name = \"an unpaid judgment lists the debtor\"") "unique among tests",
        /// The policy text it checks.
        description: Option<String> = opt("optional") "any string",
        /// The subject's kind.
        kind: Option<String> = opt("optional, the kind of `group`, else the first kind") "a kind name",
        /// The subject's group.
        group: Option<String> = opt("optional, the first group of the kind") "a group name (of `kind`, if given)",
        /// `{ step, rule, count = 1, wrongful = false, appeal = "won" \| "lost" }`; same-step events happen in the order written.
        events: Vec<TestEventSpec> = opt("optional, `[]`") "`step` `0` to `steps − 1`; `rule` a rule id the kind has; `count` `1` to `1000`; `appeal` only with `wrongful = true` and a rule with an appeals process",
        /// Written `[[test.expect]]`: `step` and any of `score`, `tier`, `perks`, `restrictions`, `lists` (exact sets).
        expect: Vec<ExpectSpec> = opt("required, at least one") "`step` `0` to `steps − 1`; names defined in the scenario; at least one key besides `step`",
    }
}

spec_table! {
    /// One scripted event of a rule test.
    pub struct TestEventSpec ("event", "rule") {
        /// The step it happens in (0-based, below `scenario.steps`).
        step: i64 = req("step = 3") "`0` to `steps − 1`" range(min = 0),
        /// The rule that records it.
        rule: String = req("rule = \"volunteering\"") "a rule id the kind has",
        /// How many such events in that step.
        count: Option<i64> = opt("optional, `1`") "`1` to `1000`" range(min = 1, max = MAX_COUNT) default(1),
        /// The record is wrongful: the subject did nothing.
        wrongful: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
        /// A wrongful record's appeal: `won` or `lost`, decided after the rule's `appeal_delay`.
        appeal: Option<AppealOutcomeSpec> = opt("optional") "`\"won\"`, `\"lost\"`; only with `wrongful = true` and a rule with an appeals process",
    }
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

spec_table! {
    /// `[[test.expect]]`: the subject's state at the end of a step. Each key is
    /// optional; `perks`, `restrictions` and `lists` are the exact sets held.
    pub struct ExpectSpec ("expectation", "") {
        /// The step at whose end the state is checked (0-based, below `scenario.steps`).
        step: i64 = req("step = 3") "`0` to `steps − 1`" range(min = 0),
        /// The score.
        score: Option<i64> = opt("optional") "any integer",
        /// The tier's name.
        tier: Option<String> = opt("optional") "a tier name",
        /// Every perk held, and no other.
        perks: Option<Vec<String>> = opt("optional") "perk ids",
        /// Every restriction the subject is under, and no other.
        restrictions: Option<Vec<String>> = opt("optional") "restriction ids",
        /// Every list the subject is on (its own or inherited listings), and no other.
        lists: Option<Vec<String>> = opt("optional") "list ids",
    }
}

spec_table! {
    /// `[explore]`: the controls of the `pointsim explore` page.
    pub struct ExploreSpec ("", "") {
        /// The controls the page shows, in this order: `rule.<id>.points`, `rule.<id>.rate`, `tier.<name>.min`, `perk.<id>.min_score|min_tier`, `restriction.<id>.max_score|max_tier`, `list.<id>.duration|enter_below|enter_at_least`, `population`, `steps`, `seed`.
        controls: Option<Vec<String>> = opt("optional, every control") "control paths of this scenario, each once; at most 64",
        /// Settings of one control, written `[[explore.control]]`.
        control: Vec<ExploreControlSpec> = opt("optional, zero or more") "see below",
        /// Up to two controls whose every value `pointsim explore --export` computes in advance, so the standalone page answers them: each at its `values`, or from its `min` to its `max` by its `step`.
        grid: Vec<String> = opt("optional, `[]` (no grid)") "one or two `rule.` or `tier.` controls of the page, each once, each with `values`, or `min`, `max` and `step`, in its `[[explore.control]]`; at most 400 grid points in all",
    }
}

spec_table! {
    /// `[[explore.control]]`: the range, step and label of one control of the explore page.
    pub struct ExploreControlSpec ("control", "path") {
        /// The control, as in `explore.controls`.
        path: String = req("path = \"rule.volunteer_service.points\"") "a control path of this scenario, once; in `explore.controls` when that is given",
        /// The lowest value the control offers.
        min: Option<f64> = opt("optional, the page's") "finite; below `max`; at most the scenario's value (else a warning: the page widens the range to hold it); a whole number for integer controls",
        /// The highest value the control offers.
        max: Option<f64> = opt("optional, none") "finite; at least the scenario's value (else a warning); a whole number for integer controls",
        /// The step of the arrow keys.
        step: Option<f64> = opt("optional, the page's") "finite, above 0; a whole number for integer controls",
        /// The control's label, a sentence in which `{value}` stands for the current value: `"Volunteering earns {value} points"`.
        label: Option<String> = opt("optional, the page's") "at most 200 characters, no control characters",
        /// The values `explore.grid` computes for this control, instead of `min` to `max` by `step`; unlike a range, they need not hold the scenario's value.
        values: Option<Vec<f64>> = opt("optional, `min` to `max` by `step`") "finite, increasing, whole numbers for integer controls; at most 400",
    }
}

spec_table! {
    /// `[[lesson]]`: one step of a lesson the explore page walks through, with a change to try.
    pub struct LessonSpec ("lesson", "title") {
        /// The step's title.
        #[schemars(length(min = 1, max = MAX_LABEL_CHARS))]
        title: String = req("title = \"What the score is\"") "non-empty; at most 200 characters, no control characters; unique among lessons",
        /// What the step explains.
        text: String = req("text = \"Everyone starts at 1000 points.\"") "at most 10_000 characters, no control characters but newlines and tabs",
        /// The change \"Try it\" makes, as `compare --set` takes it: `["rule.volunteer_service.points=10"]`.
        set: Vec<String> = opt("optional, `[]` (nothing to try)") "`PATH=VALUE` with a `--set` path of this scenario; at most 8",
    }
}

spec_table! {
    /// `[[change]]`: a dated policy change, applied at the start of step `at`.
    pub struct ChangeSpec ("change", "label") {
        /// What the change is, as charts and reports name it: `"2019 SPC opinion"`.
        #[schemars(length(min = 1, max = MAX_LABEL_CHARS))]
        label: String = req("label = \"Consent required\"") "non-empty; at most 200 characters, no control characters; unique among changes",
        /// The step at whose start the change applies (0-based: `at = 24` changes the rules from the 25th step on).
        at: i64 = req("at = 24") "`1` to `steps − 1`; after the `at` of the change before it" range(min = 1),
        /// The values that change, as `--set` takes them: `["rule.late_payment.points=-10"]`.
        set: Vec<String> = req("set = [\"rule.late_payment.points=-10\"]") "`PATH=VALUE` with a `--set` path of a `[[rule]]`, `[[tier]]`, `[[perk]]`, `[[restriction]]`, `[[list]]` or `[recovery]` value; at least 1, at most 32",
        /// Provenance: where the change comes from.
        source: Option<String> = opt("optional") "any string",
        /// The change is an assumption.
        assumed: Option<bool> = opt("optional, `false`") "`true` / `false`" default(false),
    }
}
