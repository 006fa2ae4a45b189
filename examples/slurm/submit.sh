#!/bin/bash
# Submits the sweep of examples/slurm/plan.toml: 4 shards as a job array, then the merge.
# Written by `pointsim sweep examples/slurm/plan.toml --out target/slurm-example --emit-slurm 4`; write it again rather than editing it.
# Paths are relative to the folder that command ran in: run submit.sh from there.
# Set POINTSIM to the pointsim binary if it is not on PATH in jobs.
# Arguments go to both sbatch calls, e.g. ./submit.sh --partition=short --time=1:00:00
# Prints the two job ids on stdout: the array's, then the merge's.
set -euo pipefail
here=$(dirname "$0")
if [[ ! -f examples/slurm/plan.toml ]]; then
    echo "error: no plan at \`examples/slurm/plan.toml\` from $PWD" >&2
    echo "hint: run this script from the folder the paths in it are relative to" >&2
    exit 2
fi
mkdir -p target/slurm-example/logs
array=$(sbatch --parsable "$@" "$here/sweep.slurm")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes "$@" "$here/merge.slurm")
merge=${merge%%;*}
echo "submitted 4 shards as job array $array and the merge as job $merge" >&2
echo "results: target/slurm-example/merged/ once job $merge has COMPLETED; logs: target/slurm-example/logs/" >&2
echo "$array $merge"
