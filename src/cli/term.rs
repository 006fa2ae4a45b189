//! Terminal details: colour choice and printing to stderr.

use std::io::{IsTerminal, Write};

/// Whether to colour stderr: a terminal, and `NO_COLOR` unset or empty.
pub fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// `error` in bold red when colouring, plain otherwise.
pub fn error_word() -> &'static str {
    if color() { "\x1b[1;31merror\x1b[0m" } else { "error" }
}

/// Print to stderr, ignoring failures (there is nowhere left to report them).
pub fn eprint(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = err.write_all(b"\n");
    }
}
