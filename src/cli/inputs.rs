//! Refusing an output folder that is, or holds, one of the command's own inputs.

use std::path::{Path, PathBuf};

use super::Failure;

/// Refuse `out` when it is one of `inputs` (files or folders) or holds one
/// of them at any depth: a command never writes over, clears or deletes its
/// own inputs, with or without `--force` (`pointsim merge s0 s1 --out s0
/// --force` used to remove shard `s0`'s files before reading them).
/// Paths are compared after resolving links and `..`; an output folder
/// that does not exist yet holds nothing.
pub fn refuse_own_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    let Ok(out_c) = std::fs::canonicalize(out) else { return Ok(()) };
    for input in inputs {
        let Ok(in_c) = std::fs::canonicalize(input) else { continue };
        if in_c.starts_with(&out_c) {
            let what = if in_c == out_c {
                format!("output folder `{}` is one of this command's inputs", out.display())
            } else {
                format!(
                    "output folder `{}` holds `{}`, one of this command's inputs",
                    out.display(),
                    input.display()
                )
            };
            return Err(Failure::BadInput(format!(
                "error: {what}\n\nhint: choose another folder with --out; nothing is written over or removed \
                 from a command's own inputs, even with --force\n"
            )));
        }
    }
    Ok(())
}

/// The files of a loaded scenario: the given file, then every file it extends.
pub fn chain_files(source: &pointsim::scenario::SourceFile) -> Vec<PathBuf> {
    source.chain.iter().map(|f| PathBuf::from(&f.file)).collect()
}
