//! Look shared by every chart: canvas size, fonts, text sizes, palettes and the subtitle.

use std::sync::OnceLock;

pub use crate::output::text::thousands;

use plotters::style::text_anchor::Pos;
use plotters::style::{Color, FontDesc, FontFamily, FontStyle, RGBColor, TextStyle, register_font};

use super::PlotError;
use crate::plot::RunData;
use crate::plot::locale::Lang;

/// Canvas width in pixels (PNG and SVG).
pub const WIDTH: u32 = 1600;
/// Canvas height in pixels (PNG and SVG).
pub const HEIGHT: u32 = 900;
/// The font family every text uses (DejaVu Sans, embedded by the `dejavu` crate).
pub const FONT: &str = "DejaVu Sans";

/// Text sizes in plotters units; plotters draws an em of `size / 1.24` pixels,
/// so 24 gives 19 px glyphs, above the 18 px floor for body text.
pub mod size {
    /// Chart title.
    pub const TITLE: f64 = 40.0;
    /// Subtitle under the title.
    pub const SUBTITLE: f64 = 26.0;
    /// Axis titles and panel titles.
    pub const AXIS: f64 = 26.0;
    /// Tick labels, legend entries and annotations: the smallest text drawn.
    pub const BODY: f64 = 24.0;
}

/// Height of the title block at the top of every chart.
pub const HEADER_H: u32 = 118;
/// Outer margin in pixels.
pub const MARGIN: i32 = 28;

/// White background.
pub const BACKGROUND: RGBColor = RGBColor(255, 255, 255);
/// Text and axes.
pub const INK: RGBColor = RGBColor(30, 30, 30);
/// Secondary text and reference lines.
pub const MUTED: RGBColor = RGBColor(105, 105, 105);
/// "Everyone" in charts that also show groups.
pub const EVERYONE: RGBColor = RGBColor(0, 0, 0);
/// Flags a value that breaks a rule of thumb (Okabe–Ito vermillion, kept out of the group palette).
pub const WARNING: RGBColor = RGBColor(213, 94, 0);

/// Group colours: the Okabe–Ito palette without black (everyone) and vermillion (warnings).
const GROUPS: [RGBColor; 6] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
];

/// Colour of the `i`-th population group (repeats after six groups).
pub fn group_colour(i: usize) -> RGBColor {
    GROUPS[i % GROUPS.len()]
}

/// Viridis anchors, dark to light, every eighth of the ramp.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (70, 50, 127),
    (54, 92, 141),
    (39, 127, 142),
    (31, 161, 135),
    (74, 194, 109),
    (159, 218, 58),
    (206, 226, 36),
    (253, 231, 37),
];

/// A point of the viridis ramp, `t` in `[0, 1]` (0 dark purple, 1 yellow).
fn viridis(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (t.floor() as usize).min(VIRIDIS.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Colour of tier `i` of `n` (index as in `Scenario::tiers`, lowest first):
/// the highest tier darkest, the lowest lightest, so rank survives greyscale.
pub fn tier_colour(i: usize, n: usize) -> RGBColor {
    if n <= 1 {
        return viridis(0.35);
    }
    let rank_from_top = (n - 1 - i) as f64 / (n - 1) as f64;
    viridis(rank_from_top * 0.95)
}

/// `c` mixed with white: `amount` 0 keeps `c`, 1 gives white. Used for
/// shading without transparency, so PNG and SVG look the same.
pub fn lighten(c: RGBColor, amount: f64) -> RGBColor {
    let m = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * amount.clamp(0.0, 1.0)).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// A regular text style of `size` in `colour`.
pub fn text(size: f64, colour: RGBColor) -> TextStyle<'static> {
    style(size, FontStyle::Normal, colour)
}

/// A bold text style of `size` in `colour` (DejaVu Sans Bold is registered for it).
pub fn bold(size: f64, colour: RGBColor) -> TextStyle<'static> {
    style(size, FontStyle::Bold, colour)
}

fn style(size: f64, weight: FontStyle, colour: RGBColor) -> TextStyle<'static> {
    TextStyle {
        font: FontDesc::new(FontFamily::Name(FONT), size, weight),
        color: colour.to_backend_color(),
        pos: Pos::default(),
    }
}

/// Register DejaVu Sans (regular and bold) with plotters, once per process,
/// and check that the fonts [`typeset`](super::typeset) draws with load.
/// Also under `sans-serif`, the family plotters falls back to for any text
/// not given a style, so no text ever needs a system font.
///
/// # Errors
///
/// [`PlotError::Font`] if the embedded font bytes are rejected (not expected).
pub fn register_fonts() -> Result<(), PlotError> {
    static DONE: OnceLock<Result<(), String>> = OnceLock::new();
    DONE.get_or_init(|| {
        for family in [FONT, "sans-serif"] {
            register_font(family, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| format!("DejaVu Sans regular rejected for `{family}`"))?;
            register_font(family, FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| format!("DejaVu Sans bold rejected for `{family}`"))?;
        }
        super::typeset::check_fonts().map_err(|e| e.to_string())
    })
    .clone()
    .map_err(PlotError::Font)
}

/// "Rongcheng (simplified) · seed 42 · 100,000 subjects", its words in `lang`.
pub fn subtitle(data: &RunData, lang: Lang) -> String {
    let n = data.scenario.population;
    let en = if n == 1 {
        Lang::key("{name} · seed {seed} · {n} subject")
    } else {
        Lang::key("{name} · seed {seed} · {n} subjects")
    };
    let seed = data.seed.to_string();
    // the name last, so braces in it are left alone
    lang.fill(en, &[("seed", &seed), ("n", &thousands(n)), ("name", &data.scenario.name)])
}

/// A signed score, with thousands separators from 10,000 on: 960 → "960",
/// -12000 → "-12,000".
pub fn score(v: i64) -> String {
    if v.unsigned_abs() < 10_000 {
        return v.to_string();
    }
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}", thousands(v.unsigned_abs()))
}

/// A fraction as a percentage with about three significant digits:
/// 0.9538 → "95.4%", 0.00041 → "0.041%", 0 → "0%".
pub fn pct(share: f64) -> String {
    let p = share * 100.0;
    if p == 0.0 || !p.is_finite() {
        return "0%".into();
    }
    if p.abs() < 0.0001 {
        return "< 0.0001%".into();
    }
    let decimals = if p >= 10.0 {
        1
    } else {
        // enough decimals for two significant digits, at most 4
        (1 - p.abs().log10().floor() as i32).clamp(1, 4) as usize
    };
    let s = format!("{p:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s };
    format!("{s}%")
}

/// A tick label for an axis value: integers with separators, compact
/// exponent form beyond a billion so labels never grow too wide, and a
/// small value with enough decimals for two significant digits (`0.0015`,
/// never rounded to "0").
pub fn tick(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v.abs() >= 1e9 {
        return format!("{v:.1e}");
    }
    if (v - v.round()).abs() < 1e-9 {
        return score(v.round() as i64);
    }
    let decimals = (1 - v.abs().log10().floor() as i32).clamp(2, 9) as usize;
    let s = format!("{v:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(7), "7");
        assert_eq!(score(-12_000), "-12,000");
        assert_eq!(score(i64::MIN), "-9,223,372,036,854,775,808");
        assert_eq!(pct(0.9538), "95.4%");
        assert_eq!(pct(0.00041), "0.041%");
        assert_eq!(pct(0.05), "5%");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(pct(1.0), "100%");
        assert_eq!(tick(1000.0), "1000");
        assert_eq!(tick(25000.0), "25,000");
        assert_eq!(tick(2.5), "2.5");
        assert_eq!(tick(0.25), "0.25");
        // small ticks keep two significant digits: an axis zoomed to 0–0.0015% is not all "0"
        assert_eq!(tick(0.0015), "0.0015");
        assert_eq!(tick(0.0003), "0.0003");
        assert_eq!(tick(0.30000000000000004), "0.3");
    }

    #[test]
    fn tiers_darken_with_rank() {
        let lum = |c: RGBColor| 0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2);
        let n = 6;
        for i in 1..n {
            assert!(lum(tier_colour(i, n)) < lum(tier_colour(i - 1, n)), "tier {i}");
        }
    }
}
