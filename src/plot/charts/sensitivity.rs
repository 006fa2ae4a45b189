//! Sensitivity charts: one horizontal bar per parameter and index, largest first, with 95% intervals as whiskers.

use plotters::prelude::*;

use super::PlotError;
use super::render::{self, Area, Entry, Swatch};
use super::theme::{self, INK, MUTED, size};

/// One parameter's bars.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    /// The parameter (drawn at the left).
    pub label: String,
    /// One `(estimate, ci_low, ci_high)` per series; `NaN` where undefined.
    pub values: Vec<(f64, f64, f64)>,
}

/// A sensitivity chart's words and data.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityFigure {
    /// Title, e.g. `Sobol' indices of score.mean`.
    pub title: String,
    /// Subtitle: the plan, design and replicates.
    pub subtitle: String,
    /// The x axis.
    pub x_desc: String,
    /// The series' names (legend), e.g. `S1`, `ST`.
    pub series: Vec<String>,
    /// The rows, top to bottom.
    pub rows: Vec<SensitivityRow>,
    /// A note under the legend.
    pub note: String,
}

/// Draw `fig` as SVG and PNG (1600×900), with the style of the other charts.
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
pub fn sensitivity_chart(fig: &SensitivityFigure) -> Result<(String, Vec<u8>), PlotError> {
    theme::register_fonts()?;
    render::render(fig)
}

impl SensitivityFigure {
    fn x_range(&self) -> (f64, f64) {
        let vals = self.rows.iter().flat_map(|r| r.values.iter().flat_map(|&(e, l, h)| [e, l, h]));
        let (lo, hi) =
            vals.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
        let span = if hi - lo < 1e-12 { 1.0 } else { hi - lo };
        (lo - span * 0.04 * f64::from(u8::from(lo < 0.0)), hi + span * 0.06)
    }
}

impl render::Figure for SensitivityFigure {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let (x0, x1) = self.x_range();
        let n = self.rows.len().max(1) as f64;
        let labels: Vec<String> = self.rows.iter().map(|r| r.label.clone()).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(12)
            .margin_right(24)
            .x_label_area_size(72)
            .y_label_area_size(380)
            .build_cartesian_2d(x0..x1, 0.0..n)?;
        let label_of = |v: &f64| {
            // a label at the middle of each row band, counted from the top
            let k = n - v - 0.5;
            if (k - k.round()).abs() < 1e-6 && k >= 0.0 && (k as usize) < labels.len() {
                render::clip(&labels[k.round() as usize]).into_owned()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(MUTED.mix(0.25).stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .x_labels(10)
            .y_labels(self.rows.len() * 2 + 1)
            .y_label_formatter(&label_of)
            .x_label_formatter(&|v| theme::tick(*v))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc(self.x_desc.as_str())
            .disable_y_mesh()
            .draw()?;
        let k = self.series.len().max(1) as f64;
        let band = 0.8 / k;
        for (i, row) in self.rows.iter().enumerate() {
            let top = n - i as f64 - 0.1;
            for (s, &(e, lo, hi)) in row.values.iter().enumerate() {
                let colour = theme::group_colour(s);
                let y1 = top - s as f64 * band;
                let y0 = y1 - band * 0.85;
                if e.is_finite() {
                    chart.draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y0), (e, y1)],
                        colour.filled(),
                    )))?;
                }
                if lo.is_finite() && hi.is_finite() {
                    let mid = (y0 + y1) / 2.0;
                    let cap = band * 0.25;
                    for seg in [
                        vec![(lo, mid), (hi, mid)],
                        vec![(lo, mid - cap), (lo, mid + cap)],
                        vec![(hi, mid - cap), (hi, mid + cap)],
                    ] {
                        chart.draw_series(std::iter::once(PathElement::new(seg, INK.stroke_width(2))))?;
                    }
                }
            }
        }
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, n)],
            INK.stroke_width(1),
        )))?;
        let legend: Vec<Entry> = self
            .series
            .iter()
            .enumerate()
            .map(|(s, name)| Entry::new(Swatch::Fill(theme::group_colour(s)), name.clone()))
            .collect();
        let (sx0, sy0) = side.get_base_pixel();
        let below = render::legend(root, (sx0 + 12, sy0 + 14), 310, Some("Index"), &legend)?;
        let style = theme::text(size::BODY, MUTED);
        for (j, l) in render::wrap(root, &self.note, &style, 310, 8).iter().enumerate() {
            root.draw(&Text::new(
                l.as_str(),
                (sx0 + 12, below + 20 + j as i32 * render::line_height(size::BODY)),
                style.clone(),
            ))?;
        }
        Ok(())
    }
}
