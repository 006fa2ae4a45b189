//! A calibration's wave folders: running a wave whole or one shard of it, and gathering a wave's runs from its shards.
//!
//! Wave K lives in `OUT/waveK/`, a sweep folder (`plan.toml`, `cells/`,
//! `sweep.json`, the journal). `--wave K --shard I/N` runs shard I of it
//! into `OUT/waveK/shard-I/` (a sweep shard folder of the same plan); a
//! whole run of the wave reuses every run its shards recorded, so that a
//! sharded calibration ends with the same numbers as one run whole.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use pointsim::batch::calibrate::method::WavePlan;
use pointsim::batch::calibrate::targets::Targets;
use pointsim::batch::calibrate::{self as cal};
use pointsim::batch::journal::{self, Journal};
use pointsim::batch::sweep::Sweep;
use pointsim::output;
use pointsim::results::sweep::{Record, SWEEP_JSON, Shard};

use super::calibrate::relative;
use super::progress::Progress;
use super::{Failure, sweep_dir};

/// How a wave runs: its folder's parent, the pool, and what the command line said.
pub struct Runner<'a> {
    /// The calibration's output folder.
    pub out: &'a Path,
    /// The worker pool.
    pub pool: &'a rayon::ThreadPool,
    /// Its size.
    pub threads: usize,
    /// Memory available to the runs (`None`: not checked).
    pub available: Option<u64>,
    /// `--force`: start the wave's folder over.
    pub force: bool,
    /// `--resume` (for a shard's own folder).
    pub resume: bool,
    /// Progress on stderr.
    pub progress: &'a Progress,
}

/// The folder of wave `k`.
pub fn wave_dir(out: &Path, k: u32) -> PathBuf {
    out.join(format!("wave{k}"))
}

/// The wave's sweep (`shard`: only that shard's runs) and its plan text.
fn prepare(
    t: &Targets,
    plan: &WavePlan,
    r: &Runner,
    shard: Option<Shard>,
) -> Result<(Sweep, String), Failure> {
    let dir = wave_dir(r.out, plan.wave);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let base = relative(&dir, &t.scenario_file);
    let text = cal::wave_plan_text(t, plan, &base);
    let name = dir.join("plan.toml").display().to_string();
    let sweep = r
        .pool
        .install(|| cal::wave_sweep(t, &text, &name, &dir, shard, r.threads, r.available))
        .map_err(|e| {
            Failure::Other(anyhow::anyhow!(
                "the sweep of wave {} does not check: {}",
                plan.wave,
                e.render(false)
            ))
        })?;
    Ok((sweep, text))
}

/// Write the wave's `plan.toml`, `cells/` and whole-wave `sweep.json` (the
/// same bytes whoever writes them, each file replaced atomically, so shards
/// running at once may all write them).
fn write_wave_files(dir: &Path, sweep: &Sweep, text: &str) -> Result<(), Failure> {
    let mut files = sweep.cell_files();
    files.push(("plan.toml".to_owned(), text.as_bytes().to_vec()));
    output::write_all_unsynced(dir, &files).with_context(|| format!("cannot write `{}`", dir.display()))?;
    let mut whole = sweep.manifest.clone();
    whole.shard = None;
    output::write_all(dir, &[(SWEEP_JSON, whole.to_json())])
        .with_context(|| format!("cannot write `{}`", dir.join(SWEEP_JSON).display()))?;
    Ok(())
}

/// Run wave `plan` whole in its folder, reusing the runs its journal and its
/// shard folders hold: (runs made now, runs reused, outputs).
pub fn run_whole(t: &Targets, plan: &WavePlan, r: &Runner) -> Result<(usize, usize, cal::Outputs), Failure> {
    let dir = wave_dir(r.out, plan.wave);
    let (sweep, text) = prepare(t, plan, r, None)?;
    let mut earlier = sweep_dir::open(&dir, &sweep.manifest, true, r.force)?;
    earlier.extend(shard_records(&dir, &sweep)?);
    let earlier = own_runs(&sweep, earlier);
    write_wave_files(&dir, &sweep, &text)?;
    let ran = run_missing(t, &sweep, &dir, &earlier, r)?;
    let records = journal::read(&dir).context("cannot read the journal back")?;
    Ok((ran, earlier.len(), cal::collect(t, plan.units.len(), &records)))
}

/// The outputs of an earlier wave that must be complete (for a shard of a
/// later one), from its journal and its shard folders; refused when a run has no record.
pub fn finished(t: &Targets, plan: &WavePlan, r: &Runner, shard: Shard) -> Result<cal::Outputs, Failure> {
    let dir = wave_dir(r.out, plan.wave);
    let (sweep, _) = prepare(t, plan, r, None)?;
    let mut records = Vec::new();
    if dir.join(SWEEP_JSON).is_file() {
        let m = sweep_dir::read_manifest(&dir)?;
        if m.sweep_hash != sweep.manifest.sweep_hash {
            return Err(stale(&dir));
        }
        records =
            journal::read(&dir).with_context(|| format!("cannot read the journal in `{}`", dir.display()))?;
    }
    records.extend(shard_records(&dir, &sweep)?);
    let records = own_runs(&sweep, records);
    let total = sweep.runs().len();
    if records.len() < total {
        return Err(Failure::BadInput(format!(
            "error: wave {} is not finished: {} of its {total} runs have no result in `{}`\n\n\
             hint: run every shard of wave {} first (`--wave {} --shard I/{}` for each I), or continue the calibration whole with --resume\n",
            plan.wave,
            total - records.len(),
            dir.display(),
            plan.wave,
            plan.wave,
            shard.count
        )));
    }
    Ok(cal::collect(t, plan.units.len(), &records))
}

/// Run shard `shard` of wave `plan` into `waveK/shard-I/`: (runs made now, runs reused).
pub fn run_shard(t: &Targets, plan: &WavePlan, r: &Runner, shard: Shard) -> Result<(usize, usize), Failure> {
    let dir = wave_dir(r.out, plan.wave);
    let (sweep, text) = prepare(t, plan, r, Some(shard))?;
    let total = sweep.runs().len();
    if total == 0 {
        return Err(Failure::BadInput(format!(
            "error: shard {shard} of wave {} has no runs: the wave has only {} (candidates × replicates)\n\n\
             hint: cut the wave into at most that many shards\n",
            plan.wave,
            u64::from(t.candidates) * u64::from(t.replicates)
        )));
    }
    write_wave_files(&dir, &sweep, &text)?;
    let own = dir.join(format!("shard-{}", shard.index));
    let _held = super::outdir::hold(&own, true)?;
    let earlier = own_runs(&sweep, sweep_dir::open(&own, &sweep.manifest, r.resume, false)?);
    output::write_all(&own, &[(SWEEP_JSON, sweep.manifest.to_json())])
        .with_context(|| format!("cannot write `{}`", own.join(SWEEP_JSON).display()))?;
    let ran = run_missing(t, &sweep, &own, &earlier, r)?;
    Ok((ran, earlier.len()))
}

/// Start the journal in `dir` afresh with `earlier`, run the rest of
/// `sweep`'s runs into it and sync it: the number of runs made.
fn run_missing(
    t: &Targets,
    sweep: &Sweep,
    dir: &Path,
    earlier: &[Record],
    r: &Runner,
) -> Result<usize, Failure> {
    let mut journal = Journal::create(dir, earlier)
        .with_context(|| format!("cannot write the journal in `{}`", dir.display()))?;
    let done: HashSet<(usize, u32)> = earlier.iter().map(|x| (x.cell, x.replicate)).collect();
    let todo: Vec<(usize, u32)> = sweep.runs().into_iter().filter(|k| !done.contains(k)).collect();
    r.progress.inc(done.len() as u64);
    let measure = cal::measure(t);
    super::sweep::execute_with(r.pool, &todo, &mut journal, r.progress, &|c, rep| {
        sweep.run_with(c, rep, &measure)
    })?;
    journal.sync().context("cannot sync the journal")?;
    Ok(todo.len())
}

/// The records of `sweep`'s own runs among `records`, each once (the first),
/// with the seed the sweep gives it.
fn own_runs(sweep: &Sweep, records: Vec<Record>) -> Vec<Record> {
    let mine: HashSet<(usize, u32)> = sweep.runs().into_iter().collect();
    let mut seen = HashSet::new();
    records
        .into_iter()
        .filter(|x| {
            mine.contains(&(x.cell, x.replicate))
                && x.seed == sweep.seed(x.cell, x.replicate)
                && seen.insert((x.cell, x.replicate))
        })
        .collect()
}

/// The runs recorded in the shard folders `dir/shard-*/` of the wave `sweep`,
/// each folder's only for the runs its shard owns.
fn shard_records(dir: &Path, sweep: &Sweep) -> Result<Vec<Record>, Failure> {
    let mut folders: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("shard-"))
            .map(|e| e.path())
            .filter(|p| p.join(SWEEP_JSON).is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    folders.sort();
    let reps = u64::from(sweep.manifest.replicates);
    let mut out = Vec::new();
    for f in folders {
        let m = sweep_dir::read_manifest(&f)?;
        let Some(s) = m.shard.filter(|_| m.sweep_hash == sweep.manifest.sweep_hash) else {
            return Err(stale(&f));
        };
        let records =
            journal::read(&f).with_context(|| format!("cannot read the journal in `{}`", f.display()))?;
        out.extend(records.into_iter().filter(|x| s.has(x.cell as u64 * reps + u64::from(x.replicate))));
    }
    Ok(out)
}

fn stale(dir: &Path) -> Failure {
    Failure::BadInput(format!(
        "error: `{}` holds runs of another wave plan (the calibration there was started from other targets, scenario or pointsim version)\n\n\
         hint: use --force to start the calibration over, or choose another folder with --out\n",
        dir.display()
    ))
}

/// Remove the shard folders of every wave folder in `out` (for `--force`).
pub fn remove_shards(out: &Path) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(out) else { return Ok(()) };
    for wave in entries.flatten() {
        let name = wave.file_name().to_string_lossy().into_owned();
        if name.strip_prefix("wave").is_none_or(|k| k.parse::<u32>().is_err()) || !wave.path().is_dir() {
            continue;
        }
        for shard in std::fs::read_dir(wave.path())?.flatten() {
            let p = shard.path();
            if shard.file_name().to_string_lossy().starts_with("shard-") && p.join(SWEEP_JSON).is_file() {
                std::fs::remove_dir_all(&p)?;
            }
        }
    }
    Ok(())
}
