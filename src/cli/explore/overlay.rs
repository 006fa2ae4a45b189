//! "Download overlay": the page's reform as a TOML overlay that `pointsim run` and `compare` accept.
//!
//! The overlay `extends` the file the changes were made to by its file name
//! alone, and `extends` is read relative to the overlay's own folder: saved
//! next to that file (its first comment says so, and names the folder), it
//! runs on any machine that has the scenario folder, wherever that folder
//! is. It holds only what differs from that file:
//! the difference between that file's merged document and the changed one,
//! with entries of `[[rule]]`, `[[tier]]` and the like named by their `id`
//! or `name`. Before it is offered it is read back like any scenario and
//! must give the very scenario the page compared.

use std::path::Path;

use toml::{Table, Value};

use super::batch;
use super::session::{ApiError, Prepared, Session};

/// The overlay of a prepared request, as TOML text.
///
/// # Errors
///
/// `500` when the overlay does not read back as the reform (a bug, not bad input).
pub fn overlay(session: &Session, p: &Prepared) -> Result<String, ApiError> {
    let internal = |m: String| ApiError { status: 500, message: format!("error: {m}\n") };
    let file = session.reform_path();
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| internal(format!("`{}` names no file", file.display())))?;
    let folder = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let before = batch::document(&session.reform).map_err(internal)?;
    let after: Table = p.reform_loaded.source.text.parse().map_err(|e| internal(format!("{e}")))?;
    let mut doc = diff(&before, &after, "");
    let o = &p.query.overrides;
    let mut put = |table: &str, key: &str, v: Value| {
        if let Value::Table(t) = doc.entry(table).or_insert_with(|| Value::Table(Table::new())) {
            t.insert(key.to_owned(), v);
        }
    };
    let int = |x: u64| Value::Integer(i64::try_from(x).unwrap_or(i64::MAX));
    put("scenario", "name", Value::String(p.reform.name.clone()));
    if let Some(seed) = o.seed {
        put("scenario", "seed", int(seed));
    }
    if let Some(steps) = o.steps {
        put("scenario", "steps", int(steps.into()));
    }
    if let Some(size) = o.population {
        put("population", "size", int(size));
    }
    doc.insert("extends".into(), Value::String(name.clone()));
    let body = toml::to_string(&doc).map_err(|e| internal(format!("cannot write the overlay: {e}")))?;
    let opts = &session.opts;
    let argv = p.query.argv(&opts.base_path, opts.reform_path.as_deref(), opts.min_cell);
    let plain = super::query::Query { sets: Vec::new(), ..p.query.clone() };
    let again = plain.argv(&opts.base_path, Some(Path::new("FILE")), opts.min_cell);
    let one_line = |s: String| s.replace(['\n', '\r'], " ");
    let mut text = format!(
        "# A reform written by `pointsim explore`, the same as\n#   {}\n#\n\
         # Save this file as `{}` next to `{name}` (in `{}`, from where `pointsim explore` \
         was\n# started): `extends` below is read relative to this file's folder. Saved elsewhere, \
         change `extends`\n# to the path of `{name}` from this file's folder (or to an absolute path).\n#\n\
         # Then run it with `pointsim run FILE`, or compare it with its base:\n#   {}\n\n",
        one_line(argv.join(" ")),
        download_name(session),
        one_line(folder.display().to_string()),
        one_line(again.join(" "))
    );
    text.push_str(&body);
    // read back: it must be the reform the page showed
    let back = pointsim::scenario::parse_in(&text, "overlay.toml", folder)
        .map_err(|d| internal(format!("the overlay does not read back: {}", d.render(false))))?;
    if back.scenario != p.reform {
        return Err(internal("the overlay does not give the compared reform".into()));
    }
    Ok(text)
}

/// The file name the overlay is offered as: `STEM-explore.toml` after the
/// file the changes were made to (`reform.toml` when its stem is not plain
/// letters, digits, `-`, `_` and `.`, so that it fits a header unquoted).
pub fn download_name(session: &Session) -> String {
    let stem =
        session.reform_path().file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let plain = !stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if plain { format!("{stem}-explore.toml") } else { "reform.toml".to_owned() }
}

/// What `after` changes of `before`, as an overlay's table (`path`: the dotted table path).
fn diff(before: &Table, after: &Table, path: &str) -> Table {
    let mut out = Table::new();
    for (key, new) in after {
        let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        match (before.get(key), new) {
            (Some(old), new) if old == new => {}
            (Some(Value::Table(old)), Value::Table(new)) => {
                out.insert(key.clone(), Value::Table(diff(old, new, &child)));
            }
            (Some(Value::Array(old)), Value::Array(new)) => {
                let ident = batch::ident_key(&child, None);
                match entries(old, new, ident, &child) {
                    Some(changed) => out.insert(key.clone(), Value::Array(changed)),
                    None => out.insert(key.clone(), Value::Array(new.clone())),
                };
            }
            _ => {
                out.insert(key.clone(), new.clone());
            }
        }
    }
    out
}

/// The changed entries of an array of tables identified by `ident`, each
/// with its identity and what changed; `None` when the entries have no identity.
fn entries(old: &[Value], new: &[Value], ident: &str, path: &str) -> Option<Vec<Value>> {
    let id = |v: &Value| v.as_table().and_then(|t| t.get(ident)).and_then(Value::as_str).map(str::to_owned);
    if old.iter().chain(new).any(|v| id(v).is_none()) || old.len() != new.len() {
        return None;
    }
    let mut out = Vec::new();
    for n in new {
        let name = id(n)?;
        let o = old.iter().find(|o| id(o).as_deref() == Some(&name))?;
        let d = diff(o.as_table()?, n.as_table()?, path);
        if !d.is_empty() {
            let mut entry = Table::new();
            entry.insert(ident.to_owned(), Value::String(name));
            entry.extend(d);
            out.push(Value::Table(entry));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_names_changed_entries_by_identity() {
        let before: Table =
            "[scenario]\nsteps = 5\nname = \"x\"\n[[rule]]\nid = \"a\"\npoints = 1\nrate = 2.0\n\
                             [[rule]]\nid = \"b\"\npoints = 3\n"
                .parse()
                .unwrap();
        let after: Table =
            "[scenario]\nsteps = 5\nname = \"x\"\n[[rule]]\nid = \"a\"\npoints = 1\nrate = 2.0\n\
                            [[rule]]\nid = \"b\"\npoints = 4\n"
                .parse()
                .unwrap();
        let d = diff(&before, &after, "");
        assert_eq!(toml::to_string(&d).unwrap(), "[[rule]]\nid = \"b\"\npoints = 4\n");
    }
}
