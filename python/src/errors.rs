//! Library failures as Python exceptions: `ScenarioError` (with `.diagnostics`),
//! `ValueError`, `OSError`, `RuntimeError`.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::core::{Error, Item};

pyo3::create_exception!(
    _pointsim,
    ScenarioError,
    PyValueError,
    "A scenario or sweep plan with errors.\n\nThe message is the diagnostics as `pointsim check` prints them; \
     `.diagnostics` is a list of dicts with `severity`, `file`, `line`, `column`, `message`, `label` and `hint`."
);

/// One diagnostic as a dict.
pub fn item_dict<'py>(py: Python<'py>, i: &Item) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("severity", i.severity)?;
    d.set_item("file", &i.file)?;
    d.set_item("line", i.line)?;
    d.set_item("column", i.column)?;
    d.set_item("message", &i.message)?;
    d.set_item("label", &i.label)?;
    d.set_item("hint", &i.hint)?;
    Ok(d)
}

/// A list of diagnostics as a list of dicts.
pub fn item_list<'py>(py: Python<'py>, items: &[Item]) -> PyResult<Bound<'py, PyList>> {
    let dicts = items.iter().map(|i| item_dict(py, i)).collect::<PyResult<Vec<_>>>()?;
    PyList::new(py, dicts)
}

/// The message of a CLI error without its trailing newline.
fn message(text: &str) -> String {
    text.trim_end().to_owned()
}

/// A CLI error line for a Python exception: the same words without the
/// `error: ` the exception's name already says.
fn value_message(text: &str) -> String {
    let lines: Vec<&str> = text.trim_end().lines().map(|l| l.strip_prefix("error: ").unwrap_or(l)).collect();
    lines.join("\n")
}

/// Turn a library failure into the Python exception for it.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    match e {
        Error::Scenario { rendered, items } => {
            let err = ScenarioError::new_err(message(&rendered));
            let attach = || -> PyResult<()> {
                err.value(py).setattr("diagnostics", item_list(py, &items)?)?;
                Ok(())
            };
            match attach() {
                Ok(()) => err,
                Err(other) => other,
            }
        }
        Error::Value(m) => PyValueError::new_err(value_message(&m)),
        Error::Io(m) => PyOSError::new_err(m),
        Error::Other(m) => PyRuntimeError::new_err(m),
    }
}

/// `Result<T, Error>` → `PyResult<T>`.
pub trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, Error> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}
