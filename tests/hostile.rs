//! Hostile input (issue 15): endless and special files, names and text made
//! to break outputs or terminals, commands pointed at their own inputs.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use tempfile::TempDir;

fn pointsim() -> Command {
    let mut cmd = Command::cargo_bin("pointsim").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("SLURM_CPUS_PER_TASK").timeout(Duration::from_secs(120));
    cmd
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Run `pointsim` with `args`, expecting exit code `code`; its stderr.
fn fails(args: &[&str], dir: &Path, code: i32) -> String {
    let out = pointsim().current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    stderr
}

#[cfg(unix)]
#[test]
fn endless_and_special_files_are_refused_at_once() {
    let dir = TempDir::new().unwrap();
    let started = Instant::now();
    let err = fails(&["check", "/dev/zero"], dir.path(), 2);
    assert!(err.contains("`/dev/zero` is not a regular file"), "{err}");
    std::fs::write(dir.path().join("over.toml"), "extends = \"/dev/zero\"\n").unwrap();
    let err = fails(&["check", "over.toml"], dir.path(), 2);
    assert!(err.contains("--> over.toml:1:11"), "the error points at `extends`: {err}");
    let fifo = dir.path().join("fifo.toml");
    if std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        let err = fails(&["check", "fifo.toml"], dir.path(), 2);
        assert!(err.contains("`fifo.toml` is not a regular file"), "{err}");
        let err = fails(&["sweep", "fifo.toml"], dir.path(), 2);
        assert!(err.contains("not a regular file"), "{err}");
    }
    assert!(started.elapsed() < Duration::from_secs(60), "nothing blocks or reads without end");
}

#[test]
fn a_file_over_the_size_cap_is_refused() {
    let dir = TempDir::new().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; pointsim::scenario::MAX_FILE_BYTES as usize + 1]).unwrap();
    let err = fails(&["check", "big.toml"], dir.path(), 2);
    assert!(err.contains("`big.toml` is larger than 4 MiB"), "{err}");
    std::fs::write(dir.path().join("over.toml"), "extends = \"big.toml\"\n").unwrap();
    let err = fails(&["check", "over.toml"], dir.path(), 2);
    assert!(err.contains("is larger than 4 MiB") && err.contains("--> over.toml:1:11"), "{err}");
    let _ = repo("");
}
