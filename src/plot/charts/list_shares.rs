//! Chart 7, `list_shares`: the share of subjects on each blacklist and
//! redlist step by step (the `list.<id>` columns of `steps.csv`), for
//! everyone and, in small panels beside it, for each published group.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, size};
use super::{PlotError, real_groups, suppressed_note};
use crate::plot::locale::Lang;
use crate::plot::{Chart, RunData};
use crate::scenario::Color as ListColor;

/// Most panels drawn: everyone and up to eleven groups. With more groups
/// only everyone is drawn, because panels that small no longer read.
const MAX_PANELS: usize = 12;

/// Most lists whose final shares are written at the end of their lines.
const MAX_END_LABELS: usize = 3;

/// One panel: everyone or one group, a line per list.
#[derive(Debug, Clone)]
struct Panel {
    title: String,
    /// Per list: (step, share in percent) at each snapshot.
    lines: Vec<Vec<(f64, f64)>>,
}

impl Panel {
    /// Top of the panel's own y axis, in percent (the bottom is 0).
    fn y_top(&self) -> f64 {
        nice_top(self.lines.iter().flatten().map(|p| p.1).fold(0.0, f64::max))
    }
}

/// One list as drawn: colour, and dashed for a redlist.
#[derive(Debug, Clone)]
struct Style {
    colour: RGBColor,
    dashed: bool,
}

/// Everything the chart draws, computed once for both backends.
#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    x_desc: String,
    panels: Vec<Panel>,
    styles: Vec<Style>,
    legend: Vec<Entry>,
    /// Line styles of blacklists and redlists, when the chart has both.
    key: Vec<Entry>,
    x: (f64, f64),
    /// The language of the chart's words.
    lang: Lang,
}

/// The chart, or `None` when the scenario has no lists or the folder was
/// written before `steps.csv` had `list.<id>` columns.
/// Its words are in `lang`.
pub fn chart(data: &RunData, lang: Lang) -> Result<Option<Chart>, PlotError> {
    let s = &data.scenario;
    let n = s.lists.len();
    if n == 0 {
        return Ok(None);
    }
    let lines_of = |group: &str| -> Vec<Vec<(f64, f64)>> {
        let rows: Vec<_> = data.group_steps(group).filter(|r| r.n > 0 && r.list_share.len() == n).collect();
        (0..n).map(|l| rows.iter().map(|r| (f64::from(r.step), r.list_share[l] * 100.0)).collect()).collect()
    };
    let everyone = lines_of("all");
    if everyone.iter().all(Vec::is_empty) {
        return Ok(None);
    }
    let mut panels = vec![Panel { title: lang.tr("everyone").into(), lines: everyone }];
    let groups: Vec<&str> = real_groups(s).into_iter().filter(|g| !data.is_suppressed(g)).collect();
    let group_panels: Vec<Panel> = groups
        .iter()
        .map(|g| Panel { title: (*g).to_owned(), lines: lines_of(g) })
        .filter(|p| p.lines.iter().any(|l| !l.is_empty()))
        .collect();
    let by_group = !group_panels.is_empty() && group_panels.len() < MAX_PANELS;
    if by_group {
        panels.extend(group_panels);
    }
    let styles: Vec<Style> = s
        .lists
        .iter()
        .enumerate()
        .map(|(i, l)| Style { colour: theme::group_colour(i), dashed: l.color == ListColor::Red })
        .collect();
    let final_share = |l: usize| panels[0].lines[l].last().map_or(0.0, |p| p.1 / 100.0);
    let legend = s
        .lists
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let swatch = if styles[i].dashed {
                Swatch::Dashed(styles[i].colour)
            } else {
                Swatch::Line(styles[i].colour, 4)
            };
            Entry::new(swatch, format!("{} · {}", theme::pct(final_share(i)), l.label))
        })
        .collect();
    // with both colours of list, a key for the line styles under the lists
    let both = styles.iter().any(|x| x.dashed) && styles.iter().any(|x| !x.dashed);
    let key = if both {
        vec![
            Entry::new(Swatch::Line(MUTED, 4), lang.tr("blacklist")),
            Entry::new(Swatch::Dashed(MUTED), lang.tr("redlist")),
        ]
    } else {
        vec![]
    };
    let last_step = panels[0].lines.iter().flatten().map(|p| p.0).fold(0.0, f64::max);
    let x = if last_step <= 0.0 { (-1.0, 1.0) } else { (0.0, last_step) };
    let (unit, units) = lang.units(s.step.as_str());
    let fig = Fig {
        title: if n == 1 {
            lang.tr("Share on the list over time").into()
        } else {
            lang.tr("Share on each list over time").into()
        },
        subtitle: theme::subtitle(data, lang),
        x_desc: lang.fill("{units} since start", &[("units", &units)]),
        panels,
        styles,
        legend,
        key,
        x,
        lang,
    };
    let groups_note = if by_group {
        lang.tr(", for everyone and for each group (each panel has its own scale)")
    } else if groups.len() >= MAX_PANELS {
        lang.tr(", for everyone (too many groups for a panel each)")
    } else {
        ""
    };
    let caption = lang.fill(
        "Share of subjects on each list {unit} by {unit}{groups}; blacklists are solid lines, \
         redlists dashed; the legend gives each list's final share of everyone{note}.",
        &[("unit", &unit), ("groups", groups_note), ("note", &suppressed_note(data, lang))],
    );
    super::finish("list_shares", fig.title.clone(), caption, &fig).map(Some)
}

/// A round top for a percent axis, with some room above `max` (at most 100).
fn nice_top(max: f64) -> f64 {
    [1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0, 80.0, 100.0]
        .into_iter()
        .find(|t| max * 1.08 <= *t)
        .unwrap_or(100.0)
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let n = self.panels.len();
        let cols = match n {
            0..=3 => n.max(1),
            4 => 2,
            5..=6 => 3,
            _ => 4,
        };
        let rows = n.div_ceil(cols);
        let areas = plot.split_evenly((rows, cols));
        for (i, (panel, area)) in self.panels.iter().zip(&areas).enumerate() {
            self.draw_panel(root, area, panel, i + cols >= n, i % cols == 0, n == 1)?;
        }
        let (sx0, sy0) = side.get_base_pixel();
        let heading = Some(self.lang.tr("lists · share of everyone at the end"));
        let y = render::legend(root, (sx0 + 12, sy0 + 14), 310, heading, &self.legend)?;
        if !self.key.is_empty() {
            render::legend(root, (sx0 + 12, y + 20), 310, None, &self.key)?;
        }
        Ok(())
    }
}

impl Fig {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        area: &Area<DB>,
        panel: &Panel,
        bottom: bool,
        left: bool,
        alone: bool,
    ) -> Result<(), PlotError> {
        let lh = render::line_height(size::BODY);
        let y_top = panel.y_top();
        let mut chart = if alone {
            render::axes(area, self.x, (0.0, y_top), 110)?
        } else {
            let width = area.dim_in_pixel().0;
            let style = theme::bold(size::BODY, INK);
            let title = render::fit(root, &panel.title, &style, width.saturating_sub(24));
            let (ax, ay) = area.get_base_pixel();
            root.draw(&Text::new(title, (ax + 12, ay + 6), style))?;
            ChartBuilder::on(area)
                .margin(10)
                .margin_top(lh as u32 + 16)
                .margin_right(96)
                .x_label_area_size(if bottom { 70 } else { 34 })
                .y_label_area_size(if left { 110 } else { 86 })
                .build_cartesian_2d(self.x.0..self.x.1, 0.0..y_top)?
        };
        let mut mesh = chart.configure_mesh();
        mesh.disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.75).stroke_width(1))
            .axis_style(MUTED.stroke_width(1))
            .x_labels(if alone { 12 } else { 5 })
            .y_labels(if alone { 11 } else { 5 })
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&|v| format!("{}%", theme::tick(*v)))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK));
        if bottom || alone {
            mesh.x_desc(self.x_desc.as_str());
        }
        if left || alone {
            mesh.y_desc(self.lang.tr("share on the list (%)"));
        }
        mesh.draw()?;
        for (line, style) in panel.lines.iter().zip(&self.styles) {
            match line.as_slice() {
                [] => {}
                [one] => {
                    chart.draw_series(std::iter::once(Circle::new(*one, 6, style.colour.filled())))?;
                }
                _ if style.dashed => {
                    chart.draw_series(std::iter::once(DashedPathElement::new(
                        line.clone(),
                        14,
                        8,
                        style.colour.stroke_width(4),
                    )))?;
                }
                _ => {
                    chart.draw_series(LineSeries::new(line.clone(), style.colour.stroke_width(4)))?;
                }
            }
        }
        // the final share of each list right of its line's end, spaced so labels never
        // overlap; with many lists the labels would only repeat the legend's order
        if panel.lines.len() > MAX_END_LABELS {
            return Ok(());
        }
        let ends: Vec<(i32, i32, String, RGBColor)> = panel
            .lines
            .iter()
            .zip(&self.styles)
            .filter_map(|(line, style)| {
                let &(t, v) = line.last()?;
                let (px, py) = chart.backend_coord(&(t, v));
                Some((px, py, theme::pct(v / 100.0), style.colour))
            })
            .collect();
        let (_, top) = chart.backend_coord(&(self.x.0, y_top));
        let (_, bottom_px) = chart.backend_coord(&(self.x.0, 0.0));
        let ys = render::spread(&ends.iter().map(|e| e.1).collect::<Vec<_>>(), lh, top, bottom_px);
        for ((px, _, text, colour), y) in ends.iter().zip(ys) {
            let style = theme::bold(size::BODY, darker(*colour)).pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(text.as_str(), (px + 8, y), style))?;
        }
        Ok(())
    }
}

/// `c` darkened for text on white (yellow and sky blue are too light to read as text).
fn darker(c: RGBColor) -> RGBColor {
    let lum = 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
    if lum < 120.0 {
        return c;
    }
    let f = 120.0 / lum;
    let m = |v: u8| (f64::from(v) * f).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round_and_leave_room() {
        assert_eq!(nice_top(0.0), 1.0);
        assert_eq!(nice_top(0.95), 2.0);
        assert_eq!(nice_top(9.5), 15.0);
        assert_eq!(nice_top(9.0), 10.0);
        assert_eq!(nice_top(60.0), 80.0);
        assert_eq!(nice_top(95.0), 100.0);
        assert_eq!(nice_top(100.0), 100.0);
    }
}
