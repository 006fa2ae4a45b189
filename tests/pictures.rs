//! Pictures a class sees on a projector (issue 14): report tables that fit a
//! 1024 px page, and the report in Simplified Chinese (issue 11).

use std::time::{Duration, SystemTime};

use pointsim::output::{RunInfo, standard_files, write_all};
use pointsim::plot::{RunData, report_html};

/// Five groups with long underscored names: the results table of
/// `city_score_1000` that overflowed a 1024 px page.
const WIDE: &str = r#"
[scenario]
name = "wide"
steps = 3
step = "month"
[score]
start = 100
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 101
[population]
size = 500
[[population.group]]
name = "advantaged_consenting"
share = 0.2
[[population.group]]
name = "others_consenting"
share = 0.2
[[population.group]]
name = "advantaged_not_consenting"
share = 0.2
[[population.group]]
name = "others_not_consenting"
share = 0.2
[[population.group]]
name = "visitors_without_records"
share = 0.2
[[rule]]
id = "up"
points = 2
rate = 1.0
[[perk]]
id = "fast"
label = "Fast lane"
min_tier = "high"
"#;

/// Run `text` and read the folder back, as `pointsim plot DIR` does.
pub fn run(text: &str) -> (tempfile::TempDir, RunData) {
    run_seeded(text, 7)
}

/// [`run`] with a seed.
fn run_seeded(text: &str, seed: u64) -> (tempfile::TempDir, RunData) {
    let loaded = pointsim::scenario::parse(text, "wide.toml").expect("valid scenario");
    let s = loaded.scenario;
    let sim = pointsim::simulate(&s, seed, &|_| {});
    let info = RunInfo {
        scenario_sha256: loaded.source.sha256.clone(),
        command_line: vec!["pointsim".into(), "run".into(), "wide.toml".into()],
        wall_seconds: 0.1,
        started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1),
        ..crate::common::run_info("wide.toml", seed)
    };
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &standard_files(&s, &sim.summary, &info)).unwrap();
    let data = RunData::load(dir.path()).expect("the run reads back");
    (dir, data)
}

/// Every table sits in a horizontally scrolling wrapper, group names in
/// column headers may wrap at their underscores, headers wrap at all, and
/// narrow windows get tighter cells: what a 1024 px screenshot of
/// `city_score_1000` needed (`scripts/report-screenshot.sh` shows it).
#[test]
fn wide_tables_wrap_or_scroll_within_the_page() {
    let (_dir, data) = run(WIDE);
    let html = report_html(&data, &[]);
    let tables = html.matches("<table").count();
    assert!(tables >= 3, "{tables} tables");
    assert_eq!(
        html.matches("<div class=\"table-wrap\">\n<table").count(),
        tables,
        "a table outside .table-wrap"
    );
    assert!(html.contains(".table-wrap { overflow-x: auto;"), "the wrapper scrolls");
    assert!(html.contains("thead th, thead th.num { white-space: normal; }"), "headers may wrap");
    assert!(html.contains("@media (max-width: 1180px)"), "tighter cells below 1180 px");
    for g in ["advantaged_<wbr>not_<wbr>consenting", "visitors_<wbr>without_<wbr>records"] {
        assert!(html.contains(&format!(">{g}</th>")), "{g} is not breakable");
    }
    let heads: Vec<&str> =
        html.split("<thead>").skip(1).map(|t| t.split("</thead>").next().unwrap()).collect();
    assert!(heads.iter().all(|h| !h.contains(">advantaged_not_consenting<")), "an unbreakable column header");
}

/// `run --lang zh-CN` writes the report's own words in Simplified Chinese,
/// numbers and identifiers as they are; English is the default; `plot
/// --lang` re-renders an existing folder in either; an unknown language is
/// bad input (exit 2).
#[test]
fn the_report_speaks_chinese_when_asked_and_english_by_default() {
    use crate::common::{pointsim, read, repo};
    let dir = tempfile::tempdir().unwrap();
    let (zh, en) = (dir.path().join("zh"), dir.path().join("en"));
    let toy = repo("scenarios/teaching_toy.toml");
    pointsim().arg("run").arg(&toy).arg("-o").arg(&zh).args(["--lang", "zh-CN", "-q"]).assert().success();
    pointsim().arg("run").arg(&toy).arg("-o").arg(&en).arg("-q").assert().success();
    let (zh_html, en_html) = (read(&zh.join("report.html")), read(&en.join("report.html")));
    assert!(zh_html.contains("<html lang=\"zh-CN\">"));
    for heading in
        ["<h2>运行结束时的结果</h2>", "<h2 id=\"honest-use\">如何阅读本报告</h2>", "<h2>复现本次运行</h2>"]
    {
        assert!(zh_html.contains(heading), "{heading}");
    }
    assert!(zh_html.contains("<dd>2,000 个合成主体</dd>"), "numbers stay as they are");
    assert!(zh_html.contains("<strong>合成人口</strong>"), "the honest-use note is translated");
    assert!(!zh_html.contains("Results at the end of the run"));
    // the scenario's own text and identifiers are not translated
    assert!(zh_html.contains("Warning and interview (约谈)") && zh_html.contains("deposit_free"));
    assert!(
        en_html.contains("<html lang=\"en\">") && en_html.contains("<h2>Results at the end of the run</h2>")
    );
    assert!(!en_html.contains("运行结束时的结果"));
    // the same numbers in both: every table cell of the results section agrees
    let cells = |h: &str| -> Vec<String> {
        let results = h.split("<section id=\"results\">").nth(1).unwrap().split("</section>").next().unwrap();
        results
            .split("<td class=\"num")
            .skip(1)
            .map(|c| c.split("</td>").next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(cells(&zh_html), cells(&en_html));
    // plot --lang switches a finished folder
    pointsim().arg("plot").arg(&en).args(["--lang", "zh-CN", "-q"]).assert().success();
    assert!(read(&en.join("report.html")).contains("<html lang=\"zh-CN\">"));
    pointsim().arg("plot").arg(&en).args(["--lang", "fr"]).assert().code(2);
}

/// Text of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_owned())
        .collect()
}

fn chart<'a>(cs: &'a [pointsim::plot::Chart], name: &str) -> &'a pointsim::plot::Chart {
    cs.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no chart `{name}`"))
}

/// Scores spread widely: two tiers of three hold sizeable shares, a
/// restriction binds a third of subjects, Gini well above 0.05.
const SPREAD: &str = r#"
[scenario]
name = "spread"
steps = 12
step = "month"
[score]
start = 100
min = 0
[[tier]]
name = "low"
min = 0
[[tier]]
name = "mid"
min = 90
[[tier]]
name = "high"
min = 110
[population]
size = 2000
[[rule]]
id = "good"
points = 10
rate = 6.0
[[rule]]
id = "bad"
points = -10
rate = 6.0
[[restriction]]
id = "no_loans"
label = "No loans"
max_score = 90
"#;

/// The same drawing code picks a different view for the teaching toy (one
/// tier holds 99.7%, Gini 0.003, a 0.25% tail, almost nobody restricted)
/// than for widely spread scores, and says which view it chose.
#[test]
fn each_chart_chooses_its_view_from_the_data() {
    let toy = std::fs::read_to_string(crate::common::repo("scenarios/teaching_toy.toml")).unwrap();
    let (_a, quiet) = run_seeded(&toy, 42);
    let (_b, spread) = run(SPREAD);
    let (q, w) = (pointsim::plot::charts(&quiet).unwrap(), pointsim::plot::charts(&spread).unwrap());
    let texts = |cs: &[pointsim::plot::Chart], name: &str| svg_texts(&chart(cs, name).svg).join(" | ");
    // tier shares: the dominant tier A is left out and the axis zoomed; spread scores keep the full stack
    let (tq, tw) = (texts(&q, "tier_shares"), texts(&w, "tier_shares"));
    assert!(tq.contains("share of subjects outside tier A (%)") && tq.contains("zoomed: tier A"), "{tq}");
    assert!(chart(&q, "tier_shares").caption.contains("tier A, which holds at least 90%"));
    assert!(tw.contains("share of subjects (%)") && !tw.contains("zoomed"), "{tw}");
    // Lorenz: the gap to equality when every Gini is tiny, the curve otherwise
    let (iq, iw) = (texts(&q, "inequality"), texts(&w, "inequality"));
    assert!(iq.contains("Lorenz gap, zoomed") && !iq.contains("perfect equality |"), "{iq}");
    assert!(iw.contains("Lorenz curve of final scores") && iw.contains("perfect equality"), "{iw}");
    // histogram: logarithmic for the peaked toy with its thin B tail, linear for the spread
    let (hq, hw) = (texts(&q, "score_distribution"), texts(&w, "score_distribution"));
    assert!(hq.contains("share of subjects (%, logarithmic)"), "{hq}");
    assert!(chart(&q, "score_distribution").caption.contains("logarithmic"));
    assert!(hw.contains("share of subjects (%)") && !hw.contains("logarithmic"), "{hw}");
    // restrictions: the toy's 0.25% gets a zoomed axis instead of an empty panel
    let (aq, aw) = (texts(&q, "access_by_group"), texts(&w, "access_by_group"));
    // (the panel's title wraps to its panel: its lines are joined with a space here)
    let aq_joined = aq.replace(" | ", " ");
    assert!(aq_joined.contains("restrictions: share under each (axis zoomed to 0–0.3%)"), "{aq}");
    assert!(aw.contains("restrictions: share under each") && !aw.contains("zoomed"), "{aw}");
    // a tier threshold is in the legend only where one is drawn
    let sq = texts(&q, "score_over_time");
    // (the toy's scores stay within 980–1010, inside tier A: no threshold line is drawn)
    assert!(!sq.contains("| tier threshold") && sq.contains("every score shown is in tier A"), "{sq}");
    assert!(texts(&w, "score_over_time").contains("| tier threshold"));
}

/// Rongcheng's access chart shows what its tiny shares are: the perks
/// (97.3% beside 0.04%) on a log axis, the restrictions' 0.001% zoom with
/// ticks that are not all "0", and "nobody" in the slot of a restriction
/// nobody is under.
#[test]
fn rongcheng_access_shows_its_small_shares() {
    let text = std::fs::read_to_string(crate::common::repo("scenarios/rongcheng.toml")).unwrap();
    let (_dir, data) = run_seeded(&text, 42);
    let cs = pointsim::plot::charts(&data).unwrap();
    let texts = svg_texts(&chart(&cs, "access_by_group").svg);
    let joined = texts.join(" ");
    assert!(joined.contains("perks: share who hold each (logarithmic axis"), "{texts:?}");
    for decade in ["0.01", "0.1", "1", "10", "100"] {
        assert!(texts.iter().any(|t| t == decade), "no log tick {decade}: {texts:?}");
    }
    assert!(!joined.contains("zoomed to 0–0%"), "{texts:?}");
    let zoomed = texts.iter().position(|t| t.contains("axis zoomed to 0–")).expect("restrictions zoomed");
    let ticks: Vec<&String> = texts[zoomed..].iter().filter(|t| t.starts_with("0.00")).collect();
    assert!(ticks.len() >= 3, "the zoomed axis's ticks are not told apart: {texts:?}");
    assert_eq!(texts.iter().filter(|t| *t == "nobody is under it").count(), 2, "{texts:?}");
}

/// national_blacklist's own labels, in full, and a scenario of three groups
/// with a restriction for each and a perk with a long label.
fn blacklist_labels() -> ([&'static str; 10], String) {
    let mut text = String::from(SPREAD.split("[[restriction]]").next().unwrap());
    text = text.replace(
        "[[rule]]\nid = \"good\"",
        "[[population.group]]\nname = \"citizens_general\"\nshare = 0.5\n[[population.group]]\nname = \"citizens_low_income\"\nshare = 0.3\n[[population.group]]\nname = \"companies\"\nshare = 0.2\n[[rule]]\nid = \"good\"",
    );
    let labels = [
        "No air tickets",
        "No high-speed rail seats above second class, no soft sleepers",
        "No purchase or building of property",
        "Barred from senior-management and legal-representative posts",
        "No loans or credit cards",
        "Children may not attend high-fee private schools",
        "No bond issuance",
        "Excluded from government procurement and bidding",
        "No government funds or subsidies",
        "Fast-tracked approvals, loans and patents",
    ];
    for (i, l) in labels[..9].iter().enumerate() {
        text.push_str(&format!("[[restriction]]\nid = \"r{i}\"\nlabel = \"{l}\"\nmax_score = {}\n", 60 + i));
    }
    text.push_str(&format!("[[perk]]\nid = \"fast\"\nlabel = \"{}\"\nmin_tier = \"high\"\n", labels[9]));
    (labels, text)
}

/// The ratio rows of `inequality` and the panel titles of
/// `disparity_over_time` are never cut either: national_blacklist's labels
/// are drawn whole (the charts grow taller for their lines).
#[test]
fn inequality_and_disparity_labels_are_not_cut() {
    let (labels, text) = blacklist_labels();
    let (_dir, data) = run(&text);
    let cs = pointsim::plot::charts(&data).unwrap();
    let letters = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    for name in ["inequality", "disparity_over_time"] {
        let c = chart(&cs, name);
        let texts = svg_texts(&c.svg);
        assert!(texts.iter().all(|t| !t.contains('…')), "{name}: a label is cut: {texts:?}");
        let all = letters(&texts.concat());
        for l in labels {
            assert!(all.contains(&letters(l)), "{name}: `{l}` is not drawn whole: {texts:?}");
        }
        let img = image::load_from_memory(&c.png).unwrap();
        assert!(img.height() > 900 && img.height() <= 1800, "{name}: {}", img.height());
    }
}

/// Nine restrictions with long labels and three groups, as in
/// `national_blacklist`: every share under a label is drawn whole (no
/// "0.5…"), which needs the panels stacked; labels keep their words.
#[test]
fn long_labels_and_their_numbers_are_not_cut() {
    let (labels, text) = blacklist_labels();
    let (_dir, data) = run(&text);
    let cs = pointsim::plot::charts(&data).unwrap();
    let texts = svg_texts(&chart(&cs, "access_by_group").svg);
    let shares: Vec<&String> =
        texts.iter().filter(|t| t.ends_with('%') || (t.contains('%') && t.contains('…'))).collect();
    assert!(shares.len() >= 10, "{texts:?}");
    for t in &shares {
        assert!(!t.contains('…'), "a share is cut: {t}");
    }
    // every label is drawn whole, in lines (the chart grows taller for them), never cut
    assert!(texts.iter().all(|t| !t.contains('…')), "a label is cut: {texts:?}");
    let letters = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).collect::<String>();
    let all = letters(&texts.concat());
    for l in labels {
        assert!(all.contains(&letters(l)), "`{l}` is not drawn whole: {texts:?}");
    }
}

/// Rongcheng's comparison is peaked with a thin B tail (850–960): the
/// compare chart takes the log view by the run chart's rule, and the
/// legend breaks the dotted path at a dot, not inside a name.
#[test]
fn the_compare_chart_shows_a_thin_tail_on_a_log_axis() {
    use crate::common::{pointsim, repo};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    pointsim()
        .arg("compare")
        .arg(repo("scenarios/rongcheng.toml"))
        .args(["--set", "rule.volunteer_service.points=10", "-r", "2", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("plots/compare_distribution.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|t| t == "share of subjects (%, logarithmic)"), "{texts:?}");
    for decade in ["0.01", "0.1", "1", "10"] {
        assert!(texts.iter().any(|t| t == decade), "no log tick {decade}: {texts:?}");
    }
    assert!(texts.iter().all(|t| !t.contains("po-")), "a name is hyphenated: {texts:?}");
    assert!(texts.iter().any(|t| t.ends_with("rule.volunteer_service.")), "{texts:?}");
}

/// The compare chart's legend gives both means whatever the names' length,
/// and has no swatch for the bin width (nothing is drawn in that grey).
#[test]
fn the_compare_legend_keeps_its_means() {
    use crate::common::{pointsim, repo};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    pointsim()
        .arg("compare")
        .arg(repo("scenarios/teaching_toy.toml"))
        .args(["--set", "rule.volunteer_service.points=10", "-r", "2", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(out.join("plots/compare_distribution.svg")).unwrap();
    let texts = svg_texts(&svg);
    for who in ["base, mean ", "reform, mean "] {
        let line =
            texts.iter().find(|t| t.starts_with(who)).unwrap_or_else(|| panic!("no `{who}` in {texts:?}"));
        let number = line[who.len()..].split(':').next().unwrap();
        assert!(number.parse::<f64>().is_ok(), "the mean is cut: {line}");
    }
    assert!(texts.iter().any(|t| t.starts_with("10-point bins")), "{texts:?}");
}

/// The compare chart shades the base's tier bands with their names, and a
/// reform that moves a threshold shows it too, as a labelled dashed line, so
/// both sides' thresholds are on the chart (issue 14).
#[test]
fn the_compare_chart_shows_both_sides_tier_thresholds() {
    use crate::common::{pointsim, repo};
    let dir = tempfile::tempdir().unwrap();
    let draw = |set: &str, name: &str| {
        let out = dir.path().join(name);
        pointsim()
            .arg("compare")
            .arg(repo("scenarios/teaching_toy.toml"))
            .args(["--set", set, "-r", "2", "--population", "500", "-q", "-o"])
            .arg(&out)
            .assert()
            .success();
        svg_texts(&std::fs::read_to_string(out.join("plots/compare_distribution.svg")).unwrap())
    };
    let moved = draw("tier.A.min=990", "moved");
    for band in ["A", "AA"] {
        assert!(moved.iter().any(|t| t == band), "no band name `{band}`: {moved:?}");
    }
    for legend in ["AA ≥ 1030", "A ≥ 960", "B ≥ 850", "C < 850", "tiers of the base"] {
        assert!(moved.iter().any(|t| t == legend), "no `{legend}` in the legend: {moved:?}");
    }
    assert_eq!(
        moved.iter().filter(|t| *t == "reform: A ≥ 990").count(),
        2,
        "the line's label and the legend's"
    );
    // a reform with the base's thresholds draws no reform line
    let same = draw("rule.volunteer_service.points=10", "same");
    assert!(same.iter().any(|t| t == "A ≥ 960"), "{same:?}");
    assert!(same.iter().any(|t| t == "tiers, the same in both"), "{same:?}");
    assert!(!same.iter().any(|t| t.starts_with("reform: ")), "{same:?}");
}

/// Start 100 on the threshold of tier `high`, with records so rare that the
/// median never leaves it: the median runs along the threshold all the way.
const ON_THE_LINE: &str = r#"
[scenario]
name = "on the line"
steps = 12
step = "month"
[score]
start = 100
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 100
[population]
size = 500
[[rule]]
id = "rare"
points = -5
rate = 0.02
"#;

/// One `<polyline>` of an SVG: stroke, stroke width, points.
type Polyline = (String, String, Vec<(i64, i64)>);

/// Each `<polyline>` of an SVG, in drawing order.
fn polylines(svg: &str) -> Vec<Polyline> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| {
            let points = n
                .attribute("points")
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|p| p.split_once(',').and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?))))
                .collect();
            let a = |k: &str| n.attribute(k).unwrap_or("").to_owned();
            (a("stroke"), a("stroke-width"), points)
        })
        .collect()
}

/// A tier threshold the median runs along (national_blacklist's `no_record
/// ≥ 0`) is drawn after the median, at the same height, in its own colour,
/// so its dashes show over the median line; its legend entry says so.
#[test]
fn a_threshold_under_the_median_still_shows() {
    let (_dir, data) = run(ON_THE_LINE);
    let cs = pointsim::plot::charts(&data).unwrap();
    let c = chart(&cs, "score_over_time");
    let lines = polylines(&c.svg);
    // the median: the ink line (#1E1E1E, 4 px) through every snapshot
    let median =
        lines.iter().position(|l| l.0 == "#1E1E1E" && l.1 == "4" && l.2.len() > 2).expect("a median");
    let y = lines[median].2[0].1;
    assert!(lines[median].2.iter().all(|p| p.1 == y), "the median moved: {:?}", lines[median].2);
    let dashes: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].0 == "#CC79A7" && lines[i].2[0].1 == y).collect();
    assert!(dashes.len() > 10 && dashes[0] > median, "threshold dashes {dashes:?}, median {median}");
    let texts = svg_texts(&c.svg).join(" | ");
    assert!(texts.contains("| tier threshold") && texts.contains("high ≥ 100"), "{texts}");
}
