"""Results as Python objects: dicts and DataFrames parsed from the bytes the CLI writes."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from functools import cached_property
from typing import TYPE_CHECKING, Any, Dict, List, Union

import numpy as np
import pandas as pd

from . import _html

if TYPE_CHECKING:
    import polars

    from ._pointsim import ComparisonCore, RunCore, Scenario, SweepCore

PathLike = Union[str, "os.PathLike[str]"]


#: pandas dtype of each type of the data dictionary (columns.csv): nullable
#: integers and booleans, so that a column keeps its type whichever cells a
#: run leaves empty (a group hidden by small-cell suppression has no ``n``).
_PANDAS_TYPES = {"integer": "Int64", "float": "float64", "boolean": "boolean"}


def _exact_floats() -> Dict[str, str]:
    """``read_csv`` options that read every float bit for bit.

    pandas before 3.1 needs ``float_precision="round_trip"``: its default
    converter is off in the last bit for about a quarter of pointsim's floats.
    pandas 3.1 reads floats exactly by default (fast_float) and deprecates
    ``float_precision`` (a ``Pandas4Warning``), so it gets no option.
    """
    major, minor = (int(x) for x in re.match(r"(\d+)\.(\d+)", pd.__version__).groups())
    return {} if (major, minor) >= (3, 1) else {"float_precision": "round_trip"}


def _dictionary(data: bytes) -> Dict[str, Dict[str, str]]:
    """columns.csv as ``{file: {column: type}}``."""
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    out: Dict[str, Dict[str, str]] = {}
    for row in rows:
        out.setdefault(row["file"], {})[row["column"]] = row["type"]
    return out


def _csv(data: bytes, types: Dict[str, str]) -> pd.DataFrame:
    """A pointsim CSV as pandas reads the file: exact floats, only empty cells
    missing (a group named ``NA`` stays a name), and each column typed as the
    data dictionary ``types`` (``{column: type}``) says: integers as ``Int64``,
    booleans as ``boolean``, floats as ``float64``."""
    dtype = {c: _PANDAS_TYPES[t] for c, t in types.items() if t in _PANDAS_TYPES}
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, na_values=[""], dtype=dtype, **_exact_floats())


def _parquet(data: bytes) -> pd.DataFrame:
    """A pointsim Parquet file as pandas: integer columns as ``Int64`` and
    booleans as ``boolean`` even where a value is null (plain pyarrow turns an
    integer column with nulls into float64), as its ``pointsim.columns``
    dictionary types them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    meta = json.loads((table.schema.metadata or {}).get(b"pointsim.columns", b"[]"))
    types = {m["column"]: m["type"] for m in meta}
    mapper = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    df = table.to_pandas(types_mapper=mapper.get)
    for c, t in types.items():
        if t in _PANDAS_TYPES and str(df[c].dtype) != _PANDAS_TYPES[t]:
            df[c] = df[c].astype(_PANDAS_TYPES[t])
    return df


def _polars(data: bytes, types: Dict[str, str], parquet: bool = False) -> "polars.DataFrame":
    """The same table as polars, typed as the data dictionary ``types`` says."""
    import polars as pl

    if parquet:
        return pl.read_parquet(io.BytesIO(data))
    kinds = {"integer": pl.Int64, "float": pl.Float64, "boolean": pl.Boolean, "text": pl.String}
    return pl.read_csv(io.BytesIO(data), schema_overrides={c: kinds[t] for c, t in types.items() if t in kinds})


class Run:
    """A finished run: what ``pointsim run`` writes, as Python objects.

    ``summary`` equals summary.json, ``steps`` steps.csv and ``histogram``
    histogram.csv of ``pointsim run`` with the same scenario and options.
    """

    def __init__(self, core: "RunCore", scenario: "Scenario") -> None:
        self._core = core
        self.scenario = scenario
        seed, population, threads, seconds = core.facts()
        #: The seed the run used.
        self.seed: int = seed
        #: Number of subjects.
        self.population: int = population
        #: Worker threads used (does not change any number).
        self.threads: int = threads
        #: Seconds the simulation took.
        self.wall_seconds: float = seconds

    @cached_property
    def files(self) -> Dict[str, bytes]:
        """``{file name: bytes}`` of summary.json, steps.csv, histogram.csv and
        columns.csv (their data dictionary), byte for byte as the CLI writes them."""
        return {
            "summary.json": self._core.summary_json(),
            "steps.csv": self._core.steps_csv(),
            "histogram.csv": self._core.histogram_csv(),
            "columns.csv": self._core.columns_csv(),
        }

    @cached_property
    def columns(self) -> pd.DataFrame:
        """columns.csv, the data dictionary: ``file, column, type, unit, description``."""
        return pd.read_csv(io.BytesIO(self.files["columns.csv"]), keep_default_na=False)

    def _table(self, name: str) -> pd.DataFrame:
        return _csv(self.files[name], _dictionary(self.files["columns.csv"]).get(name, {}))

    @cached_property
    def summary(self) -> Dict[str, Any]:
        """summary.json as a dict."""
        return json.loads(self.files["summary.json"])

    @cached_property
    def steps(self) -> pd.DataFrame:
        """steps.csv: one row per snapshot step and group (see output/README.md);
        counts are ``Int64`` (empty where a group is suppressed)."""
        return self._table("steps.csv")

    @cached_property
    def histogram(self) -> pd.DataFrame:
        """histogram.csv: final score counts per bin and group."""
        return self._table("histogram.csv")

    @cached_property
    def manifest(self) -> Dict[str, Any]:
        """manifest.json as a dict (its ``run`` part holds this process's facts)."""
        return json.loads(self._core.manifest_json())

    @cached_property
    def final_scores(self) -> np.ndarray:
        """Final score of every subject, by subject number (read-only int64 array)."""
        a = self._core.final_scores()
        a.flags.writeable = False
        return a

    def to_polars(self, table: str = "steps") -> "polars.DataFrame":
        """``steps`` or ``histogram`` as a polars DataFrame (from the same CSV bytes)."""
        name = {"steps": "steps.csv", "histogram": "histogram.csv"}.get(table)
        if name is None:
            raise ValueError(f"unknown table `{table}`: use `steps` or `histogram`")
        return _polars(self.files[name], _dictionary(self.files["columns.csv"]).get(name, {}))

    def trace(self, subject: int) -> Dict[str, Any]:
        """``pointsim trace --format json --subject SUBJECT`` for this run's scenario, seed and size."""
        return json.loads(self._core.trace(subject))

    def write(self, out: PathLike, force: bool = False, plots: bool = True) -> List[str]:
        """Write the folder ``pointsim run`` writes (summary.json, steps.csv,
        histogram.csv, manifest.json, and unless ``plots=False`` the charts and
        report.html). A folder holding earlier results is refused unless
        ``force``. Returns the paths written."""
        return [os.fspath(p) for p in self._core.write(os.fspath(out), force, plots)]

    def charts(self) -> List[tuple]:
        """The run's charts as ``(name, title, svg)``, drawn as ``pointsim plot`` draws them."""
        return self._core.charts()

    def headline(self) -> pd.DataFrame:
        """Final size, mean score and tier shares of everyone and of each group."""
        rows = {}
        for group, g in self.summary["final"]["by_group"].items():
            row = {"size": g["size"], "mean score": g["score_mean"]}
            row.update({f"tier {t}": v for t, v in (g.get("tier_share") or {}).items()})
            rows[group] = row
        return pd.DataFrame.from_dict(rows, orient="index")

    def _repr_html_(self) -> str:
        s = self.summary
        lines = [f"{s['population']:,} subjects, {s['steps']} steps, seed {self.seed}"]
        charts = [(title, svg) for _name, title, svg in self.charts()]
        return _html.page(f"pointsim run: {s['scenario']}", lines, _html.table(self.headline()) + _html.charts(charts))

    def __repr__(self) -> str:
        return f"<pointsim.Run of {self.scenario.name!r}: {self.population} subjects, seed {self.seed}>"


class Comparison:
    """A finished comparison: what ``pointsim compare`` writes, as Python objects."""

    def __init__(self, core: "ComparisonCore", base: "Scenario", reform: "Scenario") -> None:
        self._core = core
        self.base = base
        self.reform = reform

    @cached_property
    def files(self) -> Dict[str, bytes]:
        """``{file name: bytes}`` of compare.json, compare.csv, transitions.csv,
        access_changes.csv and columns.csv (their data dictionary)."""
        return dict(self._core.files())

    @cached_property
    def columns(self) -> pd.DataFrame:
        """columns.csv, the data dictionary: ``file, column, type, unit, description``."""
        return pd.read_csv(io.BytesIO(self.files["columns.csv"]), keep_default_na=False)

    def _table(self, name: str) -> pd.DataFrame:
        return _csv(self.files[name], _dictionary(self.files["columns.csv"]).get(name, {}))

    @cached_property
    def summary(self) -> Dict[str, Any]:
        """compare.json as a dict."""
        return json.loads(self.files["compare.json"])

    @cached_property
    def metrics(self) -> pd.DataFrame:
        """compare.csv with readable names: ``metric, base, reform, change, ci_low, ci_high, replicates``
        (``change`` is the mean paired difference reform − base, with its 95% interval)."""
        df = self._table("compare.csv")
        return df.rename(
            columns={
                "base_mean": "base",
                "reform_mean": "reform",
                "diff_mean": "change",
                "diff_ci_lo": "ci_low",
                "diff_ci_hi": "ci_high",
            }
        )

    @cached_property
    def transitions(self) -> pd.DataFrame:
        """transitions.csv: ``group, base_tier, reform_tier, subjects, share``."""
        return self._table("transitions.csv")

    @cached_property
    def access_changes(self) -> pd.DataFrame:
        """access_changes.csv: who gains and who loses each perk and restriction."""
        return self._table("access_changes.csv")

    def to_polars(self, table: str = "metrics") -> "polars.DataFrame":
        """``metrics`` (compare.csv as written), ``transitions`` or ``access_changes`` as polars."""
        name = {"metrics": "compare.csv", "transitions": "transitions.csv", "access_changes": "access_changes.csv"}
        if table not in name:
            raise ValueError(f"unknown table `{table}`: use `metrics`, `transitions` or `access_changes`")
        return _polars(self.files[name[table]], _dictionary(self.files["columns.csv"]).get(name[table], {}))

    def write(self, out: PathLike, force: bool = False, plots: bool = True) -> List[str]:
        """Write the folder ``pointsim compare`` writes; returns the paths written."""
        return [os.fspath(p) for p in self._core.write(os.fspath(out), force, plots)]

    def chart_svg(self) -> str:
        """The distribution chart (plots/compare_distribution.svg)."""
        return self._core.chart_svg()

    def _repr_html_(self) -> str:
        s = self.summary
        m = self.metrics
        headline = m[(m["metric"] == "score.mean") | ~m["metric"].str.startswith(("group.", "score."))]
        headline = headline[(headline["base"].fillna(0) != 0) | (headline["reform"].fillna(0) != 0)]
        lines = [f"{len(s.get('seeds', [])) or ''} replicates, common random numbers, seed {s.get('seed')}"]
        body = _html.table(headline.set_index("metric")) + _html.charts([("score distributions", self.chart_svg())])
        return _html.page(f"pointsim compare: {self.base.name} → {self.reform.name}", lines, body)

    def __repr__(self) -> str:
        return f"<pointsim.Comparison {self.base.name!r} → {self.reform.name!r}>"


class Sweep:
    """A finished sweep: runs.parquet and cells.parquet of ``pointsim sweep``, as DataFrames."""

    def __init__(self, core: "SweepCore") -> None:
        self._core = core
        failed, total = core.failures()
        #: Runs whose status is not ``ok`` (their ``status`` in ``runs`` says why).
        self.failed: int = failed
        #: Number of runs.
        self.total: int = total

    @cached_property
    def files(self) -> Dict[str, bytes]:
        """``{file name: bytes}`` of runs.csv, runs.parquet, cells.csv, cells.parquet and columns.csv."""
        return dict(self._core.table_files())

    @cached_property
    def columns(self) -> pd.DataFrame:
        """columns.csv, the data dictionary of ``runs`` and ``cells``."""
        return pd.read_csv(io.BytesIO(self.files["columns.csv"]), keep_default_na=False)

    @cached_property
    def manifest(self) -> Dict[str, Any]:
        """sweep.json as a dict."""
        return json.loads(self._core.manifest_json())

    @cached_property
    def runs(self) -> pd.DataFrame:
        """runs.parquet: one row per run (cell, replicate, seed, status, parameters, metrics);
        integer columns are ``Int64``."""
        return _parquet(self.files["runs.parquet"])

    @cached_property
    def cells(self) -> pd.DataFrame:
        """cells.parquet: one row per cell (mean, sd and 95% interval of each metric)."""
        return _parquet(self.files["cells.parquet"])

    def to_polars(self, table: str = "cells") -> "polars.DataFrame":
        """``runs`` or ``cells`` as a polars DataFrame (from the same Parquet bytes)."""
        if table not in ("runs", "cells"):
            raise ValueError(f"unknown table `{table}`: use `runs` or `cells`")
        return _polars(self.files[f"{table}.parquet"], {}, parquet=True)

    def charts(self) -> List[tuple]:
        """The sweep's charts as ``(file stem, svg)``."""
        return self._core.charts()

    def write(self, out: PathLike, plots: bool = True) -> List[str]:
        """Write the folder ``pointsim sweep`` writes into an empty or new folder; returns the paths written."""
        return [os.fspath(p) for p in self._core.write(os.fspath(out), plots)]

    def _repr_html_(self) -> str:
        m = self.manifest
        lines = [f"{len(m['cells'])} cells × {m['replicates']} replicates, {self.failed} of {self.total} runs failed"]
        cells = self.cells.set_index("cell")
        shown = cells.head(20)
        body = _html.table(shown) + _html.charts(self.charts())
        return _html.page(f"pointsim sweep: {m.get('plan_file', '')}", lines, body)

    def __repr__(self) -> str:
        return f"<pointsim.Sweep: {self.total} runs, {self.failed} failed>"
