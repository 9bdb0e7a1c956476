"""Budget curves: the expected best validation score after ``k`` search trials.

Follows Dodge et al., "Show Your Work: Improved Reporting of Experimental Results" (EMNLP
2019): for ``n`` observed trial scores sorted ascending ``v_(1) <= ... <= v_(n)``, the expected
maximum of ``k`` trials drawn with replacement is
``E[max_k] = sum_i v_(i) · ((i/n)^k - ((i-1)/n)^k)``. Lower-is-better metrics use the minimum
(``higher_is_better=False``). The 95% band is a percentile bootstrap over the trials (resample
the ``n`` scores, recompute the curve). "Descending through a Crowded Valley" (Schmidt et al.,
ICML 2021) showed rankings change with the tuning budget; ``rank_at_budget`` ranks at one ``k``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from optarena.analysis.leaderboard import task_of
from optarena.store import Store, TrialState

CURVE_COLUMNS = ("task", "optimizer", "schedule", "k", "expected", "low", "high", "n_trials")


def expected_best(
    values: Sequence[float], ks: Sequence[int] | int, *, higher_is_better: bool = True
) -> np.ndarray:
    """``E[best of k]`` for each ``k`` (NaN values are dropped; all-NaN gives NaN)."""
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    k = np.atleast_1d(np.asarray(ks, dtype=np.float64))
    if np.any(k < 1):
        raise ValueError("a budget k must be at least 1")
    if x.size == 0:
        return np.full(k.shape, math.nan)
    v = np.sort(x) if higher_is_better else np.sort(-x)
    n = v.size
    i = np.arange(1, n + 1, dtype=np.float64)
    weights = (i[None, :] / n) ** k[:, None] - ((i[None, :] - 1) / n) ** k[:, None]
    out = weights @ v
    return out if higher_is_better else -out


def budget_curve(
    values: Sequence[float],
    *,
    max_k: int | None = None,
    n_boot: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    higher_is_better: bool = True,
) -> pd.DataFrame:
    """Columns ``k, expected, low, high`` for ``k = 1 .. max_k`` (default: the trial count)."""
    x = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=np.float64)
    n = x.size
    ks = np.arange(1, (max_k or max(n, 1)) + 1)
    expected = expected_best(x, ks, higher_is_better=higher_is_better)
    low = high = np.full(ks.shape, math.nan)
    if n >= 2 and n_boot > 0:
        rng = np.random.default_rng(seed)
        samples = x[rng.integers(0, n, size=(n_boot, n))]
        curves = np.stack(
            [expected_best(s, ks, higher_is_better=higher_is_better) for s in samples]
        )
        alpha = (1 - confidence) / 2
        low, high = np.quantile(curves, [alpha, 1 - alpha], axis=0)
    return pd.DataFrame({"k": ks, "expected": expected, "low": low, "high": high})


def budget_curves(
    store: Store,
    study: str,
    *,
    metric: str = "best_val_acc",
    higher_is_better: bool = True,
    role: str | None = "search",
    n_boot: int = 1000,
) -> pd.DataFrame:
    """One budget curve per (task, optimizer, schedule) from the study's stored trials
    (``role="search"``: the tuning trials; ``None``: all), using ``summary[metric]``
    (``best_val`` when a summary lacks it). Columns ``CURVE_COLUMNS``."""
    groups: dict[tuple[str, str, str], list[float]] = {}
    for record in store.trials(study, state=TrialState.COMPLETE, role=role):
        summary = record.summary or {}
        value = summary.get(metric, summary.get("best_val"))
        c = record.config
        key = (task_of(c), str(c.get("optimizer")), str(c.get("schedule") or "none"))
        groups.setdefault(key, []).append(math.nan if value is None else float(value))
    frames = []
    for (task, optimizer, schedule), values in sorted(groups.items()):
        if all(math.isnan(v) for v in values):
            continue  # no trial of this group recorded the metric
        curve = budget_curve(values, n_boot=n_boot, higher_is_better=higher_is_better)
        curve.insert(0, "schedule", schedule)
        curve.insert(0, "optimizer", optimizer)
        curve.insert(0, "task", task)
        curve["n_trials"] = sum(not math.isnan(v) for v in values)
        frames.append(curve)
    if not frames:
        return pd.DataFrame(columns=list(CURVE_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(CURVE_COLUMNS)]


def rank_at_budget(curves: pd.DataFrame, k: int, *, higher_is_better: bool = True) -> pd.DataFrame:
    """Each task's entries ranked by the expected best score after ``k`` trials (a curve with
    fewer than ``k`` trials uses its last point)."""
    if k < 1:
        raise ValueError(f"budget k must be at least 1, not {k}")
    rows = []
    for _, curve in curves.groupby(["task", "optimizer", "schedule"], sort=False):
        at = curve[curve["k"] <= k].iloc[-1]
        rows.append(at.to_dict())
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values(["task", "expected"], ascending=[True, not higher_is_better])
    frame["rank"] = frame.groupby("task").cumcount() + 1
    return frame.reset_index(drop=True)
