//! Every call into the `pointsim` library, in one place: the rest of the
//! binding sees only the plain types defined here, so a rename or a move in
//! the library is a fix to this one file.
//!
//! Each function does what the matching CLI command does (`src/cli/*.rs`)
//! with the same library calls, and returns the bytes the command writes, so
//! the Python objects built from them equal the CLI's files by construction.

use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use pointsim::batch::compare as cmp;
use pointsim::batch::journal::Record;
use pointsim::batch::manifest::SWEEP_JSON;
use pointsim::batch::{flatten, path as ppath, plan, tables};
use pointsim::output::{self, CompareInfo, RunInfo};
use pointsim::scenario::{self, Diagnostic, Diagnostics, Loaded};

/// The small-cell threshold of the CLI's `--min-cell`.
pub const DEFAULT_MIN_CELL: u32 = output::DEFAULT_MIN_CELL;

/// The largest population pointsim accepts.
pub const MAX_POPULATION: u64 = pointsim::MAX_POPULATION;

/// The pointsim library's version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A failure, before it becomes a Python exception (`errors.rs`).
#[derive(Debug)]
pub enum Error {
    /// A scenario or plan with errors: the CLI's rendered text, and each item.
    Scenario { rendered: String, items: Vec<Item> },
    /// A bad argument (`ValueError`), worded as the CLI words it.
    Value(String),
    /// A file-system failure (`OSError`).
    Io(String),
    /// Anything else (`RuntimeError`).
    Other(String),
}

/// One diagnostic as plain data.
#[derive(Debug, Clone)]
pub struct Item {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The file it points into (the scenario file when it has no place).
    pub file: String,
    /// 1-based line and column as the CLI prints them, when it has a place.
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub message: String,
    pub label: Option<String>,
    pub hint: Option<String>,
}

/// The most items `Diagnostics::render` shows (`scenario::diag::MAX_SHOWN`, not exported).
const MAX_SHOWN: usize = 1000;

/// A rendered list of diagnostics (plain text, as the CLI prints it with `NO_COLOR`).
fn scenario_error(d: &Diagnostics) -> Error {
    Error::Scenario { rendered: d.render(false), items: items(d) }
}

/// The items of `d`, with the file, line and column the CLI shows for each.
///
/// Positions are read from the rendered text (`  --> file:line:column`, one
/// per item with a place, in order): the library renders them but does not
/// expose the file chain of an overlay.
pub fn items(d: &Diagnostics) -> Vec<Item> {
    let plain = d.render_items(false);
    let mut places = plain.lines().filter_map(|l| l.trim_start().strip_prefix("--> ")).map(place);
    d.items()
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let at = if x.span.is_some() && i < MAX_SHOWN { places.next().flatten() } else { None };
            let (file, line, column) = match at {
                Some((f, l, c)) => (f, Some(l), Some(c)),
                None => (d.file_name().to_owned(), None, None),
            };
            Item {
                severity: if x.is_error() { "error" } else { "warning" },
                file,
                line,
                column,
                message: x.message.clone(),
                label: x.label.clone(),
                hint: x.hint.clone(),
            }
        })
        .collect()
}

/// `file:line:column` → its parts (the file name may itself hold colons).
fn place(text: &str) -> Option<(String, u64, u64)> {
    let mut parts = text.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_owned(), line, column))
}

/// An error message as the CLI prints it (`error: ...`, a blank line, `hint: ...`).
fn plain(msg: &str, hint: Option<&str>) -> String {
    match hint {
        Some(h) => format!("error: {msg}\n\nhint: {h}\n"),
        None => format!("error: {msg}\n"),
    }
}

/// A loaded scenario, with the `set` changes made to it.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file as loaded (before any change).
    original: Loaded,
    /// The folder an `extends` of a changed text is read from.
    dir: PathBuf,
    /// `(path, value as TOML)` of each change, in order.
    sets: Vec<(String, toml::Value)>,
    /// The scenario to run: `original` with `sets` applied.
    loaded: Loaded,
}

impl Scenario {
    /// `pointsim.load`: read and check a file (overlays resolved).
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let loaded = scenario::load(path).map_err(|e| scenario_error(e.diagnostics()))?;
        let dir = path.parent().unwrap_or(Path::new("")).to_owned();
        Ok(Scenario { original: loaded.clone(), dir, sets: vec![], loaded })
    }

    /// `pointsim.loads`: check a text; `name` names it in messages and its
    /// folder is where an `extends` is read from.
    pub fn parse(text: &str, name: &str) -> Result<Scenario, Error> {
        let loaded = scenario::parse(text, name).map_err(|d| scenario_error(&d))?;
        let dir = Path::new(name).parent().unwrap_or(Path::new("")).to_owned();
        Ok(Scenario { original: loaded.clone(), dir, sets: vec![], loaded })
    }

    /// `Scenario.set`: a new scenario with one more value changed, as
    /// `pointsim compare --set PATH=VALUE` makes it (`src/cli/compare.rs: with_sets`).
    pub fn set(&self, path: &str, value: toml::Value) -> Result<Scenario, Error> {
        let mut sets = self.sets.clone();
        sets.push((path.to_owned(), value));
        let shown: Vec<String> = sets.iter().map(|(p, v)| format!("{p}={}", inline(v))).collect();
        let bad = |msg: String, hint: Option<String>| Error::Value(plain(&msg, hint.as_deref()));
        let mut doc = flatten::document(&self.original).map_err(|e| bad(e, None))?;
        for (p, v) in &sets {
            let set = format!("{p}={}", inline(v));
            let parsed = ppath::ParamPath::parse(p.trim())
                .map_err(|e| bad(format!("in `--set {set}`: {}", e.message), e.hint))?;
            ppath::apply(&mut doc, &parsed, v.clone())
                .map_err(|e| bad(format!("in `--set {set}`: {}", e.message), e.hint))?;
        }
        let text = toml::to_string(&doc)
            .map_err(|e| bad(format!("cannot write the changed scenario: {e}"), None))?;
        let name = format!("{} with --set {}", self.original.source.name, shown.join(" --set "));
        let mut loaded = scenario::parse_in(&text, &name, &self.dir).map_err(|d| {
            // positions would point into the changed document, not a file: leave them out
            let mut flat = Diagnostics::new(name.clone(), "");
            for item in d.items() {
                let mut item = item.clone();
                item.span = None;
                flat.push(item);
            }
            scenario_error(&flat)
        })?;
        loaded.scenario.name = format!("{} ({})", loaded.scenario.name, shown.join(", "));
        loaded.source.chain = self.original.source.chain.clone();
        Ok(Scenario { original: self.original.clone(), dir: self.dir.clone(), sets, loaded })
    }

    /// The scenario's name (`scenario.name`).
    pub fn name(&self) -> &str {
        &self.loaded.scenario.name
    }

    /// The file name as given (or the name given to `loads`).
    pub fn file(&self) -> &str {
        &self.loaded.source.name
    }

    /// `population.size`, `scenario.steps`, `scenario.seed`.
    pub fn population(&self) -> u64 {
        self.loaded.scenario.population
    }
    pub fn steps(&self) -> u32 {
        self.loaded.scenario.steps
    }
    pub fn seed(&self) -> u64 {
        self.loaded.scenario.seed
    }

    /// Ids of rules, perks and restrictions, and names of tiers and groups.
    pub fn names(&self) -> [(&'static str, Vec<String>); 5] {
        let s = &self.loaded.scenario;
        [
            ("rules", s.rules.iter().map(|r| r.id.clone()).collect()),
            ("tiers", s.tiers.iter().map(|t| t.name.clone()).collect()),
            ("perks", s.perks.iter().map(|p| p.id.clone()).collect()),
            ("restrictions", s.restrictions.iter().map(|r| r.id.clone()).collect()),
            ("groups", s.groups.iter().map(|g| g.name.clone()).collect()),
        ]
    }

    /// The scenario's text with every change and overlay merged in (TOML).
    pub fn to_toml(&self) -> Result<String, Error> {
        let mut doc = flatten::document(&self.original).map_err(Error::Other)?;
        for (p, v) in &self.sets {
            let parsed = ppath::ParamPath::parse(p).map_err(|e| Error::Other(e.message))?;
            ppath::apply(&mut doc, &parsed, v.clone()).map_err(|e| Error::Other(e.message))?;
        }
        toml::to_string(&doc).map_err(|e| Error::Other(e.to_string()))
    }

    /// Warnings found while loading, rendered and as items.
    pub fn warnings(&self) -> (String, Vec<Item>) {
        (self.loaded.warnings.render(false), items(&self.loaded.warnings))
    }
}

/// A TOML value on one line, as in `--set` (`10`, `"A"`, `[1, 2]`).
fn inline(v: &toml::Value) -> String {
    plan::inline(v)
}

/// The options of `pointsim run` that a Python call can give.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub seed: Option<u64>,
    pub population: Option<u64>,
    pub steps: Option<u32>,
    pub min_cell: u32,
}

impl Options {
    fn overrides(&self) -> pointsim::Overrides {
        pointsim::Overrides { seed: self.seed, population: self.population, steps: self.steps }
    }
}

/// Threads to use: `jobs`, else `SLURM_CPUS_PER_TASK`, else every core (as `-j`).
pub fn threads(jobs: Option<usize>) -> usize {
    if let Some(j) = jobs {
        return j;
    }
    if let Some(n) = std::env::var("SLURM_CPUS_PER_TASK").ok().and_then(|v| v.trim().parse::<usize>().ok())
        && n > 0
    {
        return n;
    }
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The scenario with the overrides applied, refused as `pointsim run` refuses it.
fn overridden(s: &Scenario, o: &Options) -> Result<scenario::Scenario, Error> {
    let mut sc = s.loaded.scenario.clone();
    pointsim::apply_overrides(&mut sc, &o.overrides())
        .map_err(|errs| Error::Value(errs.iter().map(|e| format!("error: {e}\n")).collect()))?;
    Ok(sc)
}

/// Refuse what cannot run here before anything runs (`src/cli/run.rs`):
/// too many events, or more memory than is available.
fn runnable(s: &Scenario, sc: &scenario::Scenario, o: &Options, threads: usize) -> Result<(), Error> {
    let source = &s.loaded.source;
    let mut diags = source.diagnostics();
    let size_span =
        if o.population.is_none() && s.sets.is_empty() { source.span_of("population.size") } else { None };
    if let Some(avail) = pointsim::available_memory()
        && let Err(need) = pointsim::check_memory(sc, threads, avail)
    {
        let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
        let mut d = Diagnostic::error(format!(
            "this run needs about {:.1} GiB of memory, but only {:.1} GiB are available",
            gib(need),
            gib(avail)
        ))
        .with_hint(
            "lower `population.size` or `scenario.steps`, raise `report.snapshot_every`, use fewer threads (`jobs`), \
             bound the scores with `score.min` and `score.max`, or try `population=N` for a smaller run",
        );
        if let Some(span) = size_span.clone() {
            d = d.with_span(span).with_label("this many subjects");
        }
        diags.push(d);
    }
    if let Err(events) = pointsim::check_workload(sc) {
        let mut d = Diagnostic::error(format!(
            "this run would simulate about {events:.1e} events, more than pointsim takes on ({:.0e})",
            pointsim::MAX_EVENTS
        ))
        .with_hint("lower the rates and multipliers, `population.size` or `scenario.steps`");
        if let Some(span) = size_span {
            d = d.with_span(span).with_label("this many subjects");
        }
        diags.push(d);
    }
    if diags.has_errors() { Err(scenario_error(&diags)) } else { Ok(()) }
}

/// A run ready to start: checked, with its overrides applied.
pub struct RunPlan {
    source: scenario::SourceFile,
    scenario: scenario::Scenario,
    options: Options,
    threads: usize,
}

/// Check a run of `s` with `o` on `threads` threads.
pub fn plan_run(s: &Scenario, o: &Options, threads: usize) -> Result<RunPlan, Error> {
    let scenario = overridden(s, o)?;
    runnable(s, &scenario, o, threads)?;
    Ok(RunPlan { source: s.loaded.source.clone(), scenario, options: *o, threads })
}

/// A finished run and what `pointsim run` records about it.
pub struct Run {
    plan: RunPlan,
    sim: pointsim::Simulation,
    started_at: SystemTime,
    wall_seconds: f64,
}

/// Simulate a planned run (on the current rayon pool), as `pointsim run` does.
pub fn run(plan: RunPlan, progress: &(dyn Fn(u64) + Sync)) -> Run {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let sim = pointsim::simulate(&plan.scenario, plan.scenario.seed, progress);
    Run { plan, sim, started_at, wall_seconds: clock.elapsed().as_secs_f64() }
}

impl Run {
    fn info(&self) -> RunInfo {
        RunInfo {
            scenario_file: self.plan.source.name.clone(),
            scenario_sha256: self.plan.source.sha256.clone(),
            scenario_chain: self.plan.source.chain.clone(),
            seed: self.plan.scenario.seed,
            overrides: self.plan.options.overrides(),
            min_cell: self.plan.options.min_cell,
            command_line: command_line(),
            threads: self.plan.threads,
            wall_seconds: self.wall_seconds,
            started_at: self.started_at,
        }
    }

    /// `summary.json`, `steps.csv` and `histogram.csv`, byte for byte as `pointsim run` writes them.
    pub fn summary_json(&self) -> Vec<u8> {
        let (s, o) = (&self.plan.scenario, &self.plan.options);
        output::summary_json(s, s.seed, &self.sim.summary, o.min_cell)
    }
    pub fn steps_csv(&self) -> Vec<u8> {
        output::steps_csv(&self.plan.scenario, &self.sim.summary, self.plan.options.min_cell)
    }
    pub fn histogram_csv(&self) -> Vec<u8> {
        output::histogram_csv(&self.plan.scenario, &self.sim.summary, self.plan.options.min_cell)
    }
    /// `manifest.json`.
    pub fn manifest_json(&self) -> Vec<u8> {
        output::manifest_json(&self.plan.scenario, &self.sim.summary, &self.info())
    }

    /// The final scores, moved out (the second call gets an empty vector).
    pub fn take_final_scores(&mut self) -> Vec<i64> {
        std::mem::take(&mut self.sim.output.final_scores)
    }

    /// Seed, population size, threads and wall-clock seconds of the run.
    pub fn facts(&self) -> (u64, u64, usize, f64) {
        (self.plan.scenario.seed, self.plan.scenario.population, self.plan.threads, self.wall_seconds)
    }

    /// `pointsim trace --format json` of one subject (`src/cli/trace.rs`).
    pub fn trace(&self, subject: u64) -> Result<Vec<u8>, Error> {
        let s = &self.plan.scenario;
        let n = self.sim.population.len();
        if subject >= n {
            return Err(Error::Value(plain(
                &format!("subject `{subject}` is out of range"),
                Some(&format!(
                    "the population has {n} subjects, numbered 0 to {}; `population=N` sets another size",
                    n - 1
                )),
            )));
        }
        let per_subject = pointsim::engine::max_events_per_subject(s);
        if !(per_subject.is_finite() && per_subject <= 1e8) {
            return Err(Error::Value(plain(
                &format!(
                    "a subject could have about {per_subject:.1e} events in this scenario, too many to trace"
                ),
                Some("lower the rates and multipliers, or trace fewer steps with `steps=N`"),
            )));
        }
        let t = pointsim::trace::trace(s, &self.sim.population, s.seed, subject);
        Ok(pointsim::trace::json_document(s, s.seed, &[t]))
    }

    /// The data files of the run, as `pointsim run --no-plots` writes them.
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        output::standard_files(&self.plan.scenario, &self.sim.summary, &self.info())
    }

    /// Write the folder `pointsim run` writes (with charts and report unless
    /// `plots` is false); returns the paths written.
    pub fn write(&self, out: &Path, force: bool, plots: bool) -> Result<Vec<PathBuf>, Error> {
        refuse_own_inputs(out, &self.plan.source)?;
        output::prepare_out_dir(out, force).map_err(|e| Error::Value(format!("error: {e}\n")))?;
        if force {
            remove_earlier_pictures(out)
                .map_err(|e| io("cannot remove earlier charts from the output folder", &e))?;
        }
        let files = self.files();
        output::write_all(out, &files)
            .map_err(|e| io(&format!("cannot write results to `{}`", out.display()), &e))?;
        let mut written: Vec<PathBuf> = files.iter().map(|(n, _)| out.join(n)).collect();
        if plots {
            let rendered = render_plots(out)?;
            let refs: Vec<(&str, Vec<u8>)> = rendered.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
            output::write_all(out, &refs)
                .map_err(|e| io(&format!("cannot write plots to `{}`", out.display()), &e))?;
            written.extend(rendered.iter().map(|(n, _)| out.join(n)));
        }
        Ok(written)
    }

    /// The run's charts as SVG, drawn as `pointsim plot` draws them (from the
    /// data files, written to a temporary folder first).
    pub fn charts(&self) -> Result<Vec<Chart>, Error> {
        let dir = tempfile::tempdir().map_err(|e| io("cannot make a temporary folder", &e))?;
        output::write_all(dir.path(), &self.files())
            .map_err(|e| io("cannot write a temporary folder", &e))?;
        let data = pointsim::plot::RunData::load(dir.path()).map_err(|e| Error::Other(e.to_string()))?;
        let charts = pointsim::plot::charts(&data)
            .map_err(|e| Error::Other(format!("cannot draw the charts: {e}")))?;
        Ok(charts
            .into_iter()
            .map(|c| Chart { name: c.name.to_owned(), title: c.title, svg: c.svg })
            .collect())
    }
}

/// One chart for a notebook.
pub struct Chart {
    pub name: String,
    pub title: String,
    pub svg: String,
}

/// The process's argv, as the CLI records it (lossy where not UTF-8).
fn command_line() -> Vec<String> {
    std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect()
}

fn io(what: &str, e: &std::io::Error) -> Error {
    Error::Io(format!("{what}: {e}"))
}

/// Charts and report of the run folder `dir` (`src/cli/plot.rs: write_plots`).
fn render_plots(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let data = pointsim::plot::RunData::load(dir).map_err(|e| Error::Other(e.to_string()))?;
    pointsim::plot::render(&data).map_err(|e| Error::Other(format!("cannot draw the charts: {e}")))
}

/// Remove the charts and report of an earlier run in `out` (`src/cli/run.rs`).
fn remove_earlier_pictures(out: &Path) -> std::io::Result<()> {
    let mut names = vec![out.join("report.html")];
    for chart in pointsim::plot::CHART_NAMES {
        names.push(out.join("plots").join(format!("{chart}.png")));
        names.push(out.join("plots").join(format!("{chart}.svg")));
    }
    for path in names {
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    let _ = std::fs::remove_dir(out.join("plots"));
    Ok(())
}

/// Refuse an output folder that is or holds one of the scenario's files (`src/cli/inputs.rs`).
fn refuse_own_inputs(out: &Path, source: &scenario::SourceFile) -> Result<(), Error> {
    let Ok(out_c) = std::fs::canonicalize(out) else { return Ok(()) };
    for f in &source.chain {
        let Ok(in_c) = std::fs::canonicalize(&f.file) else { continue };
        if in_c.starts_with(&out_c) {
            return Err(Error::Value(plain(
                &format!(
                    "output folder `{}` holds `{}`, one of this command's inputs",
                    out.display(),
                    f.file
                ),
                Some(
                    "choose another folder; nothing is written over or removed from a command's own inputs, even with force",
                ),
            )));
        }
    }
    Ok(())
}

/// A comparison ready to start.
pub struct ComparePlan {
    base: scenario::Scenario,
    reform: scenario::Scenario,
    info: CompareInfo,
    replicates: u32,
    min_cell: u32,
}

/// Check a comparison as `pointsim compare` does (`src/cli/compare.rs`).
pub fn plan_compare(
    base: &Scenario,
    reform: &Scenario,
    o: &Options,
    replicates: u32,
    threads: usize,
) -> Result<ComparePlan, Error> {
    if !(1..=10_000).contains(&replicates) {
        return Err(Error::Value(format!(
            "error: `replicates={replicates}` is out of range: use 1 to 10000\n"
        )));
    }
    let a = overridden(base, o)?;
    let b = overridden(reform, o)?;
    cmp::comparable(&a, &b).map_err(|why| {
        Error::Value(plain(
            &format!("cannot compare `{}` with `{}`: {why}", base.file(), reform.file()),
            Some(&format!(
                "a reform changes rules, tiers, perks or restrictions of the same population; write it as an \
                 overlay with `extends = \"{}\"`",
                base.file()
            )),
        ))
    })?;
    for (s, sc) in [(base, &a), (reform, &b)] {
        runnable(s, sc, o, threads)?;
    }
    let seed = a.seed;
    let info = CompareInfo {
        base_name: a.name.clone(),
        base_chain: base.loaded.source.chain.clone(),
        reform_name: b.name.clone(),
        reform_chain: reform.loaded.source.chain.clone(),
        overrides: pointsim::Overrides { seed: Some(seed), ..o.overrides() },
        command_line: command_line(),
    };
    Ok(ComparePlan { base: a, reform: b, info, replicates, min_cell: o.min_cell })
}

/// A finished comparison.
pub struct Comparison {
    c: cmp::Comparison,
    info: CompareInfo,
}

/// Run a planned comparison on the current rayon pool.
pub fn compare(p: ComparePlan, progress: &(dyn Fn(u64) + Sync)) -> Result<Comparison, Error> {
    let seed = p.base.seed;
    let c = cmp::compare(&p.base, &p.reform, seed, p.replicates, p.min_cell, progress)
        .map_err(|why| Error::Value(format!("error: {why}\n")))?;
    Ok(Comparison { c, info: p.info })
}

/// File names of a comparison's chart and page.
const COMPARE_HTML: &str = "compare.html";
const COMPARE_PNG: &str = "plots/compare_distribution.png";
const COMPARE_SVG: &str = "plots/compare_distribution.svg";

impl Comparison {
    /// `compare.json`, `compare.csv`, `transitions.csv`, `access_changes.csv`, as `pointsim compare` writes them.
    pub fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("compare.json", output::compare_json(&self.c, &self.info)),
            ("compare.csv", output::compare_csv(&self.c)),
            ("transitions.csv", output::transitions_csv(&self.c)),
            ("access_changes.csv", output::access_changes_csv(&self.c)),
        ]
    }

    /// The distribution chart as SVG.
    pub fn chart_svg(&self) -> Result<String, Error> {
        Ok(self.chart()?.svg)
    }

    fn chart(&self) -> Result<pointsim::plot::Chart, Error> {
        pointsim::plot::compare_chart(&self.c, &self.info)
            .map_err(|e| Error::Other(format!("cannot draw the comparison chart: {e}")))
    }

    /// Write the folder `pointsim compare` writes; returns the paths written.
    pub fn write(&self, out: &Path, force: bool, plots: bool) -> Result<Vec<PathBuf>, Error> {
        output::prepare_out_dir(out, force).map_err(|e| Error::Value(format!("error: {e}\n")))?;
        if force {
            for name in [COMPARE_HTML, COMPARE_PNG, COMPARE_SVG] {
                match std::fs::remove_file(out.join(name)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(io("cannot remove an earlier chart", &e));
                    }
                    _ => {}
                }
            }
        }
        let mut files = self.files();
        if plots {
            let chart = self.chart()?;
            let html = pointsim::plot::compare_html(&self.c, &self.info, Some(&chart));
            files.push((COMPARE_PNG, chart.png));
            files.push((COMPARE_SVG, chart.svg.into_bytes()));
            files.push((COMPARE_HTML, html.into_bytes()));
        }
        output::write_all(out, &files)
            .map_err(|e| io(&format!("cannot write results to `{}`", out.display()), &e))?;
        Ok(files.iter().map(|(n, _)| out.join(n)).collect())
    }
}

/// A sweep plan, loaded and checked.
pub struct Plan(plan::Plan);

/// `pointsim sweep`'s first step: read and check a plan and its base scenario.
pub fn load_plan(path: &Path) -> Result<Plan, Error> {
    plan::load(path).map(Plan).map_err(|e| match e {
        plan::PlanError::Plan(d) | plan::PlanError::Base(d) => scenario_error(&d),
    })
}

/// A sweep with every run done.
pub struct Sweep {
    sweep: pointsim::batch::sweep::Sweep,
    records: Vec<Record>,
}

/// Run every cell × replicate of `plan` on the current rayon pool
/// (`src/cli/sweep.rs`, without the journal on disk); `cancelled` is asked
/// before each run.
pub fn sweep(plan: Plan, independent_seeds: bool, threads: usize, cancelled: &(dyn Fn() + Sync)) -> Sweep {
    use rayon::prelude::*;
    let sweep = pointsim::batch::sweep::Sweep::prepare(
        plan.0,
        independent_seeds,
        None,
        threads,
        pointsim::available_memory(),
    );
    let runs = sweep.runs();
    let records: Vec<Record> = runs
        .par_iter()
        .map(|&(c, r)| {
            cancelled();
            sweep.run(c, r)
        })
        .collect();
    Sweep { sweep, records }
}

impl Sweep {
    /// `sweep.json`.
    pub fn manifest_json(&self) -> Vec<u8> {
        self.sweep.manifest.to_json()
    }

    /// `runs.csv`, `runs.parquet`, `cells.csv`, `cells.parquet`, as `pointsim sweep` writes them.
    pub fn table_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>, Error> {
        tables::table_files(&self.sweep.manifest, &self.records).map_err(Error::Other)
    }

    /// Each chart of the sweep as (file stem, SVG, PNG).
    fn charts(&self) -> Result<Vec<(String, String, Vec<u8>)>, Error> {
        let (_, cells) = tables::tables(&self.sweep.manifest, &self.records).map_err(Error::Other)?;
        pointsim::batch::plots::figures(&self.sweep.manifest, &cells)
            .iter()
            .map(|(stem, fig)| {
                pointsim::plot::sweep_chart(fig)
                    .map(|(svg, png)| (stem.clone(), svg, png))
                    .map_err(|e| Error::Other(format!("cannot draw the sweep charts: {e}")))
            })
            .collect()
    }

    /// The charts as (file stem, SVG).
    pub fn charts_svg(&self) -> Result<Vec<(String, String)>, Error> {
        Ok(self.charts()?.into_iter().map(|(stem, svg, _)| (stem, svg)).collect())
    }

    /// Runs that failed, and how many runs there were.
    pub fn failures(&self) -> (usize, usize) {
        (self.records.iter().filter(|r| !r.is_ok()).count(), self.records.len())
    }

    /// Write the folder `pointsim sweep` writes (cells, sweep.json, journal,
    /// tables, charts unless `plots` is false) into an empty or new `out`.
    pub fn write(&self, out: &Path, plots: bool) -> Result<Vec<PathBuf>, Error> {
        let empty = match std::fs::read_dir(out) {
            Ok(mut d) => d.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(io(&format!("cannot use output folder `{}`", out.display()), &e)),
        };
        if !empty {
            return Err(Error::Value(plain(
                &format!("output folder `{}` is not empty", out.display()),
                Some("choose an empty or new folder"),
            )));
        }
        output::prepare_out_dir(out, true).map_err(|e| Error::Value(format!("error: {e}\n")))?;
        let cells = self.sweep.cell_files();
        let mut files: Vec<(String, Vec<u8>)> = cells;
        files.push((SWEEP_JSON.to_owned(), self.manifest_json()));
        files.push((
            pointsim::batch::journal::JOURNAL.to_owned(),
            pointsim::batch::journal::lines(&self.records),
        ));
        files.extend(self.table_files()?.into_iter().map(|(n, b)| (n.to_owned(), b)));
        if plots {
            for (stem, svg, png) in self.charts()? {
                files.push((format!("plots/{stem}.svg"), svg.into_bytes()));
                files.push((format!("plots/{stem}.png"), png));
            }
        }
        let refs: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
        output::write_all(out, &refs)
            .map_err(|e| io(&format!("cannot write results to `{}`", out.display()), &e))?;
        Ok(files.iter().map(|(n, _)| out.join(n)).collect())
    }
}

/// `pointsim check FILE`: every diagnostic of one file (errors, warnings,
/// problems with its rule tests), and the CLI's rendering of them.
pub fn check(path: &Path) -> (String, Vec<Item>) {
    match scenario::load(path) {
        Ok(loaded) => {
            let mut rendered = loaded.test_errors.render(false);
            rendered.push_str(&loaded.warnings.render(false));
            let mut all = items(&loaded.test_errors);
            all.extend(items(&loaded.warnings));
            (rendered, all)
        }
        Err(e) => (e.diagnostics().render(false), items(e.diagnostics())),
    }
}
