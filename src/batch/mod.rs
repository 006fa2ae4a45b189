//! Batch work over many runs: comparisons and sweeps (plans, cells,
//! replicates, shards, resume) and Slurm job scripts. This layer runs
//! simulations; what they produce is in [`results`](crate::results).
//!
//! Sweeps and comparisons both reduce a run to named numbers
//! ([`results::metrics`](crate::results::metrics)) and summarise replicates
//! with a mean and a confidence interval
//! ([`results::interval`](crate::results::interval)). [`compare`] runs the
//! replicate pairs of a comparison. A sweep reads a [`plan`], makes each
//! cell's scenario by setting values at dotted [`path`]s, runs every cell ×
//! replicate ([`sweep`]), records each run in a [`journal`] as it finishes,
//! and builds its tables ([`results::tables`](crate::results::tables)) from
//! the journal and the manifest (`sweep.json`) alone. A sharded sweep on a
//! cluster runs from the job scripts of [`slurm`].

pub mod calibrate;
pub mod compare;
pub mod design;
pub mod flatten;
pub mod journal;
pub use crate::scenario::path;
pub mod plan;
pub mod sample;
pub mod seeds;
pub mod sensitivity;
pub mod set;
pub mod slurm;
pub mod slurm_calibration;
pub mod sweep;
