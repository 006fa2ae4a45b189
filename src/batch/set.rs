//! `--set PATH=VALUE` changes to a loaded scenario (`pointsim compare
//! --set`, Python's `Scenario.set`): each value set at its dotted
//! [`path`](super::path) in the scenario's flattened document, and the
//! changed document checked like any scenario file.

use std::path::Path;

use toml::{Table, Value};

use super::path::{ParamPath, PathError, apply, value_of};
use crate::scenario::{self, Diagnostics, Loaded};

/// One change: a dotted path, a value, and how the change is shown in
/// messages and names (`rule.volunteering.points=10`).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// As written (`--set` text), or as the front end shows it.
    pub shown: String,
    /// The dotted path (surrounding spaces are ignored).
    pub path: String,
    /// The value to set.
    pub value: Value,
}

impl Change {
    /// A change written as `--set PATH=VALUE`: the value is TOML (`10`, `0.5`,
    /// `true`, `"AA"`, `[1, 2]`), or else the text as a string (`AA`).
    ///
    /// # Errors
    ///
    /// The text has no `=`.
    pub fn parse(text: &str) -> Result<Change, PathError> {
        let Some((path, value)) = text.split_once('=') else {
            return Err(PathError {
                message: format!("`--set {text}` has no `=`"),
                hint: Some("write a path and a value, like `--set rule.volunteering.points=10`".into()),
            });
        };
        Ok(Change { shown: text.to_owned(), path: path.to_owned(), value: value_of(value.trim()) })
    }
}

/// Why changes cannot be made.
#[derive(Debug, Clone)]
pub enum SetError {
    /// A path that names nothing, or a document that cannot be written: one
    /// message (`in `--set PATH=VALUE`: ...`) and maybe a hint.
    Path(PathError),
    /// The changed scenario has errors; the diagnostics have no positions
    /// (they would point into the changed document, not a file).
    Invalid(Diagnostics),
}

/// The flattened document of `loaded` (overlays merged) with `changes` made, in order.
///
/// # Errors
///
/// A path that names nothing, or a document that cannot be flattened.
pub fn document(loaded: &Loaded, changes: &[Change]) -> Result<Table, PathError> {
    let mut doc = super::flatten::document(loaded).map_err(|message| PathError { message, hint: None })?;
    for c in changes {
        let located =
            |e: PathError| PathError { message: format!("in `--set {}`: {}", c.shown, e.message), ..e };
        let path = ParamPath::parse(c.path.trim()).map_err(located)?;
        apply(&mut doc, &path, c.value.clone()).map_err(located)?;
    }
    Ok(doc)
}

/// `loaded` with `changes` made, checked like any scenario: named `<file>
/// with --set A --set B`, its scenario name followed by `(A, B)`, its chain
/// that of `loaded` (the files it was read from). An `extends` set here is
/// read from the folder of the file it changes. No changes give `loaded` back.
///
/// # Errors
///
/// [`SetError::Path`] for a path that names nothing; [`SetError::Invalid`]
/// when the changed scenario has errors.
pub fn with_sets(loaded: Loaded, changes: &[Change]) -> Result<Loaded, SetError> {
    if changes.is_empty() {
        return Ok(loaded);
    }
    let doc = document(&loaded, changes).map_err(SetError::Path)?;
    let text = toml::to_string(&doc).map_err(|e| {
        SetError::Path(PathError { message: format!("cannot write the changed scenario: {e}"), hint: None })
    })?;
    let shown: Vec<&str> = changes.iter().map(|c| c.shown.as_str()).collect();
    let name = format!("{} with --set {}", loaded.source.name, shown.join(" --set "));
    let dir = Path::new(&loaded.source.name).parent().unwrap_or(Path::new(""));
    let mut changed = scenario::parse_in(&text, &name, dir).map_err(|d| {
        let mut plain = Diagnostics::new(name.clone(), "");
        for item in d.items() {
            let mut item = item.clone();
            item.span = None;
            plain.push(item);
        }
        SetError::Invalid(plain)
    })?;
    changed.scenario.name = format!("{} ({})", changed.scenario.name, shown.join(", "));
    changed.source.chain = loaded.source.chain;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_value_is_toml_or_else_text() {
        let c = Change::parse("perk.library.min_tier = AA").unwrap();
        assert_eq!((c.path.as_str(), c.value), ("perk.library.min_tier ", Value::String("AA".into())));
        assert_eq!(Change::parse("rule.x.points=10").unwrap().value, Value::Integer(10));
        assert_eq!(Change::parse("tier.A.min=[1, 2]").unwrap().value, toml::Value::try_from([1, 2]).unwrap());
        assert!(Change::parse("rule.x.points").unwrap_err().message.contains("has no `=`"));
    }

    #[test]
    fn changes_name_the_scenario_and_keep_its_chain() {
        let base = scenario::load(Path::new("scenarios/teaching_toy.toml")).unwrap();
        let changed = with_sets(base.clone(), &[Change::parse("population.size=500").unwrap()]).unwrap();
        assert_eq!(changed.scenario.population, 500);
        assert_eq!(changed.source.name, "scenarios/teaching_toy.toml with --set population.size=500");
        assert_eq!(changed.scenario.name, format!("{} (population.size=500)", base.scenario.name));
        assert_eq!(changed.source.chain, base.source.chain);
        let err = with_sets(base, &[Change::parse("rule.nope.points=1").unwrap()]).unwrap_err();
        assert!(matches!(err, SetError::Path(e) if e.message.starts_with("in `--set rule.nope.points=1`: ")));
    }
}
