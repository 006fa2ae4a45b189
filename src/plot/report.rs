//! `report.html`: one self-contained page (inline CSS and SVG, no scripts,
//! no network) describing a finished run, rendered from [`RunData`] with an
//! auto-escaping minijinja template (`report.html.j2`).
//!
//! Every piece of scenario text reaches the page through the template's HTML
//! escaping; only the charts' SVG (pointsim's own output) is inserted as is.

mod mechanics;

use minijinja::Environment;
use minijinja::value::Kwargs;
use minijinja::value::{Serde, Value};
use serde::Serialize;

use super::locale::Lang;
use super::{Chart, RunData, StepRow};
use crate::output::text::{percent, thousands};
use crate::results::has_groups;
use crate::scenario::{MaxThreshold, MinThreshold, Provenance, Scenario};

/// The template; its name ends in `.html.j2`, which turns on HTML auto-escaping.
const TEMPLATE: &str = include_str!("report.html.j2");
const TEMPLATE_NAME: &str = "report.html.j2";

/// The HTML report of a finished run, as one self-contained page.
///
/// The page holds the scenario's name, description and sources; a statement
/// that the population is synthetic; the final tier shares, perk access and
/// restrictions, and the share on each list, for everyone and each group
/// (groups hidden by small-cell suppression marked so, with a note saying
/// why); with lists, a table with a column per list (colour, on it at the end and ever,
/// listings, wrongful and inherited listings, wrongly listed at the end,
/// time listed in the step unit); with wrongful records, the appeals filed
/// and won per rule; with declared kinds, the same figures per kind (hidden
/// kinds marked, with the reason from `suppression.kinds`); the four-fifths
/// disparity ratios of each perk and restriction per group (with at least
/// two groups) with their 95% intervals, flagged only when the whole interval
/// is below 0.8 (summary.json's rule); the tier mobility matrix (start tier to
/// end tier); the time to recover after a first negative record; events and
/// points by record category and agency; tables of the rules, tiers,
/// perks, restrictions and groups with their sources (or an "assumed"
/// badge); every chart in `charts`, in order, as a figure with its caption;
/// and what reproduces the run (command, seed, version, scenario hash).
///
/// Scenario text is HTML-escaped. Links appear only in the sources list, and
/// only for `http://` and `https://` URLs. The page loads nothing and runs no
/// script. The output is a pure function of the arguments (no timestamps), so
/// the same run gives the same bytes.
///
/// # Example
///
/// ```no_run
/// # use std::path::Path;
/// use pointsim::plot::{RunData, report_html};
/// let data = RunData::load(Path::new("output")).expect("a finished run");
/// let html = report_html(&data, &[]);
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// ```
pub fn report_html(data: &RunData, charts: &[Chart]) -> String {
    report_html_in(data, charts, Lang::En)
}

/// [`report_html`] with the report's own words (headings, explanations,
/// table headers) in `lang`; the scenario's text, the numbers and the
/// identifiers are the same in every language, and so are the charts.
pub fn report_html_in(data: &RunData, charts: &[Chart], lang: Lang) -> String {
    let mut env = Environment::new();
    env.add_filter("breakable", breakable);
    // escaped here rather than by auto-escaping, which would also turn `/` into `&#x2f;`
    env.add_function("t", move |en: String, values: Kwargs| -> Result<Value, minijinja::Error> {
        let mut pairs = vec![];
        for k in values.args() {
            pairs.push((k.to_owned(), values.get::<Value>(k)?.to_string()));
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Ok(Value::from_safe_string(escape(&lang.fill(&en, &pairs), false)))
    });
    // our own words with markup (never scenario text): inserted as HTML
    env.add_function("th", move |en: String| Value::from_safe_string(lang.tr(&en).to_owned()));
    let tmpl = env.template_from_named_str(TEMPLATE_NAME, TEMPLATE).expect("the report template is valid");
    let mut html = tmpl
        .render(Value::from(Serde(context(data, charts, lang))))
        .expect("the report context matches the template");
    html.push('\n');
    html
}

/// The `breakable` filter: `s` HTML-escaped, with a line-break opportunity
/// (`<wbr>`) after each `_`, so a column headed `advantaged_not_consenting`
/// wraps at its underscores instead of widening the table past the page.
fn breakable(s: &str) -> Value {
    Value::from_safe_string(escape(s, true))
}

/// `s` with `&`, `<`, `>` and quotes escaped for HTML text and attributes,
/// and with `<wbr>` after each `_` if `wbr`.
fn escape(s: &str, wbr: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '_' if wbr => out.push_str("_<wbr>"),
            c => out.push(c),
        }
    }
    out
}

/// Everything the template shows, already formatted.
#[derive(Serialize)]
struct Context {
    /// `<html lang>`: `en` or `zh-CN`.
    lang: &'static str,
    name: String,
    description: String,
    sources: Vec<Vec<Segment>>,
    facts: Vec<(String, String)>,
    columns: Vec<String>,
    subjects: Vec<String>,
    means: Vec<String>,
    headline: Vec<Section>,
    suppression: Option<SuppressionNote>,
    disparity: Option<DisparityTable>,
    mobility: Option<MobilityTable>,
    mechanics: Option<mechanics::Mechanics>,
    rules: Vec<RuleRow>,
    tiers: Vec<TierRow>,
    perks: Vec<ThresholdRow>,
    restrictions: Vec<ThresholdRow>,
    groups: Vec<GroupRow>,
    assumptions: Vec<(String, Vec<String>)>,
    changes: Vec<ChangeRow>,
    charts: Vec<ChartItem>,
    reproduce: Reproduce,
}

/// What small-cell suppression hid, for the note under the results.
#[derive(Serialize)]
struct SuppressionNote {
    min_cell: String,
    primary: Vec<String>,
    complementary: Vec<String>,
    mobility_rows: Vec<String>,
}

/// Four-fifths ratios: one row per perk and restriction, one cell per group.
#[derive(Serialize)]
struct DisparityTable {
    groups: Vec<String>,
    rows: Vec<DisparityRow>,
    flagged: usize,
}

/// One perk or restriction of the disparity table.
#[derive(Serialize)]
struct DisparityRow {
    kind: &'static str,
    label: String,
    id: String,
    cells: Vec<RatioCell>,
}

/// One ratio, formatted, and whether it is below 0.8.
#[derive(Serialize)]
struct RatioCell {
    text: String,
    flagged: bool,
}

/// The tier mobility matrix: start tier (rows) to end tier (columns), highest first.
#[derive(Serialize)]
struct MobilityTable {
    tiers: Vec<String>,
    rows: Vec<MobilityRow>,
    /// Shares of everyone above and below their start tier (`None`: suppressed or not recorded).
    up: Option<String>,
    down: Option<String>,
}

/// Where the subjects who started in one tier ended up.
#[derive(Serialize)]
struct MobilityRow {
    tier: String,
    total: String,
    /// `count (row %)` per end tier; `stay` marks the diagonal.
    cells: Vec<(String, bool)>,
}

/// A run of source text, or an `http(s)` URL to link.
#[derive(Serialize)]
struct Segment {
    text: String,
    url: Option<String>,
}

/// A block of rows of the headline table (tiers, perks or restrictions).
#[derive(Serialize)]
struct Section {
    title: &'static str,
    rows: Vec<HeadRow>,
}

/// One row of the headline table: a tier, perk or restriction, one cell per column.
#[derive(Serialize)]
struct HeadRow {
    label: String,
    id: String,
    cells: Vec<String>,
}

/// One row of the rules table.
#[derive(Serialize)]
struct RuleRow {
    id: String,
    label: String,
    description: String,
    points: String,
    rate: String,
    by_tier: String,
    cap: String,
    prov: Provenance,
}

/// One row of the tiers table (`from` and `range` already formatted).
#[derive(Serialize)]
struct TierRow {
    name: String,
    label: String,
    from: String,
    range: String,
    prov: Provenance,
}

/// One row of the perks or restrictions table; `who` says who it applies to.
#[derive(Serialize)]
struct ThresholdRow {
    id: String,
    label: String,
    description: String,
    who: String,
    prov: Provenance,
}

/// One row of the groups table; `multipliers` lists only those other than 1.
#[derive(Serialize)]
struct GroupRow {
    name: String,
    description: String,
    share: String,
    size: String,
    multipliers: Vec<String>,
    prov: Provenance,
}

/// One dated change (`[[change]]`): when, what it is called, what it sets.
#[derive(Serialize)]
struct ChangeRow {
    /// `month 24`.
    at: String,
    label: String,
    set: Vec<String>,
    prov: Provenance,
}

/// A chart as the template shows it: SVG without its XML prolog.
#[derive(Serialize)]
struct ChartItem {
    name: String,
    title: String,
    caption: String,
    svg: String,
}

/// What reproduces the run.
#[derive(Serialize)]
struct Reproduce {
    command: String,
    seed: u64,
    version: String,
    file: String,
    sha256: String,
}

/// Format everything the template needs; the template only lays it out.
fn context(data: &RunData, charts: &[Chart], lang: Lang) -> Context {
    let s = &data.scenario;
    let finals = data.final_rows();
    let size = |g: &str| finals.iter().find(|r| r.group == g).map(|r| r.n);
    // everyone, then each group of the scenario's own; `None`: suppressed
    let mut cols: Vec<(String, Option<&StepRow>)> =
        finals.iter().filter(|r| r.group == "all").map(|r| ("everyone".to_owned(), Some(*r))).collect();
    if has_groups(s) {
        for g in &s.groups {
            if data.is_suppressed(&g.name) {
                cols.push((g.name.clone(), None));
            } else if let Some(r) = finals.iter().find(|r| r.group == g.name) {
                cols.push((g.name.clone(), Some(*r)));
            }
        }
    }
    Context {
        name: s.report.title.clone().unwrap_or_else(|| s.name.clone()),
        description: s.description.clone(),
        sources: s.sources.iter().map(|t| segments(t)).collect(),
        lang: lang.tag(),
        facts: facts(data, size("all"), lang),
        columns: cols.iter().map(|(name, _)| name.clone()).collect(),
        subjects: cols.iter().map(|(_, r)| r.map_or(SUPPRESSED.into(), |r| thousands(r.n))).collect(),
        means: cols
            .iter()
            .map(|(_, r)| match r {
                None => SUPPRESSED.into(),
                Some(r) => r.mean.map_or("-".into(), crate::output::text::one_decimal),
            })
            .collect(),
        headline: headline(s, &cols),
        suppression: suppression_note(data),
        disparity: disparity_table(data),
        mobility: mobility_table(data),
        mechanics: Some(mechanics::mechanics(data)).filter(mechanics::Mechanics::any),
        rules: s.rules.iter().map(|r| rule_row(s, r)).collect(),
        tiers: tier_rows(s),
        perks: s
            .perks
            .iter()
            .map(|p| ThresholdRow {
                id: p.id.clone(),
                label: p.label.clone(),
                description: p.description.clone(),
                who: match p.threshold {
                    MinThreshold::Tier(k) => format!("tier {} or higher", s.tiers[k].name),
                    MinThreshold::Score(x) => format!("score ≥ {x}"),
                    MinThreshold::Never => "only through a list".to_owned(),
                },
                prov: p.provenance.clone(),
            })
            .collect(),
        restrictions: s
            .restrictions
            .iter()
            .map(|r| ThresholdRow {
                id: r.id.clone(),
                label: r.label.clone(),
                description: r.description.clone(),
                who: match r.threshold {
                    MaxThreshold::Tier(k) => format!("tier {} or lower", s.tiers[k].name),
                    MaxThreshold::Score(x) => format!("score ≤ {x}"),
                    MaxThreshold::Never => "only through a list".to_owned(),
                },
                prov: r.provenance.clone(),
            })
            .collect(),
        groups: if has_groups(s) {
            s.groups
                .iter()
                .map(|g| GroupRow {
                    name: g.name.clone(),
                    description: g.description.clone(),
                    share: percent(g.share),
                    size: if data.is_suppressed(&g.name) {
                        SUPPRESSED.into()
                    } else {
                        size(&g.name).map_or("-".into(), thousands)
                    },
                    multipliers: g
                        .rate_multiplier
                        .iter()
                        .zip(&s.rules)
                        .filter(|(m, _)| **m != 1.0)
                        .map(|(m, r)| format!("{} × {m}", r.id))
                        .collect(),
                    prov: g.provenance.clone(),
                })
                .collect()
        } else {
            vec![]
        },
        assumptions: assumptions(s),
        changes: s
            .changes
            .iter()
            .map(|c| ChangeRow {
                at: format!("{} {}", s.step.as_str(), c.at),
                label: c.label.clone(),
                set: c.set.clone(),
                prov: c.provenance.clone(),
            })
            .collect(),
        charts: charts
            .iter()
            .map(|c| ChartItem {
                name: c.name.clone(),
                title: c.title.clone(),
                caption: c.caption.clone(),
                svg: strip_prolog(&c.svg).to_owned(),
            })
            .collect(),
        reproduce: Reproduce {
            command: data.reproduce.clone(),
            seed: data.seed,
            version: data.version.clone(),
            file: data.scenario_file.clone(),
            sha256: data.scenario_sha256.clone(),
        },
    }
}

/// The run at a glance: population, horizon, score range, recovery.
fn facts(data: &RunData, population: Option<u64>, lang: Lang) -> Vec<(String, String)> {
    let s = &data.scenario;
    let unit = s.step.as_str();
    let plural = if s.steps == 1 { "" } else { "s" };
    // the unit in the plural, for the Chinese words (天, 周, 月, 年)
    let units = lang.tr(match s.step.as_str() {
        "day" => "days",
        "week" => "weeks",
        "month" => "months",
        _ => "years",
    });
    let unit_in = |plural: &str| if lang == Lang::En { format!("{unit}{plural}") } else { units.to_owned() };
    let years = f64::from(s.steps) * s.step.years();
    let mut facts = vec![
        (
            "Population".into(),
            lang.fill("{n} synthetic subjects", &[("n", &thousands(population.unwrap_or(s.population)))]),
        ),
        (
            "Simulated time".into(),
            lang.fill(
                "{steps} {unit} ({years} years)",
                &[
                    ("steps", &s.steps.to_string()),
                    ("unit", &unit_in(plural)),
                    ("years", &format!("{years:.1}")),
                ],
            ),
        ),
    ];
    let clamp = match (s.score.min, s.score.max) {
        (Some(lo), Some(hi)) => {
            lang.fill(", kept within {lo}–{hi}", &[("lo", &lo.to_string()), ("hi", &hi.to_string())])
        }
        (Some(lo), None) => lang.fill(", never below {lo}", &[("lo", &lo.to_string())]),
        (None, Some(hi)) => lang.fill(", never above {hi}", &[("hi", &hi.to_string())]),
        (None, None) => String::new(),
    };
    let start = lang.fill("everyone starts at {start}", &[("start", &s.score.start.to_string())]);
    facts.push(("Score".into(), format!("{start}{clamp}")));
    let mut recovery = vec![];
    if let Some(n) = s.recovery.restore_after {
        recovery.push(lang.fill(
            "lost points come back after {n} {unit} with no negative record",
            &[("n", &n.to_string()), ("unit", &unit_in("s"))],
        ));
    }
    if let Some(d) = s.recovery.drift {
        let per = if lang == Lang::En { unit.to_owned() } else { units.to_owned() };
        recovery.push(lang.fill(
            "scores drift {d} points per {unit} toward the start score",
            &[("d", &d.to_string()), ("unit", &per)],
        ));
    }
    if recovery.is_empty() {
        recovery.push(lang.tr("none: lost points never come back").to_owned());
    }
    facts.push(("Recovery".into(), recovery.join(lang.tr("; "))));
    facts
}

/// Tier shares, perk access and restrictions at the end, one cell per
/// column (`None`: a suppressed group).
fn headline(s: &Scenario, cols: &[(String, Option<&StepRow>)]) -> Vec<Section> {
    let cells = |f: &dyn Fn(&StepRow) -> f64| -> Vec<String> {
        cols.iter()
            .map(|(_, r)| match r {
                None => SUPPRESSED.to_string(),
                Some(r) if r.n == 0 => "-".to_string(),
                Some(r) => percent(f(r)),
            })
            .collect()
    };
    let tiers = (0..s.tiers.len())
        .rev()
        .map(|k| HeadRow {
            label: s.tiers[k].label.clone(),
            id: s.tiers[k].name.clone(),
            cells: cells(&|r| r.tier_count[k] as f64 / r.n.max(1) as f64),
        })
        .collect();
    let perks = s
        .perks
        .iter()
        .enumerate()
        .map(|(k, p)| HeadRow {
            label: p.label.clone(),
            id: p.id.clone(),
            cells: cells(&|r| r.perk_share[k]),
        })
        .collect();
    let restrictions = s
        .restrictions
        .iter()
        .enumerate()
        .map(|(k, x)| HeadRow {
            label: x.label.clone(),
            id: x.id.clone(),
            cells: cells(&|r| r.restriction_share[k]),
        })
        .collect();
    let mut sections = vec![Section { title: "Tier", rows: tiers }];
    if !s.perks.is_empty() {
        sections.push(Section { title: "Perk access", rows: perks });
    }
    if !s.restrictions.is_empty() {
        sections.push(Section { title: "Under restriction", rows: restrictions });
    }
    sections.extend(mechanics::on_list_section(s, cols));
    sections
}

/// The text of a suppressed cell.
const SUPPRESSED: &str = "suppressed";

/// Which groups and mobility rows suppression hid and why, from
/// `summary.json` (`None` when nothing is hidden).
fn suppression_note(data: &RunData) -> Option<SuppressionNote> {
    let sup = &data.summary["suppression"];
    let groups = sup["groups"].as_object()?;
    if groups.is_empty() {
        return None;
    }
    let with = |reason: &str| -> Vec<String> {
        data.scenario
            .groups
            .iter()
            .filter(|g| groups.get(&g.name).and_then(|r| r.as_str()) == Some(reason))
            .map(|g| g.name.clone())
            .collect()
    };
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array().map_or(vec![], |a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
    };
    Some(SuppressionNote {
        min_cell: sup["min_cell"].as_u64().map_or("?".into(), |k| k.to_string()),
        primary: with("primary"),
        complementary: with("complementary"),
        mobility_rows: names(&sup["mobility_rows"]),
    })
}

/// The four-fifths table from `summary.json`'s `disparity`: the scenario's
/// own groups as columns (empty groups `-`, suppressed ones so marked).
/// `None` without at least two groups or without perks and restrictions.
fn disparity_table(data: &RunData) -> Option<DisparityTable> {
    let s = &data.scenario;
    if !has_groups(s) || s.groups.len() < 2 || (s.perks.is_empty() && s.restrictions.is_empty()) {
        return None;
    }
    let items = s
        .perks
        .iter()
        .map(|p| ("perk", &p.label, &p.id))
        .chain(s.restrictions.iter().map(|r| ("restriction", &r.label, &r.id)));
    let mut flagged = 0;
    let rows = items
        .map(|(kind, label, id)| {
            let doc = &data.summary["disparity"][id];
            let ratio = &doc["ratio"];
            let flags: Vec<&str> =
                doc["flagged"].as_array().map_or(vec![], |a| a.iter().filter_map(|g| g.as_str()).collect());
            let not_applicable: Vec<&str> = doc["not_applicable"]
                .as_array()
                .map_or(vec![], |a| a.iter().filter_map(|g| g.as_str()).collect());
            let cells = s
                .groups
                .iter()
                .map(|g| {
                    if data.is_suppressed(&g.name) {
                        return RatioCell { text: SUPPRESSED.into(), flagged: false };
                    }
                    if not_applicable.contains(&g.name.as_str()) {
                        return RatioCell { text: "n/a".into(), flagged: false };
                    }
                    match ratio[&g.name].as_f64() {
                        Some(r) => {
                            // flagged by summary.json's rule: the whole interval below 0.8
                            let flag = flags.contains(&g.name.as_str());
                            flagged += usize::from(flag);
                            let interval = doc["interval"][&g.name].as_array().and_then(|iv| {
                                Some(format!(" [{:.2}, {:.2}]", iv.first()?.as_f64()?, iv.get(1)?.as_f64()?))
                            });
                            RatioCell {
                                text: format!("{r:.2}{}", interval.unwrap_or_default()),
                                flagged: flag,
                            }
                        }
                        None => RatioCell { text: "-".into(), flagged: false },
                    }
                })
                .collect();
            DisparityRow { kind, label: label.clone(), id: id.clone(), cells }
        })
        .collect();
    Some(DisparityTable { groups: s.groups.iter().map(|g| g.name.clone()).collect(), rows, flagged })
}

/// The mobility matrix from `summary.json`'s `mobility`, with the rows of
/// tiers nobody started in left out, and the overall shares that moved up
/// and down from the final `all` row of `steps.csv`.
fn mobility_table(data: &RunData) -> Option<MobilityTable> {
    let s = &data.scenario;
    let m = data.summary["mobility"].as_object()?;
    if s.tiers.len() < 2 {
        return None;
    }
    let tiers: Vec<&str> = s.tiers.iter().rev().map(|t| t.name.as_str()).collect();
    let rows: Vec<MobilityRow> = tiers
        .iter()
        .filter_map(|from| {
            let row = &m.get(*from)?;
            let counts: Vec<Option<u64>> = tiers.iter().map(|to| row[*to].as_u64()).collect();
            if counts.iter().all(Option::is_none) {
                let cells = tiers.iter().map(|to| (SUPPRESSED.to_owned(), to == from)).collect();
                return Some(MobilityRow { tier: (*from).to_owned(), total: SUPPRESSED.into(), cells });
            }
            let total: u64 = counts.iter().flatten().sum();
            if total == 0 {
                return None;
            }
            let cells = counts
                .iter()
                .zip(&tiers)
                .map(|(c, to)| {
                    let c = c.unwrap_or(0);
                    (format!("{} ({})", thousands(c), percent(c as f64 / total as f64)), to == from)
                })
                .collect();
            Some(MobilityRow { tier: (*from).to_owned(), total: thousands(total), cells })
        })
        .collect();
    let all = data.final_rows().into_iter().find(|r| r.group == "all")?;
    Some(MobilityTable {
        tiers: tiers.iter().map(|t| (*t).to_owned()).collect(),
        rows,
        up: all.tier_up.map(percent),
        down: all.tier_down.map(percent),
    })
}

/// A rule with its points signed and any per-tier rate multipliers spelled out.
fn rule_row(s: &Scenario, r: &crate::scenario::Rule) -> RuleRow {
    let by_tier = r
        .rate_by_tier
        .iter()
        .zip(&s.tiers)
        .rev()
        .filter(|(m, _)| **m != 1.0)
        .map(|(m, t)| format!("× {m} in tier {}", t.name))
        .collect::<Vec<_>>()
        .join(", ");
    RuleRow {
        id: r.id.clone(),
        label: r.label.clone(),
        description: r.description.clone(),
        points: format!("{:+}", r.points),
        rate: r.rate.to_string(),
        by_tier,
        cap: r.max_per_year.map_or("-".into(), |n| n.to_string()),
        prov: r.provenance.clone(),
    }
}

/// Tiers highest first, with the score range each one covers.
fn tier_rows(s: &Scenario) -> Vec<TierRow> {
    let n = s.tiers.len();
    (0..n)
        .rev()
        .map(|k| {
            let t = &s.tiers[k];
            let next = (k + 1 < n).then(|| s.tiers[k + 1].min - 1);
            let from = if k == 0 && t.min == i64::MIN { "-".to_string() } else { t.min.to_string() };
            let range = match (k, next) {
                (0, None) => "all scores".to_string(),
                (0, Some(hi)) => format!("≤ {hi}"),
                (_, None) => format!("≥ {}", t.min),
                (_, Some(hi)) if hi == t.min => t.min.to_string(),
                (_, Some(hi)) => format!("{}–{hi}", t.min),
            };
            TierRow { name: t.name.clone(), label: t.label.clone(), from, range, prov: t.provenance.clone() }
        })
        .collect()
}

/// Items marked `assumed = true`, by kind, in file order (tiers highest first).
fn assumptions(s: &Scenario) -> Vec<(String, Vec<String>)> {
    let list = [
        ("Tiers", s.tiers.iter().rev().filter(|t| t.provenance.assumed).map(|t| t.name.clone()).collect()),
        (
            "Groups",
            if has_groups(s) {
                s.groups.iter().filter(|g| g.provenance.assumed).map(|g| g.name.clone()).collect()
            } else {
                vec![]
            },
        ),
        ("Rules", s.rules.iter().filter(|r| r.provenance.assumed).map(|r| r.id.clone()).collect()),
        ("Perks", s.perks.iter().filter(|p| p.provenance.assumed).map(|p| p.id.clone()).collect()),
        (
            "Restrictions",
            s.restrictions.iter().filter(|r| r.provenance.assumed).map(|r| r.id.clone()).collect(),
        ),
    ];
    list.into_iter()
        .filter(|(_, v): &(&str, Vec<String>)| !v.is_empty())
        .map(|(k, v)| (k.into(), v))
        .collect()
}

/// Split a source into text and `http(s)` URLs (a URL runs to the next
/// whitespace, less trailing punctuation).
fn segments(text: &str) -> Vec<Segment> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(at) = find_url(rest) {
        let tail = &rest[at..];
        let end = url_len(tail);
        if at > 0 {
            out.push(Segment { text: rest[..at].to_owned(), url: None });
        }
        let url = &tail[..end];
        out.push(Segment { text: url.to_owned(), url: Some(url.to_owned()) });
        rest = &tail[end..];
    }
    if !rest.is_empty() {
        out.push(Segment { text: rest.to_owned(), url: None });
    }
    out
}

/// Length of the URL at the start of `text`: up to whitespace or a
/// character URLs cannot hold (`"<>` and the like), less trailing
/// punctuation and unbalanced closing brackets.
fn url_len(text: &str) -> usize {
    let stop = |c: char| c.is_whitespace() || c.is_control() || "\"<>`{}|\\^".contains(c);
    let mut url = &text[..text.find(stop).unwrap_or(text.len())];
    loop {
        let count = |c: char| url.matches(c).count();
        let trimmed = match url.chars().next_back() {
            Some('.' | ',' | ';' | ':' | '!' | '?' | '\'') => &url[..url.len() - 1],
            Some(')') if count(')') > count('(') => &url[..url.len() - 1],
            Some(']') if count(']') > count('[') => &url[..url.len() - 1],
            _ => break,
        };
        url = trimmed;
    }
    url.len()
}

/// Byte offset of the first `http://` or `https://` URL with something after the scheme.
fn find_url(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("http").map(|i| i + from) {
        let t = &text[i..];
        let starts_word = text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let scheme = ["https://", "http://"].into_iter().find(|p| t.starts_with(p));
        if let Some(p) = scheme
            && starts_word
            && t[p.len()..].chars().next().is_some_and(|c| !c.is_whitespace())
        {
            return Some(i);
        }
        from = i + 4;
    }
    None
}

/// The SVG element without an XML declaration or doctype before it.
fn strip_prolog(svg: &str) -> &str {
    let mut s = svg.trim_start();
    loop {
        if s.starts_with("<?") || s.starts_with("<!DOCTYPE") || s.starts_with("<!doctype") {
            match s.find('>') {
                Some(end) => s = s[end + 1..].trim_start(),
                None => return "",
            }
        } else {
            return s.trim_end();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_split_out_of_source_text() {
        let segs = segments("[S 1] Law: https://example.org/a?b=1. Also (http://x.cn/y) and httpx://no");
        let got: Vec<(&str, Option<&str>)> =
            segs.iter().map(|s| (s.text.as_str(), s.url.as_deref())).collect();
        assert_eq!(
            got,
            [
                ("[S 1] Law: ", None),
                ("https://example.org/a?b=1", Some("https://example.org/a?b=1")),
                (". Also (", None),
                ("http://x.cn/y", Some("http://x.cn/y")),
                (") and httpx://no", None),
            ]
        );
        assert!(segments("javascript:alert(1) ftp://x").iter().all(|s| s.url.is_none()));
        assert!(segments("nohttps://x.org").iter().all(|s| s.url.is_none()));
        assert!(segments("https:// spaced").iter().all(|s| s.url.is_none()));
        let url = |t: &str| segments(t).into_iter().find_map(|s| s.url);
        assert_eq!(
            url("https://en.wikipedia.org/wiki/Foo_(bar)."),
            Some("https://en.wikipedia.org/wiki/Foo_(bar)".into())
        );
        assert_eq!(url("<a href=\"https://e.org/x\">y</a>"), Some("https://e.org/x".into()));
        assert_eq!(url("https://e.org/中文/'"), Some("https://e.org/中文/".into()));
    }

    #[test]
    fn prolog_and_doctype_are_stripped() {
        let svg = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg viewBox=\"0 0 1 1\"></svg>\n";
        assert_eq!(strip_prolog(svg), "<svg viewBox=\"0 0 1 1\"></svg>");
        assert_eq!(strip_prolog("<svg/>"), "<svg/>");
    }

    #[test]
    fn percentages_keep_one_decimal_and_never_hide_a_nonzero_share() {
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(0.0003), "<0.1%");
        assert_eq!(percent(0.954665), "95.5%");
        assert_eq!(percent(0.99999), ">99.9%");
        assert_eq!(percent(1.0), "100.0%");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
