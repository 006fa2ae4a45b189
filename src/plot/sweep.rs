//! A sweep's charts: which to draw (each metric of interest against each
//! numeric parameter, from `cells.*`), drawn by [`sweep_charts`].
//!
//! Metrics of interest are the score mean and every tier, perk and
//! restriction share; with population groups, each perk's share by group
//! too. A chart has one line per combination of the other parameters'
//! values, up to [`MAX_LINES`] (more would not read; the tables still hold
//! them). Parameters whose values are not all numbers are not plotted.

use rayon::prelude::*;

use super::Chart;
use super::charts::{PlotError, SweepFigure, SweepLine, SweepPoint, sweep_chart};
use crate::results::sweep::Manifest;
use crate::results::table::{ColumnData, Table};

/// The most lines one chart draws.
pub const MAX_LINES: usize = 6;

/// Every chart of the finished sweep `m` whose cells table is `cells`
/// ([`cells_table`](crate::results::tables::cells_table)), in the order of
/// [`figures`], drawn side by side on the current rayon pool. Each chart's
/// name is its file stem, its title the figure's and its caption the
/// figure's subtitle.
///
/// # Errors
///
/// [`PlotError`] when the font cannot be registered or plotters fails.
///
/// # Reproducibility
///
/// The same manifest and table give the same SVG bytes, whatever the number of threads.
pub fn sweep_charts(m: &Manifest, cells: &Table) -> Result<Vec<Chart>, PlotError> {
    figures(m, cells)
        .into_par_iter()
        .map(|(name, fig)| {
            let (svg, png) = sweep_chart(&fig)?;
            Ok(Chart { name, title: fig.title, caption: fig.subtitle, svg, png })
        })
        .collect()
}

/// `(file stem, figure)` for every chart of the finished sweep `m` whose
/// cells table is `cells` ([`cells_table`](crate::results::tables::cells_table)).
///
/// Stems are made from metric names, which hold tier, perk and group names
/// from the scenario: they are made safe and distinct file names by
/// [`file_stems`](crate::output::file_stems) (`tier_share.A/B` → `tier_share.A_B`).
pub fn figures(m: &Manifest, cells: &Table) -> Vec<(String, SweepFigure)> {
    let figs = raw_figures(m, cells);
    let stems = crate::output::file_stems(&figs.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>());
    stems.into_iter().zip(figs.into_iter().map(|(_, f)| f)).collect()
}

fn raw_figures(m: &Manifest, cells: &Table) -> Vec<(String, SweepFigure)> {
    let col = |name: &str| -> Option<Vec<f64>> {
        cells.columns.iter().find(|c| c.name == name).and_then(|c| match &c.data {
            ColumnData::F64(v) => Some(v.iter().map(|x| x.unwrap_or(f64::NAN)).collect()),
            ColumnData::I64(v) => Some(v.iter().map(|x| x.map_or(f64::NAN, |i| i as f64)).collect()),
            _ => None,
        })
    };
    let overall: Vec<&String> = m
        .metrics
        .iter()
        .filter(|n| {
            *n == "score.mean"
                || ["tier_share.", "perk_share.", "restriction_share."].iter().any(|p| n.starts_with(p))
        })
        .collect();
    let groups: Vec<String> = {
        let mut g: Vec<String> = Vec::new();
        for n in &m.metrics {
            if let Some(rest) = n.strip_prefix("group.")
                && let Some((name, _)) = rest.split_once(".score_mean")
                && !g.iter().any(|x| x == name)
            {
                g.push(name.to_owned());
            }
        }
        if g == ["all"] { Vec::new() } else { g }
    };
    let seeds = if m.independent_seeds { "independent seeds" } else { "common random numbers" };
    let subtitle =
        format!("sweep {} · {} cells × {} replicates · {seeds}", m.plan_file, m.cells.len(), m.replicates);
    let mut out = Vec::new();
    for (p, param) in m.parameters.iter().enumerate() {
        let Some(x) = col(&format!("param.{param}")) else { continue };
        if x.iter().any(|v| !v.is_finite()) {
            continue;
        }
        // cells by the values of the other parameters, in cell order
        let mut combos: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, c) in m.cells.iter().enumerate() {
            let key: Vec<String> = m
                .parameters
                .iter()
                .zip(&c.params)
                .enumerate()
                .filter(|(j, _)| *j != p)
                .map(|(_, (name, v))| {
                    format!("{name} = {}", v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                })
                .collect();
            let key = key.join(", ");
            match combos.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(i),
                None => combos.push((key, vec![i])),
            }
        }
        if combos.len() > MAX_LINES {
            continue;
        }
        let stem = |metric: &str| {
            if m.parameters.len() == 1 { metric.to_owned() } else { format!("{metric}--{param}") }
        };
        let line = |metric: &str, cells_of: &[usize], label: String| -> Option<SweepLine> {
            let (mean, lo, hi) = (
                col(&format!("{metric}.mean"))?,
                col(&format!("{metric}.ci_lo"))?,
                col(&format!("{metric}.ci_hi"))?,
            );
            let mut points: Vec<SweepPoint> = cells_of
                .iter()
                .map(|&i| SweepPoint { x: x[i], mean: mean[i], lo: lo[i], hi: hi[i] })
                .collect();
            points.sort_by(|a, b| a.x.total_cmp(&b.x));
            Some(SweepLine { label, points })
        };
        let figure = |title: String, metric: &str, heading: &str, lines: Vec<SweepLine>| SweepFigure {
            title,
            subtitle: subtitle.clone(),
            x_desc: param.clone(),
            y_desc: if metric.contains("share") { format!("{metric} (%)") } else { metric.to_owned() },
            percent: metric.contains("share"),
            legend_heading: heading.to_owned(),
            lines,
        };
        for metric in &overall {
            let lines: Vec<SweepLine> = combos
                .iter()
                .filter_map(|(k, idx)| {
                    line(metric, idx, if k.is_empty() { "all cells".into() } else { k.clone() })
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            let heading = if combos.len() > 1 { "other parameters" } else { "cells" };
            out.push((stem(metric), figure(format!("{metric} by {param}"), metric, heading, lines)));
        }
        // perk shares by group, when the other parameters are fixed
        if combos.len() == 1 && !groups.is_empty() {
            for perk in m.metrics.iter().filter_map(|n| n.strip_prefix("perk_share.")) {
                let lines: Vec<SweepLine> = groups
                    .iter()
                    .filter_map(|g| line(&format!("group.{g}.perk_share.{perk}"), &combos[0].1, g.clone()))
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                let metric = format!("perk_share.{perk}");
                let title = format!("{metric} by group and {param}");
                out.push((stem(&format!("{metric}.by_group")), figure(title, &metric, "groups", lines)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::sweep::CellInfo;
    use crate::results::table::ColumnData;
    use serde_json::json;

    /// A 3 × 2 grid over `a` (numbers) and `b` (numbers), or `b` as text.
    fn sweep(b_text: bool, metrics: &[&str]) -> (Manifest, Table) {
        let b_values = if b_text { [json!("x"), json!("y")] } else { [json!(10), json!(20)] };
        let mut cells = Vec::new();
        for a in [3.0, 1.0, 2.0] {
            for b in &b_values {
                cells.push(CellInfo {
                    id: format!("c{:04}", cells.len()),
                    params: vec![json!(a), b.clone()],
                    error: None,
                });
            }
        }
        let m = Manifest {
            pointsim_version: "test".into(),
            sweep_hash: String::new(),
            plan_file: "p.toml".into(),
            plan_sha256: String::new(),
            base_file: "b.toml".into(),
            base_sha256: String::new(),
            mode: "grid".into(),
            replicates: 2,
            seed: 1,
            independent_seeds: false,
            parameters: vec!["a".into(), "b".into()],
            metrics: metrics.iter().map(|s| (*s).to_owned()).collect(),
            cells,
            shard: None,
            plan_text: String::new(),
        };
        let mut t = Table::default();
        let a: Vec<Option<f64>> = m.cells.iter().map(|c| c.params[0].as_f64()).collect();
        t.push("param.a", ColumnData::F64(a.clone()));
        if b_text {
            t.push(
                "param.b",
                ColumnData::Utf8(m.cells.iter().map(|c| c.params[1].as_str().map(str::to_owned)).collect()),
            );
        } else {
            t.push("param.b", ColumnData::I64(m.cells.iter().map(|c| c.params[1].as_i64()).collect()));
        }
        for (k, name) in metrics.iter().enumerate() {
            // the mean is a (not k) × 0.1 so each point can be traced back to its cell
            let mean: Vec<Option<f64>> = a.iter().map(|x| x.map(|x| x * 0.1 + k as f64)).collect();
            t.push(format!("{name}.mean"), ColumnData::F64(mean.clone()));
            t.push(
                format!("{name}.ci_lo"),
                ColumnData::F64(mean.iter().map(|v| v.map(|v| v - 0.01)).collect()),
            );
            t.push(
                format!("{name}.ci_hi"),
                ColumnData::F64(mean.iter().map(|v| v.map(|v| v + 0.01)).collect()),
            );
        }
        (m, t)
    }

    #[test]
    fn one_chart_per_metric_of_interest_and_numeric_parameter() {
        let (m, t) = sweep(false, &["score.mean", "score.sd", "tier_share.A", "perk_share.p"]);
        let figs = figures(&m, &t);
        let stems: Vec<&str> = figs.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            stems,
            [
                "score.mean--a",
                "tier_share.A--a",
                "perk_share.p--a",
                "score.mean--b",
                "tier_share.A--b",
                "perk_share.p--b"
            ],
            "score.sd is not a metric of interest"
        );
        // against `a`: a line per value of `b`, points in increasing a
        let (_, f) = &figs[0];
        assert_eq!(f.lines.len(), 2);
        assert_eq!(f.lines[0].label, "b = 10");
        let xs: Vec<f64> = f.lines[0].points.iter().map(|p| p.x).collect();
        assert_eq!(xs, [1.0, 2.0, 3.0]);
        let p = f.lines[0].points[2];
        assert!((p.mean - 0.3).abs() < 1e-12 && (p.hi - p.lo - 0.02).abs() < 1e-12);
        assert!(!f.percent && figs[1].1.percent);
        // against `b`: a line per value of `a`
        assert_eq!(figs[3].1.lines.len(), 3);
    }

    #[test]
    fn text_parameters_are_not_an_axis_and_groups_get_their_own_chart() {
        let metrics = [
            "score.mean",
            "perk_share.p",
            "group.g1.score_mean",
            "group.g2.score_mean",
            "group.g1.perk_share.p",
            "group.g2.perk_share.p",
        ];
        let (mut m, t) = sweep(true, &metrics);
        let stems: Vec<String> = figures(&m, &t).into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            stems,
            ["score.mean--a", "perk_share.p--a"],
            "b is text; perks by group need the other parameters fixed"
        );
        // one parameter: no suffix, and perk shares by group appear
        m.parameters.truncate(1);
        for c in &mut m.cells {
            c.params.truncate(1);
        }
        m.cells.truncate(3);
        let figs = figures(&m, &t);
        let stems: Vec<&str> = figs.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(stems, ["score.mean", "perk_share.p", "perk_share.p.by_group"]);
        let labels: Vec<&str> = figs[2].1.lines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["g1", "g2"]);
    }
}
