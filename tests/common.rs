//! What the test modules share: the `pointsim` command, paths in the
//! repository, and the scenarios more than one module runs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The teaching toy, relative to the repository (the tests' working directory).
pub const TOY: &str = "scenarios/teaching_toy.toml";

/// The README's worked mechanics example (lists, households, appeals, rule tests).
pub const DEBT_EXAMPLE: &str = "examples/scenarios/debt_blacklist.toml";

/// The `pointsim` binary of this build, without colour and without the
/// CPU count of a Slurm job the tests may run in.
pub fn pointsim() -> Command {
    let mut cmd = Command::cargo_bin("pointsim").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("SLURM_CPUS_PER_TASK");
    cmd
}

/// [`pointsim`] run in `cwd`.
pub fn pointsim_in(cwd: &Path) -> Command {
    let mut cmd = pointsim();
    cmd.current_dir(cwd);
    cmd
}

/// `path` in the repository, whatever the working directory.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The text of a file; a failure names the file.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
