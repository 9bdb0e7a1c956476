"""Win probabilities from paired seeds and a seeds planner.

- ``P(A beats B)`` is estimated on the seeds both entries completed (same data order and
  initial weights, so each seed is a paired comparison): wins count 1, ties 1/2, divided by
  the number of shared seeds. Its interval is the Wilson score interval (Wilson, JASA 1927;
  as ``scipy.stats.binomtest(...).proportion_ci(method="wilson")``).
- The seeds planner asks how many seeds make the 95% paired t-interval of the mean difference
  exclude zero, if the observed mean difference and its seed-to-seed standard deviation held:
  the smallest ``n >= 2`` with ``t_{0.975, n-1} · sd / sqrt(n) < |mean|``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optarena.analysis.dist import normal_quantile, t_quantile
from optarena.analysis.leaderboard import entry_id, leaderboard
from optarena.store import Store, TrialState

TOP_DEFAULT = 5


@dataclass(frozen=True)
class WinProbability:
    """``P(A beats B)`` over ``n`` shared seeds with its ``confidence`` Wilson interval."""

    p: float
    low: float
    high: float
    n: int


def _shared(a: Mapping[object, float], b: Mapping[object, float]) -> tuple[np.ndarray, np.ndarray]:
    seeds = sorted(
        (s for s in a if s in b and _finite(a[s]) and _finite(b[s])), key=lambda s: str(s)
    )
    return (
        np.array([a[s] for s in seeds], dtype=np.float64),
        np.array([b[s] for s in seeds], dtype=np.float64),
    )


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def wilson(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``successes / n`` (NaNs when ``n == 0``)."""
    if n == 0:
        return math.nan, math.nan
    z = normal_quantile((1 + confidence) / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low, high = centre - half, centre + half
    return (0.0 if low < 1e-12 else low), (1.0 if high > 1 - 1e-12 else high)


def win_probability(
    a: Mapping[object, float],
    b: Mapping[object, float],
    *,
    higher_is_better: bool = True,
    confidence: float = 0.95,
) -> WinProbability:
    """``P(A beats B)`` from ``{seed: value}`` of both entries on their shared seeds."""
    x, y = _shared(a, b)
    if not higher_is_better:
        x, y = -x, -y
    n = int(x.size)
    if n == 0:
        return WinProbability(math.nan, math.nan, math.nan, 0)
    wins = float(np.sum(x > y) + 0.5 * np.sum(x == y))
    low, high = wilson(wins, n, confidence)
    return WinProbability(wins / n, low, high, n)


def win_matrix(
    entries: Mapping[str, Mapping[object, float]],
    *,
    higher_is_better: bool = True,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Long form ``a, b, p, low, high, n``: ``P(a beats b)`` for every ordered pair."""
    rows = []
    for name_a, a in entries.items():
        for name_b, b in entries.items():
            if name_a == name_b:
                continue
            w = win_probability(a, b, higher_is_better=higher_is_better, confidence=confidence)
            rows.append(
                {"a": name_a, "b": name_b, "p": w.p, "low": w.low, "high": w.high, "n": w.n}
            )
    return pd.DataFrame(rows, columns=["a", "b", "p", "low", "high", "n"])


def seeds_needed(
    differences: Sequence[float], *, confidence: float = 0.95, max_seeds: int = 10_000
) -> int | None:
    """Seeds for the paired ``confidence`` t-interval of the mean difference to exclude 0.

    ``differences`` are per-seed ``a - b``. ``None`` when the mean difference is 0 (no number
    of seeds separates them) or fewer than two differences are known; 2 when they never vary.
    """
    d = np.asarray([v for v in differences if _finite(v)], dtype=np.float64)
    if d.size < 2:
        return None
    mean, sd = abs(float(d.mean())), float(d.std(ddof=1))
    if mean == 0:
        return None
    if sd == 0:
        return 2

    def enough(n: int) -> bool:  # the half-width shrinks as n grows: monotone in n
        return t_quantile((1 + confidence) / 2, n - 1) * sd / math.sqrt(n) < mean

    lo, hi = 1, 2  # not enough(lo) (or lo = 1); search doubling, then bisect (lo, hi]
    while not enough(hi):
        if hi >= max_seeds:
            return None
        lo, hi = hi, min(2 * hi, max_seeds)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid, hi)
    return hi


def seeds_plan(
    a: Mapping[object, float], b: Mapping[object, float], *, confidence: float = 0.95
) -> dict[str, object]:
    """The planner's verdict for the top two: ``n_now``, ``n_needed``, ``enough`` and a
    one-line ``message`` (empty when the current seeds already separate them)."""
    x, y = _shared(a, b)
    n_now = int(x.size)
    needed = seeds_needed(x - y, confidence=confidence)
    enough = needed is not None and n_now >= needed
    if enough:
        message = ""
    elif needed is None:
        message = (
            f"the top two cannot be separated from {n_now} shared seed(s): run more seeds"
            if n_now < 2
            else f"the top two tie on {n_now} shared seeds: no number of seeds separates them"
        )
    else:
        message = (
            f"{n_now} shared seeds are too few to separate the top two at "
            f"{confidence:.0%}: about {needed} would, if the observed gap and spread held"
        )
    return {"n_now": n_now, "n_needed": needed, "enough": enough, "message": message}


def top_entries(
    store: Store, study: str, *, top: int = 5, metric: str = "test_acc"
) -> dict[str, dict[str, dict[object, float]]]:
    """Per task, the leaderboard's ``top`` entries (best first) as ``{label: {seed: value}}``
    of their complete final trials' ``summary[metric]``; labels are ``rank. optimizer``."""
    board = leaderboard(store, study)
    values: dict[str, dict[object, float]] = {}
    for record in store.trials(study, state=TrialState.COMPLETE, role="final"):
        v = (record.summary or {}).get(metric)
        if v is not None:
            values.setdefault(entry_id(record.config), {})[record.config.get("seed")] = float(v)
    out: dict[str, dict[str, dict[object, float]]] = {}
    for task, part in board.groupby("task", sort=True):
        ranked = part.sort_values("rank").head(top)
        out[str(task)] = {
            f"{int(r['rank'])}. {r['optimizer']}": values.get(r["entry"], {})
            for _, r in ranked.iterrows()
        }
    return out


def leaderboard_wins(
    store: Store,
    study: str,
    board: pd.DataFrame,
    *,
    top: int = TOP_DEFAULT,
    metric: str = "test_acc",
    higher_is_better: bool = True,
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, object]]]:
    """For the leaderboard ``board``: ``{entry: {other entry: {p, low, high, n}}}`` over each
    task's ``top`` entries, and the seeds planner's verdict per task for its top two."""
    values: dict[str, dict[object, float]] = {}
    for record in store.trials(study, state=TrialState.COMPLETE, role="final"):
        v = (record.summary or {}).get(metric)
        if v is not None:
            values.setdefault(entry_id(record.config), {})[record.config.get("seed")] = float(v)
    wins: dict[str, dict[str, dict[str, float]]] = {}
    plans: dict[str, dict[str, object]] = {}
    for task, part in board.groupby("task", sort=True):
        ids = list(part.sort_values("rank")["entry"].head(top))
        for a in ids:
            wins[a] = {}
            for b in ids:
                if a != b:
                    w = win_probability(
                        values.get(a, {}), values.get(b, {}), higher_is_better=higher_is_better
                    )
                    wins[a][b] = {"p": w.p, "low": w.low, "high": w.high, "n": w.n}
        if len(ids) >= 2:
            plans[str(task)] = seeds_plan(values.get(ids[0], {}), values.get(ids[1], {}))
    return wins, plans
