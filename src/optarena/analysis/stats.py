"""Statistics over seeds: mean, sample standard deviation, Student-t confidence intervals,
paired tests between two entries on their shared seeds, and time to a target accuracy.

References: the t interval ``mean ± t_{(1+c)/2, n-1} · s / √n`` and the paired t-test
(``scipy.stats.ttest_rel``) as in any statistics text; Wilcoxon's signed-rank test
(``scipy.stats.wilcoxon``) as the distribution-free option.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from optarena.analysis.dist import paired_t, t_quantile

PairedMethod = Literal["t", "wilcoxon"]


@dataclass(frozen=True)
class SeedSummary:
    """Mean, sample std (ddof 1) and the ``confidence`` t-interval of ``n`` values.

    With one value ``std`` and the interval are NaN; with none, everything is NaN.
    """

    n: int
    mean: float
    std: float
    half_width: float
    confidence: float = 0.95

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def summarize(values: Iterable[float], confidence: float = 0.95) -> SeedSummary:
    """Summarize per-seed values (NaNs are dropped)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), not {confidence!r}")
    x = np.asarray([v for v in values if v is not None and not math.isnan(v)], dtype=np.float64)
    n = int(x.size)
    if n == 0:
        return SeedSummary(0, math.nan, math.nan, math.nan, confidence)
    mean = float(x.mean())
    if n == 1:
        return SeedSummary(1, mean, math.nan, math.nan, confidence)
    std = float(x.std(ddof=1))
    half = t_quantile((1 + confidence) / 2, n - 1) * std / math.sqrt(n)
    return SeedSummary(n, mean, std, half, confidence)


@dataclass(frozen=True)
class PairedResult:
    """A paired comparison of ``a`` against ``b`` over ``n`` shared seeds."""

    n: int
    mean_diff: float  # mean of a - b
    statistic: float
    p_value: float


def paired_test(
    a: Mapping[object, float], b: Mapping[object, float], method: PairedMethod = "t"
) -> PairedResult | None:
    """Two-sided paired test of ``a`` against ``b`` (``{seed: value}``) on their shared seeds.

    ``None`` with fewer than two shared seeds. Identical values give ``p = 1``; a constant
    non-zero difference gives ``p = 0`` for the t-test (zero variance of the differences).
    """
    seeds = sorted(
        (s for s in a if s in b and _finite(a[s]) and _finite(b[s])), key=lambda s: str(s)
    )
    if len(seeds) < 2:
        return None
    x = np.array([a[s] for s in seeds], dtype=np.float64)
    y = np.array([b[s] for s in seeds], dtype=np.float64)
    d = x - y
    mean_diff = float(d.mean())
    if np.all(d == 0):
        return PairedResult(len(seeds), 0.0, 0.0, 1.0)
    if method == "t":
        if np.all(d == d[0]):
            return PairedResult(len(seeds), mean_diff, math.copysign(math.inf, mean_diff), 0.0)
        statistic, p_value = paired_t(x, y)
    elif method == "wilcoxon":
        from scipy import stats  # slow to import: only for this test

        result = stats.wilcoxon(x, y)
        statistic, p_value = float(result.statistic), float(result.pvalue)
    else:
        raise ValueError(f"paired test method must be 't' or 'wilcoxon', not {method!r}")
    return PairedResult(len(seeds), mean_diff, statistic, p_value)


def time_to_target(
    epoch_rows: pd.DataFrame, target: float, *, key: str = "acc", higher_is_better: bool = True
) -> tuple[float, float]:
    """``(epoch, seconds)`` at which one trial's validation metric ``key`` (accuracy by
    default) first reaches ``target`` (``>=``, or ``<=`` when lower is better).

    ``epoch_rows`` holds the trial's epoch-level metric rows (columns ``epoch, split, name,
    value``): ``val``/``acc`` for accuracy and ``train``/``wall_s`` for the cumulative seconds
    at each epoch's end. The epoch is the trainer's (1-based) epoch number; seconds are NaN
    when no ``wall_s`` row exists for it. ``(nan, nan)`` when the target is never reached.
    """
    rows = epoch_rows.dropna(subset=["epoch"])
    acc = rows[(rows["split"] == "val") & (rows["name"] == key)].sort_values("epoch")
    values = acc["value"].to_numpy(dtype=np.float64, na_value=np.nan)
    hit = acc[values >= target] if higher_is_better else acc[values <= target]
    if hit.empty:
        return math.nan, math.nan
    epoch = int(hit["epoch"].iloc[0])
    wall = rows[(rows["split"] == "train") & (rows["name"] == "wall_s")]
    wall = wall[wall["epoch"].astype("int64") == epoch]["value"]
    return float(epoch), float(wall.iloc[0]) if len(wall) else math.nan


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)
