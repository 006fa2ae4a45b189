//! Build script: records the git commit the binary is built from, and whether
//! the files it is built from had changes, for `manifest.json`
//! (`build.git_commit`, `build.git_dirty`). Outside a git checkout (a
//! crates.io package) both are left unset and the manifest says `null`.

use std::process::Command;

/// What the binary is built from: `git_dirty` says whether any of these
/// differs from the commit, and every change to them reruns this script, so
/// the flag is never stale. (An edit to the README or the tests changes no
/// binary and does not count.)
const SOURCES: &[&str] = &["src", "build.rs", "Cargo.toml", "Cargo.lock"];

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn main() {
    // rebuild when HEAD moves or the index changes (a commit, a checkout, an add)
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
        println!("cargo:rerun-if-changed={dir}/index");
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo:rerun-if-changed={dir}/{head}");
        }
    }
    // and when a source file changes (a directory is scanned recursively)
    for path in SOURCES {
        println!("cargo:rerun-if-changed={path}");
    }
    if let Some(commit) = git(&["rev-parse", "HEAD"]).filter(|c| c.len() == 40) {
        println!("cargo:rustc-env=POINTSIM_GIT_COMMIT={commit}");
        // tracked source files changed since the commit (untracked files do not count)
        let mut args = vec!["status", "--porcelain", "--untracked-files=no", "--"];
        args.extend(SOURCES);
        let dirty = git(&args).is_some_and(|s| !s.is_empty());
        println!("cargo:rustc-env=POINTSIM_GIT_DIRTY={dirty}");
    }
}
