//! The library's layers point one way (docs: DESIGN "Where the layers go
//! next"): scenario → population → engine → stats / results → output, plot,
//! trace → batch → the CLI. This test reads every source file of `src/` and
//! fails on an import that points back up, naming the file and line.
//!
//! Only code counts: comments and a file's `#[cfg(test)]` module (tests may
//! run a simulation to get a result to check) are left out.

use std::path::{Path, PathBuf};

/// Each layer (a folder of `src/`) and the modules of the crate it must not
/// name, with why.
const RULES: &[(&str, &[&str], &str)] = &[
    (
        "scenario",
        &["population", "engine", "stats", "results", "trace", "output", "plot", "batch"],
        "the scenario module knows nothing of what runs it",
    ),
    (
        "population",
        &["engine", "stats", "results", "trace", "output", "plot", "batch"],
        "a population is made from a scenario alone",
    ),
    (
        "engine",
        &["results", "trace", "output", "plot", "batch"],
        "the engine fills the accumulators of stats and knows nothing of files, charts or batches",
    ),
    (
        "stats",
        &["engine", "population", "results", "trace", "output", "plot", "batch"],
        "the engine imports stats, never the reverse",
    ),
    (
        "results",
        &["engine", "trace", "output", "plot", "batch"],
        "result types and tables sit below the layers that write, draw and run them",
    ),
    ("trace", &["output", "plot", "batch"], "trace builds rows; output writes them"),
    ("output", &["engine", "trace", "plot", "batch"], "output writers only read results"),
    ("plot", &["engine", "trace", "batch"], "charts are drawn from saved results and result types"),
];

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The crate modules a line of code names: `x` for each `crate::x`, and each
/// top-level name of a `crate::{x, y::z}` group (which may run over lines,
/// so `rest` is the text from the line on).
fn named(line: &str, rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_start = true,
                    c if depth == 0 && at_start && (c.is_alphanumeric() || c == '_') => item.push(c),
                    _ if !item.is_empty() => {
                        out.push(std::mem::take(&mut item));
                        at_start = false;
                    }
                    _ => {}
                }
            }
            if !item.is_empty() {
                out.push(item);
            }
        } else {
            out.push(after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect());
        }
    }
    out
}

/// `file:line: text` for every back edge in the files of `layer`.
fn back_edges(root: &Path, layer: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in rust_files(&root.join(layer)) {
        let text = std::fs::read_to_string(&file).unwrap();
        // a file's tests come last, after `#[cfg(test)]` and `mod`
        let code = match text.find("#[cfg(test)]\nmod ") {
            Some(end) => &text[..end],
            None => &text,
        };
        let mut offset = 0;
        for (i, line) in code.lines().enumerate() {
            let rest = &code[offset..];
            offset += line.len() + 1;
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            let line = line.split(" //").next().unwrap_or(line);
            for module in named(line, rest) {
                if forbidden.contains(&module.as_str()) {
                    let shown =
                        file.strip_prefix(root.parent().unwrap()).unwrap_or(&file).display().to_string();
                    found.push(format!("{shown}:{}: `crate::{module}` in {layer}: {}", i + 1, trimmed));
                }
            }
        }
    }
    found
}

#[test]
fn layers_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for (layer, forbidden, why) in RULES {
        for p in back_edges(&root, layer, forbidden) {
            problems.push(format!("{p}\n    ({why})"));
        }
    }
    assert!(problems.is_empty(), "imports against the layering:\n{}", problems.join("\n"));
}

#[test]
fn the_library_never_names_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for file in rust_files(&root) {
        let rel = file.strip_prefix(&root).unwrap();
        if rel.starts_with("cli") || rel == Path::new("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            if !line.trim_start().starts_with("//")
                && (line.contains("crate::cli") || line.contains("clap::"))
            {
                problems.push(format!("src/{}:{}: {}", rel.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(problems.is_empty(), "the library names the CLI:\n{}", problems.join("\n"));
}

#[test]
fn the_scanner_sees_every_form_of_import() {
    let line = "use crate::{batch::compare, output::{self, text}, scenario};";
    assert_eq!(named(line, line), ["batch", "output", "scenario"]);
    let text = "use crate::{\n    engine::Cause,\n    stats::MICRO,\n};\n";
    assert_eq!(named(text.lines().next().unwrap(), text), ["engine", "stats"]);
    let line = "    let x = crate::batch::compare::compare(a, b);";
    assert_eq!(named(line, line), ["batch"]);
}
