//! Pictures and the HTML report, drawn from a saved output folder.
//!
//! Everything here reads [`RunData`] (the files a run wrote), never the
//! engine, so `pointsim plot DIR` re-renders charts and report in seconds
//! without re-running the simulation.

mod data;

pub use data::{HistRow, LoadError, RunData, StepRow};
