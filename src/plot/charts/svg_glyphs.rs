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
//! embedded. The outlines' ids start with a digest of the chart, so that
//! the charts a report inlines in one page never share an id.

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
    /// group of outlines, the outlines' ids starting with the first 32 bits
    /// of the SHA-256 of `svg` (the same chart gives the same ids). Work is
    /// linear in the length of `svg`; a marker that is not found (the
    /// backend skipped that text) leaves nothing.
    pub fn splice(&self, svg: &str) -> String {
        use sha2::Digest as _;
        let runs = &self.0.borrow().groups;
        if runs.is_empty() {
            return svg.to_owned();
        }
        let digest = sha2::Sha256::digest(svg.as_bytes());
        let prefix: String = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
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
            // MARK stands for the prefix in ids (labels cannot hold it: Typeset replaces it)
            out.push_str(&group.replace(MARK, &prefix));
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

/// The id of a glyph's outline, named by font and glyph; [`MARK`] stands
/// for the chart's prefix until [`Outlines::splice`].
fn glyph_ref(face: Face, bold: bool, id: ab_glyph::GlyphId) -> String {
    let font = match (face, bold) {
        (Face::Cjk, _) => "cjk",
        (Face::Latin, false) => "sans",
        (Face::Latin, true) => "sans-bold",
    };
    format!("g{MARK}-{font}-{}", id.0)
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
    // lines of no length draw nothing
    let curves: Vec<&OutlineCurve> =
        curves.iter().filter(|c| !matches!(**c, OutlineCurve::Line(a, b) if same(a, b))).collect();
    for (i, curve) in curves.iter().enumerate() {
        let (start, rest, c) = match **curve {
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
        // a line back to the contour's start where the contour ends: `Z` draws it
        let closes = curves.get(i + 1).is_none_or(|next| !same(curve_start(next), last));
        if c == 'L' && closes && same(last, contour) {
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

#[cfg(test)]
mod tests {
    use plotters::prelude::*;

    use super::*;
    use crate::plot::charts::theme;
    use crate::plot::charts::typeset::{Typeset, layout};

    const LABEL: &str = "Warning and interview (约谈)";

    /// Whether `c` is a CJK character (the ranges the charts' line breaking uses, plus CJK punctuation).
    fn cjk(c: char) -> bool {
        matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
    }

    /// The finished SVG (outlines spliced in) of `texts` drawn through [`Typeset`] on a 600 × 300 canvas.
    fn svg_of(texts: &[(&str, TextStyle, (i32, i32))]) -> String {
        theme::register_fonts().unwrap();
        let mut svg = String::new();
        let outlines = Outlines::default();
        {
            let backend = SVGBackend::with_string(&mut svg, (600, 300));
            let root = Typeset::vector(backend, outlines.clone()).into_drawing_area();
            for (t, style, pos) in texts {
                root.draw(&Text::new(*t, *pos, style.clone())).unwrap();
            }
            root.present().unwrap();
        }
        outlines.splice(&svg)
    }

    /// The numbers of a `translate(a b) scale(s)` or `rotate(d, x, y)` attribute.
    fn numbers(s: &str) -> Vec<f32> {
        s.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .filter(|t| !t.is_empty())
            .map(|t| t.parse().unwrap())
            .collect()
    }

    /// Bounding box `(x0, y0, x1, y1)` in canvas pixels of the path points
    /// (ends and control points) of every glyph of the group labelled `label`.
    fn outline_box(svg: &str, label: &str) -> (f32, f32, f32, f32) {
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
        let g = doc
            .descendants()
            .find(|n| n.has_tag_name("g") && n.attribute("aria-label") == Some(label))
            .unwrap_or_else(|| panic!("no group for {label:?}: {svg}"));
        let rotate = g.attribute("transform").map(numbers);
        let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for u in g.children().filter(|n| n.has_tag_name("use")) {
            let href = u.attribute(("http://www.w3.org/1999/xlink", "href")).unwrap();
            let path = doc.descendants().find(|n| n.attribute("id") == Some(&href[1..])).unwrap();
            let t = numbers(u.attribute("transform").unwrap());
            let d: Vec<f32> =
                numbers(&path.attribute("d").unwrap().replace(|c: char| c.is_alphabetic(), " "));
            for p in d.chunks(2) {
                let (mut x, mut y) = (t[0] + t[2] * p[0], t[1] + t[2] * p[1]);
                if let Some(r) = &rotate {
                    let (sin, cos) = r[0].to_radians().sin_cos();
                    let (dx, dy) = (x - r[1], y - r[2]);
                    (x, y) = (r[1] + dx * cos - dy * sin, r[2] + dx * sin + dy * cos);
                }
                b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
            }
        }
        b
    }

    /// Bounding box of the pixels the PNG path ([`Typeset::raster`]) inks
    /// for the same text, at least a quarter covered.
    fn raster_box(text: &str, style: &TextStyle, pos: (i32, i32)) -> (f32, f32, f32, f32) {
        theme::register_fonts().unwrap();
        let (w, h) = (600u32, 300u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        {
            let root = Typeset::raster(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
            root.draw(&Text::new(text, pos, style.clone())).unwrap();
            root.present().unwrap();
        }
        let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for (i, px) in rgb.chunks(3).enumerate() {
            if px[0] < 192 {
                let (x, y) = ((i as u32 % w) as f32, (i as u32 / w) as f32);
                b = (b.0.min(x), b.1.min(y), b.2.max(x + 1.0), b.3.max(y + 1.0));
            }
        }
        b
    }

    #[test]
    fn a_chinese_label_becomes_outlines_that_keep_its_text() {
        let svg = svg_of(&[(LABEL, theme::text(24.0, RGBColor(30, 30, 30)), (10, 10))]);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(!doc.descendants().any(|n| n.has_tag_name("text")), "a <text> is left: {svg}");
        assert!(!svg.contains(MARK), "a marker is left: {svg}");
        let g = doc.descendants().find(|n| n.has_tag_name("g")).unwrap();
        assert_eq!(g.attribute("aria-label"), Some(LABEL));
        assert_eq!(g.attribute("role"), Some("img"));
        assert_eq!(g.attribute("fill"), Some("#1E1E1E"));
        let title = g.children().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some(LABEL));
        // one <use> per visible character, each of a path defined in the document
        let uses: Vec<_> = g.children().filter(|n| n.has_tag_name("use")).collect();
        assert_eq!(uses.len(), LABEL.chars().filter(|c| !c.is_whitespace()).count());
        for u in &uses {
            let href = u.attribute(("http://www.w3.org/1999/xlink", "href")).unwrap();
            assert!(
                doc.descendants().any(|n| n.has_tag_name("path") && n.attribute("id") == Some(&href[1..]))
            );
        }
        // each letter is defined once ("n" is drawn four times); 约 and 谈 come from the CJK font
        let latin: BTreeSet<char> = LABEL.chars().filter(|c| !c.is_whitespace() && !cjk(*c)).collect();
        assert_eq!(latin.len(), 13);
        let ids: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("id")).collect();
        assert_eq!(ids.iter().filter(|i| i.contains("-sans-")).count(), latin.len(), "{ids:?}");
        assert_eq!(ids.iter().filter(|i| i.contains("-cjk-")).count(), 2, "{ids:?}");
        // ids carry the chart's digest: another chart with the same glyphs has other ids
        let other = svg_of(&[(LABEL, theme::text(24.0, BLACK), (10, 10))]);
        let digest =
            |i: &str| i.len() > 10 && i[1..9].chars().all(|c| c.is_ascii_hexdigit()) && &i[9..10] == "-";
        assert!(ids.iter().all(|i| i.starts_with('g') && digest(i)), "{ids:?}");
        assert!(ids.iter().all(|i| !other.contains(&format!("id=\"{i}\""))), "{other}");
        assert_eq!(
            svg,
            svg_of(&[(LABEL, theme::text(24.0, RGBColor(30, 30, 30)), (10, 10))]),
            "the same chart, the same bytes"
        );
    }

    /// The outlines sit where the PNG draws the same text, for every
    /// anchor and rotation: within 2 px (the PNG rounds the anchor offset
    /// to whole pixels, and centres and bottoms on its box of one em, the
    /// SVG on half DejaVu's x-height as `dy="±0.5ex"` does).
    #[test]
    fn outlines_sit_where_the_anchor_and_rotation_put_them() {
        let text = "约谈 (Gj)";
        let pos = (300, 150);
        for (i, h) in [HPos::Left, HPos::Center, HPos::Right].into_iter().enumerate() {
            for (j, v) in [VPos::Top, VPos::Center, VPos::Bottom].into_iter().enumerate() {
                for (k, t) in [FontTransform::None, FontTransform::Rotate90, FontTransform::Rotate270]
                    .into_iter()
                    .enumerate()
                {
                    let style = theme::text(40.0, BLACK).pos(Pos::new(h, v)).transform(t.clone());
                    let svg = svg_of(&[(text, style.clone(), pos)]);
                    let (a, b) = (outline_box(&svg, text), raster_box(text, &style, pos));
                    let off = [a.0 - b.0, a.1 - b.1, a.2 - b.2, a.3 - b.3];
                    assert!(
                        off.iter().all(|d| d.abs() <= 2.0),
                        "anchor {i} {j}, rotation {k}: svg {a:?}, png {b:?}"
                    );
                }
            }
        }
        // and where the anchor says, whatever the PNG does: centred on x, top at y
        let style = theme::text(40.0, BLACK).pos(Pos::new(HPos::Center, VPos::Top));
        let (x0, y0, x1, y1) = outline_box(&svg_of(&[("约谈", style, pos)]), "约谈");
        let em = 40.0 / 1.24;
        assert!(((x0 + x1) / 2.0 - 300.0).abs() < 0.05 * em, "{x0}..{x1}");
        assert!((x1 - x0) > 1.7 * em && (x1 - x0) < 2.0 * em, "{x0}..{x1}");
        assert!(y0 > 150.0 - 0.1 * em && y0 < 150.0 + 0.2 * em && y1 < 150.0 + em, "{y0}..{y1}");
    }

    #[test]
    fn each_glyph_is_defined_once_per_svg_and_bold_cjk_is_stroked() {
        let body = theme::text(24.0, BLACK);
        let svg = svg_of(&[
            ("谈谈谈", body.clone(), (10, 10)),
            ("谈 ok", body.clone(), (10, 60)),
            ("谈", theme::bold(24.0, BLACK), (10, 110)),
            ("ok", theme::bold(24.0, BLACK), (10, 160)),
        ]);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let uses = doc.descendants().filter(|n| n.has_tag_name("use")).count();
        assert_eq!(uses, 3 + 3 + 1, "{svg}");
        assert_eq!(svg.matches("-cjk-").count(), 1 + 5, "one definition and five uses: {svg}");
        // the bold 谈 shares the regular outline and is widened by a stroke one pixel wide
        let bold = doc.descendants().find(|n| n.attribute("aria-label") == Some("谈")).unwrap();
        let u = bold.children().find(|n| n.has_tag_name("use")).unwrap();
        let scale = numbers(u.attribute("transform").unwrap())[2];
        let width: f32 = u.attribute("stroke-width").unwrap().parse().unwrap();
        assert!((width * scale - 1.0).abs() < 0.01, "{width} × {scale}");
        assert_eq!(u.attribute("stroke"), Some("#000000"));
        // Latin text without CJK stays text, even in bold
        let texts: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("text")).collect();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].text().map(str::trim), Some("ok"));
        assert!(!texts.iter().any(|n| n.text().unwrap_or("").chars().any(cjk)));
    }

    /// A user's text that looks like a marker is written as text, its
    /// noncharacter replaced, and does not take the place of a Chinese run.
    #[test]
    fn a_text_that_looks_like_a_marker_is_not_taken_for_one() {
        let body = theme::text(24.0, BLACK);
        let fake = format!("{MARK}0{MARK}");
        let svg = svg_of(&[(&fake, body.clone(), (10, 10)), ("约谈", body.clone(), (10, 60))]);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("text")).collect();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0].text().map(str::trim), Some("\u{FFFD}0\u{FFFD}"));
        let g = doc.descendants().find(|n| n.has_tag_name("g")).unwrap();
        assert_eq!(g.attribute("aria-label"), Some("约谈"));
        assert!(!svg.contains(MARK));
    }

    /// XML's special characters are escaped in the label and title, and a
    /// transparent Chinese text draws nothing (as the SVG backend skips it).
    #[test]
    fn labels_are_escaped_and_transparent_text_is_skipped() {
        let label = "公共自行车 <&> \"quoted\" 'x'";
        let body = theme::text(24.0, BLACK);
        let svg = svg_of(&[(label, body.clone(), (10, 10)), ("约谈", body.color(&BLACK.mix(0.0)), (10, 60))]);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let groups: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("g")).collect();
        assert_eq!(groups.len(), 1, "{svg}");
        assert_eq!(groups[0].attribute("aria-label"), Some(label));
        assert_eq!(
            groups[0].children().find(|n| n.has_tag_name("title")).and_then(|t| t.text()),
            Some(label)
        );
    }

    #[test]
    fn path_data_is_whole_units_flipped_with_closed_contours() {
        let p = |x: f32, y: f32| point(x, y);
        // a square written as a font outline: four lines, the last back to the start, then a zero-length one
        let square = [
            OutlineCurve::Line(p(0.0, 0.0), p(10.0, 0.0)),
            OutlineCurve::Line(p(10.0, 0.0), p(10.0, 10.4)),
            OutlineCurve::Quad(p(10.0, 10.4), p(5.0, 15.0), p(0.0, 10.0)),
            OutlineCurve::Line(p(0.0, 10.0), p(0.0, 0.0)),
            OutlineCurve::Line(p(0.0, 0.0), p(0.0, 0.0)),
            OutlineCurve::Line(p(2.0, 2.0), p(3.0, 2.0)),
            OutlineCurve::Line(p(3.0, 2.0), p(2.0, 3.0)),
        ];
        assert_eq!(path_data(&square), "M0 0L10 0 10 -10Q5 -15 0 -10ZM2 -2L3 -2 2 -3Z");
        assert_eq!(path_data(&[]), "");
        assert_eq!(num(-0.001, 2), "0");
        assert_eq!(num(12.50, 2), "12.5");
        assert_eq!(num(3.0, 2), "3");
        assert!(
            layout(LABEL, 24.0, false).unwrap().needs_cjk()
                && !layout("ok", 24.0, false).unwrap().needs_cjk()
        );
    }
}
