//! `--set PATH=VALUE`: one-value changes of a loaded scenario, shared by
//! `run` and `compare` (and `explore`'s controls), with the dotted paths of
//! sweep plans.

use std::path::Path;

use pointsim::scenario::{self, Loaded};

use super::Failure;

/// `reform` (or `base`) with the `--set` changes, checked like any scenario;
/// diagnostics coloured when `color`.
pub fn with_sets(reform: Loaded, sets: &[String], color: bool) -> Result<Loaded, Failure> {
    use pointsim::batch::path::{ParamPath, apply};
    if sets.is_empty() {
        return Ok(reform);
    }
    let bad = |msg: String, hint: Option<String>| {
        let hint = hint.map_or_else(String::new, |h| format!("\nhint: {h}\n"));
        Failure::BadInput(format!("error: {msg}\n{hint}"))
    };
    let mut doc = pointsim::batch::flatten::document(&reform).map_err(|e| bad(e, None))?;
    for set in sets {
        let Some((path, value)) = set.split_once('=') else {
            return Err(bad(
                format!("`--set {set}` has no `=`"),
                Some("write a path and a value, like `--set rule.volunteering.points=10`".into()),
            ));
        };
        let path = ParamPath::parse(path.trim())
            .map_err(|e| bad(format!("in `--set {set}`: {}", e.message), e.hint))?;
        apply(&mut doc, &path, value_of(value.trim()))
            .map_err(|e| bad(format!("in `--set {set}`: {}", e.message), e.hint))?;
    }
    let text =
        toml::to_string(&doc).map_err(|e| bad(format!("cannot write the changed scenario: {e}"), None))?;
    let name = format!("{} with --set {}", reform.source.name, sets.join(" --set "));
    // an `extends` set here is read from the folder of the file it changes
    let dir = Path::new(&reform.source.name).parent().unwrap_or(Path::new(""));
    let mut loaded = scenario::parse_in(&text, &name, dir).map_err(|d| {
        // positions would point into the changed document, not a file: leave them out
        let mut plain = scenario::Diagnostics::new(name.clone(), "");
        for item in d.items() {
            let mut item = item.clone();
            item.span = None;
            plain.push(item);
        }
        Failure::BadInput(plain.render(color))
    })?;
    loaded.scenario.name = format!("{} ({})", loaded.scenario.name, sets.join(", "));
    loaded.source.chain = reform.source.chain;
    Ok(loaded)
}

/// A `--set` value: TOML (`10`, `0.5`, `true`, `"AA"`, `[1, 2]`), or else the text as a string (`AA`).
fn value_of(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}
