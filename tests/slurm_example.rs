//! The job scripts in examples/slurm/ are what `--emit-slurm` writes for examples/slurm/plan.toml.
//!
//! scripts/slurm-local.sh sweep-test submits these files to a real Slurm; this
//! test keeps them equal to the generator's output. After changing the
//! generator: `UPDATE_EXAMPLES=1 cargo test --test main slurm_example::`, then commit.

use pointsim::batch::slurm::{self, SlurmSweep};

use crate::common::repo;

#[test]
fn committed_job_scripts_are_up_to_date() {
    let dir = repo("examples/slurm");
    // the arguments scripts/slurm-local.sh sweep-test and the README use
    let job = SlurmSweep {
        plan: "examples/slurm/plan.toml".into(),
        out: "target/slurm-example".into(),
        shards: 4,
        cpus_per_task: slurm::DEFAULT_CPUS_PER_TASK,
        independent_seeds: false,
        no_plots: false,
    };
    let s = slurm::scripts(&job).unwrap();
    let files =
        [(slurm::SWEEP_FILE, &s.sweep), (slurm::MERGE_FILE, &s.merge), (slurm::SUBMIT_FILE, &s.submit)];
    for (name, text) in files {
        let path = dir.join(name);
        if std::env::var_os("UPDATE_EXAMPLES").is_some() {
            std::fs::write(&path, text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == *text,
            "examples/slurm/{name} is out of date with src/batch/slurm.rs;\n\
             regenerate it with `UPDATE_EXAMPLES=1 cargo test --test main slurm_example::` and commit the result"
        );
    }
}

#[cfg(unix)]
#[test]
fn submit_script_is_executable() {
    use std::os::unix::fs::PermissionsExt as _;
    let path = repo("examples/slurm").join(slurm::SUBMIT_FILE);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "{} is not executable (mode {mode:o}): chmod +x it", path.display());
}
