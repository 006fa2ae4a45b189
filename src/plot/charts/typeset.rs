//! Text on the charts: glyph layout with a per-glyph fallback from DejaVu
//! Sans to an embedded CJK font, and [`Typeset`], the backend wrapper that
//! measures and draws every text of a chart (titles, legends, tick labels)
//! with that layout.
//!
//! Why not plotters' own `ab_glyph` text: it has one font per family (a
//! Chinese label comes out as DejaVu's empty boxes), and it places each
//! glyph at a whole pixel without its left side bearing, so PNG text reads
//! "sub jects" and "21 0,000". Here glyphs sit at their exact advance (with
//! kerning), the PNG is rasterised from that layout, and the SVG keeps
//! Latin text as text (DejaVu Sans first in its font-family list) and draws
//! a text that needs the CJK font as that font's outlines ([`super::svg_glyphs`]).
//!
//! The CJK font is a subset of Noto Sans CJK SC (SIL OFL 1.1) covering every
//! character of GB 2312; `src/plot/fonts/README.md` says why and how it is made.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont, point};
use plotters::prelude::{DrawingBackend, FontFamily, FontStyle, FontTransform};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

use super::svg_glyphs::{MARK, Outlines};

/// The embedded CJK fallback: Noto Sans CJK SC Regular, GB 2312 subset. The
/// one copy in the binary: the explore page serves these bytes too.
pub static CJK_BYTES: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Regular-GB2312.otf");

/// The `font-family` every SVG text carries: DejaVu Sans (the metrics the
/// layout was made with), then common CJK families, then any sans-serif.
pub const SVG_FAMILIES: &str = "DejaVu Sans, Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";

/// Plotters text sizes are `1.24` times the em in pixels (the SVG backend
/// writes `font-size = size / 1.24`); the PNG uses the same em.
const SIZE_PER_EM: f64 = 1.24;

/// Where the baseline sits below the top of a line, in ems (the SVG
/// backend's `dy="0.76em"` for top-anchored text).
const BASELINE: f32 = 0.76;

/// Which embedded font a glyph comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// DejaVu Sans (regular or bold, as the style asks).
    Latin,
    /// Noto Sans CJK SC, the fallback.
    Cjk,
}

struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
    cjk: FontRef<'static>,
}

fn fonts() -> Result<&'static Fonts, FontsMissing> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            Some(Fonts {
                regular: FontRef::try_from_slice(dejavu::sans::regular()).ok()?,
                bold: FontRef::try_from_slice(dejavu::sans::bold()).ok()?,
                cjk: FontRef::try_from_slice(CJK_BYTES).ok()?,
            })
        })
        .as_ref()
        .ok_or(FontsMissing)
}

/// The embedded font a glyph of `face` comes from (DejaVu Sans Bold for a
/// bold Latin glyph).
///
/// # Errors
///
/// [`FontsMissing`] if the embedded fonts cannot be read.
pub fn face_font(face: Face, bold: bool) -> Result<&'static FontRef<'static>, FontsMissing> {
    Ok(fonts()?.face(face, bold))
}

/// The embedded fonts were rejected by the font parser (not expected: a test loads them).
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("an embedded font (DejaVu Sans or Noto Sans CJK SC) cannot be read")]
pub struct FontsMissing;

/// Check that the embedded fonts load.
///
/// # Errors
///
/// [`FontsMissing`] if one is rejected.
pub fn check_fonts() -> Result<(), FontsMissing> {
    fonts().map(|_| ())
}

/// One glyph placed on a line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    /// The character it draws.
    pub ch: char,
    /// The font it comes from.
    pub face: Face,
    /// Glyph id in that font (0 is the font's "missing glyph" box).
    pub id: GlyphId,
    /// Left edge of its advance, in pixels from the line's start.
    pub x: f32,
}

/// A laid-out line of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The glyphs, in order.
    pub glyphs: Vec<Placed>,
    /// Advance width in pixels.
    pub width: f32,
    /// The em in pixels.
    pub em: f32,
    bold: bool,
}

impl Fonts {
    fn latin(&self, bold: bool) -> &FontRef<'static> {
        if bold { &self.bold } else { &self.regular }
    }
    fn face(&self, face: Face, bold: bool) -> &FontRef<'static> {
        match face {
            Face::Latin => self.latin(bold),
            Face::Cjk => &self.cjk,
        }
    }
}

/// The scale that gives `font` an em of `em` pixels.
fn scale(font: &FontRef<'static>, em: f32) -> PxScale {
    let upem = font.units_per_em().unwrap_or(1000.0);
    PxScale::from(em * font.height_unscaled() / upem)
}

/// Lay `text` out at plotters size `size`: each character from DejaVu Sans
/// when it has the glyph, else from the CJK font when that has it, else
/// DejaVu's missing-glyph box.
///
/// # Errors
///
/// [`FontsMissing`] if the embedded fonts cannot be read.
pub fn layout(text: &str, size: f64, bold: bool) -> Result<Line, FontsMissing> {
    let f = fonts()?;
    let em = (size / SIZE_PER_EM) as f32;
    let latin = f.latin(bold).as_scaled(scale(f.latin(bold), em));
    let cjk = f.cjk.as_scaled(scale(&f.cjk, em));
    let mut glyphs = Vec::with_capacity(text.len());
    let mut caret = 0f32;
    let mut prev: Option<(Face, GlyphId)> = None;
    for ch in text.chars() {
        if ch.is_control() {
            continue;
        }
        let (face, id) = match latin.glyph_id(ch) {
            GlyphId(0) if cjk.glyph_id(ch) != GlyphId(0) => (Face::Cjk, cjk.glyph_id(ch)),
            id => (Face::Latin, id),
        };
        if let Some((pf, pid)) = prev
            && pf == face
        {
            caret += match face {
                Face::Latin => latin.kern(pid, id),
                Face::Cjk => cjk.kern(pid, id),
            };
        }
        glyphs.push(Placed { ch, face, id, x: caret });
        caret += match face {
            Face::Latin => latin.h_advance(id),
            Face::Cjk => cjk.h_advance(id),
        };
        prev = Some((face, id));
    }
    Ok(Line { glyphs, width: caret.max(0.0), em, bold })
}

impl Line {
    /// Whether the line was laid out in the bold face.
    pub fn bold(&self) -> bool {
        self.bold
    }

    /// Whether a glyph of the line comes from the CJK font.
    pub fn needs_cjk(&self) -> bool {
        self.glyphs.iter().any(|g| g.face == Face::Cjk)
    }

    /// Width and height in whole pixels, as plotters measures a text box.
    pub fn size(&self) -> (u32, u32) {
        (self.width.ceil() as u32, self.em as u32)
    }

    /// Coverage (0..1) of every pixel the line inks, relative to the top-left
    /// of its box (baseline [`BASELINE`] em below the top), in drawing order.
    pub fn coverage(&self) -> Vec<(i32, i32, f32)> {
        let Ok(f) = fonts() else { return vec![] };
        let mut out = vec![];
        let baseline = BASELINE * self.em;
        for g in &self.glyphs {
            let font = f.face(g.face, self.bold);
            let glyph = g.id.with_scale_and_position(scale(font, self.em), point(g.x, baseline));
            let Some(outline) = font.outline_glyph(glyph) else { continue };
            let b = outline.px_bounds();
            let (x0, y0) = (b.min.x as i32, b.min.y as i32);
            let w = (b.max.x - b.min.x) as usize + 1;
            let h = (b.max.y - b.min.y) as usize + 1;
            let mut cell = vec![0f32; (w + 1) * h];
            outline.draw(|x, y, c| {
                if (x as usize) < w && (y as usize) < h {
                    cell[y as usize * (w + 1) + x as usize] = c;
                }
            });
            // no bold CJK face is embedded: embolden by one pixel instead
            let embolden = self.bold && g.face == Face::Cjk;
            for y in 0..h {
                for x in 0..=w {
                    let here = if x < w { cell[y * (w + 1) + x] } else { 0.0 };
                    let c = if embolden && x > 0 { here.max(cell[y * (w + 1) + x - 1]) } else { here };
                    if c > 0.0 {
                        out.push((x0 + x as i32, y0 + y as i32, c.min(1.0)));
                    }
                }
            }
        }
        out
    }
}

/// A plotters backend whose texts are measured and drawn by [`layout`]:
/// rasterised glyph by glyph for a bitmap; for the SVG backend, passed on
/// as text (with [`SVG_FAMILIES`]) or, when the CJK font is needed, kept as
/// outlines in [`Outlines`] behind a marker text. Everything else goes
/// straight to the wrapped backend.
pub struct Typeset<B> {
    inner: B,
    /// `None` for a bitmap backend.
    outlines: Option<Outlines>,
}

impl<B> Typeset<B> {
    /// Wrap a bitmap backend: text is drawn pixel by pixel.
    pub fn raster(inner: B) -> Typeset<B> {
        Typeset { inner, outlines: None }
    }
    /// Wrap plotters' SVG backend: Latin text stays text, with a CJK-aware
    /// font-family list; a text that needs the CJK font is kept in
    /// `outlines`, which [`Outlines::splice`] puts into the finished SVG.
    pub fn vector(inner: B, outlines: Outlines) -> Typeset<B> {
        Typeset { inner, outlines: Some(outlines) }
    }
}

/// A text style as given, but naming [`SVG_FAMILIES`].
struct Listed<'a, S>(&'a S);

impl<S: BackendTextStyle> BackendTextStyle for Listed<'_, S> {
    type FontError = S::FontError;
    fn color(&self) -> BackendColor {
        self.0.color()
    }
    fn size(&self) -> f64 {
        self.0.size()
    }
    fn transform(&self) -> FontTransform {
        self.0.transform()
    }
    fn style(&self) -> FontStyle {
        self.0.style()
    }
    fn anchor(&self) -> Pos {
        self.0.anchor()
    }
    fn family(&self) -> FontFamily<'_> {
        FontFamily::Name(SVG_FAMILIES)
    }
    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), Self::FontError> {
        self.0.layout_box(text)
    }
    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        pos: BackendCoord,
        draw: F,
    ) -> Result<Result<(), E>, Self::FontError> {
        self.0.draw(text, pos, draw)
    }
}

fn font_error<E: std::error::Error + Send + Sync>(e: FontsMissing) -> DrawingErrorKind<E> {
    DrawingErrorKind::FontError(Box::new(e))
}

impl<B: DrawingBackend> DrawingBackend for Typeset<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        p: BackendCoord,
        c: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(p, c)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let bold = matches!(style.style(), FontStyle::Bold);
        Ok(layout(text, style.size(), bold).map_err(font_error)?.size())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if let Some(outlines) = &self.outlines {
            // only markers carry MARK (a noncharacter): see svg_glyphs
            let text: std::borrow::Cow<'_, str> =
                if text.contains(MARK) { text.replace(MARK, "\u{FFFD}").into() } else { text.into() };
            if text.is_ascii() || style.color().alpha == 0.0 {
                return self.inner.draw_text(&text, &Listed(style), pos);
            }
            let line =
                layout(&text, style.size(), matches!(style.style(), FontStyle::Bold)).map_err(font_error)?;
            if !line.needs_cjk() {
                return self.inner.draw_text(&text, &Listed(style), pos);
            }
            let marker = outlines
                .run(&text, &line, pos, (style.anchor(), style.transform(), style.color()))
                .map_err(font_error)?;
            return self.inner.draw_text(&marker, &Listed(style), pos);
        }
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        let line =
            layout(text, style.size(), matches!(style.style(), FontStyle::Bold)).map_err(font_error)?;
        let (w, h) = line.size();
        let (w, h) = (w as i32, h as i32);
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0,
            HPos::Right => -w,
            HPos::Center => -w / 2,
        };
        let dy = match anchor.v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        let trans = style.transform();
        let (cw, ch) = self.inner.get_size();
        for (x, y, c) in line.coverage() {
            let (tx, ty) = trans.transform(x + dx, y + dy);
            let (px, py) = (pos.0 + tx, pos.1 + ty);
            if px >= 0 && py >= 0 && px < cw as i32 && py < ch as i32 {
                let alpha = colour.alpha * f64::from(c);
                self.inner.draw_pixel((px, py), BackendColor { alpha, rgb: colour.rgb })?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// Every Chinese word of the run charts draws from the embedded fonts:
    /// no character falls back to the missing-glyph box.
    #[test]
    fn every_chinese_chart_word_has_its_glyphs() {
        let mut missing = Vec::new();
        for en in crate::plot::charts::chart_texts() {
            let zh = crate::plot::Lang::ZhCn.tr(&en).to_owned();
            for g in super::layout(&zh, 12.0, false).unwrap().glyphs {
                if g.id == GlyphId(0) && !g.ch.is_whitespace() {
                    missing.push((g.ch, zh.clone()));
                }
            }
        }
        assert!(missing.is_empty(), "no glyph for {missing:?}");
    }

    use super::*;

    #[test]
    fn chinese_falls_back_to_the_cjk_font_and_latin_stays_dejavu() {
        let line = layout("Warning and interview (约谈)", 24.0, false).unwrap();
        let faces: Vec<(char, Face)> = line.glyphs.iter().map(|g| (g.ch, g.face)).collect();
        assert!(faces.contains(&('约', Face::Cjk)) && faces.contains(&('谈', Face::Cjk)), "{faces:?}");
        assert!(faces.contains(&('W', Face::Latin)) && faces.contains(&(')', Face::Latin)));
        assert!(line.glyphs.iter().all(|g| g.id != GlyphId(0)), "a glyph is missing: {faces:?}");
        // a CJK glyph is about one em wide
        let yue = line.glyphs.iter().position(|g| g.ch == '约').unwrap();
        let advance = line.glyphs[yue + 1].x - line.glyphs[yue].x;
        assert!((advance - line.em).abs() < 0.05 * line.em, "{advance} vs em {}", line.em);
    }

    /// Draw `text` in black at the top-left of a white canvas, through
    /// [`Typeset`] (`ours`) or through plotters' own text drawing; return
    /// the canvas (RGB) and its width.
    fn raster(text: &str, ours: bool) -> (Vec<u8>, u32) {
        use plotters::prelude::*;
        crate::plot::charts::theme::register_fonts().unwrap();
        let (w, h) = (900u32, 60u32);
        let mut rgb = vec![255u8; (w * h * 3) as usize];
        let style = crate::plot::charts::theme::text(40.0, BLACK);
        if ours {
            let root = Typeset::raster(BitMapBackend::with_buffer(&mut rgb, (w, h))).into_drawing_area();
            root.draw(&Text::new(text, (4, 4), style)).unwrap();
            root.present().unwrap();
        } else {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            root.draw(&Text::new(text, (4, 4), style)).unwrap();
            root.present().unwrap();
        }
        (rgb, w)
    }

    /// The ink (darkness summed over RGB) of columns `x0..x1` of a canvas, row by row.
    fn ink(rgb: &[u8], w: u32, x0: u32, x1: u32) -> Vec<u32> {
        let h = rgb.len() as u32 / (3 * w);
        let mut out = vec![];
        for y in 0..h {
            for x in x0..x1 {
                let i = ((y * w + x) * 3) as usize;
                out.push(rgb[i..i + 3].iter().map(|&v| u32::from(255 - v)).sum());
            }
        }
        out
    }

    /// The teaching toy's own label, rasterised as in a PNG chart: 约 and 谈
    /// are real glyphs (they differ from each other and from the box drawn
    /// for a character no embedded font has), where plotters' own text
    /// drawing gives that box.
    #[test]
    fn the_teaching_toys_chinese_label_is_drawn_not_boxed() {
        let label = "Warning and interview (约谈)";
        let line = layout(label, 40.0, false).unwrap();
        let col = |ch: char| {
            let i = line.glyphs.iter().position(|g| g.ch == ch).unwrap();
            let x0 = 4 + line.glyphs[i].x.floor() as u32;
            (x0, x0 + line.em.ceil() as u32)
        };
        let ((a0, a1), (b0, b1)) = (col('约'), col('谈'));
        let (ours, w) = raster(label, true);
        let (yue, tan) = (ink(&ours, w, a0, a1), ink(&ours, w, b0, b1));
        // a glyph missing from every embedded font, drawn where 约 stands
        let missing = "Warning and interview (\u{E000}\u{E000})";
        let (boxed, _) = raster(missing, true);
        let notdef = ink(&boxed, w, a0, a1);
        assert!(yue.iter().sum::<u32>() > 0 && tan.iter().sum::<u32>() > 0, "nothing drawn");
        assert_ne!(yue, tan, "约 and 谈 rasterise alike");
        assert_ne!(yue, notdef, "约 is drawn as the missing-glyph box");
        // plotters alone draws DejaVu's box for 约, as for a missing character:
        // the cause this module fixes
        assert_eq!(raster("约", false), raster("\u{E000}", false));
        assert_ne!(raster("约", true), raster("\u{E000}", true));
    }

    /// In SVG a Latin label stays one text, whole, and its font-family names
    /// DejaVu Sans first (a Chinese one becomes outlines: `svg_glyphs`).
    #[test]
    fn svg_latin_text_stays_text_with_a_cjk_fallback_family() {
        use plotters::prelude::*;
        let mut svg = String::new();
        let outlines = Outlines::default();
        {
            let backend = SVGBackend::with_string(&mut svg, (400, 60));
            let root = Typeset::vector(backend, outlines.clone()).into_drawing_area();
            let style = crate::plot::charts::theme::text(24.0, BLACK);
            root.draw(&Text::new("Gold ≥ 110 · Zürich", (4, 4), style)).unwrap();
            root.present().unwrap();
        }
        assert_eq!(outlines.splice(&svg), svg, "no outlines for a Latin text");
        assert!(svg.contains(">\nGold ≥ 110 · Zürich\n<"), "{svg}");
        assert!(svg.contains(&format!("font-family=\"{SVG_FAMILIES}\"")), "{svg}");
        assert!(
            SVG_FAMILIES.starts_with("DejaVu Sans, Noto Sans CJK SC") && SVG_FAMILIES.ends_with("sans-serif")
        );
    }

    /// Blank columns between the first and the second inked run of a canvas.
    fn first_gap(rgb: &[u8], w: u32) -> u32 {
        let inked: Vec<bool> = (0..w).map(|x| ink(rgb, w, x, x + 1).iter().any(|&v| v > 60)).collect();
        let start = inked.iter().position(|&i| i).unwrap();
        let end = start + inked[start..].iter().position(|&i| !i).unwrap();
        // touching letters make one run: no gap
        inked[end..].iter().position(|&i| i).map_or(0, |n| n as u32)
    }

    /// "sub jects": plotters drops each glyph's left side bearing, so a `j`
    /// (whose bearing is negative) stands apart from the `b` before it. Here
    /// the two nearly touch, as in the font.
    #[test]
    fn png_letters_keep_their_spacing() {
        let (ours, w) = raster("bj", true);
        let (theirs, _) = raster("bj", false);
        let (g_ours, g_theirs) = (first_gap(&ours, w), first_gap(&theirs, w));
        assert!(g_ours <= 3, "b and j are {g_ours} px apart");
        assert!(g_theirs > g_ours, "plotters' gap {g_theirs} px was expected to be wider than {g_ours} px");
    }

    #[test]
    fn advances_are_exact_not_rounded_per_glyph() {
        // "210,000" is as wide as its glyphs' advances, and "1" is not
        // followed by a gap: every step between neighbours is the advance
        let line = layout("210,000", 24.0, false).unwrap();
        let xs: Vec<f32> = line.glyphs.iter().map(|g| g.x).collect();
        let steps: Vec<f32> = xs.windows(2).map(|w| w[1] - w[0]).collect();
        // DejaVu's digits share one advance (0.636 em), the comma is narrower
        let digit = steps[0];
        assert!((digit - 0.636 * line.em).abs() < 0.01 * line.em, "{steps:?}");
        assert!((steps[1] - digit).abs() < 1e-3, "{steps:?}");
    }
}
