//! pointsim: a simulator of municipal points-scoring ("social credit") systems.
#![deny(missing_docs)]

pub mod engine;
#[doc(hidden)]
pub mod naive;
pub mod population;
pub mod scenario;
pub mod stats;
#[doc(hidden)]
pub mod workload;
