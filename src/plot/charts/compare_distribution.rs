//! The comparison chart, `compare_distribution`: the final score
//! distributions of a base and a reform, overlaid.
//!
//! The base is drawn as light bars and the reform as a dark outline over
//! them, so the two stay apart in greyscale and for colour-blind readers.

use plotters::prelude::*;

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
}

/// The chart of a comparison (`plots/compare_distribution.png` and `.svg`).
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
pub fn chart(c: &Comparison, info: &CompareInfo) -> Result<Chart, PlotError> {
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
    // numbers before names: a long name wraps or is cut, never the mean
    let legend = vec![
        Entry::new(
            Swatch::Fill(theme::lighten(BASE, 0.45)),
            format!("base, mean {mb:.1}: {}", info.base_name),
        ),
        Entry::new(Swatch::Line(REFORM, 4), format!("reform, mean {mr:.1}: {}", info.reform_name)),
        Entry::new(Swatch::Blank, format!("{w}-point bins, pooled over replicates")),
    ];
    let fig = Fig {
        title: "Final score distribution: base and reform".into(),
        subtitle: format!(
            "{} subjects · {} replicates with common random numbers · seed {}",
            theme::thousands(c.group_sizes[0]),
            c.replicates(),
            c.seed
        ),
        bins,
        x: (lo - pad, hi + pad),
        y_max: if y_max > 0.0 { y_max } else { 1.0 },
        legend,
    };
    let caption = format!(
        "Share of subjects in each {w}-point band of final score, under the base “{}” (bars) and the \
         reform “{}” (outline), pooled over {} replicates; both runs of a replicate share their random streams.",
        info.base_name,
        info.reform_name,
        c.replicates()
    );
    finish("compare_distribution", fig.title.clone(), caption, &fig)
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let mut chart = render::axes(&plot, self.x, (0.0, self.y_max), 24)?;
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
        let (sx0, sy0) = side.get_base_pixel();
        render::legend(root, (sx0 + 12, sy0 + 14), 310, Some("final scores"), &self.legend)?;
        Ok(())
    }
}
