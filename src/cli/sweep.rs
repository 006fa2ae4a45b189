//! `pointsim sweep`: run a plan's cells × replicates in parallel, resumable and shardable.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use anyhow::Context as _;
use pointsim::batch::journal::{self, INCOMPLETE, JOURNAL, Journal};
use pointsim::batch::plan;
use pointsim::batch::sweep::Sweep;
use pointsim::output;
use pointsim::results::sweep::{Record, SWEEP_JSON, Shard};
use rayon::prelude::*;

use super::progress::Progress;
use super::{Failure, guard, sweep_dir, term};

/// Run a sweep plan: every cell × replicate, in parallel.
///
/// A plan names a base scenario and the values to vary (see the README's
/// Sweeps section). Writes runs.csv/.parquet (one row per run), cells.csv/.parquet
/// (mean, sd and 95% interval per cell), sweep.json and cells/<id>.toml (each
/// cell's scenario, runnable alone with `pointsim run ... --seed <seed of the row>`).
/// Finished runs are kept as they end: an interrupted sweep continues with --resume.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim sweep scenarios/sweeps/toy_volunteering.toml --dry-run\n  \
    pointsim sweep scenarios/sweeps/toy_volunteering.toml --out /tmp/sweep\n  \
    pointsim sweep scenarios/sweeps/toy_volunteering.toml --out /tmp/sweep --resume\n  \
    pointsim sweep PLAN --shard 0/4 --out shard0 ... then: pointsim merge shard0 shard1 shard2 shard3 --out all\n  \
    pointsim sweep PLAN --out results --emit-slurm 8 && results/submit.sh   (on a Slurm cluster)")]
pub struct Args {
    /// Sweep plan file (TOML).
    pub plan: PathBuf,
    /// Output folder [default: output/<plan file stem>].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: $SLURM_CPUS_PER_TASK, else every core].
    #[arg(short, long, value_name = "N", value_parser = super::overrides::threads)]
    pub jobs: Option<NonZeroUsize>,
    /// Print the cells, runs, rows and estimated memory and time, then exit without running.
    #[arg(long)]
    pub dry_run: bool,
    /// Continue an interrupted sweep in the output folder (refused if the plan or base changed).
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Start over in an output folder that holds an earlier sweep.
    #[arg(long)]
    pub force: bool,
    /// Run only shard I of N (0-based, as SLURM_ARRAY_TASK_ID): runs whose number
    /// (cell × replicates + replicate) leaves remainder I when divided by N.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Skip the charts (plots/<metric>.png|svg; only the tables).
    #[arg(long)]
    pub no_plots: bool,
    /// Give every cell its own replicate seeds instead of common random numbers.
    #[arg(long)]
    pub independent_seeds: bool,
    /// Run even when the memory estimate exceeds what is available.
    #[arg(long)]
    pub ignore_memory: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Run nothing: write Slurm job scripts that run the sweep as a job array of
    /// N shards and then merge them (DIR/sweep.slurm, DIR/merge.slurm and
    /// DIR/submit.sh; run submit.sh from this folder).
    #[arg(long, value_name = "N", conflicts_with_all = ["shard", "resume", "force", "dry_run", "jobs"])]
    pub emit_slurm: Option<usize>,
    /// CPUs of each shard in the job scripts of --emit-slurm [default: 2].
    #[arg(long, value_name = "C", requires = "emit_slurm")]
    pub cpus_per_task: Option<usize>,
}

/// The default output folder: `output/<plan file stem>`.
pub fn default_out(plan: &Path) -> PathBuf {
    let stem = plan.file_stem().map_or_else(|| "sweep".into(), |s| s.to_string_lossy().into_owned());
    Path::new("output").join(stem)
}

pub fn run(args: Args) -> Result<(), Failure> {
    let clock = Instant::now();
    let plan = plan::load(&args.plan).map_err(|e| Failure::BadInput(e.render(term::color())))?;
    if !args.quiet && !plan.base.warnings.items().is_empty() {
        term::eprint(&plan.base.warnings.render(term::color()));
    }
    let mut inputs = vec![args.plan.clone()];
    inputs.extend(super::inputs::chain_files(&plan.base.source));
    super::inputs::refuse_own_inputs(&args.out.clone().unwrap_or_else(|| default_out(&args.plan)), &inputs)?;
    let threads = pointsim::budget::threads(args.jobs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    if let Some(shards) = args.emit_slurm {
        return emit_slurm(&args, shards, &pool, plan);
    }
    let sweep = pool.install(|| {
        Sweep::prepare(
            plan,
            args.independent_seeds,
            args.shard,
            threads,
            if args.ignore_memory { None } else { pointsim::available_memory() },
        )
    });
    if args.dry_run {
        print!("{}", super::sweep_plan::describe(&sweep, threads));
        return Ok(());
    }
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.plan));
    // one writer per folder; on a signal, say what is kept and how to go on
    let _held = super::outdir::hold(&out, args.quiet)?;
    let m = &sweep.manifest;
    let runs = sweep.runs();
    let resume = resume_command();
    {
        let (out, total, resume) = (out.clone(), runs.len(), resume.clone());
        guard::say_on_signal(move || {
            let kept = journal::read(&out).map_or(0, |r| r.len());
            format!(
                "{kept} of {total} runs are kept in `{}`; continue the sweep with:\n  {resume}\n",
                out.join(JOURNAL).display()
            )
        });
    }
    // temporary files of a writer killed in the middle of one
    let stray = pointsim::output::atomic::remove_temp_files(&out, &["cells", "plots"])
        .with_context(|| format!("cannot clean up `{}`", out.display()))?;
    if stray > 0 && !args.quiet {
        term::eprint(&format!(
            "note: removed {stray} temporary file{} that an interrupted run left in `{}`\n",
            if stray == 1 { "" } else { "s" },
            out.display()
        ));
    }
    let mine: HashSet<(usize, u32)> = runs.iter().copied().collect();
    let earlier: Vec<Record> = sweep_dir::open(&out, m, args.resume, args.force)?
        .into_iter()
        .filter(|r| mine.contains(&(r.cell, r.replicate)) && r.seed == sweep.seed(r.cell, r.replicate))
        .collect();
    // what a resume needs comes first: the marker, sweep.json and the
    // journal, so the sweep can be resumed from its first finished run
    guard::io(|| {
        output::write_all(&out, &[(INCOMPLETE, journal::incomplete_text(&resume)), (SWEEP_JSON, m.to_json())])
    })
    .with_context(|| format!("cannot write `{}`", out.join(SWEEP_JSON).display()))?;
    let mut journal = guard::io(|| Journal::create(&out, &earlier))
        .with_context(|| format!("cannot write the journal in `{}`", out.display()))?;
    let cells = sweep.cell_files();
    let cells: Vec<(&str, Vec<u8>)> = cells.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    guard::io(|| output::write_all_unsynced(&out, &cells))
        .with_context(|| format!("cannot write cells to `{}`", out.display()))?;

    let done: HashSet<(usize, u32)> = earlier.iter().map(|r| (r.cell, r.replicate)).collect();
    let todo: Vec<(usize, u32)> = runs.iter().copied().filter(|k| !done.contains(k)).collect();
    let progress = Progress::runs(runs.len() as u64, args.quiet);
    progress.inc(done.len() as u64);
    execute(&pool, &sweep, &todo, &mut journal, &progress)?;
    progress.finish();
    journal.sync().context("cannot sync the journal")?;

    let records = journal::read(&out).context("cannot read the journal back")?;
    let records: Vec<Record> =
        records.into_iter().filter(|r| mine.contains(&(r.cell, r.replicate))).collect();
    if m.shard.is_none() {
        sweep_dir::write_tables(&out, m, &records, !args.no_plots)?;
    }
    // every run is in the journal (and the tables written): the sweep is complete
    guard::io(|| std::fs::remove_file(out.join(INCOMPLETE)))
        .with_context(|| format!("cannot remove `{}`", out.join(INCOMPLETE).display()))?;
    if !args.quiet {
        let secs = clock.elapsed().as_secs_f64();
        let what = m
            .shard
            .map_or(String::new(), |s| format!(" (shard {s}; combine the shards with `pointsim merge`)"));
        println!(
            "{} runs of {} cells × {} replicate{}{what}: {} now, {} from before, in {secs:.2} s ({:.1} runs/s)",
            runs.len(),
            m.cells.len(),
            m.replicates,
            if m.replicates == 1 { "" } else { "s" },
            todo.len(),
            earlier.len(),
            todo.len() as f64 / secs.max(1e-9)
        );
        println!("results: {}/", out.display());
    }
    sweep_dir::outcome(m, &records, &out)
}

/// `--emit-slurm N`: check the plan as the shards will see it and write the job scripts.
fn emit_slurm(args: &Args, shards: usize, pool: &rayon::ThreadPool, plan: plan::Plan) -> Result<(), Failure> {
    let cpus_per_task = args.cpus_per_task.unwrap_or(pointsim::batch::slurm::DEFAULT_CPUS_PER_TASK);
    // checked as a shard will check it: on `cpus_per_task` threads; the memory
    // of the compute nodes is not known here
    let sweep =
        pool.install(|| Sweep::prepare(plan, args.independent_seeds, None, cpus_per_task.max(1), None));
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.plan));
    super::sweep_slurm::emit(
        &sweep,
        &super::sweep_slurm::Emit {
            plan: &args.plan,
            out: &out,
            shards,
            cpus_per_task,
            no_plots: args.no_plots,
            quiet: args.quiet,
        },
    )
}

/// Run `todo` on `pool`, appending each finished run to the journal (in
/// batches: whatever has finished since the last write).
pub(super) fn execute(
    pool: &rayon::ThreadPool,
    sweep: &Sweep,
    todo: &[(usize, u32)],
    journal: &mut Journal,
    progress: &Progress,
) -> Result<(), Failure> {
    execute_with(pool, todo, journal, progress, &|c, r| sweep.run(c, r))
}

/// [`execute`] with the record of each run made by `run` (cell, replicate):
/// what a calibration uses to record its targets instead of the sweep's metrics.
pub(super) fn execute_with(
    pool: &rayon::ThreadPool,
    todo: &[(usize, u32)],
    journal: &mut Journal,
    progress: &Progress,
    run: &(dyn Fn(usize, u32) -> Record + Sync),
) -> Result<(), Failure> {
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<Record>();
    let result = std::thread::scope(|s| {
        s.spawn(|| {
            pool.install(|| {
                todo.par_iter().for_each_with(tx, |tx, &(c, r)| {
                    if !stop.load(Ordering::Relaxed) && !guard::stopping() {
                        let _ = tx.send(run(c, r));
                    }
                });
            });
        });
        let mut failure = None;
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            batch.extend(rx.try_iter());
            if failure.is_none()
                && let Err(e) = guard::io(|| journal.append(&batch))
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

/// This command line as it continues the sweep: without `--force`, with `--resume`.
fn resume_command() -> String {
    let mut argv: Vec<String> = std::env::args().filter(|a| a != "--force").collect();
    if !argv.iter().skip(1).any(|a| a == "--resume") {
        argv.push("--resume".to_owned());
    }
    super::rerun::command_of(&argv)
}
