#!/usr/bin/env bash
# python-check.sh: install the Python package (python/) into a fresh virtual
# environment as a user would (`pip install ./python`), run its tests
# (python/tests/, against target/release/pointsim) and execute the example
# notebook (examples/notebooks/reform_study.ipynb) with nbclient.
#
# Makes target/python-check from scratch on every run and installs pinned
# packages from PyPI; pip builds the wheel with maturin (from PyPI too) and
# cargo, reusing this checkout's target/ (or $CARGO_TARGET_DIR). Needs python3
# with the venv module, the PyPI registry and the Rust toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

env=target/python-check
rm -rf "$env"
python3 -m venv "$env"
py="$env/bin/python"
pip=("$py" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "pytest==8.3.4" "numpy==2.1.3" "pandas==2.2.3" "polars==1.17.1" "pyarrow==18.1.0" \
    "nbclient==0.10.2" "nbformat==5.10.4" "ipykernel==6.29.5" "matplotlib==3.9.2"

[[ -x target/release/pointsim ]] || cargo build --release   # the CLI the tests compare with
start=$(date +%s)
"${pip[@]}" ./python
echo "pip install ./python: $(( $(date +%s) - start )) s"

# the tests' process leaves with os._exit (conftest.py): pyarrow's and polars'
# thread pools can abort the interpreter at shutdown (apache/arrow#34314)
set +e
POINTSIM_FAST_EXIT=1 "$py" -m pytest -q -p no:cacheprovider python/tests
status=$?
set -e
if [[ $status == 5 ]]; then
    echo "error: pytest collected no tests" >&2
    exit 1
elif [[ $status != 0 ]]; then
    exit "$status"
fi

"$py" - examples/notebooks/reform_study.ipynb <<'PY'
"""Execute a notebook in a fresh kernel; any cell that raises fails the check."""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
assert not errors, errors
print(f"{path}: {len(nb.cells)} cells ran clean")
PY
