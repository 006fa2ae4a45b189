//! Loading a scenario file: reading bytes, parsing TOML, running every check, the public entry points.

use std::ops::Range;
use std::path::Path;

use toml::de::DeTable;

use super::check::Checker;
use super::diag::{Diagnostic, Diagnostics, LineIndex};
use super::model::Scenario;
use super::read::{Reader, Spans};
use super::rule_tests::{self, RuleTest};
use super::{build, overlay, tables, validate};

/// The text of a scenario file, with what is needed to point into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user gave it.
    pub name: String,
    /// The whole file. For an overlay (`extends = "base.toml"`), the texts of
    /// every file of its [`chain`](Self::chain) joined with a newline between
    /// two files, the given file first: spans index into this text, and
    /// [`diagnostics`](Self::diagnostics) renders them in the right file.
    pub text: String,
    /// SHA-256 of the file bytes, lowercase hex (recorded in every output folder).
    pub sha256: String,
    /// The given file, then the file it extends, and so on to the root base
    /// (a single item for a scenario without `extends`).
    pub chain: Vec<ChainFile>,
    ranges: Vec<Range<usize>>,
    spans: Spans,
}

/// One file of a scenario's chain of overlays.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainFile {
    /// Its path: as the user gave it for the first file, then as reached from
    /// the folder of the file that extends it (`scenarios/base.toml`).
    pub file: String,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
}

impl SourceFile {
    /// Byte range of the value at a dotted key, for pointing at it later.
    ///
    /// Keys are written as in the file, with array entries numbered from 0:
    /// `scenario.steps`, `population.size`, `tier[2].min`,
    /// `population.group[0].rate_multiplier.volunteering`. A table
    /// (`score`, `rule[1]`) gives the span of its header.
    pub fn span_of(&self, dotted_key: &str) -> Option<Range<usize>> {
        self.spans.get(dotted_key).cloned()
    }

    /// An empty diagnostics list whose spans point into this source (into
    /// the right file of an overlay's chain), for problems found after loading.
    pub fn diagnostics(&self) -> Diagnostics {
        let files = self.chain.iter().zip(&self.ranges).map(|(f, r)| (f.file.clone(), r.clone())).collect();
        Diagnostics::with_files(&self.name, &self.text, files)
    }
}

/// A scenario that passed every check, with its source and any warnings.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The validated scenario.
    pub scenario: Scenario,
    /// The file it came from.
    pub source: SourceFile,
    /// Warnings (never errors): parts of the scenario that can never matter.
    pub warnings: Diagnostics,
    /// The file's rule tests (`[[test]]`), checked; spans point into
    /// [`source`](Self::source). Empty when [`test_errors`](Self::test_errors) has errors.
    pub tests: Vec<RuleTest>,
    /// Problems with the rule tests (a rule, tier or step they name that the
    /// scenario does not have). They do not stop a run: an overlay may remove
    /// what its base's tests use; `pointsim test` and `pointsim check` report them.
    pub test_errors: Diagnostics,
    /// What `pointsim explore` shows: `[explore]` and the `[[lesson]]` steps, checked.
    pub explore: super::ExplorePage,
}

/// Why a scenario could not be loaded.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum ScenarioError {
    /// The file could not be read or has problems; every one of them is in the
    /// diagnostics. Display gives a one-line summary; use
    /// [`Diagnostics::render`] for the full report.
    #[error("{}", .0.summary())]
    Invalid(Diagnostics),
}

impl ScenarioError {
    /// Every problem found.
    pub fn diagnostics(&self) -> &Diagnostics {
        match self {
            ScenarioError::Invalid(d) => d,
        }
    }
}

/// Read, parse and check the scenario file at `path`.
///
/// # Errors
///
/// [`ScenarioError::Invalid`] with every problem found: the file is missing,
/// is a directory or not a regular file (a FIFO, a device), is larger than
/// [`MAX_FILE_BYTES`](super::MAX_FILE_BYTES), is not UTF-8 text, is not
/// valid TOML, or breaks any rule of the format. Warnings alone never make it fail.
pub fn load(path: &Path) -> Result<Loaded, ScenarioError> {
    let name = path.display().to_string();
    let fail = |d: Diagnostic| ScenarioError::Invalid(Diagnostics::single(name.clone(), d));
    let text = super::file::read(path).map_err(|e| fail(e.diagnostic(&name)))?;
    parse(&text, &name).map_err(ScenarioError::Invalid)
}

/// Parse and check a scenario whose text was already read; `name` is used in messages.
///
/// A scenario that says `extends = "base.toml"` is an overlay: its base is
/// read from the folder of `name` (a path), merged under it, and checked as
/// one scenario; see the README's "Reforms as overlays" and
/// `docs/scenario-format.md`. Messages then point into the file each value
/// came from.
///
/// # Errors
///
/// Every problem found (errors, and warnings found alongside them), when there
/// is at least one error.
pub fn parse(text: &str, name: &str) -> Result<Loaded, Diagnostics> {
    parse_in(text, name, Path::new(name).parent().unwrap_or(Path::new("")))
}

/// As [`parse`], for a text that is not a file of its own (a scenario
/// changed by `compare --set`, a sweep cell): its `extends` is read from
/// `dir`, the folder of the file the text was made from, not from the
/// folder of `name` (which then only names it in messages).
///
/// # Errors
///
/// As [`parse`].
pub fn parse_in(text: &str, name: &str, dir: &Path) -> Result<Loaded, Diagnostics> {
    let fail = |d: Diagnostic| Diagnostics::single(name, d);
    if let Some(at) = text.find('\0') {
        return Err(fail(
            Diagnostic::error(format!("`{name}` looks like a binary file: NUL byte at offset {at}"))
                .with_hint("scenario files are TOML text; is this the right file?"),
        ));
    }
    if text.trim().is_empty() {
        return Err(fail(
            Diagnostic::error("the file is empty")
                .with_hint("run `pointsim new` to write an example scenario to start from"),
        ));
    }
    if overlay::not_toml(text) {
        return Err(fail(
            Diagnostic::error(format!("`{name}` is not a TOML scenario"))
                .with_hint("a scenario is TOML text with `[scenario]`, `[score]` and `[population]` tables; is this the right file?"),
        ));
    }
    let chain = overlay::read_chain(name, text.to_owned(), dir)?;
    let mut diags = chain.diagnostics();
    let mut merged: Option<DeTable> = None;
    let mut syntax = false;
    // the root base first, then each overlay on top of it
    for range in chain.ranges.iter().rev() {
        let text = &chain.text[range.clone()];
        let (doc, errors) = DeTable::parse_recoverable(text);
        syntax |= !errors.is_empty();
        for mut d in syntax_errors(&errors, text) {
            d.span = d.span.map(|s| s.start + range.start..s.end + range.start);
            diags.push(d);
        }
        if chain.files.len() == 1 && errors.is_empty() && doc.get_ref().is_empty() {
            return Err(fail(
                Diagnostic::error("the file has only comments, no settings")
                    .with_hint("run `pointsim new` to write an example scenario to start from"),
            ));
        }
        if syntax {
            continue; // what the parser recovered is not read: see below
        }
        let mut doc = overlay::shift_table(doc.into_inner(), range.start);
        doc.remove("extends");
        match merged.as_mut() {
            None => merged = Some(doc),
            Some(base) => overlay::merge(base, doc, "", &mut diags),
        }
    }
    if syntax {
        // the document the parser recovered around a syntax error is a guess
        // (an unclosed `[score` takes the next table's keys, or none), so its
        // missing, unknown and out-of-range keys would be the syntax error's
        // knock-on effects: only the syntax errors are reported
        diags.sort();
        return Err(diags);
    }
    let merged = merged.unwrap_or_default();
    let mut r = Reader { text: &chain.text, diags, spans: Spans::new() };
    let spec = tables::read_file(&mut r, &merged, 0..0);
    let Reader { mut diags, spans, .. } = r;
    let mut c = Checker { spans: &spans, text: &chain.text, files: &chain.ranges, diags: &mut diags };
    validate::check(&mut c, &spec);
    if c.diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let mut scenario = build::build(&spec);
    scenario.changes = super::dated::check(&mut c, &spec, &scenario, name);
    if c.diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let explore = super::explore::build(&spec);
    // rule tests are checked on their own: a reform that removes a rule its
    // base's tests use still runs; `pointsim test` and `check` report them
    let mut test_errors = chain.diagnostics();
    let mut tc = Checker { spans: &spans, text: &chain.text, files: &chain.ranges, diags: &mut test_errors };
    let mut tests = rule_tests::check(&mut tc, &spec.test, &scenario);
    if test_errors.has_errors() {
        tests.clear();
    }
    test_errors.sort();
    build::warn(&mut c, &spec, &scenario);
    let mut warnings = chain.diagnostics();
    diags.sort();
    warnings.append(diags);
    let overlay::Chain { files, text, ranges } = chain;
    let chain = files.into_iter().map(|f| ChainFile { file: f.name, sha256: f.sha256 }).collect::<Vec<_>>();
    let source =
        SourceFile { name: name.to_owned(), text, sha256: chain[0].sha256.clone(), chain, ranges, spans };
    Ok(Loaded { scenario, source, warnings, tests, test_errors, explore })
}

/// Parse a file of rule tests (only `[[test]]` tables) for the scenario `sc`,
/// e.g. `tests/rongcheng.toml` beside `rongcheng.toml`. Every problem is
/// reported at once; spans point into `text`.
///
/// # Errors
///
/// Every problem found, when there is at least one error.
pub fn parse_tests(text: &str, name: &str, sc: &Scenario) -> Result<Vec<RuleTest>, Diagnostics> {
    let mut diags = Diagnostics::new(name, text);
    let (doc, errors) = DeTable::parse_recoverable(text);
    for d in syntax_errors(&errors, text) {
        diags.push(d);
    }
    if !errors.is_empty() {
        return Err(diags); // only the syntax errors, as for a scenario
    }
    let doc = doc.into_inner();
    let mut r = Reader { text, diags, spans: Spans::new() };
    let root = super::read::Table::root(&doc, 0..0);
    let specs = tables::read_tests(&mut r, &root);
    let Reader { mut diags, spans, .. } = r;
    if specs.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::error("the file has no `[[test]]` tables")
                .with_hint("a file of rule tests holds only `[[test]]` tables, each with `[[test.expect]]`"),
        );
    }
    #[allow(clippy::single_range_in_vec_init)] // one file: its whole text
    let ranges = vec![0..text.len()];
    let mut c = Checker { spans: &spans, text, files: &ranges, diags: &mut diags };
    let tests = rule_tests::check(&mut c, &specs, sc);
    diags.sort();
    if diags.has_errors() { Err(diags) } else { Ok(tests) }
}

/// The TOML syntax errors of one file as diagnostics, without the parser's
/// knock-on errors: one error per line (later ones on a line mostly follow from
/// the first), and no "defined twice" for an array-of-tables header such as
/// `[[tier]]` after an earlier error, when no plain `[tier]` table comes before
/// it. Repeating `[[tier]]` is legal; the parser only says otherwise when its
/// recovery from the earlier error (an unclosed `[score`, say) went astray.
pub(crate) fn syntax_errors(errors: &[toml::de::Error], text: &str) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    let mut lines_seen = std::collections::HashSet::new();
    let mut out: Vec<Diagnostic> = Vec::new();
    let mut sorted: Vec<&toml::de::Error> = errors.iter().collect();
    sorted.sort_by_key(|e| e.span().map_or(usize::MAX, |s| s.start));
    for e in sorted {
        let line = e.span().map(|s| lines.line(s.start.min(text.len())));
        if line.is_some() && !lines_seen.insert(line) {
            continue;
        }
        if !out.is_empty() && knock_on_duplicate(e, text) {
            continue;
        }
        out.push(syntax_error(e, text));
    }
    out
}

/// Whether `e` is a "duplicate key" error on an array-of-tables header
/// `[[name]]` with no plain `[name]` header before it: not a real duplicate.
fn knock_on_duplicate(e: &toml::de::Error, text: &str) -> bool {
    let Some(s) = e.span() else { return false };
    if !e.message().starts_with("duplicate key") || s.start < 2 || s.end > text.len() {
        return false;
    }
    if text.get(s.start - 2..s.start) != Some("[[") {
        return false;
    }
    let name = &text[s.clone()];
    let plain = format!("[{name}]");
    !text[..s.start].lines().any(|l| l.trim_start().starts_with(&plain))
}

/// A TOML syntax error as a diagnostic.
pub(crate) fn syntax_error(e: &toml::de::Error, text: &str) -> Diagnostic {
    let span = e.span().map(|s| if s.end > text.len() { text.len()..text.len() } else { s });
    let msg = e.message().lines().next().unwrap_or("").trim_end_matches('.');
    let mut hint = "each line is `key = value` or a `[table]` header; text goes in double quotes \
                    (see https://toml.io)";
    let msg = match msg {
        "duplicate key" => {
            let s = span.clone().unwrap_or(0..0);
            let name = text.get(s.clone()).unwrap_or("");
            hint = "keep only one of them: a key or table may appear only once";
            if s.start > 0 && text.as_bytes().get(s.start - 1) == Some(&b'[') {
                format!("table `[{name}]` is defined twice")
            } else {
                format!("`{name}` is set twice in the same table")
            }
        }
        m if m.contains("string") && m.ends_with("expected `\"`") => {
            "this string has no closing `\"`".to_owned()
        }
        m if m.contains("string") && m.ends_with("expected `'`") => {
            "this string has no closing `'`".to_owned()
        }
        m => m
            .replace(", expected nothing", "")
            .replace("expected newline, `#`", "expected the end of the line"),
    };
    let mut d = Diagnostic::error(format!("invalid TOML: {msg}")).with_hint(hint);
    if let Some(span) = span {
        d = d.with_span(span);
    }
    d
}
