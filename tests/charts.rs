//! The standard charts: every chart exists (`list_shares` only with lists), PNGs decode at 1600×900 and are
//! not blank, SVGs parse and carry their labels, output is byte-identical
//! across renders, and odd runs (one tier, no perks, an empty group, one
//! score, one snapshot, negative or very wide scores, non-ASCII names) do not panic.

use pointsim::output::{Overrides, RunInfo, standard_files, write_all};
use pointsim::plot::{Chart, RunData, charts};

use crate::common::LISTS;

/// Run `text` with seed 5 into a temporary folder and read it back.
fn run(text: &str) -> (tempfile::TempDir, RunData) {
    run_min_cell(text, 0)
}

/// [`run`] with small-cell suppression at `min_cell`.
fn run_min_cell(text: &str, min_cell: u32) -> (tempfile::TempDir, RunData) {
    let loaded = pointsim::scenario::parse(text, "t.toml").unwrap_or_else(|e| panic!("{e:?}"));
    let s = loaded.scenario;
    let sim = pointsim::simulate(&s, 5, &|_| {});
    let info = RunInfo {
        scenario_sha256: loaded.source.sha256.clone(),
        min_cell,
        ..crate::common::run_info("t.toml", 5)
    };
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &standard_files(&s, &sim.summary, &info)).unwrap();
    let data = RunData::load(dir.path()).unwrap();
    (dir, data)
}

/// Three tiers, two groups, a perk and a restriction: the ordinary case.
const TOWN: &str = r#"
[scenario]
name = "Test town"
steps = 12
step = "month"
[score]
start = 100
min = 0
[[tier]]
name = "Bronze"
min = 0
[[tier]]
name = "Silver"
min = 95
[[tier]]
name = "Gold"
min = 110
[population]
size = 2000
[[population.group]]
name = "north"
share = 0.7
[[population.group]]
name = "south"
share = 0.3
rate_multiplier = { fine = 3.0 }
[[rule]]
id = "help"
points = 5
rate = 2.0
[[rule]]
id = "fine"
points = -10
rate = 1.0
[[perk]]
id = "bus"
label = "Free bus pass"
min_tier = "Gold"
[[restriction]]
id = "no_loan"
label = "No bank loans"
max_tier = "Bronze"
"#;

fn names(cs: &[Chart]) -> Vec<&str> {
    cs.iter().map(|c| c.name.as_str()).collect()
}

/// Standard deviation of the PNG's grey levels. A blank or one-colour image
/// scores 0; white with the title, subtitle, axes and tick labels alone
/// (dark ink on a few percent of pixels) already scores above 20, and
/// every real chart adds filled areas or bars on top, so 15 is a safe floor.
fn grey_sd(png: &[u8]) -> f64 {
    let img = image::load_from_memory(png).unwrap().to_luma8();
    let px: Vec<f64> = img.pixels().map(|p| f64::from(p.0[0])).collect();
    let mean = px.iter().sum::<f64>() / px.len() as f64;
    (px.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / px.len() as f64).sqrt()
}

/// Text of every `<text>` element of an SVG, after checking it parses as XML.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG does not parse: {e}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_owned())
        .collect()
}

fn check_images(cs: &[Chart]) {
    for c in cs {
        let img = image::load_from_memory(&c.png).unwrap();
        // 1600 wide; 900 high, or up to twice that where long labels need it
        assert!(img.width() == 1600 && (900..=1800).contains(&img.height()), "{}", c.name);
        if !["access_by_group", "inequality", "disparity_over_time"].contains(&c.name.as_str()) {
            assert_eq!(img.height(), 900, "{}", c.name);
        }
        let sd = grey_sd(&c.png);
        assert!(sd > 15.0, "{} looks blank: grey sd {sd:.1}", c.name);
        let texts = svg_texts(&c.svg);
        assert!(texts.contains(&c.title), "{}: no title", c.name);
        assert!(!c.caption.is_empty() && c.caption.ends_with('.'), "{}", c.name);
    }
}

fn get<'a>(cs: &'a [Chart], name: &str) -> &'a Chart {
    cs.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no chart `{name}`"))
}

#[test]
fn every_chart_is_drawn_with_its_labels() {
    let (_dir, data) = run(TOWN);
    let cs = charts(&data).unwrap();
    assert_eq!(
        names(&cs),
        [
            "score_distribution",
            "score_over_time",
            "tier_shares",
            "access_by_group",
            "inequality",
            "disparity_over_time"
        ]
    );
    check_images(&cs);
    let has = |name: &str, want: &[&str]| {
        let texts = svg_texts(&get(&cs, name).svg);
        for w in want {
            assert!(texts.iter().any(|t| t.contains(w)), "{name}: no `{w}` in {texts:?}");
        }
    };
    let sub = "Test town · seed 5 · 2,000 subjects";
    has(
        "score_distribution",
        &[
            sub,
            "final score (points)",
            // linear or logarithmic, as the data asks (tests/pictures.rs holds the choice)
            "share of subjects (%",
            "Gold ≥ 110",
            "Silver ≥ 95",
            "Bronze < 95",
            "start 100",
        ],
    );
    has("score_over_time", &[sub, "months since start", "score (points)", "median", "Gold ≥ 110"]);
    has("tier_shares", &[sub, "months since start", "share of subjects (%)", "Gold ≥ 110", "Bronze < 95"]);
    has(
        "access_by_group",
        &[sub, "perks", "restrictions", "Free bus pass", "No bank loans", "north", "south"],
    );
    has("inequality", &[sub, "Gini", "north", "south", "four-fifths", "perfect equality"]);
    has(
        "disparity_over_time",
        &[sub, "perk: Free bus pass", "restriction: No bank loans", "months since start", "four-fifths"],
    );
}

#[test]
fn legends_list_tiers_highest_first() {
    let (_dir, data) = run(TOWN);
    let cs = charts(&data).unwrap();
    for name in ["score_distribution", "tier_shares"] {
        let texts = svg_texts(&get(&cs, name).svg);
        let at =
            |p: &str| texts.iter().position(|t| t.starts_with(p)).unwrap_or_else(|| panic!("{name}: {p}"));
        assert!(at("Gold ≥") < at("Silver ≥") && at("Silver ≥") < at("Bronze <"), "{name}");
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    for text in [TOWN, LISTS] {
        let (_dir, data) = run(text);
        let a = charts(&data).unwrap();
        let b = charts(&data).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert!(x.svg == y.svg, "{}: SVG differs between renders", x.name);
            assert!(x.png == y.png, "{}: PNG differs between renders", x.name);
        }
    }
}

/// Odd runs: everything is drawn or skipped, never a panic.
fn odd(text: &str) -> Vec<Chart> {
    let (_dir, data) = run(text);
    let cs = charts(&data).unwrap();
    check_images(&cs);
    dump(&data, &cs);
    cs
}

/// With `POINTSIM_CHARTS_DUMP=DIR`, write the PNGs there to look at them.
fn dump(data: &RunData, cs: &[Chart]) {
    if let Some(dir) = std::env::var_os("POINTSIM_CHARTS_DUMP") {
        let dir = std::path::Path::new(&dir);
        std::fs::create_dir_all(dir).unwrap();
        let stem: String = data.scenario.name.chars().filter(char::is_ascii_alphanumeric).collect();
        for c in cs {
            std::fs::write(dir.join(format!("{stem}_{}.png", c.name)), &c.png).unwrap();
        }
    }
}

#[test]
fn one_tier_no_perks_no_restrictions_skips_access() {
    let cs = odd(r#"
[scenario]
name = "bare"
steps = 3
step = "day"
[score]
start = 0
[population]
size = 50
[[rule]]
id = "up"
points = 1
rate = 20.0
"#);
    assert_eq!(names(&cs), ["score_distribution", "score_over_time", "tier_shares", "inequality"]);
}

#[test]
fn everyone_at_one_score_and_an_empty_group() {
    let cs = odd(r#"
[scenario]
name = "frozen"
steps = 2
step = "week"
[score]
start = 500
[[tier]]
name = "low"
min = 0
[[tier]]
name = "high"
min = 600
[population]
size = 30
[[population.group]]
name = "some"
share = 1.0
[[population.group]]
name = "none"
share = 0.0
[[rule]]
id = "never"
points = 5
rate = 0.0
[[perk]]
id = "p"
min_tier = "high"
[[restriction]]
id = "r"
max_score = 550
"#);
    assert_eq!(cs.len(), 5);
    let texts = svg_texts(&get(&cs, "access_by_group").svg);
    assert!(texts.iter().any(|t| t.contains("empty group")), "{texts:?}");
}

/// Scores from about -300,000 to 300,000 in 10-point bins: tens of thousands
/// of bins, merged into at most 300 bars. (Much wider ranges are limited by
/// the engine's dense histogram, not by the charts.)
#[test]
fn negative_and_very_wide_scores() {
    let cs = odd(r#"
[scenario]
name = "wild"
steps = 6
step = "month"
[score]
start = -50
[[tier]]
name = "deep"
min = -1000000000
[[tier]]
name = "shallow"
min = 0
[population]
size = 300
[report]
bin_width = 10
[[rule]]
id = "jackpot"
points = 60000
rate = 2.0
[[rule]]
id = "crash"
points = -40000
rate = 2.0
[[perk]]
id = "up"
min_score = 0
"#);
    assert_eq!(cs.len(), 5);
}

#[test]
fn non_ascii_names_do_not_panic() {
    odd(r#"
[scenario]
name = "桂花分 Osmanthus ≥ ü"
steps = 4
step = "month"
[score]
start = 100
[[tier]]
name = "普通"
min = 0
[[tier]]
name = "金桂"
min = 105
[population]
size = 200
[[population.group]]
name = "城市居民"
share = 0.5
[[population.group]]
name = "农村"
share = 0.5
[[rule]]
id = "good"
points = 5
rate = 3.0
[[perk]]
id = "bike"
label = "公共自行车 90 分钟免费 <&> \"quoted\""
min_tier = "金桂"
"#);
}

#[test]
fn one_snapshot_only() {
    let (_dir, mut data) = run(TOWN);
    let last = data.steps.iter().map(|r| r.step).max().unwrap();
    data.steps.retain(|r| r.step == last);
    let cs = charts(&data).unwrap();
    check_images(&cs);
    assert_eq!(cs.len(), 6);
}

#[test]
fn no_rows_at_all_skips_rather_than_panics() {
    let (_dir, mut data) = run(TOWN);
    data.steps.clear();
    data.histogram.clear();
    let cs = charts(&data).unwrap();
    assert!(cs.is_empty(), "{:?}", names(&cs));
}

#[test]
fn list_shares_shows_each_list_for_everyone_and_each_group() {
    let (_dir, data) = run(LISTS);
    let cs = charts(&data).unwrap();
    check_images(&cs);
    dump(&data, &cs);
    assert_eq!(names(&cs).last(), Some(&"list_shares"), "drawn last, after the six others");
    assert_eq!(cs.len(), 7);
    let c = get(&cs, "list_shares");
    let texts = svg_texts(&c.svg);
    let final_share = |l: usize| data.final_rows()[0].list_share[l];
    let want = [
        "Share on each list over time".to_owned(),
        "Listed town · seed 5 · 600 subjects".to_owned(),
        "everyone".into(),
        "town".into(),
        "village".into(),
        "company".into(),
        "months since start".into(),
        "share on the list (%)".into(),
        "blacklist".into(),
        "redlist".into(),
        // the legend gives each list's final share of everyone
        format!("{}%", trim(final_share(0) * 100.0)),
        "Debtors".into(),
        "honour".into(),
    ];
    for w in &want {
        assert!(texts.iter().any(|t| t.contains(w.as_str())), "no `{w}` in {texts:?}");
    }
    assert!(c.caption.contains("blacklists are solid lines, redlists dashed"), "{}", c.caption);
    assert!(!c.caption.contains("not shown"), "nothing is suppressed: {}", c.caption);
}

/// A share in percent as the chart's legend writes it (about three significant digits).
fn trim(p: f64) -> String {
    let decimals = if p >= 10.0 { 1 } else { (1 - p.abs().log10().floor() as i32).clamp(1, 4) as usize };
    let s = format!("{p:.decimals$}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[test]
fn list_shares_leaves_hidden_groups_out_and_says_so() {
    // at --min-cell 200, village (180) and company (150) are hidden
    let (_dir, data) = run_min_cell(LISTS, 200);
    let cs = charts(&data).unwrap();
    check_images(&cs);
    let c = get(&cs, "list_shares");
    let texts = svg_texts(&c.svg);
    assert!(texts.iter().any(|t| t == "town"), "{texts:?}");
    assert!(!texts.iter().any(|t| t == "village" || t == "company"), "{texts:?}");
    assert!(c.caption.contains("groups village and company are not shown"), "{}", c.caption);
}

#[test]
fn without_lists_or_list_columns_there_is_no_list_chart() {
    // TOWN has no lists: the six charts of every_chart_is_drawn_with_its_labels
    let (_dir, data) = run(TOWN);
    assert!(!names(&charts(&data).unwrap()).contains(&"list_shares"));
    // a folder written before steps.csv had `list_share.<id>` columns still reads, without the chart
    let (dir, _) = run(LISTS);
    let path = dir.path().join("steps.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let keep: Vec<usize> = (0..header.len()).filter(|&i| !header[i].starts_with("list_share.")).collect();
    assert!(keep.len() == header.len() - 2, "two list columns in {header:?}");
    let stripped: String = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            keep.iter().map(|&i| f[i]).collect::<Vec<_>>().join(",") + "\n"
        })
        .collect();
    std::fs::write(&path, stripped).unwrap();
    let old = RunData::load(dir.path()).unwrap();
    assert!(old.steps.iter().all(|r| r.list_share.is_empty()));
    let cs = charts(&old).unwrap();
    assert_eq!(cs.len(), 6, "{:?}", names(&cs));
}

/// Run the scenario file `path` with `population` subjects (seed 7) into a
/// temporary folder and read it back.
fn run_file(path: &str, population: u64) -> (tempfile::TempDir, RunData) {
    let text = std::fs::read_to_string(crate::common::repo(path)).unwrap();
    let mut s = crate::common::parse_scenario(&text);
    let o = Overrides { population: Some(population), ..Overrides::default() };
    pointsim::apply_overrides(&mut s, &o).unwrap();
    let sim = pointsim::simulate(&s, 7, &|_| {});
    let info = RunInfo { overrides: o, ..crate::common::run_info(path, 7) };
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &standard_files(&s, &sim.summary, &info)).unwrap();
    let data = RunData::load(dir.path()).unwrap();
    (dir, data)
}

/// The `inequality` and `disparity_over_time` charts flag exactly the
/// groups summary.json flags (its interval rule, its minimum size, only
/// groups an item applies to), on two real scenarios: national_blacklist
/// (perks for companies only, restrictions for citizens only, and
/// low-income citizens flagged) and rongcheng.
#[test]
fn chart_flags_are_summary_flags() {
    for (path, population) in
        [("scenarios/national_blacklist.toml", 20_000), ("scenarios/rongcheng.toml", 20_000)]
    {
        let (_dir, data) = run_file(path, population);
        let summary = &data.summary["disparity"];
        let flags = pointsim::plot::four_fifths_flags(&data);
        assert_eq!(flags.len(), summary.as_object().unwrap().len(), "{path}");
        for (id, groups) in &flags {
            let want: Vec<&str> =
                summary[id]["flagged"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
            assert_eq!(groups, &want, "{path}: {id}");
        }
        // the red outlines and the legend follow the same flags
        let cs = charts(&data).unwrap();
        let any = flags.iter().any(|(_, g)| !g.is_empty());
        let texts = svg_texts(&get(&cs, "inequality").svg).join(" | ");
        assert_eq!(texts.contains("flagged: the whole interval"), any, "{path}: {texts}");
        if path.contains("national") {
            assert!(any, "national_blacklist flags low-income citizens");
            // perks for companies and restrictions for citizens: the others are n/a, not 0
            assert!(texts.contains("| n/a |") && !texts.contains("| 0.00 |"), "{texts}");
            let access = svg_texts(&get(&cs, "access_by_group").svg).join(" | ");
            assert!(
                access.contains("| n/a |") && access.contains("n/a: the item does not apply"),
                "{access}"
            );
        }
    }
}
