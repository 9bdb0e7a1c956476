"""optarena: train many optimizer / schedule combinations fairly and compare them.

``optarena.compare(...)`` (the Python front door), ``optarena.task(...)``/``UserTask`` (a user's
own problem) and ``Metric`` are imported on first use, so ``import optarena`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "compare": "optarena.front",
    "Study": "optarena.front",
    "task": "optarena.tasks",
    "UserTask": "optarena.tasks",
    "Task": "optarena.tasks",
    "Metric": "optarena.metrics",
}
__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:  # PEP 562: heavy modules load on first use
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'optarena' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
