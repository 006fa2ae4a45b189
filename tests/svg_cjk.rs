//! SVG charts draw Chinese without a font on the viewer's side (issue
//! 14/11): every text that needs the CJK font is a group of glyph outlines
//! carrying its string, no `<text>` holds a CJK character, the outlines sit
//! where the PNG draws the same text, and English text stays `<text>`.

use pointsim::plot::{Chart, Lang, RunData, charts_in};

use crate::common::{pointsim, read, repo};

const XLINK: &str = "http://www.w3.org/1999/xlink";

/// Whether `c` is a CJK character (ideographs, CJK punctuation, full-width forms).
fn cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// The teaching toy's charts in `lang`, from one run of it, and the run's `report.html`.
fn toy_charts(lang: Lang) -> (Vec<Chart>, String) {
    let dir = tempfile::tempdir().unwrap();
    pointsim()
        .arg("run")
        .arg(repo("scenarios/teaching_toy.toml"))
        .arg("-o")
        .arg(dir.path())
        .args(["-q", "--lang", lang.tag()])
        .assert()
        .success();
    let charts = charts_in(&RunData::load(dir.path()).unwrap(), lang).unwrap();
    (charts, read(&dir.path().join("report.html")))
}

/// One text drawn as outlines.
struct Run {
    label: String,
    /// Bounding box `(x0, y0, x1, y1)` of its path points, in canvas pixels.
    bbox: (f32, f32, f32, f32),
    /// Bytes of its `<g>` element.
    bytes: usize,
}

/// The numbers in an attribute (`translate(a b) scale(s)`, `rotate(d, x, y)`, path data).
fn numbers(s: &str) -> Vec<f32> {
    s.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect()
}

/// Every outlined text of `svg`, after checking the document: it parses,
/// each group's `<title>` is its `aria-label`, and each `<use>` names a
/// path the document defines.
fn runs(svg: &str) -> Vec<Run> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("SVG does not parse: {e}"));
    let mut out = vec![];
    for g in doc.descendants().filter(|n| n.has_tag_name("g") && n.attribute("role") == Some("img")) {
        let label = g.attribute("aria-label").expect("an outlined text has an aria-label").to_owned();
        let title = g.children().find(|n| n.has_tag_name("title")).and_then(|t| t.text());
        assert_eq!(title, Some(label.as_str()), "title and aria-label differ");
        let rotate = g.attribute("transform").map(numbers);
        let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        let uses: Vec<_> = g.children().filter(|n| n.has_tag_name("use")).collect();
        assert!(!uses.is_empty(), "{label}: no glyphs");
        for u in uses {
            let href = u.attribute((XLINK, "href")).expect("xlink:href");
            let path = doc
                .descendants()
                .find(|n| n.has_tag_name("path") && n.attribute("id") == Some(&href[1..]))
                .unwrap_or_else(|| panic!("{label}: {href} is not defined"));
            let t = numbers(u.attribute("transform").unwrap());
            let d = numbers(&path.attribute("d").unwrap().replace(|c: char| c.is_ascii_alphabetic(), " "));
            for p in d.chunks(2) {
                let (mut x, mut y) = (t[0] + t[2] * p[0], t[1] + t[2] * p[1]);
                if let Some(r) = &rotate {
                    let (sin, cos) = r[0].to_radians().sin_cos();
                    let (dx, dy) = (x - r[1], y - r[2]);
                    (x, y) = (r[1] + dx * cos - dy * sin, r[2] + dx * sin + dy * cos);
                }
                b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
            }
        }
        let r = g.range();
        out.push(Run { label, bbox: b, bytes: r.end - r.start });
    }
    out
}

/// Text of every `<text>` element.
fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_owned())
        .collect()
}

/// Bounding box of the PNG's dark pixels (any channel below 160) inside `window`.
fn ink_box(png: &[u8], window: (f32, f32, f32, f32)) -> (f32, f32, f32, f32) {
    let img = image::load_from_memory(png).unwrap().to_rgb8();
    let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y, p) in img.enumerate_pixels() {
        let (fx, fy) = (x as f32, y as f32);
        if fx >= window.0 && fx < window.2 && fy >= window.1 && fy < window.3 && p.0.iter().any(|&v| v < 160)
        {
            b = (b.0.min(fx), b.1.min(fy), b.2.max(fx + 1.0), b.3.max(fy + 1.0));
        }
    }
    b
}

/// Every chart of `run --lang zh-CN`: no `<text>` holds a CJK character,
/// every translated word is an outlined group, the teaching toy's own
/// label "Warning and interview (约谈)" among them, and no two charts of
/// the report share an outline's id; the title and subtitle
/// outlines sit where the PNG inks them (within 2 px); and the outlines
/// grow linearly with the text (at most 2.5 kB per character, a Chinese
/// glyph's outline included, where one `<use>` of a glyph already defined
/// is under 100 bytes).
#[test]
fn chinese_charts_draw_their_text_as_outlines() {
    let (cs, html) = toy_charts(Lang::ZhCn);
    assert_eq!(cs.len(), 5, "the teaching toy draws five charts");
    let mut labels = vec![];
    for c in &cs {
        for t in texts(&c.svg) {
            assert!(!t.chars().any(cjk), "{}: CJK in a <text>: {t}", c.name);
        }
        let rs = runs(&c.svg);
        assert!(rs.iter().all(|r| r.label.chars().any(cjk)), "{}: an outlined text without CJK", c.name);
        // the chart's title is drawn first, the subtitle (it names the seed: 随机种子) second
        assert_eq!(rs[0].label, c.title, "{}", c.name);
        assert!(rs[1].label.contains("随机种子"), "{}: {}", c.name, rs[1].label);
        for r in &rs[..2] {
            let (x0, y0, x1, y1) = r.bbox;
            let ink = ink_box(&c.png, (x0 - 5.0, y0 - 5.0, x1 + 5.0, y1 + 5.0));
            let off = [ink.0 - x0, ink.1 - y0, ink.2 - x1, ink.3 - y1];
            assert!(
                off.iter().all(|d| d.abs() <= 2.0),
                "{}: {:?} at {:?}, PNG ink {ink:?}",
                c.name,
                r.label,
                r.bbox
            );
        }
        let chars: usize = rs.iter().map(|r| r.label.chars().count()).sum();
        let bytes: usize = rs.iter().map(|r| r.bytes).sum();
        assert!(bytes <= 2500 * chars, "{}: {bytes} bytes of outlines for {chars} characters", c.name);
        labels.extend(rs.into_iter().map(|r| r.label));
    }
    assert!(labels.iter().any(|l| l == "Warning and interview (约谈)"), "{labels:?}");
    // the report inlines the five charts in one page: their outlines' ids differ
    let mut ids: Vec<&str> = html.split(" id=\"").skip(1).map(|t| &t[..t.find('"').unwrap()]).collect();
    let all = ids.len();
    assert!(all > 100, "{all} ids: the charts are not inlined with their outlines");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "an id is repeated in report.html");
}

/// In English only the scenario's own Chinese (the teaching toy's
/// "约谈") becomes outlines; every other text stays a `<text>`, as before.
#[test]
fn english_charts_keep_their_text_as_text() {
    let (cs, _) = toy_charts(Lang::En);
    for c in &cs {
        let rs = runs(&c.svg);
        let labels: Vec<&str> = rs.iter().map(|r| r.label.as_str()).collect();
        if c.name == "access_by_group" {
            assert_eq!(labels, ["Warning and interview (约谈)"]);
            // centred under its bar, in the place the <text> had
            let (x0, _, x1, _) = rs[0].bbox;
            let ink = ink_box(&c.png, (x0 - 5.0, rs[0].bbox.1 - 2.0, x1 + 5.0, rs[0].bbox.3 + 2.0));
            assert!(
                (ink.0 - x0).abs() <= 2.0 && (ink.2 - x1).abs() <= 2.0,
                "{:?} vs PNG {ink:?}",
                rs[0].bbox
            );
        } else {
            assert!(labels.is_empty(), "{}: {labels:?}", c.name);
            assert!(!c.svg.contains("<use") && !c.svg.contains("<path"), "{}", c.name);
        }
        let ts = texts(&c.svg);
        assert!(ts.contains(&c.title), "{}: the title is a <text>", c.name);
        assert!(ts.iter().all(|t| !t.chars().any(cjk)), "{}", c.name);
    }
}
