//! `pointsim._pointsim`: the native half of the `pointsim` Python package.
//!
//! Thin over the library, as STYLE.md asks of front ends: every function
//! calls what the matching CLI command calls (all in `core.rs`, the one file
//! naming `pointsim::` paths) and hands Python the bytes the command would
//! write; the pure-Python package (`python/pointsim/`) parses them into
//! dicts and DataFrames. Long work runs with the GIL released on a fresh
//! rayon pool and stops on Ctrl-C (`detach.rs`).

mod compare;
mod core;
mod detach;
mod errors;
mod run;
mod scenario;
mod sweep;

use pyo3::prelude::*;

#[pymodule]
fn _pointsim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", core::VERSION)?;
    m.add("DEFAULT_MIN_CELL", core::DEFAULT_MIN_CELL)?;
    m.add("MAX_POPULATION", core::MAX_POPULATION)?;
    m.add("ScenarioError", py.get_type::<errors::ScenarioError>())?;
    m.add_class::<scenario::Scenario>()?;
    m.add_class::<run::RunCore>()?;
    m.add_class::<compare::ComparisonCore>()?;
    m.add_class::<sweep::SweepCore>()?;
    m.add_function(wrap_pyfunction!(scenario::load, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::loads, m)?)?;
    m.add_function(wrap_pyfunction!(scenario::check, m)?)?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_function(wrap_pyfunction!(compare::compare, m)?)?;
    m.add_function(wrap_pyfunction!(sweep::sweep, m)?)?;
    Ok(())
}
