"""Bad input raises the CLI's words: ScenarioError with its diagnostics, ValueError, TypeError."""

import glob

import pytest

import pointsim
from conftest import cli

BAD = sorted(glob.glob("tests/data/bad/*.toml", root_dir=str(__import__("conftest").ROOT)))


@pytest.mark.parametrize("path", BAD, ids=[p.rsplit("/", 1)[-1] for p in BAD])
def test_scenario_error_is_the_cli_message(path):
    with pytest.raises(pointsim.ScenarioError) as e:
        pointsim.load(path)
    p = cli("check", path, check=False)
    assert p.returncode == 2
    assert str(e.value) == p.stderr.rstrip("\n")
    diags = e.value.diagnostics
    assert diags and all(d["severity"] in ("error", "warning") for d in diags)
    assert any(d["severity"] == "error" for d in diags)
    assert set(diags[0]) == {"severity", "file", "line", "column", "message", "label", "hint"}
    # check() returns the same list, without raising
    assert pointsim.check(path) == diags
    assert isinstance(e.value, ValueError)


def test_diagnostic_positions():
    with pytest.raises(pointsim.ScenarioError) as e:
        pointsim.load("tests/data/bad/bad_ids.toml")
    d = e.value.diagnostics[0]
    assert (d["file"], d["line"], d["column"]) == ("tests/data/bad/bad_ids.toml", 30, 6)
    assert d["message"] == "rule id `Volunteer-Service` may only use lowercase letters, digits and `_`"
    assert d["hint"] == "ids are used as column names in outputs; try `volunteer_service`"


def test_missing_file():
    with pytest.raises(pointsim.ScenarioError) as e:
        pointsim.load("no/such/file.toml")
    assert e.value.diagnostics[0]["line"] is None
    assert str(e.value) == cli("check", "no/such/file.toml", check=False).stderr.rstrip("\n")


def test_loads_errors():
    with pytest.raises(pointsim.ScenarioError, match="mine.toml"):
        pointsim.loads("[scenario]\nname = 1\n", name="mine.toml")


def test_check_valid_file():
    assert pointsim.check("scenarios/teaching_toy.toml") == []


def test_bad_arguments_use_cli_wording():
    s = pointsim.load("scenarios/teaching_toy.toml")
    with pytest.raises(ValueError, match=r"^`--population 0` is out of range: use 1 to 1000000000$"):
        pointsim.run(s, population=0)
    with pytest.raises(ValueError, match="`--steps 0` is out of range"):
        pointsim.run(s, steps=0)
    with pytest.raises(ValueError, match="`jobs` must be at least 1"):
        pointsim.run(s, jobs=0)
    with pytest.raises(OverflowError):
        pointsim.run(s, seed=-1)
    with pytest.raises(TypeError, match="Scenario or a path"):
        pointsim.run(42)
    r = pointsim.run(s)
    with pytest.raises(ValueError, match="subject `2000` is out of range"):
        r.trace(2000)
    with pytest.raises(ValueError, match="replicates=0"):
        pointsim.compare(s, s, replicates=0)


def test_set_errors():
    s = pointsim.load("scenarios/teaching_toy.toml")
    p = cli("compare", "scenarios/teaching_toy.toml", "--set", "rule.nope.points=1", "--out", "/nonexistent/x", check=False)
    with pytest.raises(ValueError) as e:
        s.set("rule.nope.points", 1)
    assert str(e.value) == p.stderr.rstrip("\n").removeprefix("error: ")
    with pytest.raises(TypeError, match="cannot set `rule.volunteering.points` to a value of type `object`"):
        s.set("rule.volunteering.points", object())
    # a value the format refuses: the changed scenario's diagnostics
    with pytest.raises(pointsim.ScenarioError):
        s.set("population.size", 0)


def test_incomparable():
    a = pointsim.load("scenarios/teaching_toy.toml")
    with pytest.raises(ValueError, match="cannot compare"):
        pointsim.compare(a, a.set("population.size", 999))


def test_no_panic_crosses_the_boundary():
    # every failure above is an ordinary exception; a BaseException (PanicException) would fail this test run
    with pytest.raises(Exception):
        pointsim.load("tests/data/bad/binary_garbage.toml")
