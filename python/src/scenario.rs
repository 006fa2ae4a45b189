//! `Scenario`, `load`, `loads`, `check`: scenario files from Python.

use std::path::PathBuf;

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::core;
use crate::detach;
use crate::errors::{OrRaise, item_list};

/// A validated scenario: a file (or text) that passed every check, with any
/// changes made by `set`. Immutable: `set` returns a new scenario.
#[pyclass(module = "pointsim._pointsim", frozen)]
pub struct Scenario {
    pub inner: core::Scenario,
}

#[pymethods]
impl Scenario {
    /// `scenario.name` (with the changes made by `set` in brackets).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// The file name as given to `load` (or the `name` given to `loads`).
    #[getter]
    fn file(&self) -> &str {
        self.inner.file()
    }

    /// `population.size`.
    #[getter]
    fn population(&self) -> u64 {
        self.inner.population()
    }

    /// `scenario.steps`.
    #[getter]
    fn steps(&self) -> u32 {
        self.inner.steps()
    }

    /// `scenario.seed`, the seed `run` uses when given none.
    #[getter]
    fn seed(&self) -> u64 {
        self.inner.seed()
    }

    /// Ids and names: `rules`, `tiers` (highest first, as in the file), `perks`, `restrictions`, `groups`.
    fn names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in self.inner.names() {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    /// Warnings found while loading: `(rendered text, list of dicts)`.
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<(String, Bound<'py, PyList>)> {
        let (text, items) = self.inner.warnings();
        Ok((text, item_list(py, &items)?))
    }

    /// A new scenario with the value at `path` replaced, as `pointsim compare
    /// --set PATH=VALUE` and sweep plans do (`rule.volunteering.points`,
    /// `perk.library.min_tier`, `tier.A.min`, `population.size`).
    ///
    /// `value` is an int, float, bool, str, or a list or dict of those. The
    /// changed scenario is checked like a file; a problem raises `ScenarioError`,
    /// a path that names nothing raises `ValueError`.
    fn set(&self, py: Python<'_>, path: &str, value: &Bound<'_, PyAny>) -> PyResult<Scenario> {
        let value = toml_value(value).map_err(|what| {
            PyTypeError::new_err(format!(
                "cannot set `{path}` to a value of type `{what}`: use an int, float, bool, str, or a list or dict of those"
            ))
        })?;
        let inner = &self.inner;
        let changed = detach::run(py, 1, |_| inner.set(path, value))?.or_raise(py)?;
        Ok(Scenario { inner: changed })
    }

    /// The scenario as one TOML document: overlays merged, changes applied.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.to_toml().or_raise(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "<pointsim.Scenario {:?} from {:?}: {} subjects, {} steps, seed {}>",
            self.inner.name(),
            self.inner.file(),
            self.inner.population(),
            self.inner.steps(),
            self.inner.seed()
        )
    }
}

/// A Python value as TOML, or the name of the type that has none.
fn toml_value(v: &Bound<'_, PyAny>) -> Result<toml::Value, String> {
    let type_name = || v.get_type().name().map_or_else(|_| "?".to_owned(), |n| n.to_string());
    if v.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(v.extract().map_err(|_| type_name())?));
    }
    if v.is_instance_of::<PyInt>() {
        return v
            .extract::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| "int (out of the 64-bit range)".to_owned());
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(v.extract().map_err(|_| type_name())?));
    }
    if v.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(v.extract().map_err(|_| type_name())?));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let items = v.try_iter().map_err(|_| type_name())?;
        let mut out = Vec::new();
        for item in items {
            out.push(toml_value(&item.map_err(|_| type_name())?)?);
        }
        return Ok(toml::Value::Array(out));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut t = toml::Table::new();
        for (k, x) in d.iter() {
            let k: String = k.extract().map_err(|_| "dict with a key that is not a str".to_owned())?;
            t.insert(k, toml_value(&x)?);
        }
        return Ok(toml::Value::Table(t));
    }
    Err(type_name())
}

/// Read and check a scenario file.
#[pyfunction]
pub fn load(py: Python<'_>, path: PathBuf) -> PyResult<Scenario> {
    let inner = detach::run(py, 1, |_| core::Scenario::load(&path))?.or_raise(py)?;
    Ok(Scenario { inner })
}

/// Check a scenario given as text.
#[pyfunction]
#[pyo3(signature = (text, name = "<string>"))]
pub fn loads(py: Python<'_>, text: &str, name: &str) -> PyResult<Scenario> {
    let inner = detach::run(py, 1, |_| core::Scenario::parse(text, name))?.or_raise(py)?;
    Ok(Scenario { inner })
}

/// Every diagnostic of a file: `(rendered text, list of dicts)`.
#[pyfunction]
pub fn check<'py>(py: Python<'py>, path: PathBuf) -> PyResult<(String, Bound<'py, PyList>)> {
    let (text, items) = detach::run(py, 1, |_| core::check(&path))?;
    Ok((text, item_list(py, &items)?))
}
