//! A tiny hand-built scenario and summary shared by the exporter tests:
//! three tiers, two populated groups and one empty group, one perk, one restriction.

use crate::scenario::{
    Group, MaxThreshold, MinThreshold, Perk, Provenance, Recovery, Report, Restriction, Rule, Scenario,
    ScoreRange, StepUnit, Tier,
};
use crate::stats::{RuleTotals, RunTotals, SnapshotHistograms, Summary, summarise};

fn prov(assumed: bool) -> Provenance {
    Provenance { source: Some("test fixture".into()), assumed }
}

fn tier(name: &str, min: i64, assumed: bool) -> Tier {
    Tier { name: name.into(), label: format!("Grade {name}"), min, provenance: prov(assumed) }
}

fn group(name: &str, share: f64, assumed: bool) -> Group {
    Group {
        name: name.into(),
        description: String::new(),
        share,
        start: 100,
        rate_multiplier: vec![1.0, 1.0],
        provenance: prov(assumed),
        kind: 0,
    }
}

fn rule(id: &str, points: i64, rate: f64, assumed: bool) -> Rule {
    Rule {
        id: id.into(),
        label: id.into(),
        description: String::new(),
        points,
        rate,
        max_per_year: None,
        rate_by_tier: vec![1.0; 3],
        provenance: prov(assumed),
        more: Default::default(),
        enabled: true,
    }
}

/// Tiers C (< 100), B (100..110), A (>= 110); perk `fast_lane` from tier A;
/// restriction `no_travel` in tier C; groups `urban` (3), `rural` (2) and
/// `migrant` (0, empty); 2 monthly steps.
pub fn scenario() -> Scenario {
    Scenario {
        schema_version: 1,
        name: "Tiny town".into(),
        description: "Hand-built fixture".into(),
        sources: vec!["none".into()],
        seed: 7,
        steps: 2,
        step: StepUnit::Month,
        score: ScoreRange { start: 100, min: Some(0), max: Some(150) },
        tiers: vec![tier("C", 0, false), tier("B", 100, false), tier("A", 110, true)],
        population: 5,
        groups: vec![group("urban", 0.6, false), group("rural", 0.4, true), group("migrant", 0.0, false)],
        rules: vec![rule("volunteer", 10, 2.0, true), rule("littering", -5, 1.0, false)],
        perks: vec![Perk {
            id: "fast_lane".into(),
            label: "Fast lane".into(),
            description: String::new(),
            threshold: MinThreshold::Tier(2),
            provenance: prov(false),
            applies_to: vec![],
        }],
        restrictions: vec![Restriction {
            id: "no_travel".into(),
            label: "No travel".into(),
            description: String::new(),
            threshold: MaxThreshold::Tier(0),
            provenance: prov(true),
            applies_to: vec![],
        }],
        recovery: Recovery { restore_after: Some(2), drift: None, repair_max_per_year: None },
        report: Report { bin_width: 10, snapshot_every: 1, title: None },
        changes: Vec::new(),
        kinds: vec![crate::scenario::Kind::everyone()],
        lists: vec![],
        households: None,
    }
}

/// Scores per snapshot (steps 0, 1, 2) and group (urban, rural, migrant).
const SCORES: [[&[i64]; 3]; 3] = [
    [&[100, 100, 100], &[100, 100], &[]],
    [&[110, 100, 100], &[100, 95], &[]],
    [&[120, 100, 95], &[95, 110], &[]],
];

/// The summary of [`scenario`] with the scores in `SCORES`.
pub fn summary() -> Summary {
    let s = scenario();
    let mut hist = SnapshotHistograms::new(SCORES.len(), 3, 90, 120);
    for (row, groups) in SCORES.iter().enumerate() {
        for (g, scores) in groups.iter().enumerate() {
            for &x in *scores {
                hist.add(row, g, x, 1);
            }
            // stored as deltas: subtract the previous row
            if row > 0 {
                for &x in SCORES[row - 1][g] {
                    hist.add(row, g, x, -1);
                }
            }
        }
    }
    hist.cumulate();
    let totals = RunTotals {
        snapshot_steps: vec![0, 1, 2],
        hist,
        rules: vec![
            RuleTotals { events: 3, points_applied: 30, ..RuleTotals::default() },
            RuleTotals { events: 3, points_applied: -15, ..RuleTotals::default() },
        ],
        points_restored: 5,
        points_drifted: 0,
        mech: None,
    };
    summarise(&s, &[3, 2, 0], &totals)
}

/// A scenario without groups or tiers of its own (the implicit `all` of each).
pub fn ungrouped() -> (Scenario, Summary) {
    let mut s = scenario();
    s.groups = vec![group("all", 1.0, false)];
    s.tiers = vec![tier("all", i64::MIN, false)];
    s.perks.clear();
    s.restrictions.clear();
    s.rules.clear();
    s.population = 2;
    let mut hist = SnapshotHistograms::new(2, 1, 100, 100);
    hist.add(0, 0, 100, 2);
    hist.add(1, 0, 100, -1);
    hist.add(1, 0, 87, 1);
    hist.cumulate();
    let totals = RunTotals {
        snapshot_steps: vec![0, 2],
        hist,
        rules: vec![],
        points_restored: 0,
        points_drifted: 0,
        mech: None,
    };
    let sum = summarise(&s, &[2], &totals);
    (s, sum)
}
