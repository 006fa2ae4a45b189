//! Pictures and the HTML reports: of a run, drawn from a saved output
//! folder; of a comparison and of a sweep, drawn from their result types
//! ([`results`](crate::results)).
//!
//! A run's charts read [`RunData`] (the files a run wrote), never the
//! engine, so `pointsim plot DIR` re-renders charts and report in seconds
//! without re-running the simulation. Functions here are pure: they return
//! bytes, and the caller writes them (atomically) with `output::write_all`.
//!
//! One route for every command: each draws a list of [`Chart`]s ([`charts`],
//! [`compare_chart`], [`sweep_charts`]), [`chart_files`] turns them into
//! `plots/<name>.png` and `.svg`, and [`render`], [`render_compare`] and
//! [`render_sweep`] give every file a command writes.

pub mod calibration_report;
mod charts;
mod compare_report;
mod data;
pub mod locale;
mod report;
pub mod sweep;

pub use charts::CJK_FONT;
pub use charts::calibration;
pub use charts::four_fifths_flags;
pub use charts::{
    CHART_NAMES, Lorenz, PlotError, SweepFigure, SweepLine, SweepPoint, chart_texts, charts, charts_in,
    compare_chart, lorenz, sweep_chart,
};
pub use charts::{SensitivityFigure, SensitivityRow, sensitivity_chart};
pub use compare_report::compare_html;
pub use data::{HistRow, LoadError, RunData, StepRow};
pub use locale::Lang;
pub use report::{report_html, report_html_in};

use crate::output::CompareInfo;
use crate::results::comparison::Comparison;
use crate::results::sweep::Manifest;
use crate::results::table::Table;
pub use sweep::sweep_charts;

/// One rendered chart, in both formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem: the chart is written as `plots/<name>.png` and `plots/<name>.svg`.
    pub name: String,
    /// Title drawn on the chart (also the report's figure heading).
    pub title: String,
    /// One sentence saying what the chart shows (the report's caption).
    pub caption: String,
    /// The chart as a standalone SVG document.
    pub svg: String,
    /// The chart as a PNG file.
    pub png: Vec<u8>,
}

/// The files of `charts`: `plots/<name>.png` and `plots/<name>.svg` for
/// each, in order, as (relative path, bytes) pairs ready for
/// `output::write_all`. Run, compare and sweep all turn their charts into
/// files here.
pub fn chart_files(charts: &[Chart]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::with_capacity(2 * charts.len());
    for c in charts {
        files.push((format!("plots/{}.png", c.name), c.png.clone()));
        files.push((format!("plots/{}.svg", c.name), c.svg.clone().into_bytes()));
    }
    files
}

/// The pictures [`render`] gives for a run, whichever charts it draws:
/// `report.html`, then `plots/<name>.png` and `.svg` of every chart name
/// ([`CHART_NAMES`]). A run with `--force` removes these first.
pub fn run_pictures() -> Vec<String> {
    let mut names = vec!["report.html".to_owned()];
    for chart in CHART_NAMES {
        names.push(format!("plots/{chart}.png"));
        names.push(format!("plots/{chart}.svg"));
    }
    names
}

/// The pictures [`render_compare`] gives: the page and the chart in both formats.
pub const COMPARE_PICTURES: [&str; 3] =
    ["compare.html", "plots/compare_distribution.png", "plots/compare_distribution.svg"];

/// Every file `pointsim plot` writes for a run: `plots/<name>.png` and
/// `plots/<name>.svg` for each chart ([`charts`], [`chart_files`]), then
/// `report.html`, as (relative path, bytes) pairs ready for `output::write_all`.
///
/// # Errors
///
/// A chart that cannot be drawn or encoded.
///
/// # Reproducibility
///
/// The SVG files and the report are byte-identical for the same folder.
pub fn render(data: &RunData) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    render_in(data, Lang::En)
}

/// [`render`] with `report.html` and the charts' own words in `lang`
/// (`pointsim run --lang zh-CN`); English gives the same bytes as [`render`].
///
/// # Errors
///
/// A chart that cannot be drawn or encoded.
pub fn render_in(data: &RunData, lang: Lang) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    let charts = charts_in(data, lang)?;
    let mut files = chart_files(&charts);
    files.push(("report.html".to_owned(), report_html_in(data, &charts, lang).into_bytes()));
    Ok(files)
}

/// Every file `pointsim compare` draws: `plots/compare_distribution.png`
/// and `.svg` ([`compare_chart`], [`chart_files`]), then `compare.html`
/// ([`compare_html`]), ready for `output::write_all`.
///
/// # Errors
///
/// The chart cannot be drawn or encoded.
///
/// # Reproducibility
///
/// The SVG file and the page are byte-identical for the same comparison.
pub fn render_compare(c: &Comparison, info: &CompareInfo) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    let chart = compare_chart(c, info)?;
    let mut files = chart_files(std::slice::from_ref(&chart));
    files.push(("compare.html".to_owned(), compare_html(c, info, Some(&chart)).into_bytes()));
    Ok(files)
}

/// Every chart file of a finished sweep ([`sweep_charts`], [`chart_files`]),
/// ready for `output::write_all`.
///
/// # Errors
///
/// A chart that cannot be drawn or encoded.
///
/// # Reproducibility
///
/// The SVG files are byte-identical for the same manifest and cells table.
pub fn render_sweep(m: &Manifest, cells: &Table) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    Ok(chart_files(&sweep_charts(m, cells)?))
}
