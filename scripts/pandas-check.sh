#!/usr/bin/env bash
# pandas-check.sh DIR: read a pointsim output folder with real pandas and
# polars (tests/python/read_outputs.py) and check types and totals.
#
# Makes a throwaway virtual environment in target/pyenv (reused on later
# runs) and installs pinned pandas, polars and pyarrow (for ledger.parquet) from PyPI. Needs python3 with
# the venv module and the PyPI registry.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 1 ]] || { echo "usage: $0 OUTPUT_DIR" >&2; exit 2; }
env=target/pyenv
if [[ ! -x $env/bin/python ]] || ! "$env/bin/python" -c 'import pandas, polars, pyarrow' 2>/dev/null; then
    python3 -m venv "$env"
    "$env/bin/python" -m pip install --quiet --disable-pip-version-check "pandas==2.2.3" "polars==1.17.1" "pyarrow==18.1.0"
fi
"$env/bin/python" tests/python/read_outputs.py "$1"
