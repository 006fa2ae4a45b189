//! `pointsim calibrate`: fit free parameters to published figures (history matching, then ABC).

use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use pointsim::batch::calibrate::targets::{self, Kind, Prior, Targets};
use pointsim::batch::calibrate::{self as cal, output as calout};
use pointsim::batch::slurm_calibration::{self as slurm, SlurmCalibration};
use pointsim::output;
use pointsim::results::sweep::Shard;

use super::calibrate_waves as waves;
use super::progress::Progress;
use super::{Failure, term};

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
    pointsim calibrate scenarios/calibration/recovery_toy.toml --targets T.toml --out /tmp/cal --resume\n  \
    pointsim calibrate --targets T.toml --out cal --wave 1 --shard 0/4 ... then: pointsim calibrate --targets T.toml --out cal --resume\n  \
    pointsim calibrate --targets T.toml --out cal --emit-slurm 8 && cal/submit.sh")]
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
    /// Run only shard I of N of wave K (with --wave K), into OUT/waveK/shard-I/;
    /// waves before K must be finished in OUT. `--resume` the calibration
    /// afterwards to gather the shards and go on.
    #[arg(long, value_name = "I/N", requires = "wave", conflicts_with_all = ["force", "dry_run"])]
    pub shard: Option<Shard>,
    /// The wave whose shard --shard runs, from 1.
    #[arg(long, value_name = "K", requires = "shard", value_parser = clap::value_parser!(u32).range(1..))]
    pub wave: Option<u32>,
    /// Write Slurm job scripts that run every wave as a job array of N shards,
    /// each wave after the one before, then gather the results
    /// (OUT/calibrate.slurm, OUT/finish.slurm, OUT/submit.sh); run nothing.
    #[arg(long, value_name = "N", conflicts_with_all = ["shard", "resume", "dry_run", "jobs"])]
    pub emit_slurm: Option<usize>,
    /// CPUs of each shard in the job scripts of --emit-slurm [default: 2].
    #[arg(long, value_name = "C", requires = "emit_slurm")]
    pub cpus_per_task: Option<usize>,
}

/// What `calibrate.json` at the top of the folder records, for `--resume`.
const STATE: &str = "calibrate.json";

/// Files the calibration writes at the top of its folder.
pub const FILES: [&str; 11] = [
    STATE,
    "waves.csv",
    "waves.parquet",
    "columns.csv",
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
    if let Some(shards) = args.emit_slurm {
        return emit_slurm(&args, &t, &out, shards);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let available = if args.ignore_memory { None } else { pointsim::available_memory() };
    if let (Some(wave), Some(shard)) = (args.wave, args.shard) {
        return run_one_shard(&args, &t, &out, wave, shard, &pool, threads, available, clock);
    }
    // one writer per folder, and signals handled
    let _held = super::outdir::hold(&out, args.quiet)?;
    open(&out, &t, args.resume, args.force)?;
    let progress = Progress::runs(t.total_runs(), args.quiet);
    let runner = waves::Runner {
        out: &out,
        pool: &pool,
        threads,
        available,
        force: args.force,
        resume: true,
        progress: &progress,
    };
    let mut ran = 0usize;
    let mut reused = 0usize;
    let outcome = cal::calibrate(&t, |plan| {
        let (now, before, outputs) = waves::run_whole(&t, plan, &runner)?;
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
    let speed = super::probe::speed(&t.base.scenario);
    let _ = writeln!(
        s,
        "time        {} on {threads} threads (estimate: {events:.1e} events at the scenario's own values, at {})",
        super::probe::duration(speed.seconds(events, threads)),
        speed.how()
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
    let state = state_of(t);
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
        waves::remove_shards(out).with_context(|| format!("cannot clear `{}`", out.display()))?;
    }
    write_state(out, &state)
}

/// What the state file records: the version and the inputs' hashes.
fn state_of(t: &Targets) -> serde_json::Value {
    serde_json::json!({
        "pointsim_version": env!("CARGO_PKG_VERSION"),
        "targets_sha256": t.sha256,
        "base_sha256": t.base.source.sha256,
    })
}

/// Write the state file (atomically: writers at once leave one whole file).
fn write_state(out: &Path, state: &serde_json::Value) -> Result<(), Failure> {
    let mut bytes = serde_json::to_vec_pretty(state).expect("json");
    bytes.push(b'\n');
    output::write_all(out, &[(STATE, bytes)]).with_context(|| format!("cannot write `{}`", out.display()))?;
    Ok(())
}

/// `waves.*`, `calibration.json`, `calibrated.toml` (checked by loading it), and with `plots` the charts and page.
fn write_results(t: &Targets, o: &cal::Outcome, out: &Path, plots: bool) -> Result<(), Failure> {
    let table = calout::waves_table(t, o);
    let report = calout::report(t, o);
    let extends = relative(out, &t.scenario_file);
    let overlay = calout::overlay(t, o, &extends);
    let params: Vec<String> = t.parameters.iter().map(|p| p.path.to_string()).collect();
    let params: Vec<&str> = params.iter().map(String::as_str).collect();
    let columns = output::dictionary::describe_table("waves.csv", &table, &params);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("waves.csv".into(), output::table::table_csv(&table)),
        (output::COLUMNS_CSV.into(), output::dictionary::rows_csv(&columns)),
        ("calibration.json".into(), calout::report_json(&report)),
        ("calibrated.toml".into(), overlay.into_bytes()),
    ];
    #[cfg(feature = "parquet")]
    {
        let columns = output::dictionary::describe_table("waves.parquet", &table, &params);
        files.push((
            "waves.parquet".into(),
            output::parquet::table_parquet_with(&table, &columns)
                .map_err(|e| Failure::Other(anyhow::anyhow!(e)))?,
        ));
    }
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

/// The calibration state in `out` for a shard: the state file must be this
/// calibration's, or the folder new (then the shard writes the state file;
/// shards starting at once write the same bytes).
fn open_for_shard(out: &Path, t: &Targets) -> Result<(), Failure> {
    let bad = |msg: String| Failure::BadInput(format!("error: {msg}\n"));
    let state = out.join(STATE);
    if state.is_file() {
        return open(out, t, true, false);
    }
    let others = match std::fs::read_dir(out) {
        Ok(d) => d
            .flatten()
            .filter(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n != "logs" && !n.starts_with("wave")
            })
            .count(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(bad(format!("cannot use output folder `{}`: {e}", out.display()))),
    };
    if others > 0 {
        return Err(bad(format!(
            "`{}` holds no calibration (no {STATE}) but other files\n\nhint: choose another folder with --out",
            out.display()
        )));
    }
    output::prepare_out_dir(out, true).map_err(|e| bad(e.to_string()))?;
    write_state(out, &state_of(t))
}

/// `--wave K --shard I/N`: rebuild waves 1..K-1 from their folders and run shard I of wave K.
#[allow(clippy::too_many_arguments)]
fn run_one_shard(
    args: &Args,
    t: &Targets,
    out: &Path,
    wave: u32,
    shard: Shard,
    pool: &rayon::ThreadPool,
    threads: usize,
    available: Option<u64>,
    clock: Instant,
) -> Result<(), Failure> {
    if wave > t.waves {
        return Err(Failure::BadInput(format!(
            "error: `--wave {wave}`: the calibration in `{}` has {} waves\n\nhint: give a wave from 1 to {}\n",
            t.file, t.waves, t.waves
        )));
    }
    open_for_shard(out, t)?;
    let per_wave = u64::from(t.candidates) * u64::from(t.replicates);
    let mine = (0..per_wave).filter(|&n| shard.has(n)).count() as u64;
    let progress = Progress::runs(mine, args.quiet);
    let runner = waves::Runner {
        out,
        pool,
        threads,
        available,
        force: false,
        resume: args.resume,
        progress: &progress,
    };
    /// Why the driver stopped: the shard ran, or something failed.
    enum Halt {
        Ran(usize, usize),
        Failed(Failure),
    }
    let stopped = cal::calibrate(t, |plan| {
        if plan.wave < wave {
            waves::finished(t, plan, &runner, shard).map_err(Halt::Failed)
        } else {
            let (now, before) = waves::run_shard(t, plan, &runner, shard).map_err(Halt::Failed)?;
            Err(Halt::Ran(now, before))
        }
    });
    progress.finish();
    match stopped {
        Err(Halt::Ran(now, before)) => {
            if !args.quiet {
                let secs = clock.elapsed().as_secs_f64();
                println!(
                    "wave {wave}, shard {shard}: {} runs, {now} now, {before} from before, in {secs:.2} s",
                    now + before
                );
                println!(
                    "results: {}/ once every shard of wave {wave} has run (then `--wave {} --shard I/{}`, or --resume to gather and go on)",
                    waves::wave_dir(out, wave).display(),
                    wave + 1,
                    shard.count
                );
            }
            Ok(())
        }
        Err(Halt::Failed(e)) => Err(e),
        Ok(_) => Err(Failure::Other(anyhow::anyhow!("the calibration ended before wave {wave} (a bug)"))),
    }
}

/// `--emit-slurm N`: check the plan, make the folder this calibration's, and write the job scripts.
fn emit_slurm(args: &Args, t: &Targets, out: &Path, shards: usize) -> Result<(), Failure> {
    let bad = |msg: String| Failure::BadInput(format!("error: {msg}\n"));
    let per_wave = u64::from(t.candidates) * u64::from(t.replicates);
    if shards as u64 > per_wave {
        return Err(bad(format!(
            "`--emit-slurm {shards}` asks for more shards than a wave has runs ({} candidates × {} replicates = {per_wave})\n\n\
             hint: use `--emit-slurm {per_wave}` or fewer; every shard needs at least one run",
            t.candidates, t.replicates
        )));
    }
    let text = |what: &str, p: &Path| {
        p.to_str().map(str::to_owned).ok_or_else(|| {
            bad(format!("the {what} path `{}` is not valid UTF-8, so no job script can hold it", p.display()))
        })
    };
    let job = SlurmCalibration {
        scenario: args.scenario.as_deref().map(|p| text("scenario", p)).transpose()?,
        targets: text("targets", &args.targets)?,
        out: text("output folder", out)?,
        waves: t.waves,
        shards,
        cpus_per_task: args.cpus_per_task.unwrap_or(pointsim::batch::slurm::DEFAULT_CPUS_PER_TASK),
        no_plots: args.no_plots,
    };
    let scripts = slurm::scripts(&job).map_err(|e| bad(e.to_string()))?;
    let _held = super::outdir::hold(out, args.quiet)?;
    // the folder is this calibration's from now on; the jobs resume what is there
    open(out, t, true, args.force)?;
    let files = [
        (slurm::WAVE_FILE, scripts.wave.into_bytes()),
        (slurm::FINISH_FILE, scripts.finish.into_bytes()),
        (pointsim::batch::slurm::SUBMIT_FILE, scripts.submit.into_bytes()),
    ];
    output::write_all(out, &files)
        .with_context(|| format!("cannot write job scripts to `{}`", out.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let path = out.join(pointsim::batch::slurm::SUBMIT_FILE);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make `{}` executable", path.display()))?;
    }
    if !args.quiet {
        let dir = out.display();
        println!(
            "wrote {dir}/{}, {dir}/{} and {dir}/{}: {} waves of {per_wave} runs, each wave as {shards} shards after the wave before, {} CPUs each, then the finish",
            slurm::WAVE_FILE,
            slurm::FINISH_FILE,
            pointsim::batch::slurm::SUBMIT_FILE,
            t.waves,
            job.cpus_per_task
        );
        println!(
            "submit them from this folder: {dir}/{} [sbatch options]",
            pointsim::batch::slurm::SUBMIT_FILE
        );
        println!("results: {dir}/ once the finishing job has COMPLETED");
    }
    Ok(())
}
