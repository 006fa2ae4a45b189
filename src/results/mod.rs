//! Results: the pure types and tables that outputs and charts read, built
//! from summaries and run records, with no file I/O and no simulation.
//!
//! | what | module |
//! |---|---|
//! | one run reduced to named numbers (`score.mean`, `tier_share.A`, ...) | [`metrics`] |
//! | mean and Student-t interval over replicates | [`interval`] |
//! | a finished baseline-against-reform comparison | [`comparison`] |
//! | what a sweep folder records (`sweep.json`, one record per run) | [`sweep`] |
//! | `runs.*` and `cells.*` of a sweep, as tables | [`tables`] |
//! | a flat table of typed, nullable columns | [`table`] |
//! | small-cell suppression: which group figures to hide | [`suppress`] |
//! | a comparison at every snapshot, for a time chart | [`timeline`] |
//!
//! This layer sits beside [`stats`](crate::stats) and below `output`,
//! `plot`, `trace` and `batch`: those import it, it imports none of them.
//! `batch` runs the replicates and sweeps that fill these types; `output`
//! turns them into bytes and `plot` into charts.

pub mod comparison;
pub mod interval;
pub mod metrics;
pub mod suppress;
pub mod sweep;
pub mod table;
pub mod tables;
pub mod timeline;

pub use suppress::DEFAULT_MIN_CELL;

use crate::scenario::Scenario;

/// Whether the scenario defines its own groups (rather than the implicit
/// single group `all`, whose rows would only repeat the overall ones).
pub(crate) fn has_groups(s: &Scenario) -> bool {
    !(s.groups.len() == 1 && s.groups[0].name == "all")
}
