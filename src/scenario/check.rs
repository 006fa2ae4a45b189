//! Helpers shared by the value checks: spans by path, entry names, number formatting.

use std::collections::HashMap;
use std::ops::Range;

use super::diag::{Diagnostic, Diagnostics, line_of};
use super::keys::{is_path, key_at};
use super::model::MAX_RATE;
use super::read::{Spans, entry_what};
use super::suggest;

/// The checker: spans of the values read, the text, and the problems found.
pub(crate) struct Checker<'a> {
    /// Spans of values read successfully, by dotted path.
    pub spans: &'a Spans,
    /// The file text (for an overlay, the texts of its chain joined).
    pub text: &'a str,
    /// Where each file of an overlay's chain sits in `text`.
    pub files: &'a [Range<usize>],
    /// Problems found.
    pub diags: &'a mut Diagnostics,
}

impl Checker<'_> {
    /// The span of the value at `path`, if it was read successfully.
    ///
    /// Every look-up goes through here. A `path` that names no key of the
    /// format (`keys::is_path`) is a bug that would make a check silently do
    /// nothing, so debug builds (and every test) panic on it.
    pub fn at(&self, path: &str) -> Option<Range<usize>> {
        debug_assert!(is_path(path.strip_suffix("#key").unwrap_or(path)), "`{path}` is not a key path");
        self.spans.get(path).cloned()
    }

    /// Whether the value at `path` was read successfully.
    pub fn read(&self, path: &str) -> bool {
        self.at(path).is_some()
    }

    /// The value at `path` as written in the file (`-1.5`, `nan`).
    pub fn src(&self, path: &str) -> &str {
        self.at(path).and_then(|s| self.text.get(s)).unwrap_or("").trim()
    }

    /// 1-based line of the value at `path`, counted in its own file.
    pub fn line(&self, path: &str) -> usize {
        let Some(at) = self.at(path).map(|s| s.start) else { return 1 };
        let start = self.files.iter().find(|r| r.start <= at && at <= r.end).map_or(0, |r| r.start);
        line_of(self.text, at) + 1 - line_of(self.text, start)
    }

    /// Report an error at `path`.
    pub fn error(&mut self, path: &str, msg: String, hint: String) {
        let span = self.reported_at(path);
        self.diags.push(Diagnostic::error(msg).with_span(span).with_hint(hint));
    }

    /// Report a warning at `path`.
    pub fn warn(&mut self, path: &str, msg: String, hint: String) {
        let span = self.reported_at(path);
        self.diags.push(Diagnostic::warning(msg).with_span(span).with_hint(hint));
    }

    /// Where a problem at `path` is shown. Checks report only at values that
    /// were read, so a missing span is a bug: debug builds panic, release
    /// builds point at the start of the file rather than lose the problem.
    fn reported_at(&self, path: &str) -> Range<usize> {
        let span = self.at(path);
        debug_assert!(span.is_some(), "a problem reported at `{path}`, which was not read");
        span.unwrap_or(0..0)
    }

    /// How messages name entry `i` of the array of tables at `path`, by its `ident` key.
    pub fn entry(&self, noun: &str, path: &str, i: usize, ident_key: &str, ident: &str) -> String {
        let read = self.read(&format!("{path}[{i}].{ident_key}"));
        entry_what(noun, path, i, read.then_some(ident))
    }

    /// The range declared for the value at `path` (`range(min = .., max = ..)`
    /// in `spec.rs`): the bounds of the range checks below, which are thus
    /// those of the schema and the format reference. A range check of a key
    /// that declares no range is a bug, so debug builds (and every test) panic on it.
    pub fn declared_range(&self, path: &str) -> (Option<f64>, Option<f64>) {
        let range = key_at(path).map_or((None, None), |k| k.range);
        debug_assert!(range != (None, None), "`{path}` is range-checked but declares no range");
        range
    }

    /// An integer at `path` (read as `x`) must be within the range declared for its key.
    pub fn int_range(&mut self, path: &str, desc: &str, x: Option<i64>, hint: &str) {
        let (lo, hi) = self.declared_range(path);
        // integer bounds are declared as f64, exactly up to 2^53
        let (lo, hi) = (lo.map_or(i64::MIN, |b| b as i64), hi.map_or(i64::MAX, |b| b as i64));
        let Some(x) = x.filter(|_| self.read(path)) else { return };
        if (lo..=hi).contains(&x) {
            return;
        }
        let want = if hi < i64::from(u32::MAX) {
            format!("between {lo} and {hi}")
        } else if x > hi {
            format!("at most {hi}")
        } else if lo == 0 {
            "0 or more".to_owned()
        } else {
            format!("at least {lo}")
        };
        let msg = format!("{desc} must be {want}, found `{}`", self.src(path));
        self.error(path, msg, hint.to_owned());
    }

    /// A number at `path` (read as `x`) must be finite and within the range
    /// declared for its key. A range closed below a guard bound (a share, `0`
    /// to `1`) is named whole; otherwise the message names the bound crossed.
    pub fn number_range(&mut self, path: &str, desc: &str, x: Option<f64>, hint: &str) {
        let (lo, hi) = self.declared_range(path);
        let Some(x) = x.filter(|_| self.read(path)) else { return };
        let (lo, hi) = (lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY));
        let want = if lo.is_finite() && hi < MAX_RATE {
            if (lo..=hi).contains(&x) {
                return;
            }
            format!("be between {} and {}", num(lo), num(hi))
        } else if !x.is_finite() {
            "be a finite number".to_owned()
        } else if x < lo && lo == 0.0 {
            "not be negative".to_owned()
        } else if x < lo {
            format!("be at least {}", num(lo))
        } else if x > hi {
            format!("be at most `{hi:e}`")
        } else {
            return;
        };
        let msg = format!("{desc} must {want}, found `{}`", self.src(path));
        self.error(path, msg, hint.to_owned());
    }

    /// Report the second of two equal names (`seen` maps a name to its first path).
    /// `rule` says what must be unique, for the hint: `tier names`.
    pub fn unique(
        &mut self,
        seen: &mut HashMap<String, String>,
        name: &str,
        path: &str,
        what: &str,
        rule: &str,
    ) {
        if !self.read(path) {
            return;
        }
        if let Some(first) = seen.get(name) {
            let line = self.line(first);
            let first_noun = first.split('[').next().unwrap_or("");
            let msg = if first_noun != what && matches!(first_noun, "perk" | "restriction") {
                format!("{what} `{name}` has the same id as a {first_noun}")
            } else {
                format!("{what} `{name}` is defined twice")
            };
            let hint = format!("the first definition is on line {line}; {rule} must be unique");
            self.error(path, msg, hint);
        } else {
            seen.insert(name.to_owned(), path.to_owned());
        }
    }

    /// Check an id against `[a-z0-9_]+`.
    pub fn id_pattern(&mut self, path: &str, what: &str, id: &str) {
        if !self.read(path) || valid_id(id) {
            return;
        }
        let fixed: String = id
            .trim()
            .chars()
            .map(|c| c.to_ascii_lowercase())
            .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' })
            .collect();
        let msg = format!("{what} id `{id}` may only use lowercase letters, digits and `_`");
        let hint = if fixed.is_empty() {
            "give it an id like `no_rail_tickets`".to_owned()
        } else {
            format!("ids are used as column names in outputs; try `{fixed}`")
        };
        self.error(path, msg, hint);
    }

    /// Report a reference to a name that is not defined, suggesting the nearest
    /// (the name is read from the file at `path`).
    pub fn unknown_ref(&mut self, path: &str, msg: String, kind: &str, defined: &[&str]) {
        let name = self.src(path).trim_matches(|c| c == '"' || c == '\'').to_owned();
        self.unknown_name(path, msg, kind, &name, defined);
    }

    /// Report `name` at `path` as an unknown `noun`, listing the `defined`
    /// ones and suggesting the nearest.
    pub fn unknown_name(&mut self, path: &str, msg: String, noun: &str, name: &str, defined: &[&str]) {
        let nouns = suggest::plural(noun);
        let hint = if defined.is_empty() {
            format!("the file defines no {nouns}")
        } else {
            let list = format!("defined {nouns} are {}", suggest::list(defined.iter().copied()));
            suggest::or_nearest(list, name, defined.iter().copied())
        };
        self.error(path, msg, hint);
    }
}

/// Whether `id` matches `[a-z0-9_]+`.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A number for messages, without float noise: `0.9`, not `0.8999999999999999`.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_numbers() {
        assert!(valid_id("a_1") && !valid_id("A") && !valid_id("") && !valid_id("a-b"));
        assert_eq!(num(0.1 + 0.2 + 0.6), "0.9");
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0000000001), "0");
    }
}
