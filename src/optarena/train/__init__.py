"""Training of one trial: config, trainer, checkpoints, evaluation.

The names are imported on first use, so ``from optarena.train.config import TrialConfig``
does not import torch (the study runner builds configs before it needs the trainer).
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "TrialConfig": "config",
    "config_hash": "config",
    "test_checkpoint": "test_checkpoint",
    "Recorder": "trainer",
    "TrialResult": "trainer",
    "run_trial": "trainer",
}

__all__ = ["Recorder", "TrialConfig", "TrialResult", "config_hash", "run_trial", "test_checkpoint"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(importlib.import_module(f"optarena.train.{_WHERE[name]}"), name)
    else:
        try:
            value = importlib.import_module(f"optarena.train.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module 'optarena.train' has no attribute {name!r}") from None
    globals()[name] = value
    return value
