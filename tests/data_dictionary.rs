//! Every output folder carries its data dictionary: for each kind of folder
//! (run, compare, sweep, sensitivity, calibrate), every column of every CSV
//! and Parquet file written there has exactly one row in the folder's
//! `columns.csv`, with a description of its own, a type every cell of the
//! column has, and (Parquet) the same row in the file's `pointsim.columns`
//! metadata and a physical type that agrees.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::common::{DEBT_EXAMPLE, TOY, pointsim, repo};

/// One row of `columns.csv`: type, unit, description.
type Row = (String, String, String);

/// `columns.csv` of `dir` as `(file, column)` → row, in file order; a
/// duplicated row fails.
fn dictionary(dir: &Path) -> Vec<((String, String), Row)> {
    let path = dir.join("columns.csv");
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(r.headers().unwrap(), vec!["file", "column", "type", "unit", "description"]);
    let mut rows: Vec<((String, String), Row)> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        let key = (rec[0].to_owned(), rec[1].to_owned());
        assert!(!rows.iter().any(|(k, _)| *k == key), "{key:?} is described twice in {}", path.display());
        rows.push((key, (rec[2].to_owned(), rec[3].to_owned(), rec[4].to_owned())));
    }
    rows
}

/// Every file under `dir` whose name ends with `ext`, as a `/`-separated relative path.
fn files(dir: &Path, ext: &str) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, ext: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().map(Result::unwrap) {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, ext, out);
            } else if p.to_string_lossy().ends_with(ext) {
                let rel = p.strip_prefix(root).unwrap();
                out.push(
                    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"),
                );
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, ext, &mut out);
    out.sort();
    out
}

/// Whether the CSV cell `v` is a value of dictionary type `kind` (an empty cell is a missing value).
fn is_a(kind: &str, v: &str) -> bool {
    v.is_empty()
        || match kind {
            "integer" => v.parse::<i64>().is_ok(),
            "float" => v.parse::<f64>().is_ok(),
            "boolean" => matches!(v, "true" | "false"),
            "text" => true,
            other => panic!("unknown type `{other}`"),
        }
}

/// The dictionary of `dir` describes every CSV and Parquet column there and nothing else.
fn assert_described(dir: &Path, expected_files: &[&str]) {
    let dict = dictionary(dir);
    let row = |file: &str, col: &str| dict.iter().find(|((f, c), _)| f == file && c == col).map(|(_, r)| r);
    let mut seen: Vec<(String, String)> = Vec::new();
    let csvs: Vec<String> = files(dir, ".csv").into_iter().filter(|f| f != "columns.csv").collect();
    let parquets = files(dir, ".parquet");
    for f in expected_files {
        assert!(csvs.iter().chain(&parquets).any(|x| x == f), "{f} is missing from {}", dir.display());
    }
    for f in &csvs {
        let mut r = csv::Reader::from_path(dir.join(f)).unwrap();
        let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        for (i, col) in header.iter().enumerate() {
            let Some((kind, _, description)) = row(f, col) else {
                panic!("{}: `{f}` column `{col}` has no row in columns.csv", dir.display())
            };
            assert_ne!(description, "see output/README.md", "{f}: `{col}` is not described");
            assert!(!description.is_empty(), "{f}: `{col}` has an empty description");
            for rec in &rows {
                assert!(is_a(kind, &rec[i]), "{f}: `{col}` is {kind} but holds `{}`", &rec[i]);
            }
            seen.push((f.clone(), col.clone()));
        }
    }
    #[cfg(feature = "parquet")]
    for f in &parquets {
        for (col, kind, meta) in parquet_columns(&dir.join(f)) {
            // a Parquet file with a CSV twin (runs.parquet, runs.csv) is described once, as the CSV
            let twin = format!("{}.csv", f.trim_end_matches(".parquet"));
            let described_as = if csvs.contains(&twin) { twin } else { f.clone() };
            let Some(r) = row(&described_as, &col) else {
                panic!("{}: `{f}` column `{col}` has no row in columns.csv", dir.display())
            };
            assert_eq!(r.0, kind, "{f}: `{col}` is {kind} in the file and {} in columns.csv", r.0);
            assert_ne!(r.2, "see output/README.md", "{f}: `{col}` is not described");
            assert_eq!(&meta, r, "{f}: `{col}`'s pointsim.columns metadata differs from columns.csv");
            seen.push((described_as, col));
        }
    }
    for (key, _) in &dict {
        assert!(seen.contains(key), "columns.csv of {} describes {key:?}, which no file has", dir.display());
    }
}

/// Each column of a Parquet file: name, its physical type as a dictionary
/// type, and its entry in the `pointsim.columns` metadata.
#[cfg(feature = "parquet")]
fn parquet_columns(path: &Path) -> Vec<(String, String, Row)> {
    use parquet::basic::Type as Physical;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    let r = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let meta = r.metadata().file_metadata();
    let kv = meta.key_value_metadata().expect("key-value metadata");
    let text = kv.iter().find(|k| k.key == "pointsim.columns").and_then(|k| k.value.clone());
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&text.unwrap_or_else(|| panic!("{}: no pointsim.columns", path.display())))
            .unwrap();
    let fields = meta.schema_descr().columns().to_vec();
    assert_eq!(entries.len(), fields.len(), "{}: one metadata entry per column", path.display());
    fields
        .iter()
        .zip(entries)
        .map(|(c, e)| {
            assert_eq!(e["column"], c.name(), "{}: metadata in column order", path.display());
            let kind = match c.physical_type() {
                Physical::INT64 => "integer",
                Physical::DOUBLE => "float",
                Physical::BOOLEAN => "boolean",
                Physical::BYTE_ARRAY => "text",
                other => panic!("{}: unexpected type {other}", path.display()),
            };
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (c.name().to_owned(), kind.to_owned(), (s("type"), s("unit"), s("description")))
        })
        .collect()
}

/// `pointsim ARGS --out DIR -q` in a new temporary folder; returns it and DIR.
fn write(args: &[&str]) -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("out");
    pointsim().args(args).arg("--out").arg(&out).arg("-q").assert().success();
    (tmp, out)
}

#[test]
fn a_run_folder_describes_every_column() {
    // a group hidden by small-cell suppression (4,000 companies) leaves empty cells; the ledger is Parquet
    let (_t, out) = write(&["run", DEBT_EXAMPLE, "--no-plots", "--trace-sample", "20", "--min-cell", "5000"]);
    assert_described(&out, &["steps.csv", "histogram.csv", "ledger.parquet"]);
    let steps = std::fs::read_to_string(out.join("steps.csv")).unwrap();
    assert!(steps.contains(",,"), "the check saw no empty cell");
}

#[test]
fn a_compare_folder_describes_every_column() {
    let reform = "examples/overlays/teaching_toy_reform.toml";
    let (_t, out) = write(&["compare", TOY, reform, "--replicates", "2", "--no-plots"]);
    assert_described(&out, &["compare.csv", "transitions.csv", "access_changes.csv"]);
}

#[test]
fn a_sweep_folder_describes_every_column() {
    let (_t, out) = write(&["sweep", "scenarios/sweeps/toy_volunteering.toml", "--no-plots"]);
    assert_described(&out, &["runs.csv", "cells.csv", "runs.parquet", "cells.parquet"]);
}

#[test]
fn a_sensitivity_folder_describes_every_column() {
    let plan = "scenarios/sensitivity/toy_rates.toml";
    let (_t, out) = write(&["sensitivity", plan, "--method", "morris", "-n", "4", "--no-plots"]);
    assert_described(&out, &["runs.csv", "cells.csv", "indices.csv", "samples.csv", "indices.parquet"]);
}

#[test]
fn a_calibration_folder_describes_every_column() {
    let tmp = TempDir::new().unwrap();
    // a stock target and a flow target of a list share
    let text = format!(
        "scenario = {:?}\nwaves = 2\ncandidates = 8\nreplicates = 2\nseed = 5\n\
         [[parameter]]\npath = \"rule.offence.rate\"\nmin = 0.15\nmax = 1.5\nprior = \"log_uniform\"\n\
         [[parameter]]\npath = \"rule.payment.rate\"\nmin = 0.5\nmax = 5.0\n\
         [[target]]\nmetric = \"list_share.listed\"\nstep = 3\nvalue = 0.1\ninterval = [0.08, 0.12]\nkind = \"stock\"\nsource = \"test figure\"\n\
         [[target]]\nmetric = \"list_share.listed\"\nstep = 36\nsince = 3\nvalue = 0.05\nsd = 0.01\nkind = \"flow\"\nsource = \"test figure\"\n",
        repo("scenarios/calibration/recovery_toy.toml").display().to_string()
    );
    let targets = tmp.path().join("targets.toml");
    std::fs::write(&targets, text).unwrap();
    let (_t, out) = write(&["calibrate", "--targets", targets.to_str().unwrap(), "--no-plots", "-j", "2"]);
    assert_described(&out, &["waves.csv", "waves.parquet"]);
}
