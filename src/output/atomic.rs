//! All-or-nothing output folders: a result set written into a hidden sibling
//! and renamed into place, and the leftovers of an interrupted writer found
//! and cleaned (the lock that keeps one writer per folder: [`super::lock`]).
//!
//! For an output folder `out/x`, the siblings in `out/` are
//! `.x.pointsim-partial-<pid>` (the result set being written),
//! `.x.pointsim-old-<pid>` (the earlier folder, moved aside for the instant
//! of the swap) and `.x.pointsim-lock` (the lock).

use std::io;
use std::path::{Path, PathBuf};

use super::lock::pid_alive;

/// Infix of the folder a result set is written into before it is complete.
pub const PARTIAL: &str = ".pointsim-partial-";
/// Infix of an earlier result folder moved aside while the new one takes its place.
pub const ASIDE: &str = ".pointsim-old-";
/// Suffix of the lock file next to an output folder.
pub const LOCK: &str = ".pointsim-lock";

/// `target` made absolute with a last component (`.` and `..` resolved), so
/// that it has a name and a parent for its siblings.
pub(super) fn resolve(target: &Path) -> io::Result<PathBuf> {
    let abs = std::path::absolute(target)?;
    let abs = if abs.file_name().is_none() { std::fs::canonicalize(&abs)? } else { abs };
    if abs.file_name().is_none() || abs.parent().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` cannot be an output folder", target.display()),
        ));
    }
    Ok(abs)
}

/// The sibling `.<name><tag>` of `target` (resolved).
pub(super) fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    target.with_file_name(format!(".{name}{tag}"))
}

/// A result set being written into `.<name>.pointsim-partial-<pid>` next to
/// its output folder, renamed into place by [`Staging::commit`]. Dropped
/// without a commit (an error), it removes the partial folder: a failed run
/// leaves no partial result set.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    partial: PathBuf,
    done: bool,
}

impl Staging {
    /// Make a fresh, empty partial folder for the output folder `target`
    /// (replacing one this process left, if any).
    ///
    /// # Errors
    ///
    /// The folder cannot be made.
    pub fn begin(target: &Path) -> io::Result<Staging> {
        let abs = resolve(target)?;
        let partial = sibling(&abs, &format!("{PARTIAL}{}", std::process::id()));
        match std::fs::remove_dir_all(&partial) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        if let Some(parent) = partial.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::create_dir(&partial)?;
        Ok(Staging { target: target.to_path_buf(), partial, done: false })
    }

    /// The folder to write the result set into.
    pub fn dir(&self) -> &Path {
        &self.partial
    }

    /// Put the complete result set in place of the output folder.
    ///
    /// When the folder does not exist, the partial folder is renamed to it.
    /// When it does, it is renamed aside, the partial folder takes its name,
    /// every file of the old folder that the new set lacks is moved into the
    /// new one (files of other names stay, as with `--force`), except those
    /// for which `drop_old` (given the path relative to the folder, such as
    /// `plots/tiers.svg`) is true and pointsim's temporary files; then the
    /// old folder is removed. An output folder that is a symbolic link or
    /// cannot be renamed (a mount point), or holds the working directory,
    /// receives the new files one by one instead, each renamed into place.
    ///
    /// # Errors
    ///
    /// The first I/O error; the earlier folder is then back in place.
    pub fn commit(mut self, drop_old: &dyn Fn(&str) -> bool) -> io::Result<()> {
        let target = resolve(&self.target)?;
        let drop_old = |rel: &str| drop_old(rel) || is_temp(rel);
        let meta = match std::fs::symlink_metadata(&target) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            other => Some(other?),
        };
        match meta {
            None => std::fs::rename(&self.partial, &target)?,
            Some(m) if m.is_dir() => {
                let aside = sibling(&target, &format!("{ASIDE}{}", std::process::id()));
                let _ = std::fs::remove_dir_all(&aside);
                // the new folder gets the old one's mode (a group-writable folder stays so)
                let _ = std::fs::set_permissions(&self.partial, m.permissions());
                // a folder this process works in (`--out .`) is not swapped
                // away from under the shell that started it
                let cwd_inside = std::env::current_dir()
                    .and_then(std::fs::canonicalize)
                    .is_ok_and(|cwd| std::fs::canonicalize(&target).is_ok_and(|t| cwd.starts_with(t)));
                if !cwd_inside && std::fs::rename(&target, &aside).is_ok() {
                    if let Err(e) = std::fs::rename(&self.partial, &target) {
                        std::fs::rename(&aside, &target)?;
                        return Err(e);
                    }
                    carry(&aside, &target, "", &drop_old)?;
                    std::fs::remove_dir_all(&aside)?;
                } else {
                    move_into(&self.partial, &target, &drop_old)?;
                    std::fs::remove_dir_all(&self.partial)?;
                }
            }
            // a link to a folder: write through it
            Some(_) if target.is_dir() => {
                move_into(&self.partial, &target, &drop_old)?;
                std::fs::remove_dir_all(&self.partial)?;
            }
            Some(_) => {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("output path `{}` is a file, not a folder", self.target.display()),
                ));
            }
        }
        self.done = true;
        if let Some(parent) = target.parent()
            && let Ok(d) = std::fs::File::open(parent)
        {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.partial);
        }
    }
}

/// Whether the last component of `rel` is a temporary file of [`write_all`](super::write_all).
fn is_temp(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.starts_with(".pointsim-") && name.ends_with(".tmp")
}

/// `a/b` from `a` and `b` (`b` alone when `a` is empty).
fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() { name.to_owned() } else { format!("{rel}/{name}") }
}

/// Move every entry of `old` that `new` lacks (at any depth) into `new`,
/// except those `drop_old` names; a folder made for them and left empty is removed.
fn carry(old: &Path, new: &Path, rel: &str, drop_old: &dyn Fn(&str) -> bool) -> io::Result<()> {
    for e in std::fs::read_dir(old)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let r = join(rel, &name);
        let dst = new.join(e.file_name());
        let is_dir = e.file_type()?.is_dir();
        match std::fs::symlink_metadata(&dst) {
            Ok(m) if is_dir && m.is_dir() => carry(&e.path(), &dst, &r, drop_old)?,
            Ok(_) => {}
            Err(_) if is_dir => {
                std::fs::create_dir(&dst)?;
                carry(&e.path(), &dst, &r, drop_old)?;
                let _ = std::fs::remove_dir(&dst);
            }
            Err(_) if drop_old(&r) => {}
            Err(_) => std::fs::rename(e.path(), &dst)?,
        }
    }
    Ok(())
}

/// Move every file of `from` into the folder `into` (which stays where it
/// is), replacing files of the same name; then remove the files of `into`
/// that `drop_old` names and the new set did not bring.
fn move_into(from: &Path, into: &Path, drop_old: &dyn Fn(&str) -> bool) -> io::Result<()> {
    let mut brought = std::collections::HashSet::new();
    move_files(from, into, "", &mut brought)?;
    remove_dropped(into, "", &brought, drop_old)
}

/// Move the files of `from` into `into`, recording their relative paths.
fn move_files(
    from: &Path,
    into: &Path,
    rel: &str,
    brought: &mut std::collections::HashSet<String>,
) -> io::Result<()> {
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let r = join(rel, &e.file_name().to_string_lossy());
        let dst = into.join(e.file_name());
        if e.file_type()?.is_dir() {
            std::fs::create_dir_all(&dst)?;
            move_files(&e.path(), &dst, &r, brought)?;
        } else {
            std::fs::rename(e.path(), &dst)?;
            brought.insert(r);
        }
    }
    Ok(())
}

/// Remove the files under `dir` that `drop_old` names and are not in `brought`.
fn remove_dropped(
    dir: &Path,
    rel: &str,
    brought: &std::collections::HashSet<String>,
    drop_old: &dyn Fn(&str) -> bool,
) -> io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let r = join(rel, &e.file_name().to_string_lossy());
        if e.file_type()?.is_dir() {
            remove_dropped(&e.path(), &r, brought, drop_old)?;
        } else if drop_old(&r) && !brought.contains(&r) {
            std::fs::remove_file(e.path())?;
        }
    }
    Ok(())
}

/// What an interrupted writer left next to the output folder `target`, found
/// and dealt with by [`clean_leftovers`].
///
/// Call it holding the folder's [`OutLock`](super::lock::OutLock): no live writer is then using
/// them (those of a process that still runs are left alone).
///
/// A partial result set is removed; an earlier folder moved aside is put
/// back when the output folder is missing, and otherwise named and left.
/// Returns one note per leftover.
///
/// # Errors
///
/// A leftover that cannot be removed or moved back.
pub fn clean_leftovers(target: &Path) -> io::Result<Vec<String>> {
    let Ok(abs) = resolve(target) else { return Ok(Vec::new()) };
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else { return Ok(Vec::new()) };
    let name = name.to_string_lossy();
    let Ok(entries) = std::fs::read_dir(parent) else { return Ok(Vec::new()) };
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, _)| n.starts_with(&format!(".{name}.pointsim-")))
        .collect();
    found.sort();
    let mut notes = Vec::new();
    for (n, path) in found {
        let rest = &n[name.len() + 1..];
        let (kind, pid) = if let Some(pid) = rest.strip_prefix(PARTIAL) {
            (PARTIAL, pid)
        } else if let Some(pid) = rest.strip_prefix(ASIDE) {
            (ASIDE, pid)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        if pid != std::process::id() && pid_alive(pid) {
            continue;
        }
        if kind == PARTIAL {
            std::fs::remove_dir_all(&path)?;
            notes.push(format!(
                "note: removed `{}`, the unfinished results of an interrupted run (process {pid})\n",
                path.display()
            ));
        } else if std::fs::symlink_metadata(&abs).is_err() {
            std::fs::rename(&path, &abs)?;
            notes.push(format!(
                "note: put back the earlier results of `{}`, which an interrupted run (process {pid}) had moved aside\n",
                target.display()
            ));
        } else {
            notes.push(format!(
                "note: `{}` holds earlier results of `{}` that an interrupted run (process {pid}) moved aside; \
                 remove it when you no longer need them\n",
                path.display(),
                target.display()
            ));
        }
    }
    Ok(notes)
}

/// Remove pointsim's temporary files (`.pointsim-*.tmp`, left by a writer
/// killed mid-file) from `dir` and the given subfolders; returns how many.
///
/// # Errors
///
/// One that exists but cannot be removed.
pub fn remove_temp_files(dir: &Path, subfolders: &[&str]) -> io::Result<usize> {
    let mut n = 0;
    for d in std::iter::once(dir.to_path_buf()).chain(subfolders.iter().map(|s| dir.join(s))) {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.filter_map(Result::ok) {
            if is_temp(&e.file_name().to_string_lossy()) && e.file_type().is_ok_and(|t| t.is_file()) {
                std::fs::remove_file(e.path())?;
                n += 1;
            }
        }
    }
    Ok(n)
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
    fn a_result_set_appears_whole_and_keeps_files_of_other_names() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        // first set: the folder does not exist until the commit
        let s = Staging::begin(&out).unwrap();
        crate::output::write_all(s.dir(), &[("a.json", b"1".to_vec()), ("plots/x.svg", b"x".to_vec())])
            .unwrap();
        assert!(!out.exists());
        assert_eq!(names(tmp.path()), [format!(".out{PARTIAL}{}", std::process::id())]);
        s.commit(&|_| false).unwrap();
        assert_eq!(names(tmp.path()), ["out"]);
        // a user's file, and a leftover temporary file
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        std::fs::write(out.join("plots/.pointsim-x.tmp"), "").unwrap();
        std::fs::write(out.join("plots/mine.png"), "mine").unwrap();
        // second set: no chart; the old chart is dropped, the user's files stay
        let s = Staging::begin(&out).unwrap();
        crate::output::write_all(s.dir(), &[("a.json", b"2".to_vec())]).unwrap();
        s.commit(&|rel| rel == "plots/x.svg").unwrap();
        assert_eq!(names(tmp.path()), ["out"]);
        assert_eq!(names(&out), ["a.json", "notes.txt", "plots"]);
        assert_eq!(names(&out.join("plots")), ["mine.png"]);
        assert_eq!(std::fs::read(out.join("a.json")).unwrap(), b"2");
    }

    #[test]
    fn an_abandoned_set_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        {
            let s = Staging::begin(&out).unwrap();
            crate::output::write_all(s.dir(), &[("a.json", b"1".to_vec())]).unwrap();
        }
        assert!(names(tmp.path()).is_empty());
    }

    #[test]
    fn leftovers_of_a_killed_writer_are_cleaned_or_named() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let dead = 4_294_967_294u32;
        std::fs::create_dir(tmp.path().join(format!(".out{PARTIAL}{dead}"))).unwrap();
        std::fs::create_dir(tmp.path().join(format!(".out{ASIDE}{dead}"))).unwrap();
        std::fs::write(tmp.path().join(format!(".out{ASIDE}{dead}/a.json")), "old").unwrap();
        let notes = clean_leftovers(&out).unwrap();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("put back"), "{notes:?}");
        assert!(notes[1].contains("unfinished results"), "{notes:?}");
        assert_eq!(names(tmp.path()), ["out"]);
        assert_eq!(std::fs::read(out.join("a.json")).unwrap(), b"old");
        std::fs::write(out.join(".pointsim-abc.tmp"), "").unwrap();
        assert_eq!(remove_temp_files(&out, &["cells"]).unwrap(), 1);
        assert_eq!(names(&out), ["a.json"]);
    }
}
