"""What every exporter takes from the store: a study's trials with flat hyper-parameters and
their metric rows under one naming scheme, so TensorBoard tags and MLflow metric keys agree.

Names: a step-level row ``(split, name)`` becomes ``step/SPLIT/NAME`` (x axis: the global
step), an epoch-level row ``epoch/SPLIT/NAME`` (x axis: the epoch), and a summary number
``summary/KEY``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Config keys whose tables are spread into ``KEY.name`` hyper-parameters.
_TABLES = ("opt", "sched", "task_options")


@dataclass(frozen=True)
class ExportTrial:
    """One trial as exported: ids, its flat hyper-parameters, and its metric points
    ``(tag, x, value)`` (``value`` NaN where the store holds none)."""

    id: str
    study: str
    role: str
    state: str
    label: str
    hparams: dict[str, str | int | float | bool]
    summary: dict[str, float]
    points: list[tuple[str, int, float]]
    started: float | None


def hparams_of(config: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    """Flat, typed hyper-parameters: numbers and booleans kept, tables spread into
    ``table.key``, anything else (lists, None) as its JSON text."""
    out: dict[str, str | int | float | bool] = {}
    for key, value in sorted(config.items()):
        if key in _TABLES and isinstance(value, Mapping):
            for sub, inner in sorted(value.items()):
                out[f"{key}.{sub}"] = _scalar(inner)
        else:
            out[key] = _scalar(value)
    return out


def _scalar(value: Any) -> str | int | float | bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _label(config: Mapping[str, Any], trial_id: str) -> str:
    parts = [str(config.get("optimizer", "trial")), f"lr={config.get('lr')}"]
    if config.get("schedule"):
        parts.append(str(config["schedule"]))
    parts.append(f"seed={config.get('seed')}")
    return " ".join(parts) + f" [{trial_id[:8]}]"


def metric_tag(step: Any, split: str, name: str) -> str:
    """``step/SPLIT/NAME`` for a step-level row, ``epoch/SPLIT/NAME`` for an epoch-level one."""
    return f"{'epoch' if _missing(step) else 'step'}/{split}/{name}"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is _NA


try:  # pandas' missing-value marker (nullable Int64 columns)
    from pandas import NA as _NA
except ImportError:  # pragma: no cover - pandas is a dependency
    _NA = object()


def study_trials(store: Any, study: str) -> Iterator[ExportTrial]:
    """Every trial of ``study`` (any role and state), oldest first, with its metric points."""
    trials = store.trials(study)
    frame = store.metrics_frame(study=study)
    groups = dict(iter(frame.groupby("trial_id", sort=False)))
    for trial in trials:
        rows = groups.get(trial.id)
        points: list[tuple[str, int, float]] = []
        if rows is not None:
            for step, epoch, split, name, value in zip(
                rows["step"], rows["epoch"], rows["split"], rows["name"], rows["value"],
                strict=True,
            ):  # fmt: skip
                x = epoch if _missing(step) else step
                points.append((metric_tag(step, split, name), int(x), float(value)))
        summary = {
            k: float(v)
            for k, v in (trial.summary or {}).items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        }
        yield ExportTrial(
            id=trial.id,
            study=study,
            role=trial.role,
            state=getattr(trial.state, "value", str(trial.state)),
            label=_label(trial.config, trial.id),
            hparams=hparams_of(trial.config),
            summary=summary,
            points=points,
            started=trial.started,
        )
