//! Sweep folders: refusing, clearing or resuming one, and writing the tables at the end.

use std::path::Path;

use anyhow::Context as _;
use pointsim::batch::journal::{self, JOURNAL};
use pointsim::output;
use pointsim::results::sweep::{Manifest, Record, SWEEP_JSON};
use pointsim::results::tables;

use super::Failure;

/// Files a sweep writes at the top of its folder (besides `cells/` and `plots/`).
const FILES: [&str; 6] = [SWEEP_JSON, JOURNAL, "runs.csv", "runs.parquet", "cells.csv", "cells.parquet"];

/// Make `out` ready for the sweep described by `m`, returning the runs
/// already recorded there when resuming.
///
/// An empty or missing folder is used as is. A non-empty one is refused
/// unless `force` (pointsim's own sweep files in it are removed first) or
/// `resume` (it must hold this very sweep: same sweep hash and shard).
pub fn open(out: &Path, m: &Manifest, resume: bool, force: bool) -> Result<Vec<Record>, Failure> {
    let bad = |msg: String| Failure::BadInput(format!("error: {msg}\n"));
    let is_empty = match std::fs::read_dir(out) {
        Ok(mut d) => d.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(bad(format!("cannot use output folder `{}`: {e}", out.display()))),
    };
    if is_empty || force {
        output::prepare_out_dir(out, true).map_err(|e| bad(e.to_string()))?;
        if force {
            clear(out).with_context(|| format!("cannot clear `{}`", out.display()))?;
        }
        return Ok(Vec::new());
    }
    if !resume {
        return Err(bad(format!(
            "output folder `{}` is not empty\n\nhint: use --resume to continue the sweep that is there, --force to start it over, or choose another folder with --out",
            out.display()
        )));
    }
    let old = read_manifest(out)?;
    if old.sweep_hash != m.sweep_hash {
        let what = if old.plan_sha256 != m.plan_sha256 {
            "the plan file changed"
        } else if old.base_sha256 != m.base_sha256 {
            "the base scenario changed"
        } else if old.independent_seeds != m.independent_seeds {
            "--independent-seeds differs"
        } else {
            "it was made by another pointsim version"
        };
        return Err(bad(format!(
            "cannot resume the sweep in `{}`: {what} since it started\n\nhint: use --force to start it over, or choose another folder with --out",
            out.display()
        )));
    }
    if old.shard != m.shard {
        let show = |s: Option<_>| s.map_or("the whole sweep".to_owned(), |s| format!("shard {s}"));
        return Err(bad(format!(
            "cannot resume: `{}` holds {}, not {}\n\nhint: give the same --shard as when it started",
            out.display(),
            show(old.shard),
            show(m.shard)
        )));
    }
    let records =
        journal::read(out).with_context(|| format!("cannot read `{}`", out.join(JOURNAL).display()))?;
    Ok(records)
}

/// `sweep.json` of the sweep folder `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, Failure> {
    let path = dir.join(SWEEP_JSON);
    let text = std::fs::read(&path).map_err(|e| {
        Failure::BadInput(format!(
            "error: `{}` is not a sweep folder: cannot read `{SWEEP_JSON}` ({e})\n",
            dir.display()
        ))
    })?;
    serde_json::from_slice(&text).map_err(|e| {
        Failure::BadInput(format!("error: `{}` is not a valid sweep manifest: {e}\n", path.display()))
    })
}

/// Remove the files an earlier sweep wrote (only pointsim's own names).
fn clear(out: &Path) -> std::io::Result<()> {
    for f in FILES {
        match std::fs::remove_file(out.join(f)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    for (dir, ext) in [("cells", ".toml"), ("plots", ".svg"), ("plots", ".png")] {
        if let Ok(entries) = std::fs::read_dir(out.join(dir)) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if (dir == "plots" || name.starts_with('c')) && name.ends_with(ext) {
                    std::fs::remove_file(e.path())?;
                }
            }
        }
    }
    Ok(())
}

/// Write `runs.*` and `cells.*` of the finished sweep `m` from `records`,
/// then (with `plots`) `plots/*.png|svg`.
pub fn write_tables(out: &Path, m: &Manifest, records: &[Record], plots: bool) -> Result<(), Failure> {
    let (runs, cells) = tables::tables(m, records).map_err(|e| Failure::Other(anyhow::anyhow!(e)))?;
    let files = output::sweep_files(&runs, &cells).map_err(|e| Failure::Other(anyhow::anyhow!(e)))?;
    output::write_all(out, &files).with_context(|| format!("cannot write results to `{}`", out.display()))?;
    if plots {
        let files = pointsim::plot::render_sweep(m, &cells).context("cannot draw the sweep charts")?;
        output::write_all(out, &files)
            .with_context(|| format!("cannot write charts to `{}`", out.display()))?;
    }
    Ok(())
}

/// The exit status of a finished sweep (or shard): success, or how many runs failed.
pub fn outcome(m: &Manifest, records: &[Record], out: &Path) -> Result<(), Failure> {
    let failed: Vec<&Record> = records.iter().filter(|r| !r.is_ok()).collect();
    if failed.is_empty() {
        return Ok(());
    }
    let msg = format!(
        "{} of {} runs failed; their `status` in runs.csv says why (results: {}/)",
        failed.len(),
        records.len(),
        out.display()
    );
    if failed.iter().all(|r| m.cells[r.cell].error.is_some()) {
        Err(Failure::BadInput(format!(
            "error: {msg}\n\nhint: every failure is a cell whose values make an invalid scenario; `pointsim check {}/cells/<cell>.toml` shows the details\n",
            out.display()
        )))
    } else {
        Err(Failure::Other(anyhow::anyhow!(msg)))
    }
}
