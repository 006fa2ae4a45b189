//! A sweep ready to run: every cell's scenario made and checked, the runs of a shard, one run to one record.

use std::panic::{AssertUnwindSafe, catch_unwind};

use rayon::prelude::*;

use super::plan::{Mode, Plan};
use super::seeds::replicate_seed;
use crate::results::metrics::{metric_names, metrics};
use crate::results::sweep::{CellInfo, Manifest, Record, Shard};
use crate::scenario::{self, Scenario};

/// The seed of replicate `r` of cell `cell` in a sweep whose plan seed is `plan_seed`.
///
/// With common random numbers (`independent == false`, the default) the cell
/// does not enter: every cell runs replicate `r` with
/// [`replicate_seed`]`(plan_seed, r)`, the seed `pointsim compare` gives its
/// replicate `r`, so subjects draw from the same streams in every cell and
/// differences between cells are the parameters' doing, not noise. With
/// independent seeds, cell `c` first gets its own batch seed
/// `replicate_seed(plan_seed, c)` and its replicate `r` then runs with
/// `replicate_seed(replicate_seed(plan_seed, c), r)`.
///
/// Every seed is at most 2^63 − 1, a valid `scenario.seed`, so any run can be
/// repeated with `pointsim run cells/<id>.toml --seed S`.
pub fn run_seed(plan_seed: u64, cell: usize, r: u32, independent: bool) -> u64 {
    let batch = if independent { replicate_seed(plan_seed, cell as u64) } else { plan_seed };
    replicate_seed(batch, u64::from(r))
}

/// The sweep hash of a plan and base (by their SHA-256) and seeding, for this pointsim version.
pub fn sweep_hash(plan_sha256: &str, base_sha256: &str, independent_seeds: bool) -> String {
    let version = env!("CARGO_PKG_VERSION");
    super::plan::sha256_hex(
        format!("{version}\n{plan_sha256}\n{base_sha256}\n{independent_seeds}\n").as_bytes(),
    )
}

/// What [`Sweep::run_with`] records of a run: named numbers.
pub type Measure<'a> = dyn Fn(&Scenario, &crate::stats::Summary) -> Vec<(String, f64)> + Sync + 'a;

/// A checked plan with every cell's scenario made and validated.
#[derive(Debug)]
pub struct Sweep {
    /// The plan.
    pub plan: Plan,
    /// What `sweep.json` records.
    pub manifest: Manifest,
    cells: Vec<Prepared>,
}

#[derive(Debug)]
struct Prepared {
    text: String,
    scenario: Result<Scenario, String>,
}

/// The id of cell `index` of `n`: `c` and the index with at least four digits (`c0003`).
pub fn cell_id(index: usize, n: usize) -> String {
    let width = n.saturating_sub(1).to_string().len().max(4);
    format!("c{index:0width$}")
}

impl Sweep {
    /// Make and check every cell's scenario (in parallel on the current rayon
    /// pool). A cell whose scenario is invalid, or would not fit in
    /// `available` bytes of memory on `threads` threads, is kept with its
    /// error: its runs fail with that error as their status.
    pub fn prepare(
        plan: Plan,
        independent_seeds: bool,
        shard: Option<Shard>,
        threads: usize,
        available: Option<u64>,
    ) -> Sweep {
        let cells = plan.cells();
        let n = cells.len();
        let prepared: Vec<Prepared> = cells
            .par_iter()
            .map(|cell| {
                let id = cell_id(cell.index, n);
                match plan.cell_text(cell, &id) {
                    Err(e) => {
                        Prepared { text: String::new(), scenario: Err(format!("invalid scenario: {e}")) }
                    }
                    Ok(text) => {
                        let scenario = check(&text, &format!("cells/{id}.toml"), threads, available);
                        Prepared { text, scenario }
                    }
                }
            })
            .collect();
        let mut names: Vec<String> = Vec::new();
        for p in &prepared {
            if let Ok(s) = &p.scenario {
                for m in metric_names(s) {
                    if !names.contains(&m) {
                        names.push(m);
                    }
                }
            }
        }
        let infos = cells
            .iter()
            .zip(&prepared)
            .map(|(c, p)| CellInfo {
                id: cell_id(c.index, n),
                params: c
                    .params
                    .iter()
                    .map(|v| serde_json::to_value(v).unwrap_or(serde_json::Value::Null))
                    .collect(),
                error: p.scenario.as_ref().err().cloned(),
            })
            .collect();
        let manifest = Manifest {
            pointsim_version: env!("CARGO_PKG_VERSION").to_owned(),
            sweep_hash: sweep_hash(&plan.sha256, &plan.base_sha256, independent_seeds),
            plan_file: plan.file.clone(),
            plan_sha256: plan.sha256.clone(),
            base_file: plan.base_file.display().to_string(),
            base_sha256: plan.base_sha256.clone(),
            mode: match plan.mode {
                Mode::Grid => "grid",
                Mode::Zip => "zip",
                Mode::Sample => "sample",
            }
            .to_owned(),
            replicates: plan.replicates,
            seed: plan.seed,
            independent_seeds,
            parameters: plan.vary.iter().map(|v| v.path.to_string()).collect(),
            metrics: names,
            cells: infos,
            shard,
            plan_text: plan.text.clone(),
        };
        Sweep { plan, manifest, cells: prepared }
    }

    /// `cells/<id>.toml` for every cell: its full scenario, runnable alone.
    pub fn cell_files(&self) -> Vec<(String, Vec<u8>)> {
        self.manifest
            .cells
            .iter()
            .zip(&self.cells)
            .filter(|(_, p)| !p.text.is_empty())
            .map(|(c, p)| (format!("cells/{}.toml", c.id), p.text.clone().into_bytes()))
            .collect()
    }

    /// The (cell, replicate) pairs this sweep (or its shard) runs, in run-number order.
    pub fn runs(&self) -> Vec<(usize, u32)> {
        let reps = self.plan.replicates;
        (0..self.cells.len())
            .flat_map(|c| (0..reps).map(move |r| (c, r)))
            .filter(|&(c, r)| {
                self.manifest.shard.is_none_or(|s| s.has(c as u64 * u64::from(reps) + u64::from(r)))
            })
            .collect()
    }

    /// The scenario of cell `c`, or why it cannot run.
    pub fn scenario(&self, c: usize) -> Result<&Scenario, &str> {
        self.cells[c].scenario.as_ref().map_err(String::as_str)
    }

    /// The seed of replicate `r` of cell `c` ([`run_seed`]).
    pub fn seed(&self, c: usize, r: u32) -> u64 {
        run_seed(self.plan.seed, c, r, self.manifest.independent_seeds)
    }

    /// Run replicate `r` of cell `c` on the current rayon pool.
    ///
    /// # Reproducibility
    ///
    /// The record is a pure function of the cell's scenario and the seed: the
    /// same as `pointsim run cells/<id>.toml --seed <seed>` reports.
    pub fn run(&self, c: usize, r: u32) -> Record {
        self.run_with(c, r, &|s, summary| {
            metrics(s, summary).into_iter().map(|m| (m.name, m.value)).collect()
        })
    }

    /// [`Sweep::run`] with the run reduced to named numbers by `measure`
    /// instead of the final-step metrics (a calibration measures its targets
    /// at their steps); non-finite values are recorded as undefined.
    pub fn run_with(&self, c: usize, r: u32, measure: &Measure<'_>) -> Record {
        let seed = self.seed(c, r);
        let mut rec =
            Record { cell: c, replicate: r, seed, status: "ok".into(), metrics: Default::default() };
        match &self.cells[c].scenario {
            Err(e) => rec.status.clone_from(e),
            Ok(s) => match catch_unwind(AssertUnwindSafe(|| crate::simulate(s, seed, &|_| {}))) {
                Ok(sim) => {
                    rec.metrics = measure(s, &sim.summary)
                        .into_iter()
                        .map(|(name, value)| (name, value.is_finite().then_some(value)))
                        .collect();
                }
                Err(panic) => {
                    let what = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    rec.status = format!("internal error: {}", what.lines().next().unwrap_or("panic"));
                }
            },
        }
        rec
    }
}

/// Parse and check one cell's scenario text; the error as one line.
fn check(text: &str, name: &str, threads: usize, available: Option<u64>) -> Result<Scenario, String> {
    let s = match scenario::parse(text, name) {
        Ok(l) => l.scenario,
        Err(d) => {
            let errs: Vec<_> = d.items().iter().filter(|i| i.is_error()).collect();
            let first = errs.first().map_or("unknown problem".to_owned(), |e| e.message.clone());
            let more = match errs.len() {
                0 | 1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            return Err(format!("invalid scenario: {}{more}", first.replace('\n', " ")));
        }
    };
    // up to one run per thread at once
    let job = crate::budget::Job { concurrent_runs: threads.max(1), ..crate::budget::Job::run(&s, threads) };
    if let Some(d) = crate::budget::check(&job, None, available, false).first() {
        let what = if d.message.contains("memory") { "too large" } else { "invalid scenario" };
        return Err(format!("{what}: {}", d.message));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicate_seeds_are_those_of_compare_unless_independent() {
        for r in 0..5 {
            // common random numbers: the seed `pointsim compare` gives replicate r, in every cell
            assert_eq!(run_seed(42, 0, r, false), replicate_seed(42, u64::from(r)));
            assert_eq!(run_seed(42, 0, r, false), run_seed(42, 9, r, false));
        }
        let mut all: Vec<u64> = (0..50).flat_map(|c| (0..20).map(move |r| run_seed(1, c, r, true))).collect();
        assert!(all.iter().all(|&s| s <= i64::MAX as u64), "valid scenario seeds");
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 1000, "independent seeds differ between cells");
        assert_ne!(run_seed(1, 3, 2, true), run_seed(1, 3, 2, false));
    }
}
