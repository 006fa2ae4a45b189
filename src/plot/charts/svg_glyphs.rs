//! SVG text that needs the embedded CJK font, drawn as glyph outlines so
//! that a viewer without a Chinese font still shows it (issue 14/11).
//!
//! plotters' SVG backend writes every text as `<text>`, whose Chinese
//! characters a viewer draws from its own fonts, or as boxes when it has
//! none. [`super::typeset::Typeset`] sends each text whose layout takes a
//! glyph from the CJK font here instead: [`Outlines::run`] keeps a `<g>` of
//! `<path>` outlines (every glyph of the text, Latin ones too, so the line
//! keeps the layout the PNG and every measurement used) and hands back a
//! marker, which the backend writes as the content of an ordinary `<text>`;
//! [`Outlines::splice`] then swaps each marked `<text>` element for its
//! group. The group carries the string as `aria-label` and `<title>`, so the
//! text stays accessible. Each glyph's outline is written once per SVG, in
//! font units, in a `<defs>` at its first use, and every use of it is a
//! `<use>` scaled and moved into place; so an SVG grows linearly with the
//! text drawn (and less for repeated characters), and no font file is
//! embedded.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::rc::Rc;

use ab_glyph::{Font, OutlineCurve, Point, point};
use plotters::prelude::FontTransform;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendColor, BackendCoord};

use super::typeset::{Face, FontsMissing, Line, face_font};

/// The character that brackets a marker. A noncharacter, never meant to
/// appear in interchanged text; [`Typeset`](super::typeset::Typeset)
/// replaces it in every text it passes on, so only markers carry it.
pub const MARK: char = '\u{FDD0}';

/// Where the baseline sits below the anchor point, in ems, for each
/// vertical anchor: as the SVG backend's `dy` puts it (`0.76em` for top,
/// `0.5ex` for centre, `-0.5ex` for bottom, with DejaVu Sans' x-height as
/// the ex).
fn baseline_shift(v: VPos, bold: bool) -> Result<f32, FontsMissing> {
    Ok(match v {
        VPos::Top => 0.76,
        VPos::Center => 0.5 * x_height(bold)?,
        VPos::Bottom => -0.5 * x_height(bold)?,
    })
}

/// DejaVu Sans' x-height in ems: the top of its `x`.
fn x_height(bold: bool) -> Result<f32, FontsMissing> {
    let font = face_font(Face::Latin, bold)?;
    let upem = font.units_per_em().unwrap_or(2048.0);
    // ab_glyph's unscaled bounds have the outline's top in `min.y`
    Ok(font.outline(font.glyph_id('x')).map_or(0.55, |o| o.bounds.min.y / upem))
}

/// The text runs of one SVG document drawn as outlines, in drawing order.
/// Clones share the list: the backend fills it, the caller splices it in.
#[derive(Debug, Clone, Default)]
pub struct Outlines(Rc<RefCell<Runs>>);

#[derive(Debug, Default)]
struct Runs {
    /// One `<g>` per text, in drawing order.
    groups: Vec<String>,
    /// The glyphs whose outline a group already defines (by [`glyph_ref`]).
    defined: BTreeSet<String>,
}

impl Outlines {
    /// Keep the outlines of `text` (laid out as `line`), placed as the SVG
    /// backend would place a `<text>` at `pos` with `anchor`, `transform`
    /// and `colour`; return the marker to write in its stead.
    ///
    /// # Errors
    ///
    /// [`FontsMissing`] if the embedded fonts cannot be read.
    pub fn run(
        &self,
        text: &str,
        line: &Line,
        pos: BackendCoord,
        (anchor, transform, colour): (Pos, FontTransform, BackendColor),
    ) -> Result<String, FontsMissing> {
        let mut runs = self.0.borrow_mut();
        let group = group(text, line, pos, (anchor, transform, colour), &mut runs.defined)?;
        runs.groups.push(group);
        Ok(format!("{MARK}{}{MARK}", runs.groups.len() - 1))
    }

    /// `svg` with each `<text>` element that holds a marker replaced by its
    /// group of outlines. Work is linear in the length of `svg`; a marker
    /// that is not found (the backend skipped that text) leaves nothing.
    pub fn splice(&self, svg: &str) -> String {
        let runs = &self.0.borrow().groups;
        if runs.is_empty() {
            return svg.to_owned();
        }
        let mut out = String::with_capacity(svg.len() + runs.iter().map(String::len).sum::<usize>());
        let mut rest = 0;
        for (i, group) in runs.iter().enumerate() {
            let marker = format!("{MARK}{i}{MARK}");
            let Some(at) = svg[rest..].find(&marker).map(|k| rest + k) else { continue };
            let (Some(open), Some(close)) = (svg[rest..at].rfind("<text"), svg[at..].find("</text>\n"))
            else {
                continue;
            };
            out.push_str(&svg[rest..rest + open]);
            out.push_str(group);
            rest = at + close + "</text>\n".len();
        }
        out.push_str(&svg[rest..]);
        out
    }
}

/// The XLink namespace, for `xlink:href` (which SVG 1.1 viewers need; SVG 2 ones read it too).
const XLINK: &str = "http://www.w3.org/1999/xlink";

/// `s` with the five XML special characters escaped (as the SVG backend does).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with at most `decimals` decimals, without trailing zeros.
fn num(v: f32, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" { "0".into() } else { s.to_owned() }
}

/// The id of a glyph's outline: named by font and glyph, so that two SVGs
/// inlined in one page may share it harmlessly (the same id, the same path).
fn glyph_ref(face: Face, bold: bool, id: ab_glyph::GlyphId) -> String {
    let font = match (face, bold) {
        (Face::Cjk, _) => "cjk",
        (Face::Latin, false) => "sans",
        (Face::Latin, true) => "sans-bold",
    };
    format!("pointsim-glyph-{font}-{}", id.0)
}

/// The `<g>` that draws `line` as the SVG backend would draw `text`; it
/// defines the outline of each glyph not in `defined` (and adds it there).
fn group(
    text: &str,
    line: &Line,
    (x0, y0): BackendCoord,
    (anchor, transform, colour): (Pos, FontTransform, BackendColor),
    defined: &mut BTreeSet<String>,
) -> Result<String, FontsMissing> {
    let (r, g, b) = colour.rgb;
    let fill = format!("#{r:02X}{g:02X}{b:02X}");
    let label = escape(text);
    let mut out = format!(
        "<g xmlns:xlink=\"{XLINK}\" role=\"img\" aria-label=\"{label}\" fill=\"{fill}\" opacity=\"{}\"",
        colour.alpha
    );
    let degrees = match transform {
        FontTransform::Rotate90 => Some(90),
        FontTransform::Rotate180 => Some(180),
        FontTransform::Rotate270 => Some(270),
        FontTransform::None => None,
    };
    if let Some(d) = degrees {
        let _ = write!(out, " transform=\"rotate({d}, {x0}, {y0})\"");
    }
    let _ = write!(out, ">\n<title>{label}</title>\n");
    let left = x0 as f32
        - match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Center => line.width / 2.0,
            HPos::Right => line.width,
        };
    let baseline = y0 as f32 + baseline_shift(anchor.v_pos, line.bold())? * line.em;
    let (mut defs, mut uses) = (String::new(), String::new());
    for glyph in &line.glyphs {
        let font = face_font(glyph.face, line.bold())?;
        let Some(outline) = font.outline(glyph.id) else { continue };
        let id = glyph_ref(glyph.face, line.bold(), glyph.id);
        if !defined.contains(&id) {
            let d = path_data(&outline.curves);
            if d.is_empty() {
                continue;
            }
            let _ = writeln!(defs, "<path id=\"{id}\" d=\"{d}\"/>");
            defined.insert(id.clone());
        }
        let units = line.em / font.units_per_em().unwrap_or(1000.0);
        let _ = write!(
            uses,
            "<use xlink:href=\"#{id}\" transform=\"translate({} {}) scale({})\"",
            num(left + glyph.x, 2),
            num(baseline, 2),
            num(units, 7)
        );
        // no bold CJK face is embedded: embolden by a stroke one pixel wide, as the PNG does
        if line.bold() && glyph.face == Face::Cjk {
            let _ = write!(
                uses,
                " stroke=\"{fill}\" stroke-width=\"{}\" stroke-linejoin=\"round\"",
                num(1.0 / units, 1)
            );
        }
        uses.push_str("/>\n");
    }
    if !defs.is_empty() {
        let _ = write!(out, "<defs>\n{defs}</defs>\n");
    }
    out.push_str(&uses);
    out.push_str("</g>\n");
    Ok(out)
}

/// SVG path data for a glyph's curves, in whole font units with y pointing
/// down (the outline flipped about its baseline); a new contour starts
/// wherever a curve does not begin at the previous one's end. A command
/// letter is written only when it changes.
fn path_data(curves: &[OutlineCurve]) -> String {
    let mut d = String::new();
    let same = |a: Point, b: Point| (a.x - b.x).abs() < 1e-3 && (a.y - b.y).abs() < 1e-3;
    let mut end: Option<Point> = None;
    let mut contour = point(0.0, 0.0);
    let mut command = ' ';
    for (i, curve) in curves.iter().enumerate() {
        let (start, rest, c) = match *curve {
            OutlineCurve::Line(a, b) => (a, vec![b], 'L'),
            OutlineCurve::Quad(a, b, c) => (a, vec![b, c], 'Q'),
            OutlineCurve::Cubic(a, b, c, e) => (a, vec![b, c, e], 'C'),
        };
        if end.is_none_or(|e| !same(e, start)) {
            if end.is_some() {
                d.push('Z');
            }
            d.push('M');
            push_points(&mut d, &[start]);
            command = 'M';
            contour = start;
        }
        let last = rest[rest.len() - 1];
        end = Some(last);
        // a line of no length, or one back to the contour's start where the contour ends (`Z` draws it)
        let closes = curves.get(i + 1).is_none_or(|next| !same(curve_start(next), last));
        if c == 'L' && (same(start, last) || (closes && same(last, contour))) {
            continue;
        }
        if c == command {
            d.push(' ');
        } else {
            d.push(c);
            command = c;
        }
        push_points(&mut d, &rest);
    }
    if end.is_some() {
        d.push('Z');
    }
    d
}

/// Where a curve begins.
fn curve_start(c: &OutlineCurve) -> Point {
    match *c {
        OutlineCurve::Line(a, _) | OutlineCurve::Quad(a, _, _) | OutlineCurve::Cubic(a, _, _, _) => a,
    }
}

/// `points` as space-separated whole coordinates, y negated.
fn push_points(d: &mut String, points: &[Point]) {
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            d.push(' ');
        }
        let _ = write!(d, "{} {}", p.x.round() as i32, -(p.y.round() as i32));
    }
}
