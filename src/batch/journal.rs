//! The journal of finished runs (`journal.jsonl`): one JSON line per run, appended as runs finish.
//!
//! A run's line is written with a single `write` as soon as the run ends, so
//! an interrupted sweep (Ctrl-C, `kill -9`, a crash) keeps every run that
//! finished. Reading keeps only complete lines that parse: a line cut short
//! by a power loss is dropped, and that run is simply done again by
//! `--resume`. Before appending, a resumed journal is rewritten (atomically)
//! with only its good lines, so a torn tail never glues onto a new line.
//! The tables are always rebuilt from the journal, never from memory, so an
//! interrupted-and-resumed sweep ends with the same bytes as one that ran
//! through.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use crate::results::sweep::Record;

/// File name of the journal in a sweep folder.
pub const JOURNAL: &str = "journal.jsonl";

/// File name of the marker of a sweep folder whose runs have not all
/// finished (or whose tables are not written yet): written before the first
/// run, removed at the end. `plot` and `merge` refuse a folder that has it.
pub const INCOMPLETE: &str = "sweep.incomplete";

/// The text of [`INCOMPLETE`]: what it means and the command that finishes the sweep.
pub fn incomplete_text(resume_command: &str) -> Vec<u8> {
    format!(
        "This sweep has not finished: its runs so far are in journal.jsonl, and runs.csv and cells.csv\n\
         are written only at the end. Continue it with the command below.\n{RESUME_PREFIX}{}\n",
        resume_command.replace('\n', " ")
    )
    .into_bytes()
}

/// The line of [`incomplete_text`] that holds the command.
const RESUME_PREFIX: &str = "resume: ";

/// The command that finishes the unfinished sweep in `dir`, if `dir` has the
/// [`INCOMPLETE`] marker (`None` otherwise); empty if the marker does not say.
pub fn unfinished(dir: &Path) -> Option<String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    let file = File::open(dir.join(INCOMPLETE)).ok()?;
    // the marker is a few lines: read no more than that
    let _ = file.take(4096).read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let command = text.lines().find_map(|l| l.strip_prefix(RESUME_PREFIX)).unwrap_or_default();
    // it is printed: no control sequence from the file reaches a terminal
    Some(command.chars().map(|c| if c.is_control() { '?' } else { c }).collect())
}

/// The complete, well-formed records of the journal in `dir` (none when
/// there is no journal), in the order they were written.
///
/// # Errors
///
/// The journal exists but cannot be read.
pub fn read(dir: &Path) -> io::Result<Vec<Record>> {
    let bytes = match std::fs::read(dir.join(JOURNAL)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        other => other?,
    };
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(&bytes[..0], |end| &bytes[..=end]);
    Ok(complete.split(|&b| b == b'\n').filter_map(|line| serde_json::from_slice(line).ok()).collect())
}

/// A journal open for appending.
pub struct Journal {
    file: File,
}

impl Journal {
    /// Start the journal in `dir` afresh holding exactly `keep` (written
    /// atomically), then open it for appending.
    ///
    /// # Errors
    ///
    /// Any I/O error.
    pub fn create(dir: &Path, keep: &[Record]) -> io::Result<Journal> {
        crate::output::write_all(dir, &[(JOURNAL, lines(keep))])?;
        let file = OpenOptions::new().append(true).open(dir.join(JOURNAL))?;
        Ok(Journal { file })
    }

    /// Append `records`, one line each, in one write.
    ///
    /// # Errors
    ///
    /// Any I/O error.
    pub fn append(&mut self, records: &[Record]) -> io::Result<()> {
        self.file.write_all(&lines(records))
    }

    /// Flush the journal to disk.
    ///
    /// # Errors
    ///
    /// Any I/O error.
    pub fn sync(&self) -> io::Result<()> {
        self.file.sync_all()
    }
}

/// Records as JSON lines.
pub fn lines(records: &[Record]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        serde_json::to_writer(&mut out, r).expect("records serialize");
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(cell: usize, x: f64) -> Record {
        let metrics = [("a".to_owned(), Some(x)), ("b".to_owned(), None)].into();
        Record { cell, replicate: 1, seed: 9, status: "ok".into(), metrics }
    }

    #[test]
    fn torn_lines_are_dropped_and_floats_read_back_exactly() {
        let tmp = tempfile::tempdir().unwrap();
        // floats that need all 17 digits
        let a = rec(0, 0.1 + 0.2);
        let b = rec(1, 1.0 / 3.0 * 1e-300);
        let mut j = Journal::create(tmp.path(), std::slice::from_ref(&a)).unwrap();
        j.append(std::slice::from_ref(&b)).unwrap();
        assert_eq!(read(tmp.path()).unwrap(), [a.clone(), b.clone()]);
        // a torn last line (power loss), and garbage in the middle
        let mut f = OpenOptions::new().append(true).open(tmp.path().join(JOURNAL)).unwrap();
        f.write_all(b"{\"cell\":2,\"repl").unwrap();
        assert_eq!(read(tmp.path()).unwrap(), [a.clone(), b.clone()]);
        let good = read(tmp.path()).unwrap();
        let mut j = Journal::create(tmp.path(), &good).unwrap();
        let c = rec(2, 5.0);
        j.append(std::slice::from_ref(&c)).unwrap();
        assert_eq!(read(tmp.path()).unwrap(), [a, b, c]);
    }
}
