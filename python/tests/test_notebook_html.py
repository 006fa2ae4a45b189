"""What Jupyter shows: a headline table and the SVG charts, escaped, no widgets."""

import base64
import re

import pointsim


def svgs(html):
    return [base64.b64decode(m).decode() for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)]


def test_run_html():
    r = pointsim.run("scenarios/rongcheng.toml", population=10_000)
    html = r._repr_html_()
    assert "<table" in html and "urban_employed" in html
    charts = svgs(html)
    assert len(charts) == len(r.charts()) >= 2 and all(c.lstrip().startswith("<svg") or "<svg" in c[:200] for c in charts)
    assert "<script" not in html


def test_comparison_and_sweep_html():
    s = pointsim.load("scenarios/teaching_toy.toml")
    c = pointsim.compare(s, s.set("rule.volunteer_service.points", 10), replicates=3)
    html = c._repr_html_()
    assert "<table" in html and "score.mean" in html and len(svgs(html)) == 1
    w = pointsim.sweep("scenarios/sweeps/toy_volunteering.toml")
    html = w._repr_html_()
    assert "<table" in html and len(svgs(html)) >= 1


def test_names_are_escaped():
    text = open("scenarios/teaching_toy.toml").read().replace('name = "', 'name = "<b>x</b> ', 1)
    r = pointsim.run(pointsim.loads(text, name="scenarios/x.toml"))
    html = r._repr_html_()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
