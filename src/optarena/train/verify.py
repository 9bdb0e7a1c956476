"""The one place where a checkpoint's contents are checked against the trial it claims to be.

Checkpoints are loaded with ``torch.load(weights_only=True)`` (tensors and plain containers
only; https://pytorch.org/docs/stable/generated/torch.load.html), their config must hash to the
trial id they carry, and that id must be the trial the caller asked for. A config read from a
checkpoint never names code to import (``module:Name``) unless the user named that code
himself: evaluating a checkpoint builds only its task and model, and refuses code names there.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import torch

from optarena.imports import is_object_path
from optarena.train.config import TrialConfig

_NEEDED = ("trial_id", "config", "model", "progress")


def load_weights_only(path: Path | str) -> Any:
    """``torch.load`` restricted to weights; any refusal is one short ``ValueError`` line."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        raise ValueError(
            f"refusing to load {path}: it holds Python objects, not weights only "
            "(a foreign or tampered file could run code)"
        ) from None
    except Exception as exc:  # a truncated or foreign file
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise ValueError(f"cannot read checkpoint {path}: {first}") from None


def read_trial_checkpoint(
    path: Path | str, *, trial_id: str | None = None
) -> tuple[dict[str, Any], TrialConfig]:
    """The payload and config of an optarena checkpoint, checked to be trial ``trial_id``
    (when given) and to carry a config that hashes to its own trial id."""
    payload = load_weights_only(path)
    if not isinstance(payload, dict) or any(k not in payload for k in _NEEDED):
        raise ValueError(f"{path} is not an optarena checkpoint (needs {', '.join(_NEEDED)})")
    if not isinstance(payload["config"], dict) or not isinstance(payload["model"], dict):
        raise ValueError(f"{path} is not an optarena checkpoint (config and model are not tables)")
    try:
        config = TrialConfig.from_dict(payload["config"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path} holds an unusable trial config: {exc}") from None
    claimed = payload["trial_id"]
    if config.trial_id != claimed:
        raise ValueError(
            f"{path} claims trial {claimed!r} but its config is trial {config.trial_id}"
        )
    if trial_id is not None and claimed != trial_id:
        raise ValueError(f"{path} belongs to trial {claimed}, not to trial {trial_id}")
    return payload, config


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def model_code_names(config: TrialConfig) -> list[str]:
    """The ``module:Name`` paths that building ``config``'s task and model would import."""
    fields = (config.task, config.data, config.model, config.task_options)
    return sorted({s for f in fields for s in _strings(f) if is_object_path(s)})


def refuse_unnamed_code(config: TrialConfig, allowed: Iterable[str], where: Path | str) -> None:
    """``ValueError`` when building ``config``'s model would import code the user did not name."""
    unnamed = [n for n in model_code_names(config) if n not in set(allowed)]
    if unnamed:
        flags = " ".join(f"--code {n}" for n in unnamed)
        raise ValueError(
            f"{where} names code to import ({', '.join(unnamed)}); optarena imports code from a "
            f"checkpoint only when you name it: add {flags}"
        )
