//! Ctrl-C and `kill`: on SIGINT or SIGTERM, stop the work, remove what is
//! half-written and the output folder's lock, say what was kept, and exit
//! with 130 (SIGINT) or 143 (SIGTERM).
//!
//! A thread waits for the signal. It first takes the write lock that every
//! file write of an interruptible command holds ([`io`]), so a file, a
//! journal line or the swap of a result set into place is never cut in the
//! middle; it then removes the registered paths ([`remove_on_signal`]),
//! prints the registered message ([`say_on_signal`]) and ends the process,
//! workers and all. A second signal during that ends the process at once.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once};

use super::term;

/// Held by every write of an interruptible command, and by the signal thread from the signal on.
static IO: Mutex<()> = Mutex::new(());

/// What to remove and what to say when a signal arrives.
static STATE: Mutex<State> = Mutex::new(State { remove: Vec::new(), say: None });

/// Set when a signal has arrived: loops stop starting new work.
static STOPPING: AtomicBool = AtomicBool::new(false);

type Message = Box<dyn Fn() -> String + Send>;

struct State {
    remove: Vec<PathBuf>,
    say: Option<Message>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Start listening for SIGINT and SIGTERM (once per process; later calls do
/// nothing). Without it a signal ends the process the default way.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        #[cfg(unix)]
        unix::install();
    });
}

/// Run `f` holding the write lock: a signal waits until it is done.
pub fn io<T>(f: impl FnOnce() -> T) -> T {
    let _held = lock(&IO);
    f()
}

/// Whether a signal has arrived.
pub fn stopping() -> bool {
    STOPPING.load(Ordering::Relaxed)
}

/// Remove `path` (a file or a folder) if a signal arrives.
pub fn remove_on_signal(path: &Path) {
    lock(&STATE).remove.push(path.to_path_buf());
}

/// No longer remove `path` on a signal (it has been committed or released).
pub fn keep_on_signal(path: &Path) {
    lock(&STATE).remove.retain(|p| p != path);
}

/// On a signal, print what `say` returns after `interrupted by SIGINT: `.
pub fn say_on_signal(say: impl Fn() -> String + Send + 'static) {
    lock(&STATE).say = Some(Box::new(say));
}

/// Clean up after `signal` and end the process with `128 + signal`.
#[cfg(unix)]
fn on_signal(signal: i32, name: &str) -> ! {
    STOPPING.store(true, Ordering::Relaxed);
    // held until the process ends: no write starts or is cut after this
    let _io = lock(&IO);
    let state = lock(&STATE);
    for p in &state.remove {
        let _ = if p.is_dir() { std::fs::remove_dir_all(p) } else { std::fs::remove_file(p) };
    }
    let said = state.say.as_ref().map_or_else(|| "stopped\n".to_owned(), |say| say());
    term::eprint(&format!("\ninterrupted by {name}: {said}"));
    std::process::exit(128 + signal)
}

#[cfg(unix)]
mod unix {
    use super::{Arc, AtomicBool};
    use signal_hook::consts::{SIGINT, SIGTERM};

    pub(super) fn install() {
        let again = Arc::new(AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM] {
            // the second signal takes the default action (ends the process);
            // the first sets `again`
            let _ = signal_hook::flag::register_conditional_default(sig, Arc::clone(&again));
            let _ = signal_hook::flag::register(sig, Arc::clone(&again));
        }
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
        std::thread::spawn(move || {
            if let Some(sig) = signals.forever().next() {
                super::on_signal(sig, if sig == SIGINT { "SIGINT" } else { "SIGTERM" });
            }
        });
    }
}
