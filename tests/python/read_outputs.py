"""Read a pointsim output folder with pandas and polars, as researchers do,
and check that both see the same, correctly typed numbers.

usage: python read_outputs.py OUTPUT_DIR
"""

import json
import os
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

# exact floats: pandas before 3.1 needs the round-trip converter (its default
# converter is off in the last bit for about a quarter of pointsim's floats);
# 3.1 reads exactly by default and deprecates `float_precision` (Pandas4Warning)
EXACT = {} if tuple(map(int, pd.__version__.split(".")[:2])) >= (3, 1) else {"float_precision": "round_trip"}

# steps.csv: numeric columns are numbers, not strings, in both readers
steps_pd = pd.read_csv(out / "steps.csv", **EXACT)
steps_pl = pl.read_csv(out / "steps.csv")
assert list(steps_pd.columns) == steps_pl.columns, "pandas and polars see different columns"
# empty fields (an empty group's scores, a suppressed group's everything) make
# plain pandas read an integer column as float; its nullable types keep integers
steps_nullable = pd.read_csv(out / "steps.csv", dtype_backend="numpy_nullable")
for col in ["step", "n", "min", "max", "p50"] + [f"tier_count.{t}" for t in tiers]:
    pd_col = steps_pd[col] if steps_pd[col].notna().all() else steps_nullable[col]
    assert pd.api.types.is_integer_dtype(pd_col), f"pandas reads {col} as {pd_col.dtype}"
    assert steps_pl[col].dtype.is_integer(), f"polars reads {col} as {steps_pl[col].dtype}"
for col in ["year", "mean", "sd"] + [f"perk_share.{p}" for p in perks]:
    assert pd.api.types.is_float_dtype(steps_pd[col]), f"pandas reads {col} as {steps_pd[col].dtype}"
assert pd.api.types.is_bool_dtype(steps_pd["suppressed"]), f"pandas reads suppressed as {steps_pd['suppressed'].dtype}"
assert steps_pl["suppressed"].dtype == pl.Boolean, f"polars reads suppressed as {steps_pl['suppressed'].dtype}"

# small-cell suppression: a hidden group is hidden in every row, and summary.json says so
suppression = summary["suppression"]
hidden = set(suppression["groups"])
for g, info in summary["final"]["by_group"].items():
    assert info["suppressed"] == (g in hidden), g
    assert (info["size"] is None) == (g in hidden), g
for group, flags in steps_pd.groupby("group")["suppressed"]:
    assert flags.all() == (group in hidden) and (flags.any() == flags.all()), group
published = steps_pd[~steps_pd["suppressed"]]
assert published["n"].notna().all(), "a published row has no n"
assert steps_pd[steps_pd["suppressed"]].drop(columns=["step", "year", "group", "suppressed"]).isna().all().all()

# disparity ratios in [0, 1]; tier_up + tier_down never above 1
disparity = [c for c in steps_pd.columns if c.startswith("disparity_ratio.")]
assert len(disparity) == len(perks) + len(scenario["restrictions"]), disparity
for col in disparity + ["tier_up_share", "tier_down_share"]:
    values = published[col].dropna()
    assert ((values >= 0) & (values <= 1)).all(), col
assert ((published["tier_up_share"] + published["tier_down_share"]).dropna() <= 1 + 1e-12).all()
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

# tier counts add up to the group size in every published row
tier_cols = [f"tier_count.{t}" for t in tiers]
assert (published[tier_cols].sum(axis=1) == published["n"]).all(), "tier counts do not add up to n"

# the last row for everyone agrees with summary.json
last = steps_pd[(steps_pd["group"] == "all")].sort_values("step").iloc[-1]
fin = summary["final"]
assert last["n"] == summary["population"]
assert abs(last["mean"] - fin["score"]["mean"]) < 1e-9
assert last["p50"] == fin["score"]["quantiles"]["p50"]
for t in tiers:
    assert abs(last[f"tier_count.{t}"] / last["n"] - fin["tier_share"][t]) < 1e-12, t

# histogram.csv: counts per group add up to the group size, shares to 1
hist = pl.read_csv(out / "histogram.csv")
assert hist["count"].dtype.is_integer() and hist["bin_lo"].dtype.is_integer()
assert hist["suppressed"].dtype == pl.Boolean
assert hist.filter(pl.col("suppressed"))["count"].null_count() == hist["suppressed"].sum()
per_group = hist.filter(~pl.col("suppressed")).group_by("group").agg(pl.col("count").sum(), pl.col("share").sum())
for row in per_group.iter_rows(named=True):
    size = summary["population"] if row["group"] == "all" else fin["by_group"][row["group"]]["size"]
    assert row["count"] == size, row
    assert size == 0 or abs(row["share"] - 1.0) < 1e-9, row

# ledger.parquet (run --ledger / --trace-sample): pandas (pyarrow) and polars
# read the same typed rows, and every subject's rows chain up
ledger_rows = 0
if (out / "ledger.parquet").exists():
    led_pd = pd.read_parquet(out / "ledger.parquet")
    led_pl = pl.read_parquet(out / "ledger.parquet")
    assert list(led_pd.columns) == led_pl.columns
    for col in ["subject", "step", "points", "score_before", "score_after"]:
        assert pd.api.types.is_integer_dtype(led_pd[col]), f"pandas reads ledger {col} as {led_pd[col].dtype}"
        assert led_pl[col].dtype.is_integer(), f"polars reads ledger {col} as {led_pl[col].dtype}"
    assert pd.api.types.is_float_dtype(led_pd["time"]) and pd.api.types.is_bool_dtype(led_pd["wrongful"])
    pl_led = led_pl.to_dict(as_series=False)
    for col in led_pd.columns:
        assert plain(led_pd[col].tolist()) == plain(pl_led[col]), f"pandas and polars read ledger {col} differently"
    # `none`: a sampled subject whose score and listings never changed has one row saying so
    causes = {"rule", "restore", "drift", "expire", "appeal", "listing", "listed", "delisted", "none"}
    assert set(led_pd["cause"]) <= causes, set(led_pd["cause"]) - causes
    quiet = led_pd[led_pd["cause"] == "none"]
    assert (quiet["points"] == 0).all() and not quiet["subject"].duplicated().any(), "one quiet row a subject"
    assert set(quiet["subject"]).isdisjoint(led_pd.loc[led_pd["cause"] != "none", "subject"]), "quiet subjects have no other row"
    sample = out / "manifest.json"
    argv = json.loads(sample.read_text())["command"]["argv"]
    if "--trace-sample" in argv:
        k = int(argv[argv.index("--trace-sample") + 1])
        population = json.loads((out / "summary.json").read_text())["population"]
        assert led_pd["subject"].nunique() == min(k, population), "a sample of K holds exactly K subjects"
    assert (led_pd["points"] == led_pd["score_after"] - led_pd["score_before"]).all()
    assert led_pd.loc[led_pd["cause"].isin(["listed", "delisted", "listing"]), "list"].notna().all()
    assert set(led_pd["group"]) <= set(groups), "ledger groups are the scenario's"
    for subject, rows in led_pd.groupby("subject", sort=False):
        assert (rows["time"].diff().dropna() >= 0).all(), f"subject {subject}: rows out of time order"
        assert (rows["score_before"].iloc[1:].to_numpy() == rows["score_after"].iloc[:-1].to_numpy()).all(), subject
    ledger_rows = len(led_pd)

# columns.csv, the data dictionary: one row per column of every table, and
# its types are the ones pandas and polars read (a nullable Int64 for `n`)
dictionary = pd.read_csv(out / "columns.csv", keep_default_na=False)
assert list(dictionary.columns) == ["file", "column", "type", "unit", "description"]
described = dictionary[dictionary["file"] == "steps.csv"]
assert list(described["column"]) == list(steps_pd.columns), "columns.csv lists steps.csv's columns in order"
assert (dictionary["description"] != "see output/README.md").all(), dictionary[dictionary["description"] == "see output/README.md"]
pandas_type = {"integer": "Int64", "float": "float64", "text": "string", "boolean": "boolean"}
typed = pd.read_csv(out / "steps.csv", keep_default_na=False, na_values=[""],
                    dtype={c: pandas_type[t] for c, t in zip(described["column"], described["type"])}, **EXACT)
for c, t in zip(described["column"], described["type"]):
    assert str(typed[c].dtype) == {"text": "string"}.get(t, pandas_type[t]), (c, t, typed[c].dtype)
assert str(typed["n"].dtype) == "Int64", typed["n"].dtype
# every float reads back bit for bit: pandas' value is what Python's float() makes of the text
import csv as _csv
raw = list(_csv.reader((out / "steps.csv").read_text().splitlines()))
for c, t in zip(described["column"], described["type"]):
    if t == "float":
        i = raw[0].index(c)
        for row, got in zip(raw[1:], typed[c]):
            want = float(row[i]) if row[i] else None
            assert (want is None and pd.isna(got)) or got.hex() == want.hex(), (c, row[i], got)
for c, unit in zip(described["column"], described["unit"]):
    if unit == "share (0 to 1)":
        assert typed[c].dropna().between(0, 1).all(), c
if (out / "ledger.parquet").exists():
    import pyarrow.parquet as pq
    meta = json.loads(pq.read_schema(out / "ledger.parquet").metadata[b"pointsim.columns"])
    assert [m["column"] for m in meta] == list(led_pd.columns), "ledger.parquet describes its own columns"
    assert list(dictionary.loc[dictionary["file"] == "ledger.parquet", "column"]) == list(led_pd.columns)

print(f"pandas {pd.__version__} and polars {pl.__version__} read {out} consistently "
      f"({len(steps_pd)} step rows, {len(hist)} histogram bins, {len(hidden)} groups suppressed, "
      f"{ledger_rows} ledger rows)")

# Every check passed. Leave without running the libraries' destructors: the
# Parquet readers' thread pools can abort the interpreter at shutdown
# ("terminate called without an active exception", apache/arrow#34314,
# pola-rs/polars#24169), which would turn a passing check into a failure.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
