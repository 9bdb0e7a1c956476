"""Build a vectorized group: shared data, one seeded model and optimizer per trial, and the
checks that send a trial back to the serial path instead.

A trial groups when its model has no active dropout (the serial trainer draws dropout masks from
the global RNG, which a vmapped pass cannot reproduce), its schedule is not metric-driven, its
optimizer has a batched rule (:mod:`optarena.study.batched`) and no train/eval switch, and its
model's parameters and buffers have the shapes of the group's first model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from optarena import data as data_lib
from optarena import optim
from optarena.study.batched import UnsupportedError, rule_for
from optarena.study.batched.group import family_key
from optarena.study.executors.base import Job
from optarena.train.materials import check_optimizer_and_schedule, param_groups, resolve_task


def group_key(job: Job) -> tuple[Any, ...]:
    """Trials with equal keys share data, model architecture, batch size and epochs."""
    c = job.config
    options = json.dumps(c.task_options, sort_keys=True, default=str)
    return (
        c.task,
        c.data,
        c.model,
        c.epochs,
        c.batch_size,
        c.subset,
        c.device,
        c.data_dir,
        options,
    )


@dataclass
class Member:
    """One trial of a group: its job, seeded model, optimizer and schedule (or None)."""

    job: Job
    model: nn.Module
    optimizer: torch.optim.Optimizer
    schedule: Any


@dataclass
class GroupSetup:
    """What a group shares, and its members."""

    task: Any
    dataset: data_lib.Dataset
    transform: Any
    epochs: int
    batch_size: int
    device: torch.device
    members: list[Member]


def _signature(model: nn.Module) -> list[tuple[str, tuple[int, ...], torch.dtype]]:
    return [(k, tuple(v.shape), v.dtype) for k, v in model.state_dict().items()]


def _why_not(model: nn.Module, optimizer: torch.optim.Optimizer, schedule: Any) -> str | None:
    if any(isinstance(m, nn.modules.dropout._DropoutNd) and m.p > 0 for m in model.modules()):
        return "dropout"
    if any(
        isinstance(m, nn.modules.batchnorm._BatchNorm) and m.momentum is None
        for m in model.modules()
    ):
        return "batch-norm with a cumulative average"
    if getattr(schedule, "metric_driven", False):
        return "metric-driven schedule"
    if callable(getattr(optimizer, "train", None)):
        return "optimizer with a train/eval switch"
    try:
        rule_for(optimizer, list(model.parameters()))
    except UnsupportedError as exc:
        return str(exc)
    return None


def build_group(jobs: list[Job], device: torch.device) -> tuple[GroupSetup | None, list[Job]]:
    """The group of ``jobs`` that can be vectorized, and the jobs that must run serially (a
    trial whose config is bad runs serially too, so it fails exactly as it would there)."""
    try:
        first = jobs[0].config
        task = resolve_task(first)
        if getattr(task, "custom", False):  # a user's loss/metric: the serial trainer's path
            return None, list(jobs)
        dataset = task.load_data(
            data_dir=first.data_dir, download=first.download, subset=first.subset, seed=0
        )
        transform = data_lib.make_transform(
            dataset.train, normalize=task.normalize, augment=tuple(task.augment)
        )
    except Exception:
        return None, list(jobs)
    members: list[Member] = []
    serial: list[Job] = []
    signature = None
    for job in jobs:
        c = job.config
        try:
            schedule = check_optimizer_and_schedule(c)
            torch.manual_seed(c.seed)
            model = task.build_model(dataset).to(device)
            groups = param_groups(model, c.no_decay_norm_bias)
            optimizer = optim.create(c.optimizer, groups, lr=c.lr, **c.opt)
        except Exception:
            serial.append(job)
            continue
        signature = signature or _signature(model)
        if _why_not(model, optimizer, schedule) or _signature(model) != signature:
            serial.append(job)
            continue
        members.append(Member(job, model, optimizer, schedule))
    if not members:
        return None, serial
    # trials of one optimizer family side by side: each family updates a slice, not a gather
    members.sort(key=lambda m: family_key(m.optimizer, list(m.model.parameters())))
    setup = GroupSetup(
        task=task,
        dataset=dataset,
        transform=transform,
        epochs=first.epochs or task.epochs,
        batch_size=first.batch_size or task.batch_size,
        device=device,
        members=members,
    )
    return setup, serial


def lr_table(members: list[Member], start_step: int, epoch: int, steps: int) -> torch.Tensor:
    """The learning rate of every trial at each step of ``epoch`` ([steps, K], float64), as the
    serial trainer sets it (a step-unit schedule counts steps, an epoch-unit one epochs)."""
    columns = []
    for m in members:
        c = m.job.config
        if m.schedule is None:
            columns.append([c.lr] * steps)
        elif c.schedule_unit == "step":
            columns.append([float(m.schedule(start_step + s)) for s in range(steps)])
        else:
            columns.append([float(m.schedule(epoch - 1))] * steps)
    return torch.tensor(columns, dtype=torch.float64).T.reshape(steps, len(members))
