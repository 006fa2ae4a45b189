//! What a sweep folder records: `sweep.json` ([`Manifest`]: plan, base,
//! seeds, cells, shard) and one [`Record`] per finished run (the lines of
//! `journal.jsonl`). Pure data; reading and appending the journal is the
//! batch layer's work.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// File name of the manifest in a sweep folder.
pub const SWEEP_JSON: &str = "sweep.json";

/// One shard of a sweep: runs whose index `cell × replicates + replicate`
/// leaves remainder `index` when divided by `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based shard number (`SLURM_ARRAY_TASK_ID`).
    pub index: u32,
    /// Number of shards.
    pub count: u32,
}

impl Shard {
    /// Whether run number `run` belongs to this shard.
    pub fn has(&self, run: u64) -> bool {
        run % u64::from(self.count) == u64::from(self.index)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `I/N` with `0 <= I < N`.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write `I/N` with I from 0 to N-1, e.g. `0/4`");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) =
            (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// One cell as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellInfo {
    /// Its id, also the name of `cells/<id>.toml`.
    pub id: String,
    /// Its values, in the order of [`Manifest::parameters`].
    pub params: Vec<serde_json::Value>,
    /// Why its scenario cannot run, when it cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The contents of `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The pointsim version that ran the sweep.
    pub pointsim_version: String,
    /// Identifies the sweep: SHA-256 over the version, plan, base and seeding. Shards
    /// of one sweep share it; `--resume` and `merge` refuse folders whose hash differs.
    pub sweep_hash: String,
    /// The plan file as named on the command line.
    pub plan_file: String,
    /// SHA-256 of the plan text.
    pub plan_sha256: String,
    /// The base scenario file.
    pub base_file: String,
    /// SHA-256 of the base scenario text (for an overlay, of its chain's texts joined).
    pub base_sha256: String,
    /// `grid`, `zip` or `sample`.
    pub mode: String,
    /// Replicates per cell.
    pub replicates: u32,
    /// The plan seed.
    pub seed: u64,
    /// Whether replicate seeds mix in the cell (`--independent-seeds`).
    pub independent_seeds: bool,
    /// The varied parameters (dotted paths), in plan order.
    pub parameters: Vec<String>,
    /// The metric columns, in order.
    pub metrics: Vec<String>,
    /// Every cell.
    pub cells: Vec<CellInfo>,
    /// The shard this folder ran, when it ran one.
    pub shard: Option<Shard>,
    /// The plan file's text.
    pub plan_text: String,
}

impl Manifest {
    /// The number of runs of the whole sweep.
    pub fn total_runs(&self) -> u64 {
        self.cells.len() as u64 * u64::from(self.replicates)
    }

    /// The manifest as pretty JSON with a trailing newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("a manifest serializes");
        v.push(b'\n');
        v
    }
}

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Cell index (0-based).
    pub cell: usize,
    /// Replicate index (0-based).
    pub replicate: u32,
    /// The seed the run used.
    pub seed: u64,
    /// `ok`, or why the run failed (one line).
    pub status: String,
    /// Metric values by name ([`super::metrics::metrics`]); `null` when
    /// undefined. Empty for a failed run.
    pub metrics: BTreeMap<String, Option<f64>>,
}

impl Record {
    /// Whether the run succeeded.
    pub fn is_ok(&self) -> bool {
        self.status == "ok"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        let s: Shard = "1/3".parse().unwrap();
        assert_eq!(s, Shard { index: 1, count: 3 });
        assert!(s.has(4) && !s.has(3));
        for bad in ["3/3", "1", "a/2", "0/0", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
