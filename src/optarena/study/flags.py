"""Merge ``optarena compare`` flags into a raw study mapping (flags override the file)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any


def _names(value: str | list[str]) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v.strip()]


def _keep_tables(old: Any, names: list[str]) -> Any:
    """A list of names, keeping the file's table for a name it already configures."""
    if not isinstance(old, Mapping):
        return names
    return {name: dict(old.get(name, {})) for name in names}


def _params_for(name: str, params: Mapping[str, Any], entries: Mapping[str, Any]) -> dict:
    """The flag parameters for one entry: ``key=v`` applies to every entry, ``NAME.key=v`` only
    to the entry ``NAME`` (which must be one of the study's entries)."""
    chosen: dict[str, Any] = {}
    for key, value in params.items():
        target, dot, rest = key.partition(".")
        if dot and target in entries:
            if target == name:
                chosen[rest] = value
        elif dot:
            raise ValueError(f"{key!r}: {target!r} is not one of {', '.join(entries)}")
        else:
            chosen[key] = value
    return chosen


def merge_flags(raw: Mapping[str, Any], flags: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` with every flag that is not ``None`` applied.

    ``optimizers``/``schedules``: comma-separated names (a name the file configures keeps its
    table); ``opt``/``sched``: hyper-parameters set on every optimizer / schedule, or with a
    ``NAME.`` prefix on that one only (``--sched cosine.T_max=5``); ``task`` and
    ``data`` replace each other; ``lrs``: numbers or a keyword; other keys replace the file's.
    """
    out = copy.deepcopy(dict(raw))
    flags = {k: v for k, v in flags.items() if v is not None}
    if "task" in flags:
        out.pop("data", None)
    if "data" in flags:
        out.pop("task", None)
    for key in ("optimizers", "schedules"):
        if key in flags:
            out[key] = _keep_tables(out.get(key), _names(flags.pop(key)))
    for key, table in (("opt", "optimizers"), ("sched", "schedules")):
        params = flags.pop(key, None)
        if params:
            current = out.get(table, [] if table == "optimizers" else ["none"])
            if not isinstance(current, Mapping):
                current = {name: {} for name in _names(current)}
            out[table] = {
                name: {**dict(body), **_params_for(name, params, current)}
                for name, body in current.items()
            }
    for flag, key in (("tune_trials", "trials"), ("tune_epochs", "epochs")):
        value = flags.pop(flag, None)
        if value is not None:
            out["tune"] = {**dict(out.get("tune", {})), key: value}
    out.update(flags)
    return out
