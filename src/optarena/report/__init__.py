"""Figures (matplotlib PNG, SVG on request) and the shareable report of a study:
``report.html`` (self-contained), ``report.md`` and ``leaderboard.csv``. Reads only the
results store.

Names are imported on first use (PEP 562): checking that a report is up to date
(``optarena.report.state``) loads neither pandas nor matplotlib.

>>> from optarena.store import Store                                      # doctest: +SKIP
>>> build_report(Store("runs/optarena.db"), "demo", "runs/reports/demo")  # doctest: +SKIP
PosixPath('runs/reports/demo/report.html')
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "FigureRecord": "figures",
    "FigureSpec": "figures",
    "build_figures": "figures",
    "make_figures": "figures",
    "write_figures": "figures",
    "build_report": "build",
    "default_out_dir": "build",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'optarena.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"optarena.report.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
