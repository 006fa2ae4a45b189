//! Global sensitivity analysis of a scenario: a design over the plan's ranges, run as a sweep, then Morris or Sobol' indices.
//!
//! A [`Study`] turns a [`plan::SensitivityPlan`] and the method's settings
//! into a design on the unit cube ([`crate::batch::design`]), maps it to
//! parameter values, and makes of it a zip sweep (one cell per design point)
//! so that runs go through the sweep machinery: common random numbers (every
//! design point's replicate `r` runs with the same seed), parallel runs, the
//! journal and `--resume`. [`Study::analyze`] reduces the finished runs to
//! indices ([`analyze`]) per metric. Sample and analysis are made from the
//! same [`Study`], so they cannot be mismatched.

pub mod analyze;
pub mod plan;
pub mod report;

use toml::Value;

use super::design;
use super::plan::{Mode, Plan, Values, Vary, sha256_hex};
use super::sweep::Sweep;
use crate::results::sweep::Record;
use analyze::{Estimate, Noise};
use plan::SensitivityPlan;

/// Which analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Morris elementary effects: `r` trajectories of `d + 1` points.
    Morris,
    /// Sobol' first-order and total indices: `N (d + 2)` points (Saltelli).
    Sobol,
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Morris => "morris",
            Method::Sobol => "sobol",
        })
    }
}

/// The settings of one study.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Settings {
    /// The method.
    pub method: Method,
    /// Sobol: the base sample `N`; Morris: the trajectories `r`.
    pub n: u32,
    /// Morris levels `p` (recorded for Sobol too, unused there).
    pub levels: u32,
    /// Seeds per design point.
    pub replicates: u32,
    /// Bootstrap resamples per interval.
    pub resamples: usize,
}

impl Settings {
    /// The plan's settings for `method`, with `n` and `replicates` overriding the plan's.
    pub fn new(plan: &SensitivityPlan, method: Method, n: Option<u32>, replicates: Option<u32>) -> Settings {
        let default_n = match method {
            Method::Morris => plan.trajectories,
            Method::Sobol => plan.sobol_n,
        };
        Settings {
            method,
            n: n.unwrap_or(default_n),
            levels: plan.levels,
            replicates: replicates.unwrap_or(plan.replicates),
            resamples: analyze::RESAMPLES,
        }
    }

    /// Design points for `d` parameters.
    pub fn points(&self, d: usize) -> u64 {
        let n = u64::from(self.n);
        match self.method {
            Method::Morris => n * (d as u64 + 1),
            Method::Sobol => n * (d as u64 + 2),
        }
    }

    /// What is wrong with these settings for `d` parameters, if anything.
    pub fn problem(&self, d: usize) -> Option<String> {
        if self.method == Method::Sobol && 2 * d > design::MAX_SOBOL_DIMS {
            return Some(format!(
                "a Sobol design takes at most {} parameters; the plan has {d}",
                design::MAX_SOBOL_DIMS / 2
            ));
        }
        if self.method == Method::Sobol && (self.n < 4 || !self.n.is_power_of_two()) {
            return Some(format!(
                "the Sobol base sample N is {}; use a power of 2, at least 4 (the Sobol' sequence is balanced at powers of 2, and the convergence check halves N)",
                self.n
            ));
        }
        if self.method == Method::Morris && self.n < 4 {
            return Some(format!(
                "Morris needs at least 4 trajectories (the convergence check halves them); got {}",
                self.n
            ));
        }
        let runs = self.points(d).saturating_mul(u64::from(self.replicates));
        if runs > super::plan::MAX_RUNS {
            return Some(format!(
                "{} design points × {} replicates = {runs} runs, more than one sweep takes on ({})",
                self.points(d),
                self.replicates,
                super::plan::MAX_RUNS
            ));
        }
        None
    }
}

/// A design made into a sweep, ready to run.
#[derive(Debug)]
pub struct Study {
    /// The plan.
    pub plan: SensitivityPlan,
    /// The settings.
    pub settings: Settings,
    /// The design in unit coordinates, one row per design point (a cell of the sweep).
    pub unit: Vec<Vec<f64>>,
    /// The sweep that runs it.
    pub sweep: Sweep,
}

/// One index of one parameter for one metric.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Index {
    /// The parameter's path.
    pub parameter: String,
    /// `S1`, `ST`, `mu`, `mu_star` or `sigma`.
    pub kind: &'static str,
    /// The estimate.
    pub estimate: Option<f64>,
    /// Lower end of the 95% bootstrap interval (`estimate − conf`).
    pub ci_low: Option<f64>,
    /// Upper end (`estimate + conf`).
    pub ci_high: Option<f64>,
    /// The same estimate from the first half of the design (convergence check).
    pub half_estimate: Option<f64>,
}

/// The analysis of one metric.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MetricAnalysis {
    /// The metric's name.
    pub metric: String,
    /// Why it has no indices, when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub undefined: Option<String>,
    /// Variance of the replicate means over the design.
    pub variance: Option<f64>,
    /// Replicate noise, with two or more replicates.
    pub noise: Option<Noise>,
    /// The largest |full − half| over the indices (Sobol: S1 and ST; Morris: μ*
    /// over the largest μ*, so relative).
    pub convergence_max_diff: Option<f64>,
    /// Its indices, parameter by parameter.
    pub indices: Vec<Index>,
}

/// The largest convergence difference still called converged.
pub const CONVERGED: f64 = 0.1;

impl Study {
    /// Make the design of `settings` over `plan` and the sweep that runs it
    /// (every design point's scenario made and checked on the current rayon pool).
    ///
    /// # Errors
    ///
    /// [`Settings::problem`].
    pub fn prepare(
        plan: SensitivityPlan,
        settings: Settings,
        threads: usize,
        available: Option<u64>,
    ) -> Result<Study, String> {
        let d = plan.params.len();
        if let Some(p) = settings.problem(d) {
            return Err(p);
        }
        let unit = match settings.method {
            Method::Sobol => design::saltelli(settings.n as usize, d),
            Method::Morris => design::morris(settings.n as usize, d, settings.levels, plan.seed),
        };
        let vary = plan
            .params
            .iter()
            .enumerate()
            .map(|(j, p)| Vary {
                path: p.path.clone(),
                values: Values::List(unit.iter().map(|u| p.value(u[j])).collect()),
                span: 0..0,
            })
            .collect();
        // the sweep hash covers the plan and these settings, so --resume
        // refuses a folder made with another method, N or replicates
        let identity = format!(
            "{}\nsensitivity {} n={} levels={} replicates={}\n",
            plan.text, settings.method, settings.n, settings.levels, settings.replicates
        );
        let sweep_plan = Plan {
            file: plan.file.clone(),
            text: plan.text.clone(),
            sha256: sha256_hex(identity.as_bytes()),
            base_file: plan.base_file.clone(),
            base: plan.base.clone(),
            base_sha256: plan.base_sha256.clone(),
            base_doc: plan.base_doc.clone(),
            replicates: settings.replicates,
            mode: Mode::Zip,
            seed: plan.seed,
            sample_cells: 0,
            vary,
        };
        let mut sweep = Sweep::prepare(sweep_plan, false, None, threads, available);
        sweep.manifest.mode = format!("sensitivity-{}", settings.method);
        Ok(Study { plan, settings, unit, sweep })
    }

    /// The value of parameter `j` at design point `c`.
    pub fn value(&self, c: usize, j: usize) -> Value {
        self.plan.params[j].value(self.unit[c][j])
    }

    /// Every metric's indices from the finished runs `records` (one per
    /// design point × replicate). A metric undefined in any run has none.
    pub fn analyze(&self, records: &[Record]) -> Vec<MetricAnalysis> {
        self.plan
            .metrics
            .iter()
            .enumerate()
            .map(|(mi, metric)| {
                let values = self.values(records, metric);
                let y: Vec<f64> = values.iter().map(|v| v.iter().sum::<f64>() / v.len() as f64).collect();
                self.metric(mi, metric, &y, &values)
            })
            .collect()
    }

    /// Metric `metric` of every replicate at every design point (`NaN` where a run is missing, failed or undefined).
    pub fn values(&self, records: &[Record], metric: &str) -> Vec<Vec<f64>> {
        let reps = self.settings.replicates as usize;
        let mut values = vec![vec![f64::NAN; reps]; self.unit.len()];
        for r in records {
            if r.is_ok() && r.cell < self.unit.len() && (r.replicate as usize) < reps {
                values[r.cell][r.replicate as usize] =
                    r.metrics.get(metric).copied().flatten().unwrap_or(f64::NAN);
            }
        }
        values
    }

    /// The mean over replicates of metric `metric` at every design point: the outputs the indices use.
    pub fn means(&self, records: &[Record], metric: &str) -> Vec<f64> {
        self.values(records, metric).iter().map(|v| v.iter().sum::<f64>() / v.len() as f64).collect()
    }

    /// The analysis of metric number `mi` from its replicate means `y` and replicate `values`.
    fn metric(&self, mi: usize, metric: &str, y: &[f64], values: &[Vec<f64>]) -> MetricAnalysis {
        let d = self.plan.params.len();
        let s = &self.settings;
        let mut out = MetricAnalysis {
            metric: metric.to_owned(),
            undefined: None,
            variance: None,
            noise: analyze::noise(values),
            convergence_max_diff: None,
            indices: Vec::new(),
        };
        if y.iter().any(|v| !v.is_finite()) {
            out.undefined = Some("undefined (or failed) in some runs".into());
            return out;
        }
        let m = y.iter().sum::<f64>() / y.len() as f64;
        out.variance = Some(y.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (y.len() - 1).max(1) as f64);
        let seed = self.plan.seed;
        let name = |j: usize| self.plan.params[j].path.to_string();
        let finite = |x: f64| x.is_finite().then_some(x);
        let with_ci = |j: usize, kind: &'static str, e: Estimate, half: f64| Index {
            parameter: name(j),
            kind,
            estimate: finite(e.value),
            ci_low: finite(e.value - e.conf),
            ci_high: finite(e.value + e.conf),
            half_estimate: finite(half),
        };
        let plain = |j: usize, kind: &'static str, v: f64, half: f64| Index {
            parameter: name(j),
            kind,
            estimate: finite(v),
            ci_low: None,
            ci_high: None,
            half_estimate: finite(half),
        };
        match s.method {
            Method::Sobol => {
                let Some(full) = analyze::sobol(y, d, s.resamples, seed, mi as u64) else {
                    out.undefined = Some("the same in every run".into());
                    return out;
                };
                let half_len = (s.n as usize / 2) * (d + 2);
                let half = analyze::sobol(&y[..half_len], d, 0, seed, mi as u64);
                let h = |f: fn(&analyze::Sobol) -> &Vec<Estimate>, j: usize| {
                    half.as_ref().map_or(f64::NAN, |h| f(h)[j].value)
                };
                let mut diff: f64 = 0.0;
                for j in 0..d {
                    let (h1, ht) = (h(|x| &x.s1, j), h(|x| &x.st, j));
                    diff = diff.max((h1 - full.s1[j].value).abs()).max((ht - full.st[j].value).abs());
                    out.indices.push(with_ci(j, "S1", full.s1[j], h1));
                    out.indices.push(with_ci(j, "ST", full.st[j], ht));
                }
                out.convergence_max_diff = finite(diff);
            }
            Method::Morris => {
                let delta = design::morris_delta(s.levels);
                let Some(full) = analyze::morris(&self.unit, y, d, delta, s.resamples, seed, mi as u64)
                else {
                    out.undefined = Some("undefined".into());
                    return out;
                };
                let half_len = (s.n as usize / 2) * (d + 1);
                let half = analyze::morris(&self.unit[..half_len], &y[..half_len], d, delta, 0, seed, 0);
                let scale = full.mu_star.iter().map(|e| e.value).fold(0.0, f64::max);
                let mut diff: f64 = 0.0;
                for j in 0..d {
                    let hm = half.as_ref().map_or(f64::NAN, |h| h.mu_star[j].value);
                    if scale > 0.0 {
                        diff = diff.max((hm - full.mu_star[j].value).abs() / scale);
                    }
                    out.indices.push(plain(j, "mu", full.mu[j], half.as_ref().map_or(f64::NAN, |h| h.mu[j])));
                    out.indices.push(with_ci(j, "mu_star", full.mu_star[j], hm));
                    out.indices.push(plain(
                        j,
                        "sigma",
                        full.sigma[j],
                        half.as_ref().map_or(f64::NAN, |h| h.sigma[j]),
                    ));
                }
                out.convergence_max_diff = finite(diff);
            }
        }
        out
    }
}
