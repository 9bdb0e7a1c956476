"""Build a vectorized group: shared data, one seeded model and optimizer per trial, and the
checks that send a trial back to the serial path instead.

A trial groups when its model's only random layers are ``nn.Dropout`` modules called once per
forward (their masks are drawn per trial: :mod:`~optarena.study.executors.vec_forward`), its
optimizer has a batched rule (:mod:`optarena.study.batched`) and no train/eval switch, and its
model's parameters and buffers have the shapes of the group's first model. A metric-driven
schedule (``reduce-on-plateau``) groups: the host steps each trial's own schedule once per
epoch with its validation loss, as the serial trainer does.
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
from optarena.study.executors.vec_forward import functional_base, mask_call_order
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
    #: the global CPU RNG state right after the model was built (where dropout draws start)
    rng: torch.Tensor | None = None


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
    #: the meta model the group calls functionally (dropout replaced by masks)
    base: nn.Module | None = None
    #: the dropout masks in forward order with their shapes (vec_forward.mask_call_order)
    mask_order: list[tuple[str, float, tuple[int, ...]]] | None = None


def _signature(model: nn.Module) -> list[tuple[str, tuple[int, ...], torch.dtype]]:
    return [(k, tuple(v.shape), v.dtype) for k, v in model.state_dict().items()]


def _why_not(model: nn.Module, optimizer: torch.optim.Optimizer, schedule: Any) -> str | None:
    if any(
        isinstance(m, nn.modules.dropout._DropoutNd) and type(m) is not nn.Dropout and m.p > 0
        for m in model.modules()
    ):
        return "dropout other than nn.Dropout"
    if any(
        isinstance(m, (nn.MultiheadAttention, nn.TransformerEncoderLayer))
        and getattr(m, "dropout", 0) not in (0, 0.0)
        and not isinstance(getattr(m, "dropout", 0), nn.Module)
        for m in model.modules()
    ):
        return "attention dropout"
    if any(
        isinstance(m, nn.modules.batchnorm._BatchNorm) and m.momentum is None
        for m in model.modules()
    ):
        return "batch-norm with a cumulative average"
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
            rng = torch.get_rng_state()
            groups = param_groups(model, c.no_decay_norm_bias)
            optimizer = optim.create(c.optimizer, groups, lr=c.lr, **c.opt)
        except Exception:
            serial.append(job)
            continue
        signature = signature or _signature(model)
        if _why_not(model, optimizer, schedule) or _signature(model) != signature:
            serial.append(job)
            continue
        members.append(Member(job, model, optimizer, schedule, rng))
    if not members:
        return None, serial
    base, masks = functional_base(members[0].model)
    try:
        order = mask_call_order(base, masks, example_inputs(dataset, transform))
    except Exception:  # a model that cannot be traced on meta tensors
        order = None
    if order is None:  # a dropout called twice or not at all: its draws cannot be replayed
        return None, serial + [m.job for m in members]
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
        base=base,
        mask_order=order,
    )
    return setup, serial


def example_inputs(dataset: data_lib.Dataset, transform: Any) -> torch.Tensor:
    """Two prepared training inputs as meta tensors (for tracing shapes)."""
    x = dataset.train.x[:2]
    x = transform(x, seed=0, epoch=0, batch_index=0, train=False) if transform else x.float()
    return x.to("meta")


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
