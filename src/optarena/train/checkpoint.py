"""Checkpoints that load with ``torch.load(weights_only=True)`` and are written atomically.

A checkpoint holds the model, the optimizer, the schedule's state, the RNG state, the epoch it
closes, the trainer's running records and the resolved config: everything needed to resume.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

BEST = "best.pt"
LAST = "last.pt"


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` to ``path`` via a temporary file and an atomic rename.

    A process killed mid-write leaves the previous checkpoint intact.
    """
    from optarena.atomic import torch_save

    path.parent.mkdir(parents=True, exist_ok=True)
    torch_save(payload, path)


def load_checkpoint(path: Path | str) -> dict[str, Any]:
    """Load a checkpoint safely (tensors and plain containers only)."""
    from optarena.train.verify import load_weights_only

    payload: dict[str, Any] = load_weights_only(path)
    return payload


def rng_state() -> dict[str, Any]:
    state: dict[str, Any] = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def same_state(current: dict[str, torch.Tensor], saved: dict[str, torch.Tensor]) -> bool:
    """Whether two state dicts hold the same tensors, bit for bit (memory layout aside)."""
    return current.keys() == saved.keys() and all(
        torch.equal(current[k].to(saved[k].device), saved[k]) for k in saved
    )
