//! `report.html` from a real (tiny) run: escaping of hostile scenario text,
//! no external resources, required contents, byte-identical output, and the
//! mechanics sections (lists, appeals, kinds, records, recovery).

use std::time::{Duration, SystemTime};

use pointsim::output::{RunInfo, standard_files, write_all};
use pointsim::plot::{Chart, RunData, report_html};

use crate::common::LISTS;

/// A scenario whose free text tries to inject markup everywhere it can.
const HOSTILE: &str = r#"
[scenario]
name = "<script>alert(1)</script>"
description = "Desc <img src=x onerror=alert(1)> with \"quotes\" & ampersands"
sources = [
  "Plain <b>bold</b> source: https://example.org/law?a=1&b=2.",
  "<a href=\"https://evil.example/\">click</a>",
  "javascript:alert(2)",
  "trap http://evil.example/\"onmouseover=alert(3) end",
  "not a link: ftp://files.example/x and //cdn.example/y",
]
steps = 6
step = "month"
[score]
start = 100
min = 0
[[tier]]
name = "low"
label = "Low <em>tier</em>"
min = 0
assumed = true
[[tier]]
name = "high"
label = "High tier"
min = 104
source = "<iframe src=https://evil.example/></iframe>"
[population]
size = 400
[[population.group]]
name = "a"
description = "<style>body{display:none}</style>"
share = 0.5
[[population.group]]
name = "b"
share = 0.5
rate_multiplier = { up = 2.0 }
assumed = true
[[rule]]
id = "up"
label = "Up <script src=https://evil.example/x.js></script>"
points = 5
rate = 1.5
max_per_year = 4
source = "see <a href='https://evil.example/'>here</a>"
[[rule]]
id = "down"
points = -5
rate = 1.0
assumed = true
[[perk]]
id = "fast_lane"
label = "Fast lane"
description = "<svg onload=alert(4)>"
min_tier = "high"
[[restriction]]
id = "no_travel"
label = "No travel"
max_score = 95
"#;

/// Run `text` and read the output folder back, as `pointsim plot DIR` would.
fn run(text: &str, seed: u64, started: u64) -> RunData {
    run_min_cell(text, seed, started, 0)
}

/// [`run`] with small-cell suppression at `min_cell`.
fn run_min_cell(text: &str, seed: u64, started: u64, min_cell: u32) -> RunData {
    let loaded = pointsim::scenario::parse(text, "hostile.toml").expect("valid scenario");
    let s = loaded.scenario;
    let sim = pointsim::simulate(&s, seed, &|_| {});
    let info = RunInfo {
        scenario_sha256: loaded.source.sha256.clone(),
        min_cell,
        command_line: vec!["pointsim".into(), "run".into(), "scenarios/hostile <x>.toml".into()],
        wall_seconds: started as f64 / 7.0,
        started_at: SystemTime::UNIX_EPOCH + Duration::from_secs(started),
        ..crate::common::run_info("scenarios/hostile <x>.toml", seed)
    };
    let dir = tempfile::tempdir().unwrap();
    write_all(dir.path(), &standard_files(&s, &sim.summary, &info)).unwrap();
    RunData::load(dir.path()).expect("the run reads back")
}

/// Two stand-in charts (the real ones are drawn elsewhere), one with an XML prolog.
fn charts() -> Vec<Chart> {
    let svg = |label: &str| {
        format!(
            "<svg width=\"400\" height=\"200\" viewBox=\"0 0 400 200\" xmlns=\"http://www.w3.org/2000/svg\">\
             <rect x=\"10\" y=\"10\" width=\"100\" height=\"50\" fill=\"#446\"/><text x=\"10\" y=\"90\">{label}</text></svg>"
        )
    };
    vec![
        Chart {
            name: "tiers_over_time".into(),
            title: "Tier shares over time".into(),
            caption: "How the share of each tier changes, month by month.".into(),
            svg: format!("<?xml version=\"1.0\" standalone=\"no\"?>\n{}", svg("one")),
            png: vec![],
        },
        Chart {
            name: "final_histogram".into(),
            title: "Final scores".into(),
            caption: "Where everyone's score ended, in 10-point bins.".into(),
            svg: svg("two"),
            png: vec![],
        },
    ]
}

/// One start tag: its name and attributes (values with entities decoded), at a byte offset.
#[derive(Debug)]
struct Tag {
    at: usize,
    name: String,
    attrs: Vec<(String, String)>,
}

/// A small scan of start tags. Text and attribute values come escaped from
/// the template, so a `<` followed by a letter always opens a real tag.
fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        let at = i + rel;
        i = at + 1;
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let end = html[i..].find('>').map(|e| i + e).expect("tag is closed");
        let body = html[i..end].trim_end_matches('/');
        let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();
        let mut attrs = vec![];
        let rest = &body[name_end..];
        let mut j = 0;
        let rb = rest.as_bytes();
        while j < rest.len() {
            while j < rest.len() && rb[j].is_ascii_whitespace() {
                j += 1;
            }
            let start = j;
            while j < rest.len() && !rb[j].is_ascii_whitespace() && rb[j] != b'=' {
                j += 1;
            }
            let key = rest[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < rest.len() && rb[j] == b'=' {
                j += 1;
                let quote = rb[j];
                if quote == b'"' || quote == b'\'' {
                    let close = rest[j + 1..].find(quote as char).expect("quoted value is closed") + j + 1;
                    value = rest[j + 1..close].to_owned();
                    j = close + 1;
                } else {
                    let s = j;
                    while j < rest.len() && !rb[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    value = rest[s..j].to_owned();
                }
            }
            if !key.is_empty() {
                attrs.push((key, decode(&value)));
            }
        }
        out.push(Tag { at, name, attrs });
        i = end + 1;
    }
    out
}

/// Decode the entities minijinja's HTML escaping produces.
fn decode(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[test]
fn hostile_scenario_text_is_only_ever_escaped() {
    let data = run(HOSTILE, 7, 0);
    let html = report_html(&data, &charts());

    // the text is there, escaped
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"), "name is escaped");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"), "description is escaped");
    assert!(html.contains("&quot;quotes&quot; &amp; ampersands"));
    assert!(html.contains("Up &lt;script src="), "rule label is escaped");
    assert!(html.contains("Plain &lt;b&gt;bold&lt;&#x2f;b&gt; source"), "source is escaped");
    assert!(html.contains("&lt;style&gt;body{display:none}&lt;&#x2f;style&gt;"));

    // and never as markup
    let lower = html.to_ascii_lowercase();
    for bad in ["<script", "<img", "<iframe", "<em>", "<b>", "<svg onload"] {
        assert!(!lower.contains(bad), "raw `{bad}` in the report");
    }
    assert_eq!(lower.matches("<style").count(), 1, "only the report's own style sheet");
    for tag in tags(&html) {
        let forbidden = ["script", "iframe", "img", "object", "embed", "link", "base", "em", "b"];
        assert!(!forbidden.contains(&tag.name.as_str()), "{tag:?}");
        for (k, v) in &tag.attrs {
            assert!(!k.starts_with("on"), "event handler attribute in {tag:?}");
            assert!(!v.to_ascii_lowercase().contains("javascript:"), "{tag:?}");
        }
    }
}

#[test]
fn only_source_links_point_outside_the_page() {
    let data = run(HOSTILE, 7, 0);
    let html = report_html(&data, &charts());
    let sources_at = html.find("<section id=\"sources\">").expect("a sources section");
    let sources_end = sources_at + html[sources_at..].find("</section>").unwrap();

    let mut external = vec![];
    for tag in tags(&html) {
        for (k, v) in &tag.attrs {
            let is_url_attr = matches!(
                k.as_str(),
                "href"
                    | "src"
                    | "xlink:href"
                    | "srcset"
                    | "action"
                    | "formaction"
                    | "poster"
                    | "data"
                    | "background"
            );
            if !is_url_attr || v.starts_with('#') {
                continue;
            }
            assert_eq!(tag.name, "a", "only links may carry a URL: {tag:?}");
            assert!(k == "href", "{tag:?}");
            assert!(
                (sources_at..sources_end).contains(&tag.at),
                "external link outside the sources list: {tag:?}"
            );
            assert!(v.starts_with("https://") || v.starts_with("http://"), "{tag:?}");
            external.push(v.clone());
        }
    }
    // each http(s) URL in the sources becomes a link; nothing else does
    assert_eq!(
        external,
        ["https://example.org/law?a=1&b=2", "https://evil.example/", "http://evil.example/"]
    );
    // no style sheet reaches out either
    let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    assert!(!style.contains("url(") && !style.contains("@import"));
}

#[test]
fn the_report_has_every_required_part() {
    let data = run(HOSTILE, 7, 0);
    let charts = charts();
    let html = report_html(&data, &charts);
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<title>&lt;script&gt;alert(1)&lt;&#x2f;script&gt; · pointsim report</title>"));

    // honest use
    assert!(html.contains("<strong>synthetic population</strong>"));
    assert!(html.contains("<strong>No personal data</strong>"));
    assert!(html.contains("<strong>not a basis for decisions about real people</strong>"));

    // charts: in order, as figures with title and caption; prolog stripped
    let mut last = 0;
    for c in &charts {
        let at = html.find(&format!("<figure id=\"fig-{}\">", c.name)).expect("a figure per chart");
        assert!(at > last, "charts keep their order");
        last = at;
        let fig = &html[at..at + html[at..].find("</figure>").unwrap()];
        let caption = fig.find("<figcaption>").expect("a caption");
        let escaped = |t: &str| t.replace('\'', "&#x27;");
        assert!(fig[caption..].contains(&escaped(&c.title)));
        assert!(fig[caption..].contains(&escaped(&c.caption)));
        assert!(fig.contains("<svg width=\"400\""));
    }
    assert!(!html.contains("<?xml"));

    // reproduce
    let command = data
        .reproduce
        .replace('\'', "&#x27;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('/', "&#x2f;");
    assert!(html.contains(&command), "reproduce command `{command}`");
    assert!(html.contains(&data.scenario_sha256));
    assert!(html.contains(&data.version));

    // tiers, perks, restrictions, rules, groups by name
    for name in ["low", "high", "fast_lane", "no_travel", "up", "down"] {
        assert!(html.contains(&format!(">{name}<")), "`{name}` is shown");
    }
    assert!(html.contains("tier high or higher"));
    assert!(html.contains("score ≤ 95"));
    assert!(html.contains("up × 2"), "group multipliers other than 1");
    // headline table: everyone plus both groups, percentages with one decimal
    assert!(html.contains(
        ">everyone</th><th scope=\"col\" class=\"num\">a</th><th scope=\"col\" class=\"num\">b</th>"
    ));
    assert!(html.contains(">assumed</span>"));
    assert!(html.contains("<li><strong>Tiers:</strong> <code>low</code></li>"));
    assert!(html.contains("<li><strong>Rules:</strong> <code>down</code></li>"));
    assert!(html.contains("<li><strong>Groups:</strong> <code>b</code></li>"));
}

#[test]
fn identical_input_gives_identical_bytes() {
    // different start and wall times in the manifest: the report must not show them
    let one = report_html(&run(HOSTILE, 11, 1), &charts());
    let two = report_html(&run(HOSTILE, 11, 999_999), &charts());
    assert_eq!(one, two);
    let other_seed = report_html(&run(HOSTILE, 12, 1), &charts());
    assert_ne!(one, other_seed);
}

#[test]
fn a_scenario_without_groups_perks_or_sources_still_renders() {
    let text = r#"
[scenario]
name = "bare"
steps = 2
step = "week"
[score]
start = 10
[population]
size = 50
[[rule]]
id = "r"
points = 1
rate = 1.0
"#;
    let data = run(text, 1, 0);
    let html = report_html(&data, &[]);
    assert!(html.contains("<h1>bare</h1>"));
    assert!(
        !html.contains("id=\"groups\"") && !html.contains("id=\"perks\"") && !html.contains("id=\"charts\"")
    );
    assert!(html.contains("The scenario lists no sources."));
    assert!(html.contains(">everyone</th></tr>"), "one column when there are no groups");
}

#[test]
fn report_title_replaces_the_scenario_name_in_the_report() {
    let text = "[scenario]\nname = \"bare\"\nsteps = 2\n[score]\nstart = 10\n[population]\nsize = 20\n\
                [report]\ntitle = \"Reform <A>\"\n";
    let html = report_html(&run(text, 1, 0), &[]);
    assert!(html.contains("<h1>Reform &lt;A&gt;</h1>"), "the title is the heading, escaped");
    assert!(html.contains("<title>Reform &lt;A&gt; · pointsim report</title>"));
    assert!(!html.contains("<h1>bare</h1>"));
}

/// The HTML of one `<section id="...">`, or `None`.
fn section<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!("<section id=\"{id}\">"))?;
    Some(&html[at..at + html[at..].find("</section>").unwrap()])
}

/// The `<td>` texts of the table row whose header cell starts with `label`.
fn row_cells(html: &str, label: &str) -> Vec<String> {
    let start = html
        .match_indices("<th scope=\"row\"")
        .map(|(i, _)| i)
        .find(|&i| html[i..].split_once('>').is_some_and(|(_, rest)| rest.starts_with(label)))
        .unwrap_or_else(|| panic!("no row `{label}`"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<td").skip(1).map(|c| decode(&c[c.find('>').unwrap() + 1..c.find("</td>").unwrap()])).collect()
}

fn pct(x: f64) -> String {
    pointsim::output::text::percent(x)
}

fn n(x: u64) -> String {
    pointsim::output::text::thousands(x)
}

#[test]
fn mechanics_sections_show_the_runs_figures() {
    let data = run(LISTS, 3, 0);
    let html = report_html(&data, &[]);
    let m = &data.summary["mechanics"];
    let list = |id: &str, key: &str| m["lists"][id][key].clone();
    let u = |v: serde_json::Value| v.as_u64().unwrap();
    let f = |v: serde_json::Value| v.as_f64().unwrap();

    // headline: the share on each list at the end, everyone then each group
    let results = section(&html, "results").expect("results");
    let finals = data.final_rows();
    let on_debtors = row_cells(results, "Debtors");
    let want: Vec<String> = finals.iter().map(|r| pct(r.list_share[0])).collect();
    assert_eq!(on_debtors, want);
    assert_eq!(on_debtors[0], pct(data.summary["final"]["list_share"]["debtors"].as_f64().unwrap()));
    assert_eq!(on_debtors.len(), 4, "everyone, town, village, company");
    assert!(f(list("debtors", "share_at_end")) > 0.0, "the scenario lists someone");

    // lists table: one row per list, in file order, with colours
    let lists = section(&html, "lists").expect("a lists section");
    assert!(lists.find(">Debtors").unwrap() < lists.find(">honour<").unwrap());
    assert!(lists.contains("blacklist") && lists.contains("redlist"));
    for id in ["debtors", "honour"] {
        let label = if id == "debtors" { "Debtors" } else { "honour" };
        let l = &m["lists"][id];
        let v = |key: &str| u(l[key].clone());
        let time = &l["steps_listed"];
        assert_eq!(
            row_cells(lists, label),
            [
                format!("{} ({})", n(v("listed_at_end")), pct(f(l["share_at_end"].clone()))),
                format!("{} ({})", n(v("ever_listed")), pct(f(l["ever_listed_share"].clone()))),
                n(v("listings")),
                n(v("wrongful_listings")),
                n(v("inherited_listings")),
                n(v("wrongly_listed_at_end")),
                format!("{:.1}", time["mean"].as_f64().unwrap()),
                time["p50"].to_string(),
                time["p90"].to_string(),
            ],
            "{id}"
        );
    }
    assert!(u(list("debtors", "wrongful_listings")) > 0, "some listings are wrongful");
    assert!(lists.contains("Time listed (months)"));

    // appeals: per rule with wrongful records, filed as a share of wrongful, won of filed
    let appeals = section(&html, "appeals").expect("an appeals section");
    let a = &m["appeals"]["fine"];
    let (w, filed, won) =
        (u(a["wrongful_records"].clone()), u(a["appeals_filed"].clone()), u(a["appeals_won"].clone()));
    assert!(w > 0 && filed > 0);
    assert_eq!(
        row_cells(appeals, "Traffic fine"),
        [
            n(w),
            format!("{} ({})", n(filed), pct(filed as f64 / w as f64)),
            format!("{} ({})", n(won), pct(won as f64 / filed as f64))
        ]
    );

    // by kind: one column per kind, shares from mechanics.by_kind
    let kinds = section(&html, "kinds").expect("a kinds section");
    assert!(kinds.contains(">citizen</th><th scope=\"col\" class=\"num\">company</th>"));
    let k = &m["by_kind"];
    assert_eq!(
        row_cells(kinds, "Subjects"),
        [n(u(k["citizen"]["size"].clone())), n(u(k["company"]["size"].clone()))]
    );
    assert_eq!(
        row_cells(kinds, "Debtors"),
        [
            pct(f(k["citizen"]["list_share"]["debtors"].clone())),
            pct(f(k["company"]["list_share"]["debtors"].clone()))
        ]
    );
    assert!(!kinds.contains("Suppressed kinds"), "nothing hidden at --min-cell 0");

    // records by category and by agency
    let records = section(&html, "records").expect("a records section");
    for (key, name) in
        [("by_category", "administrative"), ("by_category", "voluntary"), ("by_agency", "police")]
    {
        let e = &m[key][name];
        let points = e["points_applied"].as_i64().unwrap();
        let signed = if points < 0 {
            format!("-{}", n(points.unsigned_abs()))
        } else {
            format!("+{}", n(points as u64))
        };
        let start = records.find(&format!(">{name}</th>")).unwrap_or_else(|| panic!("no `{name}`"));
        let row = &records[start..start + records[start..].find("</tr>").unwrap()];
        assert!(row.contains(&format!(">{}</td>", n(u(e["events"].clone())))), "{row}");
        assert!(row.contains(&format!(">{signed}</td>")), "{row}");
    }

    // recovery after a first negative record
    let recovery = section(&html, "recovery").expect("a recovery section");
    let r = &m["recovery_time"];
    assert!(recovery.contains(&format!(
        "{} subjects had at least one negative record",
        n(u(r["subjects_with_negative_record"].clone()))
    )));
    assert!(recovery.contains(&format!(
        "{} of them ({})",
        n(u(r["recovered"].clone())),
        pct(f(r["recovered_share"].clone()))
    )));
    assert!(recovery.contains(&format!("a median of {} months", r["steps_to_recover"]["p50"])));
    assert!(recovery.contains(&format!("90th percentile {}", r["steps_to_recover"]["p90"])));

    // every element id appears once (sections are not repeated)
    let mut ids: Vec<&str> = html.split(" id=\"").skip(1).map(|t| &t[..t.find('"').unwrap()]).collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "an id is repeated");

    // categories and agencies in the order the rules name them
    assert!(records.find(">administrative<").unwrap() < records.find(">voluntary<").unwrap());
    assert!(records.find(">police<").unwrap() < records.find(">civil_affairs<").unwrap());

    // each section is in the table of contents
    for id in ["lists", "appeals", "kinds", "records", "recovery"] {
        assert!(html.contains(&format!("<li><a href=\"#{id}\">")), "{id} in the contents");
    }
}

#[test]
fn without_mechanics_there_are_no_mechanics_sections() {
    let html = report_html(&run(HOSTILE, 7, 0), &[]);
    for id in ["lists", "appeals", "kinds", "records", "recovery"] {
        assert!(section(&html, id).is_none(), "{id}");
        assert!(!html.contains(&format!("href=\"#{id}\"")), "{id}");
    }
    assert!(!html.contains("On list"));
}

#[test]
fn hidden_groups_and_kinds_stay_hidden_in_the_mechanics() {
    // town 270, village 180, company 150 at --min-cell 200: village and company
    // are hidden (primary); kind company too (primary), and kind citizen
    // because it holds hidden village next to published town (complementary)
    let data = run_min_cell(LISTS, 3, 0, 200);
    let html = report_html(&data, &[]);
    let results = section(&html, "results").unwrap();
    let cells = row_cells(results, "Debtors");
    assert_eq!(cells[2..], ["suppressed", "suppressed"]);
    assert!(cells[1].ends_with('%'), "town is published: {cells:?}");
    let kinds = section(&html, "kinds").unwrap();
    assert_eq!(row_cells(kinds, "Subjects"), ["suppressed", "suppressed"]);
    assert_eq!(row_cells(kinds, "Debtors"), ["suppressed", "suppressed"]);
    let note = &kinds[kinds.find("Suppressed kinds").expect("a note on hidden kinds")..];
    assert!(note.contains("<code>company</code>: fewer than 200 subjects"), "{note}");
    assert!(
        note.contains("<code>citizen</code>: hidden so that no hidden kind or group can be worked out"),
        "{note}"
    );
    // no hidden figure leaks through the lists table either: it shows totals only
    let lists = section(&html, "lists").unwrap();
    assert!(!lists.contains("village") && !lists.contains("company"));
}

/// Two groups far apart: `south` is fined often enough that it holds the
/// perk less and is under the restriction more, in groups large enough to flag.
const APART: &str = r#"
[scenario]
name = "Apart"
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
[[population.group]]
name = "north"
share = 0.5
[[population.group]]
name = "south"
share = 0.5
rate_multiplier = { fine = 6.0 }
[[rule]]
id = "help"
points = 5
rate = 1.0
[[rule]]
id = "fine"
points = -10
rate = 0.5
[[perk]]
id = "bus"
label = "Free bus pass"
min_tier = "high"
[[restriction]]
id = "no_loan"
label = "No bank loans"
max_tier = "low"
"#;

/// The count after the four-fifths rule names its unit: flagged ratios,
/// not subjects (it used to read "at least 20 subjects (2 here)").
#[test]
fn the_flag_count_says_it_counts_ratios() {
    let data = run(APART, 3, 0);
    let flagged: usize = data.summary["disparity"]
        .as_object()
        .unwrap()
        .values()
        .map(|d| d["flagged"].as_array().unwrap().len())
        .sum();
    assert!(flagged >= 2, "the scenario should flag south twice: {}", data.summary["disparity"]);
    let html = report_html(&data, &charts());
    let text = section(&html, "disparity").expect("a disparity section");
    assert!(text.contains(&format!(" ({flagged} ratios are flagged here)")), "{text}");
    assert!(!text.contains(&format!("({flagged} here)")), "{text}");
    // one flag is singular, none is said in words
    let one = APART.replace("[[perk]]\nid = \"bus\"\nlabel = \"Free bus pass\"\nmin_tier = \"high\"\n", "");
    let html = report_html(&run(&one, 3, 0), &charts());
    assert!(section(&html, "disparity").unwrap().contains(" (1 ratio is flagged here)"));
    let none = one.replace("fine = 6.0", "fine = 1.0");
    let html = report_html(&run(&none, 3, 0), &charts());
    assert!(section(&html, "disparity").unwrap().contains(" (no ratio is flagged here)"));
}
