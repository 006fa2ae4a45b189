//! Statistics: mergeable integer accumulators filled by the engine
//! ([`SnapshotHistograms`], [`RuleTotals`], [`MechTotals`]), and the summary
//! (score moments, quantiles, tier, perk and restriction counts) derived from
//! them once the run is over.
//!
//! The engine imports this module, never the reverse: nothing here knows how
//! a run is simulated.
//!
//! Everything the engine accumulates is an integer, so partial results merge
//! exactly in any order and the summary is identical on any number of threads.

mod hist;
mod mech;
mod summary;

pub use hist::SnapshotHistograms;
pub use mech::MechTotals;
pub use summary::{
    BinnedHistogram, MICRO, QUANTILES, RuleTotals, RunTotals, ScoreStats, Slice, Snapshot, Summary, summarise,
};
