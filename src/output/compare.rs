//! The files of `pointsim compare`: `compare.json`, `compare.csv`,
//! `transitions.csv` and `access_changes.csv`, from a finished [`Comparison`].

use serde::Serialize;

use super::{Ordered, csv_float, to_pretty_json};
use crate::results::comparison::{Comparison, LEVEL};
use crate::scenario::ChainFile;

/// What the comparison's files record besides the numbers: where the two
/// scenarios came from and the command that ran it.
#[derive(Debug, Clone, PartialEq)]
pub struct CompareInfo {
    /// The base scenario's name (`scenario.name`).
    pub base_name: String,
    /// The base scenario's files: the given file first, then any it extends.
    pub base_chain: Vec<ChainFile>,
    /// The reform scenario's name.
    pub reform_name: String,
    /// The reform scenario's files.
    pub reform_chain: Vec<ChainFile>,
    /// `--population` and `--steps` given for both, if any.
    pub overrides: crate::Overrides,
    /// The exact argv, program name first.
    pub command_line: Vec<String>,
}

/// A share `count / n`, `NaN` for an empty group.
fn share(count: u64, n: u64) -> f64 {
    if n == 0 { f64::NAN } else { count as f64 / n as f64 }
}

/// A CSV field for a float: empty when undefined.
fn field(x: f64) -> String {
    if x.is_finite() { csv_float(x) } else { String::new() }
}

/// `compare.json`: everything about the comparison, pretty-printed.
///
/// Keys, in order: `pointsim_version`, `base{name, chain[{file, sha256}]}`,
/// `reform{...}`, `seed`, `replicates`, `seeds`, `level` (0.95),
/// `overrides`, `groups{<name>: size}` (`all` first), `suppressed` (groups
/// left out of every per-group figure by small-cell suppression at the
/// default threshold; their metrics are `null`), `metrics[{name,
/// base_mean, reform_mean, diff_mean, diff_sd, diff_ci_lo, diff_ci_hi,
/// replicates}]`, `transitions{base_tiers, reform_tiers, by_group{<group>:
/// [[subjects]]}}` (rows are base tiers, columns reform tiers, highest
/// first; subject-replicates summed over replicates), `moved{<group>: {up,
/// same, down}}` (shares; `null` when the tiers differ),
/// `score_change{<group>: {higher, same, lower}}` (shares),
/// `access[{kind, id, by_group{<group>: {held_base, held_reform, gained,
/// lost}}}]` (shares), `distribution{bin_width, lo, base, reform}` (pooled
/// final scores per bin), `command{argv}`. Undefined numbers are `null`.
///
/// # Reproducibility
///
/// A pure function of its arguments (no timestamps).
pub fn compare_json(c: &Comparison, info: &CompareInfo) -> Vec<u8> {
    let groups = || c.groups.iter().enumerate();
    let n = |g: usize| c.group_sizes[g] * c.replicates() as u64;
    let high_first = |v: &[String]| v.iter().rev().cloned().collect::<Vec<_>>();
    let metrics: Vec<MetricRow> = c
        .metrics
        .iter()
        .map(|m| MetricRow {
            name: &m.name,
            base_mean: m.base.mean,
            reform_mean: m.reform.mean,
            diff_mean: m.diff.mean,
            diff_sd: m.diff.sd,
            diff_ci_lo: m.diff.lo,
            diff_ci_hi: m.diff.hi,
            replicates: m.diff.n,
        })
        .collect();
    let matrix = |g: usize| -> Vec<Vec<u64>> {
        c.transitions[g].iter().rev().map(|row| row.iter().rev().copied().collect()).collect()
    };
    let moved = c.same_tiers().then(|| {
        per_group(c, |g| {
            let [down, same, up] = c.moved(g).unwrap_or_default();
            ordered(&[("up", share(up, n(g))), ("same", share(same, n(g))), ("down", share(down, n(g)))])
        })
    });
    let access: Vec<AccessRow> = c
        .holdings
        .iter()
        .map(|h| {
            let groups = per_group(c, |g| {
                let x = h.by_group[g];
                ordered(&[
                    ("held_base", share(x.both + x.lost, x.n)),
                    ("held_reform", share(x.both + x.gained, x.n)),
                    ("gained", share(x.gained, x.n)),
                    ("lost", share(x.lost, x.n)),
                ])
            });
            AccessRow { kind: h.kind, id: &h.id, by_group: groups }
        })
        .collect();
    let doc = Doc {
        pointsim_version: env!("CARGO_PKG_VERSION"),
        base: Side { name: &info.base_name, chain: &info.base_chain },
        reform: Side { name: &info.reform_name, chain: &info.reform_chain },
        seed: c.seed,
        replicates: c.replicates(),
        seeds: &c.seeds,
        level: LEVEL,
        overrides: &info.overrides,
        groups: Ordered(groups().map(|(g, name)| (name.as_str(), c.group_sizes[g])).collect()),
        suppressed: &c.suppressed,
        metrics,
        transitions: Transitions {
            base_tiers: high_first(&c.base_tiers),
            reform_tiers: high_first(&c.reform_tiers),
            by_group: per_group(c, matrix),
        },
        moved,
        score_change: per_group(c, |g| {
            let [lower, same, higher] = c.score_change[g];
            ordered(&[
                ("higher", share(higher, n(g))),
                ("same", share(same, n(g))),
                ("lower", share(lower, n(g))),
            ])
        }),
        access,
        distribution: Dist {
            bin_width: c.distribution.bin_width,
            lo: c.distribution.lo,
            base: &c.distribution.base,
            reform: &c.distribution.reform,
        },
        command: Command { argv: &info.command_line },
    };
    to_pretty_json(&doc)
}

/// A JSON object of numbers with keys in the given order (`NaN` as `null`).
fn ordered(pairs: &[(&'static str, f64)]) -> Ordered<'static, f64> {
    Ordered(pairs.to_vec())
}

/// A JSON object with one value per group (`all` first), in group order.
fn per_group<V>(c: &Comparison, f: impl Fn(usize) -> V) -> Ordered<'_, V> {
    Ordered(c.groups.iter().enumerate().map(|(g, name)| (name.as_str(), f(g))).collect())
}

#[derive(Serialize)]
struct MetricRow<'a> {
    name: &'a str,
    base_mean: f64,
    reform_mean: f64,
    diff_mean: f64,
    diff_sd: f64,
    diff_ci_lo: f64,
    diff_ci_hi: f64,
    replicates: usize,
}

#[derive(Serialize)]
struct AccessRow<'a> {
    kind: &'static str,
    id: &'a str,
    by_group: Ordered<'a, Ordered<'static, f64>>,
}

#[derive(Serialize)]
struct Transitions<'a> {
    base_tiers: Vec<String>,
    reform_tiers: Vec<String>,
    by_group: Ordered<'a, Vec<Vec<u64>>>,
}

#[derive(Serialize)]
struct Dist<'a> {
    bin_width: u32,
    lo: i64,
    base: &'a [u64],
    reform: &'a [u64],
}

#[derive(Serialize)]
struct Command<'a> {
    argv: &'a [String],
}

#[derive(Serialize)]
struct Side<'a> {
    name: &'a str,
    chain: &'a [ChainFile],
}

#[derive(Serialize)]
struct Doc<'a> {
    pointsim_version: &'static str,
    base: Side<'a>,
    reform: Side<'a>,
    seed: u64,
    replicates: usize,
    seeds: &'a [u64],
    level: f64,
    overrides: &'a crate::Overrides,
    groups: Ordered<'a, u64>,
    suppressed: &'a [String],
    metrics: Vec<MetricRow<'a>>,
    transitions: Transitions<'a>,
    moved: Option<Ordered<'a, Ordered<'static, f64>>>,
    score_change: Ordered<'a, Ordered<'static, f64>>,
    access: Vec<AccessRow<'a>>,
    distribution: Dist<'a>,
    command: Command<'a>,
}

/// `compare.csv`: one row per metric.
///
/// Columns: `metric,base_mean,reform_mean,diff_mean,diff_ci_lo,diff_ci_hi,replicates`.
/// `diff_*` describe the paired differences reform − base over the
/// replicates, with a 95% Student-t interval; `replicates` counts the
/// replicates where both sides define the metric. Undefined values are empty.
pub fn compare_csv(c: &Comparison) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "metric",
        "base_mean",
        "reform_mean",
        "diff_mean",
        "diff_ci_lo",
        "diff_ci_hi",
        "replicates",
    ])
    .expect("writing to memory");
    for m in &c.metrics {
        w.write_record([
            super::csv_text(&m.name),
            field(m.base.mean),
            field(m.reform.mean),
            field(m.diff.mean),
            field(m.diff.lo),
            field(m.diff.hi),
            m.diff.n.to_string(),
        ])
        .expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// `transitions.csv`: the tier transition matrix, tidy.
///
/// Columns: `group,base_tier,reform_tier,subjects,share`: subject-replicates
/// of the group that end in `base_tier` in the base and `reform_tier` in the
/// reform (summed over replicates), and their share of the group. Every cell
/// is listed, highest tiers first, `all` first.
pub fn transitions_csv(c: &Comparison) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["group", "base_tier", "reform_tier", "subjects", "share"]).expect("writing to memory");
    let reps = c.replicates() as u64;
    for (g, group) in c.groups.iter().enumerate() {
        for i in (0..c.base_tiers.len()).rev() {
            for j in (0..c.reform_tiers.len()).rev() {
                let k = c.transitions[g][i][j];
                w.write_record([
                    super::csv_text(group),
                    super::csv_text(&c.base_tiers[i]),
                    super::csv_text(&c.reform_tiers[j]),
                    k.to_string(),
                    field(share(k, c.group_sizes[g] * reps)),
                ])
                .expect("writing to memory");
            }
        }
    }
    w.into_inner().expect("writing to memory")
}

/// `access_changes.csv`: who gains and who loses each perk and restriction.
///
/// Columns: `kind,id,group,held_base,held_reform,gained,lost`, shares of the
/// group's subjects: holding it at the end of the base run, of the reform
/// run, in the reform only, in the base only.
pub fn access_changes_csv(c: &Comparison) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["kind", "id", "group", "held_base", "held_reform", "gained", "lost"])
        .expect("writing to memory");
    for h in &c.holdings {
        for (group, x) in c.groups.iter().zip(&h.by_group) {
            w.write_record([
                h.kind.to_owned(),
                h.id.clone(),
                super::csv_text(group),
                field(share(x.both + x.lost, x.n)),
                field(share(x.both + x.gained, x.n)),
                field(share(x.gained, x.n)),
                field(share(x.lost, x.n)),
            ])
            .expect("writing to memory");
        }
    }
    w.into_inner().expect("writing to memory")
}
