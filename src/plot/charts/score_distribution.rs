//! Chart 1, `score_distribution`: the final score histogram over shaded tier bands.

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::bands::{self, Band};
use super::render::{self, Area, Entry, Figure, Swatch};
use super::theme::{self, INK, MUTED, size};
use super::{PlotError, tier_label};
use crate::plot::locale::Lang;
use crate::plot::{Chart, RunData};

/// At most this many bars are drawn; finer histograms are merged in runs of
/// adjacent bins (so a very wide score range stays readable and small).
const MAX_BARS: usize = 300;

/// Colour of the histogram bars: dark, to stand out from every tier band.
const BAR: RGBColor = RGBColor(45, 45, 45);

/// One drawn bar: scores `lo..=hi`, share in percent.
#[derive(Debug, Clone, PartialEq)]
struct Bar {
    lo: i64,
    hi: i64,
    pct: f64,
}

/// Everything the chart draws, computed once for both backends.
#[derive(Debug, Clone)]
struct Fig {
    title: String,
    subtitle: String,
    bars: Vec<Bar>,
    bands: Vec<Band>,
    legend: Vec<Entry>,
    start: i64,
    x: (f64, f64),
    y_max: f64,
    /// The share axis is logarithmic (a view chosen from the data, see [`log_view`]):
    /// `Some(lowest decade)`, drawn from `10^lowest` percent.
    log: Option<f64>,
    /// The language of the chart's words.
    lang: Lang,
}

/// A distribution whose tallest bar holds at least this share (percent) is
/// peaked enough for its tails to vanish on a linear axis.
const PEAKED: f64 = 20.0;

/// Whether the bars need a logarithmic share axis: when the tallest bar holds
/// at least [`PEAKED`] percent, on a linear axis a bar
/// below 2% of the tallest is a line a few pixels high, so when such bars
/// hold at least 0.5% of subjects together (a thin tail, like the teaching
/// toy's 0.25% in tier B, or the 2.7% the README quotes) the linear view
/// hides what matters. Returns the lowest decade to draw from: at least
/// [`LOG_ROOM`] decades below the smallest bar, so a bar holding one subject
/// stands clear of the axis even when its share is a whole power of ten.
///
/// `series` are the bar heights (percent) of each distribution drawn on the
/// same axis (one for a run, base and reform for a comparison): the tallest
/// bar of any sets the axis, and a thin tail of any one calls for the log view.
pub(super) fn log_view(series: &[&[f64]]) -> Option<f64> {
    let all = || series.iter().flat_map(|s| s.iter().copied());
    let top = all().fold(0.0, f64::max);
    let hidden = |s: &[f64]| s.iter().filter(|&&p| p > 0.0 && p < 0.02 * top).sum::<f64>();
    if top < PEAKED || series.iter().all(|s| hidden(s) < 0.5) {
        return None;
    }
    let low = all().filter(|&p| p > 0.0).fold(f64::INFINITY, f64::min);
    Some((low.log10() - LOG_ROOM).floor())
}

/// The share axis of the bars `series` (see [`log_view`]): the lowest
/// decade (if the axis is logarithmic) and the axis's top, in axis units.
pub(super) fn share_axis(series: &[&[f64]]) -> (Option<f64>, f64) {
    let log = log_view(series);
    let top = series.iter().flat_map(|s| s.iter().copied()).fold(0.0, f64::max);
    let y_max = match log {
        // a third of a decade above the tallest bar
        Some(_) => (top.log10() + 0.35).max(0.5),
        None => top * 1.15,
    };
    (log, if y_max > 0.0 { y_max } else { 1.0 })
}

/// The smallest bar stands at least this many decades above the log axis's floor.
const LOG_ROOM: f64 = 0.5;

/// A bar holding anybody is at least this share of the plot's height, so a
/// single subject among millions still shows (4 px of the 650-odd px plot).
const MIN_BAR: f64 = 0.006;

/// The label of decade `d` of the log axis, in percent: `100`, `1`, `0.001`
/// (written out, never rounded to "0"), or `1e-9` below a millionth.
pub(super) fn decade(d: i32) -> String {
    match d {
        0.. => theme::tick(10f64.powi(d)),
        -6..0 => format!("0.{}1", "0".repeat((-d - 1) as usize)),
        _ => format!("1e{d}"),
    }
}

/// A share axis's tick label at `v`: the share on a linear axis; on the log
/// axis (`v` in decades) a label at each whole decade only.
pub(super) fn share_tick(log: bool, v: f64) -> String {
    if !log {
        theme::tick(v)
    } else if (v - v.round()).abs() < 1e-6 {
        decade(v.round() as i32)
    } else {
        String::new()
    }
}

/// The chart, or `None` when the histogram holds nobody.
/// Its words are in `lang`.
pub fn chart(data: &RunData, lang: Lang) -> Result<Option<Chart>, PlotError> {
    let s = &data.scenario;
    let mut bins: Vec<_> = data.group_histogram("all").filter(|b| b.bin_hi >= b.bin_lo).collect();
    bins.sort_by_key(|b| b.bin_lo);
    let total: u64 = bins.iter().map(|b| b.count).sum();
    if total == 0 {
        return Ok(None);
    }
    let per = bins.len().div_ceil(MAX_BARS).max(1);
    let bars: Vec<Bar> = bins
        .chunks(per)
        .map(|c| Bar {
            lo: c[0].bin_lo,
            hi: c[c.len() - 1].bin_hi,
            pct: c.iter().map(|b| b.count).sum::<u64>() as f64 / total as f64 * 100.0,
        })
        .collect();
    let start = s.score.start;
    let lo = bars[0].lo.min(start) as f64;
    let hi = (bars[bars.len() - 1].hi.max(start) as f64) + 1.0;
    let pad = ((hi - lo) * 0.04).max(1.0);
    let x = (lo - pad, hi + pad);
    let n = s.tiers.len();
    let bands = bands::tier_bands(s.tiers.iter().map(|t| (t.name.as_str(), t.min)), x);
    let pcts: Vec<f64> = bars.iter().map(|b| b.pct).collect();
    let (log, y_max) = share_axis(&[&pcts]);
    let bin_width = s.report.bin_width as i64 * per as i64;
    // each tier's final share, from steps.csv (the bars alone hide thin tails)
    let finals = data.final_rows();
    let all = finals.iter().find(|r| r.group == "all" && r.n > 0);
    let mut legend: Vec<Entry> = (0..n)
        .rev()
        .map(|i| {
            let share = all.and_then(|r| r.tier_count.get(i).map(|&c| c as f64 / r.n as f64));
            let label = match share {
                Some(sh) => format!("{} · {}", tier_label(s, i), theme::pct(sh)),
                None => tier_label(s, i),
            };
            Entry::new(Swatch::Fill(band_colour(theme::tier_colour(i, n))), label)
        })
        .collect();
    let width = bin_width.to_string();
    legend.push(Entry::new(Swatch::Fill(BAR), lang.fill("final scores, {w}-point bins", &[("w", &width)])));
    let start_text = theme::score(start);
    legend.push(Entry::new(Swatch::Dashed(INK), lang.fill("start score {s}", &[("s", &start_text)])));
    if log.is_some() {
        legend.push(Entry::new(
            Swatch::Blank,
            lang.tr("logarithmic share axis, so thin tails show: each gridline is ten times the one below"),
        ));
    }
    let fig = Fig {
        title: lang.tr("Final score distribution").into(),
        subtitle: theme::subtitle(data, lang),
        bars,
        bands,
        legend,
        start,
        x,
        y_max,
        log,
        lang,
    };
    let log_note = if log.is_some() {
        lang.tr("; the share axis is logarithmic, since on a linear one the thin tails (bars under 2% of \
             the tallest, together at least 0.5% of subjects) would not show")
    } else {
        ""
    };
    let caption = lang.fill(
        "Share of all {n} subjects in each {w}-point band of final score after {steps} {units}, \
         over the score ranges of the tiers (shaded) and the start score {start} (dashed line){log}.",
        &[
            ("n", &theme::thousands(total)),
            ("w", &width),
            ("steps", &s.steps.to_string()),
            ("units", &lang.units(s.step.as_str()).1),
            ("start", &start_text),
            ("log", log_note),
        ],
    );
    super::finish("score_distribution", fig.title.clone(), caption, &fig).map(Some)
}

/// White mixed into a tier's colour to shade its band behind the bars.
const SHADE: f64 = 0.72;

/// Tier colours are shaded lightly behind the bars.
fn band_colour(c: RGBColor) -> RGBColor {
    theme::lighten(c, SHADE)
}

/// The top of a bar holding `pct` percent on the share axis `(log, y_max)`
/// of [`share_axis`], in axis units (log10 of the percent on a log axis):
/// never lower than [`MIN_BAR`] of the axis above its floor, so no bar that
/// holds anybody vanishes.
pub(super) fn bar_top(pct: f64, (log, y_max): (Option<f64>, f64)) -> f64 {
    let floor = log.unwrap_or(0.0);
    let h = if log.is_some() { pct.log10() } else { pct };
    h.max(floor + MIN_BAR * (y_max - floor))
}

impl Figure for Fig {
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError> {
        let (plot, side) = render::frame(root, &self.title, &self.subtitle)?;
        let floor = self.log.unwrap_or(0.0);
        let mut chart = render::axes(&plot, self.x, (floor, self.y_max), 24)?;
        bands::draw(&mut chart, &self.bands, (floor, self.y_max), SHADE)?;
        let log = self.log.is_some();
        let y_tick = |v: &f64| share_tick(log, *v);
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
            .x_desc(self.lang.tr("final score (points)"))
            .y_desc(if log {
                self.lang.tr("share of subjects (%, logarithmic)")
            } else {
                self.lang.tr("share of subjects (%)")
            })
            .draw()?;
        // bars in bin order, as plain rectangles (stable SVG bytes)
        chart.draw_series(self.bars.iter().filter(|b| b.pct > 0.0).map(|b| {
            Rectangle::new(
                [(b.lo as f64, floor), ((b.hi + 1) as f64, bar_top(b.pct, (self.log, self.y_max)))],
                BAR.filled(),
            )
        }))?;
        let sx = self.start as f64 + 0.5;
        // the start line on a white stripe, so it shows over the dark bars too
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(sx, floor), (sx, self.y_max)],
            theme::BACKGROUND.stroke_width(7),
        )))?;
        chart.draw_series(std::iter::once(DashedPathElement::new(
            vec![(sx, floor), (sx, self.y_max)],
            10,
            6,
            INK.stroke_width(3),
        )))?;
        // band names along the top, where they fit
        bands::names(root, &chart, &self.bands, self.y_max)?;
        // the start label, beside its line on the side with more room
        let (px, top) = chart.backend_coord(&(sx, self.y_max));
        let (right_edge, _) = chart.backend_coord(&(self.x.1, 0.0));
        let text = self.lang.fill("start {s}", &[("s", &theme::score(self.start))]);
        let style = theme::text(size::BODY, INK);
        let w = render::text_width(root, &text, &style) as i32;
        let x = if px + 10 + w < right_edge { px + 10 } else { px - 10 - w };
        // on a white card, readable over a bar or a band
        let lh = render::line_height(size::BODY);
        root.draw(&Rectangle::new(
            [(x - 4, top + 40), (x + w + 4, top + 44 + lh)],
            theme::BACKGROUND.filled(),
        ))?;
        root.draw(&Text::new(text, (x, top + 44), style))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(pcts: &[f64]) -> [&[f64]; 1] {
        [pcts]
    }

    /// One subject of 1,000 (0.1%, a whole decade) in a peaked histogram: the
    /// log axis starts a decade lower, so the bar stands half a decade or
    /// more above the floor, which is labelled with its share, not "0".
    #[test]
    fn a_one_subject_bin_shows_on_the_log_axis() {
        let axis = share_axis(&bars(&[99.0, 0.9, 0.1]));
        let floor = axis.0.expect("a peaked histogram with a thin tail is drawn on a log axis");
        assert_eq!(floor, -2.0);
        assert!(bar_top(0.1, axis) - floor >= LOG_ROOM, "{axis:?}");
        assert_eq!(decade(floor as i32), "0.01");
    }

    /// One subject of 10,000 on a linear axis topping 57%: still at least
    /// [`MIN_BAR`] of the plot's height.
    #[test]
    fn a_one_subject_bin_shows_on_the_linear_axis() {
        let axis = share_axis(&bars(&[50.0, 49.99, 0.01]));
        assert!(axis.0.is_none());
        assert!(bar_top(0.01, axis) >= MIN_BAR * axis.1 && MIN_BAR * axis.1 > 0.01 * 10.0, "{axis:?}");
        // tall bars keep their true height
        assert_eq!(bar_top(50.0, axis), 50.0);
    }

    #[test]
    fn decades_are_labelled_with_their_share() {
        assert_eq!(decade(2), "100");
        assert_eq!(decade(0), "1");
        assert_eq!(decade(-1), "0.1");
        assert_eq!(decade(-4), "0.0001");
        assert_eq!(decade(-6), "0.000001");
        assert_eq!(decade(-7), "1e-7");
    }
}
