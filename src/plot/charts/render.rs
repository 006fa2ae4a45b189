//! Drawing one figure twice, as SVG and as PNG, plus the pieces every chart
//! shares: the title block, a legend column, wrapped labels and hatching.

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::svg_glyphs::Outlines;
use super::theme::{self, BACKGROUND, HEADER_H, HEIGHT, INK, MARGIN, MUTED, WIDTH, size};
use super::typeset::Typeset;

/// A drawing area in backend pixels (origin at the top-left of the canvas).
pub type Area<DB> = DrawingArea<DB, Shift>;

/// A chart that can draw itself on any plotters backend.
pub trait Figure {
    /// Draw on `root`, a white [`WIDTH`] × [`Figure::height`] canvas.
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), PlotError>;

    /// The canvas height: [`HEIGHT`], unless the figure needs more for what
    /// it holds (measured on `root`, a scratch canvas used only to measure text).
    fn height<DB: DrawingBackend>(&self, _root: &Area<DB>) -> u32 {
        HEIGHT
    }
}

/// The tallest canvas a figure may ask for: twice the usual.
pub const MAX_HEIGHT: u32 = 2 * HEIGHT;

/// Render `fig` as an SVG document and as a PNG file, from the same drawing
/// code; both backends measure and draw text through [`Typeset`] (exact
/// glyph advances, CJK fallback), and the SVG draws text that needs the CJK
/// font as outlines ([`Outlines`]), so it needs no font on the viewer's side.
pub fn render(fig: &impl Figure) -> Result<(String, Vec<u8>), PlotError> {
    let height = {
        let mut scratch = String::new();
        let backend = SVGBackend::with_string(&mut scratch, (WIDTH, HEIGHT));
        fig.height(&Typeset::vector(backend, Outlines::default()).into_drawing_area())
            .clamp(HEIGHT, MAX_HEIGHT)
    };
    let mut svg = String::new();
    let outlines = Outlines::default();
    {
        let backend = SVGBackend::with_string(&mut svg, (WIDTH, height));
        let root = Typeset::vector(backend, outlines.clone()).into_drawing_area();
        root.fill(&BACKGROUND)?;
        fig.draw(&root)?;
        root.present()?;
    }
    let svg = outlines.splice(&svg);
    let mut rgb = vec![0u8; WIDTH as usize * height as usize * 3];
    {
        let root = Typeset::raster(BitMapBackend::with_buffer(&mut rgb, (WIDTH, height))).into_drawing_area();
        root.fill(&BACKGROUND)?;
        fig.draw(&root)?;
        root.present()?;
    }
    let mut png = vec![];
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        &rgb,
        WIDTH,
        height,
        image::ColorType::Rgb8,
    )
    .map_err(|e| PlotError::Png(e.to_string()))?;
    Ok((svg, png))
}

/// Draw the title and subtitle; return the area below them (with the outer margin).
pub fn header<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    subtitle: &str,
) -> Result<Area<DB>, PlotError> {
    let width = WIDTH - 2 * MARGIN as u32;
    let title = fit(root, title, &theme::bold(size::TITLE, INK), width);
    root.draw(&Text::new(title, (MARGIN, 20), theme::bold(size::TITLE, INK)))?;
    let subtitle = fit(root, subtitle, &theme::text(size::SUBTITLE, MUTED), width);
    root.draw(&Text::new(subtitle, (MARGIN, 72), theme::text(size::SUBTITLE, MUTED)))?;
    Ok(root.margin(HEADER_H, MARGIN as u32 / 2, MARGIN as u32, MARGIN as u32))
}

/// Width of the legend column at the right of every chart.
pub const LEGEND_W: u32 = 330;

/// The title block, then the body split into the plot area and the legend
/// column at its right.
pub fn frame<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    subtitle: &str,
) -> Result<(Area<DB>, Area<DB>), PlotError> {
    let body = header(root, title, subtitle)?;
    Ok(body.split_horizontally(body.dim_in_pixel().0.saturating_sub(LEGEND_W)))
}

/// Axes over `x` × `y` with the standard label areas, leaving `right`
/// pixels free at the right for labels drawn outside the data.
pub fn axes<'a, DB: DrawingBackend>(
    plot: &'a Area<DB>,
    x: (f64, f64),
    y: (f64, f64),
    right: u32,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>, PlotError> {
    Ok(ChartBuilder::on(plot)
        .margin_top(12)
        .margin_right(right)
        .x_label_area_size(72)
        .y_label_area_size(110)
        .build_cartesian_2d(x.0..x.1, y.0..y.1)?)
}

/// Width in pixels of `s` drawn in `style` (a rough guess if the font cannot measure it).
pub fn text_width<DB: DrawingBackend>(root: &Area<DB>, s: &str, style: &TextStyle) -> u32 {
    root.estimate_text_size(s, style).map_or(s.chars().count() as u32 * 14, |(w, _)| w)
}

/// The most characters of one text a chart measures or draws: longer text
/// (a name read back from a hand-edited results file) is cut with an
/// ellipsis first, so drawing time grows linearly with its length, not with
/// its square.
pub const MAX_DRAWN_CHARS: usize = 200;

/// `s`, cut to [`MAX_DRAWN_CHARS`] characters with an ellipsis.
pub fn clip(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_DRAWN_CHARS) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
    }
}

/// `s`, cut with an ellipsis so that it fits in `max` pixels (the cut is
/// found by bisection: a few measurements, whatever the length).
pub fn fit<DB: DrawingBackend>(root: &Area<DB>, s: &str, style: &TextStyle, max: u32) -> String {
    let s = clip(s);
    if text_width(root, &s, style) <= max {
        return s.into_owned();
    }
    let chars: Vec<char> = s.chars().collect();
    let cut = |n: usize| chars[..n].iter().collect::<String>().trim_end().to_owned() + "…";
    // the longest prefix that fits: `lo` fits (or is 0), `hi` does not
    let (mut lo, mut hi) = (0, chars.len());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if text_width(root, &cut(mid), style) <= max { lo = mid } else { hi = mid }
    }
    if lo == 0 { "…".into() } else { cut(lo) }
}

/// `s` broken into at most `lines` lines of at most `max` pixels: at spaces,
/// and between two Chinese (or other CJK) characters, but never before a
/// closing mark (`）`, `，`, `。`) or after an opening one (`（`); the last
/// line is cut with an ellipsis if the text does not fit. A word too wide for
/// a line by itself is broken with a hyphen.
pub fn wrap<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &str,
    style: &TextStyle,
    max: u32,
    lines: usize,
) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    let s = clip(s);
    let mut words = tokens(&s);
    let join = |line: &mut String, (w, spaced): &(String, bool)| {
        if *spaced && !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    };
    while !words.is_empty() {
        if out.len() + 1 == lines.max(1) {
            let mut rest = String::new();
            words.iter().for_each(|t| join(&mut rest, t));
            out.push(fit(root, &rest, style, max));
            return out;
        }
        let mut line = String::new();
        while let Some(t) = words.front() {
            let mut candidate = line.clone();
            join(&mut candidate, t);
            if text_width(root, &candidate, style) <= max {
                line = candidate;
                words.pop_front();
            } else if line.is_empty() {
                // a word wider than the line: its head here, the rest on the next line
                let (w, _) = words.pop_front().unwrap_or_default();
                let (head, tail) = break_word(root, &w, style, max);
                line = head;
                if !tail.is_empty() {
                    words.push_front((tail, false));
                }
                break;
            } else {
                break;
            }
        }
        out.push(fit(root, &line, style, max));
    }
    out
}

/// `s` cut where a line may break: each piece, and whether a space came
/// before it. Words split at spaces, and again between CJK characters
/// (see [`wrap`] for the marks a line may not break next to).
fn tokens(s: &str) -> std::collections::VecDeque<(String, bool)> {
    const NO_BREAK_BEFORE: &str = "）】」』》〉，。：；、！？)]},.:;!?%";
    const NO_BREAK_AFTER: &str = "（【「『《〈([{";
    let mut out = std::collections::VecDeque::new();
    for word in s.split_whitespace() {
        let mut spaced = true;
        let mut piece = String::new();
        let mut prev: Option<char> = None;
        for c in word.chars() {
            if let Some(p) = prev
                && (breaks_freely(p) || breaks_freely(c))
                && !NO_BREAK_BEFORE.contains(c)
                && !NO_BREAK_AFTER.contains(p)
            {
                out.push_back((std::mem::take(&mut piece), spaced));
                spaced = false;
            }
            piece.push(c);
            prev = Some(c);
        }
        out.push_back((piece, spaced));
    }
    out
}

/// Whether a line may break right after or before `c` without a hyphen.
fn breaks_freely(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// `w` cut into the longest head that fits in `max` pixels (with a hyphen
/// unless the cut is next to a CJK character or after one of [`BREAK_AFTER`])
/// and the rest, preferring a cut after one of [`BREAK_AFTER`] the word has
/// (a dotted path `rule.volunteer_service.points` breaks at its dots and
/// underscores, not inside a name). At least one character goes into the
/// head, so wrapping always moves on.
fn break_word<DB: DrawingBackend>(root: &Area<DB>, w: &str, style: &TextStyle, max: u32) -> (String, String) {
    let chars: Vec<char> = w.chars().collect();
    let head = |n: usize| -> String {
        let mut h: String = chars[..n].iter().collect();
        if n < chars.len()
            && !BREAK_AFTER.contains(chars[n - 1])
            && !breaks_freely(chars[n - 1])
            && !breaks_freely(chars[n])
        {
            h.push('-');
        }
        h
    };
    // the longest head that fits: `lo` fits (or is 1), `hi` does not
    let (mut lo, mut hi) = (1, chars.len());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if text_width(root, &head(mid), style) <= max { lo = mid } else { hi = mid }
    }
    // prefer a hyphen, dot or underscore the word has; else leave at least three letters on each side
    let mut n = lo;
    if let Some(h) = (1..=lo).rev().find(|&k| BREAK_AFTER.contains(chars[k - 1]))
        && h * 2 >= lo
    {
        n = h;
    } else if !breaks_freely(chars[(lo).min(chars.len() - 1)]) && chars.len() - lo < 3 && lo > 3 {
        n = (chars.len() - 3).max(3).min(lo);
    }
    (head(n), chars[n..].iter().collect())
}

/// Marks a word may break after without adding a hyphen.
const BREAK_AFTER: &str = "-._/";

/// Draw `lines` centred on `x`, the first line's top at `y`.
pub fn centred_lines<DB: DrawingBackend>(
    root: &Area<DB>,
    lines: &[String],
    (x, y): (i32, i32),
    style: &TextStyle,
) -> Result<(), PlotError> {
    let style = style.pos(Pos::new(HPos::Center, VPos::Top));
    for (i, line) in lines.iter().enumerate() {
        root.draw(&Text::new(
            line.as_str(),
            (x, y + i as i32 * line_height(style.font.get_size())),
            style.clone(),
        ))?;
    }
    Ok(())
}

/// Distance between the tops of two lines of text of plotters size `size`.
pub fn line_height(size: f64) -> i32 {
    (size * 1.05).round() as i32
}

/// What a legend entry shows before its text.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    /// A filled square.
    Fill(RGBColor),
    /// A filled square with white diagonal hatching.
    Hatched(RGBColor),
    /// A line of the given stroke width.
    Line(RGBColor, u32),
    /// A dashed line.
    Dashed(RGBColor),
    /// An empty square with a thick border.
    Outline(RGBColor),
    /// No mark: a note that belongs to no drawn element (its text starts at the swatch).
    Blank,
}

/// One legend row.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The mark.
    pub swatch: Swatch,
    /// The text (wrapped to the legend's width).
    pub label: String,
}

impl Entry {
    /// A legend row.
    pub fn new(swatch: Swatch, label: impl Into<String>) -> Entry {
        Entry { swatch, label: label.into() }
    }
}

/// The most lines one legend entry wraps to before it is cut with an ellipsis.
pub const LEGEND_LINES: usize = 6;

/// Draw a legend as a column: an optional bold heading, then one row per
/// entry, top-down from `(x, y)` within `width` pixels. Legends live beside
/// the plot, never on top of data. Returns the y below the last row.
pub fn legend<DB: DrawingBackend>(
    root: &Area<DB>,
    (x, y): (i32, i32),
    width: u32,
    heading: Option<&str>,
    entries: &[Entry],
) -> Result<i32, PlotError> {
    let style = theme::text(size::BODY, INK);
    let lh = line_height(size::BODY);
    let mut y = y;
    if let Some(h) = heading {
        let hs = theme::bold(size::BODY, INK);
        for line in wrap(root, h, &hs, width, 2) {
            root.draw(&Text::new(line, (x, y), hs.clone()))?;
            y += lh;
        }
        y += lh / 3;
    }
    let sw = 34;
    for e in entries {
        let (x0, y0, x1, y1) = (x, y + 2, x + sw, y + lh - 4);
        let mid = (y0 + y1) / 2;
        match e.swatch {
            Swatch::Fill(c) => {
                root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))?;
            }
            Swatch::Hatched(c) => {
                root.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))?;
                hatch(root, (x0, y0), (x1, y1))?;
            }
            Swatch::Line(c, w) => {
                root.draw(&PathElement::new(vec![(x0, mid), (x1, mid)], c.stroke_width(w)))?;
            }
            Swatch::Dashed(c) => {
                root.draw(&DashedPathElement::new(vec![(x0, mid), (x1, mid)], 7, 5, c.stroke_width(3)))?;
            }
            Swatch::Outline(c) => {
                root.draw(&Rectangle::new([(x0 + 2, y0 + 2), (x1 - 2, y1 - 2)], c.stroke_width(4)))?;
            }
            Swatch::Blank => {}
        }
        let indent = if matches!(e.swatch, Swatch::Blank) { 0 } else { sw + 12 };
        let style =
            if matches!(e.swatch, Swatch::Blank) { theme::text(size::BODY, MUTED) } else { style.clone() };
        // measured, wrapped to as many lines as the label needs (up to LEGEND_LINES)
        let lines = wrap(root, &e.label, &style, width.saturating_sub(indent as u32), LEGEND_LINES);
        for line in &lines {
            root.draw(&Text::new(line.as_str(), (x + indent, y), style.clone()))?;
            y += lh;
        }
        y += lh / 4;
    }
    Ok(y)
}

/// White diagonal hatching over the pixel rectangle `(x0, y0)`–`(x1, y1)`.
pub fn hatch<DB: DrawingBackend>(
    root: &Area<DB>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
) -> Result<(), PlotError> {
    let (x0, x1) = (x0.min(x1), x0.max(x1));
    let (y0, y1) = (y0.min(y1), y0.max(y1));
    if x1 - x0 < 2 || y1 - y0 < 2 {
        return Ok(());
    }
    let step = 9;
    // lines x + y = c, clipped to the rectangle
    let mut c = x0 + y0 + step;
    while c < x1 + y1 {
        let xa = x0.max(c - y1);
        let xb = x1.min(c - y0);
        if xa < xb {
            root.draw(&PathElement::new(vec![(xa, c - xa), (xb, c - xb)], BACKGROUND.stroke_width(3)))?;
        }
        c += step;
    }
    Ok(())
}

/// Space labels (pixel positions along one axis) at least `gap` apart,
/// keeping their order and staying within `lo..=hi` where possible.
pub fn spread(positions: &[i32], gap: i32, lo: i32, hi: i32) -> Vec<i32> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by_key(|&i| (positions[i], i));
    let mut placed: Vec<i32> = order.iter().map(|&i| positions[i].clamp(lo, hi.max(lo))).collect();
    for k in 1..placed.len() {
        placed[k] = placed[k].max(placed[k - 1] + gap);
    }
    // push back from the upper end if the stack overflowed
    if let Some(last) = placed.last_mut()
        && *last > hi
    {
        *last = hi.max(lo);
    }
    for k in (0..placed.len().saturating_sub(1)).rev() {
        placed[k] = placed[k].min(placed[k + 1] - gap);
    }
    let mut out = vec![0; positions.len()];
    for (k, &i) in order.iter().enumerate() {
        out[i] = placed[k];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_keeps_order_and_gap() {
        assert_eq!(spread(&[100, 105, 300], 30, 0, 1000), vec![100, 130, 300]);
        assert_eq!(spread(&[995, 990], 30, 0, 1000), vec![1000, 970]);
        assert_eq!(spread(&[], 30, 0, 1000), Vec::<i32>::new());
    }

    #[test]
    fn chinese_breaks_between_characters_but_not_next_to_brackets() {
        // pieces and whether a space came before each
        let t: Vec<(String, bool)> = tokens("程度（0 为完全平等）；所有 Gini (约谈)").into_iter().collect();
        let pieces: Vec<&str> = t.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pieces,
            ["程", "度", "（0", "为", "完", "全", "平", "等）；", "所", "有", "Gini", "(约", "谈)"]
        );
        let spaced: Vec<bool> = t.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            spaced,
            [true, false, false, true, false, false, false, false, false, false, true, true, false]
        );
        // English words are whole pieces, as before
        let t: Vec<String> = tokens("share of subjects (%)").into_iter().map(|(p, _)| p).collect();
        assert_eq!(t, ["share", "of", "subjects", "(%)"]);
        // a Chinese sentence fills each line, with no line ending in an opening bracket
        theme::register_fonts().unwrap();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 100)).into_drawing_area();
        let style = theme::text(size::BODY, INK);
        let text = "洛伦兹差距：各曲线低于平等线的程度（0 为完全平等）；所有基尼系数都低于 0.05，曲线本身会与对角线重合";
        let lines = wrap(&root, text, &style, 180, 10);
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines {
            assert!(text_width(&root, l, &style) <= 180, "{l}");
            assert!(!l.ends_with('（') && !l.ends_with("（0") && !l.starts_with('）'), "{lines:?}");
        }
        // nothing is lost or added but the spaces at line ends
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
    }

    /// A dotted path too wide for a line breaks after a dot or an
    /// underscore, with no hyphen added inside a name.
    #[test]
    fn a_dotted_path_breaks_at_its_dots() {
        theme::register_fonts().unwrap();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 100)).into_drawing_area();
        let style = theme::text(size::BODY, INK);
        let text = "(rule.volunteer_service.points=10)";
        let max = text_width(&root, "(rule.volunteer_service.poi", &style);
        let lines = wrap(&root, text, &style, max, 4);
        assert_eq!(lines, ["(rule.volunteer_service.", "points=10)"]);
        // with no dot or underscore in reach, a hyphen as before
        let (head, tail) =
            break_word(&root, "abcdefghijklmnop", &style, text_width(&root, "abcdefgh", &style));
        assert!(head.ends_with('-') && format!("{}{tail}", &head[..head.len() - 1]) == "abcdefghijklmnop");
    }

    #[test]
    fn a_long_name_is_cut_in_a_few_measurements() {
        theme::register_fonts().unwrap();
        let mut svg = String::new();
        let root = SVGBackend::with_string(&mut svg, (400, 100)).into_drawing_area();
        let style = theme::text(size::BODY, INK);
        let long = "x".repeat(100_000);
        let cut = fit(&root, &long, &style, 300);
        assert!(cut.ends_with('…') && cut.chars().count() < 100, "{cut}");
        assert!(text_width(&root, &cut, &style) <= 300);
        let lines = wrap(&root, &"word ".repeat(20_000), &style, 300, 3);
        assert_eq!(lines.len(), 3);
        assert_eq!(fit(&root, "short", &style, 300), "short");
        assert_eq!(clip(&"é".repeat(MAX_DRAWN_CHARS + 1)).chars().count(), MAX_DRAWN_CHARS + 1);
    }
}
