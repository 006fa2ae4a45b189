//! `pointsim plot`: re-render every chart and the report from a finished run's
//! or comparison's folder.

use std::path::PathBuf;

use anyhow::Context as _;
use pointsim::plot::Lang;

use super::{Failure, term};

/// Re-draw the charts and report.html of a finished run, without re-running it.
///
/// Reads summary.json, steps.csv, histogram.csv and manifest.json from DIR
/// and writes plots/*.png, plots/*.svg and report.html next to them. Takes
/// seconds, so a label or colour can be changed and checked quickly. For the
/// folder of a `pointsim compare`, reads compare.json and writes
/// plots/compare_distribution.{png,svg} and compare.html.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim run scenarios/rongcheng.toml && pointsim plot output/rongcheng\n  \
    pointsim plot output/teaching_toy_vs_teaching_toy_reform")]
pub struct Args {
    /// Output folder of a finished `pointsim run` or `pointsim compare`.
    dir: PathBuf,
    /// Language of report.html's headings and explanations: `en` or `zh-CN`
    /// (the scenario's own text, the numbers and the charts are the same in both).
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = lang)]
    lang: Lang,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

/// A `--lang` value: `en` or `zh-CN`.
pub(super) fn lang(s: &str) -> Result<Lang, String> {
    s.parse::<Lang>().map_err(|e| e.to_string())
}

pub fn run(args: Args) -> Result<(), Failure> {
    refuse_unfinished(&args.dir)?;
    // no run, compare or other plot writes into the folder meanwhile
    let _held = if args.dir.is_dir() { Some(super::outdir::hold(&args.dir, args.quiet)?) } else { None };
    let is_compare = !args.dir.join("manifest.json").exists() && args.dir.join("compare.json").exists();
    let report =
        if is_compare { write_compare_plots(&args.dir)? } else { write_plots(&args.dir, args.lang)? };
    if !args.quiet {
        println!("report: {}", report.display());
    }
    Ok(())
}

/// Render charts and report (its words in `lang`) from the files in `dir` and write them there;
/// returns the report's path.
pub fn write_plots(dir: &std::path::Path, lang: Lang) -> Result<PathBuf, Failure> {
    let data = pointsim::plot::RunData::load(dir).map_err(|e| {
        Failure::BadInput(format!(
            "{}: {e}\n\nhint: give the output folder of a finished `pointsim run` or `pointsim compare`\n",
            term::error_word()
        ))
    })?;
    let files = pointsim::plot::render_in(&data, lang).context("cannot draw the charts")?;
    super::guard::io(|| pointsim::output::write_all(dir, &files))
        .with_context(|| format!("cannot write plots to `{}`", dir.display()))?;
    Ok(dir.join("report.html"))
}

/// Render a comparison's chart and page from the compare.json in `dir` and
/// write them there; returns the page's path.
fn write_compare_plots(dir: &std::path::Path) -> Result<PathBuf, Failure> {
    let path = dir.join("compare.json");
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let (c, info) = pointsim::output::compare_from_json(&bytes).map_err(|e| {
        Failure::BadInput(format!(
            "{}: `{}`: {e}\n\nhint: run the comparison again with `pointsim compare` to write its files anew\n",
            term::error_word(),
            path.display()
        ))
    })?;
    let files = pointsim::plot::render_compare(&c, &info).context("cannot draw the comparison chart")?;
    pointsim::output::write_all(dir, &files)
        .with_context(|| format!("cannot write plots to `{}`", dir.display()))?;
    Ok(dir.join("compare.html"))
}

/// Refuse a folder whose results are not complete: an unfinished sweep
/// (it has `sweep.incomplete`) or the partial result set of a run that was
/// interrupted or is still running (`.<name>.pointsim-partial-<pid>`).
fn refuse_unfinished(dir: &std::path::Path) -> Result<(), Failure> {
    use pointsim::batch::journal;
    if let Some(cmd) = journal::unfinished(dir) {
        let how = if cmd.is_empty() {
            "with `pointsim sweep PLAN --out DIR --resume`".to_owned()
        } else {
            format!("with `{cmd}`")
        };
        return Err(Failure::BadInput(format!(
            "{}: `{}` holds a sweep that has not finished (interrupted, or still running)\n\nhint: finish it {how}\n",
            term::error_word(),
            dir.display()
        )));
    }
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.starts_with('.') && name.contains(pointsim::output::atomic::PARTIAL) {
        return Err(Failure::BadInput(format!(
            "{}: `{}` holds the unfinished results of a run that was interrupted or is still running\n\nhint: \
             give the output folder of a finished run; run the command again to make it\n",
            term::error_word(),
            dir.display()
        )));
    }
    Ok(())
}
