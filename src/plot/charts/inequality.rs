//! Chart 5, `inequality`: Lorenz curves of final scores (with Gini coefficients)
//! and, per group, access to perks and freedom from restrictions relative to
//! the best-off group, against the four-fifths rule.
//!
//! Ratio convention (every ratio is in `[0, 1]`, 1 = as well off as the best-off group):
//! - perk: the group's share holding it ÷ the highest share of any group;
//! - restriction: the lowest share of any group under it ÷ the group's share
//!   (a group nobody in which is under it scores 1).
//!
//! Items nobody holds (or nobody is under) have no ratio and are marked so.
//! Empty groups are left out. The ratios, their 95% intervals and the flags
//! are summary.json's ([`four_fifths::standings`]): a ratio below 0.8 is
//! outlined only when its whole interval is below 0.8 and both groups have
//! at least 20 subjects; groups an item does not apply to are marked "n/a".

use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::four_fifths::{self, Standing};
use super::gini::{Lorenz, lorenz};
use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, EVERYONE, INK, MUTED, WARNING, size};
use super::{PlotError, real_groups, suppressed_note};
use crate::output::fairness::FOUR_FIFTHS;
use crate::plot::locale::Lang;
use crate::plot::{Chart, RunData};

/// One row of the ratio panel.
#[derive(Debug, Clone)]
struct Row {
    label: String,
    restriction: bool,
    /// Standing of each group (ratio, interval and flag, or why it has
    /// none), indexed like `colours`; not drawn if nobody holds the item.
    standings: Vec<Standing>,
    /// Nobody holds the perk / nobody is under the restriction.
    nobody: bool,
}

/// How the Lorenz panel shows the curves, chosen from the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum LorenzView {
    /// The curves themselves, against the diagonal.
    Curve,
    /// Every Gini is below [`GAP_BELOW`], so the curves would hug the
    /// diagonal: draw the gap `p − L(p)` instead, the axis up to this (percent).
    Gap(f64),
}

/// Below this Gini (for every curve) the Lorenz panel shows the gap instead of the curves.
pub(super) const GAP_BELOW: f64 = 0.05;

impl LorenzView {
    /// The view for `curves`.
    pub(super) fn of(curves: &[(Lorenz, RGBColor, u32)]) -> LorenzView {
        if curves.iter().any(|c| c.0.gini >= GAP_BELOW) {
            return LorenzView::Curve;
        }
        let gap =
            curves.iter().flat_map(|c| c.0.points.iter().map(|(f, s)| f - s)).fold(0.0, f64::max) * 100.0;
        let y = if gap > 0.0 { super::access_by_group::nice_ceil(gap * 1.15) } else { 1.0 };
        LorenzView::Gap(y)
    }
    /// The y of the point `(f, s)` of a curve (both shares in 0..1), in percent.
    fn y(self, f: f64, s: f64) -> f64 {
        match self {
            LorenzView::Curve => s * 100.0,
            LorenzView::Gap(_) => (f - s) * 100.0,
        }
    }
}

/// Everything the chart draws, computed once for both backends.
#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    /// Lorenz curves: everyone first, then each non-empty group, with colours.
    curves: Vec<(Lorenz, RGBColor, u32)>,
    rows: Vec<Row>,
    colours: Vec<RGBColor>,
    legend: Vec<Entry>,
    lorenz_desc: String,
    /// The language of the chart's words.
    lang: Lang,
}

/// Size of the small words ("n/a", "suppressed") in a group's bar slot.
const SLOT_TEXT: f64 = 18.0;

/// The chart (`None` only when no histogram bins hold anybody).
/// Its words are in `lang`.
pub fn chart(data: &RunData, lang: Lang) -> Result<Option<Chart>, PlotError> {
    let s = &data.scenario;
    let observed = data.histogram.iter().filter(|b| b.count > 0).map(|b| b.bin_lo).min();
    let Some(observed) = observed else {
        return Ok(None);
    };
    let base = s.score.min.map_or(observed, |m| m.min(observed));
    let Some(everyone) = lorenz(data.group_histogram("all"), base) else {
        return Ok(None);
    };
    let groups = real_groups(s);
    let colours: Vec<RGBColor> = (0..groups.len()).map(theme::group_colour).collect();
    let mut legend = vec![Entry::new(
        Swatch::Line(EVERYONE, 5),
        lang.fill("everyone: Gini {g}", &[("g", &format!("{:.3}", everyone.gini))]),
    )];
    let mut curves = vec![(everyone, EVERYONE, 5)];
    for (g, name) in groups.iter().enumerate() {
        match lorenz(data.group_histogram(name), base) {
            Some(l) => {
                legend.push(Entry::new(
                    Swatch::Line(colours[g], 4),
                    lang.fill("{name}: Gini {g}", &[("g", &format!("{:.3}", l.gini)), ("name", name)]),
                ));
                curves.push((l, colours[g], 3));
            }
            None if data.is_suppressed(name) => legend.push(Entry::new(
                Swatch::Line(colours[g], 4),
                lang.fill("{name}: suppressed", &[("name", name)]),
            )),
            None => legend.push(Entry::new(
                Swatch::Line(colours[g], 4),
                lang.fill("{name}: empty group", &[("name", name)]),
            )),
        }
    }
    let view = LorenzView::of(&curves);
    if view == LorenzView::Curve {
        legend.push(Entry::new(Swatch::Dashed(MUTED), lang.tr("perfect equality")));
    } else {
        legend.push(Entry::new(
            Swatch::Blank,
            lang.tr("Lorenz gap: how far each curve lies below the line of equality (0 is perfect \
                 equality); every Gini is below 0.05, so the curves themselves would lie on the diagonal"),
        ));
    }
    let populated =
        groups.iter().filter(|g| data.final_rows().iter().any(|r| r.group == **g && r.n > 0)).count();
    let mut rows = vec![];
    if populated >= 2 {
        let labels =
            s.perks.iter().map(|p| (false, &p.label)).chain(s.restrictions.iter().map(|r| (true, &r.label)));
        let standings = four_fifths::standings(data, four_fifths::last_step(data));
        let finals = data.final_rows();
        for (k, ((restriction, item), standings)) in labels.zip(standings).enumerate() {
            // nobody holds it (or nobody is under it) in any group compared
            let nobody = finals.iter().all(|r| {
                let g = s.groups.iter().position(|g| g.name == r.group);
                let k = if restriction { k - s.perks.len() } else { k };
                let share = if restriction { r.restriction_share.get(k) } else { r.perk_share.get(k) };
                g.is_none_or(|g| standings[g].assessed().is_none()) || share.is_none_or(|&v| v == 0.0)
            });
            let kind = if restriction { lang.tr("restriction") } else { lang.tr("perk") };
            let label = lang.fill("{kind}: {label}", &[("kind", kind), ("label", item)]);
            rows.push(Row { label, restriction, standings, nobody });
        }
    }
    if !rows.is_empty() {
        let cells = || rows.iter().filter(|r| !r.nobody).flat_map(|r| r.standings.iter());
        legend.push(Entry::new(Swatch::Dashed(INK), lang.tr("four-fifths rule (0.8)")));
        if cells().any(|st| st.assessed().is_some_and(|a| a.low < a.high)) {
            legend.push(Entry::new(Swatch::Line(INK, 2), lang.tr("95% interval of the ratio")));
        }
        if cells().any(|st| st.assessed().is_some_and(|a| a.flagged)) {
            legend.push(Entry::new(
                Swatch::Outline(WARNING),
                lang.tr("flagged: the whole interval is below 0.8 (both groups at least 20 subjects)"),
            ));
        }
        if cells().any(|st| st.assessed().is_some_and(|a| a.ratio < FOUR_FIFTHS && !a.flagged)) {
            legend.push(Entry::new(
                Swatch::Blank,
                lang.tr("a ratio below 0.8 with grey figures is not flagged: its interval reaches 0.8, \
                     or a group has fewer than 20 subjects"),
            ));
        }
        if cells().any(|st| *st == Standing::NotApplicable) {
            legend.push(Entry::new(Swatch::Blank, lang.tr("n/a: the item does not apply to the group")));
        }
        if rows.iter().any(|r| r.restriction) {
            legend.push(Entry::new(Swatch::Hatched(MUTED), lang.tr("restriction")));
        }
    }
    let base_text = match s.score.min {
        Some(m) => lang.fill("score.min {s}", &[("s", &theme::score(m))]),
        None => lang.fill("the lowest observed score {s}", &[("s", &theme::score(base))]),
    };
    let lorenz_desc = lang.fill("share of total score above {s}", &[("s", &theme::score(base))]);
    let ratio_part = if rows.is_empty() {
        ""
    } else {
        lang.tr("; right, each group's perk share divided by the best-off group's and, for restrictions, \
             the least-burdened group's share divided by the group's, with its 95% interval; a ratio \
             is outlined in red (fails the four-fifths rule) only when its whole interval is below 0.8 \
             and both groups have at least 20 subjects, and groups an item does not apply to are \
             marked n/a")
    };
    let what = if view == LorenzView::Curve {
        lang.tr("Lorenz curves")
    } else {
        lang.tr("How far the Lorenz curves lie below the line of equality (zoomed, since every Gini is below 0.05)")
    };
    let caption = lang.fill(
        "{what} of final scores, shifted so that {base} counts as 0, for everyone{each} \
         with Gini coefficients in the legend{ratios}{note}.",
        &[
            ("what", what),
            ("each", if groups.is_empty() { "" } else { lang.tr(" and each group") }),
            ("ratios", ratio_part),
            ("note", &suppressed_note(data, lang)),
            ("base", &base_text),
        ],
    );
    let fig = Fig {
        title: lang.tr("Inequality of final scores and of access").into(),
        subtitle: theme::subtitle(data, lang),
        curves,
        rows,
        colours,
        legend,
        lorenz_desc,
        lang,
    };
    super::finish("inequality", fig.title.clone(), caption, &fig).map(Some)
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plots, side) = render::frame(root, &self.title, &self.subtitle)?;
        let lorenz_w = if self.rows.is_empty() { 820 } else { LORENZ_W };
        let (left, right) = plots.split_horizontally(lorenz_w);
        self.draw_lorenz(&left)?;
        if !self.rows.is_empty() {
            self.draw_ratios(root, &right)?;
        }
        // with the Lorenz panel alone, the legend sits right beside it
        let (sx0, sy0) = if self.rows.is_empty() { right.get_base_pixel() } else { side.get_base_pixel() };
        render::legend(root, (sx0 + 12, sy0 + 14), 310, None, &self.legend)?;
        Ok(())
    }

    /// Taller than usual when the ratio panel's rows are too short for the
    /// lines their labels need: every row grows to the longest label's
    /// lines, so no label is cut.
    fn height<DB: DrawingBackend>(&self, root: &Area<DB>) -> u32 {
        if self.rows.is_empty() {
            return theme::HEIGHT;
        }
        let Ok((plots, _)) = render::frame(root, &self.title, &self.subtitle) else { return theme::HEIGHT };
        let (_, right) = plots.split_horizontally(LORENZ_W);
        let Ok(chart) = self.ratio_axes(&right) else { return theme::HEIGHT };
        let k = self.rows.len() as f64;
        let (_, top) = chart.backend_coord(&(0.0, k));
        let (_, bottom) = chart.backend_coord(&(0.0, 0.0));
        let lh = render::line_height(size::BODY);
        // a row holds its label's lines and half a line between it and the next
        let need = (self.label_lines(root) as i32 * lh + lh / 2) * self.rows.len() as i32;
        theme::HEIGHT + need.saturating_sub(bottom - top).max(0) as u32
    }
}

/// The ratio chart's coordinates.
type Axes<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Width of the Lorenz panel beside the ratio panel.
const LORENZ_W: u32 = 540;
/// Width of the ratio panel's label column...
const LABEL_AREA: u32 = 270;
/// ...the widest a label's line may be...
const LABEL_W: u32 = LABEL_AREA - 14;
/// ...and the most lines it may take (the canvas grows for them).
const LABEL_LINES: usize = 8;

impl Fig {
    fn draw_lorenz<DB: DrawingBackend>(&self, area: &Area<DB>) -> Result<(), PlotError> {
        let view = LorenzView::of(&self.curves);
        let (caption, y_max, y_desc) = match view {
            LorenzView::Curve => {
                (self.lang.tr("Lorenz curve of final scores").to_owned(), 100.0, self.lorenz_desc.clone())
            }
            LorenzView::Gap(y) => (
                self.lang.tr("Lorenz gap, zoomed: every Gini is below 0.05").to_owned(),
                y,
                self.lang.tr("equality minus Lorenz curve (points of %)").to_owned(),
            ),
        };
        let mut chart = ChartBuilder::on(area)
            .caption(caption.as_str(), theme::bold(size::AXIS, INK))
            .margin_top(18)
            .margin_right(30)
            .x_label_area_size(72)
            .y_label_area_size(100)
            .build_cartesian_2d(0.0..100.0, 0.0..y_max)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.75).stroke_width(1))
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| theme::tick(*v))
            .y_label_formatter(&|v| theme::tick(*v))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc(self.lang.tr("share of subjects, lowest first (%)"))
            .y_desc(y_desc.as_str())
            .draw()?;
        if let LorenzView::Curve = view {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(0.0, 0.0), (100.0, 100.0)],
                10,
                7,
                MUTED.stroke_width(2),
            )))?;
        }
        // groups first, everyone last (on top)
        for (l, colour, w) in self.curves.iter().skip(1).chain(self.curves.iter().take(1)) {
            chart.draw_series(LineSeries::new(
                l.points.iter().map(|&(f, s)| (f * 100.0, view.y(f, s))),
                colour.stroke_width(*w),
            ))?;
        }
        Ok(())
    }

    /// The ratio panel's axes on `area`: one unit of y per row.
    fn ratio_axes<'a, DB: DrawingBackend>(&self, area: &Area<DB>) -> Result<Axes<'a, DB>, PlotError> {
        let k = self.rows.len() as f64;
        Ok(ChartBuilder::on(area)
            .caption(self.lang.tr("access ratio to the best-off group"), theme::bold(size::AXIS, INK))
            .margin_top(18)
            .margin_right(30)
            .margin_left(8)
            .x_label_area_size(72)
            .y_label_area_size(LABEL_AREA)
            .build_cartesian_2d(0.0..1.0, 0.0..k)?)
    }

    /// Lines the longest row label wraps to (at most [`LABEL_LINES`]).
    fn label_lines<DB: DrawingBackend>(&self, root: &Area<DB>) -> usize {
        let style = theme::text(size::BODY, INK);
        self.rows
            .iter()
            .map(|r| render::wrap(root, &r.label, &style, LABEL_W, LABEL_LINES).len())
            .max()
            .unwrap_or(1)
    }

    fn draw_ratios<DB: DrawingBackend>(&self, root: &Area<DB>, area: &Area<DB>) -> Result<(), PlotError> {
        let k = self.rows.len() as f64;
        let mut chart = self.ratio_axes(area)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(theme::lighten(MUTED, 0.75).stroke_width(1))
            .x_labels(6)
            .y_labels(0)
            .y_label_formatter(&|_| String::new())
            .x_label_formatter(&|v| theme::tick(*v))
            .label_style(theme::text(size::BODY, INK))
            .axis_desc_style(theme::text(size::AXIS, INK))
            .x_desc(self.lang.tr("ratio (1 = as well off as the best-off group)"))
            .draw()?;
        let n = self.colours.len().max(1) as f64;
        let style = theme::text(size::BODY, INK);
        let lh = render::line_height(size::BODY);
        for (j, row) in self.rows.iter().enumerate() {
            // row j from the top occupies y in [k - j - 1, k - j]
            let top = k - j as f64;
            let (left, ytop) = chart.backend_coord(&(0.0, top));
            let (_, ybot) = chart.backend_coord(&(0.0, top - 1.0));
            let max_lines = (((ybot - ytop) / lh).max(1) as usize).min(LABEL_LINES);
            let lines = render::wrap(root, &row.label, &style, LABEL_W, max_lines);
            let y0 = (ytop + ybot) / 2 - lines.len() as i32 * lh / 2;
            let right_aligned = style.pos(Pos::new(HPos::Right, VPos::Top));
            for (i, line) in lines.iter().enumerate() {
                root.draw(&Text::new(line.as_str(), (left - 10, y0 + i as i32 * lh), right_aligned.clone()))?;
            }
            if row.nobody {
                let what = if row.restriction {
                    self.lang.tr("nobody is under it")
                } else {
                    self.lang.tr("nobody holds it")
                };
                let (x, _) = chart.backend_coord(&(0.02, 0.0));
                let muted = theme::text(size::BODY, MUTED).pos(Pos::new(HPos::Left, VPos::Center));
                root.draw(&Text::new(what, (x, (ytop + ybot) / 2), muted))?;
                continue;
            }
            let bh = 0.8 / n;
            for (g, (standing, colour)) in row.standings.iter().zip(&self.colours).enumerate() {
                let (y1, y0) =
                    (top - 0.1 - g as f64 * bh - bh * 0.08, top - 0.1 - (g + 1) as f64 * bh + bh * 0.08);
                let a = match standing {
                    Standing::Assessed(a) => *a,
                    Standing::NotApplicable => {
                        let at = chart.backend_coord(&(0.0, (y0 + y1) / 2.0));
                        self.slot_note(root, at, self.lang.tr("n/a"))?;
                        continue;
                    }
                    Standing::Absent => continue,
                };
                let ratio = a.ratio;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (ratio, y1)],
                    colour.filled(),
                )))?;
                let p = chart.backend_coord(&(0.0, y1));
                let q = chart.backend_coord(&(ratio, y0));
                if row.restriction {
                    render::hatch(root, p, q)?;
                }
                // the 95% interval: a whisker through the bar's middle
                let mid = (p.1 + q.1) / 2;
                let (lx, _) = chart.backend_coord(&(a.low, 0.0));
                let (hx, _) = chart.backend_coord(&(a.high, 0.0));
                if hx > lx {
                    let cap = ((q.1 - p.1).abs() / 2).max(3);
                    for path in [
                        vec![(lx, mid), (hx, mid)],
                        vec![(lx, mid - cap), (lx, mid + cap)],
                        vec![(hx, mid - cap), (hx, mid + cap)],
                    ] {
                        root.draw(&PathElement::new(path, INK.stroke_width(2)))?;
                    }
                }
                if ratio >= FOUR_FIFTHS {
                    continue;
                }
                // only a flagged ratio is outlined and in bold red; one that is not is grey
                let value = if a.flagged {
                    root.draw(&Rectangle::new([p, q], WARNING.stroke_width(3)))?;
                    theme::bold(size::BODY, WARNING)
                } else {
                    theme::text(size::BODY, MUTED)
                };
                let x = q.0.max(hx) + 6;
                let value = value.pos(Pos::new(HPos::Left, VPos::Center));
                root.draw(&Text::new(format!("{ratio:.2}"), (x, mid), value))?;
            }
        }
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(FOUR_FIFTHS, 0.0), (FOUR_FIFTHS, k)],
            10,
            7,
            INK.stroke_width(3),
        )))?;
        Ok(())
    }

    /// Small muted words in a group's bar slot, from pixel `at` (the slot's left middle).
    fn slot_note<DB: DrawingBackend>(
        &self,
        root: &Area<DB>,
        at: (i32, i32),
        text: &str,
    ) -> Result<(), PlotError> {
        let style = theme::text(SLOT_TEXT, MUTED).pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(text.to_owned(), (at.0 + 6, at.1), style))?;
        Ok(())
    }
}
