//! The files of `pointsim compare`: `compare.json`, `compare.csv`,
//! `transitions.csv` and `access_changes.csv`, from a finished [`Comparison`].

use serde::Serialize;

use super::{Ordered, csv_float, to_pretty_json};
use crate::results::comparison::{Comparison, LEVEL, TierThreshold};
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
/// Keys, in order: `pointsim_version`, `base{name, chain[{file, sha256}],
/// tiers[{name, label, min}]}` (the tier thresholds, highest first),
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
        base: Side { name: &info.base_name, chain: &info.base_chain, tiers: tier_rows(&c.base_thresholds) },
        reform: Side {
            name: &info.reform_name,
            chain: &info.reform_chain,
            tiers: tier_rows(&c.reform_thresholds),
        },
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

/// A side's tier thresholds as written, highest first.
fn tier_rows(t: &[TierThreshold]) -> Vec<TierRow<'_>> {
    t.iter().rev().map(|t| TierRow { name: &t.name, label: &t.label, min: t.min }).collect()
}

#[derive(Serialize)]
struct TierRow<'a> {
    name: &'a str,
    label: &'a str,
    min: i64,
}

#[derive(Serialize)]
struct Side<'a> {
    name: &'a str,
    chain: &'a [ChainFile],
    tiers: Vec<TierRow<'a>>,
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
/// Columns: `kind,id,group,held_base_share,held_reform_share,gained_share,lost_share`, shares of the
/// group's subjects: holding it at the end of the base run, of the reform
/// run, in the reform only, in the base only.
pub fn access_changes_csv(c: &Comparison) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "kind",
        "id",
        "group",
        "held_base_share",
        "held_reform_share",
        "gained_share",
        "lost_share",
    ])
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

/// Read back what [`compare_json`] wrote: enough of the [`Comparison`] and
/// its [`CompareInfo`] to draw the chart and the page again
/// ([`render_compare`](crate::plot::render_compare)), as `pointsim plot`
/// does for a compare folder.
///
/// The file holds the means and the paired differences' intervals but not
/// each replicate's values, so `base_values` and `reform_values` are empty
/// and the base's and the reform's intervals carry only their mean (and
/// the count of the difference). Perk and transition counts are recovered
/// from their shares of the group.
///
/// # Errors
///
/// A message naming the key that is missing or not in the shape
/// [`compare_json`] writes.
pub fn compare_from_json(bytes: &[u8]) -> Result<(Comparison, CompareInfo), String> {
    use crate::results::comparison::{Distribution, Holding, HoldingChange, MetricComparison};
    use crate::results::interval::Interval;
    use serde_json::Value;

    let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let missing = |key: &str| format!("`{key}` is missing or not what `pointsim compare` writes");
    let text = |v: &Value, key: &str| v.as_str().map(str::to_owned).ok_or_else(|| missing(key));
    let uint = |v: &Value, key: &str| v.as_u64().ok_or_else(|| missing(key));
    // undefined numbers are written as null
    let num = |v: &Value, key: &str| {
        if v.is_null() { Ok(f64::NAN) } else { v.as_f64().ok_or_else(|| missing(key)) }
    };
    let array = |v: &Value, key: &str| v.as_array().cloned().ok_or_else(|| missing(key));
    let object = |v: &Value, key: &str| v.as_object().cloned().ok_or_else(|| missing(key));
    let strings = |v: &Value, key: &str| -> Result<Vec<String>, String> {
        array(v, key)?.iter().map(|s| text(s, key)).collect()
    };
    let uints = |v: &Value, key: &str| -> Result<Vec<u64>, String> {
        array(v, key)?.iter().map(|s| uint(s, key)).collect()
    };
    let chain = |v: &Value, key: &str| -> Result<Vec<ChainFile>, String> {
        array(v, key)?
            .iter()
            .map(|f| Ok(ChainFile { file: text(&f["file"], key)?, sha256: text(&f["sha256"], key)? }))
            .collect()
    };

    let seeds = uints(&doc["seeds"], "seeds")?;
    let reps = seeds.len() as u64;
    // `groups` in file order (`all` first), which a `Value`'s map does not keep
    let GroupsDoc { groups: InOrder(pairs) } =
        serde_json::from_slice(bytes).map_err(|_| missing("groups"))?;
    let (groups, group_sizes): (Vec<String>, Vec<u64>) = pairs.into_iter().unzip();
    if groups.is_empty() {
        return Err(missing("groups"));
    }
    // a share of the group's subject-replicates back to a count
    let count = |share: f64, g: usize| -> u64 {
        if share.is_finite() { (share * (group_sizes[g] * reps) as f64).round() as u64 } else { 0 }
    };
    let per_group = |v: &Value, key: &str| -> Result<Vec<Value>, String> {
        let o = object(v, key)?;
        groups.iter().map(|g| o.get(g).cloned().ok_or_else(|| missing(&format!("{key}.{g}")))).collect()
    };

    let mean_only = |mean: f64, n: usize| Interval { n, mean, sd: f64::NAN, lo: f64::NAN, hi: f64::NAN };
    let metrics = array(&doc["metrics"], "metrics")?
        .iter()
        .map(|m| {
            let n = uint(&m["replicates"], "metrics.replicates")? as usize;
            Ok(MetricComparison {
                name: text(&m["name"], "metrics.name")?,
                base_values: Vec::new(),
                reform_values: Vec::new(),
                base: mean_only(num(&m["base_mean"], "metrics.base_mean")?, n),
                reform: mean_only(num(&m["reform_mean"], "metrics.reform_mean")?, n),
                diff: Interval {
                    n,
                    mean: num(&m["diff_mean"], "metrics.diff_mean")?,
                    sd: num(&m["diff_sd"], "metrics.diff_sd")?,
                    lo: num(&m["diff_ci_lo"], "metrics.diff_ci_lo")?,
                    hi: num(&m["diff_ci_hi"], "metrics.diff_ci_hi")?,
                },
            })
        })
        .collect::<Result<Vec<_>, String>>()?;

    let t = &doc["transitions"];
    let low_first = |v: Vec<String>| v.into_iter().rev().collect::<Vec<_>>();
    let base_tiers = low_first(strings(&t["base_tiers"], "transitions.base_tiers")?);
    let reform_tiers = low_first(strings(&t["reform_tiers"], "transitions.reform_tiers")?);
    // `tiers` came later: a file without them gives no thresholds (no bands on the chart)
    let thresholds = |key: &str| -> Result<Vec<TierThreshold>, String> {
        let v = &doc[key]["tiers"];
        if v.is_null() {
            return Ok(Vec::new());
        }
        let what = format!("{key}.tiers");
        let mut rows = array(v, &what)?
            .iter()
            .map(|t| {
                Ok(TierThreshold {
                    name: text(&t["name"], &what)?,
                    label: text(&t["label"], &what)?,
                    min: t["min"].as_i64().ok_or_else(|| missing(&what))?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        rows.reverse();
        let tiers = if key == "base" { &base_tiers } else { &reform_tiers };
        let named = rows.iter().map(|t| &t.name).eq(tiers.iter());
        if named { Ok(rows) } else { Err(missing(&what)) }
    };
    let (base_thresholds, reform_thresholds) = (thresholds("base")?, thresholds("reform")?);
    let transitions = per_group(&t["by_group"], "transitions.by_group")?
        .iter()
        .map(|m| {
            let mut rows = array(m, "transitions.by_group")?
                .iter()
                .map(|row| {
                    let mut row = uints(row, "transitions.by_group")?;
                    row.reverse();
                    (row.len() == reform_tiers.len())
                        .then_some(row)
                        .ok_or_else(|| missing("transitions.by_group"))
                })
                .collect::<Result<Vec<_>, String>>()?;
            rows.reverse();
            (rows.len() == base_tiers.len()).then_some(rows).ok_or_else(|| missing("transitions.by_group"))
        })
        .collect::<Result<Vec<_>, String>>()?;

    let score_change = per_group(&doc["score_change"], "score_change")?
        .iter()
        .enumerate()
        .map(|(g, s)| {
            let k = |key: &str| Ok::<_, String>(count(num(&s[key], "score_change")?, g));
            Ok([k("lower")?, k("same")?, k("higher")?])
        })
        .collect::<Result<Vec<_>, String>>()?;

    let holdings = array(&doc["access"], "access")?
        .iter()
        .map(|a| {
            let kind = match a["kind"].as_str() {
                Some("perk") => "perk",
                Some("restriction") => "restriction",
                _ => return Err(missing("access.kind")),
            };
            let by_group = per_group(&a["by_group"], "access.by_group")?
                .iter()
                .enumerate()
                .map(|(g, x)| {
                    let k = |key: &str| Ok::<_, String>(count(num(&x[key], "access.by_group")?, g));
                    let (lost, gained) = (k("lost")?, k("gained")?);
                    let both = k("held_base")?.saturating_sub(lost);
                    Ok(Holding { both, lost, gained, n: group_sizes[g] * reps })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(HoldingChange { kind, id: text(&a["id"], "access.id")?, by_group })
        })
        .collect::<Result<Vec<_>, String>>()?;

    let d = &doc["distribution"];
    let distribution = Distribution {
        bin_width: u32::try_from(uint(&d["bin_width"], "distribution.bin_width")?)
            .map_err(|_| missing("distribution.bin_width"))?,
        lo: d["lo"].as_i64().ok_or_else(|| missing("distribution.lo"))?,
        base: uints(&d["base"], "distribution.base")?,
        reform: uints(&d["reform"], "distribution.reform")?,
    };
    let o = &doc["overrides"];
    let opt = |key: &str| if o[key].is_null() { Ok(None) } else { uint(&o[key], "overrides").map(Some) };
    let overrides = crate::Overrides {
        seed: opt("seed")?,
        population: opt("population")?,
        steps: opt("steps")?.map(|s| u32::try_from(s).map_err(|_| missing("overrides.steps"))).transpose()?,
    };
    let info = CompareInfo {
        base_name: text(&doc["base"]["name"], "base.name")?,
        base_chain: chain(&doc["base"]["chain"], "base.chain")?,
        reform_name: text(&doc["reform"]["name"], "reform.name")?,
        reform_chain: chain(&doc["reform"]["chain"], "reform.chain")?,
        overrides,
        command_line: strings(&doc["command"]["argv"], "command.argv")?,
    };
    let c = Comparison {
        seed: uint(&doc["seed"], "seed")?,
        seeds,
        groups,
        suppressed: strings(&doc["suppressed"], "suppressed")?,
        group_sizes,
        metrics,
        base_tiers,
        reform_tiers,
        base_thresholds,
        reform_thresholds,
        transitions,
        score_change,
        holdings,
        distribution,
    };
    Ok((c, info))
}

/// The `groups` of a compare.json, read in file order.
#[derive(serde::Deserialize)]
struct GroupsDoc {
    groups: InOrder,
}

/// A JSON object of whole numbers as its pairs, in file order.
struct InOrder(Vec<(String, u64)>);

impl<'de> serde::Deserialize<'de> for InOrder {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> serde::de::Visitor<'de> for Pairs {
            type Value = InOrder;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of group sizes")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<InOrder, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<String, u64>()? {
                    pairs.push(pair);
                }
                Ok(InOrder(pairs))
            }
        }
        de.deserialize_map(Pairs)
    }
}
