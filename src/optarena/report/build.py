"""Build a study's report: ``leaderboard.csv``, ``report.md``, ``report.html`` and, when
asked for, the figures as PNG/SVG files.

report.html draws every figure as an interactive chart from the numbers, so by default no
figure file is drawn and matplotlib is not imported. A report that is up to date with the
store (``state.py``) is not rebuilt; otherwise only the figure files whose data changed are
rendered (``render.py``).
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
    formats: Sequence[str] = (),
    workers: int | None = None,
    force: bool = False,
) -> Path:
    """Write ``leaderboard.csv``, ``report.md`` and ``report.html`` of ``study`` into
    ``out_dir`` (default ``runs/reports/<study>/``), and its figures as files in ``formats``
    (``png``; ``svg`` brings PNG too; none by default: report.html draws every figure as an
    interactive chart, without matplotlib); returns the path of report.html. Nothing is
    rewritten when the report is up to date with the store (unless ``force``). An unknown
    study is a ``ValueError`` with close matches."""
    out = Path(out_dir) if out_dir is not None else default_out_dir(study)
    if store.study(study).config.get("source") == "algoperf":  # imported: its own compact page
        from optarena.report.algoperf_report import build_algoperf_report

        return build_algoperf_report(store, study, out)
    expected = expected_state(store, study, formats)
    page = out / "report.html"
    if not force and up_to_date(out, expected) is not None:
        return page
    from optarena.report import data as report_data
    from optarena.report.render import Renderer, forget

    data = report_data.load(store, study)
    out.mkdir(parents=True, exist_ok=True)
    formats_ = tuple(expected["formats"])
    with Renderer(data, workers) as renderer:
        from optarena.report.figures import chart_records, figure_specs

        specs = figure_specs(data)
        main = renderer.submit(specs, out, formats=formats_) if formats_ else None
        board, charts, search, extra = _the_rest(store, study, out, data, specs, renderer, formats_)
        if main is None:  # charts only: no matplotlib at all
            forget(out)
            figures = chart_records(specs, charts)
        else:  # the workers have been drawing since submit
            figures = renderer.records(main)
        extra.finish()
    from optarena.analysis import to_csv
    from optarena.analysis.export import records
    from optarena.report.environment import machine_info
    from optarena.report.html import render_html
    from optarena.report.markdown import render_markdown
    from optarena.report.verdicts import insert_html

    atomic.write_text(out / "leaderboard.csv", to_csv(board))
    markdown = render_markdown(data, board, figures) + extra.markdown
    atomic.write_text(out / "report.md", markdown)
    text = render_html(data, board, figures, machine_info(), charts, search)
    atomic.write_text(page, insert_html(text, extra.html))
    files = [p.name for f in figures for p in (f.png, f.svg) if p is not None]
    write_state(out, expected, files, list(board.columns), records(board))
    return page


def _the_rest(
    store: Any,
    study: str,
    out: Path,
    data: Any,
    specs: list[Any],
    renderer: Any,
    formats: tuple[str, ...],
) -> tuple[Any, dict[str, Any], list[Any], Any]:
    """What this process computes while the workers draw the figures: the leaderboard, the
    interactive charts' data, the search views and the verdict section (whose figures join
    the workers' queue)."""
    from optarena.analysis import leaderboard
    from optarena.report import verdicts
    from optarena.report.charts import charts_for
    from optarena.report.data import metric_of
    from optarena.report.search_views import search_charts

    board = leaderboard(store, study)
    metric = metric_of(data.trials)
    extra = verdicts.build(
        store,
        study,
        out,
        higher_is_better=metric.higher_is_better,
        key=metric.key,
        label=metric.label,
        formats=formats,
        renderer=renderer,
    )
    charts = charts_for(data, specs, [s.name for s in specs])
    return board, charts, search_charts(data), extra
