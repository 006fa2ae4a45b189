//! `pointsim compare`: a base scenario against a reform, with common random numbers.

use std::io::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use pointsim::batch::compare;
use pointsim::budget;
use pointsim::output::{self, CompareInfo, text::percent};
use pointsim::results::comparison::Comparison;
use pointsim::scenario::{self, Loaded, Scenario};

use super::progress::Progress;
// explore applies `--set` changes through this module too
pub(super) use super::sets::with_sets;
use super::{Failure, term};

/// Replicates when `--replicates` is not given.
const DEFAULT_REPLICATES: u32 = 10;

/// Compare a reform with a base scenario, replicate by replicate.
///
/// Replicate r runs both scenarios with the same seed, derived from --seed
/// (default: the base's `scenario.seed`) and r, so every subject draws from
/// the same random streams in both: differences are caused by the reform,
/// not by chance. Writes compare.json, compare.csv (every metric: base mean,
/// reform mean, paired difference with a 95% confidence interval),
/// transitions.csv (final tier in the base against in the reform),
/// access_changes.csv (who gains or loses each perk and restriction, by
/// group), plots/compare_distribution.{png,svg} and compare.html. The two
/// scenarios must have the same population size and groups.
///
/// Without REFORM, `--set PATH=VALUE` makes a one-line reform of the base
/// (`--set rule.volunteer_service.points=10`); with REFORM, the changes apply on
/// top of it. Paths are those of sweep plans.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    pointsim compare scenarios/teaching_toy.toml examples/overlays/teaching_toy_reform.toml\n  \
    pointsim compare base.toml reform.toml --replicates 50 --seed 7 --out /tmp/reform --force\n  \
    pointsim compare scenarios/teaching_toy.toml --set rule.volunteer_service.points=10\n  \
    pointsim compare scenarios/rongcheng.toml --set perk.deposit_free_services.min_tier=A")]
pub struct Args {
    /// Base scenario file (TOML).
    base: PathBuf,
    /// Reform scenario file (TOML), often an overlay that `extends` the base
    /// [default: the base, changed by --set].
    #[arg(required_unless_present = "set")]
    reform: Option<PathBuf>,
    /// Change one value of the reform (the base when REFORM is not given):
    /// a dotted path and a TOML value, like `rule.volunteering.points=10` or
    /// `perk.library.min_tier=AA`. Repeat for several.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Number of replicates: pairs of runs (base and reform) sharing one seed.
    #[arg(short = 'r', long, value_name = "K", default_value_t = DEFAULT_REPLICATES,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    replicates: u32,
    /// Output folder [default: output/<base stem>_vs_<reform stem>, with
    /// `__<PATH=VALUE>` for each --set; output/<base stem>_vs_<PATH=VALUE>
    /// without REFORM].
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
    /// Small-cell suppression: leave out every figure of a group with fewer
    /// than K subjects, and of any group that would let it be recovered from
    /// the totals (0 publishes everything).
    #[arg(long, value_name = "K", default_value_t = output::DEFAULT_MIN_CELL)]
    min_cell: u32,
    /// Skip the chart and compare.html (only the data files).
    #[arg(long)]
    no_plots: bool,
    /// Run even when the memory estimate exceeds what is available.
    #[arg(long)]
    ignore_memory: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

fn stem(p: &Path) -> String {
    p.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned())
}

/// The default output folder: `output/<base>_vs_<reform>`, where the
/// reform is named by its file stem and then its `--set` changes
/// (`teaching_toy_vs_rule.volunteer_service.points=10`,
/// `teaching_toy_vs_teaching_toy_reform__perk.p.min_tier=AA`), so each
/// change gets its own folder.
///
/// Options that change the results (`--seed`, `--population`, `--steps`
/// other than the base's, `--replicates` other than 10, `--min-cell` other
/// than the default) are part of the change: `options` holds them as `name=value`.
fn default_out(base: &Path, reform: Option<&Path>, sets: &[String], options: &[String]) -> PathBuf {
    let changes: Vec<String> = sets.iter().chain(options).cloned().collect();
    let reform = match reform {
        Some(r) => super::sets::folder_name(&stem(r), &changes),
        // the change alone names a reform of the base
        None => super::sets::change_name(&changes).unwrap_or_else(|| "set".to_owned()),
    };
    Path::new("output").join(format!("{}_vs_{reform}", stem(base)))
}

/// Load one side, printing its warnings.
pub(super) fn load(path: &Path, quiet: bool) -> Result<Loaded, Failure> {
    let loaded = scenario::load(path).map_err(|e| super::check::bad_input(&e))?;
    if !quiet && !loaded.warnings.items().is_empty() {
        term::eprint(&loaded.warnings.render(term::color()));
    }
    Ok(loaded)
}

/// Refuse a scenario that cannot run here, before anything is written:
/// `replicates` pairs ([`compare::budget_job`]).
pub(super) fn check_runnable(
    s: &Scenario,
    file: &Path,
    threads: usize,
    replicates: u32,
    ignore_memory: bool,
) -> Result<(), Failure> {
    let job = compare::budget_job(s, threads, replicates);
    let available = if ignore_memory { None } else { pointsim::available_memory() };
    let problems = budget::check(&job, None, available, false);
    if problems.is_empty() {
        return Ok(());
    }
    Err(Failure::BadInput(
        problems
            .iter()
            .map(|d| {
                let hint = d.hint.as_deref().map_or(String::new(), |h| format!("\n\nhint: {h}"));
                format!("error: `{}`: {}{hint}\n", file.display(), d.message)
            })
            .collect(),
    ))
}

/// The two scenarios to compare: `base` and `reform` with `overrides`
/// applied to both, refused when they cannot be compared.
pub(super) fn sides(
    (base, base_path): (&Loaded, &Path),
    (reform, reform_path): (&Loaded, &Path),
    overrides: &pointsim::Overrides,
) -> Result<(Scenario, Scenario), Failure> {
    let (mut a, mut b) = (base.scenario.clone(), reform.scenario.clone());
    for s in [&mut a, &mut b] {
        pointsim::apply_overrides(s, overrides)
            .map_err(|errs| Failure::BadInput(errs.iter().map(|e| format!("error: {e}\n")).collect()))?;
    }
    compare::comparable(&a, &b).map_err(|why| {
        Failure::BadInput(format!(
            "error: cannot compare `{}` with `{}`: {why}\n\nhint: a reform changes rules, tiers, perks or \
             restrictions of the same population; write it as an overlay with `extends = \"{}\"`\n",
            base_path.display(),
            reform_path.display(),
            base_path.display()
        ))
    })?;
    Ok((a, b))
}

pub fn run(args: Args) -> Result<(), Failure> {
    let base = load(&args.base, args.quiet)?;
    let reform_path = args.reform.clone().unwrap_or_else(|| args.base.clone());
    let reform = with_sets(load(&reform_path, args.quiet)?, &args.set, term::color())?;
    let overrides = args.overrides.overrides();
    let threads = pointsim::budget::threads(args.jobs);
    let (a, b) = sides((&base, &args.base), (&reform, &reform_path), &overrides)?;
    check_runnable(&a, &args.base, threads, args.replicates, args.ignore_memory)?;
    check_runnable(&b, &reform_path, threads, args.replicates, args.ignore_memory)?;
    let replicates = (args.replicates != DEFAULT_REPLICATES).then_some(args.replicates);
    let options = super::sets::option_changes(&base.scenario, &overrides, replicates, args.min_cell);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out(&args.base, args.reform.as_deref(), &args.set, &options));
    let mut inputs = super::inputs::chain_files(&base.source);
    inputs.extend(super::inputs::chain_files(&reform.source));
    super::inputs::refuse_own_inputs(&out, &inputs)?;
    // one writer per folder; what an interrupted run left is reported
    let _held = super::outdir::hold(&out, args.quiet)?;
    let argv: Vec<String> = std::env::args().collect();
    let me = super::rerun::Identity {
        kind: super::rerun::Kind::Compare,
        files: [&base, &reform]
            .map(|l| l.source.chain.first().map_or_else(String::new, |f| f.file.clone()))
            .to_vec(),
        argv: &argv,
        chain: base.source.chain.iter().chain(&reform.source.chain).cloned().collect(),
        command: super::rerun::command_of(&argv),
        defaults: [
            super::rerun::defaults_of(&base.scenario),
            vec![("--replicates", DEFAULT_REPLICATES.to_string())],
        ]
        .concat(),
    };
    let prepared = super::rerun::prepare(&out, args.force, &me)?;
    // the result set is written next to `out` and renamed into place when complete
    let stage = super::outdir::stage(&out)?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let seed = a.seed;
    let progress = Progress::new(2 * u64::from(args.replicates) * a.population, args.quiet);
    let c = pool
        .install(|| compare::compare(&a, &b, seed, args.replicates, args.min_cell, &|n| progress.inc(n)))
        .map_err(|why| Failure::BadInput(format!("error: {why}\n")))?;
    progress.finish();

    let info = info((&a, &base), (&b, &reform), seed, overrides, argv);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("compare.json".into(), output::compare_json(&c, &info)),
        ("compare.csv".into(), output::compare_csv(&c)),
        ("transitions.csv".into(), output::transitions_csv(&c)),
        ("access_changes.csv".into(), output::access_changes_csv(&c)),
    ];
    let dictionary = {
        let views: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        output::dictionary_csv(&views, &[])
    };
    files.push((output::COLUMNS_CSV.into(), dictionary));
    if !args.no_plots {
        files.extend(pointsim::plot::render_compare(&c, &info).context("cannot draw the comparison chart")?);
    }
    super::guard::io(|| output::write_all(stage.dir(), &files))
        .with_context(|| format!("cannot write results to `{}`", out.display()))?;
    // so that no earlier chart outlives its data
    let earlier = |rel: &str| prepared.replacing && pointsim::plot::COMPARE_PICTURES.contains(&rel);
    stage.commit(&out, &earlier)?;
    if let Some(note) = prepared.note.filter(|_| !args.quiet) {
        term::eprint(&note);
    }
    if !args.quiet {
        let mut stdout = std::io::stdout().lock();
        write!(stdout, "{}", terminal(&c, &info)).context("cannot write to stdout")?;
        writeln!(stdout, "results: {}/", out.display()).context("cannot write to stdout")?;
        if !args.no_plots {
            writeln!(stdout, "report:  {}", out.join("compare.html").display())
                .context("cannot write to stdout")?;
        }
    }
    Ok(())
}

/// What compare.json records besides the numbers.
pub(super) fn info(
    (a, base): (&Scenario, &Loaded),
    (b, reform): (&Scenario, &Loaded),
    seed: u64,
    overrides: pointsim::Overrides,
    command_line: Vec<String>,
) -> CompareInfo {
    CompareInfo {
        base_name: a.name.clone(),
        base_chain: base.source.chain.clone(),
        reform_name: b.name.clone(),
        reform_chain: reform.source.chain.clone(),
        overrides: pointsim::Overrides { seed: Some(seed), ..overrides },
        command_line,
    }
}

/// The few lines printed after a comparison: the headline differences.
fn terminal(c: &Comparison, info: &CompareInfo) -> String {
    let mut s = format!(
        "{} → {}\n{} subjects, {} replicates (common random numbers), seed {}\n\n",
        info.base_name,
        info.reform_name,
        output::text::thousands(c.group_sizes[0]),
        c.replicates(),
        c.seed
    );
    // everyone's mean score and shares; a share that is zero in both is left out
    let headline =
        |name: &str| name == "score.mean" || !(name.starts_with("group.") || name.starts_with("score."));
    let shown: Vec<_> = c
        .metrics
        .iter()
        .filter(|m| headline(&m.name) && (m.base.mean != 0.0 || m.reform.mean != 0.0))
        .collect();
    let w = shown.iter().map(|m| m.name.chars().count()).max().unwrap_or(6).max(6);
    s.push_str(&format!("{:<w$} {:>10} {:>10} {:>10}  {}\n", "metric", "base", "reform", "change", "95% CI"));
    for m in shown {
        let is_share = m.name.contains("share");
        let v = |x: f64| {
            if x.is_nan() {
                "–".to_owned()
            } else if is_share {
                percent(x)
            } else {
                output::text::one_decimal(x)
            }
        };
        let d = |x: f64| {
            if x.is_nan() {
                "–".to_owned()
            } else if format!("{:.1}", x.abs() * if is_share { 100.0 } else { 1.0 }) == "0.0" {
                if is_share { "0.0 pp".to_owned() } else { "0.0".to_owned() }
            } else if is_share {
                format!("{:+.1} pp", 100.0 * x)
            } else {
                format!("{x:+.1}")
            }
        };
        let ci = if m.diff.lo.is_nan() {
            "–".to_owned()
        } else {
            format!("[{}, {}]", d(m.diff.lo), d(m.diff.hi))
        };
        s.push_str(&format!(
            "{:<w$} {:>10} {:>10} {:>10}  {ci}\n",
            m.name,
            v(m.base.mean),
            v(m.reform.mean),
            d(m.diff.mean)
        ));
    }
    let n = c.group_sizes[0] * c.replicates() as u64;
    match c.moved(0) {
        Some([down, _, up]) => s.push_str(&format!(
            "\ntier under the reform: {} move up, {} move down\n",
            percent(up as f64 / n as f64),
            percent(down as f64 / n as f64)
        )),
        None => s.push_str("\nthe two scenarios have different tiers: see transitions.csv\n"),
    }
    s
}
