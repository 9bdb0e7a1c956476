"""Time to a target, aggregated the way AlgoPerf aggregates it, and performance profiles on
AlgoPerf's grid (Dahl et al., "Benchmarking Neural Network Training Algorithms", 2023;
``DOCUMENTATION.md`` of ``mlcommons/algorithmic-efficiency``, section "Scoring").

- A trial's time to target is the clock (seconds, or steps) at its first evaluation whose
  validation metric reaches the target (``>=`` when higher is better, ``<=`` otherwise); a
  trial that never reaches it has time ``inf``.
- Within one study (one seed or one AlgoPerf study) the best trial counts; over studies the
  **median** is the per-task time (an ``inf`` takes part in the median).
- The performance profile ``rho_s(tau)`` is the fraction of tasks with ratio
  ``t[s, w] / min_s t[s, w] <= tau``, sampled on ``num_points`` evenly spaced taus in
  ``[1, tau_max]``; the integrated score is its trapezoidal area over ``tau_max - 1``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd


def first_hit(values: Sequence[float], target: float, *, higher_is_better: bool = True) -> int:
    """Index of the first value reaching ``target`` (NaN never does); -1 when none does."""
    x = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        hit = x >= target if higher_is_better else x <= target
    return int(np.argmax(hit)) if hit.any() else -1


def trial_time(
    values: Sequence[float],
    clock: Sequence[float],
    target: float,
    *,
    higher_is_better: bool = True,
) -> tuple[float, int]:
    """``(clock at the first evaluation reaching target, its index)``; ``(inf, -1)`` if never."""
    i = first_hit(values, target, higher_is_better=higher_is_better)
    if i < 0 or i >= len(clock):
        return math.inf, -1
    return float(clock[i]), i


def study_times(
    hits: pd.DataFrame,
    *,
    entry: str = "optimizer",
    task: str = "task",
    study: str = "study",
    time: str = "time",
    best: str = "time",
) -> pd.DataFrame:
    """Entries × tasks: the median over studies of the best trial within each study.

    ``hits`` has one row per trial with columns ``entry``, ``task``, ``study``, ``time`` and,
    for ``best="evals"``, ``index`` (the evaluation index reaching target). ``best="time"``
    takes the fastest trial of a study (AlgoPerf's documentation); ``"evals"`` the trial that
    reached the target in the fewest evaluations, ties to the first row (what AlgoPerf's
    published scoring code does). A study with no trial reaching target gives ``inf``.
    """
    if best not in ("time", "evals"):
        raise ValueError(f"best must be 'time' or 'evals', not {best!r}")
    per_study: list[dict[str, object]] = []
    for (e, w, _), group in hits.groupby([entry, task, study], sort=True):
        reached = group[np.isfinite(group[time].to_numpy(dtype=np.float64))]
        if reached.empty:
            t = math.inf
        elif best == "time":
            t = float(reached[time].min())
        else:
            t = float(reached.loc[reached["index"].idxmin(), time])
        per_study.append({entry: e, task: w, time: t})
    frame = pd.DataFrame(per_study, columns=[entry, task, time])
    table = frame.pivot_table(index=entry, columns=task, values=time, aggfunc=_median)
    table.columns.name, table.index.name = task, entry
    return table


def _median(values: pd.Series) -> float:
    return float(np.median(values.to_numpy(dtype=np.float64)))


def profile_grid(
    times: pd.DataFrame,
    *,
    tau_max: float = 4.0,
    num_points: int = 100,
    n_tasks: int | None = None,
) -> pd.DataFrame:
    """Performance profiles (rows: entries, columns: taus) of ``times`` (entries × tasks,
    lower is better; NaN or inf is a miss). ``n_tasks`` divides the counts (default: the
    number of columns)."""
    if not tau_max > 1:
        raise ValueError(f"tau_max must exceed 1, not {tau_max!r}")
    if num_points < 2:
        raise ValueError(f"num_points must be at least 2, not {num_points!r}")
    r = ratios_to_best(times).to_numpy(dtype=np.float64)
    taus = np.linspace(1.0, tau_max, num_points)
    with np.errstate(invalid="ignore"):
        counts = (r[:, :, None] <= taus[None, None, :]).sum(axis=1)
    rho = counts / float(n_tasks or times.shape[1] or 1)
    return pd.DataFrame(rho, index=times.index, columns=pd.Index(taus, name="tau"))


def ratios_to_best(times: pd.DataFrame) -> pd.DataFrame:
    """``t[s, w] / min_s t[s, w]`` per task (a task no entry finished is all NaN)."""
    t = times.astype(np.float64).replace(np.inf, np.nan)
    best = t.min(axis=0)
    return t.div(best, axis=1)


def integrated_score(profiles: pd.DataFrame) -> pd.Series:
    """Trapezoidal area under each profile (row) over its tau range, divided by that range."""
    taus = profiles.columns.to_numpy(dtype=np.float64)
    y = profiles.to_numpy(dtype=np.float64)
    area = ((y[:, 1:] + y[:, :-1]) / 2 * np.diff(taus)).sum(axis=1)
    return pd.Series(area / (taus.max() - taus.min()), index=profiles.index, name="score")
