//! The validated mechanics beyond points and tiers: subject kinds, lists
//! (blacklists and redlists), households, wrongful records and appeals,
//! expiry and repair. Part of [`Scenario`](super::Scenario).

use serde::{Deserialize, Serialize};

use super::model::Provenance;

/// A kind of subject (`[[kind]]`): citizens, companies, organisations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kind {
    /// Unique name (`all` when the file defines no kinds).
    pub name: String,
    /// Human label.
    pub label: String,
    /// Free text.
    pub description: String,
    /// Share of the population (from `share`, or `count / population.size`).
    pub share: f64,
    /// Fixed number of subjects, when the file gives `count`.
    pub count: Option<u64>,
    /// This kind's own lowest score, replacing `score.min` for it.
    pub min: Option<i64>,
    /// This kind's own highest score, replacing `score.max` for it.
    pub max: Option<i64>,
    /// Where the share comes from.
    pub provenance: Provenance,
}

impl Kind {
    /// The one kind `all` of a file without `[[kind]]`: everyone, with the file's clamp.
    pub fn everyone() -> Kind {
        Kind {
            name: "all".to_owned(),
            label: "all".to_owned(),
            description: String::new(),
            share: 1.0,
            count: None,
            min: None,
            max: None,
            provenance: Provenance::default(),
        }
    }
}

/// A rule's abilities beyond points and a rate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleMore {
    /// Whether the rule applies to each kind, indexed like [`Scenario::kinds`](super::Scenario::kinds)
    /// (empty means every kind).
    pub applies_to: Vec<bool>,
    /// Record category.
    pub category: Option<String>,
    /// Submitting agency.
    pub agency: Option<String>,
    /// Index into [`Scenario::perks`](super::Scenario::perks): only holders have events.
    pub requires_perk: Option<usize>,
    /// Index into [`Scenario::lists`](super::Scenario::lists): only listed subjects have events.
    pub requires_list: Option<usize>,
    /// Score bands sorted by `min`, each with its rate multiplier.
    pub rate_by_score: Vec<Band>,
    /// Share of events recorded on a subject who did nothing.
    pub error_rate: f64,
    /// How wrongly recorded subjects appeal.
    pub appeal: Option<Appeal>,
    /// Steps after which a negative record of this rule expires (from `recovery.expire_after`).
    pub expire_after: Option<u32>,
    /// Whether the rule is a repair action (capped by `recovery.repair_max_per_year`).
    pub repair: bool,
}

impl RuleMore {
    /// Whether every ability is off (the rule is points and a rate only).
    pub fn is_plain(&self) -> bool {
        *self == RuleMore::default()
    }

    /// Whether the rule applies to kind `k`.
    pub fn applies(&self, k: usize) -> bool {
        self.applies_to.get(k).copied().unwrap_or(true)
    }

    /// The rate multiplier at `score`.
    pub fn band_multiplier(&self, score: i64) -> f64 {
        self.rate_by_score.iter().rev().find(|b| score >= b.min).map_or(1.0, |b| b.multiplier)
    }
}

/// One score band of a rule's rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    /// Lowest score of the band.
    pub min: i64,
    /// Rate multiplier within it.
    pub multiplier: f64,
}

/// Appeals against wrongful records.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Appeal {
    /// Share of wrongly recorded subjects who appeal.
    pub rate: f64,
    /// Share of appeals that succeed.
    pub success: f64,
    /// Steps from the record to the decision.
    pub delay: u32,
}

/// Whether a list punishes or rewards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Color {
    /// Joint sanctions.
    Black,
    /// Joint rewards.
    Red,
}

/// How a subject gets on a list.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entry {
    /// `count` events of rule `rule` (index into [`Scenario::rules`](super::Scenario::rules)),
    /// within `within` steps if given.
    Rule {
        /// The rule.
        rule: usize,
        /// Events needed (at least 1).
        count: u32,
        /// Window in steps for the events.
        within: Option<u32>,
    },
    /// Listed while the score is below this.
    Below(i64),
    /// Listed while the score is at least this.
    AtLeast(i64),
}

/// A blacklist or redlist (`[[list]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List {
    /// Unique id.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Free text.
    pub description: String,
    /// Black or red.
    pub color: Color,
    /// How subjects get on it.
    pub entry: Entry,
    /// Steps a listing lasts.
    pub duration: Option<u32>,
    /// A rule (index) whose event clears the listing.
    pub clear_on: Option<usize>,
    /// Steps without a negative record that clear the listing.
    pub clear_after_clean: Option<u32>,
    /// Perks (indices) revoked while listed.
    pub revokes: Vec<usize>,
    /// Restrictions (indices) imposed while listed.
    pub imposes: Vec<usize>,
    /// Perks (indices) granted while listed.
    pub grants: Vec<usize>,
    /// Points on listing.
    pub points: i64,
    /// Probability that a household member inherits the head's listing, when inherited.
    pub inherit: Option<f64>,
    /// Whether the list applies to each kind (empty means every kind).
    pub applies_to: Vec<bool>,
    /// Where the parameters come from.
    pub provenance: Provenance,
}

impl List {
    /// A list named `id` entered by `entry`, with nothing else: no duration,
    /// clearing, sanctions, rewards, points or inheritance, for every kind
    /// (what a test or a benchmark builds on).
    pub fn bare(id: &str, color: Color, entry: Entry) -> List {
        List {
            id: id.into(),
            label: id.into(),
            description: String::new(),
            color,
            entry,
            duration: None,
            clear_on: None,
            clear_after_clean: None,
            revokes: vec![],
            imposes: vec![],
            grants: vec![],
            points: 0,
            inherit: None,
            applies_to: vec![],
            provenance: Provenance::default(),
        }
    }

    /// Whether the list applies to kind `k`.
    pub fn applies(&self, k: usize) -> bool {
        self.applies_to.get(k).copied().unwrap_or(true)
    }
}

/// Households (`[population.households]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Households {
    /// Share of households with 1, 2, 3, ... members.
    pub sizes: Vec<f64>,
    /// Only subjects of this kind (index) live in households; `None` means every kind.
    pub kind: Option<usize>,
    /// Where the sizes come from.
    pub provenance: Provenance,
}
