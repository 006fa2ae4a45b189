//! Refusing an output folder that is, or holds, one of the command's own
//! inputs: the library's check ([`pointsim::output::refuse_own_inputs`]) as
//! the CLI's failure.

use std::path::{Path, PathBuf};

use super::Failure;

/// Refuse `out` when it is one of `inputs` or holds one of them
/// ([`pointsim::output::refuse_own_inputs`]).
pub fn refuse_own_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    pointsim::output::refuse_own_inputs(out, inputs).map_err(|e| Failure::BadInput(format!("error: {e}\n")))
}

pub use pointsim::output::chain_files;
