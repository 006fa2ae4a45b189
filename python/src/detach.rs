//! Running library work off the Python thread: a fresh rayon pool for every
//! call, the GIL released while it runs, Ctrl-C honoured within a fraction of
//! a second, panics turned into exceptions.
//!
//! Why this shape:
//! - A fresh `ThreadPool` per call (never rayon's global pool): a pool's
//!   threads do not survive `os.fork()`, so a pool made before a fork would
//!   hang in the child. Making one costs well under a millisecond.
//! - Python runs signal handlers only on the main thread, and the engine's
//!   progress callback runs on pool threads. So the calling thread waits for
//!   the work in short slices with the GIL released, and between slices calls
//!   `check_signals`; on `KeyboardInterrupt` (or any exception a handler
//!   raises) it sets a flag, and the next progress callback of every worker
//!   unwinds out of the run ([`Cancel::check`]). The run is abandoned and the
//!   exception raised once the workers have stopped.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// How long the calling thread waits between two checks for signals.
const SLICE: Duration = Duration::from_millis(50);

/// A flag the workers look at from the progress callback.
#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

/// The unwinding payload of an abandoned run.
struct Cancelled;

impl Cancel {
    /// Unwind out of the run if it was cancelled (call from a progress callback).
    pub fn check(&self) {
        if self.0.load(Ordering::Relaxed) {
            // resume_unwind: no panic hook, so nothing is printed
            std::panic::resume_unwind(Box::new(Cancelled));
        }
    }
}

/// Run `work` on a fresh pool of `threads` threads with the GIL released,
/// returning its result, the exception a signal handler raised, or a
/// `RuntimeError` for a panic.
pub fn run<T: Send>(py: Python<'_>, threads: usize, work: impl FnOnce(&Cancel) -> T + Send) -> PyResult<T> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start worker threads: {e}")))?;
    let cancel = Cancel::default();
    let slot: Mutex<Option<std::thread::Result<T>>> = Mutex::new(None);
    let ready = Condvar::new();
    let wait = |limit: Option<Duration>| {
        let guard = slot.lock().unwrap_or_else(PoisonError::into_inner);
        let guard = match limit {
            Some(d) => {
                ready.wait_timeout_while(guard, d, |r| r.is_none()).unwrap_or_else(PoisonError::into_inner).0
            }
            None => ready.wait_while(guard, |r| r.is_none()).unwrap_or_else(PoisonError::into_inner),
        };
        guard.is_some()
    };
    let interrupted = std::thread::scope(|s| {
        s.spawn(|| {
            let result = catch_unwind(AssertUnwindSafe(|| pool.install(|| work(&cancel))));
            *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
            ready.notify_all();
        });
        loop {
            if py.detach(|| wait(Some(SLICE))) {
                return None;
            }
            if let Err(e) = py.check_signals() {
                cancel.0.store(true, Ordering::Relaxed);
                py.detach(|| wait(None));
                return Some(e);
            }
        }
    });
    if let Some(e) = interrupted {
        return Err(e);
    }
    match slot.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some(Ok(v)) => Ok(v),
        Some(Err(payload)) => Err(panic_error(payload)),
        None => Err(PyRuntimeError::new_err("pointsim: the worker ended without a result")),
    }
}

/// A panic as a `RuntimeError` (a bug in pointsim: say so).
pub fn panic_error(payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let what = if payload.is::<Cancelled>() {
        "the run was cancelled".to_owned()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    };
    PyRuntimeError::new_err(format!("internal error in pointsim: {what} (please report it)"))
}
