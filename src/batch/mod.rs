//! Batch work over many runs: the flat metrics of one run, intervals over replicates, Slurm job scripts.
//!
//! Sweeps and comparisons both reduce a run to named numbers ([`metrics`]) and
//! summarise replicates with a mean and a confidence interval ([`interval`]).
//! A sharded sweep on a cluster runs from the job scripts of [`slurm`].

pub mod interval;
pub mod metrics;
pub mod slurm;
