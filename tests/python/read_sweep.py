"""Read a pointsim sweep folder with pyarrow, pandas and polars, as researchers do,
and check that Parquet and CSV hold the same, correctly typed table.

usage: python read_sweep.py SWEEP_DIR
"""

import json
import os
import math
import sys
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow.parquet as pq

# exact floats: pandas before 3.1 needs the round-trip converter (its default can
# be off in the last bit); 3.1 reads exactly by default and deprecates the option
EXACT = {} if tuple(map(int, pd.__version__.split(".")[:2])) >= (3, 1) else {"float_precision": "round_trip"}

out = Path(sys.argv[1])
manifest = json.loads((out / "sweep.json").read_text())
params = ["param." + p for p in manifest["parameters"]]
metrics = manifest["metrics"]
n_cells, reps = len(manifest["cells"]), manifest["replicates"]

for name, rows in [("runs", n_cells * reps), ("cells", n_cells)]:
    table = pq.read_table(out / f"{name}.parquet")
    assert table.num_rows == rows, f"{name}.parquet has {table.num_rows} rows, expected {rows}"
    schema = {f.name: str(f.type) for f in table.schema}
    # the data dictionary: in the Parquet metadata, and in columns.csv
    meta = json.loads(table.schema.metadata[b"pointsim.columns"])
    assert [m["column"] for m in meta] == table.column_names, f"{name}.parquet describes its own columns"
    for m in meta:
        if "_share." in m["column"]:
            assert m["unit"] == "share (0 to 1)" and m["type"] == "float", m
    dictionary = pd.read_csv(out / "columns.csv", keep_default_na=False)
    assert list(dictionary.loc[dictionary["file"] == f"{name}.csv", "column"]) == table.column_names
    assert schema["cell"] == "string", schema["cell"]
    via_pa = table.to_pandas()
    via_pd = pd.read_parquet(out / f"{name}.parquet")
    via_pl = pl.read_parquet(out / f"{name}.parquet")
    csv_pd = pd.read_csv(out / f"{name}.csv", keep_default_na=False, na_values=[""], **EXACT)
    csv_pl = pl.read_csv(out / f"{name}.csv", infer_schema_length=None)
    for df in (via_pd, csv_pd):
        assert list(df.columns) == list(via_pa.columns), f"{name}: pandas sees other columns"
    assert via_pl.columns == csv_pl.columns == list(via_pa.columns), f"{name}: polars sees other columns"
    if name == "runs":
        for col in ["replicate", "seed"]:
            assert schema[col] == "int64", f"{name}.{col} is {schema[col]}"
            assert via_pl[col].dtype == pl.Int64 and csv_pl[col].dtype == pl.Int64, col
        assert (via_pd["status"] == csv_pd["status"]).all()
        value_cols = metrics
    else:
        assert schema["runs_ok"] == "int64"
        value_cols = [f"{m}.{s}" for m in metrics for s in ("mean", "sd", "ci_lo", "ci_hi")]
    for col in value_cols:
        assert schema[col] == "double", f"{name}.{col} is {schema[col]} in Parquet"
        assert via_pl[col].dtype == pl.Float64, f"polars reads {name}.{col} as {via_pl[col].dtype}"
        assert csv_pl[col].dtype in (pl.Float64, pl.String), f"polars reads {name}.csv {col} as {csv_pl[col].dtype}"
        a, b = via_pd[col].tolist(), pd.to_numeric(csv_pd[col]).tolist()
        same = all((math.isnan(x) and math.isnan(y)) or x == y for x, y in zip(a, b))
        assert same, f"{name}.{col}: Parquet and CSV values differ"
    for col in params:
        assert col in schema, f"{name} lacks {col}"
        assert via_pd[col].tolist() == csv_pd[col].tolist(), f"{name}.{col} differs"

# the cell means are the means of the runs (pandas groupby, no pointsim code involved)
runs = pd.read_parquet(out / "runs.parquet")
cells = pd.read_parquet(out / "cells.parquet").set_index("cell")
ok = runs[runs["status"] == "ok"]
m = metrics[0]
means = ok.groupby("cell")[m].mean()
for cell, mean in means.items():
    assert math.isclose(cells.loc[cell, f"{m}.mean"], mean, rel_tol=1e-12), (cell, m)
    assert cells.loc[cell, "runs_ok"] == (ok["cell"] == cell).sum()
print(f"{out}: runs and cells read by pyarrow, pandas and polars: {len(runs)} runs, {len(cells)} cells, {len(metrics)} metrics")

# Every check passed. Leave without running the libraries' destructors: the
# Parquet readers' thread pools can abort the interpreter at shutdown
# ("terminate called without an active exception", apache/arrow#34314,
# pola-rs/polars#24169), which would turn a passing check into a failure.
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
