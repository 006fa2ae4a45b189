"""A good citizen of the Python process: GIL released, Ctrl-C, fork, multiprocessing, numpy."""

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import pointsim
from conftest import ROOT

SCENARIO = "scenarios/rongcheng.toml"


def test_gil_is_released_while_simulating():
    s = pointsim.load(SCENARIO)
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    start = time.monotonic()
    pointsim.run(s, population=1_000_000, steps=120, jobs=1)
    took = time.monotonic() - start
    stop.set()
    t.join()
    # a thread sleeping 1 ms at a time ticks hundreds of times per second when the GIL is free
    assert took > 0.2, "the run was too short to tell"
    assert ticks > 50 * took, (ticks, took)


CHILD = textwrap.dedent(
    """
    import sys, time, pointsim
    s = pointsim.load("scenarios/rongcheng.toml")
    print("started", flush=True)
    try:
        pointsim.run(s, population=3_000_000, steps=360)
    except KeyboardInterrupt:
        print("interrupted", time.monotonic(), flush=True)
        sys.exit(0)
    print("finished", flush=True)
    sys.exit(1)
    """
)


def test_ctrl_c_stops_a_run_within_half_a_second():
    p = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    time.sleep(1.0)  # well inside the run, which takes about ten seconds
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    line = p.stdout.readline().split()
    p.wait(timeout=30)
    assert line and line[0] == "interrupted", line
    stopped = float(line[1]) - sent
    print(f"KeyboardInterrupt {stopped * 1000:.0f} ms after SIGINT")
    assert stopped < 0.5
    assert p.returncode == 0


def _final(seed):
    r = pointsim.run(SCENARIO, seed=seed, population=20_000)
    return r.files["summary.json"]


def test_works_after_fork():
    expected = _final(3)  # the parent has run (and made worker threads) before forking
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.close(r)
            os.write(w, b"ok" if _final(3) == expected else b"different")
        finally:
            os._exit(0)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    got = os.read(r, 100)
    os.close(r)
    assert got == b"ok" and status == 0


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing(method):
    direct = [_final(seed) for seed in (1, 2, 3)]
    with multiprocessing.get_context(method).Pool(2) as pool:
        assert pool.map(_final, [1, 2, 3]) == direct


def test_a_million_final_scores_cost_a_few_ms():
    r = pointsim.run(SCENARIO, population=1_000_000, steps=1)
    start = time.perf_counter()
    a = r.final_scores
    took = time.perf_counter() - start
    assert isinstance(a, np.ndarray) and a.dtype == np.int64 and a.shape == (1_000_000,)
    assert not a.flags.writeable
    assert r.final_scores is a
    print(f"final_scores of 10^6 subjects: {took * 1000:.2f} ms")
    assert took < 0.05
