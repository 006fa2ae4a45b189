//! `pointsim merge`: combine the shard folders of one sweep into the folder an unsharded sweep writes.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Context as _;
use pointsim::batch::journal::{self, JOURNAL};
use pointsim::output;
use pointsim::results::sweep::{Manifest, Record, SWEEP_JSON};
use pointsim::results::tables;

use super::{Failure, guard, merge_check, sweep_dir};

/// Combine the shard folders of one sweep (`pointsim sweep --shard I/N`).
///
/// Refuses folders from different plans and reports missing shards or
/// unfinished runs; checks every run in the shards' journals against the
/// plan (a known cell and replicate, its seed, its shard, no run in two
/// folders) before writing anything. Writes the same runs.*, cells.* and
/// cells/ as the unsharded sweep would, byte for byte: into a folder next to
/// --out, renamed into place when complete.
#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  \
    pointsim sweep plan.toml --shard 0/2 --out s0 && pointsim sweep plan.toml --shard 1/2 --out s1\n  \
    pointsim merge s0 s1 --out all")]
pub struct Args {
    /// Shard folders (each written by `pointsim sweep --shard I/N --out DIR`).
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Output folder [default: output/<plan file stem>].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Skip the charts (plots/<metric>.png|svg; only the tables).
    #[arg(long)]
    pub no_plots: bool,
    /// Replace an earlier sweep in the output folder.
    #[arg(long)]
    force: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<(), Failure> {
    let bad = |msg: String| Failure::BadInput(format!("error: {msg}\n"));
    let manifests: Vec<Manifest> =
        args.dirs.iter().map(|d| sweep_dir::read_manifest(d)).collect::<Result<_, _>>()?;
    merge_check::finished(&args.dirs)?;
    let first = &manifests[0];
    let others: Vec<String> = args
        .dirs
        .iter()
        .zip(&manifests)
        .filter(|(_, m)| m.sweep_hash != first.sweep_hash)
        .map(|(d, m)| format!("  `{}`: plan `{}` (sweep {})", d.display(), m.plan_file, &m.sweep_hash[..12]))
        .collect();
    if !others.is_empty() {
        return Err(bad(format!(
            "these folders are not shards of the same sweep as `{}` (plan `{}`, sweep {}):\n{}\n\nhint: merge only folders made from the same plan, base scenario and seeding",
            args.dirs[0].display(),
            first.plan_file,
            &first.sweep_hash[..12],
            others.join("\n")
        )));
    }
    merge_check::same_cells(&args.dirs, &manifests)?;
    merge_check::distinct_shards(&args.dirs, &manifests)?;
    let whole = manifests.iter().any(|m| m.shard.is_none());
    if !whole {
        let counts: BTreeSet<u32> = manifests.iter().filter_map(|m| m.shard.map(|s| s.count)).collect();
        if counts.len() > 1 {
            let list: Vec<String> = counts.iter().map(u32::to_string).collect();
            return Err(bad(format!(
                "the shards were cut in different numbers of parts: {}",
                list.join(", ")
            )));
        }
        let n = *counts.iter().next().unwrap_or(&1);
        let have: BTreeSet<u32> = manifests.iter().filter_map(|m| m.shard.map(|s| s.index)).collect();
        let absent: Vec<String> = (0..n).filter(|i| !have.contains(i)).map(|i| format!("{i}/{n}")).collect();
        if !absent.is_empty() {
            return Err(bad(format!(
                "missing shards: {} (of {n})\n\nhint: run `pointsim sweep {} --shard I/N --out DIR` for each, then give every folder to merge",
                absent.join(", "),
                first.plan_file
            )));
        }
    }
    let mut per_dir: Vec<Vec<Record>> = Vec::new();
    for d in &args.dirs {
        per_dir
            .push(journal::read(d).with_context(|| format!("cannot read `{}`", d.join(JOURNAL).display()))?);
    }
    let mut records = merge_check::records(&args.dirs, &manifests, per_dir)?;
    let missing = tables::missing(first, &records);
    if !missing.is_empty() {
        let reps = u64::from(first.replicates);
        let mut lines = Vec::new();
        for (d, m) in args.dirs.iter().zip(&manifests) {
            let n = missing
                .iter()
                .filter(|&&(c, r)| m.shard.is_none_or(|s| s.has(c as u64 * reps + u64::from(r))))
                .count();
            if n > 0 {
                let shard = m.shard.map_or("the sweep".to_owned(), |s| format!("shard {s}"));
                lines.push(format!("  `{}` ({shard}): {n} runs not finished", d.display()));
            }
        }
        return Err(bad(format!(
            "{} of {} runs have no result:\n{}\n\nhint: finish each with `pointsim sweep {} --shard I/N --out DIR --resume`",
            missing.len(),
            first.total_runs(),
            lines.join("\n"),
            first.plan_file
        )));
    }
    records.sort_by_key(|r| (r.cell, r.replicate));

    let out =
        args.out.clone().unwrap_or_else(|| super::sweep::default_out(std::path::Path::new(&first.plan_file)));
    super::inputs::refuse_own_inputs(&out, &args.dirs)?;
    // one writer per folder; the merged set is written next to it and renamed into place
    let _held = super::outdir::hold(&out, args.quiet)?;
    let mut merged = first.clone();
    merged.shard = None;
    sweep_dir::check_target(&out, args.force)?;
    let stage = super::outdir::stage(&out)?;
    let mut cells = Vec::new();
    for c in &merged.cells {
        let name = format!("cells/{}.toml", c.id);
        match std::fs::read(args.dirs[0].join(&name)) {
            Ok(text) => cells.push((name, text)),
            // a cell whose values could not even be set has no file
            Err(_) if c.error.is_some() => {}
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("cannot read `{}`", args.dirs[0].join(&name).display()))
                    .into());
            }
        }
    }
    let cells: Vec<(&str, Vec<u8>)> = cells.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    guard::io(|| output::write_all_unsynced(stage.dir(), &cells))
        .with_context(|| format!("cannot write cells to `{}`", out.display()))?;
    guard::io(|| {
        output::write_all(stage.dir(), &[(SWEEP_JSON, merged.to_json()), (JOURNAL, journal::lines(&records))])
    })
    .with_context(|| format!("cannot write to `{}`", out.display()))?;
    sweep_dir::write_tables(stage.dir(), &merged, &records, !args.no_plots)?;
    // pointsim's files of an earlier sweep there go (with --force); others stay
    stage.commit(&out, &sweep_dir::is_own)?;
    if !args.quiet {
        println!("{} runs from {} folders merged", records.len(), args.dirs.len());
        println!("results: {}/", out.display());
    }
    sweep_dir::outcome(&merged, &records, &out)
}
