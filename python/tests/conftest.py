"""Shared fixtures: the repository root, the `pointsim` binary and a helper to run it.

The CLI is `target/release/pointsim` (built by `cargo build --release`; the
`POINTSIM` environment variable names another). Tests chdir to the repository
root so scenario paths read as in the README.
"""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("POINTSIM", ROOT / "target" / "release" / "pointsim"))


@pytest.fixture(autouse=True)
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def cli(*args, check=True):
    """Run the pointsim command; returns the CompletedProcess (text mode, NO_COLOR)."""
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        raise AssertionError(f"pointsim {' '.join(map(str, args))} failed ({p.returncode}):\n{p.stderr}")
    return p


@pytest.fixture(scope="session", autouse=True)
def binary():
    if not CLI.is_file():
        pytest.fail(f"{CLI} is missing: run `cargo build --release` first (or set POINTSIM)")


_exit_status = {}


def pytest_sessionfinish(session, exitstatus):
    _exit_status["code"] = int(exitstatus)


def pytest_unconfigure(config):
    # With POINTSIM_FAST_EXIT (scripts/python-check.sh), leave without running
    # the libraries' destructors: pyarrow's and polars' thread pools can abort
    # the interpreter at shutdown ("terminate called without an active
    # exception", apache/arrow#34314), turning a pass into a failure.
    if os.environ.get("POINTSIM_FAST_EXIT") and "code" in _exit_status:
        import sys

        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status["code"])
