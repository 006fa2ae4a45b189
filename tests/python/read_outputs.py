"""Read a pointsim output folder with pandas and polars, as researchers do,
and check that both see the same, correctly typed numbers.

usage: python read_outputs.py OUTPUT_DIR
"""

import json
import sys
from pathlib import Path

import pandas as pd
import polars as pl

out = Path(sys.argv[1])
summary = json.loads((out / "summary.json").read_text())
manifest = json.loads((out / "manifest.json").read_text())
scenario = manifest["resolved_scenario"]
tiers = [t["name"] for t in scenario["tiers"]]
perks = [p["id"] for p in scenario["perks"]]
groups = [g["name"] for g in scenario["groups"]]

# steps.csv: numeric columns are numbers, not strings, in both readers
# round_trip: pandas' default fast float parser can be off in the last digit
steps_pd = pd.read_csv(out / "steps.csv", float_precision="round_trip")
steps_pl = pl.read_csv(out / "steps.csv")
assert list(steps_pd.columns) == steps_pl.columns, "pandas and polars see different columns"
for col in ["step", "n", "min", "max", "p50"] + [f"tier.{t}" for t in tiers]:
    assert pd.api.types.is_integer_dtype(steps_pd[col]), f"pandas reads {col} as {steps_pd[col].dtype}"
    assert steps_pl[col].dtype.is_integer(), f"polars reads {col} as {steps_pl[col].dtype}"
for col in ["year", "mean", "sd"] + [f"perk.{p}" for p in perks]:
    assert pd.api.types.is_float_dtype(steps_pd[col]), f"pandas reads {col} as {steps_pd[col].dtype}"
def plain(values):
    """Values as Python numbers, with pandas' NaN and polars' null both None."""
    return [None if v is None or (isinstance(v, float) and v != v) else v for v in values]


pl_cols = steps_pl.to_dict(as_series=False)
for col in steps_pd.columns:
    assert plain(steps_pd[col].tolist()) == plain(pl_cols[col]), f"pandas and polars read {col} differently"

# one row per snapshot for everyone, and per group when the scenario has groups
snapshots = steps_pd["step"].nunique()
expected_groups = 1 + (len(groups) if groups != ["all"] else 0)
assert len(steps_pd) == snapshots * expected_groups, (len(steps_pd), snapshots, expected_groups)

# tier counts add up to the group size in every row
tier_cols = [f"tier.{t}" for t in tiers]
assert (steps_pd[tier_cols].sum(axis=1) == steps_pd["n"]).all(), "tier counts do not add up to n"

# the last row for everyone agrees with summary.json
last = steps_pd[(steps_pd["group"] == "all")].sort_values("step").iloc[-1]
fin = summary["final"]
assert last["n"] == summary["population"]
assert abs(last["mean"] - fin["score"]["mean"]) < 1e-9
assert last["p50"] == fin["score"]["quantiles"]["p50"]
for t in tiers:
    assert abs(last[f"tier.{t}"] / last["n"] - fin["tier_share"][t]) < 1e-12, t

# histogram.csv: counts per group add up to the group size, shares to 1
hist = pl.read_csv(out / "histogram.csv")
assert hist["count"].dtype.is_integer() and hist["bin_lo"].dtype.is_integer()
per_group = hist.group_by("group").agg(pl.col("count").sum(), pl.col("share").sum())
for row in per_group.iter_rows(named=True):
    size = summary["population"] if row["group"] == "all" else fin["by_group"][row["group"]]["size"]
    assert row["count"] == size, row
    assert size == 0 or abs(row["share"] - 1.0) < 1e-9, row

print(f"pandas {pd.__version__} and polars {pl.__version__} read {out} consistently "
      f"({len(steps_pd)} step rows, {len(hist)} histogram bins)")
