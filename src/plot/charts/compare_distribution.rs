//! The comparison chart, `compare_distribution`: the final score
//! distributions of a base and a reform, overlaid.
//!
//! The base is drawn as light bars and the reform as a dark outline over
//! them, so the two stay apart in greyscale and for colour-blind readers.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, size};
use super::{PlotError, finish};
use crate::output::CompareInfo;
use crate::plot::Chart;
use crate::results::comparison::Comparison;

/// At most this many bins are drawn; finer ones are merged in runs.
const MAX_BARS: usize = 300;
/// The base's bars.
const BASE: RGBColor = RGBColor(0, 114, 178);
/// The reform's outline.
const REFORM: RGBColor = RGBColor(213, 94, 0);

#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    /// `(lo, hi_exclusive, base %, reform %)` per drawn bin.
    bins: Vec<(f64, f64, f64, f64)>,
    x: (f64, f64),
    y_max: f64,
    legend: Vec<Entry>,
    /// The base's tier bands over the score axis: `(from, to, colour, name)`.
    bands: Vec<(f64, f64, RGBColor, String)>,
}

/// One tier of the base scenario, for the shaded bands of the chart: its
/// name and lowest score (the lowest tier's `min` is ignored: it holds every
/// score below the next).
#[derive(Debug, Clone, PartialEq)]
pub struct TierBand {
    /// The tier's name.
    pub name: String,
    /// Its lowest score.
    pub min: i64,
}

/// The chart of a comparison (`plots/compare_distribution.png` and `.svg`).
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
pub fn chart(c: &Comparison, info: &CompareInfo) -> Result<Chart, PlotError> {
    chart_banded(c, info, &[])
}

/// [`chart`] over the base's tiers (lowest first), shaded behind the bars
/// and named along the top, as in a run's `score_distribution`. `pointsim
/// compare` passes them; `compare.json` does not hold the thresholds, so
/// `pointsim plot DIR` redraws the chart without bands.
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
pub fn chart_banded(c: &Comparison, info: &CompareInfo, tiers: &[TierBand]) -> Result<Chart, PlotError> {
    theme::register_fonts()?;
    let d = &c.distribution;
    let per = d.base.len().div_ceil(MAX_BARS).max(1);
    let (nb, nr): (u64, u64) = (d.base.iter().sum(), d.reform.iter().sum());
    let pct = |k: u64, n: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 * 100.0 };
    let w = i64::from(d.bin_width) * per as i64;
    let bins: Vec<(f64, f64, f64, f64)> = d
        .base
        .chunks(per)
        .zip(d.reform.chunks(per))
        .enumerate()
        .map(|(i, (b, r))| {
            let lo = (d.lo + i as i64 * w) as f64;
            (lo, lo + w as f64, pct(b.iter().sum(), nb), pct(r.iter().sum(), nr))
        })
        .collect();
    let (lo, hi) = match (bins.first(), bins.last()) {
        (Some(f), Some(l)) => (f.0, l.1),
        _ => (0.0, 1.0),
    };
    let pad = ((hi - lo) * 0.04).max(1.0);
    let y_max = bins.iter().map(|b| b.2.max(b.3)).fold(0.0, f64::max) * 1.15;
    let mean = |name: &str| c.metrics.iter().find(|m| m.name == name).map(|m| (m.base.mean, m.reform.mean));
    let (mb, mr) = mean("score.mean").unwrap_or((f64::NAN, f64::NAN));
    let x = (lo - pad, hi + pad);
    let n = tiers.len();
    let mut bands = vec![];
    let mut shown = vec![];
    for (i, t) in tiers.iter().enumerate() {
        let from = if i == 0 { x.0 } else { (t.min as f64).max(x.0) };
        let to = if i + 1 == n { x.1 } else { (tiers[i + 1].min as f64).min(x.1) };
        if from < to {
            bands.push((from, to, theme::lighten(theme::tier_colour(i, n), 0.72), t.name.clone()));
            shown.push(i);
        }
    }
    // numbers before names: a long name wraps or is cut, never the mean
    let mut legend = vec![
        Entry::new(
            Swatch::Fill(theme::lighten(BASE, 0.45)),
            format!("base, mean {mb:.1}: {}", info.base_name),
        ),
        Entry::new(Swatch::Line(REFORM, 4), format!("reform, mean {mr:.1}: {}", info.reform_name)),
        Entry::new(Swatch::Blank, format!("{w}-point bins, pooled over replicates")),
    ];
    if !bands.is_empty() {
        legend.push(Entry::new(Swatch::Blank, "shaded: the base's tiers in this range (highest first)"));
        for &i in shown.iter().rev() {
            let label = if i == 0 {
                tiers
                    .get(1)
                    .map_or(tiers[0].name.clone(), |t| format!("{} < {}", tiers[0].name, theme::score(t.min)))
            } else {
                format!("{} ≥ {}", tiers[i].name, theme::score(tiers[i].min))
            };
            legend.push(Entry::new(Swatch::Fill(theme::lighten(theme::tier_colour(i, n), 0.72)), label));
        }
    }
    let fig = Fig {
        title: "Final score distribution: base and reform".into(),
        subtitle: format!(
            "{} subjects · {} replicates with common random numbers · seed {}",
            theme::thousands(c.group_sizes[0]),
            c.replicates(),
            c.seed
        ),
        bins,
        x,
        bands,
        y_max: if y_max > 0.0 { y_max } else { 1.0 },
        legend,
    };
    let caption = format!(
        "Share of subjects in each {w}-point band of final score, under the base “{}” (bars) and the \
         reform “{}” (outline), pooled over {} replicates; both runs of a replicate share their random streams{}.",
        info.base_name,
        info.reform_name,
        c.replicates(),
        if tiers.is_empty() { "" } else { ", over the base's tier bands (shaded)" }
    );
    finish("compare_distribution", fig.title.clone(), caption, &fig)
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let mut chart = render::axes(&plot, self.x, (0.0, self.y_max), 24)?;
        chart.draw_series(
            self.bands.iter().map(|b| Rectangle::new([(b.0, 0.0), (b.1, self.y_max)], b.2.filled())),
        )?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.6).stroke_width(1))
            .x_labels(10)
            .y_labels(8)
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&|v| theme::tick(*v))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc("final score (points)")
            .y_desc("share of subjects (%)")
            .draw()?;
        let fill = theme::lighten(BASE, 0.45);
        chart
            .draw_series(self.bins.iter().map(|b| Rectangle::new([(b.0, 0.0), (b.1, b.2)], fill.filled())))?;
        // the reform as one step outline, in bin order (stable SVG bytes)
        let mut path = Vec::with_capacity(2 * self.bins.len() + 2);
        if let Some(first) = self.bins.first() {
            path.push((first.0, 0.0));
        }
        for b in &self.bins {
            path.push((b.0, b.3));
            path.push((b.1, b.3));
        }
        if let Some(last) = self.bins.last() {
            path.push((last.1, 0.0));
        }
        chart.draw_series(std::iter::once(PathElement::new(path, REFORM.stroke_width(4))))?;
        // tier names along the top, where they fit (measured)
        let label = theme::bold(size::BODY, INK);
        for b in &self.bands {
            let (x0, top) = chart.backend_coord(&(b.0, self.y_max));
            let (x1, _) = chart.backend_coord(&(b.1, self.y_max));
            if render::text_width(root, &b.3, &label) as i32 + 10 <= x1 - x0 {
                let style = label.pos(Pos::new(HPos::Center, VPos::Top));
                root.draw(&Text::new(b.3.as_str(), ((x0 + x1) / 2, top + 8), style))?;
            }
        }
        let (sx0, sy0) = side.get_base_pixel();
        render::legend(root, (sx0 + 12, sy0 + 14), 310, Some("final scores"), &self.legend)?;
        Ok(())
    }
}
