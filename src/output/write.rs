//! The one place that writes output files: folder checks, then each file
//! written to a temporary name, synced, made world-readable and renamed.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Why an output folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum OutDirError {
    /// The path exists and is not a folder.
    #[error("output path `{}` is a file, not a folder\n\nhint: choose another path with --out", .0.display())]
    NotADirectory(PathBuf),
    /// The folder already holds files and `force` was not given.
    #[error(
        "output folder `{}` is not empty: it holds {}\n\nhint: use --force to overwrite, or choose another folder with --out",
        .path.display(),
        list(.entries)
    )]
    NotEmpty {
        /// The folder.
        path: PathBuf,
        /// Names of what it holds, sorted.
        entries: Vec<String>,
    },
    /// Creating or reading the folder failed.
    #[error("cannot use output folder `{}`: {source}", .path.display())]
    Io {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

/// `` `a`, `b` and 3 more `` for an error message.
fn list(entries: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut s = entries.iter().take(SHOWN).map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ");
    if entries.len() > SHOWN {
        s.push_str(&format!(" and {} more", entries.len() - SHOWN));
    }
    s
}

/// An output folder that is, or holds, one of the command's own inputs
/// ([`refuse_own_inputs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnInputError {
    /// The output folder, as given.
    pub out: PathBuf,
    /// The input it is or holds, as given; `None` when it is the input itself.
    pub input: Option<PathBuf>,
}

impl std::fmt::Display for OwnInputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.input {
            None => write!(f, "output folder `{}` is one of this command's inputs", self.out.display())?,
            Some(input) => write!(
                f,
                "output folder `{}` holds `{}`, one of this command's inputs",
                self.out.display(),
                input.display()
            )?,
        }
        f.write_str(
            "\n\nhint: choose another folder with --out; nothing is written over or removed from a command's \
             own inputs, even with --force",
        )
    }
}

impl std::error::Error for OwnInputError {}

/// Refuse `out` when it is one of `inputs` (files or folders) or holds one
/// of them at any depth: a command never writes over, clears or deletes its
/// own inputs, with or without `force` (`pointsim merge s0 s1 --out s0
/// --force` used to remove shard `s0`'s files before reading them).
/// Paths are compared after resolving links and `..`; an output folder
/// that does not exist yet holds nothing. Call it before [`prepare_out_dir`].
///
/// # Errors
///
/// [`OwnInputError`] naming the first input found in `out`.
pub fn refuse_own_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), OwnInputError> {
    let Ok(out_c) = std::fs::canonicalize(out) else { return Ok(()) };
    for input in inputs {
        let Ok(in_c) = std::fs::canonicalize(input) else { continue };
        if in_c.starts_with(&out_c) {
            let input = (in_c != out_c).then(|| input.clone());
            return Err(OwnInputError { out: out.to_path_buf(), input });
        }
    }
    Ok(())
}

/// The files of a loaded scenario, as inputs for [`refuse_own_inputs`]: the
/// given file, then every file it extends.
pub fn chain_files(source: &crate::scenario::SourceFile) -> Vec<PathBuf> {
    source.chain.iter().map(|f| PathBuf::from(&f.file)).collect()
}

/// Remove the files `names` (paths relative to `out`) where they exist,
/// then each folder of `folders` (relative to `out`) that is left empty; a
/// folder still holding anything stays. With `--force`, a command removes the
/// pictures it draws before writing, so none outlives the data it was drawn
/// from (names from [`plot::run_pictures`](crate::plot::run_pictures) and
/// [`plot::COMPARE_PICTURES`](crate::plot::COMPARE_PICTURES)).
///
/// # Errors
///
/// A file that exists but cannot be removed.
pub fn remove_earlier<N: AsRef<str>>(out: &Path, names: &[N], folders: &[&str]) -> io::Result<()> {
    for name in names {
        match std::fs::remove_file(out.join(name.as_ref())) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    for folder in folders {
        let _ = std::fs::remove_dir(out.join(folder));
    }
    Ok(())
}

/// Make `dir` ready to receive a run's files: create it (and its parents)
/// when missing, refuse a path that is a file, and refuse a folder that
/// already holds anything unless `force` is set.
///
/// With `force`, existing files are left in place: the run's files replace
/// those with the same names, and files of other names stay.
///
/// # Errors
///
/// [`OutDirError::NotADirectory`], [`OutDirError::NotEmpty`] (listing what
/// is there), or [`OutDirError::Io`] when the folder cannot be created or read.
pub fn prepare_out_dir(dir: &Path, force: bool) -> Result<(), OutDirError> {
    check_out_dir(dir, force)?;
    std::fs::create_dir_all(dir).map_err(|source| OutDirError::Io { path: dir.to_path_buf(), source })
}

/// As [`prepare_out_dir`], but a missing folder is left missing: for a
/// result set written into a sibling and renamed into place
/// ([`atomic::Staging`](super::atomic::Staging)).
///
/// # Errors
///
/// As [`prepare_out_dir`].
pub fn check_out_dir(dir: &Path, force: bool) -> Result<(), OutDirError> {
    let io_err = |source| OutDirError::Io { path: dir.to_path_buf(), source };
    match std::fs::metadata(dir) {
        Ok(m) if !m.is_dir() => return Err(OutDirError::NotADirectory(dir.to_path_buf())),
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err(e)),
    }
    if force {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(dir)
        .map_err(io_err)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<Vec<_>>>()
        .map_err(io_err)?;
    if entries.is_empty() {
        return Ok(());
    }
    entries.sort();
    Err(OutDirError::NotEmpty { path: dir.to_path_buf(), entries })
}

/// Write each `(name, bytes)` into `dir` atomically: a temporary file in the
/// same folder is written, synced to disk, given mode 0644 (on Unix) and
/// renamed over `dir/name`, so a reader sees either the old file or the
/// whole new one, never a part. Names are relative paths (`summary.json`,
/// `plots/tiers.svg`, as `&str` or `String`); missing subfolders are created.
///
/// # Errors
///
/// An [`io::ErrorKind::InvalidInput`] error for a name that is absolute,
/// empty or contains `..`, checked for every name before anything is
/// written; otherwise the first I/O error. Files written before the error
/// stay (each is complete).
pub fn write_all<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> io::Result<()> {
    write_files(dir, files, true)
}

/// As [`write_all`] (temporary file, then rename: never a part of a file
/// under its name), but without syncing to disk: for many small files that
/// can be made again, such as a sweep's `cells/*.toml`, where a sync per
/// file would cost more than writing them.
///
/// # Errors
///
/// As [`write_all`].
pub fn write_all_unsynced<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)]) -> io::Result<()> {
    write_files(dir, files, false)
}

fn write_files<N: AsRef<str>>(dir: &Path, files: &[(N, Vec<u8>)], sync: bool) -> io::Result<()> {
    for (name, _) in files {
        check_name(name.as_ref())?;
    }
    for (name, bytes) in files {
        let target = dir.join(name.as_ref());
        let parent = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent)?;
        let mut tmp = tempfile::Builder::new().prefix(".pointsim-").suffix(".tmp").tempfile_in(parent)?;
        tmp.write_all(bytes)?;
        if sync {
            tmp.as_file().sync_all()?;
        }
        // tempfile creates files readable by their owner only
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        tmp.persist(&target)?;
        if sync {
            sync_dir(parent)?;
        }
    }
    Ok(())
}

/// Reject names that would escape `dir`.
fn check_name(name: &str) -> io::Result<()> {
    let path = Path::new(name);
    let ok = !name.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    if ok {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("output file name `{name}` must be a relative path without `..`"),
        ))
    }
}

/// The most bytes of a file stem made by [`file_stems`].
pub const MAX_STEM_BYTES: usize = 100;

/// Safe, distinct file stems for `texts` (made from scenario text, such as
/// a sweep chart named after a tier): letters, digits, `.`, `-`, `_` and
/// `+` are kept, anything else (`/`, `\`, spaces, NUL, control characters)
/// becomes `_`, a leading `.` becomes `_` (so no `..` and no hidden file),
/// the stem is cut to [`MAX_STEM_BYTES`], and a stem equal to an earlier
/// one (ignoring case, for case-insensitive file systems) gets `-2`, `-3`,
/// ... The same texts always give the same stems.
pub fn file_stems<S: AsRef<str>>(texts: &[S]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    texts
        .iter()
        .map(|t| {
            let mut stem: String = t
                .as_ref()
                .chars()
                .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+') { c } else { '_' })
                .collect();
            if stem.is_empty() || stem.starts_with('.') {
                stem.insert(0, '_');
            }
            cut(&mut stem, MAX_STEM_BYTES);
            let base = stem.clone();
            let mut k = 1;
            while !seen.insert(stem.to_lowercase()) {
                k += 1;
                stem = base.clone();
                let suffix = format!("-{k}");
                cut(&mut stem, MAX_STEM_BYTES - suffix.len());
                stem.push_str(&suffix);
            }
            stem
        })
        .collect()
}

/// Cut `s` to at most `max` bytes, on a character boundary.
fn cut(s: &mut String, max: usize) {
    if s.len() > max {
        let mut at = max;
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.truncate(at);
    }
}

/// Make a rename durable by syncing the folder that holds it (Unix only).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        v.sort();
        v
    }

    #[test]
    fn file_stems_are_safe_and_distinct() {
        let long = "é".repeat(200);
        let texts =
            ["tier_share.A/B", "tier_share.A_B", "..", "a\0b", "", &long, "tier_share.a/b", "ok-1.x+"];
        let stems = file_stems(&texts);
        assert_eq!(&stems[..4], ["tier_share.A_B", "tier_share.A_B-2", "_..", "a_b"]);
        assert_eq!(stems[4], "_");
        assert!(stems[5].len() <= MAX_STEM_BYTES && stems[5].starts_with('é'));
        assert_eq!(stems[6], "tier_share.a_b-3", "case-insensitively distinct");
        assert_eq!(stems[7], "ok-1.x+");
        for s in &stems {
            check_name(&format!("plots/{s}.svg")).unwrap();
        }
    }

    #[test]
    fn writes_whole_files_with_mode_0644_and_no_temp_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        prepare_out_dir(&dir, false).unwrap();
        write_all(&dir, &[("a.json", b"{}\n".to_vec()), ("plots/b.csv", b"x\n1\n".to_vec())]).unwrap();
        // overwriting goes through the same rename
        write_all(&dir, &[("a.json", b"[]\n".to_vec())]).unwrap();
        assert_eq!(names(&dir), ["a.json", "plots"]);
        assert_eq!(names(&dir.join("plots")), ["b.csv"]);
        assert_eq!(std::fs::read(dir.join("a.json")).unwrap(), b"[]\n");
        assert_eq!(std::fs::read(dir.join("plots/b.csv")).unwrap(), b"x\n1\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for f in ["a.json", "plots/b.csv"] {
                let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o644, "{f}");
            }
        }
    }

    #[test]
    fn rejects_names_outside_the_folder_before_writing() {
        let tmp = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "", "a/../../b"] {
            let err = write_all(tmp.path(), &[("ok.txt", vec![]), (bad, vec![])]).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{bad}");
        }
        assert!(names(tmp.path()).is_empty());
    }

    #[test]
    fn refuses_non_empty_folder_unless_forced() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("summary.json"), "{}").unwrap();
        std::fs::write(tmp.path().join("steps.csv"), "").unwrap();
        let err = prepare_out_dir(tmp.path(), false).unwrap_err();
        assert!(matches!(err, OutDirError::NotEmpty { .. }));
        let msg = err.to_string().replace(&tmp.path().display().to_string(), "[dir]");
        insta::assert_snapshot!(msg, @r#"
            output folder `[dir]` is not empty: it holds `steps.csv`, `summary.json`

            hint: use --force to overwrite, or choose another folder with --out
            "#);
        prepare_out_dir(tmp.path(), true).unwrap();
        assert_eq!(names(tmp.path()), ["steps.csv", "summary.json"], "force keeps files");
    }

    #[test]
    fn accepts_empty_or_missing_folder_and_refuses_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        prepare_out_dir(tmp.path(), false).unwrap();
        let nested = tmp.path().join("a/b");
        prepare_out_dir(&nested, false).unwrap();
        assert!(nested.is_dir());
        let file = tmp.path().join("file");
        std::fs::write(&file, "x").unwrap();
        for force in [false, true] {
            assert!(matches!(prepare_out_dir(&file, force), Err(OutDirError::NotADirectory(_))));
        }
    }
}
