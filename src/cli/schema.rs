//! `pointsim schema`: print the JSON Schema of scenario files.

use std::io::Write as _;

use anyhow::Context as _;

use super::Failure;

/// Print the JSON Schema (draft-07) that scenario files follow.
///
/// Editors with Taplo or Even Better TOML use it to validate and complete
/// scenario files that start with a `#:schema` line.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  pointsim schema > scenario.schema.json")]
pub struct Args {}

pub fn run(_: Args) -> Result<(), Failure> {
    std::io::stdout()
        .lock()
        .write_all(pointsim::scenario::json_schema().as_bytes())
        .context("cannot write to stdout")?;
    Ok(())
}
