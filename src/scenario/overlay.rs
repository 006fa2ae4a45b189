//! Overlay scenarios: a file that says `extends = "base.toml"` and holds only what changes.
//!
//! The chain of files (the given file, the file it extends, and so on) is read
//! first; their texts are then joined, given file first, into one text in
//! which every byte range names both a file and a place in it. Each file is
//! parsed on its own, its spans moved to where its text sits in the joined
//! text, and the documents are merged from the root base up:
//!
//! - tables (`[scenario]`, `[score]`, inline tables such as `rate_by_tier`)
//!   merge key by key, the overlay's value winning;
//! - arrays of tables merge entry by entry, by identity ([`IDENTITY`]): an
//!   entry whose `id` (or `name`) is in the base patches that entry key by
//!   key, a new one is appended, and `remove = true` with only the identity
//!   key removes the base entry (an array whose entries have no identity,
//!   such as a rule's score bands, is replaced whole);
//! - any other value (numbers, strings, plain arrays) replaces the base's.
//!
//! The merged document then goes through the ordinary reader and checks, so
//! every value keeps the span of the file it was written in, and a message
//! about it points into that file.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::diag::{Diagnostic, Diagnostics};
use super::read::kind;
use super::suggest;

/// The most `extends` links followed from the given file.
pub const MAX_DEPTH: usize = 8;

/// The arrays of tables an overlay may change: dotted path, the key that
/// identifies an entry (empty: the overlay's array replaces the base's
/// whole, for lists such as score bands whose entries have no name), and
/// the noun messages use for an entry.
pub(crate) const IDENTITY: &[(&str, &str, &str)] = &[
    ("tier", "name", "tier"),
    ("population.group", "name", "group"),
    ("kind", "name", "kind"),
    ("rule", "id", "rule"),
    ("perk", "id", "perk"),
    ("restriction", "id", "restriction"),
    ("list", "id", "list"),
    ("test", "name", "test"),
    ("lesson", "title", "lesson step"),
    ("change", "label", "change"),
    ("explore.control", "path", "control"),
    ("rule.rate_by_score", "", "band"),
];

/// One file of a chain.
#[derive(Debug, Clone)]
pub(crate) struct File {
    /// Its path as the user gave it, or as reached from the overlay's folder.
    pub name: String,
    /// Its text.
    pub text: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// The files of a scenario, the given one first, then the file it extends, and so on.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    /// The files, given file first.
    pub files: Vec<File>,
    /// Their texts joined with a newline between two files, given file first.
    pub text: String,
    /// Where each file's text sits in `text`.
    pub ranges: Vec<Range<usize>>,
}

impl Chain {
    /// A chain of the files in `files`, given file first.
    fn new(files: Vec<File>) -> Chain {
        let mut text = String::new();
        let mut ranges = Vec::with_capacity(files.len());
        for (i, f) in files.iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            let start = text.len();
            text.push_str(&f.text);
            ranges.push(start..text.len());
        }
        Chain { files, text, ranges }
    }

    /// An empty diagnostics list that can point into every file of the chain.
    pub fn diagnostics(&self) -> Diagnostics {
        let files = self.files.iter().zip(&self.ranges).map(|(f, r)| (f.name.clone(), r.clone())).collect();
        Diagnostics::with_files(&self.files[0].name, &self.text, files)
    }
}

/// SHA-256 of `bytes`, lowercase hex.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Follow `extends` from the file `name` (whose text is `text`) to the root
/// base, reading every file on the way.
///
/// # Errors
///
/// One positioned diagnostic (at the `extends` value that leads to it) when
/// `extends` is not a string, a base file is missing or unreadable, the chain
/// loops back on itself, or it is longer than [`MAX_DEPTH`].
///
/// The given file's `extends` is read from `dir` (its folder); each base's
/// from the folder of that base.
pub(crate) fn read_chain(name: &str, text: String, dir: &Path) -> Result<Chain, Diagnostics> {
    let top = File { name: name.to_owned(), sha256: sha256(text.as_bytes()), text };
    let mut files = vec![top];
    let mut seen = vec![identity(Path::new(name))];
    loop {
        let cur = files.last().expect("a chain has a file");
        if !cur.text.contains("extends") {
            break; // the common case, without parsing the file a second time
        }
        let (doc, _) = DeTable::parse_recoverable(&cur.text);
        let Some(ext) = doc.get_ref().get("extends") else { break };
        let offset: usize = files[..files.len() - 1].iter().map(|f| f.text.len() + 1).sum();
        let span = ext.span().start + offset..ext.span().end + offset;
        let fail = |files: Vec<File>, d: Diagnostic| {
            let mut ds = Chain::new(files).diagnostics();
            ds.push(d.with_span(span.clone()));
            Err(ds)
        };
        let DeValue::String(target) = ext.get_ref() else {
            let d =
                Diagnostic::error(format!("expected a string for `extends`, found {}", kind(ext.get_ref())))
                    .with_hint(
                        "write the path of the base scenario in quotes, like `extends = \"base.toml\"`",
                    );
            return fail(files, d);
        };
        if files.len() > MAX_DEPTH {
            let d = Diagnostic::error(format!(
                "`extends` goes more than {MAX_DEPTH} files deep, starting at `{}`",
                files[0].name
            ))
            .with_label("one more level here")
            .with_hint(
                "make a deep overlay extend the scenario its base extends, or merge some of the levels",
            );
            return fail(files, d);
        }
        let folder =
            if files.len() == 1 { dir } else { Path::new(&cur.name).parent().unwrap_or(Path::new("")) };
        let path = normalize(&folder.join(target.as_ref()));
        let shown = path.display().to_string();
        let id = identity(&path);
        if let Some(first) = seen.iter().position(|s| *s == id) {
            let mut cycle: Vec<&str> = files[first..].iter().map(|f| f.name.as_str()).collect();
            cycle.push(&shown);
            let d = Diagnostic::error(format!("`extends` makes a cycle: {}", cycle.join(" → ")))
                .with_label("leads back to a file already in the chain")
                .with_hint("the root of a chain of overlays must be a complete scenario without `extends`");
            return fail(files, d);
        }
        let base = match read_base(&path, &shown, folder) {
            Ok(t) if not_toml(&t) => {
                // quote nothing from it: it may be any file on the system
                let d = Diagnostic::error(format!("`extends` names `{shown}`, which is not a TOML scenario"))
                    .with_label("not a scenario file")
                    .with_hint("`extends` names the base scenario, a `.toml` file; is this the right path?");
                return fail(files, d);
            }
            Ok(t) => t,
            Err(d) => return fail(files, d),
        };
        seen.push(id);
        files.push(File { name: shown, sha256: sha256(base.as_bytes()), text: base });
    }
    Ok(Chain::new(files))
}

/// Whether `text` is not TOML at all (a password file, a log, a script):
/// it fails to parse, and no line that is not a comment opens a `[table]`
/// or holds a `key = value`. Such a file is reported without quoting it.
pub(crate) fn not_toml(text: &str) -> bool {
    let structured = text
        .lines()
        .map(str::trim_start)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| l.starts_with('[') || l.contains('='));
    !structured && DeTable::parse(text).is_err()
}

/// What makes two paths the same file: the canonical path, or the path as
/// written when it cannot be resolved.
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// `a/b/../c` → `a/c`, without touching the file system (so a relative
/// path stays relative and readable in messages).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.is_empty() { PathBuf::from(".") } else { out.iter().collect() }
}

/// The text of the base file at `path` (named `shown`), or why it cannot be read.
fn read_base(path: &Path, shown: &str, folder: &Path) -> Result<String, Diagnostic> {
    use super::file::ReadError;
    match super::file::read(path) {
        Ok(text) => Ok(text),
        Err(ReadError::Directory) => {
            Err(Diagnostic::error(format!("`extends` names `{shown}`, which is a directory"))
                .with_hint("give the path of a `.toml` scenario file"))
        }
        Err(ReadError::NotFound) => {
            let mut hint = format!(
                "the path is relative to the folder of the file that says `extends` (`{}`)",
                if folder.as_os_str().is_empty() { "." } else { folder.to_str().unwrap_or("?") }
            );
            if let Some(near) = nearest_file(path) {
                hint.push_str("; ");
                hint.push_str(&suggest::did_you_mean(&near));
            }
            Err(Diagnostic::error(format!("`extends` names `{shown}`, which does not exist"))
                .with_label("no such file")
                .with_hint(hint))
        }
        Err(e) => Err(e.diagnostic(shown)),
    }
}

/// The `.toml` file in the folder of `path` whose name is nearest to its name.
fn nearest_file(path: &Path) -> Option<String> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let want = path.file_name()?.to_str()?;
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    suggest::nearest(want, names.iter().map(String::as_str)).map(str::to_owned)
}

/// `v` with every span (its own, its keys' and its items') moved `by` bytes on.
pub(crate) fn shift(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let span = v.span();
    let inner = match v.into_inner() {
        DeValue::Array(a) => DeValue::Array(a.into_iter().map(|x| shift(x, by)).collect()),
        DeValue::Table(t) => DeValue::Table(shift_table(t, by)),
        other => other,
    };
    Spanned::new(span.start + by..span.end + by, inner)
}

/// [`shift`] for a table.
pub(crate) fn shift_table(t: DeTable<'_>, by: usize) -> DeTable<'_> {
    t.into_iter()
        .map(|(k, v)| {
            let s = k.span();
            (Spanned::new(s.start + by..s.end + by, k.into_inner()), shift(v, by))
        })
        .collect()
}

/// Merge the overlay table `over` into `base` (at dotted `path`, empty for
/// the document), reporting what cannot be merged.
pub(crate) fn merge<'c>(base: &mut DeTable<'c>, over: DeTable<'c>, path: &str, diags: &mut Diagnostics) {
    for (k, v) in over {
        let key = k.get_ref().to_string();
        let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
        let span = v.span();
        match v.into_inner() {
            DeValue::Table(t) => {
                if let Some(DeValue::Table(bt)) = base.get_mut(key.as_str()).map(Spanned::get_mut) {
                    merge(bt, t, &child, diags);
                } else {
                    replace(base, k, Spanned::new(span, DeValue::Table(t)));
                }
            }
            DeValue::Array(items) if !items.is_empty() && items.iter().all(|i| i.get_ref().is_table()) => {
                merge_entries(base, k, span, items.into_iter().collect(), &child, diags);
            }
            other => replace(base, k, Spanned::new(span, other)),
        }
    }
}

/// Put `v` under `k` in `t`, replacing the value and the key (so both spans are the overlay's).
fn replace<'c>(t: &mut DeTable<'c>, k: Spanned<DeString<'c>>, v: Spanned<DeValue<'c>>) {
    t.remove(k.get_ref().as_ref());
    t.insert(k, v);
}

/// The identity of an array entry: the string under `ident`, if any.
fn ident_of<'a>(entry: &'a Spanned<DeValue<'_>>, ident: &str) -> Option<&'a str> {
    match entry.get_ref() {
        DeValue::Table(t) => t.get(ident).and_then(|v| v.get_ref().as_str()).filter(|s| !s.is_empty()),
        _ => None,
    }
}

/// Merge the entries of the overlay's array of tables `items` (under key `k`
/// at dotted `path`) into the base's entries, by identity.
fn merge_entries<'c>(
    base: &mut DeTable<'c>,
    k: Spanned<DeString<'c>>,
    span: Range<usize>,
    items: Vec<Spanned<DeValue<'c>>>,
    path: &str,
    diags: &mut Diagnostics,
) {
    let Some(&(_, ident, noun)) = IDENTITY.iter().find(|(p, ..)| *p == path) else {
        let known = IDENTITY.iter().map(|(p, ..)| *p);
        let hint = match suggest::nearest(path, known.clone()) {
            Some(near) => suggest::did_you_mean(&format!("[[{near}]]")),
            None => format!(
                "an overlay can change the entries of {}",
                IDENTITY.iter().map(|(p, ..)| format!("`[[{p}]]`")).collect::<Vec<_>>().join(", ")
            ),
        };
        diags.push(
            Diagnostic::error(format!("unknown array of tables `[[{path}]]` in an overlay"))
                .with_span(k.span())
                .with_hint(hint),
        );
        return;
    };
    if ident.is_empty() {
        let items = DeValue::Array(items.into_iter().collect());
        return replace(base, k, Spanned::new(span, items));
    }
    let mut entries: Vec<Spanned<DeValue<'c>>> = match base.get(k.get_ref().as_ref()).map(Spanned::get_ref) {
        Some(DeValue::Array(a)) => a.iter().cloned().collect(),
        _ => Vec::new(),
    };
    let mut seen = BTreeSet::new();
    for item in items {
        let item_span = item.span();
        let DeValue::Table(mut t) = item.into_inner() else { continue };
        let Some((id, id_span)) = t
            .get(ident)
            .and_then(|v| Some((v.get_ref().as_str()?.to_owned(), v.span())))
            .filter(|(s, _)| !s.is_empty())
        else {
            diags.push(
                Diagnostic::error(format!("this `[[{path}]]` in an overlay has no `{ident}`"))
                    .with_span(item_span)
                    .with_label(format!("`{ident}` is required here"))
                    .with_hint(format!(
                        "an overlay names each {noun} it adds, changes or removes by its `{ident}`: \
                         add a line like `{ident} = \"...\"`"
                    )),
            );
            continue;
        };
        if !seen.insert(id.clone()) {
            diags.push(
                Diagnostic::error(format!("{noun} `{id}` appears twice in this overlay"))
                    .with_span(id_span)
                    .with_hint(format!("put every change to {noun} `{id}` in one `[[{path}]]` entry")),
            );
            continue;
        }
        let pos = entries.iter().position(|e| ident_of(e, ident) == Some(id.as_str()));
        if let Some((rk, rv)) = t.remove_entry("remove") {
            match rv.get_ref() {
                DeValue::Boolean(true) => {
                    let extra: Vec<String> =
                        t.keys().map(|k| k.get_ref().to_string()).filter(|k| k != ident).collect();
                    if !extra.is_empty() {
                        let list = suggest::list(extra.iter().map(String::as_str));
                        diags.push(
                            Diagnostic::error(format!(
                                "`remove = true` removes {noun} `{id}` whole, so it takes no other keys"
                            ))
                            .with_span(rk.span())
                            .with_hint(format!(
                                "drop {list}, or drop `remove = true` to change those keys instead"
                            )),
                        );
                    } else if let Some(p) = pos {
                        entries.remove(p);
                    } else {
                        let defined: Vec<&str> = entries.iter().filter_map(|e| ident_of(e, ident)).collect();
                        let hint = if defined.is_empty() {
                            format!("the base defines no {}", suggest::plural(noun))
                        } else {
                            let list = format!("the base defines {}", suggest::list(defined.iter().copied()));
                            suggest::or_nearest(list, &id, defined.iter().copied())
                        };
                        diags.push(
                            Diagnostic::error(format!(
                                "cannot remove {noun} `{id}`: the base has no such {noun}"
                            ))
                            .with_span(id_span)
                            .with_hint(hint),
                        );
                    }
                    continue;
                }
                DeValue::Boolean(false) => {
                    diags.push(
                        Diagnostic::error(format!("`remove = false` in {noun} `{id}` does nothing"))
                            .with_span(rv.span())
                            .with_hint(format!(
                                "drop the `remove` line to keep {noun} `{id}` (and change its keys here), \
                                 or write `remove = true` with only `{ident}` to remove it"
                            )),
                    );
                }
                other => {
                    diags.push(
                        Diagnostic::error(format!("expected `true` for `remove`, found {}", kind(other)))
                            .with_span(rv.span())
                            .with_hint(format!(
                                "write `remove = true` (and only `{ident}`) to remove {noun} `{id}`"
                            )),
                    );
                    continue;
                }
            }
        }
        if let Some(p) = pos
            && let DeValue::Table(bt) = entries[p].get_mut()
        {
            merge(bt, t, path, diags);
        } else {
            entries.push(Spanned::new(item_span, DeValue::Table(t)));
        }
    }
    let span = base.get(k.get_ref().as_ref()).map_or(span, Spanned::span);
    replace(base, k, Spanned::new(span, DeValue::Array(entries.into_iter().collect())));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_parent_components() {
        assert_eq!(normalize(Path::new("a/b/../c.toml")), PathBuf::from("a/c.toml"));
        assert_eq!(
            normalize(Path::new("examples/overlays/../../scenarios/x.toml")),
            PathBuf::from("scenarios/x.toml")
        );
        assert_eq!(normalize(Path::new("../x.toml")), PathBuf::from("../x.toml"));
        assert_eq!(normalize(Path::new("./x.toml")), PathBuf::from("x.toml"));
    }

    #[test]
    fn arrays_without_identity_are_replaced_whole_and_unknown_ones_reported() {
        let base_text = "[[rule]]\nid = \"p\"\nrate_by_score = [{ min = 0, multiplier = 2.0 }, { min = 9, multiplier = 3.0 }]\n";
        let over_text =
            "[[rule]]\nid = \"p\"\nrate_by_score = [{ min = 5, multiplier = 1.5 }]\n[[rules]]\nid = \"q\"\n";
        let mut base = DeTable::parse(base_text).unwrap().into_inner();
        let over = DeTable::parse(over_text).unwrap().into_inner();
        let mut diags = Diagnostics::new("x", over_text);
        merge(&mut base, over, "", &mut diags);
        let rule = base.get("rule").unwrap().get_ref().as_array().unwrap()[0].get_ref().as_table().unwrap();
        let bands = rule.get("rate_by_score").unwrap().get_ref().as_array().unwrap();
        assert_eq!(bands.len(), 1, "the overlay's bands replace the base's");
        assert_eq!(diags.error_count(), 1);
        assert!(diags.items()[0].message.contains("`[[rules]]`"), "{diags}");
        assert!(base.get("rules").is_none());
    }

    #[test]
    fn merges_tables_and_entries_by_identity() {
        let base_text =
            "[a]\nx = 1\ny = 2\n[[rule]]\nid = \"p\"\npoints = 1\n[[rule]]\nid = \"q\"\npoints = 2\n";
        let over_text = "[a]\ny = 3\n[[rule]]\nid = \"q\"\nremove = true\n[[rule]]\nid = \"p\"\npoints = 5\n[[rule]]\nid = \"r\"\npoints = 7\n";
        let mut base = DeTable::parse(base_text).unwrap().into_inner();
        let over = shift_table(DeTable::parse(over_text).unwrap().into_inner(), 1000);
        let mut diags = Diagnostics::new("x", "");
        merge(&mut base, over, "", &mut diags);
        assert!(diags.is_empty(), "{diags}");
        let a = base.get("a").unwrap().get_ref().as_table().unwrap();
        assert_eq!(a.get("x").unwrap().get_ref().as_integer().unwrap().as_str(), "1");
        assert_eq!(a.get("y").unwrap().get_ref().as_integer().unwrap().as_str(), "3");
        assert!(a.get("y").unwrap().span().start >= 1000, "the overlay's value keeps the overlay's span");
        assert!(a.get("x").unwrap().span().start < 1000);
        let rules = base.get("rule").unwrap().get_ref().as_array().unwrap();
        let ids: Vec<&str> = rules.iter().filter_map(|r| ident_of(r, "id")).collect();
        assert_eq!(ids, ["p", "r"]);
        let p = rules[0].get_ref().as_table().unwrap();
        assert_eq!(p.get("points").unwrap().get_ref().as_integer().unwrap().as_str(), "5");
    }
}
