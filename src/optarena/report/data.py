"""What a report needs from the store, read once: the study, its trials and their metrics.

The report reads only the results store (DESIGN: data flows one way). An *entry* is one
(optimizer, hyper-parameters, schedule, task) combination: a trial config without its seed.
Its *label* names the entry by the config fields that vary between entries, so labels stay
short ("adam lr=0.001" rather than every hyper-parameter), numbers at 3 significant digits (more
only where two values would otherwise read the same). In a tuned study the final entries are
labelled by what varies among the finals; search trials by what varies across the whole study.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from optarena.analysis.leaderboard import task_of
from optarena.metrics import DEFAULT as DEFAULT_METRIC
from optarena.metrics import Metric, of_summary
from optarena.metrics import get as get_metric
from optarena.report.palette import Look, looks

SEED_KEYS = frozenset({"seed"})
# Per-task budget fields: a "solver" (performance profiles) is an entry minus its task.
TASK_KEYS = frozenset({"task", "epochs", "batch_size", "subset"})
SUMMARY_NUMBERS = ("test_acc", "best_val_acc", "best_epoch", "final_test_acc", "final_val_acc")


@dataclass(frozen=True)
class StudyData:
    """A study as the report sees it.

    ``trials`` has one row per trial: ``id, state, role, error, wall_s, task, optimizer, lr,
    schedule, seed, entry, label, solver, diverged_epoch`` and the numbers of
    ``SUMMARY_NUMBERS`` (NaN when absent), plus the raw ``config``/``summary`` dicts.
    ``score`` is the test metric (``test_acc``, or ``test_<key>`` of the task's metric, see
    :func:`metric_of`) for complete trials and NaN otherwise: as in
    ``optarena.analysis.leaderboard``, diverged and failed trials never enter a mean.
    ``metrics`` is the store's long form (``trial_id, step, epoch, split, name, value``).
    ``order`` lists entry labels best first (mean test accuracy); ``look`` maps each label to
    its colour and line style.
    """

    name: str
    config: dict[str, Any]
    trials: pd.DataFrame
    metrics: pd.DataFrame
    order: list[str] = field(default_factory=list)
    look: dict[str, Look] = field(default_factory=dict)

    @cached_property
    def finals(self) -> list[str]:
        """Entry labels the main figures show, best first: those with final-role trials (in a
        tuned study the search candidates are left to the search section); every entry when
        no trial is final."""
        final = set(self.trials.loc[self.trials["role"] == "final", "label"])
        return [label for label in self.order if label in final] if final else list(self.order)

    @cached_property
    def final_trials(self) -> pd.DataFrame:
        """The rows of ``trials`` the main figures draw: final-role trials of ``finals``."""
        t = self.trials
        if (t["role"] == "final").any():
            t = t[t["role"] == "final"]
        return t

    @property
    def search_trials(self) -> pd.DataFrame:
        """Search-role trials (a tuned study's candidates), in the store's order."""
        return self.trials[self.trials["role"] == "search"]

    @property
    def tasks(self) -> list[str]:
        return sorted({str(t) for t in self.trials["task"].dropna()})

    def trial_ids(self, label: str) -> list[str]:
        """Ids of the entry's trials that have results (complete or diverged), final-role
        trials only when the entry has any (search trials then only feed LR sensitivity)."""
        return list(self._ids_by_label.get(label, ()))

    @cached_property
    def _ids_by_label(self) -> dict[str, list[str]]:
        t = self.trials[self.trials["state"].isin(("complete", "diverged"))]
        out: dict[str, list[str]] = {}
        for label, group in t.groupby("label", sort=False):
            final = group[group["role"] == "final"]
            out[str(label)] = list((final if len(final) else group)["id"])
        return out

    @cached_property
    def metrics_by_trial(self) -> dict[str, pd.DataFrame]:
        """The metric rows of each trial (one pass over the long frame)."""
        return {str(tid): rows for tid, rows in self.metrics.groupby("trial_id", sort=False)}

    @cached_property
    def epochs(self) -> pd.DataFrame:
        """``epoch_rows(metrics)``, computed once (every curve reads it)."""
        return epoch_rows(self.metrics)

    @cached_property
    def epoch_groups(self) -> dict[tuple[str, str], pd.DataFrame]:
        """``epochs`` split by ``(split, name)``, finite values only (one pass; the charts'
        bands read these instead of filtering the whole frame each time)."""
        rows = self.epochs[np.isfinite(self.epochs["value"])]
        out = {}
        for (split, name), part in rows.groupby(["split", "name"], sort=False):
            part.attrs["epoch_rows"] = True
            out[(str(split), str(name))] = part
        return out

    @cached_property
    def digest(self) -> str:
        """Digest of everything the study-wide figures draw: the trials, their metrics, the
        ranking and the looks (a figure whose digest is unchanged need not be redrawn)."""
        h = hashlib.sha256(self.name.encode())
        h.update(_frame_bytes(self.trials.drop(columns=["config", "summary"])))
        h.update(_dump([self.trials["config"].tolist(), self.trials["summary"].tolist()]).encode())
        h.update(_frame_bytes(self.metrics))
        h.update(_dump([self.order, {k: list(astuple(v)) for k, v in self.look.items()}]).encode())
        return h.hexdigest()[:16]

    def entry_digest(self, label: str) -> str:
        """Digest of what one entry's curves draw: its label, look, trials and their metrics."""
        ids = self.trial_ids(label)
        rows = self.metrics[self.metrics["trial_id"].isin(ids)]
        h = hashlib.sha256(_dump([label, list(astuple(self.look[label])), ids]).encode())
        h.update(_frame_bytes(rows))
        return h.hexdigest()[:16]


def load(store: Any, study: str) -> StudyData:
    """Read ``study`` from a ``optarena.store.Store`` (unknown study: ``ValueError``)."""
    record = store.study(study)
    records = store.trials(study)
    metrics = store.metrics_frame(study=study)
    rows = [
        {
            "id": r.id,
            "state": getattr(r.state, "value", r.state),
            "role": r.role,
            "error": r.error,
            "wall_s": r.wall_s,
            "config": r.config,
            "summary": r.summary or {},
        }
        for r in records
    ]
    return from_rows(record.name, record.config, rows, metrics)


def from_rows(
    name: str, config: Mapping[str, Any], rows: list[dict[str, Any]], metrics: pd.DataFrame
) -> StudyData:
    """Build ``StudyData`` from trial dicts (``id, state, role, error, wall_s, config,
    summary``) and a long-form metrics frame."""
    trials = pd.DataFrame(
        rows, columns=["id", "state", "role", "error", "wall_s", "config", "summary"]
    )
    flat = [_flatten(c) for c in trials["config"]]
    final = [role == "final" for role in trials["role"]]
    varying = _varying_keys(flat)
    final_varying = _varying_keys([f for f, is_final in zip(flat, final, strict=True) if is_final])
    digits = _digits(flat, varying)
    trials["task"] = [task_of(c) for c in trials["config"]]
    trials["optimizer"] = [str(c.get("optimizer", "?")) for c in trials["config"]]
    trials["lr"] = [_number(c.get("lr")) for c in trials["config"]]
    trials["schedule"] = [c.get("schedule") for c in trials["config"]]
    trials["seed"] = [c.get("seed") for c in trials["config"]]
    trials["entry"] = [_key(f, SEED_KEYS) for f in flat]
    keys = [final_varying if is_final else varying for is_final in final]
    trials["label"] = [_label(f, k, SEED_KEYS, digits) for f, k in zip(flat, keys, strict=True)]
    trials["solver"] = [
        _label(f, k, SEED_KEYS | TASK_KEYS, digits) for f, k in zip(flat, keys, strict=True)
    ]
    for key in SUMMARY_NUMBERS:
        trials[key] = [_number(s.get(key)) for s in trials["summary"]]
    scored = [of_summary(s) for s in trials["summary"]]
    trials["metric"] = [m.key for m in scored]
    test = [_number(s.get(f"test_{m.key}")) for s, m in zip(trials["summary"], scored, strict=True)]
    trials["score"] = pd.Series(test, index=trials.index).where(trials["state"] == "complete")
    trials["diverged_epoch"] = [_diverged_epoch(s) for s in trials["summary"]]
    metrics = metrics[metrics["trial_id"].isin(set(trials["id"]))].reset_index(drop=True)
    order = _ranking(trials)
    return StudyData(str(name), dict(config), trials, metrics, order, looks(order))


def metric_of(trials: pd.DataFrame) -> Metric:
    """The metric the study's trials are scored by (accuracy when none says otherwise)."""
    keys = sorted(set(trials["metric"])) if "metric" in trials.columns else []
    return get_metric(keys[0]) if len(keys) == 1 else DEFAULT_METRIC


def _ranking(trials: pd.DataFrame) -> list[str]:
    """Entry labels by mean test accuracy of complete trials (best-validation checkpoint),
    best first; then entries without one; search-only entries last."""
    final = set(trials.loc[trials["role"] == "final", "label"])
    key = trials.groupby("label", sort=True)["score"].mean().to_frame("mean")
    key["search_only"] = ~key.index.isin(final)
    higher = metric_of(trials).higher_is_better
    key = key.sort_values(
        ["search_only", "mean"], ascending=[True, not higher], na_position="last", kind="stable"
    )
    return [str(label) for label in key.index]


def _flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def _varying_keys(flat: list[dict[str, Any]]) -> list[str]:
    keys = sorted({k for f in flat for k in f})
    return [k for k in keys if len({_dump(f.get(k)) for f in flat}) > 1]


def _key(flat: Mapping[str, Any], drop: frozenset[str]) -> str:
    return json.dumps({k: v for k, v in flat.items() if k not in drop}, sort_keys=True, default=str)


def _digits(flat: list[dict[str, Any]], keys: list[str]) -> dict[str, int]:
    """Per varying key: the fewest significant digits (at least 3) that keep its distinct
    float values apart."""
    out = {}
    for key in keys:
        values = {f.get(key) for f in flat if isinstance(f.get(key), float)}
        p = 3
        while p < 17 and len({f"{v:.{p}g}" for v in values}) < len(values):
            p += 1
        out[key] = p
    return out


def _label(
    flat: Mapping[str, Any],
    varying: list[str],
    drop: frozenset[str],
    digits: Mapping[str, int] | None = None,
) -> str:
    parts = [str(flat.get("optimizer", "?"))]
    for key in varying:
        if key in drop or key == "optimizer":
            continue
        value = flat.get(key)
        if key == "schedule":
            parts.append(str(value) if value is not None else "constant")
        elif value is None or value == {}:
            continue  # a hyper-parameter this entry does not have
        else:
            parts.append(f"{key.split('.')[-1]}={_fmt(value, (digits or {}).get(key, 3))}")
    return " ".join(parts)


def _fmt(value: Any, digits: int = 3) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return "-" if value is None else str(value)


def _frame_bytes(frame: pd.DataFrame) -> bytes:
    """Content hash input of a frame: its columns and the row hashes (index ignored)."""
    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return _dump(list(frame.columns)).encode() + hashed.tobytes()


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _number(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _diverged_epoch(summary: Mapping[str, Any]) -> float:
    at = summary.get("diverged_at")
    if isinstance(at, Mapping):
        return _number(at.get("epoch"))
    return _number(at)


def epoch_rows(metrics: pd.DataFrame) -> pd.DataFrame:
    """Epoch-level rows (``step`` missing) with an integer ``epoch`` (a frame that already is
    one, such as ``StudyData.epochs``, is returned as it is)."""
    if metrics.attrs.get("epoch_rows"):
        return metrics
    rows = metrics[metrics["step"].isna() & metrics["epoch"].notna()].copy()
    rows["epoch"] = rows["epoch"].astype(np.int64)
    rows.attrs["epoch_rows"] = True
    return rows
