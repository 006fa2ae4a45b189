//! `--set PATH=VALUE`: one-value changes of a loaded scenario, shared by
//! `run` and `compare` (and `explore`'s controls), with the dotted paths of
//! sweep plans.

use pointsim::scenario::Loaded;

use super::Failure;

/// `reform` (or `base`) with the `--set` changes, checked like any scenario
/// ([`pointsim::batch::set::with_sets`]); diagnostics coloured when `color`.
pub fn with_sets(reform: Loaded, sets: &[String], color: bool) -> Result<Loaded, Failure> {
    use pointsim::batch::set::{self, Change, SetError};
    let bad = |e: pointsim::batch::path::PathError| {
        let hint = e.hint.map_or_else(String::new, |h| format!("\nhint: {h}\n"));
        Failure::BadInput(format!("error: {}\n{hint}", e.message))
    };
    let mut changes = Vec::with_capacity(sets.len());
    for text in sets {
        match Change::parse(text) {
            Ok(c) => changes.push(c),
            Err(e) => {
                // changes are made in order: a bad path before this one is reported first
                set::document(&reform, &changes).map_err(bad)?;
                return Err(bad(e));
            }
        }
    }
    set::with_sets(reform, &changes).map_err(|e| match e {
        SetError::Path(e) => bad(e),
        SetError::Invalid(d) => Failure::BadInput(d.render(color)),
    })
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

/// The options that change a run's or a compare's results, as `name=value`
/// parts of its folder name ([`folder_name`] takes them after the `--set`s):
/// `--seed`, `--population` and `--steps` whose value differs from the
/// scenario's own, a compare's `--replicates` other than its default
/// (`replicates`), and `--min-cell` other than the default.
pub fn option_changes(
    s: &pointsim::scenario::Scenario,
    o: &pointsim::Overrides,
    replicates: Option<u32>,
    min_cell: u32,
) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(v) = o.seed.filter(|&v| v != s.seed) {
        parts.push(format!("seed={v}"));
    }
    if let Some(v) = o.population.filter(|&v| v != s.population) {
        parts.push(format!("population={v}"));
    }
    if let Some(v) = o.steps.filter(|&v| v != s.steps) {
        parts.push(format!("steps={v}"));
    }
    if let Some(r) = replicates {
        parts.push(format!("replicates={r}"));
    }
    if min_cell != pointsim::output::DEFAULT_MIN_CELL {
        parts.push(format!("min_cell={min_cell}"));
    }
    parts
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
