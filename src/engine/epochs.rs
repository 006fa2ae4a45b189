//! The rules of every part of a run between dated changes, compiled once:
//! the scenario's own from step 0, then those of each `[[change]]` from its step.

use super::compiled::Compiled;
use super::mech::Mech;
use crate::scenario::Scenario;

/// The compiled rules in force from step `at` on.
#[derive(Debug, Clone)]
pub(crate) struct Epoch {
    /// The step at whose start these rules apply (0 for the first).
    pub at: u32,
    /// Rates, points, tiers and caps.
    pub c: Compiled,
    /// The mechanics.
    pub m: Mech,
}

/// Every epoch of a run, in order, and whether it needs the full mechanics.
#[derive(Debug, Clone)]
pub(crate) struct Epochs {
    /// At least one; the first at step 0.
    pub list: Vec<Epoch>,
    /// Whether some epoch declares a mechanic (the whole run then takes the full loop).
    pub full: bool,
}

impl Epochs {
    /// Compile the rules of `s` and of each of its changes.
    pub fn new(s: &Scenario) -> Self {
        let mut list: Vec<Epoch> =
            s.epochs().map(|(at, e)| Epoch { at, c: Compiled::new(e), m: Mech::new(e) }).collect();
        // a tier that matters in any epoch is tracked from the start
        let tier_dependent = list.iter().any(|e| e.c.tier_dependent);
        for e in &mut list {
            e.c.tier_dependent = tier_dependent;
        }
        Epochs { list, full: s.epochs().any(|(_, e)| Mech::needed(e)) }
    }

    /// The rules of step 0.
    pub fn first(&self) -> &Epoch {
        &self.list[0]
    }
}
