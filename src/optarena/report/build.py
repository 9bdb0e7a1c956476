"""Build a study's report: figures, ``leaderboard.csv``, ``report.md`` and ``report.html``.

A report that is up to date with the store (``state.py``) is not rebuilt; otherwise only the
figures whose data changed are rendered (``render.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optarena import atomic
from optarena.report.state import expected_state, up_to_date, write_state


def default_out_dir(study: str) -> Path:
    """``runs/reports/<study>/`` with the name made safe for a path."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in study).strip(".") or "study"
    return Path("runs") / "reports" / safe


def build_report(
    store: Any,
    study: str,
    out_dir: str | Path | None = None,
    *,
    formats: Sequence[str] = ("png",),
    workers: int | None = None,
    force: bool = False,
) -> Path:
    """Write the figures (PNG; SVG too when ``formats`` has it), ``leaderboard.csv``,
    ``report.md`` and ``report.html`` of ``study`` into ``out_dir`` (default
    ``runs/reports/<study>/``); returns the path of report.html. Nothing is rewritten when
    the report is up to date with the store (unless ``force``). An unknown study is a
    ``ValueError`` with close matches."""
    out = Path(out_dir) if out_dir is not None else default_out_dir(study)
    if store.study(study).config.get("source") == "algoperf":  # imported: its own compact page
        from optarena.report.algoperf_report import build_algoperf_report

        return build_algoperf_report(store, study, out)
    expected = expected_state(store, study, formats)
    page = out / "report.html"
    if not force and up_to_date(out, expected) is not None:
        return page
    from optarena.analysis import leaderboard, to_csv
    from optarena.analysis.export import records
    from optarena.report import data as report_data
    from optarena.report import verdicts
    from optarena.report.environment import machine_info
    from optarena.report.figures import write_figures
    from optarena.report.html import render_html
    from optarena.report.markdown import render_markdown

    data = report_data.load(store, study)
    out.mkdir(parents=True, exist_ok=True)
    from optarena.report.charts import charts_for
    from optarena.report.figures import figure_specs
    from optarena.report.search_views import search_charts

    def meanwhile() -> None:  # the leaderboard and the charts' data, while workers draw PNGs
        boards.append(leaderboard(store, study))
        specs = figure_specs(data)
        charts.update(charts_for(data, specs, [s.name for s in specs]))
        search.extend(search_charts(data))

    boards: list[Any] = []
    charts: dict[str, Any] = {}
    search: list[Any] = []
    figures = write_figures(
        data, out, formats=tuple(expected["formats"]), workers=workers, meanwhile=meanwhile
    )
    board = boards[0]
    metric = report_data.metric_of(data.trials)
    formats_ = tuple(expected["formats"])
    extra = verdicts.build(
        store,
        study,
        out,
        higher_is_better=metric.higher_is_better,
        key=metric.key,
        label=metric.label,
        formats=formats_,
    )
    atomic.write_text(out / "leaderboard.csv", to_csv(board))
    markdown = render_markdown(data, board, figures) + extra.markdown
    atomic.write_text(out / "report.md", markdown)
    text = render_html(data, board, figures, machine_info(), charts, search)
    atomic.write_text(page, verdicts.insert_html(text, extra.html))
    files = [p.name for f in figures for p in (f.png, f.svg) if p is not None]
    write_state(out, expected, files, list(board.columns), records(board))
    return page
