//! Engine benchmarks on the reference workload: one JSON line per configuration.
//!
//! Run by hand, never in CI (CI only compiles it with `cargo bench --no-run`):
//!
//! ```text
//! cargo bench --bench engine -- --quick   # 10^4 and 10^5, engine vs naive, with checks
//! cargo bench --bench engine -- --full    # every configuration (several minutes)
//! cargo bench --bench engine -- --mechanics   # what an inert list costs; national_blacklist at 10^6
//! cargo bench --bench engine -- --dump-workload 10000 > workload.json   # for the peers
//! ```
//!
//! Every configuration runs in a child process (this same binary with
//! `--child NAME`), so the peak RSS it reports (`VmHWM` from
//! `/proc/self/status`, a process-wide high-water mark) is that
//! configuration's alone. The parent collects the lines, adds
//! `speedup_vs_naive` (naive median / engine median on the same scenario,
//! subjects and threads, measured in the same invocation) and prints them,
//! then a last `ratios` line with the derived targets.
//!
//! Timings cover `engine::run` (or `naive::run`) only; the population and
//! thread pool are built beforehand. The median, min and max are over
//! `runs` timed runs, after one untimed warm-up for the small sizes.
//! `cpu_over_wall` (CPU seconds of all threads / wall seconds, averaged over
//! the runs) shows how many cores the run really had: on a shared machine a
//! 2-thread run at 1.2 was starved, not slow.

use std::process::{Command, Stdio};
use std::time::Instant;

use pointsim::engine::{self, RunOutput, rng::mix64};
use pointsim::naive;
use pointsim::population::Population;
use pointsim::scenario::{Color, Entry, List, Scenario, StepUnit};
use pointsim::workload::reference;
use serde_json::{Value, json};

/// Seed of every benchmark run.
const SEED: u64 = 42;

/// Which implementation a configuration times.
#[derive(Clone, Copy, PartialEq)]
enum Imp {
    Engine,
    Naive,
}

/// What a configuration adds to the reference workload.
#[derive(Clone, Copy, PartialEq)]
enum Extra {
    /// The reference workload as it is.
    Plain,
    /// Plus one list that nobody enters (`enter_below` far under the clamp):
    /// the full mechanics run, and nothing they do changes a score.
    InertList,
    /// A reference scenario file instead of the workload, at `subjects`.
    File(&'static str),
}

/// One benchmark configuration.
#[derive(Clone, Copy)]
struct Config {
    name: &'static str,
    imp: Imp,
    extra: Extra,
    subjects: u64,
    rules: usize,
    step: StepUnit,
    steps: u32,
    threads: usize,
    runs: usize,
    warmup: bool,
}

const fn cfg(name: &'static str, imp: Imp, subjects: u64, threads: usize, runs: usize) -> Config {
    Config {
        name,
        imp,
        extra: Extra::Plain,
        subjects,
        rules: 20,
        step: StepUnit::Day,
        steps: 365,
        threads,
        runs,
        warmup: true,
    }
}

/// Every configuration, by name.
fn configs() -> Vec<Config> {
    use Imp::{Engine, Naive};
    vec![
        cfg("engine_1e4", Engine, 10_000, 2, 20),
        cfg("engine_1e4_t1", Engine, 10_000, 1, 10),
        cfg("naive_1e4", Naive, 10_000, 2, 3),
        cfg("engine_1e5", Engine, 100_000, 2, 10),
        cfg("engine_1e5_t1", Engine, 100_000, 1, 5),
        cfg("naive_1e5", Naive, 100_000, 2, 3),
        Config { warmup: false, ..cfg("engine_1e6", Engine, 1_000_000, 2, 5) },
        Config { warmup: false, ..cfg("engine_1e6_t1", Engine, 1_000_000, 1, 5) },
        Config { warmup: false, rules: 50, ..cfg("engine_1e6_r50", Engine, 1_000_000, 2, 5) },
        Config {
            warmup: false,
            step: StepUnit::Week,
            steps: 52,
            ..cfg("engine_1e6_weekly", Engine, 1_000_000, 2, 5)
        },
        Config { warmup: false, ..cfg("engine_1e7", Engine, 10_000_000, 2, 3) },
        Config { warmup: false, ..cfg("naive_1e6", Naive, 1_000_000, 2, 1) },
        Config { warmup: false, runs: 3, ..cfg("naive_1e6_x3", Naive, 1_000_000, 2, 3) },
        // the measurement of issue 10: 300,000 subjects on one thread, CPU time
        cfg("engine_3e5_t1", Engine, 300_000, 1, 5),
        Config { extra: Extra::InertList, ..cfg("engine_3e5_t1_inert_list", Engine, 300_000, 1, 5) },
        Config {
            extra: Extra::File("scenarios/national_blacklist.toml"),
            ..cfg("national_blacklist_1e6", Engine, 1_000_000, 2, 3)
        },
    ]
}

fn config(name: &str) -> Config {
    configs().into_iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no configuration `{name}`"))
}

/// A hash of the final scores in subject order: equal hashes mean identical runs.
fn checksum(out: &RunOutput) -> String {
    let h = out.final_scores.iter().fold(0u64, |h, &s| mix64(h ^ s as u64).wrapping_add(1));
    format!("{h:016x}")
}

/// Peak resident set size of this process in MiB (Linux `VmHWM`), if known.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time (user + system, all threads) this process has used, in seconds,
/// from `/proc/self/stat` (fields 14 and 15, in USER_HZ = 100 ticks a second).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // the command name may hold spaces; fields after the closing parenthesis are plain
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn scenario(c: &Config) -> Scenario {
    match c.extra {
        Extra::Plain => reference(c.subjects, c.rules, c.step, c.steps),
        Extra::InertList => {
            let mut s = reference(c.subjects, c.rules, c.step, c.steps);
            s.lists.push(inert_list());
            s
        }
        Extra::File(path) => {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
            let mut s = pointsim::scenario::load(&path).expect("a reference scenario").scenario;
            s.population = c.subjects;
            s
        }
    }
}

/// A blacklist entered below a score no subject can reach (the workload clamps at 0).
fn inert_list() -> List {
    List::bare("inert", Color::Black, Entry::Below(-1_000_000))
}

/// Run one configuration in this process and print its JSON line.
fn child(name: &str) {
    let c = config(name);
    let s = scenario(&c);
    let pop = Population::new(&s);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(c.threads).build().expect("thread pool");
    let once = || match c.imp {
        Imp::Engine => pool.install(|| engine::run(&s, &pop, SEED, &|_| {})),
        Imp::Naive => pool.install(|| naive::run(&s, &pop, SEED)),
    };
    if c.warmup {
        drop(once());
    }
    let mut times = Vec::with_capacity(c.runs);
    let mut sums = Vec::with_capacity(c.runs);
    let mut events = 0;
    let cpu0 = cpu_seconds();
    for _ in 0..c.runs {
        let t0 = Instant::now();
        let out = once();
        times.push(t0.elapsed().as_secs_f64());
        sums.push(checksum(&out));
        events = out.events();
    }
    let cpu = cpu0.zip(cpu_seconds()).map(|(a, b)| (b - a) / c.runs as f64);
    let wall_mean = times.iter().sum::<f64>() / c.runs as f64;
    assert!(sums.windows(2).all(|w| w[0] == w[1]), "{name}: runs differ: {sums:?}");
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let line = json!({
        "config": c.name,
        "subjects": c.subjects,
        "rules": c.rules,
        "steps": c.steps,
        "step": c.step.as_str(),
        "threads": c.threads,
        "runs": c.runs,
        "median_s": median,
        "min_s": times[0],
        "max_s": times[times.len() - 1],
        "subject_steps_per_s": (c.subjects * u64::from(c.steps)) as f64 / median,
        "events": events,
        "events_per_s": events as f64 / median,
        "peak_rss_mib": peak_rss_mib(),
        "checksum": sums[0],
        "cpu_s_per_run": cpu,
        "cpu_over_wall": cpu.map(|x| x / wall_mean),
        "speedup_vs_naive": Value::Null,
    });
    println!("{line}");
}

/// Run one configuration in a child process and return its JSON line.
fn spawn(name: &str) -> Value {
    let exe = std::env::current_exe().expect("path of this benchmark binary");
    let out = Command::new(exe)
        .args(["--child", name])
        .stderr(Stdio::inherit())
        .output()
        .expect("child benchmark process");
    assert!(out.status.success(), "configuration `{name}` failed");
    let text = String::from_utf8(out.stdout).expect("UTF-8 JSON line");
    serde_json::from_str(text.trim()).expect("one JSON line from the child")
}

fn f(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

/// Run `names` in order, appending to `done`; fill `speedup_vs_naive` from a
/// naive line of the same scenario and threads already in `done`; print each line.
fn run_all(done: &mut Vec<Value>, names: &[&str]) {
    for name in names {
        let mut v = spawn(name);
        if v["config"].as_str().is_some_and(|n| n.starts_with("engine")) {
            let same = |n: &&Value| {
                n["config"].as_str().is_some_and(|c| c.starts_with("naive"))
                    && ["subjects", "rules", "steps", "step", "threads"].iter().all(|k| n[k] == v[k])
            };
            if let Some(n) = done.iter().find(same) {
                v["speedup_vs_naive"] = json!(f(n, "median_s") / f(&v, "median_s"));
            }
        }
        println!("{v}");
        done.push(v);
    }
}

fn find<'a>(lines: &'a [Value], name: &str) -> &'a Value {
    lines.iter().find(|v| v["config"] == name).unwrap_or_else(|| panic!("no result for `{name}`"))
}

/// Small sizes only, with relative checks: the engine is deterministic across
/// 1 and 2 threads and faster than the naive baseline.
fn quick() {
    let mut lines = Vec::new();
    let names = ["naive_1e4", "engine_1e4", "engine_1e4_t1", "naive_1e5", "engine_1e5", "engine_1e5_t1"];
    run_all(&mut lines, &names);
    for size in ["1e4", "1e5"] {
        let (e, e1, n) = (
            find(&lines, &format!("engine_{size}")),
            find(&lines, &format!("engine_{size}_t1")),
            find(&lines, &format!("naive_{size}")),
        );
        assert_eq!(e["checksum"], e1["checksum"], "engine at {size}: 1 and 2 threads differ");
        assert!(f(e, "median_s") < f(n, "median_s"), "engine at {size} is not faster than naive");
    }
    eprintln!("quick: engine identical on 1 and 2 threads, and faster than naive, at 10^4 and 10^5");
}

/// Every configuration, then the derived ratios.
fn full() {
    // the naive baseline first, so engine lines can carry speedups
    let mut all = Vec::new();
    run_all(&mut all, &["naive_1e5"]);
    let estimate_1e6 = 10.0 * f(&all[0], "median_s");
    if estimate_1e6 < 60.0 {
        let name = if 3.0 * estimate_1e6 < 120.0 { "naive_1e6_x3" } else { "naive_1e6" };
        run_all(&mut all, &[name]);
    } else {
        eprintln!("naive at 10^6 skipped: estimated {estimate_1e6:.0} s");
    }
    let engine = [
        "engine_1e4",
        "engine_1e5",
        "engine_1e6",
        "engine_1e6_t1",
        "engine_1e6_r50",
        "engine_1e6_weekly",
        "engine_1e7",
    ];
    run_all(&mut all, &engine);
    let t = |name: &str| f(find(&all, name), "median_s");
    let rss = |name: &str| f(find(&all, name), "peak_rss_mib");
    let s = reference(10_000_000, 20, StepUnit::Day, 365);
    let ratios = json!({
        "config": "ratios",
        "threads_2_over_1_speedup": t("engine_1e6_t1") / t("engine_1e6"),
        "rules50_over_rules20_time": t("engine_1e6_r50") / t("engine_1e6"),
        "weekly_over_daily_time": t("engine_1e6_weekly") / t("engine_1e6"),
        "rss_bytes_per_subject_1e6_to_1e7":
            (rss("engine_1e7") - rss("engine_1e6")) * 1048576.0 / 9_000_000.0,
        "estimate_memory_mib_1e7_2_threads":
            pointsim::budget::estimate(&pointsim::budget::Job::run(&s, 2)).bytes as f64 / 1048576.0,
    });
    println!("{ratios}");
}

/// What a mechanic costs when it never acts: the reference workload with and
/// without an inert list (identical results, asserted), as CPU time on one
/// thread; then the throughput of `scenarios/national_blacklist.toml` at 10^6.
fn mechanics() {
    let mut lines = Vec::new();
    run_all(&mut lines, &["engine_3e5_t1", "engine_3e5_t1_inert_list", "national_blacklist_1e6"]);
    let (plain, inert) = (find(&lines, "engine_3e5_t1"), find(&lines, "engine_3e5_t1_inert_list"));
    assert_eq!(plain["checksum"], inert["checksum"], "an inert list changed the final scores");
    let ratio = json!({
        "config": "ratios",
        "inert_list_over_plain_cpu": f(inert, "cpu_s_per_run") / f(plain, "cpu_s_per_run"),
        "inert_list_over_plain_median": f(inert, "median_s") / f(plain, "median_s"),
        "national_blacklist_1e6_subjects_per_s": 1e6 / f(find(&lines, "national_blacklist_1e6"), "median_s"),
    });
    println!("{ratio}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg_after = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    if let Some(name) = arg_after("--child") {
        child(name);
    } else if args.iter().any(|a| a == "--dump-workload") {
        let subjects = arg_after("--dump-workload").and_then(|n| n.parse().ok()).unwrap_or(10_000);
        let s = reference(subjects, 20, StepUnit::Day, 365);
        println!("{}", serde_json::to_string_pretty(&s).expect("scenario as JSON"));
    } else if args.iter().any(|a| a == "--full") {
        full();
    } else if args.iter().any(|a| a == "--mechanics") {
        mechanics();
    } else {
        quick();
    }
}
