//! Sensitivity plan files: reading and checking them, every problem at once and positioned.
//!
//! ```toml
//! base = "../teaching_toy.toml"        # relative to the plan file
//! seed = 7                             # plan seed (default: the base scenario's seed)
//! replicates = 2                       # seeds per design point (default 1; --replicates overrides)
//! metrics = ["score.mean", "tier_share.AA"]   # the metric names sweeps use (default: all)
//!
//! [vary]                               # the free parameters: a range [lo, hi] each
//! "rule.volunteer_service.rate" = [0.2, 6.0]
//! "rule.volunteer_service.points" = [1, 10]   # an integer key: values are rounded (see below)
//!
//! [morris]                             # options of --method morris
//! trajectories = 10                    # r (-n overrides)
//! levels = 4                           # p, even
//!
//! [sobol]                              # options of --method sobol
//! n = 64                               # base sample N, a power of 2 (-n overrides)
//! ```
//!
//! A parameter whose key the scenario format types as an integer (points,
//! caps, thresholds, sizes) takes, at design coordinate `u ∈ [0, 1]`, the
//! value `lo + min(⌊u (hi − lo + 1)⌋, hi − lo)`: every integer of the range
//! is equally likely, as with a sweep's integer ranges. Other keys take
//! `lo + u (hi − lo)`.

use std::path::{Path, PathBuf};

use serde::Deserialize as _;
use toml::Value;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::super::path::{self as ppath, ParamPath};
use super::super::plan::sha256_hex;
use crate::results::metrics::metric_names;
use crate::scenario::keys::Key;
use crate::scenario::read::{self, Reader, kind};
use crate::scenario::source::syntax_errors;
use crate::scenario::{self, Diagnostic, Diagnostics, Loaded, suggest};

/// Default Sobol base sample.
pub const DEFAULT_SOBOL_N: u32 = 64;
/// Default Morris trajectories.
pub const DEFAULT_TRAJECTORIES: u32 = 10;
/// Default Morris levels.
pub const DEFAULT_LEVELS: u32 = 4;

/// One free parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Its path, as sweeps take it.
    pub path: ParamPath,
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
    /// The key is an integer: values are rounded as the module documentation says.
    pub integer: bool,
}

impl Param {
    /// The value at design coordinate `u ∈ [0, 1]`.
    pub fn value(&self, u: f64) -> Value {
        if self.integer {
            let k = (u * (self.hi - self.lo + 1.0)).floor().clamp(0.0, self.hi - self.lo);
            Value::Integer((self.lo + k) as i64)
        } else {
            Value::Float((self.lo + u * (self.hi - self.lo)).min(self.hi))
        }
    }
}

/// A checked sensitivity plan with its validated base scenario.
#[derive(Debug, Clone)]
pub struct SensitivityPlan {
    /// The plan file as the user named it.
    pub file: String,
    /// Its text.
    pub text: String,
    /// The base scenario's path.
    pub base_file: PathBuf,
    /// The base scenario, validated.
    pub base: Loaded,
    /// SHA-256 of the base scenario (as [`crate::batch::plan::Plan::base_sha256`]).
    pub base_sha256: String,
    /// The base scenario as one TOML document.
    pub base_doc: toml::Table,
    /// The plan seed.
    pub seed: u64,
    /// Seeds per design point.
    pub replicates: u32,
    /// The metrics analysed, in the order of [`metric_names`].
    pub metrics: Vec<String>,
    /// The free parameters, in file order.
    pub params: Vec<Param>,
    /// Morris trajectories `r`.
    pub trajectories: u32,
    /// Morris levels `p`.
    pub levels: u32,
    /// Sobol base sample `N`.
    pub sobol_n: u32,
}

/// Read and check the plan at `path` (every problem at once, positioned).
///
/// # Errors
///
/// The plan's problems, or the base scenario's when the plan has none.
pub fn load(path: &Path) -> Result<SensitivityPlan, Diagnostics> {
    let name = path.display().to_string();
    let text = match crate::scenario::file::read(path) {
        Ok(t) => t,
        Err(crate::scenario::file::ReadError::NotFound) => {
            return Err(Diagnostics::single(
                name.clone(),
                Diagnostic::error(format!("plan file `{name}` does not exist"))
                    .with_hint("check the path; scenarios/sensitivity/ has plans to start from"),
            ));
        }
        Err(e) => return Err(Diagnostics::single(name.clone(), e.diagnostic(&name))),
    };
    parse(&text, &name, path.parent().unwrap_or(Path::new("")))
}

const KEYS: [&str; 7] = ["base", "seed", "replicates", "metrics", "vary", "morris", "sobol"];

/// Check a plan whose text was already read; `base` is relative to `dir`.
///
/// # Errors
///
/// As [`load`].
pub fn parse(text: &str, name: &str, dir: &Path) -> Result<SensitivityPlan, Diagnostics> {
    let mut diags = Diagnostics::new(name, text);
    let (doc, errors) = DeTable::parse_recoverable(text);
    for d in syntax_errors(&errors, text) {
        diags.push(d);
    }
    if !errors.is_empty() {
        return Err(diags);
    }
    let root = doc.get_ref();
    let mut r = Reader { text, diags, spans: read::Spans::new() };
    let top = read::Table::root(root, 0..0);
    for (k, _) in root.iter() {
        if !KEYS.contains(&k.get_ref().as_ref()) {
            let shown = |key: &str| {
                if ["vary", "morris", "sobol"].contains(&key) {
                    format!("`[{key}]`")
                } else {
                    suggest::quoted(key)
                }
            };
            r.push(
                Diagnostic::error(format!("unknown key `{}` in the plan", k.get_ref()))
                    .with_span(k.span())
                    .with_hint(suggest::key_hint(k.get_ref(), &KEYS, shown)),
            );
        }
    }
    let base =
        match top.get("base") {
            None => {
                r.push(Diagnostic::error("the plan has no `base`").with_span(0..0).with_hint(
                    "add a line like `base = \"../teaching_toy.toml\"` (relative to the plan file)",
                ));
                None
            }
            Some(v) => r.value::<String>(v, "`base`", "base", "base").map(|b| (b, v.span())),
        };
    let seed = int_in(&mut r, &top, "seed", 0, i64::MAX).map(|s| s as u64);
    let replicates = int_in(&mut r, &top, "replicates", 1, 10_000).unwrap_or(1) as u32;
    let morris = r.table(&top, "morris", None);
    let (trajectories, levels) = match &morris {
        Some(t) => {
            r.unknown_keys(t, &[Key::required("trajectories", ""), Key::required("levels", "")]);
            let levels = int_in(&mut r, t, "levels", 2, 100);
            if let (Some(p), Some(v)) = (levels, t.get("levels"))
                && p % 2 == 1
            {
                r.push(
                    Diagnostic::error(format!("`morris.levels` is {p}, an odd number"))
                        .with_span(v.span())
                        .with_hint("use an even number of levels (4 is usual): the Morris step Δ = p / (2(p − 1)) then lands on the grid"),
                );
            }
            (
                int_in(&mut r, t, "trajectories", 2, 100_000).unwrap_or(i64::from(DEFAULT_TRAJECTORIES)),
                levels.unwrap_or(i64::from(DEFAULT_LEVELS)),
            )
        }
        None => (i64::from(DEFAULT_TRAJECTORIES), i64::from(DEFAULT_LEVELS)),
    };
    let sobol_n = match r.table(&top, "sobol", None) {
        Some(t) => {
            r.unknown_keys(&t, &[Key::required("n", "")]);
            int_in(&mut r, &t, "n", 2, 1 << 20).unwrap_or(i64::from(DEFAULT_SOBOL_N))
        }
        None => i64::from(DEFAULT_SOBOL_N),
    };
    let metrics = metric_list(&mut r, &top);
    let vary = vary(&mut r, &top);

    let fail = |mut r: Reader| {
        r.diags.sort();
        Err(r.diags)
    };
    let Some((base, base_span)) = base else { return fail(r) };
    let base_file = crate::scenario::normalize(&dir.join(&base));
    if !base_file.is_file() {
        r.push(
            Diagnostic::error(format!("base scenario `{}` does not exist", base_file.display()))
                .with_span(base_span)
                .with_label("not found")
                .with_hint("the path is relative to the plan file's folder"),
        );
        return fail(r);
    }
    let loaded = match scenario::load(&base_file) {
        Ok(l) => l,
        Err(_) if r.diags.has_errors() => return fail(r),
        Err(e) => return Err(e.diagnostics().clone()),
    };
    let base_doc = match super::super::flatten::document(&loaded) {
        Ok(d) => d,
        Err(e) => {
            let d = Diagnostic::error(format!("cannot read the base scenario: {e}"));
            return Err(Diagnostics::single(base_file.display().to_string(), d));
        }
    };
    // the parameters against the base: path, integer or number, both ends valid
    let mut params = Vec::new();
    for (path, lo, hi, span) in vary {
        if let Err(e) = ppath::check(&base_doc, &path) {
            let mut d = Diagnostic::error(e.message).with_span(span);
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            r.push(d);
            continue;
        }
        match param(&base_doc, path, lo, hi) {
            Ok(p) => params.push(p),
            Err(msg) => r.push(Diagnostic::error(msg).with_span(span).with_hint(
                "give a range of values the scenario accepts at this key (`pointsim check` says which)",
            )),
        }
    }
    let names = metric_names(&loaded.scenario);
    let mut chosen = Vec::new();
    for (m, span) in &metrics {
        if names.contains(m) {
            if !chosen.contains(m) {
                chosen.push(m.clone());
            }
        } else {
            let hint = suggest::or_nearest(
                "the metrics are the column names of a sweep's runs.csv (`pointsim sweep --dry-run` lists them)"
                    .to_owned(),
                m,
                names.iter().map(String::as_str),
            );
            r.push(
                Diagnostic::error(format!("unknown metric `{m}`")).with_span(span.clone()).with_hint(hint),
            );
        }
    }
    let metrics =
        if metrics.is_empty() { names } else { names.into_iter().filter(|n| chosen.contains(n)).collect() };
    if r.diags.has_errors() {
        return fail(r);
    }
    let base_sha256 = if loaded.source.chain.len() > 1 {
        sha256_hex(loaded.source.text.as_bytes())
    } else {
        loaded.source.sha256.clone()
    };
    Ok(SensitivityPlan {
        file: name.to_owned(),
        text: text.to_owned(),
        base_file,
        seed: seed.unwrap_or(loaded.scenario.seed),
        base: loaded,
        base_sha256,
        base_doc,
        replicates,
        metrics,
        params,
        trajectories: trajectories as u32,
        levels: levels as u32,
        sobol_n: sobol_n as u32,
    })
}

/// An optional integer `key` of `t` within `lo..=hi`.
fn int_in(r: &mut Reader, t: &read::Table, key: &str, lo: i64, hi: i64) -> Option<i64> {
    let v = t.get(key)?;
    let n = r.opt::<i64>(t, key)?;
    if (lo..=hi).contains(&n) {
        return Some(n);
    }
    r.push(
        Diagnostic::error(format!("{} is {n}, out of range", t.key_desc(key)))
            .with_span(v.span())
            .with_hint(format!("use {lo} to {hi}")),
    );
    None
}

/// `metrics = [...]`: the names with their spans.
fn metric_list(r: &mut Reader, top: &read::Table) -> Vec<(String, std::ops::Range<usize>)> {
    let Some(v) = top.get("metrics") else { return Vec::new() };
    let DeValue::Array(items) = v.get_ref() else {
        r.wrong_type(v, "`metrics`", "an array of strings", "metrics");
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in items {
        match i.get_ref() {
            DeValue::String(s) => out.push((s.to_string(), i.span())),
            other => r.push(
                Diagnostic::error(format!(
                    "expected a metric name for an entry of `metrics`, found {}",
                    kind(other)
                ))
                .with_span(i.span())
                .with_hint("write metric names in double quotes, like `metrics = [\"score.mean\"]`"),
            ),
        }
    }
    if items.is_empty() {
        r.push(
            Diagnostic::error("`metrics` is empty")
                .with_span(v.span())
                .with_hint("name at least one metric, or remove the line to analyse every metric"),
        );
    }
    out
}

/// `[vary]`: each path with its range and the key's span.
fn vary(r: &mut Reader, top: &read::Table) -> Vec<(ParamPath, f64, f64, std::ops::Range<usize>)> {
    let example = "\"rule.volunteer_service.rate\" = [0.2, 6.0]";
    let Some(t) = r.table(top, "vary", Some(&Key::required("vary", example))) else { return Vec::new() };
    let mut entries: Vec<_> = t.table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut out = Vec::new();
    for (k, val) in entries {
        let key: &str = k.get_ref();
        let path = ParamPath::parse(key);
        if let Err(e) = &path {
            r.push(
                Diagnostic::error(e.message.clone())
                    .with_span(k.span())
                    .with_hint(e.hint.clone().unwrap_or_default()),
            );
        }
        let bad = |what: String| {
            Diagnostic::error(what).with_span(val.span()).with_hint(format!(
                "write a range like `\"{key}\" = [1, 10]`: the lowest and the highest value"
            ))
        };
        let ends: Option<Vec<f64>> = match val.get_ref() {
            DeValue::Array(items) if items.len() == 2 => items
                .iter()
                .map(|i| match i.get_ref() {
                    DeValue::Integer(_) | DeValue::Float(_) => {
                        f64::deserialize(ValueDeserializer::from(i.clone())).ok().filter(|x| x.is_finite())
                    }
                    _ => None,
                })
                .collect(),
            _ => None,
        };
        let Some(ends) = ends else {
            r.push(bad(format!(
                "expected a range `[lo, hi]` of two numbers for `{key}`, found {}",
                kind(val.get_ref())
            )));
            continue;
        };
        if ends[0] >= ends[1] {
            r.push(bad(format!(
                "the range of `{key}` is [{}, {}]: `lo` must be below `hi`",
                ends[0], ends[1]
            )));
            continue;
        }
        if let Ok(path) = path {
            out.push((path, ends[0], ends[1], k.span()));
        }
    }
    if out.is_empty() && !r.diags.has_errors() {
        r.push(
            Diagnostic::error("`[vary]` is empty: the plan varies nothing")
                .with_span(t.header.clone())
                .with_hint(format!("add a line like `{example}`")),
        );
    }
    out
}

/// The parameter at `path` with range `[lo, hi]`: integer when the scenario
/// takes only integers there; both ends must make a valid scenario.
fn param(doc: &toml::Table, path: ParamPath, lo: f64, hi: f64) -> Result<Param, String> {
    let valid = |path: &ParamPath, v: Value| {
        let mut d = doc.clone();
        ppath::apply(&mut d, path, v).ok()?;
        let text = toml::to_string(&d).ok()?;
        match scenario::parse(&text, "plan") {
            Ok(_) => Some(None),
            Err(e) => Some(e.items().iter().find(|i| i.is_error()).map(|i| i.message.clone())),
        }
    };
    // an integer key refuses a float even when it is whole (`4.0`) and takes
    // the integer; a number key takes both
    let r = (lo + (hi - lo) * 0.37).round();
    let integer =
        valid(&path, Value::Float(r)) != Some(None) && valid(&path, Value::Integer(r as i64)) == Some(None);
    if integer && (lo.fract() != 0.0 || hi.fract() != 0.0) {
        return Err(format!("`{path}` takes whole numbers: write the range with integers"));
    }
    let p = Param { path, lo, hi, integer };
    for (end, u) in [("lo", 0.0), ("hi", 1.0)] {
        if let Some(Some(msg)) = valid(&p.path, p.value(u)) {
            return Err(format!(
                "`{}` = {} (the range's `{end}`) makes an invalid scenario: {}",
                p.path,
                super::super::plan::inline(&p.value(u)),
                msg.lines().next().unwrap_or("")
            ));
        }
    }
    Ok(p)
}
