//! Chart 4, `access_by_group`: who holds each perk and who is under each
//! restriction at the end, per population group.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, EVERYONE, INK, MUTED, size};
use super::{PlotError, real_groups, suppressed_note};
use crate::output::fairness::applies;
use crate::plot::locale::Lang;
use crate::plot::{Chart, RunData, StepRow};

/// Size of the "n/a" in the slot of a group an item does not apply to.
const NA_TEXT: f64 = 18.0;

/// Bar colour when there are no groups (the one bar is everyone).
const SOLO: RGBColor = RGBColor(70, 70, 70);

/// One perk or restriction.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Item {
    /// Its label from the scenario.
    pub label: String,
    /// Share of everyone (0..1).
    pub everyone: f64,
    /// Share of each group, `None` for an empty group.
    pub shares: Vec<Option<f64>>,
    /// Per group: whether the item applies to the group's kind at all
    /// ([`applies`]); a group it does not apply to is marked "n/a", not
    /// drawn as a share of 0.
    pub applies: Vec<bool>,
}

/// The perks (or the restrictions) of the final snapshot; `groups` empty means
/// no groups (`shares` then empty too).
pub(super) fn items(data: &RunData, groups: &[&str], restrictions: bool) -> Vec<Item> {
    let finals = data.final_rows();
    let Some(all) = finals.iter().find(|r| r.group == "all") else {
        return vec![];
    };
    let pick = |r: &StepRow, i: usize| {
        let v = if restrictions { &r.restriction_share } else { &r.perk_share };
        v.get(i).copied().unwrap_or(0.0)
    };
    let s = &data.scenario;
    let labels: Vec<&str> = if restrictions {
        s.restrictions.iter().map(|r| r.label.as_str()).collect()
    } else {
        s.perks.iter().map(|p| p.label.as_str()).collect()
    };
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| Item {
            label: (*label).to_owned(),
            everyone: pick(all, i),
            shares: groups
                .iter()
                .map(|g| finals.iter().find(|r| r.group == *g && r.n > 0).map(|r| pick(r, i)))
                .collect(),
            applies: (0..groups.len())
                .map(|g| applies(s, if restrictions { s.perks.len() + i } else { i }, g))
                .collect(),
        })
        .collect()
}

/// One panel of bars: the perks or the restrictions.
#[derive(Debug, Clone)]
struct Panel {
    title: String,
    items: Vec<Item>,
    hatched: bool,
    /// Top of the share axis in percent: 100, or zoomed in to the largest
    /// share when every share is small (the title then says so); on a
    /// logarithmic axis, 2 (log10 of 100%).
    y_max: f64,
    /// The share axis is logarithmic (a view chosen from the data, see
    /// [`log_floor`]): `Some(lowest decade)`, drawn from `10^lowest` percent.
    log: Option<f64>,
}

impl Panel {
    /// Where a share of `pct` percent stands on the panel's axis (a share of
    /// 0 on a logarithmic axis at its floor).
    fn y(&self, pct: f64) -> f64 {
        match self.log {
            None => pct,
            Some(floor) if pct > 0.0 => pct.log10().max(floor),
            Some(floor) => floor,
        }
    }

    /// The bottom of the share axis.
    fn y_min(&self) -> f64 {
        self.log.unwrap_or(0.0)
    }
}

/// The floor decade of a logarithmic share axis for shares `pcts` (in
/// percent), or `None` when a linear axis shows them: when the largest share
/// is at least [`ZOOM_BELOW`] (so the axis cannot be zoomed) and some share
/// that is not 0 is below 2% of it, a bar a few pixels high or less on a
/// linear axis. The floor is half a decade or more below the smallest share.
fn log_floor(pcts: &[f64]) -> Option<f64> {
    let top = pcts.iter().copied().fold(0.0, f64::max);
    let low = pcts.iter().copied().filter(|&p| p > 0.0).fold(f64::INFINITY, f64::min);
    if top < ZOOM_BELOW || low >= 0.02 * top {
        return None;
    }
    Some((low.log10() - 0.5).floor())
}

/// A panel whose largest share is below this (in percent) gets a zoomed axis.
const ZOOM_BELOW: f64 = 20.0;

/// The smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) that is at least `v` (> 0).
pub(super) fn nice_ceil(v: f64) -> f64 {
    let p = 10f64.powf(v.log10().floor());
    [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|&c| c >= v * (1.0 - 1e-9))
        .unwrap_or(10.0 * p)
}

/// The panel for `items`: its axis zoomed from the data (a view chosen from
/// the largest share), and its title saying which view it is.
fn panel(name: &str, items: Vec<Item>, hatched: bool, lang: Lang) -> Panel {
    let pcts: Vec<f64> = items
        .iter()
        .flat_map(|i| i.shares.iter().flatten().chain([&i.everyone]))
        .map(|v| v * 100.0)
        .collect();
    let top = pcts.iter().copied().fold(0.0, f64::max);
    let log = log_floor(&pcts);
    let (y_max, title) = if log.is_some() {
        (2.0, lang.fill("{name} (logarithmic axis, so small shares show)", &[("name", name)]))
    } else if top > 0.0 && top < ZOOM_BELOW {
        let y = nice_ceil(top * 1.1);
        (y, lang.fill("{name} (axis zoomed to 0–{top}%)", &[("top", &theme::tick(y)), ("name", name)]))
    } else {
        (100.0, name.to_owned())
    };
    Panel { title, items, hatched, y_max, log }
}

/// Everything the chart draws, computed once for both backends.
#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    panels: Vec<Panel>,
    colours: Vec<RGBColor>,
    legend: Vec<Entry>,
    /// The language of the chart's words.
    lang: Lang,
}

/// The chart, or `None` when the scenario has no perks and no restrictions;
/// its words are in `lang`.
pub fn chart(data: &RunData, lang: Lang) -> Result<Option<Chart>, PlotError> {
    let s = &data.scenario;
    let groups = real_groups(s);
    let mut panels = vec![];
    if !s.perks.is_empty() {
        panels.push(panel(lang.tr("perks: share who hold each"), items(data, &groups, false), false, lang));
    }
    if !s.restrictions.is_empty() {
        panels.push(panel(lang.tr("restrictions: share under each"), items(data, &groups, true), true, lang));
    }
    if panels.is_empty() || panels.iter().all(|p| p.items.is_empty()) {
        return Ok(None);
    }
    let colours: Vec<RGBColor> = (0..groups.len()).map(theme::group_colour).collect();
    let finals = data.final_rows();
    let mut legend = vec![];
    if groups.is_empty() {
        legend.push(Entry::new(Swatch::Fill(SOLO), lang.tr("everyone, perk (grey % under each label)")));
        legend.push(Entry::new(Swatch::Hatched(SOLO), lang.tr("everyone, restriction")));
    } else {
        legend
            .push(Entry::new(Swatch::Line(EVERYONE, 5), lang.tr("everyone (tick; grey % under each label)")));
        for (i, g) in groups.iter().enumerate() {
            let n = finals.iter().find(|r| r.group == *g).map_or(0, |r| r.n);
            let label = if data.is_suppressed(g) {
                lang.fill("{g} (suppressed, no bar)", &[("g", g)])
            } else if n == 0 {
                lang.fill("{g} (empty group, no bar)", &[("g", g)])
            } else {
                format!("{g} ({})", theme::thousands(n))
            };
            legend.push(Entry::new(Swatch::Fill(colours[i]), label));
        }
        if !s.restrictions.is_empty() {
            legend.push(Entry::new(Swatch::Hatched(MUTED), lang.tr("hatched: restriction")));
        }
        if panels.iter().any(|p| p.items.iter().any(|i| i.applies.contains(&false))) {
            legend.push(Entry::new(Swatch::Blank, lang.tr("n/a: the item does not apply to the group")));
        }
    }
    let fig = Fig {
        title: lang.tr("Perks and restrictions by group, at the end").into(),
        subtitle: theme::subtitle(data, lang),
        panels,
        colours,
        legend,
        lang,
    };
    let who = if groups.is_empty() {
        lang.tr("all subjects")
    } else {
        lang.tr("each population group (bars) and of everyone (black tick)")
    };
    let caption = lang.fill(
        "Share of {who} holding each perk and under each restriction after {steps} {units}; \
         restrictions are hatched and drawn in their own panel{note}.",
        &[
            ("who", who),
            ("steps", &s.steps.to_string()),
            ("units", &lang.units(s.step.as_str()).1),
            ("note", &suppressed_note(data, lang)),
        ],
    );
    super::finish("access_by_group", fig.title.clone(), caption, &fig).map(Some)
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plots, side) = render::frame(root, &self.title, &self.subtitle)?;
        let (width, height) = plots.dim_in_pixel();
        let widths = self.side_by_side(width);
        if self.panels.iter().zip(&widths).all(|(p, &w)| fits(root, p, w)) {
            // side by side, the plots start at the same height: below the tallest title
            let title_lines = self
                .panels
                .iter()
                .zip(&widths)
                .map(|(p, &w)| panel_title(root, p, w).len())
                .max()
                .unwrap_or(1);
            let mut rest = plots;
            for (k, panel) in self.panels.iter().enumerate() {
                let area = if k + 1 == self.panels.len() {
                    rest.clone()
                } else {
                    let (a, b) = rest.split_horizontally(widths[k]);
                    rest = b;
                    a
                };
                self.draw_panel(root, &area, panel, title_lines, LABEL_LINES)?;
            }
        } else {
            // the labels do not fit side by side (measured): one panel above the other, full
            // width, each as tall as an equal share plus the extra its labels asked for
            let extra: Vec<u32> = self.panels.iter().map(|p| extra_label_height(root, p, width)).collect();
            let h = height.saturating_sub(extra.iter().sum()) / self.panels.len().max(1) as u32;
            let mut rest = plots;
            for (k, panel) in self.panels.iter().enumerate() {
                let area = if k + 1 == self.panels.len() {
                    rest.clone()
                } else {
                    let (a, b) = rest.split_vertically(h + extra[k]);
                    rest = b;
                    a
                };
                self.draw_panel(root, &area, panel, 1, STACKED_MAX_LINES)?;
            }
        }
        let (sx0, sy0) = side.get_base_pixel();
        let heading = if self.colours.is_empty() { None } else { Some(self.lang.tr("groups (subjects)")) };
        render::legend(root, (sx0 + 12, sy0 + 14), 310, heading, &self.legend)?;
        Ok(())
    }

    /// Taller than usual when the panels are stacked and their labels need
    /// more than [`STACKED_LINES`] lines: each line more adds its height, so
    /// no label is cut (up to [`STACKED_MAX_LINES`]).
    fn height<DB: DrawingBackend>(&self, root: &Area<DB>) -> u32 {
        let Ok((plots, _)) = render::frame(root, &self.title, &self.subtitle) else { return theme::HEIGHT };
        let width = plots.dim_in_pixel().0;
        let widths = self.side_by_side(width);
        if self.panels.iter().zip(&widths).all(|(p, &w)| fits(root, p, w)) {
            return theme::HEIGHT;
        }
        theme::HEIGHT + self.panels.iter().map(|p| extra_label_height(root, p, width)).sum::<u32>()
    }
}

/// Lines the longest label of `panel` takes in its slot of a panel `width`
/// pixels wide, at most `cap`.
fn label_lines<DB: DrawingBackend>(root: &Area<DB>, panel: &Panel, width: u32, cap: usize) -> usize {
    let slot = width.saturating_sub(PANEL_CHROME) / panel.items.len().max(1) as u32;
    let style = theme::text(size::BODY, INK);
    panel
        .items
        .iter()
        .map(|i| render::wrap(root, &i.label, &style, slot.saturating_sub(8).max(20), cap).len())
        .max()
        .unwrap_or(1)
        .max(1)
}

/// The height a stacked panel adds for label lines beyond [`STACKED_LINES`].
fn extra_label_height<DB: DrawingBackend>(root: &Area<DB>, panel: &Panel, width: u32) -> u32 {
    let lines = label_lines(root, panel, width, STACKED_MAX_LINES);
    lines.saturating_sub(STACKED_LINES) as u32 * render::line_height(size::BODY) as u32
}

/// A panel's title wrapped to the panel's `width`, in at most two lines.
fn panel_title<DB: DrawingBackend>(root: &Area<DB>, panel: &Panel, width: u32) -> Vec<String> {
    render::wrap(root, &panel.title, &theme::bold(size::AXIS, INK), width.saturating_sub(16).max(40), 2)
}

/// Pixels the axis labels and margins of a panel take from its width.
const PANEL_CHROME: u32 = 100 + 24;

/// Whether every label and share of `panel` fits its slot in `width` pixels:
/// each label wraps into [`LABEL_LINES`] lines without an ellipsis, and each share fits on one line.
fn fits<DB: DrawingBackend>(root: &Area<DB>, panel: &Panel, width: u32) -> bool {
    let slot = width.saturating_sub(PANEL_CHROME) / panel.items.len().max(1) as u32;
    let max = slot.saturating_sub(8).max(20);
    let style = theme::text(size::BODY, INK);
    let bold = theme::bold(size::BODY, MUTED);
    panel.items.iter().all(|i| {
        let lines = render::wrap(root, &i.label, &style, max, LABEL_LINES);
        lines.iter().all(|l| !l.ends_with('…') && render::text_width(root, l, &style) <= max)
            && render::text_width(root, &theme::pct(i.everyone), &bold) <= max
    })
}

/// Lines a bar's label may take under it side by side...
const LABEL_LINES: usize = 3;
/// ...and when the panels are stacked (the label area grows to what the labels need)...
const STACKED_LINES: usize = 6;
/// ...and, the canvas growing taller for each line beyond that, at most.
const STACKED_MAX_LINES: usize = 10;

impl Fig {
    /// Widths of the panels side by side: by item count, each at least a third.
    fn side_by_side(&self, width: u32) -> Vec<u32> {
        let total: usize = self.panels.iter().map(|p| p.items.len().max(1)).sum();
        let mut left = width;
        let mut out = vec![];
        for (k, panel) in self.panels.iter().enumerate() {
            if k + 1 == self.panels.len() {
                out.push(left);
            } else {
                let share = panel.items.len().max(1) as f64 / total as f64;
                let w = (f64::from(width) * share.clamp(0.34, 0.66)).round() as u32;
                out.push(w);
                left = left.saturating_sub(w);
            }
        }
        out
    }

    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        area: &Area<DB>,
        panel: &Panel,
        title_lines: usize,
        max_lines: usize,
    ) -> Result<(), PlotError> {
        let k = panel.items.len().max(1) as f64;
        // the label area is as tall as the longest wrapped label needs, measured at the slot's width
        let lh = render::line_height(size::BODY);
        let label_lines = label_lines(root, panel, area.dim_in_pixel().0, max_lines);
        let label_area = 10 + label_lines as u32 * lh as u32 + 8 + lh as u32 + 12;
        // the panel's title, wrapped to the panel (a caption would run over its
        // neighbour and the top tick label), then room for that tick label
        let (width, _) = area.dim_in_pixel();
        let title = panel_title(root, panel, width);
        let (left, top) = area.get_base_pixel();
        render::centred_lines(
            root,
            &title,
            (left + width as i32 / 2, top + 4),
            &theme::bold(size::AXIS, INK),
        )?;
        let title_height = title.len().max(title_lines) as u32 * render::line_height(size::AXIS) as u32;
        let mut chart = ChartBuilder::on(area)
            .margin_top(4 + title_height + 16)
            .margin_right(24)
            .x_label_area_size(label_area)
            .y_label_area_size(100)
            .build_cartesian_2d(0.0..k, panel.y_min()..panel.y_max)?;
        // on a log axis, a tick at each whole decade only, labelled with its share
        let y_tick = |v: &f64| match panel.log {
            None => theme::tick(*v),
            Some(_) if (v - v.round()).abs() < 1e-6 => super::score_distribution::decade(v.round() as i32),
            Some(_) => String::new(),
        };
        let y_labels = match panel.log {
            Some(floor) => (panel.y_max - floor).ceil().max(1.0) as usize + 1,
            None if area.dim_in_pixel().1 > 500 => 11,
            None => 6,
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.75).stroke_width(1))
            .x_labels(0)
            .x_label_formatter(&|_| String::new())
            .y_labels(y_labels)
            .y_label_formatter(&y_tick)
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .y_desc(self.lang.tr("share of subjects (%)"))
            .draw()?;
        let base = panel.y_min();
        let lh = render::line_height(size::BODY);
        let top = panel
            .items
            .iter()
            .flat_map(|i| i.shares.iter().flatten().chain([&i.everyone]))
            .fold(0.0, |a: f64, &b| a.max(b));
        if top == 0.0 {
            // nothing to draw: say so instead of an empty panel
            let note = self.lang.tr("nobody at the end: no bar to draw");
            let style = theme::text(size::BODY, MUTED);
            let (x0, y0) = chart.backend_coord(&(0.0, panel.y_max * 0.6));
            let (x1, _) = chart.backend_coord(&(k, panel.y_max * 0.6));
            let lines = render::wrap(root, note, &style, (x1 - x0 - 40).max(40) as u32, 4);
            render::centred_lines(root, &lines, ((x0 + x1) / 2, y0), &style)?;
        }
        for (j, item) in panel.items.iter().enumerate() {
            let x0 = j as f64 + 0.12;
            let slot = 0.76;
            // (slot, share, colour); an empty group keeps its slot, so colours stay in place
            let bars: Vec<(usize, f64, RGBColor)> = if item.shares.is_empty() {
                vec![(0, item.everyone, SOLO)]
            } else {
                item.shares
                    .iter()
                    .zip(&self.colours)
                    .enumerate()
                    .filter_map(|(g, (s, c))| s.map(|s| (g, s, *c)))
                    .collect()
            };
            let bw = slot / item.shares.len().max(1) as f64;

            for (g, share, colour) in bars {
                let (bx0, bx1) = if item.shares.is_empty() {
                    (j as f64 + 0.25, j as f64 + 0.75)
                } else {
                    (x0 + g as f64 * bw + bw * 0.06, x0 + (g + 1) as f64 * bw - bw * 0.06)
                };
                if share <= 0.0 {
                    continue;
                }
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(bx0, base), (bx1, panel.y(share * 100.0))],
                    colour.filled(),
                )))?;
                if panel.hatched {
                    let a = chart.backend_coord(&(bx0, base));
                    let b = chart.backend_coord(&(bx1, panel.y(share * 100.0)));
                    render::hatch(root, a, b)?;
                }
            }
            if !item.shares.is_empty() {
                let y = panel.y(item.everyone * 100.0);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(j as f64 + 0.06, y), (j as f64 + 0.94, y)],
                    EVERYONE.stroke_width(5),
                )))?;
            }
            // a group the item does not apply to: "n/a" in its slot, above everyone's tick, not a bar of 0
            let na = theme::text(NA_TEXT, MUTED).pos(Pos::new(HPos::Center, VPos::Bottom));
            let (_, tick) = chart.backend_coord(&(0.0, panel.y(item.everyone * 100.0)));
            for g in item.applies.iter().enumerate().filter(|(_, a)| !**a).map(|(g, _)| g) {
                let (cx, bottom) = chart.backend_coord(&(x0 + (g as f64 + 0.5) * bw, base));
                root.draw(&Text::new(self.lang.tr("n/a"), (cx, (bottom - 4).min(tick - 6)), na.clone()))?;
            }
            // the item's label under its slot, and everyone's share
            let (left, bottom) = chart.backend_coord(&(j as f64, base));
            let (right, _) = chart.backend_coord(&(j as f64 + 1.0, base));
            // nobody holds it (or is under it) while others in the panel do: say so in its slot
            if top > 0.0 && item.everyone == 0.0 && item.shares.iter().flatten().all(|&v| v == 0.0) {
                let note = if panel.hatched {
                    self.lang.tr("nobody is under it")
                } else {
                    self.lang.tr("nobody holds it")
                };
                let style = theme::text(size::BODY, MUTED);
                let lines = render::wrap(root, note, &style, (right - left - 16).max(20) as u32, 3);
                let (_, y) = chart.backend_coord(&(0.0, (base + panel.y_max) / 2.0));
                render::centred_lines(root, &lines, ((left + right) / 2, y), &style)?;
            }
            let style = theme::text(size::BODY, INK);
            let lines = render::wrap(root, &item.label, &style, (right - left - 8).max(20) as u32, max_lines);
            let cx = (left + right) / 2;
            render::centred_lines(root, &lines, (cx, bottom + 10), &style)?;
            let everyone = theme::pct(item.everyone);
            let muted = theme::bold(size::BODY, MUTED);
            let everyone = render::fit(root, &everyone, &muted, (right - left - 8).max(20) as u32);
            render::centred_lines(root, &[everyone], (cx, bottom + 18 + label_lines as i32 * lh), &muted)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rongcheng's perks: 97.3% beside 0.04% needs the log axis, from a
    /// floor half a decade or more below the smallest share; shares that are
    /// all large, or all small (zoomed instead), do not.
    #[test]
    fn a_panel_of_tiny_beside_large_shares_is_drawn_on_a_log_axis() {
        assert_eq!(log_floor(&[0.04, 0.02, 0.1, 97.3, 1.9, 0.0]), Some(-3.0));
        assert_eq!(log_floor(&[0.5, 97.3]), Some(-1.0));
        assert_eq!(log_floor(&[40.0, 97.3, 0.0]), None);
        assert_eq!(log_floor(&[0.001, 0.0033, 0.0]), None);
        assert_eq!(log_floor(&[0.0, 0.0]), None);
    }
}
