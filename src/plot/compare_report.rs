//! `compare.html`: one self-contained page (inline CSS and SVG, no scripts,
//! no network) describing a comparison, rendered from a [`Comparison`] with
//! an auto-escaping minijinja template (`compare.html.j2`).

use minijinja::Environment;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::Chart;
use crate::output::text::{percent, thousands};
use crate::output::{CompareInfo, shell_quote};
use crate::results::comparison::Comparison;

const TEMPLATE: &str = include_str!("compare.html.j2");
const TEMPLATE_NAME: &str = "compare.html.j2";

#[derive(Serialize)]
struct Context {
    version: &'static str,
    base_name: String,
    reform_name: String,
    facts: Vec<(String, String)>,
    replicates: usize,
    metrics: Vec<Row>,
    group_metrics: Vec<Row>,
    moved: bool,
    reform_tiers: Vec<String>,
    transitions: Vec<Matrix>,
    access: Vec<Access>,
    chart: Option<ChartCtx>,
    command: String,
    files: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Row {
    name: String,
    base: String,
    reform: String,
    diff: String,
    ci: String,
}

#[derive(Serialize)]
struct Matrix {
    group: String,
    moved: Option<String>,
    rows: Vec<MatrixRow>,
}

#[derive(Serialize)]
struct MatrixRow {
    tier: String,
    cells: Vec<Cell>,
}

#[derive(Serialize)]
struct Cell {
    text: String,
    class: &'static str,
}

#[derive(Serialize)]
struct Access {
    kind: &'static str,
    id: String,
    group: String,
    held_base: String,
    held_reform: String,
    gained: String,
    lost: String,
}

#[derive(Serialize)]
struct ChartCtx {
    svg: String,
    caption: String,
}

/// The HTML page of a comparison: both scenarios' names and files, an
/// honest-use statement, every metric's base and reform means with the
/// paired difference and its 95% interval, the tier transition matrices
/// (everyone and each group), perk and restriction gains and losses by group,
/// the chart if given, and the command that reproduces it.
///
/// Scenario text is HTML-escaped; only the chart's SVG (pointsim's own
/// output) is inserted as is. The page loads nothing and runs no script, and
/// the same arguments give the same bytes.
pub fn compare_html(c: &Comparison, info: &CompareInfo, chart: Option<&Chart>) -> String {
    let env = Environment::new();
    let tmpl = env.template_from_named_str(TEMPLATE_NAME, TEMPLATE).expect("the compare template is valid");
    let mut html = tmpl
        .render(Value::from(Serde(context(c, info, chart))))
        .expect("the compare context matches the template");
    html.push('\n');
    html
}

/// A metric value for the page: shares as percentages, others with one decimal.
fn value(x: f64, share: bool) -> String {
    match (x.is_nan(), share) {
        (true, _) => "–".into(),
        (false, true) => percent(x),
        (false, false) => crate::output::text::one_decimal(x),
    }
}

/// A difference: percentage points for shares.
fn delta(x: f64, share: bool) -> String {
    match (x.is_nan(), share) {
        (true, _) => "–".into(),
        (false, true) => format!("{:+.2} pp", 100.0 * x).replace("+0.00", "0.00").replace("-0.00", "0.00"),
        (false, false) => format!("{x:+.2}").replace("+0.00", "0.00").replace("-0.00", "0.00"),
    }
}

/// The command that reproduces the page, as a user types it: the program is
/// `pointsim` (on PATH after `cargo install --path .`) whatever path ran it
/// (`target/release/pointsim`, `cargo run`'s), then the arguments, quoted
/// for a POSIX shell where they need it.
fn reproduce(argv: &[String]) -> String {
    let mut words = vec!["pointsim".to_owned()];
    words.extend(argv.iter().skip(1).map(|w| shell_quote(w)));
    words.join(" ")
}

fn context(c: &Comparison, info: &CompareInfo, chart: Option<&Chart>) -> Context {
    let reps = c.replicates() as u64;
    let rows = |group: bool| -> Vec<Row> {
        c.metrics
            .iter()
            .filter(|m| m.name.starts_with("group.") == group)
            .map(|m| {
                let share = m.name.contains("share");
                Row {
                    name: m.name.clone(),
                    base: value(m.base.mean, share),
                    reform: value(m.reform.mean, share),
                    diff: delta(m.diff.mean, share),
                    ci: if m.diff.lo.is_nan() {
                        "–".into()
                    } else {
                        format!("{} to {}", delta(m.diff.lo, share), delta(m.diff.hi, share))
                    },
                }
            })
            .collect()
    };
    let nb = c.base_tiers.len();
    let nr = c.reform_tiers.len();
    let transitions = (0..c.groups.len())
        .map(|g| {
            let n = c.group_sizes[g] * reps;
            let share = |k: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
            let rows = (0..nb)
                .rev()
                .map(|i| MatrixRow {
                    tier: c.base_tiers[i].clone(),
                    cells: (0..nr)
                        .rev()
                        .map(|j| {
                            let k = c.transitions[g][i][j];
                            let class = match (c.same_tiers(), j.cmp(&i)) {
                                (true, std::cmp::Ordering::Equal) => "diag",
                                (true, std::cmp::Ordering::Greater) if k > 0 => "up",
                                (true, std::cmp::Ordering::Less) if k > 0 => "down",
                                _ => "",
                            };
                            Cell { text: percent(share(k)), class }
                        })
                        .collect(),
                })
                .collect();
            let moved = c.moved(g).map(|[down, _, up]| {
                format!("{} move up, {} move down", percent(share(up)), percent(share(down)))
            });
            let group = format!("{} ({} subjects)", c.groups[g], thousands(c.group_sizes[g]));
            Matrix { group, moved, rows }
        })
        .collect();
    let mut access = Vec::new();
    for h in &c.holdings {
        for (group, x) in c.groups.iter().zip(&h.by_group) {
            let s = |k: u64| if x.n == 0 { "–".to_owned() } else { percent(k as f64 / x.n as f64) };
            access.push(Access {
                kind: h.kind,
                id: h.id.clone(),
                group: group.clone(),
                held_base: s(x.both + x.lost),
                held_reform: s(x.both + x.gained),
                gained: s(x.gained),
                lost: s(x.lost),
            });
        }
    }
    let chain = |v: &[crate::scenario::ChainFile]| {
        v.iter().map(|f| f.file.as_str()).collect::<Vec<_>>().join(" ⟵ extends ")
    };
    let facts = vec![
        ("Base".to_owned(), format!("{} ({})", info.base_name, chain(&info.base_chain))),
        ("Reform".to_owned(), format!("{} ({})", info.reform_name, chain(&info.reform_chain))),
        ("Subjects".to_owned(), thousands(c.group_sizes[0])),
        ("Replicates".to_owned(), c.replicates().to_string()),
        ("Seed".to_owned(), c.seed.to_string()),
    ];
    let mut files = Vec::new();
    for f in info.base_chain.iter().chain(&info.reform_chain) {
        if !files.iter().any(|(name, _): &(String, String)| *name == f.file) {
            files.push((f.file.clone(), format!("sha256 {}", f.sha256)));
        }
    }
    Context {
        version: env!("CARGO_PKG_VERSION"),
        base_name: info.base_name.clone(),
        reform_name: info.reform_name.clone(),
        facts,
        replicates: c.replicates(),
        metrics: rows(false),
        group_metrics: rows(true),
        moved: c.same_tiers(),
        reform_tiers: c.reform_tiers.iter().rev().cloned().collect(),
        transitions,
        access,
        chart: chart.map(|ch| ChartCtx { svg: ch.svg.clone(), caption: ch.caption.clone() }),
        command: reproduce(&info.command_line),
        files,
    }
}
