"""Overhead of `pointsim.run` against `pointsim run --no-plots`, same scenario and options.

usage (from the repository root, with the package installed):
    python python/bench/overhead.py [SCENARIO] [--population N] [--repeat K]

Alternates the two K times (so both see the same machine load) and prints the
medians: the CLI's wall time as a subprocess (process start, load, simulate,
write the four data files), `pointsim.run` in this process (load, simulate)
and `pointsim.run` + `Run.write(plots=False)` (the same four files).
"""

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pointsim

p = argparse.ArgumentParser()
p.add_argument("scenario", nargs="?", default="scenarios/rongcheng.toml")
p.add_argument("--population", type=int, default=1_000_000)
p.add_argument("--repeat", type=int, default=7)
p.add_argument("--cli", default="target/release/pointsim")
a = p.parse_args()

tmp = Path(tempfile.mkdtemp())
cli, run_only, run_write = [], [], []
for i in range(a.repeat):
    t = time.perf_counter()
    subprocess.run(
        [a.cli, "run", a.scenario, "--population", str(a.population), "--no-plots", "--quiet",
         "--out", str(tmp / "cli"), "--force"],
        check=True,
    )
    cli.append(time.perf_counter() - t)

    t = time.perf_counter()
    r = pointsim.run(pointsim.load(a.scenario), population=a.population)
    run_only.append(time.perf_counter() - t)
    r.write(tmp / f"py{i}", plots=False)
    run_write.append(time.perf_counter() - t)
shutil.rmtree(tmp)

m = {k: statistics.median(v) for k, v in [("cli", cli), ("run", run_only), ("run+write", run_write)]}
print(f"{a.scenario}, {a.population:,} subjects, median of {a.repeat}:")
print(f"  pointsim run --no-plots          {m['cli']:.3f} s")
print(f"  pointsim.run                     {m['run']:.3f} s  ({100 * (m['run'] / m['cli'] - 1):+.1f}%)")
print(f"  pointsim.run + write(plots=False) {m['run+write']:.3f} s  ({100 * (m['run+write'] / m['cli'] - 1):+.1f}%)")
