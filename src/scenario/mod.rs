//! Scenario files: reading, validation with positioned diagnostics, and the
//! validated [`Scenario`] type the rest of the pipeline uses.

mod model;

pub use model::*;
