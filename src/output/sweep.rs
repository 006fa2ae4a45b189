//! The files of a sweep's tables: `runs.*` and `cells.*` as CSV and Parquet bytes.

use crate::results::table::Table;

use super::table::table_csv;

/// The files of the tables `runs` and `cells`
/// ([`results::tables::tables`](crate::results::tables::tables)): `runs.csv`,
/// `cells.csv` and (with the `parquet` feature) `runs.parquet`, `cells.parquet`.
///
/// # Errors
///
/// A Parquet encoding error.
pub fn sweep_files(runs: &Table, cells: &Table) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let mut files = vec![("runs.csv", table_csv(runs)), ("cells.csv", table_csv(cells))];
    files.push((super::COLUMNS_CSV, super::dictionary::rows_csv(&sweep_columns(runs, cells))));
    #[cfg(feature = "parquet")]
    {
        use super::parquet::table_parquet_as;
        files.push(("runs.parquet", table_parquet_as(runs, "runs.parquet")?));
        files.push(("cells.parquet", table_parquet_as(cells, "cells.parquet")?));
    }
    Ok(files)
}

/// The data dictionary of a sweep's tables: `runs.csv`'s columns, then
/// `cells.csv`'s (their Parquet twins hold the same columns).
pub fn sweep_columns(runs: &Table, cells: &Table) -> Vec<super::dictionary::Column> {
    let mut columns = super::dictionary::describe_table("runs.csv", runs, &[]);
    columns.extend(super::dictionary::describe_table("cells.csv", cells, &[]));
    columns
}
