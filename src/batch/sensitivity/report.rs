//! The files of a finished study: `indices.csv|parquet`, `samples.csv`, `sensitivity.json` and the charts.

use serde_json::json;

use super::{CONVERGED, Method, MetricAnalysis, Study};
use crate::output::table::table_csv;
use crate::plot::{Chart, PlotError, SensitivityFigure, SensitivityRow, chart_files, sensitivity_chart};
use crate::results::sweep::Record;
use crate::results::table::{ColumnData, Table};

/// File of the indices table.
pub const INDICES: &str = "indices";
/// File of the design and its outputs.
pub const SAMPLES_CSV: &str = "samples.csv";
/// File of the whole analysis.
pub const SENSITIVITY_JSON: &str = "sensitivity.json";

/// One row per parameter × metric × index kind: `parameter`, `metric`,
/// `kind`, `estimate`, `ci_low`, `ci_high`, `half_estimate`, then the
/// metric's `noise_share` and `convergence_max_diff`.
pub fn indices_table(analyses: &[MetricAnalysis]) -> Table {
    let rows: Vec<(&MetricAnalysis, &super::Index)> =
        analyses.iter().flat_map(|a| a.indices.iter().map(move |i| (a, i))).collect();
    let mut t = Table::default();
    let text = |f: &dyn Fn(&(&MetricAnalysis, &super::Index)) -> String| {
        ColumnData::Utf8(rows.iter().map(|r| Some(f(r))).collect())
    };
    let num = |f: &dyn Fn(&(&MetricAnalysis, &super::Index)) -> Option<f64>| {
        ColumnData::F64(rows.iter().map(f).collect())
    };
    t.push("parameter", text(&|(_, i)| i.parameter.clone()));
    t.push("metric", text(&|(a, _)| a.metric.clone()));
    t.push("kind", text(&|(_, i)| i.kind.to_owned()));
    t.push("estimate", num(&|(_, i)| i.estimate));
    t.push("ci_low", num(&|(_, i)| i.ci_low));
    t.push("ci_high", num(&|(_, i)| i.ci_high));
    t.push("half_estimate", num(&|(_, i)| i.half_estimate));
    t.push("noise_share", num(&|(a, _)| a.noise.map(|n| n.share)));
    t.push("convergence_max_diff", num(&|(a, _)| a.convergence_max_diff));
    t
}

/// The design and its outputs, one row per design point in design order:
/// `point`, `cell`, `block` (Sobol: base sample; Morris: trajectory),
/// `role` (Sobol: `A`, `AB:<parameter>`, `B`; Morris: `step<k>`),
/// `u.<parameter>` (unit coordinates), `<parameter>` (the values run), then
/// each metric's mean over replicates.
pub fn samples_table(study: &Study, records: &[Record]) -> Table {
    let d = study.plan.params.len();
    let n = study.unit.len();
    let per = match study.settings.method {
        Method::Sobol => d + 2,
        Method::Morris => d + 1,
    };
    let mut t = Table::default();
    t.push("point", ColumnData::I64((0..n as i64).map(Some).collect()));
    t.push("cell", ColumnData::Utf8(study.sweep.manifest.cells.iter().map(|c| Some(c.id.clone())).collect()));
    t.push("block", ColumnData::I64((0..n).map(|c| Some((c / per) as i64)).collect()));
    let role = |c: usize| {
        let k = c % per;
        match study.settings.method {
            Method::Sobol if k == 0 => "A".to_owned(),
            Method::Sobol if k == d + 1 => "B".to_owned(),
            Method::Sobol => format!("AB:{}", study.plan.params[k - 1].path),
            Method::Morris => format!("step{k}"),
        }
    };
    t.push("role", ColumnData::Utf8((0..n).map(|c| Some(role(c))).collect()));
    for (j, p) in study.plan.params.iter().enumerate() {
        t.push(format!("u.{}", p.path), ColumnData::F64(study.unit.iter().map(|u| Some(u[j])).collect()));
    }
    for (j, p) in study.plan.params.iter().enumerate() {
        let col = if p.integer {
            ColumnData::I64((0..n).map(|c| study.value(c, j).as_integer()).collect())
        } else {
            ColumnData::F64((0..n).map(|c| study.value(c, j).as_float()).collect())
        };
        t.push(p.path.to_string(), col);
    }
    for m in &study.plan.metrics {
        let means = study.means(records, m);
        t.push(m.clone(), ColumnData::F64(means.into_iter().map(|v| v.is_finite().then_some(v)).collect()));
    }
    t
}

/// `indices.csv`, `indices.parquet` (with the `parquet` feature),
/// `samples.csv`, and `columns.csv`, the data dictionary of these and of the
/// study's sweep tables (`runs.*`, `cells.*`, which it replaces).
///
/// # Errors
///
/// A Parquet encoding error, or sweep tables that cannot be made.
pub fn table_files(
    study: &Study,
    records: &[Record],
    analyses: &[MetricAnalysis],
) -> Result<Vec<(String, Vec<u8>)>, String> {
    use crate::output::dictionary::{describe_table, rows_csv};
    let indices = indices_table(analyses);
    let samples = samples_table(study, records);
    let params: Vec<String> = study.plan.params.iter().map(|p| p.path.to_string()).collect();
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    let (runs, cells) = crate::results::tables::tables(&study.sweep.manifest, records)?;
    let mut columns = crate::output::sweep_columns(&runs, &cells);
    columns.extend(describe_table("indices.csv", &indices, &[]));
    columns.extend(describe_table(SAMPLES_CSV, &samples, &params));
    #[cfg_attr(not(feature = "parquet"), allow(unused_mut))]
    let mut files = vec![
        (format!("{INDICES}.csv"), table_csv(&indices)),
        (SAMPLES_CSV.to_owned(), table_csv(&samples)),
        (crate::output::COLUMNS_CSV.to_owned(), rows_csv(&columns)),
    ];
    #[cfg(feature = "parquet")]
    files.push((
        format!("{INDICES}.parquet"),
        crate::output::parquet::table_parquet_as(&indices, "indices.parquet")?,
    ));
    Ok(files)
}

/// `sensitivity.json`: the method and its settings, the parameters, and per
/// metric the indices, the noise share and the convergence check.
pub fn json(study: &Study, analyses: &[MetricAnalysis]) -> Vec<u8> {
    let s = &study.settings;
    let p = &study.plan;
    let estimator = match s.method {
        Method::Sobol => json!({
            "design": "Saltelli (2002, 2010) cross-sampled matrices A, B, AB_j from an unscrambled Sobol' sequence (Joe-Kuo new-joe-kuo-6.21201 direction numbers, Gray-code order), rows in SALib's order",
            "S1": "Saltelli et al. 2010: mean(B (AB_j - A)) / var([A, B]) on outputs standardised over all rows",
            "ST": "Jansen 1999: mean((A - AB_j)^2) / (2 var([A, B]))",
            "intervals": "estimate ± 1.96 × sd of the estimate over bootstrap resamples of the N blocks",
        }),
        Method::Morris => json!({
            "design": "Morris (1991) trajectories on a p-level grid, step delta = p / (2 (p - 1))",
            "elementary_effect": "(y(x + delta e_j) - y(x)) / delta in unit coordinates (SALib's scaled = false)",
            "mu_star": "Campolongo et al. 2007: mean |EE|",
            "intervals": "mu_star ± 1.96 × sd of mu_star over bootstrap resamples of the trajectories",
        }),
    };
    let params: Vec<_> = p
        .params
        .iter()
        .map(|q| json!({"path": q.path.to_string(), "lo": q.lo, "hi": q.hi, "integer": q.integer}))
        .collect();
    let converged = analyses.iter().all(|a| a.convergence_max_diff.is_none_or(|d| d <= CONVERGED));
    let doc = json!({
        "pointsim_version": env!("CARGO_PKG_VERSION"),
        "plan_file": p.file,
        "base_file": p.base_file.display().to_string(),
        "base_sha256": p.base_sha256,
        "method": s.method,
        "settings": {
            "n": s.n,
            "levels": if s.method == Method::Morris { Some(s.levels) } else { None },
            "delta": if s.method == Method::Morris { Some(crate::batch::design::morris_delta(s.levels)) } else { None },
            "replicates": s.replicates,
            "seed": p.seed,
            "seeds": "common random numbers: replicate r of every design point runs with the same seed",
            "bootstrap_resamples": s.resamples,
            "conf_level": 0.95,
            "design_points": study.unit.len(),
            "runs": study.unit.len() as u64 * u64::from(s.replicates),
        },
        "estimator": estimator,
        "parameters": params,
        "convergence": {
            "what": "indices from the first half of the design (N/2 base samples or r/2 trajectories) against the whole; max_diff is the largest absolute difference (Morris: of mu_star, relative to the largest mu_star)",
            "threshold": CONVERGED,
            "converged": converged,
        },
        "metrics": analyses,
    });
    let mut out = serde_json::to_vec_pretty(&doc).expect("json values serialize");
    out.push(b'\n');
    out
}

/// The file stem of a metric's chart: `plots/<stem>.png`.
fn stem(metric: &str) -> String {
    metric.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '_' { c } else { '_' }).collect()
}

/// One chart per metric with indices: bars per parameter, largest first.
///
/// # Errors
///
/// A chart that cannot be drawn.
pub fn charts(study: &Study, analyses: &[MetricAnalysis]) -> Result<Vec<(String, Vec<u8>)>, PlotError> {
    let s = &study.settings;
    let (kinds, x_desc, what): (&[&str], &str, &str) = match s.method {
        Method::Sobol => (&["S1", "ST"], "Sobol' index (share of variance)", "Sobol' indices"),
        Method::Morris => {
            (&["mu_star", "sigma"], "elementary effect (change over the whole range)", "Morris screening")
        }
    };
    let design = match s.method {
        Method::Sobol => format!("Sobol' N = {}", s.n),
        Method::Morris => format!("Morris r = {}, p = {}", s.n, s.levels),
    };
    let mut out = Vec::new();
    for a in analyses.iter().filter(|a| !a.indices.is_empty()) {
        let mut rows: Vec<SensitivityRow> = study
            .plan
            .params
            .iter()
            .map(|p| {
                let name = p.path.to_string();
                let values = kinds
                    .iter()
                    .map(|k| {
                        a.indices.iter().find(|i| i.parameter == name && i.kind == *k).map_or(
                            (f64::NAN, f64::NAN, f64::NAN),
                            |i| {
                                let f = |x: Option<f64>| x.unwrap_or(f64::NAN);
                                (f(i.estimate), f(i.ci_low), f(i.ci_high))
                            },
                        )
                    })
                    .collect();
                SensitivityRow { label: name, values }
            })
            .collect();
        // largest main index first (a tornado); ties keep the plan's order
        rows.sort_by(|x, y| {
            let key =
                |r: &SensitivityRow| r.values.last().map_or(0.0, |v| if v.0.is_finite() { v.0 } else { 0.0 });
            key(y).total_cmp(&key(x))
        });
        let noise = a.noise.map_or("replicate noise: one replicate, not measured".to_owned(), |n| {
            format!("replicate noise: {:.2}% of a single run's variance", 100.0 * n.share)
        });
        let note = format!(
            "whiskers: 95% bootstrap interval; {noise}; half-design check: largest difference {}",
            a.convergence_max_diff.map_or("n/a".to_owned(), |d| format!("{d:.3}"))
        );
        let fig = SensitivityFigure {
            title: format!("{what} of {}", a.metric),
            subtitle: format!(
                "plan {}, {design}, {} design points × {} replicates (common random numbers)",
                study.plan.file,
                study.unit.len(),
                s.replicates
            ),
            x_desc: x_desc.to_owned(),
            series: kinds.iter().map(|k| (*k).to_owned()).collect(),
            rows,
            note,
        };
        let (svg, png) = sensitivity_chart(&fig)?;
        let chart = Chart {
            name: stem(&a.metric),
            title: fig.title.clone(),
            caption: fig.subtitle.clone(),
            svg,
            png,
        };
        out.extend(chart_files(std::slice::from_ref(&chart)));
    }
    Ok(out)
}
