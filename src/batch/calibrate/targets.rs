//! Calibration targets files: reading and checking them (every problem at once, positioned).
//!
//! ```toml
//! scenario = "../national_blacklist.toml"  # relative to this file (or give it on the command line)
//! waves = 3                                # history-matching waves (default 3)
//! candidates = 80                          # Latin-hypercube points per wave (default 80)
//! replicates = 2                           # seeds per candidate, the same for all (default 2)
//! cutoff = 3.0                             # implausibility cutoff (default 3)
//! implausibility = "max"                   # "max" (default) or "second_max" over targets
//!
//! [[parameter]]
//! path = "rule.judgment_refused.rate"      # a sweep path
//! min = 0.0005
//! max = 0.005
//! prior = "log_uniform"                    # or "uniform" (default)
//!
//! [[target]]
//! metric = "restriction_share.no_flights"  # a metric name as sweeps name them
//! group = ["citizens_general", "citizens_low_income"]   # optional: one group, or groups pooled
//! step = 1095
//! value = 0.0118
//! interval = [0.008, 0.0135]               # a 95% interval, or `sd = 0.001`
//! kind = "stock"                           # or "flow" with `since = <step>`
//! source = "[S 22] ..."
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::super::path::{self as ppath, ParamPath};
use crate::results::metrics::metric_names;
use crate::scenario::read::{self, Reader};
use crate::scenario::source::syntax_errors;
use crate::scenario::{self, Diagnostic, Diagnostics, Loaded, suggest};

/// z of a two-sided 95% interval: an interval `[lo, hi]` is read as mean ± 1.96 sd.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The most runs one calibration takes on (waves × candidates × replicates).
pub const MAX_RUNS: u64 = 1_000_000;

/// The prior of a free parameter over its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Prior {
    /// Flat on `[min, max]`.
    Uniform,
    /// Flat in `ln x` on `[min, max]` (`min > 0`): every decade weighs the same.
    LogUniform,
}

impl Prior {
    /// The parameter's value at `u` in `[0, 1]` (the prior's quantile).
    pub fn value(self, min: f64, max: f64, u: f64) -> f64 {
        match self {
            Prior::Uniform => min + u * (max - min),
            Prior::LogUniform => (min.ln() + u * (max.ln() - min.ln())).exp(),
        }
    }

    /// The inverse of [`Prior::value`].
    pub fn unit(self, min: f64, max: f64, x: f64) -> f64 {
        let u = match self {
            Prior::Uniform => (x - min) / (max - min),
            Prior::LogUniform => (x.ln() - min.ln()) / (max.ln() - min.ln()),
        };
        if u.is_finite() { u.clamp(0.0, 1.0) } else { 0.5 }
    }
}

/// One free parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The sweep path it sets.
    pub path: ParamPath,
    /// Lower end of its range.
    pub min: f64,
    /// Upper end.
    pub max: f64,
    /// Its prior.
    pub prior: Prior,
    /// Both ends were integers: values are rounded to integers.
    pub integer: bool,
}

/// Whether a target is a level or a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The metric's value at `step`.
    Stock,
    /// The metric's change from `since` to `step` (e.g. the net growth of a list share in a year).
    Flow,
}

/// One published figure to fit.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Its column name in the outputs: the metric, `@` and the step (`list_share.x@365`,
    /// `list_share.x@30..365` for a flow; groups pooled add `[g1+g2]`).
    pub name: String,
    /// The metric as sweeps name it for everyone (`list_share.x`).
    pub metric: String,
    /// Groups pooled (weighted by their sizes); empty: everyone.
    pub groups: Vec<String>,
    /// The step the figure describes (a snapshot step).
    pub step: u32,
    /// Flows: the step the change is counted from.
    pub since: Option<u32>,
    /// The figure.
    pub value: f64,
    /// Its standard deviation (from `sd`, or from `interval` as its width / 3.92).
    pub sd: f64,
    /// The 95% interval as given (or value ± 1.96 sd).
    pub interval: (f64, f64),
    /// Stock or flow.
    pub kind: Kind,
    /// Where the figure comes from.
    pub source: String,
}

/// How implausibility over several targets is combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// The largest target implausibility.
    Max,
    /// The second largest (one target may be missed; needs two targets or more).
    SecondMax,
}

/// A checked targets file with its validated base scenario.
#[derive(Debug, Clone)]
pub struct Targets {
    /// The targets file as named.
    pub file: String,
    /// Its text.
    pub text: String,
    /// SHA-256 of its text.
    pub sha256: String,
    /// The base scenario's path (relative to the working directory).
    pub scenario_file: PathBuf,
    /// The base scenario, validated.
    pub base: Loaded,
    /// The base as one TOML document.
    pub base_doc: toml::Table,
    /// History-matching waves.
    pub waves: u32,
    /// Candidates per wave.
    pub candidates: u32,
    /// Replicates per candidate.
    pub replicates: u32,
    /// The calibration seed (replicate seeds derive from it; default the scenario's).
    pub seed: u64,
    /// Implausibility cutoff.
    pub cutoff: f64,
    /// How target implausibilities combine.
    pub combine: Combine,
    /// The free parameters, in file order.
    pub parameters: Vec<Parameter>,
    /// The targets, in file order.
    pub targets: Vec<Target>,
}

impl Targets {
    /// Runs of the whole calibration.
    pub fn total_runs(&self) -> u64 {
        u64::from(self.waves) * u64::from(self.candidates) * u64::from(self.replicates)
    }
}

/// Why a targets file cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TargetsError {
    /// Problems in the targets file.
    #[error("{}", .0.summary())]
    Targets(Diagnostics),
    /// The base scenario has errors.
    #[error("{}", .0.summary())]
    Base(Diagnostics),
}

impl TargetsError {
    /// Every problem, rendered like scenario diagnostics.
    pub fn render(&self, color: bool) -> String {
        match self {
            TargetsError::Targets(d) | TargetsError::Base(d) => d.render(color),
        }
    }
}

/// Read and check the targets file at `path`; `scenario` (from the command
/// line, relative to the working directory) wins over the file's `scenario`.
///
/// # Errors
///
/// Every problem of the file at once, positioned; or the base's errors.
pub fn load(path: &Path, scenario: Option<&Path>) -> Result<Targets, TargetsError> {
    let name = path.display().to_string();
    let text = match crate::scenario::file::read(path) {
        Ok(t) => t,
        Err(crate::scenario::file::ReadError::NotFound) => {
            let d = Diagnostic::error(format!("targets file `{name}` does not exist")).with_hint(
                "check the path; scenarios/calibration/blacklist_targets.toml is one to start from",
            );
            return Err(TargetsError::Targets(Diagnostics::single(name, d)));
        }
        Err(e) => return Err(TargetsError::Targets(Diagnostics::single(name.clone(), e.diagnostic(&name)))),
    };
    parse(&text, &name, path.parent().unwrap_or(Path::new("")), scenario)
}

const KEYS: [&str; 9] = [
    "scenario",
    "waves",
    "candidates",
    "replicates",
    "seed",
    "cutoff",
    "implausibility",
    "parameter",
    "target",
];

/// Check a targets file whose text was read; `scenario` paths in it are
/// relative to `dir`, the `scenario` argument to the working directory.
///
/// # Errors
///
/// As [`load`].
pub fn parse(text: &str, name: &str, dir: &Path, scenario: Option<&Path>) -> Result<Targets, TargetsError> {
    let mut diags = Diagnostics::new(name, text);
    let (doc, errors) = DeTable::parse_recoverable(text);
    for d in syntax_errors(&errors, text) {
        diags.push(d);
    }
    if !errors.is_empty() {
        return Err(TargetsError::Targets(diags));
    }
    let root_t = doc.get_ref();
    let root = read::Table::root(root_t, 0..0);
    let mut r = Reader { text, diags, spans: read::Spans::new() };
    unknown(&mut r, root_t, &KEYS, "the targets file", |k| match k {
        "parameter" => "`[[parameter]]`".to_owned(),
        "target" => "`[[target]]`".to_owned(),
        k => suggest::quoted(k),
    });
    let file_scenario = root
        .get("scenario")
        .and_then(|v| r.value::<String>(v, "`scenario`", "scenario", "scenario").map(|s| (s, v.span())));
    let int = |r: &mut Reader, key: &str, lo: i64, hi: i64, default: i64| -> Option<i64> {
        let Some(v) = root.get(key) else { return Some(default) };
        let n = r.value::<i64>(v, &format!("`{key}`"), key, key)?;
        if (lo..=hi).contains(&n) {
            return Some(n);
        }
        r.push(
            Diagnostic::error(format!("`{key}` is {n}, out of range"))
                .with_span(v.span())
                .with_hint(format!("use {lo} to {hi}")),
        );
        None
    };
    let waves = int(&mut r, "waves", 1, 20, 3);
    let candidates = int(&mut r, "candidates", 2, 100_000, 80);
    let replicates = int(&mut r, "replicates", 2, 1000, 2);
    let seed = root.get("seed").map(|v| (r.value::<i64>(v, "`seed`", "seed", "seed"), v.span()));
    let seed = match seed {
        Some((Some(n), _)) if n >= 0 => Some(Some(n as u64)),
        Some((Some(n), span)) => {
            r.push(
                Diagnostic::error(format!("`seed` is {n}, out of range"))
                    .with_span(span)
                    .with_hint("use a seed from 0 to 9223372036854775807"),
            );
            None
        }
        Some((None, _)) => None,
        None => Some(None),
    };
    let cutoff = match root.get("cutoff") {
        None => Some(3.0),
        Some(v) => match number(v) {
            Some(x) if x > 0.0 => Some(x),
            _ => {
                r.push(
                    Diagnostic::error("`cutoff` must be a positive number")
                        .with_span(v.span())
                        .with_hint("3 is the usual cutoff (Pukelsheim's three-sigma rule)"),
                );
                None
            }
        },
    };
    let combine = match root.get("implausibility") {
        None => Some(Combine::Max),
        Some(v) => {
            match r.value::<String>(v, "`implausibility`", "implausibility", "implausibility").as_deref() {
                Some("max") => Some(Combine::Max),
                Some("second_max") => Some(Combine::SecondMax),
                Some(other) => {
                    let names = ["max", "second_max"];
                    r.push(
                        Diagnostic::error(format!("unknown implausibility `{other}`"))
                            .with_span(v.span())
                            .with_hint(suggest::or_nearest(
                                "`implausibility` is `max` or `second_max`",
                                other,
                                names,
                            )),
                    );
                    None
                }
                None => None,
            }
        }
    };
    let params: Vec<(Option<Parameter>, Range<usize>)> = r
        .array(&root, "parameter", "parameter", "path")
        .iter()
        .map(|t| (parameter(&mut r, t), t.header.clone()))
        .collect();
    if root.get("parameter").is_none() {
        r.push(Diagnostic::error("the targets file has no `[[parameter]]`").with_span(0..0).with_hint(
            "add a free parameter: `[[parameter]]` with `path = \"rule.x.rate\"`, `min` and `max`",
        ));
    }
    let target_tables = r.array(&root, "target", "target", "metric");
    if root.get("target").is_none() {
        r.push(Diagnostic::error("the targets file has no `[[target]]`").with_span(0..0).with_hint(
            "add a figure to fit: `[[target]]` with `metric`, `step`, `value`, `sd` or `interval`, `kind` and `source`",
        ));
    }
    let raw: Vec<(Option<RawTarget>, Range<usize>)> =
        target_tables.iter().map(|t| (target(&mut r, t), t.header.clone())).collect();
    if combine == Some(Combine::SecondMax) && target_tables.len() < 2 {
        let span = root.get("implausibility").map_or(0..0, |v| v.span());
        r.push(
            Diagnostic::error("`implausibility = \"second_max\"` needs at least two targets")
                .with_span(span)
                .with_hint("use `max` with a single target"),
        );
    }

    // the base scenario: the command line's, else the file's
    let base_path = match (scenario, &file_scenario) {
        (Some(p), _) => Some(p.to_path_buf()),
        (None, Some((s, _))) => Some(crate::scenario::normalize(&dir.join(s))),
        (None, None) => {
            r.push(Diagnostic::error("no scenario to calibrate").with_span(0..0).with_hint(
                "give it on the command line (`pointsim calibrate SCENARIO --targets FILE`) or add `scenario = \"...\"` (relative to this file)",
            ));
            None
        }
    };
    let fail = |mut r: Reader| {
        r.diags.sort();
        Err(TargetsError::Targets(r.diags))
    };
    let Some(base_path) = base_path else { return fail(r) };
    if !base_path.is_file() {
        let d = Diagnostic::error(format!("scenario `{}` does not exist", base_path.display()));
        let d = match (&file_scenario, scenario) {
            (Some((_, span)), None) => {
                d.with_span(span.clone()).with_hint("the path is relative to the targets file's folder")
            }
            _ => d.with_span(0..0).with_hint("check the SCENARIO argument"),
        };
        r.push(d);
        return fail(r);
    }
    let loaded = match scenario::load(&base_path) {
        Ok(l) => l,
        Err(_) if r.diags.has_errors() => return fail(r),
        Err(e) => return Err(TargetsError::Base(e.diagnostics().clone())),
    };
    let base_doc = super::super::flatten::document(&loaded).map_err(|e| {
        let d = Diagnostic::error(format!("cannot read the base scenario: {e}"));
        TargetsError::Base(Diagnostics::single(base_path.display().to_string(), d))
    })?;
    let mut parameters = Vec::new();
    for (p, span) in params {
        let Some(p) = p else { continue };
        if let Err(e) = ppath::check(&base_doc, &p.path) {
            let mut d = Diagnostic::error(e.message).with_span(span);
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            r.push(d);
        } else if parameters.iter().any(|q: &Parameter| q.path == p.path) {
            r.push(
                Diagnostic::error(format!("parameter `{}` is given twice", p.path))
                    .with_span(span)
                    .with_hint("give each free parameter once"),
            );
        } else {
            parameters.push(p);
        }
    }
    let s = &loaded.scenario;
    let names = metric_names(s);
    let mut targets: Vec<Target> = Vec::new();
    for (t, span) in raw {
        let Some(t) = t else { continue };
        if let Some(t) = check_target(&mut r, t, s, &names, span.clone()) {
            if targets.iter().any(|u| u.name == t.name) {
                r.push(
                    Diagnostic::error(format!("target `{}` is given twice", t.name))
                        .with_span(span)
                        .with_hint("give each figure once, or give the two different steps"),
                );
            } else {
                targets.push(t);
            }
        }
    }
    let (Some(waves), Some(candidates), Some(replicates), Some(seed), Some(cutoff), Some(combine)) =
        (waves, candidates, replicates, seed, cutoff, combine)
    else {
        return fail(r);
    };
    let out = Targets {
        file: name.to_owned(),
        text: text.to_owned(),
        sha256: super::super::plan::sha256_hex(text.as_bytes()),
        scenario_file: base_path,
        seed: seed.unwrap_or(s.seed),
        base: loaded,
        base_doc,
        waves: waves as u32,
        candidates: candidates as u32,
        replicates: replicates as u32,
        cutoff,
        combine,
        parameters,
        targets,
    };
    if out.total_runs() > MAX_RUNS {
        r.push(
            Diagnostic::error(format!(
                "this calibration makes {} runs, more than one calibration takes on ({MAX_RUNS})",
                out.total_runs()
            ))
            .with_span(0..0)
            .with_hint("use fewer waves, candidates or replicates"),
        );
    }
    if r.diags.has_errors() {
        return fail(r);
    }
    Ok(out)
}

/// A target as read, before its metric and steps are checked against the scenario.
struct RawTarget {
    metric: (String, Range<usize>),
    groups: Option<(Vec<String>, Range<usize>)>,
    step: (i64, Range<usize>),
    since: Option<(i64, Range<usize>)>,
    value: f64,
    sd: f64,
    interval: (f64, f64),
    kind: Kind,
    source: String,
}

fn unknown(r: &mut Reader, t: &DeTable, keys: &[&str], what: &str, shown: impl Fn(&str) -> String) {
    for (k, _) in t.iter() {
        if !keys.contains(&k.get_ref().as_ref()) {
            let hint = suggest::key_hint(k.get_ref(), keys, &shown);
            r.push(
                Diagnostic::error(format!("unknown key `{}` in {what}", k.get_ref()))
                    .with_span(k.span())
                    .with_hint(hint),
            );
        }
    }
}

fn number(v: &Spanned<DeValue>) -> Option<f64> {
    match v.get_ref() {
        DeValue::Integer(i) => i.as_str().replace('_', "").parse::<i64>().ok().map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok().filter(|x| x.is_finite()),
        _ => None,
    }
}

fn is_int(v: &Spanned<DeValue>) -> bool {
    matches!(v.get_ref(), DeValue::Integer(_))
}

fn parameter(r: &mut Reader, t: &read::Table) -> Option<Parameter> {
    unknown(r, t.table, &["path", "min", "max", "prior"], &t.what, suggest::quoted);
    let path = match t.get("path") {
        None => {
            r.push(
                Diagnostic::error(format!("{} has no `path`", t.what))
                    .with_span(t.header.clone())
                    .with_hint("add a sweep path like `path = \"rule.judgment_refused.rate\"`"),
            );
            None
        }
        Some(v) => r.value::<String>(v, &t.key_desc("path"), &t.key_path("path"), "path").and_then(|p| {
            ParamPath::parse(&p)
                .map_err(|e| {
                    r.push(
                        Diagnostic::error(e.message)
                            .with_span(v.span())
                            .with_hint(e.hint.unwrap_or_default()),
                    )
                })
                .ok()
        }),
    };
    let mut end = |key: &str| -> Option<(f64, bool, Range<usize>)> {
        let Some(v) = t.get(key) else {
            r.push(
                Diagnostic::error(format!("{} has no `{key}`", t.what))
                    .with_span(t.header.clone())
                    .with_hint(format!(
                        "add the {} end of the range, like `{key} = 0.001`",
                        if key == "min" { "lower" } else { "upper" }
                    )),
            );
            return None;
        };
        match number(v) {
            Some(x) => Some((x, is_int(v), v.span())),
            None => {
                r.push(
                    Diagnostic::error(format!("expected a finite number for {}", t.key_desc(key)))
                        .with_span(v.span())
                        .with_hint("write a number without quotes"),
                );
                None
            }
        }
    };
    let (min, max) = (end("min"), end("max"));
    let prior = match t.get("prior") {
        None => Some(Prior::Uniform),
        Some(v) => match r.value::<String>(v, &t.key_desc("prior"), &t.key_path("prior"), "prior").as_deref()
        {
            Some("uniform") => Some(Prior::Uniform),
            Some("log_uniform") => Some(Prior::LogUniform),
            Some(other) => {
                r.push(Diagnostic::error(format!("unknown prior `{other}`")).with_span(v.span()).with_hint(
                    suggest::or_nearest(
                        "`prior` is `uniform` or `log_uniform`",
                        other,
                        ["uniform", "log_uniform"],
                    ),
                ));
                None
            }
            None => None,
        },
    };
    let (path, (min, a, _), (max, b, max_span), prior) = (path?, min?, max?, prior?);
    if min >= max {
        r.push(
            Diagnostic::error(format!("the range of `{path}` has `min` {min} not below `max` {max}"))
                .with_span(max_span)
                .with_hint(
                    "a free parameter needs a range with `min` < `max`; fix a value in an overlay instead",
                ),
        );
        return None;
    }
    if prior == Prior::LogUniform && min <= 0.0 {
        r.push(
            Diagnostic::error(format!("a log-uniform prior needs `min` above 0 (`{path}` has {min})"))
                .with_span(t.header.clone())
                .with_hint("give a positive lower end, or use `prior = \"uniform\"`"),
        );
        return None;
    }
    Some(Parameter { path, min, max, prior, integer: a && b })
}

fn target(r: &mut Reader, t: &read::Table) -> Option<RawTarget> {
    const KEYS: [&str; 9] = ["metric", "group", "step", "since", "value", "interval", "sd", "kind", "source"];
    unknown(r, t.table, &KEYS, &t.what, suggest::quoted);
    let req = |r: &mut Reader, key: &str, example: &str| -> Option<&Spanned<DeValue>> {
        let v = t.get(key);
        if v.is_none() {
            r.push(
                Diagnostic::error(format!("{} has no `{key}`", t.what))
                    .with_span(t.header.clone())
                    .with_hint(format!("add a line like `{example}`")),
            );
        }
        v
    };
    let metric = req(r, "metric", "metric = \"list_share.defaulter_refuses\"").and_then(|v| {
        r.value::<String>(v, &t.key_desc("metric"), &t.key_path("metric"), "metric").map(|m| (m, v.span()))
    });
    let groups = match t.get("group") {
        None => Some(None),
        Some(v) => match v.get_ref() {
            DeValue::String(_) => r
                .value::<String>(v, &t.key_desc("group"), &t.key_path("group"), "group")
                .map(|g| Some((vec![g], v.span()))),
            _ => r
                .value::<Vec<String>>(v, &t.key_desc("group"), &t.key_path("group"), "group")
                .map(|g| Some((g, v.span()))),
        },
    };
    let step = req(r, "step", "step = 365").and_then(|v| {
        r.value::<i64>(v, &t.key_desc("step"), &t.key_path("step"), "step").map(|n| (n, v.span()))
    });
    let since = match t.get("since") {
        None => Some(None),
        Some(v) => r
            .value::<i64>(v, &t.key_desc("since"), &t.key_path("since"), "since")
            .map(|n| Some((n, v.span()))),
    };
    let value = req(r, "value", "value = 0.01").and_then(|v| {
        let x = number(v);
        if x.is_none() {
            r.push(
                Diagnostic::error(format!("expected a finite number for {}", t.key_desc("value")))
                    .with_span(v.span())
                    .with_hint("write the published figure as a number (a share as a fraction: 1% is 0.01)"),
            );
        }
        x.map(|x| (x, v.span()))
    });
    let kind = req(r, "kind", "kind = \"stock\"").and_then(|v| {
        match r.value::<String>(v, &t.key_desc("kind"), &t.key_path("kind"), "kind").as_deref() {
            Some("stock") => Some(Kind::Stock),
            Some("flow") => Some(Kind::Flow),
            Some(other) => {
                r.push(Diagnostic::error(format!("unknown kind `{other}`")).with_span(v.span()).with_hint(
                    suggest::or_nearest(
                        "`kind` is `stock` (a level at `step`) or `flow` (the change from `since` to `step`)",
                        other,
                        ["stock", "flow"],
                    ),
                ));
                None
            }
            None => None,
        }
    });
    let source = req(r, "source", "source = \"[S 21] Xinhua/SPC, 9.59 m at end 2017\"").and_then(|v| {
        let s = r.value::<String>(v, &t.key_desc("source"), &t.key_path("source"), "source")?;
        if s.trim().is_empty() {
            r.push(
                Diagnostic::error(format!("`source` in {} is empty", t.what))
                    .with_span(v.span())
                    .with_hint("say where the figure comes from: every target needs a source"),
            );
            return None;
        }
        Some(s)
    });
    let spread = match (t.get("interval"), t.get("sd")) {
        (Some(_), Some(v)) => {
            r.push(
                Diagnostic::error(format!("{} has both `interval` and `sd`", t.what))
                    .with_span(v.span())
                    .with_hint("give one: `interval = [lo, hi]` (a 95% interval) or `sd`"),
            );
            None
        }
        (None, None) => {
            r.push(
                Diagnostic::error(format!("{} has neither `interval` nor `sd`", t.what))
                    .with_span(t.header.clone())
                    .with_hint("say how uncertain the figure is: `interval = [lo, hi]` (95%) or `sd = ...`"),
            );
            None
        }
        (None, Some(v)) => match number(v) {
            Some(sd) if sd > 0.0 => Some((None, sd, v.span())),
            _ => {
                r.push(
                    Diagnostic::error(format!("`sd` in {} must be a positive number", t.what))
                        .with_span(v.span())
                        .with_hint("a figure known exactly cannot be fitted by a noisy simulation; give its uncertainty"),
                );
                None
            }
        },
        (Some(v), None) => {
            let ends = match v.get_ref() {
                DeValue::Array(a) if a.len() == 2 => number(&a[0]).zip(number(&a[1])),
                _ => None,
            };
            match ends {
                Some((lo, hi)) if lo < hi => Some((Some((lo, hi)), (hi - lo) / (2.0 * Z95), v.span())),
                _ => {
                    r.push(
                        Diagnostic::error(format!(
                            "`interval` in {} must be `[lo, hi]` with lo < hi",
                            t.what
                        ))
                        .with_span(v.span())
                        .with_hint("write two numbers, like `interval = [0.008, 0.012]`"),
                    );
                    None
                }
            }
        }
    };
    let (metric, groups, step, since, (value, value_span), kind, source, (interval, sd, spread_span)) =
        (metric?, groups?, step?, since?, value?, kind?, source?, spread?);
    if let Some((lo, hi)) = interval
        && !(lo..=hi).contains(&value)
    {
        r.push(
            Diagnostic::error(format!("`value` {value} is outside its interval [{lo}, {hi}]"))
                .with_span(value_span)
                .with_label("the figure")
                .with_hint("the interval is the figure's uncertainty and must contain it"),
        );
        return None;
    }
    let _ = spread_span;
    Some(RawTarget {
        metric,
        groups,
        step,
        since,
        value,
        sd,
        interval: interval.unwrap_or((value - Z95 * sd, value + Z95 * sd)),
        kind,
        source,
    })
}

/// The metric name of `metric` for group `g` (`score.mean` is `group.g.score_mean`).
pub fn group_metric(metric: &str, g: &str) -> String {
    let m = if metric == "score.mean" { "score_mean" } else { metric };
    format!("group.{g}.{m}")
}

fn check_target(
    r: &mut Reader,
    t: RawTarget,
    s: &scenario::Scenario,
    names: &[String],
    header: Range<usize>,
) -> Option<Target> {
    let (metric, mspan) = t.metric;
    let mut ok = true;
    let overall: Vec<&str> = names.iter().map(String::as_str).filter(|n| !n.starts_with("group.")).collect();
    let groups = t.groups.as_ref().map_or(Vec::new(), |(g, _)| g.clone());
    if metric.starts_with("group.") {
        r.push(
            Diagnostic::error(format!("write the metric for everyone and the group apart: `{metric}`"))
                .with_span(mspan.clone())
                .with_hint(
                    "for `group.G.list_share.x` write `metric = \"list_share.x\"` and `group = \"G\"`",
                ),
        );
        ok = false;
    } else if !overall.contains(&metric.as_str()) {
        let hint = suggest::or_nearest(
            "a target's metric is one of the names sweeps use (runs.csv columns), e.g. `list_share.<list>`, `tier_share.<tier>`, `restriction_share.<restriction>`",
            &metric,
            overall.iter().copied(),
        );
        r.push(
            Diagnostic::error(format!("unknown metric `{metric}`")).with_span(mspan.clone()).with_hint(hint),
        );
        ok = false;
    }
    if let Some((gs, gspan)) = &t.groups {
        let defined: Vec<&str> = s.groups.iter().map(|g| g.name.as_str()).collect();
        if gs.is_empty() {
            r.push(
                Diagnostic::error("`group` is an empty list")
                    .with_span(gspan.clone())
                    .with_hint("remove it for everyone, or name the groups to pool"),
            );
            ok = false;
        }
        for g in gs {
            if !defined.contains(&g.as_str()) {
                let hint = suggest::or_nearest(
                    format!("defined groups are {}", suggest::list(defined.iter().copied())),
                    g,
                    defined.iter().copied(),
                );
                r.push(
                    Diagnostic::error(format!("unknown group `{g}`"))
                        .with_span(gspan.clone())
                        .with_hint(hint),
                );
                ok = false;
            } else if ok && !names.contains(&group_metric(&metric, g)) {
                r.push(
                    Diagnostic::error(format!("metric `{metric}` is not given per group"))
                        .with_span(mspan.clone())
                        .with_hint(
                            "per group, sweeps give `score.mean` and the shares; remove `group` for this one",
                        ),
                );
                ok = false;
            }
        }
    }
    let every = s.report.snapshot_every.max(1);
    let snapshot = |step: i64| step == i64::from(s.steps) || (step >= 0 && step % i64::from(every) == 0);
    let check_step = |r: &mut Reader, key: &str, n: i64, span: Range<usize>| -> Option<u32> {
        if n < 0 || n > i64::from(s.steps) {
            r.push(
                Diagnostic::error(format!("`{key}` {n} is outside the run (steps 0 to {})", s.steps))
                    .with_span(span)
                    .with_hint(
                        "a target describes a step of the run; lengthen `scenario.steps` in an overlay",
                    ),
            );
            return None;
        }
        if !snapshot(n) {
            r.push(
                Diagnostic::error(format!("`{key}` {n} is not a snapshot step (every {every} steps, and {})", s.steps))
                    .with_span(span)
                    .with_hint(format!(
                        "use a multiple of `report.snapshot_every` ({every}), or set `report.snapshot_every` to a divisor of {n} in an overlay"
                    )),
            );
            return None;
        }
        Some(n as u32)
    };
    let step = check_step(r, "step", t.step.0, t.step.1.clone());
    let since = match (t.kind, &t.since) {
        (Kind::Stock, None) => Some(None),
        (Kind::Stock, Some((_, span))) => {
            r.push(
                Diagnostic::error("`since` is only for `kind = \"flow\"`")
                    .with_span(span.clone())
                    .with_hint("a stock is the level at `step`; remove `since` or make the target a flow"),
            );
            None
        }
        (Kind::Flow, None) => {
            r.push(
                Diagnostic::error("a flow target needs `since`, the step its change is counted from")
                    .with_span(header)
                    .with_hint("add a line like `since = 0`"),
            );
            None
        }
        (Kind::Flow, Some((n, span))) => match (check_step(r, "since", *n, span.clone()), step) {
            (Some(a), Some(b)) if a >= b => {
                r.push(
                    Diagnostic::error(format!("`since` {a} is not before `step` {b}"))
                        .with_span(span.clone())
                        .with_hint("a flow counts the change from `since` to a later `step`"),
                );
                None
            }
            (a, _) => a.map(Some),
        },
    };
    let (step, since) = (step?, since?);
    if !ok {
        return None;
    }
    let at = match since {
        Some(a) => format!("{a}..{step}"),
        None => step.to_string(),
    };
    let name = if groups.is_empty() {
        format!("{metric}@{at}")
    } else {
        format!("{metric}[{}]@{at}", groups.join("+"))
    };
    Some(Target {
        name,
        metric,
        groups,
        step,
        since,
        value: t.value,
        sd: t.sd,
        interval: t.interval,
        kind: t.kind,
        source: t.source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_here(text: &str) -> Result<Targets, TargetsError> {
        parse(text, "t.toml", Path::new(env!("CARGO_MANIFEST_DIR")), None)
    }

    const HEAD: &str = "scenario = \"scenarios/teaching_toy.toml\"\n";

    #[test]
    fn a_good_file_reads() {
        let t = parse_here(&format!(
            "{HEAD}waves = 2\n[[parameter]]\npath = \"rule.traffic_ticket.rate\"\nmin = 0.01\nmax = 1.0\nprior = \"log_uniform\"\n\
             [[target]]\nmetric = \"tier_share.A\"\nstep = 52\nvalue = 0.9\ninterval = [0.85, 0.95]\nkind = \"stock\"\nsource = \"made up\"\n\
             [[target]]\nmetric = \"tier_share.A\"\nstep = 52\nsince = 0\nvalue = -0.05\nsd = 0.01\nkind = \"flow\"\nsource = \"made up\"\n"
        ))
        .unwrap();
        assert_eq!(t.waves, 2);
        assert_eq!(t.parameters[0].prior, Prior::LogUniform);
        assert_eq!(t.targets[0].name, "tier_share.A@52");
        assert_eq!(t.targets[1].name, "tier_share.A@0..52");
        assert!((t.targets[0].sd - 0.1 / 3.919_927_969).abs() < 1e-9);
        assert_eq!(t.seed, 42);
    }

    #[test]
    fn every_problem_at_once_with_positions() {
        let e = parse_here(&format!(
            "{HEAD}wave = 2\n[[parameter]]\npath = \"rule.traffic_tiket.rate\"\nmin = 1.0\nmax = 0.5\n\
             [[target]]\nmetric = \"tier_share.AAA\"\nstep = 53\nvalue = 2\ninterval = [0.1, 0.2]\nkind = \"stok\"\n"
        ))
        .unwrap_err();
        let out = e.render(false);
        assert!(out.contains("did you mean `waves`?"), "{out}");
        assert!(out.contains("`min` 1 not below `max` 0.5"), "{out}");
        assert!(out.contains("has no `source`"), "{out}");
        assert!(out.contains("did you mean `stock`?"), "{out}");
        assert!(out.contains("t.toml:2:1"), "{out}");
        let TargetsError::Targets(d) = &e else { panic!() };
        assert!(d.error_count() >= 4, "{out}");
        // the metric and step are checked against the scenario once the rest reads
        let e = parse_here(&format!(
            "{HEAD}[[parameter]]\npath = \"rule.traffic_tiket.rate\"\nmin = 0.1\nmax = 0.5\n\
             [[target]]\nmetric = \"tier_share.AAA\"\nstep = 53\nvalue = 0.15\ninterval = [0.1, 0.2]\nkind = \"stock\"\nsource = \"x\"\n"
        ))
        .unwrap_err();
        let out = e.render(false);
        assert!(out.contains("did you mean `rule.traffic_ticket.rate`?"), "{out}");
        assert!(out.contains("unknown metric `tier_share.AAA`"), "{out}");
        assert!(out.contains("did you mean `tier_share.AA`?"), "{out}");
        assert!(out.contains("`step` 53 is outside the run"), "{out}");
    }
}
