"""DataFrame views of stored trials and metrics (the read side of the store)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd

from optarena.store.records import TrialRecord

METRIC_COLUMNS = ("trial_id", "step", "epoch", "split", "name", "value")
_BASE = tuple(f.name for f in fields(TrialRecord) if f.name not in ("config", "summary"))


def flatten(obj: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Nested mappings to one level with dotted keys: ``{"opt": {"m": 1}}`` → ``opt.m``."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = f"{prefix}.{key}"
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


def trials_frame(records: Sequence[TrialRecord]) -> pd.DataFrame:
    """One row per trial: the record's fields, then ``config.*`` and ``summary.*`` columns."""
    rows = []
    for r in records:
        row: dict[str, Any] = {name: getattr(r, name) for name in _BASE}
        row["state"] = r.state.value
        row.update(flatten(r.config, "config"))
        row.update(flatten(r.summary or {}, "summary"))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=None if rows else list(_BASE))
    extra = sorted(c for c in frame.columns if c not in _BASE)
    config = [c for c in extra if c.startswith("config.")]
    summary = [c for c in extra if c.startswith("summary.")]
    return frame[list(_BASE) + config + summary]


def metrics_frame(rows: Sequence[tuple[Any, ...]]) -> pd.DataFrame:
    """Long-form metric rows; ``step``/``epoch`` are nullable ints, ``value`` float (NaN for
    values stored as NULL)."""
    frame = pd.DataFrame(list(rows), columns=list(METRIC_COLUMNS))
    frame["step"] = frame["step"].astype("Int64")
    frame["epoch"] = frame["epoch"].astype("Int64")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(np.float64)
    frame["trial_id"] = frame["trial_id"].astype(object)
    return frame
