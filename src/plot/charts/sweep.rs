//! Sweep charts: one metric against one varied parameter, a line per series with its 95% interval as a band.

use plotters::prelude::*;

use super::PlotError;
use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, size};

/// One point of a line: parameter value, mean, and the interval's ends (`NaN` when undefined).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// The parameter's value.
    pub x: f64,
    /// The metric's mean over replicates.
    pub mean: f64,
    /// Lower end of its 95% interval.
    pub lo: f64,
    /// Upper end of its 95% interval.
    pub hi: f64,
}

/// One line of a sweep chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepLine {
    /// Legend text (the values of the other parameters, or a group).
    pub label: String,
    /// Its points, in increasing `x`.
    pub points: Vec<SweepPoint>,
}

/// A sweep chart's words and data.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepFigure {
    /// Title, e.g. `tier_share.AA by rule.volunteer_service.points`.
    pub title: String,
    /// Subtitle: the plan, replicates, seeds.
    pub subtitle: String,
    /// The parameter (x axis).
    pub x_desc: String,
    /// The metric (y axis).
    pub y_desc: String,
    /// Values are shares in [0, 1], shown as percentages.
    pub percent: bool,
    /// Legend heading.
    pub legend_heading: String,
    /// The lines.
    pub lines: Vec<SweepLine>,
}

/// Draw `fig` as SVG and PNG (1600×900), with the style of the run charts.
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
pub fn sweep_chart(fig: &SweepFigure) -> Result<(String, Vec<u8>), PlotError> {
    theme::register_fonts()?;
    render::render(fig)
}

impl SweepFigure {
    fn scale(&self) -> f64 {
        if self.percent { 100.0 } else { 1.0 }
    }

    /// The data ranges, padded a little; a single value gets a unit-wide range.
    fn ranges(&self) -> ((f64, f64), (f64, f64)) {
        let pts = self.lines.iter().flat_map(|l| &l.points);
        let xs: Vec<f64> = pts.clone().map(|p| p.x).filter(|v| v.is_finite()).collect();
        let ys: Vec<f64> = pts
            .flat_map(|p| [p.mean, p.lo, p.hi])
            .filter(|v| v.is_finite())
            .map(|v| v * self.scale())
            .collect();
        let span = |v: &[f64], pad: f64| {
            let (lo, hi) =
                v.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)));
            if !lo.is_finite() {
                (0.0, 1.0)
            } else if hi - lo < 1e-12 {
                (lo - 0.5, hi + 0.5)
            } else {
                (lo - (hi - lo) * pad, hi + (hi - lo) * pad)
            }
        };
        let mut y = span(&ys, 0.08);
        if self.percent {
            y = (y.0.max(0.0), y.1.min(100.0).max(y.0.max(0.0) + 1e-9));
        }
        (span(&xs, 0.03), y)
    }
}

impl Figure for SweepFigure {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let (x, y) = self.ranges();
        let mut chart = render::axes(&plot, x, y, 24)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(MUTED.mix(0.25).stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .x_labels(10)
            .y_labels(10)
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&|v| theme::tick(*v))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .draw()?;
        let k = self.scale();
        let mut legend = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let colour = theme::group_colour(i);
            // the band first, lightened instead of transparent so PNG and SVG match
            let band: Vec<&SweepPoint> =
                line.points.iter().filter(|p| p.lo.is_finite() && p.hi.is_finite()).collect();
            if band.len() >= 2 {
                let mut poly: Vec<(f64, f64)> = band.iter().map(|p| (p.x, p.hi * k)).collect();
                poly.extend(band.iter().rev().map(|p| (p.x, p.lo * k)));
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    theme::lighten(colour, 0.75).filled(),
                )))?;
            }
            for p in &band {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(p.x, p.lo * k), (p.x, p.hi * k)],
                    colour.stroke_width(2),
                )))?;
            }
            let pts: Vec<(f64, f64)> =
                line.points.iter().filter(|p| p.mean.is_finite()).map(|p| (p.x, p.mean * k)).collect();
            chart.draw_series(LineSeries::new(pts.clone(), colour.stroke_width(4)))?;
            chart.draw_series(pts.iter().map(|&c| Circle::new(c, 7, colour.filled())))?;
            legend.push(Entry::new(Swatch::Line(colour, 4), line.label.clone()));
        }
        let (sx0, sy0) = side.get_base_pixel();
        let below = render::legend(root, (sx0 + 12, sy0 + 14), 310, Some(&self.legend_heading), &legend)?;
        let note = "lines: mean over replicates; bands and bars: 95% confidence interval";
        let style = theme::text(size::BODY, MUTED);
        for (j, l) in render::wrap(root, note, &style, 310, 4).iter().enumerate() {
            root.draw(&Text::new(
                l.as_str(),
                (sx0 + 12, below + 20 + j as i32 * render::line_height(size::BODY)),
                style.clone(),
            ))?;
        }
        Ok(())
    }
}
