"""The package gives the numbers the CLI gives: the same bytes, hence equal dicts and DataFrames."""

import csv
import io
import json

import numpy as np
import pandas as pd
import pytest

import pointsim
from conftest import cli

# (scenario, options): reference scenarios, an overlay, groups, lists, households
CASES = [
    ("scenarios/teaching_toy.toml", dict(seed=42)),
    ("scenarios/rongcheng.toml", dict(seed=7, population=20_000)),
    ("scenarios/traffic_demerit_toy.toml", dict(seed=3, steps=24)),
    ("scenarios/national_blacklist.toml", dict(seed=11, population=10_000)),
    ("scenarios/overlays/city_score_sesame.toml", dict(seed=5, population=10_000)),
]


PANDAS = {"integer": "Int64", "float": "float64", "boolean": "boolean"}


def read_typed(out, name):
    """``out/name`` read with pandas as its folder's columns.csv types it (the
    reader a user would write), with exact floats on every pandas version."""
    d = pd.read_csv(out / "columns.csv", keep_default_na=False)
    d = d[d["file"] == name]
    dtype = {c: PANDAS[t] for c, t in zip(d["column"], d["type"]) if t in PANDAS}
    major, minor = map(int, pd.__version__.split(".")[:2])
    exact = {} if (major, minor) >= (3, 1) else {"float_precision": "round_trip"}
    return pd.read_csv(out / name, keep_default_na=False, na_values=[""], dtype=dtype, **exact)


def assert_exact_floats(df, text):
    """Every float column of ``df`` holds, bit for bit, what Python's own
    ``float()`` makes of the CSV text (shortest round-trip decimals)."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    floats = [c for c in df.columns if df[c].dtype == np.float64]
    assert floats, "no float column to check"
    for c in floats:
        i = header.index(c)
        want = np.array([float(r[i]) if r[i] else np.nan for r in body])
        got = df[c].to_numpy()
        same = (got.view(np.uint64) == want.view(np.uint64)) | (np.isnan(got) & np.isnan(want))
        assert same.all(), f"{c}: {got[~same][:3]} read for {want[~same][:3]}"


def cli_args(opts):
    args = []
    for k in ("seed", "population", "steps"):
        if k in opts:
            args += [f"--{k}", opts[k]]
    return args


@pytest.mark.parametrize("path,opts", CASES, ids=[c[0].rsplit("/", 1)[-1] for c in CASES])
def test_run_equals_cli(tmp_path, path, opts):
    out = tmp_path / "cli"
    cli("run", path, "--out", out, "--no-plots", "--quiet", *cli_args(opts))
    r = pointsim.run(pointsim.load(path), jobs=2, **opts)
    for name in ("summary.json", "steps.csv", "histogram.csv", "columns.csv"):
        assert r.files[name] == (out / name).read_bytes(), name
    assert r.summary == json.loads((out / "summary.json").read_text())
    for name, df in (("steps.csv", r.steps), ("histogram.csv", r.histogram)):
        pd.testing.assert_frame_equal(df, read_typed(out, name))
        assert_exact_floats(df, (out / name).read_text())
    # the final scores agree with the published counts
    scores = r.final_scores
    assert scores.dtype == np.int64 and len(scores) == r.summary["population"]
    final = r.summary["final"]["score"]
    assert scores.min() == final["min"] and scores.max() == final["max"]
    assert scores.mean() == pytest.approx(final["mean"], rel=1e-12)
    # the manifest is the CLI's, apart from the facts of the invocation
    ours, theirs = r.manifest, json.loads((out / "manifest.json").read_text())
    for m in (ours, theirs):
        m.pop("run"), m.pop("command")
    assert ours == theirs


def test_threads_do_not_change_numbers():
    s = pointsim.load("scenarios/rongcheng.toml")
    a, b = pointsim.run(s, population=30_000, jobs=1), pointsim.run(s, population=30_000, jobs=2)
    assert a.files == b.files
    assert np.array_equal(a.final_scores, b.final_scores)


def test_trace_equals_cli():
    r = pointsim.run("scenarios/rongcheng.toml", seed=7)
    p = cli("trace", "scenarios/rongcheng.toml", "--subject", 22526, "--seed", 7, "--format", "json")
    assert r.trace(22526) == json.loads(p.stdout)


def test_set_and_compare_equal_cli(tmp_path):
    s = pointsim.load("scenarios/rongcheng.toml")
    reform = s.set("rule.volunteer_service.points", 10)
    assert reform.name == "Rongcheng (simplified) (rule.volunteer_service.points=10)"
    c = pointsim.compare(s, reform, replicates=4, population=10_000, jobs=2)
    out = tmp_path / "cli"
    cli(
        "compare", "scenarios/rongcheng.toml", "--set", "rule.volunteer_service.points=10",
        "--replicates", 4, "--population", 10_000, "--out", out, "--no-plots", "--quiet",
    )
    for name in ("compare.csv", "transitions.csv", "access_changes.csv", "columns.csv"):
        assert c.files[name] == (out / name).read_bytes(), name
    ours, theirs = c.summary, json.loads((out / "compare.json").read_text())
    for d in (ours, theirs):
        d.pop("command", None)
    assert ours == theirs
    m = c.metrics
    assert list(m.columns) == ["metric", "base", "reform", "change", "ci_low", "ci_high", "replicates"]
    row = m.set_index("metric").loc["score.mean"]
    assert row["change"] == pytest.approx(row["reform"] - row["base"])
    assert row["ci_low"] <= row["change"] <= row["ci_high"]
    pd.testing.assert_frame_equal(c.transitions, read_typed(out, "transitions.csv"))
    assert str(c.transitions["subjects"].dtype) == "Int64"
    assert_exact_floats(c.access_changes, (out / "access_changes.csv").read_text())


def test_overlay_reform_compare():
    c = pointsim.compare("scenarios/teaching_toy.toml", "examples/overlays/teaching_toy_reform.toml", replicates=3)
    assert c.summary["replicates"] == 3 and len(c.summary["seeds"]) == 3


def test_sweep_equals_cli(tmp_path):
    plan = "scenarios/sweeps/toy_volunteering.toml"
    w = pointsim.sweep(plan, jobs=2)
    out = tmp_path / "cli"
    cli("sweep", plan, "--out", out, "--no-plots", "--quiet")
    for name in ("runs.csv", "cells.csv", "runs.parquet", "cells.parquet", "columns.csv"):
        assert w.files[name] == (out / name).read_bytes(), name
    # the Parquet tables, typed as the dictionary says, hold the CSV files' values bit for bit
    for name, df in (("runs", w.runs), ("cells", w.cells)):
        types = dict(zip(*(w.columns.loc[w.columns["file"] == f"{name}.csv", k] for k in ("column", "type"))))
        assert list(df.columns) == list(types)
        for col, t in types.items():
            assert str(df[col].dtype) == PANDAS.get(t, str(df[col].dtype)), (name, col, df[col].dtype)
        pd.testing.assert_frame_equal(df, read_typed(out, f"{name}.csv"), check_dtype=False)
        assert_exact_floats(df, (out / f"{name}.csv").read_text())
    assert w.manifest == json.loads((out / "sweep.json").read_text())
    assert w.failed == 0 and w.total == len(w.runs)


def test_polars_views():
    r = pointsim.run("scenarios/teaching_toy.toml")
    steps = r.to_polars("steps")
    assert steps.columns == list(r.steps.columns) and steps.height == len(r.steps)
    with pytest.raises(ValueError, match="unknown table"):
        r.to_polars("nope")


def test_loads_matches_load():
    text = open("scenarios/teaching_toy.toml").read()
    a = pointsim.run(pointsim.load("scenarios/teaching_toy.toml"))
    b = pointsim.run(pointsim.loads(text, name="scenarios/teaching_toy.toml"))
    assert a.files == b.files


def test_write_is_the_run_folder(tmp_path):
    r = pointsim.run("scenarios/teaching_toy.toml")
    written = r.write(tmp_path / "out")
    names = {p.rsplit("/", 1)[-1] for p in written}
    assert {"summary.json", "steps.csv", "histogram.csv", "columns.csv", "manifest.json", "report.html"} <= names
    assert (tmp_path / "out" / "steps.csv").read_bytes() == r.files["steps.csv"]
    assert any(n.endswith(".svg") for n in names)
    with pytest.raises(ValueError):
        r.write(tmp_path / "out")  # earlier results are kept unless force
    r.write(tmp_path / "out", force=True)


def test_counts_stay_integers_where_a_group_is_suppressed():
    # at min_cell 5000 the 4,000 companies are hidden: their rows keep only step, year, group, suppressed
    r = pointsim.run("examples/scenarios/debt_blacklist.toml", min_cell=5000)
    steps, hist = r.steps, r.histogram
    hidden = steps[steps["suppressed"]]
    assert len(hidden) and hidden["n"].isna().all() and steps.loc[~steps["suppressed"], "n"].notna().all()
    types = r.columns.set_index(["file", "column"])["type"]
    for name, df in (("steps.csv", steps), ("histogram.csv", hist)):
        for col in df.columns:
            want = {"integer": "Int64", "float": "float64", "boolean": "boolean"}.get(types[(name, col)])
            if want:
                assert str(df[col].dtype) == want, (name, col, df[col].dtype)
    assert str(steps["tier_count.A"].dtype) == "Int64" and str(hist["count"].dtype) == "Int64"
    assert int(steps.loc[steps["group"] == "all", "n"].iloc[0]) == r.population
    pytest.importorskip("polars")
    pl_steps = r.to_polars("steps")
    assert str(pl_steps["n"].dtype) == "Int64" and pl_steps["n"].null_count() == len(hidden)
