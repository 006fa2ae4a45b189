//! `compare` and its result: the bytes of `pointsim compare`'s files.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::core;
use crate::detach;
use crate::errors::OrRaise;
use crate::run::{options, threads};
use crate::scenario::Scenario;

/// A finished comparison (native part; `pointsim.Comparison` wraps it).
#[pyclass(module = "pointsim._pointsim", frozen)]
pub struct ComparisonCore {
    inner: core::Comparison,
}

#[pymethods]
impl ComparisonCore {
    /// `{file name: bytes}` for compare.json, compare.csv, transitions.csv, access_changes.csv, columns.csv.
    fn files<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (name, bytes) in self.inner.files() {
            d.set_item(name, PyBytes::new(py, &bytes))?;
        }
        Ok(d)
    }

    /// The distribution chart as SVG.
    fn chart_svg(&self, py: Python<'_>) -> PyResult<String> {
        let inner = &self.inner;
        detach::run(py, 1, |_| inner.chart_svg())?.or_raise(py)
    }

    /// Write the output folder; returns the paths written.
    #[pyo3(signature = (out, force = false, plots = true))]
    fn write(&self, py: Python<'_>, out: PathBuf, force: bool, plots: bool) -> PyResult<Vec<PathBuf>> {
        let inner = &self.inner;
        detach::run(py, 1, |_| inner.write(&out, force, plots))?.or_raise(py)
    }
}

/// Compare a reform with a base, replicate by replicate with common random numbers.
#[pyfunction]
#[pyo3(signature = (base, reform, replicates = 10, seed = None, population = None, steps = None, jobs = None, min_cell = core::DEFAULT_MIN_CELL))]
#[allow(clippy::too_many_arguments)]
pub fn compare(
    py: Python<'_>,
    base: &Scenario,
    reform: &Scenario,
    replicates: u32,
    seed: Option<u64>,
    population: Option<u64>,
    steps: Option<u32>,
    jobs: Option<usize>,
    min_cell: u32,
) -> PyResult<ComparisonCore> {
    let threads = threads(jobs)?;
    let o = options(seed, population, steps, min_cell);
    let plan = core::plan_compare(&base.inner, &reform.inner, &o, replicates, threads).or_raise(py)?;
    let inner = detach::run(py, threads, |cancel| core::compare(plan, &|_| cancel.check()))?.or_raise(py)?;
    Ok(ComparisonCore { inner })
}
