//! Shaded tier bands on a score axis, shared by the run's `score_distribution`
//! and the comparison's `compare_distribution`: where each band lies, its
//! colour, and its name along the top of the plot where it fits.

use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::PlotError;
use super::render::{self, Area};
use super::theme::{self, INK, size};

/// A shaded tier band over `[from, to)` on the score axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Left edge (score), within the axis.
    pub from: f64,
    /// Right edge (score), within the axis.
    pub to: f64,
    /// The tier's colour (before lightening for the shade).
    pub colour: RGBColor,
    /// The tier's name, drawn along the top.
    pub name: String,
}

/// The bands of tiers given lowest first as `(name, min)`, clipped to the
/// axis `x`: the lowest reaches down to the axis' left end, the highest up to
/// its right end; a band wholly off the axis is left out.
pub fn tier_bands<'a>(tiers: impl ExactSizeIterator<Item = (&'a str, i64)>, x: (f64, f64)) -> Vec<Band> {
    let tiers: Vec<(&str, i64)> = tiers.collect();
    let n = tiers.len();
    let mut bands = vec![];
    for (i, &(name, min)) in tiers.iter().enumerate() {
        let from = if i == 0 { x.0 } else { (min as f64).max(x.0) };
        let to = if i + 1 == n { x.1 } else { (tiers[i + 1].1 as f64).min(x.1) };
        if from < to {
            bands.push(Band { from, to, colour: theme::tier_colour(i, n), name: name.to_owned() });
        }
    }
    bands
}

/// Fill each band from `y.0` to `y.1`, mixing `amount` of white into its colour.
pub fn draw<DB: DrawingBackend>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    bands: &[Band],
    y: (f64, f64),
    amount: f64,
) -> Result<(), PlotError> {
    chart.draw_series(
        bands
            .iter()
            .map(|b| Rectangle::new([(b.from, y.0), (b.to, y.1)], theme::lighten(b.colour, amount).filled())),
    )?;
    Ok(())
}

/// Draw each band's name centred along the top of the plot (at `y_top`),
/// where it fits inside its band.
pub fn names<DB: DrawingBackend>(
    root: &Area<DB>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    bands: &[Band],
    y_top: f64,
) -> Result<(), PlotError> {
    let label = theme::bold(size::BODY, INK);
    for b in bands {
        let (x0, top) = chart.backend_coord(&(b.from, y_top));
        let (x1, _) = chart.backend_coord(&(b.to, y_top));
        if render::text_width(root, &b.name, &label) as i32 + 10 <= x1 - x0 {
            let style = label.pos(Pos::new(HPos::Center, VPos::Top));
            root.draw(&Text::new(b.name.as_str(), ((x0 + x1) / 2, top + 8), style))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_are_clipped_to_the_axis_and_cover_it() {
        let tiers = [("low", 0), ("mid", 90), ("high", 110)];
        let b = tier_bands(tiers.iter().copied(), (50.0, 200.0));
        let spans: Vec<_> = b.iter().map(|b| (b.name.as_str(), b.from, b.to)).collect();
        assert_eq!(spans, [("low", 50.0, 90.0), ("mid", 90.0, 110.0), ("high", 110.0, 200.0)]);
        // a tier wholly off the axis has no band; the lowest still reaches the left end
        let b = tier_bands(tiers.iter().copied(), (95.0, 105.0));
        let spans: Vec<_> = b.iter().map(|b| (b.name.as_str(), b.from, b.to)).collect();
        assert_eq!(spans, [("mid", 95.0, 105.0)]);
        assert!(tier_bands(std::iter::empty(), (0.0, 1.0)).is_empty());
    }
}
