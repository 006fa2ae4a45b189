//! `sweep` and its result: the bytes of `pointsim sweep`'s tables.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::core;
use crate::detach;
use crate::errors::OrRaise;
use crate::run::threads;

/// A finished sweep (native part; `pointsim.Sweep` wraps it).
#[pyclass(module = "pointsim._pointsim", frozen)]
pub struct SweepCore {
    inner: core::Sweep,
}

#[pymethods]
impl SweepCore {
    /// `sweep.json` as `pointsim sweep` writes it.
    fn manifest_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.manifest_json())
    }

    /// `{file name: bytes}` for runs.csv, runs.parquet, cells.csv, cells.parquet.
    fn table_files<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, bytes) in self.inner.table_files().or_raise(py)? {
            d.set_item(name, PyBytes::new(py, &bytes))?;
        }
        Ok(d)
    }

    /// The charts as `(file stem, svg)`.
    fn charts(&self, py: Python<'_>) -> PyResult<Vec<(String, String)>> {
        let inner = &self.inner;
        detach::run(py, 1, |_| inner.charts_svg())?.or_raise(py)
    }

    /// `(failed runs, runs)`.
    fn failures(&self) -> (usize, usize) {
        self.inner.failures()
    }

    /// Write the sweep folder into an empty or new `out`; returns the paths written.
    #[pyo3(signature = (out, plots = true))]
    fn write(&self, py: Python<'_>, out: PathBuf, plots: bool) -> PyResult<Vec<PathBuf>> {
        let inner = &self.inner;
        detach::run(py, 1, |_| inner.write(&out, plots))?.or_raise(py)
    }
}

/// Run every cell × replicate of a sweep plan, as `pointsim sweep` does.
#[pyfunction]
#[pyo3(signature = (plan, jobs = None, independent_seeds = false))]
pub fn sweep(
    py: Python<'_>,
    plan: PathBuf,
    jobs: Option<usize>,
    independent_seeds: bool,
) -> PyResult<SweepCore> {
    let threads = threads(jobs)?;
    let plan = detach::run(py, 1, |_| core::load_plan(&plan))?.or_raise(py)?;
    let inner =
        detach::run(py, threads, |cancel| core::sweep(plan, independent_seeds, threads, &|| cancel.check()))?;
    Ok(SweepCore { inner })
}
