"""HTML for Jupyter: a headline table and the charts, no widgets, every text escaped."""

from __future__ import annotations

import base64
import html
from typing import Iterable, Tuple

import pandas as pd


def table(df: pd.DataFrame) -> str:
    """A DataFrame as an HTML table (pandas escapes every cell)."""
    return df.to_html(escape=True, na_rep="–", border=0)


def charts(svgs: Iterable[Tuple[str, str]]) -> str:
    """SVG charts as images (a data URI: the SVG's own ids and styles stay inside it)."""
    parts = []
    for title, svg in svgs:
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        parts.append(
            f'<figure style="margin:0.5em 0"><img alt="{html.escape(title)}" '
            f'style="max-width:100%" src="data:image/svg+xml;base64,{data}"/></figure>'
        )
    return "".join(parts)


def page(heading: str, lines: Iterable[str], body: str) -> str:
    head = f"<h4>{html.escape(heading)}</h4>"
    facts = "".join(f"<div>{html.escape(x)}</div>" for x in lines)
    return f'<div class="pointsim">{head}{facts}{body}</div>'
