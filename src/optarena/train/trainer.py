"""The trainer for ONE trial: a flat loop (nanoGPT scale, DESIGN convention 5).

It records per-step training loss and learning rate; per-epoch training and validation
loss/metric (accuracy unless the task names another, :mod:`optarena.metrics`) and wall time;
keeps ``best.pt`` (best validation metric, by the metric's direction) and ``last.pt``
(resume point) checkpoints; ends a trial whose loss turns NaN/inf or explodes as ``diverged``;
and finally tests the best checkpoint (``test_acc``) and the last epoch (``final_test_acc``).
A trial killed at any point resumes from its last completed epoch with identical numbers.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import torch

from optarena import metrics as metrics_lib
from optarena.data import batches
from optarena.train.checkpoint import (
    BEST,
    LAST,
    rng_state,
    same_state,
    save_checkpoint,
    set_rng_state,
)
from optarena.train.config import TrialConfig
from optarena.train.device import resolve_device, set_threads
from optarena.train.layout import use_channels_last
from optarena.train.materials import Materials, build_materials
from optarena.train.records import Row, epoch_record, epoch_rows, trial_summary
from optarena.train.verify import read_trial_checkpoint

EventFn = Callable[[str, dict[str, Any]], None]


class Recorder(Protocol):
    """Where metric rows go (the results store, or nothing)."""

    def log(self, rows: list[Row]) -> None: ...

    def truncate(self, after_epoch: int) -> None: ...


@dataclass
class TrialResult:
    """What one trial produced: its final state and summary, and its epoch-level history."""

    trial_id: str
    state: str  # complete | diverged
    summary: dict[str, Any]
    epochs: list[dict[str, Any]] = field(default_factory=list)
    out_dir: Path | None = None


@dataclass
class _Progress:
    """The trainer's running numbers, saved in every checkpoint."""

    epoch: int = 0  # last completed epoch (1-based); 0 = none
    step: int = 0
    best_val_acc: float = -1.0  # the best validation metric (accuracy, or the task's)
    best_epoch: int = 0
    initial_loss: float | None = None
    wall_s: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)


def _set_lr(m: Materials, config: TrialConfig, progress: _Progress) -> float:
    if m.schedule is None:
        return config.lr
    if getattr(m.schedule, "metric_driven", False):
        lr = float(m.schedule.lr)
    else:
        count = progress.step if config.schedule_unit == "step" else progress.epoch
        lr = float(m.schedule(count))
    for group in m.optimizer.param_groups:
        group["lr"] = lr
    return lr


def _switch(optimizer: torch.optim.Optimizer, mode: str) -> None:
    """Schedule-free optimizers keep separate train/eval weights; others have no switch."""
    method = getattr(optimizer, mode, None)
    if callable(method):
        method()


def _closure(m: Materials, config: TrialConfig, xb: torch.Tensor, yb: torch.Tensor) -> Any:
    """Re-evaluates the batch for optimizers that need it (L-BFGS): zero grads, loss, backward."""

    def closure() -> torch.Tensor:
        m.optimizer.zero_grad(set_to_none=True)
        loss = m.task.loss_fn(m.model(xb), yb) + m.task.penalty(m.model)
        loss.backward()
        if config.clip_grad is not None:
            torch.nn.utils.clip_grad_norm_(m.model.parameters(), config.clip_grad)
        return loss

    return closure


def _diverged(loss: float, progress: _Progress, config: TrialConfig) -> bool:
    if not math.isfinite(loss):
        return True
    start = progress.initial_loss
    return start is not None and loss > config.divergence_factor * max(start, 1e-8)


def _save(path: Path, m: Materials, config: TrialConfig, progress: _Progress) -> None:
    schedule_state = m.schedule.state_dict() if hasattr(m.schedule, "state_dict") else {}
    save_checkpoint(
        path,
        {
            "trial_id": config.trial_id,
            "config": config.to_dict(),
            "model": m.model.state_dict(),
            "optimizer": m.optimizer.state_dict(),
            "schedule": schedule_state,
            "rng": rng_state(),
            "progress": vars(progress).copy(),
        },
    )


def _resume(out_dir: Path, m: Materials, config: TrialConfig) -> _Progress:
    path = out_dir / LAST
    if not path.is_file():
        return _Progress()
    payload, _ = read_trial_checkpoint(path, trial_id=config.trial_id)
    m.model.load_state_dict(payload["model"])
    m.optimizer.load_state_dict(payload["optimizer"])
    if payload["schedule"] and hasattr(m.schedule, "load_state_dict"):
        m.schedule.load_state_dict(payload["schedule"])
    set_rng_state(payload["rng"])
    return _Progress(**payload["progress"])


def run_trial(
    config: TrialConfig,
    *,
    out_dir: Path | str,
    recorder: Recorder | None = None,
    on_event: EventFn | None = None,
) -> TrialResult:
    """Train, validate, checkpoint and test one trial; resume from ``out_dir/last.pt`` if any."""
    set_threads(config.threads)
    device = resolve_device(config.device)
    out_dir = Path(out_dir)
    m = build_materials(config, device)
    if not getattr(m.task, "custom", False):  # the probe trains on labels with cross-entropy
        m.channels_last = use_channels_last(m.model, m.dataset.input_shape, m.batch_size, device)
    if m.channels_last:
        m.model.to(memory_format=torch.channels_last)  # same Parameter objects, NHWC strides
    emit = on_event or (lambda event, payload: None)
    progress = _resume(out_dir, m, config)
    if recorder is not None:
        recorder.truncate(after_epoch=progress.epoch)
    emit(
        "start",
        {
            "trial_id": config.trial_id,
            "epochs": m.epochs,
            "resumed_at": progress.epoch,
            "steps_per_epoch": math.ceil(len(m.dataset.train) / m.batch_size),
            "convolutions": any(isinstance(mod, torch.nn.Conv2d) for mod in m.model.modules()),
        },
    )
    diverged_at: dict[str, int] | None = None
    while progress.epoch < m.epochs and diverged_at is None:
        diverged_at = _train_epoch(m, config, progress, device, recorder, emit, out_dir)
    return _finish(m, config, progress, device, diverged_at, out_dir, emit)


def _train_epoch(
    m: Materials,
    config: TrialConfig,
    progress: _Progress,
    device: torch.device,
    recorder: Recorder | None,
    emit: EventFn,
    out_dir: Path,
) -> dict[str, int] | None:
    """One epoch; returns where the loss diverged, or None. Saves checkpoints at its end."""
    epoch = progress.epoch + 1
    started = time.perf_counter()
    m.model.train()
    _switch(m.optimizer, "train")
    rows: list[Row] = []
    loss_sum, correct, count, lr = 0.0, 0, 0, _set_lr(m, config, progress)
    train_batches = batches(
        m.dataset.train, m.batch_size, seed=config.seed, epoch=epoch, transform=m.transform
    )
    for xb, yb in train_batches:
        if len(yb) == 1 and m.has_batchnorm:
            continue  # batch-norm cannot train on one example; such a tail batch is skipped
        xb, yb = xb.to(device), yb.to(device)
        if m.channels_last:
            xb = xb.contiguous(memory_format=torch.channels_last)
        lr = _set_lr(m, config, progress)
        logits = m.model(xb)
        data_loss = m.task.loss_fn(logits, yb)
        loss = data_loss + m.task.penalty(m.model)  # the task's L2 term, zero for most tasks
        value = data_loss.item()
        if progress.initial_loss is None:
            progress.initial_loss = value
        if _diverged(value, progress, config):
            return {"epoch": epoch, "step": progress.step}
        m.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.clip_grad is not None:
            torch.nn.utils.clip_grad_norm_(m.model.parameters(), config.clip_grad)
        try:
            m.optimizer.step(_closure(m, config, xb, yb) if m.needs_closure else None)
        except RuntimeError as exc:  # an lr beyond float range (1e39): the update overflows
            if "overflow" not in str(exc):
                raise
            return {"epoch": epoch, "step": progress.step}
        rows += [
            (progress.step, epoch, "train", "loss", value),
            (progress.step, epoch, "train", "lr", lr),
        ]
        progress.step += 1
        loss_sum += value * len(yb)
        correct += m.task.metric_sum(logits.detach(), yb)
        count += len(yb)
        emit("step", {"epoch": epoch, "step": progress.step, "loss": value, "lr": lr})
    _switch(m.optimizer, "eval")
    val_loss, val_acc = m.evaluate("val", device)
    if not math.isfinite(val_loss):
        return {"epoch": epoch, "step": progress.step}
    progress.wall_s += time.perf_counter() - started
    key = m.task.scored_by.key
    train_metric = m.task.metric_value(correct, count) * max(count, 1)  # finish (perplexity)
    record = epoch_record(
        epoch, (loss_sum, train_metric, count), (val_loss, val_acc), progress.wall_s, lr, key
    )
    progress.history.append(record)
    rows += epoch_rows(record)
    progress.epoch = epoch
    if m.task.scored_by.better(val_acc, progress.best_val_acc if progress.best_epoch else None):
        progress.best_val_acc, progress.best_epoch = val_acc, epoch
        _save(out_dir / BEST, m, config, progress)
        emit("best", {"epoch": epoch, f"val_{key}": val_acc})
    if getattr(m.schedule, "metric_driven", False):
        m.schedule.step(val_loss)
    _switch(m.optimizer, "train")
    if recorder is not None:  # rows first: a kill before the checkpoint only re-logs them
        recorder.log(rows)
    _save(out_dir / LAST, m, config, progress)
    emit("epoch", record)
    return None


def _finish(
    m: Materials,
    config: TrialConfig,
    progress: _Progress,
    device: torch.device,
    diverged_at: dict[str, int] | None,
    out_dir: Path,
    emit: EventFn,
) -> TrialResult:
    """Test the last model and the best checkpoint (once when they are the same weights, as
    when the last epoch was the best); build the summary."""

    def acc_of(result: tuple[float, float]) -> float | None:
        return result[1] if math.isfinite(result[0]) else None

    final = None  # (loss, metric) of the last model on the test split
    if diverged_at is None:
        _switch(m.optimizer, "eval")
        final = m.evaluate("test", device)
    best_path = out_dir / BEST
    test_acc = None
    if best_path.is_file():
        best = read_trial_checkpoint(best_path, trial_id=config.trial_id)[0]["model"]
        if final is None or not same_state(m.model.state_dict(), best):
            m.model.load_state_dict(best)
            test_acc = acc_of(m.evaluate("test", device))
        else:  # the same weights and buffers: the same test numbers
            test_acc = acc_of(final)
    final_test_acc = acc_of(final) if final is not None else None
    state, summary = trial_summary(
        progress.history,
        best=(progress.best_val_acc, progress.best_epoch),
        test_acc=test_acc,
        final_test_acc=final_test_acc,
        steps=progress.step,
        wall_s=progress.wall_s,
        checkpoint=str(best_path) if best_path.is_file() else None,
        diverged_at=diverged_at,
        key=m.task.scored_by.key,
    )
    if m.task.scored_by.name not in metrics_lib.BUILTIN:  # analysis elsewhere needs no user code
        summary.update(metrics_lib.describe(m.task.scored_by))
    summary["env"] = {
        "threads": torch.get_num_threads(),
        "memory_format": "channels_last" if m.channels_last else "contiguous",
    }
    emit("end", {"state": state, **summary})
    return TrialResult(config.trial_id, state, summary, list(progress.history), out_dir)
