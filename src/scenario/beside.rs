//! Rule tests kept in a file of their own beside a scenario:
//! `tests/<scenario file stem>.toml` in the scenario's folder.

use std::path::{Path, PathBuf};

use super::{Diagnostic, Diagnostics, Loaded, RuleTest, parse_tests, read_text};

/// `tests/<stem>.toml` beside `file`, if it exists.
pub fn tests_beside(file: &Path) -> Option<PathBuf> {
    let stem = file.file_stem()?;
    let dir = file.parent().unwrap_or(Path::new(""));
    let path = dir.join("tests").join(stem).with_extension("toml");
    path.is_file().then_some(path)
}

/// Read and check a file of rule tests for `loaded`: the file's text (for
/// positions) and its tests.
///
/// # Errors
///
/// The file's problems, positioned in it.
pub fn load_tests_file(path: &Path, loaded: &Loaded) -> Result<(Diagnostics, Vec<RuleTest>), Diagnostics> {
    let name = path.display().to_string();
    let text = read_text(path).map_err(|d: Diagnostic| Diagnostics::single(name.clone(), d))?;
    let tests = parse_tests(&text, &name, &loaded.scenario)?;
    Ok((Diagnostics::new(name, text), tests))
}
