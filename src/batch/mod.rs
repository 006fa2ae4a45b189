//! Batch work over many runs: the flat metrics of one run, and intervals over replicates.
//!
//! Sweeps and comparisons both reduce a run to named numbers ([`metrics`]) and
//! summarise replicates with a mean and a confidence interval ([`interval`]).

pub mod interval;
pub mod metrics;
pub mod path;
pub mod plan;
pub mod sample;
pub mod seeds;
