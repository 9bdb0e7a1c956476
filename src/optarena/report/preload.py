"""Import what a report is built with (pandas, matplotlib, the analysis and figure modules)
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
    "optarena.report.curves",
    "optarena.report.bars",
    "optarena.report.lr_figs",
    "optarena.report.profiles_fig",
)


def start() -> threading.Thread:
    """Start importing :data:`MODULES` on a daemon thread; returns it (``join()`` it)."""
    thread = threading.Thread(target=_load, name="optarena-report-preload", daemon=True)
    thread.start()
    return thread


def _load() -> None:
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # the report itself reports what is missing
            return
