//! The checks `pointsim merge` makes of its shard folders before it writes
//! anything: finished, of one sweep, consistent with the plan, each run once.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use pointsim::batch::journal;
use pointsim::batch::sweep::{cell_id, run_seed};
use pointsim::results::sweep::{Manifest, Record};

use super::Failure;

/// At most this many problems of one kind are listed.
const SHOWN: usize = 5;

fn bad(msg: String) -> Failure {
    Failure::BadInput(format!("error: {msg}\n"))
}

/// `lines`, the first [`SHOWN`] of them, then `... and N more`.
fn listed(lines: &[String]) -> String {
    let mut s: Vec<String> = lines.iter().take(SHOWN).cloned().collect();
    if lines.len() > SHOWN {
        s.push(format!("  ... and {} more", lines.len() - SHOWN));
    }
    s.join("\n")
}

/// Refuse a folder whose sweep has not finished (it has `sweep.incomplete`),
/// naming the command that finishes each.
pub fn finished(dirs: &[PathBuf]) -> Result<(), Failure> {
    let unfinished: Vec<String> = dirs
        .iter()
        .filter_map(|d| {
            journal::unfinished(d).map(|cmd| {
                let how = if cmd.is_empty() { "with --resume".to_owned() } else { format!("with `{cmd}`") };
                format!("  `{}`: finish it {how}", d.display())
            })
        })
        .collect();
    if unfinished.is_empty() {
        return Ok(());
    }
    Err(bad(format!(
        "{} not finished (interrupted, or still running):\n{}\n\nhint: a sweep folder holds `{}` until all its \
         runs are done; resume each, then merge",
        if unfinished.len() == 1 { "this sweep is" } else { "these sweeps are" },
        listed(&unfinished),
        journal::INCOMPLETE
    )))
}

/// Refuse manifests that do not describe the same cells as the plan the
/// first one records: cell ids in order (`c0000`, `c0001`, ...), the same
/// cells and values in every folder, and a plan text that matches its hash.
pub fn same_cells(dirs: &[PathBuf], manifests: &[Manifest]) -> Result<(), Failure> {
    let first = &manifests[0];
    let mut problems = Vec::new();
    for (d, m) in dirs.iter().zip(manifests) {
        if pointsim::batch::plan::sha256_hex(m.plan_text.as_bytes()) != m.plan_sha256 {
            problems.push(format!(
                "  `{}`: its sweep.json holds a plan text that does not match its plan_sha256",
                d.display()
            ));
        }
        let n = m.cells.len();
        for (i, c) in m.cells.iter().enumerate() {
            if c.id != cell_id(i, n) {
                problems.push(format!(
                    "  `{}`: cell {} of sweep.json has the unknown id `{}` (expected `{}`)",
                    d.display(),
                    i,
                    c.id.escape_debug(),
                    cell_id(i, n)
                ));
            }
        }
        if m.cells != first.cells || m.replicates != first.replicates || m.seed != first.seed {
            problems.push(format!(
                "  `{}`: its sweep.json lists other cells, replicates or seed than `{}`'s",
                d.display(),
                dirs[0].display()
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(bad(format!(
        "the shards' sweep.json files do not agree with the plan:\n{}\n\nhint: a sweep.json is written by \
         `pointsim sweep`; run the shard again with --force",
        listed(&problems)
    )))
}

/// Refuse a shard given twice (the same `I/N` in two folders).
pub fn distinct_shards(dirs: &[PathBuf], manifests: &[Manifest]) -> Result<(), Failure> {
    let mut seen: HashMap<(Option<u32>, Option<u32>), &PathBuf> = HashMap::new();
    for (d, m) in dirs.iter().zip(manifests) {
        let key = (m.shard.map(|s| s.index), m.shard.map(|s| s.count));
        if let Some(earlier) = seen.insert(key, d) {
            let what = m.shard.map_or("the whole sweep".to_owned(), |s| format!("shard {s}"));
            return Err(bad(format!(
                "`{}` and `{}` both hold {what}\n\nhint: give each shard's folder once",
                earlier.display(),
                d.display()
            )));
        }
    }
    Ok(())
}

/// Every run of every folder's journal, checked against the plan of `first`:
/// a known cell and replicate, the seed the plan gives it, part of the
/// folder's own shard, and in no other folder. A run recorded twice in one
/// journal counts once.
pub fn records(
    dirs: &[PathBuf],
    manifests: &[Manifest],
    per_dir: Vec<Vec<Record>>,
) -> Result<Vec<Record>, Failure> {
    let first = &manifests[0];
    let (n, reps) = (first.cells.len(), first.replicates);
    let mut owner: HashMap<(usize, u32), usize> = HashMap::new();
    let mut problems = Vec::new();
    let mut all = Vec::new();
    for (k, ((d, m), recs)) in dirs.iter().zip(manifests).zip(per_dir).enumerate() {
        let journal = d.join(journal::JOURNAL);
        let mut mine = BTreeSet::new();
        for r in recs {
            let run = format!("cell {} replicate {}", r.cell, r.replicate);
            if r.cell >= n {
                problems.push(format!(
                    "  `{}`: a run of the unknown cell {} (the plan has {n})",
                    journal.display(),
                    r.cell
                ));
            } else if r.replicate >= reps {
                problems
                    .push(format!("  `{}`: {run}, but the plan has {reps} replicates", journal.display()));
            } else if r.seed != run_seed(first.seed, r.cell, r.replicate, first.independent_seeds) {
                problems.push(format!(
                    "  `{}`: {run} ran with seed {}, not the plan's",
                    journal.display(),
                    r.seed
                ));
            } else if let Some(s) = m.shard
                && !s.has(r.cell as u64 * u64::from(reps) + u64::from(r.replicate))
            {
                problems.push(format!("  `{}`: {run} is not part of shard {s}", journal.display()));
            } else if !mine.insert((r.cell, r.replicate)) {
                // the same run twice in one journal: the first counts
            } else if let Some(&other) = owner.get(&(r.cell, r.replicate)) {
                problems.push(format!(
                    "  {run} is in both `{}` and `{}`",
                    dirs[other].display(),
                    d.display()
                ));
            } else {
                owner.insert((r.cell, r.replicate), k);
                all.push(r);
            }
        }
    }
    if !problems.is_empty() {
        return Err(bad(format!(
            "{} run{} in the shards' journals cannot be merged:\n{}\n\nhint: each run of a sweep must come from \
             one shard of that sweep; run a damaged shard again with `pointsim sweep PLAN --shard I/N --out DIR --force`",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            listed(&problems)
        )));
    }
    Ok(all)
}
