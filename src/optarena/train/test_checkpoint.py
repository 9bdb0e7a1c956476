"""Evaluate a saved checkpoint on its task's test split (``optarena test``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optarena.train.device import resolve_device, set_threads
from optarena.train.evaluate import evaluate
from optarena.train.materials import build_model
from optarena.train.verify import read_trial_checkpoint, refuse_unnamed_code


def test_checkpoint(
    path: Path | str,
    *,
    device: str = "auto",
    data_dir: str | None = None,
    trial_id: str | None = None,
    allow_code: Sequence[str] = (),
) -> dict[str, Any]:
    """Rebuild the trial's task and model from the checkpoint's config and test it.

    The checkpoint must be trial ``trial_id`` when given (``verify.py``); only the task and
    model are built (the optimizer and schedule it names are never imported), and a model or
    task that is user code must be named in ``allow_code``."""
    payload, config = read_trial_checkpoint(path, trial_id=trial_id)
    refuse_unnamed_code(config, allow_code, path)
    if data_dir is not None:
        config = config.replace(data_dir=data_dir)
    set_threads(config.threads)
    torch_device = resolve_device(device)
    task, dataset, model, transform = build_model(config, torch_device)
    model.load_state_dict(payload["model"])
    batch_size = max(config.batch_size or task.batch_size, 256)
    loss, acc = evaluate(
        model,
        dataset.test,
        loss_fn=task.loss_fn,
        transform=transform,
        batch_size=batch_size,
        device=torch_device,
    )
    progress = payload["progress"]
    return {
        "trial_id": payload["trial_id"],
        "checkpoint": str(path),
        "epoch": progress["epoch"],
        "test_loss": loss,
        "test_acc": acc,
    }


test_checkpoint.__test__ = False  # not a pytest test despite its name
