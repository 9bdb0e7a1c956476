"""Stable identities for configs: canonical JSON and its SHA-256 (DESIGN convention 6).

The hash of a resolved trial config is the trial id, so running the same config twice (in the
same study or in another) re-uses one trial.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import PurePath
from typing import Any

HASH_LENGTH = 16


def canonical(value: Any, *, fold_floats: bool = True) -> Any:
    """``value`` reduced to plain JSON types, so equal configs serialize identically.

    Mappings get string keys (sorted at dump time), tuples/lists become lists, numpy scalars
    become Python numbers, enums their value, paths strings, and floats holding an integer
    (``1.0``) the int (``1``) unless ``fold_floats`` is False: ``lr=1`` and ``lr=1.0`` train the
    same model, so they hash the same. Other floats keep ``repr`` (shortest round-trip form),
    which is stable across runs and platforms.
    """
    if isinstance(value, Enum):
        value = value.value
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (str, bytes)):
        value = value.item()  # numpy / torch scalars
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if fold_floats and math.isfinite(value) and value.is_integer():
            return int(value)
        return float(value)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"config keys must be strings, got {key!r}")
            out[key] = canonical(item, fold_floats=fold_floats)
        return out
    if isinstance(value, (list, tuple)):
        return [canonical(item, fold_floats=fold_floats) for item in value]
    raise TypeError(f"cannot hash a config value of type {type(value).__name__}: {value!r}")


def canonical_json(config: Mapping[str, Any]) -> str:
    """Compact JSON of ``canonical(config)`` with sorted keys."""
    return json.dumps(canonical(config), sort_keys=True, separators=(",", ":"), allow_nan=True)


def config_hash(config: Mapping[str, Any]) -> str:
    """First 16 hex digits of the SHA-256 of ``canonical_json(config)``: the trial id."""
    return hashlib.sha256(canonical_json(config).encode("utf-8")).hexdigest()[:HASH_LENGTH]
