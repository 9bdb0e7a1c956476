"""Figures (matplotlib, PNG and SVG) and the shareable report of a study: ``report.html``
(self-contained), ``report.md`` and ``leaderboard.csv``. Reads only the results store.

>>> from optarena.store import Store                                      # doctest: +SKIP
>>> build_report(Store("runs/optarena.db"), "demo", "runs/reports/demo")  # doctest: +SKIP
PosixPath('runs/reports/demo/report.html')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optarena.analysis import leaderboard, to_csv
from optarena.report import data as report_data
from optarena.report.environment import machine_info
from optarena.report.figures import FigureRecord, build_figures, make_figures, write_figures
from optarena.report.html import render_html
from optarena.report.markdown import render_markdown

__all__ = [
    "FigureRecord",
    "build_figures",
    "build_report",
    "default_out_dir",
    "make_figures",
    "write_figures",
]


def default_out_dir(study: str) -> Path:
    """``runs/reports/<study>/`` with the name made safe for a path."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in study).strip(".") or "study"
    return Path("runs") / "reports" / safe


def build_report(store: Any, study: str, out_dir: str | Path | None = None) -> Path:
    """Write the figures, ``leaderboard.csv``, ``report.md`` and ``report.html`` of ``study``
    into ``out_dir`` (default ``runs/reports/<study>/``); returns the path of report.html.
    An unknown study is a ``ValueError`` with close matches."""
    from optarena.report import verdicts

    out = Path(out_dir) if out_dir is not None else default_out_dir(study)
    if store.study(study).config.get("source") == "algoperf":  # imported: its own compact page
        from optarena.report.algoperf_report import build_algoperf_report

        return build_algoperf_report(store, study, out)
    data = report_data.load(store, study)
    board = leaderboard(store, study)
    out.mkdir(parents=True, exist_ok=True)
    figures = write_figures(data, out)
    extra = verdicts.build(store, study, out)
    (out / "leaderboard.csv").write_text(to_csv(board), encoding="utf-8")
    markdown = render_markdown(data, board, figures) + extra.markdown
    (out / "report.md").write_text(markdown, encoding="utf-8")
    page = out / "report.html"
    text = render_html(data, board, figures, machine_info())
    page.write_text(verdicts.insert_html(text, extra.html), encoding="utf-8")
    return page
