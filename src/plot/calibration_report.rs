//! `calibration.html`: one self-contained page (inline CSS and SVG, no scripts) describing
//! a calibration, rendered from a [`CalibrationPage`] with an auto-escaping minijinja template.

use minijinja::Environment;
use minijinja::value::{Serde, Value};
use serde::Serialize;

const TEMPLATE: &str = include_str!("calibration.html.j2");
const TEMPLATE_NAME: &str = "calibration.html.j2";

/// Everything the page shows, already formatted as text.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationPage {
    /// The scenario's name.
    pub scenario_name: String,
    /// Label–value pairs under the title (files, runs, method).
    pub facts: Vec<(String, String)>,
    /// One row per parameter.
    pub parameters: Vec<ParamRow>,
    /// Parameter names, the header of `correlations`.
    pub names: Vec<String>,
    /// Correlation rows (formatted).
    pub correlations: Vec<Vec<String>>,
    /// One row per target.
    pub targets: Vec<TargetRow>,
    /// One row per wave.
    pub waves: Vec<Vec<String>>,
    /// The pair plot's SVG.
    pub pairs_svg: String,
    /// The fit chart's SVG.
    pub fit_svg: String,
    /// The command that reproduces the calibration.
    pub command: String,
}

/// One parameter on the page.
#[derive(Debug, Clone, Serialize)]
pub struct ParamRow {
    /// Its path.
    pub path: String,
    /// The prior and its range.
    pub prior: String,
    /// Posterior median.
    pub median: String,
    /// The 95% range.
    pub range: String,
    /// The range as a share of the prior range.
    pub width: String,
    /// What the data say: pinned down or not.
    pub verdict: String,
}

/// One target on the page.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// Its name.
    pub name: String,
    /// The figure and its interval.
    pub figure: String,
    /// Posterior-predictive mean and interval.
    pub fit: String,
    /// Posterior-predictive probability of a run inside the figure's interval.
    pub coverage: String,
    /// Whether the figure lies inside the predictive interval.
    pub covered: bool,
    /// Its source.
    pub source: String,
}

/// The page as HTML; the SVGs are pointsim's own output and inserted as is, every other text escaped.
pub fn calibration_html(page: &CalibrationPage) -> String {
    let env = Environment::new();
    let tmpl =
        env.template_from_named_str(TEMPLATE_NAME, TEMPLATE).expect("the calibration template is valid");
    let mut html =
        tmpl.render(Value::from(Serde(page))).expect("the calibration context matches the template");
    html.push('\n');
    html
}
