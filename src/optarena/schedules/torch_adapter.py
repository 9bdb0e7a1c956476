"""``to_torch``: a schedule as a ``torch.optim.lr_scheduler.LRScheduler`` for plain loops.

optarena's trainer sets the rate itself; this adapter exists so a schedule drops into any
PyTorch loop (``optimizer.step(); scheduler.step()``). Its ``state_dict`` holds only plain
data (the count and the schedule's config, with callables stored as ``module:function`` paths),
so it survives ``torch.save`` / ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

from typing import Any, SupportsFloat

from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler

from optarena.schedules.base import Schedule
from optarena.schedules.plateau import ReduceOnPlateau
from optarena.schedules.registry import from_config


def _set_lr(optimizer: Optimizer, lr: float) -> list[float]:
    for group in optimizer.param_groups:
        group["lr"] = lr
    return [lr] * len(optimizer.param_groups)


def _restore(current: Any, config: dict[str, Any]) -> Any:
    """Keep the current schedule when the saved config matches it, else rebuild it."""
    return current if current.config() == config else from_config(config)


class ScheduleLR(LRScheduler):
    """``step()`` advances the count by one and sets every param group's ``lr`` to ``s(count)``;
    right after construction the rate is ``s(0)``."""

    def __init__(self, optimizer: Optimizer, schedule: Schedule) -> None:
        if schedule.metric_driven:
            raise ValueError("a metric-driven schedule needs PlateauLR (use to_torch)")
        self.schedule = schedule
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:  # type: ignore[override]
        return [self.schedule(self.last_epoch)] * len(self.optimizer.param_groups)

    def state_dict(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "schedule")}
        state["schedule"] = self.schedule.config()
        return state

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        state = dict(state_dict)
        config = state.pop("schedule", None)
        if config is not None:
            self.schedule = _restore(self.schedule, config)
        self.__dict__.update(state)


class PlateauLR(LRScheduler):
    """Drives a :class:`ReduceOnPlateau` like torch's ``ReduceLROnPlateau``: ``step(metric)``
    feeds one metric value and sets every param group's ``lr`` to the schedule's rate. The
    schedule object is shared: ``s.lr`` follows the optimizer."""

    def __init__(self, optimizer: Optimizer, schedule: ReduceOnPlateau) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        self.schedule = schedule
        self.last_epoch = schedule.last_epoch
        self.base_lrs = [schedule.base_lr] * len(optimizer.param_groups)
        self._last_lr = _set_lr(optimizer, schedule.lr)

    def get_lr(self) -> list[float]:  # type: ignore[override]
        return [self.schedule.lr] * len(self.optimizer.param_groups)

    def step(self, metrics: SupportsFloat, epoch: None = None) -> None:  # type: ignore[override]
        if epoch is not None:
            raise ValueError("PlateauLR.step takes no epoch; pass only the metric")
        self.schedule.step(metrics)
        self.last_epoch = self.schedule.last_epoch
        self._last_lr = _set_lr(self.optimizer, self.schedule.lr)

    def state_dict(self) -> dict[str, Any]:
        return {"schedule": self.schedule.config(), "state": self.schedule.state_dict()}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.schedule = _restore(self.schedule, state_dict["schedule"])
        self.schedule.load_state_dict(state_dict["state"])
        self.last_epoch = self.schedule.last_epoch
        self._last_lr = [self.schedule.lr] * len(self.optimizer.param_groups)


def to_torch(schedule: Schedule, optimizer: Optimizer) -> LRScheduler:
    """An ``LRScheduler`` driving ``optimizer`` by ``schedule``.

    Every param group gets the same rate ``s(count)``. For ``reduce-on-plateau`` the result's
    ``step(metric)`` works like torch's ``ReduceLROnPlateau.step``.
    """
    if not isinstance(schedule, Schedule):
        raise ValueError(f"to_torch needs an optarena schedule, got {type(schedule).__name__}")
    if isinstance(schedule, ReduceOnPlateau):
        return PlateauLR(optimizer, schedule)
    return ScheduleLR(optimizer, schedule)
