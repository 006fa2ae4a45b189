//! pointsim: a simulator of municipal points-scoring ("social credit") systems.
#![deny(missing_docs)]

pub mod engine;
pub mod population;
pub mod scenario;
pub mod stats;
