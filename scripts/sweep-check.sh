#!/usr/bin/env bash
# sweep-check.sh DIR: read a finished `pointsim sweep` folder with real
# pyarrow, pandas and polars (tests/python/read_sweep.py): Parquet and CSV
# give the same columns, types and values, and the cell means agree with
# the runs.
#
# Uses the throwaway virtual environment target/pyenv (shared with
# scripts/pandas-check.sh) and adds pinned pyarrow to it. Needs python3
# with the venv module and the PyPI registry.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 1 ]] || { echo "usage: $0 SWEEP_DIR" >&2; exit 2; }
env=target/pyenv
if [[ ! -x $env/bin/python ]] || ! "$env/bin/python" -c 'import pandas, polars, pyarrow' 2>/dev/null; then
    python3 -m venv "$env"
    "$env/bin/python" -m pip install --quiet --disable-pip-version-check "pandas==2.2.3" "polars==1.17.1" "pyarrow==18.1.0"
fi
"$env/bin/python" tests/python/read_sweep.py "$1"
