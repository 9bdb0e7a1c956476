"""The metrics a task can be judged by, and which way is better (DESIGN, wave 2: "name the
metrics and whether higher or lower is better").

A task names its metric (``Task.metric``); the trainer records it under the metric's ``key``
(``val_<key>``, ``best_val_<key>``, ``test_<key>``, ``final_test_<key>``; the summary's
``metric`` field holds the key), keeps the best-validation checkpoint by its direction, and the
leaderboard ranks by it. Analysis code asks :func:`higher_is_better` / :func:`of_summary`.

>>> get("accuracy").key, higher_is_better("acc"), higher_is_better("bpc")
('acc', True, False)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from optarena.errors import unknown_name


@dataclass(frozen=True)
class Metric:
    """A metric's name, its short ``key`` in records and summaries, and its direction."""

    name: str
    key: str
    higher_is_better: bool
    label: str

    def better(self, new: float, old: float | None) -> bool:
        """True when ``new`` beats ``old`` (``None``/NaN ``old``: any finite ``new`` does)."""
        if not math.isfinite(new):
            return False
        if old is None or not math.isfinite(old):
            return True
        return new > old if self.higher_is_better else new < old


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("accuracy", "acc", True, "accuracy"),
        Metric("bpc", "bpc", False, "bits per character"),
        Metric("loss", "loss", False, "loss"),
    )
}
_BY_KEY = {m.key: m for m in METRICS.values()}
DEFAULT = METRICS["accuracy"]


def get(name_or_key: str) -> Metric:
    """The metric of a name (``accuracy``) or key (``acc``)."""
    metric = METRICS.get(name_or_key) or _BY_KEY.get(name_or_key)
    if metric is None:
        raise unknown_name("metric", name_or_key, METRICS)
    return metric


def higher_is_better(name_or_key: str) -> bool:
    """The direction of a metric, by name or key."""
    return get(name_or_key).higher_is_better


def of_summary(summary: Mapping[str, Any] | None) -> Metric:
    """The metric a trial summary was scored by (``accuracy`` for summaries without one).

    A metric optarena does not know (an imported one, e.g. AlgoPerf's ``bleu`` or ``wer``) is
    taken as the summary describes it: its key and its ``higher_is_better`` flag."""
    summary = summary or {}
    key = summary.get("metric")
    if not isinstance(key, str):
        return DEFAULT
    if key not in METRICS and key not in _BY_KEY and isinstance(
        summary.get("higher_is_better"), bool
    ):
        return Metric(key, key, summary["higher_is_better"], key.replace("_", " "))
    return get(key)
