"""The package gives the numbers the CLI gives: the same bytes, hence equal dicts and DataFrames."""

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
    for name in ("summary.json", "steps.csv", "histogram.csv"):
        assert r.files[name] == (out / name).read_bytes(), name
    assert r.summary == json.loads((out / "summary.json").read_text())
    read = dict(float_precision="round_trip", keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(r.steps, pd.read_csv(out / "steps.csv", **read))
    pd.testing.assert_frame_equal(r.histogram, pd.read_csv(out / "histogram.csv", **read))
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
    for name in ("compare.csv", "transitions.csv", "access_changes.csv"):
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
    read = dict(float_precision="round_trip", keep_default_na=False, na_values=[""])
    pd.testing.assert_frame_equal(c.transitions, pd.read_csv(out / "transitions.csv", **read))


def test_overlay_reform_compare():
    c = pointsim.compare("scenarios/teaching_toy.toml", "examples/overlays/teaching_toy_reform.toml", replicates=3)
    assert c.summary["replicates"] == 3 and len(c.summary["seeds"]) == 3


def test_sweep_equals_cli(tmp_path):
    plan = "scenarios/sweeps/toy_volunteering.toml"
    w = pointsim.sweep(plan, jobs=2)
    out = tmp_path / "cli"
    cli("sweep", plan, "--out", out, "--no-plots", "--quiet")
    for name in ("runs.csv", "cells.csv", "runs.parquet", "cells.parquet"):
        assert w.files[name] == (out / name).read_bytes(), name
    pd.testing.assert_frame_equal(w.runs, pd.read_parquet(out / "runs.parquet"))
    pd.testing.assert_frame_equal(w.cells, pd.read_parquet(out / "cells.parquet"))
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
    assert {"summary.json", "steps.csv", "histogram.csv", "manifest.json", "report.html"} <= names
    assert (tmp_path / "out" / "steps.csv").read_bytes() == r.files["steps.csv"]
    assert any(n.endswith(".svg") for n in names)
    with pytest.raises(ValueError):
        r.write(tmp_path / "out")  # earlier results are kept unless force
    r.write(tmp_path / "out", force=True)
