//! Chart 3, `tier_shares`: the share of subjects in each tier over time, stacked.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, size};
use super::{PlotError, tier_label};
use crate::plot::locale::Lang;
use crate::plot::{Chart, RunData};

/// Everything the chart draws, computed once for both backends.
#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    x_desc: String,
    /// Per snapshot: step and the cumulative share in percent below each
    /// tier boundary (`tiers + 1` values from 0 to 100, lowest tier first).
    rows: Vec<(f64, Vec<f64>)>,
    colours: Vec<RGBColor>,
    names: Vec<String>,
    legend: Vec<Entry>,
    x: (f64, f64),
    /// Top of the share axis: 100, or the zoomed top when a dominant tier is left out.
    y_max: f64,
    y_desc: String,
    /// The language of the chart's words.
    lang: Lang,
}

/// A tier that holds at least this share of subjects at every snapshot is
/// left out of the stack, so the other tiers do not vanish into a thin strip.
const DOMINANT: f64 = 0.9;

/// The chart, or `None` when no snapshot has subjects.
/// Its words are in `lang`.
pub fn chart(data: &RunData, lang: Lang) -> Result<Option<Chart>, PlotError> {
    let s = &data.scenario;
    let n = s.tiers.len();
    let snapshots: Vec<(f64, &[u64], u64)> = data
        .group_steps("all")
        .filter(|r| r.n > 0 && r.tier_count.len() == n)
        .map(|r| (f64::from(r.step), r.tier_count.as_slice(), r.n))
        .collect();
    // the view, chosen from the data: the whole stack, or without a tier that dominates throughout
    let dominant = (0..n).find(|&i| {
        n > 1
            && !snapshots.is_empty()
            && snapshots.iter().all(|(_, c, t)| c[i] as f64 / *t as f64 >= DOMINANT)
    });
    let rows: Vec<(f64, Vec<f64>)> = snapshots
        .iter()
        .map(|(step, counts, total)| {
            let mut cum = vec![0.0];
            let mut acc = 0u64;
            for (i, c) in counts.iter().enumerate() {
                if Some(i) != dominant {
                    acc += c;
                }
                cum.push(acc as f64 / *total as f64 * 100.0);
            }
            (*step, cum)
        })
        .collect();
    let Some((last_step, _)) = rows.last().cloned() else {
        return Ok(None);
    };
    let x =
        if rows.len() == 1 { (last_step - 1.0, last_step + 1.0) } else { (rows[0].0.min(0.0), last_step) };
    let colours: Vec<RGBColor> = (0..n).map(|i| theme::tier_colour(i, n)).collect();
    let final_counts = snapshots.last().map(|(_, c, t)| (c.to_vec(), *t)).unwrap_or_default();
    let mut legend: Vec<Entry> = (0..n)
        .rev()
        .map(|i| {
            let share = final_counts.0[i] as f64 / final_counts.1 as f64;
            let swatch =
                if Some(i) == dominant { Swatch::Outline(colours[i]) } else { Swatch::Fill(colours[i]) };
            Entry::new(swatch, format!("{} · {}", tier_label(s, i), theme::pct(share)))
        })
        .collect();
    let (y_max, y_desc) = match dominant {
        None => (100.0, lang.tr("share of subjects (%)").to_owned()),
        Some(d) => {
            let top = rows.iter().map(|(_, c)| c[n]).fold(0.0, f64::max);
            let name = &s.tiers[d].name;
            legend.push(Entry::new(
                Swatch::Blank,
                lang.fill(
                    "zoomed: tier {name} holds at least {share} throughout and is left out (outlined \
                     swatch), so the other tiers show",
                    &[("share", &theme::pct(DOMINANT)), ("name", name)],
                ),
            ));
            let y = if top > 0.0 { super::access_by_group::nice_ceil(top * 1.1) } else { 1.0 };
            (y, lang.fill("share of subjects outside tier {name} (%)", &[("name", name)]))
        }
    };
    let (unit, units) = lang.units(s.step.as_str());
    let fig = Fig {
        title: lang.tr("Tier shares over time").into(),
        subtitle: theme::subtitle(data, lang),
        x_desc: lang.fill("{units} since start", &[("units", &units)]),
        rows,
        colours,
        names: s.tiers.iter().map(|t| t.name.clone()).collect(),
        legend,
        x,
        y_max,
        y_desc,
        lang,
    };
    let zoomed = dominant.map_or(String::new(), |d| {
        lang.fill(
            "; tier {name}, which holds at least {share} of subjects throughout, is left out of the stack and \
             the axis is zoomed to the others",
            &[("share", &theme::pct(DOMINANT)), ("name", &s.tiers[d].name)],
        )
    });
    let caption = lang.fill(
        "Share of all subjects in each tier {unit} by {unit} over {steps} {units}, stacked with the \
         highest tier on top; the legend gives each tier's final share{zoomed}.",
        &[("steps", &s.steps.to_string()), ("units", &units), ("unit", &unit), ("zoomed", &zoomed)],
    );
    super::finish("tier_shares", fig.title.clone(), caption, &fig).map(Some)
}

/// Black or white, whichever reads better on `c`.
fn ink_on(c: RGBColor) -> RGBColor {
    let lum = 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
    if lum > 140.0 { INK } else { WHITE }
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let mut chart = render::axes(&plot, self.x, (0.0, self.y_max), 24)?;
        let single = self.rows.len() == 1;
        for (i, colour) in self.colours.iter().enumerate() {
            if single {
                let (t, cum) = &self.rows[0];
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(t - 0.3, cum[i]), (t + 0.3, cum[i + 1])],
                    colour.filled(),
                )))?;
                continue;
            }
            let mut pts: Vec<(f64, f64)> = self.rows.iter().map(|(t, c)| (*t, c[i + 1])).collect();
            pts.extend(self.rows.iter().rev().map(|(t, c)| (*t, c[i])));
            chart.draw_series(std::iter::once(Polygon::new(pts, colour.filled())))?;
        }
        // mesh on top of the areas, so the gridlines stay visible
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(WHITE.mix(0.5).stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .x_labels(12)
            .y_labels(11)
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&|v| theme::tick(*v))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .draw()?;
        // name each tier inside its band at the end, where the band is tall enough
        let (t, cum) = &self.rows[self.rows.len() - 1];
        let lh = render::line_height(size::BODY);
        for (i, name) in self.names.iter().enumerate() {
            let (px, y0) = chart.backend_coord(&(*t, cum[i]));
            let (_, y1) = chart.backend_coord(&(*t, cum[i + 1]));
            if y0 - y1 >= lh + 6 {
                let style =
                    theme::bold(size::BODY, ink_on(self.colours[i])).pos(Pos::new(HPos::Right, VPos::Center));
                root.draw(&Text::new(name.as_str(), (px - 12, (y0 + y1) / 2), style))?;
            }
        }
        let (sx0, sy0) = side.get_base_pixel();
        render::legend(
            root,
            (sx0 + 12, sy0 + 14),
            310,
            Some(self.lang.tr("tiers (highest first) · share at the end")),
            &self.legend,
        )?;
        Ok(())
    }
}
