//! Pictures and the HTML report, drawn from a saved output folder.
//!
//! Everything here reads [`RunData`] (the files a run wrote), never the
//! engine, so `pointsim plot DIR` re-renders charts and report in seconds
//! without re-running the simulation. Functions here are pure: they return
//! bytes, and the caller writes them (atomically) with `output::write_all`.

mod charts;
mod compare_report;
mod data;
mod report;

pub use charts::{
    CHART_NAMES, Lorenz, PlotError, SweepFigure, SweepLine, SweepPoint, charts, compare_chart, lorenz,
    sweep_chart,
};
pub use compare_report::compare_html;
pub use data::{HistRow, LoadError, RunData, StepRow};
pub use report::report_html;

/// One rendered chart, in both formats.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// File stem: the chart is written as `plots/<name>.png` and `plots/<name>.svg`.
    pub name: &'static str,
    /// Title drawn on the chart (also the report's figure heading).
    pub title: String,
    /// One sentence saying what the chart shows (the report's caption).
    pub caption: String,
    /// The chart as a standalone SVG document.
    pub svg: String,
    /// The chart as a PNG file.
    pub png: Vec<u8>,
}

/// Every file `pointsim plot` writes for a run: `plots/<name>.png` and
/// `plots/<name>.svg` for each chart, then `report.html`, as (relative
/// path, bytes) pairs ready for `output::write_all`.
///
/// # Errors
///
/// A chart that cannot be drawn or encoded.
///
/// # Reproducibility
///
/// The SVG files and the report are byte-identical for the same folder.
pub fn render(data: &RunData) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    let charts = charts(data)?;
    let mut files = Vec::with_capacity(2 * charts.len() + 1);
    for c in &charts {
        files.push((format!("plots/{}.png", c.name), c.png.clone()));
        files.push((format!("plots/{}.svg", c.name), c.svg.clone().into_bytes()));
    }
    files.push(("report.html".to_owned(), report_html(data, &charts).into_bytes()));
    Ok(files)
}
