//! The "Expect ..." sentences of the scenario docs hold: each paragraph of
//! `scenarios/README.md` that begins with "Expect" is closed by
//! machine-readable comments,
//!
//! ```text
//! <!-- expect FILE: PATH in [LO, HI] -->
//! <!-- expect FILE: PATH / PATH in [LO, HI] -->   (or PATH + PATH)
//! ```
//!
//! and each "Expected behaviour" block of a scenario file's header by lines
//! `#   expect: PATH in [LO, HI]` about that file,
//! where a PATH is a dotted key of the run's `summary.json` (a FILE written
//! `FILE@N` is checked on its first N steps, before the changes dated N or
//! later: what a sentence says of the years before a dated change), and this test
//! runs each scenario once (its own seed and population) and checks every
//! range. A sentence whose numbers drift from what the scenario gives fails
//! here, so the docs cannot quietly go stale.

use std::collections::BTreeMap;

use pointsim::scenario::load;

use crate::common::{read, repo};

/// One check: the scenario file, the expression, the range, and the line it is on.
struct Expect {
    /// Where the check is written (`scenarios/README.md`, or the scenario file).
    doc: String,
    file: String,
    expr: String,
    lo: f64,
    hi: f64,
    line: usize,
}

/// The checks of `scenarios/README.md` (`doc` is `None`) or of the scenario file `doc`.
fn parse(text: &str, doc: Option<&str>) -> Vec<Expect> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let body = match doc {
            None => line
                .trim()
                .strip_prefix("<!-- expect ")
                .and_then(|b| b.strip_suffix("-->"))
                .map(str::to_owned),
            Some(file) => line
                .strip_prefix('#')
                .and_then(|l| l.trim_start().strip_prefix("expect:"))
                .map(|b| format!("{file}:{b}")),
        };
        let Some(body) = body else { continue };
        let (file, rest) = body.split_once(':').unwrap_or_else(|| panic!("line {}: no `FILE:`", i + 1));
        let (expr, range) = rest.rsplit_once(" in ").unwrap_or_else(|| panic!("line {}: no ` in `", i + 1));
        let range = range.trim().trim_start_matches('[').trim_end_matches(']');
        let (lo, hi) = range.split_once(',').unwrap_or_else(|| panic!("line {}: range", i + 1));
        out.push(Expect {
            doc: doc.map_or("scenarios/README.md".to_owned(), |f| format!("scenarios/{f}")),
            file: file.trim().to_owned(),
            expr: expr.trim().to_owned(),
            lo: lo.trim().parse().unwrap(),
            hi: hi.trim().parse().unwrap(),
            line: i + 1,
        });
    }
    out
}

fn value(doc: &serde_json::Value, path: &str) -> f64 {
    let v = path.split('.').fold(doc, |v, key| &v[key]);
    v.as_f64().unwrap_or_else(|| panic!("`{path}` is not a number in summary.json: {v}"))
}

fn eval(doc: &serde_json::Value, expr: &str) -> f64 {
    if let Some((a, b)) = expr.split_once(" / ") {
        return value(doc, a.trim()) / value(doc, b.trim());
    }
    if let Some((a, b)) = expr.split_once(" + ") {
        return value(doc, a.trim()) + value(doc, b.trim());
    }
    value(doc, expr)
}

#[test]
fn every_expect_paragraph_has_checks() {
    let readme = read(&repo("scenarios/README.md"));
    let lines: Vec<&str> = readme.lines().collect();
    let mut paragraphs = 0;
    for (i, line) in lines.iter().enumerate() {
        if !line.starts_with("Expect ") {
            continue;
        }
        paragraphs += 1;
        // the checks close the paragraph: the lines up to the next blank one
        let end = (i..lines.len()).find(|&j| lines[j].trim().is_empty()).unwrap_or(lines.len());
        let checked = lines[i..end].iter().filter(|l| l.starts_with("<!-- expect ")).count();
        assert!(checked > 0, "scenarios/README.md:{}: an \"Expect\" paragraph without checks", i + 1);
    }
    assert!(paragraphs >= 6, "the README's expectations were not found");
}

/// The scenario files, relative to `scenarios/`.
fn scenario_files() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["", "overlays/"] {
        for e in std::fs::read_dir(repo(&format!("scenarios/{dir}"))).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".toml") {
                out.push(format!("{dir}{name}"));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_expected_behaviour_block_has_checks() {
    let mut blocks = 0;
    for f in scenario_files() {
        let text = read(&repo(&format!("scenarios/{f}")));
        if !text.contains("# Expected behaviour") || f.starts_with("overlays/") {
            continue;
        }
        blocks += 1;
        assert!(
            !parse(&text, Some(&f)).is_empty(),
            "scenarios/{f}: an \"Expected behaviour\" block without checks"
        );
    }
    assert!(blocks >= 7, "the scenario files' expectations were not found ({blocks})");
}

/// A `-0.0` anywhere in a summary (a 0 computed as 0 × a negative number)
/// reads as a tiny negative figure: none may be written.
fn negative_zeros(v: &serde_json::Value, file: &str, path: &str, wrong: &mut Vec<String>) {
    match v {
        serde_json::Value::Number(n) if n.as_f64().is_some_and(|x| x == 0.0 && x.is_sign_negative()) => {
            wrong.push(format!("{file}: summary.json `{path}` is -0.0"));
        }
        serde_json::Value::Array(a) => {
            a.iter().enumerate().for_each(|(i, x)| negative_zeros(x, file, &format!("{path}[{i}]"), wrong));
        }
        serde_json::Value::Object(o) => {
            o.iter().for_each(|(k, x)| negative_zeros(x, file, &format!("{path}.{k}"), wrong));
        }
        _ => {}
    }
}

#[test]
fn every_expectation_of_the_scenario_docs_holds() {
    let readme = read(&repo("scenarios/README.md"));
    let mut checks = parse(&readme, None);
    for f in scenario_files() {
        checks.extend(parse(&read(&repo(&format!("scenarios/{f}"))), Some(&f)));
    }
    let mut by_file: BTreeMap<&str, Vec<&Expect>> = BTreeMap::new();
    for c in &checks {
        by_file.entry(c.file.as_str()).or_default().push(c);
    }
    let mut wrong = Vec::new();
    for (file, checks) in by_file {
        // `FILE@N`: the scenario's first N steps, before any change dated N or later
        let (path, first) = match file.split_once('@') {
            Some((path, n)) => (path, Some(n.parse::<u32>().unwrap_or_else(|_| panic!("{file}: steps")))),
            None => (file, None),
        };
        let mut s =
            load(&repo(&format!("scenarios/{path}"))).unwrap_or_else(|e| panic!("{file}: {e:?}")).scenario;
        if let Some(n) = first {
            s.changes.retain(|c| c.at < n);
            let o = pointsim::Overrides { steps: Some(n), ..Default::default() };
            pointsim::apply_overrides(&mut s, &o).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        }
        let sim = pointsim::simulate(&s, s.seed, &|_| {});
        let json =
            pointsim::output::summary_json(&s, s.seed, &sim.summary, pointsim::output::DEFAULT_MIN_CELL);
        let doc: serde_json::Value = serde_json::from_slice(&json).unwrap();
        negative_zeros(&doc, file, "", &mut wrong);
        for c in checks {
            let x = eval(&doc, &c.expr);
            if !(c.lo..=c.hi).contains(&x) {
                wrong.push(format!(
                    "{}:{}: {file}: {} = {x}, not in [{}, {}]",
                    c.doc, c.line, c.expr, c.lo, c.hi
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
