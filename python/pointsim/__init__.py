"""pointsim from Python: load a scenario, run it, compare a reform, sweep a plan.

A thin layer over the pointsim library (the same functions the ``pointsim``
command calls): every table and dict is parsed from the very bytes the
command writes, so ``pointsim.run(s).steps`` equals ``steps.csv`` of
``pointsim run`` with the same scenario and seed.

>>> import pointsim
>>> s = pointsim.load("scenarios/teaching_toy.toml")
>>> r = pointsim.run(s, seed=42)
>>> r.summary["final"]["tier_share"]            # doctest: +SKIP
{'AA': 0.0005, 'A': 0.997, 'B': 0.0025, 'C': 0.0}
"""

from __future__ import annotations

import os
from typing import Any, List, Optional, Union

from . import _pointsim
from ._pointsim import DEFAULT_MIN_CELL, Scenario, ScenarioError
from ._results import Comparison, Run, Sweep

__version__: str = _pointsim.__version__

__all__ = [
    "DEFAULT_MIN_CELL",
    "Comparison",
    "Run",
    "Scenario",
    "ScenarioError",
    "ScenarioWarning",
    "Sweep",
    "__version__",
    "check",
    "compare",
    "load",
    "loads",
    "run",
    "sweep",
]

PathLike = Union[str, "os.PathLike[str]"]


class ScenarioWarning(UserWarning):
    """Parts of a scenario that can never matter (``pointsim check`` prints them as warnings)."""


def _warn(scenario: Scenario) -> Scenario:
    text, items = scenario.warnings()
    if items:
        import warnings

        warnings.warn(text.rstrip(), ScenarioWarning, stacklevel=3)
    return scenario


def load(path: PathLike) -> Scenario:
    """Read and check a scenario file (an overlay's ``extends`` chain is resolved).

    Raises :class:`ScenarioError` (with ``.diagnostics``) for a file with
    errors; warnings are issued as :class:`ScenarioWarning`.
    """
    return _warn(_pointsim.load(os.fspath(path)))


def loads(text: str, name: str = "<string>") -> Scenario:
    """Check a scenario given as TOML text.

    ``name`` names it in messages; an ``extends = "..."`` is read from the
    folder of ``name``.
    """
    return _warn(_pointsim.loads(text, name))


def _scenario(s: Union[Scenario, PathLike]) -> Scenario:
    if isinstance(s, Scenario):
        return s
    if isinstance(s, (str, os.PathLike)):
        return load(s)
    raise TypeError(f"expected a pointsim.Scenario or a path, not `{type(s).__name__}`")


def run(
    scenario: Union[Scenario, PathLike],
    seed: Optional[int] = None,
    population: Optional[int] = None,
    steps: Optional[int] = None,
    jobs: Optional[int] = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> Run:
    """Simulate a scenario, as ``pointsim run`` does.

    ``seed``, ``population`` and ``steps`` replace the scenario's values
    (``--seed``, ``--population``, ``--steps``); ``jobs`` is the number of
    worker threads (default: ``$SLURM_CPUS_PER_TASK``, else every core);
    ``min_cell`` is the small-cell suppression threshold (``--min-cell``).

    The GIL is released while simulating; Ctrl-C stops the run and raises
    ``KeyboardInterrupt``. The result is a pure function of the scenario, the
    seed and the pointsim version, whatever ``jobs``.
    """
    s = _scenario(scenario)
    return Run(_pointsim.run(s, seed, population, steps, jobs, min_cell), s)


def compare(
    base: Union[Scenario, PathLike],
    reform: Union[Scenario, PathLike],
    replicates: int = 10,
    seed: Optional[int] = None,
    population: Optional[int] = None,
    steps: Optional[int] = None,
    jobs: Optional[int] = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> Comparison:
    """Compare a reform with a base, as ``pointsim compare`` does.

    Replicate ``r`` runs both scenarios with the same seed (derived from
    ``seed``, default the base's ``scenario.seed``), so differences are
    caused by the reform, not by chance. Make a reform with
    :meth:`Scenario.set` or load an overlay that ``extends`` the base.
    """
    b, r = _scenario(base), _scenario(reform)
    return Comparison(_pointsim.compare(b, r, replicates, seed, population, steps, jobs, min_cell), b, r)


def sweep(plan: PathLike, jobs: Optional[int] = None, independent_seeds: bool = False) -> Sweep:
    """Run every cell × replicate of a sweep plan, as ``pointsim sweep`` does.

    Runs in memory (no journal, no resume); :meth:`Sweep.write` writes the
    folder ``pointsim sweep`` writes.
    """
    return Sweep(_pointsim.sweep(os.fspath(plan), jobs, independent_seeds))


def check(path: PathLike) -> List[dict[str, Any]]:
    """Every diagnostic of a scenario file, as ``pointsim check`` finds them.

    A list of dicts with ``severity`` (``"error"`` or ``"warning"``),
    ``file``, ``line``, ``column`` (as the CLI prints them; ``None`` for a
    problem with no place), ``message``, ``label`` and ``hint``. An empty
    list means the file is valid and has no warnings. Never raises for a bad
    file.
    """
    _text, items = _pointsim.check(os.fspath(path))
    return list(items)
