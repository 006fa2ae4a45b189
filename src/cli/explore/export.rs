//! `pointsim explore --export PAGE.html`: one comparison as a page that needs no server.
//!
//! The page is the served one with its style and script inlined and the
//! data the server would answer (the controls, compare.json, the overlay
//! and the state) in a `<script type="application/json">` block; the script
//! then shows it with the controls read-only, except those of the
//! scenario's `explore.grid`: the page holds the comparison at every point
//! of that grid and shows the one the controls name. Scenario text is only ever in
//! that JSON, with `<`, `>` and `&` written as `\u003c`... so that no text
//! can close the block.

use super::controls;
use super::http::{FONT, FONT_PATH, INDEX, SCRIPT, STYLE};
use super::session::{ApiError, Prepared, Session};

/// The self-contained page of a prepared comparison.
///
/// # Errors
///
/// As the comparison; `500` when the page template lacks a place it fills (a bug).
pub fn page(session: &Session, p: &Prepared) -> Result<Vec<u8>, ApiError> {
    let internal = |m: &str| ApiError { status: 500, message: format!("error: {m}\n") };
    let computed = session.compute(p)?;
    let overlay = super::overlay::overlay(session, p)?;
    let json = |bytes: Vec<u8>| {
        serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|_| internal("bad JSON"))
    };
    let data = serde_json::json!({
        "scenario": json(controls::scenario_json(session))?,
        "compare": json(computed.compare)?,
        "timeline": computed.timeline,
        "fairness": computed.fairness,
        "overlay": overlay,
        "query": p.query.to_query(),
        "grid": grid(session, p)?,
    });
    let data = script_safe(&serde_json::to_string(&data).map_err(|_| internal("bad JSON"))?);
    let style_tag = r#"<link rel="stylesheet" href="/explore.css">"#;
    let script_tag = r#"<script src="/explore.js" defer></script>"#;
    let fits = INDEX.contains(style_tag)
        && INDEX.contains(script_tag)
        && INDEX.contains("</body>")
        && STYLE.contains(&format!("url({FONT_PATH})"));
    if !fits || SCRIPT.contains("</script") || STYLE.contains("</style") {
        return Err(internal("the page template has changed; the export does not know where to put things"));
    }
    // a Chinese page carries the CJK font (2 MB as base64): from `file://` there is no server to ask
    let style = if session.opts.lang == controls::Lang::ZhCn {
        STYLE.replace(&format!("url({FONT_PATH})"), &format!("url(data:font/otf;base64,{})", base64(FONT)))
    } else {
        STYLE.to_owned()
    };
    let html = INDEX
        .replace(style_tag, &format!("<style>\n{style}</style>"))
        .replace(script_tag, "")
        .replace(
            "</body>",
            &format!(
                "<script type=\"application/json\" id=\"explore-data\">{data}</script>\n<script>\n{SCRIPT}</script>\n</body>"
            ),
        );
    Ok(html.into_bytes())
}

/// The comparison at every point of the scenario's `explore.grid` (`null`
/// without one): `{ "axes": [{ "path", "values" }], "cells": { "V1|V2": {
/// "compare", "timeline", "fairness" } } }`. A point is the page's state with the grid
/// controls' `set`s replaced by the point's, appended in grid order; its
/// `compare` is what `pointsim compare` gives for those `--set`s.
///
/// # Errors
///
/// A point that does not run, with the `--set` message and the point named.
fn grid(session: &Session, p: &Prepared) -> Result<serde_json::Value, ApiError> {
    let axes = session.reform.explore.grid_values();
    if axes.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    let internal = |m: &str| ApiError { status: 500, message: format!("error: {m}\n") };
    let kept: Vec<String> = p
        .query
        .sets
        .iter()
        .filter(|s| !axes.iter().any(|(path, _)| s.split_once('=').is_some_and(|(q, _)| q.trim() == path)))
        .cloned()
        .collect();
    let texts: Vec<Vec<String>> = axes.iter().map(|(_, v)| v.iter().map(f64::to_string).collect()).collect();
    let mut cells = serde_json::Map::new();
    let mut point = vec![0usize; axes.len()];
    loop {
        let values: Vec<&str> = point.iter().zip(&texts).map(|(&i, t)| t[i].as_str()).collect();
        let mut sets = kept.clone();
        sets.extend(axes.iter().zip(&values).map(|((path, _), v)| format!("{path}={v}")));
        let query = super::query::Query { sets, ..p.query.clone() };
        let at = |e: ApiError| ApiError {
            message: format!("in the grid point {}: {}", values.join(", "), e.message),
            ..e
        };
        let c = session.prepare(query).and_then(|q| session.compute(&q)).map_err(at)?;
        let compare: serde_json::Value =
            serde_json::from_slice(&c.compare).map_err(|_| internal("bad JSON"))?;
        cells.insert(
            values.join("|"),
            serde_json::json!({ "compare": compare, "timeline": c.timeline, "fairness": c.fairness }),
        );
        // the next point, the last axis fastest
        let mut k = axes.len();
        loop {
            if k == 0 {
                let axes: Vec<_> = axes
                    .iter()
                    .zip(&texts)
                    .map(|((path, _), v)| serde_json::json!({ "path": path, "values": v }))
                    .collect();
                return Ok(serde_json::json!({ "axes": axes, "cells": cells }));
            }
            k -= 1;
            point[k] += 1;
            if point[k] < texts[k].len() {
                break;
            }
            point[k] = 0;
        }
    }
}

/// `bytes` in standard base64 with padding (RFC 4648), for a `data:` address.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * k) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// JSON text that can stand inside a `<script>` element: `<`, `>` and `&`
/// (which occur only inside strings) as `\u` escapes.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::{base64, script_safe};

    #[test]
    fn base64_is_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xff, 0xfe]), "//4=");
    }

    #[test]
    fn no_text_can_close_the_script_block() {
        let json = serde_json::to_string(&serde_json::json!({ "name": "</script><b>&" })).unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }
}
