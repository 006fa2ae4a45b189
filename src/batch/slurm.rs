//! Slurm job scripts for a sharded sweep: a job array of shards, a merge job, and a submit script.
//!
//! [`scripts`] is a pure function from the sweep's plan path, output folder,
//! shard count and CPUs per shard to the text of three files that run as they
//! are on a Slurm cluster:
//!
//! - `sweep.slurm`: a job array of N tasks; task I runs
//!   `pointsim sweep PLAN --shard I/N --out DIR/shard-I --resume --quiet`
//!   (`--resume`: a task run again, by hand or by Slurm's requeue, continues
//!   where it stopped; on an empty folder it simply starts),
//! - `merge.slurm`: `pointsim merge DIR/shard-0 … DIR/shard-(N-1) --out DIR/merged --force`
//!   (`--force`: a merge run again replaces its own earlier output),
//! - `submit.sh`: `sbatch --parsable sweep.slurm`, then
//!   `sbatch --dependency=afterok:ID --kill-on-invalid-dep=yes merge.slurm`,
//!   so the merge starts only once every shard has succeeded, and is cancelled
//!   (not left pending forever) when one fails.
//!
//! Paths are written as given and are relative to the folder `submit.sh` is
//! run from (Slurm starts jobs in the folder they were submitted from). Logs go
//! to `DIR/logs/`, which `submit.sh` creates (Slurm does not create folders
//! for `--output`).

use std::fmt::Write as _;

/// File name of the job-array script inside the output folder.
pub const SWEEP_FILE: &str = "sweep.slurm";
/// File name of the merge job script inside the output folder.
pub const MERGE_FILE: &str = "merge.slurm";
/// File name of the submit script inside the output folder.
pub const SUBMIT_FILE: &str = "submit.sh";
/// Largest shard count: it keeps array indices within Slurm's default
/// `MaxArraySize` (1001).
pub const MAX_SHARDS: usize = 1000;

/// What the job scripts run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmSweep {
    /// The plan file, as given on the command line.
    pub plan: String,
    /// The output folder, as given on the command line.
    pub out: String,
    /// Number of shards (array tasks), at least 1.
    pub shards: usize,
    /// CPUs per array task (`#SBATCH --cpus-per-task`), at least 1; pointsim
    /// sizes its thread pool from `SLURM_CPUS_PER_TASK`.
    pub cpus_per_task: usize,
    /// Pass `--independent-seeds` to every shard (it changes the results, so
    /// the shards must agree with the sweep the scripts were written for).
    pub independent_seeds: bool,
    /// Pass `--no-plots` to the merge (the shards draw no charts anyway).
    pub no_plots: bool,
}

/// The text of the three files, to be written into the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmScripts {
    /// `sweep.slurm`: the job array of shards.
    pub sweep: String,
    /// `merge.slurm`: the merge job.
    pub merge: String,
    /// `submit.sh`: submits both (make it executable).
    pub submit: String,
}

/// Why job scripts cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlurmError {
    /// A path holds a character that would need quoting in a shell or in an
    /// `#SBATCH` line (Slurm reads `%` in `--output` as a pattern).
    #[error(
        "the {what} path `{path}` contains {shown}, which job scripts cannot hold safely\n\n\
         hint: use a path of letters, digits and `/ . _ - + , : @ =` only"
    )]
    UnsafePath {
        /// Which path: "plan" or "output folder".
        what: &'static str,
        /// The path as given.
        path: String,
        /// The offending character, described (e.g. "a space").
        shown: String,
    },
    /// A shard or CPU count out of range.
    #[error("{0}")]
    Count(String),
}

/// The job scripts for `sweep`.
///
/// # Errors
///
/// [`SlurmError::UnsafePath`] when the plan or output path is empty, starts
/// with `-`, or holds whitespace, quotes, `$`, `%`, glob or other shell
/// characters; [`SlurmError::Count`] when the shard count is not in
/// `1..=`[`MAX_SHARDS`] or the CPU count is 0.
///
/// # Example
///
/// ```
/// use pointsim::batch::slurm::{scripts, SlurmSweep};
/// let s = scripts(&SlurmSweep {
///     plan: "plan.toml".into(),
///     out: "results".into(),
///     shards: 8,
///     cpus_per_task: 2,
///     independent_seeds: false,
///     no_plots: false,
/// })
/// .unwrap();
/// assert!(s.sweep.contains("#SBATCH --array=0-7\n"));
/// assert!(s.merge.contains("results/shard-{0..7}"));
/// ```
pub fn scripts(job: &SlurmSweep) -> Result<SlurmScripts, SlurmError> {
    check_path("plan", &job.plan)?;
    check_path("output folder", &job.out)?;
    check_counts(job.shards, job.cpus_per_task)?;
    Ok(SlurmScripts { sweep: sweep_script(job), merge: merge_script(job), submit: submit_script(job) })
}

/// Refuse a shard count outside `1..=`[`MAX_SHARDS`] or no CPUs per shard.
pub(crate) fn check_counts(shards: usize, cpus_per_task: usize) -> Result<(), SlurmError> {
    if shards == 0 {
        return Err(SlurmError::Count("`--emit-slurm 0`: the shard count must be at least 1".into()));
    }
    if shards > MAX_SHARDS {
        return Err(SlurmError::Count(format!(
            "`--emit-slurm {}` is out of range: the shard count must be from 1 to {MAX_SHARDS}\n\n\
             hint: Slurm's default MaxArraySize (1001) limits array indices; each shard can run many runs",
            shards
        )));
    }
    if cpus_per_task == 0 {
        return Err(SlurmError::Count(
            "`--cpus-per-task 0`: each shard needs at least 1 CPU\n\n\
             hint: it is the number of CPUs each array task asks Slurm for (and pointsim's threads)"
                .into(),
        ));
    }
    Ok(())
}

/// The Slurm job name: `pointsim-` and the plan's file stem, cut to safe characters.
pub fn job_name(plan: &str) -> String {
    let file = plan.rsplit('/').next().unwrap_or(plan);
    let stem = file.strip_suffix(".toml").unwrap_or(file);
    let stem: String =
        stem.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')).collect();
    if stem.is_empty() { "pointsim-sweep".into() } else { format!("pointsim-{stem}") }
}

/// The command that writes these scripts, for their header.
fn emit_command(job: &SlurmSweep) -> String {
    let mut cmd = format!("pointsim sweep {} --out {} --emit-slurm {}", job.plan, job.out, job.shards);
    if job.cpus_per_task != DEFAULT_CPUS_PER_TASK {
        let _ = write!(cmd, " --cpus-per-task {}", job.cpus_per_task);
    }
    cmd + sweep_flags(job) + merge_flags(job)
}

/// Options of the shards' `pointsim sweep` beyond plan, shard and folder.
fn sweep_flags(job: &SlurmSweep) -> &'static str {
    if job.independent_seeds { " --independent-seeds" } else { "" }
}

/// Options of the merge's `pointsim merge` beyond the folders.
fn merge_flags(job: &SlurmSweep) -> &'static str {
    if job.no_plots { " --no-plots" } else { "" }
}

/// CPUs per array task when `--cpus-per-task` is not given.
pub const DEFAULT_CPUS_PER_TASK: usize = 2;

/// Lines shared by the headers of all three files.
fn header(job: &SlurmSweep, what: &str) -> String {
    header_text(what, &emit_command(job))
}

/// The header of a job script: what it is, the command `cmd` that wrote it, and how to run it.
pub(crate) fn header_text(what: &str, cmd: &str) -> String {
    format!(
        "# {what}\n\
         # Written by `{cmd}`; write it again rather than editing it.\n\
         # Paths are relative to the folder that command ran in: run {SUBMIT_FILE} from there.\n\
         # Set POINTSIM to the pointsim binary if it is not on PATH in jobs.\n"
    )
}

fn sweep_script(job: &SlurmSweep) -> String {
    let SlurmSweep { plan, out, shards: n, cpus_per_task, .. } = job;
    let mut s = String::from("#!/bin/bash\n");
    s += &header(job, &format!("Sweep of {plan} in {n} shards: one Slurm array task per shard."));
    let _ = write!(
        s,
        "#SBATCH --job-name={name}\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --ntasks=1\n\
         #SBATCH --cpus-per-task={cpus_per_task}\n\
         #SBATCH --output={out}/logs/shard-%a.log\n\
         set -euo pipefail\n\
         shard=${{SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}}\n\
         exec \"${{POINTSIM:-pointsim}}\" sweep {plan} --shard \"$shard/{n}\" --out \"{out}/shard-$shard\"{flags} --resume --quiet\n",
        name = job_name(plan),
        last = n - 1,
        flags = sweep_flags(job),
    );
    s
}

fn merge_script(job: &SlurmSweep) -> String {
    let SlurmSweep { plan, out, shards: n, .. } = job;
    let mut s = String::from("#!/bin/bash\n");
    s += &header(
        job,
        &format!("Merge of the {n} shards of {plan} into {out}/merged, once every shard has succeeded."),
    );
    let _ = write!(
        s,
        "#SBATCH --job-name={name}-merge\n\
         #SBATCH --ntasks=1\n\
         #SBATCH --cpus-per-task=1\n\
         #SBATCH --output={out}/logs/merge.log\n\
         set -euo pipefail\n\
         exec \"${{POINTSIM:-pointsim}}\" merge {out}/shard-{{0..{last}}} --out {out}/merged{flags} --force\n",
        name = job_name(plan),
        last = n - 1,
        flags = merge_flags(job),
    );
    s
}

fn submit_script(job: &SlurmSweep) -> String {
    let SlurmSweep { plan, out, shards: n, .. } = job;
    let mut s = String::from("#!/bin/bash\n");
    s += &header(job, &format!("Submits the sweep of {plan}: {n} shards as a job array, then the merge."));
    let _ = write!(
        s,
        "# Arguments go to both sbatch calls, e.g. ./{SUBMIT_FILE} --partition=short --time=1:00:00\n\
         # Prints the two job ids on stdout: the array's, then the merge's.\n\
         set -euo pipefail\n\
         here=$(dirname \"$0\")\n\
         if [[ ! -f {plan} ]]; then\n\
         \x20   echo \"error: no plan at \\`{plan}\\` from $PWD\" >&2\n\
         \x20   echo \"hint: run this script from the folder the paths in it are relative to\" >&2\n\
         \x20   exit 2\n\
         fi\n\
         mkdir -p {out}/logs\n\
         array=$(sbatch --parsable \"$@\" \"$here/{SWEEP_FILE}\")\n\
         array=${{array%%;*}}\n\
         merge=$(sbatch --parsable --dependency=\"afterok:$array\" --kill-on-invalid-dep=yes \"$@\" \"$here/{MERGE_FILE}\")\n\
         merge=${{merge%%;*}}\n\
         echo \"submitted {n} shards as job array $array and the merge as job $merge\" >&2\n\
         echo \"results: {out}/merged/ once job $merge has COMPLETED; logs: {out}/logs/\" >&2\n\
         echo \"$array $merge\"\n",
    );
    s
}

/// Refuse paths that would need quoting in a shell or an `#SBATCH` line.
pub(crate) fn check_path(what: &'static str, path: &str) -> Result<(), SlurmError> {
    let bad = |shown: String| Err(SlurmError::UnsafePath { what, path: path.to_owned(), shown });
    if path.is_empty() {
        return bad("nothing".into());
    }
    if path.starts_with('-') {
        return bad("a leading `-`".into());
    }
    match path.chars().find(|&c| !safe_char(c)) {
        Some(c) if c.is_whitespace() => bad("whitespace".into()),
        Some(c) if c.is_control() => bad(format!("the control character U+{:04X}", c as u32)),
        Some(c) => bad(format!("`{c}`")),
        None => Ok(()),
    }
}

/// Characters that mean nothing special to bash (unquoted, outside braces)
/// or to Slurm's `--output` patterns.
fn safe_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | ',' | ':' | '@' | '=')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(shards: usize, cpus_per_task: usize) -> SlurmSweep {
        SlurmSweep {
            plan: "examples/slurm/plan.toml".into(),
            out: "target/slurm-example".into(),
            shards,
            cpus_per_task,
            independent_seeds: false,
            no_plots: false,
        }
    }

    #[test]
    fn array_covers_every_shard_and_each_task_runs_its_own() {
        let s = scripts(&job(4, 2)).unwrap();
        assert!(s.sweep.contains("#SBATCH --array=0-3\n"));
        assert!(
            s.sweep.contains(
                "--shard \"$shard/4\" --out \"target/slurm-example/shard-$shard\" --resume --quiet\n"
            )
        );
        assert!(s.sweep.contains("#SBATCH --cpus-per-task=2\n"));
        assert!(s.sweep.contains("#SBATCH --output=target/slurm-example/logs/shard-%a.log\n"));
        // one shard: an array of one task, index 0
        let one = scripts(&job(1, 3)).unwrap();
        assert!(one.sweep.contains("#SBATCH --array=0-0\n"));
        assert!(one.sweep.contains("#SBATCH --cpus-per-task=3\n"));
        assert!(one.merge.contains("target/slurm-example/shard-{0..0} --out"));
        assert!(one.sweep.contains("--emit-slurm 1 --cpus-per-task 3`"));
    }

    #[test]
    fn sbatch_directives_come_before_any_command() {
        // sbatch stops reading #SBATCH lines at the first command
        for text in [scripts(&job(4, 2)).unwrap().sweep, scripts(&job(4, 2)).unwrap().merge] {
            let lines: Vec<&str> = text.lines().collect();
            let first_cmd = lines.iter().position(|l| !l.starts_with('#') && !l.is_empty()).unwrap();
            let last_sbatch = lines.iter().rposition(|l| l.starts_with("#SBATCH")).unwrap();
            assert!(last_sbatch < first_cmd, "{text}");
        }
    }

    #[test]
    fn merge_waits_for_every_shard_and_is_cancelled_if_one_fails() {
        let s = scripts(&job(4, 2)).unwrap();
        assert!(
            s.merge.contains(
                "merge target/slurm-example/shard-{0..3} --out target/slurm-example/merged --force\n"
            )
        );
        assert!(s.submit.contains("--dependency=\"afterok:$array\" --kill-on-invalid-dep=yes"));
        assert!(s.submit.contains("mkdir -p target/slurm-example/logs\n"));
    }

    #[test]
    fn seeding_goes_to_the_shards_and_no_plots_to_the_merge() {
        let mut j = job(4, 2);
        j.independent_seeds = true;
        j.no_plots = true;
        let s = scripts(&j).unwrap();
        assert!(s.sweep.contains("/shard-$shard\" --independent-seeds --resume --quiet\n"));
        assert!(!s.merge.lines().last().unwrap().contains("--independent-seeds"), "{}", s.merge);
        assert!(s.merge.contains("/merged --no-plots --force\n"));
        let run_line = s.sweep.lines().last().unwrap();
        assert!(run_line.starts_with("exec ") && !run_line.contains("--no-plots"), "{run_line}");
        // the header's command writes these very scripts again
        assert!(s.submit.contains("--emit-slurm 4 --independent-seeds --no-plots`"));
    }

    #[test]
    fn job_names_come_from_the_plan_file() {
        assert_eq!(job_name("examples/slurm/plan.toml"), "pointsim-plan");
        assert_eq!(job_name("reform_v2.toml"), "pointsim-reform_v2");
        assert_eq!(job_name("x/=.toml"), "pointsim-sweep");
    }

    #[test]
    fn refuses_paths_a_job_script_cannot_hold() {
        let mut j = job(4, 2);
        for (out, shown) in [
            ("my results", "whitespace"),
            ("res%j", "`%`"),
            ("$HOME/r", "`$`"),
            ("-r", "a leading `-`"),
            ("", "nothing"),
        ] {
            j.out = out.into();
            let e = scripts(&j).unwrap_err();
            assert_eq!(
                e,
                SlurmError::UnsafePath { what: "output folder", path: out.into(), shown: shown.into() },
                "{out}"
            );
        }
        j.out = "ok".into();
        j.plan = "it's.toml".into();
        assert!(matches!(scripts(&j), Err(SlurmError::UnsafePath { what: "plan", .. })));
    }

    #[test]
    fn refuses_counts_out_of_range() {
        assert!(matches!(scripts(&job(0, 2)), Err(SlurmError::Count(_))));
        assert!(matches!(scripts(&job(MAX_SHARDS + 1, 2)), Err(SlurmError::Count(_))));
        assert!(matches!(scripts(&job(4, 0)), Err(SlurmError::Count(_))));
        assert!(scripts(&job(MAX_SHARDS, 1)).unwrap().sweep.contains("#SBATCH --array=0-999\n"));
    }

    #[test]
    fn snapshot() {
        let s = scripts(&job(4, 2)).unwrap();
        insta::assert_snapshot!("sweep.slurm", s.sweep);
        insta::assert_snapshot!("merge.slurm", s.merge);
        insta::assert_snapshot!("submit.sh", s.submit);
    }
}
