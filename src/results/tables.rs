//! `runs.*` and `cells.*` of a sweep, built from its manifest and journal only.
//!
//! Rows are sorted by (cell, replicate) whatever order runs finished in, so
//! the bytes depend neither on the thread count nor on interruptions or shards.

use super::interval::interval;
use super::sweep::{Manifest, Record};
use super::table::{ColumnData, Table};

/// Which runs of the sweep have no record, as (cell, replicate) pairs in order.
pub fn missing(m: &Manifest, records: &[Record]) -> Vec<(usize, u32)> {
    let grid = index(m, records);
    (0..m.cells.len())
        .flat_map(|c| (0..m.replicates).map(move |r| (c, r)))
        .filter(|&(c, r)| grid[c * m.replicates as usize + r as usize].is_none())
        .collect()
}

/// The record of every run by run number (the first one when a run was recorded twice).
fn index<'a>(m: &Manifest, records: &'a [Record]) -> Vec<Option<&'a Record>> {
    let reps = m.replicates as usize;
    let mut grid: Vec<Option<&Record>> = vec![None; m.cells.len() * reps];
    for r in records {
        if r.cell < m.cells.len() && (r.replicate as usize) < reps {
            let slot = &mut grid[r.cell * reps + r.replicate as usize];
            if slot.is_none() {
                *slot = Some(r);
            }
        }
    }
    grid
}

/// One column per parameter with `rows` copies of each cell's value: integers when every
/// value is one, numbers when every value is a number, booleans, otherwise text.
fn param_columns(m: &Manifest, t: &mut Table, repeat: usize) {
    for (p, name) in m.parameters.iter().enumerate() {
        let vals: Vec<&serde_json::Value> = m.cells.iter().map(|c| &c.params[p]).collect();
        let data = if vals.iter().all(|v| v.is_i64()) {
            ColumnData::I64(rep(repeat, vals.iter().map(|v| v.as_i64()).collect()))
        } else if vals.iter().all(|v| v.is_number()) {
            ColumnData::F64(rep(repeat, vals.iter().map(|v| v.as_f64()).collect()))
        } else if vals.iter().all(|v| v.is_boolean()) {
            ColumnData::Bool(rep(repeat, vals.iter().map(|v| v.as_bool()).collect()))
        } else {
            let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            ColumnData::Utf8(rep(repeat, vals.iter().map(|v| Some(text(v))).collect()))
        };
        t.push(format!("param.{name}"), data);
    }
}

/// Each value `n` times.
fn rep<T: Clone>(n: usize, v: Vec<T>) -> Vec<T> {
    v.into_iter().flat_map(|x| std::iter::repeat_n(x, n)).collect()
}

/// Every run's record in run-number order, with its metrics in manifest order.
struct Rows<'a> {
    records: Vec<&'a Record>,
    /// `values[run][metric]`, looked up once (each record keeps its metrics by name).
    values: Vec<Vec<Option<f64>>>,
}

/// The records of every run, or how many are missing.
fn rows<'a>(m: &Manifest, records: &'a [Record]) -> Result<Rows<'a>, String> {
    let grid = index(m, records);
    let absent = grid.iter().filter(|r| r.is_none()).count();
    if absent > 0 {
        return Err(format!("{absent} of {} runs have no result yet", grid.len()));
    }
    let records: Vec<&Record> = grid.into_iter().flatten().collect();
    let column: std::collections::HashMap<&str, usize> =
        m.metrics.iter().enumerate().map(|(i, n)| (n.as_str(), i)).collect();
    let values = records
        .iter()
        .map(|r| {
            let mut v = vec![None; m.metrics.len()];
            for (name, x) in &r.metrics {
                if let Some(&i) = column.get(name.as_str()) {
                    v[i] = *x;
                }
            }
            v
        })
        .collect();
    Ok(Rows { records, values })
}

/// `runs.*`: one row per cell × replicate: `cell`, `replicate`, `seed`, `status`,
/// `param.<path>`..., then every metric (empty for a failed run).
///
/// # Errors
///
/// A run has no record (see [`missing`]).
pub fn runs_table(m: &Manifest, records: &[Record]) -> Result<Table, String> {
    Ok(runs_of(m, &rows(m, records)?))
}

fn runs_of(m: &Manifest, rows: &Rows) -> Table {
    let recs = &rows.records;
    let mut t = Table::default();
    t.push("cell", ColumnData::Utf8(recs.iter().map(|r| Some(m.cells[r.cell].id.clone())).collect()));
    t.push("replicate", ColumnData::I64(recs.iter().map(|r| Some(i64::from(r.replicate))).collect()));
    t.push("seed", ColumnData::I64(recs.iter().map(|r| i64::try_from(r.seed).ok()).collect()));
    t.push("status", ColumnData::Utf8(recs.iter().map(|r| Some(r.status.clone())).collect()));
    param_columns(m, &mut t, m.replicates as usize);
    for (i, name) in m.metrics.iter().enumerate() {
        t.push(name.clone(), ColumnData::F64(rows.values.iter().map(|v| v[i]).collect()));
    }
    t
}

/// `cells.*`: one row per cell: `cell`, `param.<path>`..., `runs_ok`, and for
/// every metric `<m>.mean`, `<m>.sd`, `<m>.ci_lo`, `<m>.ci_hi` over the
/// cell's successful runs (Student-t 95% interval; empty where undefined).
///
/// # Errors
///
/// As [`runs_table`].
pub fn cells_table(m: &Manifest, records: &[Record]) -> Result<Table, String> {
    Ok(cells_of(m, &rows(m, records)?))
}

fn cells_of(m: &Manifest, rows: &Rows) -> Table {
    let reps = m.replicates as usize;
    // the successful runs of each cell, by run number
    let ok: Vec<Vec<usize>> = (0..m.cells.len())
        .map(|c| (c * reps..(c + 1) * reps).filter(|&i| rows.records[i].is_ok()).collect())
        .collect();
    let mut t = Table::default();
    t.push("cell", ColumnData::Utf8(m.cells.iter().map(|c| Some(c.id.clone())).collect()));
    param_columns(m, &mut t, 1);
    t.push("runs_ok", ColumnData::I64(ok.iter().map(|v| Some(v.len() as i64)).collect()));
    for (k, name) in m.metrics.iter().enumerate() {
        let iv: Vec<_> = ok
            .iter()
            .map(|runs| {
                let values: Vec<f64> = runs.iter().map(|&i| rows.values[i][k].unwrap_or(f64::NAN)).collect();
                interval(&values, 0.95)
            })
            .collect();
        let finite = |x: f64| x.is_finite().then_some(x);
        t.push(format!("{name}.mean"), ColumnData::F64(iv.iter().map(|i| finite(i.mean)).collect()));
        t.push(format!("{name}.sd"), ColumnData::F64(iv.iter().map(|i| finite(i.sd)).collect()));
        t.push(format!("{name}.ci_lo"), ColumnData::F64(iv.iter().map(|i| finite(i.lo)).collect()));
        t.push(format!("{name}.ci_hi"), ColumnData::F64(iv.iter().map(|i| finite(i.hi)).collect()));
    }
    t
}

/// `runs.*` and `cells.*` as tables ([`runs_table`], [`cells_table`]), reading the records once.
///
/// # Errors
///
/// As [`runs_table`].
pub fn tables(m: &Manifest, records: &[Record]) -> Result<(Table, Table), String> {
    let rows = rows(m, records)?;
    Ok((runs_of(m, &rows), cells_of(m, &rows)))
}
