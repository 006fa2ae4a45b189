//! The time a dry run prints: one short run of the scenario, timed, turns the events estimate into seconds.
//!
//! The budget's events estimate ([`pointsim::budget::estimate`]) is an upper
//! bound that is right in its order of magnitude, but the speed of one
//! event varies tenfold between a plain scenario and one whose mechanics
//! act at every event. So `--dry-run` runs the scenario once on at most
//! [`PROBE_SUBJECTS`] subjects, on one thread, and uses the events per
//! second measured there; a scenario that cannot be probed falls back to
//! [`FALLBACK_EVENTS_PER_SECOND`].

use std::time::Instant;

use pointsim::scenario::Scenario;

/// Subjects of the timed run: enough to measure, few enough to take a moment.
pub const PROBE_SUBJECTS: u64 = 2_000;

/// Events per second per thread when nothing was measured (the README's
/// benchmark measures 0.9 to 5 × 10^7 depending on the scenario).
pub const FALLBACK_EVENTS_PER_SECOND: f64 = 5e7;

/// A probe's result.
#[derive(Debug, Clone, Copy)]
pub struct Speed {
    /// Estimated events per second on one thread.
    pub events_per_second: f64,
    /// Whether it was measured (else the fallback).
    pub measured: bool,
    /// Subjects of the measured run.
    pub subjects: u64,
}

impl Speed {
    /// [`FALLBACK_EVENTS_PER_SECOND`], not measured.
    pub fn fallback() -> Speed {
        Speed { events_per_second: FALLBACK_EVENTS_PER_SECOND, measured: false, subjects: 0 }
    }

    /// The seconds `events` take on `threads` threads.
    pub fn seconds(&self, events: f64, threads: usize) -> f64 {
        events / (self.events_per_second * threads.max(1) as f64)
    }

    /// How the estimate was made, for the `time` line.
    pub fn how(&self) -> String {
        if self.measured {
            format!(
                "{:.1e} events/s per thread, measured on a run of {} subjects",
                self.events_per_second, self.subjects
            )
        } else {
            format!("{FALLBACK_EVENTS_PER_SECOND:.0e} events/s per thread, not measured")
        }
    }
}

/// The speed of `scenario`: one run of at most [`PROBE_SUBJECTS`] of it, timed on one thread.
pub fn speed(scenario: &Scenario) -> Speed {
    let fallback = Speed::fallback();
    let mut s = scenario.clone();
    s.population = s.population.min(PROBE_SUBJECTS);
    let events = pointsim::budget::estimate(&pointsim::budget::Job::run(&s, 1)).events;
    if !events.is_finite() || events <= 0.0 {
        return fallback;
    }
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(1).build() else { return fallback };
    let secs = pool.install(|| {
        let population = pointsim::population::Population::new(&s);
        let t = Instant::now();
        let _ = pointsim::engine::run(&s, &population, s.seed, &|_| {});
        t.elapsed().as_secs_f64()
    });
    if secs > 0.0 {
        Speed { events_per_second: events / secs, measured: true, subjects: s.population }
    } else {
        fallback
    }
}

/// Seconds as the `time` line shows them.
pub fn duration(secs: f64) -> String {
    if secs < 0.1 {
        "under 0.1 s".into()
    } else if secs < 60.0 {
        format!("about {secs:.1} s")
    } else if secs < 3600.0 {
        format!("about {:.1} min", secs / 60.0)
    } else {
        format!("about {:.1} h", secs / 3600.0)
    }
}
