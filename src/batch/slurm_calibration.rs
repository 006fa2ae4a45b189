//! Slurm job scripts for a calibration: one job array per wave, chained, then a finishing job.
//!
//! A calibration's waves run one after another (wave K samples the box that
//! waves 1..K-1 left plausible), so [`scripts`] writes:
//!
//! - `calibrate.slurm`: a job array of N tasks for the wave given as its
//!   argument; task I runs
//!   `pointsim calibrate --targets T --out DIR --wave K --shard I/N --resume --quiet`,
//!   which rebuilds waves 1..K-1 from their shard folders and runs its share
//!   of wave K into `DIR/waveK/shard-I/`;
//! - `finish.slurm`: `pointsim calibrate --targets T --out DIR --resume --quiet`,
//!   which gathers every shard's runs (running none that are there) and
//!   writes the results;
//! - `submit.sh`: submits wave 1's array, each later wave's array with
//!   `--dependency=afterok:<previous array>`, and the finishing job after
//!   the last, every dependent job with `--kill-on-invalid-dep=yes` (a failed
//!   shard cancels what follows instead of leaving it pending).
//!
//! Paths are written as given and are relative to the folder `submit.sh` is
//! run from; logs go to `DIR/logs/`.

use std::fmt::Write as _;

use super::slurm::{DEFAULT_CPUS_PER_TASK, SUBMIT_FILE, SlurmError, check_counts, check_path, header_text};

/// File name of the per-wave job-array script inside the output folder.
pub const WAVE_FILE: &str = "calibrate.slurm";
/// File name of the finishing job script inside the output folder.
pub const FINISH_FILE: &str = "finish.slurm";

/// What the job scripts of a calibration run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmCalibration {
    /// The scenario, when given on the command line (else the targets file names it).
    pub scenario: Option<String>,
    /// The targets file, as given on the command line.
    pub targets: String,
    /// The output folder, as given on the command line.
    pub out: String,
    /// Number of waves (job arrays), at least 1.
    pub waves: u32,
    /// Shards (array tasks) per wave, at least 1.
    pub shards: usize,
    /// CPUs per array task, at least 1.
    pub cpus_per_task: usize,
    /// Pass `--no-plots` to the finishing job.
    pub no_plots: bool,
}

/// The text of the three files, to be written into the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalibrationScripts {
    /// `calibrate.slurm`: the job array of one wave's shards.
    pub wave: String,
    /// `finish.slurm`: gathers the shards and writes the results.
    pub finish: String,
    /// `submit.sh`: submits every wave and the finish (make it executable).
    pub submit: String,
}

/// The job scripts for `job`.
///
/// # Errors
///
/// [`SlurmError::UnsafePath`] for a path a job script cannot hold unquoted;
/// [`SlurmError::Count`] when the shard count is not in `1..=`[`MAX_SHARDS`](super::slurm::MAX_SHARDS),
/// the CPU count is 0 or there are no waves.
///
/// # Example
///
/// ```
/// use pointsim::batch::slurm_calibration::{scripts, SlurmCalibration};
/// let s = scripts(&SlurmCalibration {
///     scenario: None,
///     targets: "targets.toml".into(),
///     out: "cal".into(),
///     waves: 3,
///     shards: 4,
///     cpus_per_task: 2,
///     no_plots: false,
/// })
/// .unwrap();
/// assert!(s.wave.contains("#SBATCH --array=0-3\n"));
/// assert!(s.submit.contains("for wave in 1 2 3; do\n"));
/// ```
pub fn scripts(job: &SlurmCalibration) -> Result<CalibrationScripts, SlurmError> {
    if let Some(s) = &job.scenario {
        check_path("scenario", s)?;
    }
    check_path("targets", &job.targets)?;
    check_path("output folder", &job.out)?;
    check_counts(job.shards, job.cpus_per_task)?;
    if job.waves == 0 {
        return Err(SlurmError::Count("the calibration has no waves, so there is nothing to submit".into()));
    }
    Ok(CalibrationScripts { wave: wave_script(job), finish: finish_script(job), submit: submit_script(job) })
}

/// `pointsim calibrate [SCENARIO] --targets T --out DIR`, the start of every command here.
fn base_command(job: &SlurmCalibration) -> String {
    let scenario = job.scenario.as_ref().map_or(String::new(), |s| format!(" {s}"));
    format!("calibrate{scenario} --targets {} --out {}", job.targets, job.out)
}

/// The Slurm job name: `pointsim-cal-` and the targets file's stem.
fn job_name(job: &SlurmCalibration) -> String {
    match super::slurm::job_name(&job.targets).strip_prefix("pointsim-") {
        Some(stem) if stem != "sweep" => format!("pointsim-cal-{stem}"),
        _ => "pointsim-calibration".to_owned(),
    }
}

fn header(job: &SlurmCalibration, what: &str) -> String {
    let mut cmd = format!("pointsim {} --emit-slurm {}", base_command(job), job.shards);
    if job.cpus_per_task != DEFAULT_CPUS_PER_TASK {
        let _ = write!(cmd, " --cpus-per-task {}", job.cpus_per_task);
    }
    if job.no_plots {
        cmd.push_str(" --no-plots");
    }
    header_text(what, &cmd)
}

fn wave_script(job: &SlurmCalibration) -> String {
    let SlurmCalibration { targets, out, shards: n, cpus_per_task, .. } = job;
    let mut s = String::from("#!/bin/bash\n");
    s += &header(
        job,
        &format!(
            "One wave of the calibration to {targets} in {n} shards: sbatch --array ... {WAVE_FILE} WAVE."
        ),
    );
    let _ = write!(
        s,
        "#SBATCH --job-name={name}\n\
         #SBATCH --array=0-{last}\n\
         #SBATCH --ntasks=1\n\
         #SBATCH --cpus-per-task={cpus_per_task}\n\
         #SBATCH --output={out}/logs/wave-shard-%A-%a.log\n\
         set -euo pipefail\n\
         wave=${{1:?give the wave number: sbatch {WAVE_FILE} WAVE}}\n\
         shard=${{SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}}\n\
         exec \"${{POINTSIM:-pointsim}}\" {cmd} --wave \"$wave\" --shard \"$shard/{n}\" --resume --quiet\n",
        name = job_name(job),
        last = n - 1,
        cmd = base_command(job),
    );
    s
}

fn finish_script(job: &SlurmCalibration) -> String {
    let SlurmCalibration { out, cpus_per_task, .. } = job;
    let mut s = String::from("#!/bin/bash\n");
    s += &header(
        job,
        &format!(
            "The end of the calibration: gathers every wave's shards and writes the results into {out}."
        ),
    );
    let _ = write!(
        s,
        "#SBATCH --job-name={name}-finish\n\
         #SBATCH --ntasks=1\n\
         #SBATCH --cpus-per-task={cpus_per_task}\n\
         #SBATCH --output={out}/logs/finish.log\n\
         set -euo pipefail\n\
         exec \"${{POINTSIM:-pointsim}}\" {cmd} --resume{flags} --quiet\n",
        name = job_name(job),
        cmd = base_command(job),
        flags = if job.no_plots { " --no-plots" } else { "" },
    );
    s
}

fn submit_script(job: &SlurmCalibration) -> String {
    let SlurmCalibration { targets, out, shards: n, waves, .. } = job;
    let list: Vec<String> = (1..=*waves).map(|k| k.to_string()).collect();
    let mut s = String::from("#!/bin/bash\n");
    s += &header(
        job,
        &format!(
            "Submits the calibration to {targets}: {waves} waves of {n} shards, each wave after the one before, then the finish."
        ),
    );
    let _ = write!(
        s,
        "# Arguments go to every sbatch call, e.g. ./{SUBMIT_FILE} --partition=short --time=1:00:00\n\
         # Prints the job ids on stdout: one array per wave, then the finishing job.\n\
         set -euo pipefail\n\
         here=$(dirname \"$0\")\n\
         if [[ ! -f {targets} ]]; then\n\
         \x20   echo \"error: no targets file at \\`{targets}\\` from $PWD\" >&2\n\
         \x20   echo \"hint: run this script from the folder the paths in it are relative to\" >&2\n\
         \x20   exit 2\n\
         fi\n\
         mkdir -p {out}/logs\n\
         after=()\n\
         ids=()\n\
         for wave in {list}; do\n\
         \x20   id=$(sbatch --parsable \"${{after[@]}}\" --output=\"{out}/logs/wave$wave-shard-%a.log\" \"$@\" \"$here/{WAVE_FILE}\" \"$wave\")\n\
         \x20   id=${{id%%;*}}\n\
         \x20   ids+=(\"$id\")\n\
         \x20   after=(--dependency=\"afterok:$id\" --kill-on-invalid-dep=yes)\n\
         done\n\
         finish=$(sbatch --parsable \"${{after[@]}}\" \"$@\" \"$here/{FINISH_FILE}\")\n\
         finish=${{finish%%;*}}\n\
         echo \"submitted {waves} waves of {n} shards as job arrays ${{ids[*]}} and the finish as job $finish\" >&2\n\
         echo \"results: {out}/ once job $finish has COMPLETED; logs: {out}/logs/\" >&2\n\
         echo \"${{ids[*]}} $finish\"\n",
        list = list.join(" "),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job() -> SlurmCalibration {
        SlurmCalibration {
            scenario: None,
            targets: "scenarios/calibration/t.toml".into(),
            out: "target/cal".into(),
            waves: 3,
            shards: 4,
            cpus_per_task: 2,
            no_plots: false,
        }
    }

    #[test]
    fn each_wave_waits_for_the_one_before_and_the_finish_for_the_last() {
        let s = scripts(&job()).unwrap();
        assert!(s.wave.contains("#SBATCH --array=0-3\n"));
        assert!(s.wave.contains(
            "calibrate --targets scenarios/calibration/t.toml --out target/cal --wave \"$wave\" --shard \"$shard/4\" --resume --quiet\n"
        ));
        assert!(s.submit.contains("for wave in 1 2 3; do\n"));
        assert!(s.submit.contains("after=(--dependency=\"afterok:$id\" --kill-on-invalid-dep=yes)\n"));
        assert!(
            s.submit.contains("finish=$(sbatch --parsable \"${after[@]}\" \"$@\" \"$here/finish.slurm\")")
        );
        assert!(s.finish.contains("--out target/cal --resume --quiet\n"));
        assert!(s.submit.contains("mkdir -p target/cal/logs\n"));
    }

    #[test]
    fn the_scenario_and_no_plots_are_passed_on() {
        let mut j = job();
        j.scenario = Some("s.toml".into());
        j.no_plots = true;
        j.cpus_per_task = 3;
        let s = scripts(&j).unwrap();
        assert!(s.wave.contains("calibrate s.toml --targets"), "{}", s.wave);
        assert!(s.finish.contains("--resume --no-plots --quiet\n"));
        assert!(s.wave.lines().last().unwrap().contains("--resume --quiet"));
        assert!(s.submit.contains("--emit-slurm 4 --cpus-per-task 3 --no-plots`"));
        assert!(s.wave.contains("#SBATCH --job-name=pointsim-cal-t\n"));
    }

    #[test]
    fn sbatch_directives_come_before_any_command() {
        let s = scripts(&job()).unwrap();
        for text in [s.wave, s.finish] {
            let lines: Vec<&str> = text.lines().collect();
            let first_cmd = lines.iter().position(|l| !l.starts_with('#') && !l.is_empty()).unwrap();
            let last_sbatch = lines.iter().rposition(|l| l.starts_with("#SBATCH")).unwrap();
            assert!(last_sbatch < first_cmd, "{text}");
        }
    }

    #[test]
    fn refuses_what_a_job_script_cannot_hold() {
        let mut j = job();
        j.targets = "my targets.toml".into();
        assert!(matches!(scripts(&j), Err(SlurmError::UnsafePath { what: "targets", .. })));
        let mut j = job();
        j.scenario = Some("$x.toml".into());
        assert!(matches!(scripts(&j), Err(SlurmError::UnsafePath { what: "scenario", .. })));
        for (shards, cpus, waves) in
            [(0, 2, 3), (super::super::slurm::MAX_SHARDS + 1, 2, 3), (4, 0, 3), (4, 2, 0)]
        {
            let j = SlurmCalibration { shards, cpus_per_task: cpus, waves, ..job() };
            assert!(matches!(scripts(&j), Err(SlurmError::Count(_))), "{shards} {cpus} {waves}");
        }
    }
}
