"""The metrics a task can be judged by, and which way is better (DESIGN, wave 2: "name the
metrics and whether higher or lower is better").

A task names its metric (``Task.metric``); the trainer records it under the metric's ``key``
(``val_<key>``, ``best_val_<key>``, ``test_<key>``, ``final_test_<key>``; the summary's
``metric`` field holds the key), keeps the best-validation checkpoint by its direction, and the
leaderboard ranks by it. Analysis code asks :func:`higher_is_better` / :func:`of_summary`.

Built in: accuracy, top-5 accuracy, loss, mean squared / absolute error, perplexity and bits per
character. A user's metric is a :class:`Metric` with a ``fn(output, target) -> batch mean``
(:func:`register` makes its key known in the process; summaries carry its direction and label
so analysis elsewhere needs no user code).

>>> get("accuracy").key, higher_is_better("acc"), higher_is_better("bpc")
('acc', True, False)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from optarena.errors import unknown_name

#: ``fn(output, target) -> float``: the batch's mean of the metric.
MetricFn = Callable[[Any, Any], float]


@dataclass(frozen=True)
class Metric:
    """A metric's name, its short ``key`` in records and summaries, and its direction.

    ``fn`` (optional) gives a batch's mean value from the model output and the targets (built-in
    metrics are computed by the task); ``finish`` maps the example-weighted mean to the reported
    value (perplexity: ``exp`` of the mean cross-entropy)."""

    name: str
    key: str
    higher_is_better: bool
    label: str = ""
    fn: MetricFn | None = field(default=None, compare=False, repr=False)
    finish: Callable[[float], float] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.name or not self.key.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"a metric needs a name and a plain key, got {self.key!r}")
        if not self.label:
            object.__setattr__(self, "label", self.name)

    def better(self, new: float, old: float | None) -> bool:
        """True when ``new`` beats ``old`` (``None``/NaN ``old``: any finite ``new`` does)."""
        if not math.isfinite(new):
            return False
        if old is None or not math.isfinite(old):
            return True
        return new > old if self.higher_is_better else new < old

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"


def _exp(x: float) -> float:
    return math.exp(min(x, 700.0))


METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("accuracy", "acc", True, "accuracy"),
        Metric("top5", "top5", True, "top-5 accuracy"),
        Metric("bpc", "bpc", False, "bits per character"),
        Metric("perplexity", "ppl", False, "perplexity", finish=_exp),
        Metric("loss", "loss", False, "loss"),
        Metric("mse", "mse", False, "mean squared error"),
        Metric("mae", "mae", False, "mean absolute error"),
    )
}
BUILTIN = frozenset(METRICS)
_BY_KEY = {m.key: m for m in METRICS.values()}
DEFAULT = METRICS["accuracy"]


def register(metric: Metric) -> Metric:
    """Make a user's metric known by name and key in this process (built-ins cannot be
    replaced; registering an equal metric again is a no-op)."""
    if not isinstance(metric, Metric):
        raise ValueError(f"register() takes a Metric, got {type(metric).__name__}")
    old = METRICS.get(metric.name) or _BY_KEY.get(metric.key)
    if old is not None and old.name in BUILTIN:
        if old == metric:
            return old
        raise ValueError(f"metric {metric.name!r}/{metric.key!r} clashes with a built-in one")
    METRICS[metric.name] = _BY_KEY[metric.key] = metric
    return metric


def get(name_or_key: str) -> Metric:
    """The metric of a name (``accuracy``) or key (``acc``)."""
    metric = METRICS.get(name_or_key) or _BY_KEY.get(name_or_key)
    if metric is None:
        raise unknown_name("metric", name_or_key, METRICS)
    return metric


def higher_is_better(name_or_key: str) -> bool:
    """The direction of a metric, by name or key."""
    return get(name_or_key).higher_is_better


def describe(metric: Metric) -> dict[str, Any]:
    """What a summary records of a metric beyond its key (for metrics analysis may not know)."""
    return {"metric_label": metric.label, "higher_is_better": metric.higher_is_better}


def of_summary(summary: Mapping[str, Any] | None) -> Metric:
    """The metric a trial summary was scored by (``accuracy`` for summaries without one).

    A metric optarena does not know (an imported one, e.g. AlgoPerf's ``bleu`` or ``wer``) is
    taken as the summary describes it: its key and its ``higher_is_better`` flag."""
    summary = summary or {}
    key = summary.get("metric")
    if not isinstance(key, str):
        return DEFAULT
    known = METRICS.get(key) or _BY_KEY.get(key)
    if known is not None or "higher_is_better" not in summary:
        return known or get(key)
    label = str(summary.get("metric_label") or key)
    return register(Metric(key, key, bool(summary["higher_is_better"]), label))
