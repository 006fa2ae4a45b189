//! `pointsim plot`: re-render every chart and the report from a finished run's folder.

use std::path::PathBuf;

use anyhow::Context as _;

use super::{Failure, term};

/// Re-draw the charts and report.html of a finished run, without re-running it.
///
/// Reads summary.json, steps.csv, histogram.csv and manifest.json from DIR
/// and writes plots/*.png, plots/*.svg and report.html next to them. Takes
/// seconds, so a label or colour can be changed and checked quickly.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  pointsim run scenarios/rongcheng.toml && pointsim plot output/rongcheng")]
pub struct Args {
    /// Output folder of a finished `pointsim run`.
    dir: PathBuf,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let report = write_plots(&args.dir)?;
    if !args.quiet {
        println!("report: {}", report.display());
    }
    Ok(())
}

/// Render charts and report from the files in `dir` and write them there;
/// returns the report's path.
pub fn write_plots(dir: &std::path::Path) -> Result<PathBuf, Failure> {
    let data = pointsim::plot::RunData::load(dir).map_err(|e| {
        Failure::BadInput(format!(
            "{}: {e}\n\nhint: give the output folder of a finished `pointsim run`\n",
            term::error_word()
        ))
    })?;
    let files = pointsim::plot::render(&data).context("cannot draw the charts")?;
    pointsim::output::write_all(dir, &files)
        .with_context(|| format!("cannot write plots to `{}`", dir.display()))?;
    Ok(dir.join("report.html"))
}
