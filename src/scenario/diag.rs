//! Diagnostics for scenario files: errors and warnings with a position, rendered like rustc.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file cannot be used.
    Error,
    /// The file can be used, but something in it is probably not what was meant.
    Warning,
}

/// One problem found in a scenario file.
///
/// Messages follow the house style: lowercase first word, no trailing period,
/// values in backticks. The hint says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One-line description of the problem.
    pub message: String,
    /// Byte range in the file text the problem is about (the caret goes here).
    pub span: Option<Range<usize>>,
    /// Short text printed next to the caret.
    pub label: Option<String>,
    /// What to do about it, printed after the snippet as `hint: ...`.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A new error with this message and nothing else yet.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, message: message.into(), span: None, label: None, hint: None }
    }

    /// A new warning with this message and nothing else yet.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    /// Point at this byte range of the file.
    pub fn with_span(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    /// Print this text next to the caret.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Add a `hint:` line saying what to do.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Every problem found in one file, with what is needed to render them.
///
/// An overlay scenario (`extends = "base.toml"`) is read as the texts of its
/// files joined one after the other, so one byte range names both a file and
/// a place in it: each diagnostic is rendered with the name, line and column
/// of the file its span falls in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    name: String,
    text: String,
    items: Vec<Diagnostic>,
    /// The files whose texts are joined in `text`, with their byte ranges;
    /// empty when `text` is the whole of one file named `name`.
    files: Vec<(String, Range<usize>)>,
}

impl Diagnostics {
    /// An empty list for the file `name` (the path as the user gave it) whose
    /// text is `text` (empty when the file could not be read as text).
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Diagnostics { name: name.into(), text: text.into(), items: Vec::new(), files: Vec::new() }
    }

    /// The one problem `d` of the file `name`, whose text is not there to
    /// show (it could not be read, or the problem has no place in it).
    pub fn single(name: impl Into<String>, d: Diagnostic) -> Self {
        let mut ds = Diagnostics::new(name, "");
        ds.push(d);
        ds
    }

    /// An empty list for several files whose texts are joined in `text`, each
    /// named with its byte range there (see [`SourceFile::diagnostics`](super::SourceFile::diagnostics)).
    /// `name` is the file the user gave, used in the summary line.
    pub(crate) fn with_files(
        name: impl Into<String>,
        text: impl Into<String>,
        files: Vec<(String, Range<usize>)>,
    ) -> Self {
        Diagnostics { files, ..Diagnostics::new(name, text) }
    }

    /// The file a byte offset falls in: its name, its text and where its text starts.
    fn file_at(&self, offset: usize) -> (&str, &str, usize) {
        match self.files.iter().find(|(_, r)| r.start <= offset && offset <= r.end) {
            Some((name, r)) => (name, self.text.get(r.clone()).unwrap_or(""), r.start),
            None => (&self.name, self.text.as_str(), 0),
        }
    }

    /// Add a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Whether any item is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Whether there is no item at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// All items, in file order once loading has finished.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// The file name as the user gave it.
    pub fn file_name(&self) -> &str {
        &self.name
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// Sort the items by position in the file (items without one first), keeping
    /// the order of items at the same position.
    pub(crate) fn sort(&mut self) {
        self.items.sort_by_key(|d| d.span.as_ref().map_or(0, |s| s.start));
    }

    /// Append `text` to the hint of every item from index `from` on.
    pub(crate) fn add_hint_from(&mut self, from: usize, text: &str) {
        for d in self.items.iter_mut().skip(from) {
            d.hint = Some(match d.hint.take() {
                Some(h) => format!("{h}; {text}"),
                None => text.to_owned(),
            });
        }
    }

    /// Move every item of `other` into this list.
    pub(crate) fn append(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// One line: `could not load `FILE`: 2 errors, 1 warning` (or, without
    /// errors, `` `FILE` has 1 warning ``).
    pub fn summary(&self) -> String {
        let (e, w) = (self.error_count(), self.warning_count());
        if e > 0 {
            let mut s = format!("could not load `{}`: {}", self.name, plural(e, "error"));
            if w > 0 {
                s.push_str(&format!(", {}", plural(w, "warning")));
            }
            s
        } else {
            format!("`{}` has {}", self.name, plural(w, "warning"))
        }
    }

    /// Render every item (source line, caret, hint) followed by the summary line.
    /// `color` selects ANSI styling; without it the output is plain text.
    ///
    /// Control characters from the file (in quoted lines, names in
    /// messages) are shown escaped (`\u{1b}`), never sent to the terminal
    /// raw. At most 1,000 items (`MAX_SHOWN`) are rendered, then a line saying how
    /// many more there are.
    pub fn render(&self, color: bool) -> String {
        if self.items.is_empty() {
            return String::new();
        }
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let mut out = self.render_items(color);
        let level = if self.has_errors() { Level::ERROR } else { Level::WARNING };
        out.push_str(&renderer.render(&[Group::with_title(level.primary_title(escape(&self.summary())))]));
        out.push('\n');
        out
    }

    /// Render every item like [`render`](Self::render), without the summary
    /// line (for problems that are not about loading the file, such as a
    /// failed rule test).
    ///
    /// The time taken grows with the number of items and the length of the
    /// lines they quote, not with the size of the file for each item.
    pub fn render_items(&self, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let lines = LineIndex::new(&self.text);
        let mut out = String::new();
        for d in self.items.iter().take(MAX_SHOWN) {
            out.push_str(&renderer.render(&self.report(d, &lines)));
            if let (None, Some(hint)) = (self.snippet_span(d), &d.hint) {
                // no snippet: a blank line, then the hint, as uv does
                let (on, off) = if color { ("\x1b[1;96m", "\x1b[0m") } else { ("", "") };
                out.push_str(&format!("\n\n{on}hint{off}: {}", escape(hint)));
            }
            out.push_str("\n\n");
        }
        if self.items.len() > MAX_SHOWN {
            let more = self.items.len() - MAX_SHOWN;
            let noun = if more == 1 { "problem" } else { "problems" };
            out.push_str(&format!(
                "... and {more} more {noun} not shown (the first {MAX_SHOWN} are above)\n\n"
            ));
        }
        out
    }

    fn report<'a>(&'a self, d: &'a Diagnostic, lines: &LineIndex) -> Vec<Group<'a>> {
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = level.primary_title(escape(&d.message));
        let Some(span) = self.snippet_span(d) else {
            return vec![Group::with_title(title)];
        };
        let (name, text, base) = self.file_at(span.start);
        let span = clamp_span(text, span.start - base..span.end.saturating_sub(base));
        // quote only the lines the span covers, numbered as in the file
        let first = lines.line(base + span.start);
        let from = lines.start(first).max(base) - base;
        let to = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i);
        let line_start = first + 1 - lines.line(base);
        let (quoted, span) = escape_snippet(&text[from..to], span.start - from..span.end - from);
        let mut ann = AnnotationKind::Primary.span(span);
        if let Some(label) = &d.label {
            ann = ann.label(escape(label));
        }
        let snippet = Snippet::source(quoted).line_start(line_start).path(escape(name)).annotation(ann);
        let mut groups = vec![title.element(snippet)];
        if let Some(hint) = &d.hint {
            groups.push(Group::with_title(Level::HELP.with_name("hint").secondary_title(escape(hint))));
        }
        groups
    }
}

/// The most items [`Diagnostics::render`] shows.
pub const MAX_SHOWN: usize = 1000;

impl Diagnostics {
    /// Where to put the caret, if the diagnostic has a place in a text that is there.
    fn snippet_span(&self, d: &Diagnostic) -> Option<Range<usize>> {
        d.span.clone().filter(|_| !self.text.is_empty()).map(|s| clamp_span(&self.text, s))
    }
}

/// Where each line of a text starts, for line numbers without scanning the text again.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The index of `text`'s lines.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 0-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte offset where 0-based line `line` starts.
    pub fn start(&self, line: usize) -> usize {
        self.starts[line]
    }
}

/// Whether `c` must not reach a terminal raw: a control character other
/// than newline and tab (C0, DEL, C1 such as the 8-bit CSI `\u{9b}`), or a
/// bidirectional override that reorders what is shown.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every [unsafe](is_unsafe_char) character written as an escape, `\u{1b}`.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Quoted source lines with unsafe characters escaped (a carriage return
/// stays: it ends a line), and the span moved to match.
fn escape_snippet(text: &str, span: Range<usize>) -> (Cow<'_, str>, Range<usize>) {
    if !text.chars().any(|c| c != '\r' && is_unsafe_char(c)) {
        return (Cow::Borrowed(text), span);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let (mut start, mut end) = (span.start, span.end);
    for (i, c) in text.char_indices() {
        if i == span.start {
            start = out.len();
        }
        if i == span.end {
            end = out.len();
        }
        if c != '\r' && is_unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    if span.end >= text.len() {
        end = out.len();
    }
    if span.start >= text.len() {
        start = out.len();
    }
    (Cow::Owned(out), start..end.max(start))
}

/// Keep a span inside the text and on character boundaries, so rendering never panics.
fn clamp_span(text: &str, span: Range<usize>) -> Range<usize> {
    let fix = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = fix(span.start);
    start..fix(span.end).max(start)
}

/// `1 error`, `2 errors`.
fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_hint_after_snippet() {
        let text = "[[perk]]\nid = \"x\"\nmin_tier = \"AAA+\"\n";
        let mut d = Diagnostics::new("a.toml", text);
        d.push(
            Diagnostic::error("perk `x` needs tier `AAA+`, which is not defined")
                .with_span(29..35)
                .with_hint("did you mean `AAA`?"),
        );
        let out = d.render(false);
        assert!(out.contains(" --> a.toml:3:12\n"), "{out}");
        assert!(out.contains("  |\nhint: did you mean `AAA`?\n"), "{out}");
        assert!(out.ends_with("error: could not load `a.toml`: 1 error\n"), "{out}");
    }

    #[test]
    fn out_of_range_span_does_not_panic() {
        let mut d = Diagnostics::new("a.toml", "é");
        d.push(Diagnostic::error("x").with_span(1..99));
        d.render(true);
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        let text = "[scenario]\nname = \"a\x1bb\u{9b}c\"\n";
        let mut d = Diagnostics::new("a\x07.toml", text);
        d.push(
            Diagnostic::error("name `a\x1b]52;c;aGk=\x07`")
                .with_span(20..21)
                .with_label("\u{9b}31m")
                .with_hint("\u{202e}x"),
        );
        let out = d.render(true);
        let raw: Vec<char> = out.chars().filter(|&c| c != '\x1b' && is_unsafe_char(c)).collect();
        assert!(raw.is_empty(), "{raw:?} in {out}");
        let plain = d.render(false);
        assert!(!plain.chars().any(is_unsafe_char), "{plain}");
        assert!(plain.contains(r#"2 | name = "a\u{1b}b\u{9b}c""#), "{plain}");
        assert!(plain.contains("name `a\\u{1b}]52;c;aGk=\\u{7}`"), "{plain}");
    }

    #[test]
    fn only_the_quoted_lines_are_read_for_each_item() {
        let text: String = (0..3000).map(|i| format!("k{i} = 1\n")).collect();
        let mut d = Diagnostics::new("a.toml", text.as_str());
        for i in 0..3000 {
            let at = text.find(&format!("k{i} ")).unwrap();
            d.push(Diagnostic::error("x").with_span(at..at + 1));
        }
        let out = d.render(false);
        assert!(out.contains(" --> a.toml:1000:1\n"), "line numbers as in the file");
        assert!(out.contains("... and 2000 more problems not shown"), "{}", &out[out.len() - 200..]);
    }

    #[test]
    fn line_numbers() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }
}
