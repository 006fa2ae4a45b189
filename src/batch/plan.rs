//! Sweep plan files: reading and checking them (every problem at once, positioned), and their cells.
//!
//! ```toml
//! base = "../../scenarios/teaching_toy.toml"   # relative to the plan file
//! replicates = 5                               # seeds per cell (default 1)
//! mode = "grid"                                # "grid" (default), "zip" or "sample"
//! seed = 7                                     # plan seed (default: the base scenario's seed)
//! # cells = 20                                 # sample mode only: how many cells to draw
//!
//! [vary]
//! "rule.volunteer_service.points" = [3, 5, 10]   # grid/zip: lists of values
//! "tier.A.min" = [940, 960]
//! # sample mode: "rule.traffic_ticket.rate" = { min = 0.05, max = 0.5 }
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize as _;
use toml::de::{DeTable, DeValue, ValueDeserializer};
use toml::{Spanned, Value};

use super::path::{self as ppath, ParamPath};
use super::sample;
use crate::scenario::read::{self, Expect, Reader, kind};
use crate::scenario::source::syntax_errors;
use crate::scenario::{self, Diagnostic, Diagnostics, Loaded, suggest};

/// The most runs (cells × replicates) one sweep takes on.
pub const MAX_RUNS: u64 = 100_000;

/// How the values in `[vary]` make cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Every combination of the lists (cartesian product; the last parameter varies fastest).
    Grid,
    /// The lists in lockstep: cell `i` takes the `i`-th value of every list.
    Zip,
    /// `cells` points of a Latin hypercube over `{ min, max }` ranges.
    Sample,
}

/// What one varied parameter takes.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    /// Grid and zip modes: the values, in order.
    List(Vec<Value>),
    /// Sample mode: a closed range of integers (both ends integers) or of numbers.
    Range {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
        /// Both ends were integers: draws are integers too.
        integer: bool,
    },
}

/// One entry of `[vary]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// The parameter.
    pub path: ParamPath,
    /// What it takes.
    pub values: Values,
    /// Where the key is in the plan file.
    pub span: Range<usize>,
}

/// A checked plan with its validated base scenario.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The plan file as the user named it.
    pub file: String,
    /// Its text.
    pub text: String,
    /// SHA-256 of its text, lowercase hex.
    pub sha256: String,
    /// The base scenario's path (relative to the working directory).
    pub base_file: PathBuf,
    /// The base scenario, validated.
    pub base: Loaded,
    /// SHA-256 of the base scenario file; for an overlay, of the texts of
    /// its whole chain of files as [`crate::scenario::SourceFile::text`] joins them.
    pub base_sha256: String,
    /// The base scenario as one TOML document (an overlay's chain merged), which cells change.
    pub base_doc: toml::Table,
    /// Seeds per cell.
    pub replicates: u32,
    /// How cells are made.
    pub mode: Mode,
    /// The plan seed (replicate seeds derive from it).
    pub seed: u64,
    /// Sample mode: how many cells.
    pub sample_cells: u32,
    /// The varied parameters, in file order.
    pub vary: Vec<Vary>,
}

/// One cell: a value for every varied parameter, in [`Plan::vary`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// 0-based index.
    pub index: usize,
    /// The values.
    pub params: Vec<Value>,
}

/// Why a plan cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PlanError {
    /// Problems in the plan file itself.
    #[error("{}", .0.summary())]
    Plan(Diagnostics),
    /// The base scenario it names has errors.
    #[error("{}", .0.summary())]
    Base(Diagnostics),
}

impl PlanError {
    /// Every problem, rendered like scenario diagnostics (`color` for ANSI styles).
    pub fn render(&self, color: bool) -> String {
        match self {
            PlanError::Plan(d) | PlanError::Base(d) => d.render(color),
        }
    }
}

impl Plan {
    /// The number of cells.
    pub fn n_cells(&self) -> u64 {
        match self.mode {
            Mode::Grid => self.vary.iter().map(|v| list(v).len() as u64).fold(1, u64::saturating_mul),
            Mode::Zip => self.vary.first().map_or(1, |v| list(v).len() as u64),
            Mode::Sample => u64::from(self.sample_cells),
        }
    }

    /// Every cell, in order.
    pub fn cells(&self) -> Vec<Cell> {
        let n = self.n_cells() as usize;
        match self.mode {
            Mode::Grid => (0..n)
                .map(|index| {
                    let mut rest = index;
                    let mut params = vec![Value::Boolean(false); self.vary.len()];
                    for (d, v) in self.vary.iter().enumerate().rev() {
                        let l = list(v);
                        params[d] = l[rest % l.len()].clone();
                        rest /= l.len();
                    }
                    Cell { index, params }
                })
                .collect(),
            Mode::Zip => (0..n)
                .map(|index| Cell {
                    index,
                    params: self.vary.iter().map(|v| list(v)[index].clone()).collect(),
                })
                .collect(),
            Mode::Sample => {
                let ranges: Vec<(f64, f64, bool)> = self
                    .vary
                    .iter()
                    .map(|v| match v.values {
                        Values::Range { min, max, integer } => (min, max, integer),
                        Values::List(_) => unreachable!("sample plans have ranges"),
                    })
                    .collect();
                sample::latin_hypercube(self.seed, n, &ranges)
                    .into_iter()
                    .enumerate()
                    .map(|(index, params)| Cell { index, params })
                    .collect()
            }
        }
    }

    /// The full scenario text of `cell`: the base document with the cell's
    /// values set, after a comment saying where it comes from.
    ///
    /// # Errors
    ///
    /// Never for a checked plan (paths were checked against the base); kept
    /// as an error so a caller need not trust that.
    pub fn cell_text(&self, cell: &Cell, cell_id: &str) -> Result<String, ppath::PathError> {
        let mut doc = self.base_doc.clone();
        let mut head = format!(
            "# cell {cell_id} of sweep plan `{}`, base scenario `{}`\n",
            self.file,
            self.base_file.display()
        );
        for (v, value) in self.vary.iter().zip(&cell.params) {
            ppath::apply(&mut doc, &v.path, value.clone())?;
            head.push_str(&format!("# {} = {}\n", v.path, inline(value)));
        }
        head.push_str("# re-run one row: pointsim run THIS_FILE --seed <seed of the row>\n\n");
        let body = toml::to_string(&doc).map_err(|e| ppath::PathError {
            message: format!("cannot write the scenario of cell {cell_id}: {e}"),
            hint: None,
        })?;
        Ok(head + &body)
    }
}

/// The first problem of the base document `base` with `v` set to `value` alone, if it is invalid.
fn invalid_alone(base: &toml::Table, v: &Vary, value: &Value, dir: &Path) -> Option<String> {
    let mut doc = base.clone();
    ppath::apply(&mut doc, &v.path, value.clone()).ok()?;
    let text = toml::to_string(&doc).ok()?;
    let d = crate::scenario::parse_in(&text, "cell", dir).err()?;
    let first = d.items().iter().find(|i| i.is_error())?;
    Some(first.message.replace('\n', " "))
}

/// A value as written inline in TOML (`3`, `"AA"`, `[1, 2]`).
pub fn inline(v: &Value) -> String {
    match v {
        Value::String(s) => Value::String(s.clone()).to_string(),
        other => other.to_string(),
    }
}

fn list(v: &Vary) -> &[Value] {
    match &v.values {
        Values::List(l) => l,
        Values::Range { .. } => &[],
    }
}

/// Read and check the plan file at `path`, then its base scenario and every path in `[vary]`.
///
/// # Errors
///
/// [`PlanError::Plan`] with every problem of the plan, each positioned and
/// with a hint; [`PlanError::Base`] when the base scenario has errors.
pub fn load(path: &Path) -> Result<Plan, PlanError> {
    let name = path.display().to_string();
    let one = |d: Diagnostic| PlanError::Plan(Diagnostics::single(name.clone(), d));
    let text = match crate::scenario::file::read(path) {
        Ok(t) => t,
        Err(crate::scenario::file::ReadError::NotFound) => {
            return Err(one(Diagnostic::error(format!("plan file `{name}` does not exist"))
                .with_hint("check the path; the README's Sweeps section shows a plan to start from")));
        }
        Err(e) => return Err(one(e.diagnostic(&name))),
    };
    parse(&text, &name, path.parent().unwrap_or(Path::new("")))
}

/// Check a plan whose text was already read; `name` is used in messages and
/// `base` paths are taken relative to `dir`.
///
/// # Errors
///
/// As [`load`].
pub fn parse(text: &str, name: &str, dir: &Path) -> Result<Plan, PlanError> {
    let mut diags = Diagnostics::new(name, text);
    let (doc, errors) = DeTable::parse_recoverable(text);
    for d in syntax_errors(&errors, text) {
        diags.push(d);
    }
    if !errors.is_empty() {
        return Err(PlanError::Plan(diags));
    }
    let root = doc.get_ref();
    let mut r = Read(Reader { text, diags, spans: read::Spans::new() });
    const KEYS: [&str; 6] = ["base", "replicates", "mode", "seed", "cells", "vary"];
    for (k, _) in sorted(root) {
        if !KEYS.contains(&k.get_ref().as_ref()) {
            let shown = |key: &str| if key == "vary" { "`[vary]`".to_owned() } else { suggest::quoted(key) };
            let hint = suggest::key_hint(k.get_ref(), &KEYS, shown);
            r.diags.push(
                Diagnostic::error(format!("unknown key `{}` in the plan", k.get_ref()))
                    .with_span(k.span())
                    .with_hint(hint),
            );
        }
    }
    let get = |key: &str| root.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v);
    let base = match get("base") {
        None => {
            r.diags.push(Diagnostic::error("the plan has no `base`").with_span(0..0).with_hint(
                "add a line like `base = \"scenarios/teaching_toy.toml\"` (relative to the plan file)",
            ));
            None
        }
        Some(v) => r.typed::<String>(v, "base").map(|b| (b, v.span())),
    };
    let replicates = match get("replicates") {
        None => Some(1),
        Some(v) => r.int_in(v, "replicates", 1, MAX_RUNS as i64).map(|n| n as u32),
    };
    let mode = match get("mode") {
        None => Some(Mode::Grid),
        Some(v) => match r.typed::<String>(v, "mode").as_deref() {
            Some("grid") => Some(Mode::Grid),
            Some("zip") => Some(Mode::Zip),
            Some("sample") => Some(Mode::Sample),
            Some(other) => {
                let names = ["grid", "zip", "sample"];
                let hint =
                    suggest::or_nearest(format!("`mode` is one of {}", suggest::list(names)), other, names);
                r.diags.push(
                    Diagnostic::error(format!("unknown mode `{other}`")).with_span(v.span()).with_hint(hint),
                );
                None
            }
            None => None,
        },
    };
    let seed = get("seed").and_then(|v| r.int_in(v, "seed", 0, i64::MAX).map(|s| s as u64));
    let cells = match (get("cells"), mode) {
        (Some(v), Some(Mode::Sample)) => r.int_in(v, "cells", 1, MAX_RUNS as i64).map(|n| n as u32),
        (Some(v), Some(_)) => {
            r.diags.push(
                Diagnostic::error("`cells` is only for `mode = \"sample\"`")
                    .with_span(v.span())
                    .with_hint("remove it: in grid and zip modes the lists in `[vary]` give the cells"),
            );
            None
        }
        (None, Some(Mode::Sample)) => {
            r.diags.push(
                Diagnostic::error("a sample plan needs `cells`, the number of cells to draw")
                    .with_span(get("mode").map_or(0..0, |v| v.span()))
                    .with_hint("add a line like `cells = 50`"),
            );
            None
        }
        _ => Some(0),
    };
    let vary = r.vary(&read::Table::root(root, 0..0), mode.unwrap_or(Mode::Grid));
    // every problem at once: the paths are checked against the base even
    // when other keys of the plan are wrong
    let fail = |mut r: Read| {
        r.diags.sort();
        Err(PlanError::Plan(r.0.diags))
    };
    let Some((base, base_span)) = base else { return fail(r) };

    // the base scenario
    let base_file = crate::scenario::normalize(&dir.join(&base));
    if !base_file.is_file() {
        r.diags.push(
            Diagnostic::error(format!("base scenario `{}` does not exist", base_file.display()))
                .with_span(base_span)
                .with_label("not found")
                .with_hint("the path is relative to the plan file's folder"),
        );
        return fail(r);
    }
    let loaded = match scenario::load(&base_file) {
        Ok(l) => l,
        // the plan's own problems first; the base's once the plan has none
        Err(_) if r.diags.has_errors() => return fail(r),
        Err(e) => return Err(PlanError::Base(e.diagnostics().clone())),
    };
    let base_doc = super::flatten::document(&loaded).map_err(|e| {
        let d = Diagnostic::error(format!("cannot read the base scenario: {e}"));
        PlanError::Base(Diagnostics::single(base_file.display().to_string(), d))
    })?;
    for v in &vary {
        if let Err(e) = ppath::check(&base_doc, &v.path) {
            let mut d = Diagnostic::error(e.message).with_span(v.span.clone());
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            r.diags.push(d);
        }
    }
    if r.diags.has_errors() {
        // the plan stops here, before its cells are checked: say now which
        // values would make an invalid scenario on their own, so every problem shows at once
        let dir = Path::new(&loaded.source.name).parent().unwrap_or(Path::new("")).to_owned();
        for v in vary.iter().filter(|v| ppath::check(&base_doc, &v.path).is_ok()) {
            let Values::List(values) = &v.values else { continue };
            for value in values {
                if let Some(problem) = invalid_alone(&base_doc, v, value, &dir) {
                    let msg =
                        format!("`{} = {}` gives an invalid scenario: {problem}", v.path, inline(value));
                    let hint = "a cell with this value would fail; change or drop the value";
                    r.diags.push(Diagnostic::error(msg).with_span(v.span.clone()).with_hint(hint));
                }
            }
        }
    }
    let (Some(replicates), Some(mode), Some(cells)) = (replicates, mode, cells) else { return fail(r) };
    let plan = Plan {
        file: name.to_owned(),
        text: text.to_owned(),
        sha256: sha256_hex(text.as_bytes()),
        base_file,
        base_sha256: if loaded.source.chain.len() > 1 {
            sha256_hex(loaded.source.text.as_bytes())
        } else {
            loaded.source.sha256.clone()
        },
        seed: seed.unwrap_or(loaded.scenario.seed),
        base: loaded,
        base_doc,
        replicates,
        mode,
        sample_cells: cells,
        vary,
    };
    let runs = plan.n_cells().saturating_mul(u64::from(replicates));
    if runs > MAX_RUNS {
        let span = get("vary").map_or(0..0, |v| v.span());
        r.diags.push(
            Diagnostic::error(format!(
                "this plan makes {} cells × {replicates} replicates = {runs} runs, more than one sweep takes on ({MAX_RUNS})",
                plan.n_cells()
            ))
            .with_span(span)
            .with_hint("use fewer values or replicates, or split the study into several plans"),
        );
    }
    if r.diags.has_errors() {
        r.diags.sort();
        return Err(PlanError::Plan(r.0.diags));
    }
    Ok(plan)
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Entries of a table in file order.
fn sorted<'a, 'i>(
    t: &'a DeTable<'i>,
) -> Vec<(&'a Spanned<std::borrow::Cow<'i, str>>, &'a Spanned<DeValue<'i>>)> {
    let mut v: Vec<_> = t.iter().collect();
    v.sort_by_key(|(k, _)| k.span().start);
    v
}

/// The plan being read with the scenario reader (its problems so far, its
/// wording of type errors and hints), and the plan's own checks.
struct Read<'t>(Reader<'t>);

impl<'t> std::ops::Deref for Read<'t> {
    type Target = Reader<'t>;

    fn deref(&self) -> &Reader<'t> {
        &self.0
    }
}

impl<'t> std::ops::DerefMut for Read<'t> {
    fn deref_mut(&mut self) -> &mut Reader<'t> {
        &mut self.0
    }
}

impl Read<'_> {
    /// The value of the plan's top-level `key`, of type `T`, or a report of its wrong type.
    fn typed<T: Expect>(&mut self, v: &Spanned<DeValue>, key: &str) -> Option<T> {
        self.0.value(v, &format!("`{key}`"), key, key)
    }

    fn int_in(&mut self, v: &Spanned<DeValue>, key: &str, lo: i64, hi: i64) -> Option<i64> {
        let n = self.typed::<i64>(v, key)?;
        if (lo..=hi).contains(&n) {
            return Some(n);
        }
        self.diags.push(
            Diagnostic::error(format!("`{key}` is {n}, out of range"))
                .with_span(v.span())
                .with_hint(format!("use {lo} to {hi}")),
        );
        None
    }

    /// The `[vary]` table of the plan's `root`, reported missing or not a
    /// table as the scenario reader reports a table.
    fn vary(&mut self, root: &read::Table, mode: Mode) -> Vec<Vary> {
        let example = if mode == Mode::Sample {
            "\"rule.volunteering.rate\" = { min = 0.1, max = 2.0 }"
        } else {
            "\"rule.volunteering.points\" = [1, 3, 5]"
        };
        let Some(t) =
            self.0.table(root, "vary", Some(&crate::scenario::keys::Key::required("vary", example)))
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (k, val) in sorted(t.table) {
            let key: &str = k.get_ref();
            let path = ParamPath::parse(key).map_err(|e| {
                self.diags.push(
                    Diagnostic::error(e.message).with_span(k.span()).with_hint(e.hint.unwrap_or_default()),
                );
            });
            // the values are checked even when the path is wrong
            let values = if mode == Mode::Sample { self.range(key, val) } else { self.list(key, val) };
            if let (Ok(path), Some(values)) = (path, values) {
                out.push(Vary { path, values, span: k.span() });
            }
        }
        if out.is_empty() && !self.diags.has_errors() {
            self.diags.push(
                Diagnostic::error("`[vary]` is empty: the plan varies nothing")
                    .with_span(t.header.clone())
                    .with_hint(format!("add a line like `{example}`")),
            );
        }
        if mode == Mode::Zip {
            self.equal_lengths(&out);
        }
        out
    }

    fn list(&mut self, key: &str, val: &Spanned<DeValue>) -> Option<Values> {
        let DeValue::Array(items) = val.get_ref() else {
            let shown = self.text.get(val.span()).unwrap_or("...");
            self.diags.push(
                Diagnostic::error(format!("expected a list of values for `{key}`, found {}", kind(val.get_ref())))
                    .with_span(val.span())
                    .with_hint(format!("write the values in brackets, like `[{shown}]`; ranges `{{ min, max }}` are for `mode = \"sample\"`")),
            );
            return None;
        };
        if items.is_empty() {
            self.diags.push(
                Diagnostic::error(format!("`{key}` has no values"))
                    .with_span(val.span())
                    .with_hint("give at least one value, or remove the line"),
            );
            return None;
        }
        let values: Option<Vec<Value>> =
            items.iter().map(|i| Value::deserialize(ValueDeserializer::from(i.clone())).ok()).collect();
        values.map(Values::List)
    }

    fn range(&mut self, key: &str, val: &Spanned<DeValue>) -> Option<Values> {
        let bad = |what: String| {
            Diagnostic::error(what).with_span(val.span()).with_hint(format!(
                "write a range like `\"{key}\" = {{ min = 1, max = 10 }}` (integers stay integers)"
            ))
        };
        let DeValue::Table(t) = val.get_ref() else {
            self.diags.push(bad(format!(
                "expected a range `{{ min, max }}` for `{key}` in sample mode, found {}",
                kind(val.get_ref())
            )));
            return None;
        };
        let mut ends = [None, None];
        for (k, v) in t.iter() {
            let slot = match k.get_ref().as_ref() {
                "min" => 0,
                "max" => 1,
                other => {
                    self.diags.push(
                        Diagnostic::error(format!("unknown key `{other}` in the range of `{key}`"))
                            .with_span(k.span())
                            .with_hint("a range has only `min` and `max`"),
                    );
                    continue;
                }
            };
            ends[slot] = match v.get_ref() {
                DeValue::Integer(_) => {
                    i64::deserialize(ValueDeserializer::from(v.clone())).ok().map(|n| (n as f64, true))
                }
                DeValue::Float(_) => f64::deserialize(ValueDeserializer::from(v.clone()))
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(|x| (x, false)),
                _ => None,
            };
            if ends[slot].is_none() {
                self.diags.push(
                    Diagnostic::error(format!("expected a finite number for `{}` of `{key}`", k.get_ref()))
                        .with_span(v.span())
                        .with_hint("write a number without quotes"),
                );
                return None;
            }
        }
        let [Some((min, a)), Some((max, b))] = ends else {
            self.diags.push(bad(format!("the range of `{key}` needs both `min` and `max`")));
            return None;
        };
        if min > max {
            self.diags.push(bad(format!("the range of `{key}` has `min` {min} above `max` {max}")));
            return None;
        }
        Some(Values::Range { min, max, integer: a && b })
    }

    fn equal_lengths(&mut self, vary: &[Vary]) {
        let Some(first) = vary.first() else { return };
        let n = list(first).len();
        for v in &vary[1..] {
            let m = list(v).len();
            if m != n {
                self.diags.push(
                    Diagnostic::error(format!("`{}` has {m} values, but `{}` has {n}", v.path, first.path))
                        .with_span(v.span.clone())
                        .with_label(format!("{m} values"))
                        .with_hint("in zip mode every list needs the same length (cell i takes the i-th value of each); use `mode = \"grid\"` for every combination"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> Result<Plan, PlanError> {
        parse(text, "p.toml", Path::new(env!("CARGO_MANIFEST_DIR")))
    }

    const BASE: &str = "base = \"scenarios/teaching_toy.toml\"\n";

    #[test]
    fn grid_is_the_cartesian_product_last_fastest() {
        let p = plan(&format!(
            "{BASE}replicates = 2\n[vary]\n\"rule.volunteer_service.points\" = [1, 2, 3]\n\"tier.A.min\" = [950, 960]\n"
        ))
        .unwrap();
        assert_eq!(p.n_cells(), 6);
        assert_eq!(p.seed, 42, "the base scenario's seed by default");
        let cells = p.cells();
        let pairs: Vec<(i64, i64)> = cells
            .iter()
            .map(|c| (c.params[0].as_integer().unwrap(), c.params[1].as_integer().unwrap()))
            .collect();
        assert_eq!(pairs, [(1, 950), (1, 960), (2, 950), (2, 960), (3, 950), (3, 960)]);
        let text = p.cell_text(&cells[3], "c0003").unwrap();
        let s = scenario::parse(&text, "c.toml").unwrap().scenario;
        assert_eq!(s.rules[0].points, 2);
        assert_eq!(s.tiers.iter().find(|t| t.name == "A").unwrap().min, 960);
        // everything else is the base: same scenario apart from the two values
        let mut base = p.base.scenario.clone();
        base.rules[0].points = 2;
        assert_eq!(s, base);
    }

    #[test]
    fn zip_and_sample() {
        let p = plan(&format!(
            "{BASE}mode = \"zip\"\n[vary]\n\"population.size\" = [10, 20]\n\"scenario.steps\" = [3, 4]\n"
        ))
        .unwrap();
        let c = p.cells();
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].params, [Value::Integer(20), Value::Integer(4)]);
        let p = plan(&format!(
            "{BASE}mode = \"sample\"\ncells = 8\nseed = 3\n[vary]\n\"population.size\" = {{ min = 10, max = 17 }}\n\"rule.traffic_ticket.rate\" = {{ min = 0.0, max = 1.0 }}\n"
        ))
        .unwrap();
        let c = p.cells();
        // a Latin hypercube: one value in each eighth of each range
        let mut sizes: Vec<i64> = c.iter().map(|c| c.params[0].as_integer().unwrap()).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, (10..=17).collect::<Vec<_>>());
        let mut bins: Vec<usize> =
            c.iter().map(|c| (c.params[1].as_float().unwrap() * 8.0) as usize).collect();
        bins.sort_unstable();
        assert_eq!(bins, (0..8).collect::<Vec<_>>());
        assert_eq!(c, p.cells(), "deterministic");
    }

    #[test]
    fn every_problem_at_once() {
        let e =
            plan("base = 3\nreplicate = 2\nmode = \"gird\"\n[vary]\n\"rule.x.points\" = 3\n").unwrap_err();
        let PlanError::Plan(d) = &e else { panic!("{e:?}") };
        let out = d.render(false);
        assert_eq!(d.error_count(), 4, "{out}");
        assert!(out.contains("did you mean `replicates`?"), "{out}");
        assert!(out.contains("`mode` is one of `grid`, `zip`, `sample`; did you mean `grid`?"), "{out}");
        // the scenario reader's wording of a wrong type
        assert!(out.contains("expected a string for `base`, found an integer"), "{out}");
        assert!(out.contains("put the text in double quotes, like `base = \"...\"`"), "{out}");
    }

    #[test]
    fn a_missing_or_wrong_vary_is_reported_like_a_scenario_table() {
        let render = |text: &str| match plan(text) {
            Err(PlanError::Plan(d)) => d.render(false),
            other => panic!("{other:?}"),
        };
        let out = render("base = \"b.toml\"\nmode = \"zip\"\n");
        assert!(out.contains("missing table `[vary]`"), "{out}");
        assert!(
            out.contains("add a `[vary]` table with at least `\"rule.volunteering.points\" = [1, 3, 5]`"),
            "{out}"
        );
        let out = render("base = \"b.toml\"\nvary = 3\n");
        assert!(out.contains("expected a table for `vary`, found an integer"), "{out}");
        let out = render("base = \"b.toml\"\ncolour = 1\n[vary]\n\"rule.x.points\" = [1]\n");
        assert!(
            out.contains("valid keys here are `base`, `replicates`, `mode`, `seed`, `cells`, `vary`"),
            "{out}"
        );
    }

    #[test]
    fn paths_are_checked_against_the_base_and_runs_capped() {
        let e = plan(&format!("{BASE}[vary]\n\"rule.volunteer_servic.points\" = [1]\n")).unwrap_err();
        let out = e.render(false);
        assert!(out.contains("p.toml:3:1"), "{out}");
        assert!(out.contains("did you mean `rule.volunteer_service.points`?"), "{out}");
        let e = plan(&format!(
            "{BASE}replicates = 1000\n[vary]\n\"population.size\" = [{}]\n",
            "1, ".repeat(101)
        ))
        .unwrap_err();
        assert!(
            e.render(false).contains("101000 runs, more than one sweep takes on (100000)"),
            "{}",
            e.render(false)
        );
    }
}
