//! pointsim: a simulator of municipal points-scoring ("social credit") systems.
#![deny(missing_docs)]

pub mod output;
pub mod scenario;
pub mod stats;
