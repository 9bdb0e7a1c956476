"""``report.md``: the leaderboard as a Markdown table and the figures: the PNG files beside
it when they were asked for, else links to their interactive charts in report.html. User
strings are HTML-escaped too, since Markdown renderers pass raw HTML through."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pandas as pd

from optarena.analysis.export import to_markdown
from optarena.report.data import StudyData, metric_of
from optarena.report.figures import FigureRecord
from optarena.report.html import leaderboard_columns, problem_rows

CHARTS_ONLY = (
    "The figures are interactive charts in [report.html](report.html) (exact values on hover). "
    "For figure files on this page as well, build the report with `--png` "
    "(`optarena report STUDY --png`, or `optarena compare ... --png`)."
)


def chart_link(name: str) -> str:
    """The Markdown line that points at figure ``name``'s chart in report.html."""
    return f"Interactive chart: [report.html](report.html#fig-{name})"


def _escaped(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = [escape(v) if isinstance(v, str) else v for v in out[column]]
    return out


def _md_text(text: str) -> str:
    return escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def render_markdown(
    data: StudyData, leaderboard: pd.DataFrame, figures: Sequence[FigureRecord]
) -> str:
    """The whole Markdown document."""
    lines = [f"# Study `{_md_text(data.name)}`", ""]
    counts = ", ".join(f"{s}: {n}" for s, n in data.trials["state"].value_counts().items())
    lines += [
        f"Tasks: {_md_text(', '.join(data.tasks))} · {len(data.trials)} trials ({counts})",
        "",
        "## Leaderboard",
        "",
        f"Ranked by mean test {metric_of(data.trials).label} "
        f"({'higher' if metric_of(data.trials).higher_is_better else 'lower'} is better) "
        "of the best-validation checkpoint over seeds; "
        "`ci95`: half-width of the 95% Student-t interval; `sig` `*`: worse than the "
        "leader in a paired test over shared seeds. All columns: `leaderboard.csv`.",
        "",
    ]
    lines.append(to_markdown(_escaped(leaderboard[leaderboard_columns(leaderboard)])))
    lines += ["## Figures", ""]
    if any(record.png is None for record in figures):
        lines += [CHARTS_ONLY, ""]
    for record in figures:
        if record.png is None:
            image = chart_link(record.name)
        else:
            image = f"![{_md_text(record.title)}]({record.png.name})"
        lines += [
            f"### {_md_text(record.title)}",
            "",
            image,
            "",
            _md_text(record.caption)
            + (f" (vector: [{record.svg.name}]({record.svg.name}))" if record.svg else ""),
            "",
        ]
    lines += ["## Diverged and failed trials", ""]
    problems = problem_rows(data)
    if not problems:
        lines.append("None: every finished trial completed.")
    for p in problems:
        lines.append(
            f"- `{p['trial']}` {_md_text(p['entry'])} (seed {_md_text(p['seed'])}): "
            f"**{p['state']}** — {_md_text(p['reason'])}"
        )
    return "\n".join(lines) + "\n"
