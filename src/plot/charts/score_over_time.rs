//! Chart 2, `score_over_time`: a fan chart of score quantiles against time.
//!
//! Why a fan chart rather than a heatmap of the score distribution per step:
//! nested quantile bands read at a glance (half of everyone is inside the
//! darkest band, 98% inside the lightest), they show both the spread and the
//! drift of the median in one picture, and rare tails stay visible as band
//! edges, where a heatmap would fade them to near-white next to a cell that
//! holds 90% of the population.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, size};
use super::{PlotError, tier_label};
use crate::plot::locale::Lang;
use crate::plot::{Chart, RunData};
use crate::stats::QUANTILES;

/// Quantile bands drawn, outermost first: (lower, upper, legend text, lightness).
const BANDS: [(&str, &str, &str, f64); 4] = [
    ("p01", "p99", Lang::key("1st–99th percentile"), 0.82),
    ("p05", "p95", Lang::key("5th–95th percentile"), 0.64),
    ("p10", "p90", Lang::key("10th–90th percentile"), 0.44),
    ("p25", "p75", Lang::key("25th–75th percentile (middle half)"), 0.2),
];

/// The hue of the fan: Okabe–Ito blue, lighter for wider bands.
const FAN: RGBColor = RGBColor(0, 114, 178);

/// Dated changes: Okabe–Ito vermillion, apart from the fan and the thresholds.
const CHANGE: RGBColor = RGBColor(213, 94, 0);

/// Tier thresholds: Okabe–Ito reddish purple, apart from the blue fan, the
/// ink median and the vermillion changes, and drawn dashed on top of the
/// median, so a threshold the median runs along still shows.
pub(super) const THRESHOLD: RGBColor = RGBColor(204, 121, 167);

/// Room right of the plot for the threshold labels: at least this much...
const LABEL_W: u32 = 120;
/// ...and at most this much (longer tier names are cut with an ellipsis).
const LABEL_MAX: u32 = 300;

/// Everything the chart draws, computed once for both backends.
#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    x_desc: String,
    /// Per snapshot: step and the nine quantiles.
    rows: Vec<(f64, Vec<f64>)>,
    /// Tier thresholds inside the y range, as in force at the end: (score, label).
    thresholds: Vec<(f64, String)>,
    /// Earlier thresholds a dated change moved: (from step, to step, score).
    earlier: Vec<(f64, f64, f64)>,
    /// Dated changes: (step, label).
    changes: Vec<(f64, String)>,
    legend: Vec<Entry>,
    x: (f64, f64),
    y: (f64, f64),
    /// The language of the chart's words.
    lang: Lang,
}

fn q_index(name: &str) -> usize {
    QUANTILES.iter().position(|(q, _)| *q == name).unwrap_or(0)
}

/// The chart, or `None` when no snapshot has scores.
/// Its words are in `lang`.
pub fn chart(data: &RunData, lang: Lang) -> Result<Option<Chart>, PlotError> {
    let s = &data.scenario;
    let rows: Vec<(f64, Vec<f64>)> = data
        .group_steps("all")
        .filter_map(|r| {
            let q: Option<Vec<f64>> = r.quantiles.iter().map(|v| v.map(|v| v as f64)).collect();
            q.filter(|q| q.len() == QUANTILES.len()).map(|q| (f64::from(r.step), q))
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let lo = rows.iter().flat_map(|r| r.1.iter()).copied().fold(f64::INFINITY, f64::min);
    let hi = rows.iter().flat_map(|r| r.1.iter()).copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.08).max(2.0);
    let y = (lo - pad, hi + pad);
    let last = rows[rows.len() - 1].0;
    let x = if rows.len() == 1 { (last - 1.0, last + 1.0) } else { (rows[0].0.min(0.0), last) };
    let inside = |v: f64| v > y.0 && v < y.1;
    let end = s.at_end();
    let thresholds: Vec<(f64, String)> = (1..end.tiers.len())
        .filter(|&i| inside(end.tiers[i].min as f64))
        .map(|i| (end.tiers[i].min as f64, tier_label(end, i)))
        .collect();
    // each epoch's thresholds over its own steps, where they differ from the final ones
    let starts: Vec<f64> = s.epochs().map(|(at, _)| f64::from(at)).chain(std::iter::once(x.1)).collect();
    let earlier: Vec<(f64, f64, f64)> = s
        .epochs()
        .zip(starts.windows(2))
        .flat_map(|((_, e), w)| {
            (1..e.tiers.len()).map(move |i| (w[0].max(x.0), w[1], e.tiers[i].min as f64)).collect::<Vec<_>>()
        })
        .filter(|&(_, _, v)| inside(v) && !thresholds.iter().any(|(t, _)| *t == v))
        .collect();
    let changes: Vec<(f64, String)> = s.changes.iter().map(|c| (f64::from(c.at), c.label.clone())).collect();
    let mut legend: Vec<Entry> =
        BANDS.iter().map(|b| Entry::new(Swatch::Fill(theme::lighten(FAN, b.3)), lang.tr(b.2))).collect();
    legend.push(Entry::new(Swatch::Line(INK, 4), lang.tr("median")));
    // the threshold entry only when a threshold is drawn (now or before a change); else say which
    // tier holds every score shown
    if !thresholds.is_empty() || !earlier.is_empty() {
        legend.push(Entry::new(Swatch::Dashed(THRESHOLD), lang.tr("tier threshold")));
    } else if end.tiers.len() > 1 {
        let i = end.tiers.iter().rposition(|t| (t.min as f64) <= y.0).unwrap_or(0);
        legend.push(Entry::new(
            Swatch::Blank,
            lang.fill(
                "no tier threshold in this range: every score shown is in tier {tier}",
                &[("tier", &end.tiers[i].name)],
            ),
        ));
    }
    if !changes.is_empty() {
        legend.push(Entry::new(Swatch::Line(CHANGE, 2), lang.tr("dated change")));
    }
    let (unit, units) = lang.units(s.step.as_str());
    let fig = Fig {
        title: lang.tr("Scores over time").into(),
        subtitle: theme::subtitle(data, lang),
        x_desc: lang.fill("{units} since start", &[("units", &units)]),
        rows,
        thresholds,
        earlier,
        changes,
        legend,
        x,
        y,
        lang,
    };
    let mut caption = lang.fill(
        "Median score of all subjects {unit} by {unit} over {steps} {units}, with the bands that hold \
         the middle 50%, 80%, 90% and 98% of subjects, against the tier thresholds.",
        &[("steps", &s.steps.to_string()), ("units", &units), ("unit", &unit)],
    );
    if !s.changes.is_empty() {
        let list: Vec<String> = s
            .changes
            .iter()
            .map(|c| {
                lang.fill(
                    "{label} ({unit} {at})",
                    &[("at", &c.at.to_string()), ("unit", &unit), ("label", &c.label)],
                )
            })
            .collect();
        caption.push_str(
            &lang.fill(
                " Vertical lines mark the dated changes: {list}.",
                &[("list", &list.join(lang.tr(", ")))],
            ),
        );
    }
    super::finish("score_over_time", fig.title.clone(), caption, &fig).map(Some)
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let label_style = theme::bold(size::BODY, THRESHOLD);
        let label_w = self
            .thresholds
            .iter()
            .map(|(_, l)| render::text_width(root, l, &label_style) + 20)
            .fold(LABEL_W, u32::max)
            .min(LABEL_MAX);
        let mut chart = render::axes(&plot, self.x, self.y, label_w)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.75).stroke_width(1))
            .x_labels(12)
            .y_labels(8)
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&|v| theme::tick(*v))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc(self.x_desc.as_str())
            .y_desc(self.lang.tr("score (points)"))
            .draw()?;
        let single = self.rows.len() == 1;
        for (lo, hi, _, light) in BANDS {
            let (a, b) = (q_index(lo), q_index(hi));
            let colour = theme::lighten(FAN, light).filled();
            if single {
                // one snapshot: a short block per band instead of an area
                let (t, q) = &self.rows[0];
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(t - 0.3, q[a]), (t + 0.3, q[b])],
                    colour,
                )))?;
                continue;
            }
            let mut pts: Vec<(f64, f64)> = self.rows.iter().map(|(t, q)| (*t, q[b])).collect();
            pts.extend(self.rows.iter().rev().map(|(t, q)| (*t, q[a])));
            chart.draw_series(std::iter::once(Polygon::new(pts, colour)))?;
        }
        let (x_right, _) = chart.backend_coord(&(self.x.1, self.y.0));
        let (_, y_top) = chart.backend_coord(&(self.x.0, self.y.1));
        let (_, y_bottom) = chart.backend_coord(&(self.x.0, self.y.0));
        // dated changes: a vertical line each, labelled at the top inside the plot
        let change_style = theme::bold(size::BODY, CHANGE).pos(Pos::new(HPos::Left, VPos::Top));
        for (i, (at, label)) in self.changes.iter().enumerate() {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(*at, self.y.0), (*at, self.y.1)],
                CHANGE.stroke_width(2),
            )))?;
            let (px, _) = chart.backend_coord(&(*at, self.y.1));
            let room = x_right.saturating_sub(px + 6).max(40) as u32;
            let text = render::fit(root, label, &change_style, room);
            let lh = render::line_height(size::BODY);
            root.draw(&Text::new(text, (px + 4, y_top + 4 + (i as i32 % 3) * lh), change_style.clone()))?;
        }
        // the median on top of the threshold lines
        let med = q_index("p50");
        if single {
            let (t, q) = &self.rows[0];
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(t - 0.3, q[med]), (t + 0.3, q[med])],
                INK.stroke_width(4),
            )))?;
        } else {
            chart.draw_series(LineSeries::new(
                self.rows.iter().map(|(t, q)| (*t, q[med])),
                INK.stroke_width(4),
            ))?;
        }
        // tier thresholds on top of everything: dashed, labelled at the right end, spread apart
        let mut ys = vec![];
        for (v, _) in &self.thresholds {
            chart.draw_series(std::iter::once(threshold_line((self.x.0, self.x.1), *v)))?;
            ys.push(chart.backend_coord(&(self.x.1, *v)).1);
        }
        for &(from, to, v) in &self.earlier {
            chart.draw_series(std::iter::once(threshold_line((from, to), v)))?;
        }
        let lh = render::line_height(size::BODY);
        let placed = render::spread(&ys, lh, y_top + lh / 2, y_bottom - lh / 2);
        // labels sit in the right margin, outside the data
        let style = theme::bold(size::BODY, THRESHOLD).pos(Pos::new(HPos::Left, VPos::Center));
        for ((_, label), y) in self.thresholds.iter().zip(placed) {
            let label = render::fit(root, label, &style, label_w - 12);
            root.draw(&Text::new(label, (x_right + 8, y), style.clone()))?;
        }
        let (sx0, sy0) = side.get_base_pixel();
        render::legend(root, (sx0 + 12, sy0 + 14), 310, Some(self.lang.tr("all subjects")), &self.legend)?;
        Ok(())
    }
}

/// A tier threshold at score `v` from step `x.0` to `x.1`: long dashes with
/// gaps, so the median shows through where it runs along the threshold.
fn threshold_line(x: (f64, f64), v: f64) -> DashedPathElement<std::vec::IntoIter<(f64, f64)>, i32> {
    DashedPathElement::new(vec![(x.0, v), (x.1, v)], 14, 10, THRESHOLD.stroke_width(3))
}
