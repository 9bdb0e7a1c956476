"""Build everything one trial needs from its config, checking every name and value first.

All validation happens here, before the first training step: an unknown optimizer, schedule or
task, a bad hyper-parameter or missing data raise ``ValueError``/``FileNotFoundError`` at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from optarena import data as data_lib
from optarena import optim, schedules, tasks
from optarena.optim.routing import role_groups
from optarena.train import datacache
from optarena.train.config import TrialConfig
from optarena.train.evaluate import evaluate


@dataclass
class Materials:
    """The live objects of one trial."""

    task: Any
    dataset: data_lib.Dataset
    model: nn.Module
    optimizer: torch.optim.Optimizer
    schedule: Any  # a schedule, or None for a constant lr
    transform: Any
    epochs: int
    batch_size: int
    needs_closure: bool = False  # the optimizer's step re-evaluates the batch (L-BFGS)
    channels_last: bool = False  # inputs and conv weights in NHWC (``layout.py``)

    def evaluate(self, split: str, device: torch.device) -> tuple[float, float]:
        """Mean loss and the task's metric (accuracy by default) on ``"train"``, ``"val"`` or
        ``"test"`` (eval mode, no grad)."""
        return evaluate(
            self.model,
            getattr(self.dataset, split),
            loss_fn=self.task.loss_fn,
            metric_sum=self.task.metric_sum,
            finish=self.task.scored_by.finish,
            transform=self.transform,
            batch_size=max(self.batch_size, 256),
            device=device,
        )

    @property
    def has_batchnorm(self) -> bool:
        return any(isinstance(mod, nn.modules.batchnorm._BatchNorm) for mod in self.model.modules())


def resolve_task(config: TrialConfig) -> Any:
    """The registered task, or one built from a data path; ``model`` overrides the default and
    ``task_options`` override other task fields (``model_kwargs`` is merged, not replaced)."""
    if config.task is not None:
        task = tasks.get(config.task)
        if config.model is not None:
            task = task.replace(model=config.model)
    else:
        task = tasks.from_data(config.data, model=config.model)
    options = dict(config.task_options)
    if "model_kwargs" in options:
        options["model_kwargs"] = {**task.model_kwargs, **options["model_kwargs"]}
    return task.replace(**options) if options else task


def check_optimizer_and_schedule(config: TrialConfig) -> Any:
    """Fail fast on bad optimizer/schedule names or values (before any data is read)."""
    probe = [torch.zeros(1, requires_grad=True)]
    optim.create(config.optimizer, probe, lr=config.lr, **config.opt)
    if config.schedule is None:
        return None
    return schedules.create(config.schedule, config.lr, **config.sched)


def param_groups(model: nn.Module, no_decay_norm_bias: bool) -> list[dict[str, Any]]:
    """One group, or two when biases and normalisation weights (1-D tensors) skip weight decay."""
    params = [p for p in model.parameters() if p.requires_grad]
    if not no_decay_norm_bias:
        return [{"params": params}]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    return [{"params": decay}, {"params": no_decay, "weight_decay": 0.0}]


def load_dataset(config: TrialConfig, task: Any) -> tuple[data_lib.Dataset, Any]:
    """The trial's dataset and transform (kept between trials when ``datacache`` is on)."""

    def load() -> tuple[data_lib.Dataset, Any]:
        dataset = task.load_data(
            data_dir=config.data_dir, download=config.download, subset=config.subset, seed=0
        )
        return dataset, task.make_transform(dataset.train)

    key = (repr(task), config.data_dir, config.download, config.subset)
    return datacache.cached(key, load)


def build_model(config: TrialConfig, device: torch.device) -> tuple[Any, Any, nn.Module, Any]:
    """Task, data, the seeded model and the transform of ``config`` (what evaluating a
    checkpoint needs)."""
    task = resolve_task(config)
    dataset, transform = load_dataset(config, task)
    torch.manual_seed(config.seed)
    return task, dataset, task.build_model(dataset).to(device), transform


def build_materials(config: TrialConfig, device: torch.device) -> Materials:
    """Task, data, seeded model, optimizer, schedule and transform for ``config``."""
    schedule = check_optimizer_and_schedule(config)
    task, dataset, model, transform = build_model(config, device)
    opt_spec = optim.spec(config.optimizer)
    if opt_spec.routes_params:
        groups = role_groups(model, config.no_decay_norm_bias)
    else:
        groups = param_groups(model, config.no_decay_norm_bias)
    optimizer = optim.create(config.optimizer, groups, lr=config.lr, **config.opt)
    return Materials(
        task=task,
        dataset=dataset,
        model=model,
        optimizer=optimizer,
        schedule=schedule,
        transform=transform,
        epochs=config.epochs or task.epochs,
        batch_size=config.batch_size or task.batch_size,
        needs_closure=opt_spec.needs_closure,
    )
