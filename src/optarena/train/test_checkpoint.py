"""Evaluate a saved checkpoint on its task's test split (``optarena test``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optarena.train.checkpoint import load_checkpoint
from optarena.train.config import TrialConfig
from optarena.train.device import resolve_device, set_threads
from optarena.train.materials import build_materials


def test_checkpoint(
    path: Path | str, *, device: str = "auto", data_dir: str | None = None
) -> dict[str, Any]:
    """Rebuild the trial's task and model from the checkpoint's config and test it."""
    payload = load_checkpoint(path)
    config = TrialConfig.from_dict(payload["config"])
    if data_dir is not None:
        config = config.replace(data_dir=data_dir)
    set_threads(config.threads)
    torch_device = resolve_device(device)
    m = build_materials(config.replace(device=device), torch_device)
    m.model.load_state_dict(payload["model"])
    loss, acc = m.evaluate("test", torch_device)
    progress = payload["progress"]
    return {
        "trial_id": payload["trial_id"],
        "checkpoint": str(path),
        "epoch": progress["epoch"],
        "test_loss": loss,
        "test_acc": acc,
    }


test_checkpoint.__test__ = False  # not a pytest test despite its name
