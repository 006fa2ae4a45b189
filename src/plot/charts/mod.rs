//! The standard charts of a run, drawn from its saved files.
//!
//! Each chart is drawn once per backend from the same code (see
//! [`render::Figure`]), so the PNG (1600×900) and the SVG have the same
//! layout. Text uses DejaVu Sans embedded in the binary, with Noto Sans CJK SC
//! (a GB 2312 subset, also embedded) for each glyph DejaVu lacks, never a
//! system font ([`typeset`]).
//! Nothing here iterates a hash map, and plotters' `Histogram` series (which
//! writes SVG bars in an unstable order) is not used: the same data gives
//! the same SVG bytes.

mod access_by_group;
mod bands;
pub mod calibration;
mod compare_distribution;
mod disparity_over_time;
mod gini;
mod inequality;
mod list_shares;
mod render;
mod score_distribution;
mod score_over_time;
mod sensitivity;
mod sweep;
mod theme;
mod tier_shares;
mod typeset;

use super::{Chart, RunData};
use crate::scenario::Scenario;

pub use compare_distribution::chart as compare_chart;
pub use gini::{Lorenz, lorenz};
pub use sensitivity::{SensitivityFigure, SensitivityRow, sensitivity_chart};
pub use sweep::{SweepFigure, SweepLine, SweepPoint, sweep_chart};

/// Why a chart could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlotError {
    /// The embedded font could not be registered.
    #[error("cannot load the embedded font: {0}")]
    Font(String),
    /// plotters failed while drawing.
    #[error("cannot draw a chart: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("cannot encode a PNG: {0}")]
    Png(String),
}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>> for PlotError {
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        PlotError::Draw(e.to_string())
    }
}

/// The name of every chart pointsim can draw, in drawing order.
pub const CHART_NAMES: [&str; 7] = [
    "score_distribution",
    "score_over_time",
    "tier_shares",
    "access_by_group",
    "inequality",
    "disparity_over_time",
    "list_shares",
];

/// Draw every standard chart of a run, in a fixed order: `score_distribution`,
/// `score_over_time`, `tier_shares`, `access_by_group`, `inequality`,
/// `disparity_over_time`, `list_shares`.
///
/// A chart with nothing to show is left out rather than drawn empty (for
/// example `access_by_group` when the scenario has no perks and no
/// restrictions, `disparity_over_time` without two published groups, or
/// `list_shares` when the scenario has no lists).
/// The same `data` always gives the same SVG and PNG bytes.
///
/// # Errors
///
/// [`PlotError`] if the embedded font cannot be registered or plotters fails
/// to draw; odd data (one tier, one group, an empty group, one snapshot,
/// negative or very wide scores) is drawn or skipped, never an error.
///
/// # Example
///
/// ```no_run
/// let data = pointsim::plot::RunData::load(std::path::Path::new("output")).unwrap();
/// for chart in pointsim::plot::charts(&data).unwrap() {
///     println!("{}: {}", chart.name, chart.caption);
/// }
/// ```
pub fn charts(data: &RunData) -> Result<Vec<Chart>, PlotError> {
    theme::register_fonts()?;
    let all = [
        score_distribution::chart(data)?,
        score_over_time::chart(data)?,
        tier_shares::chart(data)?,
        access_by_group::chart(data)?,
        inequality::chart(data)?,
        disparity_over_time::chart(data)?,
        list_shares::chart(data)?,
    ];
    Ok(all.into_iter().flatten().collect())
}

/// Build a [`Chart`] from a figure and its words.
fn finish(
    name: &'static str,
    title: String,
    caption: String,
    fig: &impl render::Figure,
) -> Result<Chart, PlotError> {
    let (svg, png) = render::render(fig)?;
    Ok(Chart { name: name.to_owned(), title, caption, svg, png })
}

/// Legend text for tier `i`: "A ≥ 960", or "D < 600" for the lowest tier
/// (which also holds every score below its `min`), or just the name when
/// there is a single tier.
fn tier_label(s: &Scenario, i: usize) -> String {
    let name = &s.tiers[i].name;
    if s.tiers.len() == 1 {
        name.clone()
    } else if i == 0 {
        format!("{name} < {}", theme::score(s.tiers[1].min))
    } else {
        format!("{name} ≥ {}", theme::score(s.tiers[i].min))
    }
}

/// The scenario's own groups (none when it only has the implicit `all`).
fn real_groups(s: &Scenario) -> Vec<&str> {
    if s.groups.len() == 1 && s.groups[0].name == "all" {
        vec![]
    } else {
        s.groups.iter().map(|g| g.name.as_str()).collect()
    }
}

/// A caption's closing words when small-cell suppression hid groups
/// (`""` otherwise): `"; groups a and b are suppressed (…)"`.
fn suppressed_note(data: &RunData) -> String {
    let names = &data.suppressed;
    if names.is_empty() {
        return String::new();
    }
    let list = match names.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => unreachable!(),
    };
    let k = data.min_cell.map_or(String::new(), |k| format!(" {k}"));
    format!(
        "; {} {list} {} not shown: small-cell suppression hides groups with fewer than{k} subjects \
         and those that would let them be recovered from the totals",
        if names.len() == 1 { "group" } else { "groups" },
        if names.len() == 1 { "is" } else { "are" }
    )
}
