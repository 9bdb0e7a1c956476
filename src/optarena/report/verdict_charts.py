"""The "How sure?" figures as interactive charts for report.html (``charts.py`` specs): the
same numbers ``verdict_figs.py`` draws with matplotlib, without matplotlib. Each function
takes the numbers and returns a chart spec, or ``None`` when there is nothing to draw. The
win-probability matrix needs none: the page colours its table as a heat map
(``heat_table``)."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from optarena.report.charts import Chart, panel, series
from optarena.report.palette import OKABE_ITO

MAX_LINES = 12  # more lines than this are unreadable: figures and charts keep the first (best)


def _look(i: int) -> tuple[str, bool]:
    """Colour and dash of the ``i``-th line (the colours repeat dashed)."""
    return OKABE_ITO[i % len(OKABE_ITO)], i >= len(OKABE_ITO)


def budget_chart(curves: pd.DataFrame, task: str) -> Chart | None:
    """Expected best validation score after k trials, with bootstrap 95% bands."""
    part = curves[curves["task"] == task]
    if part.empty:
        return None
    groups = list(part.groupby(["optimizer", "schedule"], sort=False))
    groups.sort(key=lambda g: -float(g[1]["expected"].iloc[-1]))
    items = []
    for i, ((optimizer, schedule), curve) in enumerate(groups[:MAX_LINES]):
        colour, dash = _look(i)
        band = (curve["low"], curve["high"]) if curve["low"].notna().any() else None
        name = optimizer if schedule == "none" else f"{optimizer}/{schedule}"
        items.append(
            series(name, colour, curve["k"], curve["expected"], band=band, dash=dash, markers=True)
        )
    title = f"{task}: expected best validation score after k trials"
    return {"panels": [panel(title, "k (search trials)", "expected best (95% band)", items)]}


def stability_chart(tables: dict[str, pd.DataFrame]) -> Chart | None:
    """Kendall's tau of each epoch's ranking against the final one, per task."""
    tables = {t: v for t, v in tables.items() if not v.empty}
    if not tables:
        return None
    items = []
    for i, (task, table) in enumerate(list(tables.items())[:MAX_LINES]):
        colour, dash = _look(i)
        items.append(series(task, colour, table["epoch"], table["tau"], dash=dash, markers=True))
    title = "Ranking stability: each epoch's ranking against the final one"
    return {"panels": [panel(title, "epoch", "Kendall's tau", items)]}


def time_profile_chart(profiles: pd.DataFrame, title: str) -> Chart | None:
    """AlgoPerf-style performance profiles (rows: entries, columns: taus), best first."""
    if profiles.empty:
        return None
    taus = profiles.columns.to_numpy(dtype=float)
    items = []
    for i, (name, row) in enumerate(list(profiles.iterrows())[:MAX_LINES]):
        colour, dash = _look(i)
        items.append(series(str(name), colour, taus, row.to_numpy(dtype=float), dash=dash,
                            mode="step"))  # fmt: skip
    xlabel = "τ (ratio to the fastest time to target)"
    return {"panels": [panel(title, xlabel, "fraction of tasks within τ", items)]}


CHARTS = {
    "budget_figure": budget_chart,
    "stability_figure": stability_chart,
    "time_profile_figure": time_profile_chart,
}


def chart_for(function: str, *args: Any) -> Chart | None:
    """The chart of ``verdict_figs.<function>(*args)``; ``None`` when it has none."""
    make = CHARTS.get(function)
    return make(*args) if make is not None else None


def heat_colour(p: float) -> str:
    """Background of a win probability: red (0) through white (0.5) to blue (1)."""
    p = min(max(p, 0.0), 1.0)
    low, high = (214, 96, 77), (67, 147, 195)  # ColorBrewer RdBu ends, colour-blind safe
    end, t = (low, 1 - 2 * p) if p < 0.5 else (high, 2 * p - 1)
    rgb = [round(255 + (c - 255) * t * 0.85) for c in end]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def heat_table(matrix: pd.DataFrame, names: list[str]) -> str:
    """``P(row beats column) [Wilson 95%] n`` as an HTML table whose cells are coloured by
    the probability (a heat map with its numbers)."""
    cells = {(r.a, r.b): r for r in matrix.itertuples(index=False)}
    esc = html.escape
    head = "".join(f"<th>{esc(str(b))}</th>" for b in names)
    rows = []
    for a in names:
        tds = []
        for b in names:
            r = cells.get((a, b))
            if r is None:
                tds.append("<td></td>")
            elif r.n == 0:
                tds.append("<td>-</td>")
            else:
                text = f"{r.p:.2f} [{r.low:.2f}, {r.high:.2f}] n={r.n}"
                tds.append(f'<td style="background:{heat_colour(float(r.p))}">{text}</td>')
        rows.append(f"<tr><th>{esc(str(a))}</th>{''.join(tds)}</tr>")
    return (
        f'<table class="heat"><thead><tr><th>P(row beats column)</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
