//! One writer per output folder: the lock file `.<name>.pointsim-lock` next
//! to it, holding the writer's process id, command line, machine and Slurm
//! task; a lock whose process no longer exists is taken over.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use super::atomic::{LOCK, resolve, sibling};

/// The lock file of the output folder `target`: `.<name>.pointsim-lock` next to it.
///
/// # Errors
///
/// `target` has no name or parent (`/`), or the working directory is unknown.
pub fn lock_path(target: &Path) -> io::Result<PathBuf> {
    Ok(sibling(&resolve(target)?, LOCK))
}

/// Whether process `pid` exists (and, on Linux, has not exited: a zombie
/// does not count). An unknown answer counts as alive, so a lock is never
/// taken from a writer that may still run.
pub fn pid_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // the state is the first field after the command name in parentheses
            Ok(stat) => stat
                .rsplit_once(')')
                .is_none_or(|(_, rest)| !matches!(rest.trim_start().chars().next(), Some('Z' | 'X'))),
            Err(e) => e.kind() != io::ErrorKind::NotFound,
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .map_or(true, |s| s.success())
    }
}

/// Why an output folder's lock cannot be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another live process holds it.
    #[error(
        "output folder `{}` is being written by another pointsim (process {pid}{}{})\n\nhint: wait for it to \
         finish, or choose another folder with --out; if no such process is writing there, remove `{}`",
        .target.display(),
        .host.as_ref().map_or(String::new(), |h| format!(" on `{h}`")),
        if .command.is_empty() { String::new() } else { format!(": `{}`", .command) },
        .lock.display()
    )]
    Held {
        /// The output folder, as given.
        target: PathBuf,
        /// The lock file.
        lock: PathBuf,
        /// The process holding it.
        pid: u32,
        /// The machine it runs on, when not this one (a shared file system).
        host: Option<String>,
        /// Its command line, as it wrote it in the lock.
        command: String,
    },
    /// The lock file cannot be made or read.
    #[error("cannot lock output folder `{}`: {source}", .target.display())]
    Io {
        /// The output folder, as given.
        target: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

/// An exclusive hold on an output folder: the file `.<name>.pointsim-lock`
/// next to it, holding this process's id and command line, removed when
/// dropped. A lock whose process no longer exists (killed with `kill -9`, a
/// crash, a power loss) is taken over, with a note.
#[derive(Debug)]
pub struct OutLock {
    path: PathBuf,
    content: Vec<u8>,
}

impl OutLock {
    /// Take the lock of `target` for `command` (shown to a second writer),
    /// creating `target`'s parent folder when missing. Returns the lock and,
    /// when a stale lock was taken over, a note saying so.
    ///
    /// Two processes taking over the same stale lock at the same instant are
    /// not told apart; every other case gives the folder to one writer.
    ///
    /// # Errors
    ///
    /// [`LockError::Held`] naming the live process that holds it, or
    /// [`LockError::Io`].
    pub fn acquire(target: &Path, command: &str) -> Result<(OutLock, Option<String>), LockError> {
        let io_err = |source| LockError::Io { target: target.to_path_buf(), source };
        let path = lock_path(target).map_err(io_err)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err)?;
        }
        let content = format!(
            "{}\n{}\nhost {}\nslurm {}\n",
            std::process::id(),
            command.replace('\n', " "),
            host_name(),
            slurm_task()
        )
        .into_bytes();
        let mut note = None;
        for _ in 0..8 {
            match create_exclusive(&path, &content) {
                Ok(()) => return Ok((OutLock { path, content }, note)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_err(e)),
            }
            let held = match std::fs::read(&path) {
                Ok(held) => held,
                // released meanwhile: try again
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io_err(e)),
            };
            let holder = Holder::parse(&held);
            let command = holder.command.clone();
            let pid = holder.pid;
            if let Some(pid) = pid
                && holder.alive()
            {
                let host = holder.elsewhere().then(|| holder.host.clone());
                return Err(LockError::Held { target: target.to_path_buf(), lock: path, pid, host, command });
            }
            // stale: take it over, unless it changed since it was read
            if std::fs::read(&path).ok().as_deref() == Some(&held[..]) {
                let _ = std::fs::remove_file(&path);
                note = Some(match pid {
                    Some(pid) => format!(
                        "note: took over the lock of `{}` left by process {pid}, which no longer runs{}\n",
                        target.display(),
                        if command.is_empty() { String::new() } else { format!(" (`{command}`)") }
                    ),
                    None => format!("note: replaced an unreadable lock file `{}`\n", path.display()),
                });
            }
        }
        Err(io_err(io::Error::other("the lock file keeps changing")))
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // only our own: never a lock another writer took over meanwhile
        if std::fs::read(&self.path).ok().as_deref() == Some(&self.content[..]) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// What a lock file says of the process holding it.
struct Holder {
    pid: Option<u32>,
    command: String,
    host: String,
    slurm: String,
}

impl Holder {
    /// Read a lock file: the pid, the command line, then `host NAME` and
    /// `slurm JOB/TASK` lines (absent in a lock written by hand).
    fn parse(bytes: &[u8]) -> Holder {
        // printed: no control sequence from the file reaches a terminal
        let clean = |s: &str| -> String { s.chars().map(|c| if c.is_control() { '?' } else { c }).collect() };
        let text = String::from_utf8_lossy(bytes);
        let mut lines = text.lines();
        let pid = lines.next().and_then(|l| l.trim().parse::<u32>().ok());
        let command = clean(lines.next().unwrap_or_default());
        let (mut host, mut slurm) = (String::new(), String::new());
        for l in lines {
            if let Some(h) = l.strip_prefix("host ") {
                host = clean(h.trim());
            } else if let Some(t) = l.strip_prefix("slurm ") {
                slurm = clean(t.trim());
            }
        }
        Holder { pid, command, host, slurm }
    }

    /// Whether it was written on another machine (a shared file system).
    fn elsewhere(&self) -> bool {
        let here = host_name();
        !self.host.is_empty() && !here.is_empty() && self.host != here
    }

    /// Whether the holder may still run. On another machine its process
    /// cannot be looked up: it counts as running unless it was this very
    /// Slurm task (requeued after its node failed).
    fn alive(&self) -> bool {
        if self.elsewhere() {
            return self.slurm.is_empty() || self.slurm != slurm_task();
        }
        self.pid.is_some_and(pid_alive)
    }
}

/// This machine's name (Linux: the kernel's; elsewhere `$HOSTNAME`), or empty.
fn host_name() -> String {
    #[cfg(target_os = "linux")]
    if let Ok(h) = std::fs::read_to_string("/proc/sys/kernel/hostname") {
        return h.trim().to_owned();
    }
    std::env::var("HOSTNAME").unwrap_or_default()
}

/// The Slurm task this process is (`job/task` of a job array, or the job id), or empty.
fn slurm_task() -> String {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    match (var("SLURM_ARRAY_JOB_ID"), var("SLURM_ARRAY_TASK_ID"), var("SLURM_JOB_ID")) {
        (job, task, _) if !job.is_empty() => format!("{job}/{task}"),
        (_, _, job) => job,
    }
}

/// Create `path` holding `content`, failing with `AlreadyExists` if it
/// exists: written to a temporary file first and hard-linked into place, so
/// a reader never sees it empty; where hard links are not supported, with
/// `create_new` and one write.
fn create_exclusive(path: &Path, content: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".pointsim-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(content)?;
    match std::fs::hard_link(tmp.path(), path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => {
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
            f.write_all(content)
        }
    }
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
    fn one_writer_per_folder_and_stale_locks_are_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let (lock, note) = OutLock::acquire(&out, "pointsim run a.toml").unwrap();
        assert!(note.is_none());
        assert_eq!(lock.path(), tmp.path().join(".out.pointsim-lock"));
        // the same process counts as alive: a second acquire is refused
        let Err(LockError::Held { pid, command, .. }) = OutLock::acquire(&out, "x") else { panic!() };
        assert_eq!((pid, command.as_str()), (std::process::id(), "pointsim run a.toml"));
        drop(lock);
        assert!(names(tmp.path()).is_empty(), "released");
        // a lock of a process that does not exist
        std::fs::write(tmp.path().join(".out.pointsim-lock"), "4294967294\npointsim sweep p.toml\n").unwrap();
        let (lock, note) = OutLock::acquire(&out, "y").unwrap();
        let note = note.unwrap();
        assert!(note.contains("process 4294967294, which no longer runs"), "{note}");
        assert!(
            std::fs::read_to_string(lock.path()).unwrap().starts_with(&format!("{}\n", std::process::id()))
        );
    }

    #[test]
    fn a_lock_of_another_machine_is_held_unless_it_was_this_slurm_task() {
        let here = host_name();
        let other = Holder::parse(b"4294967294\npointsim sweep p\nhost not-this-machine\nslurm \n");
        assert_eq!((other.pid, other.command.as_str()), (Some(4_294_967_294), "pointsim sweep p"));
        if !here.is_empty() {
            assert!(other.elsewhere() && other.alive(), "its pid cannot be looked up here");
        }
        let mine = Holder::parse(format!("4294967294\nx\nhost {here}\n").as_bytes());
        assert!(!mine.elsewhere() && !mine.alive(), "a dead pid on this machine");
        let by_hand = Holder::parse(b"4294967294\n");
        assert!(!by_hand.alive(), "no host line: the pid decides");
        let hostile = Holder::parse(b"1\n\x1b]52;c;x\x07\n");
        assert!(!hostile.command.contains('\x1b'), "no escape sequence reaches a terminal");
    }
}
