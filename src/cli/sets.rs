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

/// The most bytes of the part of a folder name made from `--set` changes.
const MAX_CHANGE_BYTES: usize = 100;

/// A folder name for `stem` changed by `sets`: `stem` alone without
/// changes, else `stem__PATH=VALUE__PATH=VALUE…`
/// (`teaching_toy__rule.volunteer_service.points=10`). Letters, digits and
/// `.-_+=` are kept, anything else (`/`, quotes, spaces) becomes `_`, as
/// [`file_stems`](pointsim::output::file_stems) does for chart names. A
/// change part longer than 100 bytes is cut and ends in the first 8 hex
/// digits of the SHA-256 of the changes, so long changes stay distinct. The
/// same changes always give the same name. Two changes whose names collide
/// are still safe: a folder holding another change's results is refused
/// (see `rerun`).
pub fn folder_name(stem: &str, sets: &[String]) -> String {
    match change_name(sets) {
        Some(part) => format!("{stem}__{part}"),
        None => stem.to_owned(),
    }
}

/// The part of [`folder_name`] made from `sets`: `None` without changes.
pub fn change_name(sets: &[String]) -> Option<String> {
    if sets.is_empty() {
        return None;
    }
    let changes: Vec<String> = sets
        .iter()
        .map(|set| match set.split_once('=') {
            Some((path, value)) => format!("{}={}", path.trim(), value.trim()),
            None => set.trim().to_owned(),
        })
        .collect();
    let mut part: String = changes
        .join("__")
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+' | '=') { c } else { '_' })
        .collect();
    if part.len() > MAX_CHANGE_BYTES {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(changes.join("\n").as_bytes());
        let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
        let mut at = MAX_CHANGE_BYTES - hex.len() - 1;
        while !part.is_char_boundary(at) {
            at -= 1;
        }
        part.truncate(at);
        part.push('-');
        part.push_str(&hex);
    }
    Some(part)
}

#[cfg(test)]
mod tests {
    use super::folder_name;

    #[test]
    fn folder_names_are_safe_bounded_and_deterministic() {
        let sets = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(folder_name("teaching_toy", &[]), "teaching_toy");
        assert_eq!(
            folder_name("teaching_toy", &sets(&["rule.volunteer_service.points = 10"])),
            "teaching_toy__rule.volunteer_service.points=10"
        );
        assert_eq!(
            folder_name("r", &sets(&["perk.p.min_tier=\"AA\"", "recovery.restore_after=12"])),
            "r__perk.p.min_tier=_AA___recovery.restore_after=12"
        );
        assert_eq!(folder_name("r", &sets(&["a.b=../../x y"])), "r__a.b=.._.._x_y");
        let long = sets(&[&format!("rule.x.points={}", "9".repeat(300))]);
        let other = sets(&[&format!("rule.x.points={}8", "9".repeat(299))]);
        let (a, b) = (folder_name("r", &long), folder_name("r", &other));
        assert!(a.len() <= "r__".len() + 100, "{a}");
        assert_ne!(a, b);
        assert_eq!(a, folder_name("r", &long));
    }
}
