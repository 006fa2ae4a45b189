#!/usr/bin/env bash
# sensitivity-check.sh [POINTSIM]: run the example sensitivity plan with both
# methods and analyse exactly the samples and outputs pointsim exported with
# SALib (tests/python/salib_check.py): the Sobol' design must be SALib's own
# sample, point estimates must agree to 1e-9, bootstrap intervals loosely.
#
# POINTSIM is the binary to use [default: target/release/pointsim]. Makes a
# throwaway virtual environment in target/salib-env (reused on later runs)
# with pinned SALib and its dependencies from PyPI. Needs python3 with the
# venv module and the PyPI registry.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/pointsim}
env=target/salib-env
pins=("SALib==1.5.1" "numpy==2.2.6" "scipy==1.15.3" "pandas==2.2.3" "matplotlib==3.10.3" "multiprocess==0.70.18")
if [[ ! -x $env/bin/python ]] || ! "$env/bin/python" -c 'import SALib, scipy' 2>/dev/null; then
    python3 -m venv "$env"
    "$env/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
fi
out=target/ci-sensitivity
plan=scenarios/sensitivity/toy_rates.toml
"$bin" sensitivity "$plan" --method sobol --out "$out/sobol" --force --quiet --no-plots
"$bin" sensitivity "$plan" --method morris --out "$out/morris" --force --quiet --no-plots
"$env/bin/python" tests/python/salib_check.py "$out/sobol" "$out/morris"
