//! What the server holds between requests: the two scenarios, read once at
//! start, and the one computation that may run at a time.
//!
//! Each valid request takes a ticket from a generation counter and raises
//! the stop flag of the request before it. Only one comparison runs at a
//! time: a running one whose flag is raised gives up within a chunk of
//! subjects, and a request that waits and is overtaken never starts; both
//! are answered `409` (the page has already moved on), so a fast-moving
//! slider never builds up a queue and never waits for a stale picture.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use pointsim::scenario::{Loaded, Scenario};

use super::batch;
use super::query::Query;
use crate::cli::{Failure, compare as cli_compare};

/// An answer that is not a result: an HTTP status and the text for `{ "error": ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// 400 bad input, 409 superseded, 500 anything else.
    pub status: u16,
    /// The message, as the command line would print it (no colour).
    pub message: String,
}

impl ApiError {
    pub fn bad(message: String) -> ApiError {
        ApiError { status: 400, message }
    }
}

impl From<Failure> for ApiError {
    fn from(f: Failure) -> ApiError {
        match f {
            Failure::BadInput(text) => ApiError::bad(text),
            Failure::Other(e) => ApiError { status: 500, message: format!("error: {e:#}\n") },
        }
    }
}

/// How the server was started.
pub struct Options {
    pub base_path: PathBuf,
    /// The REFORM argument, if one was given.
    pub reform_path: Option<PathBuf>,
    pub max_population: u64,
    pub min_cell: u32,
    pub threads: usize,
    pub ignore_memory: bool,
    /// The language of the page's words.
    pub lang: super::controls::Lang,
}

/// The scenarios and the computation slot.
pub struct Session {
    pub opts: Options,
    pub base: Loaded,
    /// The reform before any `set`: REFORM, or the base.
    pub reform: Loaded,
    pool: rayon::ThreadPool,
    latest: AtomicU64,
    busy: Mutex<()>,
    /// The stop flag of the newest request: raised when a newer one arrives.
    newest: Mutex<Arc<AtomicBool>>,
}

/// One request's comparison: compare.json's bytes and both sides over time.
pub struct Computed {
    /// What `pointsim compare` writes as `compare.json`.
    pub compare: Vec<u8>,
    /// Mean score and shares at every snapshot.
    pub timeline: pointsim::results::timeline::Timeline,
    /// The four-fifths ratios of both sides ([`super::fairness::fairness`]).
    pub fairness: serde_json::Value,
}

/// The reform of one request, checked and ready to run.
pub struct Prepared {
    pub base: Scenario,
    pub reform: Scenario,
    /// The reform as loaded, with the sets applied (its source is the changed document).
    pub reform_loaded: Loaded,
    pub query: Query,
}

impl Session {
    /// Read the scenarios (the only files the server ever reads).
    pub fn new(opts: Options) -> Result<Session, Failure> {
        let base = cli_compare::load(&opts.base_path, false)?;
        let reform = match &opts.reform_path {
            Some(p) => cli_compare::load(p, false)?,
            None => base.clone(),
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()
            .map_err(|e| Failure::Other(anyhow::anyhow!("cannot start worker threads: {e}")))?;
        Ok(Session {
            opts,
            base,
            reform,
            pool,
            latest: AtomicU64::new(0),
            busy: Mutex::new(()),
            newest: Mutex::new(Arc::new(AtomicBool::new(false))),
        })
    }

    /// The file the sets change: REFORM, or the base.
    pub fn reform_path(&self) -> &Path {
        self.opts.reform_path.as_deref().unwrap_or(&self.opts.base_path)
    }

    /// Check a request as `pointsim compare` checks its arguments, plus the
    /// interactive population cap, without running anything.
    pub fn prepare(&self, query: Query) -> Result<Prepared, ApiError> {
        for set in &query.sets {
            let path = set.split_once('=').map_or(set.as_str(), |(p, _)| p).trim();
            if batch::ParamPath::parse(path)
                .is_ok_and(|p| p.segments().first().is_some_and(|s| s == "extends"))
            {
                return Err(ApiError::bad(format!(
                    "error: in `--set {set}`: `extends` cannot be changed here\n\nhint: explore reads only \
                     `{}` and the files it extends; run `pointsim compare` with an overlay instead\n",
                    self.reform_path().display()
                )));
            }
        }
        let reform_loaded = cli_compare::with_sets(self.reform.clone(), &query.sets, false)?;
        let (base, reform) = cli_compare::sides(
            (&self.base, &self.opts.base_path),
            (&reform_loaded, self.reform_path()),
            &query.overrides,
        )?;
        if base.population > self.opts.max_population {
            return Err(ApiError::bad(format!(
                "error: a population of {} is above the interactive limit of {}\n\nhint: start `pointsim explore` \
                 with `--max-population {}` to allow it, or run `pointsim compare`\n",
                base.population, self.opts.max_population, base.population
            )));
        }
        let check = |s: &Scenario, file: &Path| {
            cli_compare::check_runnable(s, file, self.opts.threads, query.replicates, self.opts.ignore_memory)
        };
        check(&base, &self.opts.base_path)?;
        check(&reform, self.reform_path())?;
        Ok(Prepared { base, reform, reform_loaded, query })
    }

    /// `{ "requests": N, "computing": bool }`: how many comparisons were
    /// asked for so far and whether one is running now.
    pub fn status_json(&self) -> Vec<u8> {
        let computing = matches!(self.busy.try_lock(), Err(std::sync::TryLockError::WouldBlock));
        let requests = self.latest.load(Ordering::SeqCst);
        serde_json::to_vec(&serde_json::json!({ "requests": requests, "computing": computing }))
            .unwrap_or_default()
    }

    /// Run a prepared comparison and return the bytes of its compare.json.
    ///
    /// # Errors
    ///
    /// As [`Session::compute`].
    pub fn compare_json(&self, p: &Prepared) -> Result<Vec<u8>, ApiError> {
        self.compute(p).map(|c| c.compare)
    }

    /// `{ "compare": compare.json, "timeline": ..., "fairness": ... }`: what the page draws.
    ///
    /// # Errors
    ///
    /// As [`Session::compute`].
    pub fn explore_json(&self, p: &Prepared) -> Result<Vec<u8>, ApiError> {
        let c = self.compute(p)?;
        let timeline = serde_json::to_vec(&c.timeline)
            .map_err(|e| ApiError { status: 500, message: format!("error: {e}\n") })?;
        let mut out = Vec::with_capacity(c.compare.len() + timeline.len() + 32);
        out.extend_from_slice(b"{\"compare\":");
        out.extend_from_slice(&c.compare);
        out.extend_from_slice(b",\"timeline\":");
        out.extend_from_slice(&timeline);
        out.extend_from_slice(b",\"fairness\":");
        out.extend_from_slice(c.fairness.to_string().as_bytes());
        out.push(b'}');
        Ok(out)
    }

    /// Run a prepared comparison, unless a newer request overtakes it.
    ///
    /// # Errors
    ///
    /// `409` when a newer request arrived while this one waited for the
    /// previous computation or while it ran (it then stops within a chunk of
    /// subjects).
    pub fn compute(&self, p: &Prepared) -> Result<Computed, ApiError> {
        let ticket = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let stop = Arc::new(AtomicBool::new(false));
        {
            let mut newest = self.newest.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            newest.store(true, Ordering::SeqCst);
            *newest = Arc::clone(&stop);
        }
        let _slot = self.busy.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.latest.load(Ordering::SeqCst) != ticket || stop.load(Ordering::SeqCst) {
            return Err(superseded("before it started"));
        }
        let seed = p.base.seed;
        let (c, timeline) = self
            .pool
            .install(|| {
                batch::compare_until(
                    &p.base,
                    &p.reform,
                    seed,
                    p.query.replicates,
                    self.opts.min_cell,
                    &|_| {},
                    &stop,
                )
            })
            .map_err(|why| ApiError::bad(format!("error: {why}\n")))?
            .ok_or_else(|| superseded("while it ran"))?;
        let argv = p.query.argv(&self.opts.base_path, self.opts.reform_path.as_deref(), self.opts.min_cell);
        let info = cli_compare::info(
            (&p.base, &self.base),
            (&p.reform, &p.reform_loaded),
            seed,
            p.query.overrides,
            argv,
        );
        let fairness = super::fairness::fairness(&c, &p.base, &p.reform);
        Ok(Computed { compare: pointsim::output::compare_json(&c, &info), timeline, fairness })
    }
}

/// The `409` of a request a newer one overtook `when`.
fn superseded(when: &str) -> ApiError {
    ApiError { status: 409, message: format!("error: superseded by a newer request {when}\n") }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use super::*;

    fn session() -> Session {
        let toy = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/teaching_toy.toml");
        Session::new(Options {
            base_path: toy,
            reform_path: None,
            max_population: 200_000,
            min_cell: pointsim::output::DEFAULT_MIN_CELL,
            threads: 1,
            ignore_memory: false,
            lang: super::super::controls::Lang::En,
        })
        .unwrap_or_else(|_| panic!("the teaching toy loads"))
    }

    /// Wait until `n` tickets have been taken.
    fn tickets(s: &Session, n: u64) {
        while s.latest.load(Ordering::SeqCst) < n {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_waiting_request_overtaken_by_a_newer_one_does_not_run() {
        let s = session();
        let query = |points: &str| Query {
            sets: vec![format!("rule.volunteer_service.points={points}")],
            replicates: 1,
            overrides: pointsim::Overrides { population: Some(200), ..Default::default() },
        };
        let (old, new) = (s.prepare(query("6")).unwrap(), s.prepare(query("7")).unwrap());
        let busy = s.busy.lock().unwrap(); // a computation is running
        std::thread::scope(|scope| {
            let first = scope.spawn(|| s.compare_json(&old));
            tickets(&s, 1);
            let second = scope.spawn(|| s.compare_json(&new));
            tickets(&s, 2);
            drop(busy);
            let (first, second) = (first.join().unwrap(), second.join().unwrap());
            assert_eq!(first.unwrap_err().status, 409);
            let json = String::from_utf8(second.unwrap()).unwrap();
            assert!(json.contains("rule.volunteer_service.points=7"));
        });
    }
}
