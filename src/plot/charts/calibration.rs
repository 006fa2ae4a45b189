//! Calibration charts: the pair plot of the candidates (plausible and ABC weight) and
//! the targets against the posterior-predictive fit.

use plotters::prelude::*;

use super::PlotError;
use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, WARNING, size};

/// One candidate in the pair plot.
#[derive(Debug, Clone, PartialEq)]
pub struct PairPoint {
    /// Its coordinates, one per parameter, on the axes' scale (log10 for log-uniform priors).
    pub x: Vec<f64>,
    /// Not ruled out by history matching.
    pub plausible: bool,
    /// Its ABC weight relative to the largest (0..1).
    pub weight: f64,
}

/// The pair plot's words and data.
#[derive(Debug, Clone, PartialEq)]
pub struct PairsFigure {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Axis names, one per parameter.
    pub names: Vec<String>,
    /// Axis ranges (the prior ranges on the axes' scale).
    pub ranges: Vec<(f64, f64)>,
    /// The posterior 95% ranges on the axes' scale.
    pub intervals: Vec<(f64, f64)>,
    /// Every candidate.
    pub points: Vec<PairPoint>,
}

/// One target against its fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitRow {
    /// The target's name.
    pub name: String,
    /// The figure.
    pub value: f64,
    /// Its 95% interval.
    pub interval: (f64, f64),
    /// Posterior-predictive mean.
    pub predicted: f64,
    /// Posterior-predictive 95% interval.
    pub predicted_interval: (f64, f64),
}

/// The targets-versus-fit chart.
#[derive(Debug, Clone, PartialEq)]
pub struct FitFigure {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// One row per target.
    pub rows: Vec<FitRow>,
}

/// Draw the pair plot as SVG and PNG (1600×900).
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
pub fn pairs_chart(fig: &PairsFigure) -> Result<(String, Vec<u8>), PlotError> {
    theme::register_fonts()?;
    render::render(fig)
}

/// Draw the targets-versus-fit chart as SVG and PNG (1600×900).
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
pub fn fit_chart(fig: &FitFigure) -> Result<(String, Vec<u8>), PlotError> {
    theme::register_fonts()?;
    render::render(fig)
}

/// A tick label with enough decimals for ticks `span` apart to differ.
fn label(v: f64, span: f64) -> String {
    let decimals = (1.0 - span.abs().max(1e-12).log10().floor()).clamp(0.0, 8.0) as usize;
    format!("{v:.decimals$}")
}

fn pad((lo, hi): (f64, f64)) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 { (lo - 0.5, hi + 0.5) } else { (lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.04) }
}

impl Figure for PairsFigure {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let d = self.names.len().max(1);
        let cells = plot.split_evenly((d, d));
        let blue = theme::group_colour(0);
        for (i, cell) in cells.iter().enumerate() {
            let (row, col) = (i / d, i % d);
            let (xr, yr) = (pad(self.ranges[col]), pad(self.ranges[row]));
            if row == col {
                // the diagonal: the weighted posterior as a histogram of 20 bins
                let bins = 20;
                let mut h = vec![0.0; bins];
                for p in &self.points {
                    let u = (p.x[col] - xr.0) / (xr.1 - xr.0);
                    let b = ((u * bins as f64) as usize).min(bins - 1);
                    h[b] += p.weight;
                }
                let top = h.iter().copied().fold(0.0, f64::max).max(1e-12);
                let mut chart = ChartBuilder::on(cell)
                    .margin(8)
                    .caption(render::clip(&self.names[col]), theme::text(size::BODY, INK))
                    .x_label_area_size(if row == d - 1 { 40 } else { 10 })
                    .y_label_area_size(if col == 0 { 100 } else { 10 })
                    .build_cartesian_2d(xr.0..xr.1, 0.0..1.08)?;
                let fx = |v: &f64| label(*v, xr.1 - xr.0);
                let mut mesh = chart.configure_mesh();
                mesh.disable_y_mesh().disable_y_axis().light_line_style(TRANSPARENT);
                mesh.bold_line_style(MUTED.mix(0.2).stroke_width(1)).x_labels(4);
                mesh.x_label_formatter(&fx).label_style(theme::text(size::BODY, INK));
                mesh.draw()?;
                let w = (xr.1 - xr.0) / bins as f64;
                chart.draw_series(h.iter().enumerate().map(|(b, v)| {
                    let x0 = xr.0 + b as f64 * w;
                    Rectangle::new([(x0, 0.0), (x0 + w, v / top)], theme::lighten(blue, 0.35).filled())
                }))?;
                let (lo, hi) = self.intervals[col];
                for x in [lo, hi] {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x, 0.0), (x, 1.05)],
                        WARNING.stroke_width(3),
                    )))?;
                }
                continue;
            }
            let mut chart = ChartBuilder::on(cell)
                .margin(8)
                .x_label_area_size(if row == d - 1 { 40 } else { 10 })
                .y_label_area_size(if col == 0 { 100 } else { 10 })
                .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
            let (fx, fy) = (|v: &f64| label(*v, xr.1 - xr.0), |v: &f64| label(*v, yr.1 - yr.0));
            let mut mesh = chart.configure_mesh();
            mesh.light_line_style(TRANSPARENT).bold_line_style(MUTED.mix(0.2).stroke_width(1));
            mesh.x_labels(4).y_labels(4).label_style(theme::text(size::BODY, INK));
            mesh.x_label_formatter(&fx).y_label_formatter(&fy);
            mesh.draw()?;
            chart.draw_series(
                self.points
                    .iter()
                    .filter(|p| !p.plausible)
                    .map(|p| Circle::new((p.x[col], p.x[row]), 3, MUTED.mix(0.45).filled())),
            )?;
            chart.draw_series(self.points.iter().filter(|p| p.plausible).map(|p| {
                let c = theme::lighten(blue, 0.7 * (1.0 - p.weight.clamp(0.0, 1.0)));
                Circle::new((p.x[col], p.x[row]), 4 + (5.0 * p.weight.sqrt()) as i32, c.filled())
            }))?;
        }
        let legend = [
            Entry::new(Swatch::Line(MUTED, 6), "ruled out (implausible)"),
            Entry::new(Swatch::Line(blue, 6), "plausible; larger and darker: more ABC weight"),
            Entry::new(Swatch::Line(WARNING, 3), "95% range (diagonal: weighted posterior)"),
            Entry::new(
                Swatch::Line(INK, 1),
                "column i, row j: parameter i across, j up; names on the diagonal",
            ),
        ];
        let (sx0, sy0) = side.get_base_pixel();
        render::legend(root, (sx0 + 12, sy0 + 14), 310, Some("Candidates"), &legend)?;
        Ok(())
    }
}

impl Figure for FitFigure {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let n = self.rows.len().max(1);
        let panels = plot.split_evenly((1, n));
        let blue = theme::group_colour(0);
        for (row, panel) in self.rows.iter().zip(panels.iter()) {
            let vals = [
                row.value,
                row.interval.0,
                row.interval.1,
                row.predicted,
                row.predicted_interval.0,
                row.predicted_interval.1,
            ];
            let fin: Vec<f64> = vals.iter().copied().filter(|v| v.is_finite()).collect();
            let lo = fin.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = fin.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let y = pad((lo, hi));
            let mut chart = ChartBuilder::on(panel)
                .margin(10)
                .caption(render::clip(&row.name), theme::text(size::BODY, INK))
                .x_label_area_size(50)
                .y_label_area_size(100)
                .build_cartesian_2d(0.0..3.0, y.0..y.1)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(TRANSPARENT)
                .bold_line_style(MUTED.mix(0.2).stroke_width(1))
                .x_labels(7)
                .x_label_formatter(&|v: &f64| {
                    if (v - 1.0).abs() < 1e-6 {
                        "figure".to_owned()
                    } else if (v - 2.0).abs() < 1e-6 {
                        "fit".to_owned()
                    } else {
                        String::new()
                    }
                })
                .y_labels(6)
                .y_label_formatter(&|v| label(*v, y.1 - y.0))
                .label_style(theme::text(size::BODY, INK))
                .draw()?;
            let bar = |x: f64, (a, b): (f64, f64), c: RGBColor| {
                PathElement::new(vec![(x, a), (x, b)], c.stroke_width(8))
            };
            chart.draw_series(std::iter::once(bar(1.0, row.interval, theme::lighten(INK, 0.6))))?;
            chart.draw_series(std::iter::once(Circle::new((1.0, row.value), 9, INK.filled())))?;
            if row.predicted_interval.0.is_finite() && row.predicted_interval.1.is_finite() {
                chart.draw_series(std::iter::once(bar(
                    2.0,
                    row.predicted_interval,
                    theme::lighten(blue, 0.5),
                )))?;
            }
            if row.predicted.is_finite() {
                chart.draw_series(std::iter::once(Circle::new((2.0, row.predicted), 9, blue.filled())))?;
            }
        }
        let legend = [
            Entry::new(Swatch::Line(INK, 8), "figure and its 95% interval"),
            Entry::new(Swatch::Line(blue, 8), "posterior-predictive mean and 95% interval of one run"),
        ];
        let (sx0, sy0) = side.get_base_pixel();
        render::legend(root, (sx0 + 12, sy0 + 14), 310, Some("Targets"), &legend)?;
        Ok(())
    }
}
