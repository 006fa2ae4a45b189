//! `pointsim sweep --dry-run`: what a plan would run, with estimates of memory and time.

use std::fmt::Write as _;

use pointsim::batch::sweep::Sweep;
use pointsim::output::text::thousands;

use super::probe::duration;

/// Cells listed before `... and N more`.
const SHOWN: usize = 20;

/// The plan as text: cells, replicates, runs, rows, memory, time, invalid cells and the first cells.
pub fn describe(sweep: &Sweep, threads: usize) -> String {
    let m = &sweep.manifest;
    let runs = sweep.runs();
    let mut s = String::new();
    let _ = writeln!(s, "plan        {} ({}), base {}", m.plan_file, m.mode, m.base_file);
    let _ = writeln!(s, "parameters  {}", m.parameters.join(", "));
    let _ = writeln!(s, "cells       {}", thousands(m.cells.len() as u64));
    let seeds = if m.independent_seeds { "independent per cell" } else { "common random numbers" };
    let _ = writeln!(s, "replicates  {} (plan seed {}, {seeds})", m.replicates, m.seed);
    let shard =
        m.shard.map_or(String::new(), |sh| format!(", {} in shard {sh}", thousands(runs.len() as u64)));
    let _ = writeln!(s, "runs        {}{shard}", thousands(m.total_runs()));
    let _ = writeln!(
        s,
        "rows        {} in runs.csv, {} in cells.csv, {} metric columns",
        thousands(m.total_runs()),
        thousands(m.cells.len() as u64),
        m.metrics.len()
    );
    let mut memory = 0u64;
    let mut events = 0.0;
    for &(c, _) in &runs {
        if let Ok(sc) = sweep.scenario(c) {
            let job = pointsim::budget::Job {
                concurrent_runs: threads.max(1),
                ..pointsim::budget::Job::run(sc, threads)
            };
            let e = pointsim::budget::estimate(&job);
            memory = memory.max(e.bytes);
            events += if e.events.is_finite() { e.events } else { 0.0 };
        }
    }
    let at_once = threads.min(runs.len()).max(1);
    let _ =
        writeln!(s, "memory      about {} at most with {} runs at once (estimate)", bytes(memory), at_once);
    // the speed of the first valid cell's scenario, measured on a short run
    let speed = runs
        .iter()
        .find_map(|&(c, _)| sweep.scenario(c).ok())
        .map_or_else(super::probe::Speed::fallback, super::probe::speed);
    let _ = writeln!(
        s,
        "time        {} on {threads} threads (estimate: at most {events:.1e} events at {})",
        duration(speed.seconds(events, threads)),
        speed.how()
    );
    let invalid: Vec<_> = m.cells.iter().filter_map(|c| c.error.as_ref().map(|e| (&c.id, e))).collect();
    if !invalid.is_empty() {
        let _ = writeln!(s, "invalid     {} cells (their runs will fail with this status):", invalid.len());
        for (id, e) in invalid.iter().take(SHOWN) {
            let _ = writeln!(s, "  {id}: {e}");
        }
    }
    let _ = writeln!(s);
    let mut header = vec!["cell".to_owned()];
    header.extend(m.parameters.iter().cloned());
    let mut rows = vec![header];
    for c in m.cells.iter().take(SHOWN) {
        let mut row = vec![c.id.clone()];
        row.extend(c.params.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)));
        rows.push(row);
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for r in &rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(x, w)| format!("{x:<w$}")).collect();
        let _ = writeln!(s, "{}", line.join("  ").trim_end());
    }
    if m.cells.len() > SHOWN {
        let _ = writeln!(s, "... and {} more cells", thousands((m.cells.len() - SHOWN) as u64));
    }
    s
}

fn bytes(b: u64) -> String {
    let mib = b as f64 / (1u64 << 20) as f64;
    if mib >= 1024.0 { format!("{:.1} GiB", mib / 1024.0) } else { format!("{mib:.1} MiB") }
}
