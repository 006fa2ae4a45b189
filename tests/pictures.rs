//! Pictures a class sees on a projector (issue 14): report tables that fit a
//! 1024 px page, and the report in Simplified Chinese (issue 11).

use std::time::{Duration, SystemTime};

use pointsim::output::{Overrides, RunInfo, standard_files, write_all};
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
    let loaded = pointsim::scenario::parse(text, "wide.toml").expect("valid scenario");
    let s = loaded.scenario;
    let sim = pointsim::simulate(&s, 7, &|_| {});
    let info = RunInfo {
        scenario_file: "wide.toml".into(),
        scenario_sha256: loaded.source.sha256.clone(),
        sets: Vec::new(),
        scenario_chain: vec![],
        seed: 7,
        overrides: Overrides::default(),
        min_cell: 0,
        command_line: vec!["pointsim".into(), "run".into(), "wide.toml".into()],
        threads: 1,
        wall_seconds: 0.1,
        estimated_memory_bytes: 0,
        peak_memory_bytes: None,
        started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1),
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
