//! Baseline against reform with common random numbers: runs the replicate
//! pairs and reduces them to a [`Comparison`] (metric differences, tier
//! transitions, perk and restriction changes, and both final score
//! distributions; the type lives in [`results`](crate::results)).
//!
//! Replicate `r` runs the base and the reform with the same seed
//! ([`replicate_seed`]), so subject `i` draws from the same random streams in
//! both. Where the two scenarios give a subject the same event rates, it
//! sees exactly the same events, and any difference in its outcome is caused
//! by the reform, not by chance. Per-subject comparisons (its final tier in
//! the base against in the reform) are therefore meaningful, and the paired
//! differences of a metric have far less noise than two independent runs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::batch::seeds::replicate_seed;
use crate::output::text::thousands;
use crate::population::Population;
use crate::results::comparison::{
    Comparison, Distribution, Holding, HoldingChange, LEVEL, MetricComparison, TierThreshold,
};
use crate::results::interval::interval;
use crate::results::metrics::metrics_at;
use crate::results::timeline::{self, RunSeries, Timeline, run_series};
use crate::scenario::Scenario;

/// Why two scenarios cannot be compared subject by subject: what differs,
/// in a sentence.
pub fn comparable(base: &Scenario, reform: &Scenario) -> Result<(), String> {
    if base.population != reform.population {
        return Err(format!(
            "the base has {} subjects and the reform {}; a comparison needs the same population",
            thousands(base.population),
            thousands(reform.population)
        ));
    }
    let names = |s: &Scenario| s.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>();
    if names(base) != names(reform) {
        let list = |v: Vec<String>| v.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        return Err(format!(
            "the groups differ: the base has {} and the reform {}; a comparison needs the same groups in the same order",
            list(names(base)),
            list(names(reform))
        ));
    }
    let kind_of = |s: &Scenario| s.groups.iter().map(|g| s.kinds[g.kind].name.clone()).collect::<Vec<_>>();
    if kind_of(base) != kind_of(reform) {
        return Err(
            "the groups' kinds differ; a comparison needs the same kinds of subject in each group".to_owned()
        );
    }
    // households may differ: they group the same numbered subjects, so "what
    // if listings passed to households" is a reform like any other
    let (a, b) = (Population::new(base), Population::new(reform));
    for ((g, x), y) in base.groups.iter().zip(&a.sizes).zip(&b.sizes) {
        if x != y {
            return Err(format!(
                "group `{}` has {} subjects in the base and {} in the reform (its `share` differs); \
                 a comparison needs the same group sizes",
                g.name,
                thousands(*x),
                thousands(*y)
            ));
        }
    }
    Ok(())
}

/// Run `replicates` pairs of simulations with common random numbers and
/// compare them. `progress` receives the number of subjects finished, in
/// chunks (`2 × replicates × population` in all).
///
/// # Errors
///
/// What differs, when the scenarios are not [`comparable`].
///
/// Runs on the current rayon pool: replicates side by side for populations
/// up to [`PARALLEL_REPLICATES_BELOW`], one after the other above.
///
/// # Reproducibility
///
/// A pure function of the two scenarios, `seed`, `replicates` and the
/// pointsim version, whatever the number of threads: replicate `r` uses
/// `replicate_seed(seed, r)` for both scenarios, and replicates are
/// combined in order.
pub fn compare(
    base: &Scenario,
    reform: &Scenario,
    seed: u64,
    replicates: u32,
    min_cell: u32,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Comparison, String> {
    let never = AtomicBool::new(false);
    let done = compare_until(base, reform, seed, replicates, min_cell, progress, &never)?;
    Ok(done.map(|(c, _)| c).unwrap_or_else(|| unreachable!("a comparison nobody stops finishes")))
}

/// [`compare`] that also gives the [`Timeline`] (both sides at every
/// snapshot) and gives up once `stop` is set: it looks at `stop` before each
/// replicate and the engine looks between chunks of subjects, and a stopped
/// comparison returns `Ok(None)`. Unstopped, its comparison is exactly
/// [`compare`]'s.
///
/// # Errors
///
/// As [`compare`].
pub fn compare_until(
    base: &Scenario,
    reform: &Scenario,
    seed: u64,
    replicates: u32,
    min_cell: u32,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<(Comparison, Timeline)>, String> {
    comparable(base, reform)?;
    let parallel = base.population <= PARALLEL_REPLICATES_BELOW;
    Ok(run(base, reform, (seed, replicates, min_cell), parallel, (progress, stop)))
}

/// [`compare`] of comparable scenarios, replicates side by side or not.
fn run(
    base: &Scenario,
    reform: &Scenario,
    (seed, replicates, min_cell): (u64, u32, u32),
    parallel: bool,
    (progress, stop): (&(dyn Fn(u64) + Sync), &AtomicBool),
) -> Option<(Comparison, Timeline)> {
    use rayon::prelude::*;
    let population = Population::new(base);
    let mut groups = vec!["all".to_owned()];
    let mut group_sizes = vec![base.population];
    let mut suppressed = Vec::new();
    // each group's row in the per-group tables, `None` when hidden
    let mut slot = vec![None; base.groups.len()];
    // a scenario without groups has one implicit group `all`, which would only repeat everyone
    if crate::results::has_groups(base) {
        let hidden = crate::results::suppress::suppress(&population.sizes, u64::from(min_cell));
        for (g, group) in base.groups.iter().enumerate() {
            if hidden[g].is_some() {
                suppressed.push(group.name.clone());
            } else {
                slot[g] = Some(groups.len());
                groups.push(group.name.clone());
                group_sizes.push(population.sizes[g]);
            }
        }
    }
    let items = holding_items(base, reform);
    let width = i64::from(base.report.bin_width.max(1));
    let ctx = Ctx {
        base,
        reform,
        population: &population,
        slot: &slot,
        groups: groups.len(),
        items: &items,
        width,
        min_cell,
    };
    let seeds: Vec<u64> = (0..replicates).map(|r| replicate_seed(seed, u64::from(r))).collect();
    // Small populations fill one engine chunk or a few, which leaves cores
    // idle: run their replicates side by side. Each replicate's result is a
    // pure function of its seed, and they are combined in replicate order,
    // so the outcome is the same either way.
    let reps: Vec<Replicate> = if parallel {
        seeds.par_iter().map(|&s| ctx.replicate(s, progress, stop)).collect::<Option<_>>()?
    } else {
        seeds.iter().map(|&s| ctx.replicate(s, progress, stop)).collect::<Option<_>>()?
    };
    let timeline = timeline::combine(&reps.iter().map(|r| r.series.clone()).collect::<Vec<_>>());

    let mut transitions = vec![vec![vec![0u64; reform.tiers.len()]; base.tiers.len()]; groups.len()];
    let mut score_change = vec![[0u64; 3]; groups.len()];
    let mut holdings = vec![vec![Holding::default(); groups.len()]; items.len()];
    let mut bins: BTreeMap<i64, [u64; 2]> = BTreeMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut values: Vec<[Vec<f64>; 2]> = Vec::new();
    for (r, rep) in reps.into_iter().enumerate() {
        for (side, ms) in rep.metrics.into_iter().enumerate() {
            for m in ms {
                let k = match names.iter().position(|n| *n == m.name) {
                    Some(k) => k,
                    None => {
                        names.push(m.name);
                        values.push([vec![f64::NAN; r], vec![f64::NAN; r]]);
                        names.len() - 1
                    }
                };
                values[k][side].push(m.value);
            }
        }
        // metrics one side lacks are undefined there in this replicate
        for v in &mut values {
            for side in v.iter_mut() {
                side.resize(r + 1, f64::NAN);
            }
        }
        for (total, part) in
            transitions.iter_mut().flatten().flatten().zip(rep.transitions.iter().flatten().flatten())
        {
            *total += part;
        }
        for (total, part) in score_change.iter_mut().flatten().zip(rep.score_change.iter().flatten()) {
            *total += part;
        }
        for (total, part) in holdings.iter_mut().flatten().zip(rep.holdings.iter().flatten()) {
            total.both += part.both;
            total.lost += part.lost;
            total.gained += part.gained;
            total.n += part.n;
        }
        for (k, [x, y]) in rep.bins {
            let cell = bins.entry(k).or_default();
            cell[0] += x;
            cell[1] += y;
        }
    }
    let metrics = names
        .into_iter()
        .zip(values)
        .map(|(name, [base_values, reform_values])| {
            let diffs: Vec<f64> = base_values.iter().zip(&reform_values).map(|(a, b)| b - a).collect();
            MetricComparison {
                name,
                base: interval(&base_values, LEVEL),
                reform: interval(&reform_values, LEVEL),
                diff: interval(&diffs, LEVEL),
                base_values,
                reform_values,
            }
        })
        .collect();
    let distribution = match (bins.keys().next(), bins.keys().next_back()) {
        (Some(&first), Some(&last)) => {
            let cells = (first..=last).map(|k| bins.get(&k).copied().unwrap_or_default());
            let (b, r): (Vec<u64>, Vec<u64>) = cells.map(|[x, y]| (x, y)).unzip();
            Distribution { bin_width: width as u32, lo: first * width, base: b, reform: r }
        }
        _ => Distribution { bin_width: width as u32, lo: 0, base: vec![], reform: vec![] },
    };
    let c = Comparison {
        seed,
        seeds,
        groups,
        suppressed,
        group_sizes,
        metrics,
        base_tiers: base.tiers.iter().map(|t| t.name.clone()).collect(),
        reform_tiers: reform.tiers.iter().map(|t| t.name.clone()).collect(),
        base_thresholds: TierThreshold::of(base),
        reform_thresholds: TierThreshold::of(reform),
        transitions,
        score_change,
        holdings: items
            .into_iter()
            .zip(holdings)
            .map(|(item, by_group)| HoldingChange { kind: item.kind, id: item.id, by_group })
            .collect(),
        distribution,
    };
    Some((c, timeline))
}

/// Populations up to this size run their replicates in parallel (and each
/// run on its own); larger ones run replicates one after the other, each
/// run parallel inside, so memory stays that of one pair of runs.
pub const PARALLEL_REPLICATES_BELOW: u64 = 100_000;

/// What one side (`s`, the base or the reform) of a comparison of
/// `replicates` replicates on `threads` threads holds at once, for
/// [`budget::check`](crate::budget::check): every replicate holds the base's
/// and the reform's run, and replicates run side by side (up to one per
/// thread) up to [`PARALLEL_REPLICATES_BELOW`] subjects.
pub fn budget_job(s: &Scenario, threads: usize, replicates: u32) -> crate::budget::Job<'_> {
    let parallel = s.population <= PARALLEL_REPLICATES_BELOW;
    let at_once = if parallel { threads.min(replicates as usize).max(1) } else { 1 };
    crate::budget::Job { concurrent_runs: 2 * at_once, ..crate::budget::Job::run(s, threads) }
}

/// What every replicate needs.
struct Ctx<'a> {
    base: &'a Scenario,
    reform: &'a Scenario,
    population: &'a Population,
    /// Each group's row in the per-group tables (`None`: hidden, or no groups).
    slot: &'a [Option<usize>],
    groups: usize,
    items: &'a [Item],
    width: i64,
    /// Small-cell suppression threshold for the metrics.
    min_cell: u32,
}

/// One replicate's counts, combined later in replicate order.
struct Replicate {
    metrics: [Vec<crate::results::metrics::Metric>; 2],
    transitions: Vec<Vec<Vec<u64>>>,
    score_change: Vec<[u64; 3]>,
    holdings: Vec<Vec<Holding>>,
    bins: BTreeMap<i64, [u64; 2]>,
    /// The base's and the reform's numbers at every snapshot.
    series: [RunSeries; 2],
}

impl Ctx<'_> {
    /// Run both scenarios with seed `s` and compare them subject by subject
    /// (`None` when `stop` is set before or during it).
    fn replicate(&self, s: u64, progress: &(dyn Fn(u64) + Sync), stop: &AtomicBool) -> Option<Replicate> {
        let (base, reform) = (self.base, self.reform);
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let a = crate::simulate_until(base, s, progress, stop)?;
        let b = crate::simulate_until(reform, s, progress, stop)?;
        let mut rep = Replicate {
            series: [run_series(base, &a.summary), run_series(reform, &b.summary)],
            metrics: [
                metrics_at(base, &a.summary, self.min_cell),
                metrics_at(reform, &b.summary, self.min_cell),
            ],
            transitions: vec![vec![vec![0; reform.tiers.len()]; base.tiers.len()]; self.groups],
            score_change: vec![[0; 3]; self.groups],
            holdings: vec![vec![Holding::default(); self.groups]; self.items.len()],
            bins: BTreeMap::new(),
        };
        for (i, (&x, &y)) in a.output.final_scores.iter().zip(&b.output.final_scores).enumerate() {
            let slot = self.slot[self.population.group_of(i as u64)];
            let both = [0, slot.unwrap_or(0)];
            let counted: &[usize] = if slot.is_some() { &both } else { &both[..1] };
            // final tiers and holdings with the rules in force at the end
            let (ti, tj) = (base.at_end().tier_of(x), reform.at_end().tier_of(y));
            let change = usize::from(y >= x) + usize::from(y > x);
            for &gg in counted {
                rep.transitions[gg][ti][tj] += 1;
                rep.score_change[gg][change] += 1;
            }
            let kind = base.groups[self.population.group_of(i as u64)].kind;
            let (lx, ly) = (lists_on(base, &a, i as u64), lists_on(reform, &b, i as u64));
            for (k, item) in self.items.iter().enumerate() {
                let (hx, hy) = (
                    item.held(base.at_end(), kind, x, &lx, true),
                    item.held(reform.at_end(), kind, y, &ly, false),
                );
                for &gg in counted {
                    let h = &mut rep.holdings[k][gg];
                    h.n += 1;
                    match (hx, hy) {
                        (true, true) => h.both += 1,
                        (true, false) => h.lost += 1,
                        (false, true) => h.gained += 1,
                        (false, false) => {}
                    }
                }
            }
            rep.bins.entry(x.div_euclid(self.width)).or_default()[0] += 1;
            rep.bins.entry(y.div_euclid(self.width)).or_default()[1] += 1;
        }
        Some(rep)
    }
}

/// The lists subject `i` is on at the end of `run` of `s`, indexed like `s.lists`.
fn lists_on(s: &Scenario, run: &crate::Simulation, i: u64) -> Vec<bool> {
    let mask = run.output.totals.mech.as_ref().map_or(0, |m| m.lists_of(i));
    (0..s.lists.len()).map(|l| mask >> l & 1 == 1).collect()
}

/// A perk or restriction to follow, with its position in each scenario.
struct Item {
    kind: &'static str,
    id: String,
    in_base: Option<usize>,
    in_reform: Option<usize>,
}

impl Item {
    /// Whether a subject of kind `kind` with final `score`, on the lists
    /// `on`, holds it in `s` (the base when `is_base`): lists' joint
    /// sanctions and rewards count as in the run.
    fn held(&self, s: &Scenario, kind: usize, score: i64, on: &[bool], is_base: bool) -> bool {
        let Some(k) = (if is_base { self.in_base } else { self.in_reform }) else { return false };
        if self.kind == "perk" {
            s.holds_perk(k, kind, score, on)
        } else {
            s.under_restriction(k, kind, score, on)
        }
    }
}

/// The perks, then the restrictions, of the base and then of the reform only.
fn holding_items(base: &Scenario, reform: &Scenario) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let perks = |s: &Scenario| s.perks.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
    let restrictions = |s: &Scenario| s.restrictions.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    for (kind, a, b) in
        [("perk", perks(base), perks(reform)), ("restriction", restrictions(base), restrictions(reform))]
    {
        for id in a.iter().chain(b.iter().filter(|id| !a.contains(id))) {
            out.push(Item {
                kind,
                id: id.clone(),
                in_base: a.iter().position(|x| x == id),
                in_reform: b.iter().position(|x| x == id),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
[scenario]
name = "c"
steps = 12
step = "month"
[score]
start = 100
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 105
[population]
size = 300
[[population.group]]
name = "a"
share = 0.5
[[population.group]]
name = "b"
share = 0.5
[[rule]]
id = "up"
points = 5
rate = 1.0
[[rule]]
id = "down"
points = -5
rate = 1.0
[[perk]]
id = "p"
min_tier = "high"
"#;

    fn parse(text: &str) -> Scenario {
        crate::scenario::parse(text, "c.toml").unwrap().scenario
    }

    #[test]
    fn a_scenario_against_itself_changes_nothing() {
        let s = parse(TEXT);
        let c = compare(&s, &s, 9, 3, 10, &|_| {}).unwrap();
        assert_eq!(c.replicates(), 3);
        for m in &c.metrics {
            assert_eq!(m.base_values, m.reform_values, "{}", m.name);
            if m.diff.n > 1 {
                assert_eq!((m.diff.mean, m.diff.lo, m.diff.hi), (0.0, 0.0, 0.0), "{}", m.name);
            }
        }
        let t = &c.transitions[0];
        assert_eq!(t[0][1] + t[1][0], 0, "identity transition matrix");
        assert_eq!(t[0][0] + t[1][1], 900);
        assert_eq!(c.moved(0), Some([0, 900, 0]));
        assert_eq!(c.score_change[0], [0, 900, 0]);
        assert_eq!(c.holdings[0].by_group[0].gained + c.holdings[0].by_group[0].lost, 0);
        assert_eq!(c.distribution.base, c.distribution.reform);
        assert_eq!(c.distribution.base.iter().sum::<u64>(), 900);
    }

    #[test]
    fn different_tiers_and_items_are_compared_by_name() {
        let s = parse(TEXT);
        let text = TEXT
            .replace("name = \"high\"\nmin = 105", "name = \"top\"\nmin = 105")
            .replace("min_tier = \"high\"", "min_tier = \"top\"")
            + "[[restriction]]\nid = \"r\"\nmax_score = 95\n";
        let other = parse(&text);
        let c = compare(&s, &other, 1, 2, 10, &|_| {}).unwrap();
        assert!(!c.same_tiers());
        assert_eq!(c.moved(0), None, "no up or down between different tiers");
        let get = |name: &str| c.metrics.iter().find(|m| m.name == name).unwrap();
        assert!(get("tier_share.high").reform.mean.is_nan() && get("tier_share.high").diff.n == 0);
        assert!(get("tier_share.top").base.mean.is_nan());
        // the same events and the same cut-off: `high` in the base is `top` in the reform
        assert_eq!(get("tier_share.high").base_values, get("tier_share.top").reform_values);
        let kinds: Vec<(&str, &str)> = c.holdings.iter().map(|h| (h.kind, h.id.as_str())).collect();
        assert_eq!(kinds, [("perk", "p"), ("restriction", "r")]);
        let r = c.holdings[1].by_group[0];
        assert_eq!((r.both, r.lost), (0, 0), "the base has no restriction `r`");
        assert_eq!(r.n, 600);
    }

    #[test]
    fn replicates_side_by_side_or_in_turn_give_the_same_result() {
        let s = parse(TEXT);
        let other = parse(&TEXT.replace("points = 5\nrate = 1.0", "points = 7\nrate = 1.0"));
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let never = AtomicBool::new(false);
        let together = pool.install(|| run(&s, &other, (4, 5, 10), true, (&|_| {}, &never))).unwrap();
        let in_turn = run(&s, &other, (4, 5, 10), false, (&|_| {}, &never)).unwrap();
        assert_eq!(together, in_turn);
        assert!(together.0.metrics[0].diff.mean > 0.0, "the change shows");
    }

    #[test]
    fn a_stopped_comparison_gives_nothing_and_an_unstopped_one_the_same_as_compare() {
        let s = parse(TEXT);
        let other = parse(&TEXT.replace("points = 5\nrate = 1.0", "points = 7\nrate = 1.0"));
        let stop = AtomicBool::new(false);
        let (c, t) = compare_until(&s, &other, 4, 3, 10, &|_| {}, &stop).unwrap().unwrap();
        assert_eq!(c, compare(&s, &other, 4, 3, 10, &|_| {}).unwrap());
        // the time series end where compare.json's numbers are, exactly
        assert_eq!(t.steps, (0..=12).collect::<Vec<u32>>());
        for series in &t.series {
            let m = c.metrics.iter().find(|m| m.name == series.name).unwrap();
            assert_eq!(series.base.last(), Some(&m.base.mean), "{}", m.name);
            assert_eq!(series.reform.last(), Some(&m.reform.mean), "{}", m.name);
        }
        let names: Vec<&str> = t.series.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(
            names,
            ["score.mean", "tier_share.high", "tier_share.low", "perk_share.p"],
            "tiers highest first, as the metrics"
        );
        assert_eq!(t.series[0].base[0], 100.0, "everyone starts at 100");
        // stopped from the progress callback during the first replicate: the next ones do not run
        let runs = std::sync::atomic::AtomicU64::new(0);
        let progress = |_| {
            runs.fetch_add(1, Ordering::SeqCst);
            stop.store(true, Ordering::SeqCst);
        };
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let stopped = pool.install(|| compare_until(&s, &other, 4, 50, 10, &progress, &stop)).unwrap();
        assert!(stopped.is_none());
        assert!(runs.load(Ordering::SeqCst) < 50, "the replicates after the stop did not run");
    }

    #[test]
    fn group_sizes_must_match() {
        let s = parse(TEXT);
        let other = parse(&TEXT.replace("size = 300", "size = 301"));
        assert!(comparable(&s, &other).unwrap_err().contains("300 subjects and the reform 301"));
        let shares = parse(&TEXT.replace(
            "share = 0.5\n[[population.group]]\nname = \"b\"\nshare = 0.5",
            "share = 0.4\n[[population.group]]\nname = \"b\"\nshare = 0.6",
        ));
        assert!(
            comparable(&s, &shares).unwrap_err().contains("group `a` has 150 subjects in the base and 120")
        );
        let renamed = parse(&TEXT.replace("name = \"b\"", "name = \"c\""));
        assert!(comparable(&s, &renamed).unwrap_err().contains("the groups differ"));
    }
}
