"""Check a whole resolved study before any trial is registered (issue 20).

``parse_spec`` checks shapes and ``check_names`` checks registry names; this module checks what
only the resolved trials reveal: that the device exists here, that the model (and its keyword
arguments) exists for the task, that data paths and ``data_dir`` exist, that every optimizer and
schedule accepts its arguments, and the run flags (executor, workers, lease). Nothing here
trains, reads a dataset or writes a file.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a finished study's re-run checks its flags without importing torch
    from optarena.train.config import TrialConfig


def check_run_flags(executor: str, workers: int | None, lease_s: float) -> None:
    """The executor name, ``--workers`` (a positive count) and ``--lease`` (positive seconds)."""
    from optarena.study.executors import EXECUTORS

    if executor not in EXECUTORS:
        from optarena.errors import unknown_name

        raise unknown_name("executor", executor, list(EXECUTORS))
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise ValueError(f"--workers must be at least 1, got {workers}")
    if not lease_s > 0 or lease_s == float("inf"):
        raise ValueError(f"--lease must be a positive number of seconds, got {lease_s}")


def check_device(name: str) -> None:
    """``auto`` or a device that exists on this machine (``cuda:99`` without 100 GPUs fails)."""
    import torch

    from optarena.train.device import resolve_device

    device = resolve_device(name)
    if device.type == "cuda" and device.index is not None:
        if device.index >= torch.cuda.device_count():
            count = torch.cuda.device_count()
            raise ValueError(f"device {name!r} does not exist here ({count} CUDA devices)")


def check_trials(configs: Iterable[TrialConfig]) -> None:
    """Every check of this module on each distinct trial setting (cheap: no data is read)."""
    from optarena.train.materials import check_optimizer_and_schedule, resolve_task

    seen_tasks: set[str] = set()
    seen_hparams: set[str] = set()
    for config in configs:
        key = repr((config.optimizer, config.lr, config.opt, config.schedule, config.sched))
        if key not in seen_hparams:
            seen_hparams.add(key)
            schedule = check_optimizer_and_schedule(config)
            if schedule is not None:
                _probe_schedule(schedule)
        task_key = repr((config.task, config.data, config.model, config.task_options))
        if task_key in seen_tasks:
            continue
        seen_tasks.add(task_key)
        check_device(config.device)
        if config.data_dir is not None and not Path(config.data_dir).expanduser().is_dir():
            raise FileNotFoundError(f"--data-dir {config.data_dir!r} is not a folder")
        task = resolve_task(config)
        if not task.dataset:
            raise ValueError(
                f"task {task.name!r} is a template: give its data with --data PATH (or `data`)"
            )
        if not getattr(task, "custom", False):  # a UserTask builds its own model
            _check_model(task.model, task.model_kwargs)


def _probe_schedule(schedule: Any) -> None:
    """A schedule must give a finite number at its first steps (catches a non-function)."""
    try:
        for t in (0, 1):
            value = schedule(t)
            float(value)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise ValueError(f"schedule {schedule!r} cannot compute a learning rate: {exc}") from None


def _check_model(name: str, kwargs: dict[str, Any]) -> None:
    """A registered model (or ``module:Name``) that takes ``kwargs``."""
    from optarena import models
    from optarena.imports import is_object_path, load_object
    from optarena.tasks.task import AUTO

    if name == AUTO:
        return
    factory = load_object(name) if is_object_path(name) else models.spec(name).factory
    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return
    names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    unknown = sorted(set(kwargs) - names)
    if unknown:
        raise ValueError(
            f"model {name!r} has no argument {', '.join(map(repr, unknown))} "
            f"(it takes: {', '.join(sorted(names - {'input_shape', 'num_classes'}))})"
        )


def validate_spec(spec: Any) -> None:
    """Check every trial ``spec`` expands to (LR keywords are checked at defaults: the tuned
    rates come later from the same optimizers), plus its ``[pretrain]`` trial."""
    import dataclasses

    from optarena.study.expand import expand

    probe = spec if not isinstance(spec.lrs, str) else dataclasses.replace(spec, lrs="default")
    check_trials(expand(probe))
    if spec.pretrain is not None:
        from optarena.study.pretrain import pretrain_config

        check_trials([pretrain_config(spec)])
