"""The self-contained ``report.html``: interactive charts (inline SVG drawn by one inline
script from one inline JSON block, ``chart_js.py``; figures without a chart embedded as base64
PNG), a sortable leaderboard, a tuned study's search section, the study's config, the machine,
and the trials that diverged or failed with their reasons.

Every string that came from a user (study and optimizer names, configs, error texts) passes
through ``html.escape``; the page loads nothing from a network.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from html import escape
from typing import Any

import pandas as pd

from optarena.analysis.export import format_value
from optarena.report.assets import CSS, SORT_JS
from optarena.report.chart_js import CHART_CSS, CHART_JS
from optarena.report.data import StudyData, metric_of
from optarena.report.figures import FigureRecord
from optarena.report.search_views import PRUNED_AT

# The leaderboard columns a person reads (leaderboard.csv keeps them all).
REPORT_COLUMNS = (
    "rank", "task", "optimizer", "schedule", "lr", "hparams", "mean", "ci95", "std", "n_seeds",
    "best_epoch", "final_acc", "epochs_to_target", "secs_to_target", "wall_s", "n_diverged",
    "n_failed", "n_pending", "tuned", "p_value", "sig",
)  # fmt: skip


def leaderboard_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``REPORT_COLUMNS`` present (``task`` only when the study has several)."""
    columns = [c for c in REPORT_COLUMNS if c in frame.columns]
    if "task" in columns and frame["task"].nunique(dropna=False) <= 1:
        columns.remove("task")
    if "epochs_to_target" in columns and frame["epochs_to_target"].isna().all():
        columns = [c for c in columns if c not in ("epochs_to_target", "secs_to_target")]
    return columns


def _cell(value: Any, column: str) -> str:
    if isinstance(value, bool) or column == "tuned":
        return f"<td>{escape(format_value(value))}</td>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        v = "" if math.isnan(number) else repr(number)
        return f'<td class="num" data-v="{v}">{escape(format_value(value))}</td>'
    css = ' class="sig"' if column == "sig" and value else ""
    return f"<td{css}>{escape(format_value(value))}</td>"


def leaderboard_table(frame: pd.DataFrame) -> str:
    """The leaderboard as a sortable HTML table (click a header to sort)."""
    columns = leaderboard_columns(frame)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = []
    for row in frame[columns].itertuples(index=False):
        cells = "".join(_cell(_plain(v), c) for v, c in zip(row, columns, strict=True))
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<div class="scroll"><table class="sortable" id="leaderboard"><thead><tr>{head}'
        f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or value is pd.NA:
        return math.nan
    return value


def problem_rows(data: StudyData) -> list[dict[str, str]]:
    """Diverged and failed trials with their reasons (error text or where it diverged); a
    search trial the pruner stopped reads ``pruned`` with the epoch."""
    out = []
    t = data.trials[data.trials["state"].isin(("diverged", "failed"))]
    for row in t.itertuples(index=False):
        if row.state == "diverged":
            at = row.summary.get("diverged_at") if isinstance(row.summary, Mapping) else None
            reason = "loss became NaN/inf" + (f" at {_where(at)}" if at is not None else "")
        else:
            reason = row.error or "no error text stored"
        state = str(row.state)
        pruned = PRUNED_AT.search(str(row.error or "")) if row.role == "search" else None
        if pruned:  # a search candidate the pruner stopped: not a failure of the optimizer
            state, reason = "pruned", pruned.group(0)
        out.append(
            {
                "trial": str(row.id),
                "entry": str(row.label),
                "seed": str(row.seed),
                "state": state,
                "reason": str(reason),
            }
        )
    return out


def _where(at: Any) -> str:
    if isinstance(at, Mapping):
        return ", ".join(f"{k} {v}" for k, v in at.items())
    return str(at)


def _problems_html(rows: Sequence[Mapping[str, str]]) -> str:
    if not rows:
        return "<p>None: every finished trial completed.</p>"
    head = "".join(f"<th>{c}</th>" for c in ("trial", "entry", "seed", "state", "reason"))
    body = "".join(
        f'<tr class="state-{escape(r["state"])}">'
        + "".join(f"<td>{escape(r[c])}</td>" for c in ("trial", "entry", "seed", "state"))
        + f'<td><pre style="margin:0;padding:4px">{escape(r["reason"])}</pre></td></tr>'
        for r in rows
    )
    return f'<table id="problems"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


HINT = (
    '<p class="chart-hint">Charts: hover for exact values; click a legend entry to hide it; drag '
    "to zoom, shift+drag to pan, double-click to reset; click an axis title for a log scale.</p>"
)


def _figures_html(
    figures: Sequence[FigureRecord], charts: Mapping[str, Any], order: list[Any]
) -> str:
    """Each figure as its interactive chart (``order`` collects the chart specs; a PNG file
    beside the page is linked) or, without one, as an embedded PNG."""
    parts = []
    for record in figures:
        caption = f"<b>{escape(record.title)}.</b> {escape(record.caption)}"
        if record.name in charts:
            order.append(charts[record.name])
            png = record.png
            link = f' <a class="png-link" href="{escape(png.name)}">PNG</a>' if png else ""
            parts.append(
                f'<figure id="fig-{escape(record.name)}"><div class="chart" '
                f'data-chart="{len(order) - 1}"></div><figcaption>{caption}{link}'
                "</figcaption></figure>"
            )
            continue
        if record.png is None:
            continue
        b64 = base64.b64encode(record.png.read_bytes()).decode("ascii")
        parts.append(
            f'<figure id="fig-{escape(record.name)}"><img src="data:image/png;base64,{b64}" '
            f'alt="{escape(record.title)}"><figcaption>{caption}</figcaption></figure>'
        )
    return "\n".join(parts)


def _chart_only_html(items: Sequence[tuple[str, str, str, Any]], order: list[Any]) -> str:
    parts = []
    for name, title, caption, chart in items:
        order.append(chart)
        parts.append(
            f'<figure id="fig-{escape(name)}"><div class="chart" data-chart="{len(order) - 1}">'
            f"</div><figcaption><b>{escape(title)}.</b> {escape(caption)}</figcaption></figure>"
        )
    return "\n".join(parts)


def inline_chart(name: str, chart: Any) -> str:
    """A figure whose chart spec travels in its own element (``data-spec``): for sections
    built apart from the page's list of charts (the verdicts)."""
    spec = escape(chart_json([chart])[1:-1], quote=True)
    return f'<figure id="fig-{escape(name)}"><div class="chart" data-spec="{spec}"></div></figure>'


def chart_json(order: Sequence[Any]) -> str:
    """The chart specs as JSON safe inside a ``<script>`` element (no ``<`` at all)."""
    try:
        text = json.dumps(list(order), separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN/inf slipped through: JSON has no such number, the chart a gap
        text = json.dumps(_finite(list(order)), separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _search_section(
    figures: Sequence[FigureRecord], charts: Mapping[str, Any], extra: Sequence[Any], order: list
) -> str:
    if not figures and not extra:
        return ""
    return (
        '<h2 id="search-title">Search trials</h2>\n<p class="meta">The tuning search that chose '
        "each optimizer's settings (role <code>search</code>, one seed, the search budget); the "
        "figures above show the final entries only.</p>\n"
        + _figures_html(figures, charts, order)
        + _chart_only_html(extra, order)
    )


def _kv_table(info: Mapping[str, Any], table_id: str) -> str:
    rows = "".join(
        f"<tr><th>{escape(str(k))}</th><td>{escape(str(v))}</td></tr>" for k, v in info.items()
    )
    return f'<table id="{table_id}"><tbody>{rows}</tbody></table>'


def render_html(
    data: StudyData,
    leaderboard: pd.DataFrame,
    figures: Sequence[FigureRecord],
    machine: Mapping[str, str],
    charts: Mapping[str, Any] | None = None,
    search_charts: Sequence[tuple[str, str, str, Any]] = (),
) -> str:
    """The whole page as one string. ``charts`` maps figure names to their interactive chart
    specs; figures named ``search-*`` and ``search_charts`` form the search section."""
    charts = charts or {}
    order: list[Any] = []
    main = [f for f in figures if not f.name.startswith("search-")]
    main_html = _figures_html(main, charts, order) or (
        "<p>No figures: the study has no finished trials yet.</p>"
    )
    search = [f for f in figures if f.name.startswith("search-")]
    search_html = _search_section(search, charts, search_charts, order)
    name = escape(data.name)
    counts = data.trials["state"].value_counts()
    count_html = "".join(
        f"<span>{escape(str(s))}: <b>{int(n)}</b></span>" for s, n in counts.items()
    )
    config = escape(json.dumps(data.config, indent=2, sort_keys=True, default=str))
    built = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    tasks = escape(", ".join(data.tasks)) or "–"
    metric = metric_of(data.trials)
    ranked_by = escape(f"{metric.label} ({'higher' if metric.higher_is_better else 'lower'} "
                       "is better)")  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:;
 style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>optarena report: {name}</title><style>{CSS}{CHART_CSS}</style></head>
<body>
<h1>Study <code>{name}</code></h1>
<p class="meta">Tasks: {tasks} · {len(data.trials)} trials · report built {built}</p>
<p class="counts">{count_html}</p>
<h2 id="leaderboard-title">Leaderboard</h2>
<p class="meta">Ranked by mean test {ranked_by} of the best-validation checkpoint over seeds
(complete trials); <code>ci95</code>: half-width of the 95% Student-t interval;
<code>sig</code> <span class="sig">*</span>: worse than the leader in a paired test over shared
seeds. Click a column header to sort.</p>
{leaderboard_table(leaderboard)}
<h2>Figures</h2>
{HINT if order else ""}
{main_html}
{search_html}
<h2>Diverged and failed trials</h2>
{_problems_html(problem_rows(data))}
<h2>Study configuration</h2>
<pre id="study-config">{config}</pre>
<h2>Machine and libraries</h2>
{_kv_table(machine, "machine")}
<script type="application/json" id="optarena-charts">{chart_json(order)}</script>
<script>{SORT_JS}{CHART_JS}</script>
</body></html>
"""
