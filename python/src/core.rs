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
use pointsim::batch::plan;
use pointsim::batch::set::{self, Change, SetError};
use pointsim::budget::{self, Job};
use pointsim::output::{self, CompareInfo, RunInfo};
use pointsim::results::sweep::{Record, SWEEP_JSON};
use pointsim::results::tables;
use pointsim::scenario::{self, Diagnostics, Loaded};

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
    /// Each change, in order.
    sets: Vec<Change>,
    /// The scenario to run: `original` with `sets` applied.
    loaded: Loaded,
}

impl Scenario {
    /// `pointsim.load`: read and check a file (overlays resolved).
    pub fn load(path: &Path) -> Result<Scenario, Error> {
        let loaded = scenario::load(path).map_err(|e| scenario_error(e.diagnostics()))?;
        Ok(Scenario { original: loaded.clone(), sets: vec![], loaded })
    }

    /// `pointsim.loads`: check a text; `name` names it in messages and its
    /// folder is where an `extends` is read from.
    pub fn parse(text: &str, name: &str) -> Result<Scenario, Error> {
        let loaded = scenario::parse(text, name).map_err(|d| scenario_error(&d))?;
        Ok(Scenario { original: loaded.clone(), sets: vec![], loaded })
    }

    /// `Scenario.set`: a new scenario with one more value changed, as
    /// `pointsim compare --set PATH=VALUE` makes it ([`set::with_sets`]).
    pub fn set(&self, path: &str, value: toml::Value) -> Result<Scenario, Error> {
        let mut sets = self.sets.clone();
        sets.push(Change { shown: format!("{path}={}", plan::inline(&value)), path: path.to_owned(), value });
        let loaded = set::with_sets(self.original.clone(), &sets).map_err(|e| match e {
            SetError::Path(e) => Error::Value(plain(&e.message, e.hint.as_deref())),
            SetError::Invalid(d) => scenario_error(&d),
        })?;
        Ok(Scenario { original: self.original.clone(), sets, loaded })
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
        let doc = set::document(&self.original, &self.sets).map_err(|e| Error::Other(e.message))?;
        toml::to_string(&doc).map_err(|e| Error::Other(e.to_string()))
    }

    /// Warnings found while loading, rendered and as items.
    pub fn warnings(&self) -> (String, Vec<Item>) {
        (self.loaded.warnings.render(false), items(&self.loaded.warnings))
    }
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
pub fn threads(jobs: Option<std::num::NonZeroUsize>) -> usize {
    budget::threads(jobs)
}

/// The scenario with the overrides applied, refused as `pointsim run` refuses it.
fn overridden(s: &Scenario, o: &Options) -> Result<scenario::Scenario, Error> {
    let mut sc = s.loaded.scenario.clone();
    pointsim::apply_overrides(&mut sc, &o.overrides())
        .map_err(|errs| Error::Value(errs.iter().map(|e| format!("error: {e}\n")).collect()))?;
    Ok(sc)
}

/// Refuse what cannot run here before anything runs, as `pointsim run` does
/// ([`budget::check`]), positioned at `population.size` when the file sets it.
fn runnable(s: &Scenario, job: &Job) -> Result<(), Error> {
    let source = &s.loaded.source;
    let mut diags = source.diagnostics();
    // a changed scenario is no longer the file the positions point into
    let size_span = if s.sets.is_empty() { source.span_of("population.size") } else { None };
    for d in budget::check(job, size_span, budget::available_memory(), false) {
        diags.push(d);
    }
    if diags.has_errors() { Err(scenario_error(&diags)) } else { Ok(()) }
}

/// A list of the budget's problems as the CLI prints them without a file
/// (`error: ...`, a blank line, `hint: ...`), each prefixed by `prefix`.
fn problems(prefix: &str, problems: &[scenario::Diagnostic]) -> Option<Error> {
    if problems.is_empty() {
        return None;
    }
    Some(Error::Value(
        problems.iter().map(|d| plain(&format!("{prefix}{}", d.message), d.hint.as_deref())).collect(),
    ))
}

/// A run ready to start: checked, with its overrides applied.
pub struct RunPlan {
    source: scenario::SourceFile,
    scenario: scenario::Scenario,
    options: Options,
    threads: usize,
    /// `budget::estimate` of the run, recorded in manifest.json.
    estimated_memory_bytes: u64,
}

/// Check a run of `s` with `o` on `threads` threads.
pub fn plan_run(s: &Scenario, o: &Options, threads: usize) -> Result<RunPlan, Error> {
    let scenario = overridden(s, o)?;
    let job = Job { population_from_flag: o.population.is_some(), ..Job::run(&scenario, threads) };
    runnable(s, &job)?;
    let estimated_memory_bytes = budget::estimate(&job).bytes;
    Ok(RunPlan { source: s.loaded.source.clone(), scenario, options: *o, threads, estimated_memory_bytes })
}

/// A finished run and what `pointsim run` records about it.
pub struct Run {
    plan: RunPlan,
    sim: pointsim::Simulation,
    started_at: SystemTime,
    wall_seconds: f64,
    /// This process's peak memory right after the simulation (`budget::peak_memory`).
    peak_memory_bytes: Option<u64>,
}

/// Simulate a planned run (on the current rayon pool), as `pointsim run` does.
pub fn run(plan: RunPlan, progress: &(dyn Fn(u64) + Sync)) -> Run {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let sim = pointsim::simulate(&plan.scenario, plan.scenario.seed, progress);
    let wall_seconds = clock.elapsed().as_secs_f64();
    Run { plan, sim, started_at, wall_seconds, peak_memory_bytes: budget::peak_memory() }
}

impl Run {
    fn info(&self) -> RunInfo {
        RunInfo {
            scenario_file: self.plan.source.name.clone(),
            scenario_sha256: self.plan.source.sha256.clone(),
            // a Scenario changed by `set` carries its changes in its name and resolved scenario
            sets: Vec::new(),
            scenario_chain: self.plan.source.chain.clone(),
            seed: self.plan.scenario.seed,
            overrides: self.plan.options.overrides(),
            min_cell: self.plan.options.min_cell,
            command_line: command_line(),
            threads: self.plan.threads,
            wall_seconds: self.wall_seconds,
            estimated_memory_bytes: self.plan.estimated_memory_bytes,
            peak_memory_bytes: self.peak_memory_bytes,
            started_at: self.started_at,
            ledger: output::LedgerChoice::None, // the package writes no ledger
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
    /// `columns.csv`, the data dictionary of `steps.csv` and `histogram.csv`,
    /// as `pointsim run` (without a ledger) writes it.
    pub fn columns_csv(&self) -> Vec<u8> {
        let (steps, histogram) = (self.steps_csv(), self.histogram_csv());
        output::dictionary_csv(&[("steps.csv", &steps), ("histogram.csv", &histogram)], &[])
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
        // a trace prints every event: refuse one that could not finish (`pointsim trace`)
        if let Some(e) = problems("", &budget::check(&Job::run(s, 1), None, None, true)) {
            return Err(e);
        }
        let t = pointsim::trace::trace(s, &self.sim.population, s.seed, subject);
        Ok(pointsim::trace::json_document(s, s.seed, &[t]))
    }

    /// The data files of the run, as `pointsim run --no-plots` writes them
    /// (with the data dictionary, `columns.csv`).
    fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut files = output::standard_files(&self.plan.scenario, &self.sim.summary, &self.info());
        let views: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let dictionary = output::dictionary_csv(&views, &[]);
        files.push((output::COLUMNS_CSV, dictionary));
        files
    }

    /// Write the folder `pointsim run` writes (with charts and report unless
    /// `plots` is false); returns the paths written.
    pub fn write(&self, out: &Path, force: bool, plots: bool) -> Result<Vec<PathBuf>, Error> {
        refuse_own_inputs(out, &output::chain_files(&self.plan.source))?;
        output::prepare_out_dir(out, force).map_err(|e| Error::Value(format!("error: {e}\n")))?;
        if force {
            output::remove_earlier(out, &pointsim::plot::run_pictures(), &["plots"])
                .map_err(|e| io("cannot remove earlier charts from the output folder", &e))?;
        }
        let files = self.files();
        output::write_all(out, &files)
            .map_err(|e| io(&format!("cannot write results to `{}`", out.display()), &e))?;
        let mut written: Vec<PathBuf> = files.iter().map(|(n, _)| out.join(n)).collect();
        if plots {
            let rendered = render_plots(out)?;
            output::write_all(out, &rendered)
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
        Ok(charts.into_iter().map(|c| Chart { name: c.name, title: c.title, svg: c.svg }).collect())
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

/// Refuse an output folder that is or holds one of `inputs` (`output::refuse_own_inputs`).
fn refuse_own_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Error> {
    output::refuse_own_inputs(out, inputs).map_err(|e| Error::Value(format!("error: {e}\n")))
}

/// A comparison ready to start.
pub struct ComparePlan {
    base: scenario::Scenario,
    reform: scenario::Scenario,
    info: CompareInfo,
    replicates: u32,
    min_cell: u32,
    /// The files both sides were read from (an output folder may not hold them).
    inputs: Vec<PathBuf>,
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
    // as `pointsim compare` refuses a side (`check_runnable`): named by its file, at no position
    for (s, sc) in [(base, &a), (reform, &b)] {
        let job = cmp::budget_job(sc, threads, replicates);
        if let Some(e) = problems(
            &format!("`{}`: ", s.file()),
            &budget::check(&job, None, budget::available_memory(), false),
        ) {
            return Err(e);
        }
    }
    let seed = a.seed;
    let mut inputs = output::chain_files(&base.loaded.source);
    inputs.extend(output::chain_files(&reform.loaded.source));
    let info = CompareInfo {
        base_name: a.name.clone(),
        base_chain: base.loaded.source.chain.clone(),
        reform_name: b.name.clone(),
        reform_chain: reform.loaded.source.chain.clone(),
        overrides: pointsim::Overrides { seed: Some(seed), ..o.overrides() },
        command_line: command_line(),
    };
    Ok(ComparePlan { base: a, reform: b, info, replicates, min_cell: o.min_cell, inputs })
}

/// A finished comparison.
pub struct Comparison {
    c: pointsim::results::comparison::Comparison,
    info: CompareInfo,
    inputs: Vec<PathBuf>,
}

/// Run a planned comparison on the current rayon pool.
pub fn compare(p: ComparePlan, progress: &(dyn Fn(u64) + Sync)) -> Result<Comparison, Error> {
    let seed = p.base.seed;
    let c = cmp::compare(&p.base, &p.reform, seed, p.replicates, p.min_cell, progress)
        .map_err(|why| Error::Value(format!("error: {why}\n")))?;
    Ok(Comparison { c, info: p.info, inputs: p.inputs })
}

impl Comparison {
    /// `compare.json`, `compare.csv`, `transitions.csv`, `access_changes.csv`
    /// and their data dictionary `columns.csv`, as `pointsim compare` writes them.
    pub fn files(&self) -> Vec<(&'static str, Vec<u8>)> {
        let mut files = vec![
            ("compare.json", output::compare_json(&self.c, &self.info)),
            ("compare.csv", output::compare_csv(&self.c)),
            ("transitions.csv", output::transitions_csv(&self.c)),
            ("access_changes.csv", output::access_changes_csv(&self.c)),
        ];
        let views: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let dictionary = output::dictionary_csv(&views, &[]);
        files.push((output::COLUMNS_CSV, dictionary));
        files
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
        refuse_own_inputs(out, &self.inputs)?;
        output::prepare_out_dir(out, force).map_err(|e| Error::Value(format!("error: {e}\n")))?;
        if force {
            output::remove_earlier(out, &pointsim::plot::COMPARE_PICTURES, &[])
                .map_err(|e| io("cannot remove an earlier chart", &e))?;
        }
        let mut files: Vec<(String, Vec<u8>)> =
            self.files().into_iter().map(|(n, b)| (n.to_owned(), b)).collect();
        if plots {
            files.extend(
                pointsim::plot::render_compare(&self.c, &self.info)
                    .map_err(|e| Error::Other(format!("cannot draw the comparison chart: {e}")))?,
            );
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
        budget::available_memory(),
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
        let (runs, cells) = tables::tables(&self.sweep.manifest, &self.records).map_err(Error::Other)?;
        output::sweep_files(&runs, &cells).map_err(Error::Other)
    }

    /// The sweep's charts (`plot::sweep_charts`).
    fn charts(&self) -> Result<Vec<pointsim::plot::Chart>, Error> {
        let (_, cells) = tables::tables(&self.sweep.manifest, &self.records).map_err(Error::Other)?;
        pointsim::plot::sweep_charts(&self.sweep.manifest, &cells)
            .map_err(|e| Error::Other(format!("cannot draw the sweep charts: {e}")))
    }

    /// The charts as (file stem, SVG).
    pub fn charts_svg(&self) -> Result<Vec<(String, String)>, Error> {
        Ok(self.charts()?.into_iter().map(|c| (c.name, c.svg)).collect())
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
            files.extend(pointsim::plot::chart_files(&self.charts()?));
        }
        output::write_all(out, &files)
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
            // the rule tests kept beside the scenario, as `pointsim check` reads them
            if let Some(file) = scenario::tests_beside(path)
                && let Err(d) = scenario::load_tests_file(&file, &loaded)
            {
                rendered.push_str(&d.render(false));
                all.extend(items(&d));
            }
            (rendered, all)
        }
        Err(e) => (e.diagnostics().render(false), items(e.diagnostics())),
    }
}
