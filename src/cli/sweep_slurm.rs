//! `pointsim sweep --emit-slurm N`: write the Slurm job scripts of a sharded sweep, run nothing.

use std::path::Path;

use anyhow::Context as _;
use pointsim::batch::slurm::{self, SlurmScripts, SlurmSweep};
use pointsim::batch::sweep::Sweep;
use pointsim::output;
use pointsim::output::text::thousands;
use pointsim::results::sweep::SWEEP_JSON;

use super::{Failure, sweep_dir};

/// Cells listed in the message about invalid cells before `... and N more`.
const SHOWN: usize = 5;

/// What `--emit-slurm` was given besides the prepared sweep.
pub struct Emit<'a> {
    /// The plan path as typed.
    pub plan: &'a Path,
    /// The output folder (as typed, or the default).
    pub out: &'a Path,
    /// `--emit-slurm N`.
    pub shards: usize,
    /// `--cpus-per-task C`.
    pub cpus_per_task: usize,
    /// `--no-plots` (passed to the merge).
    pub no_plots: bool,
    /// `--quiet`.
    pub quiet: bool,
}

/// Check that `sweep` can run as `e.shards` shards and write the three job
/// scripts into `e.out`. Runs nothing and writes nothing else.
pub fn emit(sweep: &Sweep, e: &Emit) -> Result<(), Failure> {
    let bad = |msg: String| Failure::BadInput(format!("error: {msg}\n"));
    let m = &sweep.manifest;
    let runs = m.total_runs();
    if e.shards as u64 > runs {
        return Err(bad(format!(
            "`--emit-slurm {}` asks for more shards than the plan has runs ({} cells × {} replicates = {runs})\n\n\
             hint: use `--emit-slurm {runs}` or fewer; every shard needs at least one run",
            e.shards,
            m.cells.len(),
            m.replicates
        )));
    }
    let invalid: Vec<String> =
        m.cells.iter().filter_map(|c| c.error.as_ref().map(|err| format!("  {}: {err}", c.id))).collect();
    if !invalid.is_empty() {
        let more = invalid.len().saturating_sub(SHOWN);
        let more = if more > 0 { format!("\n  ... and {more} more") } else { String::new() };
        return Err(bad(format!(
            "{} of {} cells make an invalid scenario:\n{}{more}\n\n\
             On Slurm their runs would fail, the shards holding them would end FAILED and the merge would be cancelled.\n\
             hint: change the values in `{}` so that every cell is valid (`pointsim sweep {} --dry-run` lists them)",
            invalid.len(),
            m.cells.len(),
            invalid[..invalid.len().min(SHOWN)].join("\n"),
            e.plan.display(),
            e.plan.display()
        )));
    }
    let text = |what: &str, p: &Path| {
        p.to_str().map(str::to_owned).ok_or_else(|| {
            bad(format!("the {what} path `{}` is not valid UTF-8, so no job script can hold it", p.display()))
        })
    };
    let job = SlurmSweep {
        plan: text("plan", e.plan)?,
        out: text("output folder", e.out)?,
        shards: e.shards,
        cpus_per_task: e.cpus_per_task,
        independent_seeds: m.independent_seeds,
        no_plots: e.no_plots,
    };
    let scripts = slurm::scripts(&job).map_err(|err| bad(err.to_string()))?;
    check_old_shards(sweep, e)?;
    write(e.out, &scripts)?;
    if !e.quiet {
        let (least, most) = (runs / e.shards as u64, runs.div_ceil(e.shards as u64));
        let each = if least == most { thousands(least) } else { format!("{least} or {most}") };
        let dir = e.out.display();
        println!(
            "wrote {dir}/{}, {dir}/{} and {dir}/{}: {} runs as {} shards of {each} runs, {} CPUs each, then a merge",
            slurm::SWEEP_FILE,
            slurm::MERGE_FILE,
            slurm::SUBMIT_FILE,
            thousands(runs),
            e.shards,
            e.cpus_per_task
        );
        println!("submit them from this folder: {dir}/{} [sbatch options]", slurm::SUBMIT_FILE);
        println!("merged results: {dir}/merged/ once the merge job has COMPLETED");
    }
    Ok(())
}

/// Refuse an output folder whose `shard-*` folders hold another sweep or
/// another cut: the shard jobs (which resume) would all fail on them.
fn check_old_shards(sweep: &Sweep, e: &Emit) -> Result<(), Failure> {
    let Ok(entries) = std::fs::read_dir(e.out) else { return Ok(()) };
    let m = &sweep.manifest;
    let mut clash: Vec<String> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("shard-") || !entry.path().join(SWEEP_JSON).is_file() {
            continue;
        }
        let Ok(old) = sweep_dir::read_manifest(&entry.path()) else {
            clash.push(format!("  `{}`: not readable as a shard", entry.path().display()));
            continue;
        };
        let why = if old.sweep_hash != m.sweep_hash {
            Some("another plan, base scenario or seeding".to_owned())
        } else {
            match old.shard {
                Some(s) if s.count as usize == e.shards && name == format!("shard-{}", s.index) => None,
                Some(s) => Some(format!("shard {s}")),
                None => Some("a whole sweep".to_owned()),
            }
        };
        if let Some(why) = why {
            clash.push(format!("  `{}`: {why}", entry.path().display()));
        }
    }
    if clash.is_empty() {
        return Ok(());
    }
    clash.sort();
    Err(Failure::BadInput(format!(
        "error: `{}` holds shard folders that do not belong to {} shards of this sweep:\n{}\n\n\
         The shard jobs continue what they find in their folder, so they would fail on these.\n\
         hint: remove them (`rm -r {}/shard-*`) or choose another folder with --out\n",
        e.out.display(),
        e.shards,
        clash.join("\n"),
        e.out.display()
    )))
}

/// Write the three files atomically, `submit.sh` executable.
fn write(out: &Path, s: &SlurmScripts) -> Result<(), Failure> {
    let files = [
        (slurm::SWEEP_FILE, s.sweep.clone().into_bytes()),
        (slurm::MERGE_FILE, s.merge.clone().into_bytes()),
        (slurm::SUBMIT_FILE, s.submit.clone().into_bytes()),
    ];
    output::write_all(out, &files)
        .with_context(|| format!("cannot write job scripts to `{}`", out.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let path = out.join(slurm::SUBMIT_FILE);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make `{}` executable", path.display()))?;
    }
    Ok(())
}
