"""Analyse the design and outputs that `pointsim sensitivity` exported with SALib, and compare.

Usage: salib_check.py OUT_DIR [OUT_DIR ...]

For each folder: reads sensitivity.json (method, settings, parameters, our
indices) and samples.csv (the design in unit coordinates `u.<parameter>` and
every metric's replicate means), runs SALib's own analysis on exactly these
samples and outputs, and asserts

* the design is SALib's: Sobol rows equal SALib.sample.sobol.sample(...,
  calc_second_order=False, scramble=False), i.e. scipy's unscrambled Sobol'
  points in Saltelli's layout; Morris rows are trajectories on the p-level grid;
* point estimates agree to 1e-9 (same estimator: Sobol S1 Saltelli 2010,
  ST Jansen 1999 on standardised outputs; Morris mu, mu_star, sigma);
* the bootstrap half-widths agree loosely (both are bootstrap estimates from
  different random resamples: within a factor of 2, or both tiny).
"""

import csv
import json
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore", FutureWarning)  # SALib 1.5.1 calls pd.unique on a list
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

TOL = 1e-9


def close(a, b, what):
    scale = max(1.0, abs(a), abs(b))
    if not abs(a - b) <= TOL * scale:
        raise AssertionError(f"{what}: pointsim {a!r} vs SALib {b!r}")


def loose(ours_half, salib_half, what):
    if ours_half < 1e-6 and salib_half < 1e-6:
        return
    ratio = ours_half / salib_half if salib_half > 0 else float("inf")
    if not 0.5 <= ratio <= 2.0:
        raise AssertionError(f"{what}: interval half-width pointsim {ours_half} vs SALib {salib_half}")


def check(folder):
    meta = json.load(open(f"{folder}/sensitivity.json"))
    with open(f"{folder}/samples.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    params = meta["parameters"]
    names = [p["path"] for p in params]
    d = len(names)
    problem = {"num_vars": d, "names": names, "bounds": [[p["lo"], p["hi"]] for p in params]}
    u = np.array([[float(r["u." + n]) for n in names] for r in rows])
    lo = np.array([p["lo"] for p in params])
    hi = np.array([p["hi"] for p in params])
    x = lo + u * (hi - lo)
    method = meta["method"]
    settings = meta["settings"]
    n = settings["n"]
    if method == "sobol":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            salib_x = sobol_sample.sample(problem, n, calc_second_order=False, scramble=False)
        assert salib_x.shape == x.shape, (salib_x.shape, x.shape)
        assert np.max(np.abs(salib_x - x)) < 1e-12, "the design is not SALib's Sobol' sample"
    else:
        levels = settings["levels"]
        grid = u * (levels - 1)
        assert np.max(np.abs(grid - np.round(grid))) < 1e-9, "Morris points are off the grid"
        assert len(rows) == n * (d + 1)
    compared = 0
    for m in meta["metrics"]:
        if not m["indices"]:
            continue
        y = np.array([float(r[m["metric"]]) for r in rows])
        ours = {(i["parameter"], i["kind"]): i for i in m["indices"]}
        if method == "sobol":
            s = sobol_analyze.analyze(problem, y, calc_second_order=False, num_resamples=1000, seed=1)
            pairs = [("S1", "S1", "S1_conf"), ("ST", "ST", "ST_conf")]
        else:
            s = morris_analyze.analyze(problem, x, y, num_resamples=1000, num_levels=settings["levels"], seed=1)
            pairs = [("mu", "mu", None), ("mu_star", "mu_star", "mu_star_conf"), ("sigma", "sigma", None)]
        for j, name in enumerate(names):
            for kind, key, conf in pairs:
                o = ours[(name, kind)]
                what = f"{folder} {m['metric']} {name} {kind}"
                close(o["estimate"], float(s[key][j]), what)
                if conf is not None:
                    loose((o["ci_high"] - o["ci_low"]) / 2, float(s[conf][j]), what)
                compared += 1
    assert compared > 0, f"{folder}: no indices to compare"
    print(f"{folder}: {method}, {compared} indices agree with SALib (point estimates to {TOL}, intervals loosely)")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for folder in sys.argv[1:]:
        check(folder)
