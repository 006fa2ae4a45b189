//! `pointsim calibrate`: fit free parameters to published figures (history matching, then ABC).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context as _;
use pointsim::batch::calibrate::method::WavePlan;
use pointsim::batch::calibrate::targets::{self, Kind, Prior, Targets};
use pointsim::batch::calibrate::{self as cal, output as calout};
use pointsim::batch::journal::{self, Journal};
use pointsim::batch::sweep::Sweep;
use pointsim::output;
use pointsim::results::sweep::{Record, SWEEP_JSON};
use rayon::prelude::*;

use super::progress::Progress;
use super::{Failure, sweep_dir, term};

/// Fit a scenario's free parameters to published figures.
///
/// TARGETS names the free parameters (sweep paths with a range and a prior)
/// and the figures (a metric at a step, its uncertainty, its source); see the
/// README's Calibration section. History matching in waves rules out the
/// implausible part of the ranges; ABC on the rest gives 95% ranges,
/// correlations and the fit to every figure. Each wave is a sweep (folder
/// waveN/ with its journal): an interrupted calibration continues with --resume.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim calibrate --targets scenarios/calibration/blacklist_targets.toml --dry-run\n  \
    pointsim calibrate --targets scenarios/calibration/blacklist_targets.toml --out /tmp/cal\n  \
    pointsim calibrate scenarios/calibration/recovery_toy.toml --targets T.toml --out /tmp/cal --resume")]
pub struct Args {
    /// Scenario to calibrate [default: `scenario` in the targets file].
    pub scenario: Option<PathBuf>,
    /// Targets file (TOML): free parameters and figures.
    #[arg(short, long, value_name = "FILE")]
    pub targets: PathBuf,
    /// Output folder [default: output/<targets file stem>].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: $SLURM_CPUS_PER_TASK, else every core].
    #[arg(short, long, value_name = "N", value_parser = super::overrides::threads)]
    pub jobs: Option<NonZeroUsize>,
    /// Print the plan, the runs and an estimate of time, then exit without running.
    #[arg(long)]
    pub dry_run: bool,
    /// Continue an interrupted calibration in the output folder.
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Start over in an output folder that holds an earlier calibration.
    #[arg(long)]
    pub force: bool,
    /// Skip the charts and the HTML page.
    #[arg(long)]
    pub no_plots: bool,
    /// Run even when the memory estimate exceeds what is available.
    #[arg(long)]
    pub ignore_memory: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// What `calibrate.json` at the top of the folder records, for `--resume`.
const STATE: &str = "calibrate.json";

/// Files the calibration writes at the top of its folder.
pub const FILES: [&str; 10] = [
    STATE,
    "waves.csv",
    "waves.parquet",
    "calibration.json",
    "calibrated.toml",
    "calibration.html",
    "plots/pairs.png",
    "plots/pairs.svg",
    "plots/fit.png",
    "plots/fit.svg",
];

pub fn run(args: Args) -> Result<(), Failure> {
    let clock = Instant::now();
    let t = targets::load(&args.targets, args.scenario.as_deref())
        .map_err(|e| Failure::BadInput(e.render(term::color())))?;
    if !args.quiet && !t.base.warnings.items().is_empty() {
        term::eprint(&t.base.warnings.render(term::color()));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = args
            .targets
            .file_stem()
            .map_or_else(|| "calibration".into(), |s| s.to_string_lossy().into_owned());
        Path::new("output").join(stem)
    });
    let mut inputs = vec![args.targets.clone()];
    inputs.extend(super::inputs::chain_files(&t.base.source));
    super::inputs::refuse_own_inputs(&out, &inputs)?;
    let threads = pointsim::budget::threads(args.jobs);
    if args.dry_run {
        print!("{}", describe(&t, threads));
        return Ok(());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    // one writer per folder, and signals handled
    let _held = super::outdir::hold(&out, args.quiet)?;
    open(&out, &t, args.resume, args.force)?;
    let available = if args.ignore_memory { None } else { pointsim::available_memory() };
    let progress = Progress::runs(t.total_runs(), args.quiet);
    let mut ran = 0usize;
    let mut reused = 0usize;
    let outcome = cal::calibrate(&t, |plan| {
        let (now, before, outputs) = run_wave(&t, plan, &out, &pool, threads, available, &args, &progress)?;
        ran += now;
        reused += before;
        Ok::<_, Failure>(outputs)
    })?;
    progress.finish();
    write_results(&t, &outcome, &out, !args.no_plots)?;
    if !args.quiet {
        let secs = clock.elapsed().as_secs_f64();
        println!(
            "{} runs in {} waves: {ran} now, {reused} from before, in {secs:.2} s ({:.1} runs/s)",
            t.total_runs(),
            t.waves,
            ran as f64 / secs.max(1e-9)
        );
        for r in &outcome.posterior.ranges {
            println!(
                "  {:<40} median {}  95% range [{}, {}]  ({:.0}% of the prior range)",
                r.parameter,
                calout::short(r.median),
                calout::short(r.lo),
                calout::short(r.hi),
                100.0 * r.width_share
            );
        }
        println!("results: {}/", out.display());
    }
    Ok(())
}

/// The plan as text: parameters, targets, waves, runs and the time estimate.
fn describe(t: &Targets, threads: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "targets     {}, scenario {}", t.file, t.scenario_file.display());
    let _ = writeln!(
        s,
        "method      history matching: {} waves × {} candidates (Latin hypercube over the plausible box), cutoff {} on the {} implausibility; then ABC (Gaussian kernel)",
        t.waves,
        t.candidates,
        t.cutoff,
        match t.combine {
            targets::Combine::Max => "largest",
            targets::Combine::SecondMax => "second largest",
        }
    );
    let _ =
        writeln!(s, "replicates  {} per candidate (seed {}, common random numbers)", t.replicates, t.seed);
    let _ = writeln!(
        s,
        "runs        {} ({} per wave)",
        t.total_runs(),
        u64::from(t.candidates) * u64::from(t.replicates)
    );
    let job = pointsim::budget::Job {
        concurrent_runs: threads.max(1),
        ..pointsim::budget::Job::run(&t.base.scenario, threads)
    };
    let e = pointsim::budget::estimate(&job);
    let events = if e.events.is_finite() { e.events } else { 0.0 } * t.total_runs() as f64;
    let secs = events / (5e7 * threads.max(1) as f64);
    let _ = writeln!(
        s,
        "time        about {} on {threads} threads (estimate: {events:.1e} events at 5e7 events/s per thread, at the scenario's own values)",
        if secs < 60.0 { format!("{secs:.1} s") } else { format!("{:.1} min", secs / 60.0) }
    );
    let _ = writeln!(s, "\nparameters");
    for p in &t.parameters {
        let prior = match p.prior {
            Prior::Uniform => "uniform",
            Prior::LogUniform => "log-uniform",
        };
        let _ = writeln!(s, "  {:<40} [{}, {}] {prior}", p.path.to_string(), p.min, p.max);
    }
    let _ = writeln!(s, "\ntargets");
    for tg in &t.targets {
        let kind = match tg.kind {
            Kind::Stock => "stock",
            Kind::Flow => "flow",
        };
        let _ = writeln!(
            s,
            "  {:<48} {kind} {} (95% [{}, {}])",
            tg.name,
            calout::short(tg.value),
            calout::short(tg.interval.0),
            calout::short(tg.interval.1)
        );
    }
    s
}

/// Make `out` ready: empty or new, `--force` (earlier calibration files
/// removed), or `--resume` of the same targets file.
fn open(out: &Path, t: &Targets, resume: bool, force: bool) -> Result<(), Failure> {
    let bad = |msg: String| Failure::BadInput(format!("error: {msg}\n"));
    let is_empty = match std::fs::read_dir(out) {
        Ok(mut d) => d.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(bad(format!("cannot use output folder `{}`: {e}", out.display()))),
    };
    let state = serde_json::json!({
        "pointsim_version": env!("CARGO_PKG_VERSION"),
        "targets_sha256": t.sha256,
        "base_sha256": t.base.source.sha256,
    });
    if !is_empty && !force {
        if !resume {
            return Err(bad(format!(
                "output folder `{}` is not empty\n\nhint: use --resume to continue the calibration that is there, --force to start it over, or choose another folder with --out",
                out.display()
            )));
        }
        let old: Option<serde_json::Value> =
            std::fs::read(out.join(STATE)).ok().and_then(|b| serde_json::from_slice(&b).ok());
        if old.as_ref() != Some(&state) {
            return Err(bad(format!(
                "cannot resume the calibration in `{}`: it holds no calibration, or the targets file, the scenario or the pointsim version changed since it started\n\nhint: use --force to start it over, or choose another folder with --out",
                out.display()
            )));
        }
    }
    output::prepare_out_dir(out, true).map_err(|e| bad(e.to_string()))?;
    if force {
        output::remove_earlier(out, &FILES, &["plots"])
            .with_context(|| format!("cannot clear `{}`", out.display()))?;
    }
    let mut bytes = serde_json::to_vec_pretty(&state).expect("json");
    bytes.push(b'\n');
    output::write_all(out, &[(STATE, bytes)]).with_context(|| format!("cannot write `{}`", out.display()))?;
    Ok(())
}

/// Run one wave as a sweep in `out/waveN/`, reusing its journal when resuming:
/// (runs made now, runs reused, outputs[candidate][replicate][target]).
#[allow(clippy::too_many_arguments)]
fn run_wave(
    t: &Targets,
    plan: &WavePlan,
    out: &Path,
    pool: &rayon::ThreadPool,
    threads: usize,
    available: Option<u64>,
    args: &Args,
    progress: &Progress,
) -> Result<(usize, usize, cal::Outputs), Failure> {
    let dir = out.join(format!("wave{}", plan.wave));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let base = relative(&dir, &t.scenario_file);
    let text = cal::wave_plan_text(t, plan, &base);
    let name = dir.join("plan.toml").display().to_string();
    let sweep =
        pool.install(|| cal::wave_sweep(t, &text, &name, &dir, None, threads, available)).map_err(|e| {
            Failure::Other(anyhow::anyhow!(
                "the sweep of wave {} does not check: {}",
                plan.wave,
                e.render(false)
            ))
        })?;
    let m = &sweep.manifest;
    let runs = sweep.runs();
    let mine: HashSet<(usize, u32)> = runs.iter().copied().collect();
    let earlier: Vec<Record> = sweep_dir::open(&dir, m, true, args.force)?
        .into_iter()
        .filter(|r| mine.contains(&(r.cell, r.replicate)) && r.seed == sweep.seed(r.cell, r.replicate))
        .collect();
    let cells = sweep.cell_files();
    let mut files: Vec<(String, Vec<u8>)> = cells;
    files.push(("plan.toml".to_owned(), text.into_bytes()));
    output::write_all_unsynced(&dir, &files).with_context(|| format!("cannot write `{}`", dir.display()))?;
    output::write_all(&dir, &[(SWEEP_JSON, m.to_json())])
        .with_context(|| format!("cannot write `{}`", dir.join(SWEEP_JSON).display()))?;
    let mut journal = Journal::create(&dir, &earlier)
        .with_context(|| format!("cannot write the journal in `{}`", dir.display()))?;
    let done: HashSet<(usize, u32)> = earlier.iter().map(|r| (r.cell, r.replicate)).collect();
    let todo: Vec<(usize, u32)> = runs.iter().copied().filter(|k| !done.contains(k)).collect();
    progress.inc(done.len() as u64);
    execute(pool, t, &sweep, &todo, &mut journal, progress)?;
    journal.sync().context("cannot sync the journal")?;
    let records = journal::read(&dir).context("cannot read the journal back")?;
    Ok((todo.len(), earlier.len(), cal::collect(t, plan.units.len(), &records)))
}

/// Run `todo`, appending each finished run to the journal as it ends.
fn execute(
    pool: &rayon::ThreadPool,
    t: &Targets,
    sweep: &Sweep,
    todo: &[(usize, u32)],
    journal: &mut Journal,
    progress: &Progress,
) -> Result<(), Failure> {
    let stop = AtomicBool::new(false);
    let measure = cal::measure(t);
    let (tx, rx) = mpsc::channel::<Record>();
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            pool.install(|| {
                todo.par_iter().for_each_with(tx, |tx, &(c, r)| {
                    if !stop.load(Ordering::Relaxed) {
                        let _ = tx.send(sweep.run_with(c, r, &measure));
                    }
                });
            });
        });
        let mut failure = None;
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            batch.extend(rx.try_iter());
            if failure.is_none()
                && let Err(e) = journal.append(&batch)
            {
                failure = Some(e);
                stop.store(true, Ordering::Relaxed);
            }
            progress.inc(batch.len() as u64);
        }
        failure
    });
    match result {
        Some(e) => Err(Failure::Other(anyhow::Error::new(e).context("cannot append to the journal"))),
        None => Ok(()),
    }
}

/// `waves.*`, `calibration.json`, `calibrated.toml` (checked by loading it), and with `plots` the charts and page.
fn write_results(t: &Targets, o: &cal::Outcome, out: &Path, plots: bool) -> Result<(), Failure> {
    let table = calout::waves_table(t, o);
    let report = calout::report(t, o);
    let extends = relative(out, &t.scenario_file);
    let overlay = calout::overlay(t, o, &extends);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("waves.csv".into(), output::table::table_csv(&table)),
        ("calibration.json".into(), calout::report_json(&report)),
        ("calibrated.toml".into(), overlay.into_bytes()),
    ];
    #[cfg(feature = "parquet")]
    files.push((
        "waves.parquet".into(),
        output::parquet::table_parquet(&table).map_err(|e| Failure::Other(anyhow::anyhow!(e)))?,
    ));
    if plots {
        let page =
            super::calibrate_view::files(t, o, &report).context("cannot draw the calibration charts")?;
        files.extend(page);
    }
    output::write_all(out, &files).with_context(|| format!("cannot write results to `{}`", out.display()))?;
    let calibrated = out.join("calibrated.toml");
    if let Err(e) = pointsim::scenario::load(&calibrated) {
        return Err(Failure::Other(anyhow::anyhow!(
            "the calibrated overlay does not check (a bug; please report it):\n{}",
            e.diagnostics().render(false)
        )));
    }
    Ok(())
}

/// `to` as a path relative to the folder `from` (both made absolute first);
/// `/` separators, so the text is the same on every system.
pub fn relative(from: &Path, to: &Path) -> String {
    let abs = |p: &Path| {
        std::fs::canonicalize(p).unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(p))
    };
    let (a, b) = (abs(from), abs(to));
    let ac: Vec<_> = a.components().collect();
    let bc: Vec<_> = b.components().collect();
    let common = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); ac.len() - common];
    parts.extend(bc[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}
