//! `pointsim sensitivity`: a Morris or Sobol' design over a plan's ranges, run as a sweep, and its indices.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use pointsim::batch::journal::{self, Journal};
use pointsim::batch::sensitivity::{CONVERGED, Method, Settings, Study, plan, report};
use pointsim::output;
use pointsim::results::sweep::{Record, SWEEP_JSON};

use super::progress::Progress;
use super::{Failure, sweep, sweep_dir, term};

/// Global sensitivity analysis: which parameters of a plan move which metrics.
///
/// The plan names a base scenario, the free parameters with their ranges
/// [lo, hi], the metrics and the method options (see the README's
/// "Sensitivity analysis" section). The design (Morris trajectories or
/// Saltelli's Sobol' matrices) runs as a sweep with common random numbers,
/// resumable with --resume; then writes indices.csv/.parquet (estimate and
/// 95% bootstrap interval of every index), samples.csv (the design and its
/// outputs), sensitivity.json and plots/<metric>.png|svg.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim sensitivity scenarios/sensitivity/toy_rates.toml --method sobol --dry-run\n  \
    pointsim sensitivity scenarios/sensitivity/toy_rates.toml --method sobol --out /tmp/sobol\n  \
    pointsim sensitivity scenarios/sensitivity/toy_rates.toml --method morris -n 20 --out /tmp/morris")]
pub struct Args {
    /// Sensitivity plan file (TOML).
    pub plan: PathBuf,
    /// Morris elementary effects (screening) or Sobol' indices (variance shares).
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Sobol: base sample N (a power of 2; N (d + 2) design points);
    /// Morris: trajectories r (r (d + 1) points) [default: the plan's].
    #[arg(short, value_name = "N")]
    pub n: Option<u32>,
    /// Seeds per design point [default: the plan's `replicates`, else 1].
    #[arg(long, value_name = "R", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub replicates: Option<u32>,
    /// Output folder [default: output/<plan file stem>-<method>].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads [default: $SLURM_CPUS_PER_TASK, else every core].
    #[arg(short, long, value_name = "N", value_parser = super::overrides::threads)]
    pub jobs: Option<NonZeroUsize>,
    /// Print the design, runs and estimated time, then exit without running.
    #[arg(long)]
    pub dry_run: bool,
    /// Continue an interrupted study in the output folder (refused if the plan, base or settings changed).
    #[arg(long, conflicts_with = "force")]
    pub resume: bool,
    /// Start over in an output folder that holds an earlier study or sweep.
    #[arg(long)]
    pub force: bool,
    /// Skip the charts.
    #[arg(long)]
    pub no_plots: bool,
    /// Run even when the memory estimate exceeds what is available.
    #[arg(long)]
    pub ignore_memory: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `--method`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum MethodArg {
    /// Morris elementary effects: μ, μ*, σ.
    Morris,
    /// Sobol' first-order and total indices.
    Sobol,
}

/// The files a study writes besides the sweep's.
const OWN_FILES: [&str; 4] =
    ["indices.csv", "indices.parquet", report::SAMPLES_CSV, report::SENSITIVITY_JSON];

fn default_out(plan: &Path, method: Method) -> PathBuf {
    let stem = plan.file_stem().map_or_else(|| "sensitivity".into(), |s| s.to_string_lossy().into_owned());
    Path::new("output").join(format!("{stem}-{method}"))
}

pub fn run(args: Args) -> Result<(), Failure> {
    let clock = Instant::now();
    let method = match args.method {
        MethodArg::Morris => Method::Morris,
        MethodArg::Sobol => Method::Sobol,
    };
    let plan = plan::load(&args.plan).map_err(|d| Failure::BadInput(d.render(term::color())))?;
    if !args.quiet && !plan.base.warnings.items().is_empty() {
        term::eprint(&plan.base.warnings.render(term::color()));
    }
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.plan, method));
    let mut inputs = vec![args.plan.clone()];
    inputs.extend(super::inputs::chain_files(&plan.base.source));
    super::inputs::refuse_own_inputs(&out, &inputs)?;
    let settings = Settings::new(&plan, method, args.n, args.replicates);
    let threads = pointsim::budget::threads(args.jobs);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let available = if args.ignore_memory { None } else { pointsim::available_memory() };
    let study = pool.install(|| Study::prepare(plan, settings, threads, available)).map_err(|e| {
        Failure::BadInput(format!("error: {e}\n\nhint: change -n or --replicates, or the plan\n"))
    })?;
    if args.dry_run {
        print!("{}", describe(&study));
        print!("{}", super::sweep_plan::describe(&study.sweep, threads));
        return Ok(());
    }
    // one writer per folder, and signals handled (what is kept, how to go on)
    let _held = super::outdir::hold(&out, args.quiet)?;
    let sw = &study.sweep;
    let m = &sw.manifest;
    let runs = sw.runs();
    let mine: HashSet<(usize, u32)> = runs.iter().copied().collect();
    let earlier: Vec<Record> = sweep_dir::open(&out, m, args.resume, args.force)?
        .into_iter()
        .filter(|r| mine.contains(&(r.cell, r.replicate)) && r.seed == sw.seed(r.cell, r.replicate))
        .collect();
    if args.force {
        // the sweep's own files are cleared by `sweep_dir::open`; these are the study's
        for f in OWN_FILES {
            match std::fs::remove_file(out.join(f)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Failure::Other(
                        anyhow::Error::new(e).context(format!("cannot remove `{f}`")),
                    ));
                }
                _ => {}
            }
        }
    }
    output::write_all(&out, &[(SWEEP_JSON, m.to_json())])
        .with_context(|| format!("cannot write `{}`", out.join(SWEEP_JSON).display()))?;
    let mut journal = Journal::create(&out, &earlier)
        .with_context(|| format!("cannot write the journal in `{}`", out.display()))?;
    let done: HashSet<(usize, u32)> = earlier.iter().map(|r| (r.cell, r.replicate)).collect();
    let todo: Vec<(usize, u32)> = runs.iter().copied().filter(|k| !done.contains(k)).collect();
    let progress = Progress::runs(runs.len() as u64, args.quiet);
    progress.inc(done.len() as u64);
    let run_clock = Instant::now();
    sweep::execute(&pool, sw, &todo, &mut journal, &progress)?;
    let run_secs = run_clock.elapsed().as_secs_f64();
    progress.finish();
    journal.sync().context("cannot sync the journal")?;
    let records: Vec<Record> = journal::read(&out)
        .context("cannot read the journal back")?
        .into_iter()
        .filter(|r| mine.contains(&(r.cell, r.replicate)))
        .collect();
    // the sweep's own tables too: runs.csv holds every replicate
    sweep_dir::write_tables(&out, m, &records, false)?;
    sweep_dir::outcome(m, &records, &out)?;

    let analyses = study.analyze(&records);
    let mut files =
        report::table_files(&study, &records, &analyses).map_err(|e| Failure::Other(anyhow::anyhow!(e)))?;
    files.push((report::SENSITIVITY_JSON.to_owned(), report::json(&study, &analyses)));
    if !args.no_plots {
        files.extend(report::charts(&study, &analyses).context("cannot draw the sensitivity charts")?);
    }
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    output::write_all(&out, &files)
        .with_context(|| format!("cannot write results to `{}`", out.display()))?;
    if !args.quiet {
        print!("{}", summary(&study, &analyses));
        println!(
            "{} runs ({} design points × {} replicate(s)): {} now ({:.1} runs/s), {} from before; {:.2} s in all",
            runs.len(),
            study.unit.len(),
            study.settings.replicates,
            todo.len(),
            todo.len() as f64 / run_secs.max(1e-9),
            earlier.len(),
            clock.elapsed().as_secs_f64()
        );
        println!("results: {}/", out.display());
    }
    Ok(())
}

/// The study's header for `--dry-run`.
fn describe(study: &Study) -> String {
    let s = &study.settings;
    let mut out = String::new();
    let design = match s.method {
        Method::Sobol => format!(
            "Sobol' (Saltelli): N = {} base samples × (d + 2) = {} design points",
            s.n,
            study.unit.len()
        ),
        Method::Morris => format!(
            "Morris: r = {} trajectories × (d + 1) = {} design points, p = {} levels",
            s.n,
            study.unit.len(),
            s.levels
        ),
    };
    let _ = writeln!(out, "method      {design}");
    for p in &study.plan.params {
        let kind = if p.integer { "integer, rounded" } else { "number" };
        let _ = writeln!(out, "parameter   {} in [{}, {}] ({kind})", p.path, p.lo, p.hi);
    }
    let _ = writeln!(out, "metrics     {}", study.plan.metrics.join(", "));
    let _ = writeln!(out);
    out
}

/// A few lines per metric: the parameters by their main index.
fn summary(study: &Study, analyses: &[pointsim::batch::sensitivity::MetricAnalysis]) -> String {
    let main = match study.settings.method {
        Method::Sobol => "ST",
        Method::Morris => "mu_star",
    };
    let mut out = String::new();
    let shown = 6;
    for a in analyses.iter().take(shown) {
        let mut idx: Vec<_> = a.indices.iter().filter(|i| i.kind == main).collect();
        if idx.is_empty() {
            let _ = writeln!(out, "{}: {}", a.metric, a.undefined.as_deref().unwrap_or("no indices"));
            continue;
        }
        idx.sort_by(|x, y| y.estimate.unwrap_or(0.0).total_cmp(&x.estimate.unwrap_or(0.0)));
        let parts: Vec<String> = idx
            .iter()
            .map(|i| {
                let ci = match (i.ci_low, i.ci_high) {
                    (Some(l), Some(h)) => format!(" [{l:.3}, {h:.3}]"),
                    _ => String::new(),
                };
                format!("{} {:.3}{ci}", i.parameter, i.estimate.unwrap_or(f64::NAN))
            })
            .collect();
        let check = a.convergence_max_diff.map_or(String::new(), |d| {
            let verdict = if d <= CONVERGED { "converged" } else { "not converged: use a larger -n" };
            format!(" | first half vs all: max diff {d:.3}, {verdict}")
        });
        let _ = writeln!(out, "{} ({main}): {}{check}", a.metric, parts.join("; "));
    }
    if analyses.len() > shown {
        let _ = writeln!(out, "... and {} more metrics in indices.csv", analyses.len() - shown);
    }
    out
}
