//! The comparison chart, `compare_distribution`: the final score
//! distributions of a base and a reform, overlaid.
//!
//! The base is drawn as light bars and the reform as a dark outline over
//! them, so the two stay apart in greyscale and for colour-blind readers.
//! Behind them, the base's tiers are shaded bands with their names along the
//! top; a threshold of the reform's that the base lacks (another score, or
//! another tier) is a dashed line labelled with the reform's tier.

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::bands::{self, Band};
use super::render::{self, Area, Entry, Figure, Swatch};
use super::score_distribution::{self, bar_top};
use super::theme::{self, INK, MUTED, size};
use super::{PlotError, finish};
use crate::output::CompareInfo;
use crate::plot::Chart;
use crate::results::comparison::{Comparison, TierThreshold};

/// At most this many bins are drawn; finer ones are merged in runs.
const MAX_BARS: usize = 300;
/// The base's bars.
const BASE: RGBColor = RGBColor(0, 114, 178);
/// The reform's outline.
const REFORM: RGBColor = RGBColor(213, 94, 0);
/// White mixed into a tier's colour to shade its band: lighter than on a
/// run's chart, so the base's light bars stand out from it.
const SHADE: f64 = 0.8;

/// A reform threshold the base lacks: a dashed line at `at` and its label.
#[derive(Debug, Clone, PartialEq)]
struct Mark {
    at: f64,
    label: String,
}

#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    /// `(lo, hi_exclusive, base %, reform %)` per drawn bin.
    bins: Vec<(f64, f64, f64, f64)>,
    x: (f64, f64),
    y_max: f64,
    /// The share axis is logarithmic, by the run chart's rule
    /// ([`score_distribution::log_view`]): `Some(lowest decade)`.
    log: Option<f64>,
    legend: Vec<Entry>,
    /// The base's tier bands.
    bands: Vec<Band>,
    /// The reform's thresholds that differ from the base's, within the axis.
    marks: Vec<Mark>,
    /// The tier legend (base tiers highest first, then the reform's marks).
    tiers: Vec<Entry>,
    /// The tier legend's heading.
    tiers_heading: &'static str,
}

/// Legend text for threshold `i` of tiers given lowest first: "A ≥ 960", or
/// "D < 600" for the lowest tier, or just the name of a single tier.
fn threshold_label(t: &[TierThreshold], i: usize) -> String {
    let name = &t[i].name;
    if t.len() == 1 {
        name.clone()
    } else if i == 0 {
        format!("{name} < {}", theme::score(t[1].min))
    } else {
        format!("{name} ≥ {}", theme::score(t[i].min))
    }
}

/// Whether both sides bound their tiers at the same scores with the same
/// names (the lowest tier's `min` bounds nothing).
fn same_bounds(base: &[TierThreshold], reform: &[TierThreshold]) -> bool {
    let bounds = |t: &[TierThreshold]| t.iter().skip(1).map(|t| (t.name.clone(), t.min)).collect::<Vec<_>>();
    bounds(base) == bounds(reform)
}

/// The reform's thresholds (index into `reform`, lowest first) that the base
/// does not have: a tier boundary at another score or of another name. The
/// lowest tier's `min` bounds nothing, so it never counts.
fn differing(base: &[TierThreshold], reform: &[TierThreshold]) -> Vec<usize> {
    let bound = |t: &TierThreshold| (t.name.clone(), t.min);
    let base: Vec<_> = base.iter().skip(1).map(bound).collect();
    (1..reform.len()).filter(|&i| !base.contains(&bound(&reform[i]))).collect()
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
    let x = (lo - pad, hi + pad);
    let (bt, rt) = (&c.base_thresholds, &c.reform_thresholds);
    let bands = bands::tier_bands(bt.iter().map(|t| (t.name.as_str(), t.min)), x);
    let changed = differing(bt, rt);
    let marks: Vec<Mark> = changed
        .iter()
        .map(|&i| Mark { at: rt[i].min as f64, label: format!("reform: {}", threshold_label(rt, i)) })
        .filter(|m| m.at > x.0 && m.at < x.1)
        .collect();
    let mut tiers: Vec<Entry> = (0..bt.len())
        .rev()
        .map(|i| {
            let colour = theme::lighten(theme::tier_colour(i, bt.len()), SHADE);
            Entry::new(Swatch::Fill(colour), threshold_label(bt, i))
        })
        .collect();
    let reform_list = changed.iter().rev().map(|&i| threshold_label(rt, i)).collect::<Vec<_>>().join(", ");
    if !changed.is_empty() {
        tiers.push(Entry::new(Swatch::Dashed(REFORM), format!("reform: {reform_list}")));
    }
    let (base_pct, reform_pct): (Vec<f64>, Vec<f64>) = bins.iter().map(|b| (b.2, b.3)).unzip();
    let (log, y_max) = score_distribution::share_axis(&[&base_pct, &reform_pct]);
    let mean = |name: &str| c.metrics.iter().find(|m| m.name == name).map(|m| (m.base.mean, m.reform.mean));
    let (mb, mr) = mean("score.mean").unwrap_or((f64::NAN, f64::NAN));
    // numbers before names: a long name wraps or is cut, never the mean
    let mut legend = vec![
        Entry::new(
            Swatch::Fill(theme::lighten(BASE, 0.45)),
            format!("base, mean {mb:.1}: {}", info.base_name),
        ),
        Entry::new(Swatch::Line(REFORM, 4), format!("reform, mean {mr:.1}: {}", info.reform_name)),
        Entry::new(Swatch::Blank, format!("{w}-point bins, pooled over replicates")),
    ];
    if log.is_some() {
        legend.push(Entry::new(
            Swatch::Blank,
            "logarithmic share axis, so thin tails show: each gridline is ten times the one below".to_owned(),
        ));
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
        y_max,
        log,
        legend,
        bands,
        marks,
        tiers,
        tiers_heading: if same_bounds(bt, rt) { "tiers, the same in both" } else { "tiers of the base" },
    };
    let base_list = (0..bt.len()).rev().map(|i| threshold_label(bt, i)).collect::<Vec<_>>().join(", ");
    let over = if bt.is_empty() {
        String::new()
    } else if same_bounds(bt, rt) {
        format!(", over the tiers of both (shaded: {base_list})")
    } else if changed.is_empty() {
        format!(", over the base's tiers (shaded: {base_list})")
    } else {
        format!(
            ", over the base's tiers (shaded: {base_list}) and the reform's thresholds where they differ \
             (dashed: {reform_list})"
        )
    };
    let log_note = if log.is_some() {
        "; the share axis is logarithmic, since on a linear one the thin tails (bars under 2% of the \
         tallest, together at least 0.5% of subjects) would not show"
    } else {
        ""
    };
    let caption = format!(
        "Share of subjects in each {w}-point band of final score, under the base “{}” (bars) and the \
         reform “{}” (outline), pooled over {} replicates{over}; both runs of a replicate share their \
         random streams{log_note}.",
        info.base_name,
        info.reform_name,
        c.replicates()
    );
    finish("compare_distribution", fig.title.clone(), caption, &fig)
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let floor = self.log.unwrap_or(0.0);
        let axis = (self.log, self.y_max);
        let mut chart = render::axes(&plot, self.x, (floor, self.y_max), 24)?;
        bands::draw(&mut chart, &self.bands, (floor, self.y_max), SHADE)?;
        let log = self.log.is_some();
        let y_tick = |v: &f64| score_distribution::share_tick(log, *v);
        let decades = (self.y_max - floor).ceil().max(1.0) as usize;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.6).stroke_width(1))
            .x_labels(10)
            .y_labels(if log { decades + 1 } else { 8 })
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&y_tick)
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc("final score (points)")
            .y_desc(if log { "share of subjects (%, logarithmic)" } else { "share of subjects (%)" })
            .draw()?;
        let fill = theme::lighten(BASE, 0.45);
        chart.draw_series(
            self.bins
                .iter()
                .filter(|b| b.2 > 0.0)
                .map(|b| Rectangle::new([(b.0, floor), (b.1, bar_top(b.2, axis))], fill.filled())),
        )?;
        // the reform as one step outline, in bin order (stable SVG bytes)
        let top = |pct: f64| if pct > 0.0 { bar_top(pct, axis) } else { floor };
        let mut path = Vec::with_capacity(2 * self.bins.len() + 2);
        if let Some(first) = self.bins.first() {
            path.push((first.0, floor));
        }
        for b in &self.bins {
            path.push((b.0, top(b.3)));
            path.push((b.1, top(b.3)));
        }
        if let Some(last) = self.bins.last() {
            path.push((last.1, floor));
        }
        chart.draw_series(std::iter::once(PathElement::new(path, REFORM.stroke_width(4))))?;
        bands::names(root, &chart, &self.bands, self.y_max)?;
        self.draw_marks(root, &mut chart)?;
        let (sx0, sy0) = side.get_base_pixel();
        let y = render::legend(root, (sx0 + 12, sy0 + 14), 310, Some("final scores"), &self.legend)?;
        if !self.tiers.is_empty() {
            render::legend(root, (sx0 + 12, y + 14), 310, Some(self.tiers_heading), &self.tiers)?;
        }
        Ok(())
    }
}

impl Fig {
    /// The reform's differing thresholds: a dashed line each, labelled below
    /// the band names, a label moving down a row where it would overlap the
    /// one before.
    fn draw_marks<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        chart: &mut ChartContext<
            '_,
            DB,
            plotters::coord::cartesian::Cartesian2d<
                plotters::coord::types::RangedCoordf64,
                plotters::coord::types::RangedCoordf64,
            >,
        >,
    ) -> Result<(), PlotError> {
        chart.draw_series(self.marks.iter().map(|m| {
            let floor = self.log.unwrap_or(0.0);
            DashedPathElement::new(vec![(m.at, floor), (m.at, self.y_max)], 10, 6, REFORM.stroke_width(3))
        }))?;
        let style = theme::bold(size::BODY, REFORM);
        let (right_edge, _) = chart.backend_coord(&(self.x.1, 0.0));
        let lh = render::line_height(size::BODY);
        // the right end of the last label in each row
        let mut rows: Vec<i32> = vec![];
        for m in &self.marks {
            let (px, top) = chart.backend_coord(&(m.at, self.y_max));
            let w = render::text_width(root, &m.label, &style) as i32;
            let x = if px + 8 + w < right_edge { px + 8 } else { px - 8 - w };
            let row = rows.iter().position(|&end| end + 12 < x).unwrap_or(rows.len());
            if row == rows.len() {
                rows.push(x + w);
            } else {
                rows[row] = x + w;
            }
            root.draw(&Text::new(m.label.as_str(), (x, top + 44 + row as i32 * lh), style.clone()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiers(t: &[(&str, i64)]) -> Vec<TierThreshold> {
        t.iter().map(|&(n, min)| TierThreshold { name: n.into(), label: n.into(), min }).collect()
    }

    #[test]
    fn only_the_reforms_own_thresholds_are_marked() {
        let base = tiers(&[("C", 0), ("B", 850), ("A", 960)]);
        assert!(same_bounds(&base, &base) && differing(&base, &base).is_empty());
        // the lowest tier's min bounds nothing
        let floor = tiers(&[("C", -100), ("B", 850), ("A", 960)]);
        assert!(same_bounds(&base, &floor) && differing(&base, &floor).is_empty());
        let moved = tiers(&[("C", 0), ("B", 850), ("A", 990)]);
        assert_eq!(differing(&base, &moved), [2]);
        assert!(!same_bounds(&base, &moved));
        // a tier taken away marks nothing, but the two sides are not the same
        let fewer = tiers(&[("C", 0), ("A", 960)]);
        assert!(differing(&base, &fewer).is_empty() && !same_bounds(&base, &fewer));
        assert_eq!(threshold_label(&moved, 2), "A ≥ 990");
        assert_eq!(threshold_label(&moved, 0), "C < 850");
        assert_eq!(threshold_label(&tiers(&[("all", 0)]), 0), "all");
    }
}
