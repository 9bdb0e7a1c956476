"""Compositions and torch's factor schedules: sequential, chained, linear-lr, constant-lr and
polynomial-lr.

Follow torch ``SequentialLR`` and ``ChainedScheduler`` (any number of schedules) and
``LinearLR``, ``ConstantLR``, ``PolynomialLR`` (closed forms of the rates torch's recursive
updates produce). Reference: https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate
"""

from __future__ import annotations

import dataclasses
from typing import Any

from optarena.schedules.base import (
    Schedule,
    _freeze,
    check_increasing_ints,
    check_int,
    check_number,
    check_positive,
)
from optarena.schedules.warmup import resolve_after


def _children(name: str, items: Any, base_lr: float) -> tuple[Schedule, ...]:
    if isinstance(items, (str, bytes)) or not isinstance(items, (list, tuple)):
        raise ValueError(f"{name}: schedules must be a list, got {items!r}")
    if not items:
        raise ValueError(f"{name}: schedules must not be empty")
    return tuple(resolve_after(item, base_lr) for item in items)


@dataclasses.dataclass(frozen=True)
class Sequential(Schedule):
    """torch ``SequentialLR``: ``schedules[i](t - milestones[i-1])`` between milestones.

    Each entry of ``schedules`` is a name, a ``{"name", "params", "base_lr"}`` mapping, a number
    or a schedule (built at ``base_lr`` unless it says otherwise); ``milestones`` has one entry
    fewer, strictly increasing.
    """

    schedules: tuple[Any, ...]
    milestones: tuple[int, ...] = ()
    name = "sequential"

    def __post_init__(self) -> None:
        super().__post_init__()
        children = _children(self.name, self.schedules, self.base_lr)
        _freeze(self, "schedules", children)
        milestones = () if len(children) == 1 else self.milestones
        if len(children) > 1:
            milestones = check_increasing_ints("milestones", self.milestones)
        if len(milestones) != len(children) - 1:
            raise ValueError(
                f"sequential needs one milestone fewer than schedules, got {len(milestones)} "
                f"milestones for {len(children)} schedules"
            )
        _freeze(self, "milestones", tuple(milestones))

    def _lr(self, t: int) -> float:
        start = 0
        for child, milestone in zip(self.schedules, self.milestones, strict=False):
            if t < milestone:
                return child(t - start)
            start = milestone
        return self.schedules[-1](t - start)


@dataclasses.dataclass(frozen=True)
class Chained(Schedule):
    """torch ``ChainedScheduler``: the product ``base_lr * prod_i s_i(t) / s_i.base_lr`` of
    multiplicative schedules, each built at ``base_lr`` unless it says otherwise."""

    schedules: tuple[Any, ...]
    name = "chained"

    def __post_init__(self) -> None:
        super().__post_init__()
        _freeze(self, "schedules", _children(self.name, self.schedules, self.base_lr))

    def _lr(self, t: int) -> float:
        lr = self.base_lr
        for child in self.schedules:
            lr *= child(t) / child.base_lr
        return lr


def _check_factor(name: str, value: Any) -> float:
    if not 0 <= check_number(name, value) <= 1:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return float(value)


@dataclasses.dataclass(frozen=True)
class LinearFactor(Schedule):
    """torch ``LinearLR`` (Paddle ``LinearLR``): the factor goes linearly from
    ``start_factor`` to ``end_factor`` over ``total_iters`` counts, then stays."""

    start_factor: float = 1.0 / 3
    end_factor: float = 1.0
    total_iters: int = 5
    name = "linear-lr"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not 0 < check_number("start_factor", self.start_factor) <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {self.start_factor!r}")
        _check_factor("end_factor", self.end_factor)
        check_int("total_iters", self.total_iters)

    def _lr(self, t: int) -> float:
        done = min(t, self.total_iters) / self.total_iters
        return self.base_lr * (self.start_factor + (self.end_factor - self.start_factor) * done)


@dataclasses.dataclass(frozen=True)
class ConstantFactor(Schedule):
    """torch ``ConstantLR``: ``base_lr * factor`` for ``t < total_iters``, ``base_lr`` after."""

    factor: float = 1.0 / 3
    total_iters: int = 5
    name = "constant-lr"

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_factor("factor", self.factor)
        check_int("total_iters", self.total_iters, 0)

    def _lr(self, t: int) -> float:
        return self.base_lr * (self.factor if t < self.total_iters else 1.0)


@dataclasses.dataclass(frozen=True)
class PolynomialFactor(Schedule):
    """torch ``PolynomialLR``: ``base_lr * (1 - min(t, total_iters) / total_iters) ** power``
    (zero from ``total_iters`` on)."""

    total_iters: int = 5
    power: float = 1.0
    name = "polynomial-lr"

    def __post_init__(self) -> None:
        super().__post_init__()
        check_int("total_iters", self.total_iters)
        check_positive("power", self.power)

    def _lr(self, t: int) -> float:
        return self.base_lr * (1.0 - min(t, self.total_iters) / self.total_iters) ** self.power
