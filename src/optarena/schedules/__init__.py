"""Learning-rate schedules: pure functions of an integer count to a rate (DESIGN convention 1).

>>> from optarena import schedules
>>> s = schedules.create("cosine", 0.1, T_max=100)
>>> round(s(50), 6)
0.05

``to_torch(s, optimizer)`` turns a schedule into a torch ``LRScheduler`` for plain loops;
``register(name, factory)`` adds your own; ``create`` also takes ``module:callable`` paths.
"""

from __future__ import annotations

from optarena.schedules import dialects as _dialects  # noqa: F401  (paddle:NAME, keras:NAME)
from optarena.schedules.base import Schedule
from optarena.schedules.plateau import ReduceOnPlateau
from optarena.schedules.plot import plot, values
from optarena.schedules.registry import (
    ScheduleSpec,
    catalog,
    create,
    from_config,
    names,
    register,
    spec,
)
from optarena.schedules.torch_adapter import to_torch

__all__ = [
    "ReduceOnPlateau",
    "Schedule",
    "ScheduleSpec",
    "catalog",
    "create",
    "from_config",
    "names",
    "plot",
    "register",
    "spec",
    "to_torch",
    "values",
]
