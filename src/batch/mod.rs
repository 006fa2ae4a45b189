//! Batch work over many runs: sweeps (plans, cells, replicates, shards), the
//! flat metrics of one run, intervals over replicates, and Slurm job scripts.
//!
//! Sweeps and comparisons both reduce a run to named numbers ([`metrics`]) and
//! summarise replicates with a mean and a confidence interval ([`interval`]).
//! A sweep reads a [`plan`], makes each cell's scenario by setting values at
//! dotted [`path`]s, runs every cell × replicate ([`sweep`]), records each run
//! in a [`journal`] as it finishes, and builds its [`tables`] from the journal
//! and the [`manifest`] (`sweep.json`) alone. A sharded sweep on a cluster runs
//! from the job scripts of [`slurm`].

pub mod compare;
pub mod flatten;
pub mod interval;
pub mod journal;
pub mod manifest;
pub mod metrics;
pub mod path;
pub mod plan;
pub mod plots;
pub mod sample;
pub mod seeds;
pub mod slurm;
pub mod sweep;
pub mod tables;
