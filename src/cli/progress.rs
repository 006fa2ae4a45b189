//! A progress bar over subjects (or a sweep's runs), shown only on a terminal and only once the work has taken a second.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Progress of a run; cheap to update from worker threads.
pub struct Progress {
    bar: ProgressBar,
    start: Instant,
    enabled: bool,
    shown: AtomicBool,
}

impl Progress {
    /// A bar for `total` subjects; hidden when `quiet` or stderr is not a terminal.
    pub fn new(total: u64, quiet: bool) -> Self {
        let style = ProgressStyle::with_template(
            "{spinner} simulating {bar:30} {human_pos}/{human_len} subjects  {rate}  eta {eta}",
        )
        .expect("the template is valid")
        .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{:.1} M/s", state.per_sec() / 1e6);
        });
        Self::styled(total, quiet, style)
    }

    /// A bar for `total` runs of a sweep; hidden when `quiet` or stderr is not a terminal.
    pub fn runs(total: u64, quiet: bool) -> Self {
        let style = ProgressStyle::with_template(
            "{spinner} sweeping {bar:30} {pos}/{len} runs  {per_sec}  eta {eta}",
        )
        .expect("the template is valid");
        Self::styled(total, quiet, style)
    }

    fn styled(total: u64, quiet: bool, style: ProgressStyle) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(style);
        Progress {
            bar,
            start: Instant::now(),
            enabled: !quiet && std::io::stderr().is_terminal(),
            shown: AtomicBool::new(false),
        }
    }

    /// Count `n` more subjects done.
    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() > Duration::from_secs(1)
        {
            self.shown.store(true, Ordering::Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Remove the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
