//! The reference benchmark workload, generated programmatically.
//!
//! One function, [`reference`], builds the scenario every performance
//! figure is measured on, for any number of rules, step unit and horizon:
//!
//! - **Score**: start 1000, clamped to `[0, 2000]`.
//! - **Tiers** (lowest first): `D` ≥ 0, `C` ≥ 850, `B` ≥ 950 (the start
//!   tier), `A` ≥ 1050, `AAA` ≥ 1150.
//! - **Rules**: every fourth rule (`i % 4 == 3`) removes points (5 to 45),
//!   the others add points (1 to 10). Base rates vary by a factor of five
//!   from rule to rule, and are then scaled, separately for the positive and
//!   the negative rules, so that **the base rates sum to [`TOTAL_RATE`]
//!   (22.7 events per subject-year) whatever the number of rules**, and the
//!   expected score change of a subject in the start tier with multipliers 1
//!   is [`START_DRIFT`] (+10 points a year).
//! - **Tier feedback** (`rate_by_tier`, `D` to `AAA`): negative rules ×2,
//!   ×1.5, ×1, ×0.8, ×0.6; positive rules ×0.7, ×0.85, ×1, ×1.1, ×1.2. Low
//!   tiers see more negative records and fewer positive ones.
//! - **Groups**: `employed` (60 %: positive ×1.1, negative ×0.8), `students`
//!   (15 %: ×1.3, ×0.9), `unemployed` (25 %: ×0.7, ×1.5).
//! - No caps, no recovery, a snapshot every step (the defaults).
//!
//! Every number here is an assumption made for benchmarking, not a claim
//! about a real system.

use crate::scenario::{Group, Provenance, Recovery, Report, Rule, Scenario, ScoreRange, StepUnit, Tier};

/// Sum of the base rates of all rules, in events per subject-year.
pub const TOTAL_RATE: f64 = 22.7;

/// Expected score change per year of a subject in the start tier with all
/// multipliers at 1.
pub const START_DRIFT: f64 = 10.0;

/// Tier names and lower bounds, lowest first.
const TIERS: [(&str, i64); 5] = [("D", 0), ("C", 850), ("B", 950), ("A", 1050), ("AAA", 1150)];

/// Rate multipliers per tier (lowest first) for negative and positive rules.
const NEGATIVE_BY_TIER: [f64; 5] = [2.0, 1.5, 1.0, 0.8, 0.6];
const POSITIVE_BY_TIER: [f64; 5] = [0.7, 0.85, 1.0, 1.1, 1.2];

/// Groups: name, share, multiplier of positive rules, multiplier of negative rules.
const GROUPS: [(&str, f64, f64, f64); 3] =
    [("employed", 0.60, 1.1, 0.8), ("students", 0.15, 1.3, 0.9), ("unemployed", 0.25, 0.7, 1.5)];

fn assumed() -> Provenance {
    Provenance { source: None, assumed: true }
}

/// Whether rule `i` removes points.
fn is_negative(i: usize) -> bool {
    i % 4 == 3
}

/// The reference workload with `subjects` subjects, `rules` rules, `steps`
/// steps of `step` (see the module documentation for every value).
///
/// With fewer than four rules there is no negative rule and all of
/// [`TOTAL_RATE`] goes to the positive ones.
///
/// # Example
///
/// ```
/// use pointsim::scenario::StepUnit;
/// let s = pointsim::workload::reference(1_000, 20, StepUnit::Day, 365);
/// let total: f64 = s.rules.iter().map(|r| r.rate).sum();
/// assert!((total - pointsim::workload::TOTAL_RATE).abs() < 1e-9);
/// ```
pub fn reference(subjects: u64, rules: usize, step: StepUnit, steps: u32) -> Scenario {
    // raw weights and points, before scaling the rates
    let raw: Vec<(f64, i64)> = (0..rules)
        .map(|i| {
            let weight = 1.0 + (i % 5) as f64;
            let points = if is_negative(i) { -(5 + (i as i64 * 11) % 41) } else { 1 + (i as i64 * 7) % 10 };
            (weight, points)
        })
        .collect();
    // rate-weighted mean points of each sign
    let mean_points = |neg: bool| {
        let (w, wp) = raw
            .iter()
            .enumerate()
            .filter(|(i, _)| is_negative(*i) == neg)
            .fold((0.0, 0.0), |(w, wp), (_, &(x, p))| (w + x, wp + x * p as f64));
        (w, if w > 0.0 { wp / w } else { 0.0 })
    };
    let (w_pos, m_pos) = mean_points(false);
    let (w_neg, m_neg) = mean_points(true);
    // solve r_pos + r_neg = TOTAL and r_pos m_pos + r_neg m_neg = START_DRIFT
    let r_neg = if w_neg > 0.0 { (TOTAL_RATE * m_pos - START_DRIFT) / (m_pos - m_neg) } else { 0.0 };
    let r_pos = TOTAL_RATE - r_neg;
    let rules: Vec<Rule> = raw
        .iter()
        .enumerate()
        .map(|(i, &(weight, points))| {
            let neg = is_negative(i);
            let rate = if neg { r_neg * weight / w_neg } else { r_pos * weight / w_pos };
            Rule {
                id: format!("{}_{i:02}", if neg { "penalty" } else { "merit" }),
                label: format!("Rule {i}"),
                description: String::new(),
                points,
                rate,
                max_per_year: None,
                rate_by_tier: if neg { NEGATIVE_BY_TIER.to_vec() } else { POSITIVE_BY_TIER.to_vec() },
                provenance: assumed(),
                more: Default::default(),
                enabled: true,
            }
        })
        .collect();
    let groups = GROUPS
        .iter()
        .map(|&(name, share, pos, neg)| Group {
            name: name.into(),
            description: String::new(),
            share,
            start: 1000,
            rate_multiplier: (0..rules.len()).map(|i| if is_negative(i) { neg } else { pos }).collect(),
            provenance: assumed(),
            kind: 0,
        })
        .collect();
    Scenario {
        schema_version: 1,
        name: format!("reference workload ({} rules, {} × {})", rules.len(), steps, step.as_str()),
        description: "pointsim benchmark workload (pointsim::workload::reference)".into(),
        sources: vec![],
        seed: 42,
        steps,
        step,
        score: ScoreRange { start: 1000, min: Some(0), max: Some(2000) },
        tiers: TIERS
            .iter()
            .map(|&(name, min)| Tier { name: name.into(), label: name.into(), min, provenance: assumed() })
            .collect(),
        population: subjects,
        groups,
        rules,
        perks: vec![],
        restrictions: vec![],
        recovery: Recovery::default(),
        kinds: vec![crate::scenario::Kind::everyone()],
        lists: vec![],
        households: None,
        report: Report::default(),
        changes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The total base rate and the start-tier drift hold for any number of rules.
    #[test]
    fn totals_hold_for_any_rule_count() {
        for n in [1, 4, 7, 20, 50] {
            let s = reference(10, n, StepUnit::Day, 365);
            let total: f64 = s.rules.iter().map(|r| r.rate).sum();
            assert!((total - TOTAL_RATE).abs() < 1e-9, "{n} rules: total {total}");
            assert!(s.rules.iter().all(|r| r.rate > 0.0));
            if n >= 4 {
                let drift: f64 = s.rules.iter().map(|r| r.rate * r.points as f64).sum();
                assert!((drift - START_DRIFT).abs() < 1e-9, "{n} rules: drift {drift}");
            }
        }
    }

    #[test]
    fn shape_is_as_documented() {
        let s = reference(1_000, 20, StepUnit::Week, 52);
        assert_eq!((s.tiers.len(), s.groups.len(), s.rules.len()), (5, 3, 20));
        assert_eq!(s.tier_of(s.score.start), 2);
        assert!((s.groups.iter().map(|g| g.share).sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(s.rules.iter().filter(|r| r.points < 0).count(), 5);
        let ids: std::collections::HashSet<_> = s.rules.iter().map(|r| &r.id).collect();
        assert_eq!(ids.len(), 20, "rule ids are unique");
    }
}
