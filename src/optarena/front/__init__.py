"""The Python front door: :func:`compare` runs a study and returns a :class:`Study` to query
(``leaderboard()``, ``curves()``, ``report()``, ``best()``, inline figures in Jupyter)."""

from __future__ import annotations

from optarena.front.run import compare
from optarena.front.study import Study

__all__ = ["Study", "compare"]
