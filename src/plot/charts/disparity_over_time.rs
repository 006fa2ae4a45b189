//! Chart 6, `disparity_over_time`: for each perk and restriction, the
//! worst-off group's four-fifths ratio step by step (the same values as the
//! `disparity_ratio.<id>` columns of the `all` rows of `steps.csv`) with its 95% interval, against
//! the 0.8 line, and the snapshots at which summary.json's rule flags some
//! group ([`four_fifths::standings`], the same standings as the
//! `inequality` chart): a ratio below 0.8 alone is not a flag.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::four_fifths;
use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, WARNING, size};
use super::{PlotError, real_groups, suppressed_note};
use crate::output::fairness::FOUR_FIFTHS;
use crate::plot::locale::Lang;
use crate::plot::{Chart, RunData};

/// One perk or restriction at each snapshot that has a ratio.
#[derive(Debug, Clone)]
struct Panel {
    title: String,
    /// The lowest ratio of any group compared: (step, ratio).
    points: Vec<(f64, f64)>,
    /// The 95% interval of that group's ratio, per point: (low, high).
    intervals: Vec<(f64, f64)>,
    /// Per point: whether summary.json's rule flags some group then.
    flagged: Vec<bool>,
    /// Whether the rule flags the worst-off group's own final ratio (the
    /// value labelled at the end of the line; another group may be flagged
    /// while the lowest ratio, from a small group, is not).
    last_flagged: bool,
}

/// Colour of the interval band around the ratio line.
const BAND: RGBColor = RGBColor(178, 212, 235);

/// Everything the chart draws, computed once for both backends.
#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    x_desc: String,
    panels: Vec<Panel>,
    legend: Vec<Entry>,
    x: (f64, f64),
    /// The language of the chart's words.
    lang: Lang,
}

/// Colour of the ratio line.
const LINE: RGBColor = RGBColor(0, 114, 178);

/// The chart, or `None` when there is nothing to compare: fewer than two
/// published non-empty groups, no perks and no restrictions, or no group
/// compared at any snapshot. The ratios are computed from `steps.csv`'s
/// sizes and shares ([`four_fifths::standings`]), so a folder written
/// before `steps.csv` had `disparity_ratio.<id>` columns is drawn too.
/// Its words are in `lang`.
pub fn chart(data: &RunData, lang: Lang) -> Result<Option<Chart>, PlotError> {
    let s = &data.scenario;
    let groups = real_groups(s);
    let finals = data.final_rows();
    let published = groups.iter().filter(|g| finals.iter().any(|r| r.group == **g && r.n > 0)).count();
    let items: Vec<(bool, &str)> = s
        .perks
        .iter()
        .map(|p| (false, p.label.as_str()))
        .chain(s.restrictions.iter().map(|r| (true, r.label.as_str())))
        .collect();
    if published < 2 || items.is_empty() {
        return Ok(None);
    }
    let rows: Vec<_> = data.group_steps("all").collect();
    let mut panels: Vec<Panel> = items
        .iter()
        .map(|(restriction, label)| Panel {
            title: lang.fill(
                "{kind}: {label}",
                &[
                    ("kind", if *restriction { lang.tr("restriction") } else { lang.tr("perk") }),
                    ("label", label),
                ],
            ),
            points: vec![],
            intervals: vec![],
            flagged: vec![],
            last_flagged: false,
        })
        .collect();
    for r in &rows {
        for (panel, per_group) in panels.iter_mut().zip(four_fifths::standings(data, r.step)) {
            let compared = per_group.iter().filter_map(|st| st.assessed());
            // the worst-off group, first among equals
            let Some(worst) = compared.clone().reduce(|w, a| if a.ratio < w.ratio { a } else { w }) else {
                continue;
            };
            panel.points.push((f64::from(r.step), worst.ratio));
            panel.intervals.push((worst.low, worst.high));
            panel.flagged.push(compared.clone().any(|a| a.flagged));
            panel.last_flagged = worst.flagged;
        }
    }
    if panels.iter().all(|p| p.points.is_empty()) {
        return Ok(None);
    }
    let mut legend = vec![
        Entry::new(Swatch::Line(LINE, 4), lang.tr("lowest ratio of any group")),
        Entry::new(Swatch::Dashed(INK), lang.tr("four-fifths rule (0.8)")),
        Entry::new(Swatch::Fill(theme::lighten(WARNING, 0.85)), lang.tr("below 0.8")),
    ];
    // an interval band only where one has width
    if panels.iter().any(|p| p.intervals.iter().any(|i| i.0 < i.1)) {
        legend.insert(1, Entry::new(Swatch::Fill(BAND), lang.tr("its 95% interval")));
    }
    if panels.iter().any(|p| p.flagged.contains(&true)) {
        legend.push(Entry::new(
            Swatch::Fill(WARNING),
            lang.tr("strip along the bottom: some group flagged (its whole interval below 0.8, \
                 both groups at least 20 subjects)"),
        ));
    }
    if panels.iter().any(|p| p.last_flagged) {
        legend.push(Entry::new(Swatch::Outline(WARNING), lang.tr("final ratio flagged")));
    }
    let unflagged_low = |p: &Panel| p.points.last().is_some_and(|l| l.1 < FOUR_FIFTHS) && !p.last_flagged;
    if panels.iter().any(unflagged_low) {
        legend.push(Entry::new(
            Swatch::Blank,
            lang.tr("a final ratio below 0.8 in grey is not flagged: its interval reaches 0.8, or a \
                 group has fewer than 20 subjects"),
        ));
    }
    let last_step = rows.last().map_or(0.0, |r| f64::from(r.step));
    let x = if last_step <= 0.0 { (-1.0, 1.0) } else { (0.0, last_step) };
    let (unit, units) = lang.units(s.step.as_str());
    let fig = Fig {
        title: lang.tr("Worst-off group's access ratio over time").into(),
        subtitle: theme::subtitle(data, lang),
        x_desc: lang.fill("{units} since start", &[("units", &units)]),
        panels,
        legend,
        x,
        lang,
    };
    let caption = lang.fill(
        "One panel per perk and restriction: the lowest four-fifths ratio of any group {unit} by \
         {unit} (a group's share holding the perk over the best-off group's, or the \
         least-burdened group's share under the restriction over the group's), with that group's 95% \
         interval and its final value; a red strip marks the {units} at which some group fails the \
         four-fifths rule, that is when its whole interval is below 0.8 (shaded) and both groups \
         compared have at least 20 subjects{note}.",
        &[("unit", &unit), ("units", &units), ("note", &suppressed_note(data, lang))],
    );
    super::finish("disparity_over_time", fig.title.clone(), caption, &fig).map(Some)
}

/// The most lines a panel title wraps to before it is cut (the canvas grows
/// taller for each line beyond [`USUAL_TITLE_LINES`], so none is cut in practice).
const TITLE_LINES: usize = 8;
/// The title lines a panel has room for on the usual canvas.
const USUAL_TITLE_LINES: usize = 3;

impl Fig {
    /// Rows and columns of the panel grid.
    fn grid(&self) -> (usize, usize) {
        let n = self.panels.len();
        let cols = match n {
            0..=3 => n.max(1),
            4 => 2,
            5..=8 => n.div_ceil(2),
            _ => 4,
        };
        (n.div_ceil(cols), cols)
    }

    /// Lines the longest panel title takes at the width of a panel of the
    /// grid in `plot` (every panel gets the room the longest needs).
    fn title_lines<DB: DrawingBackend>(&self, root: &Area<DB>, plot: &Area<DB>) -> usize {
        let cols = self.grid().1;
        let title_style = theme::bold(size::BODY, INK);
        let width = (plot.dim_in_pixel().0 / cols as u32).saturating_sub(24);
        self.panels
            .iter()
            .map(|p| render::wrap(root, &p.title, &title_style, width, TITLE_LINES).len())
            .max()
            .unwrap_or(1)
    }
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let (rows, cols) = self.grid();
        let title_lines = self.title_lines(root, &plot);
        let areas = plot.split_evenly((rows, cols));
        for (i, (panel, area)) in self.panels.iter().zip(&areas).enumerate() {
            self.draw_panel(root, area, panel, (i / cols + 1 == rows, i % cols == 0), title_lines)?;
        }
        let (sx0, sy0) = side.get_base_pixel();
        render::legend(root, (sx0 + 12, sy0 + 14), 310, None, &self.legend)?;
        Ok(())
    }

    /// Taller than usual when a panel title needs more than
    /// [`USUAL_TITLE_LINES`] lines: each row of panels grows by the lines
    /// beyond, so its plot keeps its height and no title is cut.
    fn height<DB: DrawingBackend>(&self, root: &Area<DB>) -> u32 {
        let Ok((plot, _)) = render::frame(root, &self.title, &self.subtitle) else { return theme::HEIGHT };
        let extra = self.title_lines(root, &plot).saturating_sub(USUAL_TITLE_LINES);
        theme::HEIGHT + (self.grid().0 * extra) as u32 * render::line_height(size::BODY) as u32
    }
}

impl Fig {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        area: &Area<DB>,
        panel: &Panel,
        (bottom, left): (bool, bool),
        title_lines: usize,
    ) -> Result<(), PlotError> {
        // the title, on up to TITLE_LINES lines, above the panel's own plot
        let width = area.dim_in_pixel().0;
        let title_style = theme::bold(size::BODY, INK);
        let lh = render::line_height(size::BODY);
        let lines = render::wrap(root, &panel.title, &title_style, width.saturating_sub(24), TITLE_LINES);
        let (ax, ay) = area.get_base_pixel();
        for (i, line) in lines.iter().enumerate() {
            root.draw(&Text::new(line.as_str(), (ax + 12, ay + 6 + i as i32 * lh), title_style.clone()))?;
        }
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_top(title_lines.max(1) as u32 * lh as u32 + 16)
            .margin_right(84)
            .x_label_area_size(if bottom { 70 } else { 34 })
            .y_label_area_size(if left { 92 } else { 52 })
            .build_cartesian_2d(self.x.0..self.x.1, 0.0..1.05)?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(self.x.0, 0.0), (self.x.1, FOUR_FIFTHS)],
            theme::lighten(WARNING, 0.85).filled(),
        )))?;
        let mut mesh = chart.configure_mesh();
        mesh.disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.75).stroke_width(1))
            .x_labels(5)
            .y_labels(3)
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK));
        if bottom {
            mesh.x_desc(self.x_desc.as_str());
        }
        if left {
            mesh.y_desc(self.lang.tr("ratio"));
        }
        mesh.draw()?;
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(self.x.0, FOUR_FIFTHS), (self.x.1, FOUR_FIFTHS)],
            10,
            7,
            INK.stroke_width(2),
        )))?;
        let Some(&(t, last)) = panel.points.last() else {
            let (x, y) = chart.backend_coord(&((self.x.0 + self.x.1) / 2.0, 0.5));
            let style = theme::text(size::BODY, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
            root.draw(&Text::new(self.lang.tr("no ratio"), (x, y), style))?;
            return Ok(());
        };
        // the interval band under the line, and the flagged snapshots as a strip along the bottom
        let steps: Vec<f64> = panel.points.iter().map(|p| p.0).collect();
        if panel.points.len() == 1 {
            let (lo, hi) = panel.intervals[0];
            let w = (self.x.1 - self.x.0) * 0.01;
            chart.draw_series(std::iter::once(Rectangle::new([(t - w, lo), (t + w, hi)], BAND.filled())))?;
        } else {
            let mut band: Vec<(f64, f64)> =
                steps.iter().zip(&panel.intervals).map(|(x, i)| (*x, i.1)).collect();
            band.extend(steps.iter().zip(&panel.intervals).rev().map(|(x, i)| (*x, i.0)));
            chart.draw_series(std::iter::once(Polygon::new(band, BAND.filled())))?;
        }
        // each flagged snapshot covers the time from halfway after the one before to halfway before the next
        let w = (self.x.1 - self.x.0) * 0.005;
        let span = |i: usize| {
            let x = steps[i];
            let left = if i == 0 { x - w } else { (steps[i - 1] + x) / 2.0 };
            let right = steps.get(i + 1).map_or(x + w, |n| (x + n) / 2.0);
            (left.max(self.x.0), right.min(self.x.1))
        };
        chart.draw_series(panel.flagged.iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| {
            let (left, right) = span(i);
            Rectangle::new([(left, 0.0), (right, 0.06)], WARNING.filled())
        }))?;
        if panel.points.len() == 1 {
            chart.draw_series(std::iter::once(Circle::new((t, last), 6, LINE.filled())))?;
        } else {
            chart.draw_series(LineSeries::new(panel.points.clone(), LINE.stroke_width(4)))?;
        }
        let (px, py) = chart.backend_coord(&(t, last));
        // only summary.json's flag is red; a low ratio it does not flag is grey
        let flagged = panel.last_flagged;
        let colour = if flagged {
            WARNING
        } else if last < FOUR_FIFTHS {
            MUTED
        } else {
            INK
        };
        let style = theme::bold(size::BODY, colour).pos(Pos::new(HPos::Left, VPos::Center));
        let text = format!("{last:.2}");
        root.draw(&Text::new(text.as_str(), (px + 8, py), style))?;
        if flagged {
            let w = render::text_width(root, &text, &theme::bold(size::BODY, colour)) as i32;
            let h = render::line_height(size::BODY);
            root.draw(&Rectangle::new(
                [(px + 3, py - h / 2), (px + 13 + w, py + h / 2)],
                WARNING.stroke_width(3),
            ))?;
        }
        Ok(())
    }
}
