//! `pointsim run`: validate a scenario, simulate it, write the outputs and print a summary.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use anyhow::Context as _;
use pointsim::budget::{self, Job};
use pointsim::output::{self, RunInfo};
use pointsim::scenario::{self, Diagnostic, Loaded};

use super::progress::Progress;
use super::{Failure, term};

/// Run a scenario and write its results to a folder.
///
/// Writes summary.json, steps.csv, histogram.csv and manifest.json, draws
/// plots/*.png, plots/*.svg and report.html from them, then prints tier
/// shares and perk access. Nothing is written when the scenario has errors.
/// Running the same command again (same file, --set changes, --seed,
/// --population, --steps and --min-cell) replaces its earlier results, and
/// says so; a folder holding anything else is refused unless --force.
///
/// `--set PATH=VALUE` changes one value of the scenario for this run (the
/// paths of `compare --set` and sweep plans), and the results go to a
/// folder named by the change, so runs of different values sit side by side.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim run scenarios/rongcheng.toml\n  \
    pointsim run scenarios/teaching_toy.toml --set rule.volunteer_service.points=10\n  \
    pointsim run scenarios/rongcheng.toml --seed 7 --population 10000 --out /tmp/try --force")]
pub struct Args {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Change one value of the scenario for this run: a dotted path and a
    /// TOML value, like `rule.volunteering.points=10` or
    /// `perk.library.min_tier=AA`. Repeat for several.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Output folder [default: output/<scenario file stem>, or
    /// output/<stem>__<PATH=VALUE> with --set].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write into an output folder that holds other files: results of
    /// another run or files pointsim did not write (the same command's
    /// earlier results are replaced without it). Files of other names stay.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    overrides: super::overrides::OverrideArgs,
    /// Worker threads [default: $SLURM_CPUS_PER_TASK, else every core].
    #[arg(short, long, value_name = "N", value_parser = super::overrides::threads)]
    jobs: Option<NonZeroUsize>,
    /// Small-cell suppression: hide every figure of a group with fewer than K
    /// subjects, and of any group that would let it be recovered from the
    /// totals (0 publishes everything).
    #[arg(long, value_name = "K", default_value_t = output::DEFAULT_MIN_CELL)]
    min_cell: u32,
    /// Skip the charts and report.html (only the data files; faster for batches).
    #[arg(long)]
    no_plots: bool,
    /// Language of report.html's headings and explanations: `en` or `zh-CN`
    /// (the scenario's own text, the numbers and the charts are the same in both).
    #[arg(long, value_name = "LANG", default_value = "en", value_parser = super::plot::lang)]
    lang: pointsim::plot::Lang,
    /// Also write ledger.parquet: every score change and listing of every
    /// subject, replayed from the seed (see --trace-sample for large runs).
    #[arg(long)]
    ledger: bool,
    /// Write ledger.parquet for a systematic sample of K subjects only
    /// (subjects ⌊i·N/K⌋; implies --ledger).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    trace_sample: Option<u64>,
    /// Run even when the memory estimate exceeds what is available.
    #[arg(long)]
    ignore_memory: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

/// The default output folder: `output/<file stem>`, or
/// `output/<file stem>__<change>` for a run changed by `--set` or by an
/// option that changes its results (`--seed`, `--population`, `--steps`,
/// `--min-cell` with a value other than the scenario's or the default), so
/// that "change one number, run again" keeps the earlier result.
fn default_out(scenario: &Path, sets: &[String], options: &[String]) -> PathBuf {
    let stem = scenario.file_stem().map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned());
    let changes: Vec<String> = sets.iter().chain(options).cloned().collect();
    Path::new("output").join(super::sets::folder_name(&stem, &changes))
}

pub fn run(args: Args) -> Result<(), Failure> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let loaded = scenario::load(&args.scenario).map_err(|e| super::check::bad_input(&e))?;
    if !args.quiet && !loaded.warnings.items().is_empty() {
        term::eprint(&loaded.warnings.render(term::color()));
    }
    // the file as given, before any --set: what the manifest and its reproduce command name
    let (scenario_file, scenario_sha256) = (loaded.source.name.clone(), loaded.source.sha256.clone());
    let loaded = super::sets::with_sets(loaded, &args.set, term::color())?;
    let overrides = args.overrides.overrides();
    let threads = budget::threads(args.jobs);
    let Loaded { mut scenario, source, .. } = loaded;
    let option_parts = super::sets::option_changes(&scenario, &overrides, None, args.min_cell);
    let own_defaults = super::rerun::defaults_of(&scenario);
    pointsim::apply_overrides(&mut scenario, &overrides)
        .map_err(|errs| Failure::BadInput(errs.iter().map(|e| format!("error: {e}\n")).collect()))?;

    // refuse what cannot run before anything is written
    let mut diags = source.diagnostics();
    let ledger = args.ledger || args.trace_sample.is_some();
    if ledger && !cfg!(feature = "parquet") {
        diags.push(
            Diagnostic::error("this pointsim was built without Parquet support, so it cannot write a ledger")
                .with_hint("build with the default features (`cargo build --release`)"),
        );
    }
    let job = Job {
        ledger_share: ledger.then(|| {
            args.trace_sample.map_or(1.0, |k| (k as f64 / scenario.population.max(1) as f64).min(1.0))
        }),
        population_from_flag: overrides.population.is_some(),
        ..Job::run(&scenario, threads)
    };
    let available = if args.ignore_memory { None } else { pointsim::available_memory() };
    for d in budget::check(&job, source.span_of("population.size"), available, false) {
        diags.push(d);
    }
    let estimated_memory_bytes = budget::estimate(&job).bytes;
    if diags.has_errors() {
        return Err(Failure::BadInput(diags.render(term::color())));
    }

    let out = args.out.clone().unwrap_or_else(|| default_out(&args.scenario, &args.set, &option_parts));
    super::inputs::refuse_own_inputs(&out, &super::inputs::chain_files(&source))?;
    // one writer per folder; what an interrupted run left is reported
    let _held = super::outdir::hold(&out, args.quiet)?;
    let mut info = RunInfo {
        scenario_file,
        scenario_sha256,
        sets: args.set.clone(),
        scenario_chain: source.chain.clone(),
        seed: scenario.seed,
        overrides,
        min_cell: args.min_cell,
        command_line: std::env::args().collect(),
        threads,
        wall_seconds: 0.0,
        estimated_memory_bytes,
        peak_memory_bytes: None,
        started_at,
        ledger: match (args.trace_sample, args.ledger) {
            (Some(k), _) => output::LedgerChoice::Sample(k),
            (None, true) => output::LedgerChoice::All,
            (None, false) => output::LedgerChoice::None,
        },
    };
    let me = super::rerun::Identity {
        kind: super::rerun::Kind::Run,
        files: vec![info.scenario_file.clone()],
        argv: &info.command_line,
        chain: info.scenario_chain.clone(),
        command: output::reproduce_command(&info),
        defaults: own_defaults,
    };
    let prepared = super::rerun::prepare(&out, args.force, &me)?;
    // the result set is written next to `out` and renamed into place when complete
    let stage = super::outdir::stage(&out)?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let progress = Progress::new(scenario.population, args.quiet);
    let sim = pool.install(|| pointsim::simulate(&scenario, scenario.seed, &|n| progress.inc(n)));
    progress.finish();
    let wall_seconds = clock.elapsed().as_secs_f64();
    let peak_memory_bytes = budget::peak_memory();

    info.wall_seconds = wall_seconds;
    info.peak_memory_bytes = peak_memory_bytes;
    let mut files = output::standard_files(&scenario, &sim.summary, &info);
    let mut parquet_columns = Vec::new();
    if ledger {
        let (bytes, columns) =
            pool.install(|| ledger_bytes(&scenario, &sim.population, args.trace_sample))?;
        files.push((LEDGER, bytes));
        parquet_columns.push((LEDGER, columns));
    }
    let dictionary = {
        let views: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        output::dictionary_csv(&views, &parquet_columns)
    };
    files.push((output::COLUMNS_CSV, dictionary));
    super::guard::io(|| output::write_all(stage.dir(), &files))
        .with_context(|| format!("cannot write results to `{}`", out.display()))?;
    // charts and report are drawn from the files just written, exactly as `pointsim plot` does
    if !args.no_plots {
        super::plot::write_plots(stage.dir(), args.lang).map_err(|f| match f {
            Failure::Other(e) => Failure::Other(e.context(format!(
                "cannot write the results to `{}`; nothing was written there",
                out.display()
            ))),
            bad => bad,
        })?;
    }
    // none of an earlier run's pictures or ledger outlives the data it was
    // drawn from (this run draws its own, or none with `--no-plots`); an
    // emptied plots folder goes too, the user's files stay
    let pictures = pointsim::plot::run_pictures();
    let earlier = |rel: &str| prepared.replacing && (rel == LEDGER || pictures.iter().any(|p| p == rel));
    stage.commit(&out, &earlier)?;
    let report = (!args.no_plots).then(|| out.join("report.html"));
    if let Some(note) = prepared.note.filter(|_| !args.quiet) {
        term::eprint(&note);
    }
    if !args.quiet {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        write!(
            stdout,
            "{}",
            output::terminal_summary(&scenario, scenario.seed, &sim.summary, wall_seconds, args.min_cell)
        )
        .context("cannot write to stdout")?;
        writeln!(stdout, "results: {}/", out.display()).context("cannot write to stdout")?;
        if let Some(report) = report {
            writeln!(stdout, "report:  {}", report.display()).context("cannot write to stdout")?;
        }
    }
    Ok(())
}

/// The ledger's file name.
const LEDGER: &str = "ledger.parquet";

/// ledger.parquet for the run (every subject, or the sample).
#[cfg(feature = "parquet")]
fn ledger_bytes(
    scenario: &pointsim::scenario::Scenario,
    population: &pointsim::population::Population,
    sample: Option<u64>,
) -> Result<(Vec<u8>, Vec<String>), Failure> {
    use pointsim::trace::ledger;
    let subjects = ledger::ledger_subjects(scenario.population, sample);
    let table = ledger::ledger_table(scenario, population, scenario.seed, &subjects);
    let columns = table.columns.iter().map(|c| c.name.clone()).collect();
    let bytes = pointsim::output::parquet::table_parquet_as(&table, LEDGER)
        .map_err(|e| Failure::Other(anyhow::anyhow!(e)))?;
    Ok((bytes, columns))
}

#[cfg(not(feature = "parquet"))]
fn ledger_bytes(
    _: &pointsim::scenario::Scenario,
    _: &pointsim::population::Population,
    _: Option<u64>,
) -> Result<(Vec<u8>, Vec<String>), Failure> {
    unreachable!("refused before the run: no Parquet support")
}
