//! `pointsim explore --export PAGE.html`: one comparison as a page that needs no server.
//!
//! The page is the served one with its style and script inlined and the
//! data the server would answer (the controls, compare.json, the overlay
//! and the state) in a `<script type="application/json">` block; the script
//! then shows it with the controls read-only. Scenario text is only ever in
//! that JSON, with `<`, `>` and `&` written as `\u003c`... so that no text
//! can close the block.

use super::controls;
use super::http::{INDEX, SCRIPT, STYLE};
use super::session::{ApiError, Prepared, Session};

/// The self-contained page of a prepared comparison.
///
/// # Errors
///
/// As the comparison; `500` when the page template lacks a place it fills (a bug).
pub fn page(session: &Session, p: &Prepared) -> Result<Vec<u8>, ApiError> {
    let internal = |m: &str| ApiError { status: 500, message: format!("error: {m}\n") };
    let compare = session.compare_json(p)?;
    let overlay = super::overlay::overlay(session, p)?;
    let json = |bytes: Vec<u8>| {
        serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|_| internal("bad JSON"))
    };
    let data = serde_json::json!({
        "scenario": json(controls::scenario_json(session))?,
        "compare": json(compare)?,
        "overlay": overlay,
        "query": p.query.to_query(),
    });
    let data = script_safe(&serde_json::to_string(&data).map_err(|_| internal("bad JSON"))?);
    let style_tag = r#"<link rel="stylesheet" href="/explore.css">"#;
    let script_tag = r#"<script src="/explore.js" defer></script>"#;
    let fits = INDEX.contains(style_tag) && INDEX.contains(script_tag) && INDEX.contains("</body>");
    if !fits || SCRIPT.contains("</script") || STYLE.contains("</style") {
        return Err(internal("the page template has changed; the export does not know where to put things"));
    }
    let html = INDEX
        .replace(style_tag, &format!("<style>\n{STYLE}</style>"))
        .replace(script_tag, "")
        .replace(
            "</body>",
            &format!(
                "<script type=\"application/json\" id=\"explore-data\">{data}</script>\n<script>\n{SCRIPT}</script>\n</body>"
            ),
        );
    Ok(html.into_bytes())
}

/// JSON text that can stand inside a `<script>` element: `<`, `>` and `&`
/// (which occur only inside strings) as `\u` escapes.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::script_safe;

    #[test]
    fn no_text_can_close_the_script_block() {
        let json = serde_json::to_string(&serde_json::json!({ "name": "</script><b>&" })).unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["name"], "</script><b>&");
    }
}
