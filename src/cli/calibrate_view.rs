//! The pictures and page of a calibration: its outcome turned into the plot layer's figures.

use pointsim::batch::calibrate::Outcome;
use pointsim::batch::calibrate::output::{Report, short};
use pointsim::batch::calibrate::targets::{Prior, Targets};
use pointsim::plot::calibration::{FitFigure, FitRow, PairPoint, PairsFigure, fit_chart, pairs_chart};
use pointsim::plot::calibration_report::{CalibrationPage, ParamRow, TargetRow, calibration_html};

/// A parameter range's share of its prior range below which the page says the figures pin it down.
const PINNED: f64 = 0.5;

/// `plots/pairs.*`, `plots/fit.*` and `calibration.html`.
pub fn files(t: &Targets, o: &Outcome, r: &Report) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let axis = |k: usize, x: f64| match t.parameters[k].prior {
        Prior::LogUniform => x.log10(),
        Prior::Uniform => x,
    };
    let names: Vec<String> = t
        .parameters
        .iter()
        .map(|p| match p.prior {
            Prior::LogUniform => format!("log10 {}", short_path(&p.path.to_string())),
            Prior::Uniform => short_path(&p.path.to_string()),
        })
        .collect();
    let top = o.waves.iter().flat_map(|w| &w.candidates).map(|c| c.weight).fold(0.0, f64::max).max(1e-300);
    let subtitle = format!(
        "{} · {} runs in {} waves · {} candidates accepted, effective size {:.0}",
        t.file, r.runs, t.waves, r.accepted, r.effective_size
    );
    let pairs = PairsFigure {
        title: "Calibration: candidates and posterior".to_owned(),
        subtitle: format!("{} · {subtitle}", t.base.scenario.name),
        names: names.clone(),
        ranges: t.parameters.iter().enumerate().map(|(k, p)| (axis(k, p.min), axis(k, p.max))).collect(),
        intervals: r.parameters.iter().enumerate().map(|(k, p)| (axis(k, p.lo), axis(k, p.hi))).collect(),
        points: o
            .waves
            .iter()
            .flat_map(|w| &w.candidates)
            .map(|c| PairPoint {
                x: c.params.iter().enumerate().map(|(k, &x)| axis(k, x)).collect(),
                plausible: c.plausible,
                weight: c.weight / top,
            })
            .collect(),
    };
    let fit = FitFigure {
        title: "Calibration: published figures against the fit".to_owned(),
        subtitle: format!("{} · {subtitle}", t.base.scenario.name),
        rows: r
            .targets
            .iter()
            .map(|f| FitRow {
                name: panel_name(&f.fit.target),
                value: f.fit.value,
                interval: f.fit.interval,
                predicted: f.fit.predicted_mean,
                predicted_interval: f.fit.predicted,
            })
            .collect(),
    };
    let (pairs_svg, pairs_png) = pairs_chart(&pairs)?;
    let (fit_svg, fit_png) = fit_chart(&fit)?;
    let page = CalibrationPage {
        scenario_name: t.base.scenario.name.clone(),
        facts: vec![
            ("scenario".into(), t.scenario_file.display().to_string()),
            ("targets".into(), t.file.clone()),
            (
                "method".into(),
                format!(
                    "history matching, {} waves × {} candidates × {} replicates (common random numbers), cutoff {}; then ABC with a Gaussian kernel",
                    t.waves, t.candidates, t.replicates, t.cutoff
                ),
            ),
            ("runs".into(), r.runs.to_string()),
            (
                "accepted".into(),
                format!("{} candidates, effective sample size {:.1}", r.accepted, r.effective_size),
            ),
            ("pointsim".into(), r.pointsim_version.clone()),
        ],
        parameters: r
            .parameters
            .iter()
            .zip(&t.parameters)
            .map(|(p, q)| ParamRow {
                path: p.parameter.clone(),
                prior: format!(
                    "{} on [{}, {}]",
                    match q.prior {
                        Prior::Uniform => "uniform",
                        Prior::LogUniform => "log-uniform",
                    },
                    short(q.min),
                    short(q.max)
                ),
                median: short(p.median),
                range: format!("[{}, {}]", short(p.lo), short(p.hi)),
                width: format!("{:.0}%", 100.0 * p.width_share),
                verdict: if p.width_share < PINNED {
                    "pin it down".into()
                } else {
                    "do not pin it down (range above half the prior's)".into()
                },
            })
            .collect(),
        names: r.correlation_parameters.clone(),
        correlations: r
            .correlations
            .iter()
            .map(|row| row.iter().map(|c| format!("{c:+.2}")).collect())
            .collect(),
        targets: r
            .targets
            .iter()
            .map(|f| TargetRow {
                name: f.fit.target.clone(),
                figure: format!(
                    "{} [{}, {}]",
                    short(f.fit.value),
                    short(f.fit.interval.0),
                    short(f.fit.interval.1)
                ),
                fit: format!(
                    "{} [{}, {}]",
                    short(f.fit.predicted_mean),
                    short(f.fit.predicted.0),
                    short(f.fit.predicted.1)
                ),
                coverage: format!("{:.0}%", 100.0 * f.fit.coverage),
                covered: f.fit.covered,
                source: f.source.clone(),
            })
            .collect(),
        waves: r
            .waves
            .iter()
            .map(|w| {
                let region: Vec<String> =
                    w.region.iter().map(|(a, b)| format!("[{}, {}]", short(*a), short(*b))).collect();
                vec![
                    w.wave.to_string(),
                    w.runs.to_string(),
                    w.candidates.to_string(),
                    w.plausible.to_string(),
                    region.join(" × "),
                ]
            })
            .collect(),
        pairs_svg: pairs_svg.clone(),
        fit_svg: fit_svg.clone(),
        command: format!("pointsim calibrate {} --targets {}", t.scenario_file.display(), t.file),
    };
    Ok(vec![
        ("plots/pairs.svg".into(), pairs_svg.into_bytes()),
        ("plots/pairs.png".into(), pairs_png),
        ("plots/fit.svg".into(), fit_svg.into_bytes()),
        ("plots/fit.png".into(), fit_png),
        ("calibration.html".into(), calibration_html(&page).into_bytes()),
    ])
}

/// A path without its first segment when that leaves something (`judgment_refused.rate`).
fn short_path(p: &str) -> String {
    p.split_once('.').map_or(p, |(_, rest)| rest).to_owned()
}

/// A target's name short enough for a panel: the metric's last segment and the step (`no_senior_management @1560`).
fn panel_name(target: &str) -> String {
    let (metric, at) = target.rsplit_once('@').unwrap_or((target, ""));
    let metric = metric.split('[').next().unwrap_or(metric);
    let tail = metric.rsplit('.').next().unwrap_or(metric);
    format!("{tail} @{at}")
}
