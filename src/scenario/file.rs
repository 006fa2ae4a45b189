//! Reading a user's text file (scenario, overlay, plan, rule tests): regular files only, at most [`MAX_FILE_BYTES`].

use std::io::{self, Read};
use std::path::Path;

use super::diag::Diagnostic;

/// The largest scenario, overlay, sweep plan or rule-test file read (4 MiB):
/// the largest reference scenario is under 30 KiB.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Why a text file could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// There is nothing at the path.
    NotFound,
    /// The path is a folder.
    Directory,
    /// The path is a FIFO, a device, a socket: something that may never end or never answer.
    NotRegular,
    /// The file holds more than [`MAX_FILE_BYTES`].
    TooLarge,
    /// The bytes are not UTF-8 text; the offset of the first bad byte.
    NotUtf8(usize),
    /// The text holds a NUL byte, at this offset.
    Binary(usize),
    /// Any other failure.
    Io(io::Error),
}

impl ReadError {
    /// The problem as a diagnostic about the file shown as `shown`.
    pub fn diagnostic(&self, shown: &str) -> Diagnostic {
        let not_text = "scenario files are TOML text saved as UTF-8; is this the right file?";
        match self {
            ReadError::NotFound => Diagnostic::error(format!("`{shown}` does not exist"))
                .with_hint("check the path; `pointsim new` writes an example scenario to start from"),
            ReadError::Directory => Diagnostic::error(format!("`{shown}` is a directory, not a scenario file"))
                .with_hint("give the path of a `.toml` scenario file"),
            ReadError::NotRegular => Diagnostic::error(format!("`{shown}` is not a regular file"))
                .with_hint("pointsim reads scenarios, plans and tests from ordinary files, not from pipes or devices; save the text to a file first"),
            ReadError::TooLarge => Diagnostic::error(format!(
                "`{shown}` is larger than {} MiB, the most pointsim reads",
                MAX_FILE_BYTES >> 20
            ))
            .with_hint("a scenario is a few KiB of text; is this the right file? (see docs/limits.md)"),
            ReadError::NotUtf8(at) => {
                Diagnostic::error(format!("`{shown}` is not UTF-8 text: invalid byte at offset {at}"))
                    .with_hint(not_text)
            }
            ReadError::Binary(at) => {
                Diagnostic::error(format!("`{shown}` looks like a binary file: NUL byte at offset {at}"))
                    .with_hint("scenario files are TOML text; is this the right file?")
            }
            ReadError::Io(e) => Diagnostic::error(format!("could not read `{shown}`: {e}")),
        }
    }
}

/// The text of the file at `path`: a regular file (a FIFO or device is
/// refused before it is opened, so reading never blocks or runs on without
/// end) of at most [`MAX_FILE_BYTES`], UTF-8 without NUL bytes. Never reads
/// more than `MAX_FILE_BYTES + 1` bytes.
pub(crate) fn read(path: &Path) -> Result<String, ReadError> {
    let kind = |m: &std::fs::Metadata| {
        if m.is_dir() {
            Err(ReadError::Directory)
        } else if !m.is_file() {
            Err(ReadError::NotRegular)
        } else {
            Ok(())
        }
    };
    match std::fs::metadata(path) {
        Ok(m) => kind(&m)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ReadError::NotFound),
        Err(e) => return Err(ReadError::Io(e)),
    }
    let file = std::fs::File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e),
    })?;
    // the path may have been replaced between the two looks
    kind(&file.metadata().map_err(ReadError::Io)?)?;
    let bytes = read_capped(file, MAX_FILE_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8(e.utf8_error().valid_up_to()))?;
    match text.find('\0') {
        Some(at) => Err(ReadError::Binary(at)),
        None => Ok(text),
    }
}

/// The text of the file at `path`, read as [`load`](super::load) reads a
/// scenario (for a file of rule tests or anything else a user writes).
///
/// # Errors
///
/// One diagnostic naming the file when it is missing, a folder, not a
/// regular file (a FIFO or a device), larger than [`MAX_FILE_BYTES`], not
/// UTF-8, or holds a NUL byte.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    read(path).map_err(|e| e.diagnostic(&path.display().to_string()))
}

/// At most `cap` bytes of `r`: reads `cap + 1` at most, and fails with
/// [`ReadError::TooLarge`] when there are more than `cap`.
pub(crate) fn read_capped(r: impl Read, cap: u64) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    r.take(cap + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > cap { Err(ReadError::TooLarge) } else { Ok(bytes) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_reader_is_cut_at_the_cap() {
        let counted = std::cell::Cell::new(0u64);
        struct Counting<'a>(&'a std::cell::Cell<u64>);
        impl Read for Counting<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                buf.fill(b'a');
                self.0.set(self.0.get() + buf.len() as u64);
                Ok(buf.len())
            }
        }
        assert!(matches!(read_capped(Counting(&counted), 1000), Err(ReadError::TooLarge)));
        assert_eq!(counted.get(), 1001, "never more than cap + 1 bytes");
        assert_eq!(read_capped(&b"abc"[..], 3).unwrap(), b"abc");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_reading() {
        assert!(matches!(read(Path::new("/dev/zero")), Err(ReadError::NotRegular)));
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // opening a FIFO for reading would block until a writer comes
            assert!(matches!(read(&fifo), Err(ReadError::NotRegular)));
        }
        assert!(matches!(read(dir.path()), Err(ReadError::Directory)));
        assert!(matches!(read(&dir.path().join("nope")), Err(ReadError::NotFound)));
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; MAX_FILE_BYTES as usize + 1]).unwrap();
        assert!(matches!(read(&big), Err(ReadError::TooLarge)));
    }
}
