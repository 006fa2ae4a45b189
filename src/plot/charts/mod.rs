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
mod four_fifths;
mod gini;
mod inequality;
mod list_shares;
mod render;
mod score_distribution;
mod score_over_time;
mod sensitivity;
mod svg_glyphs;
mod sweep;
mod theme;
mod tier_shares;
mod typeset;

use super::{Chart, RunData};
use crate::plot::locale::Lang;
use crate::scenario::Scenario;

pub use compare_distribution::chart as compare_chart;
pub use four_fifths::four_fifths_flags;
pub use gini::{Lorenz, lorenz};
pub use sensitivity::{SensitivityFigure, SensitivityRow, sensitivity_chart};
pub use sweep::{SweepFigure, SweepLine, SweepPoint, sweep_chart};
pub use typeset::CJK_BYTES as CJK_FONT;

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
    charts_in(data, Lang::En)
}

/// [`charts`] with their own words (titles, axes, legends, notes and
/// captions) in `lang`; English gives the same bytes as [`charts`]. The
/// scenario's names and labels and every number are the same in each language.
///
/// # Errors
///
/// As [`charts`].
pub fn charts_in(data: &RunData, lang: Lang) -> Result<Vec<Chart>, PlotError> {
    theme::register_fonts()?;
    let all = [
        score_distribution::chart(data, lang)?,
        score_over_time::chart(data, lang)?,
        tier_shares::chart(data, lang)?,
        access_by_group::chart(data, lang)?,
        inequality::chart(data, lang)?,
        disparity_over_time::chart(data, lang)?,
        list_shares::chart(data, lang)?,
    ];
    Ok(all.into_iter().flatten().collect())
}

/// Source of every chart of a run, for [`chart_texts`].
const RUN_CHART_SOURCES: [&str; 9] = [
    include_str!("mod.rs"),
    include_str!("theme.rs"),
    include_str!("score_distribution.rs"),
    include_str!("score_over_time.rs"),
    include_str!("tier_shares.rs"),
    include_str!("access_by_group.rs"),
    include_str!("inequality.rs"),
    include_str!("disparity_over_time.rs"),
    include_str!("list_shares.rs"),
];

/// Every English text a run's charts translate: the string literal of each
/// `.tr("…")`, `.fill("…", …)` and `Lang::key("…")` in their source, so the
/// locale's tests can check that each has a Chinese entry the embedded font
/// can draw.
pub fn chart_texts() -> Vec<String> {
    let mut out = vec![];
    for src in RUN_CHART_SOURCES {
        // spelt in pieces, so that this line is not found as a call
        for call in [concat!(".t", "r("), concat!(".fi", "ll("), concat!("Lang::", "key(")] {
            for piece in src.split(call).skip(1) {
                if let Some(text) = literal(piece.trim_start())
                    && !out.contains(&text)
                {
                    out.push(text);
                }
            }
        }
    }
    out
}

/// The Rust string literal `src` opens with (`\"`, `\\` and line
/// continuations undone), or `None` when it does not open with one.
fn literal(src: &str) -> Option<String> {
    let mut chars = src.strip_prefix('"')?.chars().peekable();
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                '\n' => {
                    while chars.peek().is_some_and(|c| c.is_whitespace()) {
                        chars.next();
                    }
                }
                'n' => out.push('\n'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
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
fn suppressed_note(data: &RunData, lang: Lang) -> String {
    let names = &data.suppressed;
    if names.is_empty() {
        return String::new();
    }
    let list = match names.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => {
            lang.fill("{rest} and {last}", &[("rest", &rest.join(lang.tr(", "))), ("last", last)])
        }
        [] => unreachable!(),
    };
    let k = data.min_cell.map_or(String::new(), |k| format!(" {k}"));
    let en = if names.len() == 1 {
        Lang::key(
            "; group {list} is not shown: small-cell suppression hides groups with fewer than{k} subjects \
         and those that would let them be recovered from the totals",
        )
    } else {
        Lang::key(
            "; groups {list} are not shown: small-cell suppression hides groups with fewer than{k} subjects \
         and those that would let them be recovered from the totals",
        )
    };
    lang.fill(en, &[("list", &list), ("k", &k)])
}
