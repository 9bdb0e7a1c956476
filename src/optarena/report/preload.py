"""Import what a report is built with (pandas, the analysis and chart modules; matplotlib and
the figure modules when figure files are asked for)
on a background thread, while something else keeps the cores busy.

``optarena compare`` starts it when the trials start: the study runner only waits on its
workers then, and the report that follows the training finds its libraries loaded (about a
second of imports off the end of every comparison). ``join`` before building the report.
"""

from __future__ import annotations

import importlib
import threading

MODULES = (
    "pandas",
    "optarena.analysis",
    "optarena.analysis.export",
    "optarena.report.build",
    "optarena.report.data",
    "optarena.report.render",
    "optarena.report.charts",
    "optarena.report.verdicts",
    "optarena.report.html",
    "optarena.report.markdown",
    "optarena.report.verdict_charts",
)
FIGURE_MODULES = (  # matplotlib: only when figure files are asked for
    "optarena.report.curves",
    "optarena.report.bars",
    "optarena.report.lr_figs",
    "optarena.report.profiles_fig",
    "optarena.report.verdict_figs",
)


def start(files: bool = False) -> threading.Thread:
    """Start importing :data:`MODULES` (and :data:`FIGURE_MODULES` with ``files``) on a
    daemon thread; returns it (``join()`` it)."""
    names = MODULES + (FIGURE_MODULES if files else ())
    thread = threading.Thread(
        target=_load, args=(names,), name="optarena-report-preload", daemon=True
    )
    thread.start()
    return thread


def _load(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the report itself reports what is missing
            return
