//! An output folder held by one command: its lock taken, an interrupted
//! writer's leftovers reported, and (for run, compare and merge) the result
//! set written into a sibling and renamed into place when complete.

use std::path::{Path, PathBuf};

use pointsim::output::atomic::{self, Staging};
use pointsim::output::lock::{LockError, OutLock};

use super::{Failure, guard, term};

/// The lock of an output folder, released (and no longer removed on a signal) when dropped.
pub struct Held {
    lock: OutLock,
}

impl Drop for Held {
    fn drop(&mut self) {
        guard::keep_on_signal(self.lock.path());
    }
}

/// Take the lock of `out` for this command, listen for signals, and report
/// (unless `quiet`) a stale lock taken over and an interrupted writer's
/// leftovers dealt with ([`atomic::clean_leftovers`]).
///
/// # Errors
///
/// Another live pointsim holds the folder, or the lock file cannot be made
/// there (bad input, exit 2, as an output folder that cannot be made).
pub fn hold(out: &Path, quiet: bool) -> Result<Held, Failure> {
    guard::install();
    let command = super::rerun::command_of(&std::env::args().collect::<Vec<_>>());
    // a folder in use, or a place where no folder can be made (as
    // `prepare_out_dir` refuses it): bad input, exit 2
    let (lock, note) =
        OutLock::acquire(out, &command).map_err(|e: LockError| Failure::BadInput(format!("error: {e}\n")))?;
    guard::remove_on_signal(lock.path());
    let held = Held { lock };
    let notes = atomic::clean_leftovers(out).map_err(|e| {
        Failure::Other(
            anyhow::Error::new(e)
                .context(format!("cannot clean up what an interrupted run left next to `{}`", out.display())),
        )
    })?;
    if !quiet {
        for n in note.into_iter().chain(notes) {
            term::eprint(&n);
        }
    }
    Ok(held)
}

/// A result set being written next to its output folder ([`Staging`]),
/// removed if the command fails or is interrupted.
pub struct Stage {
    staging: Option<Staging>,
    dir: PathBuf,
}

/// Start the result set of `out` (whose lock is held); on a signal, it is
/// removed and the message says that `out` is as it was.
///
/// # Errors
///
/// The partial folder cannot be made.
pub fn stage(out: &Path) -> Result<Stage, Failure> {
    let staging = Staging::begin(out).map_err(|e| {
        Failure::Other(
            anyhow::Error::new(e).context(format!("cannot make a folder next to `{}`", out.display())),
        )
    })?;
    let dir = staging.dir().to_path_buf();
    guard::remove_on_signal(&dir);
    let shown = out.display().to_string();
    let existed = out.exists();
    guard::say_on_signal(move || {
        if existed {
            format!("the results were not complete; `{shown}/` is as it was before\n")
        } else {
            format!("the results were not complete; nothing was written to `{shown}/`\n")
        }
    });
    Ok(Stage { staging: Some(staging), dir })
}

impl Stage {
    /// The folder to write into.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Put the complete result set in place ([`Staging::commit`]), as one
    /// step that a signal waits for.
    ///
    /// # Errors
    ///
    /// The first I/O error; the earlier folder is then back in place.
    pub fn commit(mut self, out: &Path, drop_old: &dyn Fn(&str) -> bool) -> Result<(), Failure> {
        let staging = self.staging.take().expect("committed once");
        guard::io(|| {
            let done = staging.commit(drop_old);
            guard::keep_on_signal(&self.dir);
            done
        })
        .map_err(|e| {
            Failure::Other(
                anyhow::Error::new(e).context(format!("cannot put the results in `{}`", out.display())),
            )
        })
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        // dropping the staging removes the partial folder
        guard::io(|| {
            self.staging.take();
            guard::keep_on_signal(&self.dir);
        });
    }
}
