//! `run` and its result: the bytes of `pointsim run`'s files, the final scores, traces.

use std::path::PathBuf;

use numpy::PyArray1;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::core;
use crate::detach;
use crate::errors::OrRaise;
use crate::scenario::Scenario;

/// `jobs` checked as `-j` is: at least 1.
pub fn threads(jobs: Option<usize>) -> PyResult<usize> {
    match jobs {
        Some(0) => Err(PyValueError::new_err("`jobs` must be at least 1")),
        j => Ok(core::threads(j.and_then(std::num::NonZeroUsize::new))),
    }
}

/// The options given to a call, checked.
pub fn options(
    seed: Option<u64>,
    population: Option<u64>,
    steps: Option<u32>,
    min_cell: u32,
) -> core::Options {
    core::Options { seed, population, steps, min_cell }
}

/// A finished run (native part; `pointsim.Run` wraps it).
#[pyclass(module = "pointsim._pointsim")]
pub struct RunCore {
    inner: core::Run,
    scores: Option<Py<PyArray1<i64>>>,
}

#[pymethods]
impl RunCore {
    /// `summary.json` as `pointsim run` writes it.
    fn summary_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.summary_json())
    }

    /// `steps.csv` as `pointsim run` writes it.
    fn steps_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.steps_csv())
    }

    /// `histogram.csv` as `pointsim run` writes it.
    fn histogram_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.histogram_csv())
    }

    /// `columns.csv`, the data dictionary of `steps.csv` and `histogram.csv`.
    fn columns_csv<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.columns_csv())
    }

    /// `manifest.json` as `pointsim run` writes it.
    fn manifest_json<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.manifest_json())
    }

    /// Final score of every subject, by subject number (int64, no copy).
    fn final_scores(&mut self, py: Python<'_>) -> Py<PyArray1<i64>> {
        if let Some(a) = &self.scores {
            return a.clone_ref(py);
        }
        let a: Py<PyArray1<i64>> = PyArray1::from_vec(py, self.inner.take_final_scores()).unbind();
        self.scores = Some(a.clone_ref(py));
        a
    }

    /// `pointsim trace --format json` of one subject.
    fn trace<'py>(&self, py: Python<'py>, subject: u64) -> PyResult<Bound<'py, PyBytes>> {
        let inner = &self.inner;
        let bytes = detach::run(py, 1, |_| inner.trace(subject))?.or_raise(py)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Write the output folder; returns the paths written.
    #[pyo3(signature = (out, force = false, plots = true))]
    fn write(&self, py: Python<'_>, out: PathBuf, force: bool, plots: bool) -> PyResult<Vec<PathBuf>> {
        let inner = &self.inner;
        detach::run(py, 1, |_| inner.write(&out, force, plots))?.or_raise(py)
    }

    /// The charts as `(name, title, svg)`.
    fn charts(&self, py: Python<'_>) -> PyResult<Vec<(String, String, String)>> {
        let inner = &self.inner;
        let charts = detach::run(py, 1, |_| inner.charts())?.or_raise(py)?;
        Ok(charts.into_iter().map(|c| (c.name, c.title, c.svg)).collect())
    }

    /// `(seed, population, threads, wall_seconds)`.
    fn facts(&self) -> (u64, u64, usize, f64) {
        self.inner.facts()
    }
}

/// Simulate a scenario, as `pointsim run` does.
#[pyfunction]
#[pyo3(signature = (scenario, seed = None, population = None, steps = None, jobs = None, min_cell = core::DEFAULT_MIN_CELL))]
pub fn run(
    py: Python<'_>,
    scenario: &Scenario,
    seed: Option<u64>,
    population: Option<u64>,
    steps: Option<u32>,
    jobs: Option<usize>,
    min_cell: u32,
) -> PyResult<RunCore> {
    let threads = threads(jobs)?;
    let plan =
        core::plan_run(&scenario.inner, &options(seed, population, steps, min_cell), threads).or_raise(py)?;
    let inner = detach::run(py, threads, |cancel| core::run(plan, &|_| cancel.check()))?;
    Ok(RunCore { inner, scores: None })
}
