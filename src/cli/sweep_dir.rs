//! Sweep folders: refusing, clearing or resuming one, and writing the tables at the end.

use std::path::Path;

use anyhow::Context as _;
use pointsim::batch::journal::{self, INCOMPLETE, JOURNAL};
use pointsim::output;
use pointsim::results::sweep::{Manifest, Record, SWEEP_JSON};
use pointsim::results::tables;

use super::{Failure, term};

/// Files a sweep writes at the top of its folder (besides `cells/` and `plots/`).
const FILES: [&str; 8] = [
    SWEEP_JSON,
    JOURNAL,
    INCOMPLETE,
    "runs.csv",
    "runs.parquet",
    "cells.csv",
    "cells.parquet",
    output::COLUMNS_CSV,
];

/// Whether `rel` (a path in a sweep folder, `/`-separated) is a file a sweep
/// writes: its top-level files, `cells/c*.toml` and `plots/*.png|svg`.
pub fn is_own(rel: &str) -> bool {
    match rel.split_once('/') {
        None => FILES.contains(&rel),
        Some(("cells", name)) => name.starts_with('c') && name.ends_with(".toml") && !name.contains('/'),
        Some(("plots", name)) => (name.ends_with(".svg") || name.ends_with(".png")) && !name.contains('/'),
        Some(_) => false,
    }
}

/// Whether every file under `dir` is one a sweep writes ([`is_own`]).
fn only_own_files(dir: &Path, rel: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.filter_map(Result::ok).all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            matches!(r.as_str(), "cells" | "plots") && only_own_files(&e.path(), &r)
        } else {
            is_own(&r)
        }
    })
}

/// Refuse `out` as the folder of a merged sweep when it holds anything,
/// unless `force` (the merged set then replaces pointsim's sweep files there).
pub fn check_target(out: &Path, force: bool) -> Result<(), Failure> {
    let bad = |msg: String| Failure::BadInput(format!("error: {msg}\n"));
    match std::fs::read_dir(out).map(|mut d| d.next().is_none()) {
        Ok(false) if !force => Err(bad(format!(
            "output folder `{}` is not empty\n\nhint: use --force to replace the sweep that is there, or choose another folder with --out",
            out.display()
        ))),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(bad(format!("output path `{}` is a file, not a folder", out.display())))
        }
        Err(e) => Err(bad(format!("cannot use output folder `{}`: {e}", out.display()))),
    }
}

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
    if !out.join(SWEEP_JSON).exists() && only_own_files(out, "") {
        // an earlier pointsim stopped between its first file and sweep.json:
        // nothing of it can be resumed, nothing else is there
        term::eprint(&format!(
            "note: `{}` holds no sweep.json (the sweep there stopped before its first run); starting it afresh\n",
            out.display()
        ));
        clear(out).with_context(|| format!("cannot clear `{}`", out.display()))?;
        return Ok(Vec::new());
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
    super::guard::io(|| output::write_all(out, &files))
        .with_context(|| format!("cannot write results to `{}`", out.display()))?;
    if plots {
        let files = pointsim::plot::render_sweep(m, &cells).context("cannot draw the sweep charts")?;
        super::guard::io(|| output::write_all(out, &files))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweeps_own_files_are_told_from_the_users() {
        for own in [
            "sweep.json",
            "journal.jsonl",
            "sweep.incomplete",
            "runs.csv",
            "columns.csv",
            "cells/c0003.toml",
            "plots/x.svg",
        ] {
            assert!(is_own(own), "{own}");
        }
        for other in ["notes.txt", "cells/mine.txt", "cells/a/c1.toml", "plots/a/b.png", "data/runs.csv"] {
            assert!(!is_own(other), "{other}");
        }
    }
}
